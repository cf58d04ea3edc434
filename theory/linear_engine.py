r"""The generic linear engine: the theory of a linear first-order method, derived from its update rule.

Input: a method value handed over by proofs/ — any object with ``key``, ``state_names``,
``param_names``, ``scalar_names``, ``update(state, g, params, t)``, ``gradient_point(state, params, t)``
and ``scalars(params, t)`` (``None`` when there are none), and optionally ``period`` (default 1).
numerics/ defines such values (:class:`numerics.protocol.Method`); this module never imports
numerics/: it only *calls* the functions, here on SymPy symbols.

On one eigen-direction of :math:`f(x) = \tfrac12 (x-x^*)^\top A (x-x^*)` with eigenvalue
:math:`\lambda` and :math:`x^* = 0` (every state array is then an error), the gradient at the
method's gradient point :math:`y` is :math:`g = \lambda y`.  Tracing the update with symbols
:math:`s_1, \dots, s_n` for the state gives the new state as expressions; the method is **linear**
when each is a homogeneous polynomial of degree 1 in the :math:`s_i` (checked with ``sympy.Poly``:
a square root, absolute value, sign, min/max or ``where`` of the state is not a polynomial, and the
answer is :class:`NotLinear` — "not linear: no iteration matrix").  Then

1. the iteration matrix :math:`M(\lambda; \theta)` is read off the coefficients, and the step
   "update = M s" is checked by expanding the residual to 0 (a method of period :math:`k` —
   attribute ``period`` — gets the product :math:`M(k)\cdots M(1)` over one period, the step counter
   substituted; a matrix that still depends on :math:`t` is :class:`NotLinear` "time-varying");
2. its characteristic polynomial :math:`p(z) = \det(zI - M)` (Berkowitz), checked against the
   Bareiss determinant and by Cayley–Hamilton :math:`p(M) = 0`; the zero roots are split off,
   :math:`p = z^k q`;
3. the Schur–Cohn/Jury conditions for all roots of :math:`q` inside the unit disc, as symbolic
   inequalities in the coefficients: Jury's closed forms for degree ≤ 3, and for any degree the
   Schur–Cohn recursion (:func:`schur_cohn`, division-free); checked against the root moduli on random
   parameter points (mpmath);
4. where the coefficients of :math:`q` (degree ≤ 2) are affine in :math:`\lambda` — a symbolic sign
   condition, :math:`\partial^2 a_i/\partial\lambda^2 = 0` — the scaled Jury conditions
   :math:`c \le r^2`, :math:`\pm b \le r + c/r` (for :math:`z^2 - bz + c`; :math:`|a_0| \le r` for degree
   1) are affine in :math:`\lambda` for each :math:`r`, so :math:`\{\lambda : \rho(\lambda) \le r\}` is an
   interval and the maximum of :math:`\rho` over :math:`[\mu, L]` sits at an end (``"endpoint"``).

Numbers (:func:`spectral_radius`, :func:`worst_case`) are evaluated from the coefficients of :math:`q`
in 50-digit mpmath: closed forms for degree ≤ 2 (:func:`theory.two_step.radius`), ``mpmath.polyroots``
beyond.  Without the endpoint proof the maximum over :math:`[\mu, L]` is searched numerically (401
points, then golden-section refinement around the best, in 50 digits) and labelled ``"interior"``
(maximiser strictly inside) or ``"numeric"`` (found at an end, not proved).

:func:`optimal_tuning` minimises the worst-case rate over the parameters with a Nelder–Mead simplex
(Nelder & Mead 1965; reflection 1, expansion 2, contraction ½, shrink ½) in 40-digit mpmath, from
several starting points, each run restarted from its best point until it stops improving.  The
parameters are mapped to unconstrained variables (:math:`(0, \infty)`: :math:`\theta = e^u`; a
bounded range :math:`[a, b]`: :math:`\theta = a + (b-a)\sin^2 u`), so a closed end such as
:math:`\nu = 1` is an interior point of the search.  High precision matters: at the optimum the
roots are double and the rate moves like the square root of a parameter error, so a float64
optimiser stops near 1e-8 in the rate.  No known closed form is used or snapped to.  A tuned rate
below the Chebyshev limit :math:`(\sqrt\kappa-1)/(\sqrt\kappa+1)` — impossible for a method that
only sees gradients — raises :class:`EngineError`.

Sources: Jury, *Theory and Application of the z-Transform Method* (1964), Sec. 3.3 (stability table);
Polyak (1964) and Lessard, Recht & Packard, SIAM J. Optim. 26(1), 2016, Sec. 2 (iteration matrices
per eigenvalue); Nemirovski & Yudin (1983), Nesterov (2018) Thm 2.1.13 (the Chebyshev lower bound).
"""
from __future__ import annotations

import math
import random
from fractions import Fraction
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Callable, Mapping

import mpmath
import sympy as sp

from .derivation import Derivation, Step, is_zero
from .evaluate import PRECISION_DIGITS
from .printing import latex
from .two_step import radius as quadratic_radius

__all__ = ["NotLinear", "EngineError", "LinearModel", "linear_model", "spectral_radius", "worst_case",
           "optimal_tuning", "TuningResult", "WorstCase", "chebyshev_limit", "schur_cohn", "LAMBDA", "Z",
           "tidy", "matrix_latex", "polynomial_latex"]

LAMBDA = sp.Symbol("lambda", positive=True)
Z = sp.Symbol("z")
T = sp.Symbol("t", positive=True, integer=True)
TOPIC = "methods"
SOURCE = "Jury (1964), Sec. 3.3; Lessard, Recht & Packard (2016), Sec. 2"
OPTIMISER_DIGITS = 40


class NotLinear(ValueError):
    """The method's update is not linear in its state on one eigen-direction: no iteration matrix."""


class EngineError(RuntimeError):
    """A result the theory rules out (e.g. a tuned rate below the Chebyshev limit): a bug, never a result."""


class _Named(dict):
    """name -> value with attribute access (what a method's functions receive)."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


@dataclass
class LinearModel:
    r"""A linear method's iteration matrix, characteristic polynomial and stability conditions (derived)."""

    key: str
    params: dict[str, sp.Symbol]
    state: tuple[sp.Symbol, ...]
    matrix: sp.Matrix
    char_poly: sp.Expr
    zero_roots: int
    reduced: sp.Expr  # q(z): p(z) = z^zero_roots q(z)
    stability: Any  # sympy boolean: Jury's closed forms (degree <= 3) or the Schur-Cohn recursion (any degree)
    endpoint_proved: bool
    derivation: Derivation
    period: int = 1

    @cached_property
    def degree(self) -> int:
        return int(sp.degree(self.reduced, Z)) if self.reduced.has(Z) else 0

    @cached_property
    def float_coefficient_functions(self) -> Callable:
        """The same coefficients in float arithmetic (the optimiser's coarse phase)."""
        poly = sp.Poly(self.reduced, Z)
        return sp.lambdify([*self.params.values(), LAMBDA], poly.all_coeffs()[1:], modules="math")

    @cached_property
    def coefficient_functions(self) -> Callable:
        """``(params..., lambda) -> [a_{d-1}, ..., a_0]`` of the monic q(z), in mpmath."""
        poly = sp.Poly(self.reduced, Z)
        coeffs = poly.all_coeffs()[1:]  # monic: leading 1 dropped
        args = [*self.params.values(), LAMBDA]
        return sp.lambdify(args, coeffs, modules="mpmath")


# ----------------------------------------------------------------------------- how the steps are shown
def _flippable(e: sp.Expr) -> bool:
    """A sum with a negative constant and no other negative term (``a - 1``): worth writing as ``-(1 - a)``."""
    return (isinstance(e, sp.Add) and any(t.is_Number and t.is_negative for t in e.args)
            and not any(t.could_extract_minus_sign() for t in e.args if not t.is_Number))


def tidy(e: Any) -> sp.Expr:
    r"""``e`` factored, written as a mathematician would: a leading minus absorbed into a factor
    :math:`a - 1 \to 1 - a` (:math:`-(\beta + 1)(\alpha\lambda - 1) \to (\beta + 1)(1 - \alpha\lambda)`);
    a sum that only factors as :math:`-(\dots)` stays a sum.  Only the printed form changes, never the value
    (every display built from it is next to a step whose check uses the expression itself)."""
    e = sp.sympify(e)
    f = sp.factor(e)
    if not isinstance(f, sp.Mul):
        return f
    sign, factors = 1, []
    for a in f.args:
        if a.is_Number and a.is_negative:
            sign, a = -sign, -a
            if a == 1:
                continue
        factors.append(a)
    if sign < 0:
        for i, a in enumerate(factors):
            if _flippable(a):
                sign, factors[i] = 1, sp.expand(-a)
                break
    if len(factors) == 1 and isinstance(factors[0], sp.Add):
        return sp.expand(e)
    factors.sort(key=lambda a: not a.is_Number)
    body = sp.Mul(*factors, evaluate=False) if len(factors) > 1 else factors[0]
    return body if sign > 0 else sp.Mul(-1, body, evaluate=False)


def matrix_latex(M: sp.Matrix) -> str:
    """A matrix as LaTeX by :func:`theory.printing.latex`, each entry :func:`tidy`."""
    return latex(sp.Matrix(M).applyfunc(tidy))


def _bad_sums(e: sp.Expr) -> int:
    return sum(1 for a in sp.preorder_traversal(e) if _flippable(a))


def polynomial_latex(p: Any, z: sp.Symbol = Z) -> str:
    r"""A polynomial in ``z`` as LaTeX in descending powers, each coefficient :func:`tidy` and signed the way
    it reads best: :math:`z^2 - (1 + \beta - \alpha\lambda)z + \beta`."""
    poly = sp.Poly(sp.expand(p), z)
    out = ""
    for (k,), c in sorted(poly.terms(), key=lambda t: -t[0][0]):
        plus, minus = tidy(c), tidy(-c)
        negative = (_bad_sums(minus), latex(minus).count("-")) < (_bad_sums(plus), latex(plus).count("-"))
        mag = minus if negative else plus
        if isinstance(mag, sp.Mul) and mag.args and mag.args[0] == -1:  # tidy kept a leading minus
            negative, mag = not negative, mag.args[1] if len(mag.args) == 2 else sp.Mul(*mag.args[1:], evaluate=False)
        power = "" if k == 0 else ("z" if k == 1 else f"z^{{{k}}}")
        if mag == 1 and k:
            text = power
        elif isinstance(mag, sp.Add) and (k or negative):
            text = (r"\left(%s\right) %s" % (latex(mag), power)).strip()
        else:
            text = f"{latex(mag)} {power}".strip()
        out += ("-" if negative else "") + text if not out else (" - " if negative else " + ") + text
    return out or "0"


def _code(text: str) -> str:
    r"""Code (a method key, a file) in ``\texttt``, underscores escaped."""
    return r"\texttt{%s}" % str(text).replace("_", r"\_")


def _trace(method, params: Mapping[str, sp.Symbol], state: tuple[sp.Symbol, ...], t) -> list[sp.Expr]:
    st = _Named(zip(method.state_names, state))
    p = _Named(params)
    if getattr(method, "scalars", None) is not None:
        p.update(dict(method.scalars(_Named(params), t)))
    y = method.gradient_point(st, p, t)
    new = method.update(st, LAMBDA * y, p, t)
    return [_exact(sp.sympify(new[n])) for n in method.state_names]


def _exact(e: sp.Expr) -> sp.Expr:
    """Float constants of the update (``1.0 - beta``) as the exact decimals they print as (1 - beta)."""
    return e.xreplace({f: sp.Rational(repr(float(f))) for f in e.atoms(sp.Float)})


def _read_matrix(key: str, exprs: list[sp.Expr], state: tuple[sp.Symbol, ...]) -> sp.Matrix:
    rows = []
    for name, e in zip(state, exprs):
        e = sp.expand(e)
        shown = sp.sstr(e) if len(sp.sstr(e)) <= 120 else sp.sstr(e)[:117] + "..."
        try:
            poly = sp.Poly(e, *state)
        except sp.PolynomialError:
            raise NotLinear(f"{key} is not linear: no iteration matrix (the new {name} = {sp.sstr(e)} is not a "
                            "polynomial in the state)".replace(sp.sstr(e), shown)) from None
        if poly.total_degree() > 1 or any(sum(mon) == 0 and c != 0 for mon, c in poly.terms()):
            raise NotLinear(f"{key} is not linear: no iteration matrix (the new {name} = {shown} is not "
                            "linear homogeneous in the state)")
        if any(c.has(*state) for c in poly.coeffs()):  # pragma: no cover - Poly puts the state in monomials
            raise NotLinear(f"{key} is not linear: no iteration matrix")
        rows.append([sp.factor(e.coeff(s)) for s in state])
    return sp.Matrix(rows)


def _state_name(name: str, when: str) -> str:
    r"""A state array at time ``when``: ``x`` -> :math:`x_{t}`, ``x_prev`` -> :math:`x_{\mathrm{prev},t}`."""
    base, _, sub = name.partition("_")
    base = base if len(base) == 1 else r"\mathrm{%s}" % base
    return "%s_{%s}" % (base, (r"\mathrm{%s}," % sub.replace("_", r"\_") if sub else "") + when)


def _state_latex(names, when: str) -> str:
    rows = r" \\ ".join(_state_name(n, when) for n in names)
    return r"\begin{pmatrix} %s \end{pmatrix}" % rows


def _update_step(names, exprs, M: sp.Matrix, state) -> Step:
    r"""The traced update equals :math:`M` times the state (residual expanded to 0), shown as :math:`s_{t+1} = M s_t`."""
    def run():
        return is_zero(sp.Matrix(exprs) - M * sp.Matrix(state))

    shown = _state_latex(names, "t+1") + " &= " + matrix_latex(M) + r"\," + _state_latex(names, "t")
    current = ", ".join(_state_name(n, "t") for n in names)
    return Step.custom(
        "update on one eigen-direction", sp.Eq(sp.Matrix(exprs), M * sp.Matrix(state), evaluate=False),
        r"Trace the update with the gradient $g = \lambda y$ at the gradient point $y$ ($x^\star = 0$): the new "
        rf"state is $M(\lambda)$ times the state $({current})$, $M(\lambda)$ read off the coefficients.", run, "identity",
        "the traced update minus M times the state simplifies to 0", latex_statement=shown)


def schur_cohn(coeffs: list) -> list:
    r"""The Schur–Cohn quantities :math:`\Delta_0, \dots, \Delta_{n-1}` of :math:`p(z) = a_n z^n + \dots + a_0`
    (``coeffs = [a_n, ..., a_0]``, real): all roots of :math:`p` lie in the open unit disc iff every
    :math:`\Delta_j > 0`.

    Recursion (Schur 1917, Cohn 1922; the form of Henrici, *Applied and Computational Complex Analysis* I (1974),
    Thm 6.8b): with :math:`p^*(z) = z^n p(1/z)` (coefficients reversed),
    :math:`\Delta_0 = a_n^2 - a_0^2` and :math:`z\,p^{(1)}(z) = a_n p(z) - a_0 p^*(z)` (its constant term is 0),
    then the same for :math:`p^{(1)}` (degree :math:`n - 1`, leading coefficient :math:`\Delta_0`), and so on.
    Why: on :math:`|z| = 1`, :math:`|p^*| = |p|`; when :math:`|a_0| < |a_n|`, Rouché's theorem gives
    :math:`a_n p - a_0 p^* = z p^{(1)}` as many roots inside as :math:`p`, so :math:`p` has all :math:`n` inside iff
    :math:`p^{(1)}` has all :math:`n - 1`; when :math:`|a_0| \ge |a_n|` the product of the roots has modulus
    :math:`\ge 1` (a root on the circle is a root of every :math:`p^{(j)}`, never inside).  Only products and
    differences of coefficients: no division, so the conditions are polynomials in the parameters.
    """
    p = [sp.sympify(c) for c in coeffs]
    out = []
    while len(p) > 1:
        an, a0, n = p[0], p[-1], len(p) - 1
        out.append(an**2 - a0**2)
        p = [an * p[i] - a0 * p[n - i] for i in range(n)]  # a_n p - a_0 p*, divided by z (constant term 0)
    return out


def _jury(coeffs: list[sp.Expr]):
    r"""Schur–Cohn/Jury conditions for all roots of the monic :math:`z^d + a_{d-1} z^{d-1} + \dots + a_0` in
    the open unit disc, as a SymPy ``And``; ``coeffs = [a_{d-1}, ..., a_0]``: Jury's closed forms for d ≤ 3,
    the :func:`schur_cohn` recursion beyond."""
    d = len(coeffs)
    if d == 0:
        return sp.true
    if d == 1:
        (a0,) = coeffs
        return sp.And(a0 < 1, a0 > -1)
    if d == 2:
        a1, a0 = coeffs
        return sp.And(a0 < 1, 1 + a1 + a0 > 0, 1 - a1 + a0 > 0)
    if d == 3:
        a2, a1, a0 = coeffs
        return sp.And(1 + a2 + a1 + a0 > 0, 1 - a2 + a1 - a0 > 0, a0 < 1, a0 > -1,
                      1 - a0**2 > sp.Abs(a1 - a0 * a2))
    return sp.And(*(delta > 0 for delta in schur_cohn([sp.S.One, *coeffs])))


def _jury_latex(coeffs: list[sp.Expr], jury) -> str:
    r"""The conditions of :func:`_jury` as a display: for :math:`q(z) = z^2 + a_1 z + a_0`,
    :math:`q(1) = 1 + a_1 + a_0 > 0`, :math:`q(-1) = 1 - a_1 + a_0 > 0`, :math:`q(0) = a_0 < 1`; in degree 1
    :math:`-1 < a_0 < 1`; degree 3 as SymPy states them; beyond, the Schur–Cohn quantities by name (they are
    polynomials of degree up to :math:`2^{d-1}` in the coefficients)."""
    if len(coeffs) == 1:
        return rf"& -1 < {latex(tidy(coeffs[0]))} < 1"
    if len(coeffs) == 2:
        a1, a0 = coeffs
        return (rf"& q(1) = {latex(tidy(1 + a1 + a0))} > 0,\quad q(-1) = {latex(tidy(1 - a1 + a0))} > 0,\quad "
                rf"q(0) = {latex(tidy(a0))} < 1")
    if len(coeffs) == 3:
        return "& " + r",\quad ".join(latex(c) for c in jury.args)
    return rf"& \Delta_j > 0,\quad j = 0, \dots, {len(coeffs) - 1}"


def _roots_inside(coeffs_num: list) -> bool:
    with mpmath.workdps(30):
        if not coeffs_num:
            return True
        roots = mpmath.polyroots([1, *coeffs_num], maxsteps=200, extraprec=60)
        return max(abs(r) for r in roots) < 1


def _sample_points(params: Mapping[str, sp.Symbol], ranges: Mapping[str, tuple], rng: random.Random):
    out = {}
    for name, sym in params.items():
        lo, hi = ranges.get(name, (-2.0, 2.0))[:2]
        lo = -2.0 if math.isinf(lo) else lo
        hi = lo + 3.0 if math.isinf(hi) else hi
        out[sym] = sp.Rational(rng.uniform(lo, hi)).limit_denominator(1000)
    out[LAMBDA] = sp.Rational(rng.uniform(0.01, 4.0)).limit_denominator(1000)
    return out


def linear_model(method, ranges: Mapping[str, tuple] | None = None) -> LinearModel:
    r"""Derive the iteration matrix, characteristic polynomial and stability conditions of ``method``.

    ``ranges`` (name -> (lo, hi, ...)) only chooses the random points of the stability check.
    Raises :class:`NotLinear` for a method without an iteration matrix.
    """
    key = getattr(method, "key", getattr(method, "name", "method"))
    ranges = dict(ranges or {})
    params = {n: _symbol(n) for n in method.param_names}
    state = tuple(_symbol(f"{n}_t") for n in method.state_names)
    period = int(getattr(method, "period", 1) or 1)
    d = Derivation(TOPIC, f"Iteration matrix of {_code(key)}, derived from its update rule", source=SOURCE,
                   symbols={**params, "lambda": LAMBDA})
    try:
        if period == 1:
            exprs = _trace(method, params, state, T)
            M = _read_matrix(key, exprs, state)
            if M.has(T):
                raise NotLinear(f"{key} is not linear time-invariant: its iteration matrix depends on the step t "
                                "(no constant iteration matrix; a periodic method declares its period)")
            d.add(_update_step(method.state_names, exprs, M, state))
        else:
            mats = []
            for j in range(1, period + 1):
                exprs = _trace(method, params, state, sp.Integer(j))
                Mj = _read_matrix(key, exprs, state)
                d.add(Step.identity(f"step {j} of the period", sp.Matrix(exprs), Mj * sp.Matrix(state),
                                    rf"The update at $t = {j}$ is linear in the state."))
                mats.append(Mj)
            M = sp.eye(len(state))
            for Mj in mats:
                M = Mj * M
            M = M.applyfunc(sp.factor)
    except NotLinear:
        raise
    except (TypeError, AttributeError, KeyError, ZeroDivisionError) as exc:
        raise NotLinear(f"{key}: its update cannot be traced with symbols ({exc})") from None
    n = M.shape[0]
    p = sp.expand(M.charpoly(Z).as_expr())
    d.add(replace(Step.identity("characteristic polynomial", sp.expand((Z * sp.eye(n) - M).det(method="bareiss")), p,
                                r"$p(z) = \det(zI - M(\lambda))$: the Berkowitz polynomial equals the Bareiss "
                                r"determinant."),
                  latex_statement=r"p(z) = \det(zI - M(\lambda)) &= " + polynomial_latex(p)))

    def cayley_hamilton():
        coeffs = sp.Poly(p, Z).all_coeffs()
        acc = sp.zeros(n)
        for c in coeffs:  # Horner: p(M)
            acc = acc * M + c * sp.eye(n)
        res = acc.applyfunc(lambda e: sp.cancel(sp.expand(e)))
        return res == sp.zeros(n), res

    d.add(Step.custom("Cayley-Hamilton", sp.Eq(sp.Function("p")(sp.Symbol("M")), 0),
                      r"Cayley--Hamilton: $p$ evaluated at $M(\lambda)$ (Horner) is the zero matrix, entrywise.",
                      cayley_hamilton, "identity", "Horner evaluation of p at M simplifies to the zero matrix",
                      latex_statement=r"p(M(\lambda)) &= 0"))
    k = 0
    q = p
    while sp.expand(q).subs(Z, 0) == 0 and sp.degree(q, Z) > 0:
        q = sp.cancel(q / Z)
        k += 1
    q = sp.expand(q)
    if k:
        zk = "z" if k == 1 else f"z^{{{k}}}"
        roots = "a root" if k == 1 else f"{k} roots"
        d.add(replace(Step.identity("zero roots split off", Z**k * q, p,
                                    rf"$p(z) = {zk}\,q(z)$: {roots} at $0$ do not affect the spectral radius."),
                      latex_statement=rf"p(z) &= {zk}\left({polynomial_latex(q)}\right)"))
    deg = int(sp.degree(q, Z)) if q.has(Z) else 0
    coeffs = [sp.factor(c) for c in sp.Poly(q, Z).all_coeffs()[1:]] if deg else []
    jury = _jury(coeffs)
    if jury is not None and deg:
        rng = random.Random(1964)

        def sampled():
            bad = []
            for _ in range(40):
                pt = _sample_points(params, ranges, rng)
                cn = [mpmath.mpf(sp.Rational(c.subs(pt))) for c in coeffs] if coeffs else []
                # skip points on the boundary of the region (a root of modulus exactly 1)
                with mpmath.workdps(30):
                    rmax = max(abs(r) for r in mpmath.polyroots([1, *cn], maxsteps=200, extraprec=60))
                if abs(rmax - 1) < mpmath.mpf("1e-20"):
                    continue
                if _holds(pt) != _roots_inside(cn):
                    bad.append(pt)
            return not bad, bad

        if deg <= 3:
            def _holds(pt):
                return bool(jury.subs(pt))
        else:  # the Schur-Cohn quantities grow like 2^j in degree: evaluate them exactly, compiled, with Fractions
            order = [*params.values(), LAMBDA]
            deltas = sp.lambdify(order, schur_cohn([sp.S.One, *coeffs]), modules="math")

            def _holds(pt):
                values = [Fraction(int(pt[s_].p), int(pt[s_].q)) for s_ in order]
                return all(dv > 0 for dv in deltas(*values))

        d.add(Step.custom("Schur-Cohn/Jury conditions", jury,
                          rf"All roots of the degree-${deg}$ factor $q(z) = {polynomial_latex(q)}$ lie in the open "
                          + (r"unit disc iff these conditions hold (Jury's table for the monic $q$)." if deg <= 3 else
                             r"unit disc iff these conditions hold (the Schur--Cohn recursion: $q^{(0)} = q$; "
                             r"$\Delta_j$ is the square of the leading coefficient of $q^{(j)}$ minus the square of its "
                             r"constant term, and $z\,q^{(j+1)}(z)$ is the leading coefficient times $q^{(j)}(z)$ minus "
                             r"the constant term times $z^{d-j} q^{(j)}(1/z)$)."), sampled, "sampled",
                          "the conditions agree with the mpmath root moduli at 40 random rational points",
                          latex_statement=_jury_latex(coeffs, jury)))
    endpoint = False
    if deg in (1, 2):
        second = [sp.simplify(sp.diff(c, LAMBDA, 2)) for c in coeffs]

        def affine():
            return all(s == 0 for s in second), second

        if all(s == 0 for s in second):
            endpoint = True
            d.add(Step.custom(
                "maximum over [mu, L] at an end",
                sp.Eq(sp.Symbol("rho"), sp.Max(sp.Symbol("rho(mu)"), sp.Symbol("rho(L)"))),
                r"The coefficients of $q$ are affine in $\lambda$, so for every $r$ the scaled Jury conditions "
                r"($c \le r^2$, $\pm b \le r + c/r$ for $z^2 - bz + c$; $|a_0| \le r$ in degree $1$) are affine in "
                r"$\lambda$: $\{\lambda : \rho(\lambda) \le r\}$ is an interval and $\rho$ is largest at $\mu$ or $L$.",
                affine, "sign", "d^2 a_i / d lambda^2 = 0 for every coefficient",
                latex_statement=r"\rho &= \max\{\rho(\mu), \rho(L)\}"))
    d.results.update({"matrix": M, "char_poly": p, "reduced_poly": q, "zero_roots": sp.Integer(k)})
    if jury is not None:
        d.results["stability"] = jury
    return LinearModel(key, params, state, M, p, k, q, jury, endpoint, d, period)


# ----------------------------------------------------------------------------- numbers
def _radius_from_coeffs(cn: list) -> mpmath.mpf:
    if not cn:
        return mpmath.mpf(0)
    if len(cn) == 1:
        return abs(cn[0])
    if len(cn) == 2:
        return quadratic_radius(-cn[0], cn[1])
    roots = mpmath.polyroots([1, *cn], maxsteps=400, extraprec=2 * mpmath.mp.prec)
    return max(abs(r) for r in roots)


def _float_radius(cn: list) -> float:
    if not cn:
        return 0.0
    if len(cn) == 1:
        return abs(cn[0])
    if len(cn) == 2:
        b, c = -cn[0], cn[1]
        disc = b * b - 4 * c
        return (abs(b) + math.sqrt(disc)) / 2 if disc >= 0 else math.sqrt(c)
    with mpmath.workdps(15):
        return float(max(abs(r) for r in mpmath.polyroots([1, *cn], maxsteps=200, extraprec=60)))


def _float_worst(model: LinearModel, params: Mapping[str, float], mu: float, L: float, grid: int = 101) -> float:
    vals = [params[n] for n in model.params]
    f = lambda lam: _float_radius(model.float_coefficient_functions(*vals, lam)) ** (1.0 / model.period)  # noqa: E731
    if model.endpoint_proved:
        return max(f(mu), f(L))
    return max(f(mu + (L - mu) * i / (grid - 1)) for i in range(grid))


def spectral_radius(model: LinearModel, params: Mapping[str, Any], lam: Any, digits: int = PRECISION_DIGITS) -> mpmath.mpf:
    r"""The rate per step on eigenvalue ``lam``: :math:`\rho(M(\lambda; \theta))`, or :math:`\rho^{1/k}` for a
    period-k method (M the product over one period), in ``digits`` (default 50) digits from the
    characteristic polynomial."""
    with mpmath.workdps(digits):
        vals = [mpmath.mpf(params[n]) for n in model.params]
        cn = [mpmath.mpf(c) for c in model.coefficient_functions(*vals, mpmath.mpf(lam))] if model.degree else []
        r = _radius_from_coeffs(cn)
        return r if model.period == 1 else r ** (mpmath.mpf(1) / model.period)


@dataclass(frozen=True)
class WorstCase:
    """The worst-case rate over [mu, L], where it is attained, and how that was established."""

    rate: mpmath.mpf
    lam: mpmath.mpf
    location: str  # "endpoint" (proved) | "interior" | "numeric"


def worst_case(model: LinearModel, params: Mapping[str, Any], mu: Any, L: Any, *, grid: int = 401,
               digits: int = PRECISION_DIGITS) -> WorstCase:
    r""":math:`\max_{\lambda \in [\mu, L]} \rho(M(\lambda))` (see the module docstring for how it is located)."""
    with mpmath.workdps(digits):
        mu, L = mpmath.mpf(mu), mpmath.mpf(L)
        f = lambda lam: spectral_radius(model, params, lam, digits)  # noqa: E731
        ends = [(f(mu), mu), (f(L), L)]
        if model.endpoint_proved or mu == L:
            r, lam = max(ends, key=lambda e: e[0])
            return WorstCase(r, lam, "endpoint" if model.endpoint_proved else "numeric")
        pts = [mu + (L - mu) * i / (grid - 1) for i in range(grid)]
        vals = [f(x) for x in pts]
        i = max(range(grid), key=lambda j: vals[j])
        lo, hi = pts[max(i - 1, 0)], pts[min(i + 1, grid - 1)]
        g = (mpmath.sqrt(5) - 1) / 2
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        fa, fb = f(a), f(b)
        for _ in range(120):
            if fa > fb:
                hi, b, fb = b, a, fa
                a = hi - g * (hi - lo)
                fa = f(a)
            else:
                lo, a, fa = a, b, fb
                b = lo + g * (hi - lo)
                fb = f(b)
        best = max([(vals[i], pts[i]), (fa, a), (fb, b), *ends], key=lambda e: e[0])
        interior = mu < best[1] < L and best[0] > max(ends)[0]
        return WorstCase(best[0], best[1], "interior" if interior else "numeric")


def chebyshev_limit(mu: Any, L: Any) -> mpmath.mpf:
    r""":math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)`, the smallest worst-case rate any gradient method can reach."""
    with mpmath.workdps(PRECISION_DIGITS):
        q = mpmath.sqrt(mpmath.mpf(L) / mpmath.mpf(mu))
        return (q - 1) / (q + 1)


# ----------------------------------------------------------------------------- optimal tuning
@dataclass(frozen=True)
class TuningResult:
    """Numerically optimal parameters, their worst-case rate, and how the search ended."""

    params: dict[str, mpmath.mpf]
    rate: mpmath.mpf
    worst: WorstCase
    status: str
    evaluations: int
    starts: int
    chebyshev: mpmath.mpf


def _to_param(u, rng: tuple):
    lo, hi = rng[0], rng[1]
    if math.isinf(hi) and not math.isinf(lo):
        return lo + mpmath.exp(u)
    if math.isinf(lo) and math.isinf(hi):
        return u
    if math.isinf(lo):  # pragma: no cover - no method has (-inf, b]
        return hi - mpmath.exp(u)
    return lo + (hi - lo) * mpmath.sin(u) ** 2


def _to_param_float(u: float, rng: tuple) -> float:
    lo, hi = rng[0], rng[1]
    if math.isinf(hi) and not math.isinf(lo):
        return lo + math.exp(min(u, 700.0))
    if math.isinf(lo) and math.isinf(hi):
        return u
    if math.isinf(lo):  # pragma: no cover - no method has (-inf, b]
        return hi - math.exp(min(u, 700.0))
    return lo + (hi - lo) * math.sin(u) ** 2


def _from_param(x: float, rng: tuple):
    lo, hi = rng[0], rng[1]
    if math.isinf(hi) and not math.isinf(lo):
        return mpmath.log(mpmath.mpf(x) - lo)
    if math.isinf(lo) and math.isinf(hi):
        return mpmath.mpf(x)
    frac = min(max((x - lo) / (hi - lo), 1e-6), 1 - 1e-6)
    return mpmath.asin(mpmath.sqrt(frac))


def _nelder_mead(f, x0: list, step, tol, max_iter: int):
    n = len(x0)
    simplex = [list(x0)] + [[x0[j] + (step if j == i else 0) for j in range(n)] for i in range(n)]
    values = [f(x) for x in simplex]
    evals = n + 1
    for _ in range(max_iter):
        order = sorted(range(n + 1), key=lambda i: values[i])
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        diam = max(max(abs(simplex[i][j] - simplex[0][j]) for j in range(n)) for i in range(1, n + 1))
        if diam < tol:
            break
        centroid = [sum(simplex[i][j] for i in range(n)) / n for j in range(n)]
        worst = simplex[-1]
        xr = [centroid[j] + (centroid[j] - worst[j]) for j in range(n)]
        fr = f(xr)
        evals += 1
        if fr < values[0]:
            xe = [centroid[j] + 2 * (centroid[j] - worst[j]) for j in range(n)]
            fe = f(xe)
            evals += 1
            simplex[-1], values[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = xr, fr
        else:
            xc = [centroid[j] + (worst[j] - centroid[j]) / 2 for j in range(n)]
            fc = f(xc)
            evals += 1
            if fc < values[-1]:
                simplex[-1], values[-1] = xc, fc
            else:
                for i in range(1, n + 1):
                    simplex[i] = [simplex[0][j] + (simplex[i][j] - simplex[0][j]) / 2 for j in range(n)]
                    values[i] = f(simplex[i])
                evals += n
    i = min(range(n + 1), key=lambda k: values[k])
    return simplex[i], values[i], evals


def _default_starts(names, ranges, L) -> list[dict[str, float]]:
    choices = []
    for n in names:
        lo, hi = ranges[n][0], ranges[n][1]
        if math.isinf(hi):
            choices.append([0.5 / L, 1.0 / L, 2.0 / L])
        else:
            choices.append([lo + (hi - lo) * f for f in (0.3, 0.6, 0.9)])
    starts = []
    for k in range(3):  # the diagonal of the grid, then its anti-diagonal
        starts.append({n: choices[i][k] for i, n in enumerate(names)})
        starts.append({n: choices[i][(k + i) % 3] for i, n in enumerate(names)})
    unique = []
    for s in starts:
        if s not in unique:
            unique.append(s)
    return unique


def optimal_tuning(model: LinearModel, mu: float, L: float, ranges: Mapping[str, tuple], *,
                   fixed: Mapping[str, float] | None = None, starts: list[dict] | None = None,
                   tol: float = 1e-22, max_iter: int = 3000) -> TuningResult:
    r"""Parameters minimising the worst-case rate over [mu, L] (Nelder–Mead; see the module docstring).

    Two phases: from every start, Nelder–Mead in float arithmetic to a simplex of 1e-10; then, from the
    best point, Nelder–Mead in 40-digit mpmath (simplex 1e-4 down to ``tol``), restarted until it stops
    improving.  ``ranges``: name -> (lo, hi, lo_open, hi_open); ``fixed`` parameters are held at their values.
    """
    fixed = dict(fixed or {})
    names = [n for n in model.params if n not in fixed]
    if not names:
        raise EngineError("no free parameter to tune")
    evals = 0

    def inside(p):
        for n in names:
            lo, hi, lo_open, hi_open = ranges[n]
            if (lo_open and p[n] <= lo) or (hi_open and p[n] >= hi):
                return False
        return True

    def float_objective(u):
        p = {n: _to_param_float(u[i], ranges[n]) for i, n in enumerate(names)}
        p.update({n: float(v) for n, v in fixed.items()})
        if not inside(p):
            return 10.0
        try:
            return _float_worst(model, p, float(mu), float(L))
        except (ZeroDivisionError, ValueError, OverflowError):
            return 10.0

    starts = starts or _default_starts(names, ranges, float(L))
    best_u, best_f = None, math.inf
    for s in starts:
        u = [float(_from_param(s[n], ranges[n])) for n in names]
        f_u, step = math.inf, 0.2
        for _ in range(4):
            u, f_new, e = _nelder_mead(float_objective, u, step, 1e-10, max_iter)
            evals += e
            if not f_new < f_u - 1e-15:
                f_u = min(f_u, f_new)
                break
            f_u, step = f_new, 1e-3
        if f_u < best_f:
            best_u, best_f = u, f_u

    with mpmath.workdps(OPTIMISER_DIGITS):
        mu_m, L_m = mpmath.mpf(mu), mpmath.mpf(L)

        def params_of(u):
            p = {n: _to_param(u[i], ranges[n]) for i, n in enumerate(names)}
            p.update({n: mpmath.mpf(v) for n, v in fixed.items()})
            return p

        def objective(u):
            p = params_of(u)
            if not inside(p):
                return mpmath.mpf(10)
            try:
                return worst_case(model, p, mu_m, L_m, digits=OPTIMISER_DIGITS, grid=101).rate
            except (ZeroDivisionError, ValueError):  # pragma: no cover - outside the method's domain
                return mpmath.mpf(10)

        u = [mpmath.mpf(x) for x in best_u]
        f_u = objective(u)
        stalls = 0
        for k in range(40):  # restart with simplices from 1e-4 down; stop after three restarts without gain
            step = mpmath.mpf(10) ** -(4 + (k % 8) * 2)
            u_new, f_new, e = _nelder_mead(objective, u, step, mpmath.mpf(tol), max_iter)
            evals += e
            if f_new < f_u - mpmath.mpf(10) ** (-OPTIMISER_DIGITS + 5):
                u, f_u, stalls = u_new, f_new, 0
            else:
                stalls += 1
                if stalls >= 3:
                    break
        p = params_of(u)
    worst = worst_case(model, p, mu, L)
    cheb = chebyshev_limit(mu, L)
    with mpmath.workdps(PRECISION_DIGITS):
        # evaluation noise: 50-digit discriminants near a double root give rates to about 1e-25
        if worst.rate < cheb * (1 - mpmath.mpf(10) ** -20):
            raise EngineError(f"{model.key}: tuned rate {mpmath.nstr(worst.rate, 20)} is below the Chebyshev "
                              f"limit {mpmath.nstr(cheb, 20)}: the engine is wrong")
    status = "converged" if worst.rate < 1 else "no convergent tuning found"
    return TuningResult(p, worst.rate, worst, status, evals, len(starts), cheb)
