r"""Claims of topic 'line-search': steepest descent with exact line search and with Armijo backtracking (note 003,
Sec. 2.2).

* ``line-search.exact-tight-start`` — from :math:`x_0 = e_1/\mu + e_n/L` every exact step multiplies
  :math:`f - f_\star` by the Kantorovich bound :math:`((\kappa-1)/(\kappa+1))^2` (a run on 1000 eigenvalues).
* ``line-search.exact-random-starts`` — from random starts no step exceeds the bound (an upper bound there).
* ``line-search.armijo-accepted-step`` — on quadratics the backtracking loop (which only evaluates f) accepts
  exactly the derived step, the first :math:`\eta_0 s^j \le 2(1-c)g^\top g/(g^\top A g)`, at every step.
* ``line-search.armijo-step-floor`` — on a logistic loss (not a quadratic) every accepted step is at least
  :math:`\min(\eta_0, 2(1-c)s/L)`.
* ``line-search.armijo-loss-bound`` — on quadratics every Armijo step's loss ratio is below
  :math:`1 - 2c\mu\min(\eta_0, 2(1-c)s/L)`.

The worst case of exact line search over all of :math:`\mathcal F_{\mu,L}` (not only quadratics) is claim
``beyond-quadratics.exact-line-search`` (a performance-estimation problem); it is not repeated here.
"""
from __future__ import annotations

from functools import cache

import numpy as np

from ratecheck.numerics import line_search as nls
from ratecheck.numerics.problems import LogisticLoss
from ratecheck.theory import line_search as tls

from ..claim import Claim, Comparison, Guarantee, Reference
from ..line_search_rate import armijo_trace, tight_start_vector

__all__ = ["CLAIMS", "MU", "L", "spectrum", "exact_runs", "armijo_runs", "ARMIJO_SETTINGS", "logistic_problem"]

TOPIC = "line-search"
MU, L = 1.0, 100.0
STEPS = 60
#: (eta0, shrink, c) of the Armijo checks: the note's defaults and two that backtrack from far or accept little
ARMIJO_SETTINGS = ((1.0, 0.5, 1e-4), (10.0, 0.7, 0.1), (0.05, 0.5, 0.5), (3.0, 0.9, 0.3))


def spectrum(n: int = 1000) -> np.ndarray:
    return np.linspace(MU, L, n)


@cache
def exact_runs() -> dict:
    lam = spectrum()
    K = float(tls.exact_loss_ratio(MU, L))
    tight = nls.exact_line_search(lam, tight_start_vector(lam), STEPS)
    rng = np.random.default_rng(2026)
    randoms = [nls.exact_line_search(lam, rng.standard_normal(lam.size), 200) for _ in range(20)]
    rand_ratios = np.concatenate([r.loss_ratios() for r in randoms])
    return {"K": K, "tight": tight.loss_ratios(), "tight_steps": tight.steps, "random": rand_ratios,
            "random_runs": [r.loss_ratios() for r in randoms]}


def _exact_tight() -> Comparison:
    e = exact_runs()
    r = e["tight"]
    worst = float(np.max(np.abs(r / e["K"] - 1)))
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                      r"largest $|\rho_t/\rho_{\mathrm K} - 1|$ over the steps $t$ of the run, "
                      r"$\rho_t = (f(x_{t+1}) - f_\star)/(f(x_t) - f_\star)$",
                      f"{r.size} steps on 1000 eigenvalues in [1, 100] from x0 = e_1 + e_n/100; the exact step stays "
                      f"2/(mu + L) = {e['tight_steps'][0]:.10g} (spread {np.ptp(e['tight_steps']):.2g})")


def _exact_tight_reference() -> Comparison:
    e = exact_runs()
    return Comparison(float(np.min(e["tight"])), e["K"], 1e-12, Guarantee.TIGHT,
                      r"smallest step ratio of the run vs $((\kappa-1)/(\kappa+1))^2$", "")


def _exact_random() -> Comparison:
    e = exact_runs()
    worst = float(np.max(e["random"]))
    return Comparison(worst, e["K"], 1e-12, Guarantee.UPPER,
                      r"worst step ratio $\rho_t$ from 20 Gaussian starts (200 steps each) vs $((\kappa-1)/(\kappa+1))^2$",
                      f"the worst step is {worst:.6f} against the bound {e['K']:.6f}; the mean step ratio is "
                      f"{float(np.mean(e['random'])):.4f}")


def _armijo_cases():
    lam = np.random.default_rng(7).uniform(MU, L, 300)
    lam[:2] = (MU, L)
    lam = np.sort(lam)
    starts = [tight_start_vector(lam)] + [np.random.default_rng(s).standard_normal(lam.size) for s in (1, 2)]
    return lam, starts


@cache
def armijo_runs() -> dict:
    lam, starts = _armijo_cases()
    runs = []
    for eta0, shrink, c in ARMIJO_SETTINGS:
        for i, x0 in enumerate(starts):
            tr = armijo_trace(lam, x0, 40, eta0, shrink, c)
            tr.update({"eta0": eta0, "shrink": shrink, "c": c, "start": "tight" if i == 0 else f"random {i}",
                       "bound": tls.armijo_loss_ratio_bound(MU, L, eta0, shrink, c),
                       "floor": tls.armijo_step_floor(eta0, shrink, c, L)})
            runs.append(tr)
    return {"runs": runs, "dim": lam.size}


def _armijo_step() -> Comparison:
    e = armijo_runs()
    mismatches = sum(int(a != b) for r in e["runs"] for a, b in zip(r["accepted"], r["derived"]))
    total = sum(len(r["accepted"]) for r in e["runs"])
    js = sorted({j for r in e["runs"] for j in r["backtracks"]})
    return Comparison(mismatches, 0, 0.0, Guarantee.EXACT,
                      r"steps at which the backtracking loop's accepted $\eta$ differs from the derived "
                      r"first $\eta_0 s^j \le 2(1-c)\,g^\top g/(g^\top A g)$",
                      f"{total} steps: 4 settings (eta0, shrink, c) x 3 starts on {e['dim']} eigenvalues in [1, 100]; "
                      f"rejections per step seen: {js[0]}..{js[-1]}")


def logistic_problem() -> LogisticLoss:
    rng = np.random.default_rng(31)
    X = rng.standard_normal((200, 10)) * np.geomspace(1.0, 5.0, 10)
    y = np.sign(X @ rng.standard_normal(10) + 0.5 * rng.standard_normal(200))
    return LogisticLoss(X, y)


@cache
def logistic_runs() -> dict:
    prob = logistic_problem()
    Lg = prob.L
    out = []
    for eta0_scale, shrink, c in ((100.0, 0.5, 1e-4), (10.0, 0.8, 0.3), (50.0, 0.3, 0.5), (3.0, 0.5, 0.1)):
        eta0 = eta0_scale / Lg
        run = nls.armijo(prob.value, prob.grad, np.full(10, 0.3), 60, eta0=eta0, shrink=shrink, c=c)
        floor = tls.armijo_step_floor(eta0, shrink, c, Lg)
        accepted = run.steps[run.steps > 0]
        out.append({"eta0": eta0, "shrink": shrink, "c": c, "floor": floor, "smallest": float(np.min(accepted)),
                    "ratio": float(np.min(accepted) / floor), "backtracks": int(np.sum(run.backtracks))})
    # the floor is sharp: on a quadratic with g along the top eigenvector the exact step is 1/L, Armijo accepts
    # eta <= 2(1-c)/L, and a first trial step just above that is rejected once
    lam = np.array([MU, L])
    near = []
    for shrink, c in ((0.5, 1e-4), (0.8, 0.3)):
        eta0 = 2 * (1 - c) / L * (1 + 1e-3)
        run = nls.armijo_quadratic(lam, np.array([0.0, 1.0]), 1, eta0=eta0, shrink=shrink, c=c)
        near.append(float(run.steps[0] / tls.armijo_step_floor(eta0, shrink, c, L)))
    return {"L": Lg, "runs": out, "quadratic_top": near}


def _armijo_floor() -> Comparison:
    e = logistic_runs()
    worst = min([r["ratio"] for r in e["runs"]] + e["quadratic_top"])
    return Comparison(worst, 1.0, 1e-12, Guarantee.LOWER,
                      r"smallest accepted step over $\min(\eta_0, 2(1-c)s/L)$: logistic loss (four settings) and a "
                      r"quadratic with $g$ along the top eigenvector",
                      f"logistic: L = lambda_max(X^T X)/(4n) = {e['L']:.6g}, ratios "
                      + ", ".join(f"{r['ratio']:.3f}" for r in e["runs"]) + "; quadratic, eta0 = 1.001 * 2(1-c)/L: "
                      + ", ".join(f"{x:.4f}" for x in e["quadratic_top"]) + " (the floor is sharp)")


def _armijo_bound() -> Comparison:
    e = armijo_runs()
    worst = max(float(np.max(r["ratios"]) / r["bound"]) for r in e["runs"])
    return Comparison(worst, 1.0, 1e-12, Guarantee.UPPER,
                      r"largest step ratio over $1 - 2c\mu\min(\eta_0, 2(1-c)s/L)$, quadratic, 12 runs",
                      "worst step ratios " + ", ".join(f"{float(np.max(r['ratios'])):.4f}" for r in e["runs"][::3])
                      + " (tight start, one per setting)")


CLAIMS = [
    Claim("line-search.exact-tight-start", TOPIC,
          r"Steepest descent with exact line search, $\eta_t = g_t^\top g_t/(g_t^\top A g_t)$, multiplies "
          r"$f - f_\star$ by at most $\rho_{\mathrm K} = ((\kappa-1)/(\kappa+1))^2$ per step (Kantorovich), and from "
          r"$x_0 = e_1/\mu + e_n/L$ every step attains it: a run on $1000$ eigenvalues in $[1, 100]$ gives "
          r"$\rho_{\mathrm K} = 0.9608$ at every step to $10^{-12}$.",
          tls.tight_start_derivation, _exact_tight,
          reference=Reference("Kantorovich (1948); Luenberger & Ye (2008), Sec. 8.6", 0.9607881580237232),
          reference_check=_exact_tight_reference),
    Claim("line-search.exact-random-starts", TOPIC,
          r"From random starts no exact-line-search step exceeds the Kantorovich bound $((\kappa-1)/(\kappa+1))^2$ "
          r"($\kappa = 100$, $20$ Gaussian starts, $200$ steps each).",
          tls.kantorovich_derivation, _exact_random),
    Claim("line-search.armijo-accepted-step", TOPIC,
          r"On a quadratic, Armijo backtracking ($f(x - \eta g) \le f(x) - c\eta\|g\|^2$, trial steps "
          r"$\eta_0 s^j$) accepts exactly the first trial step with $\eta_0 s^j \le 2(1-c)\eta^\star$, "
          r"$\eta^\star = g^\top g/(g^\top A g)$ the exact step: the loop, which only evaluates $f$, agrees at every "
          r"step of $12$ runs.",
          tls.armijo_quadratic_derivation, _armijo_step),
    Claim("line-search.armijo-step-floor", TOPIC,
          r"For every $L$-smooth $f$ each step accepted by Armijo backtracking is at least "
          r"$\min(\eta_0, 2(1-c)s/L)$: on a logistic loss (not a quadratic) the smallest accepted step of four "
          r"settings respects it, and on a quadratic a first trial step just above $2(1-c)/L$ comes within "
          r"$0.1\,\%$ of it.",
          tls.armijo_guarantee_derivation, _armijo_floor,
          reference=Reference("Nocedal & Wright (2006), Sec. 3.1")),
    Claim("line-search.armijo-loss-bound", TOPIC,
          r"With $\mu$-strong convexity each Armijo step multiplies $f - f_\star$ by at most "
          r"$1 - 2c\mu\min(\eta_0, 2(1-c)s/L)$; on a quadratic with $\kappa = 100$ the worst steps of $12$ runs stay "
          r"below it (with $c = 10^{-4}$ the bound is $1 - 2\cdot 10^{-6}$, and a step of the run from the tight "
          r"start reaches $0.997$: small $c$ accepts steps that barely decrease $f$).",
          tls.armijo_guarantee_derivation, _armijo_bound),
]
