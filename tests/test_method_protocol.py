"""The method protocol (numerics.protocol): one value runs on NumPy, in the generated numba kernel
and, traced, in the CUDA source; the kernels never reassociate the method's arithmetic."""
from __future__ import annotations

import math

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics import arithmetic as ar
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.kernels import trace_method
from ratecheck.numerics.kernels.cpu import kernel_source
from ratecheck.numerics.kernels.cuda import cuda_source
from ratecheck.numerics.protocol import Method, Param, StateArray
from ratecheck.numerics.validation import ParameterError


def _averaged_schedule_update(s, g, p, t):
    # heavy ball with a decaying step eta_t (per-step scalar) and a running average of the iterates
    x_new = s.x - p.eta_t * g + p.beta * (s.x - s.x_prev)
    return {"x": x_new, "x_prev": s.x, "avg": s.avg + p.w_t * (x_new - s.avg), "c": s.c}


AVERAGED = Method(
    method="averaged-schedule", name="averaged-schedule",
    params=(Param("eta", 0.0, math.inf), Param("beta", 0.0, 1.0, False, True, default=0.5)),
    state=(StateArray("x", "x"), StateArray("x_prev", "x"), StateArray("avg", "zeros"), StateArray("c", 2.0)),
    update=_averaged_schedule_update,
    gradient_point=lambda s, p, t: s.x - 0.0 * s.c,
    scalars=lambda p, t: {"eta_t": p.eta / (1.0 + 0.01 * t), "w_t": 1.0 / t},
    scalar_names=("eta_t", "w_t"),
)


def _nonlinear_update(s, g, p, t):
    return {"x": s.x - p.eta * g / (ar.sqrt(ar.absolute(g) * ar.absolute(g)) + 1.0)
            + ar.where(s.x > 0.0, 0.0, 0.0) + 0.0 * ar.sign(g) + 0.0 * ar.minimum(g, ar.maximum(g, 0.0))}


NONLINEAR = Method(method="normalised", name="normalised", params=(Param("eta", 0.0, math.inf),),
                   state=(StateArray("x", "x"),), update=_nonlinear_update)


def _rng_problem(d=1500, seed=11):
    rng = np.random.default_rng(seed)
    return np.sort(rng.uniform(0.05, 1.0, d)), rng.standard_normal(d)


@pytest.mark.parametrize("m, params", [(AVERAGED, {"eta": 0.8}), (NONLINEAR, {"eta": 0.3})])
def test_numba_kernel_of_a_new_method_matches_numpy(m, params):
    """Four state arrays, a constant init, per-step scalars and every primitive: numba == NumPy reference."""
    lam, e0 = _rng_problem()
    rule = numerics.rule_of(m, params)
    ref = simulate_diagonal(rule, lam, e0, 150, backend="numpy")
    for tol in (None, 1e-6):  # one segment, and doubling segments (the step counter crosses segment borders)
        fused = simulate_diagonal(rule, lam, e0, 150, backend="numba", tolerance=tol, block=100)
        ref_t = simulate_diagonal(rule, lam, e0, 150, backend="numpy", tolerance=tol)
        assert fused.steps_run == ref_t.steps_run
        np.testing.assert_allclose(fused.error_norm, ref_t.error_norm, rtol=1e-12)
    assert ref.steps_run == 150


def test_defaults_and_ranges():
    assert numerics.rule_of(AVERAGED, {"eta": 0.1}).params == {"eta": 0.1, "beta": 0.5}
    with pytest.raises(ParameterError, match="beta"):
        numerics.rule_of(AVERAGED, {"eta": 0.1, "beta": 1.0})
    with pytest.raises(ParameterError, match="left out"):
        numerics.rule_of(AVERAGED, {"eta": 0.1, "gamma": 1.0})


@pytest.mark.parametrize("lam, eta", [
    ([1e200, 1e200], 1e-200),        # issue 8, item 14: eta (lam x) must not become (eta lam) x
    ([1e-200, 1e-200], 1e200),
    ([1e150, 3e150], 2 / 4e150),
    ([1e-150, 1e-140], 1e140),
])
def test_extreme_magnitudes_match_the_reference_path(lam, eta):
    """The kernel keeps the method's association: the same run as the NumPy path, step for step."""
    lam = np.array(lam)
    e0 = np.array([1.0, -0.7])
    rule = numerics.rule("gd", {"eta": eta})
    ref = simulate_diagonal(rule, lam, e0, 40, backend="numpy")
    fused = simulate_diagonal(rule, lam, e0, 40, backend="numba")
    assert fused.steps_run == ref.steps_run
    # per step: equal up to the rounding of the norm (the kernel sums ||e||^2 in another order)
    np.testing.assert_allclose(fused.error_norm, ref.error_norm, rtol=0, atol=1e-15 * ref.error_norm[0])
    assert (fused.error_norm[-1] == 0) == (ref.error_norm[-1] == 0)
    assert fused.converges == ref.converges


def test_kernel_statements_keep_the_methods_association():
    """gd's update is x - eta * (lam * x): the generated code multiplies lam * Y first, then eta."""
    lines = trace_method(numerics.form("gd")).statements("python")
    assert lines[:3] == ["Y = S0", "G = lam * Y", "u0 = (P0 * G)"]
    src = kernel_source(numerics.form("gd"))
    assert "@numba.njit(fastmath=False" in src.split("def _element")[0]  # element function: IEEE as written


def test_cuda_source_has_every_state_array_and_scalar():
    src = cuda_source(AVERAGED)
    for k in range(4):
        assert f"st{k}[i] = r{k}[k];" in src
    assert "scalars[(long long)t_ * 2 + 1]" in src


def test_branching_update_is_one_clear_error():
    def branching(s, g, p, t):
        return {"x": s.x - p.eta * g if s.x > 0 else s.x}

    m = Method(method="bad", name="bad", params=(Param("eta", 0.0, math.inf),), state=(StateArray("x", "x"),),
               update=branching)
    with pytest.raises(ParameterError, match="arithmetic only"):
        trace_method(m)


def test_invalid_method_values():
    with pytest.raises(ParameterError, match="first entry is the iterate"):
        Method(method="m", name="m", params=(), state=(StateArray("v"),), update=lambda s, g, p, t: s)
    with pytest.raises(ParameterError, match="initialisations"):
        Method(method="m", name="m", params=(), state=(StateArray("x", "ones"),), update=lambda s, g, p, t: s)


def test_registry_lists_every_form_once_without_side_effects():
    keys = [f.key for f in numerics.forms(family="classic")]
    assert keys[:3] == ["gd", "heavy-ball/polyak", "nesterov/lessard"]
    assert len(keys) == len(set(keys)) == 10


def test_registry_families_split_linear_from_adaptive():
    assert numerics.methods.methods(family="classic") == ["gd", "heavy-ball", "nesterov"]
    assert numerics.methods.methods(family="linear") == ["triple-momentum", "chebyshev"]
    assert numerics.methods.methods(family="adaptive") == ["adam", "adamw", "amsgrad", "rmsprop", "adagrad",
                                                           "adadelta"]
    keys = [f.key for f in numerics.forms()]
    assert len(keys) == len(set(keys)) == 10 + 2 + 12 + 14  # + the note-002, note-003, paper forms
    assert numerics.methods.linearity("adam") == "not linear"
    assert numerics.methods.linearity("chebyshev") == "linear, time-varying"
    assert numerics.methods.linearity("triple-momentum") == "linear"
    assert numerics.methods.linearity("gd") == "linear"
    with pytest.raises(ParameterError, match="family must be one of classic, linear, adaptive"):
        numerics.forms(family="nonlinear")
