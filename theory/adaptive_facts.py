r"""Exact facts about RMSprop, AdaDelta, Adagrad, AdamW and note 002's forms, each step checked by SymPy.

Coordinate-wise, with zero initial accumulators unless stated; :math:`g > 0` stands for :math:`|g|` (every
update is odd in :math:`g`).  The forms (see :mod:`numerics.adaptive` and :mod:`numerics.adaptive_forms`):

* RMSprop, torch.optim (Tieleman & Hinton 2012 plus ε outside the root, no bias correction):
  :math:`v_t = \alpha v_{t-1} + (1-\alpha)g_t^2`, :math:`x_{t+1} = x_t - \eta g_t/(\sqrt{v_t} + \epsilon)`.
  Under a constant gradient :math:`v_t = (1-\alpha^t)g^2`, so the step is
  :math:`\eta g/(\sqrt{1-\alpha^t}\,g + \epsilon)`: the first one is :math:`\eta/\sqrt{1-\alpha}` at ε = 0,
  ten times η for torch's α = 0.99, and the steps fall to η as :math:`t\to\infty`.
* AdaDelta (Zeiler 2012, Algorithm 1; torch with lr η):
  :math:`\Delta_t = \eta\sqrt{u_{t-1}+\epsilon}/\sqrt{v_t+\epsilon}\,g_t`.  From :math:`u_0 = v_0 = 0` the first
  step is :math:`\eta\sqrt\epsilon\,g/\sqrt{(1-\rho)g^2+\epsilon} < \eta\sqrt{\epsilon/(1-\rho)}` whatever g:
  3.16e-3 at the defaults (η = 1, ρ = 0.9, ε = 1e-6).
* Adagrad's first step: torch :math:`\eta g/(\sqrt{0 + g^2} + 10^{-10})` (≈ η for any g ≫ 1e-10) against
  optax :math:`\eta g/\sqrt{0.1 + g^2 + 10^{-7}}` (≈ 3.16 η g for g ≪ 0.316).
* Adagrad under a constant gradient: :math:`S_t = t g^2`, step :math:`\eta g/(\sqrt t\,g + \epsilon)`, i.e.
  :math:`\eta/\sqrt t` at ε = 0.  With the accumulator at its limit S the update is
  :math:`x \leftarrow x - \eta D^{-1} H x`, :math:`D = \mathrm{diag}(\sqrt S + \epsilon)`; in
  :math:`y = D^{1/2}x` that is gradient descent on :math:`D^{-1/2} H D^{-1/2}`, so the limiting rate is
  :math:`\max_i|1 - \eta\mu_i|` over its eigenvalues :math:`\mu_i`.
* AdamW against Adam with L2 on :math:`f = \tfrac12(x-c)^2`: Adam with the decay in the gradient stops where
  :math:`(x - c) + \lambda x = 0`, the regularised minimiser :math:`c/(1+\lambda)`; AdamW (decay
  :math:`\eta\lambda x` outside the adaptive quotient, torch and optax) stops where
  :math:`\lambda x = -g/(|g| + \epsilon)`, :math:`g = x - c`, which tends to :math:`\min(c, 1/\lambda)` as
  :math:`\epsilon\to 0` (c > 0): the decay is a cap at :math:`1/\lambda`, not a shrinkage.
* Note 002: it defines :math:`g_t = \nabla\mathcal L(\theta_t)` and updates :math:`\theta_t` from
  :math:`\theta_{t-1}` with :math:`g_{t-1}`, i.e. with the gradient at the point it leaves; its
  :math:`G_t, m_t` hold t gradients, so its bias correction :math:`1-\beta^t` is exact.  Its forms are the
  frameworks' methods with ε inside the root, which for Adam (ε = 1e-8 recommended) means a step
  :math:`\alpha g/\sqrt{g^2+\epsilon}`: :math:`\alpha/\sqrt2` at :math:`|g| = \sqrt\epsilon = 10^{-4}`.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .adaptive import _x
from .derivation import Derivation, Step, is_zero

__all__ = ["rmsprop_first_step_derivation", "adadelta_first_steps_derivation", "adagrad_first_step_derivation",
           "adagrad_decay_derivation", "adagrad_limit_rate_derivation", "adamw_fixed_point_derivation",
           "note_002_forms_derivation", "adaptive_fact_derivations"]

eta = sp.Symbol("eta", positive=True)
eps = sp.Symbol("epsilon", positive=True)
g = sp.Symbol("g", positive=True)
alpha = sp.Symbol("alpha", positive=True)
rho = sp.Symbol("rho", positive=True)
beta = sp.Symbol("beta", positive=True)
lam = sp.Symbol("lambda", positive=True)
c = sp.Symbol("c", positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
t = sp.Symbol("t", integer=True, positive=True)
kappa = sp.Symbol("k", positive=True)  # c = (1 +- k)/lambda
r = sp.Symbol("r", real=True)
x = sp.Symbol("x", real=True)


def _S(name: str) -> sp.Symbol:
    return sp.Symbol(name)


_q = sp.Symbol("q", positive=True)


def _limit_named(label, expr, shown, var, point, expected, why, *, simplifier=None) -> Step:
    r"""``sympy.limit(expr, var -> point+) = expected``, displayed with ``shown`` (a name for ``expr``) in its place."""

    def run():
        value = sp.limit(expr, var, point, dir="+")
        return is_zero(value - expected, simplifier)

    statement = sp.Eq(sp.Limit(shown, var, point, dir="+"), expected, evaluate=False)
    return Step.custom(label, statement, why, run, "limit", "sympy.limit of the expression named on the left")


def _rho_below_one(expr: sp.Expr) -> sp.Expr:
    r"""Simplify with :math:`0 < \rho < 1` made explicit: :math:`\rho = q/(1 + q)`, :math:`q > 0`."""
    return sp.simplify(sp.radsimp(sp.simplify(expr.subs(rho, _q / (1 + _q)))))


@cache
def rmsprop_first_step_derivation() -> Derivation:
    r"""torch's RMSprop under a constant gradient: step :math:`\eta g/(\sqrt{1-\alpha^t}g+\epsilon)`; first :math:`\eta/\sqrt{1-\alpha}` = 10η."""
    dv = Derivation(
        topic="adaptive",
        title=r"RMSprop without bias correction: the first step is $\eta/\sqrt{1 - \alpha}$, ten times $\eta$ "
              r"for torch's $\alpha = 0.99$",
        symbols={"eta": eta, "epsilon": eps, "alpha": alpha, "g": g, "t": t},
        source="Tieleman & Hinton (2012), lecture 6e; torch/optim/rmsprop.py",
    )
    v_t = (1 - alpha**t) * g**2
    dv.add(Step.summation("accumulator", (1 - alpha) * alpha**k * g**2, k, 0, t - 1, v_t,
                           r"Unroll $v_t = \alpha v_{t-1} + (1 - \alpha) g^2$ from $v_0 = 0$ under a constant gradient "
                           r"$g$: a geometric sum, and no correction divides it by $1 - \alpha^t$."))
    step = eta * g / (sp.sqrt(1 - alpha**t) * g + eps)
    dv.add(Step.substitution("step t", eta * g / (sp.sqrt(_S("v_t")) + eps), {_S("v_t"): v_t}, step,
                             r"Put $v_t$ into the step $\eta g/(\sqrt{v_t} + \epsilon)$ ($\sqrt{(1 - \alpha^t)g^2} = "
                             r"\sqrt{1 - \alpha^t}\,g$ for $g > 0$).", lhs=sp.Abs(_x(_S("x_{t+1}"), _S("x_t")))))
    first = eta / sp.sqrt(1 - alpha)
    dv.add(Step.substitution("first step", step, {t: 1, eps: 0}, first,
                             r"At $t = 1$ and $\epsilon = 0$ the gradient cancels: the first step does not depend on "
                             r"$g$, and it is longer than $\eta$ by $1/\sqrt{1 - \alpha}$.",
                             lhs=sp.Abs(_x(_S("x_2"), _S("x_1")))))
    late = eta / sp.sqrt(1 - sp.Rational(99, 100)**t)
    dv.add(Step.limit("later steps", late, t, sp.oo, eta,
                      r"As $v_t$ fills up the steps fall to $\eta$ (shown at $\alpha = 0.99$, $\epsilon = 0$); a bias "
                      r"correction $v_t/(1 - \alpha^t)$ would make every step $\eta$, as in Adam."))
    dv.add(Step.substitution("torch's default decay", first, {alpha: sp.Rational(99, 100)}, 10 * eta,
                             r"torch.optim.RMSprop's default $\alpha = 0.99$ makes the first step $10\eta$ "
                             r"(optax's $0.9$: $\sqrt{10}\,\eta \approx 3.16\eta$).", lhs=sp.Abs(_x(_S("x_2"), _S("x_1")))))
    dv.results.update({"rmsprop_step": step, "rmsprop_first_step": first, "rmsprop_v_t": v_t})
    return dv


@cache
def adadelta_first_steps_derivation() -> Derivation:
    r"""AdaDelta from zero accumulators: first step :math:`\eta\sqrt\epsilon g/\sqrt{(1-\rho)g^2+\epsilon} < \eta\sqrt{\epsilon/(1-\rho)}`."""
    dv = Derivation(
        topic="adaptive",
        title=r"AdaDelta's first steps are set by $\epsilon$: at most $\eta\sqrt{\epsilon/(1 - \rho)}$, "
              r"whatever the gradient",
        symbols={"eta": eta, "epsilon": eps, "rho": rho, "g": g},
        source="Zeiler (2012), Algorithm 1",
    )
    v1 = (1 - rho) * g**2
    step = lambda u, v: eta * sp.sqrt(u + eps) / sp.sqrt(v + eps) * g  # noqa: E731  the AdaDelta step
    d1 = eta * sp.sqrt(eps) * g / sp.sqrt((1 - rho) * g**2 + eps)
    dv.add(Step.substitution("first step", step(_S("u_0"), _S("v_1")), {_S("u_0"): 0, _S("v_1"): v1}, d1,
                             r"With $u_0 = v_0 = 0$: $v_1 = (1 - \rho) g^2$ and the numerator is $\sqrt{0 + \epsilon}$: "
                             r"the step's unit comes from $\epsilon$, not from $g$.", lhs=sp.Abs(_S(r"\Delta_1"))))
    cap = eta * sp.sqrt(eps / (1 - rho))
    u1 = (1 - rho) * (d1 / eta) ** 2  # u accumulates the update before the learning rate (torch: delta, then lr)
    v2 = (1 - rho**2) * g**2
    dv.add(Step.identity("second accumulator", rho * v1 + (1 - rho) * g**2, v2,
                         r"A second equal gradient: $v_2 = \rho v_1 + (1 - \rho) g^2 = (1 - \rho^2) g^2$."))
    d2 = step(u1, v2)
    cap2 = eta * sp.sqrt(2 * eps / (1 - rho**2))
    dv.add(_limit_named("second step, large gradients", d2, sp.Abs(_S(r"\Delta_2")), g, sp.oo, cap2,
                      r"With $u_1 = (1 - \rho)(\Delta_1/\eta)^2 \to \epsilon$ the second step tends to "
                      r"$\eta\sqrt{2\epsilon/(1 - \rho^2)}$: larger than the first by $\sqrt{2/(1 + \rho)}$ "
                      r"($1.026$ at $\rho = 0.9$). The steps grow from the $\epsilon$-sized start.",
                      simplifier=_rho_below_one))
    dv.add(Step.substitution("torch's defaults", cap, {eta: 1, rho: sp.Rational(9, 10), eps: sp.Rational(1, 10**6)},
                             sp.sqrt(10) / 1000,
                             r"Compare the first step with $\eta\sqrt{\epsilon/(1 - \rho)}$: at torch's $\eta = 1$, $\rho = 0.9$, "
                             r"$\epsilon = 10^{-6}$ this is "
                             r"$\sqrt{10^{-5}} \approx 3.16 \times 10^{-3}$: a gradient of $10^3$ and one of $1$ give "
                             r"nearly the same first step.", lhs=_S(r"\eta\sqrt{\epsilon/(1 - \rho)}")))
    dv.add(Step.limit("large gradients", d1, g, sp.oo, cap,
                      r"So the first step grows with $g$ towards $\eta\sqrt{\epsilon/(1 - \rho)}$ and never reaches it: "
                      r"it is below that cap for every gradient.",
                      simplifier=_rho_below_one))
    dv.results.update({"adadelta_first_step": d1, "adadelta_cap": cap, "adadelta_second_step": d2,
                       "adadelta_second_cap": cap2})
    return dv


@cache
def adagrad_first_step_derivation() -> Derivation:
    r"""Adagrad's first step: torch :math:`\eta g/(g + 10^{-10})` against optax :math:`\eta g/\sqrt{0.1 + g^2 + 10^{-7}}`."""
    dv = Derivation(
        topic="adaptive",
        title=r"Adagrad's first step: about $\eta$ in torch, about $3.16\,\eta g$ in optax for small gradients",
        symbols={"eta": eta, "g": g},
        source="Duchi, Hazan & Singer (2011); torch/optim/adagrad.py; optax/_src/transform.py scale_by_rss",
    )
    et, eo = sp.Symbol(r"epsilon_T", positive=True), sp.Symbol(r"epsilon_O", positive=True)
    s0 = sp.Symbol("S_0", positive=True)
    dv.symbols.update({"epsilon_T": et, "epsilon_O": eo, "S_0": s0})
    torch_step = eta * g / (g + et)
    optax_step = eta * g / sp.sqrt(s0 + g**2 + eo)
    dv.add(Step.substitution("torch", eta * g / (sp.sqrt(_S("A") + g**2) + et), {_S("A"): 0}, torch_step,
                             r"torch: $S_1 = S_0 + g^2$ with its $S_0 = 0$, and $\epsilon_T = 10^{-10}$ outside the root: "
                             r"the step is $\eta$ up to a factor $1 - 10^{-10}/g$, a sign step.",
                             lhs=sp.Abs(_S(r"\Delta_1^{\mathrm{torch}}"))))
    dv.add(Step.substitution("optax", eta * g / sp.sqrt(_S("S_1") + eo), {_S("S_1"): s0 + g**2}, optax_step,
                             r"optax: $S_1 = S_0 + g^2$ with its $S_0 = 0.1$, and $\epsilon_O = 10^{-7}$ inside the root.",
                             lhs=sp.Abs(_S(r"\Delta_1^{\mathrm{optax}}"))))
    dv.add(Step.limit("small gradients in optax", optax_step / g, g, 0, eta / sp.sqrt(s0 + eo),
                      r"For $g^2$ much smaller than $S_0$ optax's first step is a gradient step of size $\eta/\sqrt{S_0 + \epsilon_O} "
                      r"= \eta/\sqrt{0.1000001} \approx 3.16\eta$; torch's is $\eta$ whatever $g$.", direction="+"))
    dv.add(Step.limit("large gradients", optax_step / torch_step, g, sp.oo, 1,
                      r"For $g^2$ much larger than $S_0$ the two agree."))
    ratio = (g + et) / sp.sqrt(s0 + g**2 + eo)
    dv.add(Step.substitution("ratio", optax_step / torch_step, {}, ratio,
                             r"In between, optax's first step is torch's times this factor: $0.0316$ at $g = 0.01$ "
                             r"with the defaults.", lhs=_S(r"|\Delta_1^{\mathrm{optax}}|/|\Delta_1^{\mathrm{torch}}|")))
    dv.results.update({"adagrad_torch_first_step": torch_step, "adagrad_optax_first_step": optax_step,
                       "adagrad_first_step_ratio": ratio})
    return dv


@cache
def adagrad_decay_derivation() -> Derivation:
    r"""Adagrad under a constant gradient: :math:`S_t = tg^2`, step :math:`\eta g/(\sqrt t g + \epsilon)` (η/√t at ε = 0)."""
    dv = Derivation(
        topic="adaptive",
        title=r"Adagrad's step shrinks like $\eta/\sqrt{t}$ under a constant gradient",
        symbols={"eta": eta, "epsilon": eps, "g": g, "t": t},
        source="Duchi, Hazan & Singer (2011)",
    )
    dv.add(Step.summation("accumulator", g**2, k, 1, t, t * g**2,
                           r"$S_t = S_{t-1} + g^2$ from $S_0 = 0$: the squares add up, $S_t = t g^2$."))
    step = eta * g / (sp.sqrt(t) * g + eps)
    dv.add(Step.substitution("step t", eta * g / (sp.sqrt(_S("S_t")) + eps), {_S("S_t"): t * g**2}, step,
                             r"The step $\eta g/(\sqrt{S_t} + \epsilon)$ with $\sqrt{t g^2} = \sqrt t\,g$.",
                             lhs=sp.Abs(_x(_S("x_{t+1}"), _S("x_t")))))
    dv.add(Step.substitution("without epsilon", step, {eps: 0}, eta / sp.sqrt(t),
                             r"At $\epsilon = 0$ the step is $\eta/\sqrt t$ whatever $g$: after $10^4$ steps it is "
                             r"$\eta/100$.", lhs=sp.Abs(_x(_S("x_{t+1}"), _S("x_t")))))
    dv.add(Step.limit("rate of decay", sp.sqrt(t) * step, t, sp.oo, eta,
                      r"With $\epsilon > 0$ too, $\sqrt t$ times the step tends to $\eta$."))
    dv.results.update({"adagrad_step": step})
    return dv


@cache
def adagrad_limit_rate_derivation() -> Derivation:
    r"""With the accumulator at its limit, Adagrad is gradient descent on :math:`D^{-1/2}HD^{-1/2}` (checked for n = 2, 3)."""
    dv = Derivation(
        topic="adaptive",
        title=r"Once its accumulator settles, Adagrad converges at the rate of gradient descent on "
              r"$D^{-1/2} H D^{-1/2}$",
        symbols={"eta": eta},
        source="Duchi, Hazan & Singer (2011); torch/optim/adagrad.py",
    )
    l1, l2 = sp.Symbol("lambda_1", positive=True), sp.Symbol("lambda_2", positive=True)
    d1, d2 = sp.Symbol("d_1", positive=True), sp.Symbol("d_2", positive=True)
    Dm = sp.diag(1 / sp.sqrt(d1), 1 / sp.sqrt(d2))
    lhs, rhs = sp.eye(2) - eta * Dm * sp.diag(l1, l2) * Dm, sp.diag(1 - eta * l1 / d1, 1 - eta * l2 / d2)
    dv.add(Step.custom(
        "diagonal Hessian", sp.Eq(sp.ImmutableMatrix(lhs), sp.ImmutableMatrix(rhs), evaluate=False),
        r"Hold the accumulator at $S$ and write $D = \mathrm{diag}(d_i)$, $d_i = \sqrt{S_i} + \epsilon$. For a diagonal "
        r"$H = \mathrm{diag}(\lambda_i)$ the directions decouple: direction $i$ contracts by $1 - \eta\lambda_i/d_i$ "
        r"per step, and the limiting rate is $\max_i |1 - \eta\lambda_i/d_i|$ (checked for $n = 2$).",
        lambda: is_zero(lhs - rhs), "identity", "entrywise residual simplifies to 0 (n = 2)",
        latex_statement=r"I - \eta D^{-1/2}\,\mathrm{diag}(\lambda_i)\,D^{-1/2} &= "
                        r"\mathrm{diag}\bigl(1 - \eta\lambda_i/d_i\bigr)"))
    for n in (2, 3):
        H = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"h_{min(i, j) + 1}{max(i, j) + 1}", real=True))
        d = [sp.Symbol(f"d_{i + 1}", positive=True) for i in range(n)]
        D = sp.diag(*d)
        Dh, Dmh = sp.diag(*[sp.sqrt(q) for q in d]), sp.diag(*[1 / sp.sqrt(q) for q in d])
        I = sp.eye(n)
        lhs, rhs = Dh * (I - eta * D.inv() * H) * Dmh, I - eta * Dmh * H * Dmh
        dv.add(Step.custom(
            f"similarity, n = {n}", sp.Eq(sp.ImmutableMatrix(lhs), sp.ImmutableMatrix(rhs), evaluate=False),
            (r"For any symmetric $H$ (Adagrad's coordinates need not be $H$'s eigen-directions), with "
             r"$\nabla f = Hx$ one step is $x_{t+1} = (I - \eta D^{-1}H)x_t$; in $y = D^{1/2}x$ it is "
             r"$y_{t+1} = (I - \eta D^{-1/2} H D^{-1/2})y_t$, gradient descent on the symmetric matrix "
             r"$D^{-1/2} H D^{-1/2}$. The two iteration matrices are similar, so they have the same eigenvalues and "
             r"the limiting rate is $\max_i |1 - \eta\mu_i|$ over the eigenvalues $\mu_i$ of $D^{-1/2} H D^{-1/2}$. "
             r"Checked entrywise for $n = 2$."
             if n == 2 else r"The same identity, checked entrywise for $n = 3$."),
            lambda lhs=lhs, rhs=rhs: is_zero(lhs - rhs), "identity", f"entrywise residual simplifies to 0 (n = {n})",
            latex_statement=r"D^{1/2}\,(I - \eta D^{-1} H)\,D^{-1/2} &= I - \eta D^{-1/2} H D^{-1/2}"))
    return dv


@cache
def adamw_fixed_point_derivation() -> Derivation:
    r"""Adam+L2 stops at :math:`c/(1+\lambda)`; AdamW where :math:`\lambda x = -g/(|g|+\epsilon)`, → :math:`\min(c, 1/\lambda)` as ε → 0."""
    dv = Derivation(
        topic="adaptive",
        title=r"AdamW and Adam with $L_2$ stop at different points of $\tfrac12(x - c)^2$: "
              r"$c/(1 + \lambda)$ against $\min(c, 1/\lambda)$ as $\epsilon \to 0$",
        symbols={"c": c, "lambda": lam, "epsilon": eps, "eta": eta},
        source="Loshchilov & Hutter (2019), Algorithm 2; torch/optim/adam.py; note 003, Sec. 4.4",
    )
    h = (x - c) + lam * x
    dv.add(Step.solve("Adam with L2", h, x, [c / (1 + lam)],
                      r"torch's Adam with \texttt{weight\_decay} $\lambda$ adds $\lambda x$ to the gradient. A stationary "
                      r"state has $\hat m = 0$, so the regularised gradient vanishes (the adaptive scaling divides "
                      r"it, and cannot move its zero)."))
    dv.add(Step.solve("the regularised minimiser", sp.diff((x - c)**2 / 2 + lam * x**2 / 2, x), x, [c / (1 + lam)],
                      r"That is the minimiser of $\tfrac12(x - c)^2 + \tfrac12\lambda x^2$: every $c$ is shrunk by "
                      r"$1/(1 + \lambda)$."))
    gs = x - c
    adamw_step = -eta * lam * x - eta * gs / (sp.Abs(gs) + eps)
    dv.add(Step.substitution("AdamW's stationary step", -eta * lam * x - eta * _S(r"\hat m") / (sp.sqrt(_S(r"\hat v")) + eps),
                             {_S(r"\hat m"): gs, _S(r"\hat v"): gs**2}, adamw_step,
                             r"AdamW decays by $\eta\lambda x$ outside the quotient. At a stationary point the "
                             r"gradient $g = x - c$ is constant, so $\hat m = g$ and $\hat v = g^2$ (the first theorem of "
                             r"this section, as $t \to \infty$); the step must vanish: "
                             r"$\lambda x = -g/(|g| + \epsilon)$.", lhs=_x(_S("x_{t+1}"), _S("x_t"))))
    # below c: r = c - x > 0, |g| = r
    eq = lam * (c - r) * (r + eps) - r
    disc = (lam * c - lam * eps - 1) ** 2 + 4 * lam**2 * c * eps
    r_plus = ((lam * c - lam * eps - 1) + sp.sqrt(disc)) / (2 * lam)
    r_minus = ((lam * c - lam * eps - 1) - sp.sqrt(disc)) / (2 * lam)
    dv.add(Step.solve("AdamW's stationary point", eq, r, [r_plus, r_minus],
                      r"Write $x = c - r$ with $r > 0$ (then $g = -r$, and $\lambda x = r/(r + \epsilon)$): "
                      r"$\lambda(c - r)(r + \epsilon) = r$, a quadratic in $r$."))
    dv.add(Step.substitution("one positive root", r_plus * r_minus, {}, -c * eps,
                             r"The product of the roots is $-c\epsilon < 0$: exactly one root is positive, $r_+$, "
                             r"and $x^\star = c - r_+$.", lhs=sp.Mul(_S("r_{+}"), _S("r_{-}"), evaluate=False)))
    x_star = c - r_plus
    dv.add(_limit_named("pinned at 1/lambda", x_star.subs(c, (1 + kappa) / lam), _S(r"x^\star"), eps, 0, 1 / lam,
                      r"If $c > 1/\lambda$ (write $c = (1 + k)/\lambda$, $k > 0$), $x^\star \to 1/\lambda$ as "
                      r"$\epsilon \to 0$, however large $c$ is."))
    small_c = 1 / (lam * (1 + kappa))  # a c in (0, 1/lambda) for every k > 0
    dv.add(_limit_named("undecayed below 1/lambda", x_star.subs(c, small_c) - small_c, _S(r"x^\star") - c, eps, 0, 0,
                      r"If $c < 1/\lambda$ (write $c = 1/(\lambda(1 + k))$, $k > 0$), $x^\star - c \to 0$: the decay "
                      r"has no effect at all. So the decoupled decay is undistorted by the adaptive scaling in "
                      r"this precise sense: it balances the normalised gradient $g/(|g| + \epsilon)$, of size "
                      r"below $1$, and acts as a cap $|x| \le 1/\lambda$, where $L_2$ shrinks by $1/(1 + \lambda)$.",
                      ))
    dv.results.update({"adam_l2_fixed_point": c / (1 + lam), "adamw_fixed_point": x_star, "adamw_r_plus": r_plus})
    return dv


@cache
def note_002_forms_derivation() -> Derivation:
    r"""Note 002's indices describe the frameworks' methods; its Adam has ε inside the root (α/√2 at |g| = √ε)."""
    dv = Derivation(
        topic="adaptive",
        title=r"Note 002's $g_{t-1}$ is the gradient at the point being left: its forms are the frameworks' "
              r"methods, with $\epsilon$ inside the root",
        symbols={"alpha": eta, "epsilon": eps, "beta": beta, "g": g},
        source="note 002",
    )
    tt = sp.Symbol("t", integer=True, positive=True)
    theta, grad_L = sp.Function("theta"), sp.Function(r"\nabla\mathcal{L}")
    dv.add(Step.substitution("the note's gradient", grad_L(theta(tt)), {tt: tt - 1}, grad_L(theta(tt - 1)),
                             r"The note defines $g_t = \nabla\mathcal L(\theta_t)$ and computes $\theta_t$ from "
                             r"$\theta_{t-1}$ with $g_{t-1}$: that is the gradient at $\theta_{t-1}$, the point the step "
                             r"leaves, as in torch.optim and optax (no stale gradient).", lhs=_S("g_{t-1}")))
    dv.add(Step.summation("its bias correction counts right", (1 - beta) * beta**(tt - 1 - k) * g, k, 0, tt - 1,
                           (1 - beta**tt) * g,
                           r"$m_t = \beta m_{t-1} + (1 - \beta) g_{t-1}$ from $m_0 = 0$ holds $g_0, \dots, g_{t-1}$: "
                           r"$t$ gradients, so under a constant one $m_t = (1 - \beta^t) g$ and the note's "
                           r"$\hat m_t = m_t/(1 - \beta^t) = g$ exactly, as in the frameworks."))
    step = eta * g / sp.sqrt(g**2 + eps)
    dv.add(Step.substitution("Adam with epsilon inside", eta * g / sp.sqrt(_S(r"\hat G") + eps), {_S(r"\hat G"): g**2},
                             step,
                             r"With $\hat m_t = g$, $\hat G_t = g^2$ the note's Adam step is $\alpha g/\sqrt{g^2 + \epsilon}$; "
                             r"torch and optax take $\alpha g/(g + \epsilon)$ (optax's \texttt{eps\_root} is the note's "
                             r"placement).", lhs=sp.Abs(_x(_S(r"\theta_t"), _S(r"\theta_{t-1}")))))
    dv.add(Step.limit("small gradients", step / g, g, 0, eta / sp.sqrt(eps),
                      r"Below $\sqrt\epsilon$ the note's Adam is a gradient step of size $\alpha/\sqrt\epsilon = "
                      r"10^4\alpha$; the frameworks' is $\alpha/\epsilon = 10^8\alpha$.", direction="+"))
    dv.add(Step.substitution("at the root of epsilon", step, {g: sp.sqrt(eps)}, eta / sp.sqrt(2),
                             r"At $g = \sqrt\epsilon$ ($10^{-4}$ for the note's $\epsilon = 10^{-8}$) the note's step is "
                             r"$\alpha/\sqrt 2$, the frameworks' $\alpha/(1 + \sqrt\epsilon) \approx \alpha$.",
                             lhs=sp.Abs(_x(_S(r"\theta_t"), _S(r"\theta_{t-1}")))))
    dv.results.update({"note_002_adam_step": step, "framework_adam_step": eta * g / (g + eps)})
    return dv


@cache
def adaptive_fact_derivations() -> list[Derivation]:
    return [rmsprop_first_step_derivation(), adadelta_first_steps_derivation(), adagrad_first_step_derivation(),
            adagrad_decay_derivation(), adagrad_limit_rate_derivation(), adamw_fixed_point_derivation(),
            note_002_forms_derivation()]
