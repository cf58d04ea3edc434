"""The CLI of schedules and averaging: `ratecheck schedule`, `rate --schedule`, `simulate --schedule/--average`;
the claims and derivations of topics 'schedules' and 'averaging'."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ratecheck.proofs.registry import claims_for
from ratecheck.reports.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_schedule_command_json(capsys):
    r = _json(capsys, ["schedule", "cosine", "--steps", "4", "--eta", "2", "--json"])
    assert set(r) >= {"schedule", "params", "steps", "values"}
    assert r["schedule"] == "cosine" and r["params"] == {"T_max": 4.0, "eta_min": 0.0} and r["steps"] == 4
    assert r["values"] == pytest.approx([2.0, 1 + math.cos(math.pi / 4), 1.0, 1 - math.cos(math.pi / 4)], abs=1e-15)
    r = _json(capsys, ["schedule", "onecycle:max_lr=0.1", "--steps", "10", "--json"])
    assert r["values"][0] == pytest.approx(0.004) and max(r["values"]) == pytest.approx(0.1)
    assert r["momentum"][0] == pytest.approx(0.95)


@pytest.mark.parametrize("argv,word", [
    (["schedule", "cosine:T_max=0", "--steps", "5"], "--schedule"),
    (["schedule", "magic", "--steps", "5"], "--schedule"),
    (["rate", "gd", "--eta", "1", "--schedule", "cosine", "--eigenvalues", "0.1,1"], "--steps"),
    (["rate", "gd", "--eta", "1", "--schedule", "cosine", "--steps", "10"], "--mu"),
    (["rate", "chebyshev", "--schedule", "cosine", "--steps", "10", "--mu", "1", "--L", "2"], "step size"),
    (["rate", "adam", "--schedule", "cosine", "--steps", "10", "--mu", "1", "--L", "2"], "not linear"),
    (["simulate", "gd", "--eta", "1", "--spectrum", "eigenvalues:1,2", "--steps", "5", "--average", "mean"], "--average"),
    (["simulate", "gd", "--eta", "1", "--spectrum", "eigenvalues:1,2", "--steps", "5", "--average", "ema:alpha=1"],
     "--average must be ema:alpha=A"),
])
def test_usage_errors_are_one_line_exit_2(capsys, argv, word):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and word in err and "Traceback" not in err


def test_rate_schedule_json_fields_and_per_eigenvalue(capsys):
    r = _json(capsys, ["rate", "gd", "--eta", "1", "--schedule", "cosine", "--steps", "100",
                       "--eigenvalues", "0.01,0.1,1.5", "--json"])
    # independent value: the product of (1 - eta_t lambda) with eta_t written out here
    eta = [(1 + math.cos(math.pi * t / 100)) / 2 for t in range(100)]
    expect = [abs(math.prod(1 - e * lam for e in eta)) for lam in (0.01, 0.1, 1.5)]
    assert r["error_factor_theory"] == pytest.approx(max(expect), rel=1e-13)
    assert r["error_factor_simulated"] == pytest.approx(max(expect), rel=1e-13)
    assert [row["lambda"] for row in r["per_eigenvalue"]] == [0.01, 0.1, 1.5]
    for row, e in zip(r["per_eigenvalue"], expect):
        assert row["error_factor_theory"] == pytest.approx(e, rel=1e-12)
        assert row["error_factor_simulated"] == pytest.approx(e, rel=1e-12)
    assert r["chebyshev_limit"] < r["error_factor_theory"]


def test_rate_schedule_momentum_method_and_divergence(capsys):
    r = _json(capsys, ["rate", "heavy-ball", "--params", "alpha=1,beta=0.5", "--schedule", "onecycle", "--steps", "60",
                       "--mu", "0.01", "--L", "1", "--dim", "501", "--json"])
    assert r["momentum_cycled"] == "beta" and r["relative_error"] < 1e-10
    r = _json(capsys, ["rate", "gd", "--eta", "3", "--schedule", "constant", "--steps", "1000", "--mu", "0.01",
                       "--L", "1", "--dim", "11", "--json"])
    assert r["diverges"] and r["error_factor_theory"] is None
    assert r["log10_error_factor_theory"] == pytest.approx(1000 * math.log10(2), rel=1e-12)
    assert r["log10_error_factor_simulated"] == pytest.approx(r["log10_error_factor_theory"], rel=1e-12)


def test_simulate_average_rows_match_the_closed_form(capsys):
    lam = [0.05, 0.5]
    r = _json(capsys, ["simulate", "gd", "--eta", "1", "--spectrum", "eigenvalues:0.05,0.5", "--steps", "30",
                       "--average", "polyak", "--backend", "numba", "--json", "-"])
    rows = r["trajectory"]
    assert r["average"] == "polyak" and set(rows[0]) >= {"averaged_error_ratio", "averaged_error_ratio_predicted"}
    # the closed form r(1 - r^T)/(T(1 - r)) per mode, weighted by the run's own e0 (|e_t| of the last iterate)
    from ratecheck.numerics.problems import isotropic_initial_error

    e0 = isotropic_initial_error(2, 0, 1.0)
    for row in rows[1:]:
        T = row["t"]
        a = [(1 - x) * (1 - (1 - x) ** T) / (T * x) for x in lam]
        expect = math.sqrt(sum((ai * ei) ** 2 for ai, ei in zip(a, e0))) / float(np.linalg.norm(e0))
        assert row["averaged_error_ratio"] == pytest.approx(expect, rel=1e-12)
        assert row["averaged_error_ratio_predicted"] == pytest.approx(expect, rel=1e-12)
        assert row["averaged_error_ratio"] >= row["error_ratio"]


def test_simulate_schedule_and_ema_on_heavy_ball(capsys):
    r = _json(capsys, ["simulate", "heavy-ball", "--params", "alpha=0.5,beta=0.8", "--spectrum", "uniform:mu=0.01,L=1",
                       "--dim", "200", "--steps", "80", "--schedule", "cosine", "--average", "ema:alpha=0.9,start=x0",
                       "--json", "-"])
    assert r["schedule"].startswith("cosine") and r["rate_theory"] is None
    dev = max(abs(row["averaged_error_ratio"] / row["averaged_error_ratio_predicted"] - 1) for row in r["trajectory"])
    assert dev < 1e-10
    r = _json(capsys, ["simulate", "adam", "--params", "lr=0.01", "--spectrum", "eigenvalues:0.5,1", "--steps", "10",
                       "--average", "polyak", "--json", "-"])
    assert all(row["averaged_error_ratio_predicted"] is None for row in r["trajectory"])


@pytest.mark.parametrize("topic", ["averaging", "schedules"])
def test_topic_claims_pass(topic):
    for c in claims_for(topic):
        o = c.run()
        assert o.passed, (c.id, o.numeric.to_dict(), o.reference.to_dict() if o.reference else None)
        assert c.id.startswith(topic + ".")
