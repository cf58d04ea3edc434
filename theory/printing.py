r"""SymPy's LaTeX printer, with sums written in the order a mathematician writes them.

SymPy orders the terms of a sum lexicographically, so :math:`1 - \eta\lambda` prints as
``- \eta \lambda + 1`` and :math:`|1 - \eta L|` as ``|L\eta - 1|``.  :class:`MathLatexPrinter`
changes only the order of printing, never the expression:

* a sum whose first term is negative starts with its positive terms instead, a positive number first
  (:math:`-\eta\lambda + 1 \to 1 - \eta\lambda`);
* :math:`|a|` with a negative constant inside is printed as :math:`|-a|` (:math:`|L\eta - 1| \to
  |1 - L\eta|`), which is the same number.

The printing methods overridden are ``LatexPrinter._print_Add`` and ``_print_Abs`` of SymPy's
``sympy/printing/latex.py`` (same signatures; the bodies follow SymPy's, with the reordering added).
"""
from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = ["MathLatexPrinter", "latex"]


class MathLatexPrinter(LatexPrinter):
    """:class:`sympy.printing.latex.LatexPrinter` with positive terms of a sum first."""

    printmethod = "_latex"

    def _print_Add(self, expr, order=None):
        terms = list(self._as_ordered_terms(expr, order=order))
        if terms and terms[0].could_extract_minus_sign():
            positive = [t for t in terms if not t.could_extract_minus_sign()]
            if positive:
                positive.sort(key=lambda t: not t.is_Number)  # stable: a positive number leads
                terms = positive + [t for t in terms if t.could_extract_minus_sign()]
        tex = ""
        for i, term in enumerate(terms):
            if i == 0:
                pass
            elif term.could_extract_minus_sign():
                tex += " - "
                term = -term
            else:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = r"\left(%s\right)" % term_tex
            tex += term_tex
        return tex

    def _print_Abs(self, expr, exp=None):
        arg = expr.args[0]
        if isinstance(arg, sp.Add) and any(t.is_Number and t.is_negative for t in arg.args):
            arg = -arg
        tex = r"\left|{%s}\right|" % self._print(arg)
        return r"%s^{%s}" % (tex, exp) if exp is not None else tex


def latex(expr: Any, **settings: Any) -> str:
    r"""``expr`` as LaTeX, in a mathematician's term order (:class:`MathLatexPrinter`)."""
    settings.setdefault("ln_notation", True)  # the report writes ln, not log
    return MathLatexPrinter(settings).doprint(expr)
