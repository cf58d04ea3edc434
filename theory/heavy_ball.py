r"""Heavy ball (Polyak's momentum) on quadratics, derived from the update rule.

Convention (Polyak form, the previous iterate as state):

.. math::  x_{t+1} = x_t - \alpha\,\nabla f(x_t) + \beta\,(x_t - x_{t-1}).

On :math:`f(x) = \tfrac12 (x-x^*)^\top A (x-x^*)` each eigen-component of the error
:math:`e_t = x_t - x^*` obeys :math:`e_{t+1} = (1+\beta-\alpha\lambda)e_t - \beta e_{t-1}`,
so the per-eigenvalue iteration matrix is :math:`[[1+\beta-\alpha\lambda, -\beta],[1, 0]]`
(computed here by SymPy from the update rule, then checked).  With :math:`h = \alpha\lambda`:

* complex roots iff :math:`(1-\sqrt\beta)^2 < h < (1+\sqrt\beta)^2`, and then :math:`|z| = \sqrt\beta`;
* convergence iff :math:`0 \le \beta < 1` and :math:`0 < h < 2(1+\beta)`;
* :math:`\rho(\alpha,\beta;\mu,L) = \max(\rho(\alpha\mu), \rho(\alpha L))` (decreasing, flat at
  :math:`\sqrt\beta` in the complex band, increasing in :math:`h`);
* critical damping :math:`\beta = (1-\sqrt h)^2` gives a double root :math:`1-\sqrt h`;
* Polyak's tuning :math:`\alpha^* = 4/(\sqrt L+\sqrt\mu)^2`, :math:`\beta^* = ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2`,
  :math:`\rho^* = (\sqrt\kappa-1)/(\sqrt\kappa+1)`; iterations to :math:`\varepsilon`:
  :math:`(\sqrt\kappa/2)\ln(1/\varepsilon)` against gradient descent's :math:`(\kappa/2)\ln(1/\varepsilon)`.

Source: B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
USSR Comput. Math. Math. Phys. 4(5):1-17, 1964; Lessard, Recht & Packard, SIAM J. Optim.
26(1), 2016, Sec. 3.2.
"""
from __future__ import annotations

from functools import cache

import sympy as sp

from .derivation import Derivation, Step
from .two_step import char_poly, companion, one_step_matrix, quadratic_roots_derivation, radius_expr, z

__all__ = [
    "SYMBOLS",
    "iteration_matrix",
    "heavy_ball_derivations",
    "matrix_derivation",
    "regimes_derivation",
    "region_derivation",
    "max_over_spectrum_derivation",
    "critical_damping_derivation",
    "optimal_tuning_derivation",
    "iteration_count_derivation",
]

TOPIC = "heavy-ball"
SOURCE = "Polyak (1964), USSR Comput. Math. Math. Phys. 4(5); Lessard, Recht & Packard (2016), Sec. 3.2"

alpha, beta, lam, mu, L, kappa, h = sp.symbols("alpha beta lambda mu L kappa h", positive=True)
r = sp.Symbol("r", positive=True)  # r = sqrt(beta)
s, u = sp.symbols("s u", positive=True)  # slack variables for sign arguments
SYMBOLS = {"alpha": alpha, "beta": beta, "lambda": lam, "mu": mu, "L": L, "kappa": kappa, "h": h}


@cache
def matrix_derivation() -> Derivation:
    r"""Iteration matrix, characteristic polynomial and roots from the update rule."""
    x, xm, xs, e, em = sp.symbols(r"x x_prev x^\star e_t e_{t-1}", real=True)
    grad = lam * (x - xs)  # gradient of the quadratic on one eigen-direction
    update = x - alpha * grad + beta * (x - xm)
    e_next = (update - xs).subs({x: e + xs, xm: em + xs})
    M = one_step_matrix(e_next, e, em)
    b, c = M[0, 0], -M[0, 1]
    d = Derivation(TOPIC, "Heavy ball: iteration matrix from the update rule", source=SOURCE,
                   symbols=dict(SYMBOLS))
    d.add(Step.identity("error recursion", sp.expand(e_next), (1 + beta - alpha * lam) * e - beta * em,
                        r"$x^+ = x - \alpha\nabla f(x) + \beta(x - x^-)$ with $\nabla f(x) = \lambda(x - x^\star)$, minus"
                        r" $x^\star$."))
    d.add(Step.identity("iteration matrix", M, companion(1 + beta - alpha * lam, beta),
                        r"In the state $(e_t, e_{t-1})$: the coefficients of the error recursion, read off by SymPy."))
    p = char_poly(M)
    d.add(Step.identity("characteristic polynomial", p, z**2 - (1 + beta - alpha * lam) * z + beta,
                        r"$\det(zI - M)$."))
    disc = (1 + beta - alpha * lam) ** 2 - 4 * beta
    roots = [(1 + beta - alpha * lam + sp.sqrt(disc)) / 2, (1 + beta - alpha * lam - sp.sqrt(disc)) / 2]
    d.add(Step.solve("roots", p, z, roots, r"The quadratic formula."))
    d.results.update({"matrix": M, "b": b, "c": c, "char_poly": p, "roots": roots,
                      "radius": radius_expr(b, c)})
    return d


def iteration_matrix() -> sp.Matrix:
    r"""The per-eigenvalue iteration matrix :math:`[[1+\beta-\alpha\lambda, -\beta],[1,0]]` (derived)."""
    return matrix_derivation().results["matrix"]


@cache
def regimes_derivation() -> Derivation:
    r"""Complex roots iff :math:`(1-\sqrt\beta)^2 < \alpha\lambda < (1+\sqrt\beta)^2`, where :math:`|z| = \sqrt\beta`."""
    d = Derivation(TOPIC, "Heavy ball: real and complex regimes", source=SOURCE, symbols=dict(SYMBOLS))
    D = (1 + beta - h) ** 2 - 4 * beta  # discriminant, h = alpha*lambda
    lo, hi = (1 - sp.sqrt(beta)) ** 2, (1 + sp.sqrt(beta)) ** 2
    d.add(Step.solve("discriminant vanishes", D, h, [sp.expand(lo), sp.expand(hi)],
                     r"The discriminant of $z^2 - (1 + \beta - h)z + \beta$, with $h = \alpha\lambda$."))
    Dr = D.subs(beta, r**2)
    d.add(Step.identity("discriminant factors", Dr, (h - (1 - r) ** 2) * (h - (1 + r) ** 2),
                        r"With $r = \sqrt{\beta}$."))
    d.add(Step.sign("negative inside the band", sp.factor(Dr.subs(h, (1 - r) ** 2 + 4 * r * u / (1 + u))), "<",
                    r"$h = (1-r)^2 + 4rt$ with $t = u/(1+u) \in (0,1)$: the discriminant is $-16r^2t(1-t) < 0$, "
                    r"complex roots."))
    d.add(Step.sign("positive below the band", sp.factor(Dr.subs(h, (1 - r) ** 2 - s)), ">",
                    r"$h = (1-r)^2 - s$, $s > 0$: the discriminant is $s(s + 4r) > 0$, real roots."))
    d.add(Step.sign("positive above the band", sp.factor(Dr.subs(h, (1 + r) ** 2 + s)), ">",
                    r"$h = (1+r)^2 + s$, $s > 0$: the discriminant is $s(s + 4r) > 0$, real roots."))
    gen = quadratic_roots_derivation()
    c_sym = gen.symbols["c"]
    d.add(Step.substitution("modulus in the complex band", sp.sqrt(c_sym), {c_sym: beta}, sp.sqrt(beta),
                            r"Complex roots of $z^2 - bz + c$ have modulus $\sqrt{c}$ (checked for generic $b, c$); here $c ="
                            r" \beta$.",
                            lhs=sp.Symbol("|z|")))
    d.results.update({"band_low": lo, "band_high": hi, "complex_modulus": sp.sqrt(beta)})
    return d


@cache
def region_derivation() -> Derivation:
    r"""Convergence region :math:`0 \le \beta < 1`, :math:`0 < \alpha\lambda < 2(1+\beta)`."""
    d = Derivation(TOPIC, "Heavy ball: convergence region", source=SOURCE + "; Jury (1964)",
                   symbols=dict(SYMBOLS))
    p = z**2 - (1 + beta - h) * z + beta
    d.add(Step.assumed("Schur-Jury criterion",
                       sp.Symbol(r"\rho<1 \iff |c|<1,\ p(1)>0,\ p(-1)>0"),
                       r"Both roots of a real monic quadratic $p(z) = z^2 - bz + c$ lie in $|z| < 1$ iff $|c| < 1$, "
                       r"$p(1) > 0$ and $p(-1) > 0$ (Jury's criterion \cite{jury1964}).",
                       latex_statement=r"& \rho<1 \iff |c|<1,\ p(1)>0,\ p(-1)>0"))
    d.add(Step.substitution("p(1)", p, {z: 1}, h, r"$p(1) = \alpha\lambda$.", lhs=sp.Symbol("p(1)")))
    d.add(Step.substitution("p(-1)", p, {z: -1}, 2 * (1 + beta) - h, r"$p(-1) = 2(1+\beta) - \alpha\lambda$.",
                            lhs=sp.Symbol("p(-1)")))
    d.add(Step.inequality("step range", 2 * (1 + beta) - h > 0, h, sp.Interval.open(-sp.oo, 2 * (1 + beta)),
                          r"$p(-1) > 0$; together with $p(1) = h > 0$: $0 < \alpha\lambda < 2(1+\beta)$."))
    beta_real = sp.Symbol("beta", real=True)
    d.add(Step.inequality("momentum range", sp.Abs(beta_real) < 1, beta_real, sp.Interval.open(-1, 1),
                          r"$|c| = |\beta| < 1$; with $\beta \ge 0$ (this form's range; $\beta = 0$ is gradient descent): "
                          r"$0 \le \beta < 1$."))
    d.results.update({"h_max": 2 * (1 + beta), "alpha_max": 2 * (1 + beta) / L})
    return d


@cache
def max_over_spectrum_derivation() -> Derivation:
    r""":math:`\max_{\lambda\in[\mu,L]}\rho(\lambda)` is attained at :math:`\lambda=\mu` or :math:`\lambda=L`."""
    d = Derivation(TOPIC, "Heavy ball: the worst eigenvalue is an endpoint", source=SOURCE, symbols=dict(SYMBOLS))
    b = 1 + r**2 - h  # beta = r^2
    below = Step.sign("b > 0 below the band", sp.expand(b.subs(h, (1 - r) ** 2 - s)), ">",
                      r"$h = (1-r)^2 - s$: $b = 2r + s > 0$, so $|b| = b$ decreases as $h$ grows.")
    above = Step.sign("b < 0 above the band", sp.expand(b.subs(h, (1 + r) ** 2 + s)), "<",
                      r"$h = (1+r)^2 + s$: $b = -2r - s < 0$, so $|b| = -b$ increases as $h$ grows.")
    d.add(below)
    d.add(above)
    Bp = sp.Symbol("B", positive=True)
    floor = Step.sign("real-regime radius is at least sqrt(beta)",
                      sp.expand(((Bp + sp.sqrt(Bp**2 - 4 * r**2)) / 2 - r).subs(Bp, 2 * r + s)), ">",
                      r"With $|b| = 2r + s \ge 2\sqrt{\beta}$: $\bigl(|b| + \sqrt{b^2 - 4\beta}\bigr)/2 > "
                      r"\sqrt{\beta}$.")
    d.add(floor)
    gen = quadratic_roots_derivation()

    def conclude():
        checks = [below.verify(), above.verify(), floor.verify()] + gen.outcomes()
        bad = [o.step.label for o in checks if o.status.value == "failed"]
        return (not bad), (bad or sp.S.Zero)

    rho_mu = radius_expr(1 + beta - alpha * mu, beta)
    rho_L = radius_expr(1 + beta - alpha * L, beta)
    d.add(Step.custom(
        "max at the endpoints", sp.Eq(sp.Symbol(r"\rho(\alpha,\beta;\mu,L)"), sp.Max(sp.Symbol(r"\rho(\alpha\mu)"),
                                                                                       sp.Symbol(r"\rho(\alpha L)"))),
        r"$\rho(h)$ decreases below the band ($|b|$ falls and the radius increases with $|b|$), equals "
        r"$\sqrt{\beta}$ in the band and increases above it, never below $\sqrt{\beta}$: it is "
        r"quasi-convex in $h$, so its maximum over $[\alpha\mu, \alpha L]$ is at an end (or on the whole "
        r"band, where both ends give $\sqrt{\beta}$).",
        conclude, "combination", "re-runs the monotonicity checks it rests on"))
    d.results.update({"rate": sp.Max(rho_mu, rho_L), "rate_mu": rho_mu, "rate_L": rho_L})
    return d


@cache
def critical_damping_derivation() -> Derivation:
    r"""Critical damping :math:`\beta = (1-\sqrt{\alpha\lambda})^2`: double root :math:`1-\sqrt{\alpha\lambda}`."""
    d = Derivation(TOPIC, "Heavy ball: critical damping", source=SOURCE, symbols=dict(SYMBOLS))
    D = (1 + beta - h) ** 2 - 4 * beta
    d.add(Step.solve("double-root condition", D, beta, [(1 - sp.sqrt(h)) ** 2, (1 + sp.sqrt(h)) ** 2],
                     r"The discriminant $= 0$ solved for $\beta$; $\beta < 1$ needs the root $(1 - \sqrt{h})^2$ ($h < "
                     r"4$)."))
    b = 1 + beta - h
    d.add(Step.substitution("double root", b / 2, {beta: (1 - sp.sqrt(h)) ** 2}, 1 - sp.sqrt(h),
                            r"The double root is $b/2 = (1 + \beta - h)/2$.", lhs=sp.Symbol(r"z_\star")))
    d.results.update({"beta_critical": (1 - sp.sqrt(h)) ** 2, "rate_critical": 1 - sp.sqrt(h)})
    return d


@cache
def optimal_tuning_derivation() -> Derivation:
    r"""Polyak's tuning from critical damping at both ends of :math:`[\mu, L]`."""
    d = Derivation(TOPIC, "Heavy ball: Polyak's optimal tuning", source=SOURCE, symbols=dict(SYMBOLS))
    a = sp.Symbol("a", positive=True)  # a = sqrt(alpha)
    d.add(Step.assumed("design", sp.Symbol("design"),
                       r"Put $\mu$ and $L$ on the two edges of the complex band (critical damping at both ends): "
                       r"$\alpha\mu = (1 - \sqrt{\beta})^2$, $\alpha L = (1 + \sqrt{\beta})^2$; then every $\lambda \in "
                       r"[\mu, L]$ lies in the band and $\rho = \sqrt{\beta}$, the smallest value the radius can take.",
                       latex_statement=r"& \alpha\mu = (1-\sqrt\beta)^2,\quad \alpha L = (1+\sqrt\beta)^2"))
    # square roots (a = sqrt(alpha), r = sqrt(beta) < 1): a sqrt(mu) = 1 - r, a sqrt(L) = 1 + r; add them
    a_star = 2 / (sp.sqrt(L) + sp.sqrt(mu))
    d.add(Step.solve("sqrt(alpha)", a * sp.sqrt(mu) + a * sp.sqrt(L) - 2, a, [a_star],
                     r"Add $a\sqrt{\mu} = 1 - r$ and $a\sqrt{L} = 1 + r$, with $a = \sqrt{\alpha}$, $r = "
                     r"\sqrt{\beta}$."))
    r_star = a_star * sp.sqrt(L) - 1
    d.add(Step.identity("sqrt(beta)", r_star, (sp.sqrt(L) - sp.sqrt(mu)) / (sp.sqrt(L) + sp.sqrt(mu)),
                        r"$r = a\sqrt{L} - 1$."))
    alpha_star = 4 / (sp.sqrt(L) + sp.sqrt(mu)) ** 2
    d.add(Step.identity("alpha*", a_star**2, alpha_star, r"$\alpha = a^2$."))
    d.add(Step.identity("check at mu", alpha_star * mu, (1 - r_star) ** 2, r"$\alpha^\star\mu = (1 - \sqrt{\beta^\star})^2$."))
    d.add(Step.identity("check at L", alpha_star * L, (1 + r_star) ** 2, r"$\alpha^\star L = (1 + \sqrt{\beta^\star})^2$."))
    rk = (sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1)
    d.add(Step.substitution("beta* in kappa", r_star**2, {L: kappa * mu}, rk**2,
                            r"$L = \kappa\mu$.", lhs=sp.Symbol(r"\beta^\star")))
    d.add(Step.substitution("rho* in kappa", r_star, {L: kappa * mu}, rk,
                            r"$\rho = \sqrt{\beta^\star}$ on the whole band.", lhs=sp.Symbol(r"\rho^\star")))
    d.results.update({
        "alpha": alpha_star, "beta": sp.factor(r_star**2), "rate": r_star,
        "beta_kappa": rk**2, "rate_kappa": rk,
    })
    return d


@cache
def iteration_count_derivation() -> Derivation:
    r"""Iterations to :math:`\varepsilon`: :math:`\ln(1/\varepsilon)/(-\ln\rho)`; heavy ball :math:`\sim(\sqrt\kappa/2)\ln(1/\varepsilon)`."""
    d = Derivation(TOPIC, r"Heavy ball vs gradient descent: iterations to accuracy $\varepsilon$", source=SOURCE,
                   symbols=dict(SYMBOLS))
    k = sp.Symbol("k", positive=True)  # k = sqrt(kappa)
    rho_hb = (k - 1) / (k + 1)
    d.add(Step.limit("heavy ball: e-foldings per step", -k * sp.log(rho_hb), k, sp.oo, 2,
                     r"With $k = \sqrt{\kappa}$, $\rho^\star = (k - 1)/(k + 1)$ and $-\ln\rho^\star \sim 2/k$: the error "
                     r"behaves like $\exp(-2T/\sqrt{\kappa})$, so "
                     r"$T(\varepsilon) \sim \tfrac{\sqrt{\kappa}}{2}\ln(1/\varepsilon)$."))
    eta = 2 / (mu + L)
    d.add(Step.substitution("gradient descent rate", 1 - eta * mu, {L: kappa * mu}, (kappa - 1) / (kappa + 1),
                            r"Gradient descent with $\eta = 2/(\mu + L)$: $|1 - \eta\lambda|$ is largest, and equal, at $\mu$"
                            r" and $L$.",
                            lhs=sp.Symbol(r"\rho_{\mathrm{GD}}")))
    d.add(Step.limit("gradient descent: e-foldings per step", -kappa * sp.log((kappa - 1) / (kappa + 1)), kappa,
                     sp.oo, 2, r"$-\ln\rho_{\mathrm{GD}} \sim 2/\kappa$: $T(\varepsilon) \sim "
                               r"\tfrac{\kappa}{2}\ln(1/\varepsilon)$."))
    d.add(Step.limit("not exp(-sqrt(kappa) T)", sp.log(rho_hb) / (-k), k, sp.oo, 0,
                     r"The popular $e^{-\sqrt{\kappa}\,T}$ would need $-\ln\rho^\star = \sqrt{\kappa} = k$; in fact "
                     r"$-\ln\rho^\star/\sqrt{\kappa} \to 0$."))
    d.results.update({
        "efold_hb_asymptotic": k / 2, "efold_gd_asymptotic": kappa / 2,
        "iterations_hb": sp.log(1 / sp.Symbol("epsilon", positive=True)) / (-sp.log((sp.sqrt(kappa) - 1) / (sp.sqrt(kappa) + 1))),
    })
    return d


@cache
def heavy_ball_derivations() -> list[Derivation]:
    """All heavy-ball derivations, in report order."""
    return [quadratic_roots_derivation(), matrix_derivation(), regimes_derivation(), region_derivation(),
            max_over_spectrum_derivation(), critical_damping_derivation(), optimal_tuning_derivation(),
            iteration_count_derivation()]
