r"""Iterate averaging (numerics/averaging.py): the filters against torch.optim.swa_utils.AveragedModel (SWA mean
and the EMA multi_avg_fn), a torch version of note 000's EMA class and optax.ema (with and without debias), each
to 1e-12 (skipped without torch / optax); the averaged-output method value on the kernels against the filter."""
from __future__ import annotations

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.averaging import Average, average_iterates, averaged_output, parse_average
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.validation import ParameterError

TOL = 1e-12
LAM = np.array([0.02, 0.3, 1.1, 1.9])
X0 = np.array([1.0, -2.0, 0.5, 3.0])
XSTAR = np.array([0.3, -1.0, 2.0, 0.0])  # x* != 0, so that optax's zero start shows its bias
STEPS = 60


def _iterates(method="heavy-ball", params=None):
    """x_0 .. x_T of a method on f = 1/2 sum lam (x - x*)^2 (our array code)."""
    params = params or {"alpha": 0.6, "beta": 0.5}
    rule = numerics.rule(method, params)
    st = rule.init(X0 - XSTAR)
    xs = [X0.copy()]
    for t in range(1, STEPS + 1):
        st = rule.step(st, lambda e: LAM * e, t)
        xs.append(st[0] + XSTAR)
    return np.array(xs)


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b)))


def _torch_model(torch, x):
    m = torch.nn.Linear(4, 1, bias=False).double()
    with torch.no_grad():
        m.weight.copy_(torch.tensor(x).reshape(1, 4))
    return m


def test_polyak_matches_torch_averaged_model_updated_after_each_step():
    torch = pytest.importorskip("torch")
    from torch.optim.swa_utils import AveragedModel

    xs = _iterates()
    model = _torch_model(torch, xs[0])
    swa = AveragedModel(model)
    got = []
    for x in xs[1:]:
        with torch.no_grad():
            model.weight.copy_(torch.tensor(x).reshape(1, 4))
        swa.update_parameters(model)  # first call copies x_1 (swa_utils.py l. 310-316)
        got.append(swa.module.weight.detach().numpy().ravel().copy())
    ours = average_iterates(xs, parse_average("polyak"))[1:]
    assert _rel(ours, np.array(got)) <= TOL
    # called once before training as well, it averages x_0 .. x_t: our include_x0 form
    swa0 = AveragedModel(_torch_model(torch, xs[0]))
    swa0.update_parameters(_torch_model(torch, xs[0]))
    got0 = []
    for x in xs[1:]:
        swa0.update_parameters(_torch_model(torch, x))
        got0.append(swa0.module.weight.detach().numpy().ravel().copy())
    assert _rel(average_iterates(xs, parse_average("polyak:include_x0=1"))[1:], np.array(got0)) <= TOL


@pytest.mark.parametrize("alpha", [0.9, 0.99])
def test_ema_first_matches_torch_averaged_model_with_ema_multi_avg_fn(alpha):
    torch = pytest.importorskip("torch")
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    xs = _iterates()
    ema = AveragedModel(_torch_model(torch, xs[0]), multi_avg_fn=get_ema_multi_avg_fn(alpha))
    got = []
    for x in xs[1:]:
        ema.update_parameters(_torch_model(torch, x))
        got.append(ema.module.weight.detach().numpy().ravel().copy())
    assert _rel(average_iterates(xs, parse_average(f"ema:alpha={alpha}"))[1:], np.array(got)) <= TOL


def test_ema_x0_matches_note_000s_ema_class_convention():
    r"""Note 000's class clones the parameters when it is built and then does shadow.mul_(d).add_(p, alpha=1 - d)."""
    torch = pytest.importorskip("torch")
    xs, d = _iterates(), 0.95
    shadow = torch.tensor(xs[0]).clone()
    got = []
    for x in xs[1:]:
        shadow.mul_(d).add_(torch.tensor(x), alpha=1 - d)
        got.append(shadow.numpy().copy())
    assert _rel(average_iterates(xs, parse_average(f"ema:alpha={d},start=x0"))[1:], np.array(got)) <= TOL


@pytest.mark.parametrize("debias", [False, True])
def test_ema_zero_matches_optax_ema(debias):
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    xs, d = _iterates(), 0.9
    tx = optax.ema(d, debias=debias)
    state = tx.init(jnp.asarray(xs[0]))
    got = []
    for x in xs[1:]:
        out, state = tx.update(jnp.asarray(x), state)
        got.append(np.asarray(out))
    spec = f"ema:alpha={d},start=zero" + (",debias=1" if debias else "")
    assert _rel(average_iterates(xs, parse_average(spec))[1:], np.array(got)) <= TOL


def test_zero_start_bias_is_one_minus_alpha_to_the_t():
    xs = np.ones((30, 2)) * np.array([2.0, -3.0])
    a = 0.8
    biased = average_iterates(xs, parse_average(f"ema:alpha={a},start=zero"))
    t = np.arange(30)
    np.testing.assert_allclose(biased[1:], (1 - a ** t[1:, None]) * xs[1:], rtol=1e-14)
    np.testing.assert_allclose(average_iterates(xs, parse_average(f"ema:alpha={a},start=zero,debias=1")), xs, rtol=1e-14)


@pytest.mark.parametrize("spec", ["polyak", "polyak:include_x0=1", "ema:alpha=0.9", "ema:alpha=0.9,start=x0",
                                  "ema:alpha=0.9,start=zero,debias=1", "ema:alpha=0.7,start=zero"])
@pytest.mark.parametrize("method,params", [("gd", {"eta": 1.0}), ("nesterov", {"alpha": 0.5, "beta": 0.6})])
def test_averaged_output_method_records_the_filter(spec, method, params):
    xs = _iterates(method, params) - XSTAR  # errors (the diagonal problem has x* = 0)
    ref = np.linalg.norm(average_iterates(xs, parse_average(spec)), axis=1)
    m = averaged_output(numerics.form(method), parse_average(spec))
    for backend in ("numpy", "numba"):
        tr = simulate_diagonal(numerics.rule_of(m, params), LAM, X0 - XSTAR, STEPS, backend=backend)
        np.testing.assert_allclose(tr.error_norm[1:], ref[1:], rtol=1e-13)


@pytest.mark.parametrize("spec", ["mean", "ema", "ema:alpha=1", "ema:alpha=0.5,start=late", "polyak:x=1",
                                  "ema:alpha=0.5,debias=1", "ema:alpha=0.5,debias=2"])
def test_bad_average_specs(spec):
    with pytest.raises(ParameterError):
        parse_average(spec)


def test_average_value_checks():
    with pytest.raises(ParameterError, match="alpha"):
        Average("ema", alpha=-0.1)
