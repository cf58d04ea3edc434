r"""Nesterov's accelerated gradient (NAG) on quadratics, derived from the update rule.

Convention (Lessard, Recht & Packard 2016, eq. (2.3); previous iterate as state):

.. math::  y_t = x_t + \beta(x_t - x_{t-1}), \qquad x_{t+1} = y_t - \alpha\nabla f(y_t).

On one eigenvalue :math:`\lambda`, with :math:`q = 1-\alpha\lambda`, the error obeys
:math:`e_{t+1} = (1+\beta)q\,e_t - \beta q\,e_{t-1}`: iteration matrix
:math:`[[(1+\beta)(1-\alpha\lambda), -\beta(1-\alpha\lambda)],[1,0]]` (computed by SymPy, then checked).

* complex roots iff :math:`0 < q < 4\beta/(1+\beta)^2`, with :math:`|z| = \sqrt{\beta q}`;
* convergence iff :math:`0 \le \beta < 1` and :math:`0 < \alpha\lambda < 2(1+\beta)/(1+2\beta)`;
* :math:`\rho(\lambda)` decreases in :math:`q` for :math:`q<0` and increases for :math:`q>0`, so the
  max over :math:`[\mu, L]` is at an endpoint;
* standard tuning :math:`\alpha = 1/L`, :math:`\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)`: double root
  :math:`1-1/\sqrt\kappa` at :math:`\lambda=\mu`, rate :math:`1-1/\sqrt\kappa`;
* rate-minimising tuning (double root at :math:`\mu`, equal modulus at :math:`L`):
  :math:`\alpha = 4/(3L+\mu)`, :math:`\beta = (\sqrt{3\kappa+1}-2)/(\sqrt{3\kappa+1}+2)`,
  :math:`\rho = 1-2/\sqrt{3\kappa+1}` (Lessard, Recht & Packard 2016, Prop. 1 / Table 1).

Source: Y. Nesterov, "A method of solving a convex programming problem with convergence rate
O(1/k^2)", Soviet Math. Dokl. 27, 1983; L. Lessard, B. Recht, A. Packard, "Analysis and design of
optimization algorithms via integral quadratic constraints", SIAM J. Optim. 26(1):57-95, 2016.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step
from .two_step import char_poly, companion, one_step_matrix, quadratic_roots_derivation, radius_expr, z

__all__ = [
    "SYMBOLS",
    "iteration_matrix",
    "nesterov_derivations",
    "matrix_derivation",
    "regimes_derivation",
    "region_derivation",
    "max_over_spectrum_derivation",
    "standard_tuning_derivation",
    "optimal_tuning_derivation",
]

TOPIC = "nesterov"
SOURCE = "Nesterov (1983); Lessard, Recht & Packard (2016), SIAM J. Optim. 26(1)"

alpha, beta, lam, mu, L, kappa, h, s, u, w = sp.symbols("alpha beta lambda mu L kappa h s u w", positive=True)
q = sp.Symbol("q", real=True)  # q = 1 - alpha*lambda
rho = sp.Symbol("rho", positive=True)
SYMBOLS = {"alpha": alpha, "beta": beta, "lambda": lam, "mu": mu, "L": L, "kappa": kappa, "h": h}


@cache
def matrix_derivation() -> Derivation:
    r"""Iteration matrix, characteristic polynomial and roots of NAG from the update rule."""
    x, xm, xs, e, em = sp.symbols(r"x x_prev x^\star e_t e_{t-1}", real=True)
    y = x + beta * (x - xm)
    update = y - alpha * lam * (y - xs)
    e_next = (update - xs).subs({x: e + xs, xm: em + xs})
    M = one_step_matrix(e_next, e, em)
    b, c = M[0, 0], -M[0, 1]
    d = Derivation(TOPIC, "Nesterov: iteration matrix from the update rule", source=SOURCE, symbols=dict(SYMBOLS))
    d.add(Step.identity("error recursion", sp.expand(e_next),
                        (1 + beta) * (1 - alpha * lam) * e - beta * (1 - alpha * lam) * em,
                        r"$y = x + \beta(x - x^-)$, $x^+ = y - \alpha\lambda(y - x^\star)$, minus $x^\star$."))
    d.add(Step.identity("iteration matrix", M, companion((1 + beta) * (1 - alpha * lam), beta * (1 - alpha * lam)),
                        r"In the state $(e_t, e_{t-1})$: the coefficients of the error recursion, read off by SymPy."))
    p = char_poly(M)
    bb, cc = (1 + beta) * (1 - alpha * lam), beta * (1 - alpha * lam)
    d.add(Step.identity("characteristic polynomial", p, z**2 - bb * z + cc, r"$\det(zI - M)$."))
    p_q = z**2 - (1 + beta) * q * z + beta * q
    d.add(Step.substitution("in q = 1 - alpha lambda", p, {alpha: (1 - q) / lam}, p_q,
                            r"Write $q = 1 - \alpha\lambda$.", lhs=sp.Symbol("p(z)")))
    disc = (1 + beta) ** 2 * q**2 - 4 * beta * q
    d.add(Step.solve("roots", p_q, z, [((1 + beta) * q + sp.sqrt(disc)) / 2, ((1 + beta) * q - sp.sqrt(disc)) / 2],
                     r"The quadratic formula."))
    roots = [(bb + sp.sqrt(bb**2 - 4 * cc)) / 2, (bb - sp.sqrt(bb**2 - 4 * cc)) / 2]
    d.results.update({"matrix": M, "b": b, "c": c, "char_poly": p, "roots": roots, "radius": radius_expr(b, c)})
    return d


def iteration_matrix() -> sp.Matrix:
    r"""The per-eigenvalue NAG iteration matrix :math:`[[(1+\beta)(1-\alpha\lambda), -\beta(1-\alpha\lambda)],[1,0]]`."""
    return matrix_derivation().results["matrix"]


_QC = 4 * beta / (1 + beta) ** 2  # edge of the complex band in q


@cache
def regimes_derivation() -> Derivation:
    r"""Complex roots iff :math:`0 < 1-\alpha\lambda < 4\beta/(1+\beta)^2`; there :math:`|z| = \sqrt{\beta(1-\alpha\lambda)}`."""
    d = Derivation(TOPIC, "Nesterov: real and complex regimes", source=SOURCE, symbols=dict(SYMBOLS))
    D = ((1 + beta) * q) ** 2 - 4 * beta * q
    d.add(Step.identity("discriminant factors", D, q * ((1 + beta) ** 2 * q - 4 * beta),
                        r"The discriminant of $z^2 - (1+\beta)qz + \beta q$, with $q = 1 - \alpha\lambda$."))
    d.add(Step.solve("discriminant vanishes", D, q, [0, _QC], r"The roots of the discriminant in $q$."))
    d.add(Step.sign("negative inside the band", sp.factor(D.subs(q, _QC * u / (1 + u))), "<",
                    r"$q = q_c t$ with $t = u/(1+u) \in (0,1)$ and $q_c = 4\beta/(1+\beta)^2$: complex roots."))
    d.add(Step.sign("positive for q < 0", sp.factor(D.subs(q, -s)), ">", r"$q = -s$: real roots."))
    d.add(Step.sign("positive above the band", sp.factor(D.subs(q, _QC + s)), ">", r"$q = q_c + s$: real roots."))
    gen = quadratic_roots_derivation()
    c_sym = gen.symbols["c"]
    d.add(Step.substitution("modulus in the complex band", sp.sqrt(c_sym), {c_sym: beta * (1 - h)},
                            sp.sqrt(beta * (1 - h)),
                            r"Complex roots of $z^2 - bz + c$ have modulus $\sqrt{c}$ (checked for generic $b, c$).",
                            lhs=sp.Symbol("|z|")))
    d.add(Step.identity("band in alpha lambda", 1 - _QC, ((1 - beta) / (1 + beta)) ** 2,
                        r"$q < q_c \iff \alpha\lambda > \bigl((1 - \beta)/(1 + \beta)\bigr)^2$, and $q > 0 \iff "
                        r"\alpha\lambda < 1$."))
    d.results.update({"band_low": ((1 - beta) / (1 + beta)) ** 2, "band_high": sp.S.One,
                      "complex_modulus": sp.sqrt(beta * (1 - alpha * lam))})
    return d


@cache
def region_derivation() -> Derivation:
    r"""Convergence region :math:`0 \le \beta < 1`, :math:`0 < \alpha\lambda < 2(1+\beta)/(1+2\beta)`."""
    d = Derivation(TOPIC, "Nesterov: convergence region", source=SOURCE + "; Jury (1964)", symbols=dict(SYMBOLS))
    p = z**2 - (1 + beta) * (1 - h) * z + beta * (1 - h)
    d.add(Step.assumed("Schur-Jury criterion", sp.Symbol("Jury"),
                       r"Both roots of a real monic quadratic $p(z) = z^2 - bz + c$ lie in $|z| < 1$ iff $|c| < 1$, "
                       r"$p(1) > 0$ and $p(-1) > 0$ (Jury's criterion \cite{jury1964}).",
                       latex_statement=r"& \rho<1 \iff |c|<1,\ p(1)>0,\ p(-1)>0"))
    d.add(Step.substitution("p(1)", p, {z: 1}, h, r"$p(1) = \alpha\lambda > 0$.", lhs=sp.Symbol("p(1)")))
    d.add(Step.substitution("p(-1)", p, {z: -1}, 1 + (1 + 2 * beta) * (1 - h), r"$p(-1) = 1 + (1 + 2\beta)q$.",
                            lhs=sp.Symbol("p(-1)")))
    h_max = 2 * (1 + beta) / (1 + 2 * beta)
    d.add(Step.solve("p(-1) = 0", 1 + (1 + 2 * beta) * (1 - h), h, [h_max],
                     r"$p(-1)$ vanishes at $\alpha\lambda = 2(1+\beta)/(1+2\beta)$."))
    d.add(Step.sign("p(-1) decreases in alpha lambda", sp.diff(1 + (1 + 2 * beta) * (1 - h), h), "<",
                    r"So $p(-1) > 0 \iff \alpha\lambda < 2(1+\beta)/(1+2\beta)$."))
    d.add(Step.sign("|c| < 1 at the large-step end", sp.factor(1 - beta * (h_max - 1)), ">",
                    r"On $0 < h < h_{\max}$, $c = \beta(1 - h)$ lies between $-\beta/(1+2\beta)$ and $\beta$; $|c| < "
                    r"1$ there iff $\beta < 1$."))
    d.results.update({"h_max": h_max, "alpha_max": h_max / L})
    return d


@cache
def max_over_spectrum_derivation() -> Derivation:
    r"""The radius is quasi-convex in :math:`q=1-\alpha\lambda`: the max over :math:`[\mu, L]` is at an endpoint."""
    d = Derivation(TOPIC, "Nesterov: the worst eigenvalue is an endpoint", source=SOURCE, symbols=dict(SYMBOLS))
    # q = -s < 0: both roots real, radius R(s) = ((1+beta)s + sqrt((1+beta)^2 s^2 + 4 beta s))/2
    R_neg = ((1 + beta) * s + sp.sqrt((1 + beta) ** 2 * s**2 + 4 * beta * s)) / 2
    steps = [
        Step.sign("q < 0: radius grows as q falls", sp.diff(R_neg, s), ">",
                  r"The radius $\bigl((1+\beta)|q| + \sqrt{(1+\beta)^2q^2 - 4\beta q}\bigr)/2$ with $q = -s$ has "
                  r"positive derivative in $s$."),
        Step.sign("complex band: radius grows with q", sp.diff(sp.sqrt(beta * s), s), ">",
                  r"The radius is $\sqrt{\beta q}$ for $0 < q < q_c$ ($q = s$)."),
    ]
    # q = q_c + s above the band: radius ((1+beta)q + sqrt(D))/2; d/dq = ((1+beta) + ((1+beta)^2 q - 2beta)/sqrt(D))/2
    num = sp.expand(((1 + beta) ** 2 * q - 2 * beta).subs(q, _QC + s))
    steps.append(Step.sign("q > q_c: radius grows with q", (1 + beta) + num / w, ">",
                           r"$\frac{\mathrm{d}}{\mathrm{d}q}\,\tfrac12\bigl((1+\beta)q + \sqrt{D}\bigr) = "
                           r"\tfrac12\bigl((1+\beta) + ((1+\beta)^2q - 2\beta)/\sqrt{D}\bigr)$, with $q = q_c + s$ and $w = "
                           r"\sqrt{D} > 0$."))
    for st in steps:
        d.add(st)

    def conclude():
        bad = [st.label for st in steps if st.verify().status.value == "failed"]
        return (not bad), (bad or sp.S.Zero)

    d.add(Step.custom(
        "max at the endpoints", sp.Eq(sp.Symbol(r"\rho(\alpha,\beta;\mu,L)"),
                                      sp.Max(sp.Symbol(r"\rho(\alpha\mu)"), sp.Symbol(r"\rho(\alpha L)"))),
        r"The radius is $0$ at $q = 0$, decreasing in $q$ for $q < 0$ and increasing for $q > 0$ "
        r"(continuous at $q_c$): it is quasi-convex in $q = 1 - \alpha\lambda$, so its maximum over "
        r"$\lambda \in [\mu, L]$ is at an end.",
        conclude, "combination", "re-runs the monotonicity checks it rests on"))
    rho_mu = radius_expr((1 + beta) * (1 - alpha * mu), beta * (1 - alpha * mu))
    rho_L = radius_expr((1 + beta) * (1 - alpha * L), beta * (1 - alpha * L))
    d.results.update({"rate": sp.Max(rho_mu, rho_L), "rate_mu": rho_mu, "rate_L": rho_L})
    return d


@cache
def standard_tuning_derivation() -> Derivation:
    r"""Standard tuning :math:`\alpha=1/L`, :math:`\beta=(\sqrt\kappa-1)/(\sqrt\kappa+1)`: rate :math:`1-1/\sqrt\kappa`."""
    d = Derivation(TOPIC, "Nesterov: standard tuning", source="Nesterov, Lectures on Convex Optimization (2018), "
                   "Sec. 2.2; Lessard, Recht & Packard (2016), Sec. 3.3", symbols=dict(SYMBOLS))
    k = sp.Symbol("k", positive=True)  # k = sqrt(kappa) > 1
    b_std = (k - 1) / (k + 1)
    q_mu = 1 - 1 / k**2  # 1 - mu/L
    d.add(Step.substitution("double root at mu", (1 + beta) ** 2 * q - 4 * beta, {beta: b_std, q: q_mu}, 0,
                            r"At $\lambda = \mu$, $q = 1 - 1/\kappa$; the discriminant factor $(1+\beta)^2q - 4\beta$ "
                            r"vanishes."))
    d.add(Step.substitution("the double root", (1 + beta) * q / 2, {beta: b_std, q: q_mu}, 1 - 1 / k,
                            r"A double root equals $b/2 = (1+\beta)q/2$.", lhs=sp.Symbol(r"z_\star")))
    d.add(Step.substitution("all roots 0 at L", z**2 - (1 + beta) * q * z + beta * q, {q: 0}, z**2,
                            r"At $\lambda = L$, $q = 1 - \alpha L = 0$.", lhs=sp.Symbol("p_{L}(z)")))

    def from_monotonicity():
        bad = [o.step.label for o in max_over_spectrum_derivation().outcomes() if o.status.value == "failed"]
        return (not bad), (bad or sp.S.Zero)

    d.add(Step.custom("max at mu", sp.Eq(sp.Symbol(r"\rho"), sp.Symbol(r"\rho(\mu)")),
                      r"For $\lambda \in [\mu, L]$, $q$ runs over $[0, 1 - 1/\kappa]$, where the radius increases with "
                      r"$q$ (checked in the step on the worst eigenvalue): the largest radius is at $\lambda = \mu$.",
                      from_monotonicity, "combination", "re-runs the monotonicity checks it rests on",
                      latex_statement=r"& \rho = \max_{\lambda\in[\mu,L]}\rho(\lambda) = \rho(\mu) = 1 - 1/\sqrt\kappa"))
    d.results.update({"alpha": 1 / L, "beta": (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1),
                      "rate": 1 - 1 / sp.sqrt(kappa)})
    return d


@cache
def optimal_tuning_derivation() -> Derivation:
    r"""The rate-minimising NAG tuning on quadratics (Lessard, Recht & Packard 2016)."""
    d = Derivation(TOPIC, "Nesterov: rate-minimising tuning", source="Lessard, Recht & Packard (2016), SIAM J. "
                   "Optim. 26(1), Sec. 3.3 / Table 1", symbols=dict(SYMBOLS))
    qm, qL = sp.symbols("q_mu q_L", real=True)
    d.add(Step.assumed("design", sp.Symbol("design"),
                       r"The radius is quasi-convex in $q$, so make the ends equal: a double root $\rho$ at $\lambda = "
                       r"\mu$ ($q_\mu > 0$) and the root $-\rho$ at $\lambda = L$ ($q_L < 0$).",
                       latex_statement=r"& p_\mu(z) = (z-\rho)^2,\quad p_L(-\rho) = 0"))
    # double root: (1+beta) q_mu = 2 rho, beta q_mu = rho^2; eliminate beta = rho^2/q_mu
    d.add(Step.solve("q at mu", (1 + rho**2 / qm) * qm - 2 * rho, qm, [2 * rho - rho**2],
                     r"Match $z^2 - (1+\beta)q_\mu z + \beta q_\mu = (z - \rho)^2$: $\beta q_\mu = \rho^2$ and "
                     r"$(1+\beta)q_\mu = 2\rho$."))
    beta_rho = rho**2 / (2 * rho - rho**2)
    d.add(Step.identity("beta in rho", beta_rho, rho / (2 - rho), r"$\beta = \rho^2/q_\mu$."))
    d.add(Step.identity("alpha mu in rho", 1 - (2 * rho - rho**2), (1 - rho) ** 2, r"$\alpha\mu = 1 - q_\mu$."))
    qL_rho = 1 - kappa * (1 - rho) ** 2  # alpha L = kappa alpha mu
    pL = z**2 - (1 + beta) * qL * z + beta * qL
    at_L = sp.numer(sp.together(pL.subs({z: -rho, beta: rho / (2 - rho), qL: qL_rho})))
    s3 = sp.sqrt(3 * kappa + 1)
    d.add(Step.solve("rho from the end L", at_L, rho, [1 - 2 / s3, 1 + 2 / s3],
                     r"$p_L(-\rho) = 0$ with $q_L = 1 - \kappa(1 - \rho)^2$; $\rho < 1$ picks the minus sign.", subset=False))
    rho_star = 1 - 2 / s3
    d.add(Step.substitution("alpha", (1 - rho_star) ** 2 / mu, {kappa: L / mu}, 4 / (3 * L + mu),
                            r"$\alpha = (1 - \rho)^2/\mu$.", lhs=sp.Symbol(r"\alpha^\star")))
    d.add(Step.substitution("beta", rho / (2 - rho), {rho: rho_star}, (s3 - 2) / (s3 + 2),
                            r"$\beta = \rho/(2 - \rho)$.", lhs=sp.Symbol(r"\beta^\star")))
    other = (beta * qL / (-rho)).subs({beta: rho / (2 - rho), qL: qL_rho}).subs(rho, rho_star)
    d.add(Step.identity("other root at L is rho/3", other, rho_star / 3,
                        r"Vieta: the other root at $L$ is $\beta q_L/(-\rho)$, smaller in modulus, so $\rho(L) = \rho$."))
    d.add(Step.sign("q at L is negative", sp.expand(qL_rho.subs(rho, rho_star).subs(kappa, 1 + s)), "<",
                    r"$q_L = 1 - 4\kappa/(3\kappa + 1) < 0$ for $\kappa = 1 + s > 1$: the root $-\rho$ sits on the "
                    r"real axis."))
    d.results.update({
        "alpha": 4 / (3 * L + mu),
        "beta": (sp.sqrt(3 * L / mu + 1) - 2) / (sp.sqrt(3 * L / mu + 1) + 2),
        "rate": 1 - 2 / sp.sqrt(3 * L / mu + 1),
        "beta_kappa": (s3 - 2) / (s3 + 2),
        "rate_kappa": rho_star,
    })
    return d


@cache
def nesterov_derivations() -> list[Derivation]:
    """All NAG derivations, in report order."""
    return [matrix_derivation(), regimes_derivation(), region_derivation(), max_over_spectrum_derivation(),
            standard_tuning_derivation(), optimal_tuning_derivation()]
