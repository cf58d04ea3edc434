"""The ratecheck CLI: --help, JSON shapes of rate/derive/verify for gd, and one-line errors (exit 2)."""
from __future__ import annotations

import json
import subprocess

import pytest

from ratecheck.reports.cli import COMMANDS


def test_top_level_help_subprocess(ratecheck_exe, repo_root):
    proc = subprocess.run([*ratecheck_exe, "--help"], capture_output=True, text=True, cwd=repo_root, timeout=120)
    assert proc.returncode == 0
    for name in COMMANDS:
        assert name in proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(cli, command):
    r = cli([command, "--help"])
    assert r.code == 0
    assert r.stdout.startswith("usage: ratecheck " + command)


def test_rate_gd_json_shape(cli):
    r = cli(["rate", "gd", "--mu", "1", "--L", "100", "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    keys = {"method", "mu", "L", "kappa", "params", "tuning", "rate_theory", "converges", "rate_simulated",
            "relative_error", "dim", "steps"}
    assert keys <= set(out)
    assert set(out["params"]) == {"eta"}
    assert out["method"] == "gd" and out["tuning"] == "optimal" and out["kappa"] == 100
    assert out["params"]["eta"] == pytest.approx(2 / 101, rel=1e-15)
    assert out["rate_theory"] == pytest.approx(99 / 101, rel=1e-14)  # (kappa-1)/(kappa+1) = 0.980198...
    assert abs(out["rate_simulated"] - 99 / 101) <= 0.01 * 99 / 101
    assert out["relative_error"] < 0.01 and out["converges"] is True
    assert out["dim"] == 100_000


def test_rate_gd_eigenvalues_json(cli):
    r = cli(["rate", "gd", "--eigenvalues", "2,20", "--eta", "0.1", "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["params"] == {"eta": 0.1} and out["tuning"] == "given"
    assert out["mu"] == 2 and out["L"] == 20 and out["dim"] == 2
    assert out["rate_theory"] == pytest.approx(1.0, abs=1e-15)  # |1 - 20 * 0.1| = 1: the stability boundary
    assert out["rate_simulated"] == pytest.approx(1.0, abs=1e-9)
    assert out["converges"] is False


def test_rate_gd_divergent_text(cli):
    r = cli(["rate", "gd", "--eigenvalues", "2,20", "--eta", "0.3"])
    assert r.code == 0, r.stderr
    assert "DIVERGES" in r.stdout and "growth factor 5" in r.stdout


def test_derive_gd_json_shape(cli):
    r = cli(["derive", "gd", "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["topic"] == "gd"
    assert out["steps"]
    for s in out["steps"]:
        assert {"statement", "latex", "justification", "check"} <= set(s)
        assert s["check"] in ("passed", "assumed")
    assert {"eta_star", "rho_star", "rho", "iterations"} <= set(out["results"])
    assert out["results"]["eta_star"] == "2/(L + mu)"


def test_derive_gd_text(cli):
    r = cli(["derive", "gd"])
    assert r.code == 0
    assert "[ASSUMED] hypothesis" in r.stdout and "[FAILED]" not in r.stdout


def test_verify_gd_json_shape(cli):
    r = cli(["verify", "--topic", "gd", "--json"])
    assert r.code == 0, r.stdout[-2000:]
    out = json.loads(r.stdout)
    assert out["failed"] == 0 and out["passed"] == len(out["claims"]) >= 14
    for c in out["claims"]:
        assert {"id", "statement", "symbolic", "numeric"} <= set(c)
        assert {"computed", "expected", "tolerance", "passed"} <= set(c["numeric"])
        assert c["numeric"]["passed"] is True


BAD = {
    "mu-zero": ["rate", "gd", "--mu", "0", "--L", "10"],
    "mu-negative": ["rate", "gd", "--mu", "-1", "--L", "10"],
    "L-below-mu": ["rate", "gd", "--mu", "10", "--L", "1"],
    "eta-zero": ["rate", "gd", "--mu", "1", "--L", "10", "--eta", "0"],
    "eta-negative": ["rate", "gd", "--mu", "1", "--L", "10", "--eta", "-0.5"],
    "mu-not-a-number": ["rate", "gd", "--mu", "abc", "--L", "10"],
    "eta-not-a-number": ["rate", "gd", "--mu", "1", "--L", "10", "--eta", "x"],
    "mu-nan": ["rate", "gd", "--mu", "nan", "--L", "10"],
    "eta-nan": ["rate", "gd", "--mu", "1", "--L", "10", "--eta", "nan"],
    "eigenvalues-empty": ["rate", "gd", "--eigenvalues", ""],
    "eigenvalues-only-commas": ["rate", "gd", "--eigenvalues", ",,"],
    "eigenvalues-negative": ["rate", "gd", "--eigenvalues", "1,-2"],
    "unknown-method": ["rate", "gradient-ascent", "--mu", "1", "--L", "10"],
    "unknown-topic": ["derive", "nope"],
    "no-spectrum": ["rate", "gd"],
    "eta-overflow": ["rate", "gd", "--mu", "1", "--L", "1e10", "--eta", "1e300", "--dim", "100"],
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_one_line_exit_2(cli, name):
    r = cli(BAD[name])
    assert r.code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("ratecheck: error:")
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_bad_input_subprocess_has_no_traceback(ratecheck_exe, repo_root):
    proc = subprocess.run([*ratecheck_exe, "rate", "gd", "--mu", "10", "--L", "1"], capture_output=True, text=True,
                          cwd=repo_root, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "--L must be" in proc.stderr


# ----------------------------------------------------------------------------- issue 8: wrong numbers
def _rate_json(cli, argv):
    r = cli(["rate", *argv, "--json"])
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("argv", [["--mu", "1", "--L", "100", "--eta", "0.02", "--steps", "20000"],
                                  ["--mu", "1", "--L", "100", "--eta", "0.02", "--dim", "1000"],
                                  ["--mu", "1", "--L", "1e308", "--dim", "1000"]])
def test_rate_exactly_one_does_not_converge(cli, argv):
    """Item 11: the lambda = L mode is multiplied by -1 each step: derived rate exactly 1 -> 'does not converge'."""
    out = _rate_json(cli, ["gd", *argv])
    assert out["rate_theory"] == 1.0 and out["gap_theory"] == 0.0
    assert out["converges"] is False and out["verdict"] == "does not converge"
    assert out["verdict_simulated"] == "undetermined" and out["e_foldings"] < 3
    text = cli(["rate", "gd", *argv]).stdout
    assert "converges        : no (the derived rate is exactly 1" in text


@pytest.mark.parametrize("seed", ["0", "5"])
def test_divergent_growth_is_the_dominant_mode(cli, seed):
    """Item 12: eta = 1e100 on {1, 3}: growth |1 - 3e100| = 3e100 per step whatever the seed (was 2.28e100)."""
    out = _rate_json(cli, ["gd", "--eigenvalues", "1,3", "--eta", "1e100", "--seed", seed])
    assert out["diverged"] and out["growth_factor"] == pytest.approx(3e100, rel=1e-12)
    assert out["growth_measured"].startswith("dominant mode")


def test_near_one_rate_is_judged_on_the_gap(cli):
    """Item 15: beta = 1 - 1e-10: rho's relative error is 1e-6 but the gap is wrong by 2e4x -> undetermined."""
    out = _rate_json(cli, ["heavy-ball", "--eigenvalues", "1,100", "--alpha", "0.01", "--beta", "0.9999999999",
                           "--steps", "20000"])
    assert out["relative_error"] < 1e-5  # the misleading number
    assert out["gap_relative_error"] > 1e3  # the honest one
    assert out["converges"] is None and out["verdict"] == "undetermined"
    assert out["e_foldings"] < 0.1 and out["steps_suggested"] > 1e11
    assert "undetermined (the fit window covers" in cli(["rate", "heavy-ball", "--eigenvalues", "1,100", "--alpha",
                                                        "0.01", "--beta", "0.9999999999"]).stdout


def test_converging_rate_has_gap_fields(cli):
    out = _rate_json(cli, ["gd", "--mu", "1", "--L", "100", "--dim", "1000"])
    assert out["verdict"] == "converges" and out["converges"] is True and out["e_foldings"] >= 3
    assert out["gap_theory"] == pytest.approx(2 / 101, rel=1e-12)  # 1 - (kappa-1)/(kappa+1)
    assert out["gap_relative_error"] == pytest.approx(abs(out["gap_simulated"] - 2 / 101) / (2 / 101), rel=1e-9)


def test_sweep_tolerance_below_float64_is_refused(cli):
    """Item 13: tol 1e-300 'reached' at 1e-162 (the squared norm underflowed); now refused with the range."""
    r = cli(["sweep", "--methods", "gd", "--kappa", "10:100", "--points", "2", "--tol", "1e-300"])
    assert r.code == 2 and r.stderr.startswith("ratecheck: error: --tol must be a number in [1e-150, 1)")
    r = cli(["sweep", "--methods", "gd", "--kappa", "10:100", "--points", "2", "--tol", "1e-150", "--json", "-"])
    assert r.code == 0, r.stderr
    for p in json.loads(r.stdout)["points"]:
        assert p["converged"] and p["iters_simulated"] == p["iters_theory"]
