r"""Heavy ball (Polyak form) and Nesterov (Lessard form) as method values (:class:`~numerics.protocol.Method`).

Both keep the previous iterate as state (``x_prev``, initialised to a copy of x0, so the first
step has no momentum).  Parameters ``p = (alpha, beta)`` with ``alpha > 0`` and ``0 <= beta < 1``.

* Heavy ball (Polyak 1964):
  :math:`x_{t+1} = x_t - \alpha\nabla f(x_t) + \beta(x_t - x_{t-1})`.
* Nesterov's accelerated gradient in the form of Lessard, Recht & Packard (2016), eq. (2.3):
  :math:`y_t = x_t + \beta(x_t - x_{t-1})`, :math:`x_{t+1} = y_t - \alpha\nabla f(y_t)`.

The functions are pure arithmetic (no NumPy calls, no branches), so they run on NumPy
arrays and, unchanged, as scalar code inside numba/CuPy kernels.  Written independently
of theory/: proofs/ checks that one step here equals theory's iteration matrix.
"""
from __future__ import annotations

import math

from .protocol import Method, Param, StateArray

__all__ = ["HEAVY_BALL", "NESTEROV", "METHODS"]

_PARAMS = (Param("alpha", 0.0, math.inf, True, True, doc="step size"),
           Param("beta", 0.0, 1.0, False, True, doc="momentum"))
_STATE = (StateArray("x", "x"), StateArray("x_prev", "x"))


def _heavy_ball_update(s, g, p, t):
    r"""x+ = x - alpha g + beta (x - x_prev); the new previous iterate is x."""
    return {"x": s.x - p.alpha * g + p.beta * (s.x - s.x_prev), "x_prev": s.x}


def _nesterov_point(s, p, t):
    r"""y = x + beta (x - x_prev): the point where NAG evaluates the gradient."""
    return s.x + p.beta * (s.x - s.x_prev)


def _nesterov_update(s, g, p, t):
    r"""x+ = y - alpha g with y = x + beta (x - x_prev) and g = grad f(y); the new previous iterate is x."""
    return {"x": s.x + p.beta * (s.x - s.x_prev) - p.alpha * g, "x_prev": s.x}


HEAVY_BALL = Method(
    method="heavy-ball", name="polyak", params=_PARAMS, state=_STATE, update=_heavy_ball_update,
    formula=r"x_{t+1} = x_t - \alpha\nabla f(x_t) + \beta(x_t - x_{t-1})",
    source="Polyak (1964), USSR Comput. Math. Math. Phys. 4(5)",
)

NESTEROV = Method(
    method="nesterov", name="lessard", params=_PARAMS, state=_STATE, update=_nesterov_update,
    gradient_point=_nesterov_point,
    formula=r"y_t = x_t + \beta(x_t - x_{t-1}),\quad x_{t+1} = y_t - \alpha\nabla f(y_t)",
    source="Nesterov (1983); Lessard, Recht & Packard (2016), SIAM J. Optim. 26(1), eq. (2.3)",
)

METHODS = (HEAVY_BALL, NESTEROV)
