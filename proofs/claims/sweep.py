r"""Claims for topic 'sweep': iteration counts against κ, closed form against simulation.

The report's sweeps (:data:`REPORT_EXTREME`, :data:`REPORT_RANDOM`) are small versions of the
default ``ratecheck sweep`` so that the whole topic runs in a few seconds: κ from 10 to 10⁴
(7 log-spaced points, extreme initial error: only its 2-element support is simulated) and, for
the typical case, κ from 10 to 10³ (5 points) with an isotropic e₀ over 10⁴ uniformly spaced
eigenvalues.  Tolerance 1e-8, optimal tunings, fused backend ``auto``.
"""
from __future__ import annotations

import math
from functools import cache

import numpy as np

from ratecheck import numerics
from ratecheck.theory import iterations

from ..claim import Claim, Comparison, Guarantee
from ..sweep import SweepConfig, SweepResult, mode_coefficients, run_sweep

REPORT_EXTREME = SweepConfig(kappa_min=10.0, kappa_max=1e4, points=7, init="extreme")
REPORT_RANDOM = SweepConfig(kappa_min=10.0, kappa_max=1e3, points=5, init="random", dim=10_000, spectrum="uniform")
EXPONENT_TOLERANCE = 0.05  # absolute, on the fitted exponent

_NAMES = {"gd": "gradient descent", "heavy-ball": "heavy ball", "nesterov": "Nesterov's method"}


@cache
def report_sweep(init: str = "extreme") -> SweepResult:
    """The sweep the report shows (cached per process, shared by claims, figure and tables)."""
    return run_sweep(REPORT_EXTREME if init == "extreme" else REPORT_RANDOM)


def _exponent_claim(method: str) -> Claim:
    expected = iterations.EXPECTED_EXPONENT[method]

    def confirm() -> Comparison:
        fit = next(f for f in report_sweep("extreme").fits if f["method"] == method)
        e = float(expected)
        computed = fit["exponent"] if fit["exponent"] is not None else float("nan")
        return Comparison(computed, e, EXPONENT_TOLERANCE / e, Guarantee.TIGHT,
                          rf"fitted exponent $p$ of $T \sim C\kappa^p$ (tolerance: {EXPONENT_TOLERANCE} absolute, "
                          r"shown relative to $p$)",
                          f"least squares on {fit['points']} simulated counts, kappa 10..1e4; standard error "
                          f"{fit['exponent_stderr']:.2g}; absolute tolerance {EXPONENT_TOLERANCE}")

    p = "1" if expected == 1 else r"\tfrac12"
    return Claim(
        id=f"sweep.exponent-{method}",
        topic="sweep",
        statement=(f"The iterations {_NAMES[method]} (optimal tuning) needs to reduce $\\|e_t\\|$ by $10^{{-8}}$ "
                   f"grow like $\\kappa^{{{p}}}$: the log-log fit of simulated counts over "
                   f"$\\kappa \\in [10, 10^4]$ has exponent within {EXPONENT_TOLERANCE} of ${p}$."),
        derivation=lambda: iterations.exponent_derivation(numerics.form(method)),
        confirm=confirm,
        result="exponent",
    )


def _confirm_closed_form() -> Comparison:
    """Largest |T_sim - T_closed| over all (method, kappa) points: the counts must agree exactly.

    Both sides find the first integer t with |e_t| <= 1e-8 |e_0|, the closed form by evaluating
    c1 z1^t + c2 z2^t (or (A + Bt) z^t) in high precision, the simulation by running the update
    rule; the measured difference is 0 at every point.
    """
    pts = report_sweep("extreme").points
    diff = [abs(p["iters_simulated"] - p["iters_theory"]) if p["iters_simulated"] is not None
            and p["iters_theory"] is not None else -1 for p in pts]
    worst = max(range(len(pts)), key=lambda i: diff[i] if diff[i] >= 0 else math.inf)
    w = pts[worst]
    computed = max(diff) if min(diff) >= 0 else "missing count"
    return Comparison(computed, 0, 0.0, Guarantee.EXACT,
                      r"$\max$ over (method, $\kappa$) of $|T_{\mathrm{sim}} - T_{\mathrm{closed}}|$ (steps)",
                      f"{len(pts)} points; largest: {w['method']} at kappa = {w['kappa']:.4g}, "
                      f"{w['iters_simulated']} simulated vs {w['iters_theory']} predicted")


def _confirm_random_bound() -> Comparison:
    pts = report_sweep("random").points
    ratio = [p["iters_simulated"] / p["iters_theory"] if p["converged"] and p["iters_theory"] else math.inf
             for p in pts]
    return Comparison(max(ratio), 1.0, 0.0, Guarantee.UPPER,
                      r"largest ratio $T_{\mathrm{sim}}/T_{\mathrm{closed}}$ (random $e_0$ vs extreme $e_0$) over methods and $\kappa$",
                      f"{len(pts)} points, isotropic e0 over {REPORT_RANDOM.dim} uniform eigenvalues; "
                      f"typical case is {1 / max(ratio):.2f}x to {1 / min(ratio):.2f}x faster")


def _confirm_mode_recurrence() -> Comparison:
    r"""One step of each numerics update rule on random (λ, x, x_prev) against the derived mode recurrence."""
    rng = np.random.default_rng(7)
    worst = 0.0
    for method in iterations.MODE_METHODS:
        f = numerics.form(method)
        for _ in range(5):
            lam = rng.uniform(0.01, 1.0, 3)
            params = {name: float(rng.uniform(0.05, 0.9)) for name in f.param_names}
            rule = numerics.rule(method, params, f.name)
            x, s = rng.standard_normal(3), rng.standard_normal(3)
            if f.state_names[1:] != ("x_prev",) and iterations.mode_recurrence(f).c != 0:
                # the recurrence is in (e_t, e_{t-1}): a two-step form must keep the previous iterate
                raise ValueError(f"{method}: default form {f.name!r} does not keep the previous iterate")
            x_next = rule.step((x, s)[:len(f.state)], lambda y: lam * y)[0]
            for i in range(3):
                b, c, g = (float(q) for q in mode_coefficients(method, params, lam[i]))
                expected = b * x[i] - c * s[i]
                worst = max(worst, abs(x_next[i] - expected) / max(abs(expected), 1e-300))
                first = rule.step(rule.init(x[i:i + 1]), lambda y: lam[i] * y)[0]
                worst = max(worst, abs(first[0] - g * x[i]) / abs(g * x[i]))
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT, "largest relative difference of one step (15 random cases)",
                      "numerics update rules vs b e_t - c e_{t-1} and e_1 = g e_0 from theory.iterations")


CLAIMS = [
    Claim(
        id="sweep.mode-recurrence",
        topic="sweep",
        statement=(r"On one eigenvalue $\lambda$ each method's error obeys $e_{t+1} = b\,e_t - c\,e_{t-1}$ with "
                   r"$e_1 = g\,e_0$ (coefficients read off the update rules by SymPy); one step of the independent "
                   r"numerics update rules agrees to $10^{-12}$."),
        derivation=lambda: iterations.mode_recurrence(numerics.form("heavy-ball")).derivation,
        confirm=_confirm_mode_recurrence,
        result="b",
    ),
    Claim(
        id="sweep.closed-form-counts",
        topic="sweep",
        statement=(r"With $e_0$ on the eigenvectors of $\mu$ and $L$, the first $t$ with "
                   r"$\|e_t\| \le 10^{-8}\|e_0\|$ computed from the closed form of the two modes "
                   r"($c_1 z_1^t + c_2 z_2^t$, or $(A + Bt)z^t$ at a double root) matches the simulated "
                   r"count exactly (to the step) at every $\kappa \in [10, 10^4]$ for all three methods."),
        derivation=iterations.closed_form_derivation,
        confirm=_confirm_closed_form,
        result="double",
    ),
    *[_exponent_claim(m) for m in iterations.MODE_METHODS],
    Claim(
        id="sweep.random-init-within-worst-case",
        topic="sweep",
        statement=(r"From an isotropic random $e_0$ over the whole spectrum (the typical case) no method needs "
                   r"more iterations than the closed-form worst case of the extreme initial error."),
        derivation=iterations.closed_form_derivation,
        confirm=_confirm_random_bound,
        result="distinct",
    ),
]

# under gradient noise: the floors of the tuned methods against kappa (proofs/claims/sweep_noise.py)
from ratecheck.proofs.claims.sweep_noise import CLAIMS as _NOISE  # noqa: E402

CLAIMS += _NOISE
