r"""Time ratecheck's PEP solves against PEPit's for gradient descent (step 1/L, F(0, L), f(x_N) - f*), N = 1..50.

Same problem, same solver (Clarabel through cvxpy), one process, sequentially:

* ``ratecheck``: :func:`numerics.pep.build_problem` + :func:`numerics.pep.solve`, all ordered pairs (the exact PEP);
* ``ratecheck chain``: only consecutive pairs and pairs with x* (``pairs="chain"``, 4N + 2 constraints; an upper
  bound that the exact certificates show is tight for gradient descent);
* ``PEPit``: :func:`numerics.pepit_reference.gd_f_gap` (PEPit's own problem building, ``solver="CLARABEL"``).

Usage:
  .venv/bin/python benchmarks/worst_case.py [--steps 1,2,5,10,20,30,40,50] [--json out.json]

Results on the project's machine are in BENCHMARKS.md ("Worst-case (PEP) solves").
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", default=",".join(str(n) for n in range(1, 51)))
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    from ratecheck.numerics import pep as npep
    from ratecheck.numerics import pepit_reference as ref
    from ratecheck.numerics.methods import rule

    ns = [int(t) for t in a.steps.split(",")]
    have_pepit = ref.available()
    npep.solve(npep.build_problem(npep.trace_points(rule("gd", {"eta": 1.0}), 1), 1.0))  # warm imports
    if have_pepit:
        ref.gd_f_gap(1.0, 1.0, 1)
    rows = []
    print(f"{'N':>3} {'exact':>12} {'ratecheck s':>12} {'status':>10} {'chain s':>9} {'PEPit s':>9} {'PEPit value':>12} "
          f"{'ratio':>7}")
    for n in ns:
        exact = 1 / (4 * n + 2)
        t0 = time.perf_counter()
        r = npep.solve(npep.build_problem(npep.trace_points(rule("gd", {"eta": 1.0}), n), 1.0))
        t_full = time.perf_counter() - t0
        t0 = time.perf_counter()
        rc = npep.solve(npep.build_problem(npep.trace_points(rule("gd", {"eta": 1.0}), n), 1.0, pairs="chain"))
        t_chain = time.perf_counter() - t0
        pv, t_p = (ref.gd_f_gap(1.0, 1.0, n) if have_pepit else (None, None))
        row = {"N": n, "exact": exact, "ratecheck_value": r.value, "ratecheck_status": r.status, "ratecheck_s": t_full,
               "chain_value": rc.value, "chain_s": t_chain, "pepit_value": pv, "pepit_s": t_p}
        rows.append(row)
        ratio = (t_p / t_full) if t_p else float("nan")
        print(f"{n:>3} {exact:>12.8f} {t_full:>12.3f} {r.status:>10} {t_chain:>9.3f} "
              f"{(t_p if t_p is not None else float('nan')):>9.3f} {(pv if pv is not None else float('nan')):>12.8f} {ratio:>7.2f}")
    tot = {k: sum(row[k] for row in rows if row[k] is not None) for k in ("ratecheck_s", "chain_s", "pepit_s")}
    print(f"total: ratecheck {tot['ratecheck_s']:.2f} s, chain {tot['chain_s']:.2f} s, PEPit {tot['pepit_s']:.2f} s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if a.json:
        Path(a.json).write_text(json.dumps({"rows": rows, "totals": tot}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
