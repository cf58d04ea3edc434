"""PyTorch parity: torch.optim.SGD (momentum, dampening 0, float64) vs the `velocity` / `pytorch` forms.

Torch is not a project dependency; the test skips cleanly without it.
"""
from __future__ import annotations

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.conventions import iterate_path
from ratecheck.proofs.claims.conventions import max_relative_difference, random_quadratic

torch = pytest.importorskip("torch")

STEPS = 200


def torch_sgd_path(prob, x0, lr, momentum, nesterov):
    A = torch.tensor(prob.A, dtype=torch.float64)
    b = torch.tensor(prob.b, dtype=torch.float64)
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=lr, momentum=momentum, dampening=0, nesterov=nesterov)
    path = [x.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()
        loss = 0.5 * x @ A @ x - b @ x
        loss.backward()
        opt.step()
        path.append(x.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("nesterov,form", [(False, ("heavy-ball", "velocity")), (True, ("nesterov", "pytorch"))])
@pytest.mark.parametrize("seed,lr,momentum", [(0, 0.01, 0.9), (1, 0.005, 0.5), (2, 0.015, 0.95)])
def test_torch_sgd_matches_form(nesterov, form, seed, lr, momentum):
    prob = random_quadratic(20, seed, 1.0, 100.0)
    x0 = np.random.default_rng(seed).standard_normal(20)
    ours = iterate_path(numerics.rule(form[0], {"eta": lr, "beta": momentum}, form[1]), prob.grad, x0, STEPS).x
    theirs = torch_sgd_path(prob, x0, lr, momentum, nesterov)
    assert max_relative_difference(ours, theirs) <= 1e-12
