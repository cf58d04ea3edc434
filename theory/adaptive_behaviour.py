r"""How the adaptive methods behave: the online counterexample of Reddi, Kale & Kumar (2018), RMSprop's
two-cycle on a quadratic, and the invariance of Adam to the scale of each coordinate's gradient.

* **Counterexample** (Reddi et al. 2018, Sec. 3): :math:`f_t(x) = Cx` for :math:`t \bmod 3 = 1`, :math:`-x`
  otherwise, on :math:`[-1, 1]`, :math:`C > 2`, :math:`\beta_1 = 0`, :math:`\beta_2 = 1/(1 + C^2)`, step
  :math:`\alpha_t = \alpha/\sqrt t`, :math:`\epsilon = 0`.  The gradients :math:`C, -1, -1, \dots` do not depend on
  :math:`x`, so the second moment is a fixed sequence that settles on a 3-periodic steady state
  :math:`(v_1, v_2, v_3)` (solved exactly).  With it, one period of Adam moves :math:`x` by
  :math:`\alpha_t(-C/\sqrt{v_1} + 1/\sqrt{v_2} + 1/\sqrt{v_3})`, which is positive at :math:`C = 3`: Adam is pushed
  to :math:`+1` and, once there, returns to it every period.  The regret of a period at these points is
  :math:`2C - 4 + \alpha_t(2C/\sqrt{v_1} - 1/\sqrt{v_2})`, so :math:`R_T/T = (2C - 4)/3 + K/\sqrt T + o(T^{-1/2})`
  with :math:`K = \tfrac{2\alpha}{3}(2C/\sqrt{v_1} - 1/\sqrt{v_2})`: the average regret tends to :math:`(2C-4)/3`,
  not to 0.  AMSGrad's maximum settles on :math:`v_1`, the largest of the three, and one period moves :math:`x`
  by :math:`\alpha_t(2 - C)/\sqrt{v_1} < 0`: it is pushed to :math:`-1`, the best point, and stays within
  :math:`2\alpha_{t}/\sqrt{v_1}` of it.
* **RMSprop's two-cycle** on :math:`f = \tfrac12\lambda x^2`: :math:`x = \pm a` with :math:`v = \lambda^2 a^2` is
  a fixed cycle of the map :math:`v \leftarrow \alpha v + (1 - \alpha)g^2`, :math:`x \leftarrow x - \eta g/(\sqrt v +
  \epsilon)` exactly when :math:`a = \eta/2 - \epsilon/\lambda`: peak-to-peak amplitude :math:`\eta - 2\epsilon/\lambda`.
* **Scale invariance**: with :math:`\epsilon = 0`, multiplying every gradient of a coordinate by :math:`c > 0`
  multiplies :math:`m` by :math:`c` and :math:`v` by :math:`c^2` and leaves Adam's step unchanged; on a diagonal
  quadratic the iterates therefore do not depend on the eigenvalues (the condition number plays no role there).
  The same cancellation removes an L2 coefficient where the loss is flat, while AdamW's decoupled decay is
  :math:`x_t = (1 - \eta\lambda)^t x_0` there.

Theory only: SymPy; the runs that confirm these are in :mod:`numerics.adaptive_behaviour`.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step

__all__ = ["reddi_derivation", "amsgrad_reddi_derivation", "rmsprop_cycle_derivation", "scale_invariance_derivation",
           "decoupled_decay_derivation", "behaviour_derivations", "REDDI_C"]

#: the C of the worked example (the derivation's sign steps are checked at this value)
REDDI_C = 3

C = sp.Symbol("C", positive=True)
s = sp.Symbol("s", positive=True)  # C = 2 + s
alpha = sp.Symbol("alpha", positive=True)
a_t = sp.Symbol("alpha_t", positive=True)
T = sp.Symbol("T", positive=True)
K = sp.Symbol("K", positive=True)
k = sp.Symbol("k", nonnegative=True)
v1, v2, v3 = sp.symbols("v_1 v_2 v_3", positive=True)


def _beta2(c):
    return 1 / (1 + c**2)


def steady_moments(c=C) -> tuple:
    r"""The 3-periodic steady state of :math:`v_t = \beta_2 v_{t-1} + (1 - \beta_2)g_t^2`, :math:`g = C, -1, -1`."""
    b = _beta2(c)
    sol = sp.linsolve([v1 - b * v3 - (1 - b) * c**2, v2 - b * v1 - (1 - b), v3 - b * v2 - (1 - b)], [v1, v2, v3])
    (V1, V2, V3), = sol
    return tuple(sp.factor(sp.cancel(e)) for e in (V1, V2, V3))


def _moment_equations(c=C):
    b = _beta2(c)
    return sp.Matrix([v1 - b * v3 - (1 - b) * c**2, v2 - b * v1 - (1 - b), v3 - b * v2 - (1 - b)])


@cache
def reddi_derivation() -> Derivation:
    r"""Adam on the counterexample: steady moments, the upward drift (C = 3), x = 1 every period, the regret limit."""
    dv = Derivation(
        topic="adaptive-behaviour",
        title=r"Adam on the online problem of Reddi, Kale and Kumar: $R_T/T \to (2C - 4)/3$, not $0$",
        symbols={"C": C, "alpha": alpha, "T": T},
        source="Reddi, Kale & Kumar, ICLR 2018, Sec. 3",
    )
    V1, V2, V3 = steady_moments()
    dv.add(Step.assumed("setting", sp.Eq(sp.Symbol(r"\beta_2"), _beta2(C), evaluate=False),
                        r"The setting of \citet[Sec.~3]{reddi2018}: $f_t(x) = Cx$ for $t \bmod 3 = 1$ and $f_t(x) = -x$ "
                        r"otherwise on $[-1, 1]$, $C > 2$; Adam with $\beta_1 = 0$, $\beta_2 = 1/(1 + C^2)$, "
                        r"$\epsilon = 0$, step $\alpha_t = \alpha/\sqrt t$ and projection onto $[-1, 1]$."))
    def moments_solve():
        residual = sp.simplify(_moment_equations().subs({v1: V1, v2: V2, v3: V3}))
        return residual == sp.zeros(3, 1), residual

    dv.add(Step.custom("steady second moments",
                       sp.Eq(sp.Matrix([v1, v2, v3]), sp.Matrix([V1, V2, V3]), evaluate=False),
                       r"The gradients $C, -1, -1, \dots$ do not depend on $x$, so $v_t$ is a fixed sequence; its "
                       r"3-periodic steady state $(v_1, v_2, v_3)$ (after the gradients $C$, $-1$, $-1$) solves "
                       r"$v_1 = \beta_2 v_3 + (1 - \beta_2)C^2$, $v_2 = \beta_2 v_1 + 1 - \beta_2$, "
                       r"$v_3 = \beta_2 v_2 + 1 - \beta_2$, and $v_t$ approaches it like $\beta_2^t$.",
                       moments_solve, "substitution", "the three equations, with the solution substituted, leave residual 0"))
    drift = -C / sp.sqrt(v1) + 1 / sp.sqrt(v2) + 1 / sp.sqrt(v3)
    drift_c = drift.subs({v1: V1, v2: V2, v3: V3}).subs(C, REDDI_C)
    dv.add(Step.sign("upward drift at C = 3", drift_c, ">",
                     r"Over one period with the step $\alpha_t$ held fixed, Adam ($\beta_1 = 0$: $m_t = g_t$) moves "
                     r"$x$ by $\alpha_t(-C/\sqrt{v_1} + 1/\sqrt{v_2} + 1/\sqrt{v_3})$; at $C = 3$ ($\beta_2 = 1/10$) "
                     r"this number is positive: the large gradient is forgotten faster than it is paid for.",
                     rewrite=lambda e: sp.nsimplify(e)))
    dv.add(Step.assumed("x = 1 every period", sp.Eq(sp.Symbol("x_{3j+1}"), 1, evaluate=False),
                        r"From $x_{3j+1} = 1$ the step with gradient $C$ leads to $1 - \alpha_t C/\sqrt{v_1}$, the two "
                        r"steps with gradient $-1$ add $\alpha_t(1/\sqrt{v_2} + 1/\sqrt{v_3})$, more than was "
                        r"subtracted, and the projection returns $x$ to $1$.  Assumed: the three step sizes of a "
                        r"period taken equal and $v_t$ at its steady state (the run checks every period)."))
    x2 = 1 - a_t * C / sp.sqrt(v1)
    x3 = x2 + a_t / sp.sqrt(v2)
    period = C * (1 - (-1)) + (-x2 - 1) + (-x3 - 1)
    excess = a_t * (2 * C / sp.sqrt(v1) - 1 / sp.sqrt(v2))
    dv.add(Step.identity("regret of a period", period, 2 * C - 4 + excess,
                         r"The regret against $x = -1$ of the period played at $1$, $x_{3j+2} = 1 - \alpha_t C/\sqrt{v_1}$ "
                         r"and $x_{3j+3} = x_{3j+2} + \alpha_t/\sqrt{v_2}$ is $C(1 + 1) + (-x_{3j+2} - 1) + "
                         r"(-x_{3j+3} - 1)$."))
    j = sp.Symbol("j", integer=True, nonnegative=True)
    dv.add(Step.assumed("sum against integral",
                        sp.Eq(sp.Sum((3 * j + 1) ** sp.Rational(-1, 2), (j, 0, K - 1))
                              - sp.Integral((3 * k + 1) ** sp.Rational(-1, 2), (k, 0, K)), sp.Symbol("O(1)"),
                              evaluate=False),
                        r"The integral test: for decreasing positive terms the sum and the integral differ by at most "
                        r"the first term, here $1$."))
    integral = sp.integrate((3 * k + 1) ** sp.Rational(-1, 2), (k, 0, K))
    dv.add(Step.limit("sum of the step sizes", integral / sp.sqrt(K), K, sp.oo, 2 / sp.sqrt(3),
                      r"The periods' step sizes $\alpha/\sqrt{3j + 1}$, $j < K$, sum to "
                      r"$\alpha\int_0^K (3k + 1)^{-1/2}\,dk + O(1)$, which grows like "
                      r"$\alpha\,(2/\sqrt3)\sqrt K$."))
    A = 2 * C / sp.sqrt(v1) - 1 / sp.sqrt(v2)
    Kconst = 2 * alpha / 3 * A
    avg = (2 * C - 4) / 3 + (A * alpha * 2 / sp.sqrt(3) * sp.sqrt(T / 3)) / T
    dv.add(Step.identity("average regret", avg, (2 * C - 4) / 3 + Kconst / sp.sqrt(T),
                         r"With $K = T/3$ periods, $R_T/T = \bigl(K(2C - 4) + (2C/\sqrt{v_1} - 1/\sqrt{v_2})\,"
                         r"\alpha\,(2/\sqrt 3)\sqrt{K}\bigr)/T$ up to $o(T^{-1/2})$.",
                         simplifier=sp.radsimp))
    dv.add(Step.limit("limit of the average regret", (2 * C - 4) / 3 + Kconst / sp.sqrt(T), T, sp.oo, (2 * C - 4) / 3,
                      r"The average regret tends to $(2C - 4)/3 > 0$ for every $C > 2$ ($2/3$ at $C = 3$): Adam does "
                      r"not converge to the best point $-1$."))
    dv.results.update({"v1": V1, "v2": V2, "v3": V3, "limit": (2 * C - 4) / 3,
                       "constant": Kconst.subs({v1: V1, v2: V2}), "drift": drift.subs({v1: V1, v2: V2, v3: V3})})
    return dv


@cache
def amsgrad_reddi_derivation() -> Derivation:
    r"""AMSGrad on the counterexample: its maximum is v_1, the drift is (2 − C)/√v_1 < 0, it ends within 2α_t/√v_1 of −1."""
    dv = Derivation(
        topic="adaptive-behaviour",
        title=r"AMSGrad on the same problem is pushed to the best point $x = -1$",
        symbols={"C": C, "alpha": alpha},
        source="Reddi, Kale & Kumar, ICLR 2018, Sec. 4",
    )
    V1, V2, V3 = steady_moments()
    on_s = {C: 2 + s}
    dv.add(Step.sign("v_1 is the largest", sp.factor(sp.cancel((V1 - V2).subs(on_s))), ">",
                     r"With $C = 2 + s$, $s > 0$: the steady moment after the gradient $C$ exceeds the one after "
                     r"$-1$ (and $v_2 > v_3$ likewise), so AMSGrad's running maximum settles on $v_1$."))
    dv.add(Step.sign("v_2 exceeds v_3", sp.factor(sp.cancel((V2 - V3).subs(on_s))), ">",
                     r"The second moment decreases along the two gradients $-1$."))
    drift = (-C + 2) / sp.sqrt(v1)
    dv.add(Step.sign("downward drift", drift.subs(on_s), "<",
                     r"With the same denominator $\sqrt{v_1}$ in all three steps, one period moves $x$ by "
                     r"$\alpha_t(-C + 1 + 1)/\sqrt{v_1} = \alpha_t(2 - C)/\sqrt{v_1} < 0$; the step sizes sum to "
                     r"infinity, so $x$ reaches $-1$."))
    bound = 2 * a_t / sp.sqrt(v1)
    a1, dd = sp.Symbol("alpha_{t-1}", positive=True), sp.Symbol("delta", positive=True)  # alpha_{t-2} = alpha_{t-1} + delta
    slack = 2 * (a1 + dd) / sp.sqrt(v1) - ((a1 + dd) / sp.sqrt(v1) + a1 / sp.sqrt(v1))

    def slack_sign():
        value = sp.factor(sp.simplify(slack))
        return value.is_positive is True, value

    dv.add(Step.custom("distance to the best point", sp.Gt(slack, 0, evaluate=False),
                       r"At $-1$ the step with gradient $C$ is clipped back to $-1$ and the two others climb "
                       r"$\alpha_{t-2}/\sqrt{v_1} + \alpha_{t-1}/\sqrt{v_1}$, less than $2\alpha_{t-2}/\sqrt{v_1}$ because the "
                       r"step sizes decrease ($\alpha_{t-2} = \alpha_{t-1} + \delta$, $\delta > 0$): from then on "
                       r"$|x_t + 1| \le 2\alpha_{t-2}/\sqrt{v_1}$, and $R_T/T \to 0$.",
                       slack_sign, "sign", "the slack factors to delta/sqrt(v_1) > 0",
                       latex_statement=r"|x_t + 1| &\le \frac{2\alpha_{t-2}}{\sqrt{v_1}}"))
    dv.results.update({"v1": V1, "bound": bound})
    return dv


@cache
def rmsprop_cycle_derivation() -> Derivation:
    r"""RMSprop on ½λx²: the two-cycle ±a, a = η/2 − ε/λ, with v = λ²a²."""
    eta, lam, eps = sp.symbols("eta lambda epsilon", positive=True)
    al = sp.Symbol("alpha", positive=True)
    a = sp.Symbol("a", real=True)
    dv = Derivation(
        topic="adaptive-behaviour",
        title=r"RMSprop on $\tfrac12\lambda x^2$ has the two-cycle $\pm(\eta/2 - \epsilon/\lambda)$",
        symbols={"eta": eta, "lambda": lam, "epsilon": eps},
        source="Tieleman & Hinton 2012, lecture 6e",
    )
    v = lam**2 * a**2
    dv.add(Step.identity("second moment at rest", al * v + (1 - al) * (lam * (-a)) ** 2, v,
                         r"On the cycle $x = \pm a$ every gradient is $\pm\lambda a$, so $v = \lambda^2 a^2$ is left "
                         r"unchanged by $v \leftarrow \alpha v + (1 - \alpha) g^2$."))
    step = lambda x: x - eta * lam * x / (sp.sqrt(v) + eps)  # noqa: E731  the map at that v (a > 0 below)
    ap = sp.Symbol("a", positive=True)
    stepp = lambda x: x - eta * lam * x / (lam * ap + eps)  # noqa: E731
    dv.add(Step.solve("half amplitude", sp.Eq(stepp(ap), -ap), ap, [eta / 2 - eps / lam],
                      r"For $a > 0$, $\sqrt v = \lambda a$; the step sends $a$ to $-a$ exactly when "
                      r"$2a(\lambda a + \epsilon) = \eta\lambda a$."))
    half = eta / 2 - eps / lam
    dv.add(Step.substitution("back again", stepp(-ap), {ap: half}, half,
                             r"By symmetry the step from $-a$ returns to $a$: a two-cycle (when $\eta\lambda > 2\epsilon$).",
                             lhs=sp.Symbol("x_{t+2}")))
    xhi, xlo = sp.symbols("x_{max} x_{min}", real=True)
    dv.add(Step.substitution("amplitude", xhi - xlo, {xhi: half, xlo: -half}, eta - 2 * eps / lam,
                         r"The peak-to-peak amplitude is $\eta - 2\epsilon/\lambda$: for $\epsilon \ll \eta\lambda$ it is "
                         r"the learning rate, whatever $\lambda$, and no smaller error is reached on the cycle.",
                         lhs=sp.Symbol(r"x_{\max} - x_{\min}")))
    del step
    dv.results.update({"half_amplitude": half, "amplitude": eta - 2 * eps / lam})
    return dv


@cache
def scale_invariance_derivation() -> Derivation:
    r"""Adam (ε = 0): scaling a coordinate's gradients by c > 0 scales m by c, v by c², leaves the step unchanged."""
    b1, b2, c, eta = sp.symbols("beta_1 beta_2 c eta", positive=True)
    m, g = sp.symbols("m g", real=True)
    vv = sp.Symbol("v", positive=True)
    dv = Derivation(
        topic="adaptive-behaviour",
        title=r"With $\epsilon = 0$ Adam does not see the scale of a coordinate's gradients",
        symbols={"c": c},
        source="Kingma & Ba, ICLR 2015, Sec. 2.1",
    )
    dv.add(Step.assumed("diagonal quadratic", sp.Eq(sp.Symbol("g_{t,i}"), sp.Symbol(r"\lambda_i x_{t,i}"), evaluate=False),
                        r"The setting: on $f = \tfrac12\sum_i \lambda_i x_i^2$ coordinate $i$ receives $c = \lambda_i$ "
                        r"times the gradient of $\tfrac12 x_i^2$ at the same iterate."))
    dv.add(Step.identity("first moment scales", b1 * (c * m) + (1 - b1) * (c * g), c * (b1 * m + (1 - b1) * g),
                         r"If $m_{t-1}$ is $c$ times the unscaled one and $g_t$ is too, so is $m_t$."))
    dv.add(Step.identity("second moment scales", b2 * (c**2 * vv) + (1 - b2) * (c * g) ** 2,
                         c**2 * (b2 * vv + (1 - b2) * g**2),
                         r"Likewise $v_t$ with the factor $c^2$ (from $m_0 = v_0 = 0$, by induction on $t$)."))
    M, V = sp.Symbol("M", real=True), sp.Symbol("V", positive=True)
    dv.add(Step.substitution("step unchanged", eta * M / sp.sqrt(V), {M: c * m, V: c**2 * vv}, eta * m / sp.sqrt(vv),
                         r"The bias corrections do not depend on $g$, and $\sqrt{c^2 v} = c\sqrt v$ for $c > 0$: the "
                         r"step $\eta\hat m_t/\sqrt{\hat v_t}$ is the same.  By induction on $t$ the iterates of "
                         r"coordinate $i$ do not depend on $\lambda_i$: on a diagonal quadratic Adam's run does not depend "
                         r"on the eigenvalues, nor on $\kappa$.  The same holds for AMSGrad, RMSprop and Adagrad (from a "
                         r"zero accumulator) at $\epsilon = 0$.",
                         lhs=sp.Symbol(r"\frac{\eta\,c\,m}{\sqrt{c^2 v}}")))
    return dv


@cache
def decoupled_decay_derivation() -> Derivation:
    r"""AdamW where the loss is flat (g = 0 from m_0 = v_0 = 0): x_T = (1 − ηλ)^T x_0, whatever the moments."""
    eta, lam, x0 = sp.symbols("eta lambda x_0", positive=True)
    eps = sp.Symbol("epsilon", positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    dv = Derivation(
        topic="adaptive-behaviour",
        title=r"AdamW's decay on a flat coordinate is the geometric $x_t = (1 - \eta\lambda)^t x_0$",
        symbols={"eta": eta, "lambda": lam, "t": t},
        source="Loshchilov & Hutter, ICLR 2019, Algorithm 2",
    )
    mt, vt = sp.Symbol("m_t", real=True), sp.Symbol("v_t", nonnegative=True)
    dv.add(Step.substitution("no adaptive step", eta * mt / (sp.sqrt(vt) + eps), {mt: 0, vt: 0}, 0,
                         r"With $g_t = 0$ from $m_0 = v_0 = 0$ the moments stay $0$ and Adam's part of the step, "
                         r"$\eta\hat m_t/(\sqrt{\hat v_t} + \epsilon)$ with $\epsilon > 0$, is $0$."))
    xt = (1 - eta * lam) ** t * x0
    dv.add(Step.identity("geometric decay", (1 - eta * lam) * xt, xt.subs(t, t + 1),
                         r"What is left is $x_{t+1} = (1 - \eta\lambda)x_t$ (torch's decoupled decay), solved by "
                         r"$x_t = (1 - \eta\lambda)^t x_0$: the decay acts at the same rate on every coordinate, "
                         r"untouched by the adaptive scaling."))
    dv.results.update({"x_t": xt})
    return dv


def behaviour_derivations() -> list[Derivation]:
    return [reddi_derivation(), amsgrad_reddi_derivation(), rmsprop_cycle_derivation(), scale_invariance_derivation(),
            decoupled_decay_derivation()]
