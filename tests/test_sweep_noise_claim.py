"""Claim sweep.noise-floor-growth: the noisy sweep's floors against the closed forms in kappa, and that it can fail."""
from __future__ import annotations

import math

import pytest

from ratecheck.proofs import registry
from ratecheck.proofs.claims import sweep_noise as claim
from ratecheck.theory.derivation import CheckStatus
from ratecheck.theory.sweep_noise import floor_growth_derivation


def test_claim_passes_and_every_checked_step_holds():
    outcome = registry.get("sweep.noise-floor-growth").run()
    assert outcome.passed
    statuses = [s.verify().status for s in floor_growth_derivation().steps]
    assert statuses.count(CheckStatus.ASSUMED) == 2  # the two stationary variances and the problem: hypotheses
    assert all(s in (CheckStatus.PASSED, CheckStatus.ASSUMED) for s in statuses)


def test_closed_forms_at_hand_computed_points():
    f, s2 = claim.closed_forms(), claim.SIGMA ** 2
    assert float(f["gd"](10.0)) == pytest.approx(s2 * 11 / 2, rel=1e-14)
    assert float(f["heavy-ball"](100.0)) == pytest.approx(s2 * 101 ** 2 / 40, rel=1e-14)
    # Nesterov at kappa = 1/3 * (r^2 - 1) with r = 7 (kappa = 16): the rational function evaluated by hand
    r = 7.0
    nag = s2 * (r + 1) * (5 * r**5 - 10 * r**4 - 2 * r**3 + 20 * r**2 - 16 * r + 4) / (
        12 * (r - 1) ** 2 * (2 * r - 1) * (r * r - r + 1))
    assert float(f["nesterov"](16.0)) == pytest.approx(nag, rel=1e-12)


def test_the_comparisons_fail_for_a_wrong_closed_form():
    result, forms = claim.floor_sweep(), dict(claim.closed_forms())
    assert claim.simulated_against(result, forms).passed and claim.lyapunov_against(result, forms).passed
    s2 = claim.SIGMA ** 2
    # Nesterov's asymptote 5 sqrt(3) sigma^2 sqrt(kappa) / 24 is 33 % low at kappa = 10 (the Monte Carlo's one
    # standard error is about 4 % of the floor, so it resolves errors of more than about 20 %)
    wrong = {**forms, "nesterov": lambda k: 5 * math.sqrt(3) * s2 * math.sqrt(k) / 24}
    assert not claim.simulated_against(result, wrong).passed
    # gd's floor without the + 1: relative error 1/(kappa + 1), far above 1e-9
    assert not claim.lyapunov_against(result, {**forms, "gd": lambda k: s2 * k / 2}).passed
    # a Monte Carlo mean moved by 6 standard errors fails the 5-standard-error tolerance
    p = next(q for q in result["points"] if q["stationary_loss_simulated"] is not None)
    moved = {**result, "points": [{**p, "stationary_loss_simulated": float(forms[p["method"]](p["kappa"]))
                                   + 6 * p["stationary_loss_stderr"]}]}
    assert not claim.simulated_against(moved, forms).passed
    assert math.isfinite(claim.simulated_against(result, forms).computed)
