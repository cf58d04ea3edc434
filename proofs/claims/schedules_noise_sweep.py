r"""Claim of topic 'schedules-noise' over the condition-number grid: cosine annealing ends below the noise floor.

The scheduled noisy sweep (:func:`proofs.sweep_noise_schedule.run_scheduled_noisy_sweep`) of :data:`SWEEP` — gd,
heavy ball and Nesterov at their optimal tunings on :math:`\mathrm{diag}(1/\kappa, 1)`, :math:`\kappa = 10, 100,
1000`, additive noise :data:`SIGMA`, cosine annealing from the tuned step over :data:`STEPS` steps — against the
constant step's noise floor in closed form (:func:`theory.sweep_noise.floor_growth_derivation`).  The confirmation
is the Monte Carlo run of the scheduled method (1000 copies from the extreme start): its final mean plus
:data:`~proofs.noisy_quadratic.Z_TOLERANCE` standard errors is below the floor at every point; the reference check
is the exact final loss (mean + Lyapunov recursions of the scheduled method value) over the floor.
"""
from __future__ import annotations

from functools import cache

from ratecheck.numerics import noise as noise_models

from ..claim import Claim, Comparison, Guarantee, Reference
from ..noisy_quadratic import Z_TOLERANCE
from ..sweep import SweepConfig
from .sweep_noise import closed_forms

__all__ = ["CLAIMS", "SWEEP", "SIGMA", "STEPS", "SCHEDULE", "scheduled_sweep", "simulated_below", "exact_below"]

TOPIC = "schedules-noise"
SWEEP = SweepConfig(kappa_min=10.0, kappa_max=1e3, points=3, init="extreme")
SIGMA = 0.01
STEPS = 1000
SCHEDULE = "cosine"


@cache
def scheduled_sweep(schedule: str = SCHEDULE) -> dict:
    """The noisy sweep of :data:`SWEEP` under ``schedule`` over :data:`STEPS` steps."""
    from ..sweep_noise_schedule import run_scheduled_noisy_sweep

    return run_scheduled_noisy_sweep(SWEEP, noise_models.additive(SIGMA), schedule, STEPS)


def _floor(p, forms) -> float:
    return float(forms[p["method"]](p["kappa"]))


def simulated_below(result: dict, forms: dict) -> Comparison:
    r"""Largest (simulated final loss + 5 se) / closed-form floor over the points of ``result``."""
    worst = max(result["points"], key=lambda p: (p["final_loss_schedule_simulated"] + Z_TOLERANCE
                                                 * p["final_loss_schedule_stderr"]) / _floor(p, forms))
    ratio = (worst["final_loss_schedule_simulated"] + Z_TOLERANCE * worst["final_loss_schedule_stderr"]) / _floor(
        worst, forms)
    zmax = max(p["final_loss_schedule_max_z"] for p in result["points"])
    return Comparison(ratio, 1.0, 0.0, Guarantee.UPPER,
                      r"largest (simulated final loss $+\,5$ se) / floor over the methods and $\kappa$",
                      f"worst {worst['method']} at kappa = {worst['kappa']:.4g}; every simulated curve within "
                      f"{zmax:.2f} se of the exact one at its recorded steps")


def exact_below(result: dict, forms: dict) -> Comparison:
    r"""Largest exact final loss / closed-form floor over the points of ``result``."""
    rows = {(p["method"], p["kappa"]): p["final_loss_schedule_theory"] / _floor(p, forms) for p in result["points"]}
    (m, k), ratio = max(rows.items(), key=lambda kv: kv[1])
    return Comparison(ratio, 1.0, 0.0, Guarantee.UPPER, r"largest exact final loss / floor over the methods and $\kappa$",
                      f"worst {m} at kappa = {k:.4g}; smallest ratio {min(rows.values()):.2g}")


def _claim() -> Claim:
    return Claim(
        f"{TOPIC}.cosine-below-floor-over-kappa", TOPIC,
        r"Over the condition-number grid $\kappa = 10, 100, 1000$ ($\mathrm{diag}(1/\kappa, 1)$, additive noise "
        r"$\sigma = 0.01$), cosine annealing from each method's optimal step over $T = 1000$ steps ends below that "
        r"method's constant-step noise floor, for gradient descent, heavy ball and Nesterov alike: at every point "
        r"the simulated final loss plus $5$ standard errors is below the floor (the exact final loss is between "
        r"$0.02\,\%$ and $9\,\%$ of it, the most for Nesterov at $\kappa = 1000$).",
        _derivation, lambda: simulated_below(scheduled_sweep(), closed_forms()),
        reference=Reference("the floors in closed form (claim sweep.noise-floor-growth)", 1.0, "ratio 1"),
        reference_check=lambda: exact_below(scheduled_sweep(), closed_forms()))


def _derivation():
    from .schedules_noise import derivation  # the topic's derivation (final loss of scheduled SGD), cached there

    return derivation()


CLAIMS = [_claim()]
