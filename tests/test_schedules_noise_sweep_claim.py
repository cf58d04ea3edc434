"""Claim schedules-noise.cosine-below-floor-over-kappa: cosine ends below the floor at every kappa; it can fail."""
from __future__ import annotations

from ratecheck.proofs import registry
from ratecheck.proofs.claims import schedules_noise_sweep as claim
from ratecheck.proofs.claims.sweep_noise import closed_forms


def test_claim_passes_and_the_simulated_curves_agree_with_the_exact_ones():
    assert registry.get("schedules-noise.cosine-below-floor-over-kappa").run().passed
    points = claim.scheduled_sweep()["points"]
    assert len(points) == 9 and all(p["final_schedule_check"] == "agrees" for p in points)


def test_the_constant_schedule_does_not_end_below_the_floor():
    # the constant step ends on its floor (gd at kappa = 1000 still carries some bias at T = 1000): both checks fail
    constant = claim.scheduled_sweep("constant")
    assert not claim.simulated_below(constant, closed_forms()).passed
    assert not claim.exact_below(constant, closed_forms()).passed
