"""ratecheck.testing: fit_rate, and assertions that compare gaps and fail on divergence (issue 10, points 1-4, 9).

Expected values are independent of the code under test: closed-form sequences (C rho^t, C t rho^t), the
closed-form rate of GD max|1 - eta*lambda|, and the derived rates of theory/.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import ratecheck
from ratecheck.numerics.framework_names import canonical_params
from ratecheck.numerics.validation import ParameterError
from ratecheck.testing import (assert_converges, assert_rate_agrees, assert_trajectory_rate, fit_rate,
                               theory_rate)


def test_ratecheck_testing_is_the_proofs_module():
    import ratecheck.proofs.testing as pt
    import ratecheck.testing as rt

    assert rt.assert_rate_agrees is pt.assert_rate_agrees and ratecheck.testing.fit_rate is pt.fit_rate
    assert ratecheck.fit_rate is pt.fit_rate


# ----------------------------------------------------------------------------- fit_rate
def test_fit_rate_geometric_sequence():
    t = np.arange(301)
    est = fit_rate(3.0 * 0.9**t)
    assert est.model == "geometric" and est.verdict == "converges"
    assert abs(est.rate - 0.9) <= 1e-12 and est.uncertainty <= 1e-12
    assert est.window == (150, 300) and math.isclose(est.e_foldings, 300 * -math.log(0.9))


def test_fit_rate_double_root_sequence():
    """(1 + t) rho^t: a naive log-linear fit over [T/2, T] is biased by (T/(T-m))^(1/m); the model is not."""
    t = np.arange(401)
    err = (1.0 + t) * 0.8**t
    est = fit_rate(err)
    assert est.model == "double-root"
    assert abs(est.gap - 0.2) / 0.2 <= 1e-4
    naive = math.exp(np.polyfit(t[200:], np.log(err[200:]), 1)[0])
    assert abs((1 - naive) - 0.2) / 0.2 > 5e-3  # the bias the model removes


def test_fit_rate_short_or_stalled_run_is_undetermined():
    """The issue's GD case: rate 0.99998 over a few thousand steps covers < 1 e-folding."""
    t = np.arange(5001)
    est = fit_rate(0.99998**t)
    assert est.verdict == "undetermined" and est.e_foldings < 1


def test_fit_rate_divergent_with_overflowed_tail():
    err = np.concatenate([1.5 ** np.arange(120), [np.inf, np.nan]])
    est = fit_rate(err)
    assert est.truncated and est.verdict == "diverges" and abs(est.rate - 1.5) < 1e-9


@pytest.mark.parametrize("method,form", [("heavy-ball", "polyak"), ("nesterov", "lessard")])
@pytest.mark.parametrize("e_foldings", [20, 40])
def test_fit_uncertainty_covers_the_gap_error_on_discrete_spectra(method, form, e_foldings):
    """Tuned momentum on three eigenvalues (double roots at both ends): measured gap error / uncertainty 0.26-0.39."""
    from ratecheck import numerics
    from ratecheck.numerics.backends import simulate_diagonal
    from ratecheck.numerics.problems import isotropic_initial_error
    from ratecheck.numerics.spectra import explicit
    from ratecheck.proofs.methods import theory_rate, tuned

    lam = explicit([1.0, 3.0, 100.0])
    m = numerics.form(method, form)
    p = tuned(m, "optimal", 1.0, 100.0)
    rho = theory_rate(m, p, 1.0, 100.0)
    traj = simulate_diagonal(numerics.rule(method, p, form), lam, isotropic_initial_error(3, 0),
                             math.ceil(e_foldings / (1 - rho)), backend="numpy")
    est = fit_rate(traj)
    assert est.model == "double-root"
    assert abs(est.gap - (1 - rho)) <= est.uncertainty < 0.03 * (1 - rho)


@pytest.mark.parametrize("bad", [[1.0, 0.5], [[1.0, 0.5, 0.2]], [1.0, -0.5, 0.2], [0.0, 0.0, 0.0], "abc"])
def test_fit_rate_rejects_bad_input(bad):
    with pytest.raises(ParameterError, match="errors"):
        fit_rate(bad)


# ----------------------------------------------------------------------------- divergence fails (point 1)
def test_divergent_heavy_ball_fails_unless_expected():
    """Issue point 1: velocity heavy ball eta = 1, beta = 0.9 diverges; it used to 'agree'."""
    lam = [0.5, 1.0, 4.0]
    rho = theory_rate("heavy-ball", eigenvalues=lam, form="velocity", params={"eta": 1.0, "beta": 0.9})
    assert rho > 1
    with pytest.raises(AssertionError, match="diverges"):
        assert_rate_agrees("heavy-ball", eigenvalues=lam, form="velocity", params={"eta": 1.0, "beta": 0.9})
    est = assert_rate_agrees("heavy-ball", eigenvalues=lam, form="velocity", params={"eta": 1.0, "beta": 0.9},
                             expect="diverges", rtol_gap=1e-6)
    assert est.verdict == "diverges"
    with pytest.raises(AssertionError, match="expected divergence"):
        assert_rate_agrees("gd", eigenvalues=lam, params={"eta": 0.1}, expect="diverges")


def test_issue_case_breast_cancer_diverges():
    """The issue's Hessian (breast-cancer data, standardised, with intercept): growth, not agreement."""
    sk = pytest.importorskip("sklearn.datasets")
    from sklearn.preprocessing import StandardScaler

    from ratecheck.numerics.data import hessian_eigenvalues

    lam = hessian_eigenvalues(StandardScaler().fit_transform(sk.load_breast_cancer().data), intercept=True)
    with pytest.raises(AssertionError, match="diverges"):
        assert_rate_agrees("heavy-ball", eigenvalues=lam, form="velocity", params={"eta": 1.0, "beta": 0.9})


# ----------------------------------------------------------------------------- gaps, not rho (points 3, 4)
def test_near_one_rate_is_judged_on_the_gap():
    """GD eta = 0.1434 on breast-cancer-like [mu, L]: rho = 0.99998; 20000 steps cannot decide."""
    lam = np.array([1.330e-4, 0.05, 1.0, 13.28])
    eta = 0.1434121364
    rho = max(abs(1 - eta * lam[0]), abs(1 - eta * lam[-1]))  # closed form of GD's rate
    assert math.isclose(theory_rate("gd", eigenvalues=lam, params={"eta": eta}), rho, rel_tol=1e-12)
    with pytest.raises(AssertionError, match="undetermined"):
        assert_rate_agrees("gd", eigenvalues=lam, params={"eta": eta}, steps=20_000)
    est = assert_rate_agrees("gd", eigenvalues=lam, params={"eta": eta}, steps=math.ceil(21 / (1 - rho)),
                             rtol_gap=1e-6)
    assert abs(est.gap - (1 - rho)) <= 1e-6 * (1 - rho)


def test_gap_tolerance_is_stricter_than_rho_tolerance():
    """A trajectory 5 % off on the gap of rho = 0.999 is 5e-5 off on rho: rtol_gap catches it."""
    lam = [1e-3, 1.0]
    rho = theory_rate("gd", eigenvalues=lam, params={"eta": 1.0})
    t = np.arange(100_001)
    wrong = (1 - 1.05 * (1 - rho)) ** t
    assert abs(wrong[-1] ** (1 / t[-1]) - rho) / rho < 1e-4
    with pytest.raises(AssertionError, match="relative error 0.05"):
        assert_trajectory_rate(wrong, method="gd", eigenvalues=lam, params={"eta": 1.0}, rtol_gap=0.01)
    assert_trajectory_rate((rho**t), method="gd", eigenvalues=lam, params={"eta": 1.0}, rtol_gap=1e-9)


def test_two_close_modes_are_undetermined_not_wrong():
    """0.99^t + 3*0.989^t over 4000 steps: the fit is 2 % off on the gap, within its own uncertainty (2.5 %)."""
    t = np.arange(4001)
    err = 0.99**t + 3 * 0.989**t
    with pytest.raises(AssertionError, match="undetermined at this tolerance"):
        assert_trajectory_rate(err, method="gd", eigenvalues=[0.01, 1.0], params={"eta": 1.0}, rtol_gap=1e-3)
    assert_trajectory_rate(err, method="gd", eigenvalues=[0.01, 1.0], params={"eta": 1.0}, rtol_gap=0.05)


def test_tuned_heavy_ball_agrees_on_dense_spectrum():
    est = assert_rate_agrees("heavy-ball", mu=1, L=100, tuning="optimal", dim=20_000)
    assert est.e_foldings >= 200


def test_rtol_is_a_deprecated_alias():
    with pytest.warns(DeprecationWarning, match="rtol_gap"):
        assert_rate_agrees("gd", eigenvalues=[1.0, 10.0], params={"eta": 0.1}, rtol=1e-6)


def test_expect_must_be_known():
    with pytest.raises(ParameterError, match="expect"):
        assert_rate_agrees("gd", eigenvalues=[1.0, 10.0], params={"eta": 0.1}, expect="agrees")


# ----------------------------------------------------------------------------- assert_converges, max_rate
def test_assert_converges_and_max_rate():
    rho = 1 - 2 / 11  # GD optimal on [1, 10]: (kappa - 1)/(kappa + 1)
    est = assert_converges(method="gd", eigenvalues=[1.0, 10.0], tuning="optimal", max_rate=rho + 1e-9)
    assert abs(est.rate - rho) < 1e-12
    with pytest.raises(AssertionError, match="max_rate"):
        assert_converges(method="gd", eigenvalues=[1.0, 10.0], tuning="optimal", max_rate=0.8)
    with pytest.raises(AssertionError, match="diverge"):
        assert_converges(method="gd", eigenvalues=[1.0, 10.0], params={"eta": 0.25})
    with pytest.raises(AssertionError, match="diverges"):
        assert_converges(1.2 ** np.arange(200))
    with pytest.raises(AssertionError, match="undetermined"):
        assert_converges(0.99998 ** np.arange(2000))


# ----------------------------------------------------------------------------- framework names (point 9)
def test_framework_names_map_to_the_form():
    assert canonical_params("heavy-ball", "velocity", {"lr": 0.1, "momentum": 0.9}) == {"eta": 0.1, "beta": 0.9}
    assert canonical_params("heavy-ball", "polyak", {"learning_rate": 0.1, "momentum": 0.9}) == {"alpha": 0.1, "beta": 0.9}
    assert canonical_params("heavy-ball", "sutskever", {"lr": 0.1, "momentum": 0.9}) == {"eta": 0.1, "gamma": 0.9}
    assert canonical_params("gd", None, {"lr": 0.1, "momentum": 0, "dampening": 0}) == {"eta": 0.1}
    a = theory_rate("nesterov", form="pytorch", eigenvalues=[1, 50], params={"lr": 0.02, "momentum": 0.8, "nesterov": True})
    b = theory_rate("nesterov", form="pytorch", eigenvalues=[1, 50], params={"eta": 0.02, "beta": 0.8})
    assert a == b
    r = ratecheck.measure_rate("heavy-ball", eigenvalues=[1, 50], form="velocity", params={"lr": 0.02, "momentum": 0.5})
    assert r["params"] == {"eta": 0.02, "beta": 0.5}


@pytest.mark.parametrize("params,hint", [
    ({"lr": 0.1, "mom": 0.9}, "did you mean 'momentum'"),
    ({"lr": 0.1, "eta": 0.1, "beta": 0.5}, "already sets eta"),
    ({"lr": 0.1, "momentum": 0.9, "nesterov": True}, "method='nesterov', form='pytorch'"),
    ({"lr": 0.1, "momentum": 0.9, "dampening": 0.9}, "ema"),
    ({"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4}, "adds w to every eigenvalue"),
])
def test_wrong_framework_name_gets_a_hint(params, hint):
    with pytest.raises(ParameterError, match=hint.replace("(", r"\(").replace(")", r"\)")):
        assert_rate_agrees("heavy-ball", eigenvalues=[1, 10], form="velocity", params=params)


def test_gd_with_momentum_names_the_heavy_ball_form():
    with pytest.raises(ParameterError, match="form='velocity'"):
        theory_rate("gd", eigenvalues=[1, 10], params={"lr": 0.1, "momentum": 0.9})


def test_public_module_exports_everything():
    import ratecheck.proofs.testing as pt
    import ratecheck.testing as rt

    assert set(rt.__all__) == set(pt.__all__) and all(getattr(rt, n) is getattr(pt, n) for n in pt.__all__)
