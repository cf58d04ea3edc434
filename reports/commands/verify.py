"""Run every registered claim: SymPy derivation check, simulation vs theory, published value.

Exits 1 if any claim fails.

Examples:
  ratecheck verify
  ratecheck verify --topic gd --json
  ratecheck verify --claim heavy-ball.rate-kappa-100 --claim gd.optimal-step

Claim ids are <topic>.<name> (`ratecheck verify --list` prints them); an old id (the hb-*, nag-*,
engine-* names of release 0.1) still works and prints a note naming its new id.
"""
from __future__ import annotations

import difflib
import json
import sys

from ratecheck.proofs.registry import TOPICS, all_claims, claims_for

from .args import UsageError

HELP = "run every claim (symbolic + numeric + reference); exit 1 on any failure"


def add_arguments(p) -> None:
    p.add_argument("--topic", action="append", choices=list(TOPICS), help="only this topic (repeatable)")
    p.add_argument("--claim", action="append", metavar="ID", help="only this claim (repeatable; <topic>.<name>)")
    p.add_argument("--list", action="store_true", help="print every claim id (and its old ids) and run nothing")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    if args.list:
        return _list(args)
    if args.claim:
        if args.topic:
            raise UsageError("give --topic or --claim, not both")
        claims = [_claim(i) for i in dict.fromkeys(args.claim)]
    else:
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
        text = json.dumps({"claims": [o.to_dict() for o in outcomes], "passed": len(outcomes) - n_fail,
                           "failed": n_fail}, indent=2)  # whole text first: a failure prints no partial JSON
        sys.stdout.write(text + "\n")
    else:
        print(f"{len(outcomes) - n_fail} passed, {n_fail} failed")
    return 1 if n_fail else 0


def _claim(claim_id: str):
    """The claim ``claim_id``; an old id prints a ``note:`` naming the new one (stderr) and runs that."""
    from ratecheck.proofs.claim_ids import current, deprecation

    note = deprecation(claim_id)
    if note is not None:
        sys.stderr.write(f"ratecheck: note: {note}\n")
    ids = [c.id for c in all_claims()]
    if current(claim_id) not in ids:
        close = difflib.get_close_matches(claim_id, ids, n=1)
        hint = f" (did you mean {close[0]}?)" if close else " (see `ratecheck verify --list`)"
        raise UsageError(f"--claim: no claim with id {claim_id!r}{hint}")
    return next(c for c in all_claims() if c.id == current(claim_id))


def _list(args) -> int:
    if args.claim or args.topic:
        raise UsageError("--list prints every claim id: give it alone (or with --json)")
    rows = [{"id": c.id, "topic": c.topic, "aliases": list(c.aliases)} for c in all_claims()]
    if args.json:
        json.dump({"claims": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for r in rows:
        print(r["id"] + (f"   (formerly {', '.join(r['aliases'])})" if r["aliases"] else ""))
    return 0


def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:.10g}"
    return str(x)
