r"""Estimate a linear rate ρ from an error trajectory.

Model and window.  Over the second half of the run, ``t in [T/2, T]``, we fit by least squares

.. math::  \log r_t = c + k \log t + t \log \rho ,

where ``r_t = sqrt(‖e_t‖² + ‖e_{t-1}‖²)`` is the norm of the two-step state (it smooths
the rotation of complex-root modes, whose ``‖e_t‖`` alone can dip towards 0).

* If the error falls below 1e-290 (the float64 underflow range) at some t < T, T is moved
  back to the last t above it: the fit never reads an underflowed tail as "rate 0".
* The second half is used because the first half still carries the faster modes
  (transient); after T/2 the slowest modes dominate.
* The free power ``k`` absorbs polynomial prefactors: at a double root of the
  iteration matrix (Polyak's and Nesterov's tuned parameters) the error behaves like
  ``t·ρ^t`` (k = 1), and a spectrum that is dense near its slowest eigenvalue gives
  ``t^{-1/2}·ρ^t``.  A plain log-linear fit over a window ``[T-m, T]`` overestimates ρ
  by ``(T/(T-m))^{1/m}`` at a double root; fitting ``k`` removes that bias.

The same estimator measures the growth factor of a divergent run (ρ > 1).

Short runs.  With fewer than four points in the window the model is too rich and the plain
ratio ``(r_hi/r_lo)^{1/(hi-lo)}`` over the window is used; with a single point (a run of one
step, e.g. a divergent run stopped at t = 1) the one-step ratio ``‖e_T‖/‖e_{T-1}‖`` of the
recorded errors is used.  The result is always a finite float or the fit raises ``ValueError``
(fewer than two recorded errors, or non-finite ones): never NaN.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["RateFit", "fitted_rate", "state_norm"]

_TINY = 1e-290


@dataclass(frozen=True)
class RateFit:
    r"""A fitted rate: ``rate`` = ρ, ``power`` = k, the inclusive ``window`` [lo, hi] of t and its ``points``.

    ``log_rate`` is log ρ as fitted (−inf when the error vanished), so that the gap is
    :math:`1 - \rho = -\mathrm{expm1}(\log\rho)` without the cancellation of ``1 - rate`` near 1.
    """

    rate: float
    power: float
    window: tuple[int, int]
    points: int
    log_rate: float = float("nan")

    @property
    def gap(self) -> float:
        r""":math:`1 - \rho` (negative for growth), accurate also for ρ within 1e-16 of 1."""
        if self.log_rate == self.log_rate:  # not NaN
            return float(-np.expm1(self.log_rate))
        return 1.0 - self.rate

    @property
    def e_foldings(self) -> float:
        r"""Decay measured across the fit window, :math:`-(hi - lo)\log\rho` (negative for growth; inf when the
        error vanished; the one-step ratio of a one-point window counts as one step)."""
        lr = self.log_rate if self.log_rate == self.log_rate else float(np.log(self.rate)) if self.rate > 0 else -np.inf
        if lr == -np.inf:
            return float("inf")
        return float(-max(self.window[1] - self.window[0], 1) * lr)


def state_norm(error_norm: np.ndarray) -> np.ndarray:
    """``sqrt(r_t² + r_{t-1}²)`` for t >= 1 (index 0 of the result is t = 1)."""
    r = np.asarray(error_norm, dtype=np.float64)
    return np.hypot(r[1:], r[:-1])


def fitted_rate(error_norm: np.ndarray, *, start: int | None = None, stop: int | None = None,
                record_every: int = 1) -> RateFit:
    """Fit ρ (and the prefactor power k) to ``error_norm[t]``, t = 0..T; see the module docstring.

    ``start``/``stop`` override the window ``[T/2, T]`` (inclusive t values).  ``record_every`` K:
    entry i was recorded at step i·K (a run recorded every K steps); the fit runs on the entries and
    its per-entry rate ρ^K is returned as ρ per step (window in steps).
    """
    if record_every != 1:
        fit = fitted_rate(error_norm, start=start, stop=stop)
        k = int(record_every)
        log_rate = fit.log_rate / k
        return RateFit(float(np.exp(log_rate)), fit.power, (fit.window[0] * k, fit.window[1] * k), fit.points,
                       log_rate)
    r = np.asarray(error_norm, dtype=np.float64)
    if r.size < 2:
        raise ValueError("need at least two recorded errors to fit a rate")
    if not np.all(np.isfinite(r)):
        raise ValueError("recorded errors must be finite (a simulation truncates a run before it overflows)")
    s = state_norm(r)  # s[i] belongs to t = i + 1
    T = r.size - 1
    above = np.flatnonzero(s > _TINY)
    if above.size and start is None and stop is None and above[-1] + 1 < T:
        # the error fell below 1e-290 (underflow range) before T: fit the run up to there
        T = int(above[-1]) + 1
    lo = max(1, T // 2 if start is None else start)
    hi = T if stop is None else min(stop, T)
    t = np.arange(lo, hi + 1, dtype=np.float64)
    y = s[lo - 1 : hi]
    keep = y > _TINY
    t, y = t[keep], y[keep]
    if t.size == 0:
        return RateFit(0.0, 0.0, (lo, hi), 0, -np.inf)  # the error vanished exactly: rate 0
    if t.size == 1:
        # one point in the window: the one-step ratio of the recorded errors at that t
        k = int(t[0])
        if r[k - 1] <= _TINY or r[k] == 0:
            return RateFit(0.0, 0.0, (k, k), 1, -np.inf)
        log_rate = float(np.log(r[k]) - np.log(r[k - 1]))
        return RateFit(float(np.exp(log_rate)), 0.0, (k, k), 1, log_rate)
    if t.size < 4:
        # too short for the three-parameter model: plain ratio over the window (logs: no overflow)
        log_rate = float((np.log(y[-1]) - np.log(y[0])) / (t[-1] - t[0]))
        return RateFit(float(np.exp(log_rate)), 0.0, (int(t[0]), int(t[-1])), int(t.size), log_rate)
    X = np.column_stack([np.ones_like(t), np.log(t), t])
    coef, *_ = np.linalg.lstsq(X, np.log(y), rcond=None)
    return RateFit(float(np.exp(coef[2])), float(coef[1]), (int(t[0]), int(t[-1])), int(t.size), float(coef[2]))
