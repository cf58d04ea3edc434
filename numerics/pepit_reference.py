r"""The same worst cases computed by PEPit (optional: ``pip install pepit``), as an independent framework.

Each function writes the method with PEPit's own primitives (``PEP``, ``declare_function``, ``gradient``), as in
PEPit's examples ``examples/unconstrained_convex_minimization/gradient_descent.py`` (gradient descent on
:math:`\mathcal F_{0,L}`, :math:`f(x_N) - f_\star` with :math:`\|x_0 - x_\star\|^2 \le 1`) and
``accelerated_gradient_convex.py``; the class constraints are PEPit's ``SmoothConvexFunction`` /
``SmoothStronglyConvexFunction``.  ``solver`` is passed to PEPit's cvxpy wrapper (``PEPit/wrappers/
cvxpy_wrapper.py``, ``solve``: without MOSEK it falls back to SCS, so the solver is named explicitly).
"""
from __future__ import annotations

import contextlib
import io
import math
import time
import warnings

__all__ = ["available", "gd_f_gap", "gd_distance", "fista_f_gap", "nesterov_strongly_convex"]


def available() -> bool:
    try:
        import PEPit  # noqa: F401
    except ImportError:
        return False
    return True


def _problem(function_class: str, **class_params):
    """A PEPit problem on one function of ``function_class`` (a name in PEPit.functions): (problem, f, x*, f*, x0)."""
    from PEPit import PEP
    import PEPit.functions

    problem = PEP()
    func = problem.declare_function(getattr(PEPit.functions, function_class), **class_params)
    xs = func.stationary_point()
    return problem, func, xs, func(xs), problem.set_initial_point()


def _solve(problem, solver: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        tau = problem.solve(wrapper="cvxpy", solver=solver, verbose=0)
    return float(tau), time.perf_counter() - t0


def gd_f_gap(L: float, step: float, steps: int, solver: str = "CLARABEL") -> tuple[float, float]:
    """(worst f(x_N) - f* for |x_0 - x*| <= 1, seconds) for gradient descent x+ = x - step grad f."""
    problem, func, xs, fs, x0 = _problem("SmoothConvexFunction", L=L)
    problem.set_initial_condition((x0 - xs) ** 2 <= 1)
    x = x0
    for _ in range(steps):
        x = x - step * func.gradient(x)
    problem.set_performance_metric(func(x) - fs)
    return _solve(problem, solver)


def gd_distance(mu: float, L: float, step: float, steps: int, solver: str = "CLARABEL") -> tuple[float, float]:
    """(worst |x_N - x*|^2 for |x_0 - x*| <= 1, seconds) on F_{mu,L}."""
    problem, func, xs, _, x0 = _problem("SmoothStronglyConvexFunction", mu=mu, L=L)
    problem.set_initial_condition((x0 - xs) ** 2 <= 1)
    x = x0
    for _ in range(steps):
        x = x - step * func.gradient(x)
    problem.set_performance_metric((x - xs) ** 2)
    return _solve(problem, solver)


def fista_f_gap(L: float, steps: int, solver: str = "CLARABEL") -> tuple[float, float]:
    """FISTA with t_0 = 1 (as :func:`numerics.pep.fista_points`), worst f(x_N) - f*, |x_0 - x*| <= 1."""
    problem, func, xs, fs, x0 = _problem("SmoothConvexFunction", L=L)
    problem.set_initial_condition((x0 - xs) ** 2 <= 1)
    x, y, t = x0, x0, 1.0
    for _ in range(steps):
        x_new = y - func.gradient(y) / L
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        y = x_new + (t - 1) / t_new * (x_new - x)
        x, t = x_new, t_new
    problem.set_performance_metric(func(x) - fs)
    return _solve(problem, solver)


def nesterov_strongly_convex(mu: float, L: float, steps: int, solver: str = "CLARABEL") -> tuple[float, float]:
    r"""PEPit's ``accelerated_gradient_strongly_convex.py`` setting: worst :math:`f(x_N) - f_\star` when
    :math:`f(x_0) - f_\star + \tfrac\mu2\|x_0 - x_\star\|^2 \le 1`, :math:`y_t = x_t + \beta(x_t - x_{t-1})`,
    :math:`x_{t+1} = y_t - \nabla f(y_t)/L`, :math:`\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`."""
    problem, func, xs, fs, x0 = _problem("SmoothStronglyConvexFunction", mu=mu, L=L)
    problem.set_initial_condition(func(x0) - fs + mu / 2 * (x0 - xs) ** 2 <= 1)
    beta = (math.sqrt(L / mu) - 1) / (math.sqrt(L / mu) + 1)
    x_new = x0
    y = x0
    for _ in range(steps):
        x_old = x_new
        x_new = y - func.gradient(y) / L
        y = x_new + beta * (x_new - x_old)
    problem.set_performance_metric(func(x_new) - fs)
    return _solve(problem, solver)
