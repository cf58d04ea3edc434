"""The generic linear engine (theory.linear_engine), fed numerics' method values by proofs/."""
from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

from ratecheck import numerics
from ratecheck.examples.qhm import QHM
from ratecheck.numerics import arithmetic as ar
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.protocol import Method, Param, StateArray
from ratecheck.proofs.methods import engine_model, engine_tuning, ranges_of
from ratecheck.theory import linear_engine as le
from ratecheck.theory.derivation import CheckStatus


@pytest.mark.parametrize("m", numerics.forms(family="classic"), ids=lambda m: m.key)
def test_every_builtin_form_is_linear_with_checked_steps(m):
    model = engine_model(m)
    assert model.derivation.status is CheckStatus.PASSED
    assert model.endpoint_proved  # all coefficients affine in lambda
    assert model.matrix.shape == (len(m.state), len(m.state))


def _adam_update(s, g, p, t):
    m = p.b1 * s.m + (1 - p.b1) * g
    v = p.b2 * s.v + (1 - p.b2) * g * g
    return {"x": s.x - p.lr * m / (ar.sqrt(v) + 1e-8), "m": m, "v": v}


ADAM = Method(method="adam", name="adam", params=(Param("lr", 0.0, math.inf), Param("b1", 0, 1, False, True, 0.9),
                                                   Param("b2", 0, 1, False, True, 0.999)),
              state=(StateArray("x", "x"), StateArray("m"), StateArray("v")), update=_adam_update)


def test_nonlinear_method_has_no_iteration_matrix():
    with pytest.raises(le.NotLinear, match="not linear: no iteration matrix"):
        le.linear_model(ADAM)


def _schedule_update(s, g, p, t):
    return {"x": s.x - p.eta_t * g}


SCHEDULE = Method(method="schedule", name="schedule", params=(Param("eta", 0.0, math.inf),),
                  state=(StateArray("x", "x"),), update=_schedule_update,
                  scalars=lambda p, t: {"eta_t": p.eta / t}, scalar_names=("eta_t",))


def test_time_varying_method_is_named_as_such():
    with pytest.raises(le.NotLinear, match="depends on the step t"):
        le.linear_model(SCHEDULE)


ALTERNATING = Method(method="alternating", name="alternating",
                     params=(Param("eta1", 0.0, math.inf), Param("eta2", 0.0, math.inf)),
                     state=(StateArray("x", "x"),), update=_schedule_update,
                     scalars=lambda p, t: {"eta_t": p.eta1 if t % 2 == 1 else p.eta2}, scalar_names=("eta_t",),
                     period=2)


def test_period_two_method_interior_maximum():
    r"""Steps 1 and 1/10 alternate: per period (1 - lambda)(1 - lambda/10), largest inside [1, 10] at lambda = 5.5."""
    model = le.linear_model(ALTERNATING, ranges_of(ALTERNATING))
    lam, e1, e2 = le.LAMBDA, model.params["eta1"], model.params["eta2"]
    assert sp.expand(model.matrix[0, 0] - (1 - e2 * lam) * (1 - e1 * lam)) == 0
    assert not model.endpoint_proved  # the coefficient is quadratic in lambda
    w = le.worst_case(model, {"eta1": 1.0, "eta2": 0.1}, 1.0, 10.0)
    assert w.location == "interior"
    assert abs(w.lam - 5.5) < 1e-9
    assert abs(w.rate - math.sqrt(2.025)) < 1e-14  # |(1 - 5.5)(1 - 0.55)| per two steps, eta2 = 0.1 in float64
    # the simulation of the same value (per-step scalars in the kernel) decays by (1 - lam)(1 - lam/10) per period
    import numpy as np

    lam_arr = np.array([2.0, 5.0])
    tr = simulate_diagonal(numerics.rule_of(ALTERNATING, {"eta1": 0.3, "eta2": 0.1}), lam_arr, np.array([0.0, 1.0]),
                           6, backend="numba")
    per_period = (1 - 0.3 * 5.0) * (1 - 0.1 * 5.0)
    assert tr.error_norm[6] == pytest.approx(abs(per_period) ** 3, rel=1e-12)


def test_quadratic_radius_against_polyroots():
    """Degree <= 2 closed forms agree with mpmath.polyroots on the same polynomial."""
    model = engine_model(numerics.form("heavy-ball"))
    for a, b, lam in ((0.1, 0.5, 3.0), (0.03, 0.9, 1.0), (0.5, 0.2, 10.0)):
        r = le.spectral_radius(model, {"alpha": a, "beta": b}, lam)
        with mpmath.workdps(50):
            am, bm, lm = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(lam)
            roots = mpmath.polyroots([1, -(1 + bm - am * lm), bm], extraprec=100)
            assert abs(r - max(abs(z) for z in roots)) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("method", ["gd", "heavy-ball", "nesterov"])
def test_optimal_tuning_finds_the_derived_one(method):
    from ratecheck.proofs.claims.methods import tuning_errors

    e = tuning_errors(method)
    assert e["rate_error"] <= 1e-9 and e["param_error"] <= 1e-6
    assert e["rate_engine"] >= e["chebyshev"] * (1 - 1e-15)


def test_qhm_optimal_is_the_chebyshev_limit_and_never_below():
    found = engine_tuning(QHM, 1.0, 100.0)
    assert found.chebyshev <= found.rate <= found.chebyshev + 1e-6


def test_chebyshev_guard_fires():
    """A rate below (sqrt kappa - 1)/(sqrt kappa + 1) is a bug: a fake model that claims rate 0 is refused."""
    model = le.linear_model(numerics.form("gd"))
    fake = le.LinearModel(model.key, model.params, model.state, model.matrix, le.Z, 0, le.Z, None, True,
                          model.derivation)
    with pytest.raises(le.EngineError, match="below the Chebyshev limit"):
        le.optimal_tuning(fake, 1.0, 100.0, ranges_of(numerics.form("gd")))


@pytest.mark.parametrize("claim_id", [c.id for c in __import__("ratecheck.proofs.registry", fromlist=["x"]).claims_for("methods")])
def test_methods_claims(claim_id):
    from ratecheck.proofs.testing import assert_claim

    assert_claim(claim_id)


def test_engine_vs_textbook_step_can_fail():
    """The comparison step is a real check: a textbook matrix with a typo fails it."""
    from ratecheck.theory.derivation import Step

    model = engine_model(numerics.form("heavy-ball"))
    a, b = model.params["alpha"], model.params["beta"]
    wrong = sp.Matrix([[1 + b - a * le.LAMBDA, b], [1, 0]])  # sign of -beta lost
    assert Step.identity("typo", model.matrix, wrong, "").verify().status is CheckStatus.FAILED


@pytest.mark.parametrize("m", [*numerics.forms(family="classic"), QHM], ids=lambda m: m.key)
def test_displayed_forms_keep_the_value(m):
    """The report's displays print tidied entries and coefficients: each is the same expression."""
    model = engine_model(m)
    for e in model.matrix:
        assert sp.expand(le.tidy(e) - e) == 0
    for c in sp.Poly(model.char_poly, le.Z).all_coeffs():
        assert sp.expand(le.tidy(c) - c) == 0 and sp.expand(le.tidy(-c) + c) == 0


def test_polynomial_display_reads_like_the_textbook():
    """Heavy ball's p(z) = z^2 - (1 + beta - alpha lambda) z + beta (Polyak 1964), Nesterov's with the factors
    (1 + beta)(1 - alpha lambda) and beta (1 - alpha lambda) (Lessard, Recht & Packard 2016, Sec. 2)."""
    hb = le.polynomial_latex(engine_model(numerics.form("heavy-ball")).char_poly)
    assert hb == r"z^{2} - \left(1 + \beta - \alpha \lambda\right) z + \beta"
    nag = le.polynomial_latex(engine_model(numerics.form("nesterov")).char_poly)
    assert nag == (r"z^{2} - \left(\beta + 1\right) \left(1 - \alpha \lambda\right) z "
                   r"+ \beta \left(1 - \alpha \lambda\right)")
    assert le.polynomial_latex(engine_model(numerics.form("gd")).char_poly) == r"z - \left(1 - \eta \lambda\right)"
