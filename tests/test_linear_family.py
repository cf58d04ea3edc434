"""Triple momentum, the Chebyshev semi-iterative method and Lookahead as method values: array code,
kernels, engine and the claims of topic 'linear-family'."""
from __future__ import annotations


import mpmath
import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.linear_family import CHEBYSHEV, TRIPLE_MOMENTUM, check_interval, lookahead
from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.claims.methods import engine_one_step
from ratecheck.proofs.methods import engine_model
from ratecheck.proofs.registry import claims_for
from ratecheck.theory import linear_engine as le
from ratecheck.theory import linear_family as lf


def test_triple_momentum_step_is_the_engine_matrix():
    assert engine_one_step(TRIPLE_MOMENTUM) < 1e-13
    assert engine_model(TRIPLE_MOMENTUM).endpoint_proved


def test_triple_momentum_published_tuning_numbers():
    # rho = 0.9 for kappa = 100, L = 100: alpha = 1.9/100, beta = 0.81/1.1, gamma = 0.81/(1.9 * 1.1)
    p = lf.tmm_params(1, 100)
    assert float(p["alpha"]) == pytest.approx(0.019, rel=1e-15)
    assert float(p["beta"]) == pytest.approx(0.81 / 1.1, rel=1e-15)
    assert float(p["gamma"]) == pytest.approx(0.81 / (1.9 * 1.1), rel=1e-15)


def _chebyshev_residual(mu, L, k, lam):
    """T_k(y(lambda)) / T_k(sigma) in NumPy's Chebyshev basis (independent of the method's recurrence)."""
    c = np.zeros(k + 1)
    c[k] = 1.0
    y = (L + mu - 2 * lam) / (L - mu)
    return np.polynomial.chebyshev.chebval(y, c) / np.polynomial.chebyshev.chebval((L + mu) / (L - mu), c)


@pytest.mark.parametrize("k", [1, 2, 7, 25])
def test_chebyshev_method_has_the_chebyshev_residual_polynomial(k):
    lam = np.linspace(0.5, 20.0, 301)
    rule = numerics.rule_of(CHEBYSHEV, {"mu": 0.5, "L": 20.0})
    state = rule.init(np.ones(lam.size))
    for t in range(1, k + 1):
        state = rule.step(state, lambda y: lam * y, t)
    np.testing.assert_allclose(state[0], _chebyshev_residual(0.5, 20.0, k, lam), rtol=1e-9, atol=1e-12)


def test_chebyshev_kernel_matches_the_reference_path():
    lam = np.linspace(1.0, 100.0, 777)
    rule = numerics.rule_of(CHEBYSHEV, {"mu": 1.0, "L": 100.0})
    ref = numerics.simulate(rule, numerics.problems.DiagonalQuadratic(lam), np.ones(lam.size), 120)
    fused = simulate_diagonal(rule, lam, np.ones(lam.size), 120, backend="numba")
    np.testing.assert_allclose(fused.error_norm, ref.error_norm, rtol=1e-12, atol=0)


@pytest.mark.parametrize("k", [1, 10, 50, 2000])
def test_chebyshev_limit_against_cosh(k):
    with mpmath.workdps(60):
        sigma = mpmath.mpf(101) / 99
        direct = 1 / mpmath.cosh(k * mpmath.acosh(sigma))
    got = lf.chebyshev_error_factor(1, 100, k)
    assert abs(got / direct - 1) < mpmath.mpf(10) ** -40
    assert float(got) > 0  # 2000 steps: about 1e-174, no overflow and no underflow to 0


def test_derivations_check_and_say_what_they_assume():
    for d in (lf.chebyshev_derivation(), lf.triple_momentum_derivation(
            engine_model(TRIPLE_MOMENTUM).reduced, {}, True)):
        outcomes = d.outcomes()
        assert not [o.step.label for o in outcomes if o.status.value == "failed"]
        assert [o.step.label for o in outcomes if o.status.value == "assumed"] in (["minimax"], ["published tuning"])


def test_chebyshev_is_time_varying_for_the_engine():
    with pytest.raises(le.NotLinear, match="depends on the step t"):
        engine_model(CHEBYSHEV)


def test_chebyshev_interval_is_validated():
    with pytest.raises(ParameterError, match="L"):
        check_interval(2.0, 1.0)
    with pytest.raises(ParameterError, match="mu"):
        check_interval(0.0, 1.0)


def test_lookahead_gd_outer_factor_from_the_engine():
    m = lookahead(numerics.form("gd"), 5)
    model = engine_model(m)
    eta, a, lam = 0.01, 0.5, 37.0
    expected = 1 - a + a * (1 - eta * lam) ** 5
    rate = le.spectral_radius(model, {"eta": eta, "la_alpha": a}, lam)
    assert float(rate) == pytest.approx(abs(expected) ** (1 / 5), rel=1e-14)


def test_linear_family_claims_pass():
    for c in claims_for("linear-family"):
        out = c.run()
        assert out.passed, (c.id, out.numeric.to_dict(), out.reference and out.reference.to_dict())


def test_lookahead_sync_semantics_keep_and_reset():
    inner = numerics.form("heavy-ball", "velocity")
    lam = np.array([0.3, 2.0])
    for reset in (False, True):
        rule = numerics.rule_of(lookahead(inner, 3, reset_inner_state=reset), {"eta": 0.1, "beta": 0.5, "la_alpha": 0.5})
        plain = numerics.rule_of(inner, {"eta": 0.1, "beta": 0.5})
        state, fast = rule.init(np.ones(2)), plain.init(np.ones(2))
        for t in (1, 2, 3):
            state = rule.step(state, lambda y: lam * y, t)
            fast = plain.step(fast, lambda y: lam * y, t)
        x, v, slow = state
        np.testing.assert_allclose(slow, 1 + 0.5 * (fast[0] - 1), rtol=1e-15)
        np.testing.assert_allclose(x, slow, rtol=0)
        np.testing.assert_allclose(v, 0 * v if reset else fast[1], rtol=1e-15)


def test_lookahead_heavy_ball_reset_diverges_as_predicted():
    from ratecheck.proofs.claims.linear_family import lookahead_hb_run

    e = lookahead_hb_run()
    assert e["kappa"] > e["threshold"] and e["hb_alone"] < 1
    assert e["reset"]["simulated"] > 1 and abs(e["reset"]["simulated"] / e["predicted_step"] - 1) < 1e-3
    # below the threshold kappa the same Lookahead converges (the outer factor at L stays in (-1, 1))
    assert abs(float(lf.lookahead_hb_outer_at_L(60.0, 5, 0.5))) < 1 < abs(float(lf.lookahead_hb_outer_at_L(80.0, 5, 0.5)))


def test_lookahead_rejects_clashing_inner_methods():
    with pytest.raises(ParameterError, match="inner"):
        lookahead(lookahead(numerics.form("gd"), 2), 2)


def _cli_json(capsys, argv):
    import json

    from ratecheck.reports.cli import main

    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_rate_chebyshev(capsys):
    r = _cli_json(capsys, ["rate", "chebyshev", "--mu", "1", "--L", "100", "--steps", "30", "--json"])
    assert r["error_factor_theory"] == pytest.approx(float(lf.chebyshev_error_factor(1, 100, 30)), rel=1e-15)
    assert abs(r["error_factor_simulated"] / r["error_factor_theory"] - 1) < 1e-10


def test_cli_rate_lookahead(capsys):
    r = _cli_json(capsys, ["rate", "lookahead", "--inner", "gd", "--params", "eta=1,k=5,alpha=0.5",
                           "--eigenvalues", "0.05,0.5,1", "--json"])
    assert r["outer_rate_theory"] == pytest.approx(1 - 0.5 + 0.5 * 0.95**5, rel=1e-13)
    assert r["rate_theory"] == pytest.approx(r["outer_rate_theory"] ** 0.2, rel=1e-13)
    # judged on the gap 1 - rho: the fit runs over whole and partial periods (measured: 0.08 % of the gap)
    assert abs((1 - r["rate_simulated"]) / (1 - r["rate_theory"]) - 1) < 1e-2


@pytest.mark.parametrize("argv,name", [
    (["rate", "chebyshev", "--mu", "1", "--L", "100"], "--steps"),
    (["rate", "lookahead", "--params", "eta=1,k=5,alpha=0.5", "--mu", "1", "--L", "2"], "--inner"),
    (["rate", "lookahead", "--inner", "gd", "--params", "eta=1,alpha=0.5", "--mu", "1", "--L", "2"], "k"),
    (["rate", "gd", "--inner", "gd", "--mu", "1", "--L", "2"], "lookahead"),
])
def test_cli_linear_family_usage_errors(capsys, argv, name):
    from ratecheck.reports.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and name in err and "Traceback" not in err
