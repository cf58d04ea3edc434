"""Derived vs simulated convergence rate of a method on a quadratic.

Examples:
  ratecheck rate gd --mu 1 --L 100 --json
  ratecheck rate gd --eigenvalues 2,20 --eta 0.1 --json
  ratecheck rate heavy-ball --mu 1 --L 100 --tuning optimal --json
  ratecheck rate nesterov --eigenvalues 0.01,1 --form velocity-lookahead --eta 1 --beta 0.8 --json
  ratecheck rate heavy-ball --mu 1 --L 100 --params alpha=0.03,beta=0.6 --json
  ratecheck rate --method-file examples/qhm.py:QHM --params alpha=0.5,beta=0.9,nu=0.7 --mu 0.01 --L 1 --json
  ratecheck rate --method-file examples/qhm.py:QHM --mu 1 --L 100 --tuning optimal --json
  ratecheck rate heavy-ball --form ?
  ratecheck rate chebyshev --mu 1 --L 100 --steps 50 --json
  ratecheck rate lookahead --inner gd --params eta=1,k=5,alpha=0.5 --mu 0.01 --L 1 --json
  ratecheck rate --batch cases.jsonl        (one JSON object of these options per line)
  ratecheck rate gd --eta 1 --schedule cosine --steps 100 --eigenvalues 0.01,0.1,1.5 --json
  ratecheck rate gd --line-search exact --mu 1 --L 100 --json
  ratecheck rate gd --line-search armijo:eta0=1,shrink=0.5,c=1e-4 --eigenvalues 1,10,100 --json

The spectrum is DIM equally spaced eigenvalues on [MU, L] (both ends included) or the
explicit --eigenvalues.  Without method parameters the tuning (default: optimal) sets them; for a
method from --method-file the optimal tuning is found numerically by the generic engine.
"""
from __future__ import annotations

from . import args as a
from . import method_options, noise_options, rate_batch, rate_line_search, spectrum_input
from .method_options import PARAMS

HELP = "derived vs simulated rate of gd / heavy-ball / nesterov on a quadratic"


def add_arguments(p) -> None:
    p.add_argument("method", nargs="?", help="gd, heavy-ball or nesterov (or give --method-file)")
    p.add_argument("--method-file", metavar="FILE:NAME", help="a method defined in your own Python file")
    p.add_argument("--params", type=a.param_list, metavar="NAME=VALUE,...", help="method parameters")
    p.add_argument("--mu", type=a.positive, help="smallest eigenvalue (> 0)")
    p.add_argument("--L", type=a.positive, help="largest eigenvalue (>= mu)")
    spectrum_input.add_arguments(p)  # --eigenvalues [@FILE], --eigenvalues-file, --hessian-of, --range-space
    p.add_argument("--form", help="how the method is written (see `ratecheck rate METHOD --form ?`)")
    p.add_argument("--tuning", type=method_options.tuning_argument,
                   help="parameter tuning when none are given: optimal, standard, or robust:margin=M "
                   "(optimal for [mu, (1+M) L]: stable if L is underestimated by up to M)")
    for name in PARAMS:
        p.add_argument(f"--{name}", type=a.finite, help=f"method parameter {name}")
    p.add_argument("--dim", type=a.count, default=100_000, help="number of eigenvalues for --mu/--L (default 100000)")
    p.add_argument("--steps", type=a.steps, help="iterations to simulate, >= 2 (default: about 20 e-foldings)")
    p.add_argument("--seed", type=a.seed, default=0, help="seed of the random initial error, >= 0 (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--inner", help="lookahead: the inner method (gd, heavy-ball, nesterov)")
    p.add_argument("--inner-form", help="lookahead: the inner method's form")
    p.add_argument("--reset-inner-state", action="store_true", help="lookahead: re-initialise the inner state at each sync")
    rate_batch.add_arguments(p)  # --batch FILE.jsonl, --batch-output FILE
    from . import rate_schedule

    rate_schedule.add_arguments(p)  # --schedule SPEC (reports/commands/rate_schedule.py)
    noise_options.add_arguments(p, noise_options.RATE_REPLICAS)
    rate_line_search.add_arguments(p)  # --line-search exact|armijo[:...]


def run(args) -> int:
    from ratecheck import numerics
    from ratecheck.proofs.rate import measure_rate

    from .args import UsageError

    if args.batch is not None:  # many cases in one process: reports/commands/rate_batch.py
        return rate_batch.run(args)
    if args.batch_output is not None:
        raise UsageError("--batch-output needs --batch FILE.jsonl")
    if args.form == "?":
        from .methods import print_forms

        if args.method_file or not args.method:
            raise UsageError("--form ? lists the forms of a built-in METHOD: give gd, heavy-ball or nesterov")
        return print_forms(args.method)
    if args.inner and numerics.methods.family(args.inner) == "adaptive":
        raise UsageError(f"{args.inner} is not linear: no iteration matrix, so no derived rate "
                         f"(run it with `ratecheck simulate {args.inner}`)")
    eigenvalues, spectrum_note = spectrum_input.resolve(args)
    if args.method and numerics.methods.family(args.method) == "adaptive":  # measured, not derived
        from . import rate_adaptive

        return rate_adaptive.run(args, eigenvalues)
    if rate_line_search.wants(args):
        if noise_options.model(args) is not None:
            from .args import UsageError

            raise UsageError("--noise with --line-search: not supported (a line search needs the exact gradient)")
        if getattr(args, "schedule", None) is not None:
            from .args import UsageError

            raise UsageError("--schedule with --line-search: give one of them (the line search chooses each step)")
        return rate_line_search.run(args, eigenvalues)
    noise = noise_options.for_rate(args, eigenvalues)
    if getattr(args, "schedule", None) is not None:
        from . import rate_schedule
        from .args import UsageError

        params = {k: getattr(args, k) for k in PARAMS if getattr(args, k) is not None}
        params.update(args.params or {})
        return rate_schedule.run(args, eigenvalues, spectrum_note, params, noise=noise)  # --noise: the final variance
    if args.method in ("chebyshev", "lookahead") or args.inner or args.inner_form or args.reset_inner_state:
        return _run_linear_family(args, eigenvalues, noise)
    if eigenvalues is None and (args.mu is None or args.L is None):
        raise UsageError("give --mu and --L, or --eigenvalues")
    if eigenvalues is not None and (args.mu is not None or args.L is not None):
        raise UsageError("give either --mu/--L or --eigenvalues, not both")
    if (args.method is None) == (args.method_file is None):
        raise UsageError("give a METHOD (gd, heavy-ball, nesterov) or --method-file FILE:NAME, exactly one")
    params = method_options.given_params(args)
    method = args.method
    if args.method_file:
        from ratecheck.proofs.method_file import load_method

        if args.form:
            raise UsageError("--form applies to built-in methods; a --method-file method is its own form")
        method = load_method(args.method_file)
    r = measure_rate(
        method, mu=args.mu, L=args.L, eigenvalues=eigenvalues, form=args.form, params=params or None,
        tuning=args.tuning, dim=args.dim, steps=args.steps, seed=args.seed, stability=True,
    )
    if spectrum_note is not None:
        r["spectrum_input"] = spectrum_note
    if noise is not None:
        r.update(noise_options.rate_fields(noise, method, r["params"], eigenvalues, r, args))
    if args.json:
        a.write_json(r, "-")
        return 0
    ps = ", ".join(f"{k} = {v:.10g}" for k, v in r["params"].items())
    print(f"{r['method']} ({r['form']} form), {r['tuning']} parameters: {ps}")
    print(f"spectrum: {r['dim']} eigenvalues in [{r['mu']:g}, {r['L']:g}], kappa = {r['kappa']:.6g}")
    if spectrum_note is not None and spectrum_note["dropped"]:
        print(f"range space      : dropped {spectrum_note['dropped']} eigenvalues <= {spectrum_note['tolerance']:.3g} "
              f"(smallest {spectrum_note['smallest_dropped']:.3g}) of {spectrum_note['source']}")
    print(f"rate (theory)    : {r['rate_theory']:.12g}")
    if r["diverged"]:
        why = "the next step overflows float64" if r.get("overflowed") else "past the divergence threshold"
        print(f"simulation       : DIVERGES, growth factor {r['growth_factor']:.8g} per step "
              f"(stopped after {r['steps']} step{'s' if r['steps'] != 1 else ''}: {why}; {r['growth_measured']})")
    else:
        window = f"fit over steps {r['fit_window'][0]}..{r['fit_window'][1]}"
        if r["verdict"] == "undetermined" and r["e_foldings"] < 0:
            # a short run inside a transient: the fitted ratio is above 1, but that is growth, not a rate
            window += f": the error grew by {_efold(-r['e_foldings'])} e-foldings, still in the transient, not a rate"
        else:
            window += f", {_efold(r['e_foldings'])} e-foldings"
        print(f"rate (simulated) : {r['rate_simulated']:.12g}   ({window})")
        print(f"gap 1 - rho      : theory {r['gap_theory']:.6g}, simulated {r['gap_simulated']:.6g}")
        print(f"converges        : {_verdict(r)}")
    gap = "n/a, the theory gap is 0" if r["gap_relative_error"] is None else f"{r['gap_relative_error']:.3e}"
    print(f"relative error   : {r['relative_error']:.3e} (rate); gap 1 - rho: {gap}")
    print(f"transient peak   : max_t |e_t|/|e_0| = {r['transient_peak']:.4g}")
    m = r["stability_margin"]
    if m is not None and m["L_factor"] is not None:
        print(f"stability margin : diverges once an eigenvalue exceeds {m['L_factor']:.6g} L "
              f"(L may be underestimated by up to {100 * m['L_underestimate']:.3g} %)"
              + ("; no mu > 0 makes it diverge" if m["mu_factor"] == 0 else f"; or falls below {m['mu_factor']:.6g} mu"))
    print(f"worst eigenvalue : {r['worst_lambda']:.10g} ({r['max_location']})")
    if noise is not None:
        noise_options.print_rate(r)
    return 0


def _efold(x) -> str:
    return "inf" if x == float("inf") else f"{x:.3g}"


def _verdict(r: dict) -> str:
    v = r["verdict"]
    if v == "converges":
        return "yes"
    if v == "undetermined":
        more = f"; about {r['steps_suggested']:,} steps would cover 20" if r.get("steps_suggested") else ""
        if r["e_foldings"] < 0:
            return (f"undetermined (the error grew over the fit window, by {_efold(-r['e_foldings'])} e-foldings; "
                    f"divergence needs >= {r['e_foldings_needed']:g} of growth, convergence as many of decay{more})")
        return (f"undetermined (the fit window covers {_efold(r['e_foldings'])} e-foldings, a verdict needs "
                f">= {r['e_foldings_needed']:g}{more})")
    if r["rate_theory"] == 1:
        return "no (the derived rate is exactly 1: some mode keeps its size, e.g. it is multiplied by -1 each step)"
    return "no"


def _run_linear_family(args, eigenvalues, noise=None) -> int:
    """``rate chebyshev`` (--mu/--L or --eigenvalues, --steps K) and ``rate lookahead --inner METHOD``."""
    from ratecheck.proofs.linear_family_rate import chebyshev_rate, lookahead_rate

    from .args import UsageError

    if args.method not in ("chebyshev", "lookahead"):
        raise UsageError("--inner, --inner-form and --reset-inner-state apply to `rate lookahead` only")
    if eigenvalues is None and (args.mu is None or args.L is None):
        raise UsageError("give --mu and --L, or --eigenvalues")
    if eigenvalues is not None and (args.mu is not None or args.L is not None):
        raise UsageError("give either --mu/--L or --eigenvalues, not both")
    params = {k: getattr(args, k) for k in PARAMS if getattr(args, k) is not None}
    params.update(args.params or {})
    if args.method == "chebyshev":
        if args.steps is None:
            raise UsageError("rate chebyshev needs --steps K (the number of steps, >= 2)")
        if params or args.tuning or args.form or args.method_file or args.inner or args.reset_inner_state:
            raise UsageError("rate chebyshev takes only --mu/--L or --eigenvalues and --steps (its parameters are the interval)")
        r = chebyshev_rate(steps=args.steps, mu=args.mu, L=args.L, eigenvalues=eigenvalues, dim=args.dim)
        lines = [f"chebyshev semi-iterative method for [{r['mu']:g}, {r['L']:g}], kappa = {r['kappa']:.6g}, "
                 f"{r['steps']} steps, {r['eigenvalues']} eigenvalues",
                 f"error factor (theory)    : {r['error_factor_theory']:.12g}   (1/T_k((L+mu)/(L-mu)))",
                 f"error factor (simulated) : {r['error_factor_simulated']:.12g}",
                 f"relative error           : {r['relative_error']:.3e}"]
    else:
        if not args.inner:
            raise UsageError("rate lookahead needs --inner METHOD (gd, heavy-ball or nesterov)")
        if args.tuning or args.form or args.method_file:
            raise UsageError("rate lookahead takes --params (k, alpha and the inner method's); use --inner-form for the form")
        r = lookahead_rate(args.inner, params, inner_form=args.inner_form, reset_inner_state=args.reset_inner_state,
                           mu=args.mu, L=args.L, eigenvalues=eigenvalues, dim=args.dim, steps=args.steps, seed=args.seed)
        sim = (f"DIVERGES, growth factor {r['growth_factor']:.8g} per step" if r["diverged"]
               else f"{r['rate_simulated']:.12g}")
        lines = [f"lookahead over {r['inner']} ({r['inner_form']} form), k = {r['k']}, inner state "
                 f"{'reset' if r['reset_inner_state'] else 'kept'} at each sync; kappa = {r['kappa']:.6g}",
                 f"rate per inner step (theory)    : {r['rate_theory']:.12g}",
                 f"outer rate per sync (theory)    : {r['outer_rate_theory']:.12g}",
                 f"rate per inner step (simulated) : {sim}"]
        if noise is not None:
            from ratecheck import numerics
            from ratecheck.numerics.linear_family import lookahead
            from ratecheck.proofs.linear_family_rate import lookahead_params

            inner = numerics.form(args.inner, args.inner_form)
            k, p = lookahead_params(inner, params)
            r.update(noise_options.rate_fields(noise, lookahead(inner, k, reset_inner_state=args.reset_inner_state), p,
                                               eigenvalues, r, args))
    if args.json:
        a.write_json(r, "-")
        return 0
    print("\n".join(lines))
    if noise is not None:
        noise_options.print_rate(r)
    return 0
