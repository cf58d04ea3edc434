"""Rademacher gradient noise (``dist=rademacher``): the stream of numerics.random, the fused kernel that draws it,
the noise specs and the CLI records that name it.

Independent sources: ``philox_reference`` (Philox4x32-10 in Python integers, itself checked against Random123's
known answers in tests/test_random.py) read bit by bit as the module docstring lays the draws out; the exact
moments of a fair ±1 variable (mean 0, P(+1) = 1/2, ζ² = 1); the method's own NumPy step fed the NumPy stream
(the same bits as the kernel); the closed form of gradient descent's second moment; the host C compiler running
the CUDA generator.  Mirrors tests/test_random.py and tests/test_noisy_kernel.py for the Gaussian stream.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import warnings

import numba
import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics import noise
from ratecheck.numerics import random as rng
from ratecheck.numerics import validation as v
from ratecheck.numerics.averaging import Average, averaged_output
from ratecheck.numerics.kernels.noisy import CHUNK, noisy_cuda_source, noisy_kernel_source
from ratecheck.numerics.kernels.noisy import noisy_moments as kernel_moments
from ratecheck.numerics.linear_family import lookahead
from ratecheck.numerics.noisy import noisy_moments
from ratecheck.reports.cli import main


def _expected_sign(seed: int, t: int, i: int) -> float:
    """ζ(seed, t, i) from the layout of the module docstring, computed with Python integers only."""
    key = [seed & 0xFFFFFFFF, seed >> 32]
    j = i // 128
    words = rng.philox_reference([j & 0xFFFFFFFF, j >> 32, t & 0xFFFFFFFF, t >> 32], key, 32)
    bit = (words[(i // 32) % 4] >> (i % 32)) & 1
    return -1.0 if bit else 1.0


# ----------------------------------------------------------------------------- the stream
@pytest.mark.parametrize("seed,t", [(0, 1), (2**40 + 7, 3), (2**64 - 1, 2**33 + 5)])
def test_signs_are_the_bits_of_the_reference_philox(seed, t):
    n = 3 * 128 + 45
    z = rng.rademacher_signs(seed, t, n)
    expected = [_expected_sign(seed, t, i) for i in range(n)]
    assert z.tolist() == expected
    # exactly +1.0 or -1.0, with the sign bit the only difference
    assert set(np.unique(z.view(np.uint64)).tolist()) <= {0x3FF0000000000000, 0xBFF0000000000000}


def test_known_small_case_by_hand():
    """seed 0, t = 1, call 0: the counter (0, 0, 1, 0) under key (0, 0); direction 37 is bit 5 of word 1."""
    words = rng.philox_reference([0, 0, 1, 0], [0, 0], 32)
    z = rng.rademacher_signs(0, 1, 128)
    for i in (0, 5, 31, 32, 37, 64, 127):
        assert z[i] == (1.0 if ((words[i // 32] >> (i % 32)) & 1) == 0 else -1.0)


def test_fill_signs_is_the_numpy_stream_bit_for_bit():
    seed, n = 987654321, 64 * 40
    k0, k1 = (np.uint64(w) for w in rng.seed_key(seed))
    for t in (1, 2, 2**33 + 5):
        ref = rng.rademacher_signs(seed, t, n)
        out = np.empty(n)
        rng.fill_signs(k0, k1, np.uint64(t), 0, out)
        np.testing.assert_array_equal(out.view(np.uint64), ref.view(np.uint64))
        for first in (64, 640, 64 * 37):  # blocks starting mid-call (64) and at later tiles
            part = np.empty(n - first)
            rng.fill_signs(k0, k1, np.uint64(t), first, part)
            np.testing.assert_array_equal(part, ref[first:])


def test_sign_words_and_sign_bit_give_the_stream():
    seed, t, n = 31337, 9, 64 * 7
    k0, k1 = (np.uint64(w) for w in rng.seed_key(seed))
    ref = rng.rademacher_signs(seed, t, n)
    for first in (0, 64, 192):
        words = np.empty((n - first) // 32, dtype=np.uint64)
        rng.fill_sign_words(k0, k1, np.uint64(t), first, words)
        got = np.array([rng.sign_bit(words[g], np.uint64(b)) for g in range(words.size) for b in range(32)])
        np.testing.assert_array_equal(got, ref[first:])
        np.testing.assert_array_equal(rng.signs_of_words(words).reshape(-1), ref[first:])


def test_signs_have_the_moments_of_a_fair_sign():
    """N = 4·10^6 draws over 20 steps: the mean within 5/√N of 0 (Var ζ = 1), the frequency of +1 within 5
    binomial standard errors √(1/4N) of 1/2; correlations between directions i and i + 1 (one word), i + 32
    (the next word of the call), i + 128 (the next call) and between steps t and t + 1 within 5/√m of 0."""
    n, steps = 200_000, 20
    z = np.stack([rng.rademacher_signs(42, t, n) for t in range(1, steps + 1)])
    N = z.size
    assert np.all(np.abs(z) == 1.0)
    assert abs(z.mean()) < 5 / math.sqrt(N)
    assert abs(np.mean(z > 0) - 0.5) < 5 * math.sqrt(0.25 / N)
    for lag in (1, 32, 128):
        m = z[:, :-lag].size
        assert abs(np.mean(z[:, :-lag] * z[:, lag:])) < 5 / math.sqrt(m), lag
    assert abs(np.mean(z[:-1] * z[1:])) < 5 / math.sqrt(z[:-1].size)
    # per bit position of a word: every bit is fair (a biased bit would bias every 32nd direction)
    by_bit = z.reshape(steps, -1, 32).mean(axis=(0, 1))
    assert np.all(np.abs(by_bit) < 5 / math.sqrt(N / 32))


def test_different_seeds_and_steps_give_different_signs():
    a = rng.rademacher_signs(1, 1, 1000)
    assert not np.array_equal(a, rng.rademacher_signs(2, 1, 1000))
    assert not np.array_equal(a, rng.rademacher_signs(1, 2, 1000))
    assert not np.array_equal(a, rng.rademacher_signs(2**32 + 1, 1, 1000))


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5, True, "x"])
def test_bad_seed_is_one_clear_error(seed):
    with pytest.raises(v.ParameterError, match="seed"):
        rng.rademacher_signs(seed, 1, 10)


def test_every_distribution_has_a_stream():
    assert tuple(rng.STREAMS) == noise.DISTRIBUTIONS == tuple(rng.FILLS)


def test_cuda_sign_generator_compiles_as_c_and_matches_the_numpy_stream(tmp_path):
    """rc_signs4 of the CUDA source, compiled by the host C compiler (CUDA's intrinsics defined in plain C): thread
    lane of the warp serving call j gets the signs of directions 128 j + 32 k + lane, those of the NumPy stream."""
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
    main_c = r"""
int main(void) {
    unsigned long long t, j; unsigned int k0, k1, lane;
    while (scanf("%llu %llu %u %u %u", &t, &j, &k0, &k1, &lane) == 5) {
        double z[4]; rc_signs4(j, t, k0, k1, lane, z);
        printf("%a %a %a %a\n", z[0], z[1], z[2], z[3]);
    }
    return 0;
}
"""
    src = tmp_path / "signs.c"
    src.write_text(prelude + noisy_cuda_generator_source() + main_c)
    exe = tmp_path / "signs"
    subprocess.run([cc, "-std=c11", "-O2", "-ffp-contract=off", "-o", str(exe), str(src), "-lm"], check=True,
                   capture_output=True)
    seed, ncalls = 2**35 + 99, 3
    k0, k1 = rng.seed_key(seed)
    cases = [(t, j, lane) for t in (1, 7, 2**33 + 1) for j in range(ncalls) for lane in range(32)]
    lines = "".join(f"{t} {j} {k0} {k1} {lane}\n" for t, j, lane in cases)
    out = subprocess.run([str(exe)], input=lines, capture_output=True, text=True, check=True).stdout.split("\n")
    refs = {t: rng.rademacher_signs(seed, t, 128 * ncalls) for t in (1, 7, 2**33 + 1)}
    for (t, j, lane), line in zip(cases, out):
        got = [float.fromhex(x) for x in line.split()]
        assert got == [refs[t][128 * j + 32 * k + lane] for k in range(4)]


# ----------------------------------------------------------------------------- the fused kernel and the seam
KERNEL_CASES = [
    ("gd", None, {"eta": 0.4}),
    ("heavy-ball", "polyak", {"alpha": 0.3, "beta": 0.6}),
    ("nesterov", "lessard", {"alpha": 0.3, "beta": 0.5}),
    ("chebyshev", "semi-iterative", {"mu": 0.5, "L": 2.0}),  # per-step scalars
    ("adam", "torch", {"lr": 0.05}),  # not linear, per-step scalars
]


def _reference(rule, lam, e0, sig, steps, seed, stream=rng.rademacher_signs):
    """e_t for t = 0..steps from the method's NumPy step and a NumPy stream (the Rademacher one by default)."""
    state = rule.init(e0.copy())
    out = [e0.copy()]
    for t in range(1, steps + 1):
        xi = stream(seed, t, lam.size)
        state = rule.step(state, lambda y: lam * y + sig * xi, t)
        out.append(state[0].copy())
    return np.array(out)


@pytest.mark.parametrize("method,name,params", KERNEL_CASES)
def test_kernel_iterates_are_the_numpy_path_bit_for_bit(method, name, params):
    """Singleton groups (sum_e2[t, i] = e_{t,i}²); d = 229 ends in a partial word and a partial tile."""
    r = np.random.default_rng(21)
    d, steps, seed = 3 * 64 + 37, 40, 2**33 + 17
    lam = np.sort(r.uniform(0.5, 2.0, d))
    e0 = r.standard_normal(d)
    rule = numerics.rule(method, params, name)
    sigmas = [0.7] + ([r.uniform(0.1, 1.0, d)] if method == "heavy-ball" else [])
    for sig in sigmas:
        res = kernel_moments(rule.form, params, lam, e0, sig, steps, seed, np.arange(steps + 1), np.arange(d),
                             dist="rademacher")
        ref = _reference(rule, lam, e0, sig, steps, seed)
        np.testing.assert_array_equal(res.sum_e2, ref * ref)
        np.testing.assert_array_equal(res.sum_e4, (ref * ref) ** 2)
        assert not np.array_equal(ref, _reference(rule, lam, e0, sig, steps, seed, rng.standard_normals))  # another stream


@pytest.mark.parametrize("pattern", ["interleaved", "contiguous"])
def test_results_do_not_depend_on_block_size_or_thread_count(pattern):
    r = np.random.default_rng(22)
    d, steps = 2 * CHUNK + 777, 15  # three chunks: the parallel kernel; 777 ends mid-word
    lam = r.uniform(0.5, 2.0, d)
    e0 = r.standard_normal(d)
    groups = np.arange(d) % 5 if pattern == "interleaved" else np.arange(d) // 1000
    params = {"alpha": 0.3, "beta": 0.6}
    form = numerics.form("heavy-ball", "polyak")
    threads = numba.get_num_threads()
    runs = []
    try:
        for nthreads in sorted({1, threads}):
            numba.set_num_threads(nthreads)
            for block in (64, 512, 4096):
                runs.append(kernel_moments(form, params, lam, e0, 1.0, steps, 5, [0, 5, 15], groups, block=block,
                                           dist="rademacher"))
    finally:
        numba.set_num_threads(threads)
    for res in runs[1:]:
        np.testing.assert_array_equal(res.sum_e2, runs[0].sum_e2)
        np.testing.assert_array_equal(res.sum_e4, runs[0].sum_e4)
    ref = _reference(numerics.rule_of(form, params), lam, e0, 1.0, steps, 5)[[0, 5, 15]]
    exact = np.stack([np.bincount(groups, weights=row * row) for row in ref])
    np.testing.assert_allclose(runs[0].sum_e2, exact, rtol=1e-12)


SEAM_CASES = [
    ("lookahead k=5", lambda: lookahead(numerics.form("gd"), 5), {"eta": 0.3, "la_alpha": 0.5}),
    ("polyak-ruppert", lambda: averaged_output(numerics.form("gd"), Average("polyak")), {"eta": 0.4}),
    ("ema x0", lambda: averaged_output(numerics.form("heavy-ball"), Average("ema", alpha=0.9, start="x0")),
     {"alpha": 0.3, "beta": 0.6}),
]


@pytest.mark.parametrize("name,method,params", SEAM_CASES, ids=[c[0] for c in SEAM_CASES])
def test_seam_backends_give_the_same_iterates_bit_for_bit(name, method, params):
    r = np.random.default_rng(1)
    d, steps, seed = 2 * 64 + 29, 30, 2**40 + 3
    lam, e0 = np.sort(r.uniform(0.5, 2.0, d)), r.standard_normal(d)
    a, b = (noisy_moments(method(), params, lam, e0, 0.7, steps, seed, np.arange(steps + 1), np.arange(d),
                          backend=k, dist="rademacher") for k in ("numpy", "numba"))
    np.testing.assert_array_equal(a.sum_e2, b.sum_e2)
    np.testing.assert_array_equal(a.sum_e4, b.sum_e4)


def test_gradient_descent_second_moment_matches_the_closed_form():
    r"""GD with g = λe + σζ, ζ = ±1: e_{t+1} = (1 − ηλ)e_t − ησζ_t, so E e_t² is the Gaussian case's closed form
    (only E ζ = 0, E ζ² = 1 enter); from e_0 = 0 the first step is e_1² = η²σ² exactly (ζ² = 1), with no spread."""
    eta, sig, n = 0.5, 0.8, 250_000
    lams = np.array([0.1, 1.0, 3.0, 1.0])
    lam = np.repeat(lams, n)
    e0 = np.repeat([0.0, 0.0, 0.0, 2.0], n)
    groups = np.repeat(np.arange(4), n)
    rec = np.array([0, 1, 2, 3, 5, 10, 30, 100])
    res = noisy_moments("gd", {"eta": eta}, lam, e0, sig, 100, 2024, rec, groups, dist="rademacher")
    mean = res.mean_e2()
    se = res.stderr_e2()
    a = (1 - eta * lams)[None, :] ** (2 * rec[:, None])
    exact = a * np.array([0.0, 0.0, 0.0, 4.0])[None, :] + eta * sig**2 / (lams * (2 - eta * lams))[None, :] * (1 - a)
    np.testing.assert_allclose(mean[1, :3], (eta * sig) ** 2, rtol=1e-12)  # every e_1^2 is the same number
    assert np.all(se[1, :3] <= 1e-8 * mean[1, :3])  # rounding only (a Gaussian run: 0.16·√(2/n) = 4.5e-4)
    later = se[1:] > 0
    assert np.all(np.abs(mean[1:] - exact[1:])[later] <= 5 * se[1:][later])
    # the Gaussian run's standard error is larger at stationarity (E z^4 = 3 against E zeta^4 = 1 enters Var e^2)
    gauss = noisy_moments("gd", {"eta": eta}, lam, e0, sig, 100, 2024, rec, groups)
    assert np.all(gauss.stderr_e2()[-1] > se[-1])


def test_divergence_is_inf_not_nan_and_no_warning():
    d = 200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = kernel_moments("gd", {"eta": 3.0}, np.ones(d), np.ones(d), 0.1, 400, 1, [0, 100, 300, 400],
                             np.zeros(d, int), dist="rademacher")
    assert np.all(np.isfinite(res.sum_e2[:2])) and np.all(np.isinf(res.sum_e2[2:]))
    assert not np.any(np.isnan(res.sum_e4))


@pytest.mark.parametrize("call", ["seam", "kernel"])
def test_unknown_distribution_is_one_clear_error(call):
    f = noisy_moments if call == "seam" else kernel_moments
    with pytest.raises(v.ParameterError, match="dist"):
        f("gd", {"eta": 0.5}, np.ones(10), np.ones(10), 1.0, 10, 0, [0, 10], np.zeros(10, int), dist="cauchy")


@pytest.mark.parametrize("method,name", [(f.method, f.name) for f in numerics.forms(family="classic")])
def test_generated_sources_are_well_formed(method, name):
    form = numerics.form(method, name)
    text = noisy_kernel_source(form, dist="rademacher")
    compile(text, "<noisy kernel>", "exec")
    assert "fill_sign_words(k0, k1" in text and "sign_bit(word, np.uint64(b))" in text and "fill_normals" not in text
    src = noisy_cuda_source(form, dist="rademacher")
    assert "const REAL G = (lam * Y) + (sig * Z);" in src and "rc_signs4((unsigned long long)tile" in src
    assert "const long long i = tile * 128 + lane + 32 * k;" in src and "rc_normals4((" not in src
    assert src.count("{") == src.count("}") and src.count("(") == src.count(")")
    assert noisy_cuda_source(form) == noisy_cuda_source(form, "gaussian")  # the default keeps its signature


# ----------------------------------------------------------------------------- noise specs and CLI records
def test_noise_specs_take_a_distribution():
    a = noise.parse("additive:sigma=0.5,dist=rademacher")
    assert a.dist == "rademacher" and a.sigma == 0.5 and str(a) == "additive:sigma=0.5,dist=rademacher"
    m = noise.parse("minibatch:batch=4,dist=rademacher,scale=2")
    assert (m.batch, m.scale, m.dist) == (4, 2, "rademacher") and str(m) == "minibatch:batch=4,scale=2,dist=rademacher"
    assert noise.parse("minibatch:scale=1,dist=rademacher", require_batch=False).with_batch(8).dist == "rademacher"
    g = noise.parse("additive:sigma=1,dist=gaussian")
    assert g == noise.parse("additive:sigma=1") and str(g) == "additive:sigma=1"  # the default is not written
    np.testing.assert_array_equal(a.std([1.0, 2.0]), noise.parse("additive:sigma=0.5").std([1.0, 2.0]))


@pytest.mark.parametrize("spec, fragment", [
    ("additive:sigma=1,dist=cauchy", "dist=D with D one of gaussian, rademacher"),
    ("additive:sigma=1,dist=", "dist=D with D one of gaussian, rademacher"),
    ("additive:sigma=1,dist=rademacher,dist=gaussian", "duplicate dist"),
    ("minibatch:batch=2,distribution=rademacher", "keys among batch, scale, dist"),
])
def test_bad_distribution_names_the_option(spec, fragment):
    with pytest.raises(v.ParameterError) as e:
        noise.parse(spec)
    assert e.value.name == "noise" and fragment in str(e.value)


def test_noise_model_checks_its_distribution():
    with pytest.raises(v.ParameterError, match="dist"):
        noise.additive(1.0, dist="uniform")


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_and_rate_records_name_the_distribution(capsys):
    base = ["simulate", "heavy-ball", "--spectrum", "eigenvalues:0.2,1", "--params", "alpha=0.5,beta=0.5",
            "--steps", "40", "--record-every", "10", "--replicas", "20000", "--json", "-"]
    r = _json(capsys, base + ["--noise", "additive:sigma=0.3,dist=rademacher"])
    assert r["noise_distribution"] == "rademacher" and r["noise"] == "additive:sigma=0.3,dist=rademacher"
    assert r["agrees"] and all(abs(row["loss"] - row["loss_predicted"]) <= 5 * row["loss_stderr"]
                               for row in r["trajectory"])
    g = _json(capsys, base + ["--noise", "additive:sigma=0.3"])
    assert g["noise_distribution"] == "gaussian" and g["noise"] == "additive:sigma=0.3"
    assert [row["loss_predicted"] for row in g["trajectory"]] == [row["loss_predicted"] for row in r["trajectory"]]
    q = _json(capsys, ["rate", "gd", "--eigenvalues", "2", "--eta", "0.3", "--noise",
                       "minibatch:batch=2,dist=rademacher", "--replicas", "20000", "--json"])
    assert q["noise_distribution"] == "rademacher"
    # SGD's stationary variance eta s^2/(lam (2 - eta lam)) with s^2 = lam / B = 1
    assert q["stationary_variance_theory"] == pytest.approx(0.3 / (2 * 1.4), rel=1e-12)
    assert abs(q["stationary_variance_simulated"] - q["stationary_variance_theory"]) <= 5 * q["stationary_variance_stderr"]


def test_sweep_and_batch_scaling_records_name_the_distribution(capsys):
    s = _json(capsys, ["sweep", "--methods", "gd", "--kappa", "10:100", "--points", "2", "--noise",
                       "additive:sigma=0.01,dist=rademacher", "--json", "-"])
    assert s["config"]["noise_distribution"] == "rademacher"
    assert all(p["noise_distribution"] == "rademacher" for p in s["points"])
    b = _json(capsys, ["batch-scaling", "--method", "gd", "--spectrum", "power-law:L=1,exponent=1", "--dim", "50",
                       "--noise", "minibatch:scale=1,dist=rademacher", "--target-loss", "0.005", "--batches", "1:4",
                       "--json"])
    assert b["noise_distribution"] == "rademacher"


def test_bad_distribution_on_the_cli_is_one_line(capsys):
    assert main(["simulate", "gd", "--spectrum", "eigenvalues:1", "--steps", "5", "--eta", "0.1", "--noise",
                 "additive:sigma=1,dist=cauchy"]) == 2
    err = capsys.readouterr().err
    assert "--noise must be dist=D with D one of gaussian, rademacher" in err and err.count("\n") == 1


def test_seeds_above_2_to_the_53_keep_every_bit():
    """The key is the seed's two 32-bit words exactly (numerics.validation.integer takes an int as it is, with no
    float round trip), up to 2**64 - 1."""
    assert rng.seed_key(2**64 - 1) == (2**32 - 1, 2**32 - 1)
    assert rng.seed_key(2**53 + 1) == (1, 2**21)
    assert not np.array_equal(rng.rademacher_signs(2**53 + 1, 1, 256), rng.rademacher_signs(2**53, 1, 256))


def test_bench_noise_adds_the_rademacher_row_with_its_ratio(cli):
    """`ratecheck bench --noise`: numba-rademacher beside numba-noisy and numba-fused, ratios from the same run
    (schema only; timings are never asserted)."""
    r = cli(["bench", "--noise", "--dim", "20000", "--steps", "10", "--json", "-"])
    assert r.code == 0, r.stderr
    rows = {row["impl"]: row for row in json.loads(r.stdout)["results"]}
    rad, fused = rows["numba-rademacher"], rows["numba-fused"]
    assert "numba-noisy" in rows and rad["dim"] == fused["dim"] and rad["steps"] == fused["steps"]
    assert rad["ratio_to_fused"] == pytest.approx(rad["elem_steps_per_s"] / fused["elem_steps_per_s"])
    assert rad["fraction_of_peak"] is None
