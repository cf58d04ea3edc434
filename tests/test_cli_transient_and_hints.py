"""Two messages of `ratecheck rate`: a short run still in its transient, and eta given to an alpha form."""
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
