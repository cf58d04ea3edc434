"""The noisy quadratic model: noise specs, the Monte Carlo seam, the exact moment recursions and the claims of
topic 'noisy-quadratic'."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import noise
from ratecheck.numerics.averaging import Average, averaged_output
from ratecheck.numerics.linear_family import lookahead
from ratecheck.numerics.noisy import NoisyMoments, group_labels, noisy_moments
from ratecheck.numerics.random import standard_normals
from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs import noisy_quadratic as pnq
from ratecheck.proofs.registry import claims_for
from ratecheck.theory import noisy_quadratic as nq
from ratecheck.theory.linear_engine import LAMBDA, NotLinear


# ----------------------------------------------------------------------------- noise models
def test_noise_specs_parse():
    a = noise.parse("additive:sigma=0.5")
    assert a.kind == "additive" and a.sigma == 0.5
    assert np.all(a.std([1.0, 2.0]) == 0.5)
    m = noise.parse("minibatch:batch=4,scale=2")
    assert m.batch == 4 and m.scale == 2
    np.testing.assert_allclose(m.std([1.0, 8.0]), np.sqrt(2 * np.array([1.0, 8.0]) / 4), rtol=0, atol=0)
    assert noise.parse("minibatch:scale=1", require_batch=False).with_batch(16).batch == 16
    given = noise.minibatch(2, covariance=[4.0, 0.0])
    np.testing.assert_array_equal(given.std([1.0, 3.0]), [math.sqrt(2.0), 0.0])


@pytest.mark.parametrize("spec, fragment", [
    ("gaussian:sigma=1", "additive, minibatch"),
    ("additive", "additive:sigma=S"),
    ("additive:", "sigma"),
    ("additive:sigma=x", "a number for sigma"),
    ("additive:sigma=-1", "sigma"),
    ("additive:sigma=1,sigma=2", "duplicate"),
    ("additive:batch=2", "keys among sigma"),
    ("minibatch:scale=1", "batch=B"),
    ("minibatch:batch=0.5", "batch"),
    ("minibatch:batch=4,scale=0", "scale"),
])
def test_bad_noise_specs_name_the_flag(spec, fragment):
    with pytest.raises(ParameterError) as e:
        noise.parse(spec)
    assert e.value.name == "noise" and fragment in str(e.value)


def test_minibatch_without_batch_has_no_std():
    with pytest.raises(ParameterError):
        noise.parse("minibatch:scale=1", require_batch=False).std([1.0])


# ----------------------------------------------------------------------------- the Monte Carlo seam
@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_one_step_is_the_stochastic_gradient_step(backend):
    # independent of the method value: e1 = (1 - eta lam) e0 - eta s xi, xi = xi(seed, t = 1, i) of numerics.random
    # (its stream is checked against Random123's known answers in tests/test_random.py), both backends
    lam = np.array([0.5, 1.0, 2.0, 2.0])
    e0 = np.array([1.0, -2.0, 0.5, 3.0])
    s = np.array([0.1, 0.2, 0.3, 0.4])
    eta = 0.3
    r = noisy_moments(numerics.form("gd"), {"eta": eta}, lam, e0, s, 1, 7, [0, 1], np.array([0, 1, 2, 2]),
                      backend=backend)
    xi = standard_normals(7, 1, 4)
    e1 = (1 - eta * lam) * e0 - eta * s * xi
    np.testing.assert_allclose(r.sum_e2[1], [e1[0] ** 2, e1[1] ** 2, e1[2] ** 2 + e1[3] ** 2], rtol=1e-15)
    np.testing.assert_allclose(r.sum_e4[1], [e1[0] ** 4, e1[1] ** 4, e1[2] ** 4 + e1[3] ** 4], rtol=1e-15)
    np.testing.assert_array_equal(r.count, [1, 1, 2])


def test_without_noise_the_seam_is_the_deterministic_simulation():
    lam = np.array([0.1, 1.0, 3.0])
    e0 = np.array([1.0, -1.0, 0.5])
    hb = numerics.form("heavy-ball")
    p = {"alpha": 0.3, "beta": 0.5}
    r = noisy_moments(hb, p, lam, e0, 0.0, 30, 0, [30], np.arange(3))
    traj = numerics.simulate(numerics.rule_of(hb, p), numerics.DiagonalQuadratic(lam), e0, 30)
    assert 0.5 * float(r.sum_e2[0] @ lam) == pytest.approx(traj.loss[-1], rel=1e-13)


def test_seam_is_reproducible_and_seeded():
    args = (numerics.form("gd"), {"eta": 0.1}, np.ones(50), np.zeros(50), 1.0, 20)
    a = noisy_moments(*args, 3, [20], np.zeros(50, dtype=int))
    b = noisy_moments(*args, 3, [20], np.zeros(50, dtype=int))
    c = noisy_moments(*args, 4, [20], np.zeros(50, dtype=int))
    assert a.sum_e2[0, 0] == b.sum_e2[0, 0] != c.sum_e2[0, 0]


def test_stderr_needs_two_members_and_divergence_is_a_result():
    r = noisy_moments(numerics.form("gd"), {"eta": 3.0}, [1.0, 1.0], [1.0, 1.0], 1.0, 2000, 0, [1, 2000], np.zeros(2, dtype=int))
    assert np.isfinite(r.sum_e2[0, 0]) and r.sum_e2[1, 0] == np.inf  # eta lambda = 3: diverges, no warning
    one = NoisyMoments(np.array([1]), np.array([1]), np.array([[1.0]]), np.array([[1.0]]))
    with pytest.raises(ParameterError, match="at least 2"):
        one.stderr_e2()


@pytest.mark.parametrize("kw, name", [
    ({"record_steps": [5, 3]}, "record_steps"), ({"record_steps": [11]}, "record_steps"),
    ({"groups": np.array([0, 2])}, "groups"), ({"e0": [np.nan, 0.0]}, "e0"), ({"noise_std": -1.0}, "noise_std"),
    ({"seed": -1}, "seed"), ({"params": {"eta": -1}}, "eta"),
])
def test_seam_bad_input(kw, name):
    args = dict(method=numerics.form("gd"), params={"eta": 0.1}, eigenvalues=[1.0, 2.0], e0=[1.0, 1.0], noise_std=1.0,
                steps=10, seed=0, record_steps=[10], groups=np.array([0, 1]))
    args.update(kw)
    with pytest.raises(ParameterError) as e:
        noisy_moments(**args)
    assert e.value.name == name


def test_group_labels():
    d, lab = group_labels([2.0, 1.0, 2.0])
    assert d.tolist() == [1.0, 2.0] and lab.tolist() == [1, 0, 1]


# ----------------------------------------------------------------------------- theory
def test_noisy_model_reads_matrix_and_noise_input():
    m = nq.noisy_model(numerics.form("gd"))
    eta = m.params["eta"]
    assert sp.expand(m.matrix[0, 0] - (1 - eta * LAMBDA)) == 0 and m.input[0, 0] == -eta
    hb = nq.noisy_model(numerics.form("heavy-ball"))
    assert hb.derivation.status.value == "passed" and hb.start == (1, 1)
    with pytest.raises(NotLinear):
        nq.noisy_model(numerics.form("adam"))


def test_float_path_equals_high_precision_path():
    hb = numerics.form("heavy-ball")
    lam = np.array([0.05, 0.7, 3.0])
    a = pnq.exact_second_moment(hb, {"alpha": 0.2, "beta": 0.6}, lam, 1.0, 0.3, [0, 5, 50, 200], high_precision=True)
    b = pnq.exact_second_moment(hb, {"alpha": 0.2, "beta": 0.6}, lam, 1.0, 0.3, [0, 5, 50, 200])
    np.testing.assert_allclose(b["total"], a["total"], rtol=1e-12)
    np.testing.assert_allclose(a["total"], a["bias"] + a["variance"], rtol=1e-15)


def test_second_moment_curve_matches_the_closed_forms():
    # SGD: E e_t^2 = q^{2t} e0^2 + eta^2 s^2 (1 - q^{2t})/(1 - q^2)
    m = nq.noisy_model(numerics.form("gd"))
    with mpmath.workdps(30):
        eta, lam, s2 = mpmath.mpf("0.3"), mpmath.mpf(2), mpmath.mpf("0.5")
        c = nq.second_moment_curve(m, {"eta": eta}, lam, mpmath.mpf(4), s2, [7])
        q = 1 - eta * lam
        assert abs(c["total"][0] - (q ** 14 * 4 + eta ** 2 * s2 * (1 - q ** 14) / (1 - q ** 2))) < mpmath.mpf("1e-28")
    # Polyak-Ruppert: the time-varying recursion of the averaged method value gives the closed form
    pr = nq.noisy_model(averaged_output(numerics.form("gd"), Average("polyak")))
    with mpmath.workdps(30):
        c = nq.second_moment_curve(pr, {"eta": mpmath.mpf("0.2")}, mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(1), [13])
        # the weights 1/t are the method's own float64 scalars: agreement to float64 resolution
        assert abs(c["total"][0] / nq.polyak_ruppert_variance(mpmath.mpf("0.8"), 1, 1, 13) - 1) < 1e-15


def test_stationary_numeric_and_instability():
    gd = numerics.form("gd")
    assert pnq.stationary_second_moment(gd, {"eta": 0.5}, 1.0, 2.0) == pytest.approx(0.5 * 2 / 1.5, rel=1e-15)
    assert pnq.stationary_second_moment(gd, {"eta": 2.5}, 1.0, 1.0) is None
    assert pnq.stationary_second_moment(numerics.form("chebyshev"), {"mu": 1, "L": 2}, 1.0, 1.0) is None
    q, beta = 0.8, 0.5
    e = averaged_output(gd, Average("ema", alpha=beta, start="x0"))
    assert pnq.scalars_constant(e, {"eta": 0.2}, 50)
    assert pnq.stationary_second_moment(e, {"eta": 0.2}, 1.0, 1.0) is None  # per-step scalars: no period stated
    assert pnq.stationary_second_moment(e, {"eta": 0.2}, 1.0, 1.0, period=1) == pytest.approx(
        nq.ema_ratio(beta, q) * nq.sgd_variance(0.2, 1.0, 1.0), rel=1e-14)
    # torch's start (the first call copies x_1: weight 1 at t = 1) is not constant; nor is Polyak's 1/t
    assert not pnq.scalars_constant(averaged_output(gd, Average("ema", alpha=beta)), {"eta": 0.2}, 5)
    assert not pnq.scalars_constant(averaged_output(gd, Average("polyak")), {"eta": 0.2}, 5)


@pytest.mark.parametrize("name", ["sgd_derivation", "heavy_ball_derivation", "nesterov_derivation",
                                  "polyak_ruppert_derivation", "ema_derivation", "lookahead_derivation"])
def test_derivations_check(name):
    from ratecheck.proofs.claims import noisy_quadratic as c

    d = getattr(c, name)()
    assert d.status.value in ("passed", "assumed")
    assert all(o.status.value != "failed" for o in d.outcomes())


# ----------------------------------------------------------------------------- claims, and that they can fail
@pytest.mark.parametrize("claim", claims_for("noisy-quadratic"), ids=lambda c: c.id)
def test_claims_pass(claim):
    o = claim.run()
    assert o.passed, o.to_dict()


def test_tolerance_rejects_a_wrong_theory():
    from ratecheck.proofs.claims import noisy_quadratic as c

    r = c.curve_run()
    off = np.abs(r["loss"] - 1.02 * r["loss_predicted"]) / np.where(r["loss_stderr"] > 0, r["loss_stderr"], np.inf)
    assert off.max() > pnq.Z_TOLERANCE  # a 2 % error in the exact curve fails the 5-se test
    # the white-noise EMA ratio (1 - beta)/(1 + beta) is rejected by the run that confirms the correlated one
    ema = averaged_output(numerics.form("gd"), Average("ema", alpha=0.9, start="x0"))
    run = pnq.noisy_run(ema, {"eta": 0.1}, [1.0], noise.additive(1), steps=250,
                        record_steps=[250], replicas=20_000, e0=0.0, seed=5)
    white = 0.1 / 1.9 * 0.1 / 1.9 / 2
    assert abs(run["loss"][0] - white) / run["loss_stderr"][0] > 50
    assert run["max_z"] < pnq.Z_TOLERANCE


def test_noisy_run_needs_two_samples_per_eigenvalue():
    with pytest.raises(ParameterError, match="replicas"):
        pnq.noisy_run(numerics.form("gd"), {"eta": 0.1}, [1.0, 2.0], noise.additive(1), steps=5, record_steps=[5])


def test_lookahead_sync_points_variance_below_sgd():
    la = lookahead(numerics.form("gd"), 4)
    v = pnq.stationary_second_moment(la, {"eta": 0.2, "la_alpha": 0.3}, 1.0, 1.0)
    assert v == pytest.approx(nq.lookahead_ratio(0.3, 0.8, 4) * nq.sgd_variance(0.2, 1.0, 1.0), rel=1e-13)
    assert v < nq.sgd_variance(0.2, 1.0, 1.0)


def test_batch_scaling_small_batch_limit_and_saturation():
    from ratecheck.proofs.claims import noisy_quadratic as c

    r = c.batch_scaling_run()
    pts = r["points"]
    etas = [p["best_eta"] for p in pts]
    steps = [p["steps"] for p in pts]
    assert all(a < b for a, b in zip(etas, etas[1:])) and all(a >= b for a, b in zip(steps, steps[1:]))
    assert etas[-1] < r["fits"]["best_eta_noise_free"] * 1.0001  # saturates below the noise-free optimum
    assert steps[0] / steps[1] == pytest.approx(4, rel=0.01)  # perfect scaling at the smallest batches
    assert 1 <= r["fits"]["critical_batch"] / 1000 <= 10


def test_batch_scaling_time_to_target_is_the_closed_form():
    from ratecheck.proofs.batch_scaling import time_to_target

    lam = np.array([0.5])
    t = time_to_target(lam, 1.0, np.array([0.0]), 0.2, 0.25 * 0.25)  # loss (lam/2) q^{2t} = 1/16, q = 0.9
    assert t == pytest.approx(math.log(0.25) / math.log(0.81), rel=1e-8)
    assert time_to_target(lam, 1.0, np.array([1.0]), 0.2, 1e-9) == math.inf  # below the noise floor
    assert time_to_target(lam, 1.0, np.array([0.0]), 4.5, 0.01) == math.inf  # unstable step


def test_time_varying_method_exact_curve_matches_monte_carlo():
    # Chebyshev's time-varying parameters (per-step scalars): the recursion with M_t, b_t against a Monte Carlo run
    from ratecheck.numerics.linear_family import CHEBYSHEV

    r = pnq.noisy_run(CHEBYSHEV, {"mu": 1.0, "L": 10.0}, [1.0, 3.0, 7.0, 10.0], noise.additive(0.05), steps=30,
                      record_steps=range(0, 31, 3), replicas=20_000, e0=1.0, seed=9, high_precision=True)
    assert r["max_z"] < pnq.Z_TOLERANCE
    assert r["loss_predicted"][-1] > 3 * r["loss_bias"][-1]  # the noise floor dominates by the end
