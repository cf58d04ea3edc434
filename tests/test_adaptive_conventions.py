r"""Every torch and optax cell of the adaptive convention table, checked on the framework itself (issue 13).

The table is ``reports.sections.adaptive.CONVENTION_TABLE``; each row names the test below that backs it.
Each test feeds the real optimizer (torch.optim 2.13 in float64, optax 0.2.8 under x64) a chosen gradient
history and compares its step with the closed forms of the candidate conventions, computed here by hand:
the cell's convention must match to rounding and every alternative must be far off (so the test can fail).
Defaults are read from the framework (``optimizer.defaults``, ``inspect.signature``), not from our code.
"""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from ratecheck.reports.sections.adaptive import CONVENTION_TABLE

REL = 1e-13  # a few roundings (torch fuses multiply-adds); every alternative is > 1 % away


def torch_steps(cls: str, grads, x0: float = 1.0, **kwargs) -> np.ndarray:
    """torch.optim.<cls> on one float64 parameter, fed ``grads`` in turn: the iterates x_0, x_1, ..."""
    torch = pytest.importorskip("torch")
    p = torch.tensor([x0], dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **kwargs)
    xs = [x0]
    for g in grads:
        p.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
        xs.append(float(p.detach()[0]))
    return np.array(xs)


def optax_steps(alias: str, grads, x0: float = 1.0, **kwargs) -> np.ndarray:
    """optax.<alias> in float64 on one parameter, fed ``grads``: the iterates."""
    optax = pytest.importorskip("optax")
    pytest.importorskip("jax")
    from ratecheck.numerics.adapters.optax import _x64

    with _x64():
        import jax.numpy as jnp

        x = jnp.asarray([x0], dtype=jnp.float64)
        opt = getattr(optax, alias)(**kwargs)
        state = opt.init(x)
        xs = [x0]
        for g in grads:
            updates, state = opt.update(jnp.asarray([g], dtype=jnp.float64), state, x)
            x = optax.apply_updates(x, updates)
            xs.append(float(x[0]))
    return np.array(xs)


def torch_defaults(cls: str) -> dict:
    torch = pytest.importorskip("torch")
    return getattr(torch.optim, cls)([torch.zeros(1, requires_grad=True)]).defaults


def optax_defaults(alias: str) -> dict:
    optax = pytest.importorskip("optax")
    return {k: p.default for k, p in inspect.signature(getattr(optax, alias)).parameters.items()}


def only(measured: float, candidates: dict, which: str) -> None:
    """``measured`` equals candidate ``which`` to rounding and differs from every other by > 1 %."""
    assert math.isclose(measured, candidates[which], rel_tol=REL), (which, measured, candidates)
    for name, value in candidates.items():
        if name != which:
            assert abs(measured - value) > 1e-2 * abs(value), (name, measured, candidates)


# ----------------------------------------------------------------- Adam: where epsilon goes

def _adam_first_step_candidates(lr, g, b1, b2, eps):
    """First step of the three placements: after the bias-corrected root, before the correction, inside."""
    return {"after": -lr * g / (abs(g) + eps),
            "before": -lr * g / (abs(g) + eps / math.sqrt(1 - b2)),  # Kingma & Ba's eps-hat, Sec. 2 end
            "inside": -lr * g / math.sqrt(g * g + eps)}


@pytest.mark.parametrize("framework", ["torch", "optax"])
def test_adam_epsilon_after_the_bias_corrected_root(framework):
    lr, g, b1, b2, eps = 0.1, 1.0, 0.9, 0.75, 0.5
    cand = _adam_first_step_candidates(lr, g, b1, b2, eps)
    if framework == "torch":
        step = np.diff(torch_steps("Adam", [g], lr=lr, betas=(b1, b2), eps=eps))[0]
        assert torch_defaults("Adam")["eps"] == 1e-8
    else:
        step = np.diff(optax_steps("adam", [g], learning_rate=lr, b1=b1, b2=b2, eps=eps))[0]
        # optax's eps_root is the inside placement (note 002's form), 0 by default
        inside = np.diff(optax_steps("adam", [g], learning_rate=lr, b1=b1, b2=b2, eps=0.0, eps_root=eps))[0]
        only(inside, cand, "inside")
        assert optax_defaults("adam")["eps"] == 1e-8 and optax_defaults("adam")["eps_root"] == 0.0
    only(step, cand, "after")


# ----------------------------------------------------------------- AdamW: the decay

@pytest.mark.parametrize("framework", ["torch", "optax"])
def test_adamw_decay_is_multiplied_by_the_learning_rate(framework):
    """Zero gradients: the step is the decay alone, x0·lr·λ (framework) and not x0·λ (the paper's, η_t = 1)."""
    lr, wd, x0 = 0.1, 0.5, 2.0
    if framework == "torch":
        x = torch_steps("AdamW", [0.0, 0.0], x0=x0, lr=lr, weight_decay=wd)
        cand = {"lr-times": x0 * (1 - lr * wd), "paper": x0 * (1 - wd)}
        only(x[1], cand, "lr-times")
        assert math.isclose(x[2], x0 * (1 - lr * wd) ** 2, rel_tol=REL)  # multiplicative: x(1 - lr wd) each step
    else:
        x = optax_steps("adamw", [0.0], x0=x0, learning_rate=lr, weight_decay=wd)
        only(x[1], {"lr-times": x0 - lr * wd * x0, "paper": x0 - wd * x0}, "lr-times")


def test_adamw_default_decays_are_100_times_apart():
    torch_wd, optax_wd = torch_defaults("AdamW")["weight_decay"], optax_defaults("adamw")["weight_decay"]
    assert (torch_wd, optax_wd) == (1e-2, 1e-4) and math.isclose(torch_wd / optax_wd, 100.0)


# ----------------------------------------------------------------- AMSGrad: the maximum

def _amsgrad_second_step_candidates(lr, g1, g2, b2, eps):
    """beta1 = 0, a large then a small gradient: the step-2 size with the max taken before / after correction."""
    v1, v2 = (1 - b2) * g1 * g1, b2 * (1 - b2) * g1 * g1 + (1 - b2) * g2 * g2
    before = math.sqrt(max(v1, v2)) / math.sqrt(1 - b2 ** 2)
    after = math.sqrt(max(v1 / (1 - b2), v2 / (1 - b2 ** 2)))
    return {"before": -lr * g2 / (before + eps), "after": -lr * g2 / (after + eps),
            "no max": -lr * g2 / (math.sqrt(v2 / (1 - b2 ** 2)) + eps)}


@pytest.mark.parametrize("framework,which", [("torch", "before"), ("optax", "after")])
def test_amsgrad_maximum_before_or_after_the_bias_correction(framework, which):
    lr, g1, g2, b2, eps = 0.1, 4.0, 0.5, 0.5, 1e-8
    cand = _amsgrad_second_step_candidates(lr, g1, g2, b2, eps)
    if framework == "torch":
        x = torch_steps("Adam", [g1, g2], lr=lr, betas=(0.0, b2), eps=eps, amsgrad=True)
    else:
        x = optax_steps("amsgrad", [g1, g2], learning_rate=lr, b1=0.0, b2=b2, eps=eps)
    only(x[2] - x[1], cand, which)


# ----------------------------------------------------------------- RMSprop

@pytest.mark.parametrize("framework,decay,where", [("torch", 0.99, "outside"), ("optax", 0.9, "inside")])
def test_rmsprop_default_decay_epsilon_and_no_bias_correction(framework, decay, where):
    lr, g, eps = 0.01, 0.02, 1e-3
    if framework == "torch":
        assert torch_defaults("RMSprop")["alpha"] == decay
        step = np.diff(torch_steps("RMSprop", [g], lr=lr, eps=eps))[0]
    else:
        d = optax_defaults("rmsprop")
        assert d["decay"] == decay and d["bias_correction"] is False and d["eps_in_sqrt"] is True
        step = np.diff(optax_steps("rmsprop", [g], learning_rate=lr, eps=eps))[0]
    v1 = (1 - decay) * g * g
    only(step, {"outside": -lr * g / (math.sqrt(v1) + eps), "inside": -lr * g / math.sqrt(v1 + eps),
                "bias-corrected": -lr * g / (abs(g) + eps)}, where)


# ----------------------------------------------------------------- Adagrad

@pytest.mark.parametrize("framework", ["torch", "optax"])
def test_adagrad_initial_accumulator_and_epsilon(framework):
    lr, g = 0.1, 0.3
    if framework == "torch":
        d = torch_defaults("Adagrad")
        s0, eps = d["initial_accumulator_value"], d["eps"]
        assert (s0, eps) == (0, 1e-10)
        step = np.diff(torch_steps("Adagrad", [g], lr=lr))[0]
        which = "S0 = 0, outside"
    else:
        d = optax_defaults("adagrad")
        s0, eps = d["initial_accumulator_value"], d["eps"]
        assert (s0, eps) == (0.1, 1e-7)
        step = np.diff(optax_steps("adagrad", [g], learning_rate=lr))[0]
        which = "S0 = 0.1, inside"
    only(step, {"S0 = 0, outside": -lr * g / (math.sqrt(g * g) + 1e-10),
                "S0 = 0.1, inside": -lr * g / math.sqrt(0.1 + g * g + 1e-7)}, which)


def test_torch_adagrad_lr_decay_divides_by_one_plus_t_minus_one_delta():
    """Constant gradient, eps = 0: step t is lr/(1 + (t - 1)δ)·sign(g)/sqrt(t), not lr/(1 + tδ)·..."""
    lr, delta, g = 0.1, 0.5, 2.0
    x = torch_steps("Adagrad", [g] * 3, lr=lr, lr_decay=delta, eps=0.0)
    for t, step in enumerate(np.diff(x), start=1):
        only(step, {"t - 1": -lr / (1 + (t - 1) * delta) / math.sqrt(t), "t": -lr / (1 + t * delta) / math.sqrt(t)},
             "t - 1")
    assert torch_defaults("Adagrad")["lr_decay"] == 0


# ----------------------------------------------------------------- AdaDelta

@pytest.mark.parametrize("framework", ["torch", "optax"])
def test_adadelta_defaults_and_first_step(framework):
    """First step from zero accumulators: lr·sqrt(ε)/sqrt((1 − ρ)g² + ε)·g, with ρ = 0.9, ε = 1e-6."""
    g, rho, eps = 0.5, 0.9, 1e-6
    if framework == "torch":
        d = torch_defaults("Adadelta")
        assert (d["lr"], d["rho"], d["eps"]) == (1.0, rho, eps)
        step, lr = np.diff(torch_steps("Adadelta", [g]))[0], 1.0
    else:
        d = optax_defaults("adadelta")
        assert (d["learning_rate"], d["rho"], d["eps"]) == (None, rho, eps)  # optax asks for the learning rate
        step, lr = np.diff(optax_steps("adadelta", [g], learning_rate=1.0))[0], 1.0
    only(step, {"framework": -lr * math.sqrt(eps) / math.sqrt((1 - rho) * g * g + eps) * g,
                "paper rho": -lr * math.sqrt(eps) / math.sqrt((1 - 0.95) * g * g + eps) * g}, "framework")


# ----------------------------------------------------------------- the table names these tests

def test_every_table_row_names_tests_that_exist():
    names = set(globals())
    for row in CONVENTION_TABLE:
        assert row.tests, row.method
        for name in row.tests:
            assert name in names and name.startswith("test_"), (row.method, name)
