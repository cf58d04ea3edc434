r"""``ratecheck rate`` for a method that is not linear (the adaptive family): no iteration matrix, so no derived
rate; instead the run's behaviour, measured and labelled as such.

The method value (torch form by default, or ``form``) runs on :math:`f = \tfrac12\sum_i \lambda_i x_i^2`
(:math:`x^\star = 0`) from the isotropic start :math:`e_0 \sim N(0, I/d)` of ``seed`` through
:func:`numerics.adaptive_behaviour.run_quadratic` (the dense reference path, hence d ≤ :data:`MAX_DIM`), and
:func:`numerics.adaptive_behaviour.classify` names what happened by its stated definitions (bursts, converges
linearly, limit cycle, does not converge, undetermined).  These are measurements, not theorems: topic
``adaptive-behaviour`` makes the same kind of statement with guarantee kind ``measured``.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ratecheck import numerics
from ratecheck.numerics import validation as v
from ratecheck.numerics.adaptive_behaviour import classify, run_quadratic
from ratecheck.numerics.problems import isotropic_initial_error

__all__ = ["MAX_DIM", "DEFAULT_STEPS", "measure_adaptive"]

#: the dense reference path stores H: at most this many eigenvalues
MAX_DIM = 2000
#: steps when none are given (the adaptive-behaviour topic's runs use the same)
DEFAULT_STEPS = 20_000


def measure_adaptive(method: str, eigenvalues, *, form: str | None = None, params: Mapping[str, float] | None = None,
                     steps: int | None = None, seed: int = 0) -> dict:
    """The measured behaviour of a built-in adaptive ``method`` on the diagonal quadratic ``eigenvalues``."""
    m = numerics.form(method, form or "torch")
    lam = v.real_array("eigenvalues", eigenvalues)
    if lam.size > MAX_DIM:
        raise v.ParameterError("dim", f"at most {MAX_DIM} eigenvalues for a method that is not linear "
                                      "(the dense reference path)", int(lam.size))
    if np.any(lam <= 0):
        raise v.ParameterError("eigenvalues", "positive numbers", float(lam.min()))
    steps = DEFAULT_STEPS if steps is None else v.integer("steps", steps, 2)
    x0 = isotropic_initial_error(lam.size, seed)
    run = run_quadratic(m, dict(params or {}), np.diag(lam), x0, steps)
    b = classify(run)
    fitted = b.rate if b.kind == "converges linearly" else None
    return {
        "method": method, "form": m.name, "params": {k: float(x) for k, x in run.params.items()},
        "dim": int(lam.size), "mu": float(lam.min()), "L": float(lam.max()), "kappa": float(lam.max() / lam.min()),
        "steps": int(steps), "seed": int(seed), "linearity": "not linear",
        "rate_theory": None, "rate_simulated": fitted,
        "measured": {k: (None if isinstance(x, float) and not np.isfinite(x) else x) for k, x in b.to_dict().items()},
        "verdict": b.kind,
        "note": "not linear: no iteration matrix, so no derived rate; the behaviour below is measured "
                "(numerics.adaptive_behaviour.classify)",
    }
