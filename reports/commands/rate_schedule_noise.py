"""``ratecheck rate METHOD --schedule SPEC --steps T --eigenvalues LAMBDA --noise ...``: the final variance.

The hook of reports/commands/rate_schedule.py: the schedule's record gains the fields of
:func:`proofs.schedule_noise_record.final_variance_record` (the variance after T steps from x* under the noise,
derived and simulated, and the constant base step's stationary variance for comparison).
"""
from __future__ import annotations

__all__ = ["fields", "print_fields"]


def fields(args, method, r: dict, noise) -> dict:
    from ratecheck import numerics
    from ratecheck.numerics.schedules import parse_schedule, scheduled
    from ratecheck.proofs.schedule_noise_record import final_variance_record

    from . import noise_options

    inner = numerics.form(method, args.form) if isinstance(method, str) else method
    sch = parse_schedule(args.schedule, args.steps)
    return final_variance_record(inner, scheduled(inner, sch), r["params"], float(r["mu"]), noise, args.steps,
                                 replicas=args.replicas or noise_options.RATE_REPLICAS, seed=args.seed)


def print_fields(r: dict) -> None:
    verdict = "agree" if r["final_agrees"] else "DISAGREE"
    z = "n/a" if r["final_z"] is None else f"{r['final_z']:.3g}"
    print(f"noise {r['noise']}, from x0 = x*, {r['replicas']:,} replicas, after the schedule's {r['final_steps']} steps:")
    print(f"final variance (theory)   : {r['final_variance_theory']:.10g}   (loss {r['final_loss_theory']:.10g})")
    print(f"final variance (simulated): {r['final_variance_simulated']:.10g} +- {r['final_variance_stderr']:.3g}   "
          f"({verdict}: {z} standard errors)")
    floor = r["stationary_variance_constant_step"]
    print("constant step's floor     : " + ("none (not stable at this eigenvalue)" if floor is None else
                                           f"{floor:.10g}   (stationary variance at the base step)"))
