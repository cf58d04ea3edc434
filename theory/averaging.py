r"""Iterate averaging on a noise-free quadratic, derived: the Polyak–Ruppert mean and the EMA of gradient descent.

On one eigen-direction gradient descent multiplies the error by :math:`r = 1 - \eta\lambda` each step,
:math:`e_s = r^s e_0`.  The filters (numerics/averaging.py) then give exactly

* Polyak–Ruppert over :math:`x_1, \dots, x_T` (x₀ excluded): :math:`\bar e_T/e_0 = r(1-r^T)/(T(1-r))`;
  with x₀ included, :math:`(1-r^{T+1})/((T+1)(1-r))`; for :math:`0 < r < 1`, :math:`T\bar e_T/e_0 \to
  r/(1-r)`: the average decays like 1/T (sublinearly) while the last iterate decays like :math:`r^T`;
* the EMA :math:`\bar e_t = \alpha\bar e_{t-1} + (1-\alpha)e_t` from :math:`\bar e_0 = e_0` (note 000's class):
  :math:`\bar e_t/e_0 = \alpha^t + (1-\alpha)r(r^t - \alpha^t)/(r - \alpha)`; from :math:`\bar e_1 = e_1`
  (torch's AveragedModel): :math:`\alpha^{t-1}r + (1-\alpha)r^2(r^{t-1} - \alpha^{t-1})/(r - \alpha)`;
  from zero (optax.ema): :math:`(1-\alpha)r(r^t - \alpha^t)/(r-\alpha)`, and for a constant input c the zero
  start gives :math:`(1-\alpha^t)c` (the bias that ``debias`` divides out);
* on a ramp :math:`x_t = ct` the EMA trails by :math:`c\,\alpha/(1-\alpha)` once the start is forgotten.

Sources: Polyak & Juditsky (1992); Ruppert (1988); note 000 §4 (formulas only).
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step

__all__ = ["SYMBOLS", "polyak_gd_derivation", "ema_derivation", "polyak_factor", "ema_factor"]

TOPIC = "averaging"

r = sp.Symbol("r", positive=True)
a = sp.Symbol("alpha", positive=True)
T = sp.Symbol("T", positive=True, integer=True)
t = sp.Symbol("t", positive=True, integer=True)
c = sp.Symbol("c", real=True)
K = sp.Symbol("K", real=True)
s_ = sp.Symbol("s", positive=True)
SYMBOLS = {"r": r, "alpha": a, "T": T, "t": t, "c": c}


def polyak_factor(include_x0: bool = False) -> sp.Expr:
    r""":math:`\bar e_T/e_0` of Polyak–Ruppert over gradient descent's iterates (x₀ excluded unless asked)."""
    return (1 - r**(T + 1)) / ((T + 1) * (1 - r)) if include_x0 else r * (1 - r**T) / (T * (1 - r))


def ema_factor(start: str = "x0") -> sp.Expr:
    r""":math:`\bar e_t/e_0` of the EMA over gradient descent's iterates, for the starts ``x0``, ``first``, ``zero``."""
    if start == "x0":
        return a**t + (1 - a) * r * (r**t - a**t) / (r - a)
    if start == "first":
        return a**(t - 1) * r + (1 - a) * r**2 * (r**(t - 1) - a**(t - 1)) / (r - a)
    if start == "zero":
        return (1 - a) * r * (r**t - a**t) / (r - a)
    raise ValueError(start)


def _powsimp(e):
    return sp.simplify(sp.powsimp(sp.expand(e), force=True))


@cache
def polyak_gd_derivation() -> Derivation:
    r"""The Polyak–Ruppert average of gradient descent on one mode: :math:`r(1-r^T)/(T(1-r))`, and its 1/T decay."""
    d = Derivation(TOPIC, r"The running mean of gradient descent's iterates: $\bar e_T/e_0 = r(1-r^T)/(T(1-r))$",
                   source="Polyak & Juditsky (1992); Ruppert (1988)", symbols=dict(SYMBOLS))
    d.add(Step.assumed("mode", sp.Eq(sp.Function("e")(t), r**t * sp.Symbol("e_0")),
                       r"on an eigen-direction with eigenvalue $\lambda$ gradient descent multiplies the error by "
                       r"$r = 1 - \eta\lambda$ per step (here $0 < r \ne 1$), so $e_s = r^s e_0$",
                       latex_statement=r"e_s &= r^s e_0,\qquad r = 1 - \eta\lambda"))
    S = r * (1 - r**T) / (1 - r)
    d.add(Step.substitution("empty sum", S, {T: 0}, 0, r"the closed form $S_T = r(1-r^T)/(1-r)$ of "
                            r"$\sum_{s=1}^T r^s$ is $0$ at $T = 0$ \dots", lhs=sp.Symbol("S_0")))
    d.add(Step.identity("induction", S.subs(T, T + 1) - S, r**(T + 1),
                        r"\dots and grows by $r^{T+1}$ from $T$ to $T+1$: so $S_T = \sum_{s=1}^T r^s$ for every $T$",
                        simplifier=_powsimp))
    d.add(Step.identity("the average", S / T, polyak_factor(),
                        r"the mean of $e_1, \dots, e_T$ (the start $x_0$ excluded, as in the note's "
                        r"$\bar\theta_T = \frac{1}{T}\sum_{t=1}^T\theta_t$) is $S_T e_0/T$"))
    S0 = (1 - r**(T + 1)) / (1 - r)
    d.add(Step.identity("with x0", (1 + S) / (T + 1), polyak_factor(True),
                        r"with $x_0$ included the mean of $e_0, \dots, e_T$ is $(1 + S_T)e_0/(T+1)$",
                        simplifier=_powsimp))
    cc = sp.Symbol("c", positive=True)
    d.add(Step.limit("1/T decay", (T * polyak_factor()).subs(r, 1 / (1 + cc)), T, sp.oo, 1 / cc,
                     r"for $0 < r < 1$ write $r = 1/(1+c)$, $c > 0$: $T\bar e_T/e_0 \to r/(1-r) = 1/c$, so the "
                     r"average decays like $1/T$: sublinearly, while the last iterate decays like $r^T$"))
    j = sp.Symbol("j", integer=True, nonnegative=True)
    d.add(Step.sign("slower than the last iterate", j * sp.log(1 + cc), ">=",
                    r"and $T\bar e_T/(e_0 r^T) = \sum_{j=0}^{T-1} r^{-j} = \sum_j (1+c)^j \ge T$ term by term, as "
                    r"$(1+c)^j = e^{j\ln(1+c)}$ with $j\ln(1+c) \ge 0$: the average is never closer than the last iterate"))
    d.results.update({"polyak": polyak_factor(), "polyak_x0": polyak_factor(True), "sum": S0})
    return d


@cache
def ema_derivation() -> Derivation:
    r"""The EMA of gradient descent's iterates for three starts, its bias :math:`1-\alpha^t` and its lag on a ramp."""
    d = Derivation(TOPIC, r"The EMA of the iterates: three starts, the bias $1 - \alpha^t$, the lag $\alpha/(1-\alpha)$",
                   source="Polyak & Juditsky (1992); Kingma & Ba, ICLR 2015",
                   symbols=dict(SYMBOLS))
    rec = lambda prev, x: a * prev + (1 - a) * x  # noqa: E731
    for start, first_t, first_value, words in (
            ("x0", 0, 1, r"from $\bar e_0 = e_0$ (note 000's class clones the parameters before training)"),
            ("first", 1, r, r"from $\bar e_1 = e_1$ (torch's \texttt{AveragedModel} copies on its first update)"),
            ("zero", 0, 0, r"from $\bar e_0 = 0$ (\texttt{optax.ema} starts at zeros)")):
        f = ema_factor(start)
        d.add(Step.substitution(f"start {start}", f, {t: first_t}, first_value,
                                r"the closed form below has the right value at the start, " + words,
                                lhs=sp.Function(r"\bar{e}")(first_t)))
        d.add(Step.identity(f"recurrence {start}", rec(f, r**(t + 1)), f.subs(t, t + 1),
                            r"and satisfies $\bar e_{t+1} = \alpha\bar e_t + (1-\alpha)r^{t+1}$: by induction it is "
                            r"the EMA of $e_s = r^s e_0$ (per unit $e_0$, $r \ne \alpha$)", simplifier=_powsimp))
    m = (1 - a**t) * c
    d.add(Step.identity("bias", rec(m, c), m.subs(t, t + 1),
                        r"for a constant input $c$ the zero start gives $m_t = (1-\alpha^t)c$ ($m_0 = 0$, and the "
                        r"recurrence holds): biased toward $0$ by the factor $1 - \alpha^t$", simplifier=_powsimp))
    d.add(Step.identity("debiased", m / (1 - a**t), c,
                        r"dividing by $1 - \alpha^t$ (optax's \texttt{debias}, Adam's bias correction) removes it"))
    dl = a / (1 - a)
    ramp = c * (t - dl) + K * a**t
    d.add(Step.identity("lag on a ramp", rec(ramp, c * (t + 1)), ramp.subs(t, t + 1),
                        r"on a ramp $x_t = ct$, $\bar x_t = c(t - \alpha/(1-\alpha)) + K\alpha^t$ solves the "
                        r"recurrence for every $K$ (fixed by the start): once $\alpha^t$ has decayed the EMA trails "
                        r"the iterate by $c\,\alpha/(1-\alpha)$ --- $999$ steps' worth of progress at $\alpha = 0.999$",
                        simplifier=_powsimp))
    d.results.update({"x0": ema_factor("x0"), "first": ema_factor("first"), "zero": ema_factor("zero"), "lag": dl})
    return d
