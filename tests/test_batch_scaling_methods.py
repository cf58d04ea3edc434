"""Batch-size scaling of linear methods beyond SGD: the learning-rate parameter read off the method value, the exact
first-passage recursion against an independent implementation and against SGD's closed form, the momentum claims
(and that each can fail), and the CLI."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import methods as registry
from ratecheck.numerics import noise as noise_models
from ratecheck.numerics.moment_recursion import first_passage
from ratecheck.numerics.schedules import lr_parameter
from ratecheck.proofs.batch_scaling import best_learning_rate, time_to_target
from ratecheck.proofs.batch_scaling_methods import LinearSearch
from ratecheck.proofs.noisy_quadratic import model
from ratecheck.reports.cli import main
from ratecheck.theory import batch_scaling as tb


# ----------------------------------------------------------------------------- the learning-rate parameter
@pytest.mark.parametrize("f", registry.forms(family="classic") + registry.forms(family="linear"), ids=lambda f: f.key)
def test_learning_rate_parameter_from_the_method_value(f):
    # the name table of the schedules (eta, alpha, lr by preference) is an independent answer for every form whose
    # parameters are consistent; note 003's Nesterov form takes its look-ahead x - beta v without eta, so no parameter
    # has the unit 1/curvature; Chebyshev's coefficients change with t
    if f.key in ("nesterov/seed-003", "chebyshev/semi-iterative"):
        with pytest.raises(tb.NoLearningRate):
            tb.learning_rate_parameter(model(f))
        return
    assert tb.learning_rate_parameter(model(f)) == lr_parameter(f)


@pytest.mark.parametrize("key, expected", [("heavy-ball", "alpha/(1 - beta)"), ("nesterov", "alpha/(1 - beta)"),
                                           ("gd", "eta"), ("heavy-ball/ema", "alpha"),
                                           ("heavy-ball/sutskever", "eta/(1 - gamma)")])
def test_effective_learning_rate(key, expected):
    method, _, name = key.partition("/")
    m = model(registry.form(method, name or None))
    ns = {n: s for n, s in m.params.items()}
    assert sp.simplify(tb.effective_learning_rate(m) - sp.sympify(expected, locals=ns)) == 0


@pytest.mark.parametrize("method", ["heavy-ball", "nesterov"])
def test_small_batch_derivation_checks(method):
    m = model(numerics.form(method))
    d = tb.small_batch_derivation(m, method, 1 - m.params["beta"])
    assert d.status.value == "passed"
    wrong = tb.small_batch_derivation(m, method, 1 + m.params["beta"])  # a wrong published share fails its step
    assert wrong.status.value == "failed"


# ----------------------------------------------------------------------------- the exact recursion
def _lyapunov_first_step(M, b, var, S0, w, target, max_steps):
    """The first t with sum_i w_i (S_t)_00 <= target, S_{t+1} = M S_t M^T + var b b^T run from S0 (the recursion
    itself, with no stationary solution and no power rows), or None."""
    S = S0.copy()
    Q = var[:, None, None] * b[:, :, None] * b[:, None, :]
    for t in range(max_steps + 1):
        if S[:, 0, 0] @ w <= target:
            return t
        S = M @ S @ np.swapaxes(M, 1, 2) + Q
    return None


def test_first_passage_against_the_lyapunov_recursion():
    # heavy ball on five eigenvalues under minibatch noise (B = 1024: floors 1e-4 .. 0.013, initial loss 0.176): the
    # u-row recursion of the search (and of proofs.sweep_noise.steps_to_target) against the second-moment
    # recursion run step by step, at targets every alpha reaches and one (alpha = 2.5, 0.01) below its floor
    from ratecheck.proofs.noisy_quadratic import model_arrays
    from ratecheck.proofs.sweep_noise import steps_to_target

    hb = numerics.form("heavy-ball")
    lam = np.array([0.01, 0.05, 0.2, 0.5, 1.0])
    var = noise_models.minibatch(1024).variance(lam)
    s = LinearSearch(hb, {"beta": 0.8}, lam, 0.2)
    start = np.asarray(model(hb).start, dtype=np.float64)
    S0 = 0.2 * np.broadcast_to(start[:, None] * start[None, :], (lam.size, 2, 2))
    for alpha in (0.05, 0.3, 1.0, 2.5):
        M, b = model_arrays(model(hb), {"alpha": alpha, "beta": 0.8}, lam)
        for target in (0.05, 0.02) + ((0.01,) if alpha == 2.5 else ()):
            ref = _lyapunov_first_step(M, b, var, S0, lam / 2, target, 5_000)
            assert (ref is None) == (target == 0.01), (alpha, target, ref)
            got = s.time_to_target(alpha, var, target)[1]
            assert got == ref, (alpha, target)
            assert steps_to_target(hb, {"alpha": alpha, "beta": 0.8}, lam, 0.2, var, target, 5_000) == ref


def test_first_passage_interpolates_between_steps():
    M = np.array([[[0.5]]])
    steps, t = first_passage(M, np.array([[[1.0]]]), 0.0, [1.0], 0.5 ** 3, 100)  # loss 0.25^t
    assert steps == 2 and t == pytest.approx(1.5)
    assert first_passage(M, np.array([[[1.0]]]), 0.0, [1.0], 1e-9, 5) == (None, math.inf)
    assert first_passage(np.array([[[1.5]]]), np.array([[[1.0]]]), 0.0, [1.0], 1e-9, 10_000) == (None, math.inf)


def test_gd_through_the_recursion_is_the_closed_form():
    lam = numerics.spectra.parse("power-law:L=1,exponent=1").eigenvalues(60, seed=1)
    e0 = 1 / lam.size
    target = 0.3 * float((lam / 2 * e0).sum())
    noise = noise_models.minibatch(None, 1.0)
    s = LinearSearch(numerics.form("gd"), {}, lam, e0)
    checked = set()
    for B in (1.0, 32.0):
        var = noise.with_batch(B).variance(lam)
        for eta in (0.001, 0.004, 0.2, 1.5):
            closed = time_to_target(lam, e0, var, eta, target)
            got, steps = s.time_to_target(eta, var, target)
            if math.isinf(closed):  # above the noise floor: never, both ways
                assert steps is None and math.isinf(got)
                continue
            assert steps == math.ceil(closed - 1e-9)
            assert got == pytest.approx(closed, abs=0.5)
            checked.add(B)
        eta_c, _ = best_learning_rate(lam, e0, var, target)
        eta_r, _, _ = s.best(var, target, s.theta_max())
        assert eta_r == pytest.approx(eta_c, rel=1e-3)
    assert checked == {1.0, 32.0}


def test_search_agrees_with_a_dense_grid():
    # the scan + Brent search finds the dense grid's minimum (oscillating loss at a large batch included)
    hb = numerics.form("heavy-ball")
    lam = numerics.spectra.parse("power-law:L=1,exponent=1").eigenvalues(40, seed=1)
    e0 = 1 / lam.size
    target = 0.25 * float((lam / 2 * e0).sum())
    s = LinearSearch(hb, {"beta": 0.9}, lam, e0)
    top = s.theta_max()
    for B in (4.0, 4096.0):
        var = noise_models.minibatch(B).variance(lam)
        _, t, _ = s.best(var, target, top)
        grid = min(s.time_to_target(x, var, target)[0] for x in np.geomspace(top * 1e-4, top, 800))
        assert t <= grid * (1 + 1e-9)


# ----------------------------------------------------------------------------- the claims, and that each can fail
def test_momentum_claims_pass_and_can_fail():
    from ratecheck.proofs.claims import batch_scaling_momentum as c
    from ratecheck.proofs.registry import claims_for

    ids = {x.id for x in claims_for("noisy-quadratic")}
    assert {"noisy-quadratic.momentum-batch-scaling", "noisy-quadratic.momentum-effective-learning-rate",
            "noisy-quadratic.momentum-critical-batch", "noisy-quadratic.nesterov-effective-learning-rate"} <= ids
    for claim in c.CLAIMS:
        assert claim.run().passed, claim.id
    hb, sgd = c.momentum_run(), c._sgd_run()
    # the effective-learning-rate relation with a wrong momentum (1 - 0.8 instead of 1 - 0.9) fails by far
    assert not c.effective_lr_comparison(hb, sgd, 0.8).passed
    # the square-root rule's exponent fails the exponent comparison
    f = hb["fits"]
    assert abs(f["eta_exponent_small_batch"] - 0.5) > 0.02
    # too much momentum for this target: beta = 0.99 needs more noise-free steps, and the critical batch falls below SGD's
    heavy = c.momentum_run(0.99)
    bad = c.critical_batch_comparison(heavy, sgd)
    assert not bad.passed and bad.computed < 0.5


# ----------------------------------------------------------------------------- CLI
BASE = ["batch-scaling", "--spectrum", "power-law:L=1,exponent=1", "--dim", "50", "--noise", "minibatch:scale=1",
        "--target-loss", "0.01", "--batches", "1:64"]


def test_cli_heavy_ball_json(capsys):
    assert main(BASE + ["--method", "heavy-ball", "--params", "beta=0.9", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["method"] == "heavy-ball" and r["form"] == "polyak" and r["learning_rate"] == "alpha"
    assert r["params"] == {"beta": 0.9} and r["tuned"] is None
    assert [p["batch"] for p in r["points"]] == [1, 2, 4, 8, 16, 32, 64]
    assert all(set(p) == {"batch", "best_eta", "steps"} for p in r["points"])
    assert {"eta_exponent_small_batch", "critical_batch"} <= set(r["fits"])
    assert r["fits"]["eta_exponent_small_batch"] == pytest.approx(1.0, abs=0.02)


def test_cli_nesterov_table_and_tune(capsys):
    assert main(BASE + ["--method", "nesterov", "--params", "beta=0.5", "--batches", "1,16"]) == 0
    out = capsys.readouterr().out
    assert "learning rate alpha searched" in out and "best alpha" in out and "critical batch size" in out
    assert main(BASE + ["--method", "heavy-ball", "--form", "velocity", "--tune", "beta", "--batches", "1,64",
                        "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["learning_rate"] == "eta" and r["tuned"] == "beta"
    assert all(set(p) == {"batch", "best_eta", "steps", "beta"} for p in r["points"])


def test_cli_plot(tmp_path, capsys):
    out = tmp_path / "hb.svg"
    assert main(BASE + ["--method", "heavy-ball", "--params", "beta=0.5", "--batches", "1,8", "--plot", str(out)]) == 0
    assert out.read_bytes().lstrip().startswith(b"<?xml")


@pytest.mark.parametrize("argv, needle", [
    (["--method", "adam"], "adam is not linear"),
    (["--method", "foo"], "got 'foo'"),
    (["--method", "chebyshev"], "chebyshev is time-varying"),
    (["--method", "heavy-ball"], "--params: beta must be given"),
    (["--method", "heavy-ball", "--params", "alpha=0.1,beta=0.9"], "leave out alpha"),
    (["--method", "heavy-ball", "--params", "gamma=0.5"], "not gamma"),
    (["--method", "heavy-ball", "--params", "beta=1.5"], "beta must be a number in [0, 1)"),
    (["--method", "heavy-ball", "--tune", "alpha"], "--tune"),
    (["--method", "nesterov", "--form", "seed-003", "--params", "beta=0.5"], "no learning-rate parameter"),
    (["--method", "gd", "--params", "eta=0.1"], "leave out eta"),
])
def test_cli_usage_errors(argv, needle, capsys):
    assert main(BASE + argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err, err
    if argv[1] in ("adam", "foo", "chebyshev"):
        assert "gd, heavy-ball, nesterov, triple-momentum" in err


def test_cli_error_leaves_no_plot(tmp_path, capsys):
    out = tmp_path / "hb.svg"
    assert main(BASE + ["--method", "heavy-ball", "--plot", str(out)]) == 2  # beta missing
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_claims_search_agrees_with_a_dense_grid_at_every_batch():
    # the claims' problem (d = 200): at every batch size no point of a 400-point grid needs fewer steps than the search
    from ratecheck.proofs.claims import batch_scaling_momentum as c

    lam, e0, target, noise, batches = c._problem()
    r = c.momentum_run()
    s = LinearSearch(numerics.form("heavy-ball"), {"beta": 0.9}, lam, e0)
    top = s.theta_max()
    for p in r["points"]:
        var = noise.with_batch(p["batch"]).variance(lam)
        cap = p["steps"] - 1  # a grid point that reaches the target within this many steps would beat the search
        better = [x for x in np.geomspace(top * 1e-5, top, 400) if s.time_to_target(x, var, target, cap)[1] is not None]
        assert not better, (p, better[:3])
