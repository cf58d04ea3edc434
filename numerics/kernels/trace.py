r"""Turn a :class:`~numerics.methods.Form`'s two arithmetic functions into C expressions.

A form's ``lookahead(x, s, p)`` and ``update(x, s, g, p)`` use only ``+ - * /``, unary
minus, integer powers and float constants (numerics.methods), so calling them on
:class:`Symbolic` placeholders records each result as an expression tree.  The CUDA
kernel (:mod:`numerics.kernels.cuda`) pastes the printed expressions into its per-element
update, so a new method joins the GPU path with no CUDA written by hand: registering its
Form is enough.

The printed expressions are fully parenthesised and use only C/Python-common syntax, so
the same text evaluates in Python (the test suite checks it against the Form on random
inputs without a GPU).
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import validation as v

__all__ = ["Symbolic", "FormExpressions", "trace_form"]


class Symbolic:
    """A scalar placeholder that records arithmetic as C expression text."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    @staticmethod
    def _wrap(other) -> "Symbolic":
        if isinstance(other, Symbolic):
            return other
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            raise TypeError(f"a Form may combine its values only with numbers, got {type(other).__name__}")
        return Symbolic(repr(float(other)))

    def _bin(self, op: str, other, reverse: bool = False) -> "Symbolic":
        o = self._wrap(other)
        a, b = (o, self) if reverse else (self, o)
        return Symbolic(f"({a.text} {op} {b.text})")

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
        return Symbolic(f"(-{self.text})")

    def __pos__(self):
        return self

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= 8:
            raise TypeError("a Form may raise a value only to a small non-negative integer power")
        if k == 0:
            return Symbolic("1.0")
        out = self
        for _ in range(k - 1):
            out = out * self
        return out

    def __bool__(self):
        raise TypeError("a Form may not branch on its values (arithmetic only)")

    def __repr__(self):
        return f"Symbolic({self.text!r})"


@dataclass(frozen=True)
class FormExpressions:
    """The C text of one step: ``y`` (gradient point), ``x_new`` and ``s_new``.

    Free names: ``x``, ``s`` (state), ``g`` (gradient at y, only in x_new/s_new) and
    ``p0, p1, ...`` (the form's parameters in order).
    """

    lookahead: str
    x_new: str
    s_new: str
    n_params: int


def trace_form(form) -> FormExpressions:
    """Record ``form.lookahead`` and ``form.update`` as C expressions (see the module docstring)."""
    p = tuple(Symbolic(f"p{k}") for k in range(len(form.params)))
    x, s, g = Symbolic("x"), Symbolic("s"), Symbolic("g")
    try:
        y = Symbolic._wrap(form.lookahead(x, s, p))
        out = form.update(x, s, g, p)
        x_new, s_new = (Symbolic._wrap(o) for o in out)
    except TypeError as exc:
        raise v.ParameterError("form", f"a Form with arithmetic-only lookahead/update ({exc})",
                               f"{form.method}/{form.name}") from None
    return FormExpressions(y.text, x_new.text, s_new.text, len(p))
