"""Every GD claim: derivation checks, simulation agrees with theory within its tolerance, and the
numbers match values computed here independently (published formulas, hand-computed factors)."""
from __future__ import annotations

import math

import pytest

from ratecheck.proofs.claim import Guarantee
from ratecheck.proofs.registry import claims_for
from ratecheck.proofs.testing import assert_claim, assert_comparison

CLAIMS = {c.id: c for c in claims_for("gd")}


@pytest.fixture(scope="module")
def outcomes():
    return {cid: c.run() for cid, c in CLAIMS.items()}


def test_claim_ids():
    expected = {
        "gd.error-recurrence", "gd.convergence-boundary", "gd.optimal-step",
        "gd.optimal-rate-kappa-10", "gd.optimal-rate-kappa-100", "gd.optimal-rate-kappa-10000",
        "gd.iteration-count", "gd.iterations-large-kappa", "gd.divergence-growth", "gd.rotation-equivariance",
        "gd.seed-003-lr-0.01", "gd.seed-003-lr-0.1", "gd.seed-003-lr-0.3", "gd.seed-003-lr-0.5",
    }
    assert set(CLAIMS) == expected


@pytest.mark.parametrize("cid", sorted(CLAIMS))
def test_claim_passes(outcomes, cid):
    o = outcomes[cid]
    assert o.symbolic.value != "failed"
    assert CLAIMS[cid].derivation is not None
    assert_comparison(o.numeric)
    if o.reference is not None:
        assert_comparison(o.reference)
    assert o.passed


@pytest.mark.parametrize("kappa", [10, 100, 10_000])
def test_optimal_rate_against_published_value(outcomes, kappa):
    """Nesterov (2018) Thm 2.1.15 / Polyak (1987): rate (kappa-1)/(kappa+1) at eta = 2/(mu+L)."""
    n = outcomes[f"gd.optimal-rate-kappa-{kappa}"].numeric
    gap = 2 / (kappa + 1)  # 1 - (kappa - 1)/(kappa + 1): the claim compares the gap, not rho
    assert n.expected == pytest.approx(gap, rel=1e-12)
    assert n.guarantee is Guarantee.TIGHT and n.tolerance <= 1.5e-3
    assert abs(n.computed - gap) <= n.tolerance * gap
    # the gap check implies the "fitted rate within 1 % of rho*" (and far more)
    assert abs((1 - n.computed) - (kappa - 1) / (kappa + 1)) <= 1e-2 * (kappa - 1) / (kappa + 1)


def test_optimal_step_location(outcomes):
    n = outcomes["gd.optimal-step"].numeric
    assert n.expected == pytest.approx(2 / 11, rel=1e-15)
    assert n.computed == pytest.approx(2 / 11, rel=1e-6)


def test_convergence_boundary(outcomes):
    n = outcomes["gd.convergence-boundary"].numeric
    assert n.expected == pytest.approx(2 / 100, rel=1e-15)
    assert n.computed == pytest.approx(0.02, rel=1e-3)


def test_iteration_count_exact(outcomes):
    n = outcomes["gd.iteration-count"].numeric
    assert n.guarantee is Guarantee.EXACT
    assert n.expected == math.ceil(math.log(1e-6) / math.log(99 / 101)) == 691
    assert n.computed == 691


def test_iterations_large_kappa(outcomes):
    n = outcomes["gd.iterations-large-kappa"].numeric
    assert n.expected == pytest.approx(500 * math.log(1e6), rel=1e-14)
    assert n.computed == pytest.approx(500 * math.log(1e6), rel=1e-3)


def test_divergence_growth(outcomes):
    n = outcomes["gd.divergence-growth"].numeric
    assert n.expected == pytest.approx(0.1, rel=1e-12)  # |1 - 2.1| - 1, compared as rho - 1
    assert n.computed == pytest.approx(0.1, rel=3e-3)


def test_recurrence_and_rotation_are_rounding_level(outcomes):
    assert outcomes["gd.error-recurrence"].numeric.computed < 1e-11
    assert outcomes["gd.rotation-equivariance"].numeric.computed < 1e-10


@pytest.mark.parametrize("eta", [0.01, 0.1, 0.3, 0.5])
def test_seed_exercise(outcomes, eta):
    """Seed note 003, Sec. 8 item 2: f = x^2 + 10 y^2, factors 1 - 2 eta and 1 - 20 eta (computed here)."""
    rho = max(abs(1 - 2 * eta), abs(1 - 20 * eta))
    cls = "converges" if rho < 1 - 1e-12 else "boundary" if rho <= 1 + 1e-12 else "diverges"
    n = outcomes[f"gd.seed-003-lr-{eta:g}"].numeric
    assert n.guarantee is Guarantee.EXACT
    assert n.expected == f"{cls}, rate {rho:.6g}"
    assert n.computed == n.expected


def test_seed_classes_are_the_expected_ones():
    from ratecheck.proofs.claims.gd import simulated_class

    assert [simulated_class(e)[0] for e in (0.01, 0.1, 0.3, 0.5)] == ["converges", "boundary", "diverges", "diverges"]


def test_assert_claim_helper_runs_a_gd_claim():
    assert_claim("gd.seed-003-lr-0.3")
