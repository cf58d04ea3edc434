"""Print a topic's derivations step by step with the status of each step's SymPy check.

Examples:
  ratecheck derive gd
  ratecheck derive heavy-ball --json
"""
from __future__ import annotations

import importlib
import json
import sys

from ratecheck.proofs.registry import TOPICS

from ..latex import to_unicode

HELP = "print a topic's checked derivation steps"


def add_arguments(p) -> None:
    p.add_argument("topic", help=f"one of: {', '.join(TOPICS)}")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def topic_derivations(topic: str):
    from .args import UsageError

    if topic not in TOPICS:
        raise UsageError(f"unknown topic {topic!r}; choose one of {', '.join(TOPICS)}")
    return importlib.import_module(f"ratecheck.reports.sections.{TOPICS[topic]}").derivations()


def run(args) -> int:
    derivs = topic_derivations(args.topic)
    steps, results = [], {}
    for d in derivs:
        dd = d.to_dict()
        for s in dd["steps"]:
            s["derivation"] = d.title
        steps.extend(dd["steps"])
        results.update(dd["results"])
    failed = any(s["check"] == "failed" for s in steps)
    if args.json:
        json.dump({"topic": args.topic, "steps": steps, "results": results}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 1 if failed else 0
    mark = {"passed": "[ok]     ", "assumed": "[ASSUMED]", "failed": "[FAILED] "}
    current = None
    for s in steps:
        if s["derivation"] != current:
            current = s["derivation"]
            print(f"\n== {to_unicode(current)}")
        print(f"{mark[s['check']]} {s['label']}: {to_unicode(s['justification'])}")
        print(f"           {s['statement']}   ({s['method']})")
    if results:
        print("\nresults:")
        for k, v in results.items():
            print(f"  {k} = {v}")
    return 1 if failed else 0
