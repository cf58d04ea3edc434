r"""Trace a :class:`~numerics.protocol.Method` into straight-line code for the fused kernels.

A method's ``gradient_point`` and ``update`` are pure arithmetic (:mod:`numerics.protocol`), so
calling them on :class:`Traced` placeholders records every operation as an expression graph.
:func:`trace_method` does that once per method; :meth:`MethodCode.statements` prints the graph
as single-assignment statements, one per operation, in the order the method computes them, for
two targets:

* ``"python"`` — the body of the numba element function (:mod:`numerics.kernels.cpu`); the test
  suite also ``exec``\ s it against the method on random inputs;
* ``"c"`` — the per-element code of the CUDA kernel (:mod:`numerics.kernels.cuda`).

Nothing is reordered, fused or simplified here: each printed operation has the operands the method
gave it, in the method's association (``eta * (lam * x)`` stays that, never ``(eta * lam) * x``),
so a kernel that compiles the statements without reassociation computes what the NumPy reference
path computes.

Free names in the printed code: ``S0, S1, ...`` (state arrays in declaration order), ``P0, ...``
(parameters), ``Q0, ...`` (per-step scalars), ``lam`` (the eigenvalue: the gradient is
``g = lam * y`` at the gradient point ``y``) and ``t`` (the step counter).  Results: ``Y`` (the
gradient point), ``G`` (the gradient) and ``N0, N1, ...`` (the new state).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .. import validation as v
from ..protocol import Method, Values

__all__ = ["Traced", "MethodCode", "trace_method", "TraceError"]

_BINARY = {"+", "-", "*", "/"}
_COMPARE = {"<", "<=", ">", ">="}
_CALLS = {"sqrt", "absolute", "sign", "minimum", "maximum", "where"}


class TraceError(TypeError):
    """The method's functions did something other than the arithmetic of the protocol."""


class Traced:
    """A placeholder that records arithmetic as a node of an expression graph."""

    __slots__ = ("op", "args")
    __array_priority__ = 1000  # a NumPy scalar on the left defers to our reflected operators

    def __init__(self, op: str, args: tuple):
        self.op = op
        self.args = args

    @staticmethod
    def wrap(other) -> "Traced":
        if isinstance(other, Traced):
            return other
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            try:  # NumPy scalars
                import numpy as np

                if isinstance(other, np.floating | np.integer) and not isinstance(other, np.bool_):
                    return Traced("const", (float(other),))
            except ImportError:  # pragma: no cover
                pass
            raise TraceError(f"a method may combine its values only with numbers, got {type(other).__name__}")
        if not math.isfinite(other):
            raise TraceError(f"a method's constants must be finite, got {other}")
        return Traced("const", (float(other),))

    def _bin(self, op, other, reverse=False):
        o = Traced.wrap(other)
        return Traced(op, (o, self) if reverse else (self, o))

    def __add__(self, o):
        return self._bin("+", o)

    def __radd__(self, o):
        return self._bin("+", o, True)

    def __sub__(self, o):
        return self._bin("-", o)

    def __rsub__(self, o):
        return self._bin("-", o, True)

    def __mul__(self, o):
        return self._bin("*", o)

    def __rmul__(self, o):
        return self._bin("*", o, True)

    def __truediv__(self, o):
        return self._bin("/", o)

    def __rtruediv__(self, o):
        return self._bin("/", o, True)

    def __neg__(self):
        return Traced("neg", (self,))

    def __pos__(self):
        return self

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not math.isfinite(k):
            raise TraceError("a method may raise a value only to a constant power")
        return Traced("pow", (self, Traced("const", (float(k),))))

    def __rpow__(self, base):
        return Traced("pow", (Traced.wrap(base), self))

    def __lt__(self, o):
        return self._bin("<", o)

    def __le__(self, o):
        return self._bin("<=", o)

    def __gt__(self, o):
        return self._bin(">", o)

    def __ge__(self, o):
        return self._bin(">=", o)

    def __bool__(self):
        raise TraceError("a method may not branch on its values (use where(condition, a, b))")

    def __array__(self, *a, **k):
        raise TraceError("a method may not call NumPy functions on its values (use numerics.arithmetic)")

    def _rc_call(self, name, *args):
        if name not in _CALLS:  # pragma: no cover - arithmetic only offers these
            raise TraceError(f"unknown primitive {name}")
        return Traced(name, tuple(Traced.wrap(a) for a in args))

    def __repr__(self):
        return f"Traced({self.op!r})"


def _var(name: str) -> Traced:
    return Traced("var", (name,))


def _fmt_const(c: float, target: str) -> str:
    return repr(float(c))


def _expr(node: Traced, names: dict, target: str) -> str:
    """One operation with its operands already named (leaves printed inline)."""
    def arg(a):
        if a.op == "const":
            return _fmt_const(a.args[0], target)
        if a.op == "var":
            return a.args[0]
        return names[id(a)]

    op, a = node.op, node.args
    if op in _BINARY or op in _COMPARE:
        return f"({arg(a[0])} {op} {arg(a[1])})"
    if op == "neg":
        return f"(-{arg(a[0])})"
    if op == "pow":
        base, ex = arg(a[0]), a[1]
        if ex.op == "const" and float(ex.args[0]).is_integer() and 0 <= ex.args[0] <= 8:
            k = int(ex.args[0])
            if target == "c":
                return "(" + " * ".join([base] * k) + ")" if k else "1.0"
            return f"({base} ** {k})"
        return f"({base} ** {arg(ex)})" if target == "python" else f"pow({base}, {arg(ex)})"
    if op == "sqrt":
        return f"math.sqrt({arg(a[0])})" if target == "python" else f"sqrt({arg(a[0])})"
    if op == "absolute":
        return f"abs({arg(a[0])})" if target == "python" else f"fabs({arg(a[0])})"
    if op == "sign":
        x = arg(a[0])
        return (f"(1.0 if {x} > 0 else (-1.0 if {x} < 0 else 0.0))" if target == "python"
                else f"((REAL)(({x} > 0) - ({x} < 0)))")
    if op in ("minimum", "maximum"):
        fn = {"python": {"minimum": "min", "maximum": "max"}, "c": {"minimum": "fmin", "maximum": "fmax"}}
        return f"{fn[target][op]}({arg(a[0])}, {arg(a[1])})"
    if op == "where":
        c, x, y = arg(a[0]), arg(a[1]), arg(a[2])
        return f"({x} if {c} else {y})" if target == "python" else f"({c} ? {x} : {y})"
    raise TraceError(f"cannot print operation {op}")  # pragma: no cover


@dataclass(frozen=True)
class MethodCode:
    """A traced method: the gradient point ``Y``, the gradient ``G = lam * Y`` and the new state ``N0, N1, ...``."""

    point: Traced
    new: tuple[Traced, ...]
    n_state: int
    n_params: int
    n_scalars: int

    def copies(self) -> set[int]:
        """Indices k whose new state ``N_k`` is an old state array unchanged (e.g. heavy ball's x_prev <- x)."""
        return {k for k, n in enumerate(self.new) if n.op == "var" and n.args[0].startswith("S")}

    def statements(self, target: str = "python") -> list[str]:
        """Single-assignment statements computing ``Y``, ``G`` and ``N0..`` (see the module docstring)."""
        if target not in ("python", "c"):
            raise v.ParameterError("target", "python or c", target)
        names: dict[int, str] = {}
        lines: list[str] = []
        decl = "const REAL " if target == "c" else ""
        bool_decl = "const bool " if target == "c" else ""

        def emit(node: Traced) -> str:
            if node.op == "const":
                return _fmt_const(node.args[0], target)
            if node.op == "var":
                return node.args[0]
            if id(node) in names:
                return names[id(node)]
            for a in node.args:
                if isinstance(a, Traced):
                    emit(a)
            name = f"u{len(names)}"
            names[id(node)] = name
            kind = bool_decl if node.op in _COMPARE else decl
            lines.append(f"{kind}{name} = {_expr(node, names, target)}")
            return name

        lines.append(f"{decl}Y = {emit(self.point)}")
        lines.append(f"{decl}G = lam * Y")
        outs = [emit(n) for n in self.new]
        lines.extend(f"{decl}N{k} = {o}" for k, o in enumerate(outs))
        return lines


def trace_method(m: Method) -> MethodCode:
    """Trace ``m.gradient_point`` and ``m.update`` on placeholders (TraceError if they are not arithmetic)."""
    state = Values((s.name, _var(f"S{k}")) for k, s in enumerate(m.state))
    params = Values((p.name, _var(f"P{k}")) for k, p in enumerate(m.params))
    params.update((q, _var(f"Q{k}")) for k, q in enumerate(m.scalar_names))
    t = _var("t")
    g = _var("G")
    try:
        y = Traced.wrap(m.gradient_point(state, params, t))
        new = m.update(state, g, params, t)
        if not hasattr(new, "keys") or set(new) != set(m.state_names):
            raise TraceError(f"update must return a mapping with the keys {', '.join(m.state_names)}")
        outs = tuple(Traced.wrap(new[n]) for n in m.state_names)
    except (TraceError, TypeError, AttributeError, KeyError, ZeroDivisionError) as exc:
        raise v.ParameterError("method", f"a method whose gradient point and update are arithmetic only ({exc})",
                               m.key) from None
    return MethodCode(y, outs, len(m.state), len(m.params), len(m.scalar_names))
