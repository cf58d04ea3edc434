r"""Claim builders shared by the momentum topics (heavy ball, Nesterov) and gradient descent.

Rates near 1 are compared on their **gap**: a converging run's fitted rate :math:`\hat\rho` is
checked as :math:`1 - \hat\rho` against :math:`1 - \rho`, a diverging one as :math:`\hat\rho - 1`
against :math:`\rho - 1`, with a relative tolerance.  A relative tolerance on ρ itself cannot
tell an accelerated method from gradient descent at large κ (0.9998 is within 1 % of 0.99);
a tolerance ``tol`` on the gap implies :math:`|\hat\rho - \rho| \le \mathrm{tol}\,|1-\rho|`, i.e.
ρ within ``tol·|1-ρ|/ρ`` relative, which :func:`gap_comparison` prints in the detail.

The builders here: :func:`one_step_claim` (theory's iteration matrix vs one step of the array
rule), :func:`tuned_rate_claim` (simulated rate at a named tuning, d = 1e5, vs the derived
closed form), :func:`rate_comparison` (a fitted rate or growth factor on any spectrum),
:func:`published_tuning_check` (derived tuning vs the published formulas) and
:func:`local_optimality` (a tuning vs its 8 scaled neighbours, both simulated).
"""
from __future__ import annotations

import math
from functools import cache
from typing import Callable, Mapping

import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import spectra
from ratecheck.numerics.problems import DiagonalQuadratic, isotropic_initial_error
from ratecheck.theory.evaluate import to_float

from ..claim import Claim, Comparison, Guarantee
from ..rate import measure_rate

__all__ = ["KAPPAS", "RATE_DIM", "RATE_E_FOLDINGS", "TUNED_RATE_TOLERANCE", "claim_steps", "gap_comparison",
           "one_step_comparison", "one_step_claim", "measured", "tuned_rate_claim", "simulated_fit",
           "rate_comparison", "published_tuning_check", "local_optimality"]

KAPPAS = (10, 100, 10_000)
RATE_DIM = 100_000  # spectrum size of the tuned-rate claims (the issue asks d >= 1e5)
#: steps of a tuned-rate claim: this many e-foldings of the theoretical rate.  The fit's error on
#: the gap falls roughly like 1/E to 1/E^2 (the t^k prefactor of the modes next to the double
#: roots is only asymptotically a power law): at d = 1e5 it was 3-8 % at E = 12, <= 0.7 % at 200.
RATE_E_FOLDINGS = 200
#: tolerance on the gap 1 - rho of the tuned-rate claims, per kappa.  Measured relative gap errors
#: at E = 200, d = 1e5 (heavy ball / NAG standard / NAG optimal): kappa = 10: 4.1e-3 / 7.2e-3 / 6.0e-3
#: (a few discrete rotating modes near the double roots: the error does not shrink with E there);
#: kappa = 100: 2.3e-3 / 4.4e-3 / 4.2e-3; kappa = 1e4: 1.6e-4 / 5.6e-4 / 5.4e-4.  About 2.5x margin.
TUNED_RATE_TOLERANCE = {10: 0.02, 100: 0.01, 10_000: 0.0015}


def claim_steps(rho: float, e_foldings: float = RATE_E_FOLDINGS) -> int:
    """Steps covering ``e_foldings`` e-foldings of a rate rho < 1 (at least 100)."""
    return max(100, math.ceil(e_foldings / (1.0 - rho)))


def gap_comparison(fit: float, expected: float, tolerance: float, quantity: str = "fitted rate", detail: str = "") -> Comparison:
    r"""Compare a fitted rate with ``expected`` on the gap: ``1 - rate`` (converging) or ``rate - 1`` (growth).

    The detail keeps both rates and the relative error on ρ itself (implied by the gap check).
    """
    growth = expected > 1
    computed_gap = fit - 1.0 if growth else 1.0 - fit
    expected_gap = expected - 1.0 if growth else 1.0 - expected
    name = rf"excess $\rho - 1$, $\rho$ = {quantity}" if growth else rf"gap $1 - \rho$, $\rho$ = {quantity}"
    rho_err = abs(fit - expected) / expected if math.isfinite(fit) else float("inf")
    text = (f"{quantity}: simulated {fit:.10g}, theory {expected:.10g} (within {rho_err:.2g} relative, i.e. "
            f"{100 * rho_err:.3g} % of rho); the gap is compared, tolerance {tolerance:g} relative")
    return Comparison(computed_gap, expected_gap, tolerance, Guarantee.TIGHT, name,
                      f"{detail}; {text}" if detail else text)


# ----------------------------------------------------------------------------- one step
def one_step_comparison(method: str, form: str, matrix: sp.Matrix, symbols: Mapping[str, sp.Symbol],
                        seed: int = 1) -> Comparison:
    r"""Max relative difference between theory's iteration matrix applied to :math:`(e_t, e_{t-1})`
    and numerics' ``Rule.step`` on random inputs (x* = 0, so e = x), over 20 random (alpha, beta)."""
    args = (symbols["alpha"], symbols["beta"], symbols["lambda"])
    entries = [[sp.lambdify(args, matrix[i, j], modules="numpy") for j in range(2)] for i in range(2)]
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(20):
        alpha, beta = float(rng.uniform(0.01, 2.0)), float(rng.uniform(0.0, 0.999))
        lam = rng.uniform(0.01, 10.0, 1000)
        x, x_prev = rng.standard_normal(1000), rng.standard_normal(1000)
        rule = numerics.rule(method, {"alpha": alpha, "beta": beta}, form)
        x_num, s_num = rule.step((x, x_prev), lambda y: lam * y)
        M = [[np.broadcast_to(np.asarray(entries[i][j](alpha, beta, lam), dtype=float), lam.shape)
              for j in range(2)] for i in range(2)]  # entries broadcast over the eigenvalues
        x_th = M[0][0] * x + M[0][1] * x_prev
        s_th = M[1][0] * x + M[1][1] * x_prev
        scale = max(np.max(np.abs(x_th)), 1.0)
        worst = max(worst, float(np.max(np.abs(x_num - x_th)) / scale), float(np.max(np.abs(s_num - s_th))))
    return Comparison(worst, 0.0, 1e-13, Guarantee.TIGHT, "largest relative difference of one step",
                      "20 random (alpha, beta), 1000 random (lambda, x_t, x_{t-1}) each")


def one_step_claim(claim_id: str, topic: str, method: str, form: str, derivation: Callable, statement: str) -> Claim:
    def confirm() -> Comparison:
        d = derivation()
        return one_step_comparison(method, form, d.results["matrix"], d.symbols)

    return Claim(claim_id, topic, statement, derivation, confirm)


# ----------------------------------------------------------------------------- rates
@cache
def measured(method: str, tuning: str, kappa: float, dim: int, steps: int) -> dict:
    """``measure_rate`` on ``dim`` equally spaced eigenvalues in [1, kappa] (cached: claims share runs)."""
    return measure_rate(method, mu=1.0, L=float(kappa), tuning=tuning, dim=dim, steps=steps)


def tuned_rate_claim(claim_id: str, topic: str, method: str, tuning: str, kappa: int, rate: Callable,
                     tuned: Callable, derivation: Callable, statement: str) -> Claim:
    """Simulated rate at a named tuning (d = 1e5, :data:`RATE_E_FOLDINGS` e-foldings) vs the derived
    closed form, compared on the gap 1 - rho with :data:`TUNED_RATE_TOLERANCE`."""

    def confirm() -> Comparison:
        rho = rate(tuned(tuning, 1.0, kappa), 1.0, kappa)
        r = measured(method, tuning, kappa, RATE_DIM, claim_steps(rho))
        return gap_comparison(r["rate_simulated"], r["rate_theory"], TUNED_RATE_TOLERANCE[kappa], "fitted rate",
                              f"d = {r['dim']} uniform on [1, {kappa}], {r['steps']} steps "
                              f"({RATE_E_FOLDINGS} e-foldings), fit window {r['fit_window']}")

    return Claim(claim_id, topic, statement, derivation, confirm, result=None)


def simulated_fit(method: str, params: Mapping[str, float], eigenvalues: np.ndarray, steps: int, seed: int = 0):
    """(fitted rate, trajectory) of ``method`` with ``params`` on the diagonal quadratic ``eigenvalues``."""
    rule = numerics.rule(method, params)
    traj = numerics.simulate(rule, DiagonalQuadratic(eigenvalues), isotropic_initial_error(eigenvalues.size, seed), steps)
    return traj.rate().rate, traj


def rate_comparison(method: str, params: Mapping[str, float], eigenvalues: np.ndarray, expected: float,
                    quantity: str, tolerance: float, e_foldings: float) -> Comparison:
    """Fitted simulated rate (or growth factor) vs ``expected``, compared on the gap (:func:`gap_comparison`).

    A converging run covers ``e_foldings`` e-foldings; a diverging one runs until it passes the
    divergence threshold (1e60 |e0|)."""
    if expected < 1:
        steps = claim_steps(expected, e_foldings)
    else:
        steps = int(math.ceil(60 * math.log(10) / math.log(expected))) + 10
    fit, traj = simulated_fit(method, params, eigenvalues, steps)
    what = "diverged" if traj.diverged else ("growing" if fit > 1 else "converging")
    return gap_comparison(fit, expected, tolerance, quantity, f"d = {eigenvalues.size}, {traj.steps_run} steps, {what}")


# ----------------------------------------------------------------------------- tunings
def published_tuning_check(results: Callable[[], Mapping[str, sp.Expr]], published: Callable[[float, float], dict],
                           names: str) -> Callable[[], Comparison]:
    """Derived (alpha, beta, rate) at mu = 1 and each kappa in :data:`KAPPAS` vs ``published(mu, L)``."""

    def check() -> Comparison:
        res = results()
        worst = 0.0
        for k in KAPPAS:
            ref = published(1.0, float(k))
            for name in ("alpha", "beta", "rate"):
                sym = to_float(res[name], {"mu": 1, "L": k})
                worst = max(worst, abs(sym - ref[name]) / ref[name])
        return Comparison(worst, 0.0, 1e-14, Guarantee.TIGHT, f"max relative difference from {names}",
                          "alpha, beta, rho at kappa = 10, 100, 1e4")

    return check


def local_optimality(method: str, tuning: Callable[[str, float, float], dict],
                     rate: Callable[[dict, float, float], float]) -> Callable[[], Comparison]:
    r"""Simulated rate at the ``optimal`` tuning vs its 8 neighbours (alpha, beta scaled by 0.9/1/1.1),
    kappa = 100, d = 1e4 uniform: the smallest ratio neighbour / tuned must be >= 1 (metamorphic:
    simulation vs simulation)."""

    def confirm() -> Comparison:
        kappa, dim = 100.0, 10_000
        lam = spectra.uniform(1.0, kappa, dim)
        best = tuning("optimal", 1.0, kappa)
        steps = claim_steps(rate(best, 1.0, kappa), 20)
        at_best, _ = simulated_fit(method, best, lam, steps)
        ratios = []
        for fa in (0.9, 1.0, 1.1):
            for fb in (0.9, 1.0, 1.1):
                if (fa, fb) != (1.0, 1.0):
                    p = {"alpha": best["alpha"] * fa, "beta": best["beta"] * fb}
                    ratios.append(simulated_fit(method, p, lam, steps)[0] / at_best)
        return Comparison(min(ratios), 1.0, 0.0, Guarantee.LOWER, r"$\min$ over neighbouring tunings of simulated $\rho$ / $\rho$ at the tuning",
                          f"kappa = 100, d = {dim}; neighbours alpha(0.9|1|1.1), beta(0.9|1|1.1); "
                          f"tuned rate simulated {at_best:.6g}")

    return confirm


def region_rate(method: str, alpha_max: Callable[[], sp.Expr], rate: Callable[[dict, float, float], float],
                side: float, bound_text: str, tolerance: float) -> Callable[[], Comparison]:
    """Rate (side < 1) or growth factor (side > 1) at ``side`` times the largest stable step, beta = 0.5,
    [mu, L] = [1, 100], d = 1e4 uniform, compared on the gap."""

    def confirm() -> Comparison:
        beta, mu, L = 0.5, 1.0, 100.0
        alpha = side * to_float(alpha_max(), {"beta": beta, "L": L})
        p = {"alpha": alpha, "beta": beta}
        c = rate_comparison(method, p, spectra.uniform(mu, L, 10_000), rate(p, mu, L),
                            "fitted rate" if side < 1 else "growth factor", tolerance, REGION_E_FOLDINGS)
        return Comparison(c.computed, c.expected, c.tolerance, c.guarantee, c.quantity,
                          c.detail + f"; alpha = {side:g} x {bound_text} = {alpha:.6g}")

    return confirm


#: e-foldings of the region-inside runs (rate ~0.94-0.97 at the edge of the region)
REGION_E_FOLDINGS = 40

__all__ += ["region_rate", "REGION_E_FOLDINGS"]
