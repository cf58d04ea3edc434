"""``ratecheck rate METHOD --schedule SPEC --steps T``: the derived residual polynomial next to a run.

Kept out of rate.py (which only adds the flag and calls :func:`run`): the error factor after T steps of a
scheduled method, max over the spectrum of |P_T(lambda)| from theory (product of (1 - eta_t lambda) for gd,
of the engine's iteration matrices otherwise) and from running it, per eigenvalue with --eigenvalues, and the
Chebyshev limit 1/T_T(sigma) of the same interval.
"""
from __future__ import annotations

from . import args as a

__all__ = ["add_arguments", "run"]


def add_arguments(p) -> None:
    p.add_argument("--schedule", metavar="SPEC",
                   help="learning-rate schedule (see `ratecheck schedule --help`); needs --steps T")


def run(args, eigenvalues, spectrum_note, params: dict, noise=None) -> int:
    from ratecheck.proofs.schedules import schedule_rate

    from .args import UsageError

    if args.steps is None:
        raise UsageError("--schedule needs --steps T (the schedule's length)")
    if eigenvalues is None and (args.mu is None or args.L is None):
        raise UsageError("give --mu and --L, or --eigenvalues")
    if eigenvalues is not None and (args.mu is not None or args.L is not None):
        raise UsageError("give either --mu/--L or --eigenvalues, not both")
    if args.tuning or args.inner or args.reset_inner_state:
        raise UsageError("--schedule takes the method's parameters (--eta/--params; the schedule scales the step "
                         "size), not --tuning, --inner or --reset-inner-state")
    if (args.method is None) == (args.method_file is None):
        raise UsageError("give a METHOD or --method-file FILE:NAME, exactly one")
    method = args.method
    if args.method_file:
        from ratecheck.proofs.method_file import load_method

        method = load_method(args.method_file)
    if args.method in ("chebyshev", "lookahead"):
        raise UsageError(f"--schedule applies to methods with a step size; {args.method} has its own parameters")
    from ratecheck import numerics

    if isinstance(method, str) and numerics.methods.family(method) == "adaptive":
        raise UsageError(f"{method} is not linear: no residual polynomial (run it with `ratecheck simulate "
                         f"{method} --schedule ...`)")
    r = schedule_rate(method, args.schedule, steps=args.steps, params=params, form=args.form,
                      mu=args.mu, L=args.L, eigenvalues=eigenvalues, dim=args.dim)
    if spectrum_note is not None:
        r["spectrum_input"] = spectrum_note
    if noise is not None:  # the final variance under noise (reports/commands/rate_schedule_noise.py)
        from . import rate_schedule_noise

        r.update(rate_schedule_noise.fields(args, method, r, noise))
    if args.json:
        a.write_json(r, "-")
        return 0
    ps = ", ".join(f"{k} = {v:.10g}" for k, v in r["params"].items())
    print(f"{r['method']} ({r['form'].split('/')[0]} form), {ps}; schedule {r['schedule_spec']} on "
          f"{r['lr_parameter']}" + (f", momentum {r['momentum_cycled']} cycled" if r["momentum_cycled"] else ""))
    print(f"spectrum: {r['eigenvalues']} eigenvalues in [{r['mu']:g}, {r['L']:g}], {r['steps']} steps")

    def show(x, lg):
        return f"{x:.12g}" if x is not None else f"10^{lg:.6g} (diverges)"

    print(f"error factor (theory)    : {show(r['error_factor_theory'], r['log10_error_factor_theory'])}   "
          f"(max |P_T(lambda)|, at lambda = {r['worst_lambda']:.6g})")
    print(f"error factor (simulated) : {show(r['error_factor_simulated'], r['log10_error_factor_simulated'])}")
    rel = "n/a" if r["relative_error"] is None else f"{r['relative_error']:.3e}"
    print(f"relative error           : {rel}")
    if r["chebyshev_limit"] is not None:
        print(f"Chebyshev limit          : {r['chebyshev_limit']:.6g}   (1/T_T((L+mu)/(L-mu)), any method, {r['steps']} steps)")
    for row in r.get("per_eigenvalue", [])[:20]:
        print(f"  lambda = {row['lambda']:<12.6g} theory {show(row['error_factor_theory'], row['log10_error_factor_theory'])}"
              f", simulated {show(row['error_factor_simulated'], row['log10_error_factor_simulated'])}")
    if noise is not None:
        rate_schedule_noise.print_fields(r)
    return 0
