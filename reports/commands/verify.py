"""Run every registered claim: SymPy derivation check, simulation vs theory, published value.

Exits 1 if any claim fails.

Examples:
  ratecheck verify
  ratecheck verify --topic gd --json
"""
from __future__ import annotations

import json
import sys

from ratecheck.proofs.registry import TOPICS, all_claims, claims_for

HELP = "run every claim (symbolic + numeric + reference); exit 1 on any failure"


def add_arguments(p) -> None:
    p.add_argument("--topic", action="append", choices=list(TOPICS), help="only this topic (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    claims = [c for t in args.topic for c in claims_for(t)] if args.topic else list(all_claims())
    outcomes = []
    for c in claims:
        o = c.run()
        outcomes.append(o)
        if not args.json:
            n = o.numeric
            status = "PASS" if o.passed else "FAIL"
            sym = o.to_dict()["symbolic"]
            print(f"{status}  {c.id:<44} symbolic={sym:<8} computed={_fmt(n.computed)} expected={_fmt(n.expected)} "
                  f"({n.guarantee.value}, tol {n.tolerance:g})", flush=True)
    n_fail = sum(not o.passed for o in outcomes)
    if args.json:
        json.dump({"claims": [o.to_dict() for o in outcomes], "passed": len(outcomes) - n_fail, "failed": n_fail},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(f"{len(outcomes) - n_fail} passed, {n_fail} failed")
    return 1 if n_fail else 0


def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:.10g}"
    return str(x)
