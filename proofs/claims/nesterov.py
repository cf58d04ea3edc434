r"""Claims for topic 'nesterov': NAG in the form :math:`y = x + \beta(x - x_-)`, :math:`x^+ = y - \alpha\nabla f(y)`.

Each claim joins a derivation in :mod:`theory.nesterov` with a simulation of the independent
array update rule ``numerics.rule("nesterov", ..., "lessard")``.
"""
from __future__ import annotations

import math

import numpy as np

from ratecheck.theory import nesterov as nag
from ratecheck.theory.evaluate import to_float

from ..claim import Claim, Comparison, Evidence, Reference
from ..textbook import nesterov_rate, nesterov_tuning
from .common import (KAPPAS, local_optimality, one_step_claim, published_tuning_check, rate_comparison,
                     region_rate, tuned_rate_claim)

TOPIC = "nesterov"
#: relative tolerances on the gap 1 - rho (rho - 1 for growth); measured errors in the comments
COMPLEX_MODULUS_TOLERANCE = 0.01  # measured 3.4e-3 (a single rotating mode, 140 e-foldings)
REGION_TOLERANCE = {0.98: 7e-3, 1.02: 1.5e-3}  # measured 2.8e-3 (40 e-foldings) and 4.9e-4 (growth)


def _lessard_reference(mu: float, L: float) -> dict[str, float]:
    """Lessard, Recht & Packard (2016), Table 1 / Prop. 1, as published (kappa = L/mu)."""
    k = L / mu
    s = math.sqrt(3 * k + 1)
    return {"alpha": 4 / (3 * L + mu), "beta": (s - 2) / (s + 2), "rate": 1 - 2 / s}


def _complex_modulus() -> Comparison:
    beta, alpha, lam0 = 0.5, 1.0, 0.5  # complex band: ((1-beta)/(1+beta))^2 = 1/9 < alpha*lambda < 1
    res = nag.regimes_derivation().results
    lo = to_float(res["band_low"], {"beta": beta})
    assert lo < alpha * lam0 < 1
    expected = to_float(res["complex_modulus"], {"beta": beta, "alpha": alpha, "lambda": lam0})
    return rate_comparison("nesterov", {"alpha": alpha, "beta": beta}, np.full(1000, lam0), expected, r"fitted rate ($|z|$)",
                           COMPLEX_MODULUS_TOLERANCE, 140)  # a pure rotation: the fit window must span many periods


def _region(side: float):
    return region_rate("nesterov", lambda: nag.region_derivation().results["alpha_max"], nesterov_rate, side,
                       "2(1+beta)/((1+2beta)L)", REGION_TOLERANCE[side])


CLAIMS: list[Claim] = [
    one_step_claim("nesterov.iteration-matrix", TOPIC, "nesterov", "lessard", nag.matrix_derivation,
                   r"One step of NAG in error coordinates is $(e_{t+1}, e_t) = M (e_t, e_{t-1})$ with "
                   r"$M_{11} = (1+\beta)(1-\alpha\lambda)$, $M_{12} = -\beta(1-\alpha\lambda)$, $M_{21} = 1$, $M_{22} = 0$ "
                   r"(SymPy matrix vs the array update rule on random inputs)."),
    Claim("nesterov.complex-modulus", TOPIC,
          r"For $0 < 1-\alpha\lambda < 4\beta/(1+\beta)^2$ the roots are complex with $|z| = \sqrt{\beta(1-\alpha\lambda)}$: "
          r"at $\beta = 0.5$, $\alpha = 1$, $\lambda = 0.5$ the simulated rate is $0.5$.",
          nag.regimes_derivation, _complex_modulus),
    Claim("nesterov.region-inside", TOPIC,
          r"NAG converges for $0 < \alpha\lambda < 2(1+\beta)/(1+2\beta)$: at $0.98$ times that step "
          r"($\beta = 0.5$, $[\mu, L] = [1, 100]$) the simulated rate matches $\rho(\alpha,\beta) < 1$.",
          nag.region_derivation, _region(0.98)),
    Claim("nesterov.region-outside", TOPIC,
          r"At $1.02$ times the largest step NAG diverges with growth factor $\rho(\alpha,\beta) > 1$.",
          nag.region_derivation, _region(1.02)),
    *[tuned_rate_claim(f"nesterov.standard-rate-kappa-{k}", TOPIC, "nesterov", "standard", k, nesterov_rate,
                       nesterov_tuning, nag.standard_tuning_derivation,
                       rf"With $\alpha = 1/L$, $\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)$ and $\kappa = {k}$, NAG converges "
                       r"at $1 - 1/\sqrt\kappa$ (double root at $\lambda = \mu$; $d = 10^5$).")
      for k in KAPPAS],
    Claim("nesterov.optimal-tuning", TOPIC,
          r"The rate-minimising NAG tuning on quadratics (double root at $\mu$, equal modulus at $L$) is "
          r"$\alpha = 4/(3L+\mu)$, $\beta = (\sqrt{3\kappa+1}-2)/(\sqrt{3\kappa+1}+2)$, $\rho = 1-2/\sqrt{3\kappa+1}$; "
          r"scaling $\alpha$ or $\beta$ by $0.9$ or $1.1$ makes the simulated rate worse ($\kappa = 100$).",
          nag.optimal_tuning_derivation, local_optimality("nesterov", nesterov_tuning, nesterov_rate),
          reference=Reference("L. Lessard, B. Recht, A. Packard, SIAM J. Optim. 26(1):57-95, 2016", 4 / 301,
                              "alpha = 4/(3L + mu) (value at mu = 1, L = 100), "
                              "beta = (sqrt(3 kappa + 1) - 2)/(sqrt(3 kappa + 1) + 2), rho = 1 - 2/sqrt(3 kappa + 1)"),
          reference_check=published_tuning_check(lambda: nag.optimal_tuning_derivation().results,
                                                         _lessard_reference, "Lessard et al.'s formulas"),
          evidence=Evidence.METAMORPHIC),
    *[tuned_rate_claim(f"nesterov.optimal-rate-kappa-{k}", TOPIC, "nesterov", "optimal", k, nesterov_rate,
                       nesterov_tuning, nag.optimal_tuning_derivation,
                       rf"At the rate-minimising tuning and $\kappa = {k}$, NAG converges at $1-2/\sqrt{{3\kappa+1}}$ "
                       r"($d = 10^5$).")
      for k in KAPPAS],
]
