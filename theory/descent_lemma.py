r"""The descent lemma for L-smooth functions, its exact form on quadratics, and the GD step.

**Lemma.**  If :math:`\|\nabla f(x) - \nabla f(y)\| \le L\|x - y\|` (the hypothesis), then

.. math::  f(y) \le f(x) + \langle\nabla f(x), y - x\rangle + \tfrac{L}{2}\|y - x\|^2 .

Proof: with :math:`d = y - x` and :math:`\varphi(s) = f(x + s d)`, the fundamental theorem of
calculus gives :math:`f(y) - f(x) - \langle\nabla f(x), d\rangle = \int_0^1 \langle\nabla f(x+sd) - \nabla f(x), d\rangle\,ds`,
Cauchy-Schwarz and the hypothesis bound the integrand by :math:`L s\|d\|^2`, and
:math:`\int_0^1 L s\,ds = L/2`.

On :math:`f = \tfrac12 x^\top A x - b^\top x` the gap is exactly :math:`\tfrac12 d^\top A d \le \tfrac{\lambda_{\max}}{2}\|d\|^2`,
with equality along the top eigenvector: :math:`L = \lambda_{\max}` and the lemma is tight.

Substituting the GD step :math:`d = -\eta\nabla f(x)` gives
:math:`f(x^+) \le f(x) - \eta(1 - L\eta/2)\|\nabla f(x)\|^2`: decrease is guaranteed iff
:math:`0 < \eta < 2/L`, and the guaranteed decrease is largest at :math:`\eta = 1/L`, where it is
:math:`\|\nabla f(x)\|^2/(2L)`.  (Note 003 says one uses :math:`\eta \le 1/L` "for more stable
convergence" and that larger steps may diverge; the lemma guarantees decrease on all of
:math:`(0, 2/L)` — :math:`1/L` is the step that maximises the guaranteed decrease, not a stability limit.)

Sources: Nesterov, Lectures on Convex Optimization (2018), Lemma 1.2.3 and Sec. 1.2.3;
Bubeck, Convex Optimization: Algorithms and Complexity (2015), Lemma 3.4; note 003, Sec. 1.3.1.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step

__all__ = ["lemma_derivation", "quadratic_derivation", "gd_step_derivation", "descent_lemma_derivations"]

L = sp.Symbol("L", positive=True)
eta = sp.Symbol("eta", positive=True)
eta_r = sp.Symbol("eta", real=True)  # for the "iff" over all real eta
s = sp.Symbol("s", real=True)
G2 = sp.Symbol(r"\|\nabla f(x)\|^2", positive=True)  # squared gradient norm, > 0 away from a stationary point
D2 = sp.Symbol(r"\|d\|^2", positive=True)
phi = sp.Function("varphi")


def _integral_step(label: str, integrand, lo, hi, expected, why: str) -> Step:
    """``int_lo^hi integrand ds = expected``, checked by ``sympy.integrate``."""
    def run():
        residual = sp.simplify(sp.integrate(integrand, (s, lo, hi)) - expected)
        return residual == 0, residual

    return Step.custom(label, sp.Eq(sp.Integral(integrand, (s, lo, hi)), expected, evaluate=False), why, run,
                       "integral", "sympy.integrate, residual simplifies to 0")


@cache
def lemma_derivation() -> Derivation:
    r"""The descent lemma via the fundamental theorem of calculus (hypothesis: L-Lipschitz gradient)."""
    d = Derivation(
        topic="descent-lemma",
        title=r"Descent lemma: $f(y) \le f(x) + \langle\nabla f(x), y - x\rangle + \tfrac{L}{2}\|y - x\|^2$",
        symbols={"L": L},
        source="Nesterov (2018), Lemma 1.2.3; Bubeck (2015), Lemma 3.4",
    )
    d.add(Step.assumed(
        "hypothesis: L-smooth", sp.Symbol("H"),
        r"Hypothesis: the gradient is $L$-Lipschitz, $\|\nabla f(x) - \nabla f(y)\| \le L\|x - y\|$ for "
        r"all $x, y$.",
        latex_statement=r"& \|\nabla f(u) - \nabla f(w)\| \le L\|u - w\| \quad \forall u, w"))
    d.add(_integral_step(
        "fundamental theorem of calculus", sp.Derivative(phi(s), s), 0, 1, phi(1) - phi(0),
        r"$\varphi(s) = f(x + sd)$ with $d = y - x$: $\varphi(1) - \varphi(0) = f(y) - f(x) = \int_0^1 \varphi'(s)\,ds$, "
        r"where $\varphi'(s) = \langle\nabla f(x + sd), d\rangle$ (chain rule)."))
    c = sp.Symbol(r"\langle\nabla f(x), d\rangle", real=True)
    d.add(_integral_step(
        "subtract the linear term", c, 0, 1, c,
        r"$\langle\nabla f(x), d\rangle = \int_0^1 \langle\nabla f(x), d\rangle\,ds$, so $f(y) - f(x) - \langle\nabla f(x), d\rangle "
        r"= \int_0^1 \langle\nabla f(x + sd) - \nabla f(x), d\rangle\,ds$."))
    a1, a2, a3, b1, b2, b3 = sp.symbols("a_1 a_2 a_3 b_1 b_2 b_3", real=True)
    lagrange = (a1 * b2 - a2 * b1) ** 2 + (a1 * b3 - a3 * b1) ** 2 + (a2 * b3 - a3 * b2) ** 2
    d.add(Step.identity(
        "Cauchy-Schwarz (Lagrange's identity)",
        (a1**2 + a2**2 + a3**2) * (b1**2 + b2**2 + b3**2) - (a1 * b1 + a2 * b2 + a3 * b3) ** 2, lagrange,
        r"$\|a\|^2\|b\|^2 - \langle a, b\rangle^2$ is a sum of squares (checked in 3 dimensions; the same"
        r" identity holds in $n$), so $\langle a, b\rangle \le \|a\|\,\|b\|$; with $a = \nabla f(x + sd) "
        r"- \nabla f(x)$, $b = d$ and the hypothesis, the integrand is at most $Ls\|d\|^2$."))
    d.add(_integral_step(
        "integrate the bound", L * s * D2, 0, 1, L / 2 * D2,
        r"$\int_0^1 Ls\|d\|^2\,ds = \tfrac{L}{2}\|d\|^2$, so $f(y) \le f(x) + \langle\nabla f(x), d\rangle + \tfrac{L}{2}\|d\|^2$."))
    d.results.update({"constant": L / 2})
    return d


@cache
def quadratic_derivation() -> Derivation:
    r"""On a quadratic the gap is exactly (1/2) d^T A d <= (lambda_max/2)|d|^2: L = lambda_max, tight."""
    x1, x2, d1, d2, b1, b2 = sp.symbols("x_1 x_2 d_1 d_2 b_1 b_2", real=True)
    a11, a12, a22 = sp.symbols("a_11 a_12 a_22", real=True)
    A = sp.Matrix([[a11, a12], [a12, a22]])
    xv, dv, bv = sp.Matrix([x1, x2]), sp.Matrix([d1, d2]), sp.Matrix([b1, b2])

    def f(u):
        return (u.T * A * u / 2 - bv.T * u)[0]

    grad = A * xv - bv
    gap = f(xv + dv) - f(xv) - (grad.T * dv)[0]
    d = Derivation(
        topic="descent-lemma",
        title=r"Descent lemma on a quadratic: exact, with $L = \lambda_{\max}$",
        symbols={"L": L},
        source="Nesterov (2018), Sec. 1.2.3",
    )
    d.add(Step.identity("gap is the quadratic form", gap, (dv.T * A * dv)[0] / 2,
                        r"$f = \tfrac12 x^\top A x - b^\top x$ (symmetric $A$, checked in 2 dimensions): $f(x + d) - f(x)"
                        r" - \langle\nabla f(x), d\rangle = \tfrac12 d^\top A d$ exactly."))
    lmax = sp.Symbol(r"\lambda_{\max}", positive=True)
    dl1, dl2 = sp.symbols(r"\delta_1 \delta_2", nonnegative=True)
    y1, y2 = sp.symbols("y_1 y_2", positive=True)
    # in A's eigenbasis: eigenvalues lambda_i = lambda_max - delta_i, delta_i >= 0; d has coordinates y_i
    d.add(Step.sign("L = lambda_max bounds it",
                    lmax * (y1**2 + y2**2) - ((lmax - dl1) * y1**2 + (lmax - dl2) * y2**2), ">=",
                    r"In the eigenbasis of $A$ (eigenvalues $\lambda_{\max} - \delta_i$, $\delta_i \ge 0$): "
                    r"$\lambda_{\max}\|d\|^2 - d^\top A d = \sum_i \delta_i y_i^2 \ge 0$.",
                    rewrite=sp.expand))
    d.add(Step.substitution("equality along the top eigenvector",
                            lmax * (y1**2 + y2**2) - ((lmax - dl1) * y1**2 + (lmax - dl2) * y2**2),
                            {dl1: 0, y2: 0}, 0,
                            r"With $\delta_1 = 0$ (the top eigenvalue) and $d$ along $e_1$ ($y_2 = 0$) the gap is $0$: the "
                            r"lemma is tight."))
    return d


@cache
def gd_step_derivation() -> Derivation:
    r"""The GD step in the lemma: guaranteed decrease eta(1 - L eta/2)|grad f|^2, iff 0 < eta < 2/L, best at 1/L."""
    d = Derivation(
        topic="descent-lemma",
        title="The gradient step in the descent lemma",
        symbols={"L": L, "eta": eta},
        source="Nesterov (2018), Sec. 1.2.3, eq. (1.2.19); note 003, Sec. 1.3.1",
    )
    ip = sp.Symbol(r"\langle\nabla f(x), d\rangle", real=True)
    bound = ip + L / 2 * D2
    decrease = eta * (1 - L * eta / 2) * G2
    d.add(Step.substitution(
        "substitute d = -eta grad f(x)", bound, {ip: -eta * G2, D2: eta**2 * G2}, -decrease,
        r"$\langle\nabla f, -\eta\nabla f\rangle = -\eta\|\nabla f\|^2$ and $\|{-\eta}\nabla f\|^2 = "
        r"\eta^2\|\nabla f\|^2$, so $f(x^+) \le f(x) - \eta\bigl(1 - \tfrac{L\eta}{2}\bigr)\|\nabla "
        r"f(x)\|^2$."))
    d.add(Step.inequality(
        "decrease guaranteed iff", eta_r * (1 - L * eta_r / 2) > 0, eta_r, sp.Interval.open(0, 2 / L),
        r"The guaranteed decrease is positive exactly on $0 < \eta < 2/L$ (not only for $\eta \le 1/L$)."))
    d.add(Step.solve("best step", sp.diff(eta * (1 - L * eta / 2), eta), eta, [1 / L],
                     r"The guaranteed decrease $\eta\bigl(1 - \tfrac{L\eta}{2}\bigr)$ is a concave parabola in $\eta$,"
                     r" maximal at $\eta = 1/L$."))
    d.add(Step.substitution("largest guaranteed decrease", decrease, {eta: 1 / L}, G2 / (2 * L),
                            r"At $\eta = 1/L$ the decrease is $\|\nabla f(x)\|^2/(2L)$."))
    d.add(Step.substitution("eta = 1.9/L still decreases", decrease, {eta: sp.Rational(19, 10) / L},
                            sp.Rational(19, 200) * G2 / L,
                            r"Note 003's ``$\eta \le 1/L$ for stability'' is not what the lemma says: $\eta = 1.9/L$ still "
                            r"guarantees a decrease of $0.095\,\|\nabla f\|^2/L$ per step."))
    d.results.update({"decrease": decrease, "best_eta": 1 / L, "best_decrease": G2 / (2 * L),
                      "upper_eta": 2 / L})
    return d


@cache
def descent_lemma_derivations() -> list[Derivation]:
    return [lemma_derivation(), quadratic_derivation(), gd_step_derivation()]
