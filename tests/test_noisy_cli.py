"""`simulate --noise`, `rate --noise`, `--replicas`: fields, agreement with the derived values, one-line errors."""
from __future__ import annotations

import json

import pytest

from ratecheck.reports.cli import main
from ratecheck.theory.noisy_quadratic import lookahead_ratio, sgd_variance


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_noise_rows_and_record(capsys):
    r = _json(capsys, ["simulate", "heavy-ball", "--spectrum", "eigenvalues:0.2,1", "--params", "alpha=0.5,beta=0.5",
                       "--steps", "60", "--record-every", "10", "--noise", "additive:sigma=0.3", "--replicas", "20000",
                       "--json", "-"])
    rows = r["trajectory"]
    assert [row["t"] for row in rows] == list(range(0, 61, 10))
    assert all({"loss", "loss_stderr", "loss_predicted", "error_ratio"} <= set(row) for row in rows)
    assert r["noise"] == "additive:sigma=0.3" and r["replicas"] == 20000 and r["directions"] == 40000
    for row in rows:  # the exact expected loss within 5 standard errors of the simulated mean, every step
        assert abs(row["loss"] - row["loss_predicted"]) <= 5 * row["loss_stderr"]
    assert r["agrees"] and r["max_deviation_stderr"] <= 5
    # heavy ball's stationary loss is the AR(2) variance per direction (independent closed form)
    a, b, s2 = 0.5, 0.5, 0.09

    def ar2(lam):
        p1, p2 = 1 + b - a * lam, -b
        return (1 - p2) / ((1 + p2) * ((1 - p2) ** 2 - p1 ** 2)) * a * a * s2

    assert r["stationary_loss_theory"] == pytest.approx(0.1 * ar2(0.2) + 0.5 * ar2(1.0), rel=1e-12)


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_simulate_noise_backends_are_the_same_run(backend, capsys):
    """--backend numpy and numba: the same iterates (numerics.noisy), so the same record up to the sums' rounding."""
    argv = ["simulate", "nesterov", "--spectrum", "eigenvalues:0.3,1", "--params", "alpha=0.5,beta=0.5", "--steps", "40",
            "--record-every", "20", "--noise", "additive:sigma=0.2", "--replicas", "500", "--json", "-"]
    ref = _json(capsys, argv + ["--backend", "numpy"])
    r = _json(capsys, argv + ["--backend", backend])
    assert r["backend"] == backend and ref["backend"] == "numpy"
    for a, b in zip(r["trajectory"], ref["trajectory"]):
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-13) and a["t"] == b["t"]
        assert a["loss_stderr"] == pytest.approx(b["loss_stderr"], rel=1e-9)


def test_simulate_noise_table(capsys):
    assert main(["simulate", "gd", "--spectrum", "uniform:mu=0.1,L=1", "--dim", "50", "--eta", "1", "--steps", "30",
                 "--noise", "minibatch:batch=4", "--replicas", "50"]) == 0
    out = capsys.readouterr().out
    assert "noise minibatch:batch=4,scale=1" in out and "standard errors" in out and "stationary loss" in out


def test_rate_noise_single_eigenvalue(capsys):
    r = _json(capsys, ["rate", "gd", "--eigenvalues", "2", "--eta", "0.3", "--noise", "additive:sigma=2",
                       "--replicas", "50000", "--json"])
    v = sgd_variance(0.3, 2.0, 4.0)
    assert r["stationary_variance_theory"] == pytest.approx(v, rel=1e-14)
    assert r["stationary_loss_theory"] == pytest.approx(v, rel=1e-14)  # lambda/2 = 1
    assert abs(r["stationary_variance_simulated"] - v) <= 5 * r["stationary_variance_stderr"]
    assert r["rate_theory"] == pytest.approx(0.4)  # the usual fields stay


def test_rate_noise_lookahead_slow_weights(capsys):
    r = _json(capsys, ["rate", "lookahead", "--inner", "gd", "--params", "eta=0.2,k=4,alpha=0.3", "--eigenvalues", "1",
                       "--noise", "additive:sigma=1", "--replicas", "40000", "--json"])
    v = lookahead_ratio(0.3, 0.8, 4) * sgd_variance(0.2, 1.0, 1.0)
    assert r["stationary_at"].startswith("sync points")
    assert r["stationary_steps"] % 4 == 0
    assert r["stationary_variance_theory"] == pytest.approx(v, rel=1e-13)
    assert abs(r["stationary_variance_simulated"] - v) <= 5 * r["stationary_variance_stderr"]


def test_rate_noise_unstable_is_a_result(capsys):
    r = _json(capsys, ["rate", "gd", "--eigenvalues", "1", "--eta", "2.5", "--noise", "additive:sigma=1", "--json"])
    assert r["stationary_variance_theory"] is None and r["stationary_variance_simulated"] is None


@pytest.mark.parametrize("argv, needle", [
    (["simulate", "gd", "--spectrum", "eigenvalues:1", "--steps", "5", "--eta", "0.1", "--replicas", "3"],
     "--replicas applies with --noise only"),
    (["simulate", "gd", "--spectrum", "eigenvalues:1", "--steps", "5", "--eta", "0.1", "--noise", "bogus"], "--noise must be"),
    (["simulate", "gd", "--spectrum", "eigenvalues:1,2", "--steps", "5", "--eta", "0.1", "--noise", "additive:sigma=1",
      "--replicas", "1"], "--replicas must be at least 2"),
    (["simulate", "adam", "--spectrum", "eigenvalues:1", "--steps", "5", "--noise", "additive:sigma=1"], "not linear"),
    (["simulate", "gd", "--spectrum", "eigenvalues:1", "--steps", "5", "--eta", "0.1", "--noise", "additive:sigma=1",
      "--backend", "cupy"], "--backend auto, numpy or numba"),
    (["rate", "gd", "--mu", "1", "--L", "2", "--eta", "0.1", "--noise", "additive:sigma=1"], "--eigenvalues LAMBDA"),
    (["rate", "chebyshev", "--mu", "1", "--L", "2", "--steps", "5", "--noise", "additive:sigma=1"], "no --noise"),
    (["rate", "gd", "--eigenvalues", "1", "--eta", "0.1", "--noise", "minibatch:scale=1"], "batch=B"),
    (["rate", "gd", "--eigenvalues", "1", "--eta", "0.1", "--noise", "additive:sigma=-2"], "--noise must be"),
])
def test_noise_errors_are_one_line(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_diverging_noisy_run_is_a_result(capsys):
    r = _json(capsys, ["simulate", "gd", "--spectrum", "eigenvalues:1", "--steps", "3000", "--eta", "3",
                       "--noise", "additive:sigma=1", "--record-every", "1000", "--json", "-"])
    assert r["diverged"] and r["trajectory"][-1]["loss"] is None and r["stationary_loss_theory"] is None
