"""`sweep --noise SPEC [--target-loss X]`: noise floors and steps to a target against closed forms typed in here."""
from __future__ import annotations

import json

import pytest

from ratecheck.reports.cli import main


def _json(capsys, argv):
    assert main(["sweep", *argv, "--json", "-"]) == 0
    return json.loads(capsys.readouterr().out)


def _gd_floor(eta, lams, noise_vars):
    # SGD on one direction: P = eta s^2 / (lam (2 - eta lam)), so lam P / 2 = eta s^2 / (2 (2 - eta lam))
    return sum(0.5 * eta * s2 / (2 - eta * lam) for lam, s2 in zip(lams, noise_vars))


def test_gd_floor_over_the_kappa_grid_is_sgds_closed_form(capsys):
    r = _json(capsys, ["--methods", "gd", "--kappa", "10:1000", "--points", "3", "--noise", "additive:sigma=0.01"])
    assert [p["kappa"] for p in r["points"]] == pytest.approx([10, 100, 1000])
    for p in r["points"]:
        mu = 1 / p["kappa"]
        eta = 2 / (mu + 1)  # gd's optimal step on [mu, 1]
        assert p["params"]["eta"] == pytest.approx(eta, rel=1e-14)
        assert p["stationary_loss_theory"] == pytest.approx(_gd_floor(eta, [mu, 1.0], [1e-4, 1e-4]), rel=1e-10)
        assert p["steps_to_target_theory"] is None and p["target_status"] is None
    assert r["config"]["noise"] == "additive:sigma=0.01"


def test_gd_minibatch_floor_on_a_user_spectrum_at_given_steps(capsys):
    # minibatch noise: s_i^2 = c lam_i / B; --init random takes every eigenvalue of the spectrum
    r = _json(capsys, ["--methods", "gd", "--spectrum", "eigenvalues:0.5,1,2,4", "--init", "random",
                       "--vary", "eta=0.1,0.3", "--noise", "minibatch:batch=8,scale=2"])
    lams = [0.5, 1, 2, 4]
    assert [p["params"]["eta"] for p in r["points"]] == [0.1, 0.3]
    for p in r["points"]:
        eta = p["params"]["eta"]
        assert p["stationary_loss_theory"] == pytest.approx(_gd_floor(eta, lams, [2 * x / 8 for x in lams]), rel=1e-10)
        assert p["directions"] == 4


def _first_t_gd(eta, lams, e0_sq, s2, target):
    # E e_t^2 = (1 - eta lam)^(2t) (e0^2 - P) + P per direction (the scalar Lyapunov recursion solved)
    P = [eta * s2 / (lam * (2 - eta * lam)) for lam in lams]
    for t in range(10**6):
        loss = sum(lam / 2 * ((1 - eta * lam) ** (2 * t) * (e0_sq - p) + p) for lam, p in zip(lams, P))
        if loss <= target:
            return t, sum(lam * p / 2 for lam, p in zip(lams, P))
    return None, sum(lam * p / 2 for lam, p in zip(lams, P))


def test_gd_steps_to_target_is_the_first_crossing_of_the_exact_curve(capsys):
    r = _json(capsys, ["--methods", "gd", "--spectrum", "eigenvalues:0.001,1", "--vary", "eta=0.5,1.5",
                       "--noise", "additive:sigma=0.01", "--target-loss", "3.2e-5"])
    for p in r["points"]:
        t, floor = _first_t_gd(p["params"]["eta"], [0.001, 1.0], 0.5, 1e-4, 3.2e-5)
        assert p["stationary_loss_theory"] == pytest.approx(floor, rel=1e-10)
        assert p["steps_to_target_theory"] == t
    assert [p["target_status"] for p in r["points"]] == ["reached", "never"]  # eta = 1.5: floor 1.9e-4 > target
    assert r["points"][0]["steps_to_target_theory"] > 4096  # the scan crosses a block boundary


def test_heavy_ball_floor_is_the_ar2_variance_and_a_floor_above_target_is_never(capsys):
    r = _json(capsys, ["--methods", "heavy-ball", "--spectrum", "eigenvalues:0.2,1", "--vary", "beta=0,0.5,0.9",
                       "--params", "alpha=0.5", "--noise", "additive:sigma=0.3", "--target-loss", "0.1"])
    a, s2 = 0.5, 0.09

    def ar2(lam, b):  # e_{t+1} = (1 + b - a lam) e_t - b e_{t-1} - a xi_t: the AR(2) stationary variance
        p1, p2 = 1 + b - a * lam, -b
        return (1 - p2) / ((1 + p2) * ((1 - p2) ** 2 - p1 ** 2)) * a * a * s2

    status = []
    for p in r["points"]:
        b = p["params"]["beta"]
        floor = 0.1 * ar2(0.2, b) + 0.5 * ar2(1.0, b)
        assert p["stationary_loss_theory"] == pytest.approx(floor, rel=1e-10)
        status.append(p["target_status"])
        assert (p["steps_to_target_theory"] is None) == (floor >= 0.1)
        if p["stationary_loss_simulated"] is not None:  # the Monte Carlo check, within 5 standard errors
            assert p["stationary_z"] <= 5 and p["stationary_check"] == "agrees"
    assert status == ["reached", "reached", "never"]  # beta = 0.9 raises the floor above the target


def test_unstable_point_has_no_floor(capsys):
    r = _json(capsys, ["--methods", "gd", "--spectrum", "eigenvalues:0.5,1", "--vary", "eta=2.5",
                       "--noise", "additive:sigma=1", "--target-loss", "1"])
    (p,) = r["points"]
    assert p["stationary_loss_theory"] is None and p["steps_to_target_theory"] is None
    assert p["target_status"] == "unstable"


@pytest.mark.parametrize("argv, needle", [
    (["--target-loss", "1e-3"], "--target-loss applies with --noise only"),
    (["--noise", "additive:sigma=1", "--tol", "1e-3"], "--tol with --noise"),
    (["--noise", "additive:sigma=1", "--csv", "x.csv"], "--csv with --noise"),
    (["--noise", "additive:sigma=1", "--backend", "numba"], "--backend with --noise"),
    (["--noise", "minibatch:scale=1"], "batch"),
    (["--noise", "additive:sigma=1", "--init", "random", "--dim", "20000"], "--dim must be at most 10000"),
    (["--noise", "additive:sigma=1", "--target-loss", "0"], "--target-loss"),
])
def test_bad_combinations_are_one_line_usage_errors(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "--kappa", "10:100", "--points", "2", *argv, "--json", "out.json"]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written
