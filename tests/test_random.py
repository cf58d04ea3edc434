"""The counter-based generator (numerics.random) against independent implementations and exact statistics.

Independent sources: Random123's known-answer vectors (the ``kat_vectors`` file of the Random123
distribution, D. E. Shaw Research), NumPy's own Philox4x64-10 (``numpy.random.Philox``), randomgen's
Philox4x32-10 where installed, glibc's ``math.log``/``math.sin``/``math.cos``, and the moments of N(0, 1).
"""
from __future__ import annotations

import math
import subprocess
import shutil

import numpy as np
import pytest

from ratecheck.numerics import random as rng
from ratecheck.numerics import validation as v

# Random123 kat_vectors: name rounds counter[4] key[2] -> output[4] (hex words)
KAT = """
philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
philox4x32 7 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   4dfccaba 190a87f0 c47362ba b6b5242a
philox4x64 10 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000   16554d9eca36314c db20fe9d672d0fdc d7e772cee186176b 7e68b68aec7ba23b
philox4x64 10 ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff   87b092c3013fe90b 438c3c67be8d0224 9cc7d7c69cd777b6 a09caebf594f0ba0
philox4x64 10 243f6a8885a308d3 13198a2e03707344 a4093822299f31d0 082efa98ec4e6c89 452821e638d01377 be5466cf34e90c6c   a528f45403e61d95 38c72dbd566e9788 a5a1610e72fd18b5 57bd43b5e52b7fe6
"""


def _kat():
    for line in KAT.strip().splitlines():
        name, rounds, *words = line.split()
        w = [int(x, 16) for x in words]
        yield int(name[-2:]), int(rounds), w[:4], w[4:6], tuple(w[6:])


@pytest.mark.parametrize("width,rounds,counter,key,expected", list(_kat()))
def test_reference_philox_reproduces_random123_known_answers(width, rounds, counter, key, expected):
    assert rng.philox_reference(counter, key, width, rounds) == expected


def test_reference_philox4x64_is_numpys_philox():
    """NumPy's Philox (4x64-10) increments its counter before each block (philox.h, philox_next): from counter c
    its raw outputs are Philox(c + 1), Philox(c + 2), ... — the same round function at width 64."""
    r = np.random.default_rng(11)
    for _ in range(5):
        counter = [int(x) for x in r.integers(0, 2**63, 4, dtype=np.uint64)]
        key = [int(x) for x in r.integers(0, 2**63, 2, dtype=np.uint64)]
        bits = np.random.Philox(counter=np.array(counter, dtype=np.uint64), key=np.array(key, dtype=np.uint64))
        raw = bits.random_raw(8)
        value = sum(w << (64 * k) for k, w in enumerate(counter))
        expect = []
        for step in (1, 2):
            c = value + step
            expect += rng.philox_reference([(c >> (64 * k)) & (2**64 - 1) for k in range(4)], key, 64)
        assert [int(x) for x in raw] == expect


def _random_words(r, n, bits=32):
    return r.integers(0, 2**bits, n, dtype=np.uint64)


def test_numba_and_numpy_philox4x32_match_the_reference():
    r = np.random.default_rng(12)
    c = [_random_words(r, 200) for _ in range(4)]
    k0, k1 = (int(x) for x in _random_words(r, 2))
    out_np = rng.philox4x32_numpy(*c, k0, k1)
    for i in range(200):
        ref = rng.philox_reference([int(w[i]) for w in c], [k0, k1], 32)
        got = rng.philox4x32(*(np.uint64(w[i]) for w in c), np.uint64(k0), np.uint64(k1))
        assert tuple(int(x) for x in got) == ref
        assert tuple(int(w[i]) for w in out_np) == ref


def test_philox4x32_matches_randomgen():
    """randomgen's Philox(number=4, width=32), like NumPy's, increments the 128-bit counter before each block."""
    randomgen = pytest.importorskip("randomgen")
    r = np.random.default_rng(13)
    for _ in range(5):
        words = [int(x) for x in _random_words(r, 4)]
        key = [int(x) for x in _random_words(r, 2)]
        g = randomgen.Philox(counter=sum(w << (32 * k) for k, w in enumerate(words)),
                             key=key[0] | (key[1] << 32), number=4, width=32)
        raw = [int(x) for x in g.random_raw(8)]
        value = sum(w << (32 * k) for k, w in enumerate(words))
        expect = []
        for step in (1, 2):
            c = (value + step) % 2**128
            expect += rng.philox_reference([(c >> (32 * k)) & 0xFFFFFFFF for k in range(4)], key, 32)
        assert raw == expect


def test_uniforms_are_exact_midpoints():
    """u = (x + 1/2) 2^-32 exactly, from the bit construction (x + 1/2 and the power of two are exact)."""
    x = np.array([0, 1, 2**31, 2**32 - 2, 2**32 - 1] + list(_random_words(np.random.default_rng(14), 1000)),
                 dtype=np.uint64)
    u = (rng._ONE_BITS | (x << np.uint64(20))).view(np.float64) - rng._U_OFFSET
    np.testing.assert_array_equal(u, (x.astype(np.float64) + 0.5) / 2.0**32)
    assert u.min() > 0 and u.max() < 1


def _ulp_error(got, exact):
    return np.abs(got - exact) / np.spacing(np.abs(exact))


def test_log_within_two_ulps_of_glibc():
    """musl's log is < 1 ulp from ln u and glibc's too, so they differ by < 2 ulps; measured here on the
    uniforms the generator makes (midpoints (x + 1/2) 2^-32, down to 2^-33) and on random doubles."""
    r = np.random.default_rng(15)
    x = _random_words(r, 20000)
    u = np.concatenate([(x.astype(np.float64) + 0.5) / 2.0**32, r.uniform(0, 1, 20000), [2.0**-33, 1 - 2.0**-33]])
    exact = np.array([math.log(t) for t in u])
    err = _ulp_error(rng.log_unit_numpy(u), exact)
    assert err.max() < 2
    got = np.array([rng.log_unit(float(t)) for t in u[:2000]])
    np.testing.assert_array_equal(got, rng.log_unit_numpy(u[:2000]))


def test_sincos_within_two_ulps_of_glibc():
    r = np.random.default_rng(16)
    a = np.concatenate([r.uniform(0, math.pi / 4, 20000), [1e-9, math.pi / 4]])
    s, c = rng.sincos_octant_numpy(a)
    assert _ulp_error(s, np.array([math.sin(t) for t in a])).max() < 2
    assert _ulp_error(c, np.array([math.cos(t) for t in a])).max() < 2
    got = [rng.sincos_octant(float(t)) for t in a[:2000]]
    np.testing.assert_array_equal(np.array(got).T, np.array(rng.sincos_octant_numpy(a[:2000])))


def test_angles_lie_on_the_uniform_grid_without_collisions():
    """Box–Muller's angle from 32 bits: θ = 2π(j + 1/2)/2^32 for a j that is a bijection of the word (checked
    on a sample: every angle is a grid point, distinct words give distinct grid points)."""
    r = np.random.default_rng(17)
    xa = np.unique(_random_words(r, 50000))
    xr = np.full_like(xa, 2**31)  # a fixed radius
    za, zb = rng._box_muller_numpy(xr, xa)
    theta = np.mod(np.arctan2(zb, za), 2 * np.pi)
    j = theta / (2 * np.pi) * 2.0**32 - 0.5
    assert np.max(np.abs(j - np.round(j))) < 1e-3
    assert np.unique(np.round(j)).size == xa.size


def test_stream_layout_tiles_of_64():
    """Direction i at step t is normal (i mod 64) // 16 of call 16 (i // 64) + i mod 16 (module docstring)."""
    seed, t, n = 2**40 + 7, 3, 200
    z = rng.standard_normals(seed, t, n)
    k0, k1 = rng.seed_key(seed)
    for i in (0, 1, 15, 16, 17, 63, 64, 130, 199):
        j = 16 * (i // 64) + i % 16
        four = rng.normals4(np.uint64(k0), np.uint64(k1), np.uint64(t), np.uint64(j))
        assert z[i] == four[(i % 64) // 16]


def test_fill_normals_is_the_numpy_stream_bit_for_bit():
    seed, n = 987654321, 64 * 40
    for t in (1, 2, 2**33 + 5):
        ref = rng.standard_normals(seed, t, n)
        k0, k1 = rng.seed_key(seed)
        out = np.empty(n)
        rng.fill_normals(np.uint64(k0), np.uint64(k1), np.uint64(t), 0, out)
        np.testing.assert_array_equal(out, ref)
        part = np.empty(n - 640)
        rng.fill_normals(np.uint64(k0), np.uint64(k1), np.uint64(t), 640, part)  # a block starting at tile 10
        np.testing.assert_array_equal(part, ref[640:])


def test_normals_have_the_moments_of_a_standard_normal():
    """N = 2·10^6 draws over 20 steps: mean, variance, fourth moment and P(|z| < 1) each within 5 standard
    errors of N(0, 1)'s (SEs from its moments: Var z = 1, Var z² = 2, Var z⁴ = 105 − 9 = 96,
    Var 1{|z|<1} = p(1 − p), p = erf(1/√2)); correlations between neighbouring directions and steps within
    5/√N of 0."""
    n, steps = 100_000, 20
    z = np.stack([rng.standard_normals(42, t, n) for t in range(1, steps + 1)])
    N = z.size
    flat = z.ravel()
    assert abs(flat.mean()) < 5 / math.sqrt(N)
    assert abs(np.mean(flat**2) - 1) < 5 * math.sqrt(2 / N)
    assert abs(np.mean(flat**4) - 3) < 5 * math.sqrt(96 / N)
    p = math.erf(1 / math.sqrt(2))
    assert abs(np.mean(np.abs(flat) < 1) - p) < 5 * math.sqrt(p * (1 - p) / N)
    m = z[:, :-1].size
    assert abs(np.mean(z[:, :-1] * z[:, 1:])) < 5 / math.sqrt(m)  # direction i vs i + 1 (same call for i % 16 < 15)
    assert abs(np.mean(z[:, :-16] * z[:, 16:])) < 5 / math.sqrt(m)  # the cos/sin pair of one Box–Muller
    assert abs(np.mean(z[:-1] * z[1:])) < 5 / math.sqrt(z[:-1].size)  # step t vs t + 1
    assert np.abs(flat).max() <= math.sqrt(2 * 33 * math.log(2))  # the documented bound of the 32-bit uniform


def test_different_seeds_and_steps_give_different_streams():
    a = rng.standard_normals(1, 1, 1000)
    assert not np.array_equal(a, rng.standard_normals(2, 1, 1000))
    assert not np.array_equal(a, rng.standard_normals(1, 2, 1000))
    assert not np.array_equal(a, rng.standard_normals(2**32 + 1, 1, 1000))  # the high word of the seed counts


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5, True, "x"])
def test_bad_seed_is_one_clear_error(seed):
    with pytest.raises(v.ParameterError, match="seed"):
        rng.standard_normals(seed, 1, 10)


def test_cuda_generator_compiles_as_c_and_matches_the_numpy_stream(tmp_path):
    """The device functions of the CUDA source, compiled by the host C compiler (CUDA's intrinsics defined in
    plain C, no FMA contraction), draw the same bits as the NumPy stream."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    from ratecheck.numerics.kernels.noisy import noisy_cuda_generator_source

    prelude = r"""
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <math.h>
#define __device__
#define __forceinline__ static inline
static inline unsigned int __umulhi(unsigned int a, unsigned int b) { return (unsigned int)(((uint64_t)a * b) >> 32); }
static inline long long __double_as_longlong(double x) { long long i; memcpy(&i, &x, 8); return i; }
static inline double __longlong_as_double(long long i) { double x; memcpy(&x, &i, 8); return x; }
"""
    main = r"""
int main(void) {
    unsigned long long t, j; unsigned int k0, k1;
    while (scanf("%llu %llu %u %u", &t, &j, &k0, &k1) == 4) {
        double z[4]; rc_normals4(j, t, k0, k1, z);
        printf("%a %a %a %a\n", z[0], z[1], z[2], z[3]);
    }
    return 0;
}
"""
    src = tmp_path / "gen.c"
    src.write_text(prelude + noisy_cuda_generator_source() + main)
    exe = tmp_path / "gen"
    subprocess.run([cc, "-std=c11", "-O2", "-ffp-contract=off", "-o", str(exe), str(src), "-lm"], check=True,
                   capture_output=True)
    seed, n = 2**35 + 99, 64 * 3
    k0, k1 = rng.seed_key(seed)
    lines = "".join(f"{t} {j} {k0} {k1}\n" for t in (1, 7) for j in range(n // 4))
    out = subprocess.run([str(exe)], input=lines, capture_output=True, text=True, check=True).stdout.split("\n")
    for t, block in ((1, out[: n // 4]), (7, out[n // 4: n // 2])):
        ref = rng.standard_normals(seed, t, n)
        for j, line in enumerate(block):
            tile, lane = divmod(j, 16)
            got = [float.fromhex(x) for x in line.split()]
            assert got == [ref[64 * tile + 16 * k + lane] for k in range(4)]
