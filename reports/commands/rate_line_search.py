"""``ratecheck rate gd --line-search exact|armijo[:eta0=E,shrink=S,c=C]``: steepest descent with a line search.

The spectrum comes from --mu/--L (--dim equally spaced eigenvalues) or --eigenvalues; the run starts at the
tight start x0 = e_1/mu + e_n/L; the numbers are :func:`proofs.line_search_rate.line_search_rate`'s.
"""
from __future__ import annotations

from . import args as a

__all__ = ["add_arguments", "wants", "run"]


def add_arguments(p) -> None:
    p.add_argument("--line-search", metavar="SPEC",
                   help="gd with a line search: exact, or armijo[:eta0=1,shrink=0.5,c=1e-4] (backtracking)")


def wants(args) -> bool:
    return getattr(args, "line_search", None) is not None


def run(args, eigenvalues) -> int:
    from ratecheck.proofs.line_search_rate import line_search_rate

    from .args import UsageError

    if args.method != "gd" or args.method_file:
        raise UsageError("--line-search applies to `rate gd` (steepest descent) only")
    if eigenvalues is None and (args.mu is None or args.L is None):
        raise UsageError("give --mu and --L, or --eigenvalues")
    if eigenvalues is not None and (args.mu is not None or args.L is not None):
        raise UsageError("give either --mu/--L or --eigenvalues, not both")
    given = [f"--{n}" for n in ("eta", "alpha", "beta", "gamma") if getattr(args, n, None) is not None]
    given += ["--params"] * bool(args.params) + ["--tuning"] * bool(args.tuning) + ["--form"] * bool(args.form)
    given += ["--inner"] * bool(args.inner) + ["--inner-form"] * bool(args.inner_form)
    given += ["--reset-inner-state"] * bool(args.reset_inner_state)
    if given:
        raise UsageError(f"--line-search chooses the step itself: {given[0]} does not apply")
    r = line_search_rate(args.line_search, mu=args.mu, L=args.L, eigenvalues=eigenvalues, dim=args.dim,
                         steps=args.steps)
    if args.json:
        a.write_json(r, "-")
        return 0
    head = "exact line search" if r["line_search"] == "exact" else (
        "Armijo backtracking (" + ", ".join(f"{k} = {v:g}" for k, v in r["params"].items()) + ")")
    lines = [f"gd with {head}; {r['dim']} eigenvalues in [{r['mu']:g}, {r['L']:g}], kappa = {r['kappa']:.6g}",
             f"start                      : {r['start']}",
             f"loss ratio per step, theory: {r['loss_ratio_theory']:.12g}   ({r['guarantee']})",
             f"worst step of the run      : {r['loss_ratio_simulated']:.12g}   ({r['steps_measured']} steps)"]
    if r["line_search"] == "armijo":
        lines += [f"accepted steps             : smallest {r['smallest_accepted_step']:.6g}, guaranteed >= "
                  f"{r['step_floor']:.6g}; derived accepted step matches every step: "
                  f"{'yes' if r['accepted_steps_match'] else 'NO'}"]
    print("\n".join(lines))
    return 0
