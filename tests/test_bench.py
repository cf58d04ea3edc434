"""`ratecheck bench` on a tiny problem: JSON schema only (timings are never asserted)."""
from __future__ import annotations

import json

from ratecheck.reports.cli import main


def test_bench_json_schema(capsys):
    assert main(["bench", "--dim", "20000", "--steps", "20", "--json", "-"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert set(rec) >= {"machine", "results", "peak_elem_steps_per_s"}
    impls = {r["impl"] for r in rec["results"]}
    assert {"dense-numpy", "numpy-ref", "numba-fused"} <= impls
    for r in rec["results"]:
        assert set(r) >= {"impl", "dim", "steps", "seconds", "elem_steps_per_s"}
        assert r["elem_steps_per_s"] > 0
    assert rec["peak_elem_steps_per_s"] > 0


def test_bench_worst_case_times_both_and_agrees(cli):
    """`bench --worst-case`: ratecheck's PEP values equal Drori & Teboulle's 1/(4N+2); PEPit's too when installed."""
    import json

    r = cli(["bench", "--worst-case", "--max-n", "3", "--json", "-"])
    assert r.code == 0, r.stderr
    rec = json.loads(r.stdout)
    assert [row["N"] for row in rec["rows"]] == [1, 2, 3]
    for row in rec["rows"]:
        assert abs(row["ratecheck_value"] - row["exact"]) <= 1e-5 * row["exact"]
        if rec["pepit"]:
            assert abs(row["pepit_value"] - row["ratecheck_value"]) <= 1e-5 * row["pepit_value"]


def test_bench_worst_case_bad_max_n(cli):
    r = cli(["bench", "--worst-case", "--max-n", "101"])
    assert r.code == 2 and "--max-n" in r.stderr and len(r.stderr.splitlines()) == 1
