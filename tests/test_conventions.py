"""Momentum conventions: every claim, metamorphic iterate tests, seed 003's form, the CLI."""
from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from ratecheck import numerics
from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.claims.conventions import (EQUIVALENT_FORMS, form_vs_canonical, max_relative_difference,
                                       pytorch_vs_lessard, random_quadratic)
from ratecheck.proofs.claims import conventions as cc
from ratecheck.proofs.methods import theory_rate, tuned
from ratecheck.proofs.registry import claims_for
from ratecheck.proofs.testing import assert_claim
from ratecheck.numerics.conventions import iterate_path
from ratecheck.reports.cli import main
from ratecheck.theory import conventions as conv
from ratecheck.theory.derivation import CheckStatus

TOL = 1e-12


@pytest.mark.parametrize("claim_id", [c.id for c in claims_for("conventions")])
def test_claim(claim_id):
    assert_claim(claim_id)


def test_derivations_check_and_only_jury_is_assumed():
    for d in cc.conventions_derivations():
        d.check()
        assumed = [o.step.label for o in d.outcomes() if o.status is CheckStatus.ASSUMED]
        assert assumed == (["Jury's triangle"] if d.title.endswith("iteration matrix and rate") else []), (d.title, assumed)


@pytest.mark.parametrize("method,form,alpha,beta,gamma", [
    # expected maps written from the issue / by hand, not taken from the code under test
    ("heavy-ball", "velocity", "eta", "beta", "0"),
    ("heavy-ball", "ema", "alpha*(1 - beta)", "beta", "0"),
    ("heavy-ball", "sutskever", "eta", "gamma", "0"),
    ("nesterov", "velocity-lookahead", "eta", "beta", "beta"),
    ("nesterov", "ema-lookahead", "alpha*(1 - beta)", "beta", "beta"),
    ("nesterov", "seed-003", "eta", "beta", "beta/eta"),
    ("nesterov", "pytorch", "eta", "beta", "beta"),
])
def test_parameter_map(method, form, alpha, beta, gamma):
    pm = cc.parameter_map(method, form)
    names = {"alpha": conv.alpha, "beta": conv.beta, "eta": conv.eta, "gamma": conv.gamma}
    for key, text in (("alpha", alpha), ("beta", beta), ("gamma", gamma)):
        assert sp.simplify(pm[key] - sp.sympify(text, locals=names)) == 0, (form, key, pm[key])


# ----------------------------------------------------------------------------- metamorphic: same iterates
@st.composite
def problem_and_params(draw):
    seed = draw(st.integers(0, 10_000))
    kappa = draw(st.floats(2.0, 1000.0))
    alpha_c = draw(st.floats(0.05, 1.0)) / kappa  # L = kappa, mu = 1
    beta_c = draw(st.floats(0.0, 0.95))
    return seed, kappa, alpha_c, beta_c


def _form_params(method, form, alpha_c, beta_c):
    inv = cc.inverse_map(method, form)
    return {p: float(e.subs({conv.alpha_c: alpha_c, conv.beta_c: beta_c})) for p, e in inv.items()}


@pytest.mark.parametrize("method,form", EQUIVALENT_FORMS)
@settings(max_examples=15, deadline=None)
@given(case=problem_and_params())
def test_equivalent_form_same_iterates(method, form, case):
    seed, kappa, alpha_c, beta_c = case
    prob = random_quadratic(12, seed, 1.0, kappa)
    x0 = np.random.default_rng(seed).standard_normal(12)
    params = _form_params(method, form, alpha_c, beta_c)
    assert form_vs_canonical(method, form, params, prob, x0, 150) <= TOL


@settings(max_examples=20, deadline=None)
@given(case=problem_and_params())
def test_pytorch_iterates_are_nag_lookahead_points(case):
    seed, kappa, alpha_c, beta_c = case
    prob = random_quadratic(12, seed, 1.0, kappa)
    x0 = np.random.default_rng(seed).standard_normal(12)
    d_y, d_x = pytorch_vs_lessard({"eta": alpha_c, "beta": beta_c}, prob, x0, 150)
    assert d_y <= TOL and d_x <= TOL


def test_pytorch_iterates_are_not_nag_iterates():
    """The identification is p_t = y_t, not p_t = x_t: the latter differs."""
    prob = random_quadratic(12, 1, 1.0, 50.0)
    x0 = np.ones(12)
    p = {"eta": 0.01, "beta": 0.8}
    a = iterate_path(numerics.rule("nesterov", p, "pytorch"), prob.grad, x0, 50).x
    b = iterate_path(numerics.rule("nesterov", {"alpha": 0.01, "beta": 0.8}, "lessard"), prob.grad, x0, 50).x
    assert max_relative_difference(a, b) > 1e-3


# ----------------------------------------------------------------------------- seed 003
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), eta=st.one_of(st.floats(0.05, 0.9), st.floats(1.1, 2.0)),
       beta=st.floats(0.1, 0.9))
def test_seed003_differs_from_nag_when_eta_is_not_1(seed, eta, beta):
    prob = random_quadratic(10, seed, 0.01, 0.3)
    x0 = np.random.default_rng(seed).standard_normal(10)
    a = iterate_path(numerics.rule("nesterov", {"eta": eta, "beta": beta}, "seed-003"), prob.grad, x0, 30).x
    b = iterate_path(numerics.rule("nesterov", {"alpha": eta, "beta": beta}, "lessard"), prob.grad, x0, 30).x
    assert max_relative_difference(a, b) > 1e-6


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), beta=st.floats(0.0, 0.95))
def test_seed003_is_nag_at_eta_1(seed, beta):
    prob = random_quadratic(10, seed, 0.01, 1.0)
    x0 = np.random.default_rng(seed).standard_normal(10)
    a = iterate_path(numerics.rule("nesterov", {"eta": 1.0, "beta": beta}, "seed-003"), prob.grad, x0, 100).x
    b = iterate_path(numerics.rule("nesterov", {"alpha": 1.0, "beta": beta}, "lessard"), prob.grad, x0, 100).x
    assert max_relative_difference(a, b) <= TOL


def test_seed003_kappa100_closed_form_against_numpy_roots():
    # independent: roots of z^2 - b z + c with b = 1 + beta - eta L - beta L, c = beta (1 - L), by numpy
    eta, beta, L = 0.01, 9 / 11, 100.0
    b, c = 1 + beta - eta * L - beta * L, beta * (1 - L)
    rho_np = max(abs(np.roots([1.0, -b, c])))
    rho = float(cc.seed003_rate_derivation().results["rate_kappa100"].evalf(30))
    assert rho == pytest.approx(rho_np, rel=1e-12)
    assert rho == pytest.approx(81.98795005785, rel=1e-11)
    from ratecheck.proofs.claims.conventions import seed003_rate

    seed = numerics.form("nesterov", "seed-003")
    assert theory_rate(seed, {"eta": eta, "beta": beta}, 1.0, L) == pytest.approx(rho, rel=1e-14)  # the engine's
    assert seed003_rate({"eta": eta, "beta": beta}, 1.0, L) == pytest.approx(rho, rel=1e-14)  # theory/conventions' b, c


def test_seed003_rate_is_max_over_spectrum():
    """The endpoint formula equals a dense scan of the spectral radius over [mu, L] (numpy roots, no double roots)."""
    p = {"eta": 0.3, "beta": 0.6}
    lam = np.linspace(0.05, 1.5, 3001)
    scan = max(max(abs(np.roots([1.0, -(1 + 0.6 - 0.3 * l - 0.6 * l), 0.6 * (1 - l)]))) for l in lam)
    assert theory_rate(numerics.form("nesterov", "seed-003"), p, 0.05, 1.5) == pytest.approx(scan, rel=1e-9)


# ----------------------------------------------------------------------------- CLI
def _rate_json(capsys, *argv):
    assert main(["rate", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_velocity_lookahead_example(capsys):
    r = _rate_json(capsys, "nesterov", "--eigenvalues", "0.01,1", "--form", "velocity-lookahead",
                   "--eta", "1", "--beta", "0.8")
    assert r["form"] == "velocity-lookahead" and r["params"] == {"eta": 1.0, "beta": 0.8}
    # independent: NAG's companion matrix at both eigenvalues, numpy roots (simple roots here)
    expected = max(max(abs(np.roots([1.0, -1.8 * (1 - l), 0.8 * (1 - l)]))) for l in (0.01, 1.0))
    assert r["rate_theory"] == pytest.approx(expected, rel=1e-12)
    assert r["rate_simulated"] == pytest.approx(expected, rel=1e-6)


def test_cli_tuning_through_inverse_map(capsys):
    r = _rate_json(capsys, "heavy-ball", "--mu", "1", "--L", "100", "--dim", "200", "--form", "ema", "--tuning", "optimal")
    # Polyak: alpha* = 4/(sqrt L + sqrt mu)^2 = 4/121, beta* = (9/11)^2; ema: alpha = alpha*/(1 - beta*) = 0.1
    assert r["params"]["alpha"] == pytest.approx(0.1, rel=1e-14)
    assert r["params"]["beta"] == pytest.approx(81 / 121, rel=1e-14)
    assert r["rate_theory"] == pytest.approx(9 / 11, rel=1e-12)
    r = _rate_json(capsys, "heavy-ball", "--mu", "1", "--L", "100", "--dim", "200", "--form", "sutskever",
                   "--tuning", "optimal")
    assert r["params"] == pytest.approx({"gamma": 81 / 121, "eta": 4 / 121}, rel=1e-14)


def test_cli_seed003_diverges_at_nag_standard_tuning(capsys):
    r = _rate_json(capsys, "nesterov", "--eigenvalues", "1,100", "--form", "seed-003", "--tuning", "standard")
    assert r["params"] == pytest.approx({"eta": 0.01, "beta": 9 / 11}, rel=1e-14)
    assert r["diverged"] and r["rate_theory"] == pytest.approx((81 + 9 * 85**0.5) / 2, rel=1e-12)
    assert r["growth_factor"] == pytest.approx(r["rate_theory"], rel=1e-6)


@pytest.mark.parametrize("argv,name", [
    (["--form", "velocity", "--alpha", "0.1", "--beta", "0.5"], "eta"),
    (["--form", "sutskever", "--eta", "0.1", "--beta", "0.5"], "gamma"),
    (["--form", "ema", "--alpha", "0.1", "--beta", "1.5"], "beta"),
    (["--form", "velocity", "--eta", "-1", "--beta", "0.5"], "eta"),
    (["--form", "nope", "--eta", "1", "--beta", "0.5"], "form"),
])
def test_cli_bad_parameters(capsys, argv, name):
    assert main(["rate", "heavy-ball", "--mu", "1", "--L", "10", "--dim", "10", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and name in err


def test_forms_use_the_issue_parameter_names():
    for f in numerics.forms(family="classic"):
        assert set(f.param_names) <= {"alpha", "beta", "eta", "gamma"}
    for (method, name), sf in cc.FORMS.items():
        assert numerics.form(method, name).param_names == sf.params
        assert tuple(tuned(numerics.form(method, name), "optimal", 1.0, 10.0)) == sf.params


def test_bad_params_raise_parameter_error():
    with pytest.raises(ParameterError, match="beta"):
        numerics.rule("nesterov", {"eta": 0.1, "beta": 1.0}, "pytorch")


def test_equivalence_claims_read_as_zero_with_a_tolerance_and_are_metamorphic():
    from ratecheck.proofs.claim import Evidence, Guarantee
    from ratecheck.proofs.registry import claims_for

    for c in claims_for("conventions"):
        if c.id in {f"conventions.{n}" for _, n in EQUIVALENT_FORMS} | {"conventions.pytorch"}:
            assert c.evidence is Evidence.METAMORPHIC
            n = c.confirm()
            assert n.expected == 0.0 and n.tolerance == 1e-12 and n.guarantee is Guarantee.TIGHT


_X, _S, _G = sp.symbols("x s g")
_A, _B, _E, _GM = conv.alpha, conv.beta, conv.eta, conv.gamma


@pytest.mark.parametrize("method,name,point,x_new,s_new", [
    # the sources' formulas (PyTorch SGD docs, notes 000-004, Keras SGD), typed here as the expected values
    ("heavy-ball", "velocity", _X, _X - _E * (_B * _S + _G), _B * _S + _G),
    ("heavy-ball", "ema", _X, _X - _A * (_B * _S + (1 - _B) * _G), _B * _S + (1 - _B) * _G),
    ("heavy-ball", "sutskever", _X, _X + _GM * _S - _E * _G, _GM * _S - _E * _G),
    ("nesterov", "velocity-lookahead", _X - _E * _B * _S, _X - _E * (_B * _S + _G), _B * _S + _G),
    ("nesterov", "pytorch", _X, _X - _E * (_G + _B * (_B * _S + _G)), _B * _S + _G),
    ("nesterov", "ema-lookahead", _X - _A * _B * _S, _X - _A * (_B * _S + (1 - _B) * _G), _B * _S + (1 - _B) * _G),
    ("nesterov", "seed-003", _X - _B * _S, _X - _E * (_B * _S + _G), _B * _S + _G),
])
def test_symbolic_form_traced_from_the_method_value_is_the_sources_formula(method, name, point, x_new, s_new):
    """theory.conventions.symbolic_form traces numerics' value with an arbitrary gradient g (no table typed in theory/)."""
    f = cc.FORMS[(method, name)]
    assert sp.expand(f.lookahead(_X, _S) - point) == 0
    got_x, got_s = f.update(_X, _S, _G)
    assert sp.expand(got_x - x_new) == 0 and sp.expand(got_s - s_new) == 0
