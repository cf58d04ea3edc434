r"""Time ratecheck's PEP solves against PEPit's for gradient descent (step 1/L, F(0, L), f(x_N) - f*), N = 1..50.

Same problem, same solver (Clarabel through cvxpy), one process, sequentially:

* ``ratecheck``: :func:`numerics.pep.build_problem` + :func:`numerics.pep.solve`, all ordered pairs (the exact PEP);
* ``ratecheck chain``: only consecutive pairs and pairs with x* (``pairs="chain"``, 4N + 2 constraints; an upper
  bound that the exact certificates show is tight for gradient descent);
* ``PEPit``: :func:`numerics.pepit_reference.gd_f_gap` (PEPit's own problem building, ``solver="CLARABEL"``).

Usage (the same loop as `ratecheck bench --worst-case`):
  .venv/bin/python benchmarks/worst_case.py [--steps 1,2,5,10,20,30,40,50] [--json out.json]

Results on the project's machine are in BENCHMARKS.md ("Worst-case (PEP) solves").
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", default=",".join(str(n) for n in range(1, 51)))
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    from ratecheck.reports.commands.bench import format_worst_case, measure_worst_case  # also `ratecheck bench --worst-case`

    record = measure_worst_case([int(t) for t in a.steps.split(",")])
    print(format_worst_case(record))
    if a.json:
        Path(a.json).write_text(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
