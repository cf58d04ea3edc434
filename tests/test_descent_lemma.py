"""Descent lemma: claims, property tests on random quadratics and the logistic loss."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from scipy.special import expit

from ratecheck.proofs.claims.descent_lemma import lemma_ratio, logistic_problem, random_quadratic
from ratecheck.proofs.registry import claims_for
from ratecheck.proofs.testing import assert_claim
from ratecheck.theory import descent_lemma as th
from ratecheck.theory.derivation import CheckStatus


@pytest.mark.parametrize("claim_id", [c.id for c in claims_for("descent-lemma")])
def test_claim(claim_id):
    assert_claim(claim_id)


def test_derivations_check_and_hypothesis_is_labelled():
    for d in th.descent_lemma_derivations():
        d.check()
    assumed = [o.step.label for o in th.lemma_derivation().outcomes() if o.status is CheckStatus.ASSUMED]
    assert assumed == ["hypothesis: L-smooth"]
    for d in (th.quadratic_derivation(), th.gd_step_derivation()):
        assert all(o.status is CheckStatus.PASSED for o in d.outcomes())


def test_gd_step_results():
    L = th.L
    res = th.gd_step_derivation().results
    assert sp.simplify(res["best_eta"] - 1 / L) == 0
    assert sp.simplify(res["upper_eta"] - 2 / L) == 0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 100.0))
def test_lemma_on_random_quadratics(seed, scale):
    f = random_quadratic(8, seed)
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(8) * scale, rng.standard_normal(8) * scale
    assert lemma_ratio(f, x, y) <= 1 + 1e-10


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 5.0))
def test_lemma_on_logistic_loss(seed, scale):
    f = logistic_problem()
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(f.X.shape[1]) * scale
    y = x + rng.standard_normal(f.X.shape[1]) * scale
    assert lemma_ratio(f, x, y) <= 1 + 1e-10


def test_logistic_L_is_the_max_hessian_eigenvalue():
    """Hessian X^T D X / n with D = sigma(1 - sigma) <= 1/4, equality at w = 0 (independent Hessian)."""
    f = logistic_problem()
    n = f.X.shape[0]
    rng = np.random.default_rng(0)
    for w in [np.zeros(f.X.shape[1])] + [rng.standard_normal(f.X.shape[1]) for _ in range(5)]:
        s = expit(f.y * (f.X @ w))
        H = f.X.T @ (f.X * (s * (1 - s))[:, None]) / n
        top = np.linalg.eigvalsh(H)[-1]
        assert top <= f.L * (1 + 1e-12)
        if not w.any():
            assert top == pytest.approx(f.L, rel=1e-12)


def test_logistic_gradient_by_finite_differences():
    f = logistic_problem()
    w = np.random.default_rng(1).standard_normal(f.X.shape[1])
    h = 1e-6
    fd = np.array([(f.value(w + h * e) - f.value(w - h * e)) / (2 * h) for e in np.eye(w.size)])
    np.testing.assert_allclose(f.grad(w), fd, rtol=1e-6, atol=1e-9)


def test_tightness_fails_for_a_wrong_L():
    """The claims must fail for L twice too large (max ratio 1/2) and for L too small (ratio > 1)."""
    from dataclasses import dataclass

    from ratecheck.proofs.claims import descent_lemma as dl

    f = random_quadratic(10, 3)
    v = np.linalg.eigh(f.A)[1][:, -1]
    x = np.ones(10)

    @dataclass(frozen=True)
    class Scaled:
        inner: object
        factor: float

        def value(self, z):
            return self.inner.value(z)

        def grad(self, z):
            return self.inner.grad(z)

        @property
        def smoothness(self):
            return self.factor * self.inner.smoothness

    assert lemma_ratio(f, x, x + v) == pytest.approx(1.0, abs=1e-13)
    assert lemma_ratio(Scaled(f, 2.0), x, x + v) == pytest.approx(0.5, abs=1e-13)
    assert lemma_ratio(Scaled(f, 0.9), x, x + v) > 1.1
    assert dl.QUADRATIC_TIGHTNESS_TOLERANCE < 1e-6 and dl.LOGISTIC_TIGHTNESS_TOLERANCE < 1e-3
