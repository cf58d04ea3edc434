"""Print a topic's derivations step by step with the status of each step's SymPy check.

Examples:
  ratecheck derive gd
  ratecheck derive heavy-ball --json
  ratecheck derive --method-file examples/qhm.py:QHM

With --method-file, the generic engine derives the method's iteration matrix, characteristic
polynomial and Schur-Cohn/Jury stability conditions from its update rule, each step checked by SymPy;
a method that is not linear gets "not linear: no iteration matrix".
"""
from __future__ import annotations

import importlib
import json
import sys

from ratecheck.proofs.registry import TOPICS

from ..latex import to_unicode

HELP = "print a topic's checked derivation steps"


def add_arguments(p) -> None:
    p.add_argument("topic", nargs="?", help=f"one of: {', '.join(TOPICS)}")
    p.add_argument("--method-file", metavar="FILE:NAME", help="derive a method defined in your own Python file")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def topic_derivations(topic: str):
    from .args import UsageError

    if topic not in TOPICS:
        raise UsageError(f"unknown topic {topic!r}; choose one of {', '.join(TOPICS)}")
    return importlib.import_module(f"ratecheck.reports.sections.{TOPICS[topic]}").derivations()


def method_derivations(spec: str):
    """The engine's derivation of the method in ``spec`` = FILE:NAME, or the reason it has none."""
    from ratecheck.proofs.method_file import load_method
    from ratecheck.proofs.methods import engine_model
    from ratecheck.theory.linear_engine import NotLinear

    m = load_method(spec)
    try:
        return m, [engine_model(m).derivation], None
    except NotLinear as exc:
        return m, [], str(exc)


def run(args) -> int:
    from .args import UsageError

    if (args.topic is None) == (args.method_file is None):
        raise UsageError("give a TOPIC or --method-file FILE:NAME, exactly one")
    if args.method_file:
        m, derivs, reason = method_derivations(args.method_file)
        if reason is not None:
            if args.json:
                json.dump({"method": m.key, "linear": False, "reason": reason}, sys.stdout, indent=2)
                sys.stdout.write("\n")
            else:
                print(f"{m.key}: {reason}")
            return 0
    else:
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
        head = {"topic": args.topic} if args.topic else {"method": m.key, "linear": True}
        json.dump({**head, "steps": steps, "results": results}, sys.stdout, indent=2)
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
