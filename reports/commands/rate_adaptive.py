"""``ratecheck rate ADAPTIVE-METHOD``: no iteration matrix, so the run's measured behaviour instead of a rate
(:func:`ratecheck.proofs.adaptive_rate.measure_adaptive`)."""
from __future__ import annotations

from . import args as a


def run(args, eigenvalues) -> int:
    import numpy as np

    from ratecheck.proofs.adaptive_rate import MAX_DIM, measure_adaptive

    from .args import UsageError

    for flag, given in (("--noise", getattr(args, "noise", None) is not None),
                        ("--schedule", getattr(args, "schedule", None) is not None),
                        ("--line-search", getattr(args, "line_search", None) is not None),
                        ("--tuning", args.tuning is not None)):
        if given:
            raise UsageError(f"{flag} applies to linear methods; {args.method} is not linear (give --params)")
    named = [k for k in ("eta", "alpha", "beta", "gamma") if getattr(args, k, None) is not None]
    if named:
        raise UsageError(f"--{named[0]} is a flag of the linear methods: give {args.method}'s parameters as "
                         f"--params (torch's names, e.g. lr=0.001,beta1=0.9)")
    if eigenvalues is None:
        if args.mu is None or args.L is None:
            raise UsageError("give --mu and --L (with --dim), or --eigenvalues")
        if args.dim > MAX_DIM:
            raise UsageError(f"{args.method} runs on the dense reference path: give --dim D <= {MAX_DIM} with "
                             f"--mu/--L (got {args.dim})")
        if not 0 < args.mu <= args.L:
            raise UsageError(f"--mu must be in (0, L] (got {args.mu:g})")
        eigenvalues = np.linspace(args.mu, args.L, args.dim)
    elif args.mu is not None or args.L is not None:
        raise UsageError("give either --mu/--L or --eigenvalues, not both")
    r = measure_adaptive(args.method, eigenvalues, form=args.form, params=args.params or {}, steps=args.steps,
                         seed=args.seed)
    if args.json:
        print(a.json_text(r), end="")
        return 0
    ps = ", ".join(f"{k} = {v:.6g}" for k, v in r["params"].items())
    print(f"{r['method']} ({r['form']} form): {ps}")
    print(f"spectrum: {r['dim']} eigenvalues in [{r['mu']:g}, {r['L']:g}], kappa = {r['kappa']:.6g}")
    print("rate (theory):    n/a (not linear: no iteration matrix, so no derived rate)")
    m = r["measured"]
    line = f"measured over {r['steps']} steps: {r['verdict']}"
    if r["verdict"] == "converges linearly":
        line += f", fitted rate {m['rate']:.8g} ({m['e_foldings']:.3g} e-foldings in the second half)"
    elif r["verdict"] == "bursts":
        line += f", {m['bursts']} bursts, the first at step {m['first_burst']}"
    elif r["verdict"] == "limit cycle":
        line += f", period {m['period']}, amplitude {m['amplitude']:.6g}"
    print(line)
    if m["final_error"] is not None:
        print(f"final error ||x_T - x*|| = {m['final_error']:.6g} (||x_0 - x*|| about 1)")
    print("(a measurement with the definitions of numerics.adaptive_behaviour.classify, not a theorem)")
    return 0
