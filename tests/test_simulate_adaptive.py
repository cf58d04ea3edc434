"""`ratecheck simulate adam|adamw|amsgrad ...` against torch.optim on the same diagonal quadratic (issue 13).

The expected trajectory is torch's own: torch.optim.Adam / AdamW stepping f(x) = ½ Σ λ_i x_i² (x* = 0,
gradient by autograd) from the x0 the CLI draws (seed 0, radius 1), in float64; the CLI's
||e_t||/||e_0|| and f(x_t) - f* must match it at every step, on the NumPy reference path and the numba
kernel.  Skips without torch.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from ratecheck.numerics.problems import isotropic_initial_error

LAM = [0.5, 1.0, 2.0, 7.0]
STEPS = 60


def _torch_run(optimizer: str, kwargs: dict, steps: int):
    torch = pytest.importorskip("torch")
    lam = torch.tensor(LAM, dtype=torch.float64)
    x = torch.tensor(isotropic_initial_error(len(LAM), 0, 1.0), dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, optimizer)([x], **kwargs)
    n0 = float(torch.linalg.vector_norm(x.detach()))
    ratio, loss = [1.0], [float(0.5 * (lam * x.detach() ** 2).sum())]
    for _ in range(steps):
        opt.zero_grad()
        f = 0.5 * (lam * x * x).sum()
        f.backward()
        opt.step()
        with torch.no_grad():
            ratio.append(float(torch.linalg.vector_norm(x)) / n0)
            loss.append(float(0.5 * (lam * x * x).sum()))
    return np.array(ratio), np.array(loss)


CASES = [
    ("adam", "lr=0.01", "Adam", {"lr": 0.01}),
    ("adam", "lr=0.05,beta1=0.8,beta2=0.99,eps=1e-6,weight_decay=0.1", "Adam",
     {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("adamw", "lr=0.05,weight_decay=0.5", "AdamW", {"lr": 0.05, "weight_decay": 0.5}),
    ("amsgrad", "lr=0.05,beta2=0.9", "Adam", {"lr": 0.05, "betas": (0.9, 0.9), "amsgrad": True}),
]


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize("method,params,optimizer,kwargs", CASES, ids=[c[0] + ":" + c[1] for c in CASES])
def test_simulate_matches_torch_optim(cli, backend, method, params, optimizer, kwargs):
    ratio, loss = _torch_run(optimizer, kwargs, STEPS)
    r = cli(["simulate", method, "--params", params, "--spectrum", "eigenvalues:" + ",".join(map(str, LAM)),
             "--steps", str(STEPS), "--backend", backend, "--json", "-"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["form"] == "torch" and out["linearity"] == "not linear" and out["rate_theory"] is None
    traj = out["trajectory"]
    assert [row["t"] for row in traj] == list(range(STEPS + 1))
    np.testing.assert_allclose([row["error_ratio"] for row in traj], ratio, rtol=1e-12, atol=0)
    np.testing.assert_allclose([row["loss"] for row in traj], loss, rtol=1e-11, atol=0)
    assert loss[-1] < 0.5 * loss[0]  # the run moves: a frozen trajectory would not be a comparison


def test_simulate_adam_uses_torch_defaults(cli):
    ratio, _ = _torch_run("Adam", {}, 20)  # torch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8
    r = cli(["simulate", "adam", "--spectrum", "eigenvalues:" + ",".join(map(str, LAM)), "--steps", "20",
             "--backend", "numpy", "--json", "-"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["params"] == {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-08, "weight_decay": 0.0}
    np.testing.assert_allclose([row["error_ratio"] for row in out["trajectory"]], ratio, rtol=1e-12, atol=0)


def test_rate_of_adam_says_not_linear_and_reports_the_measured_behaviour(cli):
    r = cli(["rate", "adam", "--mu", "0.1", "--L", "1", "--dim", "10", "--steps", "500"])
    assert r.code == 0 and "Traceback" not in r.stderr
    assert "not linear: no iteration matrix" in r.stdout and "measured over 500 steps:" in r.stdout
    r = cli(["rate", "adam", "--mu", "0.1", "--L", "1"])  # the linear methods' default dim (100000) is refused
    assert r.code == 2 and r.stdout == "" and r.stderr.count("\n") == 1 and "--dim D <= 2000" in r.stderr


def test_simulate_params_twice_is_a_usage_error(cli):
    r = cli(["simulate", "heavy-ball", "--eta", "0.1", "--params", "eta=0.2,beta=0.5",
             "--spectrum", "eigenvalues:1,2", "--steps", "5"])
    assert r.code == 2 and r.stdout == "" and "parameter eta given both" in r.stderr


def test_lookahead_over_adam_says_not_linear(cli):
    r = cli(["rate", "lookahead", "--inner", "adam", "--params", "k=5,alpha=0.5,lr=0.01", "--mu", "1", "--L", "100"])
    assert r.code == 2 and r.stdout == "" and r.stderr.count("\n") == 1
    assert "adam is not linear: no iteration matrix" in r.stderr
