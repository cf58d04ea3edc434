r"""Claim of topic 'sweep' under gradient noise: how the noise floor of each tuned method grows with κ.

The noisy sweep (:func:`proofs.sweep_noise.run_noisy_sweep`) of :data:`FLOORS` — gd, heavy ball and Nesterov at
their optimal tunings on :math:`\mathrm{diag}(1/\kappa, 1)`, seven log-spaced :math:`\kappa \in [10, 10^4]`, additive
noise :data:`SIGMA` — gives three independent numbers per point: the floor of the float64 Lyapunov solve of the
traced method value, the Monte Carlo mean of 1000 copies run from :math:`x^*` (where it costs at most
:data:`proofs.sweep_noise.MC_BUDGET` element-steps) with its standard error, and the closed form SymPy derives from
the SGD and AR(2) stationary variances at the published tunings (:func:`theory.sweep_noise.floor_growth_derivation`).
The confirmation is the simulation against the closed form (within :data:`~proofs.noisy_quadratic.Z_TOLERANCE`
standard errors at every simulated point), the reference check the Lyapunov solve against it (relative 1e-9).
"""
from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from ratecheck.numerics import noise as noise_models
from ratecheck.theory import sweep_noise as th

from ..claim import Claim, Comparison, Guarantee, Reference
from ..noisy_quadratic import Z_TOLERANCE
from ..sweep import SweepConfig

__all__ = ["CLAIMS", "FLOORS", "SIGMA", "floor_sweep", "closed_forms", "simulated_against", "lyapunov_against"]

TOPIC = "sweep"
FLOORS = SweepConfig(kappa_min=10.0, kappa_max=1e4, points=7, init="extreme")
SIGMA = 0.01
#: relative agreement of the float64 Lyapunov solve with the closed forms
LYAPUNOV_RTOL = 1e-9


@cache
def floor_sweep() -> dict:
    """The noisy sweep of :data:`FLOORS` under additive noise :data:`SIGMA` (floors, Monte Carlo checks)."""
    from ..sweep_noise import run_noisy_sweep

    return run_noisy_sweep(FLOORS, noise_models.additive(SIGMA))


@cache
def closed_forms() -> dict:
    r"""method -> the closed-form floor :math:`F(\kappa)` at :math:`\sigma` = :data:`SIGMA`, as a float function."""
    d = th.floor_growth_derivation()
    return {m: sp.lambdify(th.KAPPA, e.subs(th.SIGMA2, sp.Float(SIGMA) ** 2), "mpmath") for m, e in d.results.items()}


def simulated_against(result: dict, forms: dict) -> Comparison:
    r"""Largest :math:`|\bar F - F(\kappa)|/\mathrm{se}` over the simulated points of ``result`` (Monte Carlo floor
    against the closed form ``forms[method]``)."""
    z, worst, n, rel = 0.0, None, 0, []
    for p in result["points"]:
        if p["stationary_loss_simulated"] is None:
            continue
        n += 1
        rel.append(p["stationary_loss_stderr"] / p["stationary_loss_theory"])
        zz = abs(p["stationary_loss_simulated"] - float(forms[p["method"]](p["kappa"]))) / p["stationary_loss_stderr"]
        if zz > z:
            z, worst = zz, p
    where = "none simulated" if worst is None else f"worst {worst['method']} at kappa = {worst['kappa']:.4g}"
    return Comparison(z, 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                      r"largest $|\bar F - F(\kappa)|/\mathrm{se}$: Monte Carlo floor against the closed form, over "
                      rf"the {n} simulated points",
                      f"{where}; 1000 copies from x* per point, T steps with rho^(2T) <= 1e-12; one standard error "
                      f"is {min(rel, default=0):.1%}..{max(rel, default=0):.1%} of the floor")


def lyapunov_against(result: dict, forms: dict) -> Comparison:
    r"""Largest relative difference of the sweep's Lyapunov floors from the closed forms, over all points."""
    worst = max(abs(p["stationary_loss_theory"] / float(forms[p["method"]](p["kappa"])) - 1) for p in result["points"])
    slopes = []
    for m in FLOORS.methods:
        pts = [p for p in result["points"] if p["method"] == m][-2:]
        slope = np.log(pts[1]["stationary_loss_theory"] / pts[0]["stationary_loss_theory"]) / np.log(
            pts[1]["kappa"] / pts[0]["kappa"])
        slopes.append(f"{m} {slope:.4f} (limit {float(th.EXPONENTS[m]):g})")
    return Comparison(worst, 0.0, LYAPUNOV_RTOL, Guarantee.TIGHT,
                      r"largest relative difference of the Lyapunov floor from the closed form over the "
                      rf"{len(result['points'])} points",
                      "local slope d log F / d log kappa over the last two kappa: " + ", ".join(slopes))


def _claim() -> Claim:
    return Claim(
        f"{TOPIC}.noise-floor-growth", TOPIC,
        r"Under additive noise $\sigma = 0.01$, at each method's optimal tuning on $\mathrm{diag}(1/\kappa, 1)$, the "
        r"noise floor $\frac12\sum_i\lambda_i P_i$ is $\sigma^2(\kappa + 1)/2$ for gradient descent, "
        r"$\sigma^2(\kappa + 1)^2/(4\sqrt\kappa)$ for heavy ball and a rational function of $\sqrt{3\kappa + 1}$ for "
        r"Nesterov: it grows like $\kappa$, $\kappa^{3/2}$ and $\kappa^{1/2}$.  At seven $\kappa \in [10, 10^4]$ "
        r"the Monte Carlo floors agree with these closed forms within $5$ standard errors wherever simulated, and "
        r"the sweep's Lyapunov solve agrees to $10^{-9}$.",
        th.floor_growth_derivation, lambda: simulated_against(floor_sweep(), closed_forms()),
        reference=Reference("SGD's and the AR(2) stationary variance (Box, Jenkins & Reinsel, Sec. 3.2.4) at "
                            "Polyak's and Lessard's tunings", None, "closed forms in kappa"),
        reference_check=lambda: lyapunov_against(floor_sweep(), closed_forms()), result="gd")


CLAIMS = [_claim()]
