"""The two-moment argument (theory.noise_moments) and the Rademacher claims of topic 'noisy-quadratic'.

Expected values: the derivation's steps are checked by SymPy (and shown to fail on a wrong recursion); the claims'
Monte Carlo runs must reject a 2 % error in the exact value, as the Gaussian claims do
(tests/test_noisy_quadratic.py::test_tolerance_rejects_a_wrong_theory).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ratecheck.proofs import noisy_quadratic as pnq
from ratecheck.proofs.claims import noisy_quadratic as gaussian
from ratecheck.proofs.claims import noisy_rademacher as rad
from ratecheck.theory import noise_moments as nm
from ratecheck.theory.derivation import CheckStatus, is_zero


def test_the_derivation_checks_and_rests_on_one_assumption():
    d = nm.moment_recursion_derivation()
    outs = d.outcomes()
    assert all(o.status is not CheckStatus.FAILED for o in outs)
    assert [o.step.label for o in outs if o.status is CheckStatus.ASSUMED] == ["independent noise"]
    assert d.steps[-1].label == "zero-mean noise"  # the statement of the theorem


def test_expectation_rule_keeps_higher_moments_where_they_occur():
    """The rule is not built to return m_1, m_2: a cubic noise term gives m_3, and E(q e + c w)^4 has c^4 m_4."""
    s = sp.Matrix(sp.symbols("s_1 s_2", real=True))
    mu = sp.Matrix(sp.symbols("mu_1 mu_2", real=True))
    S = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"S_{min(i, j) + 1}{max(i, j) + 1}", real=True))
    m1, m2, m3, m4 = nm.MOMENTS
    assert nm.expectation(3 * s[0] * nm.W ** 3 + s[0] * s[1] * nm.W, s, mu, S) == 3 * mu[0] * m3 + S[0, 1] * m1
    total, symmetric, (q, c, eps) = nm.fourth_moment_sgd()
    assert sp.expand(total).coeff(m3) == 4 * q * c ** 3 * eps[0]
    assert is_zero(symmetric - (q ** 4 * eps[3] + 6 * q ** 2 * c ** 2 * m2 * eps[1] + c ** 4 * m4))[0]


def test_a_wrong_recursion_fails_the_identity():
    """Dropping the cross term m_1 (M mu b^T + b mu^T M^T) leaves a residual: the check can fail."""
    *_, E_outer, _, second = nm._recursions(2)
    M, b, s, mu, S = nm._system(2)
    wrong = M * S * M.T + nm.MOMENTS[1] * b * b.T
    assert is_zero(E_outer - second)[0]
    assert not is_zero(E_outer - wrong)[0]


def test_both_laws_give_the_same_exact_curve_and_rademacher_a_smaller_spread():
    g, r = gaussian.curve_run(), rad.curve_run()
    np.testing.assert_array_equal(g["loss_predicted"], r["loss_predicted"])  # the same exact expectation
    assert r["noise"].endswith("dist=rademacher") and g["noise"] == "additive:sigma=0.01"
    late = g["record_steps"] >= 100  # near the floor the noise dominates: E zeta^4 = 1 < 3
    assert np.all(r["loss_stderr"][late] < g["loss_stderr"][late])


def test_tolerance_rejects_a_wrong_theory_under_rademacher_noise():
    """A 2 % error in the exact curve or the stationary variance is more than 5 standard errors away."""
    for run in (rad.curve_run(), rad.minibatch_run()):
        se = np.where(run["loss_stderr"] > 0, run["loss_stderr"], np.inf)
        off = np.abs(run["loss"] - 1.02 * run["loss_predicted"]) / se
        assert off.max() > pnq.Z_TOLERANCE
        assert run["max_z"] <= pnq.Z_TOLERANCE
    for which, c in rad.STATIONARY.items():
        r = rad.stationary_run(which)
        mc, se = float(r["loss"][-1]) * 2 / c["lam"], float(r["loss_stderr"][-1]) * 2 / c["lam"]
        exact = rad.stationary_closed_form(which)
        assert abs(mc - 1.02 * exact) > pnq.Z_TOLERANCE * se and abs(mc - exact) <= pnq.Z_TOLERANCE * se, which


def test_rademacher_claim_ids_are_new_and_in_the_topic():
    from ratecheck.proofs.registry import claims_for

    ids = [c.id for c in claims_for("noisy-quadratic")]
    new = [c.id for c in rad.CLAIMS]
    assert new == ["noisy-quadratic.rademacher-sgd-stationary-variance",
                   "noisy-quadratic.rademacher-heavy-ball-stationary-variance",
                   "noisy-quadratic.rademacher-loss-curve", "noisy-quadratic.rademacher-minibatch-loss-curve"]
    assert ids[-len(new):] == new and len(set(ids)) == len(ids)
