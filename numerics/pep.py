r"""Performance estimation (PEP): the worst case of a fixed-step first-order method as a Gram-matrix SDP.

A method run for :math:`N` steps from :math:`x_0` touches the points :math:`y_0, \dots, y_{N-1}` (where it
evaluates gradients) and returns :math:`x_N`.  Every point is an affine combination of
:math:`x_0 - x_\star` and the gradients :math:`g_0, \dots, g_N` (:math:`g_N = \nabla f(x_N)`), so with the
basis :math:`P = [x_0 - x_\star, g_0, \dots, g_N]` and the Gram matrix :math:`G = P^\top P \succeq 0` every
inner product is linear in :math:`G`; with :math:`F = (f(y_0) - f_\star, \dots, f(x_N) - f_\star)` every
function value is linear in :math:`F`.  The worst case (Drori & Teboulle 2014, Taylor, Hendrickx & Glineur
2017) is

.. math::  \max_{G \succeq 0,\,F}\ \langle M_{\rm obj}, G\rangle + a_{\rm obj}^\top F
   \quad\text{s.t.}\quad \langle M_0, G\rangle \le R^2,\qquad
   F_i - F_j - \langle M_{ij}, G\rangle \ge 0 \ \ (i \ne j),

where the last line is the interpolation condition of the class :math:`\mathcal F_{\mu,L}` (Taylor,
Hendrickx & Glineur 2017, Theorem 4; :math:`\mu = 0` gives their Theorem 1 for :math:`\mathcal F_{0,L}`)
written for every ordered pair of points including :math:`x_\star` (:math:`g_\star = 0`, :math:`f_\star = 0`):

.. math::  f_i \ge f_j + \langle g_j, x_i - x_j\rangle + \tfrac{1}{2L}\|g_i - g_j\|^2
   + \tfrac{\mu}{2(1 - \mu/L)}\|x_i - x_j - \tfrac1L(g_i - g_j)\|^2 .

This is the same inequality as PEPit's ``SmoothStronglyConvexFunction`` (``PEPit/functions/
smooth_strongly_convex_function.py``, ``set_smoothness_strong_convexity_constraint_i_j``, lines 81-95).
The method is traced on coefficient vectors: a :class:`~numerics.methods.Rule`'s look-ahead and update are
pure arithmetic, so running them on basis vectors gives each point's coefficients (the method is written
once).  The ``m(m-1)`` constraints are assembled as one dense matrix and handed to cvxpy as a
single vector inequality (PEPit builds one expression per constraint; that is where its time goes).

The Lagrange dual (weak duality: every feasible dual point is an upper bound) is
:math:`\min \tau R^2` over :math:`\tau \ge 0, \lambda_{ij} \ge 0` with
:math:`a_{\rm obj} + \sum \lambda_{ij}(e_i - e_j) = 0` and
:math:`S = \tau M_0 - M_{\rm obj} + \sum\lambda_{ij} M_{ij} \succeq 0`; the solver's dual point is returned
with its residuals (this module never claims exactness: theory/ does that, in rationals).

Solver: Clarabel through cvxpy (``cvxpy.CLARABEL``; cvxpy docs, "Choosing a solver").
"""
from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from . import validation as v
from .methods import Rule
from .protocol import pair_view

__all__ = [
    "PEPProblem", "PEPResult", "Point", "trace_points", "fista_points", "build_problem", "solve",
    "MEASURES", "CLASSES", "interpolation_matrix", "dual_matrix", "worst_case", "chain_pairs", "line_search_points",
]

#: Clarabel's relative gap and feasibility tolerances (defaults 1e-8) loosened to 1e-7: at N = 50 the default
#: run stalls at a relative gap of about 1e-8 and reports "AlmostSolved" (cvxpy: optimal_inaccurate); the
#: residuals are reported with every result and the cross-checks need 1e-5.
SOLVER_OPTIONS = {"CLARABEL": {"tol_gap_rel": 1e-7, "tol_feas": 1e-7}}

MEASURES = ("f-gap", "distance", "grad-norm")
CLASSES = ("smooth-convex", "smooth-strongly-convex")


@dataclass(frozen=True)
class Point:
    """A point of the PEP: coefficients of x - x* and of its gradient in the basis, and its F index (-1 = x*)."""

    x: np.ndarray
    g: np.ndarray
    f: int


def _unit(dim: int, i: int) -> np.ndarray:
    e = np.zeros(dim)
    e[i] = 1.0
    return e


def trace_points(rule: Rule, steps: int) -> list[Point]:
    r"""Run ``rule`` for ``steps`` steps on basis coefficient vectors; the gradient at the k-th look-ahead is e_{1+k}.

    Returns the points :math:`y_0, \dots, y_{N-1}, x_N` (gradients :math:`g_0, \dots, g_N`, F indices 0..N)
    followed by :math:`x_\star`.
    """
    dim = steps + 2
    _pv = pair_view(rule.form)
    x = _unit(dim, 0)
    s = x.copy() if _pv.aux_init == "copy" else np.zeros_like(x)
    pts: list[Point] = []
    for k in range(steps):
        y = _pv.lookahead(x, s, rule.p)
        g = _unit(dim, 1 + k)
        pts.append(Point(np.asarray(y, float), g, k))
        x, s = _pv.update(x, s, g, rule.p)
    pts.append(Point(np.asarray(x, float), _unit(dim, 1 + steps), steps))
    pts.append(Point(np.zeros(dim), np.zeros(dim), -1))
    return pts


def line_search_points(steps: int) -> tuple[list[Point], list[np.ndarray]]:
    r"""Steepest descent with exact line search: free iterates :math:`x_0..x_N` and gradients :math:`g_0..g_N`
    (basis :math:`[x_0 - x_\star, \dots, x_N - x_\star, g_0, \dots, g_N]`), with the optimality conditions of the
    line search as equalities, :math:`\langle g_{k+1}, g_k\rangle = 0` and :math:`\langle g_{k+1}, x_{k+1} - x_k\rangle = 0`
    (de Klerk, Glineur & Taylor 2017, Sec. 2: the relaxation they show to be exact).  Returns (points, equalities).
    """
    dim = 2 * (steps + 1)
    xs = [_unit(dim, k) for k in range(steps + 1)]
    gs = [_unit(dim, steps + 1 + k) for k in range(steps + 1)]
    pts = [Point(xs[k], gs[k], k) for k in range(steps + 1)] + [Point(np.zeros(dim), np.zeros(dim), -1)]
    eqs = []
    for k in range(steps):
        eqs.append(np.outer(gs[k + 1], gs[k]))
        eqs.append(np.outer(gs[k + 1], xs[k + 1] - xs[k]))
    return pts, eqs


def fista_points(L: float, steps: int) -> list[Point]:
    r"""FISTA / Nesterov's 1983 method with :math:`t_0 = 1`, :math:`t_{k+1} = (1 + \sqrt{1 + 4t_k^2})/2`:

    :math:`x_{k+1} = y_k - \tfrac1L\nabla f(y_k)`, :math:`y_{k+1} = x_{k+1} + \tfrac{t_k - 1}{t_{k+1}}(x_{k+1} - x_k)`,
    :math:`y_0 = x_0` (Beck & Teboulle 2009, FISTA with constant step; the momentum is time-varying, so it is
    not a :class:`~numerics.methods.Rule`).  Points :math:`y_0..y_{N-1}, x_N, x_\star` as in :func:`trace_points`.
    """
    dim = steps + 2
    x = _unit(dim, 0)
    y = x.copy()
    t = 1.0
    pts: list[Point] = []
    for k in range(steps):
        g = _unit(dim, 1 + k)
        pts.append(Point(y.copy(), g, k))
        x_new = y - g / L
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        y = x_new + (t - 1) / t_new * (x_new - x)
        x, t = x_new, t_new
    pts.append(Point(x.copy(), _unit(dim, 1 + steps), steps))
    pts.append(Point(np.zeros(dim), np.zeros(dim), -1))
    return pts


def interpolation_matrix(pi: Point, pj: Point, L: float, mu: float) -> np.ndarray:
    r""":math:`M_{ij}` with :math:`\langle M_{ij}, G\rangle = \langle g_j, x_i - x_j\rangle + \tfrac{1}{2L}\|g_i - g_j\|^2
    + \tfrac{\mu}{2(1-\mu/L)}\|x_i - x_j - (g_i - g_j)/L\|^2` (symmetric)."""
    dx, dg = pi.x - pj.x, pi.g - pj.g
    M = 0.5 * (np.outer(pj.g, dx) + np.outer(dx, pj.g)) + np.outer(dg, dg) / (2 * L)
    if mu > 0:
        w = dx - dg / L
        M += mu / (2 * (1 - mu / L)) * np.outer(w, w)
    return M


@dataclass
class PEPProblem:
    """The data of one PEP: points, class, objective and initial condition (all in the Gram basis)."""

    points: list[Point]
    L: float
    mu: float
    measure: str
    radius: float
    M_obj: np.ndarray
    a_obj: np.ndarray
    M_init: np.ndarray
    pairs: list[tuple[int, int]]  # indices into points (i, j): constraint "f_i >= f_j + ..."
    M_pairs: np.ndarray  # (m, dim, dim)
    A_pairs: np.ndarray  # (m, nF): e_i - e_j on F
    a_init: np.ndarray | None = None  # initial condition <M_init, G> + a_init . F <= R^2
    equalities: list = field(default_factory=list)  # matrices E with <E, G> = 0 (e.g. exact line search)

    @property
    def dim(self) -> int:
        return self.points[0].x.shape[0]

    @property
    def n_f(self) -> int:
        return self.a_obj.shape[0]


def chain_pairs(n_points: int) -> list[tuple[int, int]]:
    r"""Consecutive pairs both ways and every point with :math:`x_\star` both ways (:math:`4N + 2` pairs).

    A relaxation of the PEP (fewer constraints, so its value is an upper bound on the worst case); the exact
    certificates of gradient descent use only these pairs, so for it the relaxation is tight.
    """
    s = n_points - 1
    return ([(i, i + 1) for i in range(s - 1)] + [(i + 1, i) for i in range(s - 1)]
            + [(s, i) for i in range(s)] + [(i, s) for i in range(s)])


def build_problem(points: Sequence[Point], L: float, mu: float = 0.0, measure: str = "f-gap",
                  radius: float = 1.0, pairs: Sequence[tuple[int, int]] | str | None = None,
                  initial: str = "distance", equalities: Sequence[np.ndarray] = ()) -> PEPProblem:
    r"""Assemble the PEP for ``points`` (last = x*, output = the point before it) on F_{mu,L}.

    ``pairs``: ``None`` or ``"all"`` (every ordered pair: the exact PEP), ``"chain"`` (:func:`chain_pairs`,
    an upper bound), or an explicit list.  ``initial``: ``"distance"`` (:math:`\|x_0 - x_\star\|^2 \le R^2`) or
    ``"f-gap"`` (:math:`f(x_0) - f_\star \le R^2`, the first point's value) or ``"f-gap+distance"``
    (:math:`f(x_0) - f_\star + \tfrac\mu2\|x_0 - x_\star\|^2 \le R^2`; the first point must be :math:`x_0`).
    """
    L = v.positive("L", L)
    mu = v.finite("mu", mu)
    if not 0 <= mu < L:
        raise v.ParameterError("mu", f"a number in [0, L) = [0, {L:g})", mu)
    if measure not in MEASURES:
        raise v.ParameterError("measure", f"one of {', '.join(MEASURES)}", measure)
    radius = v.positive("radius", radius)
    points = list(points)
    dim = points[0].x.shape[0]
    n_f = max(p.f for p in points) + 1
    out = points[-2]
    a_obj = np.zeros(n_f)
    M_obj = np.zeros((dim, dim))
    if measure == "f-gap":
        a_obj[out.f] = 1.0
    elif measure == "distance":
        M_obj = np.outer(out.x, out.x)
    else:
        M_obj = np.outer(out.g, out.g)
    x0 = _unit(dim, 0)
    a_init = None
    if initial == "distance":
        M_init = np.outer(x0, x0)
    elif initial in ("f-gap", "f-gap+distance"):
        # f(x_0) - f* (+ mu/2 |x_0 - x*|^2, the quantity of Nesterov's strongly convex guarantee)
        M_init = np.zeros((dim, dim)) if initial == "f-gap" else 0.5 * mu * np.outer(x0, x0)
        a_init = np.zeros(n_f)
        a_init[points[0].f] = 1.0
    else:
        raise v.ParameterError("initial", "distance, f-gap or f-gap+distance", initial)
    if isinstance(pairs, str) and pairs == "chain":
        pairs = chain_pairs(len(points))
    elif isinstance(pairs, str) and pairs != "all":
        raise v.ParameterError("pairs", "all, chain or a list of index pairs", pairs)
    if pairs is None or isinstance(pairs, str):
        pairs = [(i, j) for i in range(len(points)) for j in range(len(points)) if i != j]
    pairs = list(pairs)
    M_pairs = np.stack([interpolation_matrix(points[i], points[j], L, mu) for i, j in pairs])
    A_pairs = np.zeros((len(pairs), n_f))
    for r, (i, j) in enumerate(pairs):
        if points[i].f >= 0:
            A_pairs[r, points[i].f] += 1.0
        if points[j].f >= 0:
            A_pairs[r, points[j].f] -= 1.0
    return PEPProblem(points, L, mu, measure, radius, M_obj, a_obj, M_init, pairs, M_pairs, A_pairs, a_init,
                      [0.5 * (E + E.T) for E in equalities])


@dataclass
class PEPResult:
    """Outcome of one solve: ``value`` is None unless the solver reports ``optimal``."""

    status: str
    value: float | None
    dual_value: float | None
    G: np.ndarray | None
    F: np.ndarray | None
    tau: float | None
    multipliers: np.ndarray | None  # one per pair, same order as problem.pairs
    residuals: dict = field(default_factory=dict)
    seconds: float = 0.0
    solver: str = "CLARABEL"

    @property
    def ok(self) -> bool:
        return self.value is not None


def dual_matrix(problem: PEPProblem, tau: float, lam: np.ndarray) -> np.ndarray:
    r""":math:`S = \tau M_0 - M_{\rm obj} + \sum_{ij}\lambda_{ij} M_{ij}` (must be PSD for a dual certificate)."""
    return tau * problem.M_init - problem.M_obj + np.tensordot(lam, problem.M_pairs, axes=1)


def solve(problem: PEPProblem, solver: str = "CLARABEL", options: dict | None = None) -> PEPResult:
    """Solve the PEP with cvxpy; the value is reported only when the solver says ``optimal``.

    ``options`` replace :data:`SOLVER_OPTIONS` for this solve (e.g. ``{}`` for Clarabel's own 1e-8 tolerances).
    """
    import cvxpy as cp

    t0 = time.perf_counter()
    d, n_f, m = problem.dim, problem.n_f, len(problem.pairs)
    G = cp.Variable((d, d), symmetric=True)
    F = cp.Variable(n_f)
    Mflat = problem.M_pairs.reshape(m, d * d)
    # <M, G> = vec(M) . vec(G); both C-order
    interp = problem.A_pairs @ F - Mflat @ cp.vec(G, order="C") >= 0
    init_expr = cp.trace(problem.M_init @ G) + (problem.a_init @ F if problem.a_init is not None else 0)
    init = init_expr <= problem.radius ** 2
    eqs = [cp.trace(E @ G) == 0 for E in problem.equalities]
    psd = G >> 0
    objective = cp.Maximize(cp.trace(problem.M_obj @ G) + problem.a_obj @ F)
    prob = cp.Problem(objective, [interp, init, psd, *eqs])
    try:
        with warnings.catch_warnings():  # an inaccurate solve shows in the status, not as a warning
            warnings.simplefilter("ignore")
            prob.solve(solver=getattr(cp, solver), **(SOLVER_OPTIONS.get(solver, {}) if options is None else options))
    except cp.error.SolverError as exc:
        return PEPResult(f"solver error: {exc}", None, None, None, None, None, None, {}, time.perf_counter() - t0, solver)
    status = str(prob.status)
    if status != cp.OPTIMAL:
        return PEPResult(status, None, None, None, None, None, None, {}, time.perf_counter() - t0, solver)
    Gv = np.asarray(G.value)
    Fv = np.asarray(F.value)
    lam = np.maximum(np.asarray(interp.dual_value, float).ravel(), 0.0)
    tau = float(init.dual_value)
    S = dual_matrix(problem, tau, lam)
    for E, c in zip(problem.equalities, eqs):  # equality multipliers (free sign) enter S as well
        S = S + float(c.dual_value) * E
    # Lagrangian stationarity in F: a_obj + sum lam_ij (e_i - e_j) = 0
    f_res = problem.a_obj + lam @ problem.A_pairs - (tau * problem.a_init if problem.a_init is not None else 0.0)
    primal_viol = problem.A_pairs @ Fv - Mflat @ Gv.ravel()
    residuals = {
        "primal_gram_min_eig": float(np.linalg.eigvalsh(Gv).min()),
        "primal_constraint_violation": float(max(0.0, -primal_viol.min())),
        "dual_matrix_min_eig": float(np.linalg.eigvalsh(S).min()),
        "dual_f_coefficients": float(np.abs(f_res).max()),
        "duality_gap": float(abs(tau * problem.radius ** 2 - prob.value)),
    }
    return PEPResult(status, float(prob.value), tau * problem.radius ** 2, Gv, Fv, tau, lam, residuals,
                     time.perf_counter() - t0, solver)


def worst_case(points_fn: Callable[[], list[Point]], L: float, mu: float, measure: str, radius: float,
               solver: str = "CLARABEL") -> tuple[PEPProblem, PEPResult]:
    """Build and solve in one call."""
    problem = build_problem(points_fn(), L, mu, measure, radius)
    return problem, solve(problem, solver)
