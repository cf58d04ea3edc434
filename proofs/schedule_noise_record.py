r"""The `rate --schedule SPEC --noise ...` record: a scheduled method's final variance on one eigen-direction.

A schedule has no stationary state, so the counterpart of `rate --noise`'s stationary variance is the variance
after the schedule's T steps from :math:`x_0 = x^*` (only the noise acts, so it is the variance part of the final
expected loss): derived from the mean and Lyapunov recursions of the scheduled method value
(:func:`proofs.noisy_quadratic.exact_second_moment`, 30 digits) and simulated (:func:`proofs.noisy_quadratic.
noisy_run`, ``replicas`` directions, mean of :math:`e_T^2` and its standard error).  Next to it, the stationary
variance of the method at its constant base step (the noise floor a constant schedule would reach), when it has one.
"""
from __future__ import annotations

from typing import Any, Mapping

from ratecheck.numerics import validation as v
from ratecheck.numerics.noise import NoiseModel

from .noisy_quadratic import Z_TOLERANCE, exact_second_moment, noisy_run, stationary_second_moment

__all__ = ["final_variance_record"]


def final_variance_record(inner, scheduled_method, params: Mapping[str, float], eigenvalue: float, noise: NoiseModel,
                          steps: int, *, replicas: int = 100_000, seed: int = 0) -> dict[str, Any]:
    r"""Final variance and loss of ``scheduled_method`` after ``steps`` steps from :math:`x^*` on one eigenvalue,
    derived and simulated; ``inner`` (the unscheduled method value) gives the constant step's stationary variance."""
    lam = v.positive("eigenvalues", eigenvalue)
    replicas = v.integer("replicas", replicas, 2)
    steps = v.integer("steps", steps, 1)
    var = float(noise.variance([lam])[0])
    theory = float(exact_second_moment(scheduled_method, params, [lam], 0.0, var, [steps],
                                       high_precision=True)["total"][0, 0])
    run = noisy_run(scheduled_method, params, [lam], noise, steps=steps, record_steps=[steps], replicas=replicas,
                    seed=seed, e0=0.0)
    mc, se = float(run["loss"][-1]) * 2 / lam, float(run["loss_stderr"][-1]) * 2 / lam
    floor = stationary_second_moment(inner, params, lam, var)
    z = abs(mc - theory) / se if se > 0 else None
    return {"noise": str(noise), "noise_distribution": noise.dist, "replicas": replicas, "final_steps": steps,
            "final_variance_theory": theory, "final_variance_simulated": mc, "final_variance_stderr": se,
            "final_loss_theory": lam * theory / 2, "final_loss_simulated": lam * mc / 2, "final_z": z,
            "final_agrees": bool(z is not None and z <= Z_TOLERANCE) or (se == 0 and mc == theory),
            "stationary_variance_constant_step": floor,
            "stationary_loss_constant_step": None if floor is None else lam * floor / 2}
