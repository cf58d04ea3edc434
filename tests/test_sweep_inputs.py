"""ratecheck sweep over a user's spectrum, plot formats, and the options --init extreme would ignore (issue 10, point 8).

Expected values come from outside the sweep: gradient descent's tuned step 2/(mu+L) and rate (kappa-1)/(kappa+1)
(textbook), the iteration count of GD from its explicit product (1 - eta*lambda)^t per eigenvalue, the file
magic of PNG/SVG, and the closed-form counts of theory.iterations for the exponent comparison.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ratecheck.numerics.problems import isotropic_initial_error

LAM = [1.0, 2.0, 50.0, 100.0]


def _sweep_json(cli, *flags):
    r = cli(["sweep", "--no-progress", "--json", "-", *flags])
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


def test_user_eigenvalues_run_at_their_own_mu_L_in_their_units(cli):
    out = _sweep_json(cli, "--methods", "gd", "--spectrum", "eigenvalues:1,2,50,100", "--init", "random", "--seed", "3")
    (p,) = out["points"]
    mu, L = 1.0, 100.0
    assert p["kappa"] == 100.0 and (p["mu"], p["L"]) == (mu, L)
    assert p["params"]["eta"] == pytest.approx(2 / (mu + L), rel=1e-12)  # not the L = 1 value 2/(1/kappa + 1)
    assert p["rate_theory"] == pytest.approx(99 / 101, rel=1e-12)
    # GD on a diagonal quadratic: e_t,i = (1 - eta lambda_i)^t e_0,i; the first t with ||e_t|| <= tol ||e_0||
    lam, e0, eta, tol = np.array(LAM), isotropic_initial_error(4, 3), 2 / (mu + L), 1e-8
    t = np.arange(1, 5000)[:, None]
    norms = np.linalg.norm((1 - eta * lam) ** t * e0, axis=1)
    expected = int(t[np.argmax(norms <= tol * np.linalg.norm(e0)), 0])
    assert abs(p["iters_simulated"] - expected) <= 1
    assert out["config"]["simulated_dim"] == 4 and out["config"]["eigenvalues"] == LAM
    assert out["fits"][0]["exponent"] is None  # one kappa: no exponent to fit


def test_eigenvalue_file_and_spec_give_the_same_sweep(cli, tmp_path):
    f = tmp_path / "lam.txt"
    f.write_text("100\n1\n50\n2\n")
    flags = ("--methods", "gd,heavy-ball", "--init", "random")
    a = _sweep_json(cli, *flags, "--spectrum", "eigenvalues:1,2,50,100")
    b = _sweep_json(cli, *flags, "--eigenvalues", f"@{f}")
    c = _sweep_json(cli, *flags, "--eigenvalues-file", str(f))
    keep = ("kappa", "params", "rate_theory", "iters_theory", "iters_simulated")
    assert [{k: p[k] for k in keep} for p in a["points"]] == [{k: p[k] for k in keep} for p in b["points"]] \
        == [{k: p[k] for k in keep} for p in c["points"]]


def test_builtin_spec_with_dim_under_random_init(cli):
    out = _sweep_json(cli, "--methods", "gd", "--spectrum", "two-clusters:mu=1,L=100", "--dim", "500", "--init", "random")
    assert out["config"]["simulated_dim"] == 500
    (p,) = out["points"]
    assert (p["mu"], p["L"]) == (1.0, 100.0) and p["converged"]


def test_user_spectrum_extreme_init_matches_closed_form(cli):
    (p,) = _sweep_json(cli, "--methods", "heavy-ball", "--spectrum", "eigenvalues:1,2,50,100")["points"]
    assert p["iters_simulated"] == p["iters_theory"]


@pytest.mark.parametrize("flags,flag,why", [
    (["--dim", "1000"], "--dim", "--init extreme"),
    (["--spectrum", "geometric"], "--spectrum", "--init extreme"),
    (["--spectrum", "eigenvalues:1,100", "--kappa", "10:100"], "--kappa", "own kappa"),
    (["--spectrum", "eigenvalues:1,100", "--points", "5"], "--points", "own kappa"),
    (["--spectrum", "eigenvalues:1,100", "--init", "random", "--dim", "9"], "--dim", "fix the dimension"),
    (["--spectrum", "eigenvalues:1,100", "--eigenvalues", "1,100"], "--spectrum", "not both"),
    (["--spectrum", "eigenvalues:5,5"], "--spectrum", "two distinct"),
    (["--plot", "fig.jpg"], "--plot", ".png"),
    (["--plot", "fig"], "--plot", ".svg"),
])
def test_refused_with_a_reason_and_no_files(cli, tmp_path, monkeypatch, flags, flag, why):
    monkeypatch.chdir(tmp_path)
    r = cli(["sweep", "--no-progress", "--json", "out.json", *flags])
    assert r.code == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("ratecheck: error: " + flag) and why in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_plot_suffix_is_refused_before_the_sweep(cli, monkeypatch, tmp_path):
    import ratecheck.proofs.sweep as engine

    def boom(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("the sweep ran before the --plot suffix was checked")

    monkeypatch.setattr(engine, "run_sweep", boom)
    assert cli(["sweep", "--no-progress", "--plot", str(tmp_path / "f.gif")]).code == 2


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_format_by_suffix(cli, tmp_path, suffix, magic):
    path = tmp_path / f"sweep{suffix}"
    r = cli(["sweep", "--no-progress", "--methods", "gd", "--kappa", "10:100", "--points", "3", "--plot", str(path)])
    assert r.code == 0, r.stderr
    assert path.read_bytes().startswith(magic)
    if suffix == ".svg":
        assert b"<svg" in path.read_bytes()[:2000]


def test_simulated_exponent_is_compared_with_the_closed_form_at_the_same_kappa(cli):
    r = cli(["sweep", "--no-progress", "--methods", "heavy-ball", "--kappa", "10:1e4", "--points", "7"])
    assert r.code == 0, r.stderr
    assert "closed form p" in r.stdout and "finite" in r.stdout
    out = _sweep_json(cli, "--methods", "heavy-ball", "--kappa", "10:1e4", "--points", "7")
    (fit,) = out["fits"]
    # the simulated exponent is many standard errors from the limit 1/2 ...
    assert abs(fit["exponent"] - 0.5) > 5 * fit["exponent_stderr"]
    # ... and agrees with the exponent of the closed-form counts (theory.iterations) over the same kappa grid
    assert abs(fit["exponent"] - fit["exponent_theory_fit"]) < fit["exponent_stderr"]
    assert fit["exponent_theory_fit"] > 0.5


def test_user_spectrum_config_reads_back(cli, tmp_path):
    j = tmp_path / "out.json"
    a = cli(["sweep", "--no-progress", "--methods", "gd", "--spectrum", "eigenvalues:1,2,50,100", "--json", str(j)])
    assert a.code == 0, a.stderr
    first = json.loads(j.read_text())
    again = _sweep_json(cli, "--config", str(tmp_path / "out.config.toml"))
    assert again["points"][0]["iters_simulated"] == first["points"][0]["iters_simulated"]
    assert again["config"]["eigenvalues"] == LAM and math.isfinite(again["points"][0]["rate_theory"])


def test_vary_one_parameter_on_a_user_spectrum(cli):
    out = _sweep_json(cli, "--methods", "heavy-ball", "--spectrum", "eigenvalues:1,2,50,100",
                      "--vary", "beta=0,0.9,0.99", "--params", "alpha=0.0330579")
    p0, p9, p99 = out["points"]
    assert [p["params"] for p in out["points"]] == [{"alpha": 0.0330579, "beta": b} for b in (0.0, 0.9, 0.99)]
    # beta = 0 is gradient descent with step alpha: alpha L = 3.3 > 2 diverges, rate |1 - alpha L|
    assert p0["rate_theory"] == pytest.approx(abs(1 - 0.0330579 * 100), rel=1e-12)
    assert p0["diverged"] and not p0["converged"] and p0["iters_theory"] is None
    # complex roots at every eigenvalue ((1 + beta - alpha lambda)^2 < 4 beta): the rate is sqrt(beta) (Polyak)
    for p, beta in ((p9, 0.9), (p99, 0.99)):
        assert p["rate_theory"] == pytest.approx(math.sqrt(beta), rel=1e-12)
        assert p["converged"] and p["iters_simulated"] == p["iters_theory"]
    assert p99["iters_simulated"] > p9["iters_simulated"]


@pytest.mark.parametrize("flags,why", [
    (["--methods", "heavy-ball", "--vary", "beta=0.5", "--params", "alpha=0.01"], "spectrum of your own"),
    (["--methods", "heavy-ball", "--params", "alpha=0.01", "--spectrum", "eigenvalues:1,100"], "only with --vary"),
    (["--methods", "gd,heavy-ball", "--vary", "beta=0.5", "--spectrum", "eigenvalues:1,100"], "exactly one method"),
    (["--methods", "heavy-ball", "--vary", "momentum=0.5", "--params", "alpha=0.01", "--spectrum", "eigenvalues:1,100"],
     "heavy-ball"),
    (["--methods", "heavy-ball", "--vary", "beta=x", "--params", "alpha=0.01", "--spectrum", "eigenvalues:1,100"],
     "finite number"),
    (["--methods", "heavy-ball", "--vary", "beta=0.5", "--params", "beta=0.1", "--spectrum", "eigenvalues:1,100"],
     "varied parameter"),
])
def test_vary_refusals(cli, tmp_path, monkeypatch, flags, why):
    monkeypatch.chdir(tmp_path)
    r = cli(["sweep", "--no-progress", "--json", "out.json", *flags])
    assert r.code == 2 and r.stderr.count("\n") == 1 and why in r.stderr, r.stderr
    assert r.stderr.startswith("ratecheck: error: --")
    assert list(tmp_path.iterdir()) == []
