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
