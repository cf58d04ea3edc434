r"""What ``ratecheck rate chebyshev`` and ``ratecheck rate lookahead`` print: derived next to simulated.

* :func:`chebyshev_rate` — the Chebyshev semi-iterative method for [mu, L] after ``steps`` steps: the derived
  worst-case error factor :math:`1/T_k((L+\mu)/(L-\mu)) = 2r^k/(1+r^{2k})` (theory/linear_family.py) and the
  largest :math:`|x_k/x_0|` of a run over the spectrum (x0 = 1 on every eigen-direction).
* :func:`lookahead_rate` — Lookahead (numerics/linear_family.py) over a built-in inner method: the engine's
  rate per inner step (``rate_theory``; the period matrix's spectral radius to the power 1/k), the outer rate
  (``outer_rate_theory``) and the fitted rate of a run (:func:`proofs.rate.measure_rate`).
"""
from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from ratecheck import numerics
from ratecheck.numerics import spectra, validation as v
from ratecheck.numerics.linear_family import CHEBYSHEV, check_interval, lookahead
from ratecheck.numerics.problems import DiagonalQuadratic
from ratecheck.theory import linear_family as lf

from .rate import measure_rate

__all__ = ["chebyshev_rate", "lookahead_rate", "MAX_CHEBYSHEV_GRID"]

#: at most this many equally spaced eigenvalues for --mu/--L (plus the k + 1 extremal points of T_k)
MAX_CHEBYSHEV_GRID = 10_001


def chebyshev_rate(*, steps: int, mu: float | None = None, L: float | None = None, eigenvalues=None,
                   dim: int = MAX_CHEBYSHEV_GRID) -> dict[str, Any]:
    r"""Derived and simulated k-step worst-case error factor of the Chebyshev method (see the module docstring).

    With ``eigenvalues`` the method is built for [min, max] of them and the factors are the largest over them
    (the ends are eigenvalues, so the derived value is still :math:`1/T_k(\sigma)`); with ``mu``/``L`` the
    spectrum is ``min(dim, 10001)`` equally spaced points plus the extremal points of :math:`T_k(y(\lambda))`.
    """
    steps = v.integer("steps", steps, 1)
    if eigenvalues is not None:
        lam = spectra.explicit(eigenvalues)
        mu, L = float(lam[0]), float(lam[-1])
        if not L > mu:
            raise v.ParameterError("eigenvalues", "at least two different eigenvalues (Chebyshev needs mu < L)",
                                   f"[{mu:g}, {L:g}]")
    else:
        mu, L = check_interval(mu, L)
        n = min(int(dim), MAX_CHEBYSHEV_GRID)
        y = np.cos(np.arange(steps + 1) * np.pi / steps) if steps <= MAX_CHEBYSHEV_GRID else np.array([])
        lam = np.unique(np.clip(np.concatenate([np.linspace(mu, L, max(n, 2)), (L + mu - (L - mu) * y) / 2]), mu, L))
    v.check_memory("steps", steps, 1, got=steps)
    rule = numerics.rule_of(CHEBYSHEV, {"mu": mu, "L": L})
    prob = DiagonalQuadratic(lam)
    state = rule.init(np.ones(lam.size))
    with np.errstate(under="ignore"):
        for t in range(1, steps + 1):
            state = rule.step(state, prob.grad, t)
    simulated = float(np.max(np.abs(state[0])))
    theory = float(lf.chebyshev_error_factor(mu, L, steps))
    s = math.sqrt(L / mu)
    return {"method": "chebyshev", "form": CHEBYSHEV.name, "mu": mu, "L": L, "kappa": L / mu, "steps": steps,
            "eigenvalues": int(lam.size), "error_factor_theory": theory, "error_factor_simulated": simulated,
            "relative_error": abs(simulated - theory) / theory if theory > 0 else None,
            "rate_limit": (s - 1) / (s + 1), "per_step_theory": theory ** (1.0 / steps)}


def lookahead_params(inner_m, params: Mapping[str, float]) -> tuple[int, dict[str, float]]:
    r"""(k, the Lookahead method's parameters) from user parameters: ``k``, ``alpha`` (Lookahead's, unless the
    inner method has its own ``alpha``: then ``la_alpha``) and the inner method's own."""
    params = dict(params)
    if "k" not in params:
        raise v.ParameterError("k", "given: the number of inner steps per sync (an integer >= 1)", None)
    k = v.integer("k", params.pop("k"), 1)
    if "alpha" in params and "alpha" not in inner_m.param_names:
        if "la_alpha" in params:
            raise v.ParameterError("alpha", "given once: alpha and la_alpha both name Lookahead's step", params["alpha"])
        params["la_alpha"] = params.pop("alpha")
    if "la_alpha" not in params:
        raise v.ParameterError("alpha", "given: Lookahead's slow-weights step in (0, 2) (la_alpha when the inner "
                               "method has its own alpha)", None)
    return k, params


def lookahead_rate(inner: str, params: Mapping[str, float], *, inner_form: str | None = None,
                   reset_inner_state: bool = False, mu: float | None = None, L: float | None = None,
                   eigenvalues=None, dim: int | None = 100_000, steps: int | None = None, seed: int = 0) -> dict[str, Any]:
    r"""Lookahead over the built-in ``inner`` method: derived rate per inner step and per period, simulated rate."""
    inner_m = numerics.form(inner, inner_form)
    k, p = lookahead_params(inner_m, params)
    m = lookahead(inner_m, k, reset_inner_state=reset_inner_state)
    r = measure_rate(m, mu=mu, L=L, eigenvalues=eigenvalues, params=p, dim=dim, steps=steps, seed=seed)
    r.update({"inner": inner_m.method, "inner_form": inner_m.name, "k": k, "reset_inner_state": bool(reset_inner_state),
              "outer_rate_theory": r["rate_theory"] ** k})
    return r
