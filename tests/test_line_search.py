"""Topic 'line-search': exact line search and Armijo backtracking (numerics, derivations, claims, CLI)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from ratecheck.numerics import line_search as nls
from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.line_search_rate import line_search_rate, parse_line_search, tight_start_vector
from ratecheck.proofs.registry import claims_for
from ratecheck.theory import line_search as tls


def test_derivations_check():
    for d in (tls.exact_line_search_derivation(), tls.kantorovich_derivation(), tls.tight_start_derivation(),
              tls.armijo_quadratic_derivation(), tls.armijo_guarantee_derivation()):
        assert not [o.step.label for o in d.outcomes() if o.status.value == "failed"], d.title


def test_exact_step_minimises_along_the_gradient():
    # independent of the formula: a dense scan of f(x - eta g) finds the same minimiser
    lam = np.array([0.5, 2.0, 9.0])
    x = np.array([1.0, -0.3, 0.2])
    run = nls.exact_line_search(lam, x, 1)
    g = lam * x
    etas = np.linspace(0.0, 1.0, 200_001)
    vals = [0.5 * float(lam @ ((x - e * g) ** 2)) for e in etas[::100]]
    best = etas[::100][int(np.argmin(vals))]
    assert abs(run.steps[0] - best) <= 1e-3


def test_kantorovich_value_matches_gd_optimal_rate_squared():
    # GD with eta = 2/(mu+L) has error factor (kappa-1)/(kappa+1); on f it is the square
    assert float(tls.exact_loss_ratio(2, 50)) == pytest.approx((48 / 52) ** 2, rel=1e-15)


def test_tight_start_is_worst_and_others_are_better():
    lam = np.linspace(1.0, 30.0, 50)
    K = float(tls.exact_loss_ratio(1, 30))
    tight = nls.exact_line_search(lam, tight_start_vector(lam), 30).loss_ratios()
    np.testing.assert_allclose(tight, K, rtol=1e-12)
    # an unbalanced start on the same two directions is strictly better at its first step
    x0 = tight_start_vector(lam) * np.where(np.arange(50) == 0, 2.0, 1.0)
    assert nls.exact_line_search(lam, x0, 1).loss_ratios()[0] < K * (1 - 1e-3)


def test_armijo_accepted_step_closed_form_on_a_quadratic():
    lam = np.array([1.0, 4.0, 25.0])
    x = np.array([0.7, -1.1, 0.4])
    g = lam * x
    exact = float(g @ g / (g @ (lam * g)))
    for eta0, shrink, c in ((1.0, 0.5, 1e-4), (0.01, 0.5, 0.3), (5.0, 0.9, 0.5)):
        run = nls.armijo_quadratic(lam, x, 1, eta0=eta0, shrink=shrink, c=c)
        step, j = tls.armijo_accepted_step(eta0, shrink, c, exact)
        assert run.steps[0] == step and run.backtracks[0] == j


def test_armijo_rejects_bad_parameters():
    for kw, name in ((dict(shrink=1.0), "shrink"), (dict(c=0.0), "c"), (dict(eta0=-1.0), "eta0")):
        with pytest.raises(ParameterError, match=name):
            nls.armijo_quadratic([1.0], [1.0], 1, **kw)
    with pytest.raises(ParameterError, match="line-search"):
        parse_line_search("armijo:shrink=1.5")
    with pytest.raises(ParameterError, match="line-search"):
        parse_line_search("wolfe")


def test_line_search_claims_pass():
    for c in claims_for("line-search"):
        out = c.run()
        assert out.passed, (c.id, out.numeric.to_dict())


def test_api_single_eigenvalue_converges_in_one_step():
    r = line_search_rate("exact", mu=2.0, L=2.0)
    assert r["loss_ratio_theory"] == 0 and r["loss_ratio_simulated"] == 0


def _cli(capsys, argv):
    from ratecheck.reports.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_exact_and_armijo(capsys):
    code, out, _ = _cli(capsys, ["rate", "gd", "--line-search", "exact", "--mu", "1", "--L", "100", "--dim", "500",
                                 "--json"])
    r = json.loads(out)
    assert code == 0 and abs(r["loss_ratio_simulated"] / r["loss_ratio_theory"] - 1) < 1e-12
    code, out, _ = _cli(capsys, ["rate", "gd", "--line-search", "armijo:eta0=1,shrink=0.5,c=1e-4",
                                 "--eigenvalues", "1,10,100", "--json"])
    r = json.loads(out)
    assert code == 0 and r["accepted_steps_match"] and r["loss_ratio_simulated"] <= r["loss_ratio_theory"]
    assert min(r["accepted_steps"]) >= r["step_floor"] and len(r["accepted_steps"]) == r["steps"]


@pytest.mark.parametrize("argv", [
    ["rate", "gd", "--line-search", "armijo:shrink=2", "--mu", "1", "--L", "10"],
    ["rate", "gd", "--line-search", "exact", "--mu", "1", "--L", "10", "--eta", "0.1"],
    ["rate", "heavy-ball", "--line-search", "exact", "--mu", "1", "--L", "10"],
    ["rate", "gd", "--line-search", "exact"],
])
def test_cli_usage_errors_are_one_line(capsys, argv):
    code, out, err = _cli(capsys, argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_too_many_rejections_is_a_usage_error(capsys):
    code, out, err = _cli(capsys, ["rate", "gd", "--line-search", "armijo:shrink=0.9999999,eta0=100", "--mu", "1",
                                   "--L", "100", "--dim", "10", "--steps", "3"])
    assert code == 2 and out == "" and "--line-search" in err and len(err.strip().splitlines()) == 1


def test_armijo_never_accepts_a_zero_step():
    with pytest.raises(ParameterError, match="eta0"):
        # a wrong gradient (an ascent direction): no trial step is ever accepted; the step underflows to 0, which
        # would "pass" the test f(x) <= f(x) - 0, and is refused instead
        nls.armijo(lambda x: float(x @ x), lambda x: -2 * x, np.array([0.5]), 1, eta0=1.0, shrink=0.5, c=1e-4)
