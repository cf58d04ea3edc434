r"""The ratecheck pytest plugin (entry point ``pytest11``: ``ratecheck = ratecheck.pytest_plugin``).

Installed with ratecheck, it gives every test suite in the environment three fixtures, each a
factory that builds a quadratic problem (a :class:`~ratecheck.numerics.problems.DiagonalQuadratic`,
or with ``dense=True`` / ``y=...`` a :class:`~ratecheck.numerics.problems.DenseQuadratic`):

* ``quadratic_from_eigenvalues(values, *, range_space=False, tolerance=None)`` — explicit eigenvalues
  (a list, an array, or a path to a .txt/.csv/.npy file);
* ``quadratic_from_spectrum(spec, dim=None, *, seed=...)`` — a spectrum spec string
  (:func:`ratecheck.numerics.spectra.parse`: ``"uniform:mu=1,L=100"``, ``"two-clusters:mu=1,L=100"``,
  ``"marchenko-pastur:ratio=0.5"``, ``"eigenvalues:1,3,100"``, ...) with ``dim`` eigenvalues;
* ``quadratic_from_design(X, *, intercept=False, y=None, dense=False, range_space=False)`` — the
  least-squares Hessian :math:`X^\top X/n` of a design matrix (array or file).

Use them with :mod:`ratecheck.testing` and :mod:`ratecheck.adapters`::

    def test_sgd_rate(quadratic_from_design):
        prob = quadratic_from_design(X, intercept=True)
        traj = ratecheck.adapters.torch.run_optimizer(lambda p: torch.optim.SGD(p, lr=eta), prob, steps=2000)
        ratecheck.testing.assert_trajectory_rate(traj, method="gd", problem=prob, params={"lr": eta})

The module imports nothing heavy at load time (pytest loads it in every session of the
environment); the factories import ratecheck when first called.
"""
from __future__ import annotations

import pytest

__all__ = ["quadratic_from_eigenvalues", "quadratic_from_spectrum", "quadratic_from_design"]


@pytest.fixture
def quadratic_from_eigenvalues():
    """Factory: ``(values, *, range_space=False, tolerance=None) -> DiagonalQuadratic``."""
    from ratecheck.numerics.data import from_eigenvalues

    return from_eigenvalues


@pytest.fixture
def quadratic_from_spectrum():
    """Factory: ``(spec, dim=None, *, seed=...) -> DiagonalQuadratic``."""
    from ratecheck.numerics.data import from_spectrum

    return from_spectrum


@pytest.fixture
def quadratic_from_design():
    """Factory: ``(X, *, intercept=False, y=None, dense=False, range_space=False) -> quadratic``."""
    from ratecheck.numerics.data import from_design

    return from_design
