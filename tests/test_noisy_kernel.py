"""The noisy fused kernel (numerics.kernels.noisy) against the NumPy path and exact second moments.

Expected values: the method's own NumPy step (``Rule.step``) fed the NumPy stream of numerics.random (the
same bits), and the exact E[e_t²] of gradient descent (closed form) and heavy ball (its 2×2 covariance
recursion P⁺ = M P Mᵀ + σ² b bᵀ iterated here), each compared with the Monte Carlo mean within 5 standard
errors of that mean (SE from the run's own fourth moments).
"""
from __future__ import annotations

import warnings

import numba
import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics import validation as v
from ratecheck.numerics.kernels.noisy import CHUNK, noisy_cuda_source, noisy_kernel_source, noisy_moments
from ratecheck.numerics.noisy import NoisyMoments
from ratecheck.numerics.random import standard_normals

CASES = [
    ("gd", None, {"eta": 0.4}),
    ("heavy-ball", "polyak", {"alpha": 0.3, "beta": 0.6}),
    ("nesterov", "lessard", {"alpha": 0.3, "beta": 0.5}),
    ("chebyshev", "semi-iterative", {"mu": 0.5, "L": 2.0}),  # per-step scalars
    ("adam", "torch", {"lr": 0.05}),  # not linear, per-step scalars
]


def _reference(rule, lam, e0, sig, steps, seed):
    """e_t for t = 0..steps from the method's NumPy step and the NumPy normal stream."""
    state = rule.init(e0.copy())
    out = [e0.copy()]
    for t in range(1, steps + 1):
        xi = standard_normals(seed, t, lam.size)
        state = rule.step(state, lambda y: lam * y + sig * xi, t)
        out.append(state[0].copy())
    return np.array(out)


@pytest.mark.parametrize("method,name,params", CASES)
def test_kernel_iterates_are_the_numpy_path_bit_for_bit(method, name, params):
    """Singleton groups: sum_e2[t, i] = e_{t,i}² is one term, so the kernel's iterates are compared exactly."""
    r = np.random.default_rng(21)
    d, steps, seed = 3 * 64 + 37, 40, 2**33 + 17
    lam = np.sort(r.uniform(0.5, 2.0, d))
    e0 = r.standard_normal(d)
    rule = numerics.rule(method, params, name)
    sigmas = [0.7] + ([r.uniform(0.1, 1.0, d)] if method == "heavy-ball" else [])  # and one per direction
    for sig in sigmas:
        res = noisy_moments(rule.form, params, lam, e0, sig, steps, seed, np.arange(steps + 1), np.arange(d))
        ref = _reference(rule, lam, e0, sig, steps, seed)
        np.testing.assert_array_equal(res.sum_e2, ref * ref)
        np.testing.assert_array_equal(res.sum_e4, (ref * ref) ** 2)
        np.testing.assert_array_equal(res.count, np.ones(d, dtype=np.int64))


@pytest.mark.parametrize("pattern", ["interleaved", "contiguous"])
def test_results_do_not_depend_on_block_size_or_thread_count(pattern):
    """Interleaved labels take the element-by-element sums, contiguous runs mostly the tile sums."""
    r = np.random.default_rng(22)
    d, steps = 2 * CHUNK + 777, 15  # three chunks: the parallel kernel
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
                runs.append(noisy_moments(form, params, lam, e0, 1.0, steps, 5, [0, 5, 15], groups, block=block))
    finally:
        numba.set_num_threads(threads)
    for res in runs[1:]:
        np.testing.assert_array_equal(res.sum_e2, runs[0].sum_e2)
        np.testing.assert_array_equal(res.sum_e4, runs[0].sum_e4)
    # and the sums are those of the exact iterates (the NumPy path), up to the order of the additions
    ref = _reference(numerics.rule_of(form, params), lam, e0, 1.0, steps, 5)[[0, 5, 15]]
    exact = np.stack([np.bincount(groups, weights=row * row) for row in ref])
    np.testing.assert_allclose(runs[0].sum_e2, exact, rtol=1e-12)


def _mc(res: NoisyMoments):
    """Monte Carlo mean of e² per (step, group) and its standard error."""
    n = res.count[None, :]
    mean = res.sum_e2 / n
    var = res.sum_e4 / n - mean**2
    return mean, np.sqrt(var / n)


def test_gradient_descent_second_moment_matches_the_closed_form():
    r"""GD on f = λe²/2 with g = λe + σξ: e_{t+1} = (1 − ηλ)e_t − ησξ_t, so
    E e_t² = (1 − ηλ)^{2t} e_0² + ησ²/(λ(2 − ηλ)) · (1 − (1 − ηλ)^{2t}) (stationary variance ησ²/(λ(2 − ηλ)))."""
    eta, sig, n = 0.5, 0.8, 250_000
    lams = np.array([0.1, 1.0, 3.0, 1.0])  # ηλ = 0.05, 0.5, 1.5; the last group starts at e0 = 2
    lam = np.repeat(lams, n)
    e0 = np.repeat([0.0, 0.0, 0.0, 2.0], n)
    groups = np.repeat(np.arange(4), n)
    rec = np.array([0, 1, 2, 3, 5, 10, 30, 100])
    res = noisy_moments("gd", {"eta": eta}, lam, e0, sig, 100, 2024, rec, groups)
    mean, se = _mc(res)
    a = (1 - eta * lams)[None, :] ** (2 * rec[:, None])
    exact = a * np.array([0.0, 0.0, 0.0, 4.0])[None, :] + eta * sig**2 / (lams * (2 - eta * lams))[None, :] * (1 - a)
    np.testing.assert_array_equal(res.count, [n] * 4)
    assert np.all(mean[0] == exact[0])  # step 0: e0 itself
    later = se[1:] > 0
    assert np.all(np.abs(mean[1:] - exact[1:])[later] <= 5 * se[1:][later])
    # the stationary value itself (t = 100: (1 − ηλ)^200 < 1e-4 for every group)
    stationary = eta * sig**2 / (lams * (2 - eta * lams))
    assert np.all(np.abs(mean[-1] - stationary) <= 5 * se[-1] + np.abs(exact[-1] - stationary))


def test_heavy_ball_second_moment_matches_its_covariance_recursion():
    r"""Heavy ball (x⁺ = x − αg + β(x − x₋)) with g = λx + σξ: the state s = (x, x₋) obeys s⁺ = M s + b ξ with
    M = [[1 − αλ + β, −β], [1, 0]], b = (−ασ, 0), so P⁺ = M P Mᵀ + b bᵀ exactly; E x_t² = P_t[0, 0]."""
    alpha, beta, sig, n = 0.3, 0.6, 1.0, 250_000
    lams = np.array([0.5, 2.0])
    lam = np.repeat(lams, n)
    e0 = np.repeat([1.0, -0.5], n)
    groups = np.repeat([0, 1], n)
    rec = np.array([1, 2, 4, 8, 20, 60])
    res = noisy_moments(numerics.form("heavy-ball", "polyak"), {"alpha": alpha, "beta": beta}, lam, e0, sig, 60,
                        99, rec, groups)
    mean, se = _mc(res)
    for g, (lm, x0) in enumerate(zip(lams, (1.0, -0.5))):
        M = np.array([[1 - alpha * lm + beta, -beta], [1.0, 0.0]])
        b = np.array([-alpha * sig, 0.0])
        P = np.outer([x0, x0], [x0, x0])  # x₋ starts as a copy of x0
        exact = {}
        for t in range(1, 61):
            P = M @ P @ M.T + np.outer(b, b)
            exact[t] = P[0, 0]
        for k, t in enumerate(rec):
            assert abs(mean[k, g] - exact[t]) <= 5 * se[k, g], (g, t, mean[k, g], exact[t], se[k, g])


def test_divergence_is_inf_not_nan_and_no_warning():
    """GD with ηλ = 3 doubles |e| each step: the block freezes past |e| = 1e75 and reports +inf from then on."""
    d = 200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = noisy_moments("gd", {"eta": 3.0}, np.ones(d), np.ones(d), 0.1, 400, 1, [0, 100, 300, 400], np.zeros(d, int))
    assert np.all(np.isfinite(res.sum_e2[:2])) and np.all(np.isinf(res.sum_e2[2:]))
    assert not np.any(np.isnan(res.sum_e4))


def test_zero_noise_is_the_deterministic_run():
    """σ = 0: the kernel is plain gradient descent, e_10 = (1 − ηλ)^10 e_0 (to rounding) and the NumPy path's bits."""
    lam = np.linspace(0.5, 1.5, 300)
    e0 = np.linspace(-1, 1, 300)
    res = noisy_moments("gd", {"eta": 0.5}, lam, e0, 0.0, 10, 3, [10], np.arange(300))
    np.testing.assert_allclose(res.sum_e2[0], ((1 - 0.5 * lam) ** 10 * e0) ** 2, rtol=1e-13, atol=0)
    ref = _reference(numerics.rule("gd", {"eta": 0.5}), lam, e0, 0.0, 10, 3)[10]
    np.testing.assert_array_equal(res.sum_e2[0], ref * ref)


@pytest.mark.parametrize("kwargs,name", [
    ({"block": 100}, "block"),
    ({"block": 3 * 64}, "block"),
    ({"record_steps": [3, 2]}, "record_steps"),
    ({"record_steps": [0, 11]}, "record_steps"),
    ({"record_steps": [1.5]}, "record_steps"),
    ({"groups": np.zeros(5, int)}, "groups"),
    ({"groups": -np.ones(10, int)}, "groups"),
    ({"noise_std": -1.0}, "noise_std"),
    ({"noise_std": np.ones(3)}, "noise_std"),
    ({"seed": -1}, "seed"),
    ({"seed": 2**64}, "seed"),
    ({"steps": -1}, "steps"),
    ({"e0": np.full(10, 1e80)}, "e0"),
    ({"params": {"eta": -1.0}}, "eta"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    args = {"method": "gd", "params": {"eta": 0.5}, "eigenvalues": np.ones(10), "e0": np.ones(10),
            "noise_std": 1.0, "steps": 10, "seed": 0, "record_steps": [0, 10], "groups": np.zeros(10, int)}
    args.update(kwargs)
    block = args.pop("block", None)
    with pytest.raises(v.ParameterError, match=name):
        noisy_moments(**args, block=block)


@pytest.mark.parametrize("method,name", [(f.method, f.name) for f in numerics.forms(family="classic")])
def test_generated_sources_are_well_formed(method, name):
    """The numba module compiles as Python; the CUDA source has the noisy gradient, the generator and balanced
    braces (it is not compiled here: no GPU)."""
    form = numerics.form(method, name)
    text = noisy_kernel_source(form)
    compile(text, "<noisy kernel>", "exec")
    assert "G = (lam * Y) + (sig * Z)" in text and "fill_normals(k0, k1" in text
    src = noisy_cuda_source(form)
    assert "const REAL G = (lam * Y) + (sig * Z);" in src and "rc_normals4(" in src
    assert src.count("{") == src.count("}") and src.count("(") == src.count(")")
    assert "extern \"C\" __global__ void run_noisy(" in src


def test_bench_noise_adds_the_noisy_row_with_its_ratio(cli):
    """`ratecheck bench --noise`: a numba-noisy row beside numba-fused, its ratio taken in the same run (schema only;
    timings are never asserted)."""
    import json

    r = cli(["bench", "--noise", "--dim", "20000", "--steps", "10", "--json", "-"])
    assert r.code == 0, r.stderr
    rows = {row["impl"]: row for row in json.loads(r.stdout)["results"]}
    noisy, fused = rows["numba-noisy"], rows["numba-fused"]
    assert noisy["dim"] == fused["dim"] and noisy["steps"] == fused["steps"]
    assert noisy["ratio_to_fused"] == pytest.approx(noisy["elem_steps_per_s"] / fused["elem_steps_per_s"])
    assert noisy["fraction_of_peak"] is None
