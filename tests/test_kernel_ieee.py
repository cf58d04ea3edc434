"""The fused CPU kernel computes the state exactly as the NumPy reference does (issue 8, item 14).

With fast-math reassociation eta*(lam*x) became (eta*lam)*x: at lam = 1e200, eta = 1/lam, gradient
descent on kappa = 1 stalled at 2e-124 in numba while the reference reaches 0 in two steps.  Extreme
magnitudes are compared against the reference path (NumPy, one expression per operation).
"""
from __future__ import annotations

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.backends import simulate_diagonal

CASES = {
    "gd-1e200-kappa-1": ("gd", {"eta": 2 / (2e200)}, [1e200, 1e200]),
    "gd-1e-200": ("gd", {"eta": 1e200 / 1.5}, [1e-200, 2e-200]),
    "gd-wide": ("gd", {"eta": 2 / (1e-150 + 1e150)}, [1e-150, 1.0, 1e150]),
    "heavy-ball-1e150": ("heavy-ball", {"alpha": 1e-150, "beta": 0.3}, [1e150, 3e149]),
    "nesterov-1e-150": ("nesterov", {"alpha": 1e150, "beta": 0.5}, [1e-150, 0.5e-150]),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_numba_matches_reference_at_extreme_magnitudes(case):
    method, params, lam = CASES[case]
    rule = numerics.rule(method, params)
    lam = np.array(lam)
    e0 = np.linspace(0.3, 0.7, lam.size)
    ref = simulate_diagonal(rule, lam, e0, 60, backend="numpy")
    fused = simulate_diagonal(rule, lam, e0, 60, backend="numba")
    assert fused.steps_run == ref.steps_run
    # same state => same norms up to the order of the two-term sums (a few ulp)
    np.testing.assert_allclose(fused.error_norm, ref.error_norm, rtol=1e-14, atol=0)
    assert np.array_equal(fused.error_norm == 0, ref.error_norm == 0)


def test_gd_kappa_one_at_1e200_reaches_zero(cli):
    """`rate gd --eigenvalues 1e200,1e200`: kappa = 1, rate 0; converges (it reported 'no', error 1.3e16)."""
    import json

    r = cli(["rate", "gd", "--eigenvalues", "1e200,1e200", "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    # eta = 1e-200 is not exactly 1/lambda: the derived rate |1 - eta lambda| is 4.8e-17 in 50 digits, while
    # float64 rounds the step to exactly 0 (as the NumPy reference does); the gaps agree to 1e-16
    assert out["rate_theory"] < 1e-15 and out["rate_simulated"] == 0.0
    assert out["converges"] is True and out["verdict"] == "converges"
    assert out["gap_relative_error"] < 1e-15


def test_serial_and_parallel_kernels_agree():
    """Small problems run on the calling thread (run_steps_serial), large ones in parallel: same state."""
    from ratecheck.numerics.kernels.cpu import DEFAULT_BLOCK, SERIAL_BLOCKS

    rule = numerics.rule("heavy-ball", {"alpha": 0.03, "beta": 0.6})
    n = (SERIAL_BLOCKS + 3) * DEFAULT_BLOCK
    lam = np.linspace(1.0, 60.0, n)
    e0 = np.cos(np.arange(n))
    big = simulate_diagonal(rule, lam, e0, 40, backend="numba")
    ref = simulate_diagonal(rule, lam, e0, 40, backend="numpy")
    np.testing.assert_allclose(big.error_norm, ref.error_norm, rtol=1e-13)
    small = simulate_diagonal(rule, lam[:DEFAULT_BLOCK], e0[:DEFAULT_BLOCK], 40, backend="numba")
    ref_small = simulate_diagonal(rule, lam[:DEFAULT_BLOCK], e0[:DEFAULT_BLOCK], 40, backend="numpy")
    np.testing.assert_allclose(small.error_norm, ref_small.error_norm, rtol=1e-13)


def test_to_float_fast_path_matches_sympy():
    """theory.evaluate compiles an expression once (mpmath at 100 digits); it must agree with subs + N."""
    import sympy as sp

    from ratecheck.theory.evaluate import to_mpf

    mu, L, eta = sp.symbols("mu L eta", positive=True)
    expr = sp.Max(sp.Abs(1 - eta * mu), sp.Abs(1 - eta * L))
    for vals in ({"mu": 1.0, "L": 100.0, "eta": 2 / 101}, {"mu": 1e-8, "L": 1.0, "eta": 1.5}):
        slow = sp.N(expr.subs({mu: sp.Float(vals["mu"], 50), L: sp.Float(vals["L"], 50),
                               eta: sp.Float(vals["eta"], 50)}), 50)
        assert abs(to_mpf(expr, vals) - to_mpf(slow)) <= 1e-45 * abs(to_mpf(slow))
