r"""A function of the class through the worst-case data of a PEP, and the method run on it.

From the PEP's Gram matrix :math:`G` and values :math:`F`, coordinates of the points and gradients follow by an
eigen-factorisation :math:`G = V\Lambda V^\top` (:math:`P = \Lambda^{1/2}V^\top`, rank :math:`r`).  A smooth convex
function through data :math:`\{(x_i, g_i, f_i)\}` is built by conjugation (the construction behind Taylor,
Hendrickx & Glineur 2017, Theorem 1): :math:`f \in \mathcal F_{0,L}` iff :math:`f^*` is :math:`\tfrac1L`-strongly
convex, and

.. math::  \varphi(s) = \max_i\Bigl\{\langle g_i, x_i\rangle - f_i + \langle x_i, s - g_i\rangle + \tfrac{1}{2L}\|s - g_i\|^2\Bigr\},
   \qquad f = \varphi^*,\quad f(x) = \max_s\ \langle s, x\rangle - \varphi(s),\quad \nabla f(x) = s^\star(x).

:math:`\varphi` is a maximum of :math:`\tfrac1L`-strongly convex quadratics, so :math:`f = \varphi^*` is convex with an
:math:`L`-Lipschitz gradient *whatever the data*; when the data satisfy the interpolation conditions, the
:math:`j`-th piece is active at :math:`s = g_j` and :math:`f(x_j) = f_j`, :math:`\nabla f(x_j) = g_j`.  For
:math:`\mathcal F_{\mu,L}` the same is done for :math:`f - \tfrac\mu2\|x\|^2 \in \mathcal F_{0,L-\mu}` (their Theorem 4's
reduction) and :math:`\tfrac\mu2\|x\|^2` is added back.  Each evaluation solves one small convex program with
cvxpy/Clarabel.  Running the method on this function gives a value that is a genuine *lower* bound on the worst
case (the function is in the class), equal to the PEP value up to the solver's accuracy.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["ConjugateInterpolant", "gram_coordinates"]


def gram_coordinates(G: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    r"""Columns :math:`p_k` with :math:`p_k^\top p_l \approx G_{kl}`: :math:`P = \Lambda_+^{1/2} V_+^\top` (eigenvalues
    below ``tol`` times the largest dropped; the rank is the dimension of the worst function)."""
    w, V = np.linalg.eigh((G + G.T) / 2)
    keep = w > tol * max(w.max(), 1e-300)
    return (np.sqrt(w[keep])[:, None] * V[:, keep].T)


@dataclass
class ConjugateInterpolant:
    r""":math:`f = \varphi^* + \tfrac\mu2\|x\|^2` through the data (points ``xs``, gradients ``gs``, values ``fs``; rows)."""

    xs: np.ndarray
    gs: np.ndarray
    fs: np.ndarray
    L: float
    mu: float = 0.0

    def __post_init__(self):
        self.xs, self.gs, self.fs = (np.asarray(a, float) for a in (self.xs, self.gs, self.fs))
        # reduce F(mu, L) to F(0, L - mu)
        self._Lr = self.L - self.mu
        self._g = self.gs - self.mu * self.xs
        self._f = self.fs - 0.5 * self.mu * np.einsum("ij,ij->i", self.xs, self.xs)
        self._c = np.einsum("ij,ij->i", self._g, self.xs) - self._f  # f_i^*

    def _solve(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        r"""By duality, :math:`\varphi^*(x) = \min_{\lambda \in \Delta} \tfrac{1}{2L}\|L(x - \bar x) + \bar g\|^2
        + \sum_i\lambda_i(f_i - \tfrac{1}{2L}\|g_i\|^2)` with :math:`\bar x = \sum\lambda_i x_i`, :math:`\bar g =
        \sum\lambda_i g_i` (the inner maximum over :math:`s` is attained at :math:`s = L(x - \bar x) + \bar g`, which is
        the gradient, by Danskin's theorem): a small QP over the simplex."""
        import cvxpy as cp

        Lr = self._Lr
        lam = cp.Variable(self.xs.shape[0], nonneg=True)
        s = Lr * (x - self.xs.T @ lam) + self._g.T @ lam
        lin = self._f - np.einsum("ij,ij->i", self._g, self._g) / (2 * Lr)
        prob = cp.Problem(cp.Minimize(cp.sum_squares(s) / (2 * Lr) + lin @ lam), [cp.sum(lam) == 1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prob.solve(solver=cp.CLARABEL)
        if prob.status != cp.OPTIMAL:
            raise RuntimeError(f"interpolant evaluation failed: {prob.status}")
        lv = np.asarray(lam.value, float)
        sv = Lr * (x - self.xs.T @ lv) + self._g.T @ lv
        return float(sv @ sv / (2 * Lr) + lin @ lv), sv

    def value(self, x) -> float:
        x = np.asarray(x, float)
        v, _ = self._solve(x)
        return v + 0.5 * self.mu * float(x @ x)

    def grad(self, x) -> np.ndarray:
        x = np.asarray(x, float)
        _, s = self._solve(x)
        return s + self.mu * x


def worst_function(problem, result) -> tuple[ConjugateInterpolant, np.ndarray]:
    """The interpolant through the worst-case points of a solved PEP, and the starting point x_0 (x* = 0)."""
    P = gram_coordinates(result.G)
    xs = np.array([P @ p.x for p in problem.points])
    gs = np.array([P @ p.g for p in problem.points])
    fs = np.array([0.0 if p.f < 0 else float(result.F[p.f]) for p in problem.points])
    return ConjugateInterpolant(xs, gs, fs, problem.L, problem.mu), P[:, 0]


def run_rule(rule, f, x0: np.ndarray, steps: int) -> list[np.ndarray]:
    """Iterates x_0..x_N of a :class:`~numerics.methods.Rule` on a vector function ``f`` (one gradient per step)."""
    state = rule.init(np.asarray(x0, float))
    out = [state[0].copy()]
    for t in range(1, steps + 1):
        state = rule.step(state, f.grad, t)
        out.append(state[0].copy())
    return out


def run_fista(f, x0: np.ndarray, L: float, steps: int) -> list[np.ndarray]:
    """FISTA with t_0 = 1 (the method of :func:`numerics.pep.fista_points`) on ``f``."""
    import math

    x = np.asarray(x0, float).copy()
    y, t = x.copy(), 1.0
    out = [x.copy()]
    for _ in range(steps):
        x_new = y - f.grad(y) / L
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        y = x_new + (t - 1) / t_new * (x_new - x)
        x, t = x_new, t_new
        out.append(x.copy())
    return out


__all__ += ["worst_function", "run_rule", "run_fista"]
