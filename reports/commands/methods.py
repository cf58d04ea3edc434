"""List every method and form: parameters with their ranges and defaults, state arrays, formula and source.

Examples:
  ratecheck methods
  ratecheck methods --json
  ratecheck methods --method-file examples/qhm.py:QHM
"""
from __future__ import annotations

from ..latex import to_unicode
from . import args as a

HELP = "list every method and form with its parameters, ranges and source"


def add_arguments(p) -> None:
    p.add_argument("--method-file", metavar="FILE:NAME", help="describe a method defined in your own Python file")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def describe(m) -> dict:
    """One method value as a JSON-ready record."""
    from ratecheck import numerics

    return {
        "method": m.method,
        "form": m.name,
        "params": [{"name": p.name, "range": p.range_text, "default": p.default, "doc": p.doc} for p in m.params],
        "state": [{"name": s.name, "init": s.init} for s in m.state],
        "per_step_scalars": list(m.scalar_names),
        "family": numerics.methods.family(m),
        "linearity": numerics.methods.linearity(m),
        "formula": m.formula,
        "source": m.source,
    }


_KIND = {"classic": "classic (closed forms)", "linear": "linear family (no closed forms on file)",
         "adaptive": "adaptive (no iteration matrix)"}


def _print(records) -> None:
    for r in records:
        ps = ", ".join(f"{p['name']} in {p['range']}" + (f" (default {p['default']:g})" if p["default"] is not None
                                                         else "") for p in r["params"])
        st = ", ".join(f"{s['name']} = {s['init'] if s['init'] != 'x' else 'x0'}" for s in r["state"])
        print(f"{r['method']} / {r['form']}: {ps}")
        print(f"    state: {st}")
        print(f"    {_KIND.get(r['family'], 'user-defined')}: {r['linearity']}")
        print(f"    {to_unicode(r['formula'])}")
        print(f"    source: {r['source']}")


def print_forms(method: str) -> int:
    """What ``ratecheck rate METHOD --form ?`` prints: the forms of one built-in method."""
    from ratecheck import numerics

    _print([describe(m) for m in numerics.forms(numerics.form(method).method)])
    return 0


def run(args) -> int:
    from ratecheck import numerics

    if args.method_file:
        from ratecheck.proofs.method_file import load_method

        values = [load_method(args.method_file)]
    else:
        values = numerics.forms()
    records = [describe(m) for m in values]
    if args.json:
        a.write_json({"methods": records}, "-")
        return 0
    _print(records)
    return 0
