r"""Fused GPU kernels (CuPy ``RawKernel``): the whole segment of T steps inside one kernel.

**Not run on a GPU in this repository's development session** (none was available); the
code generation is tested on the CPU (the traced statements are executed in Python
against the method), the kernel itself only where CuPy and a GPU are present
(tests marked ``gpu``).

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

import numpy as np

from .trace import trace_method

__all__ = ["cuda_source", "gpu_available", "run_segment_gpu", "THREADS", "ELEMS"]

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


_COMPILED: dict = {}


def _compiled(form, precision: str):  # pragma: no cover - GPU only
    import cupy

    src = cuda_source(form, precision)
    if src not in _COMPILED:
        # --fmad=false: no contraction of x - eta*g into one FMA, so the state is rounded as the NumPy reference
        # rounds it (NVRTC contracts by default; the same defect as the numba fast-math of issue 8, item 14).
        # Not yet run on a GPU (none was available): the option name is NVRTC's documented --fmad={true|false}.
        _COMPILED[src] = cupy.RawKernel(src, "run_steps", options=("-std=c++14", "--fmad=false"))
    return _COMPILED[src]


class GpuState:  # pragma: no cover - GPU only
    """Device arrays of one run: λ, the state arrays and the per-block freeze flags."""

    def __init__(self, lam, arrays, precision: str):
        import cupy

        dtype = np.float64 if precision == "float64" else np.float32
        self.lam = cupy.asarray(lam, dtype=dtype)
        self.arrays = [cupy.asarray(a, dtype=dtype) for a in arrays]
        n = lam.size
        self.nblocks = (n + THREADS * ELEMS - 1) // (THREADS * ELEMS)
        self.frozen = cupy.zeros(self.nblocks, dtype=np.int32)
        self.frozen_err2 = cupy.zeros(self.nblocks)
        self.frozen_loss = cupy.zeros(self.nblocks)


def run_segment_gpu(form, state: "GpuState", p, q, t0: int, nsteps: int, limit2: float,
                    precision: str):  # pragma: no cover - GPU only
    """Advance the device state by ``nsteps`` (steps t0+1..); return host float64 arrays (‖e‖², Σλx²) per step."""
    import cupy

    kernel = _compiled(form, precision)
    err2 = cupy.zeros(nsteps)
    loss = cupy.zeros(nsteps)
    params = cupy.asarray(np.asarray(p, dtype=np.float64) if p else np.zeros(1))
    scalars = cupy.asarray(np.asarray(q, dtype=np.float64).ravel() if q.size else np.zeros(1))
    kernel((state.nblocks,), (THREADS,),
           (state.lam, *state.arrays, params, scalars, np.int64(t0), np.int64(state.lam.size), np.int32(nsteps),
            np.float64(limit2),
            err2, loss, state.frozen, state.frozen_err2, state.frozen_loss))
    return cupy.asnumpy(err2), cupy.asnumpy(loss)
