r"""Gradient descent on quadratics, derived and checked step by step by SymPy.

The problem is :math:`f(x) = \tfrac12 x^\top A x - b^\top x` with :math:`A = A^\top \succ 0` and
:math:`\operatorname{eig}(A) \subset [\mu, L]`, :math:`0 < \mu \le L`, :math:`\kappa = L/\mu`.
The method is plain gradient descent with a constant step (no momentum; one convention only)

.. math::  x_{t+1} = x_t - \eta \nabla f(x_t).

Every statement below is *computed* by SymPy from the update rule and then checked
(residual, substitution, ``solve``, ``solve_univariate_inequality``, ``limit``, sign from
assumptions); only the hypothesis on :math:`A` is an assumed step.

Derived results (names in :func:`gd_results`):

* ``gradient``: :math:`\nabla f(x) = A x - b`, ``minimizer``: :math:`x^\star = A^{-1} b`;
* ``factor``: the error recurrence :math:`e_{t+1} = (I - \eta A) e_t`, so each eigen-component
  is multiplied by :math:`1 - \eta\lambda` per step and :math:`e_t = (I - \eta A)^t e_0`;
* ``rho``: :math:`\rho(\eta) = \max(|1 - \eta\mu|, |1 - \eta L|)` over :math:`\operatorname{eig}(A) \subset [\mu, L]`;
* ``eta_max``: convergence iff :math:`0 < \eta < 2/L`;
* ``eta_star`` :math:`= 2/(\mu + L)` and ``rho_star`` :math:`= (\kappa - 1)/(\kappa + 1)`;
* ``iterations``: :math:`\lceil \ln\varepsilon / \ln\rho \rceil` steps reduce the slowest mode by
  :math:`\varepsilon`; ``iterations_large_kappa``: :math:`\tfrac{\kappa}{2}\ln(1/\varepsilon)` at :math:`\eta^\star`.

Sources: Nesterov, *Lectures on Convex Optimization* (2018), Thm 2.1.15 (rate
:math:`(L-\mu)/(L+\mu)` at :math:`h = 2/(\mu+L)`); Polyak, *Introduction to Optimization*
(1987), Sec. 1.4 (the same step and rate for quadratics).
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from functools import cache
from typing import Any

import sympy as sp

from .derivation import Derivation, Step
from .printing import latex

__all__ = [
    "gd_derivations",
    "gd_results",
    "quadratic_derivation",
    "error_recurrence_derivation",
    "spectral_radius_derivation",
    "convergence_derivation",
    "optimal_step_derivation",
    "iteration_count_derivation",
    "stability_class",
    "eta",
    "mu",
    "L",
    "lam",
    "kappa",
    "epsilon",
    "rho_symbol",
    "SOURCE",
]

SOURCE = (
    "Nesterov, Lectures on Convex Optimization (2018), Thm 2.1.15; "
    "Polyak, Introduction to Optimization (1987), Sec. 1.4"
)

eta = sp.Symbol("eta", positive=True)
mu = sp.Symbol("mu", positive=True)
L = sp.Symbol("L", positive=True)
lam = sp.Symbol("lambda", positive=True)
kappa = sp.Symbol("kappa", positive=True)
epsilon = sp.Symbol("epsilon", positive=True)
rho_symbol = sp.Symbol("rho", positive=True)

_t = sp.Symbol("t", integer=True, nonnegative=True)


def _shown(step: Step, latex: str) -> Step:
    """``step`` displayed as ``latex`` (one ``align*`` line) instead of its full SymPy statement."""
    return replace(step, latex_statement=latex)


# ----------------------------------------------------------------------------- the quadratic
def _symmetric_matrix(n: int) -> sp.Matrix:
    """An n×n symmetric matrix of free real symbols a_ij (a_ij = a_ji)."""
    a = {(i, j): sp.Symbol(f"a_{i + 1}{j + 1}", real=True) for i in range(n) for j in range(i, n)}
    return sp.Matrix(n, n, lambda i, j: a[(min(i, j), max(i, j))])


def _vector(name: str, n: int) -> sp.Matrix:
    return sp.Matrix([sp.Symbol(f"{name}_{i + 1}", real=True) for i in range(n)])


def _quadratic(n: int) -> tuple[sp.Expr, sp.Matrix, sp.Matrix, sp.Matrix]:
    r"""``f = ½ Σ_i Σ_j x_i a_ij x_j − Σ_i b_i x_i`` written as an explicit component sum."""
    A, x, b = _symmetric_matrix(n), _vector("x", n), _vector("b", n)
    f = sp.Rational(1, 2) * sp.Add(*[x[i] * A[i, j] * x[j] for i in range(n) for j in range(n)]) - sp.Add(
        *[b[i] * x[i] for i in range(n)]
    )
    return f, A, x, b


def _gradient(f: sp.Expr, x: sp.Matrix) -> sp.Matrix:
    return sp.Matrix([sp.diff(f, xi) for xi in x])


@cache
def quadratic_derivation() -> Derivation:
    r"""Gradient, Hessian and minimizer of :math:`f(x) = \tfrac12 x^\top A x - b^\top x`, n = 2 and 3.

    The gradient is obtained by differentiating the explicit component sum and checked
    against :math:`Ax - b`; :math:`x^\star = A^{-1}b = \operatorname{adj}(A)\,b/\det A` is
    checked by substituting it into the gradient.
    """
    d = Derivation(
        topic="gd",
        title=r"Gradient and minimizer of a quadratic (checked for $n = 2, 3$)",
        symbols={"mu": mu, "L": L},
        source="standard calculus; Nesterov (2018), Sec. 2.1",
    )
    d.add(Step.assumed(
        "hypothesis",
        sp.Symbol(r"A = A^\top \succ 0,\ \operatorname{eig}(A) \subset [\mu, L],\ 0 < \mu \le L"),
        r"The problem class: $A$ symmetric positive definite with eigenvalues in $[\mu, L]$.",
        latex_statement=r"& A = A^\top \succ 0,\quad \operatorname{eig}(A) \subset [\mu, L],\quad 0 < \mu \le L",
    ))
    for n in (2, 3):
        f, A, x, b = _quadratic(n)
        grad = _gradient(f, x)
        total = rf"\Big(\tfrac12\sum_{{i,j=1}}^{{{n}}} x_i a_{{ij}} x_j - \sum_{{i=1}}^{{{n}}} b_i x_i\Big)"
        d.add(_shown(Step.identity(
            f"gradient-n{n}", grad, A * x - b,
            f"Differentiate the explicit component sum of $f$ ($n = {n}$, symmetric symbols $a_{{ij}} = a_{{ji}}$); "
            r"the residual against $Ax - b$ is $0$.",
        ), rf"\nabla_x {total} &= {latex(grad)} = A x - b"))
        d.add(_shown(Step.identity(
            f"hessian-n{n}", sp.hessian(f, list(x)), A,
            f"The second derivatives of $f$ are the entries of $A$ ($n = {n}$): $f$ is a convex quadratic.",
        ), rf"\nabla_x^2 f &= {latex(sp.hessian(f, list(x)))} = A"))
        xstar = A.adjugate() * b / A.det()
        d.add(_shown(Step.substitution(
            f"minimizer-n{n}", grad, dict(zip(x, xstar)), sp.zeros(n, 1),
            rf"$x^\star = A^{{-1}}b = \operatorname{{adj}}(A)\,b/\det A$ ($n = {n}$) makes the gradient vanish.",
        ), rf"\nabla f(x)\big|_{{x = \operatorname{{adj}}(A)\,b/\det A}} &= 0 \quad (n = {n})"))
    A2, x2, b2 = _symmetric_matrix(2), _vector("x", 2), _vector("b", 2)
    d.results["gradient"] = A2 * x2 - b2
    d.results["minimizer"] = A2.adjugate() * b2 / A2.det()
    return d


# ----------------------------------------------------------------------------- error recurrence
def _rational_rotation() -> tuple[sp.Matrix, sp.Symbol]:
    """The 2×2 rotation with cos = (1-u²)/(1+u²), sin = 2u/(1+u²): orthogonal without trigonometry."""
    u = sp.Symbol("u", real=True)
    c, s = (1 - u**2) / (1 + u**2), 2 * u / (1 + u**2)
    return sp.Matrix([[c, -s], [s, c]]), u


@cache
def error_recurrence_derivation() -> Derivation:
    r"""The GD error recurrence :math:`e_{t+1} = (I - \eta A)e_t` and its closed form.

    Computed from the update rule with the gradient of :func:`quadratic_derivation`
    (n = 3, symbolic symmetric A, :math:`b = A x^\star`).  In the eigenbasis
    :math:`A = Q\Lambda Q^\top` (2×2 rational rotation) the iteration matrix is
    :math:`Q(I - \eta\Lambda)Q^\top`: each eigen-component is multiplied by :math:`1 - \eta\lambda_i`.
    :math:`e_t = Q (I-\eta\Lambda)^t Q^\top e_0` is proved by induction (base t = 0, step t -> t+1,
    symbolic t).
    """
    d = Derivation(
        topic="gd",
        title="Error recurrence of gradient descent",
        symbols={"eta": eta, "lambda": lam},
        source="Polyak (1987), Sec. 1.4; Nesterov (2018), Sec. 2.1.5",
    )
    n = 3
    f, A, x, b = _quadratic(n)
    xs = _vector(r"x^\star", n)
    grad = _gradient(f, x)
    x_next = x - eta * grad
    e_next = (x_next - xs).subs(dict(zip(b, A * xs)))
    I3 = sp.eye(n)
    d.add(_shown(Step.identity(
        "recurrence", e_next, (I3 - eta * A) * (x - xs),
        r"Subtract $x^\star$ from $x_{t+1} = x_t - \eta\nabla f(x_t)$ (gradient computed from the "
        r"component sum, $n = 3$) and use $b = Ax^\star$: the error $e_t = x_t - x^\star$ obeys $e_{t+1} "
        r"= (I - \eta A)e_t$.",
    ), r"x_t - \eta\nabla f(x_t) - x^\star\big|_{b = A x^\star} &= (I - \eta A)(x_t - x^\star)"))

    Q, _u = _rational_rotation()
    l1, l2, l3 = sp.symbols("lambda_1 lambda_2 lambda_3", positive=True)
    Lam = sp.diag(l1, l2)
    A2 = Q * Lam * Q.T
    d.add(_shown(Step.identity(
        "orthogonal", Q.T * Q, sp.eye(2),
        r"The rotation $Q$ with $\cos = (1-u^2)/(1+u^2)$, $\sin = 2u/(1+u^2)$ is orthogonal (every "
        r"$2\times 2$ rotation but the half turn has this form).",
    ), r"Q^\top Q &= I, \quad Q = \frac{1}{1+u^2}\begin{pmatrix} 1-u^2 & -2u \\ 2u & 1-u^2 \end{pmatrix}"))
    d.add(_shown(Step.identity(
        "eigenbasis-2x2", Q.T * (sp.eye(2) - eta * A2) * Q, sp.diag(1 - eta * l1, 1 - eta * l2),
        r"With $A = Q\Lambda Q^\top$ the iteration matrix is diagonal in the eigenbasis: the factor per "
        r"eigenvalue is $1 - \eta\lambda_i$.",
    ), r"Q^\top (I - \eta Q\Lambda Q^\top) Q &= \begin{pmatrix} 1-\eta\lambda_1 & 0 \\ 0 & 1-\eta\lambda_2 \end{pmatrix}"))
    A3 = sp.diag(l1, l2, l3)
    z = _vector("z", 3)
    d.add(Step.identity(
        "eigenbasis-3x3", z - eta * (A3 * z), sp.diag(1 - eta * l1, 1 - eta * l2, 1 - eta * l3) * z,
        r"One gradient step on a diagonal $3\times 3$ matrix $A$ multiplies each error component by $1 - "
        r"\eta\lambda_i$.",
    ))
    e0 = _vector("e_0", 2)

    def closed_form(t):
        return Q * sp.diag((1 - eta * l1) ** t, (1 - eta * l2) ** t) * Q.T * e0

    d.add(_shown(Step.substitution(
        "closed-form-base", closed_form(_t), {_t: 0}, e0,
        r"Base case of $e_t = Q(I - \eta\Lambda)^t Q^\top e_0 = (I - \eta A)^t e_0$: at $t = 0$ it is "
        r"$e_0$.",
    ), r"Q (I - \eta\Lambda)^{t} Q^\top e_0\big|_{t=0} &= e_0"))
    d.add(_shown(Step.identity(
        "closed-form-step", (sp.eye(2) - eta * A2) * closed_form(_t), closed_form(_t + 1),
        r"Induction step (symbolic $t$): applying $I - \eta A$ to the closed form at $t$ gives the closed"
        r" form at $t + 1$; hence $e_t = (I - \eta A)^t e_0$.",
    ), r"(I - \eta A)\,Q (I - \eta\Lambda)^{t} Q^\top e_0 &= Q (I - \eta\Lambda)^{t+1} Q^\top e_0"))
    d.results["factor"] = 1 - eta * lam
    return d


# ----------------------------------------------------------------------------- spectral radius
@cache
def spectral_radius_derivation() -> Derivation:
    r""":math:`\rho(\eta) = \max_{\lambda \in [\mu, L]} |1 - \eta\lambda| = \max(|1 - \eta\mu|, |1 - \eta L|)`.

    :math:`g(\lambda) = (1 - \eta\lambda)^2` is convex (second derivative :math:`2\eta^2 > 0`); the
    convexity gap at an interior point :math:`\lambda = (q\mu + pL)/(p+q)` is
    :math:`pq\eta^2(L-\mu)^2/(p+q)^2 \ge 0`, so the maximum over :math:`[\mu, L]` is at an endpoint,
    and :math:`|1 - \eta\lambda| = \sqrt{g}` with :math:`\sqrt{\cdot}` increasing.
    """
    d = Derivation(
        topic="gd",
        title="Spectral radius of the GD iteration matrix",
        symbols={"eta": eta, "mu": mu, "L": L},
        source="Polyak (1987), Sec. 1.4",
    )
    g = (1 - eta * lam) ** 2
    g2 = sp.diff(g, lam, 2)
    d.add(Step.identity(
        "second-derivative", sp.Derivative(g, (lam, 2)), 2 * eta**2,
        r"Differentiate the squared factor $g(\lambda) = (1 - \eta\lambda)^2$ twice.",
        simplifier=lambda e: sp.expand(e.doit()),
    ))
    d.add(Step.sign("convex", g2, ">", r"$g''(\lambda) = 2\eta^2 > 0$: $g$ is convex in $\lambda$."))
    p, q = sp.symbols("p q", positive=True)
    interior = (q * mu + p * L) / (p + q)
    gap = (q * g.subs(lam, mu) + p * g.subs(lam, L)) / (p + q) - g.subs(lam, interior)
    gap_closed = p * q * eta**2 * (L - mu) ** 2 / (p + q) ** 2
    d.add(Step.identity(
        "convexity-gap", gap, gap_closed,
        r"At an interior point $\lambda = (q\mu + pL)/(p + q)$ ($p, q > 0$) the chord of $g$ lies above "
        r"$g$ by this gap.",
    ))
    d.add(Step.sign(
        "max-at-endpoint", gap_closed, ">=",
        r"The gap is non-negative, so $g(\lambda) \le \max\bigl(g(\mu), g(L)\bigr)$ on $[\mu, L]$: the "
        r"maximum is at an endpoint.",
    ))
    z = sp.Symbol("z", positive=True)
    d.add(Step.sign(
        "sqrt-increasing", sp.diff(sp.sqrt(z), z), ">",
        r"$z \mapsto \sqrt{z}$ is increasing, so $|1 - \eta\lambda| = \sqrt{g(\lambda)}$ is also maximal "
        r"at an endpoint.",
    ))
    rho = sp.Max(sp.Abs(1 - eta * mu), sp.Abs(1 - eta * L))
    d.add(_shown(Step.identity(
        "spectral-radius", sp.Max(sp.sqrt(g.subs(lam, mu)), sp.sqrt(g.subs(lam, L))), rho,
        r"Hence $\rho(\eta) = \max_{\lambda \in [\mu, L]} |1 - \eta\lambda| = \max(|1 - \eta\mu|, |1 - "
        r"\eta L|)$; both endpoints are eigenvalues in the worst case.",
    ), r"\rho(\eta) = \max_{\lambda \in [\mu, L]} |1 - \eta\lambda| &= \max\big(\sqrt{g(\mu)}, \sqrt{g(L)}\big) "
       r"= \max(|1 - \eta\mu|, |1 - \eta L|)"))
    d.results["rho"] = rho
    return d


# ----------------------------------------------------------------------------- convergence
@cache
def convergence_derivation() -> Derivation:
    r"""GD converges on every quadratic with :math:`\operatorname{eig}(A) \subset [\mu, L]` iff :math:`0 < \eta < 2/L`.

    :math:`|1 - s| < 1 \iff s \in (0, 2)` for :math:`s = \eta\lambda`, and directly
    :math:`|1 - \eta\lambda| < 1 \iff \eta \in (0, 2/\lambda)` (``solve_univariate_inequality``);
    :math:`2/\lambda` decreases in :math:`\lambda`, so the binding eigenvalue is :math:`L`.
    """
    d = Derivation(
        topic="gd",
        title="Convergence condition of gradient descent",
        symbols={"eta": eta, "L": L},
        source="Polyak (1987), Sec. 1.4; Nesterov (2018), Sec. 2.1.5",
    )
    s = sp.Symbol("s", real=True)
    d.add(Step.inequality(
        "scaled-step", sp.Abs(1 - s) < 1, s, sp.Interval.open(0, 2),
        r"A mode contracts iff its factor has modulus $< 1$; with $s = \eta\lambda$ this is $|1 - s| < "
        r"1$.",
    ))
    eta_real = sp.Symbol("eta", real=True)
    d.add(Step.inequality(
        "per-eigenvalue", sp.Abs(1 - eta_real * lam) < 1, eta_real, sp.Interval.open(0, 2 / lam),
        r"Map back ($\lambda > 0$): the mode of eigenvalue $\lambda$ contracts iff $0 < \eta < "
        r"2/\lambda$.",
    ))
    d.add(Step.sign(
        "bound-decreasing", sp.diff(2 / lam, lam), "<",
        r"$2/\lambda$ decreases in $\lambda$, so every mode in $[\mu, L]$ contracts iff the mode $\lambda"
        r" = L$ does.",
    ))
    d.add(Step.inequality(
        "convergence", sp.Abs(1 - eta_real * L) < 1, eta_real, sp.Interval.open(0, 2 / L),
        r"Convergence iff $\rho(\eta) < 1$ iff $0 < \eta < 2/L$; at $\eta = 2/L$ the mode $L$ has factor "
        r"$-1$ (no decay), and beyond it the error grows by $|1 - \eta L|$ per step.",
    ))
    d.results["eta_max"] = 2 / L
    return d


# ----------------------------------------------------------------------------- optimal step
@cache
def optimal_step_derivation() -> Derivation:
    r"""The step minimising :math:`\rho(\eta)`: :math:`\eta^\star = 2/(\mu + L)`, :math:`\rho^\star = (\kappa-1)/(\kappa+1)`.

    For :math:`\eta < \eta^\star` the maximum is :math:`1 - \eta\mu` (decreasing), for
    :math:`\eta > \eta^\star` it is :math:`\eta L - 1` (increasing); the two branches meet where
    :math:`1 - \eta\mu = -(1 - \eta L)`.  Source: Nesterov (2018), Thm 2.1.15; Polyak (1987), Sec. 1.4.
    """
    d = Derivation(
        topic="gd",
        title="Optimal constant step of gradient descent",
        symbols={"mu": mu, "L": L, "kappa": kappa},
        source=SOURCE,
    )
    left, right = 1 - eta * mu, eta * L - 1
    (eta_star,) = sp.solve(sp.Eq(1 - eta * mu, -(1 - eta * L)), eta)
    d.add(Step.solve(
        "min-max", sp.Eq(1 - eta * mu, -(1 - eta * L)), eta, [2 / (mu + L)],
        r"The two endpoint factors have equal modulus and opposite sign: $1 - \eta\mu = -(1 - \eta L)$.",
    ))
    w, delta = sp.symbols("w delta", positive=True)
    spread = {L: mu + delta}  # L >= mu
    d.add(Step.sign(
        "left-branch", (left - right).subs(eta, eta_star / (1 + w)), ">",
        r"For $\eta = \eta^\star/(1 + w) < \eta^\star$ ($w > 0$): $1 - \eta\mu$ exceeds $\eta L - 1$ "
        r"\dots",
    ))
    d.add(Step.sign(
        "left-branch-abs", sp.expand((left - (1 - eta * L)).subs(spread)), ">",
        r"\dots\ and exceeds $1 - \eta L$ ($L = \mu + \delta$, $\delta > 0$), so $\rho(\eta) = 1 - "
        r"\eta\mu$ there.",
    ))
    d.add(Step.sign(
        "left-decreasing", sp.diff(left, eta), "<",
        r"$\rho(\eta) = 1 - \eta\mu$ decreases for $\eta < \eta^\star$.",
    ))
    d.add(Step.sign(
        "right-branch", sp.cancel((right - left).subs(eta, eta_star * (1 + w))), ">",
        r"For $\eta = \eta^\star(1 + w) > \eta^\star$: $\eta L - 1$ exceeds $1 - \eta\mu$ (and $\eta\mu -"
        r" 1 < \eta L - 1$), so $\rho(\eta) = \eta L - 1$ there \dots",
    ))
    d.add(Step.sign(
        "right-increasing", sp.diff(right, eta), ">",
        r"\dots\ which increases: the minimum of $\rho$ is at $\eta^\star = 2/(\mu + L)$.",
    ))
    rho_star_mu_L = sp.factor(left.subs(eta, eta_star))
    d.add(Step.identity(
        "rho-star", rho_star_mu_L, (L - mu) / (L + mu),
        r"$\rho^\star = 1 - \eta^\star\mu$ at the crossing.",
    ))
    rho_star = (kappa - 1) / (kappa + 1)
    d.add(Step.substitution(
        "rho-star-kappa", rho_star_mu_L, {L: kappa * mu}, rho_star,
        r"With $\kappa = L/\mu$ the optimal rate depends on $\kappa$ alone.",
        lhs=sp.Symbol(r"\rho^\star"),
    ))
    nu = sp.Symbol("nu", positive=True)
    rho_expr = spectral_radius_derivation().results["rho"]
    d.add(Step.substitution(
        "rho-at-eta-star", rho_expr.subs(eta, eta_star).subs(L, kappa * mu), {kappa: 1 + nu}, rho_star.subs(kappa, 1 + nu),
        r"Check against the spectral radius $\max(|1 - \eta\mu|, |1 - \eta L|)$ at $\eta^\star$, with $L "
        r"= \kappa\mu$ and $\kappa = 1 + \nu \ge 1$.",
        lhs=sp.Function("rho")(sp.Symbol(r"\eta^\star")),
    ))
    d.results["eta_star"] = eta_star
    d.results["rho_star"] = rho_star
    d.results["rho_star_mu_L"] = (L - mu) / (L + mu)
    return d


# ----------------------------------------------------------------------------- iteration count
@cache
def iteration_count_derivation() -> Derivation:
    r"""Steps to reduce the error by :math:`\varepsilon`: :math:`\lceil \ln\varepsilon / \ln\rho \rceil`.

    Along the slowest eigen-direction :math:`\|e_t\| = \rho^t \|e_0\|` exactly; :math:`\rho^T = \varepsilon`
    is solved for :math:`T`, :math:`\rho^T` decreases in :math:`T` for :math:`\rho < 1`, and at
    :math:`\rho^\star` the count behaves like :math:`\tfrac{\kappa}{2}\ln(1/\varepsilon)` as :math:`\kappa \to \infty`.
    """
    d = Derivation(
        topic="gd",
        title=r"Iterations to reduce the error by $\varepsilon$",
        symbols={"epsilon": epsilon, "rho": rho_symbol, "kappa": kappa},
        source="Nesterov (2018), Sec. 2.1.5",
    )
    T = sp.Symbol("T", real=True)
    d.add(Step.solve(
        "solve-T", rho_symbol**T - epsilon, T, [sp.log(epsilon) / sp.log(rho_symbol)],
        r"On the slowest mode $\|e_T\|/\|e_0\| = \rho^T$; solve $\rho^T = \varepsilon$ for $T$.",
    ))
    w = sp.Symbol("w", positive=True)
    d.add(Step.sign(
        "decreasing", sp.diff(rho_symbol**T, T).subs(rho_symbol, 1 / (1 + w)), "<",
        r"For $\rho = 1/(1 + w) < 1$, $\rho^T$ decreases in $T$, so the first integer step with $\rho^t "
        r"\le \varepsilon$ is $\lceil \ln\varepsilon/\ln\rho \rceil$.",
    ))
    rho_star = optimal_step_derivation().results["rho_star"]
    T_star = sp.log(epsilon) / sp.log(rho_star)
    large = kappa / 2 * sp.log(1 / epsilon)
    d.add(Step.limit(
        "large-kappa", T_star / large, kappa, sp.oo, 1,
        r"At the optimal step the count divided by $\tfrac{\kappa}{2}\ln(1/\varepsilon)$ tends to $1$ as "
        r"$\kappa \to \infty$ (since $\ln\frac{\kappa-1}{\kappa+1} \sim -2/\kappa$).",
    ))
    d.results["iterations"] = sp.ceiling(sp.log(epsilon) / sp.log(rho_symbol))
    d.results["iterations_optimal"] = sp.ceiling(T_star)
    d.results["iterations_large_kappa"] = large
    return d


# ----------------------------------------------------------------------------- all
@cache
def gd_derivations() -> list[Derivation]:
    """Every GD derivation, in reading order (cached)."""
    return [
        quadratic_derivation(),
        error_recurrence_derivation(),
        spectral_radius_derivation(),
        convergence_derivation(),
        optimal_step_derivation(),
        iteration_count_derivation(),
    ]


def gd_results() -> dict[str, Any]:
    """All named results of :func:`gd_derivations` (``rho``, ``eta_star``, ``rho_star``, ``iterations``, ...)."""
    out: dict[str, Any] = {}
    for d in gd_derivations():
        out.update(d.results)
    return out


def stability_class(eta_value: Any, eigenvalues: Any) -> tuple[str, sp.Expr]:
    r"""Classify GD with step ``eta_value`` on ``eigenvalues`` exactly, from the derived :math:`\rho`.

    Numbers are converted to exact rationals from their decimal text (``0.1`` is 1/10), so the
    boundary :math:`\rho = 1` is detected exactly.  Returns ``(cls, rho)`` with ``cls`` one of
    ``"converges"`` (:math:`\rho < 1`), ``"boundary"`` (:math:`\rho = 1`: no decay, no growth),
    ``"diverges"`` (:math:`\rho > 1`, growth factor :math:`\rho`).
    """
    def exact(v: Any) -> sp.Rational:
        return sp.Rational(Fraction(str(v)))

    values = [exact(v) for v in eigenvalues]
    rho = spectral_radius_derivation().results["rho"].subs({eta: exact(eta_value), mu: min(values), L: max(values)})
    rho = sp.nsimplify(rho)
    if rho < 1:
        return "converges", rho
    if rho == 1:
        return "boundary", rho
    return "diverges", rho
