"""Heavy ball (Polyak form): derivations check, derived results match published formulas, the rate
function is accurate to 1e-12 against an independent 50-digit root finder, and every claim passes."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.rate import measure_rate
from ratecheck.proofs.registry import claims_for
from ratecheck.proofs.textbook import heavy_ball_rate, heavy_ball_tuning
from ratecheck.proofs.testing import assert_claim
from ratecheck.theory import heavy_ball as hb
from ratecheck.theory.derivation import CheckStatus
from ratecheck.theory.evaluate import to_float

CLAIMS = {c.id: c for c in claims_for("heavy-ball")}


def _polyroots_rate(alpha, beta, lams) -> mpmath.mpf:
    """max |root| of z^2 - (1 + beta - alpha lam) z + beta over lams, mpmath.polyroots at 50 digits
    (the polynomial typed here from Polyak's recursion, independently of theory/)."""
    with mpmath.workdps(50):
        best = mpmath.mpf(0)
        for lam in lams:
            a, b, l = (mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else x for x in (alpha, beta, lam))
            roots = mpmath.polyroots([1, -(1 + b - a * l), b], maxsteps=400, extraprec=400)
            best = max([best] + [abs(r) for r in roots])
        return best


@pytest.mark.parametrize("derivation", hb.heavy_ball_derivations(), ids=lambda d: d.title)
def test_derivation_checks(derivation):
    outcomes = derivation.check()
    assert all(o.status in (CheckStatus.PASSED, CheckStatus.ASSUMED) for o in outcomes)
    # assumptions are only the ones we state: the Jury criterion and the tuning design
    assumed = {o.step.label for o in outcomes if o.status is CheckStatus.ASSUMED}
    assert assumed <= {"Schur-Jury criterion", "design"}


def test_iteration_matrix_is_derived_from_update_rule():
    a, b, l = hb.SYMBOLS["alpha"], hb.SYMBOLS["beta"], hb.SYMBOLS["lambda"]
    M = hb.iteration_matrix()
    expected = sp.Matrix([[1 + b - a * l, -b], [1, 0]])
    assert sp.simplify(M - expected) == sp.zeros(2, 2)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1e4, 3.7])
def test_polyak_tuning_matches_published_formulas(kappa):
    # Polyak (1964): alpha = 4/(sqrt L + sqrt l)^2, beta = ((sqrt L - sqrt l)/(sqrt L + sqrt l))^2
    mu, L = 2.0, 2.0 * kappa
    p = heavy_ball_tuning("optimal", mu, L)
    sl, sm = math.sqrt(L), math.sqrt(mu)
    assert p["alpha"] == pytest.approx(4 / (sl + sm) ** 2, rel=1e-14)
    assert p["beta"] == pytest.approx(((sl - sm) / (sl + sm)) ** 2, rel=1e-14)
    sk = math.sqrt(kappa)
    assert heavy_ball_rate(p, mu, L) == pytest.approx((sk - 1) / (sk + 1), rel=1e-14)


def test_cli_values_at_kappa_100():
    r = measure_rate("heavy-ball", mu=1, L=100, tuning="optimal", dim=100_000)
    assert r["params"]["alpha"] == pytest.approx(0.0330578512396694, rel=1e-13)
    assert r["params"]["beta"] == pytest.approx(0.6694214876033058, rel=1e-13)
    assert r["rate_theory"] == pytest.approx(9 / 11, abs=1e-15)
    assert abs(r["rate_simulated"] - 9 / 11) <= 0.01 * 9 / 11


def test_rate_matches_polyroots_on_random_parameters():
    rng = np.random.default_rng(7)
    for _ in range(40):
        mu = float(rng.uniform(0.1, 2.0))
        L = mu * float(rng.uniform(1.5, 1e3))
        alpha = float(rng.uniform(0.01, 2.5)) / L * 2
        beta = float(rng.uniform(0.0, 0.99))
        ours = heavy_ball_rate({"alpha": alpha, "beta": beta}, mu, L)
        ref = _polyroots_rate(alpha, beta, (mu, L))
        assert abs(ours - float(ref)) <= 1e-12 * max(1.0, float(ref))


@pytest.mark.parametrize("kappa", [10, 100, 10_000])
def test_rate_at_exact_tuning_matches_polyroots_and_beats_eigvals(kappa):
    """At Polyak's tuning the roots at mu and L are double: closed form vs polyroots at the exact tuning."""
    with mpmath.workdps(50):
        sk = mpmath.sqrt(kappa)
        alpha = 4 / (sk + 1) ** 2
        beta = ((sk - 1) / (sk + 1)) ** 2
        ref = _polyroots_rate(alpha, beta, (mpmath.mpf(1), mpmath.mpf(kappa)))
    p = heavy_ball_tuning("optimal", 1.0, kappa)
    assert abs(heavy_ball_rate(p, 1.0, kappa) - float(ref)) <= 1e-12
    # contrast: a float64 matrix within a few ulp of the double-root matrix, handed to numpy.linalg.eigvals,
    # gives a spectral radius off by ~sqrt(eps) ~ 1e-8 (whether the rounding of one particular matrix lands
    # on the double root is luck, so look at the few-ulp neighbourhood)
    b, c = 1 + p["beta"] - p["alpha"], p["beta"]
    errors = [abs(float(np.max(np.abs(np.linalg.eigvals(np.array([[b * (1 + k * 2.0**-52), -c], [1.0, 0.0]])))))
                  - float(ref)) for k in range(-4, 5)]
    assert 1e-10 < max(errors) < 1e-6


def test_region_boundary_and_complex_band_from_closed_form():
    beta, L, mu = 0.5, 100.0, 1.0
    a_max = to_float(hb.region_derivation().results["alpha_max"], {"beta": beta, "L": L})
    assert a_max == pytest.approx(2 * 1.5 / 100)
    assert heavy_ball_rate({"alpha": a_max * (1 - 1e-9), "beta": beta}, mu, L) < 1
    assert heavy_ball_rate({"alpha": a_max * (1 + 1e-9), "beta": beta}, mu, L) > 1
    # a step beyond 2/L still converges (the region is 2(1+beta)/L, not 2/L)
    assert heavy_ball_rate({"alpha": 2.5 / L, "beta": beta}, mu, L) < 1
    # inside the complex band every eigenvalue has |z| = sqrt(beta)
    lo, hi = (1 - math.sqrt(beta)) ** 2, (1 + math.sqrt(beta)) ** 2
    assert heavy_ball_rate({"alpha": 1.0, "beta": beta}, lo * 1.01, hi * 0.99) == pytest.approx(math.sqrt(beta), rel=1e-14)


def test_bad_input_names_the_parameter():
    with pytest.raises(ParameterError, match="tuning"):
        heavy_ball_tuning("standard", 1, 10)
    with pytest.raises(ParameterError, match="L"):
        heavy_ball_rate({"alpha": 0.1, "beta": 0.5}, 10, 1)
    with pytest.raises(ParameterError, match="beta"):
        heavy_ball_rate({"alpha": 0.1}, 1, 10)


def test_claim_ids():
    assert set(CLAIMS) == {
        "heavy-ball.iteration-matrix", "heavy-ball.complex-modulus", "heavy-ball.region-inside", "heavy-ball.region-outside",
        "heavy-ball.critical-damping", "heavy-ball.polyak-tuning", "heavy-ball.rate-kappa-10", "heavy-ball.rate-kappa-100",
        "heavy-ball.rate-kappa-10000", "heavy-ball.iterations-sqrt-kappa", "heavy-ball.iterations-vs-gd", "heavy-ball.not-exp-sqrt-kappa-t",
    }
    assert CLAIMS["heavy-ball.not-exp-sqrt-kappa-t"].refutes


@pytest.mark.parametrize("cid", sorted(CLAIMS))
def test_claim_passes(cid):
    assert_claim(cid)  # derivation checks, simulation within tolerance, published value agrees


def test_refutation_contradicts_the_popular_statement():
    c = CLAIMS["heavy-ball.not-exp-sqrt-kappa-t"].run().numeric
    # e^{-sqrt(kappa) T} would mean -sqrt(kappa) ln(rho) = kappa = 100; the simulation gives ~2
    assert abs(c.computed - 100) > 90
    assert c.computed == pytest.approx(2.0, rel=0.01)
