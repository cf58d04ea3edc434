r"""Quasi-hyperbolic momentum (QHM) as a user-defined method: one value, everything a built-in gets.

Ma & Yarats, "Quasi-hyperbolic momentum and Adam for deep learning", ICLR 2019, Alg. 1:

.. math::  b_{t+1} = \beta b_t + (1-\beta)\nabla f(x_t), \qquad
           x_{t+1} = x_t - \alpha\bigl[(1-\nu)\nabla f(x_t) + \nu\, b_{t+1}\bigr],

with :math:`b_0 = 0`.  :math:`\nu = 1` is heavy ball in the EMA form, :math:`\nu = 0` is gradient
descent with step :math:`\alpha`.

Use it from the command line::

    ratecheck rate --method-file examples/qhm.py:QHM --params alpha=0.5,beta=0.9,nu=0.7 --mu 0.01 --L 1 --json
    ratecheck rate --method-file examples/qhm.py:QHM --mu 1 --L 100 --tuning optimal --json
    ratecheck derive --method-file examples/qhm.py:QHM
"""
import math

from ratecheck.numerics import Method, Param, StateArray


def qhm_update(s, g, p, t):
    b = p.beta * s.b + (1 - p.beta) * g
    return {"x": s.x - p.alpha * ((1 - p.nu) * g + p.nu * b), "b": b}


QHM = Method(
    method="qhm",
    name="qhm",
    params=(
        Param("alpha", 0.0, math.inf, True, True, doc="step size"),
        Param("beta", 0.0, 1.0, False, True, doc="momentum (EMA factor)"),
        Param("nu", 0.0, 1.0, False, False, doc="immediate discount: weight of the momentum buffer"),
    ),
    state=(StateArray("x", "x"), StateArray("b", "zeros")),
    update=qhm_update,
    formula=r"b_{t+1} = \beta b_t + (1-\beta)\nabla f(x_t),\ x_{t+1} = x_t - \alpha[(1-\nu)\nabla f(x_t) + \nu b_{t+1}]",
    source="Ma & Yarats (2019), ICLR, Algorithm 1",
)
