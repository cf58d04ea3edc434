"""Topic 'schedules-noise': scheduled SGD under gradient noise (derivation, claims, `simulate --noise --schedule`)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ratecheck.proofs.claims import schedules_noise as sn
from ratecheck.proofs.registry import claims_for
from ratecheck.reports.cli import main
from ratecheck.theory import schedules_noise as th
from ratecheck.theory.derivation import CheckStatus


def test_derivation_checks():
    d = sn.derivation()
    assert d.status is CheckStatus.PASSED
    assert [o.step.label for o in d.outcomes()][-1] == "unrolled: bias plus variance"


def test_crossover_and_floor_formulas():
    assert th.crossover_sigma2(1.0, 2.0, 3.0, 1.0) == 2.0  # 1 + 2x = 3 + x at x = 2
    assert th.crossover_sigma2(1.0, 2.0, 3.0, 2.0) is None
    assert th.stationary_floor(0.5, 1.0, 4.0) == pytest.approx(0.5 * 4 / 1.5, rel=1e-15)


@pytest.mark.parametrize("claim", claims_for("schedules-noise"), ids=lambda c: c.id)
def test_claim_passes(claim):
    o = claim.run()
    assert o.passed, (claim.id, o.numeric, o.reference)


def _hand_final(spec_values, lam, e0_sq, var):
    """v_{t+1} = (1 - eta_t lam)^2 v_t + eta_t^2 var, typed here independently of the traced model."""
    v = np.full(len(lam), e0_sq, dtype=float)
    for eta in spec_values:
        v = (1 - eta * lam) ** 2 * v + eta ** 2 * var
    return v


def test_ex5_numbers_in_statements_are_the_exact_ones():
    from ratecheck.numerics.schedules import parse_schedule

    e = sn.ex5_exact()
    lam = np.array(sn.EX5["eigenvalues"])
    for spec, x in e.items():  # the traced model's recursion against the recursion typed above
        vals = parse_schedule(spec, sn.EX5["steps"]).values(sn.EX5["eta"])
        hand = float((lam / 2 * _hand_final(vals, lam, 1.0, sn.EX5["sigma"] ** 2)).sum())
        assert x["noisy"] == pytest.approx(hand, rel=1e-10)
    assert round(e["constant"]["noisy"], 4) == 0.0199 and round(e["cosine"]["noisy"], 4) == 0.0048
    assert round(e["step:step_size=167,gamma=0.1"]["noisy"], 4) == 0.0062
    assert round(sn.crossover("cosine", "constant"), 3) == 0.016
    assert round(sn.crossover("step:step_size=167,gamma=0.1", "constant"), 3) == 0.022
    ratios = [float(sn.floor_runs()[s]["loss_predicted"][-1]) / sn.loss_floor() for s in sn.DECAYING]
    assert 0.06 < min(ratios) and max(ratios) < 0.22


def test_floor_claim_can_fail():
    """The small-step approximation of the floor, eta sigma^2 / (2 lambda) per direction (20 % low here), fails."""
    from dataclasses import replace

    c = next(c for c in claims_for("schedules-noise") if c.id.endswith("constant-noise-floor")).confirm()
    lam = np.array(sn.FLOOR["eigenvalues"])
    wrong = float(np.sum(sn.FLOOR["eta"] * sn.FLOOR["sigma"] ** 2 / 4 * np.ones_like(lam)))
    assert c.passed and not replace(c, expected=wrong).passed


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_noise_schedule_rows(capsys):
    from ratecheck.numerics.schedules import parse_schedule

    lam = np.array([0.05, 1.0])
    r = _json(capsys, ["simulate", "gd", "--eta", "1", "--spectrum", "eigenvalues:0.05,1", "--steps", "60",
                       "--record-every", "20", "--schedule", "cosine", "--noise", "additive:sigma=0.2",
                       "--replicas", "20000", "--json", "-"])
    rows = r["trajectory"]
    assert [row["t"] for row in rows] == [0, 20, 40, 60]
    assert r["schedule"].startswith("cosine")
    assert r["rate_theory"] is None and r["stationary_loss_theory"] is None
    vals = parse_schedule("cosine", 60).values(1.0)
    e0_sq = 1.0 / lam.size  # isotropic start, radius 1
    for row in rows:
        hand = float((lam / 2 * _hand_final(vals[:row["t"]], lam, e0_sq, 0.04)).sum())
        assert row["loss_predicted"] == pytest.approx(hand, rel=1e-12)
        assert abs(row["loss"] - row["loss_predicted"]) <= 5 * row["loss_stderr"]
    assert r["agrees"]
    assert r["loss_bias_predicted_final"] + r["loss_variance_predicted_final"] == pytest.approx(rows[-1]["loss_predicted"])
    hand_bias = float((lam / 2 * _hand_final(vals, lam, e0_sq, 0.0)).sum())
    assert r["loss_bias_predicted_final"] == pytest.approx(hand_bias, rel=1e-12)


def test_simulate_noise_schedule_table_and_errors(capsys):
    assert main(["simulate", "heavy-ball", "--params", "alpha=0.5,beta=0.5", "--spectrum", "eigenvalues:0.1,1",
                 "--steps", "40", "--record-every", "20", "--schedule", "onecycle", "--noise",
                 "minibatch:batch=4", "--replicas", "2000"]) == 0
    out = capsys.readouterr().out
    assert "schedule onecycle" in out and "simulated and exact agree" in out
    assert main(["simulate", "gd", "--eta", "1", "--spectrum", "eigenvalues:0.1,1", "--steps", "10",
                 "--schedule", "bogus", "--noise", "additive:sigma=0.1"]) == 2
    err = capsys.readouterr().err
    assert "--schedule" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_rate_noise_schedule_final_variance(capsys):
    from ratecheck.numerics.schedules import parse_schedule

    r = _json(capsys, ["rate", "gd", "--eta", "1", "--schedule", "cosine", "--steps", "100", "--eigenvalues", "0.5",
                       "--noise", "additive:sigma=1", "--replicas", "50000", "--json"])
    hand = float(_hand_final(parse_schedule("cosine", 100).values(1.0), np.array([0.5]), 0.0, 1.0)[0])
    assert r["final_variance_theory"] == pytest.approx(hand, rel=1e-12)
    assert abs(r["final_variance_simulated"] - hand) <= 5 * r["final_variance_stderr"] and r["final_agrees"]
    assert r["final_loss_theory"] == pytest.approx(0.25 * hand, rel=1e-12)
    assert r["stationary_variance_constant_step"] == pytest.approx(th.stationary_floor(1.0, 0.5, 1.0), rel=1e-12)
    assert r["error_factor_theory"] is not None  # the noise-free fields are still there


def test_rate_noise_schedule_needs_one_eigenvalue(capsys):
    assert main(["rate", "gd", "--eta", "1", "--schedule", "cosine", "--steps", "10", "--eigenvalues", "0.5,1",
                 "--noise", "additive:sigma=1"]) == 2
    err = capsys.readouterr().err
    assert "--eigenvalues" in err and len(err.strip().splitlines()) == 1
