r"""Claim ``linear-family.lookahead-best-alpha`` (topic 'linear-family'): the best slow-weights step of Lookahead over
gradient descent when extrapolation is allowed (theory/lookahead_alpha.py).

Setting: k = 5 inner steps of gradient descent with :math:`\eta = 1/L` on [1, 100].  The derived
:math:`\alpha^\star = 2/(2 - (1 - 1/\kappa)^k)` is compared with a bounded Brent search (scipy) of the generic engine's
worst-case rate per inner step over :math:`\alpha \in [0.5, 1.999]` (the engine derives the period matrix from the
method value; its worst case over [mu, L] is numeric, the factor is not affine in lambda), and the derived rate per
step with a run at :math:`\alpha^\star`.
"""
from __future__ import annotations

from functools import cache

import numpy as np

from ratecheck import numerics
from ratecheck.numerics.linear_family import lookahead
from ratecheck.theory import lookahead_alpha as tla

from ..claim import Claim, Comparison, Guarantee, Reference
from ..methods import engine_worst_case

__all__ = ["CLAIMS", "best_alpha_numbers", "K", "ETA"]

TOPIC = "linear-family"
MU, L = 1.0, 100.0
K, ETA = 5, 1.0 / 100.0
PERIODS = 40



@cache
def best_alpha_numbers() -> dict:
    m = lookahead(numerics.form("gd"), K)
    derived = tla.best_alpha(ETA, K, MU, L)

    def rate(a: float) -> float:
        return float(engine_worst_case(m, {"eta": ETA, "la_alpha": a}, MU, L).rate)

    from scipy.optimize import minimize_scalar

    numeric = float(minimize_scalar(rate, bounds=(0.5, 1.999), method="bounded",
                                    options={"xatol": 1e-12, "maxiter": 500}).x)
    a_star = float(derived["alpha"])
    # the run, read at the syncs: from x0 = phi0 = 1 every period multiplies each mode by its outer factor
    lam = np.linspace(MU, L, 991)
    rule = numerics.rule_of(m, {"eta": ETA, "la_alpha": a_star})
    state = rule.init(np.ones(lam.size))
    for t in range(1, PERIODS * K + 1):
        state = rule.step(state, lambda y: lam * y, t)
    simulated = float(np.max(np.abs(state[0]))) ** (1.0 / (PERIODS * K))
    return {"alpha": a_star, "numeric_alpha": numeric, "rate": float(derived["rate_per_step"]),
            "outer": float(derived["outer_rate"]), "engine_rate": rate(a_star), "alpha_1": rate(1.0),
            "simulated": simulated, "gd_same_eta": 1 - ETA * MU,
            "gd_optimal": (L - MU) / (L + MU)}


def _confirm() -> Comparison:
    e = best_alpha_numbers()
    return Comparison(1 - e["simulated"], 1 - e["rate"], 1e-9, Guarantee.TIGHT,
                      r"gap $1 - \rho$ per inner step at $\alpha^\star$: a run read at the syncs ($40$ periods, $991$ "
                      r"modes) vs $\rho_{\mathrm{out}}^{1/k}$",
                      f"alpha* = {e['alpha']:.10g}, rate per step {e['rate']:.8f} (run {e['simulated']:.8f}); best in "
                      f"(0, 1] is alpha = 1 with {e['alpha_1']:.6f} = gd at the same eta; gd at 2/(mu + L): "
                      f"{e['gd_optimal']:.6f}")


def _reference() -> Comparison:
    e = best_alpha_numbers()
    return Comparison(e["numeric_alpha"], e["alpha"], 1e-6, Guarantee.TIGHT,
                      r"$\alpha$ minimising the engine's worst-case rate (bounded Brent on $[0.5, 1.999]$) vs "
                      r"$\alpha^\star = 2/(2 - (1 - 1/\kappa)^k)$",
                      f"engine's rate at alpha*: {e['engine_rate']:.10f}")


CLAIMS = [
    Claim("linear-family.lookahead-best-alpha", TOPIC,
          r"With extrapolation allowed, the best slow-weights step of Lookahead over gradient descent is "
          r"$\alpha^\star = 2/(w_- + w_+)$, $w = 1 - (1 - \eta\lambda)^k$ over the spectrum; at $\eta = 1/L$, "
          r"$k = 5$, $\kappa = 100$ it is $\alpha^\star = 1.9066$ with rate $0.98057$ per step --- faster than "
          r"gradient descent at the same step ($0.99$, also the best for $\alpha \in (0, 1]$, at $\alpha = 1$) and "
          r"about as fast as gradient descent at its best step $2/(\mu+L)$ ($0.98020$).",
          tla.best_alpha_derivation, _confirm,
          reference=Reference(r"the generic engine's worst case, minimised over $\alpha$"), reference_check=_reference),
]
