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


#: working precision of the compiled fast path: twice the digits kept, so that cancellation of up to 50
#: digits inside the expression still leaves 50 correct ones
_FAST_DIGITS = 2 * PRECISION_DIGITS
_COMPILED: dict = {}


def _check_values(values: Mapping[Any, Any]) -> None:
    """ValueError naming the key of a value that is not a finite real number (NaN, inf, a string, ...)."""
    import math

    for k, v in values.items():
        name = k if isinstance(k, str) else getattr(k, "name", str(k))
        if isinstance(v, bool) or isinstance(v, (int, float)):
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"values[{name!r}] must be a finite real number (got {v!r})")
            continue
        try:
            x = sp.sympify(v)
        except (sp.SympifyError, TypeError, ValueError):
            raise ValueError(f"values[{name!r}] must be a finite real number (got {v!r})") from None
        if x.is_number and (x.is_finite is False or x.is_real is False):
            raise ValueError(f"values[{name!r}] must be a finite real number (got {v!r})")


def _fast(expr: sp.Expr, values: Mapping[Any, Any]):
    r"""``expr`` at ``values`` through a cached ``lambdify(..., "mpmath")`` at :data:`_FAST_DIGITS` digits.

    None when the fast path does not apply (a value that is not an int/float, a free symbol without a
    value, a non-real result); the SymPy path (``subs`` + ``N``) then decides.  Substituting into the tree
    and evaluating with ``N`` costs about 10 ms per call, which made a 10,000-point sweep take minutes.
    """
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values.values()):
        return None
    entry = _COMPILED.get(expr)
    if entry is None:
        symbols = sorted(expr.free_symbols, key=lambda s: s.name)
        try:
            fn = sp.lambdify(symbols, expr, modules="mpmath")
        except Exception:  # noqa: BLE001 - an expression lambdify cannot print: use the SymPy path
            fn = None
        entry = _COMPILED[expr] = (symbols, fn)
    symbols, fn = entry
    if fn is None:
        return None
    by_name = {k if isinstance(k, str) else getattr(k, "name", None): v for k, v in values.items()}
    if any(s.name not in by_name for s in symbols):
        return None
    with mpmath.workdps(_FAST_DIGITS):
        try:
            value = fn(*(mpmath.mpf(by_name[s.name]) for s in symbols))
        except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
            return None
        if isinstance(value, bool) or not isinstance(value, (mpmath.mpf, int, float)):
            return None
        value = mpmath.mpf(value)
        if not mpmath.isfinite(value):
            return None
    with mpmath.workdps(PRECISION_DIGITS):
        return +value  # rounded to 50 digits


def to_mpf(expr: Any, values: Mapping[Any, Any] | None = None) -> mpmath.mpf:
    """``expr`` with ``values`` substituted (keys: symbols or their names), as a 50-digit mpmath number.

    Raises ``ValueError`` if a value is not a finite real number (naming its key), a free symbol is
    left or the value is not real.  Evaluated through a cached mpmath function of the expression at
    100 digits when every value is an int or float, else by SymPy substitution and ``N``.
    """
    expr = sp.sympify(expr)
    if values:
        _check_values(values)
        fast = _fast(expr, values)
        if fast is not None:
            return fast
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
