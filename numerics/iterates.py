r"""The iterates of a run on a diagonal quadratic, kept at chosen steps (``ratecheck simulate --record-iterates``).

On :math:`f(x) = \tfrac12\sum_i\lambda_i (x_i - x^*_i)^2` the gradient of the error :math:`e = x - x^*` is
:math:`\lambda\odot e`, so a run from :math:`e_0` gives :math:`e_t = x_t - x^*` per eigen-direction.  This is
the NumPy reference path (:meth:`numerics.protocol.Rule.step`), one step at a time, keeping only the rows
asked for: memory is ``len(times) × d`` floats, whatever the number of steps.  The fused kernels compute the
same iterates to rounding (``tests/test_simulate_iterates.py`` compares their norms).
"""
from __future__ import annotations

import numpy as np

from . import validation as v
from .protocol import Rule

__all__ = ["MAX_DIM", "recorded_iterates", "initial_error"]

#: the largest d whose iterates ``simulate --record-iterates`` writes (a row per recorded step, d numbers each)
MAX_DIM = 1000


def initial_error(values, dim: int) -> np.ndarray:
    r"""The user's :math:`x_0 - x^*` per eigen-direction as a float64 array; ParameterError naming ``x0``."""
    e0 = np.asarray(values, dtype=np.float64)
    if e0.ndim != 1 or e0.size != dim:
        raise v.ParameterError("x0", f"one value per eigen-direction ({dim} here, d = the spectrum's size)",
                               f"{e0.size} value" + ("" if e0.size == 1 else "s"))
    if not np.all(np.isfinite(e0)):
        raise v.ParameterError("x0", "finite numbers", "a non-finite value")
    return e0


def recorded_iterates(rule: Rule, eigenvalues: np.ndarray, e0: np.ndarray, times: np.ndarray) -> np.ndarray:
    r"""Rows :math:`e_t = x_t - x^*` for ``t`` in ``times`` (increasing, from 0), running ``rule`` from ``e0``."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    e0 = np.asarray(e0, dtype=np.float64)
    times = np.asarray(times, dtype=np.int64)
    if lam.size > MAX_DIM:
        raise v.ParameterError("dim", f"at most {MAX_DIM} to record the iterates", lam.size)
    v.check_memory("steps", times.size, lam.size, got=int(times[-1]) if times.size else 0)
    out = np.empty((times.size, lam.size))
    state = rule.init(e0)
    j = 0
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):  # a diverging run is a result
        for t in range(0, int(times[-1]) + 1 if times.size else 0):
            if t > 0:
                state = rule.step(state, lambda x: lam * x, t)
            while j < times.size and times[j] == t:
                out[j] = state[0]
                j += 1
    return out
