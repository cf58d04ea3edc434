r"""Fused GPU kernels (CuPy ``RawKernel``): the whole segment of T steps inside one kernel.

**Not run on a GPU in this repository's development session** (none was available); the
code generation is tested on the CPU (the traced statements are executed in Python
against the method), the kernel itself only where CuPy and a GPU are present
(tests marked ``gpu``) — and, from the same source, on the host CPU by the emulation
:mod:`numerics.kernels.cuda_host` (``tests/test_cuda_host_emulation.py``: the launch of
:func:`segment_launch`, its C argument types, the iterates bit for bit).

The per-element update is generated from the method value itself (:mod:`numerics.kernels.trace`):
its ``gradient_point`` and ``update`` are traced on placeholders into C statements, so a new
method needs no CUDA written by hand.  Per thread, ``ELEMS`` eigen-components stay in registers
(λ and every state array read once); per step each thread evaluates the gradient ``G = λ·Y`` at
the traced gradient point ``Y`` and applies the traced update; per-step scalars are read once per
step from a table the host fills.  The per-step sums
‖e_t‖² and Σλx² are reduced in the block (warp shuffles, then one shared-memory pass) and
written with **one** ``atomicAdd`` per block per step.  A block whose own ‖e‖² exceeds the
global threshold freezes (stops updating, keeps reporting its last sums), exactly as in
the CPU kernel, so nothing overflows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trace import trace_method

__all__ = ["cuda_source", "gpu_available", "run_segment_gpu", "segment_launch", "GpuState", "KernelLaunch",
           "CupyDevice", "current_device", "OPTIONS", "THREADS", "ELEMS"]

THREADS = 256  # threads per block (8 warps)
ELEMS = 4  # eigen-components per thread (independent chains for ILP)

_CUDA_TEMPLATE = r'''
extern "C" __global__ void run_steps(
    const REAL* __restrict__ lam, STATE_PARAMS
    const double* __restrict__ params, const double* __restrict__ scalars, const long long t0,
    const long long n, const int nsteps, const double limit2,
    double* __restrict__ err2, double* __restrict__ loss,
    int* __restrict__ frozen, double* __restrict__ frozen_err2, double* __restrict__ frozen_loss)
{
    __shared__ double red_e[THREADS / 32];
    __shared__ double red_l[THREADS / 32];
    __shared__ int stop;
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const long long base = (long long)blockIdx.x * (THREADS * ELEMS) + threadIdx.x;
PARAM_DECLS
    REAL STATE_REGS lv[ELEMS];
    bool on[ELEMS];
#pragma unroll
    for (int k = 0; k < ELEMS; ++k) {
        const long long i = base + (long long)k * THREADS;
        on[k] = i < n;
STATE_LOADS
        lv[k] = on[k] ? lam[i] : (REAL)0;
    }
    if (threadIdx.x == 0) stop = frozen[blockIdx.x];
    __syncthreads();
    int fz = stop;
    for (int t_ = 0; t_ < nsteps; ++t_) {
        if (fz) {
            if (threadIdx.x == 0) {
                atomicAdd(&err2[t_], frozen_err2[blockIdx.x]);
                atomicAdd(&loss[t_], frozen_loss[blockIdx.x]);
            }
            continue;
        }
        double e = 0.0, l = 0.0;
        const double t = (double)(t0 + t_ + 1);
SCALAR_DECLS
#pragma unroll
        for (int k = 0; k < ELEMS; ++k) {
            const REAL lam = lv[k];
STATE_READS
ELEMENT_CODE
            if (on[k]) { STATE_WRITES }
            const double xd = on[k] ? (double)N0 : 0.0;
            e += xd * xd;
            l += (double)lv[k] * xd * xd;
        }
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) {
            e += __shfl_down_sync(0xffffffffu, e, off);
            l += __shfl_down_sync(0xffffffffu, l, off);
        }
        if (lane == 0) { red_e[warp] = e; red_l[warp] = l; }
        __syncthreads();
        if (warp == 0) {
            e = lane < THREADS / 32 ? red_e[lane] : 0.0;
            l = lane < THREADS / 32 ? red_l[lane] : 0.0;
#pragma unroll
            for (int off = 16; off > 0; off >>= 1) {
                e += __shfl_down_sync(0xffffffffu, e, off);
                l += __shfl_down_sync(0xffffffffu, l, off);
            }
            if (lane == 0) {
                atomicAdd(&err2[t_], e);
                atomicAdd(&loss[t_], l);
                if (e > limit2) { stop = 1; frozen_err2[blockIdx.x] = e; frozen_loss[blockIdx.x] = l; }
            }
        }
        __syncthreads();
        fz = stop;
    }
#pragma unroll
    for (int k = 0; k < ELEMS; ++k) {
        const long long i = base + (long long)k * THREADS;
        if (on[k]) { STATE_STORES }
    }
    if (threadIdx.x == 0) frozen[blockIdx.x] = fz;
}
'''


def cuda_source(method, precision: str = "float64") -> str:
    """The CUDA C source of ``method``'s fused kernel (``REAL`` = double or float), from its traced update."""
    code = trace_method(method)
    ns = code.n_state
    real = "double" if precision == "float64" else "float"
    decls = "\n".join(f"    const REAL P{k} = (REAL)params[{k}];" for k in range(code.n_params))
    scal = "\n".join(f"        const REAL Q{k} = (REAL)scalars[(long long)t_ * {code.n_scalars} + {k}];"
                     for k in range(code.n_scalars))
    body = (_CUDA_TEMPLATE
            .replace("STATE_PARAMS", " ".join(f"REAL* __restrict__ st{k}," for k in range(ns)))
            .replace("STATE_REGS", " ".join(f"r{k}[ELEMS]," for k in range(ns)))
            .replace("STATE_LOADS", "\n".join(f"        r{k}[k] = on[k] ? st{k}[i] : (REAL)0;" for k in range(ns)))
            .replace("STATE_READS", "\n".join(f"            const REAL S{k} = r{k}[k];" for k in range(ns)))
            .replace("ELEMENT_CODE", "\n".join(f"            {line};" for line in code.statements("c")))
            .replace("STATE_WRITES", " ".join(f"r{k}[k] = N{k};" for k in range(ns)))
            .replace("STATE_STORES", " ".join(f"st{k}[i] = r{k}[k];" for k in range(ns)))
            .replace("SCALAR_DECLS", scal)
            .replace("PARAM_DECLS", decls))
    return f"#define REAL {real}\n#define THREADS {THREADS}\n#define ELEMS {ELEMS}\n" + body


def gpu_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    try:
        import cupy
    except Exception:  # noqa: BLE001 - any import failure means no GPU path
        return False
    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - no driver / no device
        return False


#: NVRTC options of every kernel here: --fmad=false, so no x - eta*g is contracted into one FMA and the state is
#: rounded as the NumPy reference rounds it (NVRTC contracts by default; the same defect as the numba fast-math of
#: issue 8, item 14).  The option name is NVRTC's documented --fmad={true|false}.  -std=c++17: the noisy kernel's
#: constants are hexadecimal floating literals, standard C++ only since C++17 (strict C++14 rejects them: the host
#: emulation, numerics.kernels.cuda_host, compiled with the launch's -std=c++14, failed on them).
OPTIONS = ("-std=c++17", "--fmad=false")


@dataclass(frozen=True)
class KernelLaunch:
    """One kernel launch as CuPy's ``RawKernel(source, name, options)(grid, block, args)`` takes it."""

    source: str
    name: str
    options: tuple[str, ...]
    grid: tuple[int, ...]
    block: tuple[int, ...]
    args: tuple


_COMPILED: dict = {}


class CupyDevice:  # pragma: no cover - GPU only
    """The GPU: CuPy arrays, kernels compiled by NVRTC (``cupy.RawKernel``) and cached per source."""

    def __init__(self):
        import cupy

        self.xp = cupy

    def launch(self, launch: KernelLaunch) -> None:
        key = (launch.source, launch.name, launch.options)
        if key not in _COMPILED:
            _COMPILED[key] = self.xp.RawKernel(launch.source, launch.name, options=launch.options)
        _COMPILED[key](launch.grid, launch.block, launch.args)

    def to_host(self, a) -> np.ndarray:
        return self.xp.asnumpy(a)


def current_device():  # pragma: no cover - GPU only
    """The device the ``cupy`` backend runs on (:class:`numerics.kernels.cuda_host.HostDevice` stands in for it
    in the host emulation tests)."""
    return CupyDevice()


class GpuState:
    """Device arrays of one run: λ, the state arrays and the per-block freeze flags (on ``device``)."""

    def __init__(self, lam, arrays, precision: str, device=None):
        self.device = current_device() if device is None else device
        xp = self.device.xp
        dtype = np.float64 if precision == "float64" else np.float32
        self.lam = xp.array(lam, dtype=dtype)
        self.arrays = [xp.array(a, dtype=dtype) for a in arrays]
        n = lam.size
        self.nblocks = (n + THREADS * ELEMS - 1) // (THREADS * ELEMS)
        self.frozen = xp.zeros(self.nblocks, dtype=np.int32)
        self.frozen_err2 = xp.zeros(self.nblocks)
        self.frozen_loss = xp.zeros(self.nblocks)


def segment_launch(form, state: "GpuState", p, q, t0: int, nsteps: int, limit2: float, precision: str):
    """The launch of one segment (steps t0+1 .. t0+nsteps) and its two output arrays (‖e‖², Σλx² per step)."""
    xp = state.device.xp
    err2 = xp.zeros(nsteps)
    loss = xp.zeros(nsteps)
    params = xp.asarray(np.asarray(p, dtype=np.float64) if p else np.zeros(1))
    scalars = xp.asarray(np.asarray(q, dtype=np.float64).ravel() if q.size else np.zeros(1))
    args = (state.lam, *state.arrays, params, scalars, np.int64(t0), np.int64(state.lam.size), np.int32(nsteps),
            np.float64(limit2), err2, loss, state.frozen, state.frozen_err2, state.frozen_loss)
    launch = KernelLaunch(cuda_source(form, precision), "run_steps", OPTIONS, (state.nblocks,), (THREADS,), args)
    return launch, err2, loss


def run_segment_gpu(form, state: "GpuState", p, q, t0: int, nsteps: int, limit2: float, precision: str):
    """Advance the device state by ``nsteps`` (steps t0+1..); return host float64 arrays (‖e‖², Σλx²) per step."""
    launch, err2, loss = segment_launch(form, state, p, q, t0, nsteps, limit2, precision)
    state.device.launch(launch)
    return state.device.to_host(err2), state.device.to_host(loss)
