r"""What both adapters share: the start point, the divergence rule, and the Trajectory they return."""
from __future__ import annotations

import math

import numpy as np

from ratecheck.numerics import validation as v
from ratecheck.numerics.problems import DenseQuadratic, DiagonalQuadratic, isotropic_initial_error
from ratecheck.numerics.simulate import DIVERGENCE_THRESHOLD, Trajectory

__all__ = ["check_problem", "start_point", "Recorder"]


def check_problem(problem):
    if not isinstance(problem, (DiagonalQuadratic, DenseQuadratic)):
        raise v.ParameterError("problem", "a DiagonalQuadratic or DenseQuadratic (ratecheck.numerics.problems)",
                               type(problem).__name__)
    return problem


def start_point(problem, x0, seed: int, radius: float) -> np.ndarray:
    r"""``x0`` as float64 of shape (dim,), or :math:`x^* + e_0` with e₀ isotropic (``seed``, ``radius``)."""
    if x0 is None:
        return problem.xstar + isotropic_initial_error(problem.dim, v.integer("seed", seed, 0), radius)
    x0 = np.asarray(x0, dtype=np.float64)
    if x0.shape != (problem.dim,):
        raise v.ParameterError("x0", f"an array of shape ({problem.dim},)", x0.shape)
    return x0


class Recorder:
    """Collects ‖x_t − x*‖ and f(x_t) − f*; stops on a non-finite value or growth past the threshold."""

    def __init__(self, problem, steps: int, divergence_threshold: float = DIVERGENCE_THRESHOLD):
        self.problem = problem
        self.steps = v.integer("steps", steps, 2)
        v.check_memory("steps", self.steps + 1, 2, got=steps)
        self.threshold = v.positive("divergence_threshold", divergence_threshold)
        self.errors: list[float] = []
        self.losses: list[float] = []
        self.diverged = self.overflowed = False

    def record(self, x: np.ndarray) -> bool:
        """Record the iterate ``x``; False when the run must stop (divergent)."""
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            err, loss = self.problem.error_norm(x), self.problem.loss_gap(x)
        if not (math.isfinite(err) and math.isfinite(loss)):
            if not self.errors:
                raise v.ParameterError("x0", "a start point with finite error and loss", "non-finite")
            self.diverged = self.overflowed = True
            return False
        if not self.errors and err == 0:
            raise v.ParameterError("x0", "different from the minimizer (zero initial error)", "x0 = x*")
        self.errors.append(err)
        self.losses.append(loss)
        if err > self.threshold * self.errors[0]:
            self.diverged = True
            return False
        return True

    def trajectory(self, method: str) -> Trajectory:
        return Trajectory(error_norm=np.array(self.errors), loss=np.array(self.losses), steps=self.steps,
                          diverged=self.diverged, method=method, overflowed=self.overflowed)
