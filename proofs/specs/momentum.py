r"""FormSpecs for heavy ball (Polyak form) and Nesterov (Lessard form): the join of theory/ and numerics/.

Public functions (used by other topics, e.g. the momentum conventions):

* :func:`heavy_ball_rate`, :func:`nesterov_rate` — ``rho(params, mu, L)``, the spectral radius
  over eig(A) ⊂ [mu, L]: the derived closed form :math:`\max(\rho(\alpha\mu), \rho(\alpha L))`
  with :math:`\rho = \tfrac12(|b| + \sqrt{b^2-4c})` (real roots) or :math:`\sqrt c` (complex
  roots), evaluated in 50-digit mpmath (accurate far below 1e-9 also at double roots);
* :func:`heavy_ball_tuning`, :func:`nesterov_tuning` — ``{"alpha", "beta"}`` for a named tuning,
  evaluated from the derived formulas.

Conventions: heavy ball :math:`x^+ = x - \alpha\nabla f(x) + \beta(x - x_-)`; Nesterov
:math:`y = x + \beta(x - x_-)`, :math:`x^+ = y - \alpha\nabla f(y)`.
"""
from __future__ import annotations

from functools import cache
from typing import Callable, Mapping

import sympy as sp

from ratecheck.numerics.validation import ParameterError, finite, positive
from ratecheck.theory import heavy_ball as hb
from ratecheck.theory import nesterov as nag
from ratecheck.theory.evaluate import to_float
from ratecheck.theory.two_step import radius

from ..methods import FormSpec, register

__all__ = ["heavy_ball_rate", "nesterov_rate", "heavy_ball_tuning", "nesterov_tuning",
           "HEAVY_BALL_TUNINGS", "NESTEROV_TUNINGS"]


def _mu_L(mu: float, L: float) -> tuple[float, float]:
    mu, L = positive("mu", mu), positive("L", L)
    if L < mu:
        raise ParameterError("L", f"a number >= mu = {mu:g}", L)
    return mu, L


def _alpha_beta(params: Mapping[str, float]) -> tuple[float, float]:
    for name in ("alpha", "beta"):
        if name not in params:
            raise ParameterError(name, "given (params need alpha and beta)", None)
    return finite("alpha", params["alpha"]), finite("beta", params["beta"])


@cache
def _coefficients(module) -> Callable:
    """``(alpha, beta, lambda) -> (b, c)`` of the derived iteration matrix [[b, -c], [1, 0]], in mpmath."""
    d = module.matrix_derivation()
    a, b_, l_ = d.symbols["alpha"], d.symbols["beta"], d.symbols["lambda"]
    return sp.lambdify((a, b_, l_), (d.results["b"], d.results["c"]), modules="mpmath")


def _rate(module, params, mu, L, tunings) -> float:
    r"""max(rho(alpha mu), rho(alpha L)) in 50 digits; at a named tuning, its exact derived rate.

    At tuned parameters the roots are double, and a double root moves by about the square root of
    a parameter perturbation: rounding alpha* and beta* to float64 (relative 1e-16) moves the
    spectral radius of the rounded parameters by ~1e-8.  When ``params`` equal a named tuning's
    parameters to float rounding (relative 4e-16), the rate returned is that tuning's derived
    closed form (e.g. (sqrt(kappa)-1)/(sqrt(kappa)+1)) at the exact parameters.
    """
    import mpmath

    from ratecheck.theory.evaluate import PRECISION_DIGITS

    alpha, beta = _alpha_beta(params)
    mu, L = _mu_L(mu, L)
    for derivation in tunings:
        exact = _tuned(derivation, mu, L)
        if abs(alpha - exact["alpha"]) <= 4e-16 * exact["alpha"] and abs(beta - exact["beta"]) <= 4e-16 * exact["beta"]:
            return to_float(derivation.results["rate"], {"mu": mu, "L": L, "kappa": L / mu})
    coeff = _coefficients(module)
    with mpmath.workdps(PRECISION_DIGITS):
        a, bt = mpmath.mpf(alpha), mpmath.mpf(beta)
        return float(max(radius(*coeff(a, bt, mpmath.mpf(lam))) for lam in (mu, L)))


def heavy_ball_rate(params: Mapping[str, float], mu: float, L: float) -> float:
    r"""Spectral radius of heavy ball (Polyak form) over eig(A) ⊂ [mu, L]; see the module docstring."""
    return _rate(hb, params, mu, L, (hb.optimal_tuning_derivation(),))


def nesterov_rate(params: Mapping[str, float], mu: float, L: float) -> float:
    r"""Spectral radius of NAG (Lessard form) over eig(A) ⊂ [mu, L]; see the module docstring."""
    return _rate(nag, params, mu, L, (nag.optimal_tuning_derivation(), nag.standard_tuning_derivation()))


def _tuned(derivation, mu, L) -> dict[str, float]:
    mu, L = _mu_L(mu, L)
    res = derivation.results
    return {"alpha": to_float(res["alpha"], {"mu": mu, "L": L}),
            "beta": to_float(res["beta"], {"mu": mu, "L": L, "kappa": L / mu})}


HEAVY_BALL_TUNINGS = {
    "optimal": lambda mu, L: _tuned(hb.optimal_tuning_derivation(), mu, L),
}
NESTEROV_TUNINGS = {
    "optimal": lambda mu, L: _tuned(nag.optimal_tuning_derivation(), mu, L),
    "standard": lambda mu, L: _tuned(nag.standard_tuning_derivation(), mu, L),
}


def _tuning(table, method, name, mu, L) -> dict[str, float]:
    if name not in table:
        raise ParameterError("tuning", f"one of {', '.join(table)} for {method}", name)
    return table[name](mu, L)


def heavy_ball_tuning(name: str, mu: float, L: float) -> dict[str, float]:
    r"""Heavy-ball parameters: ``"optimal"`` = Polyak's :math:`\alpha^* = 4/(\sqrt L+\sqrt\mu)^2`,
    :math:`\beta^* = ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2` (Polyak 1964)."""
    return _tuning(HEAVY_BALL_TUNINGS, "heavy-ball", name, mu, L)


def nesterov_tuning(name: str, mu: float, L: float) -> dict[str, float]:
    r"""NAG parameters: ``"optimal"`` = :math:`\alpha = 4/(3L+\mu)`,
    :math:`\beta = (\sqrt{3\kappa+1}-2)/(\sqrt{3\kappa+1}+2)` (Lessard, Recht & Packard 2016);
    ``"standard"`` = :math:`\alpha = 1/L`, :math:`\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)`."""
    return _tuning(NESTEROV_TUNINGS, "nesterov", name, mu, L)


HEAVY_BALL = register(FormSpec(
    method="heavy-ball", form="polyak", params=("alpha", "beta"), rate=heavy_ball_rate,
    tunings=HEAVY_BALL_TUNINGS,
    note=r"x_{t+1} = x_t - \alpha\nabla f(x_t) + \beta(x_t - x_{t-1}) (Polyak 1964)",
))

NESTEROV = register(FormSpec(
    method="nesterov", form="lessard", params=("alpha", "beta"), rate=nesterov_rate,
    tunings=NESTEROV_TUNINGS,
    note=r"y_t = x_t + \beta(x_t - x_{t-1}), x_{t+1} = y_t - \alpha\nabla f(y_t) (Lessard, Recht & Packard 2016)",
))
