r"""Other writings of momentum, each in its own variables (method values, :class:`~numerics.protocol.Method`).

Every form here keeps the iterate ``x`` and a buffer (``v`` or ``m``) started at 0 (``"zeros"``);
PyTorch initialises its buffer to the first gradient, which is ``beta*0 + g``, the same thing.

Heavy ball (gradient at the iterate):

* ``velocity``  (eta, beta):  v+ = beta v + g(x),  x+ = x - eta v+           (notes 000, 003; PyTorch SGD)
* ``ema``       (alpha, beta): m+ = beta m + (1-beta) g(x), x+ = x - alpha m+  (notes 001, 002)
* ``sutskever`` (gamma, eta): m+ = gamma m - eta g(x),  x+ = x + m+          (note 004, Keras SGD)

Nesterov (gradient at a look-ahead point):

* ``velocity-lookahead`` (eta, beta): v+ = beta v + g(x - eta beta v), x+ = x - eta v+   (note 000)
* ``pytorch`` (eta, beta): v+ = beta v + g(x), x+ = x - eta (g(x) + beta v+)  (PyTorch nesterov=True)
* ``ema-lookahead`` (alpha, beta): m+ = beta m + (1-beta) g(x - alpha beta m), x+ = x - alpha m+ (note 001)
* ``seed-003`` (eta, beta): v+ = beta v + g(x - beta v), x+ = x - eta v+     (note 003 as written)

This module never imports theory/: these are independent array implementations.  It also
holds the small runners the conventions and effective-LR claims use: the full iterate path of
a rule (:func:`iterate_path`), a run under a constant gradient (:func:`constant_gradient_run`)
and Adam's first moment with its bias correction (:func:`adam_first_moment`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import validation as v
from .protocol import Method, Param, Rule, StateArray

__all__ = [
    "VELOCITY", "EMA", "SUTSKEVER", "VELOCITY_LOOKAHEAD", "PYTORCH", "EMA_LOOKAHEAD", "SEED_003", "METHODS",
    "IteratePath", "iterate_path", "constant_gradient_run", "adam_first_moment",
]

_ETA = Param("eta", 0.0, math.inf, True, True, doc="step size")
_ALPHA = Param("alpha", 0.0, math.inf, True, True, doc="step size")
_BETA = Param("beta", 0.0, 1.0, False, True, doc="momentum")
_GAMMA = Param("gamma", 0.0, 1.0, False, True, doc="momentum")
_V = (StateArray("x", "x"), StateArray("v", "zeros"))
_M = (StateArray("x", "x"), StateArray("m", "zeros"))


# ----------------------------------------------------------------------------- gradient points
def _velocity_lookahead_point(s, p, t):
    return s.x - p.eta * p.beta * s.v


def _ema_lookahead_point(s, p, t):
    return s.x - p.alpha * p.beta * s.m


def _seed003_lookahead_point(s, p, t):  # x - beta v, no eta
    return s.x - p.beta * s.v


# ----------------------------------------------------------------------------- updates
def _velocity_update(s, g, p, t):
    v_new = p.beta * s.v + g
    return {"x": s.x - p.eta * v_new, "v": v_new}


def _ema_update(s, g, p, t):
    m_new = p.beta * s.m + (1.0 - p.beta) * g
    return {"x": s.x - p.alpha * m_new, "m": m_new}


def _sutskever_update(s, g, p, t):
    m_new = p.gamma * s.m - p.eta * g
    return {"x": s.x + m_new, "m": m_new}


def _pytorch_nesterov_update(s, g, p, t):  # torch: buf = beta buf + g; g += beta buf; x -= lr g
    v_new = p.beta * s.v + g
    return {"x": s.x - p.eta * (g + p.beta * v_new), "v": v_new}


VELOCITY = Method(
    method="heavy-ball", name="velocity", params=(_ETA, _BETA), state=_V, update=_velocity_update,
    formula=r"v_{t+1} = \beta v_t + \nabla f(x_t),\quad x_{t+1} = x_t - \eta v_{t+1}",
    source="notes 000, 003; PyTorch torch.optim.SGD(momentum=beta, dampening=0)",
)
EMA = Method(
    method="heavy-ball", name="ema", params=(_ALPHA, _BETA), state=_M, update=_ema_update,
    formula=r"m_{t+1} = \beta m_t + (1-\beta)\nabla f(x_t),\quad x_{t+1} = x_t - \alpha m_{t+1}",
    source="notes 001, 002",
)
SUTSKEVER = Method(
    method="heavy-ball", name="sutskever", params=(_GAMMA, _ETA), state=_M, update=_sutskever_update,
    formula=r"m_{t+1} = \gamma m_t - \eta\nabla f(x_t),\quad x_{t+1} = x_t + m_{t+1}",
    source="note 004; Keras SGD(momentum=gamma); Sutskever, Martens, Dahl & Hinton (2013)",
)
VELOCITY_LOOKAHEAD = Method(
    method="nesterov", name="velocity-lookahead", params=(_ETA, _BETA), state=_V, update=_velocity_update,
    gradient_point=_velocity_lookahead_point,
    formula=r"v_{t+1} = \beta v_t + \nabla f(x_t - \eta\beta v_t),\quad x_{t+1} = x_t - \eta v_{t+1}",
    source="note 000",
)
PYTORCH = Method(
    method="nesterov", name="pytorch", params=(_ETA, _BETA), state=_V, update=_pytorch_nesterov_update,
    formula=r"v_{t+1} = \beta v_t + \nabla f(x_t),\quad x_{t+1} = x_t - \eta(\nabla f(x_t) + \beta v_{t+1})",
    source="PyTorch torch.optim.SGD(momentum=beta, nesterov=True, dampening=0)",
)
EMA_LOOKAHEAD = Method(
    method="nesterov", name="ema-lookahead", params=(_ALPHA, _BETA), state=_M, update=_ema_update,
    gradient_point=_ema_lookahead_point,
    formula=r"m_{t+1} = \beta m_t + (1-\beta)\nabla f(x_t - \alpha\beta m_t),\quad x_{t+1} = x_t - \alpha m_{t+1}",
    source="note 001 (eq. 6.12)",
)
SEED_003 = Method(
    method="nesterov", name="seed-003", params=(_ETA, _BETA), state=_V, update=_velocity_update,
    gradient_point=_seed003_lookahead_point,
    formula=r"v_{t+1} = \beta v_t + \nabla f(x_t - \beta v_t),\quad x_{t+1} = x_t - \eta v_{t+1}",
    source="note 003, Sec. 3.2 (look-ahead point as written there: no eta)",
)

METHODS = (VELOCITY, EMA, SUTSKEVER, VELOCITY_LOOKAHEAD, PYTORCH, EMA_LOOKAHEAD, SEED_003)


# ----------------------------------------------------------------------------- runners
@dataclass(frozen=True)
class IteratePath:
    """Iterates ``x[t]`` and the method's second state array ``s[t]`` for t = 0..steps (rows).

    ``states`` holds every state array by name (``x`` included), rows t = 0..steps.
    """

    x: np.ndarray
    s: np.ndarray | None
    states: dict


def iterate_path(rule: Rule, grad: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, steps: int) -> IteratePath:
    r"""Run ``rule`` from ``x0`` for ``steps`` steps with gradient oracle ``grad``; keep every iterate.

    Floating-point overflow raises (``np.errstate(over="raise")``) instead of warning.
    """
    steps = v.integer("steps", steps, 1)
    x0 = np.asarray(x0, dtype=np.float64)
    names = rule.form.state_names
    rows = {n: np.empty((steps + 1,) + x0.shape) for n in names}
    state = rule.init(x0)
    for n, a in zip(names, state):
        rows[n][0] = a
    with np.errstate(over="raise", invalid="raise", under="ignore"):
        for t in range(1, steps + 1):
            state = rule.step(state, grad, t)
            for n, a in zip(names, state):
                rows[n][t] = a
    return IteratePath(rows["x"], rows[names[1]] if len(names) > 1 else None, rows)


def constant_gradient_run(rule: Rule, gradient: np.ndarray, steps: int) -> IteratePath:
    r"""Run ``rule`` on the linear function :math:`f(x) = g^\top x` (gradient ``g`` everywhere) from x0 = 0.

    The per-step displacement ``x[t] - x[t-1]`` is what the effective-learning-rate claims
    measure: for the ``velocity`` form it tends to :math:`-\eta g/(1-\beta)`.
    """
    g = np.asarray(gradient, dtype=np.float64)
    return iterate_path(rule, lambda y: g, np.zeros_like(g), steps)


def adam_first_moment(gradient: np.ndarray, beta1: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Adam's first moment under a constant gradient, as Adam computes it (Kingma & Ba 2015, Alg. 1).

    :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g`, :math:`m_0 = 0`, and the bias-corrected
    :math:`\hat m_t = m_t / (1 - \beta_1^t)` (PyTorch: ``bias_correction1 = 1 - beta1 ** step``).
    Returns ``(m, m_hat)`` with rows t = 1..steps.
    """
    beta1 = v.in_range("beta1", beta1, 0.0, 1.0, hi_open=True)
    steps = v.integer("steps", steps, 1)
    g = np.asarray(gradient, dtype=np.float64)
    m = np.zeros_like(g)
    ms = np.empty((steps,) + g.shape)
    mh = np.empty_like(ms)
    for t in range(1, steps + 1):
        m = beta1 * m + (1.0 - beta1) * g
        ms[t - 1] = m
        mh[t - 1] = m / (1.0 - beta1**t)
    return ms, mh
