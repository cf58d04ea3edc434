"""`ratecheck simulate`: JSON schema, MP prediction agreement (the issue's 'done when'), clear errors."""
from __future__ import annotations

import json

import pytest

from ratecheck.reports.cli import main


def test_simulate_mp_json(capsys):
    code = main(["simulate", "gd", "--spectrum", "marchenko-pastur:ratio=0.5", "--dim", "1000000", "--steps", "10",
                 "--eta", "0.3431457505", "--json", "-"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("method", "spectrum", "dim", "steps", "params", "backend", "precision", "rate_theory", "rate_fitted",
                "seconds", "elem_steps_per_s", "trajectory"):
        assert key in out
    assert out["backend"] in ("numba", "cupy") and out["precision"] == "float64"
    rows = out["trajectory"]
    assert [r["t"] for r in rows] == list(range(11))
    for r in rows:
        assert abs(r["loss"] / r["loss_predicted"] - 1) < 5e-3


def test_simulate_table_without_prediction(capsys):
    code = main(["simulate", "heavy-ball", "--spectrum", "uniform:mu=1,L=100", "--dim", "20000", "--steps", "300",
                 "--alpha", "0.0330578512", "--beta", "0.6694214876", "--backend", "numba"])
    assert code == 0
    text = capsys.readouterr().out
    assert "predicted" not in text and "element-steps/s" in text


def test_simulate_json_file_nulls(tmp_path, capsys):
    path = tmp_path / "o.json"
    assert main(["simulate", "gd", "--spectrum", "eigenvalues:1,2,3", "--steps", "5", "--eta", "0.4",
                 "--backend", "numpy", "--json", str(path)]) == 0
    rows = json.loads(path.read_text())["trajectory"]
    assert all(r["loss_predicted"] is None for r in rows)


@pytest.mark.parametrize("argv,needle", [
    (["simulate", "gd", "--spectrum", "cauchy:x=1", "--dim", "10", "--steps", "5", "--eta", "0.1"], "--spectrum"),
    (["simulate", "gd", "--spectrum", "uniform:mu=1,L=2", "--dim", "10", "--steps", "5", "--eta", "-1"], "--eta"),
    (["simulate", "gd", "--spectrum", "uniform:mu=1,L=2", "--dim", "100000000000000", "--steps", "5", "--eta", "0.1"],
     "--dim"),
    (["simulate", "gd", "--spectrum", "uniform:mu=1,L=2", "--steps", "5", "--eta", "0.1"], "--dim"),
])
def test_simulate_errors_are_one_line(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err


# ----------------------------------------------------------------------------- issue 8: memory per recorded step
def _peak_bytes(cli, argv):
    import tracemalloc

    tracemalloc.start()
    try:
        r = cli(argv)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.code == 0, r.stderr
    return peak


def test_memory_per_recorded_step_matches_the_check(cli, tmp_path):
    """Item 16: the check assumed 512 B per step while a run took 1.43 KB; now measure and compare.

    Peak traced memory (numpy arrays included) of `simulate --json FILE` at 50k vs 150k steps, per extra step,
    must be at most the ROW_BYTES the memory check uses, and not far below it (the estimate is honest)."""
    from ratecheck.reports.commands.simulate import ROW_BYTES

    base = ["simulate", "gd", "--spectrum", "eigenvalues:1,1.0000001", "--eta", "1e-9", "--backend", "numba"]
    small = _peak_bytes(cli, base + ["--steps", "50000", "--json", str(tmp_path / "a.json")])
    large = _peak_bytes(cli, base + ["--steps", "150000", "--json", str(tmp_path / "b.json")])
    per_step = (large - small) / 100_000
    assert ROW_BYTES / 4 <= per_step <= ROW_BYTES, per_step


def test_record_every_keeps_every_kth_step_and_the_last(cli):
    r = cli(["simulate", "gd", "--spectrum", "eigenvalues:1,2", "--steps", "10", "--eta", "0.1",
             "--record-every", "4", "--json", "-"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert [row["t"] for row in out["trajectory"]] == [0, 4, 8, 10]
    full = json.loads(cli(["simulate", "gd", "--spectrum", "eigenvalues:1,2", "--steps", "10", "--eta", "0.1",
                           "--json", "-"]).stdout)
    kept = {row["t"]: row["error_ratio"] for row in full["trajectory"]}
    for row in out["trajectory"]:
        assert row["error_ratio"] == pytest.approx(kept[row["t"]], rel=1e-14)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_record_every_rate_matches_full_record(backend):
    import numpy as np

    from ratecheck import numerics
    from ratecheck.numerics.backends import simulate_diagonal

    rule = numerics.rule("gd", {"eta": 0.5})
    lam = np.r_[0.1, np.linspace(0.5, 1.0, 49)]  # slowest mode alone: |1 - 0.05| = 0.95, next 0.75
    e0 = np.ones(50)
    full = simulate_diagonal(rule, lam, e0, 400, backend=backend)
    sparse = simulate_diagonal(rule, lam, e0, 400, backend=backend, record_every=7)
    assert sparse.steps_run == full.steps_run == 400
    np.testing.assert_array_equal(sparse.times[:-1], np.arange(0, 400, 7))
    np.testing.assert_allclose(sparse.error_norm[:-1], full.error_norm[::7], rtol=1e-14)
    assert sparse.rate().rate == pytest.approx(0.95, rel=1e-6)  # slowest mode |1 - 0.5 * 0.1|
    assert full.rate().rate == pytest.approx(0.95, rel=1e-6)
