"""The heavy-ball and Nesterov array update rules (numerics/momentum.py): registration, parameter ranges,
pure-arithmetic functions (NumPy arrays, Python floats, numba), agreement with theory's iteration matrices,
metamorphic checks, and the rate estimator on double-root (t rho^t) errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import spectra
from ratecheck.numerics.problems import DenseQuadratic, DiagonalQuadratic, isotropic_initial_error, random_orthogonal
from ratecheck.numerics.rates import fitted_rate
from ratecheck.numerics.validation import ParameterError


def test_forms_are_registered_as_defaults():
    hb, nag = numerics.form("heavy-ball"), numerics.form("nesterov")
    assert (hb.method, hb.name, hb.params, hb.aux_init) == ("heavy-ball", "polyak", ("alpha", "beta"), "copy")
    assert (nag.method, nag.name, nag.params, nag.aux_init) == ("nesterov", "lessard", ("alpha", "beta"), "copy")
    assert hb.source and nag.source and hb.formula and nag.formula


@pytest.mark.parametrize("method", ["heavy-ball", "nesterov"])
@pytest.mark.parametrize("params, bad", [
    ({"alpha": 0.0, "beta": 0.5}, "alpha"),
    ({"alpha": -1.0, "beta": 0.5}, "alpha"),
    ({"alpha": 0.1, "beta": 1.0}, "beta"),
    ({"alpha": 0.1, "beta": -0.01}, "beta"),
    ({"alpha": float("nan"), "beta": 0.5}, "alpha"),
    ({"alpha": 0.1}, "beta"),
])
def test_parameter_ranges(method, params, bad):
    with pytest.raises(ParameterError) as exc:
        numerics.rule(method, params)
    assert exc.value.name == bad


@pytest.mark.parametrize("method", ["heavy-ball", "nesterov"])
def test_beta_zero_is_allowed(method):
    assert numerics.rule(method, {"alpha": 0.1, "beta": 0.0}).params == {"alpha": 0.1, "beta": 0.0}


def test_scalar_arithmetic_hand_computed():
    hb, nag = numerics.form("heavy-ball"), numerics.form("nesterov")
    p = (0.1, 0.5)
    # heavy ball: x+ = 1 - 0.1*2 + 0.5*(1 - 0.5) = 1.05; state becomes x = 1
    assert hb.lookahead(1.0, 0.5, p) == 1.0
    assert hb.update(1.0, 0.5, 2.0, p) == pytest.approx((1.05, 1.0))
    # NAG: y = 1 + 0.5*(1 - 0.5) = 1.25; x+ = 1.25 - 0.1*2 = 1.05
    assert nag.lookahead(1.0, 0.5, p) == 1.25
    assert nag.update(1.0, 0.5, 2.0, p) == pytest.approx((1.05, 1.0))


@pytest.mark.parametrize("method", ["heavy-ball", "nesterov"])
def test_functions_compile_as_scalar_numba_code(method):
    numba = pytest.importorskip("numba")
    f = numerics.form(method)
    look, upd = numba.njit(f.lookahead), numba.njit(f.update)

    @numba.njit
    def step(x, s, lam, a, b):
        y = look(x, s, (a, b))
        return upd(x, s, lam * y, (a, b))

    x, s = 0.7, -0.3
    ref = numerics.rule(method, {"alpha": 0.2, "beta": 0.6}).step(np.array([x]), np.array([s]), lambda y: 3.0 * y)
    got = step(x, s, 3.0, 0.2, 0.6)
    assert got[0] == pytest.approx(float(ref[0][0]), rel=1e-15)
    assert got[1] == pytest.approx(float(ref[1][0]), rel=1e-15)


@pytest.mark.parametrize("method, module_name", [("heavy-ball", "heavy_ball"), ("nesterov", "nesterov")])
def test_one_step_agrees_with_theory_iteration_matrix(method, module_name):
    """theory's M applied to (e_t, e_{t-1}) equals Rule.step on random inputs (x* = 0 so e = x)."""
    import importlib

    theory = importlib.import_module(f"ratecheck.theory.{module_name}")
    M = theory.iteration_matrix()
    a, b, l = theory.SYMBOLS["alpha"], theory.SYMBOLS["beta"], theory.SYMBOLS["lambda"]
    rng = np.random.default_rng(3)
    for _ in range(10):
        alpha, beta = float(rng.uniform(0.01, 1.5)), float(rng.uniform(0, 0.99))
        lam, x, xp = rng.uniform(0.01, 5, 500), rng.standard_normal(500), rng.standard_normal(500)
        m = [[sp.lambdify(l, M[i, j].subs({a: alpha, b: beta}), "numpy") for j in range(2)] for i in range(2)]
        e_next = m[0][0](lam) * x + m[0][1](lam) * xp
        x_new, s_new = numerics.rule(method, {"alpha": alpha, "beta": beta}).step(x, xp, lambda y: lam * y)
        np.testing.assert_allclose(x_new, e_next, rtol=1e-12, atol=1e-13)
        np.testing.assert_array_equal(s_new, x)


@pytest.mark.parametrize("method", ["heavy-ball", "nesterov"])
def test_beta_zero_is_gradient_descent(method):
    lam = spectra.uniform(1.0, 50.0, 1000)
    e0 = isotropic_initial_error(lam.size, 5)
    eta = 1.5 / 50.0
    a = numerics.simulate(numerics.rule(method, {"alpha": eta, "beta": 0.0}), DiagonalQuadratic(lam), e0, 60)
    g = numerics.simulate(numerics.rule("gd", {"eta": eta}), DiagonalQuadratic(lam), e0, 60)
    np.testing.assert_allclose(a.error_norm, g.error_norm, rtol=1e-13)


@pytest.mark.parametrize("method", ["heavy-ball", "nesterov"])
def test_rotation_and_translation_equivariance(method):
    """Dense A = Q diag(lam) Q^T with x* != 0 gives the same error norms as the diagonal problem."""
    d = 40
    lam = spectra.random_uniform(1.0, 30.0, d, seed=2)
    Q = random_orthogonal(d, 4)
    xstar = np.random.default_rng(9).standard_normal(d)
    A = (Q * lam) @ Q.T
    dense = DenseQuadratic(A, A @ xstar)
    e0 = isotropic_initial_error(d, 1)
    rule = numerics.rule(method, {"alpha": 0.05, "beta": 0.7})
    diag = numerics.simulate(rule, DiagonalQuadratic(lam), e0, 80)
    rot = numerics.simulate(rule, dense, xstar + Q @ e0, 80)
    np.testing.assert_allclose(rot.error_norm, diag.error_norm, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("method, alpha", [("heavy-ball", 0.031), ("nesterov", 0.016)])
def test_divergence_is_a_result_without_warnings(method, alpha):
    lam = spectra.uniform(1.0, 100.0, 1000)
    tr = numerics.simulate(numerics.rule(method, {"alpha": alpha, "beta": 0.5}), DiagonalQuadratic(lam),
                           isotropic_initial_error(1000, 0), 5000)
    assert tr.diverged and tr.rate().rate > 1


@pytest.mark.parametrize("rho", [0.5, 0.9, 0.99, 0.9998])
def test_rate_estimator_on_double_root_errors(rho):
    """A double root gives e_t = (c0 + c1 t) rho^t; the fit recovers rho where a plain log-linear fit is biased."""
    T = int(math.ceil(20 / (1 - rho)))
    t = np.arange(T + 1, dtype=float)
    r = (1.0 + 0.7 * t) * rho**t
    fit = fitted_rate(r)
    # within 0.3 % in ln(rho) (the two-step state norm hypot(r_t, r_{t-1}) is not an exact power law in t)
    assert math.log(fit.rate) == pytest.approx(math.log(rho), rel=3e-3)
    # the plain ratio over the same window overestimates rho by about (T/(T-m))^(1/m)
    lo = T // 2
    naive = (r[T] / r[lo]) ** (1 / (T - lo))
    assert naive > rho
    assert abs(naive - rho) > 10 * abs(fit.rate - rho)
