r"""Claims for topic 'heavy-ball': Polyak's momentum :math:`x^+ = x - \alpha\nabla f(x) + \beta(x - x_-)`.

Each claim joins a derivation in :mod:`theory.heavy_ball` with a simulation of the independent
array update rule ``numerics.rule("heavy-ball", ..., "polyak")``.  The claim builders
(:func:`one_step_claim`, :func:`tuned_rate_claim`, :func:`rate_claim`) are shared with the
Nesterov claims.
"""
from __future__ import annotations

import math
from functools import cache
from typing import Callable, Mapping

import numpy as np
import sympy as sp

import numerics
from numerics import spectra
from numerics.problems import DiagonalQuadratic, isotropic_initial_error
from theory import heavy_ball as hb
from theory.evaluate import to_float

from ..claim import Claim, Comparison, Guarantee, Reference
from ..rate import measure_rate
from ..specs.momentum import heavy_ball_rate, heavy_ball_tuning

TOPIC = "heavy-ball"
KAPPAS = (10, 100, 10_000)
RATE_DIM = 100_000  # spectrum size of the tuned-rate claims (the issue asks d >= 1e5)
E_FOLDINGS = 12  # steps of a rate claim: this many e-foldings of the theoretical rate (>= 100 steps)


# ----------------------------------------------------------------------------- shared builders
def claim_steps(rho: float, e_foldings: float = E_FOLDINGS) -> int:
    """Steps covering ``e_foldings`` e-foldings of a rate rho < 1 (at least 100)."""
    return max(100, math.ceil(e_foldings / (1.0 - rho)))


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
        x_num, s_num = rule.step(x, x_prev, lambda y: lam * y)
        M = [[np.broadcast_to(np.asarray(entries[i][j](alpha, beta, lam), dtype=float), lam.shape)
              for j in range(2)] for i in range(2)]  # entries broadcast over the eigenvalues
        x_th = M[0][0] * x + M[0][1] * x_prev
        s_th = M[1][0] * x + M[1][1] * x_prev
        scale = max(np.max(np.abs(x_th)), 1.0)
        worst = max(worst, float(np.max(np.abs(x_num - x_th)) / scale), float(np.max(np.abs(s_num - s_th))))
    return Comparison(worst, 0.0, 1e-13, Guarantee.TIGHT, "max relative difference of one step",
                      "20 random (alpha, beta), 1000 random (lambda, x_t, x_{t-1}) each")


def one_step_claim(claim_id: str, topic: str, method: str, form: str, derivation: Callable, statement: str) -> Claim:
    def confirm() -> Comparison:
        d = derivation()
        return one_step_comparison(method, form, d.results["matrix"], d.symbols)

    return Claim(claim_id, topic, statement, derivation, confirm)


@cache
def measured(method: str, tuning: str, kappa: float, dim: int, steps: int) -> dict:
    """``measure_rate`` on ``dim`` equally spaced eigenvalues in [1, kappa] (cached: claims share runs)."""
    return measure_rate(method, mu=1.0, L=float(kappa), tuning=tuning, dim=dim, steps=steps)


def tuned_rate_claim(claim_id: str, topic: str, method: str, tuning: str, kappa: float, rate: Callable,
                     tuned: Callable, derivation: Callable, statement: str) -> Claim:
    """Simulated rate at a named tuning (d = 1e5) vs the derived closed form, 1 % (tight)."""

    def confirm() -> Comparison:
        rho = rate(tuned(tuning, 1.0, kappa), 1.0, kappa)
        r = measured(method, tuning, kappa, RATE_DIM, claim_steps(rho))
        return Comparison(r["rate_simulated"], r["rate_theory"], 0.01, Guarantee.TIGHT, "rate",
                          f"d = {r['dim']}, {r['steps']} steps, fit window {r['fit_window']}")

    return Claim(claim_id, topic, statement, derivation, confirm, result=None)


def simulated_fit(method: str, params: Mapping[str, float], eigenvalues: np.ndarray, steps: int, seed: int = 0):
    """(fitted rate, trajectory) of ``method`` with ``params`` on the diagonal quadratic ``eigenvalues``."""
    rule = numerics.rule(method, params)
    traj = numerics.simulate(rule, DiagonalQuadratic(eigenvalues), isotropic_initial_error(eigenvalues.size, seed), steps)
    return traj.rate().rate, traj


def rate_comparison(method: str, params: Mapping[str, float], eigenvalues: np.ndarray, expected: float,
                    quantity: str = "rate", tolerance: float = 0.01, e_foldings: float = 20) -> Comparison:
    """Fitted simulated rate (or growth factor) vs ``expected``, tight."""
    if expected < 1:
        steps = claim_steps(expected, e_foldings)
    else:
        steps = int(math.ceil(60 * math.log(10) / math.log(expected))) + 10
    fit, traj = simulated_fit(method, params, eigenvalues, steps)
    what = "diverged" if traj.diverged else ("growing" if fit > 1 else "converging")
    return Comparison(fit, expected, tolerance, Guarantee.TIGHT, quantity,
                      f"d = {eigenvalues.size}, {traj.steps_run} steps, {what}")


# ----------------------------------------------------------------------------- heavy-ball claims
def _polyak_reference(mu: float, L: float) -> dict[str, float]:
    """Polyak (1964) as published: alpha = 4/(sqrt L + sqrt l)^2, beta = ((sqrt L - sqrt l)/(sqrt L + sqrt l))^2."""
    sl, sm = math.sqrt(L), math.sqrt(mu)
    return {"alpha": 4 / (sl + sm) ** 2, "beta": ((sl - sm) / (sl + sm)) ** 2, "rate": (sl - sm) / (sl + sm)}


def _polyak_reference_check() -> Comparison:
    res = hb.optimal_tuning_derivation().results
    worst = 0.0
    for k in KAPPAS:
        ref = _polyak_reference(1.0, float(k))
        for name in ("alpha", "beta", "rate"):
            sym = to_float(res[name], {"mu": 1, "L": k})
            worst = max(worst, abs(sym - ref[name]) / ref[name])
    return Comparison(worst, 0.0, 1e-14, Guarantee.TIGHT, "max relative difference from Polyak's formulas",
                      "alpha*, beta*, rho* at kappa = 10, 100, 1e4")


def _polyak_local_optimality() -> Comparison:
    r"""Simulated rate at Polyak's tuning vs 8 neighbours (alpha, beta scaled by 0.9/1/1.1): min ratio >= 1."""
    kappa, dim = 100.0, 10_000
    lam = spectra.uniform(1.0, kappa, dim)
    best = heavy_ball_tuning("optimal", 1.0, kappa)
    rho = heavy_ball_rate(best, 1.0, kappa)
    steps = claim_steps(rho, 20)
    at_best, _ = simulated_fit("heavy-ball", best, lam, steps)
    ratios = []
    for fa in (0.9, 1.0, 1.1):
        for fb in (0.9, 1.0, 1.1):
            if (fa, fb) == (1.0, 1.0):
                continue
            p = {"alpha": best["alpha"] * fa, "beta": best["beta"] * fb}
            ratios.append(simulated_fit("heavy-ball", p, lam, steps)[0] / at_best)
    return Comparison(min(ratios), 1.0, 0.0, Guarantee.LOWER, "min simulated rate of neighbours / at tuning",
                      f"kappa = 100, d = {dim}; neighbours alpha*(0.9|1|1.1), beta*(0.9|1|1.1)")


def _complex_modulus() -> Comparison:
    beta, alpha = 0.49, 1.0  # sqrt(beta) = 0.7: band (0.09, 2.89) in alpha*lambda
    lo = to_float(hb.regimes_derivation().results["band_low"], {"beta": beta})
    hi = to_float(hb.regimes_derivation().results["band_high"], {"beta": beta})
    lam = spectra.uniform(lo + 0.05 * (hi - lo), hi - 0.05 * (hi - lo), 100_000) / alpha
    expected = to_float(hb.regimes_derivation().results["complex_modulus"], {"beta": beta})
    return rate_comparison("heavy-ball", {"alpha": alpha, "beta": beta}, lam, expected, "rate (|root|)")


def _region(side: float) -> Callable[[], Comparison]:
    def confirm() -> Comparison:
        beta, mu, L = 0.5, 1.0, 100.0
        alpha = side * to_float(hb.region_derivation().results["alpha_max"], {"beta": beta, "L": L})
        p = {"alpha": alpha, "beta": beta}
        expected = heavy_ball_rate(p, mu, L)
        c = rate_comparison("heavy-ball", p, spectra.uniform(mu, L, 10_000), expected,
                            "rate" if side < 1 else "growth factor")
        return Comparison(c.computed, c.expected, c.tolerance, c.guarantee, c.quantity,
                          c.detail + f"; alpha = {side:g} x 2(1+beta)/L = {alpha:.6g} (2/L = {2 / L:g})")
    return confirm


def _critical_damping() -> Comparison:
    h = 0.09  # alpha*lambda; beta = (1 - sqrt h)^2 = 0.49, double root 0.7
    res = hb.critical_damping_derivation().results
    beta = to_float(res["beta_critical"], {"h": h})
    lam = np.full(1000, 1.0)
    return rate_comparison("heavy-ball", {"alpha": h, "beta": beta}, lam, to_float(res["rate_critical"], {"h": h}),
                           "rate (double root)")


def _efolding_time() -> Comparison:
    kappa = 10_000.0
    p = heavy_ball_tuning("optimal", 1.0, kappa)
    rho = heavy_ball_rate(p, 1.0, kappa)
    fit, traj = simulated_fit("heavy-ball", p, spectra.uniform(1.0, kappa, 10_000), claim_steps(rho, 40))
    expected = to_float(hb.iteration_count_derivation().results["efold_hb_asymptotic"], {"k": math.sqrt(kappa)})
    return Comparison(-1.0 / math.log(fit), expected, 0.01, Guarantee.TIGHT, "iterations per e-folding",
                      f"kappa = 1e4, d = 10000, {traj.steps_run} steps; sqrt(kappa)/2 = {expected:g}, "
                      f"gradient descent needs kappa/2 = {kappa / 2:g}")


def _ratio_to_gd() -> Comparison:
    r"""Simulated ln(rho_HB)/ln(rho_GD) vs the derived ratio, kappa = 100.

    Spectrum: 10^4 eigenvalues, half equally spaced on [1, 10.9], half on [90.1, 100] (both methods'
    rates are set by the ends; leaving out the middle keeps GD's near-zero modes, which underflow
    into slow subnormal arithmetic, out of the run).  Tolerance 2 %: a rate fitted to ~0.2 % is a
    ~1 % error in ln(rho*) = -0.2, and the ratio has two of them.
    """
    kappa, half = 100.0, 5_000
    lam = np.concatenate([spectra.uniform(1.0, 10.9, half), spectra.uniform(90.1, kappa, half)])
    p = heavy_ball_tuning("optimal", 1.0, kappa)
    rho_hb = heavy_ball_rate(p, 1.0, kappa)
    rho_gd = to_float(hb.iteration_count_derivation().step("gradient descent rate").statement.rhs, {"kappa": kappa})
    fit_hb, _ = simulated_fit("heavy-ball", p, lam, claim_steps(rho_hb, 30))
    fit_gd, traj = simulated_fit("gd", {"eta": 2.0 / (1.0 + kappa)}, lam, claim_steps(rho_gd, 30))
    return Comparison(math.log(fit_hb) / math.log(fit_gd), math.log(rho_hb) / math.log(rho_gd), 0.02,
                      Guarantee.TIGHT, "iterations GD / heavy ball",
                      f"kappa = 100, d = {lam.size} on [1, 10.9] and [90.1, 100], GD {traj.steps_run} steps; "
                      "asymptotically sqrt(kappa) = 10")


def _refutation() -> Comparison:
    kappa = 100.0
    p = heavy_ball_tuning("optimal", 1.0, kappa)
    rho = heavy_ball_rate(p, 1.0, kappa)
    r = measured("heavy-ball", "optimal", kappa, RATE_DIM, claim_steps(rho, 20))
    computed = -math.sqrt(kappa) * math.log(r["rate_simulated"])
    return Comparison(computed, 2.0, 0.01, Guarantee.TIGHT, "-sqrt(kappa) ln(rate)",
                      f"kappa = 100, d = {r['dim']}: e^(-c T/sqrt(kappa)) with c = 2; "
                      f"e^(-sqrt(kappa) T) would need c = kappa = {kappa:g}")


CLAIMS: list[Claim] = [
    one_step_claim("hb-iteration-matrix", TOPIC, "heavy-ball", "polyak", hb.matrix_derivation,
                   r"One step of heavy ball in error coordinates is $(e_{t+1}, e_t) = M (e_t, e_{t-1})$ with "
                   r"$M = \begin{pmatrix}1+\beta-\alpha\lambda & -\beta\\ 1 & 0\end{pmatrix}$ on each eigenvalue "
                   r"(SymPy matrix vs the array update rule on random inputs)."),
    Claim("hb-complex-modulus", TOPIC,
          r"For $(1-\sqrt\beta)^2 < \alpha\lambda < (1+\sqrt\beta)^2$ the roots are complex with "
          r"$|z| = \sqrt\beta$: a spectrum inside the band decays at rate $\sqrt\beta$ ($\beta = 0.49$, $\alpha = 1$).",
          hb.regimes_derivation, _complex_modulus),
    Claim("hb-region-inside", TOPIC,
          r"Heavy ball converges for $0 < \alpha < 2(1+\beta)/L$, beyond $2/L$: at $\alpha = 0.98\cdot 2(1+\beta)/L$ "
          r"($\beta = 0.5$, $[\mu, L] = [1, 100]$) the simulated rate matches $\rho(\alpha,\beta) < 1$.",
          hb.region_derivation, _region(0.98)),
    Claim("hb-region-outside", TOPIC,
          r"Just outside the region, $\alpha = 1.02\cdot 2(1+\beta)/L$, heavy ball diverges with growth factor "
          r"$\rho(\alpha,\beta) > 1$ (same spectrum).", hb.region_derivation, _region(1.02)),
    Claim("hb-critical-damping", TOPIC,
          r"Critical damping $\beta = (1-\sqrt{\alpha\lambda})^2$ gives a double root $1-\sqrt{\alpha\lambda}$ "
          r"($\alpha\lambda = 0.09$: rate $0.7$, error $\sim t\,0.7^t$).",
          hb.critical_damping_derivation, _critical_damping),
    Claim("hb-polyak-tuning", TOPIC,
          r"Polyak's tuning $\alpha^* = 4/(\sqrt L+\sqrt\mu)^2$, $\beta^* = ((\sqrt\kappa-1)/(\sqrt\kappa+1))^2$ "
          r"(derived from critical damping at $\mu$ and $L$) is locally rate-optimal: scaling $\alpha^*$ or "
          r"$\beta^*$ by $0.9$ or $1.1$ makes the simulated rate worse ($\kappa = 100$).",
          hb.optimal_tuning_derivation, _polyak_local_optimality,
          reference=Reference("B. T. Polyak, USSR Comput. Math. Math. Phys. 4(5), 1964", 4 / 121,
                              "alpha* = 4/(sqrt L + sqrt l)^2 (value at mu = 1, L = 100), "
                              "beta* = ((sqrt L - sqrt l)/(sqrt L + sqrt l))^2"),
          reference_check=_polyak_reference_check),
    *[tuned_rate_claim(f"hb-rate-kappa-{k}", TOPIC, "heavy-ball", "optimal", k, heavy_ball_rate, heavy_ball_tuning,
                       hb.optimal_tuning_derivation,
                       rf"At Polyak's tuning and $\kappa = {k}$ heavy ball converges at "
                       r"$\rho^* = (\sqrt\kappa-1)/(\sqrt\kappa+1)$ (double roots at $\mu$ and $L$: "
                       r"$\|e_t\| \sim t\,\rho^{*t}$; $d = 10^5$).")
      for k in KAPPAS],
    Claim("hb-iterations-sqrt-kappa", TOPIC,
          r"Heavy ball needs $(\sqrt\kappa/2)\ln(1/\varepsilon)$ iterations for large $\kappa$ "
          r"(simulated iterations per e-folding at $\kappa = 10^4$ vs $\sqrt\kappa/2$; gradient descent: $\kappa/2$).",
          hb.iteration_count_derivation, _efolding_time),
    Claim("hb-iterations-vs-gd", TOPIC,
          r"Gradient descent ($\eta = 2/(\mu+L)$) needs $\ln\rho_{GD}/\ln\rho^* \approx \sqrt\kappa$ times "
          r"more iterations than heavy ball (both simulated, $\kappa = 100$).",
          hb.iteration_count_derivation, _ratio_to_gd),
    Claim("hb-not-exp-sqrt-kappa-t", TOPIC,
          r"Heavy ball's error decays like $e^{-2T/\sqrt\kappa}$, not like $e^{-\sqrt\kappa T}$: the simulated "
          r"$-\sqrt\kappa\ln\rho$ is $2$, not $\kappa$ ($\kappa = 100$).",
          hb.iteration_count_derivation, _refutation,
          refutes=r"momentum's error decays like $e^{-\sqrt\kappa T}$"),
]
