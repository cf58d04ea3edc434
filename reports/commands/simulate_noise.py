"""`ratecheck simulate METHOD --noise SPEC`: the loss curve under stochastic gradients, simulated and exact.

R copies of the spectrum (--replicas, default 10) run through the Monte Carlo seam
(:func:`numerics.noisy.noisy_moments`; --backend auto|numpy|numba, auto: the fused kernel unless the run is small,
the same iterates either way) from isotropic x0 - x* (E||x0 - x*||^2 = R^2 per copy); each recorded
step gets the simulated expected loss of one copy ("loss"), its standard error ("loss_stderr") and the exact
expected loss from the mean and Lyapunov recursions ("loss_predicted"); the record gets the stationary loss
("stationary_loss_theory", null when there is none) and the largest deviation in standard errors.
--average, --x0 and --record-iterates: reports/commands/simulate_noise_options.py.
"""
from __future__ import annotations

import time

from . import args as a
from . import noise_options


def run(args) -> int:
    import numpy as np

    from ratecheck import numerics
    from ratecheck.numerics import spectra, validation as v
    from ratecheck.proofs.noisy_quadratic import Z_TOLERANCE, noisy_run, stationary_second_moments
    from ratecheck.proofs.methods import theory_rate

    from ..outputs import Outputs
    from .args import UsageError
    from . import method_options
    from .simulate import ROW_BYTES

    noise = noise_options.model(args)
    if args.backend == "cupy":
        raise UsageError("--noise runs on the CPU: use --backend auto, numpy or numba (the CUDA noisy kernel has not "
                         "run on a GPU)")
    if args.precision != "float64":
        raise UsageError("--noise runs in float64 only")
    params = method_options.given_params(args)
    outputs = Outputs()
    json_t = outputs.add("json", args.json)
    spec_ = spectra.parse(args.spectrum)
    form = numerics.form(args.method, args.form)
    if numerics.methods.linearity(form) == "not linear":
        raise UsageError(f"{args.method} is not linear: no exact expected loss under noise (run it without --noise)")
    if spec_.kind != "eigenvalues" and args.dim is None:
        raise UsageError("give --dim for this spectrum")
    replicas = args.replicas or noise_options.SIMULATE_REPLICAS
    v.check_memory("replicas", (args.dim or 1) * replicas, 10)
    v.check_memory("steps", args.steps // args.record_every + 2, ROW_BYTES // 8, got=args.steps)
    lam = spec_.eigenvalues(args.dim, seed=args.seed + 1)
    mu, L = float(lam[0]), float(lam[-1])
    fspec = method_options.classic_form(args.method, form.name)
    params = method_options.tuned_params(args, form, fspec, params, mu, L)
    rule = numerics.rule(args.method, params, form.name)
    from .simulate_noise_schedule import schedule_fields, scheduled_form

    run_form, schedule = scheduled_form(args, form)  # --schedule: the scheduled method value
    record = sorted(set(range(0, args.steps + 1, args.record_every)) | {args.steps})
    from . import simulate_noise_options as options  # --average, --x0, --record-iterates

    e0 = options.initial_error(args, lam)
    t0 = time.perf_counter()
    try:
        r = noisy_run(run_form, rule.params, lam, noise, steps=args.steps, record_steps=record, replicas=replicas,
                      seed=args.seed, e0=e0, radius=args.radius if args.radius is not None else 1.0,
                      backend=args.backend, record_iterates=args.record_iterates)
    except v.ParameterError as exc:
        if exc.name != "record_steps":
            raise
        # the memory check of the per-step sums names the seam's argument; say it with the command's flags
        need = exc.valid.partition("(")[2].rstrip(")") or exc.valid
        raise UsageError(f"--record-every {args.record_every}: {len(record):,} recorded steps of "
                         f"{np.unique(lam).size:,} distinct eigenvalues do not fit in memory ({need}); record "
                         "fewer steps (a larger --record-every, or fewer --steps) or use fewer distinct "
                         "eigenvalues") from None
    seconds = time.perf_counter() - t0
    averaged = options.averaged_run(args, run_form, rule.params, lam, noise, record, replicas, e0)
    distinct = r["eigenvalues"]
    stat = stationary_second_moments(run_form, rule.params, distinct, noise.variance(distinct))
    stationary = None if stat is None else float(stat @ r["weights"])
    ratio = _error_ratio(r)
    finite = np.isfinite(r["loss"])
    steps_run = int(r["record_steps"][finite][-1]) if finite.any() else 0
    out = {
        "method": args.method, "form": form.name, "spectrum": str(spec_), "dim": int(lam.size), "steps": int(args.steps),
        "steps_run": steps_run, "params": {k: float(x) for k, x in rule.params.items()}, "mu": mu, "L": L,
        "backend": r["backend"], "precision": "float64", "seed": args.seed, "radius": args.radius,
        "diverged": r["diverged"], "noise": r["noise"],
        "noise_distribution": r["noise_distribution"], "replicas": replicas, "directions": r["directions"],
        "rate_theory": float(theory_rate(fspec, rule.params, mu, L)) if fspec is not None and schedule is None else None,
        "stationary_loss_theory": stationary, "z_tolerance": Z_TOLERANCE, "max_deviation_stderr": r["max_z"],
        "agrees": bool(r["max_z"] <= Z_TOLERANCE),
        "seconds": seconds, "elem_steps_per_s": r["directions"] * max(args.steps, 1) / seconds if seconds > 0 else None,
        "record_every": args.record_every, "linearity": numerics.methods.linearity(form),
        **schedule_fields(schedule, r), **options.record_fields(averaged, Z_TOLERANCE),
    }
    avg_ratio = None if averaged is None else _error_ratio(averaged)
    rows = [{"t": int(t), "error_ratio": _num(q), "loss": _num(f), "loss_stderr": _num(s), "loss_predicted": _num(p),
             **options.row_fields(averaged, avg_ratio, r.get("iterates"), i, _num)}
            for i, (t, q, f, s, p) in enumerate(zip(r["record_steps"].tolist(), ratio.tolist(), r["loss"].tolist(),
                                                    r["loss_stderr"].tolist(), r["loss_predicted"].tolist()))]
    if json_t is not None:
        outputs.set(json_t, lambda: a.json_text({**out, "trajectory": rows}) + "\n")
        outputs.commit()
        if outputs.to_stdout:
            return 0
    _print_table(out, rows)
    return 0


def _error_ratio(r):
    r"""Simulated :math:`\sqrt{\sum_i \mathbb E[e_{t,i}^2] / \sum_i \mathbb E[e_{0,i}^2]}` over one copy of the spectrum."""
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):
        mult = r["weights"] * 2 / r["eigenvalues"]
        return np.sqrt(r["moments"].mean_e2() @ mult / float(np.sum(np.broadcast_to(r["e0_sq"], mult.shape) * mult)))


def _num(x):
    return None if x is None or x != x or x in (float("inf"), float("-inf")) else float(x)


def _print_table(out: dict, rows: list) -> None:
    ps = ", ".join(f"{k} = {v:.10g}" for k, v in out["params"].items())
    print(f"{out['method']} ({out['form']} form): {ps}; noise {out['noise']}")
    if "schedule" in out:
        print(f"schedule {out['schedule']} (T = {out['steps']}); exact bias / variance parts at the end: "
              f"{out['loss_bias_predicted_final']:.8g} / {out['loss_variance_predicted_final']:.8g}")
    print(f"spectrum {out['spectrum']}, d = {out['dim']:,}, {out['replicas']} replicas ({out['directions']:,} directions), "
          f"eigenvalues in [{out['mu']:.6g}, {out['L']:.6g}]; "
          + ("NumPy reference path" if out["backend"] == "numpy" else "fused kernel (numba)"))
    if out["radius"] is None:
        print("start: every replica at the given x0 - x* (--x0)")
    keep = sorted({round(i * (len(rows) - 1) / 20) for i in range(21)}) if len(rows) > 21 else range(len(rows))
    print(f"{'t':>7}  {'E f(x_t) - f*':>14}  {'std. error':>11}  {'exact':>14}  {'dev / se':>9}")
    for i in keep:
        row = rows[i]
        f, s, p = row["loss"], row["loss_stderr"], row["loss_predicted"]
        if f is None:
            print(f"{row['t']:>7}  {'diverged':>14}")
            continue
        dev = f"{abs(f - p) / s:>9.2f}" if s else f"{'-':>9}"
        print(f"{row['t']:>7}  {f:>14.8g}  {s:>11.3g}  {p:>14.8g}  {dev}")
    st = "none (not stable, or time-varying)" if out["stationary_loss_theory"] is None else f"{out['stationary_loss_theory']:.8g}"
    print(f"stationary loss (theory): {st}")
    verdict = "agree" if out["agrees"] else "DISAGREE"
    where = (f" over the recorded steps up to {out['steps_run']} (DIVERGED: the error overflows float64 after that)"
             if out["diverged"] else "")
    print(f"simulated and exact {verdict}{where}: largest deviation {out['max_deviation_stderr']:.3g} standard errors "
          f"(tolerance {out['z_tolerance']:g})")
    from .simulate_noise_options import print_averaged

    print_averaged(out, rows, keep)
    print(f"time: {out['seconds']:.3f} s")
