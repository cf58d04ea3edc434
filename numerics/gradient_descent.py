r"""Gradient descent as a :class:`~numerics.protocol.Method`: :math:`x_{t+1} = x_t - \eta\nabla f(x_t)`.

Source: Cauchy (1847); Nesterov, *Lectures on Convex Optimization* (2018), Sec. 2.1.5.
"""
from __future__ import annotations

import math

from .protocol import Method, Param, StateArray

__all__ = ["GD", "METHODS"]


def _gd_update(s, g, p, t):
    return {"x": s.x - p.eta * g}


GD = Method(
    method="gd",
    name="gd",
    params=(Param("eta", 0.0, math.inf, True, True, doc="step size"),),
    state=(StateArray("x", "x"),),
    update=_gd_update,
    formula=r"x_{t+1} = x_t - \eta\,\nabla f(x_t)",
    source="Cauchy (1847); Nesterov, Lectures on Convex Optimization (2018), Sec. 2.1.5",
)

METHODS = (GD,)
