"""proofs.methods without FormSpec: rates from the engine, tunings through parameter maps the engine finds.

Expected values come from elsewhere: the maps from theory/conventions.py (two-step recurrence with an
abstract gradient), the rates from numpy's roots of the one-step matrices built from Rule.step, the tuned
rates from the textbook derivations (proofs.textbook), the equivalences from iterates.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from ratecheck import numerics
from ratecheck.examples.qhm import QHM
from ratecheck.numerics import ParameterError
from ratecheck.numerics.conventions import iterate_path
from ratecheck.proofs import methods as pm
from ratecheck.proofs import textbook
from ratecheck.proofs.claims import conventions as cc
from ratecheck.theory import conventions as conv

CLASSIC = numerics.forms(family="classic")
EQUIVALENT = [m for m in CLASSIC if m.name != "seed-003"]


@pytest.mark.parametrize("m", [m for m in EQUIVALENT if m.method != "gd" and m.name not in ("polyak", "lessard")],
                         ids=lambda m: m.key)
def test_found_map_is_the_conventions_derivation(m):
    found = pm.parameter_map(m)
    derived = cc.inverse_map(m.method, m.name)  # theory/conventions.py's two-step reduction
    assert set(found) == set(derived)
    for p, e in found.items():
        e = e.xreplace({s: {"alpha_c": conv.alpha_c, "beta_c": conv.beta_c}[s.name] for s in e.free_symbols})
        assert sp.simplify(e - derived[p]) == 0, p


def test_seed003_has_no_map_and_is_tuned_as_written():
    seed = numerics.form("nesterov", "seed-003")
    assert pm.parameter_map(seed) is None and pm.equivalent_to(seed) is None
    nag = textbook.nesterov_tuning("optimal", 1.0, 100.0)
    assert pm.tuned(seed, "optimal", 1.0, 100.0) == {"eta": nag["alpha"], "beta": nag["beta"]}
    for m in EQUIVALENT:
        assert pm.equivalent_to(m) == numerics.form(m.method).name


@pytest.mark.parametrize("m,tuning", [(m, t) for m in EQUIVALENT for t in pm.tuning_names(m)],
                         ids=lambda c: getattr(c, "key", c))
def test_tuned_form_runs_the_canonical_iterates_and_rate(m, tuning):
    mu, L = 1.0, 50.0
    p = pm.tuned(m, tuning, mu, L)
    canon = textbook.textbook_tuning(m.method, tuning, mu, L)
    lam = np.array([1.0, 7.0, 50.0])
    grad = lambda y: lam * y  # noqa: E731
    x0 = np.array([1.0, -2.0, 0.5])
    a = iterate_path(numerics.rule_of(m, p), grad, x0, 80).x
    b = iterate_path(numerics.rule(m.method, canon), grad, x0, 80).x
    if m.name == "pytorch":  # its iterate is NAG's look-ahead point y_t = x_t + beta (x_t - x_{t-1})
        b = b + canon["beta"] * (b - np.vstack([b[:1], b[:-1]]))
    assert np.max(np.abs(a - b)) <= 1e-12 * np.max(np.abs(b))
    exact = textbook.tuned_rate(m.method, tuning, mu, L)
    want = exact if exact is not None else textbook.textbook_rate(m.method, canon, mu, L)
    assert pm.theory_rate(m, p, mu, L) == pytest.approx(want, rel=1e-14)


def _numpy_rate(m, params, lams) -> float:
    """max over lams of the spectral radius of the one-step matrix, built column by column from Rule.step."""
    rule = numerics.rule_of(m, params)
    n = len(m.state)
    worst = 0.0
    for lam in lams:
        cols = []
        for j in range(n):
            state = tuple(np.array([1.0 if i == j else 0.0]) for i in range(n))
            cols.append([float(s[0]) for s in rule.step(state, lambda y: lam * y)])
        worst = max(worst, float(max(abs(np.linalg.eigvals(np.array(cols).T)))))
    return worst


@pytest.mark.parametrize("m", [*CLASSIC, QHM], ids=lambda m: m.key)
def test_theory_rate_is_the_spectral_radius_of_the_rule(m):
    rng = np.random.default_rng(11)
    for _ in range(4):
        params = {}
        for p in m.params:
            hi = p.hi if np.isfinite(p.hi) else 0.05
            params[p.name] = float(rng.uniform(max(p.lo, 0.0) + 1e-3, hi - 1e-3))
        mu, L = 0.5, 30.0
        got = pm.theory_rate(m, params, mu, L)
        # endpoint proved for the classic forms; QHM too (affine coefficients): the max sits at mu or L
        assert got == pytest.approx(_numpy_rate(m, params, (mu, L)), rel=1e-7)
        assert got >= _numpy_rate(m, params, np.linspace(mu, L, 41)) * (1 - 1e-7)


def test_canonical_params_inverts_tuned():
    m = numerics.form("nesterov", "ema-lookahead")
    p = pm.tuned(m, "standard", 1.0, 400.0)
    back = pm.canonical_params(m, p)
    want = textbook.nesterov_tuning("standard", 1.0, 400.0)
    assert back == pytest.approx(want, rel=1e-15)


def test_user_method_has_no_published_tuning_and_a_clear_error():
    assert pm.tuning_names(QHM) == () and pm.canonical_form(QHM) is None
    with pytest.raises(ParameterError, match="tuning"):
        pm.tuned(QHM, "optimal", 1.0, 10.0)
    with pytest.raises(ParameterError, match="nu"):
        pm.theory_rate(QHM, {"alpha": 0.1, "beta": 0.5}, 1.0, 10.0)
    with pytest.raises(ParameterError, match="L"):
        pm.theory_rate(numerics.form("gd"), {"eta": 0.1}, 2.0, 1.0)
