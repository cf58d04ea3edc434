r"""Worst-case functions, and a method run on them (arrays only).

* :class:`Huber` — :math:`f(x) = \tfrac L2 x^2` for :math:`|x| \le c/L`, :math:`c|x| - \tfrac{c^2}{2L}` outside;
  in :math:`\mathcal F_{0,L}`.  With :math:`c = LR/(2Nh+1)` and :math:`x_0 = R` it is the worst function of
  gradient descent with step :math:`h/L`, :math:`h \le 1` (Drori & Teboulle 2014, Sec. 3).
* :class:`Quadratic1D` — :math:`\tfrac a2 x^2`: the worst function of the distance contraction on
  :math:`\mathcal F_{\mu,L}` (:math:`a \in \{\mu, L\}`) and of the :math:`(1-h)^{2N}/2` branch on :math:`\mathcal F_{0,L}`.
* :class:`PiecewiseQuadratic1D` — a :math:`C^1` function whose gradient is affine on each interval; e.g. the
  function of Lessard, Recht & Packard 2016, Sec. 4.6, on which the heavy-ball method with Polyak's tuning cycles.

:func:`run` iterates a :class:`~numerics.methods.Rule` (its own update rule) on one of them.
"""
from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from . import validation as v
from .protocol import pair_view
from .methods import Rule

__all__ = ["Huber", "Quadratic1D", "PiecewiseQuadratic1D", "run", "lessard_counterexample", "cycle_points",
           "steepest_descent_exact_line_search"]


@dataclass(frozen=True)
class Huber:
    L: float
    c: float

    def value(self, x):
        x = np.asarray(x, float)
        a = np.abs(x)
        return np.where(a <= self.c / self.L, 0.5 * self.L * x * x, self.c * a - self.c**2 / (2 * self.L))

    def grad(self, x):
        x = np.asarray(x, float)
        return np.clip(self.L * x, -self.c, self.c)


@dataclass(frozen=True)
class Quadratic1D:
    a: float

    def value(self, x):
        x = np.asarray(x, float)
        return 0.5 * self.a * x * x

    def grad(self, x):
        return self.a * np.asarray(x, float)


@dataclass(frozen=True)
class PiecewiseQuadratic1D:
    r"""Gradient :math:`a_r x + b_r` on the r-th interval between ``breaks`` (sorted); the value is its integral
    with :math:`f` continuous and the constant fixed by ``value_at_zero``."""

    breaks: tuple[float, ...]
    slopes: tuple[float, ...]
    offsets: tuple[float, ...]
    value_at_zero: float = 0.0

    def region(self, x):
        return np.searchsorted(np.asarray(self.breaks), np.asarray(x, float), side="right")

    def grad(self, x):
        r = self.region(x)
        return np.asarray(self.slopes)[r] * np.asarray(x, float) + np.asarray(self.offsets)[r]

    def value(self, x):
        x = np.asarray(x, float)
        out = np.zeros_like(x)
        for idx, xi in np.ndenumerate(x):  # integrate the gradient from 0 to xi piece by piece
            a, b = sorted((0.0, float(xi)))
            cuts = [a] + [t for t in self.breaks if a < t < b] + [b]
            total = 0.0
            for lo, hi in zip(cuts[:-1], cuts[1:]):
                r = int(self.region(0.5 * (lo + hi)))
                total += 0.5 * self.slopes[r] * (hi * hi - lo * lo) + self.offsets[r] * (hi - lo)
            out[idx] = self.value_at_zero + (total if xi >= 0 else -total)
        return out


def lessard_counterexample() -> PiecewiseQuadratic1D:
    r""":math:`\nabla f(x) = 25x` for :math:`x < 1`, :math:`x + 24` for :math:`1 \le x < 2`, :math:`25x - 24` for
    :math:`x \ge 2` (Lessard, Recht & Packard 2016, Sec. 4.6): continuous, slopes in :math:`\{1, 25\}`, so
    :math:`f \in S(1, 25)`; minimiser :math:`x_\star = 0`, :math:`f_\star = 0`."""
    return PiecewiseQuadratic1D(breaks=(1.0, 2.0), slopes=(25.0, 1.0, 25.0), offsets=(0.0, 24.0, -24.0))


def run(rule: Rule, f, x0: float, steps: int, x_prev: float | None = None) -> np.ndarray:
    """Iterates x_0..x_steps of ``rule`` on the 1-D function ``f`` (``x_prev`` sets the aux state of a "copy" form)."""
    steps = v.integer("steps", steps, 1)
    state = list(rule.init(np.array([float(x0)])))
    if x_prev is not None and len(state) == 2 and pair_view(rule.form).aux_init == "copy":
        state[1] = np.array([float(x_prev)])
    state = tuple(state)
    out = [state[0][0]]
    for t in range(1, steps + 1):
        state = rule.step(state, f.grad, t)
        x = state[0]
        if not np.isfinite(x[0]) or abs(x[0]) > 1e150:
            raise v.ParameterError("steps", "small enough that the iterates stay finite", steps)
        out.append(x[0])
    return np.array(out)


def cycle_points(iterates: np.ndarray, period: int, tail: int = 30) -> np.ndarray:
    """The last ``period`` iterates (sorted) if the tail of the run repeats with that period; else empty."""
    t = iterates[-tail:]
    if np.max(np.abs(t[period:] - t[:-period])) > 1e-9:
        return np.array([])
    return np.sort(iterates[-period:])



def steepest_descent_exact_line_search(eigenvalues, x0, steps: int) -> np.ndarray:
    r"""Values :math:`f(x_k)`, :math:`k = 0..N`, of steepest descent with exact line search on the diagonal quadratic
    :math:`f(x) = \tfrac12\sum_i \lambda_i x_i^2`: :math:`x^+ = x - t g`, :math:`t = \|g\|^2/(g^\top \Lambda g)`.
    From :math:`x_0 \propto (1/\mu, 1/L)` on eigenvalues :math:`(\mu, L)` every step reduces :math:`f` by exactly
    :math:`((\kappa - 1)/(\kappa + 1))^2` (the equality case of Kantorovich's inequality)."""
    lam = np.asarray(eigenvalues, float)
    x = np.asarray(x0, float).copy()
    out = [0.5 * float(lam @ (x * x))]
    for _ in range(v.integer("steps", steps, 1)):
        g = lam * x
        gg = float(g @ g)
        if gg == 0.0:
            out.append(0.0)
            continue
        x = x - gg / float(g @ (lam * g)) * g
        out.append(0.5 * float(lam @ (x * x)))
    return np.array(out)
