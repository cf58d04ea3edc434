r"""Closed-form solution of one eigen-mode of a first- or second-order method, and iteration counts.

On one eigenvalue :math:`\lambda` of :math:`A` the error of gradient descent, heavy ball and
Nesterov's method obeys a linear recurrence with constant coefficients

.. math::  e_{t+1} = b\,e_t - c\,e_{t-1}, \qquad e_0,\ e_1 \text{ given}

(the convention of :mod:`theory.two_step`; gradient descent has :math:`c = 0`).  Its
characteristic polynomial is :math:`z^2 - b z + c`, and

* distinct roots :math:`z_1 \ne z_2`: :math:`e_t = c_1 z_1^t + c_2 z_2^t` with
  :math:`c_1 = (e_1 - z_2 e_0)/(z_1 - z_2)`, :math:`c_2 = (z_1 e_0 - e_1)/(z_1 - z_2)`;
* a double root :math:`z` (:math:`b = 2z`, :math:`c = z^2`): :math:`e_t = (A + B t) z^t` with
  :math:`A = e_0`, :math:`B = e_1/z - e_0`;
* both are the *divided-difference form* :math:`e_t = e_1 s_t - c\,e_0 s_{t-1}` with
  :math:`s_t = (z_1^t - z_2^t)/(z_1 - z_2)` (:math:`= t z^{t-1}` at a double root,
  :math:`= r^{t-1}\sin(t\theta)/\sin\theta` for a complex pair :math:`r e^{\pm i\theta}`), which
  is what proofs.sweep evaluates in floating point without cancellation near a double root.

Each closed form is checked by substituting it into the recurrence (the residual is 0 for a
symbolic :math:`t`) and into the initial conditions; nothing is solved with ``rsolve``.

The mode recurrences themselves are not typed here: :func:`mode_recurrence` takes a method value
(numerics' canonical forms of gd, heavy ball and Nesterov, handed over by proofs/; this module never
imports numerics/), has :func:`theory.linear_engine.linear_model` trace its update into the iteration
matrix :math:`M(\lambda)`, and reads :math:`b = \operatorname{tr} M`, :math:`c = \det M` (Cayley–Hamilton) and
the first step from the method's initial state (:math:`x_{-1} = x_0`: no momentum in the first step, so
:math:`e_1 = (1 - \alpha\lambda) e_0` for heavy ball).

Finally :func:`exponent_derivations` derives the growth of the iteration count with
:math:`\kappa`: at the optimal tunings (gradient descent :math:`\eta = 2/(\mu+L)`; Polyak's heavy
ball; Nesterov with Lessard, Recht & Packard's :math:`\alpha = 4/(3L+\mu)`) the slowest mode contracts by :math:`\rho(\kappa)` with
:math:`\lim_{\kappa\to\infty} (1-\rho)\kappa^{p}` finite and positive, :math:`p = 1` for gradient
descent and :math:`p = \tfrac12` for heavy ball and Nesterov, so
:math:`T(\varepsilon) \approx \ln(1/\varepsilon)/(1-\rho) \propto \kappa^{p}`.

Sources: the method of characteristic roots for linear recurrences (e.g. Elaydi, *An
Introduction to Difference Equations*, 3rd ed., Sec. 2.3); Polyak (1964); Nesterov,
*Lectures on Convex Optimization* (2018), Sec. 2.2; Lessard, Recht & Packard (2016), Sec. 2.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache


import sympy as sp

from .derivation import Derivation, Step

__all__ = [
    "SYMBOLS",
    "ModeRecurrence",
    "closed_form_derivation",
    "mode_recurrence",
    "mode_recurrence_derivations",
    "exponent_derivations",
    "iterations_derivations",
    "EXPECTED_EXPONENT",
    "MODE_METHODS",
]

TOPIC = "sweep"
SOURCE = "Elaydi, An Introduction to Difference Equations (2005), Sec. 2.3"

t = sp.Symbol("t", integer=True, nonnegative=True)
b, c = sp.symbols("b c", real=True)
z, z1, z2 = sp.symbols("z z_1 z_2", nonzero=True)
e0, e1 = sp.symbols("e_0 e_1", real=True)
c1, c2, A, B = sp.symbols("c_1 c_2 A B")
r, theta = sp.symbols("r theta", positive=True)
lam, eta, alpha, beta, mu, L, kappa = sp.symbols("lambda eta alpha beta mu L kappa", positive=True)
SYMBOLS = {"t": t, "b": b, "c": c, "z": z, "z_1": z1, "z_2": z2, "e_0": e0, "e_1": e1,
           "lambda": lam, "eta": eta, "alpha": alpha, "beta": beta, "mu": mu, "L": L, "kappa": kappa}

#: methods whose mode recurrence is derived here (canonical forms of numerics.methods)
MODE_METHODS = ("gd", "heavy-ball", "nesterov")


def _recurrence_residual(sequence, bb, cc):
    """``e_{t+1} - b e_t + c e_{t-1}`` for ``e_k = sequence(k)`` (unexpanded; the identity check expands powers)."""
    return sequence(t + 1) - bb * sequence(t) + cc * sequence(t - 1)


@cache
def closed_form_derivation() -> Derivation:
    r"""Closed form of :math:`e_{t+1} = b e_t - c e_{t-1}`: distinct roots, double root, divided differences."""
    d = Derivation(TOPIC, r"Closed-form solution of one mode: $e_{t+1} = b e_t - c e_{t-1}$", source=SOURCE,
                   symbols={k: SYMBOLS[k] for k in ("t", "b", "c", "z", "z_1", "z_2", "e_0", "e_1")})
    # characteristic equation: z^t solves the recurrence iff z^2 - b z + c = 0
    d.add(Step.identity("characteristic equation",
                        sp.expand(z ** (t + 1) - b * z**t + c * z ** (t - 1), power_exp=True),
                        z ** (t - 1) * (z**2 - b * z + c),
                        r"Substitute $e_t = z^t$: the recurrence holds for all $t$ iff $z^2 - bz + c = 0$."))
    d.add(Step.identity("Vieta", sp.expand((z - z1) * (z - z2)), z**2 - (z1 + z2) * z + z1 * z2,
                        r"With roots $z_1, z_2$ of $z^2 - bz + c$: $b = z_1 + z_2$ and $c = z_1 z_2$."))
    bb, cc = z1 + z2, z1 * z2
    # distinct roots: constants from the initial conditions
    C1 = (e1 - z2 * e0) / (z1 - z2)
    C2 = (z1 * e0 - e1) / (z1 - z2)

    def solve_constants() -> tuple[bool, object]:
        sol = sp.solve([sp.Eq(c1 + c2, e0), sp.Eq(c1 * z1 + c2 * z2, e1)], [c1, c2], dict=True)
        if len(sol) != 1:
            return False, sol
        res = [sp.cancel(sol[0][c1] - C1), sp.cancel(sol[0][c2] - C2)]
        return all(x == 0 for x in res), res

    d.add(Step.custom("constants from e_0, e_1 (distinct roots)",
                      sp.Eq(sp.Matrix([c1, c2]), sp.Matrix([C1, C2]), evaluate=False),
                      r"Solve $c_1 + c_2 = e_0$, $c_1 z_1 + c_2 z_2 = e_1$ ($z_1 \ne z_2$).",
                      solve_constants, "solve", "sympy.solve of the 2x2 linear system"))
    distinct = lambda k: C1 * z1**k + C2 * z2**k  # noqa: E731
    d.add(Step.identity("distinct roots solve the recurrence",
                        _recurrence_residual(distinct, bb, cc), 0,
                        r"Substitute $e_t = c_1 z_1^t + c_2 z_2^t$ into $e_{t+1} - b e_t + c e_{t-1}$."))
    d.add(Step.identity("distinct roots: initial conditions",
                        sp.Matrix([distinct(0), distinct(1)]), sp.Matrix([e0, e1]),
                        r"$t = 0$ and $t = 1$ of the closed form."))
    # double root: b = 2z, c = z^2
    Aval, Bval = e0, e1 / z - e0
    double = lambda k: (Aval + Bval * k) * z**k  # noqa: E731
    d.add(Step.identity("double root solves the recurrence",
                        _recurrence_residual(double, 2 * z, z**2), 0,
                        r"$b = 2z$, $c = z^2$ (zero discriminant): substitute $e_t = (A + Bt)z^t$."))
    d.add(Step.identity("double root: initial conditions",
                        sp.Matrix([double(0), double(1)]), sp.Matrix([e0, e1]),
                        r"$t = 0$ and $t = 1$ give $A = e_0$ and $(A + B)z = e_1$."))
    # divided-difference form, used for evaluation in floating point
    s = lambda k: (z1**k - z2**k) / (z1 - z2)  # noqa: E731
    d.add(Step.identity("divided-difference form (distinct roots)",
                        sp.expand(e1 * s(t) - cc * e0 * s(t - 1), power_exp=True),
                        sp.expand(distinct(t), power_exp=True),
                        r"$e_t = e_1 s_t - c e_0 s_{t-1}$ with $s_t = (z_1^t - z_2^t)/(z_1 - z_2)$."))
    d.add(Step.identity("divided-difference form (double root)",
                        sp.expand(e1 * t * z ** (t - 1) - z**2 * e0 * (t - 1) * z ** (t - 2), power_exp=True),
                        sp.expand(double(t), power_exp=True),
                        r"$s_t \to t z^{t-1}$ as $z_2 \to z_1 = z$."))
    za, zb = r * sp.exp(sp.I * theta), r * sp.exp(-sp.I * theta)
    sc = (za**t - zb**t) / (za - zb)
    polar = r ** (t - 1) * sp.sin(t * theta) / sp.sin(theta)
    d.add(Step.identity("divided differences for a complex pair", sc, polar,
                        r"$z_{1,2} = r e^{\pm i\theta}$: $s_t = r^{t-1}\sin(t\theta)/\sin\theta$ (real, no cancellation).",
                        simplifier=lambda e: sp.simplify(sp.expand(e.rewrite(sp.exp), power_exp=True))))
    d.results.update({
        "c_1": C1, "c_2": C2, "distinct": distinct(t),
        "A": Aval, "B": Bval, "double": double(t),
        "divided_difference": e1 * s(t) - c * e0 * s(t - 1),
        "complex_divided_difference": polar,
    })
    return d


@dataclass(frozen=True)
class ModeRecurrence:
    r"""One method's mode recurrence :math:`e_{t+1} = b e_t - c e_{t-1}` and first step :math:`e_1 = g\,e_0`.

    ``b``, ``c``, ``first`` (= g) are SymPy expressions in :math:`\lambda` and the method's
    parameters (``params``: names as in the numerics form).
    """

    method: str
    form: str
    params: tuple[str, ...]
    b: sp.Expr
    c: sp.Expr
    first: sp.Expr
    derivation: Derivation


def _initial_state(method, x_0: sp.Symbol) -> sp.Matrix:
    r"""The state at :math:`t = 0` from the method's initialisations: ``"x"`` -> :math:`x_0`, ``"zeros"`` -> 0."""
    out = []
    for st in method.state:
        if st.init == "x":
            out.append(x_0)
        elif st.init == "zeros":
            out.append(sp.S.Zero)
        else:
            raise ValueError(f"{method.key}: state {st.name} starts at the constant {st.init!r}: no mode recurrence")
    return sp.Matrix(out)


@cache
def mode_recurrence(method) -> ModeRecurrence:
    r"""The mode recurrence of the method value ``method`` (handed over by proofs/), from its iteration matrix.

    :func:`theory.linear_engine.linear_model` traces the update on one eigen-direction into
    :math:`s_{t+1} = M(\lambda) s_t`.  With one state, :math:`b = M`, :math:`c = 0`.  With two, Cayley–Hamilton
    :math:`M^2 - (\operatorname{tr} M) M + (\det M) I = 0` gives, for every component and so for the iterate,
    :math:`x_{t+1} = b x_t - c x_{t-1}` with :math:`b = \operatorname{tr} M`, :math:`c = \det M`; the first step
    :math:`x_1 = g x_0` is the first row of :math:`M` applied to the initial state.
    """
    from .linear_engine import LAMBDA, linear_model, tidy
    from .printing import latex

    model = linear_model(method)
    rename = {sym: SYMBOLS.get(name, sp.Symbol(name, positive=True)) for name, sym in model.params.items()}
    rename[LAMBDA] = lam
    M = model.matrix.xreplace(rename)
    n = M.shape[0]
    if n > 2:
        raise ValueError(f"{method.key}: {n} state arrays, no two-step mode recurrence")
    bb = sp.factor(M.trace())
    cc = sp.factor(M.det()) if n == 2 else sp.S.Zero
    e_init = sp.Symbol("e_0", real=True)
    x1 = sp.expand((M * _initial_state(method, e_init))[0])
    first = sp.factor(x1 / e_init)
    d = Derivation(TOPIC, f"Mode recurrence of {method.method} ({method.name} form)", source=SOURCE,
                   symbols={"lambda": lam, **{p: rename[model.params[p]] for p in model.params}})
    if n == 2:
        d.add(replace(Step.identity(
            "Cayley-Hamilton", M**2 - bb * M + cc * sp.eye(2), sp.zeros(2),
            r"The iteration matrix $M(\lambda)$ derived from the update rule (one eigen-direction, "
            r"$x^\star = 0$, error = iterate) satisfies $M^2 - bM + cI = 0$ with $b = \operatorname{tr} M$, "
            r"$c = \det M$ (Cayley--Hamilton, residual expanded to $0$ entrywise), so $e_{t+1} = b e_t - c e_{t-1}$ "
            r"for the iterate."),
            latex_statement=(rf"b = \operatorname{{tr}} M(\lambda) &= {latex(tidy(bb))},\quad "
                             rf"c = \det M(\lambda) = {latex(tidy(cc))}")))
    else:
        d.add(Step.identity("one state", M[0, 0], bb,
                            r"The update has one state: $e_{t+1} = b e_t$ with $b = M(\lambda)$ derived from the rule, $c = 0$."))
    d.add(Step.identity("first step", x1, first * e_init,
                        r"The initial state of the method ($x_{-1} = x_0$ or a zero buffer): the first step has no "
                        r"momentum, $e_1 = g e_0$."))
    d.results.update({"b": bb, "c": cc, "first": first})
    return ModeRecurrence(method.method, method.name, method.param_names, bb, cc, first, d)


def mode_recurrence_derivations(methods) -> list[Derivation]:
    """The mode recurrences of the method values ``methods`` (proofs/ hands over the forms of :data:`MODE_METHODS`)."""
    return [mode_recurrence(m).derivation for m in methods]


#: theoretical exponent p in T(eps) ~ kappa^p at the optimal tunings (derived in exponent_derivations)
EXPECTED_EXPONENT = {"gd": sp.Integer(1), "heavy-ball": sp.Rational(1, 2), "nesterov": sp.Rational(1, 2)}


def _optimal_tuning(method: str) -> tuple[dict, str]:
    """Optimal tuned parameters (as published: proofs.textbook) in terms of mu = 1, L = kappa (scale-free), and the source."""
    q = sp.sqrt(kappa)
    if method == "gd":
        return {eta: 2 / (1 + kappa)}, "Nesterov (2018), Thm 2.1.15"
    if method == "heavy-ball":
        return ({alpha: 4 / (1 + q) ** 2, beta: ((q - 1) / (q + 1)) ** 2},
                "Polyak (1964)")
    w = sp.sqrt(3 * kappa + 1)
    return ({alpha: 4 / (3 * kappa + 1), beta: (w - 2) / (w + 2)},
            "Lessard, Recht & Packard (2016), Prop. 12")


_TUNING_RESULT = {"eta": "eta_star", "alpha": "alpha", "beta": "beta"}


def _derived_tuning(method: str) -> Derivation:
    """The derivation (in theory/gd, heavy_ball, nesterov) whose results hold the optimal tuning."""
    from . import gd, heavy_ball, nesterov

    return {"gd": gd.optimal_step_derivation, "heavy-ball": heavy_ball.optimal_tuning_derivation,
            "nesterov": nesterov.optimal_tuning_derivation}[method]()


#: lim (1 - rho) kappa^p at the tuning: 2 for gd (1 - rho = 2/(kappa + 1)), 2 for heavy ball
#: (2/(sqrt(kappa) + 1)), 2/sqrt(3) for Nesterov (2/sqrt(3 kappa + 1)); typed here, checked by sympy.limit
_GAP_CONSTANT = {"gd": sp.Integer(2), "heavy-ball": sp.Integer(2), "nesterov": 2 / sp.sqrt(3)}


@cache
def exponent_derivation(value) -> Derivation:
    r""":math:`T(\varepsilon) \propto \kappa^p`: the slowest mode's root at :math:`\lambda = \mu` and its gap to 1,
    for the method value ``value`` (a canonical form of :data:`MODE_METHODS`, handed over by proofs/)."""
    m = mode_recurrence(value)
    method = value.method
    tuning, source = _optimal_tuning(method)
    p = EXPECTED_EXPONENT[method]
    d = Derivation(TOPIC, rf"Iteration count of {method} grows like $\kappa^{{{sp.latex(p)}}}$", source=source,
                   symbols={"kappa": kappa})
    derived = _derived_tuning(method)
    for sym, value in tuning.items():
        d.add(Step.substitution(
            f"tuning {sym}", derived.results[_TUNING_RESULT[sym.name]], {derived.symbols["mu"]: 1, derived.symbols["L"]: kappa},
            value, rf"The optimal tuning derived in the {method} section, at $\mu = 1$, $L = \kappa$.",
            lhs=sym))
    bb = sp.radsimp(sp.factor(m.b.subs(tuning).subs(lam, 1)))
    cc = sp.factor(m.c.subs(tuning).subs(lam, 1))
    if method == "gd":
        d.add(Step.substitution("contraction at lambda = mu", m.b, {**tuning, lam: 1}, (kappa - 1) / (kappa + 1),
                                r"$e_{t+1} = (1 - \eta\mu)e_t$, with $\eta\mu = 2/(1 + \kappa)$."))
        rho = (kappa - 1) / (kappa + 1)
    else:
        zd = bb / 2
        d.add(replace(Step.identity("double root at lambda = mu", sp.radsimp(bb**2 - 4 * cc), 0,
                                    r"The discriminant $b^2 - 4c$ of the mode at $\lambda = \mu$ vanishes: a double root "
                                    r"$z = b/2$ (SymPy's residual is the discriminant at the tuned parameters)."),
                      latex_statement=r"b^2 - 4c\,\big|_{\lambda = \mu,\ \text{tuned } \alpha, \beta} &= 0"))
        rho = sp.radsimp(sp.factor(zd))
        q = sp.sqrt(kappa)
        expected_rho = (q - 1) / (q + 1) if method == "heavy-ball" else 1 - 2 / sp.sqrt(3 * kappa + 1)
        d.add(Step.identity("slowest root", rho, expected_rho, r"$z = b/2$ at the tuned parameters."))
        rho = expected_rho
    C = _GAP_CONSTANT[method]
    d.add(Step.limit("gap to 1 scales like kappa^-p", (1 - rho) * kappa**p, kappa, sp.oo, C,
                     r"$(1 - \rho)\kappa^p$ tends to a finite constant $C > 0$, so $T = \ln(1/\varepsilon)/(1 - \rho) "
                     r"\sim \kappa^p/C$."))
    d.results.update({"rho": rho, "exponent": p, "gap_constant": C})
    return d


def exponent_derivations(methods) -> list[Derivation]:
    return [exponent_derivation(m) for m in methods]


def iterations_derivations(methods) -> list[Derivation]:
    """All derivations of this module (closed form, mode recurrences, exponents) for the method values ``methods``."""
    return [closed_form_derivation(), *mode_recurrence_derivations(methods), *exponent_derivations(methods)]
