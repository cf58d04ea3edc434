"""theory/iterations.py: the closed-form mode solution, checked symbolically and against exact iteration."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from ratecheck.proofs.sweep import _prepare_mode, closed_form_log_error, fit_exponent, mode_coefficients, predicted_iterations
from ratecheck.theory import iterations as it
from ratecheck.theory.derivation import CheckStatus, is_zero


def test_closed_form_derivation_checks():
    d = it.closed_form_derivation()
    statuses = {o.step.label: o.status for o in d.check()}
    assert all(s is CheckStatus.PASSED for s in statuses.values()), statuses
    assert "double root solves the recurrence" in statuses


def test_wrong_closed_forms_fail_their_checks():
    """The checks can fail: t^2 instead of t fails the recurrence; B = e1/z + e0 fails the initial conditions."""
    z, e0, e1 = it.z, it.e0, it.e1
    wrong_form = lambda k: (e0 + (e1 / z - e0) * k**2) * z**k  # noqa: E731
    ok, residual = is_zero(it._recurrence_residual(wrong_form, 2 * z, z**2))
    assert not ok and residual != 0
    wrong_b = lambda k: (e0 + (e1 / z + e0) * k) * z**k  # noqa: E731
    assert is_zero(it._recurrence_residual(wrong_b, 2 * z, z**2))[0]  # any A, B solve the recurrence ...
    assert not is_zero(wrong_b(1) - e1)[0]  # ... but only B = e1/z - e0 meets e_1


@pytest.mark.parametrize("method", it.MODE_METHODS)
def test_mode_recurrence_and_exponent_derivations(method):
    from ratecheck import numerics

    m = it.mode_recurrence(numerics.form(method))
    assert m.derivation.check() and m.derivation.status is CheckStatus.PASSED
    d = it.exponent_derivation(numerics.form(method))
    d.check()  # raises on a failed step
    # the tuning is checked by substitution against the tuning derived in the method's own section
    assert d.status is CheckStatus.PASSED
    assert any(s.label.startswith("tuning") and s.check.kind == "substitution" for s in d.steps)
    assert d.results["exponent"] == it.EXPECTED_EXPONENT[method]


def _exact_sequence(b, c, e0, e1, steps):
    """e_0..e_steps by iterating the recurrence in 60-digit arithmetic (independent of the closed form)."""
    with mpmath.workdps(60):
        b, c = mpmath.mpf(b), mpmath.mpf(c)
        seq = [mpmath.mpf(e0), mpmath.mpf(e1)]
        for _ in range(steps - 1):
            seq.append(b * seq[-1] - c * seq[-2])
        return seq


CASES = {
    "real distinct": (1.3, 0.4, 1.0, 0.7),
    "complex pair": (1.2, 0.81, 1.0, 0.3),
    "exact double root": (1.8, 0.81, 1.0, 0.95),
    "negative double root": (-1.6, 0.64, 0.7, -0.2),
    "near double root (float-rounded tuning)": (1.8, 0.81 + 1e-17, 1.0, 0.9),
    "first order (gd)": (0.93, 0.0, 1.0, 0.93),
    "killed after one step": (0.0, 0.0, 1.0, 0.5),
    "negative real roots": (-1.1, 0.28, 1.0, -0.4),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_closed_form_matches_exact_iteration(case):
    b, c, e0, e1 = CASES[case]
    steps = 400
    exact = _exact_sequence(b, c, e0, e1, steps)
    t = np.arange(1, steps + 1, dtype=float)
    got = np.exp(closed_form_log_error([(b, c, e0, e1 / e0)], t))
    want = np.array([abs(float(x)) for x in exact[1:]])
    modulus = max(abs(complex(r)) for r in np.roots([1, -b, c])) if c else abs(b)
    envelope = (modulus ** t) * (abs(e0) + abs(e1)) * (1 + t)
    assert np.all(np.abs(got - want) <= 1e-10 * np.maximum(want, envelope)), case


def test_tuned_heavy_ball_uses_the_double_root_form():
    from ratecheck.proofs.textbook import heavy_ball_tuning

    params = heavy_ball_tuning("optimal", 0.01, 1.0)
    for lam in (0.01, 1.0):
        b, c, g = mode_coefficients("heavy-ball", params, lam)
        assert _prepare_mode(b, c, 1.0, g).kind == "double"


@pytest.mark.parametrize("method,kappa", [("gd", 50.0), ("heavy-ball", 200.0), ("nesterov", 200.0), ("nesterov", 7.0)])
def test_predicted_count_equals_exact_scan(method, kappa):
    """The closed-form count equals the first t found by iterating both extreme modes in 60 digits."""
    from ratecheck.proofs.methods import tuned
    from ratecheck import numerics

    params = tuned(numerics.form(method), "optimal", 1 / kappa, 1.0)
    tol = 1e-8
    modes = []
    seqs = []
    for lam in (1 / kappa, 1.0):
        b, c, g = mode_coefficients(method, params, lam)
        modes.append((b, c, 1 / math.sqrt(2), g))
        seqs.append(_exact_sequence(b, c, 1 / math.sqrt(2), g / math.sqrt(2), 20_000))
    exact = next(t for t in range(1, 20_001) if math.hypot(float(seqs[0][t]), float(seqs[1][t])) <= tol)
    assert predicted_iterations(modes, tol, 10**6) == exact


def test_predicted_count_none_past_cap():
    assert predicted_iterations([(0.999, 0.0, 1.0, 0.999)], 1e-8, 100) is None


def test_fit_exponent_against_scipy_linregress():
    from scipy.stats import linregress

    rng = np.random.default_rng(3)
    k = np.geomspace(10, 1e5, 9)
    iters = 3.0 * k**0.7 * np.exp(rng.normal(0, 0.05, k.size))
    f = fit_exponent(k, iters)
    ref = linregress(np.log(k), np.log(iters))
    assert f["exponent"] == pytest.approx(ref.slope, rel=1e-12)
    assert f["exponent_stderr"] == pytest.approx(ref.stderr, rel=1e-10)
    assert f["constant"] == pytest.approx(math.exp(ref.intercept), rel=1e-12)
    exact = fit_exponent(k, 2.0 * k**0.5)
    assert exact["exponent"] == pytest.approx(0.5, abs=1e-12) and exact["constant"] == pytest.approx(2.0, rel=1e-10)


@pytest.mark.parametrize("method", it.MODE_METHODS)
@pytest.mark.parametrize("kappa", [10.0, 1e3, 1e6])
def test_exponent_derivation_tuning_is_the_projects_optimal_tuning(method, kappa):
    """The (assumed) tuning in the exponent derivation is the one proofs.methods gives as 'optimal'."""
    from ratecheck.proofs.methods import tuned
    from ratecheck import numerics

    tuning, _ = it._optimal_tuning(method)
    got = tuned(numerics.form(method), "optimal", 1.0, kappa)
    for sym, expr in tuning.items():
        assert got[sym.name] == pytest.approx(float(expr.subs(it.kappa, kappa)), rel=1e-14)


@pytest.mark.parametrize("method,b,c,first", [
    ("gd", 1 - it.eta * it.lam, 0, 1 - it.eta * it.lam),
    ("heavy-ball", 1 + it.beta - it.alpha * it.lam, it.beta, 1 - it.alpha * it.lam),
    ("nesterov", (1 + it.beta) * (1 - it.alpha * it.lam), it.beta * (1 - it.alpha * it.lam), 1 - it.alpha * it.lam),
])
def test_mode_recurrence_from_the_method_value_is_the_textbook_one(method, b, c, first):
    """Derived from numerics' method value through the engine's matrix; expected: Polyak (1964), Lessard et al. (2016)."""
    from ratecheck import numerics

    m = it.mode_recurrence(numerics.form(method))
    assert sp.expand(m.b - b) == 0 and sp.expand(m.c - c) == 0 and sp.expand(m.first - first) == 0


def test_mode_recurrence_of_another_form_is_its_canonical_forms():
    """The velocity form of heavy ball (buffer started at 0) has Polyak's recurrence with alpha = eta."""
    from ratecheck import numerics

    m = it.mode_recurrence(numerics.form("heavy-ball", "velocity"))
    polyak = it.mode_recurrence(numerics.form("heavy-ball"))
    sub = {it.alpha: it.eta}
    assert sp.expand(m.b - polyak.b.subs(sub)) == 0 and sp.expand(m.c - polyak.c.subs(sub)) == 0
    assert sp.expand(m.first - polyak.first.subs(sub)) == 0
