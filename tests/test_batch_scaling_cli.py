"""`ratecheck batch-scaling`: fields, the fits, one-line errors."""
from __future__ import annotations

import json

import pytest

from ratecheck.reports.cli import main


def test_batch_scaling_json(capsys):
    assert main(["batch-scaling", "--method", "gd", "--spectrum", "power-law:L=1,exponent=1", "--dim", "100",
                 "--noise", "minibatch:scale=1", "--target-loss", "0.002", "--batches", "1:16", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert [p["batch"] for p in r["points"]] == [1, 2, 4, 8, 16]
    assert all(set(p) == {"batch", "best_eta", "steps"} for p in r["points"])
    assert {"eta_exponent_small_batch", "critical_batch"} <= set(r["fits"])
    assert r["fits"]["eta_exponent_small_batch"] == pytest.approx(1.0, abs=0.02)


def test_batch_scaling_table(capsys):
    assert main(["batch-scaling", "--spectrum", "eigenvalues:0.1,1", "--noise", "minibatch:scale=0.1",
                 "--target-loss", "0.05", "--batches", "1,8,64"]) == 0
    out = capsys.readouterr().out
    assert "best eta" in out and "critical batch size" in out


@pytest.mark.parametrize("argv, needle", [
    (["--method", "heavy-ball"], "--params: beta must be given"),
    (["--noise", "additive:sigma=1"], "minibatch:scale=c"),
    (["--noise", "minibatch:batch=4"], "leave out batch="),
    (["--batches", "8:2"], "--batches"),
    (["--target-loss", "10"], "--target-loss must be below the initial expected loss"),
])
def test_batch_scaling_errors(argv, needle, capsys):
    base = {"--method": "gd", "--spectrum": "eigenvalues:0.1,1", "--noise": "minibatch:scale=1", "--target-loss": "0.01",
            "--batches": "1:4"}
    for i in range(0, len(argv), 2):
        base[argv[i]] = argv[i + 1]
    cmd = ["batch-scaling"] + [x for kv in base.items() for x in kv]
    try:
        code = main(cmd)
    except SystemExit as e:  # argparse's own errors (a bad --batches) exit from the parser
        code = e.code
    assert code == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_batch_scaling_plot(tmp_path, capsys):
    out = tmp_path / "b.svg"
    assert main(["batch-scaling", "--spectrum", "eigenvalues:0.1,1", "--noise", "minibatch:scale=0.1",
                 "--target-loss", "0.05", "--batches", "1,8,64", "--plot", str(out)]) == 0
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    bad = tmp_path / "b.txt"
    assert main(["batch-scaling", "--spectrum", "eigenvalues:0.1,1", "--noise", "minibatch:scale=0.1",
                 "--target-loss", "0.05", "--plot", str(bad)]) == 2
    assert not bad.exists()
