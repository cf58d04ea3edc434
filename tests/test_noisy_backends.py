"""The one Monte Carlo seam numerics.noisy.noisy_moments: its NumPy reference and its fused kernel give the same runs.

Expected values: the NumPy backend (the method value's own ``Rule.step`` fed numerics.random.standard_normals)
against the numba backend (the generated kernel, normals drawn inside it).  With one direction per group a sum
is one term, so the iterates are compared bit for bit; with many directions per group the two backends add in
different orders (numerics/noisy.py, numerics/kernels/noisy.py), so the sums are compared to rounding.
"""
from __future__ import annotations

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.averaging import Average, averaged_output
from ratecheck.numerics.backends import SMALL_STEPS, SMALL_WORK
from ratecheck.numerics.linear_family import lookahead
from ratecheck.numerics.noisy import noisy_moments, resolve_noisy_backend
from ratecheck.numerics.validation import ParameterError

CASES = [
    ("gd", lambda: numerics.form("gd"), {"eta": 0.4}),
    ("heavy ball", lambda: numerics.form("heavy-ball", "polyak"), {"alpha": 0.3, "beta": 0.6}),
    ("nesterov", lambda: numerics.form("nesterov"), {"alpha": 0.3, "beta": 0.5}),
    ("lookahead k=5", lambda: lookahead(numerics.form("gd"), 5), {"eta": 0.3, "la_alpha": 0.5}),
    ("polyak-ruppert", lambda: averaged_output(numerics.form("gd"), Average("polyak")), {"eta": 0.4}),
    ("ema x0", lambda: averaged_output(numerics.form("heavy-ball"), Average("ema", alpha=0.9, start="x0")),
     {"alpha": 0.3, "beta": 0.6}),
]


def _problem(d, seed):
    r = np.random.default_rng(seed)
    return np.sort(r.uniform(0.5, 2.0, d)), r.standard_normal(d), r.uniform(0.1, 1.0, d)


@pytest.mark.parametrize("name,method,params", CASES, ids=[c[0] for c in CASES])
def test_backends_give_the_same_iterates_bit_for_bit(name, method, params):
    d, steps, seed = 2 * 64 + 29, 30, 2**40 + 3
    lam, e0, sig = _problem(d, 1)
    m = method()
    for s in (0.7, sig):  # one sigma, and one per direction
        a, b = (noisy_moments(m, params, lam, e0, s, steps, seed, np.arange(steps + 1), np.arange(d), backend=k)
                for k in ("numpy", "numba"))
        np.testing.assert_array_equal(a.record_steps, b.record_steps)
        np.testing.assert_array_equal(a.count, b.count)
        np.testing.assert_array_equal(a.sum_e2, b.sum_e2)
        np.testing.assert_array_equal(a.sum_e4, b.sum_e4)
        assert np.all(np.isfinite(a.sum_e2)) and np.all(a.sum_e2[1:] != a.sum_e2[:-1])  # the run moved


@pytest.mark.parametrize("name,method,params", CASES[:4], ids=[c[0] for c in CASES[:4]])
def test_backends_give_the_same_group_sums_to_rounding(name, method, params):
    """Replicas in groups (contiguous tiles and a ragged rest): the kernel's tile sums are reassociated."""
    d, steps, seed = 5 * 64 * 7 + 13, 25, 9
    lam, e0, _ = _problem(d, 2)
    groups = np.arange(d) * 5 // d  # five contiguous groups
    lam = np.array([0.5, 0.9, 1.3, 1.7, 2.0])[groups]
    a, b = (noisy_moments(method(), params, lam, e0, 0.5, steps, seed, [0, 1, 10, 25], groups, backend=k)
            for k in ("numpy", "numba"))
    np.testing.assert_array_equal(a.count, b.count)
    np.testing.assert_array_equal(a.sum_e2[0], b.sum_e2[0])  # step 0: both add e0^2 with bincount
    np.testing.assert_allclose(b.sum_e2, a.sum_e2, rtol=1e-13, atol=0)
    np.testing.assert_allclose(b.sum_e4, a.sum_e4, rtol=1e-13, atol=0)
    assert not np.array_equal(a.sum_e2[1:], a.sum_e2[:-1])


def test_auto_picks_numpy_for_small_problems_and_the_kernel_otherwise():
    assert resolve_noisy_backend("auto", 100, 100) == "numpy"
    assert resolve_noisy_backend("auto", SMALL_WORK // SMALL_STEPS, SMALL_STEPS) == "numpy"
    assert resolve_noisy_backend("auto", SMALL_WORK // SMALL_STEPS + 1, SMALL_STEPS) == "numba"
    assert resolve_noisy_backend("auto", 1, SMALL_STEPS + 1) == "numba"
    assert resolve_noisy_backend("numpy", 10**8, 10**6) == "numpy"
    with pytest.raises(ParameterError, match="backend"):
        resolve_noisy_backend("cupy", 10, 10)


def test_auto_runs_what_it_resolves_to():
    """A large run through auto is the kernel's run (the same bits as backend='numba')."""
    d, steps = SMALL_WORK // 10 + 64, 10
    lam = np.linspace(0.5, 2.0, d)
    e0 = np.ones(d)
    groups = np.arange(d) % 3
    args = (numerics.form("gd"), {"eta": 0.5}, lam, e0, 1.0, steps, 4, [steps], groups)
    auto, numba = noisy_moments(*args), noisy_moments(*args, backend="numba")
    np.testing.assert_array_equal(auto.sum_e2, numba.sum_e2)


def test_block_is_a_kernel_option():
    with pytest.raises(ParameterError, match="block"):
        noisy_moments(numerics.form("gd"), {"eta": 0.5}, [1.0, 2.0], [1.0, 1.0], 1.0, 3, 0, [3], np.array([0, 1]),
                      backend="numpy", block=64)
