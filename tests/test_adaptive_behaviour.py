"""Topic 'adaptive-behaviour': the online projected run (against torch.optim where installed), the quadratic runs,
the behaviour classes, the 'measured' guarantee, the claims and `bench --adaptive`."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ratecheck.numerics import adaptive_behaviour as nb
from ratecheck.numerics.adaptive import ADAM, AMSGRAD, RMSPROP
from ratecheck.numerics.methods import form
from ratecheck.numerics.validation import ParameterError
from ratecheck.proofs.claim import Comparison, Guarantee
from ratecheck.proofs.registry import claims_for


def _reddi(method, steps, C=3.0, lr=0.5):
    problem = nb.ReddiProblem(C)
    return nb.projected_online_run(method, nb.reddi_settings(C), problem.gradient, 1.0, steps,
                                   schedule=nb.inverse_sqrt(lr), lower=-1.0, upper=1.0)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_online_run_matches_torch_optim_with_projection(amsgrad):
    """The same online run written with torch.optim.Adam (betas (0, 1/(1+C^2)), eps 0, lr alpha/sqrt t, clamp)."""
    torch = pytest.importorskip("torch")
    C, lr, T = 3.0, 0.5, 3000
    run = _reddi(AMSGRAD if amsgrad else ADAM, T, C, lr)
    x = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
    opt = torch.optim.Adam([x], lr=lr, betas=(0.0, 1 / (1 + C * C)), eps=0.0, amsgrad=amsgrad)
    ref = [1.0]
    for t in range(1, T + 1):
        opt.param_groups[0]["lr"] = lr / math.sqrt(t)
        x.grad = torch.tensor([C if t % 3 == 1 else -1.0], dtype=torch.float64)
        opt.step()
        with torch.no_grad():
            x.clamp_(-1.0, 1.0)
        ref.append(float(x.detach()))
    ref = np.array(ref)
    assert np.max(np.abs(run.x - ref)) <= 1e-12


def test_online_run_stays_in_the_box_and_adam_returns_to_one():
    run = _reddi(ADAM, 300)
    assert run.x.min() >= -1.0 and run.x.max() <= 1.0
    assert np.all(run.x[:-1][np.arange(1, 301) % 3 == 1] == 1.0)
    ams = _reddi(AMSGRAD, 3000)
    assert ams.x[-1] < -0.99


def test_online_run_bad_inputs():
    problem = nb.ReddiProblem(3.0)
    with pytest.raises(ParameterError, match="lr"):
        nb.projected_online_run(ADAM, dict(nb.reddi_settings(3.0), lr=0.1), problem.gradient, 1.0, 10,
                                schedule=nb.inverse_sqrt(0.5), lower=-1, upper=1)
    with pytest.raises(ParameterError, match="x1"):
        nb.projected_online_run(ADAM, nb.reddi_settings(3.0), problem.gradient, 2.0, 10,
                                schedule=nb.inverse_sqrt(0.5), lower=-1, upper=1)
    with pytest.raises(ParameterError, match="upper"):
        nb.projected_online_run(ADAM, nb.reddi_settings(3.0), problem.gradient, 0.0, 10,
                                schedule=nb.inverse_sqrt(0.5), lower=1, upper=-1)
    with pytest.raises(ParameterError, match="C"):
        nb.ReddiProblem(2.0)
    with pytest.raises(ParameterError, match="beta2"):
        nb.projected_online_run(ADAM, {"beta2": 1.5}, problem.gradient, 0.0, 10,
                                schedule=nb.inverse_sqrt(0.5), lower=-1, upper=1)


def test_regret_terms():
    problem = nb.ReddiProblem(3.0)
    # at x = 1 a period costs 2C - 4; at the best point -1 it costs 0
    assert problem.regret_terms(np.ones(3)).sum() == pytest.approx(2 * 3.0 - 4)
    assert np.all(problem.regret_terms(-np.ones(6)) == 0)


def test_block_diagonal_run_is_the_separate_runs():
    mats = [nb.rotated_hessian(100.0, 5, seed=1), np.diag([1.0, 3.0, 9.0])]
    x0s = [np.linspace(-1, 1, 5), np.array([0.3, -0.2, 0.5])]
    H, cuts = nb.block_diagonal(mats)
    together = nb.run_quadratic(form("adam", "torch"), {}, H, np.concatenate(x0s), 400, blocks=cuts, tail=50)
    for m, x0, r in zip(mats, x0s, together):
        alone = nb.run_quadratic(form("adam", "torch"), {}, m, x0, 400, tail=50)
        assert np.array_equal(alone.error, r.error)
        assert np.array_equal(alone.tail, r.tail)
        assert np.array_equal(alone.sqrt_vhat_min[1:], r.sqrt_vhat_min[1:])


def test_run_quadratic_bad_inputs():
    with pytest.raises(ParameterError, match="H"):
        nb.run_quadratic(ADAM, {}, np.eye(3), np.ones(2), 10)
    with pytest.raises(ParameterError, match="method"):
        nb.run_quadratic(form("adam", "optax"), {"lr": 0.1}, np.eye(2), np.ones(2), 10)
    with pytest.raises(ParameterError, match="weight_decay"):
        nb.run_quadratic(RMSPROP, {"weight_decay": -1}, np.eye(2), np.ones(2), 10)
    with pytest.raises(ParameterError, match="blocks"):
        nb.run_quadratic(ADAM, {}, np.eye(4), np.ones(4), 10, blocks=(slice(0, 1), slice(2, 4)))


def _run(error, tail=None):
    e = np.asarray(error, dtype=float)
    return nb.QuadraticRun(e, np.full(e.size, np.nan), None, np.zeros((0, 1)) if tail is None else tail, {})


def test_classify_by_its_definitions():
    t = np.arange(201)
    lin = nb.classify(_run(0.9**t))
    assert lin.kind == "converges linearly" and lin.rate == pytest.approx(0.9, rel=1e-9)
    burst = 0.9**t
    burst[150:] *= 1e6  # one step multiplies the error by ~9e5 after it fell below 1e-3
    b = nb.classify(_run(burst))
    assert b.kind == "bursts" and b.bursts == 1 and b.first_burst == 150
    tail = np.array([[0.5], [-0.5]] * 50)
    c = nb.classify(_run(np.full(201, 0.5), tail))
    assert c.kind == "limit cycle" and c.period == 2 and c.amplitude == 0.5
    grow = nb.classify(_run(1 + t / 100.0))
    assert grow.kind == "does not converge"
    slow = nb.classify(_run(1 / (1 + t)))
    assert slow.kind == "undetermined"


def test_diabetes_hessian_is_standardised_with_intercept():
    pytest.importorskip("sklearn")
    H = nb.diabetes_hessian()
    assert H.shape == (11, 11) and np.allclose(H, H.T)
    assert np.allclose(np.diag(H), 1.0)  # standardised features and the intercept column of ones
    assert np.allclose(H[-1, :-1], 0.0, atol=1e-12)  # the features have mean 0
    ev = np.linalg.eigvalsh(H)
    assert 400 < ev[-1] / ev[0] < 500


def test_measured_guarantee():
    assert Comparison(("bursts",), ("bursts",), 0.0, Guarantee.MEASURED).passed
    assert not Comparison(("bursts",), ("limit cycle",), 0.0, Guarantee.MEASURED).passed
    assert Comparison(0.51, 0.5, 0.05, Guarantee.MEASURED).passed
    assert not Comparison(0.6, 0.5, 0.05, Guarantee.MEASURED).passed
    assert Comparison(4, 4, 0.0, Guarantee.MEASURED).passed


@pytest.mark.parametrize("claim", claims_for("adaptive-behaviour"), ids=lambda c: c.id)
def test_claims_pass(claim):
    pytest.importorskip("sklearn")
    outcome = claim.run()
    assert outcome.passed, (claim.id, outcome.numeric.to_dict())


def test_measured_claims_are_labelled_measured():
    for c in claims_for("adaptive-behaviour"):
        if c.statement.startswith("Measured") and "derived" not in c.statement:
            assert c.confirm().guarantee is Guarantee.MEASURED, c.id


def test_derivations_check():
    from ratecheck.theory.adaptive_behaviour import behaviour_derivations
    from ratecheck.theory.derivation import CheckStatus

    for d in behaviour_derivations():
        assert d.status is not CheckStatus.FAILED, d.title


def test_bench_adaptive_json(cli):
    r = cli(["bench", "--adaptive", "--dim", "2000", "--steps", "3", "--json", "-"])
    assert r.code == 0, r.stderr
    rec = json.loads(r.stdout)
    methods = {row["method"] for row in rec["rows"]}
    assert methods == {"adam", "adamw", "amsgrad", "rmsprop", "adagrad", "adadelta"}
    for row in rec["rows"]:
        assert {"impl", "dim", "steps", "seconds", "elem_steps_per_s", "ratio_to_fused"} <= set(row)
        assert row["elem_steps_per_s"] > 0
    assert {row["impl"] for row in rec["rows"]} >= {"numpy-ref", "numba-fused"}


def test_bench_adaptive_and_worst_case_are_exclusive(cli):
    r = cli(["bench", "--adaptive", "--worst-case"])
    assert r.code == 2 and "--adaptive" in r.stderr and len(r.stderr.splitlines()) == 1


def test_curvature_of_the_frozen_step_at_step_one():
    r"""At t = 1, v-hat = g^2 and the step is lr/((1 - beta1)(|g| + eps)): lambda_max(P_1 H) by hand on a diagonal H."""
    lam = np.array([1.0, 4.0, 50.0])
    x0 = np.array([0.5, -0.2, 0.1])
    run = nb.run_quadratic(ADAM, {"lr": 0.01}, np.diag(lam), x0, 3, curvature=True)
    g = np.abs(lam * x0)
    expected = np.max(0.01 / ((1 - 0.9) * (g + 1e-8)) * lam)
    assert run.curvature[1] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ParameterError, match="method"):
        nb.run_quadratic(RMSPROP, {}, np.diag(lam), x0, 3, curvature=True)
