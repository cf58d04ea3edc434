r"""Simulations the report draws: the report (reports/sections) formats and draws, proofs/ runs.

Each function runs a built-in method's array code (numerics/) on a diagonal quadratic and returns the
:class:`~numerics.simulate.Trajectory` (error norms and losses per step); the section puts it in a
figure or a table next to the derived value.  ``tests/test_architecture.py`` checks that the report
itself calls no simulation.
"""
from __future__ import annotations

import numpy as np

from ratecheck import numerics
from ratecheck.numerics.problems import DiagonalQuadratic

__all__ = ["diagonal_run"]


def diagonal_run(method: str, params: dict, eigenvalues, e0, steps: int, form: str | None = None):
    r"""``method`` (built-in, in ``form``) with ``params`` on :math:`f = \tfrac12\sum_i \lambda_i x_i^2` from ``e0``."""
    rule = numerics.rule(method, params, form)
    return numerics.simulate(rule, DiagonalQuadratic(np.asarray(eigenvalues, dtype=float)), np.asarray(e0, dtype=float),
                             steps)
