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
