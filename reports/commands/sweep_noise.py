"""`ratecheck sweep ... --noise SPEC [--target-loss X]`: the condition-number sweep under stochastic gradients.

SPEC as for `simulate`/`rate`: additive:sigma=S | minibatch:batch=B[,scale=c].  Per (method, kappa) point (its
--tuning, or each --vary value) the exact theory (no simulation) gives "stationary_loss_theory", the noise floor
sum_i lambda_i P_i / 2 with P_i the stationary E[e_i^2] of the Lyapunov equation, and with --target-loss X
"steps_to_target_theory", the first t with the exact expected loss E f(x_t) - f* <= X (null: "never" when the
floor is >= X, "beyond max_steps" when not reached within --max-steps, "unstable" when there is no floor);
with --target-loss the fit of steps ~ C kappa^p over the points that reach X.  --init extreme (default): the
two-mode quadratic diag(mu, L) with e0 = (1, 1)/sqrt(2); --init random: all --dim eigenvalues (at most 10000),
E[e0_i^2] = 1/d.  --noise and --target-loss are command-line only (not --config keys).  The deterministic
options that have no meaning here (--tol, --csv, --backend, --executor, --workers) are refused.
--schedule SCHED --steps T adds the exact final loss under a schedule (reports/commands/sweep_noise_schedule.py);
--plot FILE.pdf|.png|.svg draws the floors against kappa (reports/commands/sweep_noise_plot.py).

Example:
  ratecheck sweep --kappa 10:1e4 --points 4 --noise additive:sigma=0.001 --target-loss 1e-4
"""
from __future__ import annotations

import json
import sys

from . import sweep_noise_plot, sweep_noise_schedule
from .args import UsageError

#: sweep options that the noisy sweep would ignore: refused when given
_REFUSED = {"tol": "the noisy error never reaches a tolerance: give --target-loss X (an expected loss)",
            "csv": "the noisy sweep writes --json and the table only",
            "backend": "the noisy sweep is computed from the exact theory, nothing is simulated",
            "executor": "the noisy sweep is computed from the exact theory in this process",
            "workers": "the noisy sweep is computed from the exact theory in this process"}


def add_arguments(p) -> None:
    p.add_argument("--noise", metavar="SPEC",
                   help="stochastic gradients: additive:sigma=S or minibatch:batch=B[,scale=c]; gives each point's "
                   "exact noise floor (stationary expected loss) instead of iterations to --tol")
    p.add_argument("--target-loss", dest="target_loss", type=float, metavar="X",
                   help="with --noise: steps for the exact expected loss to reach X > 0 (never when the floor is above)")
    sweep_noise_schedule.add_arguments(p)  # --schedule SCHED --steps T: the final loss under a schedule


def wanted(args) -> bool:
    """Whether this sweep is the noisy one (--noise or --target-loss given)."""
    return any(getattr(args, name, None) is not None for name in ("noise", "target_loss", "schedule", "steps"))


def run(args, options, config, params_list, given: set[str]) -> int:
    from ratecheck.numerics import noise as noise_models
    from ratecheck.proofs.sweep_noise import run_noisy_sweep

    from ..outputs import Outputs

    sweep_noise_schedule.check(args)
    if args.noise is None:
        raise UsageError("--target-loss applies with --noise only (without noise the sweep counts iterations to --tol)")
    for name, why in _REFUSED.items():
        if name in given:
            raise UsageError(f"--{name.replace('_', '-')} with --noise: {why}")
    noise = noise_models.parse(args.noise)
    outputs = Outputs()
    json_t = outputs.add("json", options["json"])
    plot_t, plot_format = outputs.add_figure("plot", options["plot"])  # checked before any work
    if args.schedule is not None:
        from ratecheck.proofs.sweep_noise_schedule import run_scheduled_noisy_sweep

        result = run_scheduled_noisy_sweep(config, noise, args.schedule, sweep_noise_schedule.steps_value(args.steps),
                                           args.target_loss, params_list)
    else:
        result = run_noisy_sweep(config, noise, args.target_loss, params_list)
    notes: list[str] = []
    outputs.set(json_t, json.dumps(result, indent=2, allow_nan=False) + "\n")
    if plot_t is not None:
        outputs.set(plot_t, sweep_noise_plot.figure_bytes(result, plot_format, notes))
    outputs.commit()
    stream = sys.stderr if outputs.to_stdout else sys.stdout
    print_table(result, stream)
    for note in notes:
        stream.write(f"note: {note}\n")
    return 0


def _steps(p) -> str:
    if p["target_status"] is None:
        return "—"
    return f"{p['steps_to_target_theory']:,}" if p["steps_to_target_theory"] is not None else p["target_status"]


def print_table(result, stream) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, highlight=False, soft_wrap=False, width=max(150, Console(file=stream).width))
    cfg = result["config"]
    target = cfg["target_loss"]
    t = Table(title=f"ratecheck sweep --noise {cfg['noise']}: exact expected loss, {cfg['init']} init, "
                    f"{cfg['tuning']} tuning" + ("" if target is None else f", target {target:g}"))
    cols = ["method", "kappa", "parameters", "initial loss", "floor (theory)", "floor (MC)", "+- s.e.", "z"]
    if target is not None:
        cols.append("steps to target")
    for col in cols:
        t.add_column(col, justify="left" if col in ("method", "parameters") else "right", no_wrap=True)
    for p in result["points"]:
        params = ", ".join(f"{k}={val:.6g}" for k, val in p["params"].items())
        floor = "unstable" if p["stationary_loss_theory"] is None else f"{p['stationary_loss_theory']:.6g}"
        sim = p["stationary_loss_simulated"] is not None
        row = [p["method"], f"{p['kappa']:.4g}", params, f"{p['initial_loss']:.6g}", floor,
               f"{p['stationary_loss_simulated']:.6g}" if sim else "—",
               f"{p['stationary_loss_stderr']:.1g}" if sim else "—", f"{p['stationary_z']:.2f}" if sim else "—"]
        if target is not None:
            row.append(_steps(p))
        t.add_row(*row)
    console.print(t)
    fits = [f for f in result["fits"] if f["exponent"] is not None]
    for f in fits:
        se = "" if f["exponent_stderr"] is None else f" +- {f['exponent_stderr']:.3f}"
        console.print(f"{f['method']}: steps to target ~ {f['constant']:.4g} kappa^{f['exponent']:.3f}{se} "
                      f"({f['points']} points that reach it)", markup=False)
    console.print("floor (MC): the mean loss of 1000 copies run from x* for T steps (rho^(2T) <= 1e-12), "
                  "+- 1 standard error, z: its deviation from the exact expected loss at T in standard errors; "
                  "— where that would cost more than 2e7 element-steps.", markup=False)
    if cfg.get("schedule") is not None:
        sweep_noise_schedule.print_table(result, console)
    console.print(f"{len(result['points'])} points in {result['seconds']:.2f} s; problem: {cfg['noisy_problem']}",
                  markup=False)
