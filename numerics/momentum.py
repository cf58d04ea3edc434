r"""Heavy ball (Polyak form) and Nesterov (Lessard form) as :class:`~numerics.methods.Form` values.

Both keep the previous iterate as state (``s = x_{t-1}``, ``aux_init="copy"``, so the first
step has no momentum).  Parameters ``p = (alpha, beta)`` with ``alpha > 0`` and ``0 <= beta < 1``.

* Heavy ball (Polyak 1964):
  :math:`x_{t+1} = x_t - \alpha\nabla f(x_t) + \beta(x_t - x_{t-1})`.
* Nesterov's accelerated gradient in the form of Lessard, Recht & Packard (2016), eq. (2.3):
  :math:`y_t = x_t + \beta(x_t - x_{t-1})`, :math:`x_{t+1} = y_t - \alpha\nabla f(y_t)`.

The functions are pure arithmetic (no NumPy calls, no branches), so they run on NumPy
arrays and, unchanged, as scalar code inside numba/CuPy kernels.  Written independently
of theory/: proofs/ checks that one step here equals theory's iteration matrix.
"""
from __future__ import annotations

from .methods import Form, register

__all__ = ["HEAVY_BALL", "NESTEROV"]

_RANGES = {"alpha": (0.0, float("inf"), True, True), "beta": (0.0, 1.0, False, True)}


def _heavy_ball_lookahead(x, s, p):
    return x


def _heavy_ball_update(x, s, g, p):
    r"""x+ = x - alpha g + beta (x - x_prev); the new state is (x+, x)."""
    return x - p[0] * g + p[1] * (x - s), x


def _nesterov_lookahead(x, s, p):
    r"""y = x + beta (x - x_prev): the point where NAG evaluates the gradient."""
    return x + p[1] * (x - s)


def _nesterov_update(x, s, g, p):
    r"""x+ = y - alpha g with y = x + beta (x - x_prev) and g = grad f(y); the new state is (x+, x)."""
    return x + p[1] * (x - s) - p[0] * g, x


HEAVY_BALL = register(
    Form(
        method="heavy-ball",
        name="polyak",
        params=("alpha", "beta"),
        lookahead=_heavy_ball_lookahead,
        update=_heavy_ball_update,
        aux_init="copy",
        ranges=_RANGES,
        formula=r"x_{t+1} = x_t - \alpha\nabla f(x_t) + \beta(x_t - x_{t-1})",
        source="Polyak (1964), USSR Comput. Math. Math. Phys. 4(5)",
    ),
    default=True,
)

NESTEROV = register(
    Form(
        method="nesterov",
        name="lessard",
        params=("alpha", "beta"),
        lookahead=_nesterov_lookahead,
        update=_nesterov_update,
        aux_init="copy",
        ranges=_RANGES,
        formula=r"y_t = x_t + \beta(x_t - x_{t-1}),\quad x_{t+1} = y_t - \alpha\nabla f(y_t)",
        source="Nesterov (1983); Lessard, Recht & Packard (2016), SIAM J. Optim. 26(1), eq. (2.3)",
    ),
    default=True,
)
