"""Check the lecture notes' statements: print each with its verdict and run the claims that show it.

Exits 1 if any listed claim fails.

Examples:
  ratecheck audit
  ratecheck audit --json
"""
from __future__ import annotations

import json
import sys

from ratecheck.proofs.findings import FINDINGS
from ratecheck.proofs.registry import get

from ..latex import to_unicode

HELP = "the lecture notes' statements, classified, with the claims that show it; exit 1 if one fails"


def add_arguments(p) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    ids = list(dict.fromkeys(c for f in FINDINGS for c in f.claims))
    outcomes = {i: get(i).run() for i in ids}
    statements = []
    for f in FINDINGS:
        d = f.to_dict()
        d["quote"], d["detail"] = to_unicode(f.quote), to_unicode(f.detail)
        d["claims_passed"] = all(outcomes[c].passed for c in f.claims)
        statements.append(d)
    failed = sorted(i for i, o in outcomes.items() if not o.passed)
    if args.json:
        json.dump({"statements": statements, "claims_run": len(ids), "claims_failed": failed}, sys.stdout,
                  indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 1 if failed else 0
    for s in statements:
        status = "" if not s["claims"] else ("  [claims pass]" if s["claims_passed"] else "  [CLAIM FAILED]")
        print(f"note {s['note']}, {s['section']}: {s['verdict'].upper()}{status}")
        print(f"  \"{s['quote']}\"")
        print(f"  {s['detail']}")
        if s["claims"]:
            print(f"  claims: {', '.join(s['claims'])}")
    counts = {v: sum(s["verdict"] == v for s in statements) for v in ("true", "false", "true-with-conditions",
                                                                      "not-checkable")}
    print(f"\n{len(statements)} statements: " + ", ".join(f"{n} {v}" for v, n in counts.items())
          + f"; {len(ids) - len(failed)} of {len(ids)} claims pass")
    return 1 if failed else 0
