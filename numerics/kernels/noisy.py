r"""Fused kernels with noisy gradients: the noise is drawn inside the kernel from a counter-based generator.

On the diagonal quadratic :math:`f(x) = \tfrac12\sum_i \lambda_i (x_i - x^*_i)^2` each direction's error
:math:`e_i = x_i - x^*_i` runs the method with the stochastic gradient

.. math::

    g_{t,i} = \lambda_i\, y_{t,i} + \sigma_i\, \xi(\text{seed}, t, i), \qquad \xi \sim N(0, 1),

evaluated at the method's gradient point :math:`y` (additive noise; a per-direction :math:`\sigma_i` gives the
minibatch model :math:`\operatorname{Cov}\xi = C/B` with :math:`\sigma_i = \sqrt{c_i/B}`).  The normals are
those of :mod:`numerics.random` (Philox4x32-10, key = seed, counter = (call, step); Box–Muller with both
outputs, four normals per call), a pure function of (seed, t, i): the iterates do not depend on the block size,
the number of threads or the machine, and the NumPy stream :func:`numerics.random.standard_normals` run through
the method's own :class:`~numerics.protocol.Rule` gives the **same bits** (``tests/test_noisy_kernel.py``).

This is the ``numba`` backend of the one Monte Carlo seam :func:`numerics.noisy.noisy_moments` (which checks
the input, picks the backend and runs the NumPy reference otherwise); :func:`noisy_moments` here returns the
same :class:`numerics.noisy.NoisyMoments`, for each group of directions (integer labels 0..G−1, e.g. the directions
that share one eigenvalue: independent replicas of one 1-D problem) and each recorded step, the count and the
sums :math:`\sum e^2` and :math:`\sum e^4` over the group's members, from which the caller forms the
Monte Carlo mean of :math:`e^2` and its standard error.

Generation: the element function is the method's traced update (:func:`numerics.kernels.trace.trace_method`,
the statements the noise-free kernels paste in), with the gradient line ``G = lam * Y`` replaced by
``G = (lam * Y) + (sig * Z)``; it is compiled without fastmath, as in :mod:`numerics.kernels.cpu`.  The loop
(one module per method, cached under :func:`numerics.kernels.cpu.kernel_cache_dir`):

* directions are cut into chunks of :data:`CHUNK` elements (a constant: the threads take whole chunks) and
  chunks into blocks of ``block`` elements (a multiple of :data:`numerics.random.TILE` dividing
  :data:`CHUNK`); a block runs all steps with its state in L1/L2: per step the block's normals are filled
  (:func:`numerics.random.fill_normals`, vectorised), then the element loop updates the state;
* at a recorded step the block adds :math:`e^2` and :math:`e^4` of its members into its chunk's
  ``[R, G]`` partial sums, tile by tile in index order: a tile of 64 members of one group as one vectorised
  sum (its additions reassociated by LLVM, the only arithmetic compiled with fastmath's ``reassoc``; the same
  instructions for every tile), any other tile element by element; chunks are summed on the host in chunk
  order.  Every addition is fixed by the direction indices alone, so the sums too are the same bits for every
  block size and thread count on one CPU (a CPU with other vector widths may round the tile sums otherwise;
  the iterates are the same bits everywhere);
* a component that falls below the smallest normal float64 is set to 0 (as in the noise-free kernel; with
  σ > 0 this does not happen in practice); a block with a component :math:`|e_i| > 10^{75}` (so that
  :math:`e^4` stays finite) freezes, and its members add +inf to every later recorded sum — divergence is a
  result (inf), never NaN or an overflow warning.

With ``dist="rademacher"`` the draws are fair signs :math:`\xi = \pm 1` (:func:`numerics.random.rademacher_signs`:
bit i mod 32 of word ⌊i/32⌋ mod 4 of Philox call ⌊i/128⌋): per step a block fills its Philox words
(:func:`numerics.random.fill_sign_words`) and the element loop runs over the 32 bits of each word, making the sign
from its bit (:func:`numerics.random.sign_bit`) with no buffer of draws; :math:`\sigma\xi = \pm\sigma` exactly, so
the iterates are again the NumPy path's bits, and every guarantee above holds alike.

The CUDA source (:func:`noisy_cuda_source`) runs the same generator as device functions (the same
operations, ``--fmad=false``), one Philox call per thread per step for the thread's four directions of one
tile; its group sums use ``atomicAdd`` (so on a GPU the iterates are reproducible but the sums only up to
rounding).  **Not run on a GPU** in this repository's development session: only generated and checked as
text, and its generator functions compiled with the host C compiler against the NumPy stream; the whole kernel runs
in the host emulation :mod:`numerics.kernels.cuda_host` (launcher: :mod:`numerics.kernels.noisy_cuda`).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from .. import random as rng
from .. import validation as v
from ..noisy import DIVERGENCE_LIMIT, NoisyMoments
from ..protocol import Method, Rule
from .cpu import load_generated
from .trace import trace_method

__all__ = ["noisy_moments", "noisy_kernel_source", "noisy_cuda_source", "CHUNK", "DEFAULT_BLOCK",
           "DIVERGENCE_LIMIT"]

#: elements per chunk (the unit of work of one thread, and of the partial sums): a constant, so that the sums
#: are the same for every thread count
CHUNK = 1 << 15
#: elements per block: 512 float64 x (state + λ + normals) stays in L1
DEFAULT_BLOCK = 512

_GRADIENT_LINE = "G = lam * Y"
_NOISY_GRADIENT = "G = (lam * Y) + (sig * Z)"


_TEMPLATE = """\
# Generated by numerics.kernels.noisy for method {key}; do not edit.
# generator: numerics.random {generator}, distribution {dist}
import math

import numba
import numpy as np

from ratecheck.numerics.random import {imports}, prefer_wide_vectors

TILE = {tile}


@numba.njit(fastmath=False, cache=True, error_model="numpy")
def _element({state_args}, lam, sig, Z, {param_args}t):
{body}
    return {new_tuple}


@numba.njit(fastmath={{"reassoc"}}, cache=True, error_model="numpy")
def _tile_sums(x, ntiles, out2, out4):
    # sum of e^2 and e^4 over each whole tile of 64, vectorised (reassociated within the tile: the same
    # operations for every call, so the same bits for every block size and thread count on one CPU)
    prefer_wide_vectors()
    for w in range(ntiles):
        a = 0.0
        b = 0.0
        for k in range(w * TILE, (w + 1) * TILE):
            e2 = x[k] * x[k]
            a += e2
            b += e2 * e2
        out2[w] = a
        out4[w] = b


@numba.njit(parallel=True, fastmath=False, cache=True, error_model="numpy")
def run_noisy(lam, {state_arrays}, sig, groups, tile_group, p, q, k0, k1, nsteps, block, chunk, limit, tiny, rec, s2, s4):
    n = lam.size
    nblocks = (n + block - 1) // block
    nchunks = s2.shape[0]
    per = chunk // block
    nrec = rec.size
{unpack_params}
    for c in numba.prange(nchunks):
        prefer_wide_vectors()
{alloc}
        t2 = np.empty(block // TILE)
        t4 = np.empty(block // TILE)
        for b in range(c * per, min(nblocks, (c + 1) * per)):
            lo = b * block
            hi = min(n, lo + block)
            m = hi - lo
            mt = (m + TILE - 1) // TILE * TILE
{block_draws}
{block_views}
            lb = lam[lo:hi]
            gb = groups[lo:hi]
{sig_view}
            frozen = False
            ri = 0
            for t in range(nsteps):
                tt = t + 1
                here = ri < nrec and rec[ri] == tt
                if frozen:
                    if here:
                        for i in range(m):
                            s2[c, ri, gb[i]] = np.inf
                            s4[c, ri, gb[i]] = np.inf
                        ri += 1
                    continue
{unpack_scalars}
{step_loop}                if here:
                    _tile_sums(S0b, m // TILE, t2, t4)
                    for w in range(mt // TILE):
                        g = tile_group[lo // TILE + w]
                        base = w * TILE
                        if g >= 0:  # a whole tile of one group
                            s2[c, ri, g] += t2[w]
                            s4[c, ri, g] += t4[w]
                        else:
                            for i in range(base, min(base + TILE, m)):
                                x = S0b[i]
                                e2 = x * x
                                s2[c, ri, gb[i]] += e2
                                s4[c, ri, gb[i]] += e2 * e2
                    ri += 1
                if bad:
                    frozen = True
"""


#: per distribution: (imports, the draw buffer of a chunk, its view for one block, one step of a block: draw, update)
_DRAWS = {
    # the block's normals filled (vectorised), then the element loop reads them
    "gaussian": ("fill_normals", "        z = np.empty(block)", "            zb = z[:mt]", """\
                fill_normals(k0, k1, np.uint64(tt), lo, zb)
                bad = 0
                for i in range(m):
                    {new_names} = _element({element_state}, lb[i], {sig_elem}, zb[i], {element_params}tt)
{flush}
                    bad += abs(n0) > limit
"""),
    # the block's Philox words filled (one call per 128 directions), the sign of each direction made from its bit
    # inside the element loop (no buffer of draws; the inner loop over the 32 bits of a word vectorises)
    "rademacher": ("fill_sign_words, sign_bit", "        zw = np.empty(block // 32, dtype=np.uint64)",
                   "            zwb = zw[:mt // 32]", """\
                fill_sign_words(k0, k1, np.uint64(tt), lo, zwb)
                bad = 0
                for g in range(m // 32):  # whole words: a loop of constant length 32, vectorised
                    word = zwb[g]
                    for b in range(32):
                        i = 32 * g + b
                        {new_names} = _element({element_state}, lb[i], {sig_elem}, sign_bit(word, np.uint64(b)), {element_params}tt)
{flush}
                        bad += abs(n0) > limit
                for i in range(m // 32 * 32, m):  # the directions of a last, partial word
                    {new_names} = _element({element_state}, lb[i], {sig_elem}, sign_bit(zwb[m // 32], np.uint64(i % 32)), {element_params}tt)
{flush_tail}
                    bad += abs(n0) > limit
"""),
}


def _generator_digest() -> str:
    """A hash of numerics/random.py: numba's cache does not see a change in a called module, the file name does."""
    return hashlib.sha256(Path(rng.__file__).read_bytes()).hexdigest()[:16]


def _noisy_statements(method: Method, target: str) -> tuple[object, list[str]]:
    code = trace_method(method)
    lines = code.statements(target)
    prefix = "const REAL " if target == "c" else ""
    gradient = prefix + _GRADIENT_LINE
    if lines.count(gradient) != 1:  # pragma: no cover - the trace's gradient line is fixed
        raise RuntimeError("numerics.kernels.trace no longer prints the gradient as 'G = lam * Y'")
    lines[lines.index(gradient)] = prefix + _NOISY_GRADIENT
    return code, lines


def _distribution(dist: str) -> str:
    if dist not in rng.FILLS:
        raise v.ParameterError("dist", f"one of {', '.join(rng.FILLS)}", dist)
    return dist


def noisy_kernel_source(method: Method, per_direction_noise: bool = False, dist: str = "gaussian") -> str:
    """The numba module text of ``method``'s noisy fused kernel (``run_noisy`` and ``run_noisy_serial``) drawing
    the standardised noise Z of distribution ``dist`` (``gaussian``: :func:`numerics.random.fill_normals`;
    ``rademacher``: :func:`numerics.random.fill_signs`)."""
    imports, alloc, block_draws, step_loop = _DRAWS[_distribution(dist)]
    code, lines = _noisy_statements(method, "python")
    ns, npar, nq = code.n_state, code.n_params, code.n_scalars
    st = [f"S{k}" for k in range(ns)]
    pa = [f"P{k}" for k in range(npar)] + [f"Q{k}" for k in range(nq)]
    nn = [f"n{k}" for k in range(ns)]
    copies = code.copies()

    def flush_lines(pad: str) -> str:
        return "\n".join((f"{pad}if abs({x}) < tiny:\n{pad}    {x} = {x} * 0\n"
                          if k not in copies else "") + f"{pad}S{k}b[i] = {x}" for k, x in enumerate(nn))
    text = _TEMPLATE.replace("{alloc}", alloc).replace("{block_draws}", block_draws).replace(
        "{step_loop}", step_loop).format(
        key=method.key, generator=_generator_digest(), dist=dist, imports=imports, tile=rng.TILE,
        state_args=", ".join(st), param_args="".join(f"{x}, " for x in pa),
        body="\n".join(f"    {line}" for line in lines),
        new_tuple=", ".join(f"N{k}" for k in range(ns)) + ("," if ns == 1 else ""),
        state_arrays=", ".join(st),
        unpack_params="\n".join(f"    P{k} = p[{k}]" for k in range(npar)) or "    pass",
        block_views="\n".join(f"            S{k}b = S{k}[lo:hi]" for k in range(ns)),
        sig_view="            sb = sig[lo:hi]" if per_direction_noise else "            s0 = sig[0]",
        sig_elem="sb[i]" if per_direction_noise else "s0",
        unpack_scalars="\n".join(f"                Q{k} = q[t, {k}]" for k in range(nq)) or "                pass",
        new_names=", ".join(nn) + ("," if ns == 1 else ""),
        element_state=", ".join(f"S{k}b[i]" for k in range(ns)),
        element_params="".join(f"{x}, " for x in pa),
        flush=flush_lines(" " * (24 if dist == "rademacher" else 20)), flush_tail=flush_lines(" " * 20),
    )
    head, loop = text.split("@numba.njit(parallel=True, ", 1)
    serial = "@numba.njit(parallel=False, " + loop.replace("def run_noisy(", "def run_noisy_serial(", 1)
    return head + "@numba.njit(parallel=True, " + loop + "\n\n" + serial


_KERNELS: dict = {}


def _kernel(method: Method, per_direction_noise: bool, serial: bool, dist: str = "gaussian"):
    text = noisy_kernel_source(method, per_direction_noise, dist)
    if text not in _KERNELS:
        module = load_generated(method, text, "rc_noisy")
        _KERNELS[text] = (module.run_noisy, module.run_noisy_serial)
    return _KERNELS[text][1 if serial else 0]


def _rule(method, params) -> Rule:
    from ..methods import form, rule_of

    if isinstance(method, Rule):
        return method
    value = form(method) if isinstance(method, str) else method
    if not isinstance(value, Method):
        raise v.ParameterError("method", "a Method value or a built-in method name", type(method).__name__)
    return rule_of(value, {} if params is None else params)


def checked_inputs(method, params, eigenvalues, e0, noise_std, steps, seed, record_steps, groups, dist):
    """The checked arguments of a noisy kernel run (this module's and :mod:`numerics.kernels.noisy_cuda`'s):
    (rule, dist, λ, e0, σ as a 1-D array of 1 or d values, steps, recorded steps, group labels); ParameterError
    naming the argument otherwise."""
    rule = _rule(method, params)
    dist = _distribution(dist)
    lam = v.eigenvalue_array(eigenvalues)
    d = lam.size
    e0 = v.real_array("e0", e0)
    if e0.shape != lam.shape:
        raise v.ParameterError("e0", f"an array of shape ({d},)", e0.shape)
    if np.any(np.abs(e0) > DIVERGENCE_LIMIT):
        raise v.ParameterError("e0", f"entries of magnitude <= {DIVERGENCE_LIMIT:g} (e^4 must be finite)",
                               float(np.max(np.abs(e0))))
    sig = np.atleast_1d(v.real_array("noise_std", noise_std)) if np.ndim(noise_std) else \
        np.array([v.finite("noise_std", noise_std)])
    if sig.ndim != 1 or sig.size not in (1, d) or np.any(sig < 0):
        raise v.ParameterError("noise_std", f"a number >= 0 or {d} numbers >= 0 (one per direction)",
                               noise_std if np.ndim(noise_std) == 0 else f"{sig.size} values, min {sig.min():g}")
    steps = v.integer("steps", steps, 0)
    rng.seed_key(seed)  # ParameterError 'seed' outside [0, 2**64)
    return rule, dist, lam, e0, sig, steps, _record_steps(record_steps, steps), _groups(groups, d)


def noisy_moments(method, params, eigenvalues, e0, noise_std, steps, seed, record_steps, groups, *,
                  block: int | None = None, dist: str = "gaussian") -> NoisyMoments:
    r"""Run ``method`` with noisy gradients on the diagonal quadratic and return per-group moments of e.

    ``method``: a :class:`~numerics.protocol.Method` value (or a built-in method name) with ``params``;
    ``eigenvalues`` λ [d] (> 0); ``e0`` the initial error x₀ − x* [d]; ``noise_std`` σ ≥ 0, one number or
    one per direction [d]; ``steps`` T ≥ 0; ``seed`` in [0, 2⁶⁴) (the Philox key); ``record_steps`` strictly
    increasing integers in 0..T; ``groups`` integer labels 0..G−1 [d] (G = max + 1).  The gradient at step t
    is :math:`\lambda_i y_i + \sigma_i \xi(\text{seed}, t, i)` at the method's gradient point y.
    ``block``: elements per block (a multiple of 64 dividing :data:`CHUNK`; results do not depend on it).
    ``dist``: the law of :math:`\xi` — ``gaussian`` (N(0, 1), :func:`numerics.random.standard_normals`) or
    ``rademacher`` (±1, :func:`numerics.random.rademacher_signs`).
    The run stops at the last recorded step (nothing later is observed).
    """
    rule, dist, lam, e0, sig, steps, rec, grp = checked_inputs(method, params, eigenvalues, e0, noise_std, steps, seed,
                                                               record_steps, groups, dist)
    d = lam.size
    k0, k1 = rng.seed_key(seed)
    ngroups = int(grp.max()) + 1
    v.check_memory("groups", ngroups, 4, got=f"labels up to {ngroups - 1}")  # counts and the step-0 sums
    blk = DEFAULT_BLOCK if block is None else v.integer("block", block, 1)
    if blk % rng.TILE or CHUNK % blk:
        raise v.ParameterError("block", f"a multiple of {rng.TILE} dividing {CHUNK}", block)

    count = np.bincount(grp, minlength=ngroups).astype(np.int64)
    nchunks = -(-d // CHUNK)
    later = rec[rec > 0]
    v.check_memory("record_steps", later.size * ngroups, 2 * nchunks, got=rec.size)
    v.check_memory("eigenvalues", d, len(rule.form.state) + 4)
    s2 = np.zeros((nchunks, later.size, ngroups))
    s4 = np.zeros((nchunks, later.size, ngroups))
    state = rule.init(e0.copy())
    if steps and later.size:
        q = _scalar_table(rule, int(later[-1]))
        kernel = _kernel(rule.form, sig.size > 1, serial=nchunks == 1, dist=dist)
        p = np.asarray(rule.p, dtype=np.float64) if rule.p else np.zeros(1)
        kernel(lam, *state, sig, grp, _tile_groups(grp), p, q, np.uint64(k0), np.uint64(k1), int(later[-1]), blk, CHUNK,
               DIVERGENCE_LIMIT, float(np.finfo(np.float64).tiny), later, s2, s4)
    sum_e2 = s2.sum(axis=0)
    sum_e4 = s4.sum(axis=0)
    if rec.size and rec[0] == 0:
        first2, first4 = _initial_sums(e0, grp, ngroups)
        sum_e2 = np.vstack([first2, sum_e2])
        sum_e4 = np.vstack([first4, sum_e4])
    return NoisyMoments(rec, count, sum_e2, sum_e4)


def _initial_sums(e0: np.ndarray, grp: np.ndarray, ngroups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-group sums of e0² and e0⁴ (step 0), in slices of :data:`CHUNK` so that no temporary of the size of the
    problem is made (at d = 10⁷ three 80 MB temporaries cost more than the kernel's record of one step)."""
    s2 = np.zeros(ngroups)
    s4 = np.zeros(ngroups)
    for lo in range(0, e0.size, CHUNK):
        w2 = e0[lo:lo + CHUNK] * e0[lo:lo + CHUNK]
        g = grp[lo:lo + CHUNK]
        s2 += np.bincount(g, weights=w2, minlength=ngroups)
        s4 += np.bincount(g, weights=w2 * w2, minlength=ngroups)
    return s2, s4


def _record_steps(record_steps, steps: int) -> np.ndarray:
    try:
        raw = np.asarray(record_steps)
    except (TypeError, ValueError):
        raw = np.array([None])
    ok = raw.ndim == 1 and raw.size > 0 and raw.dtype.kind in "iu"
    if ok:
        rec = raw.astype(np.int64)
        ok = bool(rec[0] >= 0 and rec[-1] <= steps and np.all(np.diff(rec) > 0))
    if not ok:
        raise v.ParameterError("record_steps", f"strictly increasing integers in [0, {steps}]", record_steps)
    return rec


def _groups(groups, d: int) -> np.ndarray:
    raw = np.asarray(groups)
    if raw.shape != (d,) or raw.dtype.kind not in "iu" or (d and raw.min() < 0):
        raise v.ParameterError("groups", f"{d} integer labels >= 0 (one per direction)",
                               f"shape {raw.shape}, dtype {raw.dtype}")
    return np.ascontiguousarray(raw, dtype=np.int64)


def _tile_groups(grp: np.ndarray) -> np.ndarray:
    """Per tile of 64 directions: its group when all 64 members share one, else -1 (a partial last tile: -1)."""
    full = grp.size // rng.TILE
    tiles = grp[: full * rng.TILE].reshape(full, rng.TILE)
    same = np.all(tiles == tiles[:, :1], axis=1)
    out = np.full(-(-grp.size // rng.TILE), -1, dtype=np.int64)
    out[:full] = np.where(same, tiles[:, 0], -1)
    return out


def _scalar_table(rule: Rule, steps: int) -> np.ndarray:
    """Per-step scalars of steps 1..T (one row per step), evaluated on the host as the noise-free kernel does."""
    m = rule.form
    q = np.zeros((steps, len(m.scalar_names)))
    if m.scalars is not None:
        for k in range(steps):
            sp = m.step_params(rule.params, k + 1)
            q[k] = [float(sp[name]) for name in m.scalar_names]
    return q


# ---------------------------------------------------------------------------------------------------------
# CUDA
_CUDA_GENERATOR = r'''
// numerics.random on the device: Philox4x32-10 and Box-Muller with musl's log/sin/cos kernels (the same
// operations as the numba and NumPy paths; compile with --fmad=false so that no product is contracted)
__device__ __forceinline__ void rc_philox4x32(unsigned int c[4], unsigned int k0, unsigned int k1) {
#pragma unroll
    for (int r = 0; r < 10; ++r) {
        const unsigned int h0 = __umulhi(0xD2511F53u, c[0]), l0 = 0xD2511F53u * c[0];
        const unsigned int h1 = __umulhi(0xCD9E8D57u, c[2]), l1 = 0xCD9E8D57u * c[2];
        const unsigned int n0 = h1 ^ c[1] ^ k0, n2 = h0 ^ c[3] ^ k1;
        c[0] = n0; c[1] = l1; c[2] = n2; c[3] = l0;
        k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
    }
}

__device__ __forceinline__ double rc_log_unit(double u) {
    const unsigned long long ix = (unsigned long long)__double_as_longlong(u);
    unsigned long long hx = (ix >> 32) + HX_SHIFTull;
    const double dk = (double)(hx >> 20) - 1023.0;
    hx = (hx & 0xFFFFFull) + SQRT2_2_HIull;
    const double x = __longlong_as_double((long long)((hx << 32) | (ix & 0xFFFFFFFFull)));
    const double f = x - 1.0;
    const double hfsq = (0.5 * f) * f;
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double w = z * z;
    const double t1 = w * (LG2 + w * (LG4 + w * LG6));
    const double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    const double r = t2 + t1;
    return ((((s * (hfsq + r)) + dk * LN2_LO) - hfsq) + f) + dk * LN2_HI;
}

__device__ __forceinline__ void rc_box_muller(unsigned int xr, unsigned int xa, double* za, double* zb) {
    const double u = __longlong_as_double((long long)(ONE_BITSull | ((unsigned long long)xr << 20))) - U_OFFSET;
    const double rad = sqrt(-2.0 * rc_log_unit(u));
    const double w = __longlong_as_double((long long)(ONE_BITSull | ((unsigned long long)(xa & 0x1FFFFFFFu) << 23)))
                     - W_OFFSET;
    const double a = PI_4 * w;
    const double z = a * a;
    const double ww = z * z;
    const double rs = S2 + z * (S3 + z * S4) + (z * ww) * (S5 + z * S6);
    const double s = a + (z * a) * (S1 + z * rs);
    const double rc = z * (C1 + z * (C2 + z * C3)) + (ww * ww) * (C4 + z * (C5 + z * C6));
    const double hz = 0.5 * z;
    const double wc = 1.0 - hz;
    const double c = wc + (((1.0 - wc) - hz) + z * rc);
    double cc = (xa >> 31) ? s : c;
    double ss = (xa >> 31) ? c : s;
    if ((xa >> 30) & 1u) cc = -cc;
    if ((xa >> 29) & 1u) ss = -ss;
    *za = rad * cc;
    *zb = rad * ss;
}

// the four normals of Philox call j at step t (counter (j lo, j hi, t lo, t hi), key (k0, k1))
__device__ __forceinline__ void rc_normals4(unsigned long long j, unsigned long long t, unsigned int k0,
                                            unsigned int k1, double z[4]) {
    unsigned int c[4] = {(unsigned int)j, (unsigned int)(j >> 32), (unsigned int)t, (unsigned int)(t >> 32)};
    rc_philox4x32(c, k0, k1);
    rc_box_muller(c[0], c[1], &z[0], &z[1]);
    rc_box_muller(c[2], c[3], &z[2], &z[3]);
}

// the Rademacher signs of Philox call j at step t for thread `lane` (0..31) of the warp that serves the call:
// z[k] = +1 or -1 from bit `lane` of word k, the sign of directions 128 j + 32 k + lane (numerics.random)
__device__ __forceinline__ void rc_signs4(unsigned long long j, unsigned long long t, unsigned int k0,
                                          unsigned int k1, unsigned int lane, double z[4]) {
    unsigned int c[4] = {(unsigned int)j, (unsigned int)(j >> 32), (unsigned int)t, (unsigned int)(t >> 32)};
    rc_philox4x32(c, k0, k1);
    for (int k = 0; k < 4; ++k)
        z[k] = __longlong_as_double((long long)(ONE_BITSull | ((unsigned long long)((c[k] >> lane) & 1u) << 63)));
}
'''

_CUDA_KERNEL = r'''
// THREAD_LAYOUT
extern "C" __global__ void run_noisy(
    const REAL* __restrict__ lam, STATE_PARAMS
    const double* __restrict__ sig, const long long* __restrict__ groups,
    const double* __restrict__ params, const double* __restrict__ scalars,
    const unsigned int k0, const unsigned int k1, const long long n, const long long nsteps,
    const long long* __restrict__ rec, const long long nrec, const long long ngroups, const int sig_per_direction,
    const double limit, double* __restrict__ s2, double* __restrict__ s4)
{
    const long long call = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long tile = call / LANES, lane = call % LANES;
PARAM_DECLS
    REAL STATE_REGS lv[4], sv[4];
    long long gi[4];
    bool on[4];
#pragma unroll
    for (int k = 0; k < 4; ++k) {
        const long long i = tile * SPAN + lane + LANES * k;
        on[k] = i < n;
STATE_LOADS
        lv[k] = on[k] ? lam[i] : (REAL)0;
        sv[k] = on[k] ? (REAL)sig[sig_per_direction ? i : 0] : (REAL)0;
        gi[k] = on[k] ? groups[i] : 0;
    }
    if (tile * SPAN >= n) return;
    bool frozen = false;
    long long ri = 0;
    for (long long t_ = 0; t_ < nsteps; ++t_) {
        const long long tt = t_ + 1;
        const bool here = ri < nrec && rec[ri] == tt;
        bool over = false;
        if (!frozen) {
            double zn[4];
            DRAW4;
            const double t = (double)tt;
SCALAR_DECLS
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                const REAL lam = lv[k];
                const REAL sig = sv[k];
                const REAL Z = (REAL)zn[k];
STATE_READS
ELEMENT_CODE
                if (on[k]) { STATE_WRITES }
                if (on[k] && fabs((double)N0) > limit) over = true;
            }
        }
        if (here) {
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                if (!on[k]) continue;
                const double x = (double)r0[k];
                const double e2 = frozen ? CUDART_INF : x * x;
                atomicAdd(&s2[ri * ngroups + gi[k]], e2);
                atomicAdd(&s4[ri * ngroups + gi[k]], frozen ? CUDART_INF : e2 * e2);
            }
            ++ri;
        }
        if (over) frozen = true;  // as on the CPU: this step is recorded, the later ones are +inf
    }
#pragma unroll
    for (int k = 0; k < 4; ++k) {
        const long long i = tile * SPAN + lane + LANES * k;
        if (on[k]) { STATE_STORES }
    }
}
'''


def _cuda_constants() -> str:
    def f(x: float) -> str:
        return f"{float(x).hex()}"  # hexadecimal floating literals: exact in C99/C++17 and NVRTC

    consts = {"U_OFFSET": rng._U_OFFSET, "W_OFFSET": rng._W_OFFSET, "PI_4": rng._PI_4,
              "LN2_HI": rng._LN2_HI, "LN2_LO": rng._LN2_LO, "LG1": rng._LG1, "LG2": rng._LG2, "LG3": rng._LG3,
              "LG4": rng._LG4, "LG5": rng._LG5, "LG6": rng._LG6, "LG7": rng._LG7,
              "S1": rng._S1, "S2": rng._S2, "S3": rng._S3, "S4": rng._S4, "S5": rng._S5, "S6": rng._S6,
              "C1": rng._C1, "C2": rng._C2, "C3": rng._C3, "C4": rng._C4, "C5": rng._C5, "C6": rng._C6}
    lines = [f"#define {k} ({f(x)})" for k, x in consts.items()]
    lines += [f"#define HX_SHIFTull {int(rng._HX_SHIFT):#x}ull", f"#define SQRT2_2_HIull {int(rng._SQRT2_2_HI):#x}ull",
              f"#define ONE_BITSull {int(rng._ONE_BITS):#x}ull", "#define CUDART_INF (__longlong_as_double(0x7ff0000000000000ll))"]
    return "\n".join(lines)


def noisy_cuda_generator_source() -> str:
    """The device functions of the generator (constants and ``rc_normals4``), without a kernel."""
    return _cuda_constants() + "\n" + _CUDA_GENERATOR


#: per distribution: the thread layout's comment, directions per group of threads (SPAN), threads per group
#: (LANES; thread (tile, lane) takes directions SPAN*tile + lane + LANES*k, k = 0..3) and the draw of the four
_CUDA_LAYOUT = {
    "gaussian": ("one thread = one Philox call = the four directions 64*tile + lane + 16k (k = 0..3) of one tile",
                 64, 16, "rc_normals4((unsigned long long)call, (unsigned long long)tt, k0, k1, zn)"),
    "rademacher": ("one warp of 32 threads = one Philox call (call = tile) = 128 directions; thread lane takes "
                   "128*tile + lane + 32k (k = 0..3),\n// the bit lane of word k (every thread of the warp evaluates "
                   "the same call: one Philox per warp in SIMT)", 128, 32,
                   "rc_signs4((unsigned long long)tile, (unsigned long long)tt, k0, k1, (unsigned int)lane, zn)"),
}


def noisy_cuda_source(method: Method, dist: str = "gaussian") -> str:
    """The CUDA C source of ``method``'s noisy fused kernel (float64), from its traced update.

    ``dist="gaussian"``: launch with ``ceil(d / 64) * 16`` threads in all (one per Philox call);
    ``dist="rademacher"``: ``ceil(d / 128) * 32`` threads (one warp per Philox call).  Compile with
    ``--fmad=false``."""
    comment, span, lanes, draw = _CUDA_LAYOUT[_distribution(dist)]
    code, lines = _noisy_statements(method, "c")
    ns = code.n_state
    decls = "\n".join(f"    const REAL P{k} = (REAL)params[{k}];" for k in range(code.n_params))
    scal = "\n".join(f"            const REAL Q{k} = (REAL)scalars[t_ * {code.n_scalars} + {k}];"
                     for k in range(code.n_scalars))
    body = (_CUDA_KERNEL
            .replace("STATE_PARAMS", " ".join(f"REAL* __restrict__ st{k}," for k in range(ns)))
            .replace("STATE_REGS", " ".join(f"r{k}[4]," for k in range(ns)))
            .replace("STATE_LOADS", "\n".join(f"        r{k}[k] = on[k] ? st{k}[i] : (REAL)0;" for k in range(ns)))
            .replace("STATE_READS", "\n".join(f"                const REAL S{k} = r{k}[k];" for k in range(ns)))
            .replace("ELEMENT_CODE", "\n".join(f"                {line};" for line in lines))
            .replace("STATE_WRITES", " ".join(f"r{k}[k] = N{k};" for k in range(ns)))
            .replace("STATE_STORES", " ".join(f"st{k}[i] = r{k}[k];" for k in range(ns)))
            .replace("SCALAR_DECLS", scal)
            .replace("PARAM_DECLS", decls)
            .replace("THREAD_LAYOUT", comment)
            .replace("DRAW4", draw)
            .replace("SPAN", str(span))
            .replace("LANES", str(lanes)))
    # the generator's constants (S1.., C1.., LG1..) are macros: undefine them before the element code, whose state
    # names S0, S1, ... they would otherwise replace (found by tests/test_cuda_host_emulation.py: no method with two
    # or more state arrays compiled)
    undef = "".join(f"#undef {name}\n" for name in re.findall(r"^#define (\w+)", _cuda_constants(), flags=re.M)
                    if name != "CUDART_INF")
    return "#define REAL double\n" + noisy_cuda_generator_source() + undef + body
