r"""Counter-based noise: Philox4x32-10 with Box–Muller (Gaussian) or one bit per draw (Rademacher), the same
streams in numba, NumPy and CUDA.

The noise of a noisy-gradient run is a pure function :math:`\xi(\text{seed}, t, i)` of the seed, the step
:math:`t = 1, 2, \dots` being taken and the direction index :math:`i = 0, \dots, d-1` — no generator state —
so a fused kernel can draw it inside the element loop, and the draws do not depend on how the directions
are cut into blocks, how blocks are given to threads, or which machine runs them.

**Generator.** Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3",
SC'11; the Random123 library): a 128-bit counter :math:`(c_0, c_1, c_2, c_3)` and a 64-bit key
:math:`(k_0, k_1)` of 32-bit words; ten rounds, each

.. math::

    (h_0, l_0) = M_0 c_0, \quad (h_1, l_1) = M_1 c_2, \quad
    (c_0, c_1, c_2, c_3) \leftarrow (h_1 \oplus c_1 \oplus k_0,\; l_1,\; h_0 \oplus c_3 \oplus k_1,\; l_0),

with :math:`M_0 = \mathtt{0xD2511F53}`, :math:`M_1 = \mathtt{0xCD9E8D57}` (``hi``/``lo`` the halves of the
64-bit product) and the key bumped by :math:`W = (\mathtt{0x9E3779B9}, \mathtt{0xBB67AE85})` between rounds
(mod :math:`2^{32}`).  :func:`philox_reference` is the same function in Python integers for any width; it
reproduces Random123's published known-answer vectors (``kat_vectors``, width 32 and 64) and, at width 64,
NumPy's ``numpy.random.Philox`` (``numpy/random/src/philox/philox.h``: it increments the counter *before*
each block, so its first four raw outputs from counter c are Philox(c + 1)); ``tests/test_random.py``
checks all three, and the 32-bit stream against ``randomgen.Philox(number=4, width=32)`` where installed.

**Why not a library's generator inside the kernels.**  The algorithm is a library's (Random123's Philox4x32-10,
the generator cuRAND's ``curandStatePhilox4_32_10_t`` and NumPy's ``numpy.random.Philox`` implement), and it is
checked against both references below; the code is ratecheck's because no library generator runs inside all three
paths with the same bits: numba's ``np.random`` in a kernel is its own MT19937 with one state per thread
(thread-local, independent of NumPy's: numba/numba#3249), so a draw would depend on which thread took the block;
NumPy's Philox is a host bit generator that a numba kernel cannot call; cuRAND's device API (``curand_init``,
``curand4``, ``curand_normal2_double``, whose Box–Muller ``_curand_box_muller_double`` in ``curand_normal.h`` takes
``sqrt(-2.0 * log(u))`` and ``sin(v)``, ``cos(v)`` of the device's math library) exists only in CUDA code and its normals are not the bits of any CPU transform.  Writing the
counter-to-normal function once as IEEE arithmetic keeps a run's draws a pure function of (seed, t, i) on the CPU,
in NumPy and in the CUDA source alike.

**Counter and key.** key = (seed mod :math:`2^{32}`, seed div :math:`2^{32}`) for a seed in
:math:`[0, 2^{64})`; counter = (J mod :math:`2^{32}`, J div :math:`2^{32}`, t mod :math:`2^{32}`,
t div :math:`2^{32}`) for call number J at step t.  Directions are taken in tiles of :data:`TILE` = 64:
call :math:`J = 16\lfloor i/64\rfloor + (i \bmod 16)` serves the four directions
:math:`64\lfloor i/64\rfloor + (i \bmod 16) + 16k`, k = 0..3, and direction i receives normal
:math:`k = \lfloor (i \bmod 64)/16 \rfloor` of that call (so a vector loop over 16 lanes writes four
contiguous runs; every output of every call is used).

**Normals (Box–Muller, both outputs).** Each call's words :math:`(x_0, x_1)` give normals 0 and 1,
:math:`(x_2, x_3)` normals 2 and 3:

* radius :math:`r = \sqrt{-2\ln u}` with :math:`u = (x_0 + \tfrac12)\,2^{-32} \in (0, 1)` (exact in
  float64; so :math:`|z| \le \sqrt{2 \cdot 33 \ln 2} \approx 6.77`: the tail beyond 6.77σ, probability
  1.3·10⁻¹¹, is not drawn, and :math:`u` is quantised to :math:`2^{-32}`);
* angle: the low 29 bits m of :math:`x_1` give :math:`a = \tfrac{\pi}{4}(m + \tfrac12)2^{-29} \in (0, \tfrac{\pi}{4})`,
  its top three bits an element of the symmetry group of the square (swap cos/sin, negate cos, negate sin), so
  the angle is uniform on the :math:`2^{32}` points :math:`2\pi(j + \tfrac12)2^{-32}` and no argument
  reduction is needed;
* :math:`(z_0, z_1) = (r\cos\theta, r\sin\theta)`.

The transcendental functions are written out as IEEE arithmetic (no libm call), so that the numba kernel
(compiled without fastmath: no FMA contraction, no reassociation), the vectorised NumPy path and the CUDA
source (``--fmad=false``) round every operation alike and produce **bit-identical** normals:
:math:`\ln` is musl's ``log.c`` (before 2018; FreeBSD ``e_log.c``, Sun fdlibm 1993: reduction to
:math:`[\sqrt2/2, \sqrt2)`, :math:`s = f/(2+f)`, the degree-14 polynomial Lg1..Lg7), :math:`\sin` and
:math:`\cos` on :math:`[0, \pi/4]` musl's ``__sin.c``/``__cos.c`` (fdlibm ``k_sin.c``/``k_cos.c`` with tail
y = 0).  Each is within 1 ulp of the correctly rounded value (``tests/test_random.py`` measures it against
``math.log``/``math.sin``/``math.cos``).

**Rademacher signs** (:func:`rademacher_signs`, :func:`fill_signs`; ``dist=rademacher`` of
:mod:`numerics.noise`): :math:`\zeta(\text{seed}, t, i) = \pm 1` with probability 1/2 each, one bit of a Philox
word per draw, so one Philox4x32-10 call gives :data:`SIGN_CALL` = 128 draws.  Same key and counter convention
as above (key = the seed's two words, counter = (call J, step t)); the layout is the plain one:

* direction i uses call :math:`J = \lfloor i/128\rfloor`, word :math:`k = \lfloor i/32\rfloor \bmod 4` of its
  output :math:`(x_0, x_1, x_2, x_3)` and bit :math:`b = i \bmod 32` of that word (bit 0 the least significant);
* :math:`\zeta = +1` if the bit is 0 and :math:`-1` if it is 1, built as the float64 whose bits are those of 1.0
  with the bit in the sign position (exactly :math:`\pm 1`: no rounding anywhere, so the three copies agree by
  construction, and :math:`s\,\zeta = \pm s` exactly).

The fused kernel (:mod:`numerics.kernels.noisy`, ``dist="rademacher"``) stores no draws: per step a block gets its
Philox words (:func:`fill_sign_words`, one scalar call per 128 directions) and the element loop makes each sign
from its bit (:func:`sign_bit`: shift, and, shift, or, bit cast), 32 directions per word in a loop of constant
length 32 that LLVM vectorises (the shift amount is the loop index). On the GPU
(:func:`numerics.kernels.noisy.noisy_cuda_source` with ``dist="rademacher"``) a warp's 32 threads take the 128
directions of one call (thread ``lane`` the directions :math:`128J + 32k + \text{lane}`, k = 0..3): every thread of
the warp evaluates the same call, which in SIMT costs the warp one Philox per 128 directions. A block of directions
starting at a multiple of :data:`TILE` = 64 holds whole words, so the kernels' blocks (multiples of 64) need no
change. The Rademacher and Gaussian streams of one seed use the same Philox words (the counters coincide), so they
are not independent of each other; a run draws from one of them.
"""
from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from . import validation as v

__all__ = ["TILE", "SIGN_CALL", "STREAMS", "FILLS", "rademacher_signs", "fill_signs", "fill_sign_words", "sign_bit",
           "signs_of_words",
           "philox_reference", "philox4x32", "philox4x32_numpy", "seed_key", "standard_normals",
           "normals4", "fill_normals", "prefer_wide_vectors", "log_unit", "sincos_octant", "log_unit_numpy", "sincos_octant_numpy",
           "PHILOX_CONSTANTS"]

#: directions per tile: call J = 16*(i // 64) + i % 16 serves directions 64*(i // 64) + i % 16 + 16k, k = 0..3
TILE = 64
LANES = TILE // 4
#: Rademacher draws per Philox call (4 words of 32 bits): direction i uses bit i % 32 of word (i // 32) % 4 of call i // 128
SIGN_CALL = 128

#: Philox multipliers and Weyl key increments (Salmon et al. 2011, Table 2; Random123 philox.h), per width
PHILOX_CONSTANTS = {
    32: {"M": (0xD2511F53, 0xCD9E8D57), "W": (0x9E3779B9, 0xBB67AE85)},
    64: {"M": (0xD2E7470EE14C6C93, 0xCA5A826395121157), "W": (0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B)},
}
ROUNDS = 10


def philox_reference(counter, key, width: int = 32, rounds: int = ROUNDS) -> tuple[int, int, int, int]:
    r"""Philox4x\ ``width``-``rounds`` of one counter (4 words) and key (2 words), in Python integers.

    The specification as Random123's ``philox.h`` writes it (round, then key bump before every later round);
    the test reference for the array versions below, not used by them."""
    c = [int(w) for w in counter]
    k = [int(w) for w in key]
    mask = (1 << width) - 1
    m0, m1 = PHILOX_CONSTANTS[width]["M"]
    w0, w1 = PHILOX_CONSTANTS[width]["W"]
    for r in range(rounds):
        if r:
            k = [(k[0] + w0) & mask, (k[1] + w1) & mask]
        p0, p1 = m0 * c[0], m1 * c[2]
        c = [(p1 >> width) ^ c[1] ^ k[0], p1 & mask, (p0 >> width) ^ c[3] ^ k[1], p0 & mask]
    return tuple(c)


# ---------------------------------------------------------------------------------------------------------
# constants shared by the numba, NumPy and CUDA paths (one definition; the CUDA source prints these values)
_U32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_M0, _M1 = (np.uint64(c) for c in PHILOX_CONSTANTS[32]["M"])
_W0, _W1 = (np.uint64(c) for c in PHILOX_CONSTANTS[32]["W"])
_ONE_BITS = np.uint64(0x3FF0000000000000)  # bits of 1.0
_U_OFFSET = 1.0 - 2.0 ** -33  # (1 + x 2^-32) - (1 - 2^-33) = (x + 1/2) 2^-32, exact
_W_OFFSET = 1.0 - 2.0 ** -30  # (1 + m 2^-29) - (1 - 2^-30) = (m + 1/2) 2^-29, exact
_LOW29 = np.uint64((1 << 29) - 1)
_PI_4 = float.fromhex("0x1.921fb54442d18p-1")  # pi/4 rounded to float64
# musl log.c / FreeBSD e_log.c (fdlibm): ln 2 split, and the polynomial of log(1+f) = 2 atanh(s)
_LN2_HI = float.fromhex("0x1.62e42fee00000p-1")  # 3fe62e42 fee00000
_LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")  # 3dea39ef 35793c76
_LG1 = float.fromhex("0x1.5555555555593p-1")  # 3FE55555 55555593
_LG2 = float.fromhex("0x1.999999997fa04p-2")  # 3FD99999 9997FA04
_LG3 = float.fromhex("0x1.2492494229359p-2")  # 3FD24924 94229359
_LG4 = float.fromhex("0x1.c71c51d8e78afp-3")  # 3FCC71C5 1D8E78AF
_LG5 = float.fromhex("0x1.7466496cb03dep-3")  # 3FC74664 96CB03DE
_LG6 = float.fromhex("0x1.39a09d078c69fp-3")  # 3FC39A09 D078C69F
_LG7 = float.fromhex("0x1.2f112df3e5244p-3")  # 3FC2F112 DF3E5244
_SQRT2_2_HI = np.uint64(0x3FE6A09E)  # high word of sqrt(2)/2
_HX_SHIFT = np.uint64(0x3FF00000 - 0x3FE6A09E)
_LOW20 = np.uint64(0x000FFFFF)
# musl __sin.c / __cos.c (fdlibm k_sin.c / k_cos.c)
_S1 = float.fromhex("-0x1.5555555555549p-3")  # BFC55555 55555549
_S2 = float.fromhex("0x1.111111110f8a6p-7")  # 3F811111 1110F8A6
_S3 = float.fromhex("-0x1.a01a019c161d5p-13")  # BF2A01A0 19C161D5
_S4 = float.fromhex("0x1.71de357b1fe7dp-19")  # 3EC71DE3 57B1FE7D
_S5 = float.fromhex("-0x1.ae5e68a2b9cebp-26")  # BE5AE5E6 8A2B9CEB
_S6 = float.fromhex("0x1.5d93a5acfd57cp-33")  # 3DE5D93A 5ACFD57C
_C1 = float.fromhex("0x1.555555555554cp-5")  # 3FA55555 5555554C
_C2 = float.fromhex("-0x1.6c16c16c15177p-10")  # BF56C16C 16C15177
_C3 = float.fromhex("0x1.a01a019cb1590p-16")  # 3EFA01A0 19CB1590
_C4 = float.fromhex("-0x1.27e4f809c52adp-22")  # BE927E4F 809C52AD
_C5 = float.fromhex("0x1.1ee9ebdb4b1c4p-29")  # 3E21EE9E BDB4B1C4
_C6 = float.fromhex("-0x1.8fae9be8838d4p-37")  # BDA8FAE9 BE8838D4


# ---------------------------------------------------------------------------------------------------------
# numba: bit casts between float64 and uint64 (an LLVM bitcast; vectorises like any other operation)
@intrinsic
def _f64_bits(typingctx, x):
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.uint64(types.float64), codegen


@intrinsic
def _bits_f64(typingctx, b):
    if b != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.uint64), codegen


@intrinsic
def prefer_wide_vectors(typingctx):
    r"""Mark the calling function with LLVM's ``"prefer-vector-width"="512"`` attribute (numba only).

    LLVM prefers 256-bit vectors on AVX-512 CPUs (its ``prefer-256-bit`` tuning); the generator's loop is
    instruction-bound, and 8 float64 lanes instead of 4 measured 1.36x more normals per second here
    (``benchmarks/noisy.py``).  Arithmetic is unchanged (no fastmath): the vector width does not change any
    rounding.  On a CPU without AVX-512 LLVM clamps the width to what the target has.  llvmlite's
    ``AttributeSet.add`` only admits its list of keyword attributes (``llvmlite/ir/values.py``, class
    ``AttributeSet``: ``add`` checks ``_known``), so the string attribute is added with ``set.add``; ``_to_list``
    prints it into the function's definition as written.  Should a later llvmlite store attributes otherwise,
    the hint is left out (a speed hint only: nothing computed changes)."""
    def codegen(context, builder, signature, args):
        attrs = getattr(builder.function, "attributes", None)
        if isinstance(attrs, set):
            set.add(attrs, '"prefer-vector-width"="512"')
        return context.get_dummy_value()
    return types.none(), codegen


_JIT = {"fastmath": False, "cache": True, "inline": "always", "error_model": "numpy"}


@numba.njit(**_JIT)
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of one counter and key; words are uint64 holding 32-bit values (numba)."""
    for _ in range(ROUNDS):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = (p1 >> _S32) ^ c1 ^ k0, p1 & _U32, (p0 >> _S32) ^ c3 ^ k1, p0 & _U32
        k0 = (k0 + _W0) & _U32
        k1 = (k1 + _W1) & _U32
    return c0, c1, c2, c3


@numba.njit(**_JIT)
def log_unit(u):
    r"""ln u for a float64 u in (0, 1) (musl ``log.c``, normal positive arguments only; numba)."""
    ix = _f64_bits(u)
    hx = (ix >> _S32) + _HX_SHIFT
    dk = np.float64(hx >> np.uint64(20)) - 1023.0
    hx = (hx & _LOW20) + _SQRT2_2_HI
    x = _bits_f64((hx << _S32) | (ix & _U32))
    f = x - 1.0
    hfsq = (0.5 * f) * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    r = t2 + t1
    return ((((s * (hfsq + r)) + dk * _LN2_LO) - hfsq) + f) + dk * _LN2_HI


@numba.njit(**_JIT)
def sincos_octant(a):
    r"""(sin a, cos a) for a in [0, π/4] (musl ``__sin.c``/``__cos.c`` with tail 0; numba)."""
    z = a * a
    w = z * z
    r = _S2 + z * (_S3 + z * _S4) + (z * w) * (_S5 + z * _S6)
    s = a + (z * a) * (_S1 + z * r)
    rc = z * (_C1 + z * (_C2 + z * _C3)) + (w * w) * (_C4 + z * (_C5 + z * _C6))
    hz = 0.5 * z
    wc = 1.0 - hz
    c = wc + (((1.0 - wc) - hz) + z * rc)
    return s, c


@numba.njit(**_JIT)
def _box_muller(xr, xa):
    u = _bits_f64(_ONE_BITS | (xr << np.uint64(20))) - _U_OFFSET
    r = math.sqrt(-2.0 * log_unit(u))
    w = _bits_f64(_ONE_BITS | ((xa & _LOW29) << np.uint64(23))) - _W_OFFSET
    s, c = sincos_octant(_PI_4 * w)
    swap = (xa >> np.uint64(31)) != np.uint64(0)
    cc = s if swap else c
    ss = c if swap else s
    if ((xa >> np.uint64(30)) & np.uint64(1)) != np.uint64(0):
        cc = -cc
    if ((xa >> np.uint64(29)) & np.uint64(1)) != np.uint64(0):
        ss = -ss
    return r * cc, r * ss


@numba.njit(**_JIT)
def normals4(k0, k1, t, j):
    """The four standard normals of Philox call ``j`` at step ``t`` under key (k0, k1) (uint64 arguments)."""
    x0, x1, x2, x3 = philox4x32(j & _U32, j >> _S32, t & _U32, t >> _S32, k0, k1)
    z0, z1 = _box_muller(x0, x1)
    z2, z3 = _box_muller(x2, x3)
    return z0, z1, z2, z3


@numba.njit(fastmath=False, cache=True, error_model="numpy")
def fill_normals(k0, k1, t, first, out):
    r"""``out[n] = ξ(t, first + n)`` for n < out.size, ``first`` a multiple of :data:`TILE` and ``out.size``
    a multiple of :data:`TILE` (whole tiles; the caller ignores the entries past its last direction)."""
    prefer_wide_vectors()
    tile0 = np.uint64(first // TILE)
    for tt in range(out.size // TILE):
        base = tt * TILE
        jbase = (tile0 + np.uint64(tt)) * np.uint64(LANES)
        for lane in range(LANES):
            z0, z1, z2, z3 = normals4(k0, k1, t, jbase + np.uint64(lane))
            out[base + lane] = z0
            out[base + LANES + lane] = z1
            out[base + 2 * LANES + lane] = z2
            out[base + 3 * LANES + lane] = z3


@numba.njit(**_JIT)
def sign_bit(word, b):
    """+1.0 if bit ``b`` of ``word`` is 0, -1.0 if it is 1: the bits of 1.0 with that bit as the sign (numba;
    uint64 arguments)."""
    return _bits_f64(_ONE_BITS | (((word >> b) & np.uint64(1)) << np.uint64(63)))


@numba.njit(**_JIT)
def fill_sign_words(k0, k1, t, first, out):
    r"""``out[g]`` = the Philox word that holds the Rademacher bits of directions ``first + 32g`` ..
    ``first + 32g + 31`` at step ``t`` (word (w mod 4) of call ⌊w/4⌋, w = first/32 + g), for g < out.size;
    ``first`` a multiple of 32.  One Philox call per four words, scalar (one call serves 128 draws)."""
    w0 = first // 32
    nw = out.size
    hi = np.uint64(t >> _S32)
    lo = np.uint64(t & _U32)
    for j in range(w0 // 4, (w0 + nw + 3) // 4):
        jj = np.uint64(j)
        x0, x1, x2, x3 = philox4x32(jj & _U32, jj >> _S32, lo, hi, k0, k1)
        g = 4 * j - w0
        if 0 <= g < nw:
            out[g] = x0
        if 0 <= g + 1 < nw:
            out[g + 1] = x1
        if 0 <= g + 2 < nw:
            out[g + 2] = x2
        if 0 <= g + 3 < nw:
            out[g + 3] = x3


@numba.njit(fastmath=False, cache=True, error_model="numpy")
def fill_signs(k0, k1, t, first, out):
    r"""``out[n] = ζ(t, first + n)`` (Rademacher, module docstring) for n < out.size, ``first`` and ``out.size``
    multiples of 32 (whole words).  The kernels do not store the draws: they take :func:`fill_sign_words` and
    make each sign with :func:`sign_bit` in the element loop; this buffer form is for tests and benchmarks."""
    prefer_wide_vectors()
    words = np.empty(out.size // 32, dtype=np.uint64)
    fill_sign_words(k0, k1, t, first, words)
    for g in range(words.size):
        word = words[g]
        for b in range(32):
            out[32 * g + b] = sign_bit(word, np.uint64(b))


# ---------------------------------------------------------------------------------------------------------
# NumPy: the same operations on arrays (uint64 words holding 32-bit values), in the same order
def philox4x32_numpy(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 on uint64 arrays of 32-bit words (vectorised NumPy; same rounds as :func:`philox4x32`)."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in (c0, c1, c2, c3))
    k0, k1 = np.uint64(k0), np.uint64(k1)
    for _ in range(ROUNDS):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = (p1 >> _S32) ^ c1 ^ k0, p1 & _U32, (p0 >> _S32) ^ c3 ^ k1, p0 & _U32
        k0 = (k0 + _W0) & _U32
        k1 = (k1 + _W1) & _U32
    return c0, c1, c2, c3


def log_unit_numpy(u):
    """:func:`log_unit` on a float64 array (the same operations in the same order)."""
    u = np.asarray(u, dtype=np.float64)
    ix = u.view(np.uint64)
    hx = (ix >> _S32) + _HX_SHIFT
    dk = (hx >> np.uint64(20)).astype(np.float64) - 1023.0
    hx = (hx & _LOW20) + _SQRT2_2_HI
    x = ((hx << _S32) | (ix & _U32)).view(np.float64)
    f = x - 1.0
    hfsq = (0.5 * f) * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    r = t2 + t1
    return ((((s * (hfsq + r)) + dk * _LN2_LO) - hfsq) + f) + dk * _LN2_HI


def sincos_octant_numpy(a):
    """:func:`sincos_octant` on a float64 array."""
    a = np.asarray(a, dtype=np.float64)
    z = a * a
    w = z * z
    r = _S2 + z * (_S3 + z * _S4) + (z * w) * (_S5 + z * _S6)
    s = a + (z * a) * (_S1 + z * r)
    rc = z * (_C1 + z * (_C2 + z * _C3)) + (w * w) * (_C4 + z * (_C5 + z * _C6))
    hz = 0.5 * z
    wc = 1.0 - hz
    c = wc + (((1.0 - wc) - hz) + z * rc)
    return s, c


def _box_muller_numpy(xr, xa):
    u = (_ONE_BITS | (xr << np.uint64(20))).view(np.float64) - _U_OFFSET
    r = np.sqrt(-2.0 * log_unit_numpy(u))
    w = (_ONE_BITS | ((xa & _LOW29) << np.uint64(23))).view(np.float64) - _W_OFFSET
    s, c = sincos_octant_numpy(_PI_4 * w)
    swap = (xa >> np.uint64(31)) != 0
    cc = np.where(swap, s, c)
    ss = np.where(swap, c, s)
    cc = np.where(((xa >> np.uint64(30)) & np.uint64(1)) != 0, -cc, cc)
    ss = np.where(((xa >> np.uint64(29)) & np.uint64(1)) != 0, -ss, ss)
    return r * cc, r * ss


def seed_key(seed) -> tuple[int, int]:
    """The Philox key (k0, k1) of a seed in [0, 2**64): its low and high 32-bit words."""
    s = v.seed("seed", seed)
    if s >= 1 << 64:
        raise v.ParameterError("seed", "an integer in [0, 2**64)", seed)
    return s & 0xFFFFFFFF, s >> 32


def _philox_calls(seed, t, ncalls: int):
    """The four words of Philox calls J = 0..ncalls−1 at step ``t`` under ``seed``'s key (counter (J, t), module
    docstring), as uint64 arrays; ParameterError for a seed or step outside [0, 2**64)."""
    k0, k1 = seed_key(seed)
    t = v.integer("t", t, 0)
    if t >= 1 << 64:
        raise v.ParameterError("t", "an integer in [0, 2**64)", t)
    j = np.arange(ncalls, dtype=np.uint64)
    tt = np.uint64(t)
    return philox4x32_numpy(j & _U32, j >> _S32, np.full_like(j, tt & _U32), np.full_like(j, tt >> _S32), k0, k1)


def standard_normals(seed, t, n: int) -> np.ndarray:
    r"""ξ(seed, t, i) for directions i = 0..n−1 at step t ≥ 0 (vectorised NumPy; the reference path).

    Bit-identical to what the fused kernels draw (:func:`fill_normals`); see the module docstring for the
    counter, key and transform."""
    n = v.integer("n", n, 0)
    ntiles = -(-n // TILE)
    x0, x1, x2, x3 = _philox_calls(seed, t, ntiles * LANES)
    z0, z1 = _box_muller_numpy(x0, x1)
    z2, z3 = _box_muller_numpy(x2, x3)
    # tile-major: for each tile, 16 lanes of normal 0, then normal 1, 2, 3
    z = np.stack([z.reshape(ntiles, LANES) for z in (z0, z1, z2, z3)], axis=1)
    return z.reshape(-1)[:n]


def signs_of_words(words) -> np.ndarray:
    r"""The Rademacher draws of Philox words (uint64 holding 32-bit values, any shape): one more axis of 32, bit
    b = 0..31 of each word as +1.0 (bit 0) or -1.0 (bit 1) — the NumPy copy of :func:`sign_bit`."""
    w = np.asarray(words, dtype=np.uint64)
    bits = (w[..., None] >> np.arange(32, dtype=np.uint64)) & np.uint64(1)
    return (_ONE_BITS | (bits << np.uint64(63))).view(np.float64)


def rademacher_signs(seed, t, n: int) -> np.ndarray:
    r"""ζ(seed, t, i) = ±1 for directions i = 0..n−1 at step t ≥ 0 (vectorised NumPy; the reference path).

    Bit i % 32 of word (i // 32) % 4 of Philox call i // 128 (module docstring); bit-identical to
    :func:`fill_signs`."""
    n = v.integer("n", n, 0)
    x = _philox_calls(seed, t, -(-n // SIGN_CALL))
    return signs_of_words(np.stack(x, axis=1)).reshape(-1)[:n]  # call-major, then word, then bit


#: the NumPy reference stream of each distribution (numerics.noise.DISTRIBUTIONS), by name
STREAMS = {"gaussian": standard_normals, "rademacher": rademacher_signs}
#: the numba buffer-filling function of each distribution (tests and benchmarks; the Rademacher kernel fuses
#: :func:`fill_sign_words` and :func:`sign_bit` instead)
FILLS = {"gaussian": fill_normals, "rademacher": fill_signs}
