r"""A fitted rate with its model, window and uncertainty, for any recorded error trajectory.

:func:`fit_rate` takes ``errors[t]`` = ‖x_t − x*‖ for t = 0..T — from a ratecheck simulation or
from the user's own optimizer (torch, optax, anything) — and returns a :class:`RateEstimate`:

* ``rate`` ρ and the prefactor power ``k`` of the model :math:`r_t \approx C\,t^k\rho^t` fitted by
  :func:`numerics.rates.fitted_rate` over the window ``[T/2, T]`` (``r_t`` is the two-step state norm
  :math:`\sqrt{\|e_t\|^2 + \|e_{t-1}\|^2}`); the point estimate is exactly that function's;
* ``model``: ``"geometric"`` when the fitted power is within 0.25 of 0 (:math:`C\rho^t`),
  ``"double-root"`` within 0.25 of 1 (:math:`C\,t\rho^t`, the tuned heavy ball / Nesterov), else
  ``"power-law"`` (e.g. :math:`t^{-1/2}\rho^t` for a spectrum dense at its slow end).  The rate is
  always the free-power fit's; the label only names the regime;
* ``uncertainty`` on ρ (absolute, so also on the gap 1 − ρ): the larger of the least-squares
  standard error of the slope (residuals of the fit, :math:`s^2 (X^\top X)^{-1}`) and the window
  spread: how far the rates fitted on the windows [T/4, T/2] and [3T/4, T] lie from the one on
  [T/2, T].  The spread catches a trajectory still in its transient and the slowly vanishing bias of
  the power-law prefactor.  It is an estimate of the fit's stability, not a bound.  Measured
  (2026-12-01, tuned parameters, isotropic e₀, 20/40/200 e-foldings): on a few discrete eigenvalues
  ([1, 3, 100], heavy ball and Nesterov) the gap error was 0.26-0.39x the uncertainty
  (tests/test_testing_helpers.py checks it stays below); on d = 1e5 equally spaced or geometric
  eigenvalues 0.04-1.1x for heavy ball and Nesterov but up to 3.7x for gd (gap errors 2e-4..1.7e-3:
  there the fit's prefactor bias changes slowly with the window and the spread under-reports it).
  Runs with fewer than eight points in the window have no error estimate (``inf``);
* ``e_foldings``: :math:`T\,|\log\rho|`, how many factors of e the run covers at the fitted rate;
* ``verdict``: ``"converges"`` when :math:`\rho + u < 1` and the run covers at least
  :data:`MIN_E_FOLDINGS_VERDICT` e-foldings; ``"diverges"`` when :math:`\rho - u > 1` and the error
  grew by more than that many e-foldings, or :math:`\rho > 1` with the error grown by
  :data:`GROWTH_DIVERGED` (a run stopped at a divergence threshold is short); else ``"undetermined"``: the run is too short or too unstable to tell on
  which side of 1 the rate lies (e.g. 0.4 e-foldings of a rate 0.99998 with ρ fitted as 1.00004).

A trajectory that ends in a non-finite value (a framework overflowed) is cut before it
(``truncated=True``); that is a divergence when the finite part grew.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import validation as v
from .rates import fitted_rate, state_norm

__all__ = ["RateEstimate", "fit_rate", "GROWTH_DIVERGED", "MIN_E_FOLDINGS_VERDICT"]

#: growth ‖e_T‖/‖e_0‖ at which a run counts as divergent even when too short for an error estimate
GROWTH_DIVERGED = 1e6
#: e-foldings T·|log ρ| a converging run must cover before its verdict is "converges"
MIN_E_FOLDINGS_VERDICT = 3.0

_TINY = 1e-290


@dataclass(frozen=True)
class RateEstimate:
    r"""A fitted rate ρ of ``errors[t]`` ≈ C t^k ρ^t (see :mod:`numerics.rate_fit`)."""

    rate: float
    power: float
    model: str
    window: tuple[int, int]
    points: int
    stderr: float
    window_spread: float
    uncertainty: float
    e_foldings: float
    steps: int
    growth: float
    truncated: bool

    @property
    def gap(self) -> float:
        r"""The gap :math:`1 - \rho` (negative for a divergent run)."""
        return 1.0 - self.rate

    @property
    def verdict(self) -> str:
        if self.rate + self.uncertainty < 1.0 and self.e_foldings >= MIN_E_FOLDINGS_VERDICT:
            return "converges"
        if (self.rate - self.uncertainty > 1.0 and self.growth > math.exp(MIN_E_FOLDINGS_VERDICT)) or \
                (self.rate > 1.0 and self.growth >= GROWTH_DIVERGED):
            return "diverges"
        return "undetermined"

    def as_dict(self) -> dict:
        return {"rate": self.rate, "gap": self.gap, "power": self.power, "model": self.model,
                "window": list(self.window), "points": self.points, "stderr": self.stderr,
                "window_spread": self.window_spread, "uncertainty": self.uncertainty,
                "e_foldings": self.e_foldings, "steps": self.steps, "growth": self.growth,
                "truncated": self.truncated, "verdict": self.verdict}


def _model(power: float) -> str:
    if abs(power) <= 0.25:
        return "geometric"
    if abs(power - 1.0) <= 0.25:
        return "double-root"
    return "power-law"


def _slope_stderr(errors: np.ndarray, lo: int, hi: int) -> float:
    """Standard error of log ρ in the least-squares fit log r_t = c + k log t + t log ρ over [lo, hi]."""
    s = state_norm(errors)
    t = np.arange(lo, hi + 1, dtype=np.float64)
    y = s[lo - 1 : hi]
    keep = y > _TINY
    t, y = t[keep], y[keep]
    n = t.size
    if n < 4:
        return math.inf
    scale = t[-1]
    X = np.column_stack([np.ones_like(t), np.log(t), t / scale])  # scaled columns: well conditioned
    coef, *_ = np.linalg.lstsq(X, np.log(y), rcond=None)
    resid = np.log(y) - X @ coef
    dof = n - 3
    if dof <= 0:
        return math.inf
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.pinv(X.T @ X)
    return float(math.sqrt(max(cov[2, 2], 0.0)) / scale)


def fit_rate(errors) -> RateEstimate:
    r"""Fit the linear rate of a recorded error trajectory ``errors[t]`` = ‖x_t − x*‖, t = 0..T.

    ``errors`` is a Trajectory, an array, a list, a torch tensor or a list of 0-d tensors: any 1-D
    sequence of at least three non-negative numbers (a rate needs two steps of
    the two-step state norm) whose first value is > 0; a non-finite tail is cut off.  Returns a
    :class:`RateEstimate` (model, window, uncertainty, verdict); see the module docstring.
    """
    errors = getattr(errors, "error_norm", errors)  # a Trajectory (ratecheck simulation or adapter)
    if hasattr(errors, "detach") and hasattr(errors, "cpu"):  # a torch tensor, possibly requiring grad
        errors = errors.detach().cpu().numpy()
    elif not isinstance(errors, np.ndarray) and isinstance(errors, (list, tuple)):
        errors = [float(e.detach()) if hasattr(e, "detach") else e for e in errors]  # a list of 0-d tensors
    try:
        r = np.asarray(errors, dtype=np.float64)
    except (TypeError, ValueError, RuntimeError):
        raise v.ParameterError("errors", "a 1-D sequence of numbers (the recorded ||x_t - x*||)",
                               type(errors).__name__) from None
    if r.ndim != 1:
        raise v.ParameterError("errors", "a 1-D sequence of numbers (one error norm per step)", f"shape {r.shape}")
    finite = np.isfinite(r)
    truncated = False
    if not finite.all():
        first_bad = int(np.argmin(finite))
        r, truncated = r[:first_bad], True
    if r.size < 3:
        raise v.ParameterError("errors", "at least three finite recorded errors (t = 0, 1, 2)", int(r.size))
    if np.any(r < 0):
        raise v.ParameterError("errors", "norms, i.e. numbers >= 0", float(r[r < 0][0]))
    if r[0] <= 0:
        raise v.ParameterError("errors", "a trajectory whose first error ||x_0 - x*|| is > 0", float(r[0]))
    fit = fitted_rate(r)
    lo, hi = fit.window
    T = r.size - 1
    stderr = fit.rate * _slope_stderr(r, lo, hi) if fit.points >= 4 else math.inf
    spread = math.inf
    if fit.points >= 8:
        late = fitted_rate(r, start=(3 * hi) // 4, stop=hi).rate     # window [3T/4, T]
        early = fitted_rate(r, start=max(1, hi // 4), stop=lo).rate  # window [T/4, T/2]
        spread = max(abs(late - fit.rate), abs(early - fit.rate))
    uncertainty = max(stderr, spread) if fit.points >= 4 else math.inf
    if fit.rate == 0.0:  # the error vanished exactly (e.g. a finite-termination method)
        uncertainty = 0.0
    e_fold = T * abs(math.log(fit.rate)) if fit.rate > 0 else math.inf
    growth = float(r[-1] / r[0])
    return RateEstimate(rate=fit.rate, power=fit.power, model=_model(fit.power), window=(lo, hi),
                        points=fit.points, stderr=stderr, window_spread=spread, uncertainty=uncertainty,
                        e_foldings=e_fold, steps=T, growth=growth, truncated=truncated)
