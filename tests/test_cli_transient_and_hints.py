"""Messages: `rate` on a short run still in its transient, eta given to an alpha form, and `simulate --noise`
asked to record more per-step sums than memory holds."""
from __future__ import annotations

import json


def test_undetermined_growth_is_not_printed_as_a_rate(cli):
    """Heavy ball, alpha = 0.5, beta = 0.999 on {1e-4, 1}: the derived rate is 0.9995, but 60 steps sit in the
    transient and the error grows over the fit window, so the fitted ratio is above 1.  The verdict is
    undetermined (a growth of 3 e-foldings would be needed to call it divergent) and the text says the
    ratio is growth, not a rate."""
    args = ["rate", "heavy-ball", "--eigenvalues", "1e-4,1", "--params", "alpha=0.5,beta=0.999", "--steps", "60"]
    r = cli([*args, "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["rate_theory"] < 1 < out["rate_simulated"]
    assert out["verdict"] == "undetermined" and out["e_foldings"] < 0
    text = cli(args).stdout
    assert "still in the transient, not a rate" in text
    assert "undetermined (the error grew over the fit window" in text


def test_decaying_undetermined_run_keeps_its_wording(cli):
    text = cli(["rate", "heavy-ball", "--eigenvalues", "0.001,1", "--params", "alpha=1,beta=0.99", "--steps", "40"]).stdout
    assert "e-foldings)" in text and "undetermined (the fit window covers" in text
    assert "not a rate" not in text


def test_eta_for_an_alpha_form_names_alpha_not_beta(cli):
    r = cli(["rate", "heavy-ball", "--eigenvalues", "0.001,1", "--params", "eta=1,beta=0.9"])
    assert r.code == 2 and r.stdout == ""
    assert "this form calls its step size 'alpha'" in r.stderr and "did you mean 'beta'" not in r.stderr
    assert r.stderr.count("\n") == 1


def test_noisy_simulate_memory_error_names_the_commands_flags(cli):
    # 100,001 recorded steps x 10^6 distinct eigenvalues x 2 sums x 8 bytes = 1.6 TB: refused before any work
    r = cli(["simulate", "gd", "--eta", "0.5", "--spectrum", "uniform:mu=0.01,L=1", "--dim", "1000000", "--steps",
             "100000", "--record-every", "1", "--noise", "additive:sigma=1"])
    assert r.code == 2 and r.stdout == "" and r.stderr.count("\n") == 1
    assert r.stderr.startswith("ratecheck: error: --record-every 1: 100,001 recorded steps of 1,000,000 distinct")
    assert "--record-steps" not in r.stderr
