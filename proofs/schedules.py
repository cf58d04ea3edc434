r"""A scheduled linear method on a quadratic: its derived residual polynomial next to a run.

* :func:`residual_theory` — :math:`P_T(\lambda)` per eigenvalue from theory: for gradient descent the product
  :math:`\prod_t(1 - \eta_t\lambda)` (theory/schedules.py); for any other linear method the product of the
  generic engine's iteration matrices :math:`M(\lambda;\theta_t)` (the step size, and OneCycle's momentum,
  replaced step by step) applied to the start at rest — the engine traces the *inner* method value once with
  SymPy, and the numbers are evaluated from its matrix entries, never from the array code.
* :func:`residual_simulated` — the scheduled method value (numerics/schedules.py) run on a diagonal quadratic
  with :math:`x_0 = 1` on every eigen-direction: :math:`|x_T(\lambda)|`.
* :func:`schedule_rate` — what ``ratecheck rate METHOD --schedule SPEC --steps T`` prints: the largest
  :math:`|P_T|` over the spectrum from both, per eigenvalue when the eigenvalues are given, and the Chebyshev
  limit :math:`1/T_T(\sigma)` of the same interval.

Both paths renormalise a mode whose state exceeds 1e150 and carry its logarithm, so a divergent setting is a
result (a factor above 1, possibly given only as its base-10 logarithm), not an overflow.
"""
from __future__ import annotations

import math
from functools import cache
from typing import Any, Mapping

import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import spectra, validation as v
from ratecheck.numerics.protocol import Method
from ratecheck.numerics.schedules import Schedule, lr_parameter, momentum_parameter, parse_schedule, scheduled
from ratecheck.theory import linear_engine
from ratecheck.theory import linear_family as lf

from .methods import engine_model

__all__ = ["residual_theory", "residual_simulated", "schedule_rate", "step_params", "MAX_GRID"]

#: equally spaced eigenvalues used for --mu/--L (the spectrum the maximum is taken over)
MAX_GRID = 100_001
_BIG = 1e150


def step_params(inner: Method, params: Mapping[str, float], schedule: Schedule, t: int) -> dict[str, float]:
    """The inner method's parameters at step index ``t`` (0-based) under ``schedule``."""
    lr = lr_parameter(inner)
    out = dict(params)
    out[lr] = schedule.lr(t, params[lr])
    mom = momentum_parameter(inner)
    m = schedule.momentum(t, params[lr])
    if mom and m is not None:
        out[mom] = m
    return out


@cache
def _matrix_functions(inner: Method):
    model = engine_model(inner)
    names = list(model.params)
    entries = sp.lambdify([*model.params.values(), linear_engine.LAMBDA], list(model.matrix), "numpy")
    return names, entries, model.matrix.shape[0]


def _start(inner: Method, n: int) -> np.ndarray:
    init = [1.0 if s.init == "x" else (0.0 if s.init == "zeros" else float(s.init)) for s in inner.state]
    return np.tile(np.array(init)[:, None], (1, n))


def _renormalise(state: np.ndarray, logs: np.ndarray) -> None:
    big = np.max(np.abs(state), axis=0)
    over = big > _BIG
    if np.any(over):
        state[:, over] /= big[over]
        logs[over] += np.log10(big[over])


def _result(x: np.ndarray, logs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(|x_T| where finite in float64 else inf, log10 |x_T|)."""
    with np.errstate(divide="ignore"):
        lg = np.log10(np.abs(x)) + logs
    val = np.where(lg < 300, np.abs(x) * 10.0 ** np.minimum(logs, 300), np.inf)
    return val, lg


def residual_theory(inner: Method, params: Mapping[str, float], schedule: Schedule, lam: np.ndarray,
                    steps: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""(:math:`|P_T(\lambda)|`, :math:`\log_{10}|P_T(\lambda)|`) per eigenvalue from theory (see the module docstring)."""
    lam = np.asarray(lam, dtype=np.float64)
    T = schedule.steps if steps is None else steps
    logs = np.zeros(lam.size)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if inner.method == "gd" and inner.param_names == ("eta",):
            p = np.ones(lam.size)
            for t in range(T):
                p = p * (1 - schedule.lr(t, params["eta"]) * lam)
                st = p[None, :]
                _renormalise(st, logs)
                p = st[0]
            return _result(p, logs)
        names, entries, n = _matrix_functions(inner)
        s = _start(inner, lam.size)
        for t in range(T):
            q = step_params(inner, params, schedule, t)
            M = [np.broadcast_to(np.asarray(e, dtype=np.float64), lam.shape)
                 for e in entries(*[q[k] for k in names], lam)]
            s = np.array([sum(M[i * n + j] * s[j] for j in range(n)) for i in range(n)])
            _renormalise(s, logs)
    return _result(s[0], logs)


def residual_simulated(inner: Method, params: Mapping[str, float], schedule: Schedule,
                       lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""(:math:`|x_T(\lambda)/x_0(\lambda)|`, its log10) from running the scheduled method value (x0 = 1 per mode)."""
    lam = np.asarray(lam, dtype=np.float64)
    rule = numerics.rule_of(scheduled(inner, schedule), params)
    state = [np.array(a, dtype=np.float64) for a in rule.init(np.ones(lam.size))]
    logs = np.zeros(lam.size)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for t in range(1, schedule.steps + 1):
            state = list(rule.step(tuple(state), lambda y: lam * y, t))
            st = np.array(state)
            _renormalise(st, logs)
            state = list(st)
    return _result(state[0], logs)


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def schedule_rate(method: str | Method, schedule_spec: str, *, steps: int, params: Mapping[str, float],
                  form: str | None = None, mu: float | None = None, L: float | None = None, eigenvalues=None,
                  dim: int = MAX_GRID) -> dict[str, Any]:
    r"""Derived and simulated T-step error factor of ``method`` under ``schedule_spec`` (see the module docstring)."""
    inner = method if isinstance(method, Method) else numerics.form(method, form)
    sch = parse_schedule(schedule_spec, steps)
    p = dict(zip(inner.param_names, inner.validate(params)))
    explicit = eigenvalues is not None
    if explicit:
        lam = spectra.explicit(eigenvalues)
    else:
        mu = v.positive("mu", mu)
        L = v.in_range("L", L, mu, math.inf)
        lam = np.linspace(mu, L, max(2, min(int(dim), MAX_GRID))) if L > mu else np.array([mu])
    v.check_memory("dim", lam.size, 4 * len(inner.state) + 4)
    th, th_log = residual_theory(inner, p, sch, lam)
    sim, sim_log = residual_simulated(inner, p, sch, lam)
    i = int(np.argmax(th_log))
    j = int(np.argmax(sim_log))
    lo, hi = float(lam[0]), float(lam[-1])
    cheb = float(lf.chebyshev_error_factor(lo, hi, steps)) if hi > lo else None
    theory, simulated = float(th[i]), float(sim[j])
    rel = (abs(simulated - theory) / theory if math.isfinite(theory) and math.isfinite(simulated) and theory > 0
           else abs(10 ** (float(sim_log[j]) - float(th_log[i])) - 1) if math.isfinite(float(th_log[i])) else None)
    out = {"method": inner.method, "form": inner.name, "schedule": sch.name, "schedule_params": dict(sch.params),
           "schedule_spec": sch.spec, "steps": steps, "params": p, "mu": lo, "L": hi, "eigenvalues": int(lam.size),
           "lr_parameter": lr_parameter(inner),
           "momentum_cycled": (momentum_parameter(inner) if sch.momentum(0) is not None else None),
           "error_factor_theory": _num(theory), "error_factor_simulated": _num(simulated),
           "log10_error_factor_theory": float(th_log[i]), "log10_error_factor_simulated": float(sim_log[j]),
           "relative_error": rel, "worst_lambda": float(lam[i]), "diverges": bool(th_log[i] > 0),
           "chebyshev_limit": cheb,
           "values_first": [sch.lr(t, p[lr_parameter(inner)]) for t in range(min(steps, 3))]}
    if explicit:
        out["per_eigenvalue"] = [{"lambda": float(x), "error_factor_theory": _num(float(a)),
                                  "error_factor_simulated": _num(float(b)),
                                  "log10_error_factor_theory": float(la), "log10_error_factor_simulated": float(lb)}
                                 for x, a, b, la, lb in zip(lam, th, sim, th_log, sim_log)]
    return out
