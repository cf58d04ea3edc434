r"""Claims of topic 'averaging': iterate averaging on a noise-free quadratic, derived (theory/averaging.py) and run.

Every simulation runs the averaged-output method value (numerics/averaging.py: its iterate *is* the average) on
a diagonal quadratic with the NumPy reference path; the derived numbers are the closed forms of
theory/averaging.py evaluated in 50-digit mpmath.  Modes :math:`r = 1 - \eta\lambda` of gradient descent with
:math:`\eta = 1`.
"""
from __future__ import annotations

from functools import cache

import mpmath
import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics.averaging import averaged_output, parse_average
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.theory import averaging as th

from ..claim import Claim, Comparison, Guarantee, Reference

__all__ = ["CLAIMS", "LAM", "STEPS", "polyak_run", "ema_runs", "curves"]

TOPIC = "averaging"
#: eigenvalues (eta = 1): r = 1 - lambda = 0.99, 0.9, 0.5, 0.1, -0.5
LAM = np.array([0.01, 0.1, 0.5, 0.9, 1.5])
STEPS = 200
ALPHA = 0.8  # away from every mode's r (the closed forms divide by r - alpha)


def _run_modes(spec: str, steps: int = STEPS) -> np.ndarray:
    r"""Per mode (rows t = 0..steps): the averaged error of gradient descent, eta = 1, e0 = 1 per mode (NumPy path)."""
    m = averaged_output(numerics.form("gd"), parse_average(spec))
    out = np.empty((steps + 1, LAM.size))
    for i, lam in enumerate(LAM):
        tr = simulate_diagonal(numerics.rule_of(m, {"eta": 1.0}), np.array([lam]), np.array([1.0]), steps,
                               backend="numpy")
        out[:, i] = tr.error_norm
    return out


def _derived(expr: sp.Expr, tvar: sp.Symbol, steps: int, extra: dict | None = None) -> np.ndarray:
    """|expr| at r = 1 - lambda for t = 1..steps in 50 digits (rows t - 1)."""
    f = sp.lambdify([th.r, tvar, th.a], expr, "mpmath")
    out = np.empty((steps, LAM.size))
    with mpmath.workdps(50):
        for i, lam in enumerate(LAM):
            rv = 1 - mpmath.mpf(float(lam))
            for t in range(1, steps + 1):
                out[t - 1, i] = float(abs(f(rv, t, mpmath.mpf(ALPHA))))
    return out


@cache
def polyak_run() -> dict:
    out = {}
    for spec, expr in (("polyak", th.polyak_factor()), ("polyak:include_x0=1", th.polyak_factor(True))):
        sim = _run_modes(spec)[1:]
        der = _derived(expr, th.T, STEPS)
        out[spec] = float(np.max(np.abs(sim - der) / der))
    last = np.abs(1 - LAM)[None, :] ** np.arange(1, STEPS + 1)[:, None]
    sim = _run_modes("polyak")[1:]
    pos = (1 - LAM) > 0
    out["min_ratio_to_last"] = float(np.min((sim / last)[:, pos]))
    out["min_ratio_oscillating"] = float(np.min((sim / last)[:, ~pos]))
    Tbig = 10_000
    r9 = 0.9
    out["T_times_avg"] = Tbig * r9 * (1 - r9**Tbig) / (Tbig * (1 - r9))
    big = _run_modes("polyak", Tbig)[-1, 1]  # the mode r = 0.9
    out["T_times_avg_simulated"] = float(Tbig * big)
    return out


def _polyak_claim() -> Claim:
    def confirm() -> Comparison:
        e = polyak_run()
        worst = max(e["polyak"], e["polyak:include_x0=1"])
        return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                          r"largest relative difference: averaged error of a run vs $r(1-r^T)/(T(1-r))$ "
                          r"(and $(1-r^{T+1})/((T+1)(1-r))$ with $x_0$)",
                          f"gradient descent, eta = 1, modes r = {', '.join(f'{1 - x:g}' for x in LAM)}, T = 1..{STEPS}")

    return Claim("averaging.polyak-gd-exact", TOPIC,
                 r"On a noise-free quadratic the Polyak--Ruppert mean of gradient descent's iterates $x_1, \dots, x_T$ "
                 r"has, on a mode with $r = 1 - \eta\lambda$, the error factor $r(1-r^T)/(T(1-r))$ "
                 r"($(1-r^{T+1})/((T+1)(1-r))$ when $x_0$ is included); a run agrees to $10^{-12}$.",
                 th.polyak_gd_derivation, confirm)


def _sublinear_claim() -> Claim:
    def confirm() -> Comparison:
        e = polyak_run()
        return Comparison(e["T_times_avg_simulated"], e["T_times_avg"], 1e-9, Guarantee.TIGHT,
                          r"$T\,\bar e_T/e_0$ of a run at $T = 10^4$, $r = 0.9$ vs $r(1-r^T)/(1-r) \to r/(1-r) = 9$",
                          f"the last iterate is at 0.9^10000 = 1e-458 by then; smallest averaged/last ratio over "
                          f"t <= {STEPS}: {e['min_ratio_to_last']:.4g} on the modes 0 < r < 1, "
                          f"{e['min_ratio_oscillating']:.4g} on the oscillating mode r = -0.5 (there the mean cancels "
                          f"the sign flips)")

    def reference() -> Comparison:
        e = polyak_run()
        return Comparison(e["min_ratio_to_last"], 1.0, 1e-12, Guarantee.LOWER,
                          r"smallest $|\bar e_t|/|e_t|$ (average vs last iterate) over $t \le 200$, modes $0 < r < 1$", "")

    return Claim("averaging.polyak-sublinear", TOPIC,
                 r"Without noise, averaging slows gradient descent down: the mean of the iterates decays like "
                 r"$r/((1-r)T)$, sublinearly, and on every mode with $0 < r = 1 - \eta\lambda < 1$ it is never closer to "
                 r"$x^*$ than the last iterate, which decays like $r^T$ (the benefit of averaging is the variance of stochastic gradients, absent here).",
                 th.polyak_gd_derivation, confirm,
                 reference=Reference("Polyak & Juditsky (1992)"), reference_check=reference)


@cache
def ema_runs() -> dict:
    out = {}
    for start in ("x0", "first", "zero"):
        spec = f"ema:alpha={ALPHA}" + ("" if start == "first" else f",start={start}")
        sim = _run_modes(spec)[1:]
        der = _derived(th.ema_factor(start), th.t, STEPS)
        out[start] = float(np.max(np.abs(sim - der) / np.maximum(der, 1e-300)))
    # bias and debias on a constant input: the filter over x_t = c (a method that does not move)
    from ratecheck.numerics.averaging import average_iterates

    xs = np.full((51, 1), 3.0)
    biased = average_iterates(xs, parse_average(f"ema:alpha={ALPHA},start=zero"))[1:, 0]
    t = np.arange(1, 51)
    out["bias"] = float(np.max(np.abs(biased / (3.0 * (1 - ALPHA ** t)) - 1)))
    out["debiased"] = float(np.max(np.abs(average_iterates(xs, parse_average(f"ema:alpha={ALPHA},start=zero,debias=1"))
                                          [1:, 0] / 3.0 - 1)))
    # the lag on a ramp x_t = c t
    lags = {}
    for a in (0.9, 0.99):
        ramp = 0.5 * np.arange(0, 5001, dtype=np.float64)[:, None]
        avg = average_iterates(ramp, parse_average(f"ema:alpha={a}"))[:, 0]
        lags[a] = float((ramp[-1, 0] - avg[-1]) / 0.5)
    out["lags"] = lags
    return out


def _ema_claim() -> Claim:
    def confirm() -> Comparison:
        e = ema_runs()
        worst = max(e["x0"], e["first"], e["zero"])
        return Comparison(worst, 0.0, 1e-10, Guarantee.TIGHT,
                          r"largest relative difference: EMA of a run vs the three closed forms (starts $x_0$, $x_1$, $0$)",
                          f"alpha = {ALPHA}, gradient descent eta = 1, five modes, t = 1..{STEPS}; by start: "
                          + ", ".join(f"{k} {e[k]:.1e}" for k in ("x0", "first", "zero")))

    def reference() -> Comparison:
        e = ema_runs()
        return Comparison(max(e["bias"], e["debiased"]), 0.0, 1e-13, Guarantee.TIGHT,
                          r"constant input $c$: largest $|m_t/((1-\alpha^t)c) - 1|$ (zero start) and "
                          r"$|\hat m_t/c - 1|$ (debiased)", "")

    return Claim("averaging.ema-starts", TOPIC,
                 r"The EMA $\bar x_t = \alpha\bar x_{t-1} + (1-\alpha)x_t$ of gradient descent's iterates depends on "
                 r"where it starts: from $x_0$ (note 000's class), from $x_1$ (torch's \texttt{AveragedModel}) or from "
                 r"$0$ (\texttt{optax.ema}, biased by $1 - \alpha^t$ unless debiased); each closed form matches a run.",
                 th.ema_derivation, confirm,
                 reference=Reference("optax ema; torch AveragedModel"),
                 reference_check=reference)


def _lag_claim() -> Claim:
    def confirm() -> Comparison:
        e = ema_runs()["lags"]
        worst = max(abs(e[a] / (a / (1 - a)) - 1) for a in e)
        return Comparison(worst, 0.0, 1e-9, Guarantee.TIGHT,
                          r"largest $|\mathrm{lag}/(\alpha/(1-\alpha)) - 1|$ on a ramp $x_t = ct$ after $5000$ steps",
                          "alpha = 0.9: lag " + f"{e[0.9]:.10g}" + " steps; alpha = 0.99: " + f"{e[0.99]:.10g}")

    return Claim("averaging.ema-lag", TOPIC,
                 r"On a ramp $x_t = ct$ the EMA trails the iterate by $\alpha/(1-\alpha)$ steps' worth of progress "
                 r"once its start is forgotten ($9$ at $\alpha = 0.9$, $99$ at $0.99$, $999$ at the note's $0.999$).",
                 th.ema_derivation, confirm)


@cache
def curves(steps: int = 300) -> dict:
    r"""Gradient descent (eta = 1) on eigenvalues in [0.01, 1]: last iterate, Polyak mean, EMAs (for the figure)."""
    lam = np.linspace(0.01, 1.0, 100)
    e0 = np.ones(lam.size)
    out = {"t": np.arange(steps + 1)}
    rule = numerics.rule("gd", {"eta": 1.0})
    out["last"] = simulate_diagonal(rule, lam, e0, steps, backend="numpy").error_ratio
    for spec in ("polyak", "ema:alpha=0.9", "ema:alpha=0.99"):
        m = averaged_output(numerics.form("gd"), parse_average(spec))
        out[spec] = simulate_diagonal(numerics.rule_of(m, {"eta": 1.0}), lam, e0, steps, backend="numpy").error_ratio
    return out


CLAIMS = [_polyak_claim(), _sublinear_claim(), _ema_claim(), _lag_claim()]

from ratecheck.proofs.claims.averaging_noise import CLAIMS as _UNDER_NOISE  # noqa: E402  (the filters under noise)

CLAIMS += _UNDER_NOISE
