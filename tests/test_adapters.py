"""ratecheck.adapters: real torch / optax optimizers on ratecheck quadratics, measured rate vs derived rate.

The expected values are theory/'s closed forms (via the form specs); the measured ones come from the
frameworks' own optimizers, so the comparison is independent.  Skips cleanly without torch or optax.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from ratecheck.numerics.data import from_eigenvalues
from ratecheck.numerics.problems import DenseQuadratic, random_orthogonal
from ratecheck.numerics import form as form_of
from ratecheck.proofs.methods import theory_rate, tuned
from ratecheck.testing import assert_trajectory_rate, fit_rate

LAM = [1.0, 2.0, 7.0, 40.0, 100.0]


def _dense(lam, seed=0):
    q = random_orthogonal(len(lam), seed)
    A = q @ np.diag(lam) @ q.T
    return DenseQuadratic(A, np.zeros(len(lam)))  # x* = 0: no rounding floor at ~1e-16 |x*|


def _cases():
    mu, L = min(LAM), max(LAM)
    hb = tuned(form_of("heavy-ball", "velocity"), "optimal", mu, L)
    nag = tuned(form_of("nesterov", "pytorch"), "optimal", mu, L)
    return [
        ("gd", "gd", {"lr": 2 / (mu + L)}, dict(lr=2 / (mu + L))),
        ("heavy-ball", "velocity", {"lr": hb["eta"], "momentum": hb["beta"]}, dict(lr=hb["eta"], momentum=hb["beta"])),
        ("nesterov", "pytorch", {"lr": nag["eta"], "momentum": nag["beta"]},
         dict(lr=nag["eta"], momentum=nag["beta"], nesterov=True)),
    ]


CASES = _cases()
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("dense", [False, True], ids=["diagonal", "dense"])
@pytest.mark.parametrize("method,form,params,kwargs", CASES, ids=IDS)
def test_torch_sgd_rate_matches_theory(method, form, params, kwargs, dense):
    torch = pytest.importorskip("torch")
    from ratecheck.adapters.torch import method_of, run_optimizer

    prob = _dense(LAM) if dense else from_eigenvalues(LAM)
    rho = theory_rate(form_of(method, form), {"eta": params["lr"], **({"beta": params["momentum"]} if "momentum" in params else {})},
                                  min(LAM), max(LAM))
    # the fit's gap error at 200 e-foldings: 7e-5 (Nesterov, prefactor t^0.9), 3e-7 (heavy ball); gd: 5e-14 at 25
    steps = math.ceil((30 if method == "gd" else 200) / (1 - rho))
    traj = run_optimizer(lambda p: torch.optim.SGD(p, **kwargs), prob, steps=steps)
    assert not traj.diverged and traj.steps_run == steps
    est = assert_trajectory_rate(traj, method=method, form=form, problem=prob, params=params, rtol_gap=1e-3)
    assert abs(est.gap - (1 - rho)) / (1 - rho) <= 1e-3
    opt = torch.optim.SGD([torch.zeros(3, requires_grad=True)], **kwargs)
    m, f, p = method_of(opt)
    assert (m, f) == (method, form) and p["eta"] == params["lr"]


def test_torch_constructed_optimizer_and_divergence():
    torch = pytest.importorskip("torch")
    from ratecheck.adapters.torch import run_optimizer

    prob = from_eigenvalues(LAM)
    x = torch.zeros(len(LAM), dtype=torch.float64, requires_grad=True)
    traj = run_optimizer(torch.optim.SGD([x], lr=0.021), prob, steps=3000)  # 2/L = 0.02: diverges
    assert traj.diverged and traj.steps_run < 3000 and fit_rate(traj).verdict == "diverges"
    assert abs(fit_rate(traj).rate - (0.021 * 100 - 1)) < 1e-9  # growth |1 - eta L|
    with pytest.raises(AssertionError, match="diverge"):
        assert_trajectory_rate(traj, method="gd", problem=prob, params={"lr": 0.021})
    assert_trajectory_rate(traj, method="gd", problem=prob, params={"lr": 0.021}, expect="diverges", rtol_gap=1e-6)


def test_torch_adam_runs():
    """Any torch.optim class: Adam has no linear-rate theory here, but the trajectory comes back."""
    torch = pytest.importorskip("torch")
    from ratecheck.adapters.torch import run_optimizer

    traj = run_optimizer(lambda p: torch.optim.Adam(p, lr=1e-2), from_eigenvalues(LAM), steps=50)
    assert traj.error_norm.shape == (51,) and traj.error_norm[-1] < traj.error_norm[0]


@pytest.mark.parametrize("method,form,params,kwargs", CASES, ids=IDS)
def test_optax_sgd_rate_matches_theory(method, form, params, kwargs):
    optax = pytest.importorskip("optax")
    from ratecheck.adapters.optax import run_transformation

    prob = from_eigenvalues(LAM)
    tx = optax.sgd(kwargs["lr"], momentum=kwargs.get("momentum"), nesterov=kwargs.get("nesterov", False))
    rho = theory_rate(form_of(method, form), dict(zip(("eta", "beta"), (params["lr"], params.get("momentum")))) if "momentum" in params
                                  else {"eta": params["lr"]}, min(LAM), max(LAM))
    traj = run_transformation(tx, prob, steps=math.ceil((30 if method == "gd" else 200) / (1 - rho)))
    est = assert_trajectory_rate(traj, method=method, form=form, problem=prob, params=params, rtol_gap=1e-3)
    assert est.verdict == "converges"


def test_torch_dense_problem_with_nonzero_minimizer():
    torch = pytest.importorskip("torch")
    from ratecheck.adapters.torch import run_optimizer

    q = random_orthogonal(len(LAM), 1)
    A = q @ np.diag(LAM) @ q.T
    prob = DenseQuadratic(A, A @ np.linspace(-1, 1, len(LAM)))
    traj = run_optimizer(lambda p: torch.optim.SGD(p, lr=2 / 101), prob, steps=1200)  # 24 e-foldings
    # measured gap error 1.3e-4: torch's fixed point (A x = b in float64 rounding) differs from
    # solve(A, b) by ~cond(A)*eps = 1e-14, against an error that has fallen to 4e-11 at the end
    assert_trajectory_rate(traj, method="gd", problem=prob, params={"lr": 2 / 101}, rtol_gap=1e-3)
