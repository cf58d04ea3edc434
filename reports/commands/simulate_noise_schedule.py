"""``ratecheck simulate METHOD --schedule SPEC --noise ...``: the hook that schedules the method run under noise.

With --schedule the noisy run (reports/commands/simulate_noise.py) runs the scheduled method value
(:func:`numerics.schedules.scheduled`, T = --steps) and "loss_predicted" is the exact expected loss of that
time-varying method (the mean and Lyapunov recursions with its per-step scalars, proofs/noisy_quadratic.py);
the constant-parameter rate and the stationary loss are then null (a schedule has no stationary state), and the
record gains "schedule" and "loss_bias_predicted_final" / "loss_variance_predicted_final" (the exact bias and
variance parts at the last step).
"""
from __future__ import annotations

__all__ = ["scheduled_form", "schedule_fields"]


def scheduled_form(args, form):
    """(the method value to run, the Schedule or None)."""
    if getattr(args, "schedule", None) is None:
        return form, None
    from ratecheck.numerics.schedules import parse_schedule, scheduled

    sch = parse_schedule(args.schedule, args.steps)
    return scheduled(form, sch), sch


def schedule_fields(schedule, run) -> dict:
    """The record's extra fields under a schedule (empty without one)."""
    if schedule is None:
        return {}
    import math

    bias = float(run["loss_bias"][-1])
    total = float(run["loss_predicted"][-1])
    ok = math.isfinite(bias) and math.isfinite(total)
    return {"schedule": schedule.spec, "loss_bias_predicted_final": bias if ok else None,
            "loss_variance_predicted_final": total - bias if ok else None}
