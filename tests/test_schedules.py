r"""Learning-rate schedules (numerics/schedules.py): every value against torch's scheduler actually stepping
(torch.optim.lr_scheduler, torch 2.13; skipped without torch), closed forms by hand, spec errors, and a
scheduled method on the kernels against the NumPy path."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.schedules import parse_schedule, scheduled
from ratecheck.numerics.validation import ParameterError

T = 300
BASE = 0.7
TOL = 1e-12


def _torch_steps(make, steps=T, base=BASE, optimizer="sgd"):
    """(lrs, momenta) that torch's optimizer uses in each of ``steps`` optimizer.step() calls."""
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = (torch.optim.SGD([p], lr=base, momentum=0.9) if optimizer == "sgd"
           else torch.optim.Adam([p], lr=base))
    sch = make(opt, torch.optim.lr_scheduler)
    lrs, moms = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about the initial step order; the order here is torch's
        for _ in range(steps):
            g = opt.param_groups[0]
            lrs.append(g["lr"])
            moms.append(g["momentum"] if optimizer == "sgd" else g["betas"][0])
            opt.step()
            sch.step()
    return lrs, moms


TORCH_CASES = [
    ("step:step_size=50,gamma=0.1", lambda o, L: L.StepLR(o, step_size=50, gamma=0.1)),
    ("step:step_size=7", lambda o, L: L.StepLR(o, step_size=7)),
    ("exponential:gamma=0.97", lambda o, L: L.ExponentialLR(o, gamma=0.97)),
    ("cosine", lambda o, L: L.CosineAnnealingLR(o, T_max=T)),
    # past T_max: torch's recursion rises again (period 2 T_max); our closed form does the same
    ("cosine:T_max=70,eta_min=0.01", lambda o, L: L.CosineAnnealingLR(o, T_max=70, eta_min=0.01)),
    ("constant", lambda o, L: L.ConstantLR(o, factor=1.0, total_iters=5)),
    # the note's warmup min(1, t/W) is LinearLR from (almost) 0: start_factor 1e-16 moves no value by > 1e-16 eta
    ("warmup:steps=20", lambda o, L: L.LinearLR(o, start_factor=1e-16, end_factor=1.0, total_iters=20)),
    ("warmup-cosine:steps=20", lambda o, L: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=1e-16, total_iters=20), L.CosineAnnealingLR(o, T_max=T - 20)], milestones=[20])),
    ("onecycle:max_lr=0.1", lambda o, L: L.OneCycleLR(o, max_lr=0.1, total_steps=T)),
    ("onecycle:max_lr=2,pct_start=0.25,div_factor=10,final_div_factor=100",
     lambda o, L: L.OneCycleLR(o, max_lr=2.0, total_steps=T, pct_start=0.25, div_factor=10.0, final_div_factor=100.0)),
]


@pytest.mark.parametrize("spec,make", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_schedule_matches_torch_scheduler_stepping(spec, make):
    s = parse_schedule(spec, T)
    lrs, moms = _torch_steps(make)
    scale = s.params["max_lr"] if s.absolute else BASE
    assert max(abs(a - b) for a, b in zip(s.values(BASE), lrs)) <= TOL * scale
    if s.name == "onecycle":  # momentum cycled 0.95 -> 0.85 -> 0.95 (torch's defaults)
        ours = [s.momentum(t, BASE) for t in range(T)]
        assert max(abs(a - b) for a, b in zip(ours, moms)) <= TOL
        assert ours[0] == pytest.approx(0.95) and min(ours) == pytest.approx(0.85, abs=1e-4)


def test_onecycle_cycles_adams_beta1_like_torch():
    s = parse_schedule("onecycle:max_lr=0.01", T)
    lrs, b1 = _torch_steps(lambda o, L: L.OneCycleLR(o, max_lr=0.01, total_steps=T), optimizer="adam")
    assert max(abs(a - b) for a, b in zip(s.values(), lrs)) <= TOL * 0.01
    assert max(abs(s.momentum(t) - b) for t, b in enumerate(b1)) <= TOL


def test_closed_forms_by_hand():
    assert parse_schedule("step:step_size=3,gamma=0.5", 10).values(2.0)[:7] == [2, 2, 2, 1, 1, 1, 0.5]
    assert parse_schedule("inverse-time:alpha=0.5", 4).values(3.0) == [3.0, 2.0, 1.5, 1.2]
    assert parse_schedule("warmup:steps=4", 6).values() == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    c = parse_schedule("cosine", 4).values()
    assert c == pytest.approx([1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5, (1 - math.cos(math.pi / 4)) / 2], abs=1e-16)
    # past T_max it rises: eta_{T_max + j} = eta_{T_max - j}
    s = parse_schedule("cosine:T_max=10", 30)
    assert s.lr(13) == pytest.approx(s.lr(7), abs=1e-15) and s.lr(20) == pytest.approx(1.0)
    # wsd: 10 steps, cooldown 0.3 -> D = 3: 1,1,...,1, 3/3, 2/3, 1/3
    assert parse_schedule("wsd:cooldown=0.3", 10).values() == pytest.approx([1] * 7 + [1.0, 2 / 3, 1 / 3])
    assert parse_schedule("wsd:cooldown=0.5,warmup=2", 8).values() == pytest.approx([0, 0.5, 1, 1, 1.0, 0.75, 0.5, 0.25])
    wc = parse_schedule("warmup-cosine:steps=2", 6).values()
    assert wc[:3] == pytest.approx([0.0, 0.5, 1.0]) and wc[5] == pytest.approx((1 + math.cos(3 * math.pi / 4)) / 2)


@pytest.mark.parametrize("spec,word", [
    ("nope", "one of"), ("step", "step_size"), ("step:step_size=0", "integer >= 1"), ("step:step_size=2.5", "integer"),
    ("exponential:gamma=-1", "> 0"), ("cosine:T_max=3,T_max=4", "once"), ("cosine:foo=1", "takes"),
    ("warmup-cosine:steps=100", "< the run"), ("onecycle:pct_start=0.001", "pct_start"), ("wsd:cooldown=0", "(0, 1]"),
    ("onecycle:cycle_momentum=2", "0 or 1"), ("step:step_size=x", "a number"),
])
def test_bad_specs_name_the_parameter(spec, word):
    with pytest.raises(ParameterError) as e:
        parse_schedule(spec, 100)
    assert e.value.name == "schedule" and word in str(e.value)


@pytest.mark.parametrize("method,params,spec", [
    ("gd", {"eta": 1.0}, "cosine"), ("heavy-ball", {"alpha": 0.5, "beta": 0.6}, "step:step_size=5,gamma=0.5"),
    ("heavy-ball", {"alpha": 0.5, "beta": 0.6}, "onecycle"), ("nesterov", {"alpha": 0.4, "beta": 0.5}, "wsd"),
])
def test_scheduled_method_kernel_equals_numpy_and_hand_loop(method, params, spec):
    lam, e0, steps = np.array([0.05, 0.4, 1.2]), np.array([1.0, -0.5, 2.0]), 40
    sch = parse_schedule(spec, steps)
    m = scheduled(numerics.form(method), sch)
    rule = numerics.rule_of(m, params)
    a = simulate_diagonal(rule, lam, e0, steps, backend="numpy")
    b = simulate_diagonal(rule, lam, e0, steps, backend="numba")
    np.testing.assert_allclose(a.error_norm, b.error_norm, rtol=1e-13)  # the kernel's norm reduction may reassociate
    # the hand loop: the inner method with its step size replaced step by step
    inner = numerics.form(method)
    lr = "eta" if "eta" in params else "alpha"
    st = numerics.rule_of(inner, params).init(e0)
    for t in range(1, steps + 1):
        q = dict(params, **{lr: sch.lr(t - 1, params[lr])})
        if sch.momentum(t - 1) is not None:
            q["beta"] = sch.momentum(t - 1)
        st = numerics.rule_of(inner, q).step(st, lambda y: lam * y, t)
    assert a.error_norm[-1] == pytest.approx(float(np.linalg.norm(st[0])), rel=1e-14)


def test_scheduled_needs_a_step_size_parameter():
    from ratecheck.numerics.linear_family import CHEBYSHEV

    with pytest.raises(ParameterError, match="step-size"):
        scheduled(CHEBYSHEV, parse_schedule("cosine", 10))
