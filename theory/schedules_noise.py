r"""Schedules under gradient noise: the final expected loss of scheduled SGD, bias plus variance (SymPy).

On one eigen-direction (:math:`x^* = 0`) SGD with the step sizes :math:`\eta_0, \dots, \eta_{T-1}` of a schedule
and the stochastic gradient :math:`g = \lambda x + w`, :math:`\mathbb E w = 0`, :math:`\mathbb E w^2 = s^2`,
is :math:`x_{t+1} = q_t x_t - \eta_t w_t` with :math:`q_t = 1 - \eta_t\lambda`.  Its second moment
:math:`v_t = \mathbb E x_t^2` obeys the scalar Lyapunov recursion (the one-state case of
:mod:`theory.noisy_quadratic`)

.. math:: v_{t+1} = q_t^2 v_t + \eta_t^2 s^2 ,

so after :math:`T` steps

.. math:: v_T = \underbrace{v_0\prod_{t<T} q_t^2}_{\text{bias}}
          + \underbrace{s^2\sum_{t<T}\eta_t^2\prod_{t<j<T} q_j^2}_{\text{variance}} .

The bias is the square of the schedule's residual polynomial (:mod:`theory.schedules`, where the order of the
factors does not matter); the variance weights the late steps most, so under noise the order *does* matter.  For
a constant step :math:`v_t = q^{2t}v_0 + \eta^2 s^2(1-q^{2t})/(1-q^2)`, which tends, for :math:`0 < \eta\lambda < 2`,
to the noise floor :math:`\eta s^2/(\lambda(2-\eta\lambda))` (SGD's stationary variance); the loss floor of a
spectrum is :math:`\tfrac12\sum_i\lambda_i v_i^\infty = \tfrac12\sum_i \eta s_i^2/(2-\eta\lambda_i)`.  The final
loss of a schedule is affine in :math:`\sigma^2` for additive noise, :math:`B + \sigma^2 V`, so two schedules
trade places at :math:`\sigma_*^2 = (B_a - B_b)/(V_b - V_a)`.

Sources: the recursion is the second-moment (Lyapunov) recursion of a linear system driven by white noise
(e.g. Zhang, Li, Nado et al., NeurIPS 2019, Sec. 3, for the noisy quadratic model); the floor is SGD's stationary
variance (Polyak & Juditsky 1992; derived in :func:`theory.noisy_quadratic.sgd_stationary_derivation`).
"""
from __future__ import annotations

import sympy as sp

from .derivation import Derivation, Step, is_zero
from .linear_engine import LAMBDA
from .noisy_quadratic import replace_latex

__all__ = ["final_loss_derivation", "stationary_floor", "crossover_sigma2", "UNROLL_STEPS", "TOPIC"]

TOPIC = "schedules-noise"
#: the unrolled formula is checked with this many independent step sizes
UNROLL_STEPS = 5

S2 = sp.Symbol("s^2", positive=True)
ETA = sp.Symbol("eta", positive=True)
V0 = sp.Symbol("v_0", nonnegative=True)
V = sp.Symbol("v_t", nonnegative=True)
T_ = sp.Symbol("t", integer=True, nonnegative=True)


def stationary_floor(eta, lam, var):
    r""":math:`\eta s^2/(\lambda(2 - \eta\lambda))`: the limit of :math:`\mathbb E x_t^2` under a constant step."""
    return eta * var / (lam * (2 - eta * lam))


def crossover_sigma2(bias_a, var_a, bias_b, var_b):
    r""":math:`\sigma_*^2 = (B_a - B_b)/(V_b - V_a)`: where the final losses :math:`B + \sigma^2 V` of two schedules
    are equal (``None`` when the variance parts are equal)."""
    return None if var_a == var_b else (bias_a - bias_b) / (var_b - var_a)


def final_loss_derivation(matrix: sp.Matrix, noise_input: sp.Matrix, lr: sp.Symbol) -> Derivation:
    r"""The final expected loss of scheduled SGD: ``matrix`` and ``noise_input`` are the traced model of the
    scheduled gradient descent value (:func:`theory.noisy_quadratic.noisy_model`; ``lr`` its per-step step-size
    symbol), checked against :math:`q_t = 1 - \eta_t\lambda`, :math:`b_t = -\eta_t`; then the recursion, its
    unrolled form, the constant-step solution, its limit and the loss floor, the crossover of two schedules."""
    lam = LAMBDA
    d = Derivation(TOPIC, r"Final expected loss of scheduled SGD under noise",
                   symbols={"eta": ETA, "lambda": lam, "s^2": S2},
                   source="Lyapunov recursion of a noise-driven linear system; Zhang et al. (2019), Sec. 3")
    q = 1 - lr * lam
    d.add(replace_latex(Step.identity(
        "traced model", sp.Matrix([[matrix[0, 0], noise_input[0]]]), sp.Matrix([[q, -lr]]),
        r"Tracing the scheduled gradient-descent value with $g = \lambda x + w$ gives "
        r"$x_{t+1} = (1 - \eta_t\lambda)x_t - \eta_t w_t$: one state, $M_t = q_t$, $b_t = -\eta_t$ ($\eta_t$ the "
        r"per-step scalar of the schedule)."), r"(M_t,\ b_t) &= (1 - \eta_t\lambda,\ -\eta_t)"))
    lyap = matrix[0, 0] * V * matrix[0, 0] + S2 * noise_input[0] ** 2
    d.add(replace_latex(Step.identity(
        "second-moment recursion", lyap, q ** 2 * V + lr ** 2 * S2,
        r"With $w_t$ independent of $x_t$, $\mathbb{E}x_{t+1}^2 = M_t^2\,\mathbb{E}x_t^2 + s^2 b_t^2$."),
        r"v_{t+1} &= q_t^2 v_t + \eta_t^2 s^2"))
    qc = 1 - ETA * lam
    closed = qc ** (2 * T_) * V0 + ETA ** 2 * S2 * (1 - qc ** (2 * T_)) / (1 - qc ** 2)
    nxt = closed.subs(T_, T_ + 1)
    d.add(replace_latex(Step.identity(
        "constant step", sp.expand_power_base(nxt - (qc ** 2 * closed + ETA ** 2 * S2), force=True), 0,
        r"With $\eta_t = \eta$ the closed form satisfies the recursion (and equals $v_0$ at $t = 0$).",
        simplifier=lambda e: sp.simplify(sp.powsimp(sp.expand(e), force=True))),
        r"v_t &= q^{2t}v_0 + \eta^2 s^2\,\frac{1 - q^{2t}}{1 - q^2}, \quad q = 1 - \eta\lambda"))
    u = sp.Symbol("u", positive=True)
    d.add(replace_latex(Step.limit("the bias vanishes", (1 / (1 + u)) ** T_, T_, sp.oo, 0,
                                   r"For $0 < \eta\lambda < 2$, $q^2 < 1$; write $q^2 = 1/(1+u)$, $u > 0$: "
                                   r"$q^{2t} \to 0$."),
                        r"\lim_{t\to\infty} q^{2t} &= 0 \quad (0 < \eta\lambda < 2)"))
    floor = stationary_floor(ETA, lam, S2)
    d.add(replace_latex(Step.identity("noise floor", ETA ** 2 * S2 / (1 - qc ** 2), floor,
                                      r"What is left is $\eta^2 s^2/(1 - q^2)$, SGD's stationary variance."),
                        r"\lim_{t\to\infty} v_t &= \frac{\eta^2 s^2}{1 - q^2} = \frac{\eta s^2}{\lambda(2 - \eta\lambda)}"))
    d.add(replace_latex(Step.identity("loss floor", lam / 2 * floor, ETA * S2 / (2 * (2 - ETA * lam)),
                                      r"The direction's loss is $\frac{\lambda}{2}v$; summed over the spectrum, the "
                                      r"constant step's expected loss plateaus at $\frac12\sum_i\eta s_i^2/(2 - \eta\lambda_i)$."),
                        r"\frac{\lambda}{2}\lim_{t\to\infty} v_t &= \frac{\eta s^2}{2(2 - \eta\lambda)}"))
    Ba, Va, Bb, Vb, x = sp.symbols("B_a V_a B_b V_b sigma_*^2", positive=True)
    d.add(Step.custom("crossover of two schedules", sp.Eq(x, (Ba - Bb) / (Vb - Va)),
                      r"The final loss is affine in the noise variance, $B + \sigma^2 V$ (bias and variance part "
                      r"per unit variance); two schedules give the same final loss at one $\sigma_*^2$.",
                      lambda: _solved(sp.Eq(Ba + x * Va, Bb + x * Vb), x, (Ba - Bb) / (Vb - Va)), "solve",
                      "the solution of B_a + x V_a = B_b + x V_b",
                      latex_statement=r"\sigma_*^2 &= \frac{B_a - B_b}{V_b - V_a}"))
    etas = sp.symbols(f"eta_0:{UNROLL_STEPS}", positive=True)
    qs = [1 - e * lam for e in etas]
    v = V0
    for e, qq in zip(etas, qs):
        v = qq ** 2 * v + e ** 2 * S2
    bias = V0 * sp.Mul(*[qq ** 2 for qq in qs])
    var = S2 * sum(etas[t] ** 2 * sp.Mul(*[qs[j] ** 2 for j in range(t + 1, UNROLL_STEPS)])
                   for t in range(UNROLL_STEPS))
    step = Step.identity("unrolled: bias plus variance", v, bias + var,
                         rf"Applying the recursion {UNROLL_STEPS} times with independent step sizes "
                         r"$\eta_0, \dots, \eta_4$ gives the bias $v_0\prod_t q_t^2$ (the noise-free residual "
                         r"polynomial squared) plus the variance $s^2\sum_t \eta_t^2\prod_{j>t} q_j^2$; the general "
                         r"$T$ is the same induction step; the direction's final loss is $\frac{\lambda}{2}v_T$.")
    d.add(replace_latex(step, r"\frac{\lambda}{2}v_T &= \frac{\lambda}{2}\Bigl(v_0\prod_{t<T} q_t^2 + "
                              r"s^2\sum_{t<T}\eta_t^2\prod_{t<j<T} q_j^2\Bigr)"))
    d.results.update({"floor": floor, "loss_floor": ETA * S2 / (2 * (2 - ETA * lam)), "unrolled": bias + var})
    return d


def _solved(eq, x, expected):
    (sol,) = sp.solve(eq, x)
    return is_zero(sol - expected)
