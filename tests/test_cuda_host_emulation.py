"""The CUDA kernels, compiled from their unmodified source by the host C++ compiler and run on the CPU.

No GPU has run them (issue 15 is blocked).  numerics.kernels.cuda_host emulates CUDA's threads as fibers with
real barriers and checks the launch arguments against the kernel's C signature with CuPy's rules; the launches
come from the product's own launcher functions (numerics.kernels.cuda.segment_launch through simulate_diagonal's
cupy branch; numerics.kernels.noisy_cuda.noisy_launch), so a drift in the grid, the argument order or the C types
fails here.  Expected values are independent of the CUDA code: the method's NumPy step (``Rule.step``) fed the
NumPy normal stream of numerics.random, the NumPy reference path of simulate_diagonal / noisy_moments, and the
numba kernels.  What this proves and what it does not: the numerics.kernels.cuda_host docstring.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.kernels import cuda
from ratecheck.numerics.kernels.cuda_host import (HostDevice, HostKernel, LaunchError, check_arguments,
                                                 host_compiler, kernel_params)
from ratecheck.numerics.kernels.noisy import noisy_cuda_source
from ratecheck.numerics.kernels.noisy_cuda import noisy_launch, noisy_moments_device
from ratecheck.numerics.linear_family import lookahead
from ratecheck.numerics.methods import rule_of
from ratecheck.numerics.noisy import noisy_moments
from ratecheck.numerics.problems import DiagonalQuadratic
from ratecheck.numerics.random import STREAMS, standard_normals
from test_kernels import _compare, _params  # the GPU test's own comparison and parameters

pytestmark = pytest.mark.skipif(host_compiler() is None or os.name != "posix",
                                reason="the CUDA host emulation needs a C++ compiler (c++, g++ or clang++) and POSIX "
                                       "ucontext")

HOST = HostDevice()
BIG_SEEDS = (2**40 + 3, 2**64 - 1)  # the key's high word counts


def _lookahead():
    return lookahead(numerics.form("heavy-ball", "polyak"), 3)


NOISY_CASES = [  # (method value, params): 1, 2 and 3 state arrays, with and without per-step scalars
    (numerics.form("gd"), {"eta": 0.4}),
    (numerics.form("heavy-ball", "polyak"), {"alpha": 0.3, "beta": 0.6}),
    (numerics.form("nesterov", "lessard"), {"alpha": 0.3, "beta": 0.5}),
    (_lookahead(), {"alpha": 0.3, "beta": 0.6, "la_alpha": 0.5}),
    (numerics.form("chebyshev", "semi-iterative"), {"mu": 0.5, "L": 2.0}),
]


def _reference_noisy(rule, lam, e0, sig, steps, seed, dist="gaussian"):
    """The state after ``steps`` steps: the method's NumPy step fed the NumPy stream of ``dist``."""
    state = rule.init(e0.copy())
    for t in range(1, steps + 1):
        xi = STREAMS[dist](seed, t, lam.size)
        state = rule.step(state, lambda y: lam * y + sig * xi, t)
    return state


@pytest.mark.parametrize("dist", ["gaussian", "rademacher"])
@pytest.mark.parametrize("form,params", NOISY_CASES, ids=lambda x: getattr(x, "key", ""))
@pytest.mark.parametrize("d", [1, 63, 1024 + 37])
def test_noisy_kernel_iterates_are_the_numpy_and_numba_bits(form, params, d, dist):
    """Final state arrays bit for bit against the NumPy step; singleton-group e² and e⁴ at every recorded step
    bit for bit against the NumPy path and the numba kernel (d not a multiple of the tile of 64 or the block of
    1024 directions; seeds >= 2**32)."""
    r = np.random.default_rng(d)
    lam = np.sort(r.uniform(0.5, 2.0, d))
    e0 = r.standard_normal(d)
    rule = rule_of(form, params)
    steps, rec = 25, np.array([0, 1, 7, 25])
    for seed, sig in zip(BIG_SEEDS, (0.7, r.uniform(0.1, 1.0, d))):  # one sigma, then one per direction
        got, state = noisy_moments_device(form, params, lam, e0, sig, steps, seed, rec, np.arange(d), device=HOST,
                                          dist=dist)
        for a, b in zip(state, _reference_noisy(rule, lam, e0, sig, steps, seed, dist)):
            np.testing.assert_array_equal(a, b)
        for backend in ("numpy", "numba"):
            ref = noisy_moments(form, params, lam, e0, sig, steps, seed, rec, np.arange(d), backend=backend,
                                dist=dist)
            np.testing.assert_array_equal(got.sum_e2, ref.sum_e2)
            np.testing.assert_array_equal(got.sum_e4, ref.sum_e4)
            np.testing.assert_array_equal(got.count, ref.count)


@pytest.mark.parametrize("form,params", NOISY_CASES[:3], ids=lambda x: getattr(x, "key", ""))
def test_noisy_kernel_group_sums_agree_to_rounding(form, params):
    """Groups of many members: the atomicAdd sums equal the NumPy path's (index-order bincount) to rounding."""
    r = np.random.default_rng(5)
    d = 3 * 1024 + 77
    lam = np.repeat([0.5, 1.0, 1.5], d // 3 + 1)[:d]
    e0 = r.standard_normal(d)
    groups = np.repeat([0, 1, 2], d // 3 + 1)[:d]
    rec = np.array([0, 3, 20])
    got, _ = noisy_moments_device(form, params, lam, e0, 0.5, 20, BIG_SEEDS[0], rec, groups, device=HOST,
                                  threads=128)
    for backend in ("numpy", "numba"):
        ref = noisy_moments(form, params, lam, e0, 0.5, 20, BIG_SEEDS[0], rec, groups, backend=backend)
        np.testing.assert_allclose(got.sum_e2, ref.sum_e2, rtol=1e-13, atol=0)
        np.testing.assert_allclose(got.sum_e4, ref.sum_e4, rtol=1e-13, atol=0)


@pytest.mark.parametrize("dist", ["gaussian", "rademacher"])
def test_noisy_kernel_results_do_not_depend_on_the_block_size(dist):
    """32, 96 and 1024 threads per block: the same bits."""
    form, params = NOISY_CASES[1]
    r = np.random.default_rng(6)
    d = 700
    lam, e0 = r.uniform(0.5, 2.0, d), r.standard_normal(d)
    runs = [noisy_moments_device(form, params, lam, e0, 0.3, 12, 9, [12], np.arange(d), device=HOST, threads=t,
                                 dist=dist) for t in (32, 96, 1024)]
    for m, s in runs[1:]:
        np.testing.assert_array_equal(m.sum_e2, runs[0][0].sum_e2)
        for a, b in zip(s, runs[0][1]):
            np.testing.assert_array_equal(a, b)


def test_noisy_kernel_divergence_freezes_the_thread_of_the_divergent_direction():
    """One direction diverges: from the step after it passes 1e75, the four directions of its thread (one
    Philox call) report +inf; every other direction is the NumPy run's, bit for bit, to the end."""
    form = numerics.form("gd")
    d, steps = 200, 400
    lam = np.full(d, 1.0)
    lam[70] = 6.0  # growth |1 - 0.4 * 6| = 1.4 per step: from 1e60 it passes 1e75 after 103 steps
    e0 = np.ones(d)
    e0[70] = 1e60
    rec = np.arange(steps + 1)
    got, _ = noisy_moments_device(form, {"eta": 0.4}, lam, e0, 0.1, steps, 3, rec, np.arange(d), device=HOST)
    benign = lam.copy()
    benign[70] = 1.0
    ref = noisy_moments(form, {"eta": 0.4}, benign, e0, 0.1, steps, 3, rec, np.arange(d), backend="numpy")
    x = 1e60
    over = 0
    while abs(x) <= 1e75:  # the step at which the divergent direction passes 1e75 (its noise is 1e-61 relative)
        x = x * (1 - 0.4 * 6.0)
        over += 1
    thread = [64 * (70 // 64) + 70 % 16 + 16 * k for k in range(4)]  # 70, 86, 102, 118: one Philox call
    others = np.setdiff1d(np.arange(d), thread)
    np.testing.assert_array_equal(got.sum_e2[:, others], ref.sum_e2[:, others])
    assert np.all(np.isinf(got.sum_e2[over + 1:, thread])) and np.all(np.isfinite(got.sum_e2[: over + 1, thread]))
    assert np.all(np.isinf(got.sum_e4[over + 1:, thread]))


@pytest.mark.parametrize("form", [numerics.form("adam", "torch"), numerics.form("amsgrad", "torch"),
                                  numerics.form("triple-momentum", "vanscoy"), _lookahead()],
                         ids=lambda f: f.key)
def test_noisy_cuda_source_compiles_for_methods_with_many_states(form):
    """The regression of the macro collision: the generator's #define S1 .. C6 replaced the state names S1, S2, ...
    of every method with two or more state arrays, so no such noisy kernel compiled (NVRTC would fail alike)."""
    k = HostKernel(noisy_cuda_source(form), "run_noisy", cuda.OPTIONS)
    assert [p.name for p in k.params][:1 + len(form.state)] == ["lam"] + [f"st{i}" for i in range(len(form.state))]


# --------------------------------------------------------------------------------------------------------------
# the noise-free fused kernels, through simulate_diagonal's cupy branch with the host device

FORMS = [numerics.form(f.method, f.name) for f in numerics.forms(family="classic")]


@pytest.fixture
def host_gpu(monkeypatch):
    """simulate_diagonal(backend="cupy") runs its CuPy code path with the host emulation as the device."""
    monkeypatch.setattr(cuda, "gpu_available", lambda: True)
    monkeypatch.setattr(cuda, "current_device", lambda: HOST)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.key)
def test_cupy_path_matches_reference_and_numba(form, host_gpu):
    """tests/test_kernels.py's GPU test with the host device (fewer steps): converging runs on d = 2*1024 + 5 (not
    a multiple of the block of 1024 directions) and a divergent run, against the NumPy reference to 1e-12 and
    against the numba kernel."""
    r = np.random.default_rng(8)
    for lo, hi, d, scale, steps in ((0.05, 1.0, 2 * 1024 + 5, 0.5, 100), (0.05, 1.0, 2 * 1024 + 5, 3.0, 300),
                                    (1.0, 10.0, 1000, 3.0, 2000)):
        lam = np.sort(r.uniform(lo, hi, d))
        e0 = r.standard_normal(d)
        rule = numerics.rule(form.method, _params(form, scale), form.name)
        ref = numerics.simulate(rule, DiagonalQuadratic(lam), e0, steps)
        assert ref.diverged or lo < 1.0, "the last case must diverge"
        got = simulate_diagonal(rule, lam, e0, steps, backend="cupy")
        _compare(got, ref)
        _compare(got, simulate_diagonal(rule, lam, e0, steps, backend="numba"))
        assert np.all(np.isfinite(got.error_norm))


@pytest.mark.parametrize("form,params", [
    (numerics.form("heavy-ball", "polyak"), {"alpha": 0.5, "beta": 0.6}),
    (numerics.form("chebyshev", "semi-iterative"), {"mu": 0.05, "L": 1.0}),
    (_lookahead(), {"alpha": 0.5, "beta": 0.6, "la_alpha": 0.5}),
    (numerics.form("adam", "torch"), {"lr": 0.05}),
], ids=lambda x: getattr(x, "key", ""))
def test_fused_kernel_state_is_the_numpy_step_bit_for_bit(form, params):
    """Two segments (t0 = 0, then 37: the per-step scalars of the second start at step 38) on 2*1024 + 37
    directions: the device state arrays equal the method's NumPy step bit for bit; the per-step sums agree with
    the NumPy sums to rounding (block tree + atomicAdd order)."""
    rule = rule_of(form, params)
    r = np.random.default_rng(9)
    d = 2 * 1024 + 37
    lam = np.sort(r.uniform(0.05, 1.0, d))
    e0 = r.standard_normal(d)
    state = cuda.GpuState(lam, rule.init(e0.copy()), "float64", device=HOST)
    ref = rule.init(e0.copy())
    t0 = 0
    for n in (37, 20):
        q = np.zeros((n, len(rule.form.scalar_names)))
        for k in range(n if rule.form.scalars is not None else 0):  # as simulate_diagonal fills the table
            q[k] = [float(rule.form.step_params(rule.params, t0 + k + 1)[s]) for s in rule.form.scalar_names]
        err2, loss = cuda.run_segment_gpu(rule.form, state, rule.p, q, t0, n, 1e300, "float64")
        for k in range(n):
            ref = rule.step(ref, lambda y: lam * y, t0 + k + 1)
            np.testing.assert_allclose(err2[k], np.sum(ref[0] * ref[0]), rtol=1e-13)
            np.testing.assert_allclose(loss[k], np.sum(lam * ref[0] * ref[0]), rtol=1e-13)
        t0 += n
    for a, b in zip(state.arrays, ref):
        np.testing.assert_array_equal(a, b)


def test_cupy_path_tolerance_stop_and_float32(host_gpu):
    r = np.random.default_rng(5)
    lam = np.sort(r.uniform(0.1, 1.0, 999))
    e0 = r.standard_normal(999)
    rule = numerics.rule("gd", {"eta": 1.0})
    ref = numerics.simulate(rule, DiagonalQuadratic(lam), e0, 5000, tolerance=1e-8)
    assert ref.reached_tolerance
    _compare(simulate_diagonal(rule, lam, e0, 5000, backend="cupy", tolerance=1e-8), ref)
    lam = np.linspace(0.1, 1.0, 5000)
    e0 = r.standard_normal(5000)
    ref = simulate_diagonal(rule, lam, e0, 50, backend="numpy")
    f32 = simulate_diagonal(rule, lam, e0, 50, backend="cupy", precision="float32")
    np.testing.assert_allclose(f32.error_norm, ref.error_norm, rtol=1e-5)


@pytest.mark.parametrize("case", ["gd-1e200-kappa-1", "gd-1e-200", "gd-wide", "heavy-ball-1e150", "nesterov-1e-150"])
def test_cupy_path_matches_reference_at_extreme_magnitudes(case, host_gpu):
    """tests/test_kernel_ieee.py's cases (issue 8, item 14: a contracted FMA stalls gd at 2e-124 where the NumPy
    path reaches 0) through the CUDA kernel compiled as --fmad=false is mirrored."""
    from test_kernel_ieee import CASES

    method, params, lam = CASES[case]
    rule = numerics.rule(method, params)
    lam = np.array(lam)
    e0 = np.linspace(0.3, 0.7, lam.size)
    ref = simulate_diagonal(rule, lam, e0, 60, backend="numpy")
    got = simulate_diagonal(rule, lam, e0, 60, backend="cupy")
    assert got.steps_run == ref.steps_run
    np.testing.assert_allclose(got.error_norm, ref.error_norm, rtol=1e-14, atol=0)
    assert np.array_equal(got.error_norm == 0, ref.error_norm == 0)


# --------------------------------------------------------------------------------------------------------------
# the harness can fail: wrong argument types, out-of-bounds writes, divergent barriers


def test_argument_types_are_checked_against_the_c_signature():
    form = numerics.form("heavy-ball", "polyak")
    src = noisy_cuda_source(form)
    params = kernel_params(src, "run_noisy")
    assert [(p.name, p.ctype) for p in params][7:9] == [("k0", "unsigned int"), ("k1", "unsigned int")]
    rule = rule_of(form, {"alpha": 0.3, "beta": 0.6})
    d = 10
    launch, *_ = noisy_launch(rule, np.ones(d), rule.init(np.ones(d)), np.array([0.1]), np.zeros(d, np.int64),
                              np.array([3]), np.zeros((3, 0)), 2**40, 1, HOST)
    check_arguments(params, launch.args)  # the launcher's own arguments pass
    args = list(launch.args)
    bad = args.copy()
    bad[7] = np.uint64(5)  # the numba kernel's key type: 8 bytes where the CUDA kernel reads 4
    with pytest.raises(LaunchError, match=r"argument 7 \(unsigned int k0\).*uint64.*8 bytes"):
        check_arguments(params, tuple(bad))
    bad = args.copy()
    bad[0] = args[0].astype(np.float32)
    with pytest.raises(LaunchError, match=r"argument 0 \(double\* lam\).*float32"):
        check_arguments(params, tuple(bad))
    bad = args.copy()
    bad[9] = 3.0  # a Python float is passed as a double where the kernel reads a long long
    with pytest.raises(LaunchError, match=r"argument 9 \(long long n\).*float64.*reads as long long"):
        check_arguments(params, tuple(bad))
    with pytest.raises(LaunchError, match="arguments for a kernel of"):
        check_arguments(params, tuple(args[:-1]))
    with pytest.raises(LaunchError, match="--fmad=false"):
        HostKernel(src, "run_noisy", ("-std=c++14",))


_TOY = r'''
extern "C" __global__ void toy(double* a, const long long n, const int mode)
{
    __shared__ double s[64];
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    s[threadIdx.x] = (double)i;
    if (mode == 2 && threadIdx.x == 5) return;
    if (mode == 1 && threadIdx.x < 3) {
        __syncthreads();
    } else {
        __syncthreads();
    }
    const double left = s[(threadIdx.x + blockDim.x - 1) % blockDim.x];
    const double down = __shfl_down_sync(0xffffffffu, left, 1);
    if (mode == 3 || i < n) a[i] = left + 1000.0 * down;
}
'''


def test_the_emulation_has_barriers_shuffles_and_catches_errors():
    k = HostKernel(_TOY, "toy", cuda.OPTIONS)
    a = np.zeros(128)
    k((2,), (64,), (a, np.int64(128), np.int32(0)))
    i = np.arange(128)
    left = 64 * (i // 64) + (i % 64 - 1) % 64  # read after the barrier: the neighbour's shared value
    down = np.where(i % 32 < 31, i, left)  # lane + 1's value (its left neighbour is i), the last lane keeps its own
    np.testing.assert_array_equal(a, left + 1000.0 * down)
    with pytest.raises(LaunchError, match="divergent barrier"):
        k((1,), (64,), (np.zeros(64), np.int64(64), np.int32(1)))
    with pytest.raises(LaunchError, match="returned"):
        k((1,), (64,), (np.zeros(64), np.int64(64), np.int32(2)))
    with pytest.raises(LaunchError, match="wrote outside the array a"):
        k((2,), (64,), (np.zeros(100), np.int64(100), np.int32(3)))


def test_seeds_above_2_53_are_taken_exactly():
    """Found by the seeds of this file: validation.integer went through float, so seed 2**64 - 1 was refused as
    2**64 and seeds 2**53 + 1 and 2**53 drew the same stream."""
    from ratecheck.numerics import random as rng

    assert rng.seed_key(2**64 - 1) == (2**32 - 1, 2**32 - 1)
    assert rng.seed_key(2**53 + 1) == (1, 2**21)
    assert not np.array_equal(standard_normals(2**53 + 1, 1, 64), standard_normals(2**53, 1, 64))


def test_the_launch_options_compile_the_kernels_in_their_own_language_standard():
    """The host compiler takes the launch's -std=: strict C++14 rejects the noisy kernel's hexadecimal floating
    literals (C++17), so the launchers pass -std=c++17 (they passed -std=c++14 before this test)."""
    assert "-std=c++17" in cuda.OPTIONS and "--fmad=false" in cuda.OPTIONS
    with pytest.raises(LaunchError, match="exponent has no digits|hexadecimal"):
        HostKernel(noisy_cuda_source(numerics.form("gd")), "run_noisy", ("-std=c++14", "--fmad=false"))
    assert HostKernel(cuda.cuda_source(numerics.form("gd")), "run_steps", ("-std=c++14", "--fmad=false"))
