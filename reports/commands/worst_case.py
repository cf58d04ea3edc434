"""Worst case of a first-order method over smooth (strongly) convex functions: performance estimation (PEP).

Examples:
  ratecheck worst-case gd --class smooth-convex --L 1 --steps 3 --json
  ratecheck worst-case gd --class smooth-convex --L 2 --steps 5 --step 1.5 --radius 3 --json
  ratecheck worst-case gd --class smooth-strongly-convex --mu 1 --L 10 --steps 2 --step 1 --measure distance --json
  ratecheck worst-case nesterov --class smooth-convex --L 1 --steps 5 --params alpha=1,beta=0.5 --json
  ratecheck worst-case fista --class smooth-convex --L 1 --steps 10 --json
  ratecheck worst-case line-search --class smooth-strongly-convex --mu 1 --L 10 --steps 2 --initial f-gap --json

The value is the optimum of the Gram-matrix SDP of Drori & Teboulle (2014) and Taylor, Hendrickx & Glineur
(2017), solved with Clarabel; the certificate is "exact" (rational multipliers checked by SymPy), "numeric"
(the solver's dual re-checked in floating point) or "none".  --step H is h in the gradient step h/L.
"""
from __future__ import annotations

#: the methods of :func:`proofs.worst_case.worst_case` (its ``METHODS``; a test keeps the two equal), listed
#: here so that building the parser does not import SymPy and cvxpy
METHODS = ("gd", "heavy-ball", "nesterov", "fista", "line-search")

from . import args as a

HELP = "worst case of a method over smooth convex / strongly convex functions (PEP, exact certificates)"


def _params(text: str) -> dict:
    import argparse

    out = {}
    for item in text.split(","):
        if "=" not in item:
            raise argparse.ArgumentTypeError(f"expected NAME=VALUE pairs separated by commas, got {text!r}")
        k, val = item.split("=", 1)
        k = k.strip()
        if k in out:
            raise argparse.ArgumentTypeError(f"parameter {k!r} given twice")
        out[k] = a.finite(val)
    return out


def add_arguments(p) -> None:
    p.add_argument("method", help=f"one of: {', '.join(METHODS)}")
    p.add_argument("--class", dest="function_class", required=True, choices=["smooth-convex", "smooth-strongly-convex"],
                   help="function class F(0, L) or F(mu, L)")
    p.add_argument("--L", type=a.positive, required=True, help="smoothness constant (> 0)")
    p.add_argument("--mu", type=a.positive, help="strong convexity (0 < mu < L), smooth-strongly-convex only")
    p.add_argument("--steps", type=a.count, required=True, help="number of steps N, 1..200")
    p.add_argument("--step", type=a.positive, help="gd only: h in the step h/L (default 1)")
    p.add_argument("--params", type=_params, help="method parameters, e.g. alpha=0.1,beta=0.5 (gd: eta=...)")
    p.add_argument("--measure", choices=["f-gap", "distance", "grad-norm"], default="f-gap",
                   help="performance measure at x_N (default f-gap)")
    p.add_argument("--initial", choices=["distance", "f-gap", "f-gap+distance"], default="distance",
                   help="initial quantity bounded by R^2: |x_0 - x*|^2 (default), f(x_0) - f*, or f(x_0) - f* + mu/2 |x_0 - x*|^2")
    p.add_argument("--radius", type=a.positive, default=1.0, help="R in the initial condition (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from ratecheck.proofs.worst_case import worst_case
    if args.step is not None and args.params is not None:
        raise a.UsageError("give either --step or --params, not both")
    r = worst_case(args.method, args.function_class, args.L, args.steps, mu=args.mu, step=args.step,
                   params=args.params, measure=args.measure, radius=args.radius, initial=args.initial)
    failed = r["value"] is None and r["solver"] is not None and not r["solver"]["status"].startswith("unbounded")
    if args.json:
        a.write_json(r, "-")
        return 1 if failed else 0
    ps = ", ".join(f"{k} = {v:.10g}" for k, v in r["params"].items()) or "fixed"
    print(f"{r['method']} ({ps}) on {r['class']} (L = {r['L']:g}, mu = {r['mu']:g}), {r['steps']} steps, "
          f"measure {r['measure']}, initial {r['initial']} <= R^2, R = {r['radius']:g}")
    if r["value"] is None:
        print(f"no worst-case value: {r['reason']}")
        return 1 if failed else 0
    print(f"worst case (PEP)  : {r['value']:.10g}   [{r['solver']['name']}: {r['solver']['status']}, {r['seconds']:.3g} s]")
    if r["value_closed_form"] is not None:
        print(f"closed form       : {r['value_closed_form']:.10g}   ({r.get('closed_form_status', 'tight')})")
    if r.get("upper_bound"):
        print(f"upper bound       : {r['upper_bound']['value']:.10g}   ({r['upper_bound']['source']})")
    c = r["certificate"]
    print(f"certificate       : {c['status']}" + (f", tau = {c['tau']}" if c["status"] == "exact" else
                                                  f", dual residual {c['residual']:.2g}" if c["residual"] is not None else ""))
    wf = r["worst_function"]
    if wf["simulated_value"] is not None:
        print(f"worst function    : {wf['description']}; simulated value {wf['simulated_value']:.10g}")
    return 0
