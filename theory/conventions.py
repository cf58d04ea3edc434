r"""One method, many ways of writing it: which momentum conventions are the same method.

Every form keeps an iterate :math:`x_t` and one buffer :math:`s_t` (a velocity
:math:`v_t` or a momentum :math:`m_t`, started at :math:`s_0 = 0`), and evaluates the
gradient :math:`g = \nabla f` at a look-ahead point.  No form is typed here: proofs/ hands over
numerics' method values, and :func:`symbolic_form` calls their own ``gradient_point`` and ``update``
on SymPy symbols (this module never imports numerics/).  The gradient is an *arbitrary*
function here (SymPy ``Function``), so every identity holds for any differentiable
:math:`f`, not only on quadratics.  The updates only add vectors and scale them, so the
scalar computation is the vector one coordinate-free.

Each form is reduced, by SymPy, to the three-parameter family

.. math::  x_{t+1} = x_t + \beta'(x_t - x_{t-1}) - \alpha'\,\nabla f\bigl(x_t + \gamma'(x_t - x_{t-1})\bigr),
           \qquad x_{-1} = x_0,

whose members are Polyak's heavy ball (:math:`\gamma' = 0`, form ``polyak``) and
Nesterov's method in Lessard et al.'s form (:math:`\gamma' = \beta'`, form ``lessard``).
The recipe for a form with :math:`x_{t+1} = x_t + k\,s_{t+1}`:

1. the buffer is a difference of iterates, :math:`s_t = (x_t - x_{t-1})/k` (for
   :math:`t \ge 1` by the update; for :math:`t = 0` because :math:`s_0 = 0` and
   :math:`x_{-1} = x_0`);
2. substituting it into the update gives a two-step recurrence in :math:`x` alone, from
   which SymPy reads off :math:`(\alpha', \beta', \gamma')` — the parameter map;
3. the first iterates agree (:math:`x_1` from :math:`s_0 = 0` equals :math:`x_1` from
   :math:`x_{-1} = x_0`); the same recurrence with the same :math:`x_0, x_1` gives the
   same :math:`x_t` for every :math:`t` (induction).

PyTorch's Nesterov form is different: its parameter is NAG's *look-ahead point*
:math:`y_t = x_t + \beta(x_t - x_{t-1})`, shown by conjugating the one-step maps.

Note 003 writes the look-ahead point :math:`x_t - \beta v_t` (no :math:`\eta`); the recipe
gives :math:`\gamma' = \beta/\eta \ne \beta'`, so it is NAG only when :math:`\eta = 1`.
Its iteration matrix and rate are derived in :func:`seed003_rate_derivation`.

Sources: PyTorch ``torch.optim.SGD`` documentation (momentum, ``nesterov=True``, dampening 0);
Sutskever, Martens, Dahl & Hinton, ICML 2013, eq. (1)-(4); Keras ``SGD``; Lessard, Recht &
Packard, SIAM J. Optim. 26(1), 2016; the lecture notes 000-004.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Callable

import sympy as sp

from .derivation import Derivation, Step, is_zero
from .linear_engine import _Named
from .printing import latex
from .two_step import companion, one_step_matrix, radius_expr, z

__all__ = [
    "SymbolicForm",
    "symbolic_form",
    "family_update",
    "form_derivation",
    "pytorch_derivation",
    "seed003_rate_derivation",
    "conventions_derivations",
    "parameter_map",
    "inverse_map",
]

# ----------------------------------------------------------------------------- symbols
x = sp.Symbol("x_t", real=True)
x_prev = sp.Symbol("x_{t-1}", real=True)
x0 = sp.Symbol("x_0", real=True)
s = sp.Symbol("s_t", real=True)
s_new = sp.Symbol("s_{t+1}", real=True)
grad = sp.Function("g")  # g = ∇f, an arbitrary function
alpha = sp.Symbol("alpha", positive=True)
beta = sp.Symbol("beta", positive=True)
eta = sp.Symbol("eta", positive=True)
gamma = sp.Symbol("gamma", positive=True)
alpha_c = sp.Symbol("alpha_c", positive=True)  # canonical (polyak / lessard) parameters
beta_c = sp.Symbol("beta_c", positive=True)
lam = sp.Symbol("lambda", positive=True)
GAMMA_P = sp.Symbol(r"\gamma'")  # the family's look-ahead coefficient, for display
BETA_P = sp.Symbol(r"\beta'")
RHO = sp.Function("rho")
B_SYM, C_SYM = sp.Symbol("b", real=True), sp.Symbol("c", real=True)

SYMBOLS = {"alpha": alpha, "beta": beta, "eta": eta, "gamma": gamma}


def family_update(xt, xp, a, b, c):
    r"""The three-parameter family :math:`x_t + b(x_t - x_{t-1}) - a\,g(x_t + c(x_t - x_{t-1}))`."""
    return xt + b * (xt - xp) - a * grad(xt + c * (xt - xp))


@dataclass(frozen=True)
class SymbolicForm:
    r"""A momentum form written symbolically in its own variables (buffer ``s``, ``s_0 = 0``).

    ``lookahead(x, s)`` is where the gradient is evaluated; ``update(x, s, g)`` returns
    ``(x_{t+1}, s_{t+1})``.  ``canonical`` is ``"polyak"`` or ``"lessard"``.  Built by :func:`symbolic_form`
    from a method value: nothing here is typed again.
    """

    method: str
    name: str
    params: tuple[str, ...]
    lookahead: Callable
    update: Callable
    canonical: str
    buffer: str
    formula: str
    source: str


def _exact(e):
    """Float constants of a traced update (``1.0 - beta``) as the exact decimals they print as."""
    e = sp.sympify(e)
    return e.xreplace({f: sp.Rational(repr(float(f))) for f in e.atoms(sp.Float)})


@cache
def symbolic_form(method, canonical: str) -> SymbolicForm:
    r"""The method value ``method`` (handed over by proofs/; this module never imports numerics/) as a
    :class:`SymbolicForm`: its own ``gradient_point`` and ``update`` called on SymPy symbols, with an
    *arbitrary* gradient :math:`g` (any :math:`f`), parameters the symbols of :data:`SYMBOLS`, step :math:`t = 1`.

    ``method`` keeps the iterate ``x`` and one buffer started at 0; ``canonical`` names the canonical form
    it is compared with (``"polyak"`` or ``"lessard"``).
    """
    names = tuple(method.state_names)
    if len(names) != 2 or method.state[1].init != "zeros":
        raise ValueError(f"{method.key}: a form with the iterate x and one buffer started at 0")
    buffer = names[1]
    params = _Named({p: SYMBOLS[p] for p in method.param_names})

    def state(xt, st):
        return _Named({"x": xt, buffer: st})

    def lookahead(xt, st):
        return _exact(method.gradient_point(state(xt, st), params, 1))

    def update(xt, st, g):
        new = method.update(state(xt, st), g, params, 1)
        return _exact(new["x"]), _exact(new[buffer])

    return SymbolicForm(method.method, method.name, tuple(method.param_names), lookahead, update, canonical,
                        buffer, method.formula, method.source)


def _citation(source: str) -> str:
    r"""A method value's source as a citation: framework argument lists and remarks dropped
    (``PyTorch torch.optim.SGD(momentum=beta, dampening=0)`` -> ``PyTorch torch.optim.SGD``; a parenthesis with
    ``=`` or ``:``), locations and years kept."""
    return re.sub(r"\s*\([^()]*[=:][^()]*\)", "", source)


def _one_step(f: SymbolicForm, xt, st):
    """``(x_{t+1}, s_{t+1})`` of form ``f`` from ``(x_t, s_t)``, gradient at the look-ahead point."""
    return f.update(xt, st, grad(f.lookahead(xt, st)))


def _tidy(e: sp.Expr) -> sp.Expr:
    r"""Display form with positive factors: :math:`\alpha(1-\beta)`, :math:`\alpha_c/(1-\beta_c)`."""
    n, d = sp.fraction(sp.factor(e))
    if n.could_extract_minus_sign() and d != 1:
        n, d = -n, -d
    return sp.factor_terms(sp.expand(n)) / sp.expand(d)


def _read_family(rec: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    r"""Read :math:`(\alpha', \beta', \gamma')` off a recurrence ``x_t + b(x_t - x_{t-1}) - a g(x_t + c(...))``."""
    rec = sp.expand(rec)
    calls = [a for a in rec.atoms(sp.core.function.AppliedUndef) if a.func == grad]
    if len(calls) != 1:
        raise ValueError(f"expected one gradient evaluation in {rec}, found {calls}")
    call = calls[0]
    arg = sp.expand(call.args[0])
    c = _tidy(-sp.diff(arg, x_prev))
    a = _tidy(-rec.coeff(call))
    rest = sp.expand(rec + a * call)
    b = _tidy(-sp.diff(rest, x_prev))
    return a, b, c


@cache
def form_derivation(f: SymbolicForm) -> Derivation:
    r"""Reduce the form ``f`` to the three-parameter family; prove (or refute) equivalence with its canonical form."""
    method, name = f.method, f.name
    xn, sn = _one_step(f, x, s)
    k = sp.cancel((xn - x) / sn)
    if k.free_symbols & {x, s, x_prev}:
        raise ValueError(f"form {name}: x_(t+1) - x_t is not a constant multiple of the new buffer")
    buf = sp.Symbol(f"{f.buffer}_t", real=True)
    d = Derivation(
        topic="conventions",
        title=rf"{method} form \texttt{{{name}}} as a two-step recurrence",
        symbols={p: SYMBOLS[p] for p in f.params},
        source=_citation(f.source),
    )
    # 1. the buffer is a difference of iterates
    buffer_expr = (x - x_prev) / k
    d.add(Step.solve(
        "buffer from iterates", sp.Eq(x - x_prev, k * buf), buf, [buffer_expr],
        rf"The update moves $x$ by ${latex(k)}$ times the new buffer, so ${f.buffer}_t = (x_t - x_{{t-1}})/({latex(k)})$ "
        rf"for $t \ge 1$; at $t = 0$ it holds because ${f.buffer}_0 = 0$ and $x_{{-1}} = x_0$"))
    # 2. the recurrence in x alone, and the parameters read off it
    rec = sp.expand(xn.subs(s, buffer_expr))
    a, b, c = _read_family(rec)
    d.add(Step.substitution(
        "two-step recurrence", xn, {s: buffer_expr}, family_update(x, x_prev, a, b, c),
        r"Substitute the buffer into the update ($g = \nabla f$, any $f$); the result is the family $x_t "
        r"+ \beta'(x_t - x_{t-1}) - \alpha' g\bigl(x_t + \gamma'(x_t - x_{t-1})\bigr)$ with the "
        r"parameters shown.",
        lhs=sp.Symbol("x_{t+1}")))
    # 3. equivalence with the canonical form: a condition on the look-ahead coefficient
    if f.canonical == "polyak":
        d.add(Step.substitution("heavy ball: gradient at x_t", GAMMA_P, {GAMMA_P: c}, 0,
                                r"The gradient is taken at the iterate itself ($\gamma' = 0$): Polyak's heavy ball."))
        equivalent = True
    else:
        if sp.expand(c - b) == 0:
            d.add(Step.substitution("Nesterov: look-ahead = momentum", GAMMA_P - BETA_P, {GAMMA_P: c, BETA_P: b}, 0,
                                r"$\gamma' = \beta'$: the gradient is taken at $y_t = x_t + \beta'(x_t - x_{t-1})$, the NAG form "
                                r"of Lessard et al."))
            equivalent = True
        else:
            free = sorted(((c - b).free_symbols - {beta}), key=str)
            d.add(Step.solve(
                "NAG only when gamma' = beta'", sp.Eq(c, b), free[0], sp.solve(sp.Eq(c, b), free[0]),
                rf"The look-ahead coefficient $\gamma' = {latex(c)}$ equals the momentum $\beta' = {latex(b)}$ "
                rf"only at this value: otherwise the gradient is taken at another point than NAG's"))
            equivalent = False
    # 4. initial conditions: x_1 from s_0 = 0 equals x_1 from x_(-1) = x_0
    x1_form, _ = _one_step(f, x0, sp.S.Zero)
    d.add(Step.identity(
        "first iterate", x1_form, family_update(x0, x0, a, b, c),
        r"$x_1$ from $s_0 = 0$ equals the family's $x_1$ with $x_{-1} = x_0$; with the same two-step "
        r"recurrence, equal $x_0$ and $x_1$ give equal $x_t$ for every $t \ge 0$ (induction)."))
    # 5. inverse map (canonical parameters -> this form's), checked by substituting back
    syms = [SYMBOLS[p] for p in f.params]
    sol = sp.solve([sp.Eq(a, alpha_c), sp.Eq(b, beta_c)], syms, dict=True)
    if len(sol) != 1:
        raise ValueError(f"form {name}: the parameter map is not invertible: {sol}")
    inv = {p: _tidy(sol[0][sym]) for p, sym in zip(f.params, syms)}
    back = sp.Matrix([a, b]).subs({SYMBOLS[p]: e for p, e in inv.items()})

    def substitute_back():
        return is_zero(back - sp.Matrix([alpha_c, beta_c]))

    d.add(Step.custom(
        "inverse map", sp.Eq(sp.Matrix(syms), sp.Matrix([inv[p] for p in f.params]), evaluate=False),
        r"The form's parameters for the canonical step $\alpha_c$ and momentum $\beta_c$ (as used by "
        r"\texttt{-{}-tuning}); substituting them back into the map gives $(\alpha', \beta') = (\alpha_c,"
        r" \beta_c)$.", substitute_back, "substitution",
        "substitute back into the parameter map, residual simplifies to 0"))
    d.results.update({f"{name}.alpha'": a, f"{name}.beta'": b, f"{name}.gamma'": c, f"{name}.buffer_scale": k,
                      f"{name}.equivalent": sp.sympify(equivalent)})
    d.results.update({f"{name}.inverse_{p}": e for p, e in inv.items()})
    return d


@cache
def pytorch_derivation(pt: SymbolicForm, vl: SymbolicForm) -> Derivation:
    r"""PyTorch's ``nesterov=True`` parameter :math:`p_t` is NAG's look-ahead point :math:`y_t`.

    With :math:`P(x, v) = x - \eta\beta v` (the look-ahead point of ``velocity-lookahead``),
    one PyTorch step from :math:`(P(x_t, v_t), v_t)` gives :math:`(P(x_{t+1}, v_{t+1}), v_{t+1})`;
    with :math:`v_0 = 0` both start at :math:`x_0`, so :math:`p_t = x_t - \eta\beta v_t = y_t` for every
    :math:`t`, and NAG's iterate is recovered as :math:`x_t = p_t + \eta\beta v_t`.
    """
    v = sp.Symbol("v_t", real=True)

    def P(xt, vt):
        return xt - eta * beta * vt

    d = Derivation(
        topic="conventions",
        title=r"PyTorch \texttt{nesterov=True}: its iterate is NAG's look-ahead point",
        symbols={"eta": eta, "beta": beta},
        source="PyTorch torch.optim.SGD documentation (nesterov=True, dampening 0); Sutskever et al. (2013)",
    )
    xn, vn = _one_step(vl, x, v)
    pn, vpn = _one_step(pt, P(x, v), v)
    d.add(Step.identity(
        "one step commutes with p = x - eta beta v", sp.Matrix([pn, vpn]), sp.Matrix([P(xn, vn), vn]),
        r"A PyTorch step from $(x_t - \eta\beta v_t,\ v_t)$ lands on $(x_{t+1} - \eta\beta v_{t+1},\ "
        r"v_{t+1})$ of the velocity-lookahead form, for any gradient $g$."))
    d.add(Step.substitution("same start", P(x0, v), {v: 0}, x0, r"$v_0 = 0$, so $p_0 = x_0$; by induction $p_t = x_t - \eta\beta v_t$ for every $t$.", lhs=sp.Symbol("p_0")))
    buffer_expr = (x - x_prev) / (-eta)
    d.add(Step.substitution(
        "p_t is the look-ahead point", P(x, v), {v: buffer_expr}, x + beta * (x - x_prev),
        r"$v_t = -(x_t - x_{t-1})/\eta$ in the velocity-lookahead form (the Lessard form with $\alpha = "
        r"\eta$), so $p_t = y_t$, the point where NAG evaluates its gradient; NAG's own iterate is $x_t ="
        r" p_t + \eta\beta v_t$.", lhs=sp.Symbol("p_t")))
    d.results.update({"pytorch.alpha'": eta, "pytorch.beta'": beta, "pytorch.gamma'": beta, "pytorch.equivalent": sp.true,
                      "pytorch.inverse_eta": alpha_c, "pytorch.inverse_beta": beta_c})
    return d


# ----------------------------------------------------------------------------- note 003's rate
def _family_matrix(a, b, c) -> sp.Matrix:
    """Iteration matrix of the family on one eigenvalue lambda of A (g(u) = lambda u, x* = 0)."""
    upd = family_update(x, x_prev, a, b, c).replace(grad, lambda u: lam * u)
    return one_step_matrix(upd, x, x_prev)


KAPPA100 = {eta: sp.Rational(1, 100), beta: sp.Rational(9, 11)}


@cache
def seed003_rate_derivation(seed003: SymbolicForm) -> Derivation:
    r"""Note 003's form: iteration matrix, spectral radius, and its value at kappa = 100.

    On :math:`f = \tfrac12 x^\top A x` and an eigenvalue :math:`\lambda` the family
    (:math:`\alpha' = \eta, \beta' = \beta, \gamma' = \beta/\eta`) is
    :math:`e_{t+1} = b e_t - c e_{t-1}` with :math:`b = 1 + \beta - \eta\lambda - \beta\lambda`,
    :math:`c = \beta(1 - \lambda)`; NAG (:math:`\gamma' = \beta`) has
    :math:`b = (1+\beta)(1-\eta\lambda)`, :math:`c = \beta(1-\eta\lambda)`.  The rate over
    eig(A) ⊂ [mu, L] is the larger radius at the two ends (b, c affine in lambda + Jury's
    triangle).  At mu = 1, L = 100, eta = 1/L, beta = 9/11 the form diverges with growth
    factor (81 + 9 sqrt 85)/2 ≈ 81.99 per step, while NAG converges at rate 9/10.
    """
    fd = form_derivation(seed003)
    a, b_, c_ = fd.results["seed-003.alpha'"], fd.results["seed-003.beta'"], fd.results["seed-003.gamma'"]
    M = _family_matrix(a, b_, c_)
    M_nag = _family_matrix(eta, beta, beta)
    bb = 1 + beta - eta * lam - beta * lam
    cc = beta * (1 - lam)
    d = Derivation(
        topic="conventions",
        title="Note 003's Nesterov form: iteration matrix and rate",
        symbols={"eta": eta, "beta": beta, "lambda": lam},
        source="note 003, Sec. 3.2; Lessard, Recht & Packard (2016), Sec. 2; Jury (1964)",
    )
    d.add(Step.identity(
        "iteration matrix", M, companion(bb, cc),
        r"On one eigenvalue $\lambda$ (gradient $\lambda x$, $x^\star = 0$) SymPy reads the recurrence "
        r"off the update, in the state $(e_t, e_{t-1})$; companion matrix $\begin{pmatrix} b & -c\\ 1 & "
        r"0\end{pmatrix}$."))
    d.add(Step.identity(
        "difference from NAG", M - M_nag, beta * lam * (eta - 1) * sp.Matrix([[1, -1], [0, 0]]),
        r"NAG at the same $(\eta, \beta)$: the matrices differ by $\beta\lambda(\eta - 1)\begin{pmatrix}1"
        r" & -1\\ 0 & 0\end{pmatrix}$, so they are equal iff $\eta = 1$."))
    bL, cL = bb.subs(lam, 100).subs(KAPPA100), cc.subs(lam, 100).subs(KAPPA100)
    bm, cm = bb.subs(lam, 1).subs(KAPPA100), cc.subs(lam, 1).subs(KAPPA100)
    d.add(Step.substitution("b, c at lambda = L = 100", sp.Matrix([bb, cc]), {lam: 100, **KAPPA100},
                            sp.Matrix([-81, -81]), r"$\eta = 1/L = 1/100$, $\beta = 9/11$ (NAG's standard tuning at $\kappa = 100$).",
                            lhs=sp.Matrix([sp.Symbol("b"), sp.Symbol("c")])))
    rho_closed = (81 + 9 * sp.sqrt(85)) / 2
    rho_sym = radius_expr(B_SYM, C_SYM)
    d.add(Step.substitution("radius at lambda = L", rho_sym, {B_SYM: bL, C_SYM: cL}, rho_closed,
                            r"$c < 0$, so the roots of $z^2 + 81z - 81$ are real: $\bigl(|b| + \sqrt{b^2 - 4c}\bigr)/2$, and "
                            r"$\sqrt{6885} = 9\sqrt{85}$.", lhs=RHO(sp.Symbol("L"))))
    d.add(Step.substitution("radius at lambda = mu = 1", rho_sym, {B_SYM: bm, C_SYM: cm}, sp.Rational(99, 100),
                            r"$b = 99/100$, $c = 0$: the roots are $99/100$ and $0$.", lhs=RHO(sp.Symbol("mu"))))
    r = sp.Symbol("r", positive=True)
    d.add(Step.assumed(
        "Jury's triangle",
        sp.Symbol("Jury(b, c, r)"),
        r"Both roots of $z^2 - bz + c$ have modulus at most $r$ iff $c \le r^2$ and $|b| \le r + c/r$ "
        r"(Schur--Cohn--Jury criterion \cite{jury1964}).",
        latex_statement=r"& |z_{1,2}| \le r \iff c \le r^2 \ \wedge\ |b| \le r + c/r"))

    def affine_in_lambda():
        conds = [r**2 - cc, r + cc / r - bb, r + cc / r + bb]
        degs = [sp.degree(sp.expand(cnd * r), lam) for cnd in conds]
        return all(dg <= 1 for dg in degs), degs

    d.add(Step.custom(
        "rate = max over the two ends", sp.Eq(sp.Symbol("rho"), sp.Max(sp.Symbol("rho(mu)"), sp.Symbol("rho(L)"))),
        r"Each of Jury's conditions is affine in $\lambda$, so $\{\lambda : \rho(\lambda) \le r\}$ is an "
        r"interval and the maximum of $\rho$ over $[\mu, L]$ is at $\mu$ or at $L$.", affine_in_lambda, "degree",
        "the conditions have degree <= 1 in lambda",
        latex_statement=r"\rho &= \max\{\rho(\mu), \rho(L)\}"))
    d.add(Step.substitution("note 003 rate at kappa = 100", sp.Max(RHO(sp.Symbol("mu")), RHO(sp.Symbol("L"))),
                            {RHO(sp.Symbol("mu")): sp.Rational(99, 100), RHO(sp.Symbol("L")): rho_closed}, rho_closed,
                            lhs=sp.Symbol(r"\rho_{\mathrm{note\,003}}"), justification=
                        r"The larger end: the form diverges, with growth factor $(81 + 9\sqrt{85})/2 \approx 81.99$ per "
                        r"step."))
    bn = (1 + beta) * (1 - eta * lam)
    cn = beta * (1 - eta * lam)
    d.add(Step.substitution("NAG at the same parameters", rho_sym,
                            {B_SYM: bn.subs(lam, 1).subs(KAPPA100), C_SYM: cn.subs(lam, 1).subs(KAPPA100)},
                            sp.Rational(9, 10), lhs=sp.Symbol(r"\rho_{\mathrm{NAG}}"), justification=
                            r"$b = 9/5$, $c = 81/100$ at $\lambda = \mu$: a double root $9/10 = 1 - 1/\sqrt{\kappa}$ (at "
                            r"$\lambda = L$: $b = c = 0$)."))
    # divergence for every eta once L > 1 + 1/beta: the product of the roots is c = beta (1 - lambda)
    z1, z2 = sp.symbols("z_1 z_2")
    d.add(Step.substitution("product of the roots", sp.expand((z - z1) * (z - z2)).coeff(z, 0), {}, z1 * z2,
                            lhs=sp.Symbol("c"), justification=
                        r"Vieta: $z^2 - bz + c = (z - z_1)(z - z_2)$ has $c = z_1 z_2$, so $|c| > 1$ forces a root "
                        r"outside the unit disk (growth), whatever $b$ is."))
    d.add(Step.sign("c decreases in lambda", sp.diff(cc, lam), "<", r"$\mathrm{d}c/\mathrm{d}\lambda = -\beta < 0$."))
    d.add(Step.solve("c = -1", sp.Eq(cc, -1), lam, [1 + 1 / beta],
                     r"So $c(L) < -1$ iff $L > 1 + 1/\beta$: then the form diverges for \emph{every} step $\eta > 0$ "
                     r"($\beta = 9/11$: $L > 20/9$; $\beta = 0.9$: $L > 19/9$)."))
    d.results.update({"seed-003.b": bb, "seed-003.c": cc, "seed-003.radius": radius_expr(bb, cc),
                      "rate_kappa100": rho_closed,
                      "divergence_threshold_L": 1 + 1 / beta,
                      "nag_rate_kappa100": sp.Rational(9, 10)})
    return d


def parameter_map(d: Derivation, name: str) -> dict[str, sp.Expr]:
    r"""``{"alpha": α', "beta": β', "gamma": γ'}`` of form ``name`` in its own parameters, from its derivation ``d``
    (:func:`form_derivation`, or :func:`pytorch_derivation` for ``pytorch``)."""
    return {k: d.results[f"{name}.{k}'"] for k in ("alpha", "beta", "gamma")}


def inverse_map(d: Derivation, name: str) -> dict[str, sp.Expr]:
    r"""The form's parameters in terms of canonical ``alpha_c``, ``beta_c`` (derived and checked), from ``d``."""
    prefix = f"{name}.inverse_"
    return {k[len(prefix):]: v for k, v in d.results.items() if k.startswith(prefix)}


def conventions_derivations(forms) -> list[Derivation]:
    r"""The derivations of this section for ``forms`` (``(method, name) -> SymbolicForm``, built by proofs/ from the
    method values with :func:`symbolic_form`): every form reduced to the family, PyTorch's, note 003's rate."""
    out = [form_derivation(f) for (m, n), f in forms.items() if n != "pytorch"]
    out.append(pytorch_derivation(forms[("nesterov", "pytorch")], forms[("nesterov", "velocity-lookahead")]))
    out.append(seed003_rate_derivation(forms[("nesterov", "seed-003")]))
    return out
