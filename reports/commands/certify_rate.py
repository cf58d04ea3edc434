"""Certified linear rate on S(mu, L) by the IQC/LMI of Lessard, Recht & Packard (2016), against the quadratic rate.

Examples:
  ratecheck certify-rate gd --mu 1 --L 10 --json
  ratecheck certify-rate nesterov --mu 1 --L 100 --tuning standard --json
  ratecheck certify-rate heavy-ball --mu 1 --L 25 --json
  ratecheck certify-rate heavy-ball --mu 1 --L 10 --params alpha=0.1,beta=0.3 --json

The rate is the smallest rho (bisection, tolerance 1e-6) for which the LMI with the sector and the weighted
off-by-one IQC is feasible, each feasible point re-checked; null when none below 1 exists.  It is an upper
bound on the worst-case rate over S(mu, L), never below the rate on quadratics.
"""
from __future__ import annotations


from . import args as a
from .worst_case import _params

HELP = "certified linear rate on S(mu, L) by IQC/LMI (Lessard, Recht & Packard 2016)"


def add_arguments(p) -> None:
    p.add_argument("method", help="gd, heavy-ball or nesterov")
    p.add_argument("--mu", type=a.positive, required=True, help="strong convexity (0 < mu < L)")
    p.add_argument("--L", type=a.positive, required=True, help="smoothness constant")
    p.add_argument("--params", type=_params, help="gd: eta=...; heavy-ball, nesterov: alpha=...,beta=...")
    p.add_argument("--tuning", choices=["optimal", "standard"], help="parameter tuning when no --params (default optimal)")
    p.add_argument("--iqc", choices=["sector", "sector+off-by-one"], default="sector+off-by-one",
                   help="IQCs used (default sector+off-by-one)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from ratecheck.proofs.worst_case import certify_rate
    r = certify_rate(args.method, args.mu, args.L, params=args.params, tuning=args.tuning, iqc=args.iqc)
    if args.json:
        a.write_json(r, "-")
        return 0
    ps = ", ".join(f"{k} = {v:.10g}" for k, v in r["params"].items())
    print(f"{r['algorithm']} ({ps}) on S({r['mu']:g}, {r['L']:g}), {r['method']}")
    print(f"rate on quadratics : {r['rate_quadratic']:.10g}")
    if r["rate_certified"] is None:
        print("certified rate     : none below 1 (the LMI is infeasible at rho = 1)")
    else:
        print(f"certified rate     : {r['rate_certified']:.8g}  (gap 1 - rho = {1 - r['rate_certified']:.4g}; "
              f"LMI re-check: max eigenvalue {r['certificate']['lmi_max_eigenvalue']:.2g})")
    return 0
