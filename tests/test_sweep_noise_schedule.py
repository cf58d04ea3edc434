"""`sweep --noise SPEC --schedule SCHED --steps T` and `sweep --noise ... --plot FILE`: exact final losses under a
schedule against SGD's scalar recursion typed in here, the Monte Carlo check, usage errors, and the plot file."""
from __future__ import annotations

import json
import math

import pytest

from ratecheck.reports.cli import main


def _json(capsys, argv):
    assert main(["sweep", *argv, "--json", "-"]) == 0
    return json.loads(capsys.readouterr().out)


def _sgd_curve(etas, lams, e0_sq, s2):
    """E f(x_t) - f* for t = 0..T of scheduled SGD: v_{t+1} = (1 - eta_t lam)^2 v_t + eta_t^2 s^2 per direction."""
    v = [e0_sq] * len(lams)
    out = [sum(lam / 2 * x for lam, x in zip(lams, v))]
    for eta in etas:
        v = [(1 - eta * lam) ** 2 * x + eta * eta * s2 for lam, x in zip(lams, v)]
        out.append(sum(lam / 2 * x for lam, x in zip(lams, v)))
    return out


def _cosine(eta, T):
    return [eta * (1 + math.cos(math.pi * t / T)) / 2 for t in range(T)]


def test_gd_cosine_final_loss_is_sgds_scalar_recursion(capsys):
    T, s2, lams = 300, 0.01, [0.01, 1.0]
    r = _json(capsys, ["--methods", "gd", "--spectrum", "eigenvalues:0.01,1", "--vary", "eta=0.5,1",
                       "--noise", "additive:sigma=0.1", "--schedule", "cosine", "--steps", str(T),
                       "--target-loss", "0.02"])
    assert r["config"]["schedule"] == "cosine:T_max=300,eta_min=0" and r["config"]["schedule_steps"] == T
    for p in r["points"]:
        eta = p["params"]["eta"]
        curve = _sgd_curve(_cosine(eta, T), lams, 0.5, s2)
        assert p["final_loss_schedule_theory"] == pytest.approx(curve[-1], rel=1e-10)
        bias = _sgd_curve(_cosine(eta, T), lams, 0.5, 0.0)[-1]
        assert p["final_loss_schedule_bias"] == pytest.approx(bias, rel=1e-10)
        assert p["final_loss_schedule_bias"] + p["final_loss_schedule_variance"] == pytest.approx(curve[-1], rel=1e-12)
        const = _sgd_curve([eta] * T, lams, 0.5, s2)[-1]
        assert p["final_loss_constant_theory"] == pytest.approx(const, rel=1e-10)
        floor = sum(0.5 * eta * s2 / (2 - eta * lam) for lam in lams)
        assert p["stationary_loss_theory"] == pytest.approx(floor, rel=1e-10)
        assert p["final_loss_schedule_vs_floor"] == pytest.approx(curve[-1] / floor, rel=1e-10)
        first = next(t for t, x in enumerate(curve) if x <= 0.02)
        assert p["steps_to_target_schedule_theory"] == first and p["target_status_schedule"] == "reached"
        # the Monte Carlo check of the scheduled run: within 5 standard errors at every recorded step
        assert p["final_loss_schedule_simulated"] == pytest.approx(curve[-1], abs=5 * p["final_loss_schedule_stderr"])
        assert p["final_loss_schedule_max_z"] <= 5 and p["final_schedule_check"] == "agrees"


def test_step_decay_target_beyond_the_schedule_and_heavy_ball_agrees_with_monte_carlo(capsys):
    r = _json(capsys, ["--methods", "heavy-ball", "--kappa", "10:100", "--points", "2", "--noise",
                       "additive:sigma=0.01", "--schedule", "step:step_size=100,gamma=0.5", "--steps", "400",
                       "--target-loss", "1e-12"])
    for p in r["points"]:
        assert p["steps_to_target_schedule_theory"] is None and p["target_status_schedule"] == "not within 400 steps"
        # halving the step four times ends far below the constant step, which sits on its floor after 400 steps
        assert p["final_loss_constant_theory"] == pytest.approx(p["stationary_loss_theory"], rel=1e-6)
        assert p["final_loss_schedule_theory"] < 0.2 * p["stationary_loss_theory"]
        assert p["final_schedule_check"] == "agrees"
    assert [f["points"] for f in r["fits_schedule"]] == [0]


def test_unstable_schedule_is_a_result_not_a_crash(capsys):
    r = _json(capsys, ["--methods", "gd", "--spectrum", "eigenvalues:0.5,1", "--vary", "eta=2.5", "--noise",
                       "additive:sigma=1", "--schedule", "constant", "--steps", "2000"])
    (p,) = r["points"]
    assert p["final_schedule_status"] == "diverged" and p["final_loss_schedule_theory"] is None
    assert p["final_loss_schedule_simulated"] is None and p["final_schedule_check"].startswith("skipped")


@pytest.mark.parametrize("argv, needle", [
    (["--schedule", "cosine", "--steps", "10"], "--schedule applies with --noise only"),
    (["--steps", "10"], "--steps applies with --noise only"),
    (["--noise", "additive:sigma=1", "--steps", "10"], "--steps applies with --schedule only"),
    (["--noise", "additive:sigma=1", "--schedule", "cosine"], "--schedule needs --steps"),
    (["--noise", "additive:sigma=1", "--schedule", "bogus", "--steps", "10"], "--schedule"),
    (["--noise", "additive:sigma=1", "--schedule", "cosine", "--steps", "0"], "--steps"),
    (["--noise", "additive:sigma=1", "--schedule", "cosine", "--steps", "2.5"], "--steps"),
    (["--noise", "additive:sigma=1", "--schedule", "cosine", "--steps", "1e6"], "at most 100000"),
    (["--noise", "additive:sigma=1", "--plot", "x.jpg"], "--plot must be a file name ending in"),
])
def test_bad_schedule_combinations_are_one_line_usage_errors(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "--kappa", "10:100", "--points", "2", *argv, "--json", "out.json"]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


_MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_noisy_plot_is_written_and_byte_identical(fmt, capsys, tmp_path):
    argv = ["sweep", "--methods", "gd,nesterov", "--kappa", "10:100", "--points", "2", "--noise",
            "additive:sigma=0.01", "--target-loss", "1e-3", "--schedule", "cosine", "--steps", "50"]
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert main([*argv, "--plot", str(a)]) == 0
    assert main([*argv, "--plot", str(b)]) == 0
    capsys.readouterr()
    assert a.read_bytes()[:5].startswith(_MAGIC[fmt]) and a.read_bytes() == b.read_bytes()


def test_noisy_plot_of_a_user_spectrum_says_one_kappa(capsys, tmp_path):
    out = tmp_path / "u.svg"
    assert main(["sweep", "--methods", "gd", "--spectrum", "eigenvalues:0.1,1", "--noise", "additive:sigma=0.1",
                 "--plot", str(out)]) == 0
    assert out.read_bytes().startswith(b"<?xml") and "note: --plot: a user spectrum has one kappa" in capsys.readouterr().out


def test_failing_noisy_plot_command_leaves_what_was_there(capsys, tmp_path):
    out = tmp_path / "fig.png"
    out.write_bytes(b"old")
    # the schedule is refused (onecycle needs 1 < pct_start * T) after the outputs were declared
    assert main(["sweep", "--kappa", "10:100", "--points", "2", "--noise", "additive:sigma=0.1", "--schedule",
                 "onecycle", "--steps", "3", "--plot", str(out)]) == 2
    assert "--schedule" in capsys.readouterr().err
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["fig.png"]
