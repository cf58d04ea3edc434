r"""Average-case loss curves of linear methods on least squares with a Marchenko–Pastur spectrum.

Setting: :math:`f(x) = \tfrac12 (x-x^*)^\top A (x-x^*)` with :math:`A = X^\top X/n`, X an
n × d Gaussian matrix, d/n → r ∈ (0, 1); the initial error :math:`e_0 = x_0 - x^*` is
isotropic, :math:`\mathbb E[e_0 e_0^\top] = (R^2/d) I`.  A linear first-order method gives
:math:`e_t = P_t(A) e_0` with a residual polynomial :math:`P_t` (:math:`P_0 = 1`), so

.. math::  \mathbb E\,[f(x_t) - f^*] = \frac{R^2}{2d}\sum_i \lambda_i P_t(\lambda_i)^2
           \;\xrightarrow{d\to\infty}\; \frac{R^2}{2}\int \lambda P_t(\lambda)^2\,d\mu_{MP}(\lambda).

The residual polynomials are derived from the method values themselves (GD; heavy ball in Polyak's
form; Nesterov in Lessard's form :math:`y_t = x_t + \beta(x_t-x_{t-1})`, :math:`x_{t+1} = y_t - \alpha\nabla f(y_t)`),
handed over by proofs/: the engine's iteration matrix of each and Cayley–Hamilton, with the
method's own initial state (:math:`x_{-1} = x_0`).  The MP density is normalised by SymPy through the substitution
:math:`\lambda = m - h\cos\theta` (m = 1 + r, h = 2√r), which turns the square-root edges
into :math:`\sin^2\theta` and leaves one classical integral checked through its antiderivative.

Sources: Marchenko & Pastur, Math. USSR-Sbornik 1(4), 1967; Pedregosa & Scieur, "Acceleration
through spectral density estimation", ICML 2020, Sec. 2 (expected loss as an integral of the
residual polynomial against the spectral density); Paquette, Paquette, Pedregosa & Scieur,
"Halting time is predictable for large models", Found. Comput. Math. 2023.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cache

import sympy as sp

from .derivation import Derivation, Step

__all__ = ["mp_density_derivation", "expected_loss_derivation", "residual_recurrences", "mp_moment",
           "average_case_derivations", "SYMBOLS"]

lam = sp.Symbol("lambda", positive=True)
theta = sp.Symbol("theta", positive=True)
sr = sp.Symbol("s", positive=True)  # s = sqrt(r), 0 < s < 1
r = sp.Symbol("r", positive=True)
u = sp.Symbol("u", positive=True)  # u = tan(theta/2)
R = sp.Symbol("R", positive=True)
d = sp.Symbol("d", positive=True, integer=True)
eta, alpha, beta = sp.symbols("eta alpha beta", positive=True)
t = sp.Symbol("t", nonnegative=True, integer=True)
P_t, P_tm1, e0 = sp.symbols("P_t P_{t-1} e_0", real=True)

SYMBOLS = {"lambda": lam, "r": r, "R": R, "eta": eta, "alpha": alpha, "beta": beta, "t": t}


def _edges(s):
    return (1 - s) ** 2, (1 + s) ** 2


@cache
def mp_density_derivation() -> Derivation:
    r"""The MP density, its support edges and its normalisation (checked), via λ = m − h cos θ."""
    D = Derivation("average-case", "Marchenko–Pastur density and its normalisation",
                   source="Marchenko & Pastur (1967); Bai & Silverstein (2010), Thm 3.6")
    a, b = _edges(sr)
    density = sp.sqrt((b - lam) * (lam - a)) / (2 * sp.pi * sr**2 * lam)
    D.add(Step.assumed(
        "MP law",
        sp.Eq(sp.Function("p")(lam), density),
        r"The Marchenko--Pastur law \cite{marchenko1967}: the eigenvalue density of $X^\top X/n$ for "
        r"Gaussian $X \in \mathbb{R}^{n\times d}$ as $d/n \to r = s^2 \in (0, 1)$, supported on "
        r"$[(1-s)^2, (1+s)^2]$.",
    ))
    m, h = 1 + sr**2, 2 * sr
    lam_theta = m - h * sp.cos(theta)
    D.add(Step.identity(
        "edges",
        sp.Matrix([m - h, m + h]), sp.Matrix([a, b]),
        r"The substitution $\lambda = m - h\cos\theta$ with $m = 1 + r$, $h = 2\sqrt{r}$ maps $\theta \in"
        r" [0, \pi]$ onto $[\lambda_-, \lambda_+]$.",
    ))
    D.add(Step.identity(
        "square root",
        ((b - lam) * (lam - a)).subs(lam, lam_theta), h**2 * sp.sin(theta) ** 2,
        r"Under this substitution the product under the square root is $h^2\sin^2\theta$: the edge "
        r"singularities disappear.",
        simplifier=lambda e: sp.expand(sp.expand(e).subs(sp.cos(theta) ** 2, 1 - sp.sin(theta) ** 2)),
    ))
    c = sp.Symbol("c", real=True)  # c = cos(theta)
    D.add(Step.identity(
        "partial fractions",
        (1 - c**2) / (m - h * c), c / h + m / h**2 + (1 - m**2 / h**2) / (m - h * c),
        r"Partial fractions in $c = \cos\theta$: $\sin^2\theta/(m - h\cos\theta) = \cos\theta/h + m/h^2 +"
        r" (1 - m^2/h^2)/(m - h\cos\theta)$.",
    ))
    k = (1 + sr) / (1 - sr)
    F = 2 / (1 - sr**2) * sp.atan(k * sp.tan(theta / 2))
    D.add(Step.identity(
        "antiderivative",
        sp.diff(F, theta), 1 / (m - h * sp.cos(theta)),
        r"Differentiate $\frac{2}{1-r}\arctan\bigl(k\tan\tfrac{\theta}{2}\bigr)$ with $k = (1+s)/(1-s)$ "
        r"($\cos\theta$ written through $\tan\tfrac{\theta}{2}$): it is $1/(m - h\cos\theta)$.",
        simplifier=lambda e: sp.cancel(sp.together(e.rewrite(sp.tan)).subs(sp.tan(theta / 2), u)),
    ))
    kpos = sp.Symbol("k", positive=True)
    D.add(Step.limit(
        "upper end", sp.atan(kpos * u), u, sp.oo, sp.pi / 2,
        r"As $\theta \to \pi^-$, $u = \tan\tfrac{\theta}{2} \to \infty$ and $k = (1+s)/(1-s) > 0$ (as $r "
        r"< 1$), so the antiderivative rises from $0$ at $\theta = 0$ to $\frac{2}{1-r}\cdot\frac{\pi}{2}"
        r" = \frac{\pi}{1-r}$.",
    ))
    # ∫_a^b p dλ = h^2/(2π r) ∫_0^π sin^2θ/(m - h cos θ) dθ; ∫cos = 0, ∫1 = π, ∫1/(m-h cos) = π/(1-r)
    norm = h**2 / (2 * sp.pi * sr**2) * (0 + m * sp.pi / h**2 + (1 - m**2 / h**2) * sp.pi / (1 - sr**2))
    D.add(Step.identity(
        "normalisation", norm, 1,
        r"The integral of the density is $\frac{h^2}{2\pi r}\bigl[0 + m\pi/h^2 + (1 - "
        r"m^2/h^2)\,\pi/(1-r)\bigr] = 1$ (for $r < 1$).",
    ))
    moments = {}
    for kk in (1, 2, 3):
        integrand = sp.expand(lam_theta ** (kk - 1) * h**2 * sp.sin(theta) ** 2 / (2 * sp.pi * sr**2))
        value = sp.integrate(integrand, (theta, 0, sp.pi))
        D.add(Step.identity(
            f"moment {kk}", value, mp_moment(kk, sr**2),
            rf"The integral of $\lambda^{{{kk}}} p(\lambda)$ (the factor $1/\lambda$ cancels: a polynomial in $\cos\theta$ "
            rf"times $\sin^2\theta$) equals the Narayana sum $\sum_j \frac{{r^j}}{{j+1}}\binom{{{kk}}}{{j}}\binom{{{kk - 1}}}{{j}}$",
        ))
        moments[kk] = mp_moment(kk, r)
    D.results.update({
        "density": density.subs(sr, sp.sqrt(r)),
        "lambda_minus": (1 - sp.sqrt(r)) ** 2,
        "lambda_plus": (1 + sp.sqrt(r)) ** 2,
        **{f"moment_{kk}": v for kk, v in moments.items()},
    })
    D.symbols.update({"r": r, "lambda": lam})
    return D


def mp_moment(k: int, ratio) -> sp.Expr:
    r"""k-th moment of the MP law, :math:`\sum_{j=0}^{k-1} \frac{r^j}{j+1}\binom{k}{j}\binom{k-1}{j}` (Narayana)."""
    return sp.expand(sum(ratio**j / (j + 1) * sp.binomial(k, j) * sp.binomial(k - 1, j) for j in range(k)))


def _state_at_zero(method) -> sp.Matrix:
    r"""The state at :math:`t = 0` in units of :math:`e_0`: ``"x"`` -> 1 (a copy of :math:`x_0`), ``"zeros"`` -> 0."""
    out = []
    for st in method.state:
        if st.init not in ("x", "zeros"):
            raise ValueError(f"{method.key}: state {st.name} starts at the constant {st.init!r}: no residual polynomial")
        out.append(sp.S.One if st.init == "x" else sp.S.Zero)
    return sp.Matrix(out)


@cache
def residual_recurrences(methods: tuple) -> Derivation:
    r"""Residual polynomials :math:`P_{t+1} = a(\lambda) P_t + b(\lambda) P_{t-1}` of the method values ``methods``.

    proofs/ hands over the method values (this module never imports numerics/);
    :func:`theory.linear_engine.linear_model` traces each update on one eigen-component into
    :math:`s_{t+1} = M(\lambda) s_t`, and Cayley–Hamilton gives :math:`a = \operatorname{tr} M`,
    :math:`b = -\det M` (one state: :math:`a = M`, :math:`b = 0`); :math:`P_1` is the first row of :math:`M`
    applied to the initial state (:math:`x_{-1} = x_0`, or a zero buffer).
    """
    from .linear_engine import LAMBDA, linear_model, tidy
    from .printing import latex

    names = ", ".join(m.method for m in methods)
    D = Derivation("average-case", f"Residual polynomials of {names}, from the update rules",
                   source="Polyak (1964); Lessard, Recht & Packard (2016); Pedregosa & Scieur (2020)")
    results = {}
    for value in methods:
        method = value.method
        model = linear_model(value)
        rename = {sym: SYMBOLS.get(n, sp.Symbol(n, positive=True)) for n, sym in model.params.items()}
        rename[LAMBDA] = lam
        M = model.matrix.xreplace(rename)
        n = M.shape[0]
        if n > 2:
            raise ValueError(f"{value.key}: {n} state arrays, no two-term residual recurrence")
        a = sp.factor(M.trace())
        b = sp.factor(-M.det()) if n == 2 else sp.S.Zero
        if n == 2:
            D.add(replace(Step.identity(
                f"{method} recurrence", M**2 - a * M - b * sp.eye(2), sp.zeros(2),
                rf"{method}: the iteration matrix $M(\lambda)$ traced from the update rule on one eigen-component "
                r"($x^\star = 0$, gradient $\lambda y$) satisfies $M^2 = aM + bI$ (Cayley--Hamilton, "
                r"$a = \operatorname{tr} M$, $b = -\det M$; residual expanded to $0$ entrywise), so "
                r"$x_t = P_t(\lambda) e_0$ has $P_{t+1} = a P_t + b P_{t-1}$"),
                latex_statement=(rf"a = \operatorname{{tr}} M(\lambda) &= {latex(tidy(a))},\quad "
                                 rf"b = -\det M(\lambda) = {latex(tidy(b))}")))
        else:
            D.add(Step.identity(
                f"{method} recurrence", M[0, 0], a,
                rf"{method}: one state, $P_{{t+1}} = a P_t$ with $a = M(\lambda)$ traced from the update rule, $b = 0$"))
        p1 = sp.expand((M * _state_at_zero(value))[0])
        D.add(Step.substitution(
            f"{method} first step", a * P_t + b * P_tm1, {P_t: 1, P_tm1: 1}, p1,
            rf"{method}: $x_{{-1}} = x_0$ (the method's initial state) gives $P_0 = 1$ and $P_1 = a + b$",
            lhs=sp.Symbol(f"P_1^{{{method}}}"),
        ))
        results[f"{method}_a"] = a
        results[f"{method}_b"] = b
        results[f"{method}_P1"] = p1
    if "gd_a" in results:
        D.add(Step.identity(
            "gd closed form", (1 - eta * lam) ** (t + 1), results["gd_a"] * (1 - eta * lam) ** t,
            r"For gradient descent $b = 0$, so $P_t(\lambda) = (1 - \eta\lambda)^t$.",
            simplifier=lambda e: sp.simplify(sp.powsimp(sp.expand_power_base(e, force=True), force=True)),
        ))
        results["gd_P"] = (1 - eta * lam) ** t
    D.results.update(results)
    D.symbols.update({"eta": eta, "alpha": alpha, "beta": beta, "lambda": lam, "t": t})
    return D


@cache
def expected_loss_derivation() -> Derivation:
    r"""E over isotropic e_0 of ½Σλ_i P_t(λ_i)² e_{0,i}², and its d → ∞ limit against the MP law."""
    D = Derivation("average-case", "Expected loss of a linear method under isotropic initialisation",
                   source="Pedregosa & Scieur (2020), Sec. 2; Paquette et al. (2023)")
    E = sp.Function("E")
    D.add(Step.assumed(
        "isotropic start", sp.Eq(E(sp.Symbol("e_{0,i}") * sp.Symbol("e_{0,j}")), sp.KroneckerDelta(sp.Symbol("i"), sp.Symbol("j")) * R**2 / d),
        r"Hypothesis: $x_0 - x^\star$ is isotropic with $\mathbb{E}\|x_0 - x^\star\|^2 = R^2$ (for "
        r"example Gaussian $\mathcal{N}(0, \tfrac{R^2}{d} I)$).",
    ))
    # a 3-dimensional instance checked by SymPy: replace e_i^2 by its expectation
    ls = sp.symbols("lambda_1:4", positive=True)
    es = sp.symbols("e_1:4", real=True)
    P = sp.Function("P")
    loss = sp.Rational(1, 2) * sum(l * P(l) ** 2 * e**2 for l, e in zip(ls, es))
    D.add(Step.substitution(
        "expectation (d = 3 instance)", loss, {e**2: R**2 / 3 for e in es},
        R**2 / (2 * 3) * sum(l * P(l) ** 2 for l in ls),
        r"$f(x_t) - f^\star = \tfrac12\sum_i \lambda_i P_t(\lambda_i)^2 e_{0,i}^2$; the cross terms "
        r"vanish in expectation and $\mathbb{E}\,e_{0,i}^2 = R^2/d$ (checked for $d = 3$).",
    ))
    mu = sp.Function("mu_MP")
    D.add(Step.assumed(
        "large d", sp.Eq(sp.Limit(sp.Sum(lam * P(lam) ** 2, (sp.Symbol("i"), 1, d)) / d, d, sp.oo),
                         sp.Integral(lam * P(lam) ** 2 * mu(lam), (lam, (1 - sp.sqrt(r)) ** 2, (1 + sp.sqrt(r)) ** 2))),
        r"The empirical spectral measure of $X^\top X/n$ converges weakly to the Marchenko--Pastur law "
        r"\cite{marchenko1967}; $\lambda P_t(\lambda)^2$ is a polynomial, continuous on the support.",
    ))
    D.results["expected_loss_integrand"] = R**2 / 2 * lam * P(lam) ** 2
    D.symbols.update({"R": R, "lambda": lam})
    return D


def average_case_derivations(methods: tuple) -> list[Derivation]:
    """All derivations of this topic; ``methods``: the method values of the residual recurrences (from proofs/)."""
    return [mp_density_derivation(), residual_recurrences(tuple(methods)), expected_loss_derivation()]
