"""Effective learning rate 1/(1 - beta) and Adam's bias correction: claims and property tests."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from ratecheck import numerics
from ratecheck.numerics.conventions import adam_first_moment, constant_gradient_run
from ratecheck.proofs.claims.effective_lr import ema_step_factors, velocity_step_factors
from ratecheck.proofs.registry import claims_for
from ratecheck.proofs.testing import assert_claim
from ratecheck.theory import effective_lr as th
from ratecheck.theory.derivation import CheckStatus


@pytest.mark.parametrize("claim_id", [c.id for c in claims_for("effective-lr")])
def test_claim(claim_id):
    assert_claim(claim_id)


def test_derivations_fully_checked():
    for d in th.effective_lr_derivations():
        d.check()
        assert all(o.status is CheckStatus.PASSED for o in d.outcomes()), d.title


def test_geometric_sum_by_sympy_summation():
    """Independent of the derivation module's helper: SymPy's own sum, at a few numeric beta."""
    k, t = sp.symbols("k t", integer=True, nonnegative=True)
    for b in (sp.Rational(1, 2), sp.Rational(9, 10), sp.Rational(99, 100)):
        s = sp.summation(b**k, (k, 0, t - 1))
        assert sp.simplify(s - (1 - b**t) / (1 - b)) == 0


@settings(max_examples=40, deadline=None)
@given(beta=st.floats(0.0, 0.99), eta=st.floats(1e-4, 1.0))
def test_velocity_transient_matches_closed_form(beta, eta):
    f = velocity_step_factors(eta, beta, 100)
    t = np.arange(1, 101)
    # the closed form from the issue, evaluated by numpy (independent of theory/)
    expected = (1 - beta**t) / (1 - beta)
    np.testing.assert_allclose(f, expected, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(beta=st.floats(0.0, 0.99), alpha=st.floats(1e-4, 1.0))
def test_ema_step_is_alpha_g_times_one_minus_beta_t(beta, alpha):
    f = ema_step_factors(alpha, beta, 100)
    t = np.arange(1, 101)
    np.testing.assert_allclose(f, 1 - beta**t, rtol=1e-12, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(beta1=st.floats(0.0, 0.999), g=st.floats(-10, 10).filter(lambda x: abs(x) > 1e-3))
def test_adam_bias_corrected_moment_is_the_gradient(beta1, g):
    m, mh = adam_first_moment(np.array([g]), beta1, 30)
    np.testing.assert_allclose(mh[:, 0], g, rtol=1e-12)
    np.testing.assert_allclose(m[:, 0], g * (1 - beta1 ** np.arange(1, 31)), rtol=1e-12)


def test_velocity_and_pytorch_style_buffer_init_agree():
    """PyTorch sets the buffer to the first gradient; the zero-initialised form gives beta*0 + g, the same."""
    g = np.array([1.0, -1.0])
    run = constant_gradient_run(numerics.rule("heavy-ball", {"eta": 0.1, "beta": 0.9}, "velocity"), g, 1)
    np.testing.assert_array_equal(run.s[1], g)


def test_total_displacement_formula_by_direct_sum():
    eta, beta, T = 0.05, 0.8, 37
    t = np.arange(1, T + 1)
    direct = -eta * np.sum((1 - beta**t) / (1 - beta))
    closed = float(th.velocity_derivation().results["total_displacement"].subs(
        {th.eta: eta, th.beta: beta, th.T: T, th.g: 1}))
    assert closed == pytest.approx(direct, rel=1e-13)
