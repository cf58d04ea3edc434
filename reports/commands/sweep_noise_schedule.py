"""`ratecheck sweep --noise SPEC --schedule SCHED --steps T [--target-loss X]`: the noisy sweep under a schedule.

The hook of reports/commands/sweep_noise.py (which adds the flags through :func:`add_arguments` and calls
:func:`check` and :func:`print_table`).  SCHED as for `simulate`/`rate` (see `ratecheck schedule --help`), over
T = --steps steps, its base rate the point's step size (the --tuning or --vary parameters).  Per point the exact
final expected loss E f(x_T) - f* under the schedule ("final_loss_schedule_theory", bias + variance), the constant
step's at T ("final_loss_constant_theory") and floor, the ratio to the floor, a Monte Carlo check where cheap
(mean +- standard error at T, z), and with --target-loss the first t <= T at which the exact scheduled loss
reaches X (proofs/sweep_noise_schedule.py).

Example:
  ratecheck sweep --kappa 10:1e3 --points 3 --noise additive:sigma=0.01 --schedule cosine --steps 2000
"""
from __future__ import annotations

from .args import UsageError

__all__ = ["add_arguments", "check", "print_table"]


def add_arguments(p) -> None:
    p.add_argument("--schedule", metavar="SPEC",
                   help="with --noise: learning-rate schedule (see `ratecheck schedule --help`) over --steps T; gives "
                   "each point's exact final expected loss after T steps next to the constant step's")
    p.add_argument("--steps", metavar="T", help="with --schedule: the schedule's length T (1..100000)")


def check(args) -> None:
    """The combinations the scheduled sweep refuses (one-line usage errors)."""
    schedule, steps = getattr(args, "schedule", None), getattr(args, "steps", None)
    if schedule is None and steps is None:
        return
    if getattr(args, "noise", None) is None:
        flag = "--schedule" if schedule is not None else "--steps"
        raise UsageError(f"{flag} applies with --noise only (the noise-free sweep counts iterations to --tol at "
                         "constant parameters)")
    if schedule is None:
        raise UsageError("--steps applies with --schedule only (the noisy sweep's constant step runs until its "
                         "target; the scan's cap is --max-steps)")
    if steps is None:
        raise UsageError("--schedule needs --steps T (the schedule's length)")


def steps_value(text) -> int:
    """--steps as an integer (a float such as 2e3 allowed when it is whole); ParameterError otherwise."""
    from ratecheck.numerics.validation import ParameterError

    try:
        x = float(text)
    except (TypeError, ValueError):
        raise ParameterError("steps", "an integer T >= 1", text) from None
    if not x.is_integer() or x < 1:
        raise ParameterError("steps", "an integer T >= 1", text)
    return int(x)


def _g(x, spec: str = ".6g") -> str:
    return "—" if x is None else format(x, spec)


def print_table(result, console) -> None:
    """The schedule's table (after the noisy sweep's own)."""
    from rich.table import Table

    cfg = result["config"]
    target = cfg["target_loss"]
    T = cfg["schedule_steps"]
    t = Table(title=f"schedule {cfg['schedule']} over T = {T:,} steps: exact E f(x_T) - f*")
    cols = ["method", "kappa", "floor", "const. at T", "sched. at T", "bias", "variance", "/ floor",
            "sched. (MC)", "+- s.e.", "z"]
    if target is not None:
        cols.append("to target")
    for col in cols:
        t.add_column(col, justify="left" if col == "method" else "right", no_wrap=True)
    for p in result["points"]:
        sim = p["final_loss_schedule_simulated"] is not None
        final = ("diverged" if p["final_schedule_status"] == "diverged" else _g(p["final_loss_schedule_theory"]))
        row = [p["method"], f"{p['kappa']:.4g}", _g(p["stationary_loss_theory"]), _g(p["final_loss_constant_theory"]),
               final, _g(p["final_loss_schedule_bias"], ".3g"), _g(p["final_loss_schedule_variance"], ".3g"),
               _g(p["final_loss_schedule_vs_floor"], ".4f"),
               _g(p["final_loss_schedule_simulated"]) if sim else "—",
               _g(p["final_loss_schedule_stderr"], ".1g") if sim else "—",
               _g(p["final_loss_schedule_z"], ".2f") if sim else "—"]
        if target is not None:
            s = p["steps_to_target_schedule_theory"]
            row.append(f"{s:,}" if s is not None else p["target_status_schedule"])
        t.add_row(*row)
    console.print(t)
    for f in result.get("fits_schedule", []):
        if f["exponent"] is not None:
            se = "" if f["exponent_stderr"] is None else f" +- {f['exponent_stderr']:.3f}"
            console.print(f"{f['method']} ({cfg['schedule']}): steps to target ~ {f['constant']:.4g} "
                          f"kappa^{f['exponent']:.3f}{se} ({f['points']} points that reach it)", markup=False)
    console.print("sched. (MC): the mean loss at T of 1000 copies run from the point's start, +- 1 standard error, "
                  "z: its deviation from the exact loss at T; — where that would cost more than 2e7 element-steps. "
                  "/ floor: the schedule's final loss over the constant step's noise floor; to target: the first "
                  "t <= T at which the exact scheduled loss reaches the target.", markup=False)
