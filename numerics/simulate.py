r"""The NumPy reference simulation: run a :class:`~numerics.methods.Rule` on a quadratic.

This is the slow, obviously-correct path (one NumPy expression per operation per
step).  The fused kernels in :mod:`numerics.kernels` are tested against it.

Divergence is a result, not a crash: a run stops as soon as ``‖e_t‖/‖e_0‖`` exceeds
``divergence_threshold`` (before anything can overflow) and reports ``diverged=True``
with the measured growth factor.  Floating-point overflow and invalid operations
raise inside the run instead of warning, so no NaN or overflow warning reaches a user.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import validation as v
from .methods import Rule
from .problems import DiagonalQuadratic, DenseQuadratic
from .rates import RateFit, fitted_rate

__all__ = ["Trajectory", "simulate", "DIVERGENCE_THRESHOLD"]

DIVERGENCE_THRESHOLD = 1e60


@dataclass(frozen=True)
class Trajectory:
    """Per-step ‖e_t‖ and f(x_t) - f* for t = 0..steps_run (index = t)."""

    error_norm: np.ndarray
    loss: np.ndarray
    steps: int
    diverged: bool
    reached_tolerance: bool = False
    params: dict = field(default_factory=dict)
    method: str = ""
    form: str = ""

    @property
    def steps_run(self) -> int:
        return self.error_norm.size - 1

    @property
    def error_ratio(self) -> np.ndarray:
        return self.error_norm / self.error_norm[0]

    def rate(self) -> RateFit:
        """Fitted rate (or growth factor, when diverged); see :mod:`numerics.rates`."""
        return fitted_rate(self.error_norm)

    @property
    def converges(self) -> bool:
        """False when the run diverged or its fitted rate is >= 1 (no decay)."""
        return (not self.diverged) and self.rate().rate < 1.0


def simulate(
    rule: Rule,
    problem: DiagonalQuadratic | DenseQuadratic,
    x0: np.ndarray,
    steps: int,
    *,
    divergence_threshold: float = DIVERGENCE_THRESHOLD,
    tolerance: float | None = None,
) -> Trajectory:
    """Run ``steps`` iterations of ``rule`` on ``problem`` from ``x0``; record ‖e_t‖ and f(x_t) - f*.

    Stops early when ``‖e_t‖/‖e_0‖ > divergence_threshold`` (``diverged=True``) or, if
    ``tolerance`` is given, when ``‖e_t‖/‖e_0‖ <= tolerance``.
    """
    steps = v.integer("steps", steps, 1)
    x0 = np.asarray(x0, dtype=np.float64)
    if x0.shape != (problem.dim,):
        raise v.ParameterError("x0", f"an array of shape ({problem.dim},)", x0.shape)
    errors = np.empty(steps + 1)
    losses = np.empty(steps + 1)
    x, s = rule.init(x0)
    errors[0] = problem.error_norm(x)
    losses[0] = problem.loss_gap(x)
    if errors[0] == 0:
        raise v.ParameterError("x0", "different from the minimizer (zero initial error)", "x0 = x*")
    limit = divergence_threshold * errors[0]
    diverged = reached = False
    n = steps
    with np.errstate(over="raise", invalid="raise", under="ignore"):
        for t in range(1, steps + 1):
            x, s = rule.step(x, s, problem.grad)
            errors[t] = problem.error_norm(x)
            losses[t] = problem.loss_gap(x)
            if errors[t] > limit:
                diverged, n = True, t
                break
            if tolerance is not None and errors[t] <= tolerance * errors[0]:
                reached, n = True, t
                break
    return Trajectory(
        error_norm=errors[: n + 1].copy(),
        loss=losses[: n + 1].copy(),
        steps=steps,
        diverged=diverged,
        reached_tolerance=reached,
        params=rule.params,
        method=rule.method,
        form=rule.form.name,
    )
