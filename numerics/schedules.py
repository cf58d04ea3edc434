r"""Learning-rate schedules as values, and a scheduled method as one more method value.

A :class:`Schedule` gives the learning rate :math:`\eta_t` of step index ``t = 0, 1, ..., T-1`` (torch's
``last_epoch``: the value the optimizer uses in its (t+1)-th ``step()``) from a base rate :math:`\eta` (the
method's own step-size parameter).  Specs are ``NAME[:k=v,...]`` with torch's parameter names where torch has
the scheduler; the formulas are written from torch 2.13's ``torch/optim/lr_scheduler.py`` (cited by line):

==================  ====================================================================  ======================
spec                :math:`\eta_t`                                                        torch
==================  ====================================================================  ======================
``constant``        :math:`\eta`                                                          (ConstantLR factor 1)
``step``            :math:`\eta\,\gamma^{\lfloor t/s\rfloor}`, ``step_size`` s,            StepLR, l. 592, closed
                    ``gamma`` (default 0.1)                                               form l. 660
``exponential``     :math:`\eta\,\gamma^t`, ``gamma``                                     ExponentialLR, l. 1066
``inverse-time``    :math:`\eta/(1+\alpha t)`, ``alpha``                                  —
``cosine``          :math:`\eta_{\min} + (\eta-\eta_{\min})(1+\cos(\pi t/T_{\max}))/2`,   CosineAnnealingLR,
                    ``T_max`` (default T), ``eta_min`` (default 0, an absolute rate);     l. 1338, 1456
                    past :math:`T_{\max}` the same formula: it rises again (period
                    :math:`2T_{\max}`), as torch's recursion does (l. 1440)
``warmup``          :math:`\eta\min(1, t/W)`, ``steps`` W (note 003's form: t = 0 is 0)   —
``warmup-cosine``   :math:`\eta t/W` for t < W, then cosine from :math:`\eta` to          SequentialLR of
                    ``eta_min`` over :math:`T - W` steps                                  LinearLR + cosine
``onecycle``        two cosine phases (l. 2457): from :math:`\eta_{\max}/d` up to          OneCycleLR, l. 2285
                    :math:`\eta_{\max}` over steps :math:`0..pT-1`, then down to
                    :math:`\eta_{\max}/(d\,d_f)` at step :math:`T-1`; ``max_lr`` (default
                    :math:`\eta`), ``pct_start`` p = 0.3, ``div_factor`` d = 25,
                    ``final_div_factor`` :math:`d_f` = 1e4; momentum cycled the other
                    way between ``max_momentum`` 0.95 and ``base_momentum`` 0.85
                    (``cycle_momentum`` 1)
``wsd``             warmup (``warmup`` W steps, default 0), stable :math:`\eta`, and a     —
                    linear cooldown :math:`\eta(T-t)/D` over the last
                    :math:`D = \lceil cT\rceil` steps (``cooldown`` c, default 0.2)
==================  ====================================================================  ======================

torch's schedulers step *recursively* (chainable form, ``get_lr``: the new rate from the previous one); the
values here are the closed forms, evaluated directly; ``tests/test_schedules.py`` steps torch's schedulers and
compares every value to 1e-12 of the base rate.

:func:`scheduled` turns any method value into one whose step-size parameter is replaced, step by step, by the
schedule's value (a per-step scalar, :attr:`Method.scalars`), and whose momentum parameter follows OneCycle's
momentum cycle when asked.  Note that torch's SGD applies a changed learning rate to its velocity buffer
(:math:`x \leftarrow x - \eta_t v`), while Polyak's form applies it to the gradient only: under a schedule the
two forms of heavy ball are different methods.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import validation as v
from .protocol import Method, Values

__all__ = ["Schedule", "SCHEDULES", "parse_schedule", "scheduled", "lr_parameter", "momentum_parameter"]

#: name -> {parameter: (kind, default)}; kind "int>=1", "pos", "nonneg", "frac" (0, 1], "unit" [0, 1], "flag"
SCHEDULES: dict[str, dict[str, tuple[str, float | None]]] = {
    "constant": {},
    "step": {"step_size": ("int>=1", None), "gamma": ("pos", 0.1)},
    "exponential": {"gamma": ("pos", None)},
    "inverse-time": {"alpha": ("nonneg", None)},
    "cosine": {"T_max": ("int>=1", None), "eta_min": ("nonneg", 0.0)},
    "warmup": {"steps": ("int>=1", None)},
    "warmup-cosine": {"steps": ("int>=1", None), "eta_min": ("nonneg", 0.0)},
    "onecycle": {"max_lr": ("pos", None), "pct_start": ("unit", 0.3), "div_factor": ("pos", 25.0),
                 "final_div_factor": ("pos", 1e4), "base_momentum": ("unit", 0.85), "max_momentum": ("unit", 0.95),
                 "cycle_momentum": ("flag", 1.0)},
    "wsd": {"cooldown": ("frac", 0.2), "warmup": ("int>=0", 0.0)},
}

#: defaults that depend on the run: cosine's T_max = T
_RUN_DEFAULTS = {("cosine", "T_max")}


@dataclass(frozen=True)
class Schedule:
    r"""A learning-rate schedule for a run of ``steps`` steps (see the module docstring)."""

    name: str
    params: dict = field(default_factory=dict)
    steps: int = 1

    @property
    def spec(self) -> str:
        items = [f"{k}={_fmt(x)}" for k, x in self.params.items() if x is not None]
        return self.name + (":" + ",".join(items) if items else "")

    def __str__(self) -> str:
        return self.spec

    @property
    def absolute(self) -> bool:
        """True when the values do not scale with the base rate (OneCycle with its own ``max_lr``)."""
        return self.name == "onecycle" and self.params.get("max_lr") is not None

    def lr(self, t: int, eta: float = 1.0) -> float:
        r""":math:`\eta_t` for step index ``t`` (0-based) and base rate ``eta``."""
        p, T = self.params, self.steps
        if t < 0:
            raise v.ParameterError("t", "a step index >= 0", t)
        n = self.name
        if n == "constant":
            return eta
        if n == "step":
            return eta * p["gamma"] ** (t // int(p["step_size"]))
        if n == "exponential":
            return eta * p["gamma"] ** t
        if n == "inverse-time":
            return eta / (1.0 + p["alpha"] * t)
        if n == "cosine":
            return _cosine(t, int(p["T_max"]), eta, p["eta_min"])
        if n == "warmup":
            return eta * min(1.0, t / p["steps"])
        if n == "warmup-cosine":
            w = int(p["steps"])
            return eta * t / w if t < w else _cosine(t - w, max(T - w, 1), eta, p["eta_min"])
        if n == "onecycle":
            return self._onecycle(t, eta)[0]
        if n == "wsd":
            w, d = int(p["warmup"]), self.cooldown_steps
            if t < w:
                return eta * t / w
            if t >= T - d:
                return eta * (T - t) / d
            return eta
        raise v.ParameterError("schedule", f"one of {', '.join(SCHEDULES)}", n)  # pragma: no cover

    def momentum(self, t: int, eta: float = 1.0) -> float | None:
        """OneCycle's momentum of step index ``t`` (None for every other schedule, or with cycle_momentum=0)."""
        if self.name != "onecycle" or not self.params["cycle_momentum"]:
            return None
        return self._onecycle(t, eta)[1]

    @property
    def cooldown_steps(self) -> int:
        """WSD: the number of cooldown steps :math:`\\lceil cT\\rceil` (at least 1)."""
        return max(1, math.ceil(self.params["cooldown"] * self.steps - 1e-12))

    def values(self, eta: float = 1.0) -> list[float]:
        r""":math:`[\eta_0, \dots, \eta_{T-1}]`."""
        return [self.lr(t, eta) for t in range(self.steps)]

    def _onecycle(self, t: int, eta: float) -> tuple[float, float]:
        r"""(lr, momentum) of OneCycleLR's two-phase cosine schedule (torch lr_scheduler.py l. 2457, 2535, 2546)."""
        p, T = self.params, self.steps
        if t > T:
            raise v.ParameterError("steps", f"at most total_steps = {T} for onecycle (torch raises past it)", t)
        top = p["max_lr"] if p["max_lr"] is not None else eta
        initial = top / p["div_factor"]
        low = initial / p["final_div_factor"]
        end1 = float(p["pct_start"] * T) - 1
        end2 = T - 1
        if t <= end1:
            pct = t / end1
            return _anneal(initial, top, pct), _anneal(p["max_momentum"], p["base_momentum"], pct)
        pct = (t - end1) / (end2 - end1)
        return _anneal(top, low, pct), _anneal(p["base_momentum"], p["max_momentum"], pct)


def _cosine(t: int, t_max: int, eta: float, eta_min: float) -> float:
    return eta_min + (eta - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2


def _anneal(start: float, end: float, pct: float) -> float:
    """Cosine from ``start`` to ``end`` as pct goes 0 -> 1: end + (start - end)(1 + cos(pi pct))/2."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _fmt(x) -> str:
    return "none" if x is None else (str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x)))


def parse_schedule(spec: str, steps: int) -> Schedule:
    r"""``NAME[:k=v,...]`` for a run of ``steps`` steps; ParameterError (named ``schedule``) on a bad spec."""
    steps = v.integer("steps", steps, 1)
    if not isinstance(spec, str) or not spec.strip():
        raise v.ParameterError("schedule", f"NAME[:k=v,...] with NAME one of {', '.join(SCHEDULES)}", spec)
    name, _, rest = spec.strip().partition(":")
    if name not in SCHEDULES:
        raise v.ParameterError("schedule", f"one of {', '.join(SCHEDULES)} (NAME[:k=v,...])", name)
    kinds = SCHEDULES[name]
    given: dict[str, float] = {}
    for item in [s for s in rest.split(",") if s.strip()] if rest else []:
        k, eq, val = item.strip().partition("=")
        if not eq or k not in kinds:
            raise v.ParameterError("schedule", f"{name} takes {', '.join(kinds) or 'no parameters'} as k=v", item)
        if k in given:
            raise v.ParameterError("schedule", f"each parameter of {name} once", k)
        try:
            given[k] = float(val)
        except ValueError:
            raise v.ParameterError("schedule", f"a number for {name} parameter {k}", val) from None
    params: dict[str, float | None] = {}
    for k, (kind, default) in kinds.items():
        if k in given:
            params[k] = _check(name, k, kind, given[k])
        elif (name, k) in _RUN_DEFAULTS:
            params[k] = float(steps)
        elif default is None and not (name == "onecycle" and k == "max_lr"):
            raise v.ParameterError("schedule", f"{name} needs {k}= ({_kind_text(kind)})", spec)
        else:
            params[k] = default
    if name in ("warmup-cosine",) and params["steps"] >= steps:
        raise v.ParameterError("schedule", f"warmup-cosine steps < the run's {steps} steps", int(params["steps"]))
    if name == "wsd" and params["warmup"] + max(1, math.ceil(params["cooldown"] * steps - 1e-12)) > steps:
        raise v.ParameterError("schedule", f"wsd warmup + cooldown steps <= the run's {steps} steps", spec)
    if name == "onecycle":
        end1 = float(params["pct_start"] * steps) - 1
        if not (0 < end1 < steps - 1):
            raise v.ParameterError("schedule", f"onecycle pct_start with 1 < pct_start*T < T (T = {steps}; torch "
                                   "divides by zero otherwise)", params["pct_start"])
    return Schedule(name, params, steps)


def _kind_text(kind: str) -> str:
    return {"int>=1": "an integer >= 1", "int>=0": "an integer >= 0", "pos": "a number > 0",
            "nonneg": "a number >= 0", "frac": "a fraction in (0, 1]", "unit": "a number in [0, 1]",
            "flag": "0 or 1"}[kind]


def _check(name: str, k: str, kind: str, x: float) -> float:
    ok = math.isfinite(x) and {
        "int>=1": x >= 1 and x.is_integer(), "int>=0": x >= 0 and x.is_integer(), "pos": x > 0, "nonneg": x >= 0,
        "frac": 0 < x <= 1, "unit": 0 <= x <= 1, "flag": x in (0.0, 1.0)}[kind]
    if not ok:
        raise v.ParameterError("schedule", f"{name} parameter {k} {_kind_text(kind)}", x)
    return x


#: the step-size parameter a schedule scales, by preference
LR_NAMES = ("eta", "alpha", "lr")
#: the momentum parameter OneCycle cycles, by preference
MOMENTUM_NAMES = ("beta", "beta1")


def lr_parameter(m: Method) -> str:
    """The name of ``m``'s step-size parameter (eta, alpha or lr), else ParameterError."""
    for n in LR_NAMES:
        if n in m.param_names:
            return n
    raise v.ParameterError("schedule", f"a method with a step-size parameter ({', '.join(LR_NAMES)}); {m.key} has "
                           f"{', '.join(m.param_names) or 'none'}", m.key)


def momentum_parameter(m: Method) -> str | None:
    """The name of ``m``'s momentum parameter (beta or beta1), None when it has none."""
    return next((n for n in MOMENTUM_NAMES if n in m.param_names), None)


def scheduled(inner: Method, schedule: Schedule) -> Method:
    r"""``inner`` with its step size :math:`\eta_t` from ``schedule`` at step t (index t − 1), as a method value.

    The base rate is the inner method's own step-size parameter (:func:`lr_parameter`); with OneCycle and
    ``cycle_momentum`` the momentum parameter (:func:`momentum_parameter`, if any) follows the momentum cycle
    (its given value is then unused, as torch overwrites ``momentum`` / ``betas[0]``).  The per-step values are
    the scalars ``sched_lr`` (and ``sched_momentum``), so the kernels read them from their per-step table.
    """
    if not isinstance(schedule, Schedule):
        raise v.ParameterError("schedule", "a Schedule (numerics.schedules.parse_schedule)", type(schedule).__name__)
    lr = lr_parameter(inner)
    mom = momentum_parameter(inner) if schedule.momentum(0) is not None else None
    if {"sched_lr", "sched_momentum"} & set(inner.scalar_names):
        raise v.ParameterError("inner", "a method without scalars named sched_lr / sched_momentum", inner.key)
    names = (*inner.scalar_names, "sched_lr") + (("sched_momentum",) if mom else ())

    def scalars(p, t):
        out = dict(inner.scalars(p, t)) if inner.scalars is not None else {}
        out["sched_lr"] = schedule.lr(t - 1, p[lr])
        if mom:
            out["sched_momentum"] = schedule.momentum(t - 1, p[lr])
        return out

    def at_step(p):
        q = Values(p)
        q[lr] = p["sched_lr"]
        if mom:
            q[mom] = p["sched_momentum"]
        return q

    def point(s, p, t):
        return inner.gradient_point(s, at_step(p), t)

    def update(s, g, p, t):
        return inner.update(s, g, at_step(p), t)

    return Method(method=inner.method, name=f"{inner.name}/schedule={schedule.spec}", params=inner.params,
                  state=inner.state, update=update, gradient_point=point, scalars=scalars, scalar_names=names,
                  formula=inner.formula + r",\ \eta \to \eta_t",
                  source=inner.source)
