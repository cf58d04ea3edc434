r"""The effective learning rate :math:`\eta/(1-\beta)` of momentum, and Adam's bias correction.

Under a constant gradient :math:`g` (a linear function :math:`f(x) = g^\top x`):

* ``velocity`` form (notes 000, 003; PyTorch SGD): :math:`v_{t+1} = \beta v_t + g`, :math:`v_0 = 0`,
  :math:`x_{t+1} = x_t - \eta v_{t+1}`.  Then :math:`v_t = g(1-\beta^t)/(1-\beta)` (a geometric sum),
  the step after :math:`t` iterations is :math:`-\eta g (1-\beta^t)/(1-\beta)`, its limit
  :math:`-\eta g/(1-\beta)` (the fixed point :math:`v^* = g/(1-\beta)`), and after :math:`T` steps
  :math:`x_T - x_0 = -\frac{\eta g}{1-\beta}\bigl(T - \beta\frac{1-\beta^T}{1-\beta}\bigr)`.
* ``sutskever`` form (note 004, Keras): :math:`m_{t+1} = \gamma m_t - \eta g` has the terminal velocity
  :math:`m^* = -\eta g/(1-\gamma)`.
* ``ema`` form (notes 001, 002): :math:`m_{t+1} = \beta m_t + (1-\beta) g` gives :math:`m_t = (1-\beta^t) g`,
  so the steady step is :math:`-\alpha g`: no amplification.
* Adam (Kingma & Ba 2015): the same EMA, so :math:`\hat m_t = m_t/(1-\beta_1^t) = g` exactly.

All quantities are componentwise, so a scalar :math:`g` loses nothing.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step

__all__ = ["velocity_derivation", "ema_derivation", "effective_lr_derivations", "step_factor", "ema_factor"]

beta = sp.Symbol("beta", positive=True)
gamma = sp.Symbol("gamma", positive=True)
beta1 = sp.Symbol("beta_1", positive=True)
eta = sp.Symbol("eta", positive=True)
alpha = sp.Symbol("alpha", positive=True)
g = sp.Symbol("g", real=True)
v = sp.Symbol("v", real=True)
m = sp.Symbol("m", real=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
T = sp.Symbol("T", integer=True, positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
q = sp.Symbol("q", positive=True)  # beta = 1/(1+q), q > 0, encodes 0 < beta < 1 for sympy.limit

#: closed forms (results), as functions of the step index
step_factor = (1 - beta**t) / (1 - beta)  # velocity: step after t iterations, in units of eta g
ema_factor = 1 - beta**t  # ema: m_t / g


def _limit_step(label: str, expr: sp.Expr, expected: sp.Expr, why: str) -> Step:
    def run():
        value = sp.limit(expr.subs(beta, 1 / (1 + q)), t, sp.oo)
        residual = sp.simplify(value - expected.subs(beta, 1 / (1 + q)))
        return residual == 0, residual

    return Step.custom(label, sp.Eq(sp.Limit(expr, t, sp.oo), expected, evaluate=False), why, run, "limit",
                       "sympy.limit with beta = 1/(1+q), q > 0 (i.e. 0 < beta < 1)")


@cache
def velocity_derivation() -> Derivation:
    r"""Velocity form under a constant gradient: fixed point, transient, limit, total displacement."""
    d = Derivation(
        topic="effective-lr",
        title=r"Momentum (velocity form) under a constant gradient: the factor $1/(1 - \beta)$",
        symbols={"beta": beta, "eta": eta, "gamma": gamma},
        source="notes 000, 003, 004; PyTorch SGD (dampening 0)",
    )
    d.add(Step.solve("fixed point", sp.Eq(v, beta * v + g), v, [g / (1 - beta)],
                     r"A constant velocity under $v_{t+1} = \beta v_t + g$ ($0 < \beta < 1$)."))
    v_t = g * step_factor
    d.add(Step.summation("geometric sum", beta**k * g, k, 0, t - 1, v_t,
                          r"Unroll $v_t = \beta v_{t-1} + g$ from $v_0 = 0$: $v_t = \sum_{k<t} \beta^k g$."))
    d.add(Step.identity("closed form obeys the update", v_t.subs(t, t + 1), beta * v_t + g,
                        r"The closed form satisfies $v_{t+1} = \beta v_t + g$.", simplifier=lambda e: sp.simplify(sp.expand(e))))
    d.add(Step.substitution("starts at zero", v_t, {t: 0}, 0, r"$v_0 = 0$ (PyTorch: the buffer is the first gradient, $\beta\cdot 0 + g$).",
                            lhs=sp.Symbol("v_0")))
    d.add(_limit_step("limit of the step", eta * step_factor, eta / (1 - beta),
                      r"The step $x_t - x_{t-1} = -\eta v_t$ tends to $-\eta g/(1 - \beta)$: the effective learning rate."))
    d.add(Step.substitution("note 000: beta = 0.9", eta / (1 - beta), {beta: sp.Rational(9, 10)}, 10 * eta,
                            r"$\beta = 0.9$ amplifies the step tenfold.", lhs=sp.Symbol(r"\eta_{\mathrm{eff}}")))
    total = -eta * g / (1 - beta) * (T - beta * (1 - beta**T) / (1 - beta))
    d.add(Step.summation("total displacement", -eta * g * (1 - beta**t) / (1 - beta), t, 1, T, total,
                          r"$x_T - x_0 = \sum_{t=1}^{T} (-\eta v_t)$: $T$ full steps minus the start-up deficit."))
    d.add(Step.solve("Sutskever/Keras terminal velocity", sp.Eq(m, gamma * m - eta * g), m, [-eta * g / (1 - gamma)],
                     r"Note 004: $m_{t+1} = \gamma m_t - \eta C$ has the fixed point $-\eta C/(1 - \gamma)$."))
    d.results.update({"v_star": g / (1 - beta), "step_factor": step_factor, "limit_factor": 1 / (1 - beta),
                      "total_displacement": total, "sutskever_terminal": -eta * g / (1 - gamma)})
    return d


@cache
def ema_derivation() -> Derivation:
    r"""EMA form under a constant gradient (no amplification) and Adam's bias correction."""
    d = Derivation(
        topic="effective-lr",
        title="EMA momentum under a constant gradient, and Adam's bias correction",
        symbols={"beta": beta, "alpha": alpha, "beta_1": beta1},
        source="notes 001, 002, 003 (Adam); Kingma & Ba, ICLR 2015, Sec. 3",
    )
    d.add(Step.solve("fixed point", sp.Eq(m, beta * m + (1 - beta) * g), m, [g],
                     r"The EMA of a constant is the constant: the steady step is $-\alpha g$, with no factor $1/(1 - "
                     r"\beta)$."))
    m_t = g * ema_factor
    d.add(Step.summation("geometric sum", (1 - beta) * beta**k * g, k, 0, t - 1, m_t,
                          r"Unroll $m_t = \beta m_{t-1} + (1 - \beta) g$ from $m_0 = 0$."))
    d.add(_limit_step("limit of the step", alpha * ema_factor, alpha, r"The step $-\alpha m_t$ tends to $-\alpha g$."))
    m_adam = g * (1 - beta1**t)
    d.add(Step.substitution("Adam: bias correction is exact", m / (1 - beta1**t), {m: m_adam}, g,
                            r"Adam's $m_t$ ($\beta_1$, $m_0 = 0$) is the same EMA, $m_t = (1 - \beta_1^t)\,g$, so $\hat m_t ="
                            r" m_t/(1 - \beta_1^t) = g$ for every $t \ge 1$ \cite{kingma2015}.", lhs=sp.Symbol(r"\hat{m}_t")))
    d.results.update({"m_t_factor": ema_factor, "steady_factor": sp.S.One, "adam_m_hat": g,
                      "adam_bias": 1 - beta1**t})
    return d


@cache
def effective_lr_derivations() -> list[Derivation]:
    return [velocity_derivation(), ema_derivation()]
