"""Simulate a method on a large diagonal quadratic with a chosen spectrum; print the loss curve.

Runs the method as written (fused kernel: numba on the CPU, CuPy on a GPU; or the NumPy
reference path) from an isotropic x0 - x* with E||x0 - x*||^2 = R^2, and prints per step
||e_t||/||e_0|| and f(x_t) - f*, the fitted and theoretical rates, the average-case
prediction for Marchenko-Pastur spectra, and the elapsed time and throughput.

Examples:
  ratecheck simulate gd --spectrum marchenko-pastur:ratio=0.5 --dim 1000000 --steps 10 --eta 0.3431457505 --json -
  ratecheck simulate heavy-ball --spectrum uniform:mu=1,L=100 --dim 10000000 --steps 200 --tuning optimal
  ratecheck simulate nesterov --spectrum geometric:mu=1,L=1e4 --dim 100000 --steps 500 --alpha 1e-4 --beta 0.98
  ratecheck simulate adam --params lr=0.01 --spectrum eigenvalues:0.5,1,2 --steps 100 --json -
  ratecheck simulate gd --eta 1 --spectrum uniform:mu=0.01,L=1 --dim 1000 --steps 100 --average polyak --json -
  ratecheck simulate heavy-ball --params alpha=0.5,beta=0.8 --spectrum uniform:mu=0.01,L=1 --dim 1000 --steps 200 --schedule cosine
  ratecheck simulate gd --eta 0.5 --spectrum eigenvalues:0.25,1 --x0 1,-2 --steps 200 --noise additive:sigma=0.3 --average polyak

SPEC: uniform:mu=1,L=100 | geometric:mu=1,L=1e4 | random-uniform:mu=1,L=10 |
      two-clusters:mu=1,L=100[,fraction=0.5,width=0.1] | power-law:[L=1,exponent=1] |
      marchenko-pastur:ratio=0.5[,sampling=quantile|random|matrix] | eigenvalues:2,20
"""
from __future__ import annotations

import time

from . import args as a
from . import method_options, simulate_iterates
from .method_options import PARAMS

HELP = "simulate a method on a large spectrum (fused kernels); loss curve, rates, throughput"
#: R range: R^2, R^2/d and (1e60 R)^2 (the divergence threshold, squared) stay normal float64 numbers
RADIUS_MIN, RADIUS_MAX = 1e-90, 1e90
#: bytes per recorded step, measured (tracemalloc peak / recorded steps, 2 eigenvalues, --json -, see
#: tests/test_simulate_cli.py): about 60 B (error, loss, times, error ratio, predicted loss arrays and their
#: segment copies); the JSON text is streamed in chunks of _JSON_CHUNK rows, never held whole.  With margin:
ROW_BYTES = 96
_JSON_CHUNK = 1 << 14


def add_arguments(p) -> None:
    p.add_argument("method", help="a built-in method (`ratecheck methods` lists them), e.g. heavy-ball or adam")
    p.add_argument("--spectrum", required=True, metavar="SPEC", help="spectrum, e.g. marchenko-pastur:ratio=0.5")
    p.add_argument("--dim", type=a.count, help="number of eigenvalues (not needed for eigenvalues:...)")
    p.add_argument("--steps", type=a.steps, required=True, help="iterations T (>= 2)")
    for name in PARAMS:
        p.add_argument(f"--{name}", type=a.finite, help=f"method parameter {name}")
    p.add_argument("--params", type=a.param_list, metavar="NAME=VALUE,...",
                   help="method parameters by name, e.g. lr=0.01,beta1=0.9 (unset ones take their defaults)")
    p.add_argument("--tuning", choices=["optimal", "standard"], help="parameter tuning from mu, L = min/max eigenvalue")
    p.add_argument("--form", help="how the method is written (default: the method's default form)")
    p.add_argument("--backend", default="auto", choices=["auto", "numpy", "numba", "cupy"],
                   help="auto (default): cupy with a GPU, else numba")
    p.add_argument("--precision", default="float64", choices=["float64", "float32"], help="state precision")
    p.add_argument("--seed", type=a.seed, default=0,
                   help="seed of x0 - x*, >= 0 (random spectra use SEED + 1); default 0")
    p.add_argument("--radius", type=a.in_range(RADIUS_MIN, RADIUS_MAX), default=None,
                   help=f"R with E||x0 - x*||^2 = R^2, in [{RADIUS_MIN:g}, {RADIUS_MAX:g}] (default 1)")
    p.add_argument("--record-every", dest="record_every", type=a.count, default=1, metavar="K",
                   help="record the error and loss every K steps (and the last one); default 1")
    p.add_argument("--json", metavar="FILE", help="write one JSON object to FILE ('-' for stdout)")
    from . import simulate_filters

    simulate_filters.add_arguments(p)  # --schedule, --average (reports/commands/simulate_filters.py)
    from . import noise_options

    noise_options.add_arguments(p, noise_options.SIMULATE_REPLICAS)
    simulate_iterates.add_arguments(p)  # --x0, --record-iterates (reports/commands/simulate_iterates.py)


def run(args) -> int:
    if getattr(args, "noise", None) is not None or getattr(args, "replicas", None) is not None:
        from . import simulate_noise  # stochastic gradients: loss_stderr, loss_predicted (the exact expectation)

        simulate_iterates.check(args)  # --x0 / --radius (default 1), --record-iterates needs --json
        return simulate_noise.run(args)  # --average, --x0, --record-iterates: reports/commands/simulate_noise_options.py
    import numpy as np

    from ratecheck import numerics
    from ratecheck.numerics import spectra, validation as v
    from ratecheck.numerics.backends import resolve_backend, simulate_diagonal, warm_up
    from ratecheck.numerics.problems import isotropic_initial_error

    from .args import UsageError

    params = method_options.given_params(args)
    simulate_iterates.check(args)
    from ..outputs import Outputs

    outputs = Outputs()
    json_t = outputs.add("json", args.json)  # checked before any work
    spec_ = spectra.parse(args.spectrum)
    form = numerics.form(args.method, args.form)
    backend = resolve_backend(args.backend)
    if spec_.kind != "eigenvalues" and args.dim is None:
        raise UsageError("give --dim for this spectrum")
    v.check_memory("dim", args.dim or 1, 4 if backend != "numpy" else 6)
    v.check_memory("steps", args.steps // args.record_every + 2, ROW_BYTES // 8, got=args.steps)
    lam = spec_.eigenvalues(args.dim, seed=args.seed + 1)
    mu, L = float(lam[0]), float(lam[-1])
    fspec = method_options.classic_form(args.method, form.name)
    params = method_options.tuned_params(args, form, fspec, params, mu, L)
    rule = numerics.rule(args.method, params, form.name)
    from . import simulate_filters

    rule, schedule = simulate_filters.scheduled_rule(args, form, rule)
    e0 = simulate_iterates.initial_error(args, lam, lambda: isotropic_initial_error(lam.size, args.seed, args.radius))
    warm_up(rule, backend, args.precision)  # compile / cache load is not part of the timed run
    t0 = time.perf_counter()
    try:
        traj = simulate_diagonal(rule, lam, e0, args.steps, backend=backend, precision=args.precision,
                                 record_every=args.record_every)
    except v.ParameterError as exc:
        if exc.name == "x0" and args.x0 is None:  # x0 - x* is drawn from --radius here: name the flag the user has
            f32 = np.finfo(np.float32)
            rng = (f"magnitudes in [{float(f32.tiny):.2g}, {float(f32.max):.2g}] with --precision float32"
                   if args.precision == "float32" else "a squared norm and loss that are finite, normal float64 numbers")
            raise v.ParameterError("radius", f"a radius that gives x0 - x* {rng} (here {exc.got}; or use another "
                                   "--radius or --precision)", args.radius) from None
        if exc.name == "x0":  # the user's --x0 (reports/cli.py does not prefix the name "x0" with --)
            raise UsageError(f"--x0 {str(exc)[len('x0 '):]}") from None
        raise
    seconds = time.perf_counter() - t0
    from ratecheck.proofs.methods import theory_rate

    rate_theory = float(theory_rate(fspec, rule.params, mu, L)) if fspec is not None and schedule is None else None
    fit = traj.rate()
    predicted = (_prediction(spec_, args.method, form.name, rule.params, traj.steps_run, args.radius)
                 if schedule is None and args.x0 is None else None)
    times = traj.times
    averaged = simulate_filters.averaged_columns(args, form, rule, schedule, lam, e0, times, backend)
    if predicted is not None:
        predicted = predicted[times]
    out = {
        "method": args.method, "form": form.name, "spectrum": str(spec_), "dim": int(lam.size), "steps": int(args.steps),
        "steps_run": int(traj.steps_run), "params": {k: float(x) for k, x in rule.params.items()}, "mu": mu, "L": L,
        "backend": backend, "precision": args.precision, "seed": args.seed, "radius": args.radius,
        "diverged": traj.diverged, "overflowed": traj.overflowed, "rate_theory": rate_theory,
        "rate_fitted": float(fit.rate),
        "seconds": seconds, "elem_steps_per_s": lam.size * max(traj.steps_run, 1) / seconds if seconds > 0 else None,
        "record_every": args.record_every, "linearity": numerics.methods.linearity(form),
    }
    if schedule is not None:
        out["schedule"] = schedule.spec
    if averaged is not None:
        out["average"] = args.average
    columns = (times, traj.error_ratio, traj.loss, predicted,
               simulate_iterates.iterates(args, rule, lam, e0, times), averaged)
    if json_t is not None:
        outputs.set(json_t, lambda: _json_chunks(out, columns))
        outputs.commit()
        if outputs.to_stdout:
            return 0
    _print_table(out, columns)
    return 0


def _json_chunks(out: dict, columns):
    r"""The JSON object ``out`` with its ``trajectory`` (one row per recorded step) as text chunks.

    Rows are formatted from the arrays in chunks of _JSON_CHUNK (Python's float repr, the same digits as
    ``json.dumps``; non-finite numbers as null): no per-row dict, no whole text in memory."""
    head = a.json_text(out).rstrip()
    assert head.endswith("}")
    yield head[:-1].rstrip() + ',\n  "trajectory": [\n'
    times, ratio, loss, predicted, xs, averaged = columns
    n = times.size
    for lo in range(0, n, _JSON_CHUNK):
        hi = min(n, lo + _JSON_CHUNK)
        pred = [None] * (hi - lo) if predicted is None else predicted[lo:hi].tolist()
        rows = [f'    {{"t": {t}, "error_ratio": {_num(r)}, "loss": {_num(f)}, "loss_predicted": {_num(q)}'
                + ("" if xs is None else ', "x": [' + ", ".join(map(_num, xs[lo + i].tolist())) + "]") + "}"
                for i, (t, r, f, q) in enumerate(zip(times[lo:hi].tolist(), ratio[lo:hi].tolist(),
                                                     loss[lo:hi].tolist(), pred))]
        if averaged is not None:
            from .simulate_filters import averaged_fields

            rows = [row[:-1] + averaged_fields(averaged, lo + k) + "}" for k, row in enumerate(rows)]
        yield ",\n".join(rows) + (",\n" if hi < n else "\n")
    yield "  ]\n}\n"


def _num(x) -> str:
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return "null"
    return repr(x)


def _prediction(spec_, method: str, form: str, params: dict, steps: int, radius: float):
    if not spec_.is_marchenko_pastur:
        return None
    from ratecheck.proofs.average_case import METHODS, predicted_loss

    if METHODS.get(method) != form:
        return None
    return predicted_loss(method, params, spec_.params["ratio"], steps, radius)


def _print_table(out: dict, columns) -> None:
    import numpy as np

    times, ratio, loss, predicted, _, averaged = columns
    has_prediction = predicted is not None
    ps = ", ".join(f"{k} = {v:.10g}" for k, v in out["params"].items())
    print(f"{out['method']} ({out['form']} form): {ps}")
    print(f"spectrum {out['spectrum']}, d = {out['dim']:,}, eigenvalues in [{out['mu']:.6g}, {out['L']:.6g}]; "
          f"backend {out['backend']}, {out['precision']}")
    n = times.size
    keep = sorted(set(np.unique(np.linspace(0, n - 1, min(n, 21)).round().astype(int)).tolist()))
    head = f"{'t':>7}  {'|e_t|/|e_0|':>14}  {'f(x_t) - f*':>14}"
    if has_prediction:
        head += f"  {'predicted E[f]':>14}  {'sim/pred - 1':>12}"
    if averaged is not None:
        head += f"  {'averaged':>14}  {'avg predicted':>14}"
    print(head)
    for i in keep:
        line = f"{int(times[i]):>7}  {float(ratio[i]):>14.8g}  {float(loss[i]):>14.8g}"
        if has_prediction:
            q = float(predicted[i])
            dev = f"{float(loss[i]) / q - 1:>12.3e}" if q else f"{'n/a':>12}"
            line += f"  {q:>14.8g}  {dev}"
        if averaged is not None:
            from .simulate_filters import averaged_cells

            line += averaged_cells(averaged, i)
        print(line)
    rt = ("n/a (not linear: no iteration matrix)" if out["linearity"] == "not linear" else
          "n/a (scheduled: `ratecheck rate --schedule` derives P_T)" if "schedule" in out else "n/a (no derived rate on file)"
          ) if out["rate_theory"] is None else f"{out['rate_theory']:.10g}"
    status = "DIVERGED (growth factor)" if out["diverged"] else "fitted"
    caveat = " (a geometric fit; this method need not converge geometrically)" if out["linearity"] == "not linear" else ""
    print(f"rate: theory {rt}, {status} {out['rate_fitted']:.10g}{caveat}")
    if out["overflowed"]:
        print(f"stopped after step {out['steps_run']}: step {out['steps_run'] + 1} overflows float64")
    tput = "n/a" if out["elem_steps_per_s"] is None else f"{out['elem_steps_per_s']:.3e}"
    print(f"time: {out['seconds']:.3f} s, {tput} element-steps/s")
