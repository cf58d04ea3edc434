r"""Exact facts about Adam: bias correction under a constant gradient, the first step, sign descent.

Adam (Kingma & Ba 2015, Algorithm 1), coordinate-wise, with :math:`m_0 = v_0 = 0`:
:math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`,
:math:`\hat m_t = m_t/(1-\beta_1^t)`, :math:`\hat v_t = v_t/(1-\beta_2^t)`,
:math:`x_{t+1} = x_t - \eta\,\hat m_t/(\sqrt{\hat v_t} + \epsilon)` (ε after the square root and after
bias correction: torch.optim and optax compute this same value).

* Constant gradient :math:`g`: :math:`m_t = (1-\beta_1^t)g`, :math:`v_t = (1-\beta_2^t)g^2` (geometric
  sums), so :math:`\hat m_t = g`, :math:`\hat v_t = g^2` exactly and every step is
  :math:`-\eta g/(|g| + \epsilon)`.
* First step, any gradient: :math:`\hat m_1 = g_1`, :math:`\hat v_1 = g_1^2`, so
  :math:`|x_2 - x_1| = \eta|g_1|/(|g_1| + \epsilon)`, whatever :math:`\beta_1, \beta_2`; it is
  :math:`\eta` at :math:`\epsilon = 0`.
* Sign descent: :math:`\beta_1 = \beta_2 = \epsilon = 0` gives :math:`x_{t+1} = x_t - \eta\,\mathrm{sign}(g_t)`;
  on :math:`f = \tfrac12\lambda x^2` from :math:`x_0 = k\eta + r`, :math:`0 < r < \eta`, it reaches
  :math:`r` after :math:`k` steps and then alternates :math:`r, r - \eta, r, \dots`: a 2-cycle of
  peak-to-peak amplitude exactly :math:`\eta` that depends on :math:`x_0 \bmod \eta`.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step

__all__ = ["bias_correction_derivation", "sign_descent_derivation", "step_bound_derivation", "adaptive_derivations"]

beta1 = sp.Symbol("beta_1", positive=True)
beta2 = sp.Symbol("beta_2", positive=True)
eta = sp.Symbol("eta", positive=True)
eps = sp.Symbol("epsilon", nonnegative=True)
g = sp.Symbol("g", real=True)
gp = sp.Symbol("g", positive=True)
m, v = sp.Symbol("m_t", real=True), sp.Symbol("v_t", nonnegative=True)
t = sp.Symbol("t", integer=True, positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
lam = sp.Symbol("lambda", positive=True)
r = sp.Symbol("r", positive=True)
d = sp.Symbol("d", positive=True)  # eta - r > 0
x = sp.Symbol("x", real=True)


def _x(a, b):
    """The difference a - b, unevaluated (shown as written)."""
    return sp.Add(a, sp.Mul(-1, b, evaluate=False), evaluate=False)


def adam_step(m_hat, v_hat, epsilon=eps):
    r"""Adam's step :math:`-\eta\,\hat m/(\sqrt{\hat v} + \epsilon)`."""
    return -eta * m_hat / (sp.sqrt(v_hat) + epsilon)


@cache
def bias_correction_derivation() -> Derivation:
    r"""Constant gradient: m̂_t = g, v̂_t = g², the step −ηg/(|g|+ε); the first step η|g₁|/(|g₁|+ε) for any betas."""
    dv = Derivation(
        topic="adaptive",
        title=r"Adam under a constant gradient: $\hat m_t = g$, $\hat v_t = g^2$, step $-\eta g/(|g| + \epsilon)$",
        symbols={"beta_1": beta1, "beta_2": beta2, "eta": eta, "epsilon": eps, "g": g},
        source="Kingma & Ba, ICLR 2015, Sec. 2",
    )
    m_t = (1 - beta1**t) * g
    v_t = (1 - beta2**t) * g**2
    dv.add(Step.summation("first moment", (1 - beta1) * beta1**k * g, k, 0, t - 1, m_t,
                           r"Unroll $m_t = \beta_1 m_{t-1} + (1 - \beta_1) g$ from $m_0 = 0$: a geometric sum."))
    dv.add(Step.summation("second moment", (1 - beta2) * beta2**k * g**2, k, 0, t - 1, v_t,
                           r"Unroll $v_t = \beta_2 v_{t-1} + (1 - \beta_2) g^2$ from $v_0 = 0$."))
    dv.add(Step.substitution("bias-corrected first moment", m / (1 - beta1**t), {m: m_t}, g,
                             r"Divide by $1 - \beta_1^t$: the correction removes the start-up factor exactly.",
                             lhs=sp.Symbol(r"\hat{m}_t")))
    dv.add(Step.substitution("bias-corrected second moment", v / (1 - beta2**t), {v: v_t}, g**2,
                             r"The same for $v_t$ with $1 - \beta_2^t$.", lhs=sp.Symbol(r"\hat{v}_t")))
    step = -eta * g / (sp.Abs(g) + eps)
    dv.add(Step.substitution("every step", adam_step(g, g**2), {}, step,
                             r"With $\hat m_t = g$ and $\sqrt{\hat v_t} = \sqrt{g^2} = |g|$ ($g$ real), every step is the same.",
                             lhs=_x(sp.Symbol("x_{t+1}"), sp.Symbol("x_t"))))
    g1 = sp.Symbol("g_1", real=True)
    m1 = (1 - beta1) * g1
    v1 = (1 - beta2) * g1**2
    first = adam_step(m1 / (1 - beta1), v1 / (1 - beta2))
    dv.add(Step.substitution("first step, any gradient", sp.Abs(first), {}, eta * sp.Abs(g1) / (sp.Abs(g1) + eps),
                             r"At $t = 1$, $m_1 = (1 - \beta_1) g_1$ and $v_1 = (1 - \beta_2) g_1^2$: the factors "
                         r"$1 - \beta_1$ and $1 - \beta_2$ cancel, so $|x_2 - x_1|$ does not depend on the betas.",
                             lhs=sp.Abs(_x(sp.Symbol("x_2"), sp.Symbol("x_1")))))
    g1p = sp.Symbol("g_1", positive=True)
    dv.add(Step.substitution("first step at epsilon = 0", eta * sp.Abs(g1p) / (sp.Abs(g1p) + eps), {eps: 0}, eta,
                             r"Without $\epsilon$ (and $g_1 \ne 0$) Adam's first step has length exactly $\eta$.",
                             lhs=sp.Abs(_x(sp.Symbol("x_2"), sp.Symbol("x_1")))))
    dv.results.update({"m_t": m_t, "v_t": v_t, "m_hat": g, "v_hat": g**2, "step": step,
                       "first_step": eta * sp.Abs(g1) / (sp.Abs(g1) + eps), "g_1": g1})
    return dv


@cache
def sign_descent_derivation() -> Derivation:
    r"""β₁ = β₂ = ε = 0: x ← x − η sign(g); on ½λx² a 2-cycle {r, r − η} with r = x₀ mod η, amplitude η."""
    dv = Derivation(
        topic="adaptive",
        title=r"Adam with $\beta_1 = \beta_2 = \epsilon = 0$ is sign descent and ends in a 2-cycle of amplitude $\eta$",
        symbols={"eta": eta, "lambda": lam, "r": r},
        source="Kingma & Ba, ICLR 2015, Sec. 2",
    )
    gn = sp.Symbol("g", negative=True)
    dv.add(Step.substitution("positive gradient", adam_step(gp, gp**2, 0), {}, -eta * sp.sign(gp),
                             r"With $\beta_1 = \beta_2 = 0$, $\hat m_t = g_t$, $\hat v_t = g_t^2$; at $\epsilon = 0$ and "
                         r"$g > 0$ the step is $-\eta g/|g| = -\eta$.", lhs=_x(sp.Symbol("x_{t+1}"), sp.Symbol("x_t"))))
    dv.add(Step.substitution("negative gradient", adam_step(gn, gn**2, 0), {}, -eta * sp.sign(gn),
                             r"For $g < 0$ it is $+\eta$: the update is $x_{t+1} = x_t - \eta\,\mathrm{sign}(g_t)$.",
                             lhs=_x(sp.Symbol("x_{t+1}"), sp.Symbol("x_t"))))
    step_map = lambda y: y - eta * sp.sign(lam * y)  # noqa: E731  the map on f = lambda x^2 / 2
    x0 = k * eta + r
    dv.add(Step.substitution("descent phase", step_map(x0 - k * eta), {}, r - eta,
                             r"From $x_0 = k\eta + r$ ($0 < r < \eta$) each step subtracts $\eta$ while the iterate is positive: "
                         r"after $k$ steps it is $r$, and the next one gives $r - \eta < 0$.",
                             lhs=sp.Symbol("x_{k+1}")))
    cycle_map = lambda y: y - (r + d) * sp.sign(lam * y)  # noqa: E731  the same map with eta = r + d
    dv.add(Step.substitution("back up", cycle_map(-d), {}, r,
                             r"Write $\eta = r + d$ with $d > 0$: from $r - \eta = -d < 0$ the step adds $\eta$ and "
                         r"returns to $r$.", lhs=sp.Symbol("x_{k+2}")))
    dv.add(Step.substitution("two-cycle", cycle_map(cycle_map(r)), {}, r,
                             r"Two steps map $r$ to itself: the iterates alternate $r, r - \eta$ for ever ($j \ge 1$).",
                             lhs=sp.Symbol("x_{k+2j}")))
    dv.add(Step.substitution("amplitude", r - (r - eta), {}, eta,
                             r"The peak-to-peak amplitude is $r - (r - \eta) = \eta$, for every $r$; the cycle itself is "
                         r"$\{r, r - \eta\}$ with $r = x_0 \bmod \eta$.",
                             lhs=_x(sp.Symbol("x_{k+2j}"), sp.Symbol("x_{k+2j+1}"))))
    dv.results.update({"amplitude": eta, "cycle_high": r, "cycle_low": r - eta})
    return dv


@cache
def step_bound_derivation() -> Derivation:
    r"""A gradient history with :math:`|m_t|/\sqrt{v_t}` above Kingma & Ba's :math:`(1-\beta_1)/\sqrt{1-\beta_2}`."""
    dv = Derivation(
        topic="adaptive",
        title=r"Adam's step can exceed the bound $(1 - \beta_1)/\sqrt{1 - \beta_2}$ of Kingma and Ba, Sec. 2.1",
        symbols={"beta_1": beta1, "beta_2": beta2, "t": t},
        source="Kingma & Ba, ICLR 2015, Sec. 2.1",
    )
    q = sp.Symbol("q", positive=True)
    c = beta1 / beta2
    m_t = (1 - beta1) * (1 - q**t) / (1 - q)
    v_t = (1 - beta2) * (1 - q**t) / (1 - q)
    dv.add(Step.summation("first moment of the history", (1 - beta1) * (beta1 * c)**k, k, 0, t - 1,
                           ((1 - beta1) * (1 - (beta1 * c)**t) / (1 - beta1 * c)),
                           r"Take the gradients $g_{t-k} = (\beta_1/\beta_2)^k$, $k = 0, \dots, t - 1$: then "
                           r"$m_t = (1 - \beta_1)\sum_k \beta_1^k g_{t-k}$ is a geometric sum with ratio $q = \beta_1^2/\beta_2$."))
    dv.add(Step.summation("second moment of the history", (1 - beta2) * beta2**k * c**(2 * k), k, 0, t - 1,
                           (1 - beta2) * (1 - (beta1**2 / beta2)**t) / (1 - beta1**2 / beta2),
                           r"$v_t = (1 - \beta_2)\sum_k \beta_2^k g_{t-k}^2$ has the same ratio $q$."))
    ratio = (1 - beta1) / sp.sqrt(1 - beta2) * sp.sqrt((1 - q**t) / (1 - q))
    dv.add(Step.identity("ratio", (m_t / sp.sqrt(v_t))**2, ratio**2,
                         r"So $m_t^2/v_t = \frac{(1 - \beta_1)^2}{1 - \beta_2}\cdot\frac{1 - q^t}{1 - q}$: the stated bound "
                         r"times $\sqrt{(1 - q^t)/(1 - q)}$, which exceeds 1 for every $t \ge 2$."))
    defaults = {beta1: sp.Rational(9, 10), beta2: sp.Rational(999, 1000)}
    limit = (1 - beta1) / sp.sqrt((1 - beta2) * (1 - beta1**2 / beta2))
    dv.add(Step.substitution("limit at the default betas", limit, defaults,
                             sp.sqrt(2590) / 7,
                             r"As $t \to \infty$ ($0 < q < 1$, $q^t \to 0$, not checked by SymPy) the ratio tends to $(1 - \beta_1)/\sqrt{(1 - \beta_2)(1 - \beta_1^2/\beta_2)}$; "
                             r"at $\beta_1 = 0.9$, $\beta_2 = 0.999$ it is $\sqrt{2590}/7 \approx 7.27$, $2.30$ times the stated $(1 - \beta_1)/\sqrt{1 - \beta_2} = \sqrt{10} \approx 3.16$.",
                             lhs=sp.Symbol(r"\frac{1 - \beta_1}{\sqrt{(1 - \beta_2)(1 - \beta_1^2/\beta_2)}}")))
    dv.results.update({"ratio": ratio, "q": q, "limit": limit})
    return dv


@cache
def adaptive_derivations() -> list[Derivation]:
    return [bias_correction_derivation(), sign_descent_derivation(), step_bound_derivation()]
