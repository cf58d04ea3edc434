"""GD simulation (numerics/) against the derived rate (theory/gd.py's closed form, evaluated by proofs.textbook): property tests,
the dense rotation check, and ParameterError on bad input."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from ratecheck import numerics
from ratecheck.numerics import ParameterError, spectra
from ratecheck.numerics.problems import DenseQuadratic, DiagonalQuadratic, isotropic_initial_error, random_orthogonal
from ratecheck.proofs import textbook
from ratecheck.proofs.rate import measure_rate


mus = st.floats(0.01, 10.0)
kappas = st.floats(1.5, 1000.0)


def _two_eigenvalue_run(mu, L, eta, steps):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid warnings may escape
        return numerics.simulate(numerics.rule("gd", {"eta": eta}), DiagonalQuadratic(np.array([mu, L])),
                                 np.array([1.0, 1.0]), steps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mu=mus, kappa=kappas, u=st.floats(0.02, 1.2))
def test_simulated_rate_equals_spectral_radius(mu, kappa, u):
    """The fitted rate (or growth factor) on eig {mu, L} equals max(|1 - eta mu|, |1 - eta L|) within 1 %."""
    L = mu * kappa
    eta = u * 2.0 / L
    rho = textbook.gd_rate({"eta": eta}, mu, L)
    assert rho == pytest.approx(max(abs(1 - eta * mu), abs(1 - eta * L)), rel=1e-13)
    assume(0.05 < rho < 0.98 or rho > 1.02)  # away from exact cancellation and from the slow boundary
    tr = _two_eigenvalue_run(mu, L, eta, 300)
    assert tr.rate().rate == pytest.approx(rho, rel=1e-2)


@settings(max_examples=40, deadline=None)
@given(mu=mus, kappa=kappas, s=st.floats(0.01, 0.9), above=st.booleans())
def test_divergence_iff_step_above_two_over_L(mu, kappa, s, above):
    L = mu * kappa
    eta = 2.0 / L * ((1 + s) if above else (1 - s))
    tr = _two_eigenvalue_run(mu, L, eta, 400)
    grows = tr.diverged or tr.rate().rate > 1.0
    assert grows == above
    assert (textbook.gd_rate({"eta": eta}, mu, L) > 1) == above


def test_divergent_run_stops_and_reports_growth():
    tr = _two_eigenvalue_run(1.0, 100.0, 0.03, 10_000)  # |1 - 0.03 * 100| = 2
    assert tr.diverged and tr.steps_run < 10_000
    assert np.all(np.isfinite(tr.error_norm))
    assert tr.rate().rate == pytest.approx(2.0, rel=1e-6)


def test_dense_rotation_equivariance():
    """A = Q diag(lam) Q^T (random orthogonal Q, d = 200) gives the diagonal run's error norms."""
    d, steps = 200, 40
    lam = spectra.uniform(1.0, 50.0, d)
    Q = random_orthogonal(d, 7)
    A = (Q * lam) @ Q.T
    A = 0.5 * (A + A.T)
    dense = DenseQuadratic(A, A @ np.random.default_rng(8).standard_normal(d))
    e0 = isotropic_initial_error(d, 9)
    r = numerics.rule("gd", textbook.textbook_tuning("gd", "optimal", 1.0, 50.0))
    a = numerics.simulate(r, DiagonalQuadratic(lam), e0, steps).error_norm
    b = numerics.simulate(r, dense, dense.xstar + Q @ e0, steps).error_norm
    assert np.max(np.abs(b / a - 1)) < 1e-10


def test_optimal_tuning_and_rate_from_theory():
    assert textbook.textbook_tuning("gd", "optimal", 1.0, 100.0) == {"eta": pytest.approx(2 / 101, rel=1e-15)}
    assert textbook.gd_rate(textbook.textbook_tuning("gd", "optimal", 1.0, 100.0), 1.0, 100.0) == pytest.approx(99 / 101, rel=1e-14)


def test_measure_rate_optimal_kappa_100():
    r = measure_rate("gd", mu=1, L=100, dim=20_000)
    assert r["rate_theory"] == pytest.approx(99 / 101, rel=1e-14)
    assert r["rate_simulated"] == pytest.approx(99 / 101, rel=1e-2)
    assert r["converges"] and not r["diverged"]


def test_measure_rate_seed_boundary():
    r = measure_rate("gd", eigenvalues=[2, 20], params={"eta": 0.1})
    assert r["rate_theory"] == pytest.approx(1.0, abs=1e-15)
    assert r["rate_simulated"] == pytest.approx(1.0, abs=1e-9)
    assert not r["converges"]


@pytest.mark.parametrize("kwargs, name", [
    (dict(mu=0, L=1), "mu"),
    (dict(mu=-1, L=1), "mu"),
    (dict(mu=float("nan"), L=1), "mu"),
    (dict(mu=2, L=1), "L"),
    (dict(mu=1, L=float("inf")), "L"),
    (dict(mu=1, L=10, params={"eta": 0.0}), "eta"),
    (dict(mu=1, L=10, params={"eta": -0.1}), "eta"),
    (dict(mu=1, L=10, params={"eta": float("nan")}), "eta"),
    (dict(eigenvalues=[]), "eigenvalues"),
    (dict(eigenvalues=[1.0, -2.0]), "eigenvalues"),
    (dict(eigenvalues=[1.0, float("nan")]), "eigenvalues"),
])
def test_bad_input_raises_parameter_error(kwargs, name):
    with pytest.raises(ParameterError) as info:
        measure_rate("gd", dim=100, **kwargs)
    assert info.value.name == name
    assert name in str(info.value) and "must be" in str(info.value)


def test_unknown_method_raises_parameter_error():
    with pytest.raises(ParameterError) as info:
        measure_rate("gradient-ascent", mu=1, L=10, dim=100)
    assert info.value.name == "method"


def test_rule_validates_eta():
    for bad in (0.0, -1.0, float("nan"), float("inf"), "abc"):
        with pytest.raises(ParameterError):
            numerics.rule("gd", {"eta": bad})
    assert math.isclose(numerics.rule("gd", {"eta": 0.5}).p[0], 0.5)
