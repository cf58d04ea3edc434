r"""Eigen-spectra for diagonal quadratics, reproducible from a seed.

Every generator returns a sorted float64 array of ``dim`` eigenvalues.  Random
spectra take ``seed`` and use ``numpy.random.default_rng(seed)``, so the same seed
gives the same spectrum on every machine.
"""
from __future__ import annotations

import numpy as np

from . import validation as v

__all__ = ["uniform", "geometric", "random_uniform", "explicit", "DEFAULT_SEED"]

DEFAULT_SEED = 20261121


def _mu_L(mu: float, L: float) -> tuple[float, float]:
    mu = v.positive("mu", mu)
    L = v.positive("L", L)
    if L < mu:
        raise v.ParameterError("L", f"a number >= mu = {mu:g}", L)
    return mu, L


def uniform(mu: float, L: float, dim: int) -> np.ndarray:
    """``dim`` equally spaced eigenvalues on [mu, L], both endpoints included (dim >= 2)."""
    mu, L = _mu_L(mu, L)
    dim = v.integer("dim", dim, 2)
    v.check_memory("dim", dim, 1)
    return np.linspace(mu, L, dim)


def geometric(mu: float, L: float, dim: int) -> np.ndarray:
    """``dim`` log-spaced eigenvalues from mu to L, both endpoints included (dim >= 2)."""
    mu, L = _mu_L(mu, L)
    dim = v.integer("dim", dim, 2)
    v.check_memory("dim", dim, 1)
    return np.geomspace(mu, L, dim)


def random_uniform(mu: float, L: float, dim: int, seed: int = DEFAULT_SEED) -> np.ndarray:
    """mu, L and ``dim - 2`` eigenvalues drawn uniformly from (mu, L) with ``seed``; sorted."""
    mu, L = _mu_L(mu, L)
    dim = v.integer("dim", dim, 2)
    v.check_memory("dim", dim, 1)
    rng = np.random.default_rng(seed)
    inner = rng.uniform(mu, L, dim - 2)
    return np.sort(np.concatenate(([mu, L], inner)))


def explicit(values) -> np.ndarray:
    """An explicit list of eigenvalues (each finite and > 0), sorted."""
    return np.sort(v.eigenvalue_array(values))
