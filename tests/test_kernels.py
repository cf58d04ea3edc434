"""Fused kernels vs the NumPy reference path, for every built-in method and form (conformance table)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics import validation as v
from ratecheck.numerics.backends import resolve_backend, simulate_diagonal
from ratecheck.numerics.kernels import trace_method
from ratecheck.numerics.kernels.cuda import cuda_source, gpu_available
from ratecheck.numerics.problems import DiagonalQuadratic

FORMS = [(f.method, f.name) for f in numerics.forms(family="classic")]


def _params(form, scale: float) -> dict:
    """Parameters inside each form's valid range: ``scale`` small -> converging, large -> diverging."""
    out = {}
    for p in form.params:
        if np.isfinite(p.hi) and p.hi <= 1.0:  # momentum-like coefficient in [0, 1)
            out[p.name] = min(0.6, (p.lo + p.hi) / 2 if np.isfinite(p.lo) else 0.6)
        else:
            out[p.name] = scale
    return out


def _compare(a, b, rtol=1e-12):
    """To ``rtol``; below the smallest normal float64 to ``rtol`` times it (a subnormal holds fewer digits: the
    host emulation of the CuPy test found heavy-ball/ema's loss 6.5e-313 one subnormal ulp off, relative 7.6e-12)."""
    assert a.steps_run == b.steps_run
    assert a.diverged == b.diverged and a.reached_tolerance == b.reached_tolerance
    floor = rtol * np.finfo(np.float64).tiny
    np.testing.assert_allclose(a.error_norm, b.error_norm, rtol=rtol, atol=floor)
    np.testing.assert_allclose(a.loss, b.loss, rtol=rtol, atol=floor)


@pytest.mark.parametrize("method,name", FORMS)
def test_fused_matches_reference_random_spectrum(method, name):
    rng = np.random.default_rng(3)
    d = 3 * 512 + 77  # not a multiple of the block
    lam = np.sort(rng.uniform(0.05, 1.0, d))
    e0 = rng.standard_normal(d)
    form = numerics.form(method, name)
    rule = numerics.rule(method, _params(form, 0.5), name)
    ref = numerics.simulate(rule, DiagonalQuadratic(lam), e0, 120)
    fused = simulate_diagonal(rule, lam, e0, 120, backend="numba")
    _compare(fused, ref)


@pytest.mark.parametrize("method,name", FORMS)
def test_fused_matches_reference_divergent(method, name):
    rng = np.random.default_rng(4)
    d = 1000
    lam = np.sort(rng.uniform(1.0, 10.0, d))
    e0 = rng.standard_normal(d)
    form = numerics.form(method, name)
    rule = numerics.rule(method, _params(form, 3.0), name)
    ref = numerics.simulate(rule, DiagonalQuadratic(lam), e0, 2000)
    assert ref.diverged, "test parameters must diverge"
    fused = simulate_diagonal(rule, lam, e0, 2000, backend="numba", block=64)
    _compare(fused, ref)
    assert np.all(np.isfinite(fused.error_norm))


def test_tolerance_and_block_sizes():
    rng = np.random.default_rng(5)
    lam = np.sort(rng.uniform(0.1, 1.0, 999))
    e0 = rng.standard_normal(999)
    rule = numerics.rule("gd", {"eta": 1.0})
    ref = numerics.simulate(rule, DiagonalQuadratic(lam), e0, 5000, tolerance=1e-8)
    assert ref.reached_tolerance
    for block in (1, 7, 512, 4096):
        fused = simulate_diagonal(rule, lam, e0, 5000, backend="numba", tolerance=1e-8, block=block)
        _compare(fused, ref)


def test_float32_is_close():
    lam = np.linspace(0.1, 1.0, 5000)
    e0 = np.random.default_rng(6).standard_normal(5000)
    rule = numerics.rule("gd", {"eta": 1.0})
    ref = simulate_diagonal(rule, lam, e0, 50, backend="numpy")
    f32 = simulate_diagonal(rule, lam, e0, 50, backend="numba", precision="float32")
    np.testing.assert_allclose(f32.error_norm, ref.error_norm, rtol=1e-5)


def test_bad_input_is_parameter_error():
    rule = numerics.rule("gd", {"eta": 1.0})
    with pytest.raises(v.ParameterError, match="backend"):
        simulate_diagonal(rule, np.ones(3), np.ones(3), 5, backend="fortran")
    with pytest.raises(v.ParameterError, match="precision"):
        simulate_diagonal(rule, np.ones(3), np.ones(3), 5, backend="numba", precision="float16")
    with pytest.raises(v.ParameterError, match="dim"):
        v.check_memory("dim", 10**13, 2)  # what simulate_diagonal calls before allocating


def test_cupy_backend_without_gpu_is_one_clear_error():
    if gpu_available():
        pytest.skip("a GPU is present")
    with pytest.raises(v.ParameterError, match="cupy needs CuPy and a CUDA GPU"):
        resolve_backend("cupy")
    assert resolve_backend("auto") == "numba"


@pytest.mark.parametrize("method,name", FORMS)
def test_traced_code_matches_the_method(method, name):
    """The kernels' code is generated from the method: its statements compute what the method computes."""
    form = numerics.form(method, name)
    code = trace_method(form)
    text = "\n".join(code.statements("python"))
    rng = np.random.default_rng(7)
    for _ in range(5):
        state = rng.standard_normal(len(form.state))
        lam = rng.uniform(0.1, 2)
        p = {q.name: float(rng.uniform(0.1, 0.9)) for q in form.params}
        env = {"lam": lam, "t": 1, "math": math, **{f"S{k}": c for k, c in enumerate(state)},
               **{f"P{k}": p[q.name] for k, q in enumerate(form.params)}}
        exec(text, {}, env)  # noqa: S102 - text generated by trace_method
        ref = numerics.rule(method, p, name).step(tuple(np.array([c]) for c in state), lambda y: lam * y)
        for k, r in enumerate(ref):
            assert env[f"N{k}"] == pytest.approx(float(r[0]), rel=1e-14, abs=1e-15)
    src = cuda_source(form)
    assert "atomicAdd" in src and code.statements("c")[-1] in src


@pytest.mark.gpu
@pytest.mark.parametrize("method,name", FORMS)
def test_cupy_matches_reference(method, name):
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no CUDA device")
    except Exception:  # noqa: BLE001
        pytest.skip("no CUDA device")
    rng = np.random.default_rng(8)
    d = 3 * 1024 + 5
    lam = np.sort(rng.uniform(0.05, 1.0, d))
    e0 = rng.standard_normal(d)
    form = numerics.form(method, name)
    for scale, steps in ((0.5, 100), (3.0, 2000)):
        rule = numerics.rule(method, _params(form, scale), name)
        ref = numerics.simulate(rule, DiagonalQuadratic(lam), e0, steps)
        _compare(simulate_diagonal(rule, lam, e0, steps, backend="cupy"), ref)
