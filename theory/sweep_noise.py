r"""Noise floors of the tuned methods against the condition number (SymPy): how the floor grows with κ.

The noisy sweep (``ratecheck sweep --noise``) runs each method at its optimal tuning on the two-mode problem
:math:`H = \mathrm{diag}(\mu, L)`, :math:`L = 1`, :math:`\mu = 1/\kappa`, under additive noise
:math:`\mathbb E w^2 = \sigma^2`.  Its noise floor is :math:`F = \tfrac12(\mu P(\mu) + L P(L))` with
:math:`P(\lambda)` the stationary variance of one direction:

* SGD: :math:`P = \eta\sigma^2/(\lambda(2 - \eta\lambda))` (:func:`theory.noisy_quadratic.sgd_variance`);
* heavy ball (Polyak's form) :math:`e_{t+1} = (1 + \beta - \alpha\lambda)e_t - \beta e_{t-1} - \alpha w_t` and
  Nesterov (Lessard's form) :math:`e_{t+1} = (1+\beta)(1-\alpha\lambda)e_t - \beta(1-\alpha\lambda)e_{t-1} -
  \alpha w_t` are AR(2) processes, whose stationary variance is
  :math:`\frac{1-\phi_2}{(1+\phi_2)((1-\phi_2)^2-\phi_1^2)}\alpha^2\sigma^2` (Box, Jenkins & Reinsel, *Time Series
  Analysis*, Sec. 3.2.4; :func:`theory.noisy_quadratic.ar2_stationary_variance`).

At the tunings :math:`\eta = 2/(\mu + L)` (gradient descent), :math:`\alpha = 4/(\sqrt L + \sqrt\mu)^2`,
:math:`\beta = ((\sqrt\kappa - 1)/(\sqrt\kappa + 1))^2` (Polyak 1964) and :math:`\alpha = 4/(3L + \mu)`,
:math:`\beta = (\sqrt{3\kappa+1} - 2)/(\sqrt{3\kappa+1} + 2)` (Lessard, Recht & Packard 2016) SymPy simplifies the
floors to closed forms in κ (for Nesterov in :math:`r = \sqrt{3\kappa + 1}`):

.. math:: F_{\mathrm{gd}} = \frac{\sigma^2(\kappa + 1)}{2}, \qquad
          F_{\mathrm{hb}} = \frac{\sigma^2(\kappa + 1)^2}{4\sqrt\kappa}, \qquad
          F_{\mathrm{nag}} = \frac{\sigma^2(r+1)(5r^5 - 10r^4 - 2r^3 + 20r^2 - 16r + 4)}{12(r-1)^2(2r-1)(r^2-r+1)},

so the floor grows like :math:`\kappa` (gradient descent), :math:`\kappa^{3/2}` (heavy ball: the tuning that is
fastest without noise amplifies the noise most) and :math:`\kappa^{1/2}` (Nesterov), with the limits
:math:`F/\kappa^p \to \sigma^2/2,\ \sigma^2/4,\ 5\sqrt3\,\sigma^2/24`.  The two stationary variances are the
theorems of the section on the noisy quadratic model (there derived from the traced method values and checked);
here they are hypotheses, and every step after them is checked by SymPy.
"""
from __future__ import annotations

import sympy as sp

from .derivation import Derivation, Step
from .noisy_quadratic import ar2_stationary_variance, replace_latex, sgd_variance
from .printing import latex

__all__ = ["floor_growth_derivation", "KAPPA", "SIGMA2", "R", "TOPIC", "EXPONENTS"]

TOPIC = "sweep"
KAPPA = sp.Symbol("kappa", positive=True)
SIGMA2 = sp.Symbol("sigma^2", positive=True)
R = sp.Symbol("r", positive=True)  # r = sqrt(3 kappa + 1), Nesterov's tuning
LAM = sp.Symbol("lambda", positive=True)
ALPHA, BETA, ETA = (sp.Symbol(n, positive=True) for n in ("alpha", "beta", "eta"))
PHI1, PHI2 = sp.Symbol("phi_1", real=True), sp.Symbol("phi_2", real=True)
#: the growth exponents p of the floor, F ~ C kappa^p as kappa -> infinity
EXPONENTS = {"gd": sp.Integer(1), "heavy-ball": sp.Rational(3, 2), "nesterov": sp.Rational(1, 2)}


def _floor(variance) -> sp.Expr:
    r""":math:`\tfrac12(\mu P(\mu) + L P(L))` with :math:`L = 1` and ``variance(lam)`` = :math:`P(\lambda)`."""
    mu = 1 / KAPPA
    return sp.Rational(1, 2) * (mu * variance(mu) + variance(sp.Integer(1)))


def floor_growth_derivation() -> Derivation:
    r"""The floors of the tuned methods on :math:`\mathrm{diag}(1/\kappa, 1)` in closed form and their growth in κ."""
    d = Derivation(TOPIC, r"Noise floors of the tuned methods against the condition number",
                   symbols={"kappa": KAPPA, "sigma^2": SIGMA2, "r": R},
                   source="Box, Jenkins & Reinsel, Time Series Analysis, Sec. 3.2.4")
    d.add(Step.assumed(
        "stationary variances", sp.Eq(sp.Symbol("P_gd"), sgd_variance(ETA, LAM, SIGMA2)),
        r"The theorems of the section on the noisy quadratic model: SGD's stationary variance per direction, and "
        r"for a method whose error is the AR(2) process $e_{t+1} = \phi_1 e_t + \phi_2 e_{t-1} - \alpha w_t$ the "
        r"variance $\frac{1-\phi_2}{(1+\phi_2)((1-\phi_2)^2-\phi_1^2)}\,\alpha^2\sigma^2$; heavy ball has "
        r"$\phi_1 = 1 + \beta - \alpha\lambda$, $\phi_2 = -\beta$, Nesterov $\phi_1 = (1+\beta)(1-\alpha\lambda)$, "
        r"$\phi_2 = -\beta(1-\alpha\lambda)$.",
        latex_statement=r"P_{\mathrm{gd}}(\lambda) &= \frac{\eta\sigma^2}{\lambda(2 - \eta\lambda)}, \quad "
                        r"P_{\mathrm{AR}}(\lambda) = \frac{1-\phi_2}{(1+\phi_2)((1-\phi_2)^2-\phi_1^2)}\,\alpha^2\sigma^2"))
    d.add(Step.assumed(
        "the floor of the sweep", sp.Eq(sp.Symbol("F"), sp.Rational(1, 2) * (sp.Symbol("mu") * sp.Symbol("P_mu")
                                                                             + sp.Symbol("P_L"))),
        r"The sweep's problem $H = \mathrm{diag}(\mu, L)$ with $L = 1$, $\mu = 1/\kappa$: the stationary expected "
        r"loss is $\frac12\sum_i\lambda_i P(\lambda_i)$ over its two directions.",
        latex_statement=r"F &= \tfrac12\bigl(\mu P(\mu) + P(1)\bigr), \quad \mu = 1/\kappa"))
    mu = 1 / KAPPA
    gd = _floor(lambda lam: sgd_variance(2 / (mu + 1), lam, SIGMA2))
    gd_closed = SIGMA2 * (KAPPA + 1) / 2
    d.add(replace_latex(Step.identity(
        "gradient descent", gd, gd_closed,
        r"At $\eta = 2/(\mu + L)$: $\eta/(2 - \eta\mu) = 1$ and $\eta/(2 - \eta) = \kappa$."),
        r"F_{\mathrm{gd}} &= " + latex(gd_closed)))
    a_hb = 4 / (1 + sp.sqrt(mu)) ** 2
    b_hb = ((sp.sqrt(KAPPA) - 1) / (sp.sqrt(KAPPA) + 1)) ** 2
    hb = _floor(lambda lam: ar2_stationary_variance(1 + b_hb - a_hb * lam, -b_hb, a_hb ** 2 * SIGMA2))
    hb_closed = SIGMA2 * (KAPPA + 1) ** 2 / (4 * sp.sqrt(KAPPA))
    d.add(replace_latex(Step.identity(
        "heavy ball", hb, hb_closed,
        r"At Polyak's $\alpha = 4/(1 + \sqrt\mu)^2$, $\beta = \bigl((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\bigr)^2$ both "
        r"directions have the same variance $\sigma^2(\kappa + 1)\sqrt\kappa/2$."),
        r"F_{\mathrm{hb}} &= \frac{\sigma^2(\kappa + 1)^2}{4\sqrt{\kappa}}"))
    mu_r = 3 / (R ** 2 - 1)
    a_n, b_n = 4 / (3 + mu_r), (R - 2) / (R + 2)
    nag = sp.Rational(1, 2) * sum(lam * ar2_stationary_variance((1 + b_n) * (1 - a_n * lam), -b_n * (1 - a_n * lam),
                                                               a_n ** 2 * SIGMA2) for lam in (mu_r, sp.Integer(1)))
    nag_closed = (SIGMA2 * (R + 1) * (5 * R ** 5 - 10 * R ** 4 - 2 * R ** 3 + 20 * R ** 2 - 16 * R + 4)
                  / (12 * (R - 1) ** 2 * (2 * R - 1) * (R ** 2 - R + 1)))
    d.add(replace_latex(Step.identity(
        "Nesterov", nag, nag_closed,
        r"At $\alpha = 4/(3 + \mu)$, $\beta = (r - 2)/(r + 2)$ with $r = \sqrt{3\kappa + 1}$, so $\mu = 3/(r^2 - 1)$: "
        r"a rational function of $r$.", simplifier=lambda e: sp.factor(sp.cancel(e))),
        r"F_{\mathrm{nag}} &= \frac{\sigma^2(r+1)(5r^5 - 10r^4 - 2r^3 + 20r^2 - 16r + 4)}"
        r"{12(r-1)^2(2r-1)(r^2-r+1)}"))
    nag_kappa = nag_closed.subs(R, sp.sqrt(3 * KAPPA + 1))
    limits = {"gd": (gd_closed, SIGMA2 / 2), "heavy-ball": (hb_closed, SIGMA2 / 4),
              "nesterov": (nag_kappa, 5 * sp.sqrt(3) * SIGMA2 / 24)}
    def growth():
        values = [sp.limit(floor / KAPPA ** EXPONENTS[m], KAPPA, sp.oo) for m, (floor, _) in limits.items()]
        residual = [sp.simplify(x - limit) for x, (_, limit) in zip(values, limits.values())]
        return all(r == 0 for r in residual), residual

    statement = sp.Eq(sp.Tuple(*(sp.Limit(f / KAPPA ** EXPONENTS[m], KAPPA, sp.oo) for m, (f, _) in limits.items())),
                      sp.Tuple(*(lim for _, lim in limits.values())), evaluate=False)
    d.add(Step.custom(
        "growth with kappa", statement,
        r"Divided by $\kappa$, $\kappa^{3/2}$ and $\kappa^{1/2}$ the three floors tend to positive constants "
        r"(\texttt{sympy.limit}): gradient descent's floor grows like $\kappa$, heavy ball's like $\kappa^{3/2}$, "
        r"Nesterov's like $\kappa^{1/2}$.", growth, "limit", "sympy.limit of each ratio, residual 0",
        latex_statement=r"\frac{F_{\mathrm{gd}}}{\kappa} &\to \frac{\sigma^2}{2}, \quad "
                        r"\frac{F_{\mathrm{hb}}}{\kappa^{3/2}} \to \frac{\sigma^2}{4}, \quad "
                        r"\frac{F_{\mathrm{nag}}}{\kappa^{1/2}} \to \frac{5\sqrt{3}\,\sigma^2}{24} "
                        r"\quad (\kappa \to \infty)"))
    d.results.update({"gd": gd_closed, "heavy-ball": hb_closed, "nesterov": nag_kappa})
    return d
