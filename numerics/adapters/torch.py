r"""Run a user's ``torch.optim`` optimizer on a ratecheck quadratic; return its error trajectory.

The quadratic is a :class:`~numerics.problems.DiagonalQuadratic` (:math:`f(x) = \tfrac12\sum_i
\lambda_i x_i^2`, x* = 0) or a :class:`~numerics.problems.DenseQuadratic`
(:math:`f(x) = \tfrac12 x^\top A x - b^\top x`).  The loss is written in torch and differentiated by
autograd, so the optimizer sees exactly what it sees in training; every step goes through
``optimizer.step(closure)`` (the closure zeroes the gradients, evaluates the loss and calls
``backward``), which also serves optimizers that need a closure (LBFGS).  Default dtype float64, so
rates can be compared to ~1e-10.

Example::

    import torch
    from ratecheck.adapters.torch import run_optimizer, method_of
    traj = run_optimizer(lambda params: torch.optim.SGD(params, lr=0.01, momentum=0.9), problem, steps=500)
    traj.error_norm          # ||x_t - x*||, t = 0..500

:func:`method_of` names the ratecheck method, form and parameters of a ``torch.optim.SGD``: its
update ``buf ← μ·buf + g`` (the first step ``buf = g``), ``x ← x − lr·buf`` (``nesterov``:
``x ← x − lr·(g + μ·buf)``) is torch/optim/sgd.py ``_single_tensor_sgd`` (lines 357-370 in torch
2.13), i.e. the ``velocity`` / ``pytorch`` forms with eta = lr, beta = momentum.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

try:
    import torch
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError("ratecheck.adapters.torch needs PyTorch: pip install torch") from exc

from ratecheck.numerics import validation as v
from ratecheck.numerics.problems import DenseQuadratic
from ratecheck.numerics.simulate import DIVERGENCE_THRESHOLD, Trajectory

from ratecheck.adapters.problem_setup import Recorder, check_problem, start_point

__all__ = ["run_optimizer", "method_of"]


def run_optimizer(optimizer: Any, problem, steps: int, *, x0=None, seed: int = 0, radius: float = 1.0,
                  dtype=torch.float64, divergence_threshold: float = DIVERGENCE_THRESHOLD) -> Trajectory:
    r"""Run ``optimizer`` for ``steps`` steps on ``problem`` from ``x0`` (default x* + isotropic e₀).

    ``optimizer`` is either a callable ``params -> torch.optim.Optimizer`` (e.g.
    ``lambda p: torch.optim.Adam(p, lr=1e-2)``), called with a one-element list holding the iterate,
    or an optimizer you built on exactly one tensor of shape ``(dim,)`` (its values are overwritten
    with ``x0``).  Stops early, ``diverged=True``, when ‖x_t − x*‖ exceeds ``divergence_threshold``·‖x_0 − x*‖
    or becomes non-finite (that step is not recorded).
    """
    problem = check_problem(problem)
    rec = Recorder(problem, steps, divergence_threshold)
    start = start_point(problem, x0, seed, radius)
    if isinstance(optimizer, torch.optim.Optimizer):
        opt = optimizer
        tensors = [p for g in opt.param_groups for p in g["params"]]
        if len(tensors) != 1 or tuple(tensors[0].shape) != (problem.dim,):
            raise v.ParameterError("optimizer", f"an optimizer over exactly one tensor of shape ({problem.dim},)",
                                   [tuple(t.shape) for t in tensors])
        x = tensors[0]
        with torch.no_grad():
            x.copy_(torch.as_tensor(start, dtype=x.dtype))
    elif callable(optimizer):
        x = torch.tensor(start, dtype=dtype, requires_grad=True)
        opt = optimizer([x])
        if not isinstance(opt, torch.optim.Optimizer):
            raise v.ParameterError("optimizer", "a callable returning a torch.optim.Optimizer", type(opt).__name__)
    else:
        raise v.ParameterError("optimizer", "a torch.optim.Optimizer or a callable params -> Optimizer",
                               type(optimizer).__name__)
    loss_of = _loss(problem, x.dtype)

    def closure():
        opt.zero_grad()
        loss = loss_of(x)
        loss.backward()
        return loss

    def iterate() -> np.ndarray:
        return x.detach().to(torch.float64).cpu().numpy()

    if rec.record(iterate()):
        for _ in range(rec.steps):
            opt.step(closure)
            if not rec.record(iterate()):
                break
    return rec.trajectory(f"torch.optim.{type(opt).__name__}")


def _loss(problem, dtype) -> Callable:
    if isinstance(problem, DenseQuadratic):
        A = torch.as_tensor(problem.A, dtype=dtype)
        b = torch.as_tensor(problem.b, dtype=dtype)
        return lambda x: 0.5 * (x @ (A @ x)) - b @ x
    lam = torch.as_tensor(problem.eigenvalues, dtype=dtype)
    return lambda x: 0.5 * torch.sum(lam * x * x)


def method_of(optimizer: "torch.optim.Optimizer") -> tuple[str, str, dict[str, float]]:
    r"""``(method, form, params)`` of a ``torch.optim.SGD`` (one parameter group, dampening 0, no weight
    decay, not maximize): gd (momentum 0), heavy-ball ``velocity`` or nesterov ``pytorch``."""
    if not isinstance(optimizer, torch.optim.SGD):
        raise v.ParameterError("optimizer", "a torch.optim.SGD (other optimizers have no ratecheck method; "
                               "pass method/form/params yourself)", type(optimizer).__name__)
    if len(optimizer.param_groups) != 1:
        raise v.ParameterError("optimizer", "an SGD with one parameter group", len(optimizer.param_groups))
    g = optimizer.param_groups[0]
    for flag in ("dampening", "weight_decay"):
        if g.get(flag, 0):
            raise v.ParameterError(flag, "0 (ratecheck's SGD forms have neither)", g[flag])
    if g.get("maximize", False):
        raise v.ParameterError("maximize", "False", True)
    lr, mom = float(g["lr"]), float(g.get("momentum", 0.0))
    if mom == 0:
        return "gd", "gd", {"eta": lr}
    if g.get("nesterov", False):
        return "nesterov", "pytorch", {"eta": lr, "beta": mom}
    return "heavy-ball", "velocity", {"eta": lr, "beta": mom}
