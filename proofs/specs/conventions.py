r"""FormSpecs for the other writings of heavy ball and Nesterov (see :mod:`theory.conventions`).

An *equivalent* form's rate is its canonical form's rate at the canonical parameters given by
the derived parameter map (:func:`theory.conventions.parameter_map`), e.g. ``ema``:
:math:`\alpha_c = \alpha(1-\beta)`, :math:`\beta_c = \beta`.  Its tunings are the canonical
tunings sent through the derived inverse map (``ema``: :math:`\alpha = \alpha_c/(1-\beta_c)`).

``pytorch`` iterates are NAG's look-ahead points :math:`y_t`, a fixed linear combination of
:math:`(x_t, x_{t-1})`, so they share NAG's iteration matrix and rate.

``seed-003`` is *not* NAG unless :math:`\eta = 1`: it is the family
:math:`x_{t+1} = x_t + \beta(x_t - x_{t-1}) - \eta\nabla f(x_t + (\beta/\eta)(x_t - x_{t-1}))`; its rate is
the larger spectral radius of its own derived iteration matrix at :math:`\lambda = \mu` and
:math:`\lambda = L` (:func:`theory.conventions.seed003_rate_derivation`).  Its tunings are NAG's
tunings plugged in as written (``eta = alpha``, ``beta = beta``), which is what a reader of
note 003 would do; they do not make it NAG.
"""
from __future__ import annotations

from functools import cache
from typing import Mapping

import mpmath
import sympy as sp

from ratecheck.numerics.methods import canonical_forms
from ratecheck.numerics.validation import ParameterError, finite, positive
from ratecheck.theory import conventions as conv
from ratecheck.theory.evaluate import PRECISION_DIGITS, to_float
from ratecheck.theory.two_step import radius

from ..methods import FormSpec, register

__all__ = ["canonical_params", "seed003_rate", "CONVENTION_SPECS"]

_CANONICAL = canonical_forms(family="classic")


def _given(params: Mapping[str, float], names: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for n in names:
        if n not in params:
            raise ParameterError(n, f"given (params need {', '.join(names)})", None)
        out[n] = finite(n, params[n])
    return out


def canonical_params(method: str, form: str, params: Mapping[str, float]) -> dict[str, float]:
    r"""The canonical ``{"alpha", "beta"}`` of ``form``'s parameters, from the derived map (50 digits)."""
    f = conv.symbolic_form(method, form)
    values = _given(params, f.params)
    pm = conv.parameter_map(method, form)
    return {"alpha": to_float(pm["alpha"], values), "beta": to_float(pm["beta"], values)}


def _inverse(method: str, form: str, canonical: Mapping[str, float]) -> dict[str, float]:
    inv = conv.inverse_map(method, form)
    f = conv.symbolic_form(method, form)
    values = {"alpha_c": canonical["alpha"], "beta_c": canonical["beta"]}
    return {p: to_float(inv[p], values) for p in f.params}


@cache
def _seed003_coefficients():
    d = conv.seed003_rate_derivation()
    return sp.lambdify((conv.eta, conv.beta, conv.lam), (d.results["seed-003.b"], d.results["seed-003.c"]), modules="mpmath")


def seed003_rate(params: Mapping[str, float], mu: float, L: float) -> float:
    r"""Spectral radius of note 003's form over eig(A) ⊂ [mu, L]: :math:`\max(\rho(\mu), \rho(L))` with
    :math:`b = 1 + \beta - \eta\lambda - \beta\lambda`, :math:`c = \beta(1-\lambda)` (derived), in 50 digits.
    A value > 1 is the growth factor of the divergent iteration."""
    p = _given(params, ("eta", "beta"))
    mu, L = positive("mu", mu), positive("L", L)
    if L < mu:
        raise ParameterError("L", f"a number >= mu = {mu:g}", L)
    coeff = _seed003_coefficients()
    with mpmath.workdps(PRECISION_DIGITS):
        e, b = mpmath.mpf(p["eta"]), mpmath.mpf(p["beta"])
        return float(max(radius(*coeff(e, b, mpmath.mpf(lam))) for lam in (mu, L)))


def _canonical_rate(method: str):
    from . import momentum

    return momentum.heavy_ball_rate if method == "heavy-ball" else momentum.nesterov_rate


def _canonical_tuning(method: str, name: str, mu: float, L: float) -> dict[str, float]:
    from . import momentum

    fn = momentum.heavy_ball_tuning if method == "heavy-ball" else momentum.nesterov_tuning
    return fn(name, mu, L)


def _tuning_names(method: str) -> tuple[str, ...]:
    from . import momentum

    return tuple(momentum.HEAVY_BALL_TUNINGS if method == "heavy-ball" else momentum.NESTEROV_TUNINGS)


def _spec(method: str, form: str) -> FormSpec:
    f = conv.symbolic_form(method, form)
    equivalent = form != "seed-003"

    if equivalent:
        def rate(params, mu, L, _m=method, _f=form):
            return _canonical_rate(_m)(canonical_params(_m, _f, params), mu, L)
    else:
        rate = seed003_rate

    tunings = {
        name: (lambda mu, L, _n=name, _m=method, _f=form: _inverse(_m, _f, _canonical_tuning(_m, _n, mu, L)))
        for name in _tuning_names(method)
    }
    pm = conv.parameter_map(method, form)
    note = (f"{f.formula}; canonical alpha = {sp.sstr(pm['alpha'])}, beta = {sp.sstr(pm['beta'])}, "
            f"look-ahead gamma' = {sp.sstr(pm['gamma'])}")
    if form == "pytorch":
        note += "; iterates are NAG's look-ahead points y_t"
    if not equivalent:
        note += "; NOT Nesterov unless eta = 1 (tunings: NAG's plugged in as written)"
    return register(FormSpec(method=method, form=form, params=f.params, rate=rate, tunings=tunings,
                             equivalent_to=_CANONICAL[method] if equivalent else None, note=note))


CONVENTION_SPECS = [_spec(m, n) for (m, n) in conv.FORMS]
