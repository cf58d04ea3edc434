"""theory/gd.py: every GD derivation checks, its results evaluate to the textbook values, and a
deliberately wrong statement is caught."""
from __future__ import annotations

import math

import pytest
import sympy as sp

from ratecheck.theory import gd
from ratecheck.theory.derivation import CheckStatus, Derivation, DerivationError, Step
from ratecheck.theory.evaluate import to_float


@pytest.mark.parametrize("build", [
    gd.quadratic_derivation, gd.error_recurrence_derivation, gd.spectral_radius_derivation,
    gd.convergence_derivation, gd.optimal_step_derivation, gd.iteration_count_derivation,
], ids=lambda f: f.__name__)
def test_derivation_checks(build):
    d = build()
    outcomes = d.check()
    assert outcomes, "a derivation without steps proves nothing"
    assert all(o.status is not CheckStatus.FAILED for o in outcomes)
    assumed = [o.step.label for o in outcomes if o.status is CheckStatus.ASSUMED]
    # only the problem-class hypothesis is taken as given; everything else is checked by SymPy
    assert assumed == (["hypothesis"] if build is gd.quadratic_derivation else [])


def test_gd_derivations_cached_and_ordered():
    ds = gd.gd_derivations()
    assert ds is gd.gd_derivations()
    assert [d.topic for d in ds] == ["gd"] * 6


def test_results_are_sympy_expressions():
    r = gd.gd_results()
    for name in ("rho", "eta_star", "rho_star", "iterations", "iterations_large_kappa", "eta_max", "factor"):
        assert isinstance(r[name], sp.Basic), name


@pytest.mark.parametrize("mu, L", [(1.0, 10.0), (0.5, 3.0), (2.0, 2000.0)])
def test_results_match_textbook_values(mu, L):
    """Independent values: Nesterov (2018) Thm 2.1.15, h = 2/(mu+L), rate (L-mu)/(L+mu)."""
    r = gd.gd_results()
    assert to_float(r["eta_star"], {"mu": mu, "L": L}) == pytest.approx(2 / (mu + L), rel=1e-15)
    assert to_float(r["rho_star"], {"kappa": L / mu}) == pytest.approx((L - mu) / (L + mu), rel=1e-14)
    assert to_float(r["eta_max"], {"L": L}) == pytest.approx(2 / L, rel=1e-15)
    eta_star = 2 / (mu + L)
    assert to_float(r["rho"], {"eta": eta_star, "mu": mu, "L": L}) == pytest.approx((L - mu) / (L + mu), rel=1e-14)
    for eta in (0.3 / L, 1.0 / L, 1.9 / L, 2.5 / L):
        expected = max(abs(1 - eta * mu), abs(1 - eta * L))
        assert to_float(r["rho"], {"eta": eta, "mu": mu, "L": L}) == pytest.approx(expected, rel=1e-14)


def test_iteration_formulas():
    r = gd.gd_results()
    count = r["iterations"].subs({gd.rho_symbol: sp.Rational(9, 10), gd.epsilon: sp.Rational(1, 10)})
    assert int(count) == math.ceil(math.log(0.1) / math.log(0.9)) == 22  # seed note 003's "22 steps per 10x"
    big = to_float(r["iterations_large_kappa"], {"kappa": 1e4, "epsilon": 1e-6})
    assert big == pytest.approx(5e3 * math.log(1e6), rel=1e-14)


def test_stability_class_seed_exercise():
    """f(x, y) = x^2 + 10 y^2: factors 1 - 2 eta and 1 - 20 eta (hand-computed)."""
    assert gd.stability_class(0.01, (2, 20)) == ("converges", sp.Rational(49, 50))
    assert gd.stability_class(0.1, (2, 20)) == ("boundary", 1)
    assert gd.stability_class(0.3, (2, 20)) == ("diverges", 5)
    assert gd.stability_class(0.5, (2, 20)) == ("diverges", 9)


def test_wrong_optimal_step_is_caught():
    """The same min-max condition with a wrong expected step (1/L) must fail its solve check."""
    wrong = Step.solve("min-max", sp.Eq(1 - gd.eta * gd.mu, -(1 - gd.eta * gd.L)), gd.eta, [1 / gd.L], "wrong")
    d = Derivation("gd", "wrong", [wrong])
    with pytest.raises(DerivationError, match="min-max"):
        d.check()


def test_wrong_convergence_interval_is_caught():
    eta = sp.Symbol("eta", real=True)
    wrong = Step.inequality("convergence", sp.Abs(1 - eta * gd.L) < 1, eta, sp.Interval.open(0, 1 / gd.L), "wrong")
    with pytest.raises(DerivationError, match="convergence"):
        Derivation("gd", "wrong", [wrong]).check()


def test_wrong_recurrence_factor_is_caught():
    """e_{t+1} = (I + eta A) e_t (sign error) must fail against the update rule."""
    lam = sp.Symbol("lambda", positive=True)
    z = sp.Symbol("z", real=True)
    wrong = Step.identity("factor", z - gd.eta * lam * z, (1 + gd.eta * lam) * z, "sign error")
    with pytest.raises(DerivationError, match="factor"):
        Derivation("gd", "wrong", [wrong]).check()


def test_wrong_large_kappa_constant_is_caught():
    """The large-kappa count is (kappa/2) ln(1/eps), not kappa ln(1/eps)."""
    rho_star = gd.gd_results()["rho_star"]
    ratio = (sp.log(gd.epsilon) / sp.log(rho_star)) / (gd.kappa * sp.log(1 / gd.epsilon))
    with pytest.raises(DerivationError):
        Derivation("gd", "wrong", [Step.limit("large-kappa", ratio, gd.kappa, sp.oo, 1, "wrong")]).check()
