r"""Run the generated CUDA kernels on the host CPU: the same source text, the host C++ compiler, a small shim.

No GPU has run this repository's CUDA kernels (:mod:`numerics.kernels.cuda`, the noise-free fused kernels;
:func:`numerics.kernels.noisy.noisy_cuda_source`, the noisy kernel with its in-kernel Philox and Box–Muller).
This module compiles **the exact text the product hands to CuPy's** ``RawKernel`` (unmodified) with the host
C++ compiler, prefixed by a shim header (:data:`SHIM`) that defines what CUDA provides:

* ``__global__``, ``__device__``, ``__forceinline__`` as plain C++; ``__shared__`` as a function-``static``
  (one block runs at a time, so a static is that block's shared memory);
* ``threadIdx``/``blockIdx``/``blockDim``/``gridDim`` of the current emulated thread;
* ``__syncthreads()``, ``__syncwarp()`` and the ``__shfl_*_sync`` warp shuffles as real barriers: every CUDA
  thread of a block is a cooperative fiber (POSIX ``ucontext``) with its own stack, scheduled round-robin on
  one OS thread; a barrier yields until all threads of the block (of the warp, for a shuffle) have arrived.
  Two threads reaching *different* ``__syncthreads`` (a divergent barrier), a barrier reached after some
  threads of the block returned, a shuffle with a partial mask or a partial warp: each is an error (the
  launch raises), never a hang;
* ``atomicAdd`` as a plain read-add-write (the fibers never interleave inside it), the bit casts
  (``__double_as_longlong``, ...) and ``__umulhi`` exactly, ``sqrt``/``fabs``/``fmin``/``fmax``/``pow`` from
  the host's libm.

Blocks run one after another in ``blockIdx`` order (x fastest), threads of a block in ``threadIdx`` order
between barriers.  The compiler flags are ``-O2 -ffp-contract=off`` without fast-math: every double
operation is one IEEE-754 binary64 operation rounded to nearest, as NVRTC compiles it with ``--fmad=false``
(no multiply–add contraction; IEEE division and square root are NVRTC's defaults, ``-prec-div=true``,
``-prec-sqrt=true``, no flush to zero).  The launch options must contain ``--fmad=false`` (otherwise the
GPU would contract products and this emulation would not mirror it: an error).

Arguments are checked against the kernel's C signature (:func:`kernel_params`) with CuPy's rules
(``cupy/cuda/function.pyx``, ``_pointer``: an array is passed as its data pointer whatever its dtype; a NumPy
scalar as its ``itemsize`` bytes whatever the C parameter's type; a Python ``int`` as int64, a ``float`` as
float64): an array whose dtype is not the pointee type, a scalar whose dtype is not the parameter's type
(e.g. ``np.uint64`` for an ``unsigned int``: CuPy would pass 8 bytes where the kernel reads 4), or a wrong
number of arguments raises :class:`LaunchError` naming the parameter — on the GPU each would be silently
wrong.  Arrays travel in guarded copies (a canary pattern on both sides); a kernel that writes outside an
array raises :class:`LaunchError`.

**What the emulation proves:** the kernel's arithmetic and indexing — the grid the Python launcher computes,
the argument order and C types, which thread reads and writes which element, the loop bounds and the
partial last tile/block, the freeze logic, the barrier and shuffle structure of the reductions — given
CUDA's IEEE binary64 semantics with ``--fmad=false``: a double kernel's iterates computed here are the bits a
conforming GPU computes.  **What it does not prove:** warp scheduling and memory-model races (fibers run one
at a time and never interleave between barriers, so a missing barrier may go unnoticed), the order of
``atomicAdd`` across blocks (fixed here; arbitrary on a GPU, so sums agree only to rounding), memory
coalescing and speed, the device's own ``pow``/``exp``-type library functions (the host libm is used:
CUDA's ``sqrt`` and division are correctly rounded like the host's, its ``pow`` is within 2 ulp, not
bit-equal), NVRTC itself (its parsing of the source, ``--fmad=false`` being honoured), register or
shared-memory limits, and the CuPy launch on hardware.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["LaunchError", "KernelParam", "kernel_params", "check_arguments", "host_compiler", "HostKernel",
           "host_kernel", "HostDevice", "SHIM", "COMPILE_FLAGS"]


class LaunchError(RuntimeError):
    """A launch the GPU would run wrongly (argument types, out-of-bounds writes) or the emulation cannot run."""


#: the host compiler flags mirroring NVRTC's ``--fmad=false`` (no contraction, no fast-math, IEEE double); the
#: language standard is the launch's own ``-std=`` option (NVRTC's default, c++17, without one), in strict mode
COMPILE_FLAGS = ("-O2", "-ffp-contract=off", "-fno-fast-math", "-fPIC", "-shared",
                 "-Wno-unknown-pragmas", "-U_FORTIFY_SOURCE")

#: C type (after ``#define`` substitution, without const/__restrict__) -> NumPy dtype
_C_TYPES = {
    "double": np.float64, "float": np.float32,
    "int": np.int32, "unsigned int": np.uint32, "unsigned": np.uint32,
    "long long": np.int64, "long long int": np.int64, "unsigned long long": np.uint64,
    "unsigned long long int": np.uint64, "bool": np.bool_, "char": np.int8, "signed char": np.int8,
    "unsigned char": np.uint8, "short": np.int16, "unsigned short": np.uint16,
}

SHIM = r"""
// ---- numerics.kernels.cuda_host: CUDA on the host (fibers for threads; see the module docstring) ----
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <cstdio>
#include <cmath>
#include <math.h>
#include <ucontext.h>
#include <setjmp.h>

struct uint3 { unsigned int x, y, z; };
typedef uint3 dim3;

namespace rc_emu {
struct Thread { ucontext_t ctx; jmp_buf jb; uint3 idx; int lin; int done; int parity; int started; };
static Thread* threads = nullptr;
static char* stacks = nullptr;
static int capacity = 0;
static const size_t STACK = 1 << 17;
static int nthreads = 0, nwarps = 0, exited = 0;
static jmp_buf sched_jb;
static Thread* cur = nullptr;
static uint3 block_idx, block_dim, grid_dim;
static unsigned long long bar_gen = 0; static int bar_count = 0, bar_line = -1;
static unsigned long long wgen[32]; static int wcount[32]; static int wexited[32];
static unsigned long long wslot[32][2][32];
static int failed = 0; static char message[512];
static void** args = nullptr;

// a switch is _setjmp/_longjmp (no signal-mask system call); ucontext only starts a fiber on its own stack
static inline void yield() { if (!_setjmp(cur->jb)) _longjmp(sched_jb, 1); }
[[noreturn]] static void fail(const char* what, int line) {
    if (!failed) { failed = 1; snprintf(message, sizeof message, "%s (thread %d of block (%u, %u, %u), line %d)",
                                        what, cur->lin, block_idx.x, block_idx.y, block_idx.z, line); }
    for (;;) yield();
}
static void syncthreads(int line) {
    if (bar_count == 0) bar_line = line;
    else if (line != bar_line) fail("threads of one block reached different __syncthreads (divergent barrier)", line);
    const unsigned long long g = bar_gen;
    if (++bar_count + exited == nthreads) {
        if (exited) fail("__syncthreads reached after some threads of the block returned", line);
        bar_count = 0; ++bar_gen; return;
    }
    while (bar_gen == g) yield();
}
static int warp_size_of(int w) { const int rest = nthreads - 32 * w; return rest < 32 ? rest : 32; }
static void syncwarp(unsigned mask, int line) {
    const int w = cur->lin / 32;
    if (mask != 0xffffffffu) fail("a warp-synchronous call with a partial mask (not emulated)", line);
    if (warp_size_of(w) != 32) fail("a warp-synchronous call in a partial warp (blockDim not a multiple of 32)", line);
    const unsigned long long g = wgen[w];
    if (++wcount[w] + wexited[w] == 32) {
        if (wexited[w]) fail("a warp-synchronous call after some lanes of the warp returned", line);
        wcount[w] = 0; ++wgen[w]; return;
    }
    while (wgen[w] == g) yield();
}
template <typename T> static T shfl(unsigned mask, T v, int src_of_lane(int, int), int arg, int width, int line) {
    if (width != 32) fail("a shuffle with width != 32 (not emulated)", line);
    static_assert(sizeof(T) <= 8, "shuffle of at most 8 bytes");
    const int w = cur->lin / 32, lane = cur->lin % 32, p = cur->parity;
    cur->parity ^= 1;  // two slots per warp: a lane may write the next shuffle's value before others read this one
    std::memcpy(&wslot[w][p][lane], &v, sizeof(T));
    syncwarp(mask, line);
    const int src = src_of_lane(lane, arg);
    T out = v;
    if (src >= 0 && src < 32) std::memcpy(&out, &wslot[w][p][src], sizeof(T));
    return out;
}
static int down(int lane, int d) { return lane + d; }
static int up(int lane, int d) { return lane - d; }
static int bfly(int lane, int m) { return lane ^ m; }
static int idx(int, int s) { return s; }
static int width(int) { return 32; }
static int width(int, int w) { return w; }
}  // namespace rc_emu

#define threadIdx (rc_emu::cur->idx)
#define blockIdx (rc_emu::block_idx)
#define blockDim (rc_emu::block_dim)
#define gridDim (rc_emu::grid_dim)
#define warpSize 32
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __shared__ static
#define __syncthreads() rc_emu::syncthreads(__LINE__)
#define __syncwarp(...) rc_emu::syncwarp(0xffffffffu, __LINE__)
#define __threadfence() ((void)0)
#define __shfl_down_sync(m, v, d, ...) rc_emu::shfl((m), (v), rc_emu::down, (d), rc_emu::width(0, ##__VA_ARGS__), __LINE__)
#define __shfl_up_sync(m, v, d, ...) rc_emu::shfl((m), (v), rc_emu::up, (d), rc_emu::width(0, ##__VA_ARGS__), __LINE__)
#define __shfl_xor_sync(m, v, d, ...) rc_emu::shfl((m), (v), rc_emu::bfly, (d), rc_emu::width(0, ##__VA_ARGS__), __LINE__)
#define __shfl_sync(m, v, s, ...) rc_emu::shfl((m), (v), rc_emu::idx, (s), rc_emu::width(0, ##__VA_ARGS__), __LINE__)

static inline unsigned int __umulhi(unsigned int a, unsigned int b) { return (unsigned int)(((uint64_t)a * b) >> 32); }
static inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long)(((unsigned __int128)a * b) >> 64); }
static inline long long __double_as_longlong(double x) { long long i; std::memcpy(&i, &x, 8); return i; }
static inline double __longlong_as_double(long long i) { double x; std::memcpy(&x, &i, 8); return x; }
static inline int __float_as_int(float x) { int i; std::memcpy(&i, &x, 4); return i; }
static inline float __int_as_float(int i) { float x; std::memcpy(&x, &i, 4); return x; }
static inline unsigned int __float_as_uint(float x) { unsigned int i; std::memcpy(&i, &x, 4); return i; }
static inline float __uint_as_float(unsigned int i) { float x; std::memcpy(&x, &i, 4); return x; }
static inline int __popc(unsigned int x) { return __builtin_popcount(x); }
static inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
template <typename T> static inline T atomicAdd(T* a, T v) { const T old = *a; *a = old + v; return old; }
// ---- end of the shim; the kernel source follows unmodified ----
#line 1 "kernel.cu"
"""

_LAUNCHER = r"""
// ---- numerics.kernels.cuda_host: the launcher (one block at a time, its threads as fibers) ----
static void rc_body() { NAME(ARGS); }
static void rc_entry() {
    rc_body();
    rc_emu::cur->done = 1; ++rc_emu::exited; ++rc_emu::wexited[rc_emu::cur->lin / 32];
    if (rc_emu::bar_count && rc_emu::bar_count + rc_emu::exited == rc_emu::nthreads)
        rc_emu::fail("a thread returned while the others wait at __syncthreads", -1);
    const int w = rc_emu::cur->lin / 32;
    if (rc_emu::wcount[w] && rc_emu::wcount[w] + rc_emu::wexited[w] == rc_emu::warp_size_of(w))
        rc_emu::fail("a lane returned while the others of its warp wait in a shuffle", -1);
    _longjmp(rc_emu::sched_jb, 1);
}
extern "C" int rc_launch(void** args, const unsigned* grid, const unsigned* block, char* err, int errlen) {
    using namespace rc_emu;
    const long long n = (long long)block[0] * block[1] * block[2];
    if (n < 1 || n > 1024) { snprintf(err, errlen, "block of %lld threads (CUDA allows 1..1024)", n); return -1; }
    nthreads = (int)n; nwarps = (nthreads + 31) / 32;
    if (nthreads > capacity) {
        std::free(threads); std::free(stacks);
        threads = (Thread*)std::calloc(nthreads, sizeof(Thread));
        stacks = (char*)std::malloc((size_t)nthreads * STACK);
        if (!threads || !stacks) { snprintf(err, errlen, "out of memory for %d fiber stacks", nthreads); return -1; }
        capacity = nthreads;
    }
    rc_emu::args = args; failed = 0;
    grid_dim = {grid[0], grid[1], grid[2]}; block_dim = {block[0], block[1], block[2]};
    for (unsigned bz = 0; bz < grid[2]; ++bz) for (unsigned by = 0; by < grid[1]; ++by)
    for (unsigned bx = 0; bx < grid[0]; ++bx) {
        block_idx = {bx, by, bz};
        exited = 0; bar_count = 0; bar_line = -1;
        for (int w = 0; w < nwarps; ++w) { wcount[w] = 0; wexited[w] = 0; }
        for (int i = 0; i < nthreads; ++i) {
            Thread& t = threads[i];
            getcontext(&t.ctx);
            t.ctx.uc_stack.ss_sp = stacks + (size_t)i * STACK; t.ctx.uc_stack.ss_size = STACK; t.ctx.uc_link = nullptr;
            makecontext(&t.ctx, rc_entry, 0);
            t.lin = i; t.done = 0; t.parity = 0; t.started = 0;
            t.idx = {(unsigned)(i % block[0]), (unsigned)((i / block[0]) % block[1]), (unsigned)(i / (block[0] * block[1]))};
        }
        int live = nthreads;
        while (live > 0) {
            for (int i = 0; i < nthreads; ++i) {
                if (threads[i].done) continue;
                cur = &threads[i];
                if (!_setjmp(sched_jb)) {
                    if (cur->started) _longjmp(cur->jb, 1);
                    cur->started = 1;
                    setcontext(&cur->ctx);
                }
                if (failed) { snprintf(err, errlen, "%s", message); return -1; }
                if (cur->done) --live;
            }
        }
    }
    return 0;
}
"""


@dataclass(frozen=True)
class KernelParam:
    """One parameter of a kernel's C signature: its name, C type and the NumPy dtype of the value (or pointee)."""

    name: str
    ctype: str
    pointer: bool
    dtype: np.dtype


def _defines(source: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*#define\s+(\w+)\s+([A-Za-z_][\w ]*?)\s*$", source, flags=re.M))


def kernel_params(source: str, name: str) -> tuple[KernelParam, ...]:
    r"""The parameters of ``extern "C" __global__ void name(...)`` in ``source`` (macros such as ``REAL`` resolved)."""
    m = re.search(r'extern\s+"C"\s+__global__\s+void\s+' + re.escape(name) + r"\s*\(([^)]*)\)", source)
    if m is None:
        raise LaunchError(f'no extern "C" __global__ void {name}(...) in the source')
    macros = _defines(source)
    out = []
    for raw in (p.strip() for p in m.group(1).split(",")):
        if not raw:
            continue
        tokens = re.findall(r"\w+|\*", raw)
        pname = tokens[-1]
        words = [macros.get(t, t) for t in tokens[:-1] if t not in ("const", "__restrict__", "volatile")]
        stars = words.count("*")
        base = " ".join(w for w in words if w != "*")
        if stars > 1 or base not in _C_TYPES:
            raise LaunchError(f"parameter {pname}: C type {raw!r} is not one the emulation maps to NumPy")
        out.append(KernelParam(pname, base + "*" * stars, stars == 1, np.dtype(_C_TYPES[base])))
    return tuple(out)


def _cupy_scalar(x):
    """The NumPy scalar CuPy passes for ``x`` (``cupy/cuda/function.pyx``, ``_pointer``), or None if it refuses."""
    if isinstance(x, np.generic):
        return x
    if isinstance(x, bool):  # a Python bool is an int: CuPy's isinstance(x, int) branch makes it int64
        return np.int64(x)
    if isinstance(x, int):
        return np.int64(x)
    if isinstance(x, float):
        return np.float64(x)
    return None


def check_arguments(params: tuple[KernelParam, ...], args: tuple) -> None:
    """LaunchError unless ``args`` have, one by one, the C types of ``params`` as CuPy would pass them."""
    if len(args) != len(params):
        raise LaunchError(f"{len(args)} arguments for a kernel of {len(params)} parameters "
                          f"({', '.join(p.name for p in params)})")
    for k, (p, a) in enumerate(zip(params, args)):
        where = f"argument {k} ({p.ctype} {p.name})"
        if p.pointer:
            if not hasattr(a, "dtype") or not hasattr(a, "shape") or np.ndim(a) == 0:
                raise LaunchError(f"{where}: an array is needed, got {type(a).__name__}")
            if np.dtype(a.dtype) != p.dtype:
                raise LaunchError(f"{where}: an array of {p.dtype} is needed, got {np.dtype(a.dtype)} "
                                  "(CuPy passes the pointer whatever the dtype: the kernel would misread it)")
            if not a.flags.c_contiguous:
                raise LaunchError(f"{where}: a C-contiguous array is needed")
        else:
            s = _cupy_scalar(a)
            if s is None or isinstance(a, np.ndarray):
                raise LaunchError(f"{where}: a scalar is needed, got {type(a).__name__}")
            if s.dtype != p.dtype:
                how = (f"CuPy passes {s.dtype.itemsize} bytes where the kernel reads {p.dtype.itemsize}"
                       if s.dtype.itemsize != p.dtype.itemsize else f"CuPy passes its bits, which the kernel reads as "
                                                                     f"{p.ctype}")
                raise LaunchError(f"{where}: a {p.dtype} scalar is needed, got {type(a).__name__} ({s.dtype}: {how})")


def host_compiler() -> str | None:
    """The host C++ compiler (``$CXX``, else c++, g++ or clang++ on PATH), or None."""
    for cand in (os.environ.get("CXX"), "c++", "g++", "clang++"):
        if cand and shutil.which(cand):
            return shutil.which(cand)
    return None


def _cache_dir() -> Path:
    from .cpu import kernel_cache_dir

    path = kernel_cache_dir() / "cuda_host"
    path.mkdir(parents=True, exist_ok=True)
    return path


_GUARD = 64  # elements of canary on each side of every array
_LOCK = threading.Lock()  # a compiled kernel keeps its fibers in globals: one launch at a time per process
_CANARY = 0xA5


class HostKernel:
    """A kernel compiled for the host; call it as CuPy's ``RawKernel``: ``kernel(grid, block, args)``."""

    def __init__(self, source: str, name: str, options: tuple[str, ...] = ()):
        if "--fmad=false" not in options:
            raise LaunchError("the launch options lack --fmad=false: the GPU would contract products into FMAs, "
                              "which this emulation (-ffp-contract=off) does not mirror")
        self.source, self.name, self.options = source, name, tuple(options)
        self.params = kernel_params(source, name)
        std = [o for o in options if o.startswith(("-std=", "--std="))]
        self.flags = ("-std=" + (std[-1].split("=", 1)[1] if std else "c++17"), *COMPILE_FLAGS)
        cxx = host_compiler()
        if cxx is None:
            raise LaunchError("no host C++ compiler (c++, g++ or clang++) found")
        call = ", ".join(f"*({self._cast(k)})rc_emu::args[{k}]" for k in range(len(self.params)))
        text = SHIM + source + _LAUNCHER.replace("NAME(ARGS)", f"{name}({call})")
        key = hashlib.sha256("\0".join((text, cxx, *self.flags)).encode()).hexdigest()[:24]
        lib = _cache_dir() / f"{name}-{key}.so"
        if not lib.exists():
            with tempfile.TemporaryDirectory(dir=lib.parent) as tmp:
                src = Path(tmp) / "kernel.cpp"
                src.write_text(text)
                out = Path(tmp) / lib.name
                r = subprocess.run([cxx, *self.flags, "-o", str(out), str(src)], capture_output=True, text=True)
                if r.returncode:
                    raise LaunchError(f"the host compiler rejected kernel {name}:\n{r.stderr[-4000:]}")
                os.replace(out, lib)
        self._lib = ctypes.CDLL(str(lib))
        self._launch = self._lib.rc_launch
        self._launch.restype = ctypes.c_int
        self._launch.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_uint),
                                 ctypes.POINTER(ctypes.c_uint), ctypes.c_char_p, ctypes.c_int]

    def _cast(self, k: int) -> str:
        p = self.params[k]
        base = p.ctype.rstrip("*")
        return f"{base}**" if p.pointer else f"{base}*"

    def __call__(self, grid: tuple, block: tuple, args: tuple) -> None:
        """Run the kernel over ``grid`` x ``block`` on the host; arrays in ``args`` are updated in place."""
        check_arguments(self.params, tuple(args))
        g = tuple(int(x) for x in (tuple(grid) + (1, 1))[:3])
        b = tuple(int(x) for x in (tuple(block) + (1, 1))[:3])
        if min(g) < 1 or min(b) < 1:
            raise LaunchError(f"grid {grid} and block {block} must be positive")
        keep, guarded, values = [], [], []
        for p, a in zip(self.params, args):
            if p.pointer:
                n = a.size
                buf = np.empty(n + 2 * _GUARD, dtype=p.dtype)
                raw = buf.view(np.uint8)
                raw[:] = _CANARY
                buf[_GUARD:_GUARD + n] = a.ravel()
                ptr = ctypes.c_void_p(buf.ctypes.data + _GUARD * p.dtype.itemsize)
                guarded.append((p, a, buf))
                keep.append(ptr)
                values.append(ctypes.cast(ctypes.pointer(ptr), ctypes.c_void_p))
            else:
                s = np.array(_cupy_scalar(a), dtype=p.dtype)
                keep.append(s)
                values.append(ctypes.c_void_p(s.ctypes.data))
        argv = (ctypes.c_void_p * max(1, len(values)))(*[v.value for v in values])
        err = ctypes.create_string_buffer(512)
        with _LOCK:  # ctypes releases the GIL during the call
            rc = self._launch(argv, (ctypes.c_uint * 3)(*g), (ctypes.c_uint * 3)(*b), err, 512)
        if rc:
            raise LaunchError(f"kernel {self.name}: {err.value.decode()}")
        for p, a, buf in guarded:
            raw = buf.view(np.uint8)
            edge = _GUARD * p.dtype.itemsize
            if np.any(raw[:edge] != _CANARY) or np.any(raw[raw.size - edge:] != _CANARY):
                raise LaunchError(f"kernel {self.name} wrote outside the array {p.name}")
            a.ravel()[:] = buf[_GUARD:_GUARD + a.size]  # c-contiguous: ravel is a view


_HOST_KERNELS: dict = {}


def host_kernel(source: str, name: str, options: tuple[str, ...]) -> HostKernel:
    """The compiled host kernel of (source, name, options), compiled once per process (and cached on disk)."""
    key = (source, name, tuple(options))
    if key not in _HOST_KERNELS:
        _HOST_KERNELS[key] = HostKernel(source, name, options)
    return _HOST_KERNELS[key]


class HostDevice:
    r"""The host stand-in for :class:`numerics.kernels.cuda.CupyDevice`: NumPy arrays, kernels run by :class:`HostKernel`.

    Hand it where the CuPy path takes a device (:class:`numerics.kernels.cuda.GpuState`,
    :func:`numerics.kernels.noisy_cuda.noisy_moments_device`): the launcher code is the product's, only the
    array module and the kernel runner are the host's."""

    xp = np

    def launch(self, launch) -> None:
        """Run a :class:`numerics.kernels.cuda.KernelLaunch` on the host."""
        host_kernel(launch.source, launch.name, launch.options)(launch.grid, launch.block, launch.args)

    @staticmethod
    def to_host(a) -> np.ndarray:
        return np.asarray(a)
