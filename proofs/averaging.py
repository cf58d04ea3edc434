r"""The averaged iterate's error on a quadratic, predicted from theory, for any linear method (and schedule).

On an eigen-direction a linear method's state evolves by the generic engine's iteration matrix
:math:`s_{t+1} = M(\lambda;\theta_t)s_t` (traced once from the method value by theory/'s engine; with a schedule
the step size changes with t), so its iterate is :math:`e_t(\lambda) = [M_{t-1}\cdots M_0 s_0]_x e_0(\lambda)`.
The filter is linear too, so the averaged error on that direction is the filter applied to these numbers, and

.. math:: \frac{\|\bar e_t\|}{\|e_0\|} = \frac{\bigl(\sum_i a_t(\lambda_i)^2 e_{0,i}^2\bigr)^{1/2}}{\|e_0\|}

with :math:`a_t` the filtered mode response.  For gradient descent without a schedule :math:`a_t` has the closed
forms of theory/averaging.py (the claims of topic ``averaging`` check them); here the response comes from the
engine's matrix, evaluated in NumPy, never from the array code that the simulation runs.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ratecheck.numerics import validation as v
from ratecheck.numerics.averaging import Average
from ratecheck.numerics.protocol import Method
from ratecheck.numerics.schedules import Schedule

from .schedules import _matrix_functions, _start, step_params

__all__ = ["mode_responses", "predicted_averaged_ratio"]


def mode_responses(inner: Method, params: Mapping[str, float], lam: np.ndarray, steps: int,
                   schedule: Schedule | None = None):
    r"""Yield :math:`e_t(\lambda)/e_0(\lambda)` for t = 1..steps (the engine's matrices, start at rest)."""
    names, entries, n = _matrix_functions(inner)
    s = _start(inner, lam.size)
    for t in range(steps):
        q = step_params(inner, params, schedule, t) if schedule is not None else dict(params)
        M = [np.broadcast_to(np.asarray(e, dtype=np.float64), lam.shape) for e in entries(*[q[k] for k in names], lam)]
        s = np.array([sum(M[i * n + j] * s[j] for j in range(n)) for i in range(n)])
        yield s[0]


def predicted_averaged_ratio(inner: Method, params: Mapping[str, float], lam: np.ndarray, e0: np.ndarray,
                             steps: int, avg: Average, schedule: Schedule | None = None) -> np.ndarray:
    r""":math:`\|\bar e_t\|/\|e_0\|` for t = 0..steps (row 0: the filter's start, 1 for x0-based starts)."""
    lam = np.asarray(lam, dtype=np.float64)
    v.check_memory("dim", lam.size, 3 * len(inner.state) + 8)  # state, matrix entries, filter, weights
    w = np.asarray(e0, dtype=np.float64) ** 2
    norm0 = float(np.sqrt(w.sum()))
    out = np.empty(steps + 1)
    out[0] = 1.0
    zero = avg.kind == "ema" and avg.start == "zero"
    a = np.ones(lam.size) if not zero else np.zeros(lam.size)
    acc = np.zeros(lam.size) if avg.kind == "polyak" and not avg.include_x0 else np.ones(lam.size)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t, r in enumerate(mode_responses(inner, params, lam, steps, schedule), start=1):
            if avg.kind == "polyak":
                acc = acc + r
                a = acc / (t + 1 if avg.include_x0 else t)
            elif avg.start == "first" and t == 1:
                a = r.copy()
            else:
                a = avg.alpha * a + (1 - avg.alpha) * r
            shown = a / (1 - avg.alpha ** t) if (zero and avg.debias) else a
            out[t] = float(np.sqrt(np.dot(w, shown * shown))) / norm0
    return out
