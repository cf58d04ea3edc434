r"""The average-case prediction evaluated by quadrature, and its confirmation by large simulations.

Prediction (theory/average_case.py): for an isotropic start with E‖x₀ − x*‖² = R²,

.. math::  \mathbb E[f(x_t) - f^*] \to \frac{R^2}{2}\int \lambda P_t(\lambda)^2\,p_{MP}(\lambda)\,d\lambda
          = \frac{R^2}{4\pi r}\int_{\lambda_-}^{\lambda_+} P_t(\lambda)^2 \sqrt{(\lambda_+-\lambda)(\lambda-\lambda_-)}\,d\lambda ,

(the λ of the loss cancels the 1/λ of the density).  The remaining weight is the Jacobi weight
:math:`(1-x)^{1/2}(1+x)^{1/2}` on the mapped interval, so Gauss–Jacobi quadrature with
``steps + 2`` nodes (:func:`scipy.special.roots_jacobi`) integrates the polynomial :math:`P_t^2`
(degree 2t) exactly, edge square-root singularities included; :func:`predicted_loss_quad`
cross-checks one step with adaptive ``scipy.integrate.quad(weight="alg")``.  The residual
polynomials come from the recurrences :math:`P_{t+1} = a(\lambda)P_t + b(\lambda)P_{t-1}` that
theory/ reads off each update rule (evaluated with ``lambdify``); the simulation never uses them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp
from scipy import integrate, special

from ratecheck.numerics.methods import canonical_forms
from ratecheck import numerics
from ratecheck.numerics import spectra, validation as v
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.problems import isotropic_initial_error
from ratecheck.theory.average_case import SYMBOLS, mp_density_derivation, residual_recurrences

__all__ = ["METHODS", "FORMS", "predicted_loss", "predicted_loss_quad", "AverageCaseRun", "average_case_run",
           "canonical_params", "recurrence_for"]

#: methods with a derived residual-polynomial recurrence, and the numerics form that runs them
METHODS = canonical_forms(family="classic")

#: their method values, handed to theory.average_case (which derives the recurrences from them)
FORMS = tuple(numerics.form(m, f) for m, f in METHODS.items())


@cache
def _recurrence_functions(method: str):
    if method not in METHODS:
        raise v.ParameterError("method", f"one of {', '.join(METHODS)} for the average-case prediction", method)
    res = residual_recurrences(FORMS).results
    args = (SYMBOLS["lambda"], SYMBOLS["eta"], SYMBOLS["alpha"], SYMBOLS["beta"])
    return tuple(sp.lambdify(args, res[f"{method}_{k}"], "numpy") for k in ("a", "b", "P1"))


def recurrence_for(method: str, params: dict, lam: np.ndarray):
    """(a(λ), b(λ), P₁(λ)) as arrays on ``lam`` for ``method`` with ``params``."""
    a, b, p1 = _recurrence_functions(method)
    pv = (params.get("eta", 0.0), params.get("alpha", 0.0), params.get("beta", 0.0))
    one = np.ones_like(lam)
    return a(lam, *pv) * one, b(lam, *pv) * one, p1(lam, *pv) * one


def _edges(ratio: float) -> tuple[float, float]:
    mp = mp_density_derivation().results
    rr = SYMBOLS["r"]
    return (float(mp["lambda_minus"].subs(rr, ratio)), float(mp["lambda_plus"].subs(rr, ratio)))


def _residuals_on(method: str, params: dict, lam: np.ndarray, steps: int) -> np.ndarray:
    """P_t(λ) for t = 0..steps on ``lam`` (rows = t)."""
    a, b, p1 = recurrence_for(method, params, lam)
    P = np.empty((steps + 1, lam.size))
    P[0] = 1.0
    if steps >= 1:
        P[1] = p1
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps):
            P[t + 1] = a * P[t] + b * P[t - 1]
    return P


def predicted_loss(method: str, params: dict, ratio: float, steps: int, radius: float = 1.0) -> np.ndarray:
    r"""Predicted E[f(x_t) − f*] for t = 0..steps (MP ratio r, E‖e₀‖² = R²), Gauss–Jacobi exact for P_t²."""
    ratio = v.in_range("ratio", ratio, 0.0, 1.0, lo_open=True, hi_open=True)
    steps = v.integer("steps", steps, 0)
    lo, hi = _edges(ratio)
    nodes, weights = special.roots_jacobi(steps + 2, 0.5, 0.5)
    half = (hi - lo) / 2
    lam = (lo + hi) / 2 + half * nodes
    P = _residuals_on(method, params, lam, steps)
    with np.errstate(over="ignore", invalid="ignore"):
        integral = (P * P) @ weights * half * half
    return radius**2 / (4 * math.pi * ratio) * integral


def predicted_loss_quad(method: str, params: dict, ratio: float, t: int, radius: float = 1.0) -> float:
    """The same prediction at one step ``t`` by adaptive quadrature with the algebraic edge weight (QAWS)."""
    lo, hi = _edges(ratio)

    def integrand(x):
        return float(_residuals_on(method, params, np.array([x]), t)[t, 0] ** 2)

    value, _ = integrate.quad(integrand, lo, hi, weight="alg", wvar=(0.5, 0.5), limit=200)
    return radius**2 / (4 * math.pi * ratio) * value


def canonical_params(method: str, ratio: float) -> dict[str, float]:
    r"""Parameters used by the claims: GD η = 1/λ₊; heavy ball Polyak's tuning for [λ₋, λ₊]
    (α = 4/(√λ₊+√λ₋)² = 1, β = ((√λ₊−√λ₋)/(√λ₊+√λ₋))² = r); Nesterov α = 1/λ₊, β = (√κ−1)/(√κ+1) = √r."""
    lo, hi = _edges(ratio)
    sl, sh = math.sqrt(lo), math.sqrt(hi)
    if method == "gd":
        return {"eta": 1 / hi}
    if method == "heavy-ball":
        return {"alpha": 4 / (sl + sh) ** 2, "beta": ((sh - sl) / (sh + sl)) ** 2}
    if method == "nesterov":
        sk = math.sqrt(hi / lo)
        return {"alpha": 1 / hi, "beta": (sk - 1) / (sk + 1)}
    raise v.ParameterError("method", f"one of {', '.join(METHODS)}", method)


@dataclass(frozen=True)
class AverageCaseRun:
    method: str
    params: dict
    ratio: float
    dim: int
    steps: int
    simulated: np.ndarray
    predicted: np.ndarray
    fluctuation: np.ndarray  # relative std of the loss over e0 for this spectrum (finite d)
    precision: str

    @property
    def max_relative_deviation(self) -> float:
        return float(np.max(np.abs(self.simulated / self.predicted - 1)))


def average_case_run(method: str, *, ratio: float = 0.5, dim: int = 2_000_000, steps: int = 30, seed: int = 1,
                     radius: float = 1.0, params: dict | None = None, backend: str = "auto",
                     precision: str = "float64", start: str = "gaussian") -> AverageCaseRun:
    r"""Simulate ``method`` on ``dim`` MP quantile eigenvalues from a Gaussian isotropic e₀ and predict its loss.

    ``start``: ``"gaussian"`` (e₀ ~ N(0, R²/d I)) or ``"signs"`` (e₀ᵢ = ±R/√d with random signs, also
    isotropic; its loss has no e₀ fluctuation, so only the finite-d spectrum separates it from the prediction).
    ``fluctuation[t]`` = sqrt(2 Σ w_i²)/Σ w_i with w_i = λ_i P_t(λ_i)²: the relative standard deviation of
    ½Σλ_i x_{t,i}² over Gaussian e₀ on this spectrum (Var z² = 2), i.e. the size of the finite-d effect.
    """
    params = dict(params) if params is not None else canonical_params(method, ratio)
    lam = spectra.marchenko_pastur(dim, ratio, "quantile")
    if start == "gaussian":
        e0 = isotropic_initial_error(dim, seed, radius)
    elif start == "signs":  # isotropic too: E[e0 e0^T] = R^2/d I, and |e0_i|^2 = R^2/d exactly
        e0 = np.random.default_rng(seed).choice([-1.0, 1.0], dim) * (radius / math.sqrt(dim))
    else:
        raise v.ParameterError("start", "gaussian or signs", start)
    rule = numerics.rule(method, params, METHODS[method])
    traj = simulate_diagonal(rule, lam, e0, steps, backend=backend, precision=precision)
    pred = predicted_loss(method, params, ratio, steps, radius)
    sub = lam[:: max(1, dim // 200_000)]
    P = _residuals_on(method, params, sub, steps)
    w = sub * P * P
    # the subsample stands for the whole spectrum: sums scale by dim / sub.size
    fluct = np.sqrt(2 * (w * w).sum(axis=1)) / w.sum(axis=1) * math.sqrt(sub.size / dim)
    return AverageCaseRun(method, params, ratio, dim, steps, traj.loss, pred[: traj.loss.size], fluct, precision)
