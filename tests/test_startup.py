"""Building the CLI parser imports no heavy package (issue 10, point 10).

Times are measured by benchmarks/startup.py (BENCHMARKS.md), never asserted here; this checks the cause
of a slow start instead: ``ratecheck --help`` must not import NumPy, SymPy, matplotlib, jinja2, cvxpy.
"""
from __future__ import annotations

import json
import subprocess
import sys

from ratecheck.proofs import worst_case
from ratecheck.reports.commands import worst_case as worst_case_command

HEAVY = ("numpy", "sympy", "mpmath", "scipy", "matplotlib", "jinja2", "cvxpy", "numba", "rich")


def _heavy_after(code: str) -> list[str]:
    probe = code + f"\nimport sys, json\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])


def test_building_the_parser_imports_no_heavy_package():
    assert _heavy_after("import ratecheck.reports.cli as c\nc.build_parser()") == []


def test_help_runs_without_heavy_imports():
    code = ("import ratecheck.reports.cli as c\n"
            "for argv in (['--help'], ['rate', '--help'], ['sweep', '--help']):\n"
            "    try:\n        c.main(argv)\n    except SystemExit as e:\n        assert e.code == 0, e.code\n")
    assert _heavy_after(code) == []


def test_proofs_package_loads_claim_names_on_first_use():
    assert _heavy_after("import ratecheck.proofs, ratecheck.proofs.registry") == []
    assert "sympy" in _heavy_after("from ratecheck.proofs import Claim")


def test_worst_case_method_list_of_the_cli_is_the_engines():
    # the CLI lists them without importing the engine (SymPy, cvxpy); the two lists must stay the same
    assert worst_case_command.METHODS == worst_case.METHODS
