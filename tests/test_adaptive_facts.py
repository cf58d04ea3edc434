r"""The exact facts of theory/adaptive_facts.py against the real frameworks (issue 13).

The claims (tests/test_adaptive.py runs them) compare the derivations with our method values; here the
same numbers come from torch.optim and optax themselves, and the vendored diabetes Hessian from
scikit-learn.  Each skips cleanly without its package."""
from __future__ import annotations

import math

import numpy as np
import pytest

from ratecheck.numerics.diabetes import diabetes_hessian
from ratecheck.proofs.claims import adaptive_facts as af
from ratecheck.theory import adaptive_facts as th
from ratecheck.theory.evaluate import to_float

from test_adaptive_conventions import optax_steps, torch_steps


def _theory(dv, name, **values):
    return to_float(dv.results[name], {dv.symbols.get(k, k): v for k, v in values.items()})


def test_torch_rmsprop_first_step_is_ten_times_lr():
    x = torch_steps("RMSprop", [1.0] * 3, x0=0.0, lr=0.01)  # torch's alpha = 0.99, eps = 1e-8
    dv = th.rmsprop_first_step_derivation()
    for t, step in enumerate(np.abs(np.diff(x)), start=1):
        assert math.isclose(step, _theory(dv, "rmsprop_step", eta=0.01, alpha=0.99, epsilon=1e-8, g=1.0, t=t), rel_tol=1e-13)
    assert 9.99 < abs(x[1]) / 0.01 < 10.0


def test_torch_adadelta_first_steps_are_capped_by_eps():
    dv = th.adadelta_first_steps_derivation()
    for g in (1e3, 1.0, 1e-3):
        x = torch_steps("Adadelta", [g, g], x0=0.0)
        assert math.isclose(abs(x[1]), _theory(dv, "adadelta_first_step", eta=1.0, rho=0.9, epsilon=1e-6, g=g), rel_tol=1e-13)
        assert math.isclose(abs(x[2] - x[1]), _theory(dv, "adadelta_second_step", eta=1.0, rho=0.9, epsilon=1e-6, g=g),
                            rel_tol=1e-13)
        assert abs(x[1]) < math.sqrt(1e-6 / 0.1)


def test_adagrad_first_step_torch_against_optax_frameworks():
    lr, g = 0.1, 0.01
    torch_step = abs(torch_steps("Adagrad", [g], x0=0.0, lr=lr)[1])
    optax_step = abs(optax_steps("adagrad", [g], x0=0.0, learning_rate=lr)[1])
    expected = _theory(th.adagrad_first_step_derivation(), "adagrad_first_step_ratio", g=g, epsilon_T=1e-10, epsilon_O=1e-7, S_0=0.1)
    assert math.isclose(optax_step / torch_step, expected, rel_tol=1e-13) and 0.031 < expected < 0.032


def test_diabetes_hessian_is_scikit_learns():
    sklearn = pytest.importorskip("sklearn.datasets")
    from ratecheck.numerics.data import hessian

    X = sklearn.load_diabetes(scaled=False).data
    H = hessian((X - X.mean(axis=0)) / X.std(axis=0), intercept=True)
    np.testing.assert_allclose(diabetes_hessian(), H, rtol=0, atol=1e-14)
    assert np.allclose(diabetes_hessian(), diabetes_hessian().T)


def test_torch_adagrad_limit_rate_on_the_diabetes_hessian():
    """torch.optim.Adagrad itself: its measured rate is the spectral radius predicted from its own accumulator."""
    torch = pytest.importorskip("torch")
    H = diabetes_hessian()
    c = af.ADAGRAD_RATE
    Ht = torch.tensor(H)
    p = torch.tensor(np.linspace(-1.0, 1.0, 11), requires_grad=True)
    opt = torch.optim.Adagrad([p], lr=c["lr"])
    norms = []
    for _ in range(c["steps"]):
        p.grad = Ht @ p.detach()
        opt.step()
        norms.append(float(torch.linalg.vector_norm(p.detach())))
    measured = (norms[-1] / norms[-1 - c["window"]]) ** (1.0 / c["window"])
    d = np.sqrt(opt.state[p]["sum"].numpy()) + 1e-10
    predicted = np.max(np.abs(1 - c["lr"] * np.linalg.eigvalsh(H / np.sqrt(d)[:, None] / np.sqrt(d)[None, :])))
    assert abs((1 - measured) - (1 - predicted)) <= 1e-6 * (1 - predicted)
    ours, ours_measured, _ = af.adagrad_limit_run(H, c["lr"], c["steps"], c["window"])
    assert math.isclose(measured, ours_measured, rel_tol=1e-12)


@pytest.mark.parametrize("cls,c,eps,name", [("Adam", 5.0, 0.1, "adam_l2_fixed_point"),
                                            ("AdamW", 5.0, 1e-8, "adamw_fixed_point"),
                                            ("AdamW", 1.0, 0.1, "adamw_fixed_point")])
def test_torch_adam_l2_and_adamw_fixed_points(cls, c, eps, name):
    torch = pytest.importorskip("torch")
    p = af.FIXED_POINT
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([x], lr=p["lr"], betas=(0.9, p["beta2"]), eps=eps, weight_decay=p["weight_decay"])
    for _ in range(p["steps"]):
        x.grad = x.detach() - c
        opt.step()
    expected = _theory(th.adamw_fixed_point_derivation(), name, c=c, **{"lambda": p["weight_decay"]}, epsilon=eps)
    assert math.isclose(float(x.detach()[0]), expected, rel_tol=1e-12)


def test_adamw_fixed_point_limits():
    """Evaluated closed form: c > 1/lambda pins x* at 1/lambda, c < 1/lambda leaves it at c, as eps -> 0."""
    dv = th.adamw_fixed_point_derivation()
    for c, limit in [(5.0, 2.0), (50.0, 2.0), (1.0, 1.0), (0.3, 0.3)]:
        x_star = _theory(dv, "adamw_fixed_point", c=c, **{"lambda": 0.5}, epsilon=1e-12)
        assert abs(x_star - limit) < 1e-10 and abs(x_star) < 2.0


def test_note_002_stale_reading_would_be_another_method():
    H, theta0 = np.diag([0.5, 2.0, 9.0]), np.array([1.5, -0.25, 0.75])
    params = {"lr": 0.3, "eps": 1e-8}
    as_written = af.note_002_literal("adagrad", params, H, theta0, 50)
    stale = af.note_002_literal("adagrad", params, H, theta0, 50, lag=1)
    assert np.array_equal(stale[1], theta0)  # no gradient before the first step in that reading
    assert np.max(np.abs(stale - as_written)) > 0.1
