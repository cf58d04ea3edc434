"""Average-case prediction: derivations check; quadrature vs exact moments; simulation vs prediction."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from ratecheck.proofs.average_case import METHODS, average_case_run, canonical_params, predicted_loss, predicted_loss_quad
from ratecheck.proofs.registry import claims_for
from ratecheck.theory.average_case import average_case_derivations, mp_moment


def test_derivations_check():
    from ratecheck.proofs.average_case import FORMS

    for d in average_case_derivations(FORMS):
        d.check()


def test_gd_prediction_equals_exact_moment_expansion():
    """Independent of the quadrature: expand ½ λ(1-ηλ)^{2t} and use the MP moments (Narayana numbers)."""
    r, eta, T = sp.Rational(1, 2), sp.Rational(1, 3), 6
    lam = sp.Symbol("lam")
    pred = predicted_loss("gd", {"eta": float(eta)}, float(r), T)
    for t in range(T + 1):
        poly = sp.Poly(sp.expand(lam * (1 - eta * lam) ** (2 * t)), lam)
        exact = sp.Rational(1, 2) * sum(c * mp_moment(k, r) for (k,), c in poly.terms())
        assert pred[t] == pytest.approx(float(exact), rel=1e-12)


@pytest.mark.parametrize("method", list(METHODS))
def test_gauss_jacobi_matches_adaptive_quadrature(method):
    p = canonical_params(method, 0.5)
    pred = predicted_loss(method, p, 0.5, 12)
    for t in (0, 5, 12):
        assert pred[t] == pytest.approx(predicted_loss_quad(method, p, 0.5, t), rel=1e-9)


@pytest.mark.parametrize("method", list(METHODS))
def test_simulation_matches_prediction_and_gap_shrinks_with_d(method):
    small = average_case_run(method, dim=20_000, steps=20, start="signs").max_relative_deviation
    large = average_case_run(method, dim=400_000, steps=20, start="signs").max_relative_deviation
    assert large < 2e-3
    assert large < small


def test_gaussian_start_within_finite_d_fluctuation():
    run = average_case_run("gd", dim=1_000_000, steps=10, seed=0, start="gaussian")
    dev = np.abs(run.simulated / run.predicted - 1)
    assert np.all(dev <= 4 * run.fluctuation)


def test_claims_pass():
    for c in claims_for("average-case"):
        o = c.run()
        assert o.passed, o.to_dict()


def test_claim_derivation_returns_a_failing_prerequisite_instead_of_raising(monkeypatch):
    from ratecheck.proofs.claims import average_case as ac
    from ratecheck.theory.derivation import CheckStatus

    class Failed:
        status = CheckStatus.FAILED

    monkeypatch.setattr(ac, "mp_density_derivation", lambda: Failed())
    assert ac._derivation().status is CheckStatus.FAILED
