"""``ratecheck simulate ... --schedule SPEC`` and ``--average polyak|ema:alpha=A``: the two hooks of simulate.py.

* ``--schedule SPEC`` runs the method value with its step size (and OneCycle's momentum) replaced step by step
  (numerics/schedules.py); the constant-parameter rate and the Marchenko-Pastur prediction are then not shown.
* ``--average`` runs the averaged-output method value (numerics/averaging.py: its iterate is the average) with
  the same backend, and predicts the averaged error from the engine's iteration matrices (proofs/averaging.py):
  trajectory rows gain "averaged_error_ratio" and "averaged_error_ratio_predicted" (null for a method that is
  not linear).  polyak averages x_1 .. x_t (x_0 excluded; polyak:include_x0=1 includes it); ema:alpha=A starts
  from x_1 as torch's AveragedModel does (start=x0: note 000's EMA class; start=zero[,debias=1]: optax.ema).
  Row t = 0 shows the filter's start: 1.
"""
from __future__ import annotations

__all__ = ["add_arguments", "scheduled_rule", "averaged_columns"]


def add_arguments(p) -> None:
    p.add_argument("--schedule", metavar="SPEC", help="learning-rate schedule, e.g. cosine or step:step_size=50 "
                   "(see `ratecheck schedule --help`); T = --steps")
    p.add_argument("--average", metavar="SPEC", help="also report the averaged iterate: polyak[:include_x0=1] or "
                   "ema:alpha=A[,start=first|x0|zero][,debias=1]")


def scheduled_rule(args, form, rule):
    """(the rule to run, the Schedule or None)."""
    if getattr(args, "schedule", None) is None:
        return rule, None
    from ratecheck import numerics
    from ratecheck.numerics.schedules import parse_schedule, scheduled

    sch = parse_schedule(args.schedule, args.steps)
    return numerics.rule_of(scheduled(form, sch), rule.params), sch


def averaged_columns(args, form, rule, schedule, lam, e0, times, backend):
    """(averaged error ratio, its prediction) at ``times``, or None without --average."""
    if getattr(args, "average", None) is None:
        return None
    import numpy as np

    from ratecheck import numerics
    from ratecheck.numerics.averaging import averaged_output, parse_average
    from ratecheck.numerics.backends import simulate_diagonal
    from ratecheck.numerics.schedules import scheduled

    avg = parse_average(args.average)
    inner = scheduled(form, schedule) if schedule is not None else form
    arule = numerics.rule_of(averaged_output(inner, avg), rule.params)
    traj = simulate_diagonal(arule, lam, e0, args.steps, backend=backend, precision=args.precision,
                             record_every=args.record_every)
    by_t = dict(zip(traj.times.tolist(), traj.error_ratio.tolist()))
    ratio = np.array([by_t.get(int(t), np.nan) for t in times])
    predicted = None
    if numerics.methods.linearity(form) != "not linear":
        from ratecheck.proofs.averaging import predicted_averaged_ratio

        full = predicted_averaged_ratio(form, rule.params, lam, e0, int(times[-1]), avg, schedule)
        predicted = full[times]
    return ratio, predicted


def _num(x) -> str:
    return "null" if x is None or x != x or x in (float("inf"), float("-inf")) else repr(float(x))


def averaged_fields(averaged, i: int) -> str:
    """The two JSON fields of row ``i`` (appended before the row's closing brace)."""
    ratio, predicted = averaged
    q = None if predicted is None else float(predicted[i])
    return f', "averaged_error_ratio": {_num(float(ratio[i]))}, "averaged_error_ratio_predicted": {_num(q)}'


def averaged_cells(averaged, i: int) -> str:
    ratio, predicted = averaged
    q = "n/a" if predicted is None else f"{float(predicted[i]):.8g}"
    return f"  {float(ratio[i]):>14.8g}  {q:>14}"
