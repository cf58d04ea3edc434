r"""Monte Carlo reference for stochastic gradients on a diagonal quadratic (NumPy, the obviously-correct path).

Per eigen-direction :math:`i` the error :math:`e = x - x^*` of a method value runs with the stochastic gradient

.. math:: g_t = \lambda_i\, e(y_t) + s_i\,\xi_{t,i}, \qquad \xi_{t,i} \sim \mathcal N(0, 1)\ \text{iid over } (t, i),

evaluated at the method's gradient point :math:`y_t` (``Method.gradient_point``), one step being
``Rule.step`` of :func:`numerics.rule_of` — the same value every other path runs.  Directions that share
:math:`\lambda` (and start) are independent replicas; integer ``groups`` label them, and at each recorded
step the sums :math:`\sum e^2` and :math:`\sum e^4` over the members of each group are kept
(:class:`NoisyMoments`).  From them: the Monte Carlo mean of :math:`\mathbb E[e^2]` per group and its
standard error (:meth:`NoisyMoments.mean_e2`, :meth:`NoisyMoments.stderr_e2`), and the expected loss
:math:`\sum_g w_g \mathbb E[e_g^2]` with :math:`w_g = m_g\lambda_g/2` for :math:`m_g` directions of one
spectrum (:meth:`NoisyMoments.loss`).

The seam :func:`noisy_moments` is fixed: a fused kernel with in-kernel random numbers can replace it and
return the same :class:`NoisyMoments`.  Random numbers: NumPy's ``Generator`` over the counter-based
Philox 4x64-10 bit generator (Salmon, Moraes, Dror & Shaw, SC'11), seeded with ``seed``, one
``standard_normal(d)`` draw per step (NumPy's ziggurat), so a run is reproducible for a given seed.
A run whose error overflows float64 stops; the rows from that record on are ``inf`` (divergence is a result).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from . import validation as v
from .methods import rule_of
from .protocol import Method

__all__ = ["NoisyMoments", "noisy_moments", "group_labels"]


@dataclass(frozen=True)
class NoisyMoments:
    r"""Sums over the members of each of G groups at R recorded steps: ``count[G]``, ``sum_e2[R, G]``, ``sum_e4[R, G]``."""

    record_steps: np.ndarray
    count: np.ndarray
    sum_e2: np.ndarray
    sum_e4: np.ndarray

    def mean_e2(self) -> np.ndarray:
        r"""Monte Carlo estimate of :math:`\mathbb E[e^2]` per (recorded step, group)."""
        return self.sum_e2 / self.count

    def stderr_e2(self) -> np.ndarray:
        r"""Standard error of :meth:`mean_e2`: :math:`\sqrt{s^2/n}` with the unbiased sample variance
        :math:`s^2 = (\sum e^4 - n\,\bar{e^2}^2)/(n-1)` of :math:`e^2`; a group of one member has none
        (ParameterError)."""
        n = self.count.astype(np.float64)
        if np.any(n < 2):
            raise v.ParameterError("groups", "groups of at least 2 members (a standard error needs two samples)",
                                   int(n.min()))
        with np.errstate(invalid="ignore", over="ignore"):
            m = self.sum_e2 / n
            s2 = np.maximum(self.sum_e4 - n * m * m, 0.0) / (n - 1)
            return np.sqrt(s2 / n)

    def loss(self, weights) -> tuple[np.ndarray, np.ndarray]:
        r"""(mean, standard error) of :math:`\sum_g w_g\,\mathbb E[e_g^2]` at each recorded step (groups independent)."""
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != self.count.shape:
            raise v.ParameterError("weights", f"one weight per group (shape {self.count.shape})", w.shape)
        with np.errstate(invalid="ignore", over="ignore"):
            return self.mean_e2() @ w, np.sqrt((self.stderr_e2() ** 2) @ (w * w))


def group_labels(values) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, integer label of each entry): directions with equal eigenvalues form one group."""
    distinct, labels = np.unique(np.asarray(values, dtype=np.float64), return_inverse=True)
    return distinct, labels.astype(np.int64)


def noisy_moments(method: Method, params: Mapping[str, float], eigenvalues, e0, noise_std, steps: int, seed: int,
                  record_steps, groups) -> NoisyMoments:
    r"""Run ``method`` with the stochastic gradient of the module docstring; per-group sums of :math:`e^2, e^4`.

    ``eigenvalues``, ``e0`` (the initial error :math:`x_0 - x^*`), ``noise_std`` (:math:`s_i`, or one number) and
    ``groups`` (labels 0..G-1) have one entry per direction; ``record_steps`` are steps in 0..``steps``
    (0: the start), increasing.
    """
    if not isinstance(method, Method):
        raise TypeError(f"method must be a numerics Method value, got {type(method).__name__}")
    rule = rule_of(method, params)
    lam = v.eigenvalue_array(eigenvalues) if np.ndim(eigenvalues) == 1 else None
    if lam is None:
        raise v.ParameterError("eigenvalues", "a 1-D array of eigenvalues > 0", np.shape(eigenvalues))
    d = lam.size
    e0 = np.asarray(e0, dtype=np.float64)
    if e0.shape != (d,) or not np.all(np.isfinite(e0)):
        raise v.ParameterError("e0", f"finite numbers, one per eigenvalue (shape ({d},))", e0.shape)
    std = np.broadcast_to(np.asarray(noise_std, dtype=np.float64), (d,)).copy()
    if not np.all(np.isfinite(std)) or np.any(std < 0):
        raise v.ParameterError("noise_std", "finite numbers >= 0", "a negative or non-finite entry")
    steps = v.integer("steps", steps, 0)
    seed = v.seed("seed", seed)
    rec = np.asarray(record_steps, dtype=np.int64).ravel()
    if rec.size == 0 or np.any(np.diff(rec) <= 0) or rec[0] < 0 or rec[-1] > steps:
        raise v.ParameterError("record_steps", f"increasing steps in 0..{steps}", rec.tolist()[:8])
    labels = np.asarray(groups)
    if labels.shape != (d,) or not np.issubdtype(labels.dtype, np.integer) or (d and labels.min() < 0):
        raise v.ParameterError("groups", f"integer labels >= 0, one per direction (shape ({d},))", labels.shape)
    G = int(labels.max()) + 1 if d else 0
    count = np.bincount(labels, minlength=G)
    if np.any(count == 0):
        raise v.ParameterError("groups", "labels 0..G-1 each used at least once", int(np.argmin(count)))
    v.check_memory("record_steps", rec.size * max(G, 1), 2)
    sum_e2 = np.full((rec.size, G), np.inf)
    sum_e4 = np.full((rec.size, G), np.inf)
    rng = np.random.Generator(np.random.Philox(seed))
    state = rule.init(e0)
    i = 0

    def record(x) -> bool:
        nonlocal i
        e2 = x * x
        if not np.all(np.isfinite(e2)):
            return False
        sum_e2[i] = np.bincount(labels, weights=e2, minlength=G)
        sum_e4[i] = np.bincount(labels, weights=e2 * e2, minlength=G)
        i += 1
        return True

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if rec[0] == 0 and not record(state[0]):
            raise v.ParameterError("e0", "an initial error whose square is finite in float64", "overflow")
        for t in range(1, steps + 1):
            xi = rng.standard_normal(d)
            state = rule.step(state, lambda y: lam * y + std * xi, t)
            if i < rec.size and rec[i] == t and not record(state[0]):
                break  # diverged: the rows from here on stay inf
            if i == rec.size:
                break
    return NoisyMoments(rec, count, sum_e2, sum_e4)
