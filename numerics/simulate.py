r"""The NumPy reference simulation: run a :class:`~numerics.protocol.Rule` on a quadratic.

This is the slow, obviously-correct path (one NumPy expression per operation per
step).  The fused kernels in :mod:`numerics.kernels` are tested against it.

Divergence is a result, not a crash: a run stops as soon as ``‖e_t‖/‖e_0‖`` exceeds
``divergence_threshold`` and reports ``diverged=True`` with the measured growth factor.
A step so large that it overflows float64 (``‖e_t‖²`` or ``f(x_t) - f*`` beyond ~1.8e308,
or an invalid operation) also ends the run as divergent: that step is not recorded
(``overflowed=True``), so the trajectory holds finite numbers only and the growth factor
is measured on its finite part.  When already the first step overflows there is nothing
finite to measure and :class:`~numerics.validation.ParameterError` names the largest
method parameter.  No NaN, inf or overflow warning reaches a user.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import validation as v
from .protocol import Rule
from .problems import DiagonalQuadratic, DenseQuadratic
from .rates import RateFit, fitted_rate

__all__ = ["Trajectory", "simulate", "dominant_growth", "DIVERGENCE_THRESHOLD"]

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
    #: the step after the last recorded one overflowed float64 (the run is then divergent)
    overflowed: bool = False
    #: entry i was recorded at step i * record_every (the last entry at ``last_step``)
    record_every: int = 1
    #: the step of the last entry (None: ``(size - 1) * record_every``)
    last_step: int | None = None

    @property
    def steps_run(self) -> int:
        if self.last_step is not None:
            return int(self.last_step)
        return (self.error_norm.size - 1) * self.record_every

    @property
    def times(self) -> np.ndarray:
        """The step t of each recorded entry."""
        t = np.arange(self.error_norm.size, dtype=np.int64) * self.record_every
        if t.size:
            t[-1] = self.steps_run
        return t

    @property
    def error_ratio(self) -> np.ndarray:
        return self.error_norm / self.error_norm[0]

    def rate(self) -> RateFit:
        """Fitted rate (or growth factor, when diverged); see :mod:`numerics.rates`."""
        if self.record_every == 1:
            return fitted_rate(self.error_norm)
        regular = self.error_norm if self.steps_run % self.record_every == 0 else self.error_norm[:-1]
        if regular.size < 2:  # the run stopped before the second record: only its irregular last entry
            return fitted_rate(np.array([self.error_norm[0], self.error_norm[-1]]), record_every=self.steps_run)
        return fitted_rate(regular, record_every=self.record_every)

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
    record_every: int = 1,
) -> Trajectory:
    """Run ``steps`` iterations of ``rule`` on ``problem`` from ``x0``; record ‖e_t‖ and f(x_t) - f*.

    Stops early when ``‖e_t‖/‖e_0‖ > divergence_threshold`` (``diverged=True``) or, if
    ``tolerance`` is given, when ``‖e_t‖/‖e_0‖ <= tolerance``.  ``record_every`` K records
    t = 0, K, 2K, ... and the last step (every step is still checked for the stopping rules).
    """
    if not isinstance(rule, Rule):
        raise TypeError(f"rule must be a numerics Rule (numerics.rule(method, params, form)), got {type(rule).__name__}")
    if not isinstance(problem, (DiagonalQuadratic, DenseQuadratic)):
        raise TypeError(f"problem must be a DiagonalQuadratic or DenseQuadratic, got {type(problem).__name__}")
    steps = v.integer("steps", steps, 1)
    k = v.integer("record_every", record_every, 1)
    n_rec = steps // k + 2
    v.check_memory("steps", n_rec, 2, got=steps)
    x0 = v.real_array("x0", x0) if np.ndim(x0) == 1 else np.asarray(x0)
    if x0.shape != (problem.dim,):
        raise v.ParameterError("x0", f"an array of shape ({problem.dim},)", x0.shape)
    errors = np.empty(n_rec)
    losses = np.empty(n_rec)
    state = rule.init(x0)
    x = state[0]
    with np.errstate(over="raise", invalid="raise", under="ignore"):
        try:
            errors[0] = problem.error_norm(x)
            losses[0] = problem.loss_gap(x)
        except FloatingPointError:
            raise v.ParameterError("x0", "an initial error whose squared norm and loss are finite in float64",
                                   "overflow") from None
    check_initial_error(errors[0], x - problem.xstar if isinstance(problem, DenseQuadratic) else x)
    if tolerance is not None:
        tolerance = v.tolerance("tolerance", tolerance, float(errors[0]))
    limit = divergence_threshold * errors[0]
    diverged = reached = overflowed = False
    n = steps
    last = (0, errors[0], losses[0])  # the last finite step (t, err, loss)
    i = 0  # index of the last recorded entry
    with np.errstate(over="raise", invalid="raise", under="ignore"):
        for t in range(1, steps + 1):
            try:
                state = rule.step(state, problem.grad, t)
                x = state[0]
                err, loss = problem.error_norm(x), problem.loss_gap(x)
                finite = np.isfinite(err) and np.isfinite(loss)
            except FloatingPointError:
                finite = False
            if not finite:  # this step overflowed float64: divergent; keep the finite part
                diverged, overflowed, n = True, True, t - 1
                break
            last = (t, err, loss)
            if t % k == 0:
                i += 1
                errors[i], losses[i] = err, loss
            if err > limit:
                diverged, n = True, t
                break
            if tolerance is not None and err <= tolerance * errors[0]:
                reached, n = True, t
                break
    if n == 0:
        raise_first_step_overflow(rule)
    if last[0] % k:  # the run ended between two records: record its last step too
        i += 1
        errors[i], losses[i] = last[1], last[2]
    return Trajectory(
        error_norm=errors[: i + 1].copy(),
        loss=losses[: i + 1].copy(),
        steps=steps,
        diverged=diverged,
        reached_tolerance=reached,
        params=rule.params,
        method=rule.method,
        form=rule.form.name,
        overflowed=overflowed,
        record_every=k,
        last_step=n,
    )


def check_initial_error(err0: float, e0: np.ndarray) -> None:
    """ParameterError unless ‖e0‖ is > 0 and its square is a normal float64 (no underflow to 0)."""
    if err0 == 0:
        if np.any(e0 != 0):
            raise v.ParameterError("x0", "an initial error whose squared norm is representable in float64 "
                                   "(x0 - x* is so small that ||x0 - x*||^2 underflows to 0; use a larger radius)",
                                   f"max |x0 - x*| = {float(np.max(np.abs(e0))):.3g}")
        raise v.ParameterError("x0", "different from the minimizer (zero initial error)", "x0 = x*")


def raise_first_step_overflow(rule: Rule) -> None:
    """The first step already overflowed float64: no finite growth factor exists; name the largest parameter."""
    name = max(rule.params, key=lambda k: abs(rule.params[k])) if rule.params else "params"
    raise v.ParameterError(
        name, "small enough that one step stays within the float64 range (the first step overflowed: "
        "||e_1||^2 or f(x_1) - f* exceeds 1.8e308, so no growth factor can be measured)",
        rule.params.get(name))


def dominant_growth(rule: Rule, eigenvalues: np.ndarray, e0: np.ndarray, steps: int = 200) -> float | None:
    r"""Growth factor per step of the dominant mode of ``rule`` on ``diag(eigenvalues)``, by renormalised iteration.

    A divergent run stops at the divergence threshold, often after one step, and one step's
    :math:`\|e_1\|/\|e_0\|` mixes the modes (it depends on the seed of e0).  On a quadratic every
    linear method's update is homogeneous in its state (x − x* and the auxiliary arrays), so the state can be
    rescaled after each step without changing its direction (power iteration): the per-step growth
    of the state norm then tends to the largest :math:`|z|` over the modes present in e0.  Returned
    is the geometric mean of the growth over the second half of ``steps`` renormalised steps; None
    when a step from a unit-norm state already overflows float64 or the form is not homogeneous.
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    problem = DiagonalQuadratic(lam)
    steps = v.integer("steps", steps, 2)
    state = tuple(rule.init(np.asarray(e0, dtype=np.float64)))
    logs = []

    def size(st) -> float:
        return max(float(np.linalg.norm(a)) for a in st)

    with np.errstate(over="raise", invalid="raise", under="ignore", divide="raise"):
        try:
            doubled = rule.step(tuple(2.0 * a for a in state), problem.grad, 1)  # homogeneity check (exact: x2)
            once = rule.step(state, problem.grad, 1)
            if not all(np.array_equal(a2, 2.0 * a1) for a2, a1 in zip(doubled, once)):
                return None
            scale = size(state)
            state = tuple(a / scale for a in state)
            for t in range(1, steps + 1):
                state = tuple(rule.step(state, problem.grad, t))
                norm = size(state)
                if not np.isfinite(norm) or norm == 0:
                    return None if not np.isfinite(norm) else 0.0
                logs.append(np.log(norm))
                state = tuple(a / norm for a in state)
        except FloatingPointError:
            return None
    tail = logs[len(logs) // 2:]
    return float(np.exp(np.mean(tail)))
