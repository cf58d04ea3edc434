"""Nesterov (Lessard form): derivations check, the tunings match published formulas, the rate function is
accurate to 1e-12 against an independent 50-digit root finder, and every claim passes."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.rate import measure_rate
from ratecheck.proofs.registry import claims_for
from ratecheck.proofs.textbook import nesterov_rate, nesterov_tuning
from ratecheck.proofs.testing import assert_claim
from ratecheck.theory import nesterov as nag
from ratecheck.theory.derivation import CheckStatus
from ratecheck.theory.evaluate import to_float

CLAIMS = {c.id: c for c in claims_for("nesterov")}


def _polyroots_rate(alpha, beta, lams) -> mpmath.mpf:
    """max |root| of z^2 - (1+beta)(1-alpha lam) z + beta (1-alpha lam) over lams, mpmath.polyroots at 50 digits
    (typed here from the NAG recursion, independently of theory/)."""
    with mpmath.workdps(50):
        best = mpmath.mpf(0)
        for lam in lams:
            a, b, l = (x if isinstance(x, mpmath.mpf) else mpmath.mpf(x) for x in (alpha, beta, lam))
            q = 1 - a * l
            roots = mpmath.polyroots([1, -(1 + b) * q, b * q], maxsteps=400, extraprec=400)
            best = max([best] + [abs(r) for r in roots])
        return best


@pytest.mark.parametrize("derivation", nag.nesterov_derivations(), ids=lambda d: d.title)
def test_derivation_checks(derivation):
    outcomes = derivation.check()
    assumed = {o.step.label for o in outcomes if o.status is CheckStatus.ASSUMED}
    assert assumed <= {"Schur-Jury criterion", "design"}


def test_iteration_matrix_is_derived_from_update_rule():
    a, b, l = nag.SYMBOLS["alpha"], nag.SYMBOLS["beta"], nag.SYMBOLS["lambda"]
    expected = sp.Matrix([[(1 + b) * (1 - a * l), -b * (1 - a * l)], [1, 0]])
    assert sp.simplify(nag.iteration_matrix() - expected) == sp.zeros(2, 2)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1e4, 2.5])
def test_tunings_match_published_formulas(kappa):
    mu, L = 0.5, 0.5 * kappa
    s = math.sqrt(3 * kappa + 1)
    p = nesterov_tuning("optimal", mu, L)  # Lessard, Recht & Packard (2016)
    assert p["alpha"] == pytest.approx(4 / (3 * L + mu), rel=1e-14)
    assert p["beta"] == pytest.approx((s - 2) / (s + 2), rel=1e-14)
    assert nesterov_rate(p, mu, L) == pytest.approx(1 - 2 / s, rel=1e-14)
    p = nesterov_tuning("standard", mu, L)
    sk = math.sqrt(kappa)
    assert p["alpha"] == pytest.approx(1 / L, rel=1e-14)
    assert p["beta"] == pytest.approx((sk - 1) / (sk + 1), rel=1e-14)
    assert nesterov_rate(p, mu, L) == pytest.approx(1 - 1 / sk, rel=1e-14)


def test_optimal_beats_standard():
    for kappa in (2.0, 10.0, 100.0, 1e4):
        assert nesterov_rate(nesterov_tuning("optimal", 1, kappa), 1, kappa) < \
            nesterov_rate(nesterov_tuning("standard", 1, kappa), 1, kappa)


@pytest.mark.parametrize("tuning", ["standard", "optimal"])
def test_cli_values_at_kappa_100(tuning):
    r = measure_rate("nesterov", mu=1, L=100, tuning=tuning, dim=100_000)
    expected = 0.9 if tuning == "standard" else 1 - 2 / math.sqrt(301)
    assert r["rate_theory"] == pytest.approx(expected, abs=1e-15)
    assert abs(r["rate_simulated"] - expected) <= 0.01 * expected


def test_rate_matches_polyroots_on_random_parameters():
    rng = np.random.default_rng(11)
    for _ in range(40):
        mu = float(rng.uniform(0.1, 2.0))
        L = mu * float(rng.uniform(1.5, 1e3))
        alpha = float(rng.uniform(0.01, 1.6)) / L
        beta = float(rng.uniform(0.0, 0.99))
        ours = nesterov_rate({"alpha": alpha, "beta": beta}, mu, L)
        ref = _polyroots_rate(alpha, beta, (mu, L))
        assert abs(ours - float(ref)) <= 1e-12 * max(1.0, float(ref))


@pytest.mark.parametrize("kappa", [10, 100, 10_000])
@pytest.mark.parametrize("tuning", ["standard", "optimal"])
def test_rate_at_exact_tuning_matches_polyroots(kappa, tuning):
    with mpmath.workdps(50):
        if tuning == "standard":
            alpha, beta = 1 / mpmath.mpf(kappa), (mpmath.sqrt(kappa) - 1) / (mpmath.sqrt(kappa) + 1)
        else:
            s = mpmath.sqrt(3 * mpmath.mpf(kappa) + 1)
            alpha, beta = 4 / (3 * mpmath.mpf(kappa) + 1), (s - 2) / (s + 2)
        ref = _polyroots_rate(alpha, beta, (mpmath.mpf(1), mpmath.mpf(kappa)))
    assert abs(nesterov_rate(nesterov_tuning(tuning, 1.0, kappa), 1.0, kappa) - float(ref)) <= 1e-12


def test_region_boundary_from_closed_form():
    beta, mu, L = 0.5, 1.0, 100.0
    a_max = to_float(nag.region_derivation().results["alpha_max"], {"beta": beta, "L": L})
    assert a_max == pytest.approx(2 * 1.5 / 2 / 100)
    assert nesterov_rate({"alpha": a_max * (1 - 1e-9), "beta": beta}, mu, L) < 1
    assert nesterov_rate({"alpha": a_max * (1 + 1e-9), "beta": beta}, mu, L) > 1


def test_bad_input_names_the_parameter():
    with pytest.raises(ParameterError, match="tuning"):
        nesterov_tuning("fastest", 1, 10)
    with pytest.raises(ParameterError, match="mu"):
        nesterov_rate({"alpha": 0.1, "beta": 0.5}, -1, 10)


def test_claim_ids():
    assert set(CLAIMS) == {
        "nesterov.iteration-matrix", "nesterov.complex-modulus", "nesterov.region-inside", "nesterov.region-outside",
        "nesterov.standard-rate-kappa-10", "nesterov.standard-rate-kappa-100", "nesterov.standard-rate-kappa-10000",
        "nesterov.optimal-tuning", "nesterov.optimal-rate-kappa-10", "nesterov.optimal-rate-kappa-100",
        "nesterov.optimal-rate-kappa-10000",
    }
    assert CLAIMS["nesterov.optimal-tuning"].reference.source.startswith("L. Lessard")


@pytest.mark.parametrize("cid", sorted(CLAIMS))
def test_claim_passes(cid):
    assert_claim(cid)  # derivation checks, simulation within tolerance, published value agrees


def test_rate_claims_compare_the_gap_and_tell_acceleration_from_gd():
    """A relative check on rho passes GD's 0.9998 for NAG's 0.99; the gap check must not."""
    from ratecheck.proofs.claims.common import gap_comparison

    assert not gap_comparison(0.99980002, 0.99, 0.01).passed
    assert gap_comparison(0.99001, 0.99, 0.01).passed
    growth = gap_comparison(1.048 * 1.01, 1.048, 0.01)  # 1 % on rho is 21 % of rho - 1
    assert not growth.passed and growth.expected == pytest.approx(0.048)


def test_tuning_claims_are_labelled_metamorphic():
    from ratecheck.proofs.claim import Evidence

    assert CLAIMS["nesterov.optimal-tuning"].evidence is Evidence.METAMORPHIC
