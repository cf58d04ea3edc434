"""Stability margin (issue 10, point 7) against the textbook stability conditions, and the `rate` output."""
from __future__ import annotations

import json

import pytest

from ratecheck.proofs.stability import stability_margin


@pytest.mark.parametrize("eta", [0.01, 2 / 101, 0.019])
def test_gd_margin_is_two_over_eta_L(eta):
    m = stability_margin("gd", "gd", {"eta": eta}, 1.0, 100.0)
    assert m["L_factor"] == pytest.approx(2 / (eta * 100), rel=1e-8)  # |1 - eta*lam| < 1 iff eta*lam < 2
    assert m["mu_factor"] == 0.0


@pytest.mark.parametrize("alpha,beta", [(0.01, 0.8), (4 / 121, 81 / 121), (0.002, 0.3)])
def test_heavy_ball_and_nesterov_margins(alpha, beta):
    hb = stability_margin("heavy-ball", "polyak", {"alpha": alpha, "beta": beta}, 1.0, 100.0)
    assert hb["L_factor"] == pytest.approx(2 * (1 + beta) / (alpha * 100), rel=1e-8)  # Polyak: alpha*lam < 2(1+beta)
    nag = stability_margin("nesterov", "lessard", {"alpha": alpha, "beta": beta}, 1.0, 100.0)
    jury = 2 * (1 + beta) / (1 + 2 * beta)  # Jury conditions of z^2 - (1+beta)(1-a)z + beta(1-a)
    if jury / (alpha * 100) < 1:  # Polyak's tuning is outside Nesterov's stability region on [1, 100]
        assert nag["L_factor"] is None
    else:
        assert nag["L_factor"] == pytest.approx(jury / (alpha * 100), rel=1e-8)


def test_tuned_gd_margin_is_one_over_kappa():
    kappa = 5e4
    m = stability_margin("gd", "gd", {"eta": 2 / (1 + kappa)}, 1.0, kappa)
    assert m["L_factor"] - 1 == pytest.approx(1 / kappa, rel=1e-4)


def test_divergent_parameters_have_no_margin():
    assert stability_margin("gd", "gd", {"eta": 0.03}, 1.0, 100.0)["L_factor"] is None


def test_rate_prints_margin_and_transient_peak(cli):
    r = cli(["rate", "gd", "--eigenvalues", "1,100"])
    assert r.code == 0 and "L may be underestimated by up to 1 %" in r.stdout and "transient peak" in r.stdout
    rec = json.loads(cli(["rate", "heavy-ball", "--eigenvalues", "1,3,100", "--json"]).stdout)
    assert rec["transient_peak"] > 1 and rec["stability_margin"]["L_factor"] > 1


@pytest.mark.parametrize("method,form", [("gd", "gd"), ("heavy-ball", "polyak"), ("heavy-ball", "velocity")])
def test_robust_tuning_margin(method, form):
    """robust:margin=m is optimal on [mu, (1+m)L]: margin exactly 1 + m + 1/kappa for gd and heavy ball."""
    from ratecheck.proofs.stability import tuned_params

    p = tuned_params(method, form, "robust:margin=0.05", 1.0, 100.0)
    m = stability_margin(method, form, p, 1.0, 100.0)
    assert m["L_factor"] == pytest.approx(1.05 + 1 / 100, rel=1e-8)


def test_robust_tuning_on_the_cli(cli):
    rec = json.loads(cli(["rate", "gd", "--eigenvalues", "1,100", "--tuning", "robust:margin=0.05", "--json"]).stdout)
    assert rec["params"]["eta"] == pytest.approx(2 / (1 + 105), rel=1e-12) and rec["tuning"] == "robust:margin=0.05"
    r = cli(["rate", "gd", "--eigenvalues", "1,100", "--tuning", "robust:margin=-1"])
    assert r.code == 2 and "margin" in r.stderr
