r"""The second-moment recursion of many small linear systems driven by white noise, run to a target (numba).

Each direction i carries a state :math:`s \in \mathbb R^n` with :math:`s_{t+1} = M_i s_t + b_i w_t`,
:math:`\mathbb E w_t = 0`, :math:`\mathbb E w_t^2 = v_i`, independent over steps; its second moment obeys the
Lyapunov recursion :math:`S_{t+1} = M_i S_t M_i^\top + v_i\, b_i b_i^\top` (the recursion of
:mod:`theory.noisy_quadratic`).  For constant :math:`M_i` subtracting the stationary equation
:math:`S_\infty = M_i S_\infty M_i^\top + v_i b_i b_i^\top` gives

.. math:: S_t = M_i^t (S_0 - S_\infty) M_i^{t\top} + S_\infty ,

so :math:`(S_t)_{00} = u_t^\top D_i u_t + (S_\infty)_{00}` with :math:`u_t^\top` the first row of :math:`M_i^t`
(:math:`u_{t+1}^\top = u_t^\top M_i`) and :math:`D_i = S_0 - S_\infty`: n² + n² operations per direction and step
instead of the 2n³ of the recursion.  The arrays are given (proofs/ evaluates theory's traced model of a method
value and its Lyapunov solution and hands them over; this module knows no method).

:func:`first_passage` returns the first step t at which the weighted sum :math:`\sum_i w_i (S_t)_{00}` (the expected loss
when :math:`w_i = \lambda_i/2`) is at or below a target, and a real-valued crossing time: log-linear interpolation
of the weighted sum between steps t − 1 and t, :math:`t - 1 + \frac{\ln \ell_{t-1} - \ln X}{\ln \ell_{t-1} - \ln
\ell_t}`.  Between two jumps of the integer step count this time is continuous in the matrices, so a search over a
parameter has one value to minimise instead of a plateau of equal step counts.

Plain float64 loops compiled by numba without fastmath (no reassociation); a run stops at ``max_steps`` or when
the sum becomes non-finite or exceeds ``1e300`` in magnitude (diverged).
"""
from __future__ import annotations

import math

import numba
import numpy as np

from . import validation as v

__all__ = ["first_passage"]


@numba.njit(cache=True, fastmath=False)
def _first_passage(M, D, floor, w, target, max_steps):  # pragma: no cover - compiled
    d, n, _ = M.shape
    U = np.zeros((d, n))  # row i: the first row of M_i^t
    for i in range(d):
        U[i, 0] = 1.0
    u = np.empty(n)
    prev = floor
    for i in range(d):
        prev += w[i] * D[i, 0, 0]
    if prev <= target:
        return 0, 0.0
    for t in range(1, max_steps + 1):
        excess = 0.0
        if n == 2:  # the two-state methods (heavy ball, Nesterov): the same operations, unrolled
            for i in range(d):
                u0 = U[i, 0] * M[i, 0, 0] + U[i, 1] * M[i, 1, 0]
                u1 = U[i, 0] * M[i, 0, 1] + U[i, 1] * M[i, 1, 1]
                U[i, 0] = u0
                U[i, 1] = u1
                excess += w[i] * (u0 * (D[i, 0, 0] * u0 + D[i, 0, 1] * u1) + u1 * (D[i, 1, 0] * u0 + D[i, 1, 1] * u1))
        else:
            excess = _excess(M, D, w, U, u)
        loss = floor + excess
        if not (abs(loss) <= 1e300):  # NaN or overflow: diverged
            return -1, math.inf
        if loss <= target:
            if loss <= 0.0 or prev <= 0.0:
                return t, float(t)
            frac = (math.log(prev) - math.log(target)) / (math.log(prev) - math.log(loss))
            return t, t - 1.0 + frac
        prev = loss
    return -1, math.inf


@numba.njit(cache=True, fastmath=False)
def _excess(M, D, w, U, u):  # pragma: no cover - compiled
    d, n, _ = M.shape
    excess = 0.0
    for i in range(d):
        for c in range(n):  # u^T <- u^T M
            acc = 0.0
            for k in range(n):
                acc += U[i, k] * M[i, k, c]
            u[c] = acc
        q = 0.0
        for r in range(n):
            U[i, r] = u[r]
            acc = 0.0
            for c in range(n):
                acc += D[i, r, c] * u[c]
            q += u[r] * acc
        excess += w[i] * q
    return excess


def first_passage(M, D, floor: float, weights, target: float, max_steps: int) -> tuple[int | None, float]:
    r"""(first step t with :math:`\ell_t = F + \sum_i w_i (M_i^t D_i M_i^{t\top})_{00} \le X`, its interpolated
    crossing time) for ``M`` of shape (d, n, n), ``D`` :math:`= S_0 - S_\infty` (d, n, n), the floor
    :math:`F = \sum_i w_i (S_\infty)_{00}` and ``weights`` (d,); ``(None, inf)`` when the target is not reached
    within ``max_steps`` steps or the sum diverges."""
    M = np.ascontiguousarray(M, dtype=np.float64)
    if M.ndim != 3 or M.shape[1] != M.shape[2]:
        raise v.ParameterError("M", "an array of shape (d, n, n)", M.shape)
    d, n, _ = M.shape
    D = np.ascontiguousarray(np.broadcast_to(np.asarray(D, dtype=np.float64), (d, n, n)))
    w = np.ascontiguousarray(np.broadcast_to(np.asarray(weights, dtype=np.float64), (d,)))
    floor = v.finite("floor", floor)
    target = v.positive("target", target)
    max_steps = v.integer("max_steps", max_steps, 0)
    t, real = _first_passage(M, D, float(floor), w, float(target), int(max_steps))
    return (None, math.inf) if t < 0 else (int(t), float(real))
