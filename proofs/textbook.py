r"""The textbook closed forms of the three classic methods, evaluated: the reader's proofs as numbers.

theory/gd.py, theory/heavy_ball.py and theory/nesterov.py derive, by hand and step by step, each
classic method's rate and its published tunings *in its canonical form* (gd; heavy ball in Polyak's
form; Nesterov in the form of Lessard, Recht & Packard).  This module evaluates those derived
results in 50-digit arithmetic; it knows no other form.  Every other way of writing a method gets
its rate from the generic engine and its tunings through the parameter map the engine finds
(:mod:`proofs.methods`), and the claims of topic ``methods`` check engine ⇄ textbook.

* :func:`textbook_rate` — the derived spectral radius over eig(A) ⊂ [mu, L]: gradient descent
  :math:`\max(|1-\eta\mu|, |1-\eta L|)` (:func:`theory.gd.spectral_radius_derivation`); heavy ball
  and Nesterov :math:`\max(\rho(\mu), \rho(L))` with :math:`\rho = \tfrac12(|b| + \sqrt{b^2-4c})`
  (real roots) or :math:`\sqrt c` (complex roots), :math:`b, c` of the derived matrix
  :math:`[[b, -c], [1, 0]]`;
* :data:`PUBLISHED` — the published tunings, each the theory/ derivation whose results give the
  canonical parameters (gradient descent :math:`\eta^\star = 2/(\mu+L)`, Nesterov 2018 Thm 2.1.15;
  Polyak's heavy ball, Polyak 1964; Nesterov's ``optimal`` :math:`\alpha = 4/(3L+\mu)`, Lessard, Recht &
  Packard 2016, and ``standard`` :math:`\alpha = 1/L`, :math:`\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)`);
  :func:`textbook_tuning` evaluates them, :func:`tuned_rate` gives a tuning's exact derived rate.

Conventions: heavy ball :math:`x^+ = x - \alpha\nabla f(x) + \beta(x - x_-)`; Nesterov
:math:`y = x + \beta(x - x_-)`, :math:`x^+ = y - \alpha\nabla f(y)`.
"""
from __future__ import annotations

from functools import cache
from typing import Callable, Mapping

import sympy as sp

from ratecheck.numerics.validation import ParameterError, given, interval
from ratecheck.theory import gd as theory_gd
from ratecheck.theory import heavy_ball as hb
from ratecheck.theory import nesterov as nag
from ratecheck.theory.evaluate import to_float
from ratecheck.theory.two_step import radius

__all__ = ["PUBLISHED", "CANONICAL_PARAMS", "textbook_rate", "textbook_tuning", "tuned_rate", "tuning_names",
           "gd_rate", "heavy_ball_rate", "nesterov_rate", "heavy_ball_tuning", "nesterov_tuning"]

#: method -> tuning name -> (the derivation, {parameter: the name of its result}); the canonical forms' parameters
PUBLISHED: dict[str, dict[str, tuple[Callable, dict[str, str]]]] = {
    "gd": {"optimal": (theory_gd.optimal_step_derivation, {"eta": "eta_star"})},
    "heavy-ball": {"optimal": (hb.optimal_tuning_derivation, {"alpha": "alpha", "beta": "beta"})},
    "nesterov": {"optimal": (nag.optimal_tuning_derivation, {"alpha": "alpha", "beta": "beta"}),
                 "standard": (nag.standard_tuning_derivation, {"alpha": "alpha", "beta": "beta"})},
}

#: the parameters of each method's canonical form, as the textbook derivations name them
CANONICAL_PARAMS = {"gd": ("eta",), "heavy-ball": ("alpha", "beta"), "nesterov": ("alpha", "beta")}


def tuning_names(method: str) -> tuple[str, ...]:
    """The published tunings of a classic method (``()`` for any other)."""
    return tuple(PUBLISHED.get(method, {}))


def _tuning(method: str, name: str):
    if name not in PUBLISHED.get(method, {}):
        raise ParameterError("tuning", f"one of {', '.join(tuning_names(method)) or 'none'} for {method}", name)
    return PUBLISHED[method][name]


def textbook_tuning(method: str, name: str, mu: float, L: float) -> dict[str, float]:
    r"""The canonical form's parameters of the published tuning ``name``, from its derivation (50 digits, then float)."""
    derivation, results = _tuning(method, name)
    mu, L = interval(mu, L)
    res = derivation().results
    return {p: to_float(res[key], {"mu": mu, "L": L, "kappa": L / mu}) for p, key in results.items()}


def tuned_rate(method: str, name: str, mu: float, L: float) -> float | None:
    r"""The exact derived rate at the published tuning ``name`` (its derivation's result ``rate``), or None when
    the derivation has none (gradient descent: a simple root, the closed form at the float step is exact enough)."""
    derivation, _ = _tuning(method, name)
    res = derivation().results
    if "rate" not in res:
        return None
    mu, L = interval(mu, L)
    return to_float(res["rate"], {"mu": mu, "L": L, "kappa": L / mu})


@cache
def _coefficients(module) -> Callable:
    """``(alpha, beta, lambda) -> (b, c)`` of the derived iteration matrix [[b, -c], [1, 0]], in mpmath."""
    d = module.matrix_derivation()
    a, b_, l_ = d.symbols["alpha"], d.symbols["beta"], d.symbols["lambda"]
    return sp.lambdify((a, b_, l_), (d.results["b"], d.results["c"]), modules="mpmath")


def _two_step_rate(module, method: str, params: Mapping[str, float], mu: float, L: float) -> float:
    r""":math:`\max(\rho(\mu), \rho(L))` in 50 digits; at a published tuning's parameters, its exact derived rate.

    At tuned parameters the roots are double, and a double root moves by about the square root of a
    parameter perturbation: rounding :math:`\alpha^*, \beta^*` to float64 (relative 1e-16) moves the spectral
    radius of the rounded parameters by ~1e-8.  When ``params`` equal a tuning's parameters to float rounding
    (relative 4e-16), the rate returned is that tuning's derived closed form at the exact parameters.
    """
    import mpmath

    from ratecheck.theory.evaluate import PRECISION_DIGITS

    p = given(params, ("alpha", "beta"))
    mu, L = interval(mu, L)
    for name in tuning_names(method):
        exact = textbook_tuning(method, name, mu, L)
        if all(abs(p[k] - x) <= 4e-16 * abs(x) for k, x in exact.items()):
            rate = tuned_rate(method, name, mu, L)
            if rate is not None:
                return rate
    coeff = _coefficients(module)
    with mpmath.workdps(PRECISION_DIGITS):
        a, bt = mpmath.mpf(p["alpha"]), mpmath.mpf(p["beta"])
        return float(max(radius(*coeff(a, bt, mpmath.mpf(lam))) for lam in (mu, L)))


def gd_rate(params: Mapping[str, float], mu: float, L: float) -> float:
    r""":math:`\max(|1 - \eta\mu|, |1 - \eta L|)` from the derived closed form (50 digits, then float)."""
    eta = given(params, ("eta",))["eta"]
    rho = theory_gd.spectral_radius_derivation().results["rho"]
    return to_float(rho, {"eta": eta, "mu": mu, "L": L})


def heavy_ball_rate(params: Mapping[str, float], mu: float, L: float) -> float:
    r"""Spectral radius of heavy ball (Polyak form) over eig(A) ⊂ [mu, L]; see :func:`_two_step_rate`."""
    return _two_step_rate(hb, "heavy-ball", params, mu, L)


def nesterov_rate(params: Mapping[str, float], mu: float, L: float) -> float:
    r"""Spectral radius of NAG (Lessard form) over eig(A) ⊂ [mu, L]; see :func:`_two_step_rate`."""
    return _two_step_rate(nag, "nesterov", params, mu, L)


_RATE = {"gd": gd_rate, "heavy-ball": heavy_ball_rate, "nesterov": nesterov_rate}


def textbook_rate(method: str, params: Mapping[str, float], mu: float, L: float) -> float:
    r"""The textbook derived rate of a classic method's canonical form (gd, polyak, lessard) over [mu, L]."""
    if method not in _RATE:
        raise ParameterError("method", f"one of {', '.join(_RATE)} (a method with a textbook derivation)", method)
    return _RATE[method](params, mu, L)


def heavy_ball_tuning(name: str, mu: float, L: float) -> dict[str, float]:
    r"""Heavy-ball parameters: ``"optimal"`` = Polyak's :math:`\alpha^* = 4/(\sqrt L+\sqrt\mu)^2`,
    :math:`\beta^* = ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2` (Polyak 1964)."""
    return textbook_tuning("heavy-ball", name, mu, L)


def nesterov_tuning(name: str, mu: float, L: float) -> dict[str, float]:
    r"""NAG parameters: ``"optimal"`` = :math:`\alpha = 4/(3L+\mu)`,
    :math:`\beta = (\sqrt{3\kappa+1}-2)/(\sqrt{3\kappa+1}+2)` (Lessard, Recht & Packard 2016);
    ``"standard"`` = :math:`\alpha = 1/L`, :math:`\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)`."""
    return textbook_tuning("nesterov", name, mu, L)
