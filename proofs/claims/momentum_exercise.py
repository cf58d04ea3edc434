r"""Claims of topic 'momentum-exercise': note 003's exercise 3 (heavy ball, beta = 0, 0.5, 0.9, 0.99, fixed step).

Setting (theory/momentum_exercise.py): :math:`f = \tfrac12(x^2 + 100y^2)`, :math:`\eta = 1/L = 0.01`, the note's
velocity form, :math:`x_0 = (1, 1)`, tolerance :math:`10^{-6}` on :math:`\|e_t\|/\|e_0\|`.

* ``momentum-exercise.rates`` — the derived rate for each beta against the rate of a run (per eigen-direction,
  a least-squares line through the logarithms of the error's local maxima over steps 200..3000, so that the
  oscillation of complex roots does not bias it; the larger of the two); the engine's worst case agrees with the closed form.
* ``momentum-exercise.iterations`` — iterations to the tolerance: the run (float64 array code) against the
  derivation's recurrence in 30 digits, exactly.
* ``momentum-exercise.best-beta`` — the best beta at this step, by bounded Brent search (scipy) on the engine's worst-case
  rate, is the derived critical damping :math:`(1 - \sqrt{\eta\mu})^2 = 0.81`; of the four the best is 0.9.
* ``momentum-exercise.out-of-region`` — beyond :math:`(1 - \eta\mu)^2 = 0.9801` momentum is slower than gradient
  descent at the same step (Brent root of the engine's rate minus gradient descent's, scipy); 0.99 is beyond it.
"""
from __future__ import annotations

import math
from functools import cache

import numpy as np

from ratecheck import numerics
from ratecheck.numerics.problems import DiagonalQuadratic
from ratecheck.theory import momentum_exercise as me

from ..claim import Claim, Comparison, Guarantee, Reference
from ..methods import engine_model, engine_worst_case

__all__ = ["CLAIMS", "FORM", "derivation", "runs", "simulated_norms", "peak_rate", "ema_rates"]

TOPIC = "momentum-exercise"
FORM = ("heavy-ball", "velocity")
FIT = (200, 3000)  # the steps of the rate fit


def derivation():
    return me.exercise_derivation(engine_model(numerics.form(*FORM)).reduced)


def _params(beta: float) -> dict:
    return {"eta": me.SETTING["eta"], "beta": float(beta)}


def simulated_errors(beta: float, steps: int) -> np.ndarray:
    r"""The error :math:`e_t` (rows t = 0..steps, one column per eigen-direction) of the array code on the two-mode
    quadratic."""
    s = me.SETTING
    rule = numerics.rule_of(numerics.form(*FORM), _params(beta))
    prob = DiagonalQuadratic(np.array([s["mu"], s["L"]]))
    state = rule.init(np.array(s["x0"], float))
    out = [state[0].copy()]
    for t in range(1, steps + 1):
        state = rule.step(state, prob.grad, t)
        out.append(state[0].copy())
    return np.array(out)


def simulated_norms(beta: float, steps: int) -> np.ndarray:
    r""":math:`\|e_t\|/\|e_0\|`, t = 0..steps."""
    e = np.linalg.norm(simulated_errors(beta, steps), axis=1)
    return e / e[0]


def peak_rate(series: np.ndarray, start: int = FIT[0], end: int = FIT[1]) -> float | None:
    r"""Rate of one eigen-direction's error over steps [start, end]: the slope of :math:`\ln|e_t|` fitted (least
    squares) through its local maxima when it oscillates (complex roots: the peaks follow :math:`C\rho^t`), through
    all points when it does not; None when the mode has vanished (below 1e-280, faster than float64 can follow)."""
    y = np.abs(np.asarray(series, float)[start:end + 1])
    tt = np.arange(start, start + y.size)
    keep = y > 1e-280
    if keep.sum() < 20:
        return None
    y, tt = y[keep], tt[keep]
    peak = np.zeros(y.size, bool)
    peak[1:-1] = (y[1:-1] >= y[:-2]) & (y[1:-1] >= y[2:])
    if peak.sum() >= 20:
        y, tt = y[peak], tt[peak]
    return float(np.exp(np.polyfit(tt, np.log(y), 1)[0]))


def _iterations(norms: np.ndarray, tol: float) -> int | None:
    hit = np.nonzero(norms <= tol)[0]
    return int(hit[0]) if hit.size else None


@cache
def runs() -> dict:
    s = me.SETTING
    m = numerics.form(*FORM)
    out = {}
    for b in (*me.BETAS, float(me.best_beta())):
        errors = simulated_errors(b, 4000)
        norms = np.linalg.norm(errors, axis=1) / np.linalg.norm(errors[0])
        theory = float(me.rate(b))
        # per eigen-direction (one complex pair each: no beating between two frequencies), then the largest
        fitted = max(r for r in (peak_rate(errors[:, i]) for i in range(errors.shape[1])) if r is not None)
        out[b] = {"norms": norms, "rate_theory": theory, "rate_simulated": fitted,
                  "engine": float(engine_worst_case(m, _params(b), s["mu"], s["L"]).rate),
                  "iterations": _iterations(norms, s["tol"]), "iterations_theory": me.iterations_to(b),
                  "iterations_asymptotic": math.log(1 / s["tol"]) / -math.log(theory) if theory > 0 else 0.0}
    return out


def _rates() -> Comparison:
    r = runs()
    worst = max(abs((1 - r[b]["rate_simulated"]) / (1 - r[b]["rate_theory"]) - 1) for b in me.BETAS)
    return Comparison(worst, 0.0, 1e-3, Guarantee.TIGHT,
                      r"largest $|(1 - \rho_{\mathrm{run}})/(1 - \rho) - 1|$ over $\beta = 0, 0.5, 0.9, 0.99$",
                      "rates (derived / run): " + ", ".join(f"{b:g}: {r[b]['rate_theory']:.6f} / {r[b]['rate_simulated']:.6f}"
                                                           for b in me.BETAS))


def _rates_engine() -> Comparison:
    r = runs()
    worst = max(abs(r[b]["engine"] / r[b]["rate_theory"] - 1) for b in me.BETAS)
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                      r"largest relative difference, the engine's $\max_\lambda\rho(M(\lambda))$ vs the closed form", "")


def _iterations_claim() -> Comparison:
    r = runs()
    sim = [r[b]["iterations"] for b in me.BETAS]
    return Comparison(sim, [r[b]["iterations_theory"] for b in me.BETAS], 0.0, Guarantee.EXACT,
                      r"iterations to $\|e_t\| \le 10^{-6}\|e_0\|$ for $\beta = 0, 0.5, 0.9, 0.99$: run vs recurrence "
                      r"in $30$ digits",
                      "asymptotic estimates ln(1e6)/(-ln rho): "
                      + ", ".join(f"{r[b]['iterations_asymptotic']:.0f}" for b in me.BETAS))



@cache
def numeric_beta() -> dict:
    s = me.SETTING
    m = numerics.form(*FORM)

    def rate(b):
        return float(engine_worst_case(m, _params(b), s["mu"], s["L"]).rate)

    from scipy.optimize import brentq, minimize_scalar

    best = float(minimize_scalar(rate, bounds=(0.0, 0.999), method="bounded",
                                 options={"xatol": 1e-12, "maxiter": 500}).x)
    gd = rate(0.0)
    # the rate crosses gradient descent's once between the best beta and 0.9999
    threshold = float(brentq(lambda b: rate(b) - gd, float(me.best_beta()), 0.9999, xtol=1e-15))
    return {"best": best, "best_rate": rate(best), "threshold": threshold, "gd": gd}


def _best() -> Comparison:
    e = numeric_beta()
    r = runs()
    four = min(me.BETAS, key=lambda b: r[b]["iterations"])
    bc = float(me.best_beta())
    return Comparison(e["best"], bc, 1e-6, Guarantee.TIGHT,
                      r"$\beta$ minimising the engine's worst-case rate (bounded Brent, scipy) vs $(1 - \sqrt{\eta\mu})^2$",
                      f"rate there {e['best_rate']:.9f} (1 - sqrt(eta mu) = {1 - math.sqrt(me.SETTING['eta']):.9f}); "
                      f"{r[bc]['iterations']} iterations at beta_c; of the four, beta = {four:g} is best "
                      f"({r[four]['iterations']} iterations)")


def _out_of_region() -> Comparison:
    e = numeric_beta()
    r = runs()
    return Comparison(e["threshold"], float(me.slower_than_gd_beyond()), 1e-9, Guarantee.TIGHT,
                      r"$\beta$ above which the engine's rate exceeds gradient descent's at the same $\eta$ (Brent root) "
                      r"vs $(1 - \eta\mu)^2$",
                      f"beta = 0.99: rate {r[0.99]['rate_simulated']:.6f} (run) > {r[0.0]['rate_simulated']:.6f} (gd), "
                      f"{r[0.99]['iterations']} vs {r[0.0]['iterations']} iterations")


@cache
def ema_rates() -> dict:
    r"""The same beta and eta in the note's second ('PyTorch style') form :math:`v \leftarrow \beta v + (1-\beta)g`."""
    s = me.SETTING
    m = numerics.form("heavy-ball", "ema")
    return {b: float(engine_worst_case(m, {"alpha": s["eta"], "beta": b}, s["mu"], s["L"]).rate) for b in me.BETAS}


CLAIMS = [
    Claim("momentum-exercise.rates", TOPIC,
          r"Note 003's exercise 3 at $\eta = 1/L$ on $f = \tfrac12(x^2 + 100y^2)$ (heavy ball in the note's velocity "
          r"form): the rates are $0.99$, $0.9796$, $\sqrt{0.9} = 0.9487$ and $\sqrt{0.99} = 0.9950$ for "
          r"$\beta = 0, 0.5, 0.9, 0.99$ (derived; a run agrees on the gap $1 - \rho$ to $10^{-3}$).",
          derivation, _rates, reference=Reference("the generic engine's worst case"), reference_check=_rates_engine),
    Claim("momentum-exercise.iterations", TOPIC,
          r"Iterations to $\|e_t\| \le 10^{-6}\|e_0\|$ from $(1, 1)$: $1341$, $654$, $258$ and $2179$ for "
          r"$\beta = 0, 0.5, 0.9, 0.99$ --- the run and the derived recurrence agree exactly.",
          derivation, _iterations_claim),
    Claim("momentum-exercise.best-beta", TOPIC,
          r"At a fixed $\eta$ the best $\beta$ is critical damping of the slowest mode, $(1 - \sqrt{\eta\mu})^2 = 0.81$ "
          r"(rate $1 - \sqrt{\eta\mu} = 0.9$, $155$ iterations); of the note's four values $\beta = 0.9$ is best.",
          derivation, _best),
    Claim("momentum-exercise.out-of-region", TOPIC,
          r"Above $\beta = (1 - \eta\mu)^2 = 0.9801$ momentum is slower than gradient descent at the same step: "
          r"$\beta = 0.99$ has rate $0.995 > 0.99$ and needs $2179$ iterations instead of $1341$; no $\beta \in [0, 1)$ "
          r"diverges at $\eta = 1/L$.",
          derivation, _out_of_region),
]
