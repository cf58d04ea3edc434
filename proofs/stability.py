r"""Stability margin: how wrong the spectrum estimate may be before given parameters diverge.

Tuned parameters sit on the stability edge: gradient descent at :math:`\eta = 2/(\mu+L)` diverges as
soon as an eigenvalue exceeds :math:`2/\eta = \mu + L`, i.e. when L was underestimated by a factor
:math:`1 + 1/\kappa` (0.002 % at κ = 5·10⁴).  For parameters ``params`` of ``method`` in ``form`` and
a spectrum estimate [μ, L], :func:`stability_margin` returns

* ``L_factor`` :math:`s^* = \sup\{s \ge 1 : \rho(\text{params}; [\mu, sL]) < 1\}` and
  ``L_underestimate`` :math:`= s^* - 1`: the true largest eigenvalue may exceed the estimate L by up to
  that fraction of L (the convention of ``robust:margin=m``);
* ``mu_factor`` :math:`m^* = \inf\{m \in (0, 1] : \rho(\text{params}; [m\mu, L]) < 1\}` — 0 when
  no smaller μ makes the parameters diverge (gd, heavy ball and Nesterov only slow down as μ → 0:
  their modes at λ → 0 tend to modulus 1 from below).

ρ is the derived spectral radius over the interval (:func:`proofs.methods.theory_rate`: the engine's, 50 digits).  It is
non-decreasing as the interval grows, so both factors are found by bracketing and regula falsi
(Illinois variant; relative precision 1e-9, a handful of evaluations of the closed form).  The textbook conditions check it in tests/test_stability.py: gd :math:`\eta\lambda<2`,
heavy ball :math:`\alpha\lambda < 2(1+\beta)` (Polyak 1964), Nesterov
:math:`\alpha\lambda < 2(1+\beta)/(1+2\beta)` (Jury conditions on :math:`z^2-(1+\beta)(1-\alpha\lambda)z+\beta(1-\alpha\lambda)`).
"""
from __future__ import annotations

import math
from typing import Mapping

from .methods import theory_rate, tuned

__all__ = ["stability_margin", "tuned_params", "parse_tuning"]

_MAX_FACTOR = 1e12
_REL = 1e-9


def _edge(g, lo: float, hi: float) -> float:
    r"""The crossing of ``g`` (< 0 at ``lo``, >= 0 at ``hi``) by the Illinois variant of regula falsi,
    to relative precision :data:`_REL`; returns a point where g < 0 (the stable side).

    After each new point x the other side is probed at distance :data:`_REL`·|x|, so a smooth g
    (the rate near its crossing of 1) ends in a few steps even when one end of the bracket stays put."""
    glo, ghi = g(lo), g(hi)
    side = 0
    for _ in range(100):
        if hi - lo <= _REL * abs(lo):
            break
        x = hi - ghi * (hi - lo) / (ghi - glo) if ghi != glo else 0.5 * (lo + hi)
        if not lo < x < hi:
            x = 0.5 * (lo + hi)
        gx = g(x)
        step = _REL * abs(x)
        if gx < 0:
            lo, glo = x, gx
            if x + step < hi:
                gp = g(x + step)
                if gp >= 0:
                    return x
                lo, glo = x + step, gp
            if side == -1:
                ghi *= 0.5
            side = -1
        else:
            hi, ghi = x, gx
            if x - step > lo:
                gp = g(x - step)
                if gp < 0:
                    return x - step
                hi, ghi = x - step, gp
            if side == 1:
                glo *= 0.5
            side = 1
    return lo


def stability_margin(method: str, form: str, params: Mapping[str, float], mu: float, L: float) -> dict:
    r"""``{"L_factor", "L_underestimate", "mu_factor"}`` of ``params`` on [mu, L] (see the module docstring).

    For parameters that already diverge on [mu, L] the factors are ``None``.
    """
    from ratecheck import numerics

    m = numerics.form(method, form)

    def excess(lo: float, hi: float) -> float:
        r = theory_rate(m, params, lo, hi)
        return r - 1.0 if math.isfinite(r) else math.inf

    if excess(mu, L) >= 0:
        return {"L_factor": None, "L_underestimate": None, "mu_factor": None}
    s_lo, s_hi = 1.0, 2.0
    while excess(mu, s_hi * L) < 0:
        s_lo, s_hi = s_hi, s_hi * 2
        if s_hi > _MAX_FACTOR:
            s_lo = s_hi = math.inf
            break
    if math.isfinite(s_hi):
        s_lo = _edge(lambda s: min(excess(mu, s * L), 1e6), s_lo, s_hi)
    m_factor = 0.0
    if excess(mu / _MAX_FACTOR, L) >= 0:  # some smaller mu diverges: m* in (1e-12, 1)
        m_factor = -_edge(lambda m: min(excess(-m * mu, L), 1e6), -1.0, -1.0 / _MAX_FACTOR)
    return {"L_factor": s_lo, "L_underestimate": s_lo - 1.0,
            "mu_factor": m_factor}


def parse_tuning(tuning: str) -> tuple[str, float | None]:
    r"""``"optimal"`` -> ("optimal", None); ``"robust:margin=0.05"`` -> ("robust", 0.05) (0 <= margin <= 100)."""
    from ratecheck.numerics import validation as v

    name, _, rest = str(tuning).partition(":")
    if name != "robust":
        if rest:
            raise v.ParameterError("tuning", "a tuning name (optimal, standard) or robust:margin=M", tuning)
        return name, None
    key, eq, value = rest.partition("=")
    if key.strip() != "margin" or not eq:
        raise v.ParameterError("tuning", "robust:margin=M with M the fraction by which L may be underestimated", tuning)
    return "robust", v.in_range("margin", value, 0.0, 100.0)


def tuned_params(method: str, form: str, tuning: str, mu: float, L: float) -> dict[str, float]:
    r"""The parameters of ``tuning``: a published tuning of the form (:func:`proofs.methods.tuned`), or
    ``robust:margin=m`` (optimal on [mu, (1+m)L])."""
    from ratecheck import numerics

    name, margin = parse_tuning(tuning)
    m = numerics.form(method, form)
    if margin is None:
        return tuned(m, name, mu, L)
    return tuned(m, "optimal", mu, L * (1.0 + margin))
