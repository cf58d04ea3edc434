r"""Monte Carlo of stochastic gradients on a diagonal quadratic: the one seam, :func:`noisy_moments`.

Per eigen-direction :math:`i` the error :math:`e = x - x^*` of a method value runs with the stochastic gradient

.. math:: g_t = \lambda_i\, e(y_t) + s_i\,\xi(\text{seed}, t, i), \qquad \xi \sim \mathcal N(0, 1)\ \text{iid over } (t, i),

(or, with ``dist="rademacher"``, :math:`\xi = \pm 1` with probability 1/2 each: the same mean and variance),

evaluated at the method's gradient point :math:`y_t` (``Method.gradient_point``).  Directions that share
:math:`\lambda` (and start) are independent replicas; integer ``groups`` label them, and at each recorded
step the sums :math:`\sum e^2` and :math:`\sum e^4` over the members of each group are kept
(:class:`NoisyMoments`, the one result type of both backends).  From them: the Monte Carlo mean of
:math:`\mathbb E[e^2]` per group and its standard error (:meth:`NoisyMoments.mean_e2`,
:meth:`NoisyMoments.stderr_e2`), and the expected loss :math:`\sum_g w_g \mathbb E[e_g^2]` with
:math:`w_g = m_g\lambda_g/2` for :math:`m_g` directions of one spectrum (:meth:`NoisyMoments.loss`).

Random numbers: :math:`\xi(\text{seed}, t, i)` of :mod:`numerics.random` (Philox4x32-10, Salmon, Moraes, Dror &
Shaw, SC'11; key = the seed, counter = (call, step t); Box–Muller, or one bit per draw for ``rademacher``), a pure
function of (seed, t, i).

Backends (``backend``):

* ``"numpy"`` — the reference: one ``Rule.step`` of :func:`numerics.rule_of` per step (the value every other
  path runs) fed :func:`numerics.random.standard_normals` ``(seed, t, d)`` (``rademacher``:
  :func:`numerics.random.rademacher_signs`) for t = 1, 2, …, and
  :math:`g = \lambda y + s\xi` written ``lam * y + std * xi`` as in the kernel;
* ``"numba"`` — the fused kernel :func:`numerics.kernels.noisy.noisy_moments` (the same normals drawn inside
  the kernel, the same IEEE operations per element), so the **iterates are the same bits**; the group sums
  differ only in the order of the additions (the kernel sums whole tiles of 64 with reassociated additions and
  then chunks of :data:`~numerics.kernels.noisy.CHUNK` in order; NumPy's ``bincount`` sums in index order), so
  they agree bit for bit for singleton groups and to rounding (relative :math:`\sim 10^{-15}`) otherwise;
* ``"auto"`` — ``numpy`` for a small problem (the last recorded step at most
  :data:`numerics.backends.SMALL_STEPS` and directions × steps at most :data:`numerics.backends.SMALL_WORK`,
  the rule of :func:`numerics.backends.resolve_backend` for noise-free runs), else ``numba``.

Divergence is a result: a run whose error exceeds :data:`DIVERGENCE_LIMIT` (so that :math:`e^4` stays finite)
reports that step and +inf from then on — on the NumPy path every later row, in the kernel the later rows of
the groups with a member in a frozen block of directions.  The run stops at the last recorded step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from . import random as rng
from . import validation as v
from .protocol import Method

__all__ = ["NoisyMoments", "noisy_moments", "noisy_iterates", "group_labels", "resolve_noisy_backend",
           "NOISY_BACKENDS", "DIVERGENCE_LIMIT"]

NOISY_BACKENDS = ("auto", "numpy", "numba")
#: a run (NumPy) or a block of directions (kernel) stops when one |e_i| exceeds this (e^4 = 1e300 is finite)
DIVERGENCE_LIMIT = 1e75


@dataclass(frozen=True)
class NoisyMoments:
    r"""Per-group moments of the error at the recorded steps of one noisy run (either backend).

    ``record_steps`` [R] (int64), ``count`` [G] (members per group), ``sum_e2`` and ``sum_e4`` [R, G]
    (:math:`\sum_{i \in g} e_{t,i}^2` and :math:`\sum_{i \in g} e_{t,i}^4`, float64; +inf after a divergence)."""

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


def resolve_noisy_backend(backend: str, directions: int, steps: int) -> str:
    """``numpy`` or ``numba`` for ``backend`` (``auto``: numpy for a small problem, as for noise-free runs)."""
    from .backends import SMALL_STEPS, SMALL_WORK

    if backend not in NOISY_BACKENDS:
        raise v.ParameterError("backend", f"one of {', '.join(NOISY_BACKENDS)} (the CUDA noisy kernel has not run "
                               "on a GPU)", backend)
    if backend == "auto":
        return "numpy" if steps <= SMALL_STEPS and directions * steps <= SMALL_WORK else "numba"
    return backend


def noisy_moments(method, params: Mapping[str, float], eigenvalues, e0, noise_std, steps: int, seed: int,
                  record_steps, groups, *, backend: str = "auto", block: int | None = None,
                  dist: str = "gaussian") -> NoisyMoments:
    r"""Run ``method`` with the stochastic gradient of the module docstring; per-group sums of :math:`e^2, e^4`.

    ``method``: a :class:`~numerics.protocol.Method` value (or a built-in method name) with ``params``;
    ``eigenvalues`` λ [d] (> 0), ``e0`` (the initial error :math:`x_0 - x^*`, :math:`|e_0| \le` 1e75),
    ``noise_std`` (:math:`s_i` ≥ 0, one number or one per direction) and ``groups`` (integer labels 0..G−1, each
    used) have one entry per direction; ``steps`` T ≥ 0; ``seed`` in [0, 2⁶⁴) (the Philox key);
    ``record_steps`` strictly increasing integers in 0..T (0: the start).  ``backend``: ``auto``, ``numpy`` or
    ``numba`` (module docstring); ``block``: the kernel's elements per block (results do not depend on it);
    ``dist``: the law of ξ, ``gaussian`` (N(0, 1)) or ``rademacher`` (±1) (:data:`numerics.noise.DISTRIBUTIONS`).
    """
    from .noise import DISTRIBUTIONS
    from .methods import form, rule_of

    value = form(method) if isinstance(method, str) else method
    if not isinstance(value, Method):
        raise TypeError(f"method must be a numerics Method value or a method name, got {type(method).__name__}")
    rule = rule_of(value, {} if params is None else params)
    if dist not in DISTRIBUTIONS:
        raise v.ParameterError("dist", f"one of {', '.join(DISTRIBUTIONS)}", dist)
    lam = v.eigenvalue_array(eigenvalues) if np.ndim(eigenvalues) == 1 else None
    if lam is None:
        raise v.ParameterError("eigenvalues", "a 1-D array of eigenvalues > 0", np.shape(eigenvalues))
    d = lam.size
    e0 = np.asarray(e0, dtype=np.float64)
    if e0.shape != (d,) or not np.all(np.isfinite(e0)):
        raise v.ParameterError("e0", f"finite numbers, one per eigenvalue (shape ({d},))", e0.shape)
    if np.any(np.abs(e0) > DIVERGENCE_LIMIT):
        raise v.ParameterError("e0", f"entries of magnitude <= {DIVERGENCE_LIMIT:g} (e^4 must be finite)",
                               float(np.max(np.abs(e0))))
    std = np.broadcast_to(np.asarray(noise_std, dtype=np.float64), (d,)).copy() \
        if np.ndim(noise_std) == 0 or np.shape(noise_std) == (d,) else None
    if std is None or not np.all(np.isfinite(std)) or np.any(std < 0):
        raise v.ParameterError("noise_std", f"finite numbers >= 0: one, or one per direction ({d})",
                               "a negative or non-finite entry" if std is not None else np.shape(noise_std))
    steps = v.integer("steps", steps, 0)
    rng.seed_key(seed)  # ParameterError 'seed' outside [0, 2**64)
    seed = int(seed)
    rec = np.asarray(record_steps).ravel()
    if rec.size == 0 or rec.dtype.kind not in "iu" or np.any(np.diff(rec.astype(np.int64)) <= 0) or rec[0] < 0 \
            or rec[-1] > steps:
        raise v.ParameterError("record_steps", f"strictly increasing integers in 0..{steps}", rec.tolist()[:8])
    rec = rec.astype(np.int64)
    labels = np.asarray(groups)
    if labels.shape != (d,) or not np.issubdtype(labels.dtype, np.integer) or (d and labels.min() < 0):
        raise v.ParameterError("groups", f"integer labels >= 0, one per direction (shape ({d},))", labels.shape)
    G = int(labels.max()) + 1 if d else 0
    count = np.bincount(labels, minlength=G)
    if np.any(count == 0):
        raise v.ParameterError("groups", "labels 0..G-1 each used at least once", int(np.argmin(count)))
    v.check_memory("record_steps", rec.size * max(G, 1), 2)
    if resolve_noisy_backend(backend, d, int(rec[-1])) == "numba":
        from .kernels import noisy as kernel

        sig = float(std[0]) if np.ndim(noise_std) == 0 else std
        return kernel.noisy_moments(value, rule.params, lam, e0, sig, steps, seed, rec, labels.astype(np.int64),
                                    block=block, dist=dist)
    if block is not None:
        raise v.ParameterError("block", "only with backend numba (the kernel's block size)", block)
    sum_e2 = np.full((rec.size, G), np.inf)
    sum_e4 = np.full((rec.size, G), np.inf)
    state = rule.init(e0.copy())
    draws = rng.STREAMS[dist]
    i = 0

    def record(x) -> None:
        nonlocal i
        e2 = x * x
        sum_e2[i] = np.bincount(labels, weights=e2, minlength=G)
        sum_e4[i] = np.bincount(labels, weights=e2 * e2, minlength=G)
        i += 1

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if rec[0] == 0:
            record(state[0])
        for t in range(1, int(rec[-1]) + 1):
            xi = draws(seed, t, d)
            state = rule.step(state, lambda y: lam * y + std * xi, t)
            if rec[i] == t:
                record(state[0])
            if i == rec.size or np.any(np.abs(state[0]) > DIVERGENCE_LIMIT) or not np.all(np.isfinite(state[0])):
                break  # diverged: the rows from here on stay inf
    return NoisyMoments(rec, count.astype(np.int64), sum_e2, sum_e4)


def noisy_iterates(method, params: Mapping[str, float], eigenvalues, e0, noise_std, seed: int,
                   record_steps, *, dist: str = "gaussian") -> np.ndarray:
    r"""The errors :math:`e_t = x_t - x^*` of the first ``d`` directions of a noisy run, at ``record_steps`` (rows).

    The NumPy reference path of :func:`noisy_moments` (``Rule.step`` fed ``lam * y + std * xi`` with
    :math:`\xi = ` :func:`numerics.random.standard_normals` ``(seed, t, d)``), keeping the iterates instead of
    their sums.  :math:`\xi(\text{seed}, t, i)` is a pure function of :math:`(\text{seed}, t, i)`, so these are
    the iterates of directions :math:`0..d-1` of every :func:`noisy_moments` run with the same seed and start
    (on both backends: the same bits), e.g. the first replica of ``simulate --noise`` (tested against the seam's
    sums, ``tests/test_simulate_noise_options.py``).  Arguments as :func:`noisy_moments` (``dist``: its stream,
    :data:`numerics.random.STREAMS`); memory is
    ``len(record_steps) × d`` floats.  After a divergence (:data:`DIVERGENCE_LIMIT`) the rows are NaN.
    """
    from .methods import form, rule_of

    value = form(method) if isinstance(method, str) else method
    if not isinstance(value, Method):
        raise TypeError(f"method must be a numerics Method value or a method name, got {type(method).__name__}")
    rule = rule_of(value, {} if params is None else params)
    lam = v.eigenvalue_array(eigenvalues)
    d = lam.size
    e0 = np.asarray(e0, dtype=np.float64)
    if e0.shape != (d,) or not np.all(np.isfinite(e0)):
        raise v.ParameterError("e0", f"finite numbers, one per eigenvalue (shape ({d},))", e0.shape)
    std = np.broadcast_to(np.asarray(noise_std, dtype=np.float64), (d,)).copy() \
        if np.ndim(noise_std) == 0 or np.shape(noise_std) == (d,) else None
    if std is None or not np.all(np.isfinite(std)) or np.any(std < 0):
        raise v.ParameterError("noise_std", f"finite numbers >= 0: one, or one per direction ({d})",
                               "a negative or non-finite entry" if std is not None else np.shape(noise_std))
    from .noise import DISTRIBUTIONS

    if dist not in DISTRIBUTIONS:
        raise v.ParameterError("dist", f"one of {', '.join(DISTRIBUTIONS)}", dist)
    draws = rng.STREAMS[dist]
    rng.seed_key(seed)
    seed = int(seed)
    rec = np.asarray(record_steps).ravel()
    if rec.size == 0 or rec.dtype.kind not in "iu" or np.any(np.diff(rec.astype(np.int64)) <= 0) or rec[0] < 0:
        raise v.ParameterError("record_steps", "strictly increasing integers >= 0", rec.tolist()[:8])
    rec = rec.astype(np.int64)
    v.check_memory("record_steps", rec.size, d)
    out = np.full((rec.size, d), np.nan)
    state = rule.init(e0.copy())
    i = 0
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if rec[0] == 0:
            out[0] = state[0]
            i = 1
        for t in range(1, int(rec[-1]) + 1):
            xi = draws(seed, t, d)
            state = rule.step(state, lambda y: lam * y + std * xi, t)
            if rec[i] == t:
                out[i] = state[0]
                i += 1
            if i == rec.size or np.any(np.abs(state[0]) > DIVERGENCE_LIMIT) or not np.all(np.isfinite(state[0])):
                break
    return out
