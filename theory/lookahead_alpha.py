r"""The best slow-weights step of Lookahead over gradient descent when extrapolation (alpha > 1) is allowed.

Lookahead over gradient descent with step :math:`\eta` and k inner steps multiplies the error on an eigen-direction
by :math:`c(\lambda) = 1 - \alpha + \alpha u(\lambda)`, :math:`u = (1 - \eta\lambda)^k` per period (derived in
theory/linear_family.py).  With :math:`w = 1 - u \in [w_-, w_+]` over the spectrum (every mode decays under
gradient descent: :math:`0 < w`), :math:`c = 1 - \alpha w` is affine in :math:`w`, so
:math:`\max|c| = \max(|1 - \alpha w_-|, |1 - \alpha w_+|)`, smallest where the two ends balance:

.. math:: \alpha^\star = \frac{2}{w_- + w_+}, \qquad
          \max_\lambda |c| = \frac{w_+ - w_-}{w_+ + w_-}.

On modes with :math:`0 \le \eta\lambda \le 1` (u >= 0) :math:`\alpha^\star \ge 1`: within the paper's range
:math:`(0, 1]` the best choice is :math:`\alpha = 1` (plain gradient descent), and only extrapolation makes
Lookahead faster than its inner loop.  At :math:`\eta = 1/L`: :math:`w_+ = 1`,
:math:`w_- = 1 - (1 - 1/\kappa)^k`, :math:`\alpha^\star = 2/(2 - (1 - 1/\kappa)^k)`.  (The Lookahead method value
accepts :math:`\alpha \in (0, 2)`, which holds :math:`\alpha^\star` when :math:`w_- + w_+ > 1`.)
"""
from __future__ import annotations

from functools import cache

import mpmath
import sympy as sp

from .derivation import Derivation, Step
from .evaluate import PRECISION_DIGITS

__all__ = ["best_alpha_derivation", "best_alpha", "SYMBOLS"]

TOPIC = "linear-family"

alpha = sp.Symbol("alpha", positive=True)
w_lo, w_hi = sp.Symbol("w_-", positive=True), sp.Symbol("w_+", positive=True)
u, u_lo, u_hi = sp.Symbol("u", real=True), sp.Symbol("u_-", real=True), sp.Symbol("u_+", real=True)
delta = sp.Symbol("delta", positive=True)
kappa = sp.Symbol("kappa", positive=True)
k = sp.Symbol("k", positive=True, integer=True)
SYMBOLS = {"alpha": alpha, "w_-": w_lo, "w_+": w_hi, "kappa": kappa, "k": k}


@cache
def best_alpha_derivation() -> Derivation:
    r"""The best :math:`\alpha` over :math:`(0, \infty)` and its outer rate; why :math:`(0, 1]` gives :math:`\alpha = 1`."""
    d = Derivation(TOPIC, r"Lookahead over gradient descent: the best $\alpha$ when extrapolation is allowed",
                   source="Zhang, Lucas, Hinton & Ba (2019)", symbols=dict(SYMBOLS))
    w = sp.Symbol("w", positive=True)
    d.add(Step.identity("affine in w", 1 - alpha + alpha * (1 - w), 1 - alpha * w,
                        r"with $u = (1 - \eta\lambda)^k$ and $w = 1 - u$ the outer factor $1 - \alpha + \alpha u$ is "
                        r"$1 - \alpha w$; over the spectrum $w$ ranges over $[w_-, w_+]$, $w_- > 0$ when every mode "
                        r"decays under gradient descent"))
    d.add(Step.assumed("ends", sp.Symbol("E"),
                       r"$|1 - \alpha w|$ is convex in $w$, so its maximum over $[w_-, w_+]$ is at an end",
                       latex_statement=r"\max_\lambda |c(\lambda)| &= \max\bigl(|1 - \alpha w_-|, |1 - \alpha w_+|\bigr)"))
    d.add(Step.solve("balance", (1 - alpha * w_lo) + (1 - alpha * w_hi), alpha, [2 / (w_lo + w_hi)],
                     r"the two ends balance, $1 - \alpha w_- = -(1 - \alpha w_+)$, at"))
    best = 2 / (w_lo + w_hi)
    value = (w_hi - w_lo) / (w_hi + w_lo)
    d.add(Step.substitution("the outer rate", 1 - alpha * w_lo, {alpha: best}, value,
                            r"where the outer factor's largest modulus is", lhs=sp.Symbol(r"\rho_{\mathrm{out}}")))
    d.add(Step.identity("smaller alpha", (1 - (best - delta) * w_lo) - value, delta * w_lo,
                        r"any $\alpha = \alpha^\star - \delta$ leaves the end $w_-$ at $\rho_{\mathrm{out}} + \delta w_-$"))
    d.add(Step.identity("larger alpha", ((best + delta) * w_hi - 1) - value, delta * w_hi,
                        r"and $\alpha = \alpha^\star + \delta$ the end $w_+$ at $\rho_{\mathrm{out}} + \delta w_+$: "
                        r"$\alpha^\star$ is the unique best"))
    d.add(Step.identity("extrapolation", best.subs({w_lo: 1 - u_hi, w_hi: 1 - u_lo}) - 1,
                        (u_lo + u_hi) / (2 - u_lo - u_hi),
                        r"in terms of $u_\pm$ ($w_- = 1 - u_+$, $w_+ = 1 - u_-$): $\alpha^\star > 1$ whenever "
                        r"$u_- + u_+ > 0$, e.g.\ on modes with $0 \le \eta\lambda \le 1$; then on $(0, 1]$ the rate "
                        r"$1 - \alpha w_-$ only falls as $\alpha$ grows, the best there is $\alpha = 1$ --- plain "
                        r"gradient descent --- and only extrapolation beats the inner loop"))
    d.add(Step.substitution("eta = 1/L", sp.Matrix([best, value]), {w_hi: 1, w_lo: 1 - (1 - 1 / kappa)**k},
                            sp.Matrix([2 / (2 - (1 - 1 / kappa)**k), (1 - 1 / kappa)**k / (2 - (1 - 1 / kappa)**k)]),
                            r"at $\eta = 1/L$: $u(L) = 0$ and $u(\mu) = (1 - 1/\kappa)^k$",
                            lhs=sp.Matrix([sp.Symbol(r"\alpha^\star"), sp.Symbol(r"\rho_{\mathrm{out}}")])))
    d.results.update({"alpha": best, "outer": value})
    return d


def best_alpha(eta, steps: int, mu, L) -> dict:
    r""":math:`\alpha^\star`, the outer rate and the rate per inner step for Lookahead over gradient descent on
    [mu, L] (50 digits); :math:`u = (1 - \eta\lambda)^k` is extremal at the ends or, for even k, at
    :math:`\eta\lambda = 1` when that lies inside."""
    d = best_alpha_derivation()
    with mpmath.workdps(PRECISION_DIGITS):
        e, m, l_ = mpmath.mpf(eta), mpmath.mpf(mu), mpmath.mpf(L)
        us = [(1 - e * m) ** steps, (1 - e * l_) ** steps]
        if steps % 2 == 0 and m <= 1 / e <= l_:
            us.append(mpmath.mpf(0))
        lo, hi = min(us), max(us)
        if not (hi < 1 and lo > -1):
            raise ValueError("some mode does not decay under the inner gradient descent (need 0 < eta lambda < 2)")
        vals = {w_lo: 1 - hi, w_hi: 1 - lo}
        a = sp.lambdify([w_lo, w_hi], d.results["alpha"], "mpmath")(vals[w_lo], vals[w_hi])
        r = sp.lambdify([w_lo, w_hi], d.results["outer"], "mpmath")(vals[w_lo], vals[w_hi])
        return {"alpha": a, "outer_rate": r, "rate_per_step": r ** (mpmath.mpf(1) / steps), "u_range": (lo, hi)}
