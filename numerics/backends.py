r"""One entry point for every simulation backend on a diagonal quadratic.

:func:`simulate_diagonal` runs a :class:`~numerics.methods.Rule` on
``f(x) = ½ Σ λ_i x_i²`` (x* = 0, so e = x) from ``e0`` and returns the same
:class:`~numerics.simulate.Trajectory` as the NumPy reference path
(:func:`numerics.simulate.simulate`), with the same semantics:

* divergence: the run stops at the first t with ‖e_t‖ > 1e60·‖e_0‖ (``diverged=True``,
  that step included);
* ``tolerance``: the run stops at the first t with ‖e_t‖/‖e_0‖ <= tolerance
  (``reached_tolerance=True``, that step included);
* overflow: a step whose ‖e_t‖² or f(x_t) − f* is not a finite float64 ends the run as
  divergent without being recorded (``overflowed=True``); if that is the first step,
  ParameterError (nothing finite to measure).

Backends: ``"numpy"`` (reference, one NumPy expression per operation per step),
``"numba"`` (fused CPU kernel), ``"cupy"`` (fused GPU kernel; needs CuPy and a CUDA
device, otherwise ParameterError) and ``"auto"`` (cupy when a GPU is present, else numba; a caller that
states the work, :func:`resolve_backend` with ``dim`` and ``steps``, gets numpy for a small problem).
The fused kernels run the steps in segments (all steps at once without a tolerance;
doubling segments from 16 steps with one) and truncate at the stopping step, so a few
extra steps may run inside the kernel past it.
"""
from __future__ import annotations

import numpy as np

from . import validation as v
from .protocol import Rule
from .problems import DiagonalQuadratic
from .simulate import DIVERGENCE_THRESHOLD, Trajectory, check_initial_error, raise_first_step_overflow, simulate

__all__ = ["simulate_diagonal", "BACKENDS", "PRECISIONS", "resolve_backend", "warm_up", "SMALL_STEPS", "SMALL_WORK"]

BACKENDS = ("auto", "numpy", "numba", "cupy")
PRECISIONS = ("float64", "float32")

_FIRST_SEGMENT = 16
#: most steps per kernel call: bounds the per-segment arrays (2 per chunk of blocks, float64) for any --steps
MAX_SEGMENT = 1 << 16
#: bytes per kept record on the host: error and loss (the segment lists, then the concatenated arrays)
BYTES_PER_RECORD = 32


#: ``auto`` runs the NumPy reference path when steps <= SMALL_STEPS and dim * steps <= SMALL_WORK
SMALL_STEPS = 20_000
SMALL_WORK = 2_000_000


def resolve_backend(backend: str, *, dim: int | None = None, steps: int | None = None) -> str:
    """``auto`` -> ``cupy`` when CuPy and a GPU are present, else ``numba``; checks the name.

    Given the problem's ``dim`` and ``steps``, ``auto`` picks ``numpy`` for a small problem
    (steps <= :data:`SMALL_STEPS` and dim * steps <= :data:`SMALL_WORK`): the reference path then
    takes at most about 0.3 s on one core (gd / heavy ball / Nesterov, measured by
    benchmarks/startup.py), less than loading the numba kernels from their cache (about 0.5 s per
    process) or starting CUDA.  Both paths do the same IEEE arithmetic per element; only the two
    reductions (the norm and the loss) may round differently.
    """
    if backend not in BACKENDS:
        raise v.ParameterError("backend", f"one of {', '.join(BACKENDS)}", backend)
    if backend == "auto" and dim is not None and steps is not None and steps <= SMALL_STEPS \
            and dim * steps <= SMALL_WORK:
        return "numpy"
    from .kernels.cuda import gpu_available

    if backend == "auto":
        return "cupy" if gpu_available() else "numba"
    if backend == "cupy" and not gpu_available():
        raise v.ParameterError("backend", "auto, numpy or numba here (cupy needs CuPy and a CUDA GPU, none found)",
                               backend)
    return backend


def warm_up(rule: Rule, backend: str = "auto", precision: str = "float64") -> str:
    """Compile (or load from the cache) the kernel ``rule`` needs, so that a timed run excludes it; returns the backend."""
    backend = resolve_backend(backend)
    if backend != "numpy":
        sizes = [8]
        if backend == "numba":  # both the serial (few blocks) and the parallel kernel
            from .kernels.cpu import DEFAULT_BLOCK, SERIAL_BLOCKS

            sizes.append(SERIAL_BLOCKS * DEFAULT_BLOCK + 1)
        for n in sizes:
            simulate_diagonal(rule, np.linspace(1.0, 2.0, n), np.ones(n), 2, backend=backend, precision=precision)
    return backend


def simulate_diagonal(
    rule: Rule,
    eigenvalues: np.ndarray,
    e0: np.ndarray,
    steps: int,
    *,
    backend: str = "auto",
    precision: str = "float64",
    tolerance: float | None = None,
    block: int | None = None,
    record_every: int = 1,
) -> Trajectory:
    r"""Run ``rule`` for ``steps`` steps on the diagonal quadratic with ``eigenvalues`` from ``e0``.

    Records ‖e_t‖ and f(x_t) − f* = ½ Σ λ_i x_i² for t = 0..steps_run.  ``precision``
    ``"float32"`` keeps the state (λ, x, s) in float32 and accumulates the sums in
    float64 (fused backends only).  Memory is O(d): the fused kernels hold the method's state
    arrays beside λ and e0; a dimension that cannot fit raises ParameterError first.

    ``record_every`` K keeps t = 0, K, 2K, ... and the last step (the stopping rules still see
    every step); the kernels run at most :data:`MAX_SEGMENT` steps at a time, so the memory per
    step of a long run is that of the kept records only (:data:`BYTES_PER_RECORD`).
    """
    backend = resolve_backend(backend)
    if precision not in PRECISIONS:
        raise v.ParameterError("precision", f"one of {', '.join(PRECISIONS)}", precision)
    steps = v.integer("steps", steps, 1)
    record_every = v.integer("record_every", record_every, 1)
    if not isinstance(rule, Rule):
        raise TypeError(f"rule must be a numerics Rule (numerics.rule(method, params, form)), got {type(rule).__name__}")
    if np.ndim(eigenvalues) != 1:
        raise v.ParameterError("eigenvalues", "a non-empty 1-d array", np.shape(eigenvalues))
    lam = v.eigenvalue_array(eigenvalues)  # finite, > 0, real (a zero or negative one is no quadratic's)
    e0 = v.real_array("e0", e0) if np.ndim(e0) == 1 else np.asarray(e0)
    if e0.shape != lam.shape:
        raise v.ParameterError("e0", f"an array of shape ({lam.size},)", e0.shape)
    if backend == "numpy":
        if precision != "float64":
            raise v.ParameterError("precision", "float64 with the numpy backend", precision)
        if tolerance is not None:
            v.finite("tolerance", tolerance)
        return simulate(rule, DiagonalQuadratic(lam), e0, steps, tolerance=tolerance, record_every=record_every)

    if precision == "float32":
        _check_float32(rule, lam, e0)
    itemsize = 8 if precision == "float64" else 4
    extra_arrays = len(rule.form.state) + (0 if precision == "float64" else 1)  # state (and a float32 copy of λ)
    v.check_memory("dim", lam.size, extra_arrays, itemsize)
    v.check_memory("steps", steps // record_every + 2, BYTES_PER_RECORD // 8, got=steps)
    e0 = e0.astype(np.float64, copy=False)
    with np.errstate(over="raise", invalid="raise", under="ignore"):
        try:
            err0 = float(np.linalg.norm(e0))
            loss0 = 0.5 * float(np.dot(lam, e0 * e0))
        except FloatingPointError:
            raise v.ParameterError("x0", "an initial error whose squared norm and loss are finite in float64",
                                   "overflow") from None
    check_initial_error(err0, e0)
    if tolerance is not None:
        tolerance = v.tolerance("tolerance", tolerance, err0)
    limit = DIVERGENCE_THRESHOLD * err0
    limit2 = min(limit * limit, 1e300)  # float64 sums of squares stay finite
    dtype = np.float64 if precision == "float64" else np.float32

    x0k = e0.astype(dtype)
    arrays = rule.init(x0k)  # fresh arrays: the kernel updates them in place
    p = tuple(dtype(c) for c in rule.p) if precision == "float32" else tuple(float(c) for c in rule.p)
    done_steps = [0]

    def scalars(n):
        """Per-step scalars of steps t0+1 .. t0+n (one row per step), evaluated on the host."""
        m = rule.form
        q = np.zeros((n, len(m.scalar_names)), dtype=dtype)
        if m.scalars is not None:
            for k in range(n):
                sp = m.step_params(rule.params, done_steps[0] + k + 1)
                q[k] = [float(sp[name]) for name in m.scalar_names]
        return q

    if backend == "numba":
        from .kernels import cpu

        blk = cpu.DEFAULT_BLOCK if block is None else v.integer("block", block, 1)
        lam_k = np.ascontiguousarray(lam, dtype=dtype)
        nblocks = (lam.size + blk - 1) // blk
        state = (np.zeros(nblocks, dtype=np.uint8), np.zeros(nblocks), np.zeros(nblocks))

        def advance(n):
            out = cpu.run_segment(rule.form, lam_k, arrays, p, scalars(n), done_steps[0], n, limit2, state, block=blk)
            done_steps[0] += n
            return out
    else:  # pragma: no cover - GPU only
        from .kernels import cuda

        if steps > 2**31 - 1:  # the CUDA kernel counts steps in a 32-bit int
            raise v.ParameterError("steps", "an integer <= 2147483647 with the cupy backend", steps)

        gstate = cuda.GpuState(lam, arrays, precision)

        def advance(n):
            out = cuda.run_segment_gpu(rule.form, gstate, rule.p, scalars(n), done_steps[0], n, limit2, precision)
            done_steps[0] += n
            return out

    errors = [np.array([err0])]
    losses = [np.array([loss0])]
    done = 0
    last = (0, err0, loss0)  # the last finite step (t, err, loss)
    diverged = reached = overflowed = False
    segment = min(steps if tolerance is None else _FIRST_SEGMENT, MAX_SEGMENT)
    while done < steps:
        n = min(segment, steps - done)
        err2, loss = advance(n)
        stop = n
        bad = np.flatnonzero(~(np.isfinite(err2) & np.isfinite(loss)))
        if bad.size:  # that step overflowed float64: divergent, keep the finite part (as the reference path)
            stop, diverged, overflowed = int(bad[0]), True, True
        err = np.sqrt(err2[:stop])
        loss = 0.5 * loss[:stop]
        over = np.flatnonzero(err > limit)
        if over.size:
            stop, diverged, overflowed = int(over[0]) + 1, True, False
        if tolerance is not None:
            hit = np.flatnonzero(err[:stop] <= tolerance * err0)
            if hit.size:
                stop, reached, diverged, overflowed = int(hit[0]) + 1, True, False, False
        if stop:
            last = (done + stop, float(err[stop - 1]), float(loss[stop - 1]))
        # steps done+1 .. done+stop; keep those that are multiples of record_every
        first = (-(done + 1)) % record_every
        errors.append(err[first:stop:record_every].copy())
        losses.append(loss[first:stop:record_every].copy())
        done += n
        if diverged or reached:
            break
        segment = min(segment * 2, MAX_SEGMENT)
    if last[0] == 0 and done:
        raise_first_step_overflow(rule)
    if last[0] % record_every:  # the run ended between two records: record its last step too
        errors.append(np.array([last[1]]))
        losses.append(np.array([last[2]]))
    return Trajectory(
        error_norm=np.concatenate(errors),
        loss=np.concatenate(losses),
        steps=steps,
        diverged=diverged,
        reached_tolerance=reached,
        params=rule.params,
        method=rule.method,
        form=rule.form.name,
        overflowed=overflowed,
        record_every=record_every,
        last_step=last[0],
    )


def _check_float32(rule: Rule, lam: np.ndarray, e0: np.ndarray) -> None:
    """ParameterError unless the parameters, eigenvalues and e0 are representable in float32 (no inf, no flush to 0)."""
    f32 = np.finfo(np.float32)
    big, tiny = float(f32.max), float(f32.tiny)
    rng = f"magnitudes in [{tiny:.2g}, {big:.2g}] with precision float32 (or use float64)"
    for name, c in rule.params.items():
        if abs(c) > big or 0 < abs(c) < tiny:
            raise v.ParameterError(name, f"a number of {rng}", c)
    lo, hi = float(np.min(lam)), float(np.max(lam))
    if hi > big or lo < tiny:
        raise v.ParameterError("eigenvalues", f"numbers of {rng}", f"[{lo:.3g}, {hi:.3g}]")
    a = np.abs(e0)
    top = float(np.max(a))
    if top > big or top < tiny:
        raise v.ParameterError("x0", f"an initial error x0 - x* with {rng}", f"max |x0 - x*| = {top:.3g}")
