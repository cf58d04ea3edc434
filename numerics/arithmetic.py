r"""The arithmetic a method's update may use beyond ``+ - * / **``: one function per primitive.

A method (:class:`numerics.protocol.Method`) writes its update in plain arithmetic over
array-likes so that the same function runs on four kinds of values:

* NumPy (or CuPy) arrays and Python floats — the reference path (:mod:`numerics.simulate`);
* the tracing placeholders of :mod:`numerics.kernels.trace` — the numba and CUDA kernels are
  generated from the recorded expression;
* SymPy expressions — theory/'s engine (:mod:`theory.linear_engine`) calls the same update on
  symbols.  numerics/ never imports SymPy: a SymPy value can only exist when SymPy is loaded, so
  the function is looked up in ``sys.modules`` (no import statement, no dependency).

Primitives: :func:`sqrt`, :func:`absolute`, :func:`sign`, :func:`minimum`, :func:`maximum`,
:func:`where` (``where(condition, a, b)``; conditions are written with ``<, <=, >, >=``).
The same names as NumPy's ufuncs, so a NumPy user reads them without a table.
"""
from __future__ import annotations

import sys

import numpy as np

__all__ = ["sqrt", "absolute", "sign", "minimum", "maximum", "where", "PRIMITIVES"]

#: primitive name -> (NumPy function, SymPy attribute name or a builder taking the sympy module)
PRIMITIVES = ("sqrt", "absolute", "sign", "minimum", "maximum", "where")


def _traced(args):
    return next((a for a in args if hasattr(a, "_rc_call")), None)


def _sympy(args):
    sp = sys.modules.get("sympy")
    if sp is None:
        return None
    basic = getattr(sp, "Basic", None)
    return sp if basic is not None and any(isinstance(a, basic) for a in args) else None


def _array_module(args):
    for a in args:
        if type(a).__module__.split(".")[0] == "cupy":  # pragma: no cover - GPU only
            return sys.modules["cupy"]
    return np


def _dispatch(name: str, *args):
    tr = _traced(args)
    if tr is not None:
        return tr._rc_call(name, *args)
    sp = _sympy(args)
    if sp is not None:
        if name == "sqrt":
            return sp.sqrt(args[0])
        if name == "absolute":
            return sp.Abs(args[0])
        if name == "sign":
            return sp.sign(args[0])
        if name == "minimum":
            return sp.Min(*args)
        if name == "maximum":
            return sp.Max(*args)
        return sp.Piecewise((args[1], args[0]), (args[2], True))
    xp = _array_module(args)
    return getattr(xp, name)(*args)


def sqrt(a):
    r""":math:`\sqrt a`."""
    return _dispatch("sqrt", a)


def absolute(a):
    r""":math:`|a|`."""
    return _dispatch("absolute", a)


def sign(a):
    r""":math:`\operatorname{sign} a \in \{-1, 0, 1\}`."""
    return _dispatch("sign", a)


def minimum(a, b):
    r""":math:`\min(a, b)`, elementwise."""
    return _dispatch("minimum", a, b)


def maximum(a, b):
    r""":math:`\max(a, b)`, elementwise."""
    return _dispatch("maximum", a, b)


def where(condition, a, b):
    r"""``a`` where ``condition`` holds, else ``b`` (elementwise; NumPy's ``where``)."""
    return _dispatch("where", condition, a, b)
