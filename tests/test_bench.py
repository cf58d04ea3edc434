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
