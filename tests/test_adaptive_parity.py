r"""Adaptive methods against the real frameworks, and the generated kernel against the NumPy path.

Each framework runs its own optimizer (torch.optim in float64; optax under ``jax.enable_x64``) on the
same diagonal quadratic :math:`f = \tfrac12\sum_i\lambda_i x_i^2` for 300 steps; our method value runs
on NumPy arrays.  The measure is the project's ``max_relative_difference``
(:math:`\max_t\|a_t - b_t\|/\max_t\|b_t\|`), required ≤ 1e-12.  The difference is not zero because
torch's CPU ``lerp_`` and ``addcmul_`` round once per fused multiply-add (checked in
``test_torch_cpu_lerp_is_a_fused_multiply_add``), while a method value's arithmetic rounds every
product.  Both frameworks skip cleanly when absent.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from ratecheck.numerics import adaptive as ad
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.conventions import iterate_path
from ratecheck.numerics.methods import rule_of
from ratecheck.proofs.claims.conventions import max_relative_difference

STEPS = 300
TOL = 1e-12
LAM = np.geomspace(1e-2, 10.0, 7)
X0 = np.linspace(-2.0, 3.0, 7)

#: (our method value, our params, torch class name, torch kwargs); default and non-default settings
TORCH_CASES = [
    (ad.ADAM, {}, "Adam", {}),
    (ad.ADAM, dict(lr=0.05, beta1=0.3, beta2=0.9, eps=1e-6, weight_decay=0.1), "Adam",
     dict(lr=0.05, betas=(0.3, 0.9), eps=1e-6, weight_decay=0.1)),
    (ad.ADAMW, {}, "AdamW", {}),
    (ad.ADAMW, dict(lr=0.05, beta1=0.8, beta2=0.95, weight_decay=0.3), "AdamW",
     dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.3)),
    (ad.AMSGRAD, {}, "Adam", dict(amsgrad=True)),
    (ad.AMSGRAD, dict(lr=0.1, beta1=0.5, beta2=0.99, eps=1e-7, weight_decay=0.01), "Adam",
     dict(lr=0.1, betas=(0.5, 0.99), eps=1e-7, weight_decay=0.01, amsgrad=True)),
    (ad.RMSPROP, {}, "RMSprop", {}),
    (ad.RMSPROP, dict(lr=0.003, alpha=0.9, eps=1e-4, weight_decay=0.01), "RMSprop",
     dict(lr=0.003, alpha=0.9, eps=1e-4, weight_decay=0.01)),
    (ad.ADAGRAD, {}, "Adagrad", {}),
    (ad.ADAGRAD, dict(lr=0.5, lr_decay=0.01, initial_accumulator_value=0.3, eps=1e-6, weight_decay=0.05), "Adagrad",
     dict(lr=0.5, lr_decay=0.01, initial_accumulator_value=0.3, eps=1e-6, weight_decay=0.05)),
    (ad.ADADELTA, {}, "Adadelta", {}),
    (ad.ADADELTA, dict(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.02), "Adadelta",
     dict(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.02)),
]

#: (our method value, our params, optax alias name, optax kwargs)
OPTAX_CASES = [
    (ad.ADAM_OPTAX, dict(lr=1e-3), "adam", dict(learning_rate=1e-3)),
    (ad.ADAM_OPTAX, dict(lr=0.05, beta1=0.3, beta2=0.9, eps=1e-6), "adam",
     dict(learning_rate=0.05, b1=0.3, b2=0.9, eps=1e-6)),
    (ad.ADAMW_OPTAX, dict(lr=1e-3), "adamw", dict(learning_rate=1e-3)),
    (ad.ADAMW_OPTAX, dict(lr=0.05, beta1=0.8, beta2=0.95, weight_decay=0.3), "adamw",
     dict(learning_rate=0.05, b1=0.8, b2=0.95, weight_decay=0.3)),
    (ad.AMSGRAD_OPTAX, dict(lr=1e-3), "amsgrad", dict(learning_rate=1e-3)),
    (ad.AMSGRAD_OPTAX, dict(lr=0.1, beta1=0.5, beta2=0.99, eps=1e-7), "amsgrad",
     dict(learning_rate=0.1, b1=0.5, b2=0.99, eps=1e-7)),
    (ad.RMSPROP_OPTAX, dict(lr=1e-2), "rmsprop", dict(learning_rate=1e-2)),
    (ad.RMSPROP_OPTAX, dict(lr=0.003, alpha=0.99, eps=1e-4), "rmsprop", dict(learning_rate=0.003, decay=0.99, eps=1e-4)),
    (ad.ADAGRAD_OPTAX, dict(lr=1e-2), "adagrad", dict(learning_rate=1e-2)),
    (ad.ADAGRAD_OPTAX, dict(lr=0.5, initial_accumulator_value=0.0, eps=1e-6), "adagrad",
     dict(learning_rate=0.5, initial_accumulator_value=0.0, eps=1e-6)),
    (ad.ADADELTA_OPTAX, dict(lr=1.0), "adadelta", dict(learning_rate=1.0)),
    (ad.ADADELTA_OPTAX, dict(lr=0.5, rho=0.95, eps=1e-4, weight_decay=0.02), "adadelta",
     dict(learning_rate=0.5, rho=0.95, eps=1e-4, weight_decay=0.02)),
]


def _ours(method, params) -> np.ndarray:
    return iterate_path(rule_of(method, params), lambda x: LAM * x, X0, STEPS).x


def _ids(cases):
    return [f"{c[0].key}-{'default' if not c[3] or set(c[3]) <= {'amsgrad', 'learning_rate'} else 'custom'}"
            for c in cases]


def torch_path(cls: str, kwargs: dict) -> np.ndarray:
    torch = pytest.importorskip("torch")
    p = torch.tensor(X0.copy(), dtype=torch.float64, requires_grad=True)
    lam = torch.tensor(LAM, dtype=torch.float64)
    opt = getattr(torch.optim, cls)([p], **kwargs)
    path = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        p.grad = lam * p.detach()
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def optax_path(alias: str, kwargs: dict) -> np.ndarray:
    optax = pytest.importorskip("optax")
    jax = pytest.importorskip("jax")
    from ratecheck.numerics.adapters.optax import _x64

    with _x64():
        import jax.numpy as jnp

        lam = jnp.asarray(LAM, dtype=jnp.float64)
        x = jnp.asarray(X0, dtype=jnp.float64)
        opt = getattr(optax, alias)(**kwargs)
        state = opt.init(x)
        path = [np.asarray(x)]
        for _ in range(STEPS):
            updates, state = opt.update(lam * x, state, x)
            x = optax.apply_updates(x, updates)
            path.append(np.asarray(x))
        assert path[-1].dtype == np.float64
    return np.array(path)


@pytest.mark.parametrize("method,params,cls,kwargs", TORCH_CASES, ids=_ids(TORCH_CASES))
def test_torch_optim_trajectory_parity(method, params, cls, kwargs):
    theirs = torch_path(cls, kwargs)
    ours = _ours(method, params)
    assert np.abs(ours[-1] - X0).max() > 1e-3  # the run moved
    assert max_relative_difference(ours, theirs) <= TOL


@pytest.mark.parametrize("method,params,alias,kwargs", OPTAX_CASES, ids=_ids(OPTAX_CASES))
def test_optax_trajectory_parity(method, params, alias, kwargs):
    theirs = optax_path(alias, kwargs)
    ours = _ours(method, params)
    assert np.abs(ours[-1] - X0).max() > 1e-3
    assert max_relative_difference(ours, theirs) <= TOL


def test_torch_and_optax_defaults_differ_where_the_table_says():
    """Each differing default is a different trajectory (so the two forms are not the same method)."""
    for torch_form, optax_form in [(ad.RMSPROP, ad.RMSPROP_OPTAX), (ad.ADAGRAD, ad.ADAGRAD_OPTAX),
                                   (ad.ADAMW, ad.ADAMW_OPTAX)]:
        lr = {"lr": torch_form.param("lr").default}
        assert max_relative_difference(_ours(torch_form, lr), _ours(optax_form, lr)) > 1e-6
    # Adam: eps after bias correction in both, written differently: the same iterates to rounding
    assert max_relative_difference(_ours(ad.ADAM, {"lr": 0.01}), _ours(ad.ADAM_OPTAX, {"lr": 0.01})) <= 1e-13


def test_torch_cpu_lerp_is_a_fused_multiply_add():
    """Why parity is 1e-12 and not bit-exact: torch's lerp_ equals m + w(g − m) rounded once (exact rationals)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    m, g, w = rng.standard_normal(64), rng.standard_normal(64), 0.1
    theirs = torch.tensor(m).lerp_(torch.tensor(g), w).numpy()
    fused = np.array([float(Fraction(a) + Fraction(w) * Fraction(b - a)) for a, b in zip(m, g)])
    assert np.array_equal(theirs, fused)


@pytest.mark.parametrize("method", ad.METHODS, ids=lambda m: m.key)
def test_numba_kernel_matches_numpy_path(method):
    pytest.importorskip("numba")
    params = {"lr": 0.01} if method.param("lr").default is None else {}
    rule = rule_of(method, params)
    rng = np.random.default_rng(5)
    lam = np.sort(rng.uniform(0.01, 10.0, 1000))
    e0 = rng.standard_normal(1000)
    a = simulate_diagonal(rule, lam, e0, 200, backend="numpy")
    b = simulate_diagonal(rule, lam, e0, 200, backend="numba")
    assert a.steps_run == b.steps_run == 200
    np.testing.assert_allclose(b.error_norm, a.error_norm, rtol=1e-12, atol=0)
    np.testing.assert_allclose(b.loss, a.loss, rtol=1e-12, atol=0)


def test_torch_adam_exceeds_the_kingma_ba_bound_on_the_same_history():
    """torch.optim.Adam fed g_i = (beta1/beta2)^(T-i) takes a last step of about 4.18 lr, above the stated lr."""
    torch = pytest.importorskip("torch")
    from ratecheck.proofs.claims.adaptive import bound_history_run

    b1, b2, T = 0.9, 0.999, 400
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1.0, betas=(b1, b2), eps=0.0)
    xs = []
    for i in range(1, T + 1):
        p.grad = torch.full((1,), (b1 / b2) ** (T - i), dtype=torch.float64)
        opt.step()
        xs.append(float(p.detach()[0]))
    torch_step = abs(xs[-1] - xs[-2])
    ours = bound_history_run(b1, b2, T).x[:, 0]
    assert torch_step > 4.0  # the stated bound in this case (1 - beta1 < sqrt(1 - beta2)) is lr = 1
    assert abs(torch_step - abs(ours[-1] - ours[-2])) <= 1e-12 * torch_step
