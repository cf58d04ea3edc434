r"""The launcher of the CUDA noisy kernel (:func:`numerics.kernels.noisy.noisy_cuda_source`): grid, arguments, result.

:func:`noisy_moments_device` runs the noisy fused kernel on a device — the GPU through CuPy
(:class:`numerics.kernels.cuda.CupyDevice`, never run: no GPU was available) or the host emulation
(:class:`numerics.kernels.cuda_host.HostDevice`, which compiles the same source with the host compiler) — with the
inputs and the result of :func:`numerics.kernels.noisy.noisy_moments` (the numba kernel), plus the final state
arrays.  It is not a backend of :func:`numerics.noisy.noisy_moments`: the kernel has not run on a GPU.

Launch (from the kernel's own contract, its docstring): for ``dist="gaussian"`` one thread per Philox call,
``ceil(d / 64) * 16`` calls (call j serves the four directions ``64*(j // 16) + j % 16 + 16k``); for
``dist="rademacher"`` one warp per call, ``ceil(d / 128) * 32`` threads (thread ``lane`` of call j the directions
``128 j + lane + 32k``); in blocks of :data:`THREADS` threads; the grid is rounded up and threads past the last
tile return.  The arguments have the kernel's C types exactly
(``k0``, ``k1`` as ``np.uint32``: the kernel's key words are ``unsigned int``; sizes as ``np.int64``; the
per-direction flag as ``np.int32``), as CuPy passes a NumPy scalar by its own width (``cupy/cuda/function.pyx``,
``_pointer``).  The recorded sums come back as ``[R, G]`` arrays summed by ``atomicAdd`` (in an arbitrary order
on a GPU: equal to the numba kernel's to rounding; the iterates are the same bits).
"""
from __future__ import annotations

import numpy as np

from .. import random as rng
from .. import validation as v
from ..noisy import DIVERGENCE_LIMIT, NoisyMoments
from .cuda import OPTIONS, KernelLaunch
from .noisy import _CUDA_LAYOUT, _scalar_table, checked_inputs, noisy_cuda_source

__all__ = ["noisy_launch", "noisy_moments_device", "THREADS"]

#: threads per block (any multiple of 32 up to 1024: the results do not depend on it)
THREADS = 256


def noisy_launch(rule, lam, state, sig, groups, rec, scalars, seed: int, ngroups: int, device,
                 threads: int = THREADS, dist: str = "gaussian"):
    """The launch of the noisy kernel over ``rec[-1]`` steps and its two ``[len(rec) * ngroups]`` sum arrays.

    ``state``, ``lam``, ``sig`` (one or d values), ``groups`` (int64 labels), ``rec`` (the recorded steps > 0) and
    ``scalars`` ([rec[-1], k]) are host arrays; they are copied to ``device``."""
    xp = device.xp
    d = lam.size
    k0, k1 = rng.seed_key(seed)
    _, span, lanes, _ = _CUDA_LAYOUT[dist]  # the kernel's own layout: threads = ceil(d / span) * lanes
    calls = -(-d // span) * lanes
    s2 = xp.zeros(rec.size * ngroups)
    s4 = xp.zeros(rec.size * ngroups)
    p = np.asarray(rule.p, dtype=np.float64) if rule.p else np.zeros(1)
    q = np.asarray(scalars, dtype=np.float64).ravel()
    dev_state = tuple(xp.array(a, dtype=np.float64) for a in state)
    args = (xp.array(lam, dtype=np.float64), *dev_state, xp.array(sig, dtype=np.float64),
            xp.array(groups, dtype=np.int64), xp.asarray(p), xp.asarray(q if q.size else np.zeros(1)),
            np.uint32(k0), np.uint32(k1), np.int64(d), np.int64(rec[-1]), xp.array(rec, dtype=np.int64),
            np.int64(rec.size), np.int64(ngroups), np.int32(sig.size > 1), np.float64(DIVERGENCE_LIMIT), s2, s4)
    launch = KernelLaunch(noisy_cuda_source(rule.form, dist), "run_noisy", OPTIONS, (-(-calls // threads),), (threads,),
                          args)
    return launch, dev_state, s2, s4


def noisy_moments_device(method, params, eigenvalues, e0, noise_std, steps, seed, record_steps, groups, *,
                         device=None, threads: int = THREADS,
                         dist: str = "gaussian") -> tuple[NoisyMoments, tuple[np.ndarray, ...]]:
    r"""Run the CUDA noisy kernel on ``device``: (:class:`~numerics.noisy.NoisyMoments`, final state arrays).

    The arguments are those of :func:`numerics.kernels.noisy.noisy_moments` (same checks); ``device``: a
    :class:`numerics.kernels.cuda.CupyDevice` (default) or :class:`numerics.kernels.cuda_host.HostDevice`;
    ``threads`` per block, a multiple of 32 in [32, 1024]; ``dist``: the law of the draws (gaussian or rademacher,
    the kernel's layout follows it).  The state is that after the last recorded step."""
    from .cuda import current_device

    rule, dist, lam, e0, sig, steps, rec, grp = checked_inputs(method, params, eigenvalues, e0, noise_std, steps, seed,
                                                               record_steps, groups, dist)
    threads = v.integer("threads", threads, 32)
    if threads % 32 or threads > 1024:
        raise v.ParameterError("threads", "a multiple of 32 in [32, 1024]", threads)
    ngroups = int(grp.max()) + 1
    count = np.bincount(grp, minlength=ngroups).astype(np.int64)
    later = rec[rec > 0]
    state = rule.init(e0.copy())
    s2 = np.zeros((later.size, ngroups))
    s4 = np.zeros((later.size, ngroups))
    if steps and later.size:
        device = current_device() if device is None else device
        launch, dev_state, d2, d4 = noisy_launch(rule, lam, state, sig, grp, later,
                                                 _scalar_table(rule, int(later[-1])), int(seed), ngroups, device,
                                                 threads, dist)
        device.launch(launch)
        state = tuple(device.to_host(a) for a in dev_state)
        s2 = device.to_host(d2).reshape(later.size, ngroups)
        s4 = device.to_host(d4).reshape(later.size, ngroups)
    if rec.size and rec[0] == 0:
        w2 = e0 * e0
        s2 = np.vstack([np.bincount(grp, weights=w2, minlength=ngroups), s2])
        s4 = np.vstack([np.bincount(grp, weights=w2 * w2, minlength=ngroups), s4])
    return NoisyMoments(rec, count, s2, s4), tuple(state)
