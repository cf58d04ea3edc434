r"""Shared machinery for two-step methods on quadratics: the 2×2 companion iteration matrix.

A method whose error obeys, on one eigenvalue :math:`\lambda` of :math:`A`,

.. math::  e_{t+1} = b\,e_t - c\,e_{t-1}

(heavy ball: :math:`b = 1+\beta-\alpha\lambda`, :math:`c = \beta`; Nesterov:
:math:`b = (1+\beta)(1-\alpha\lambda)`, :math:`c = \beta(1-\alpha\lambda)`) has, in the
state :math:`(e_t, e_{t-1})`, the iteration matrix :math:`M = [[b, -c], [1, 0]]` with
characteristic polynomial :math:`z^2 - b z + c`.  Its spectral radius is

.. math::  \rho = \tfrac12\bigl(|b| + \sqrt{b^2 - 4c}\bigr)  \ (b^2 \ge 4c), \qquad
           \rho = \sqrt{c}  \ (b^2 < 4c).

:func:`quadratic_roots_derivation` checks these facts with SymPy once, generically in
``b`` and ``c``; the method modules substitute their ``b(λ)`` and ``c(λ)``.
:func:`radius` evaluates the closed form in 50-digit mpmath arithmetic: at a double root
(``b² = 4c``, the tuned parameters) it is accurate far below 1e-9, unlike
``numpy.linalg.eigvals`` (about 1e-8 there).

Source: the companion-matrix treatment of Polyak, "Some methods of speeding up the
convergence of iteration methods", USSR Comp. Math. & Math. Phys. 4(5), 1964; Lessard,
Recht & Packard, SIAM J. Optim. 26(1), 2016, Sec. 2.
"""
from __future__ import annotations

from functools import cache
from typing import Any

import mpmath
import sympy as sp

from .derivation import Derivation, Step
from .evaluate import PRECISION_DIGITS

__all__ = [
    "z",
    "companion",
    "char_poly",
    "one_step_matrix",
    "quadratic_roots_derivation",
    "radius",
    "radius_expr",
]

z = sp.Symbol("z")
_b = sp.Symbol("b", real=True)
_c = sp.Symbol("c", real=True)
_w = sp.Symbol("w", positive=True)  # w = sqrt(4c - b^2) in the complex regime
_s = sp.Symbol("s", positive=True)  # s = sqrt(b^2 - 4c) in the real regime


def companion(b: Any, c: Any) -> sp.Matrix:
    r"""The iteration matrix :math:`[[b, -c], [1, 0]]` of :math:`e_{t+1} = b e_t - c e_{t-1}`."""
    return sp.Matrix([[b, -c], [1, 0]])


def char_poly(M: sp.Matrix) -> sp.Expr:
    r""":math:`\det(zI - M)` expanded in ``z``."""
    return sp.expand((z * sp.eye(2) - M).det())


def one_step_matrix(update: sp.Expr, e: sp.Symbol, e_prev: sp.Symbol) -> sp.Matrix:
    r"""Read the iteration matrix off a linear update ``e_{t+1} = update(e, e_prev)``.

    The first row holds the coefficients of ``e`` and ``e_prev`` in the expanded update
    (computed by SymPy, not typed); the second row shifts ``e`` into ``e_prev``.
    """
    u = sp.expand(update)
    if sp.expand(u - u.coeff(e) * e - u.coeff(e_prev) * e_prev) != 0:
        raise ValueError(f"update {update} is not linear homogeneous in {e}, {e_prev}")
    return sp.Matrix([[sp.factor(u.coeff(e)), sp.factor(u.coeff(e_prev))], [1, 0]])


def radius_expr(b: Any, c: Any) -> sp.Expr:
    r"""Spectral radius of :math:`[[b,-c],[1,0]]` as a SymPy ``Piecewise`` in ``b`` and ``c``."""
    return sp.Piecewise(
        ((sp.Abs(b) + sp.sqrt(b**2 - 4 * c)) / 2, b**2 - 4 * c >= 0),
        (sp.sqrt(c), True),
    )


def radius(b: Any, c: Any) -> mpmath.mpf:
    r"""Spectral radius of :math:`[[b,-c],[1,0]]` for numbers ``b``, ``c``, in 50-digit mpmath.

    :math:`\tfrac12(|b| + \sqrt{b^2-4c})` when :math:`b^2 \ge 4c` (real roots), else
    :math:`\sqrt{c}` (complex pair); the closed form of :func:`quadratic_roots_derivation`.
    """
    with mpmath.workdps(PRECISION_DIGITS):
        b = mpmath.mpf(b)
        c = mpmath.mpf(c)
        disc = b * b - 4 * c
        if disc >= 0:
            return (abs(b) + mpmath.sqrt(disc)) / 2
        return mpmath.sqrt(c)


@cache
def quadratic_roots_derivation() -> Derivation:
    r"""Roots and spectral radius of the companion matrix :math:`[[b, -c], [1, 0]]` (b, c real)."""
    M = companion(_b, _c)
    p = char_poly(M)
    r_plus = (_b + sp.sqrt(_b**2 - 4 * _c)) / 2
    r_minus = (_b - sp.sqrt(_b**2 - 4 * _c)) / 2
    d = Derivation(
        topic="heavy-ball",
        title=r"Two-step recurrences: roots of $z^2 - bz + c$",
        symbols={"b": _b, "c": _c},
        source="Polyak (1964); Lessard, Recht & Packard (2016), Sec. 2",
    )
    d.add(Step.identity("characteristic polynomial", (z * sp.eye(2) - M).det(), z**2 - _b * z + _c,
                        r"$\det(zI - M)$ of the companion matrix $M = \begin{pmatrix} b & -c\\ 1 & 0\end{pmatrix}$."))
    d.add(Step.solve("roots", p, z, [r_plus, r_minus], r"The quadratic formula for $z^2 - bz + c = 0$."))
    d.add(Step.identity("product of the roots", sp.Mul(r_plus, r_minus, evaluate=False), _c,
                        r"Vieta: the two roots multiply to $c$."))
    # complex regime: b^2 < 4c, write 4c - b^2 = w^2 with w > 0; the roots are (b ± i w)/2
    zc = (_b + sp.I * _w) / 2
    d.add(Step.identity("complex roots have modulus sqrt(c)",
                        sp.Mul(zc, sp.conjugate(zc), evaluate=False), (_b**2 + _w**2) / 4,
                        r"$z\bar z$ for $z = (b + iw)/2$, $w = \sqrt{4c - b^2} > 0$; and $(b^2 + w^2)/4 = c$."))
    # real regime: b^2 >= 4c, write b^2 - 4c = s^2; the larger modulus is (|b| + s)/2 >= |b|/2
    Bp = sp.Symbol("B", positive=True)  # B = |b|
    rho_real = (Bp + sp.sqrt(Bp**2 - 4 * _c)) / 2
    d.add(Step.sign("real-regime radius increases with |b|",
                    sp.diff(rho_real, Bp).subs(sp.sqrt(Bp**2 - 4 * _c), _s), ">",
                    r"$\frac{\mathrm{d}}{\mathrm{d}|b|}\,\tfrac12\bigl(|b| + \sqrt{b^2 - 4c}\bigr) = \tfrac12(1 + "
                    r"|b|/s)$ with $s = \sqrt{b^2 - 4c} > 0$."))
    d.results.update({"char_poly": p, "root_plus": r_plus, "root_minus": r_minus,
                      "radius": radius_expr(_b, _c)})
    return d
