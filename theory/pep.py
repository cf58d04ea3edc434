r"""Exact worst-case certificates of performance estimation, and the closed forms they prove (SymPy only).

**Certificates.**  A method run on :math:`f \in \mathcal F_{\mu,L}` produces points :math:`x_i` with gradients
:math:`g_i` and values :math:`f_i`; :math:`x_\star` has :math:`g_\star = 0`, :math:`f_\star = 0`.  The
interpolation inequality of the class (the *hypothesis*; Taylor, Hendrickx & Glineur 2017, Theorem 4, with
:math:`\mu = 0` their Theorem 1) for the ordered pair :math:`(i, j)` is

.. math::  I_{ij} = f_i - f_j - \langle g_j, x_i - x_j\rangle - \tfrac{1}{2L}\|g_i - g_j\|^2
   - \tfrac{\mu}{2(1-\mu/L)}\|x_i - x_j - \tfrac1L(g_i - g_j)\|^2 \ \ge 0 .

A certificate of the bound :math:`\mathrm{measure} \le \tau\|x_0 - x_\star\|^2` is a set of multipliers
:math:`\lambda_{ij} \ge 0` with

.. math::  \tau\|x_0 - x_\star\|^2 - \mathrm{measure} - \sum_{ij}\lambda_{ij} I_{ij} = Q(x_0 - x_\star, g_0, \dots, g_N)

where :math:`Q` contains no function value and is a positive semidefinite quadratic form; then
:math:`\mathrm{measure} = \tau\|x_0 - x_\star\|^2 - \sum\lambda_{ij}I_{ij} - Q \le \tau\|x_0 - x_\star\|^2`.
Vectors enter only through inner products, so a form that is PSD in scalar variables is non-negative for
vectors too (apply it coordinate-wise and sum).  Here the vectors are written as scalar symbols for that reason.

**Recovering exact multipliers.**  The SDP dual is not unique and interior-point solvers return a point near the
analytic centre of the optimal face, so rounding solver duals is not reliable.  Instead the known proof's
sparsity is imposed (the pairs that carry a multiplier, e.g. for gradient descent on :math:`\mathcal F_{0,L}`
the consecutive pairs :math:`(i, i+1)` and the pairs :math:`(\star, i)`, as in Drori & Teboulle 2014 and
Taylor, Hendrickx & Glineur 2017, Sec. 4.1), and the linear equations are solved exactly: the function values
cancel, and complementary slackness :math:`S v = 0` at the exact worst case :math:`v` (the Gram vector of the
worst function, known in rationals).  Multipliers left free by these equations are fixed at given rationals
(the caller may pass solver values rounded to rationals); whatever they are, the certificate is then checked
exactly: :math:`\lambda \ge 0` and :math:`S \succeq 0` by an exact rational :math:`LDL^\top` factorisation, which
also writes :math:`Q` as a sum of squares :math:`\sum_k d_k (\ell_k^\top v)^2`.

**Closed forms** (all with their sources in the functions below): gradient descent with step :math:`h/L` on
:math:`\mathcal F_{0,L}`: :math:`\max\{\tfrac{1}{4Nh+2}, \tfrac{(1-h)^{2N}}{2}\}LR^2` (Drori & Teboulle 2014 prove
:math:`h \le 1`; Taylor, Hendrickx & Glineur 2017 conjecture the formula for :math:`1 < h < 2`); the Huber
function attaining it; distance contraction :math:`\max(|1 - h\mu|, |1 - hL|)` on :math:`\mathcal F_{\mu,L}`;
Beck & Teboulle's :math:`2LR^2/(k+1)^2`; Kantorovich's :math:`((\kappa - 1)/(\kappa + 1))^2`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from .derivation import Derivation, Step

__all__ = [
    "SymbolicPoint", "trace", "interpolation_inequality", "Certificate", "recover_certificate", "ldl_psd",
    "gd_convex_worst", "gd_convex_tight_h_le_1", "folklore_bounds", "huber_trajectory", "contraction_factor",
    "beck_teboulle", "kantorovich", "certificate_derivation", "huber_derivation", "gd_convex_points",
    "gd_strongly_convex_points", "contraction_derivation", "closed_form_derivations", "STAR",
]

L, R, h, mu = sp.symbols("L R h mu", positive=True)
N = sp.Symbol("N", positive=True, integer=True)
k = sp.Symbol("k", positive=True, integer=True)
kappa = sp.Symbol("kappa", positive=True)

STAR = "*"


@dataclass(frozen=True)
class SymbolicPoint:
    """A point of the PEP: x - x*, its gradient, its value f - f* (SymPy expressions); ``name`` labels it."""

    name: Any
    x: sp.Expr
    g: sp.Expr
    f: sp.Expr


def basis(steps: int) -> tuple[sp.Symbol, list[sp.Symbol], list[sp.Symbol]]:
    r"""Symbols :math:`x_0` (for :math:`x_0 - x_\star`), :math:`g_0..g_N`, :math:`f_0..f_N`."""
    x0 = sp.Symbol("x_0", real=True)
    gs = [sp.Symbol(f"g_{i}", real=True) for i in range(steps + 1)]
    fs = [sp.Symbol(f"f_{i}", real=True) for i in range(steps + 1)]
    return x0, gs, fs


def trace(lookahead: Callable, update: Callable, p: Sequence[Any], steps: int, aux_init: str = "zero") -> list[SymbolicPoint]:
    r"""Run a method's own update rule (pure arithmetic, handed over by proofs/) on SymPy symbols.

    Returns :math:`y_0, \dots, y_{N-1}` (gradient points), :math:`x_N` and :math:`x_\star`.
    """
    x0, gs, fs = basis(steps)
    x, s = x0, (x0 if aux_init == "copy" else sp.S.Zero)
    pts = []
    for i in range(steps):
        y = sp.expand(lookahead(x, s, p))
        pts.append(SymbolicPoint(i, y, gs[i], fs[i]))
        x, s = update(x, s, gs[i], p)
        x, s = sp.expand(x), sp.expand(s)
    pts.append(SymbolicPoint(steps, sp.expand(x), gs[steps], fs[steps]))
    pts.append(SymbolicPoint(STAR, sp.S.Zero, sp.S.Zero, sp.S.Zero))
    return pts


def gd_convex_points(steps: int, step: Any = 1) -> list[SymbolicPoint]:
    r"""Gradient descent :math:`x_{k+1} = x_k - \tfrac hL g_k` written directly (the textbook form), L = 1."""
    x0, gs, fs = basis(steps)
    pts, x = [], x0
    for i in range(steps + 1):
        pts.append(SymbolicPoint(i, x, gs[i], fs[i]))
        x = x - sp.nsimplify(step) * gs[i]
    pts.append(SymbolicPoint(STAR, sp.S.Zero, sp.S.Zero, sp.S.Zero))
    return pts


def gd_strongly_convex_points(step: Any) -> list[SymbolicPoint]:
    """One gradient step from x_0 (points x_0, x_1, x*), step ``step`` (absolute, not times 1/L)."""
    return gd_convex_points(1, step)


def interpolation_inequality(pi: SymbolicPoint, pj: SymbolicPoint, Lv: Any, muv: Any = 0) -> sp.Expr:
    r""":math:`I_{ij}` (the left side of :math:`I_{ij} \ge 0`), Taylor, Hendrickx & Glineur 2017, Theorem 4."""
    Lv, muv = sp.nsimplify(Lv), sp.nsimplify(muv)
    dx, dg = pi.x - pj.x, pi.g - pj.g
    expr = pi.f - pj.f - pj.g * dx - dg**2 / (2 * Lv)
    if muv != 0:
        expr -= muv / (2 * (1 - muv / Lv)) * (dx - dg / Lv) ** 2
    return sp.expand(expr)


def ldl_psd(S: sp.Matrix) -> tuple[bool, list, sp.Matrix]:
    r"""Exact :math:`S = \Lambda D \Lambda^\top` (unit lower :math:`\Lambda`) without pivoting; returns (PSD?, d, Λ).

    For a PSD matrix a zero pivot forces a zero row and column (a :math:`2\times2` minor would be negative
    otherwise), so the elimination skips it; a negative pivot, or a zero pivot with a non-zero row, means not PSD.
    """
    A = sp.Matrix(S)
    n = A.shape[0]
    Lam = sp.eye(n)
    d = [sp.S.Zero] * n
    for c in range(n):
        piv = sp.nsimplify(A[c, c])
        if piv < 0:
            return False, d, Lam
        if piv == 0:
            if any(A[c, j] != 0 for j in range(c, n)):
                return False, d, Lam
            continue
        d[c] = piv
        for r in range(c + 1, n):
            Lam[r, c] = A[r, c] / piv
        for r in range(c + 1, n):
            for j in range(c + 1, n):
                A[r, j] = A[r, j] - Lam[r, c] * piv * Lam[j, c]
        for r in range(c + 1, n):
            A[r, c] = A[c, r] = sp.S.Zero
    return True, d, Lam


@dataclass
class Certificate:
    r"""Exact multipliers for :math:`\mathrm{measure} \le \tau \|x_0 - x_\star\|^2` and the form they leave."""

    tau: sp.Expr | None
    multipliers: dict  # (name_i, name_j) -> Rational
    variables: list
    S: sp.Matrix | None
    d: list
    Lam: sp.Matrix | None
    status: str  # "exact" | "none"
    reason: str = ""
    free: list = field(default_factory=list)
    weighted_sum: sp.Expr | None = None
    square_sum: sp.Expr | None = None
    measure: sp.Expr | None = None
    inequalities: dict = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return self.status == "exact"


def _measure_expr(points: Sequence[SymbolicPoint], measure: str) -> sp.Expr:
    out = points[-2]
    return {"f-gap": out.f, "distance": out.x**2, "grad-norm": out.g**2}[measure]


def recover_certificate(points: Sequence[SymbolicPoint], Lv: Any, muv: Any, measure: str,
                        pattern: Sequence[tuple[Any, Any]], worst_vectors: Sequence[Mapping[sp.Symbol, Any]],
                        fallback: Mapping[tuple[Any, Any], Any] | None = None) -> Certificate:
    r"""Solve exactly for :math:`\tau, \lambda` on ``pattern`` and check the certificate.

    ``worst_vectors``: Gram vectors (symbol -> exact value) of worst-case functions, for complementary
    slackness :math:`S v = 0`.  ``fallback``: values for multipliers the equations leave free (converted with
    ``nsimplify`` to rationals; the check below does not depend on where they came from).
    """
    by_name = {p.name: p for p in points}
    x0 = points[0].x if points[0].name == 0 else sp.Symbol("x_0", real=True)
    fsyms = [p.f for p in points if p.name != STAR]
    variables = [x0] + [p.g for p in points if p.name != STAR]
    tau = sp.Symbol("tau")
    lam = {pair: sp.Symbol(f"lambda_{pair[0]}{pair[1]}") for pair in pattern}
    ineq = {pair: interpolation_inequality(by_name[pair[0]], by_name[pair[1]], Lv, muv) for pair in pattern}
    perf = _measure_expr(points, measure)
    expr = sp.expand(tau * x0**2 - perf - sum(lam[pq] * ineq[pq] for pq in pattern))
    eqs = [expr.coeff(f) for f in fsyms]
    Q = expr.subs({f: 0 for f in fsyms})
    S = sp.hessian(Q, variables) / 2
    for wv in worst_vectors:
        vec = sp.Matrix([sp.nsimplify(wv.get(s, 0)) for s in variables])
        eqs += list(S * vec)
    unknowns = [tau] + [lam[pq] for pq in pattern]
    sols = sp.linsolve([sp.expand(e) for e in eqs], unknowns)
    if not sols:
        return Certificate(None, {}, variables, None, [], None, "none", "the equations for the pattern are inconsistent")
    sol = dict(zip(unknowns, next(iter(sols))))
    free = sorted({s for v in sol.values() for s in sp.sympify(v).free_symbols if s in unknowns}, key=str)
    if free:
        fb = {lam[pq]: sp.nsimplify(val, rational=True) for pq, val in (fallback or {}).items() if pq in lam}
        missing = [s for s in free if s not in fb]
        if missing:
            return Certificate(None, {}, variables, None, [], None, "none",
                               f"multipliers left free and no value given: {missing}", free)
        sol = {u: sp.nsimplify(sp.sympify(vv).subs(fb)) for u, vv in sol.items()}
    tau_v = sol[tau]
    mult = {pq: sol[lam[pq]] for pq in pattern}
    Sv = S.subs(sol)
    Sv = sp.Matrix(Sv.shape[0], Sv.shape[1], lambda i, j: sp.nsimplify(Sv[i, j]))
    weighted = sp.expand(expr.subs(sol))
    if any(m < 0 for m in mult.values()) or tau_v < 0:
        return Certificate(tau_v, mult, variables, Sv, [], None, "none", "a multiplier is negative", free, weighted)
    ok, d, Lam = ldl_psd(Sv)
    vec = sp.Matrix(variables)
    squares = sum((d[c] * ((Lam[:, c].T * vec)[0]) ** 2 for c in range(len(d)) if d[c] != 0), sp.S.Zero)
    return Certificate(tau_v, mult, variables, Sv, d, Lam, "exact" if ok else "none",
                       "" if ok else "the remaining quadratic form is not PSD", free, weighted, squares, perf,
                       {pq: ineq[pq] for pq in pattern})


# ----------------------------------------------------------------------------- closed forms
def gd_convex_worst(steps: Any = N, step: Any = h) -> sp.Expr:
    r""":math:`\max\{\tfrac{1}{4Nh+2}, \tfrac{(1-h)^{2N}}{2}\}\,LR^2`: gradient descent, step :math:`h/L`, on
    :math:`\mathcal F_{0,L}`, :math:`f(x_N) - f_\star`, :math:`\|x_0 - x_\star\| \le R`.  Proved for
    :math:`0 < h \le 1` (Drori & Teboulle 2014, Theorem 3.1: there the first term is the larger), conjectured for
    :math:`1 < h < 2` (Drori & Teboulle 2014, Sec. 3; Taylor, Hendrickx & Glineur 2017, Sec. 4; strengthened and checked
    numerically far beyond N = 100 by Grimmer, Shu & Wang 2024)."""
    return sp.Max(1 / (4 * steps * step + 2), (1 - step) ** (2 * steps) / 2) * L * R**2


def gd_convex_tight_h_le_1(steps: Any = N, step: Any = h) -> sp.Expr:
    r""":math:`LR^2/(4Nh + 2)` (Drori & Teboulle 2014, Theorem 3.1), :math:`h \le 1`."""
    return L * R**2 / (4 * steps * step + 2)


def folklore_bounds(steps: Any = N) -> dict[str, sp.Expr]:
    r"""Valid, non-tight bounds for step :math:`1/L`: :math:`LR^2/(2N)` (e.g. Bubeck 2015, Theorem 3.3 gives
    :math:`2LR^2/(N+3)`; the simple telescoping proof gives :math:`LR^2/(2N)`, Beck 2017, Theorem 10.21) and
    Nesterov's :math:`2LR^2/(N+4)` (Nesterov 2018, Corollary 2.1.2)."""
    return {"telescoping": L * R**2 / (2 * steps), "nesterov": 2 * L * R**2 / (steps + 4)}


def huber(x: Any, c: Any) -> sp.Expr:
    r"""Huber function with slope :math:`c` far out and curvature :math:`L`: :math:`\tfrac L2 x^2` for
    :math:`|x| \le c/L`, :math:`c|x| - \tfrac{c^2}{2L}` outside (in :math:`\mathcal F_{0,L}`)."""
    return sp.Piecewise((L * x**2 / 2, sp.Abs(x) <= c / L), (c * sp.Abs(x) - c**2 / (2 * L), True))


def huber_trajectory(steps: Any = N, step: Any = h) -> dict[str, sp.Expr]:
    r"""Gradient descent from :math:`x_0 = R` on the Huber function with :math:`c = LR/(2Nh+1)`: every iterate stays
    in the linear part, so :math:`x_k = R - k h c/L` and :math:`f(x_N) = c\,x_N - c^2/(2L)`."""
    c = L * R / (2 * steps * step + 1)
    xN = R - steps * step * c / L
    return {"c": c, "x_N": xN, "f_N": c * xN - c**2 / (2 * L)}


def contraction_factor(step: Any = h, m: Any = mu, Lv: Any = L) -> sp.Expr:
    r""":math:`\max(|1 - h\mu|, |1 - hL|)`: per-step contraction of :math:`\|x_k - x_\star\|` of gradient descent with
    step :math:`h` (absolute) on :math:`\mathcal F_{\mu,L}`; tight (attained by the quadratics
    :math:`\tfrac\mu2 x^2` and :math:`\tfrac L2 x^2`).  Source: Polyak 1987, Theorem 1.4.3 (upper bound); Taylor,
    Hendrickx & Glineur 2018 (exact PEP, tight)."""
    return sp.Max(sp.Abs(1 - step * m), sp.Abs(1 - step * Lv))


def beck_teboulle(steps: Any = k) -> sp.Expr:
    r""":math:`2LR^2/(k+1)^2` (Beck & Teboulle 2009, Theorem 4.4; from :math:`LR^2/(2t_{k-1}^2)`, :math:`t_{k-1} \ge (k+1)/2`)."""
    return 2 * L * R**2 / (steps + 1) ** 2


def kantorovich(kv: Any = kappa) -> sp.Expr:
    r""":math:`((\kappa - 1)/(\kappa + 1))^2`: per-step factor on :math:`f - f_\star` of steepest descent with exact line
    search on quadratics (Kantorovich inequality); on all of :math:`\mathcal F_{\mu,L}` the same (de Klerk, Glineur &
    Taylor 2017, Theorem 1.2)."""
    return ((kv - 1) / (kv + 1)) ** 2


# ----------------------------------------------------------------------------- derivations
def _interp_hypothesis(muv: Any) -> Step:
    if muv == 0:
        stmt = (r"& f_i \ge f_j + \langle g_j, x_i - x_j\rangle + \tfrac{1}{2L}\|g_i - g_j\|^2"
                r"\quad\text{for all pairs } i, j \in \{0, \dots, N, \star\}")
        why = (r"Interpolation theorem for $\mathcal F_{0,L}$ \citep[Thm.~1]{taylor2017}: finitely many points "
               r"$x_i$, gradients $g_i$ and values $f_i$ come from some $f \in \mathcal F_{0,L}$ if and only if "
               r"these inequalities hold for every ordered pair.")
    else:
        stmt = (r"& f_i \ge f_j + \langle g_j, x_i - x_j\rangle + \tfrac{1}{2L}\|g_i - g_j\|^2"
                r" + \tfrac{\mu}{2(1-\mu/L)}\|x_i - x_j - \tfrac1L(g_i - g_j)\|^2")
        why = (r"Interpolation theorem for $\mathcal F_{\mu,L}$ \citep[Thm.~4]{taylor2017}, for every ordered "
               r"pair of points.")
    return Step.assumed("hypothesis: interpolation", sp.Symbol("I"), why, latex_statement=stmt)


def _pair_latex(i, j) -> str:
    return ("\\star" if i == STAR else str(i)) + ("\\star" if j == STAR else str(j))


def _weighted_sum_latex(cert: Certificate) -> str:
    r""":math:`\tau\|x_0\|^2 - \mathrm{measure} - \sum \lambda_{ij} I_{ij} = \text{squares}` with the numbers filled in."""
    x0 = cert.variables[0]
    meas = {"f": r"f_{%s}", "x": r"\|x_{%s} - x_\star\|^2", "g": r"\|g_{%s}\|^2"}
    out_idx = len(cert.variables) - 2
    m = cert.measure
    if m.is_Symbol and str(m).startswith("f_"):
        mtex = meas["f"] % out_idx
    elif m.is_Pow and str(m.base).startswith("g_"):
        mtex = meas["g"] % out_idx
    else:
        mtex = meas["x"] % out_idx
    terms = " ".join(r"- %s\, I_{%s}" % (sp.latex(v), _pair_latex(i, j)) for (i, j), v in cert.multipliers.items() if v != 0)
    rhs = sp.latex(cert.square_sum) if cert.square_sum != 0 else "0"
    return r"& %s\|x_0 - x_\star\|^2 - %s %s = %s" % (sp.latex(cert.tau), mtex, terms, rhs.replace(sp.latex(x0), r"x_0"))


def certificate_derivation(cert: Certificate, title: str, claimed_tau: Any, muv: Any = 0,
                           topic: str = "beyond-quadratics") -> Derivation:
    r"""The certificate as a checked proof: hypothesis, the weighted sum identity, signs, the value of :math:`\tau`."""
    d = Derivation(topic=topic, title=title, source="Taylor, Hendrickx & Glineur (2017); Drori & Teboulle (2014)")
    d.add(_interp_hypothesis(muv))
    if not cert.exact:
        d.add(Step.custom("certificate", sp.Symbol("C"), "No exact certificate: " + cert.reason,
                          lambda: (False, cert.reason), "certificate"))
        return d
    tau_sym = sp.Symbol("tau")
    perf = cert.measure
    x0 = cert.variables[0]
    lhs = tau_sym * x0**2 - perf - sum(sp.Symbol(rf"\lambda_{{{i}{j}}}") * sp.Symbol(rf"I_{{{i}{j}}}")
                                       for (i, j) in cert.multipliers if cert.multipliers[(i, j)] != 0)
    resid = lambda: (lambda r: (r == 0, r))(sp.expand(cert.tau * x0**2 - perf  # noqa: E731
                                                      - sum(m * cert.inequalities[pq] for pq, m in cert.multipliers.items())
                                                      - cert.square_sum))
    d.add(Step.custom(
        "weighted sum", sp.Eq(lhs, cert.square_sum, evaluate=False),
        r"Add the interpolation inequalities $I_{ij} \ge 0$ with the exact rational multipliers $\lambda_{ij}$; the "
        r"function values cancel and what is left is the sum of squares on the right, read off an exact rational "
        r"factorisation $\Lambda D\Lambda^\top$ of the remaining quadratic form.  The residual of the identity "
        r"expands to $0$.",
        resid, "identity", "residual of the expanded polynomial identity is 0",
        latex_statement=_weighted_sum_latex(cert)))
    signs = list(cert.multipliers.values()) + [cert.tau] + list(cert.d)
    d.add(Step.custom(
        "signs", sp.And(*[sp.Ge(sp.Symbol(rf"\lambda_{{{i}{j}}}"), 0) for (i, j) in cert.multipliers]),
        r"Every multiplier $\lambda_{ij}$ and every coefficient $d_k$ of the squares is a non-negative rational, "
        r"so the performance measure is at most $\tau\|x_0 - x_\star\|^2$.",
        lambda: (all(sp.nsimplify(s) >= 0 for s in signs), [s for s in signs if s < 0]), "sign",
        "each rational checked >= 0",
        latex_statement=r"& \lambda_{ij} \ge 0,\quad d_k \ge 0 \quad\Longrightarrow\quad \mathrm{measure} \le \tau\|x_0 - x_\star\|^2"))
    d.add(Step.custom("value of tau", sp.Eq(tau_sym, sp.nsimplify(claimed_tau), evaluate=False),
                      r"The certified constant $\tau$ equals the closed form.",
                      lambda: (sp.nsimplify(cert.tau - claimed_tau) == 0, cert.tau - claimed_tau), "identity",
                      "residual simplifies to 0"))
    d.results["tau"] = cert.tau
    return d


@cache
def huber_derivation() -> Derivation:
    r"""The Huber function attains :math:`LR^2/(4Nh+2)` (symbolic N and h)."""
    d = Derivation(topic="beyond-quadratics", title="Gradient descent on the Huber function attains the worst case",
                   symbols={"L": L, "R": R, "N": N, "h": h}, source="Drori & Teboulle (2014), Sec. 3")
    t = huber_trajectory()
    c = t["c"]
    d.add(Step.sign("gradient in the linear part", t["x_N"] - c / L, ">",
                    r"The last iterate $x_N$, hence every earlier one, lies beyond the kink $c/L$ of the Huber "
                    r"function, where the gradient is the constant slope $c$; so every step moves the iterate by "
                    r"the same amount $hc/L$."))
    d.add(Step.identity("value at x_N", t["f_N"], L * R**2 / (4 * N * h + 2),
                        r"The value of the Huber function on its linear part at $x_N$, with the slope "
                        r"$c = LR/(2Nh+1)$ of \citet{drori2014}, simplifies to the worst case."))
    d.results["f_N"] = L * R**2 / (4 * N * h + 2)
    return d


def _poly_nonneg_on_unit(poly: sp.Expr, var: sp.Symbol) -> tuple[bool, Any]:
    """poly >= 0 on [0, 1]: values at the end points and at the real roots of the derivative (exact)."""
    P = sp.Poly(sp.expand(poly), var)
    crit = [r for r in sp.Poly(P.diff(var)).real_roots() if 0 <= r <= 1]
    vals = [P.eval(0), P.eval(1)] + [P.eval(r) for r in crit]
    bad = [v for v in vals if sp.N(v, 30) < -sp.Rational(1, 10**25)]
    return not bad, bad


@cache
def closed_form_derivations() -> list[Derivation]:
    r"""Comparisons of the closed forms: which term of the max is active, the folklore bounds, contraction."""
    d = Derivation(topic="beyond-quadratics", title="Gradient descent on smooth convex functions: the closed forms",
                   symbols={"L": L, "R": R, "N": N, "h": h},
                   source="Drori & Teboulle (2014); Taylor, Hendrickx & Glineur (2017); Nesterov (2018)")
    hh = sp.Symbol("h", real=True)
    for n in range(1, 6):
        poly = 1 - (1 + 2 * n * hh) * (1 - hh) ** (2 * n)
        d.add(Step.custom(f"h <= 1 branch, N = {n}", sp.Ge(poly, 0),
                          rf"For $N = {n}$ and every $h \in [0, 1]$ the first term of the maximum is the larger "
                          r"one; checked exactly at the end points and at the real critical points of the polynomial.",
                          lambda poly=poly: _poly_nonneg_on_unit(poly, hh), "polynomial bound",
                          "exact values at the critical points in [0, 1]"))
    fb = folklore_bounds()
    tight = gd_convex_tight_h_le_1(N, 1)
    d.add(Step.sign("LR^2/(2N) is not tight", fb["telescoping"] - tight, ">",
                    r"The telescoping bound $LR^2/(2N)$ minus the worst case is positive for every $N \ge 1$: "
                    r"valid, and larger than the worst case."))
    d.add(Step.sign("2LR^2/(N+4) is not tight", fb["nesterov"] - tight, ">",
                    r"Nesterov's bound $2LR^2/(N+4)$ minus the worst case is positive for every $N \ge 1$."))
    d.add(Step.limit("ratio to the tight bound", fb["telescoping"] / tight, N, sp.oo, 2,
                     r"The telescoping bound is asymptotically a factor $2$ too large."))
    return [d, huber_derivation()]


def contraction_derivation(cert: Certificate, hv: Any, muv: Any, Lv: Any) -> Derivation:
    """The contraction certificate, plus the textbook factor 1 - mu/L for h = 1/L compared with the tight one."""
    rho2 = sp.nsimplify(contraction_factor(hv, muv, Lv)) ** 2
    d = certificate_derivation(cert, "Gradient descent on smooth strongly convex functions: exact certificate of "
                               "the distance contraction",
                               rho2, muv)
    q = sp.Symbol("q", positive=True)  # mu/L in (0, 1)
    d.add(Step.custom("textbook factor is not tight", sp.Gt(1 - q, (1 - q) ** 2),
                      r"For the step $1/L$ the textbook factor $1 - \mu/L$ \citep[Thm.~3.10]{bubeck2015} exceeds "
                      r"the tight factor $(1 - \mu/L)^2$ for every $q = \mu/L \in (0, 1)$: valid, not tight.",
                      lambda: (lambda r: (r == 0, r))(sp.expand((1 - q) - (1 - q) ** 2 - q * (1 - q))),
                      "identity", "(1-q) - (1-q)^2 - q(1-q) expands to 0; q(1-q) > 0 for 0 < q < 1"))
    return d
