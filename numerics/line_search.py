r"""Steepest descent with a line search: exact (on a quadratic) and Armijo backtracking (on any function).

* **Exact line search** on the diagonal quadratic :math:`f(x) = \tfrac12\sum_i\lambda_i x_i^2` (x* = 0, f* = 0):
  :math:`x^+ = x - \eta g`, :math:`g = \Lambda x`, :math:`\eta = g^\top g/(g^\top\Lambda g)`, the minimiser of
  :math:`\eta \mapsto f(x - \eta g)` (note 003, Sec. 2.2).  The step is computed from the two inner products, as
  :func:`numerics.worst_case.steepest_descent_exact_line_search` does (that function returns only the values).
* **Armijo backtracking** (Armijo 1966; Nocedal & Wright, *Numerical Optimization*, Alg. 3.1): start every step at
  ``eta0`` and multiply the step by ``shrink`` until
  :math:`f(x - \eta g) \le f(x) - c\,\eta\|g\|^2` (the sufficient-decrease condition with the steepest-descent
  direction).  The note writes the factor as :math:`\beta`, the letter of the momentum coefficient; here it is
  ``shrink``.  The function is evaluated, never its model: this loop knows nothing of quadratics, so on a quadratic
  it is an independent check of the accepted step derived in theory/line_search.py.

Both return per-step arrays (values, steps, and for Armijo the number of rejected trial steps); the loss ratio of
step t is ``(values[t+1] - f*)/(values[t] - f*)``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import validation as v

__all__ = ["LineSearchRun", "exact_line_search", "armijo", "armijo_quadratic", "check_armijo", "MAX_BACKTRACKS"]

#: rejected trial steps per iteration before the search gives up (ParameterError naming eta0)
MAX_BACKTRACKS = 10_000


@dataclass(frozen=True)
class LineSearchRun:
    r"""Values :math:`f(x_0), \dots, f(x_T)` (``values``), the accepted steps :math:`\eta_0, \dots, \eta_{T-1}`
    (``steps``), the rejected trial steps per iteration (``backtracks``; zeros for the exact search) and the
    last iterate."""

    values: np.ndarray
    steps: np.ndarray
    backtracks: np.ndarray
    x: np.ndarray

    def loss_ratios(self, fstar: float = 0.0) -> np.ndarray:
        r""":math:`(f(x_{t+1}) - f_\star)/(f(x_t) - f_\star)` for every step whose start is not already optimal."""
        gap = self.values - fstar
        keep = gap[:-1] > 0
        return gap[1:][keep] / gap[:-1][keep]


def exact_line_search(eigenvalues, x0, steps: int) -> LineSearchRun:
    r"""Steepest descent with exact line search on :math:`\tfrac12\sum_i\lambda_i x_i^2` from ``x0``."""
    lam = v.eigenvalue_array(eigenvalues)
    x = v.real_array("x0", x0).astype(float).copy()
    if x.shape != lam.shape:
        raise v.ParameterError("x0", f"a vector of {lam.size} entries (one per eigenvalue)", x.shape)
    n = v.integer("steps", steps, 1)
    vals, etas = [0.5 * float(lam @ (x * x))], []
    for _ in range(n):
        g = lam * x
        gg = float(g @ g)
        if gg == 0.0:  # at the minimiser: nothing left to do
            etas.append(0.0)
            vals.append(vals[-1])
            continue
        eta = gg / float(g @ (lam * g))
        x = x - eta * g
        etas.append(eta)
        vals.append(0.5 * float(lam @ (x * x)))
    return LineSearchRun(np.array(vals), np.array(etas), np.zeros(n, dtype=int), x)


def check_armijo(eta0, shrink, c) -> tuple[float, float, float]:
    """(eta0, shrink, c) as floats: eta0 > 0, 0 < shrink < 1, 0 < c < 1; else ParameterError naming the parameter."""
    return (v.positive("eta0", eta0), v.in_range("shrink", shrink, 0.0, 1.0, lo_open=True, hi_open=True),
            v.in_range("c", c, 0.0, 1.0, lo_open=True, hi_open=True))


def armijo(value: Callable[[np.ndarray], float], grad: Callable[[np.ndarray], np.ndarray], x0, steps: int, *,
           eta0: float = 1.0, shrink: float = 0.5, c: float = 1e-4) -> LineSearchRun:
    r"""Steepest descent with Armijo backtracking on the function ``value`` with gradient ``grad``.

    Every iteration tries :math:`\eta = \eta_0, \eta_0 s, \eta_0 s^2, \dots` (``s`` = ``shrink``) and accepts the
    first with :math:`f(x - \eta g) \le f(x) - c\eta\|g\|^2`; a zero gradient ends the run (the rest of the steps
    are 0).  More than :data:`MAX_BACKTRACKS` rejections, or a trial step that underflows to 0, raise
    ParameterError naming ``eta0`` (``eta0`` far too large, ``shrink`` too close to 1, or a function that is not
    smooth); so does a trial step too small to move x (there the test would compare f(x) with itself).
    """
    eta0, shrink, c = check_armijo(eta0, shrink, c)
    x = v.real_array("x0", x0).astype(float).copy()
    n = v.integer("steps", steps, 1)
    fx = float(value(x))
    vals, etas, backs = [fx], [], []
    for _ in range(n):
        g = np.asarray(grad(x), float)
        gg = float(g @ g)
        if gg == 0.0:
            vals.append(fx)
            etas.append(0.0)
            backs.append(0)
            continue
        eta, j = eta0, 0
        while True:
            xt = x - eta * g
            if np.array_equal(xt, x):  # the step no longer moves x: f(x) <= f(x) - (rounded 0) would "pass"
                raise v.ParameterError("eta0", "large enough that a trial step accepted by the test still moves x "
                                       "(or grad is not the gradient of value)", eta0)
            with np.errstate(over="ignore", invalid="ignore"):
                trial = float(value(xt))
            if math.isfinite(trial) and trial <= fx - c * eta * gg:
                break
            j += 1
            eta *= shrink
            if j > MAX_BACKTRACKS or eta == 0.0:
                raise v.ParameterError("eta0", f"a first trial step that at most {MAX_BACKTRACKS:,} multiplications by "
                                       "shrink bring to an accepted step (above 0 in float64)", eta0)
        x = xt
        fx = trial
        vals.append(fx)
        etas.append(eta)
        backs.append(j)
    return LineSearchRun(np.array(vals), np.array(etas), np.array(backs, dtype=int), x)


def armijo_quadratic(eigenvalues, x0, steps: int, **kw) -> LineSearchRun:
    r""":func:`armijo` on the diagonal quadratic :math:`\tfrac12\sum_i\lambda_i x_i^2` (f* = 0)."""
    lam = v.eigenvalue_array(eigenvalues)
    x0 = v.real_array("x0", x0)
    if x0.shape != lam.shape:
        raise v.ParameterError("x0", f"a vector of {lam.size} entries (one per eigenvalue)", x0.shape)
    return armijo(lambda x: 0.5 * float(lam @ (x * x)), lambda x: lam * x, x0, steps, **kw)
