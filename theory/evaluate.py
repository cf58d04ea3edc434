r"""Evaluate SymPy results to numbers, accurately.

Theoretical rates are evaluated from their closed forms with mpmath at high
precision (``mp.dps = 50``), never by ``numpy.linalg.eigvals`` on tuned parameters:
at a double root eigvals is accurate only to about ``sqrt(eps) ~ 1e-8``, while the
closed form evaluated in 50 digits is good to far below ``1e-9`` (STYLE.md, example 5).
"""
from __future__ import annotations

from typing import Any, Mapping

import mpmath
import sympy as sp

__all__ = ["to_float", "to_mpf", "PRECISION_DIGITS"]

PRECISION_DIGITS = 50


def _subs_map(expr: sp.Expr, values: Mapping[Any, Any]) -> dict[sp.Symbol, Any]:
    by_name = {s.name: s for s in expr.free_symbols}
    out: dict[sp.Symbol, Any] = {}
    for k, v in values.items():
        sym = by_name.get(k) if isinstance(k, str) else k
        if sym is None:
            continue
        out[sym] = sp.Float(v, PRECISION_DIGITS) if isinstance(v, float) else sp.sympify(v)
    return out


def to_mpf(expr: Any, values: Mapping[Any, Any] | None = None) -> mpmath.mpf:
    """``expr`` with ``values`` substituted (keys: symbols or their names), as a 50-digit mpmath number.

    Raises ``ValueError`` if a free symbol is left or the value is not real.
    """
    expr = sp.sympify(expr)
    if values:
        expr = expr.subs(_subs_map(expr, values))
    if expr.free_symbols:
        raise ValueError(f"cannot evaluate {expr}: free symbols {sorted(map(str, expr.free_symbols))} have no value")
    value = sp.N(expr, PRECISION_DIGITS)
    if not value.is_real:
        re, im = value.as_real_imag()
        if abs(sp.N(im, PRECISION_DIGITS)) > sp.Float(10) ** (-(PRECISION_DIGITS - 10)):
            raise ValueError(f"{expr} evaluates to a non-real number {value}")
        value = re
    with mpmath.workdps(PRECISION_DIGITS):
        return mpmath.mpf(str(value))


def to_float(expr: Any, values: Mapping[Any, Any] | None = None) -> float:
    """``expr`` evaluated at ``values`` in 50-digit arithmetic, then rounded to a Python float."""
    return float(to_mpf(expr, values))
