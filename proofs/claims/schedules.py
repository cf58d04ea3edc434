r"""Claims of topic 'schedules': learning-rate schedules on quadratics (numerics/schedules.py, theory/schedules.py).

The derived error factor of a scheduled method is its residual polynomial (:func:`proofs.schedules.residual_theory`:
:math:`\prod_t(1-\eta_t\lambda)` for gradient descent, the product of the engine's iteration matrices otherwise);
the simulated one runs the scheduled method value on a diagonal quadratic (:func:`proofs.schedules.residual_simulated`).
Note 003's exercise 5 — constant vs step decay vs cosine, with and without warmup — is answered on
:math:`[\mu, L] = [10^{-3}, 1]` (:math:`\kappa = 1000`) with :math:`T = 500` gradient steps.
"""
from __future__ import annotations

import math
from functools import cache

import numpy as np
from scipy import special

from ratecheck import numerics
from ratecheck.numerics import spectra
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.schedules import Schedule, parse_schedule, scheduled
from ratecheck.theory import linear_family as lf
from ratecheck.theory import schedules as th

from ..average_case import _edges
from ..claim import Claim, Comparison, Guarantee, Reference
from ..methods import engine_model
from ..schedules import residual_simulated, residual_theory

__all__ = ["CLAIMS", "EX5", "exercise5", "exercise5_curves", "chebyshev_table", "residual_derivation"]

TOPIC = "schedules"


@cache
def residual_derivation():
    m = engine_model(numerics.form("heavy-ball"))
    return th.residual_polynomial_derivation(m.matrix, None, "alpha")


# ----------------------------------------------------------------------------- residual polynomial vs a run
RESIDUAL_CASES = (
    ("gd", {"eta": 1.9}, "cosine"), ("gd", {"eta": 1.9}, "step:step_size=40,gamma=0.5"),
    ("gd", {"eta": 1.0}, "exponential:gamma=0.99"), ("gd", {"eta": 1.5}, "inverse-time:alpha=0.05"),
    ("gd", {"eta": 1.9}, "warmup-cosine:steps=20"), ("gd", {"eta": 1.0}, "onecycle:max_lr=1.5"),
    ("gd", {"eta": 1.9}, "wsd:cooldown=0.2,warmup=10"),
    ("heavy-ball", {"alpha": 0.8, "beta": 0.9}, "onecycle:max_lr=1.2"),
    ("nesterov", {"alpha": 0.9, "beta": 0.8}, "cosine"),
)
RES_STEPS = 200


@cache
def residual_errors() -> dict:
    lam = np.linspace(1e-3, 1.0, 201)
    out = {}
    for method, p, spec in RESIDUAL_CASES:
        sch = parse_schedule(spec, RES_STEPS)
        inner = numerics.form(method)
        a, la = residual_theory(inner, p, sch, lam)
        b, lb = residual_simulated(inner, p, sch, lam)
        keep = la > -250  # modes the run resolves (a product below 1e-250 is only rounding)
        out[f"{method} {spec}"] = float(np.max(np.abs(b[keep] / a[keep] - 1)))
    return out


def _residual_claim() -> Claim:
    def confirm() -> Comparison:
        e = residual_errors()
        key = max(e, key=e.get)
        return Comparison(e[key], 0.0, 1e-10, Guarantee.TIGHT,
                          r"largest $|x_T/(P_T(\lambda)x_0) - 1|$ over $201$ modes in $[10^{-3}, 1]$ and the schedules",
                          f"T = {RES_STEPS}; {len(e)} cases (gd under every schedule, heavy ball under OneCycle with "
                          f"its momentum cycle, Nesterov under cosine); worst: {key}")

    return Claim("schedules.residual-polynomial", TOPIC,
                 r"A scheduled linear method multiplies the error on an eigen-direction by its residual polynomial: "
                 r"$\prod_t(1 - \eta_t\lambda)$ for gradient descent, the product of the iteration matrices "
                 r"$M(\lambda;\theta_t)$ for heavy ball and Nesterov; runs under every schedule agree to $10^{-10}$.",
                 residual_derivation, confirm)


# ----------------------------------------------------------------------------- Marchenko-Pastur average case
MP_RATIO, MP_DIM, MP_STEPS = 0.5, 200_000, 40


@cache
def mp_run() -> dict:
    lo, hi = _edges(MP_RATIO)
    sch = parse_schedule("cosine", MP_STEPS)
    eta = 1.0 / hi
    lam = spectra.marchenko_pastur(MP_DIM, MP_RATIO, "quantile")
    e0 = np.random.default_rng(1).choice([-1.0, 1.0], MP_DIM) / math.sqrt(MP_DIM)
    rule = numerics.rule_of(scheduled(numerics.form("gd"), sch), {"eta": eta})
    sim = simulate_diagonal(rule, lam, e0, MP_STEPS, backend="numpy").loss
    nodes, weights = special.roots_jacobi(MP_STEPS + 2, 0.5, 0.5)
    half = (hi - lo) / 2
    x = (lo + hi) / 2 + half * nodes
    pred = np.empty(MP_STEPS + 1)
    for t in range(MP_STEPS + 1):
        P = residual_theory(numerics.form("gd"), {"eta": eta}, sch, x, steps=t)[0]
        pred[t] = (P * P) @ weights * half * half / (4 * math.pi * MP_RATIO)
    dev = np.abs(sim / pred - 1)
    const = residual_theory(numerics.form("gd"), {"eta": eta}, parse_schedule("constant", MP_STEPS), x)[0]
    return {"max_dev": float(dev.max()), "final_pred": float(pred[-1]),
            "final_const": float((const * const) @ weights * half * half / (4 * math.pi * MP_RATIO)),
            "eta": eta, "edges": (lo, hi)}


def _mp_claim() -> Claim:
    def confirm() -> Comparison:
        e = mp_run()
        return Comparison(e["max_dev"], 0.0, 1e-6, Guarantee.TIGHT,
                          r"largest relative error of the predicted $\mathbb{E}[f(x_t) - f^*]$ over $t \le 40$",
                          f"gradient descent, cosine schedule, eta = 1/lambda_+ = {e['eta']:.6g}; MP ratio "
                          f"{MP_RATIO}, d = {MP_DIM} quantile eigenvalues, e0 = +-1/sqrt(d); final loss "
                          f"{e['final_pred']:.4g} (constant eta: {e['final_const']:.4g})")

    return Claim("schedules.marchenko-pastur", TOPIC,
                 r"On a Marchenko--Pastur spectrum the expected loss of a scheduled method is "
                 r"$\frac{R^2}{2}\int\lambda P_T(\lambda)^2\,dF_{MP}(\lambda)$ with the schedule's residual polynomial "
                 r"(Gauss--Jacobi quadrature, exact for the polynomial); a run on $2\cdot 10^5$ eigenvalues with "
                 r"the cosine schedule agrees to $10^{-6}$, and ends above the constant schedule's loss.",
                 residual_derivation, confirm)


# ----------------------------------------------------------------------------- exercise 5
EX5 = {"mu": 1e-3, "L": 1.0, "steps": 500, "eta": 1.0, "eta_high": 3.0, "warmup": 25}
EX5_SPECS = ("constant", "step:step_size=167,gamma=0.1", "cosine", "warmup:steps=25", "warmup-cosine:steps=25")


def _ex5_grid() -> np.ndarray:
    return np.geomspace(EX5["mu"], EX5["L"], 2001)


@cache
def exercise5() -> dict:
    r"""Per schedule: final worst-case factor (run and theory), at mu, sum of step sizes, transient peak at eta_high."""
    lam = _ex5_grid()
    gd = numerics.form("gd")
    out = {}
    for eta_key in ("eta", "eta_high"):
        for spec in EX5_SPECS:
            sch = parse_schedule(spec, EX5["steps"])
            p = {"eta": EX5[eta_key]}
            th_v, th_l = residual_theory(gd, p, sch, lam)
            sim_v, sim_l = residual_simulated(gd, p, sch, lam)
            curve = _worst_curve(sch, EX5[eta_key], lam)
            out[(eta_key, spec)] = {"theory": float(np.max(th_v)), "simulated": float(np.max(sim_v)),
                                    "ratio_per_mode": sim_v, "at_mu": float(sim_v[0]), "sum": float(sum(sch.values(p["eta"]))),
                                    "peak": float(np.max(curve)), "log10_peak": float(np.log10(np.max(curve)))}
    # the same step sizes as warmup-cosine, in reverse order (the warmup last)
    sch = parse_schedule("warmup-cosine:steps=25", EX5["steps"])
    vals = sch.values(EX5["eta"])[::-1]
    p = np.ones(lam.size)
    for e in vals:
        p = p * (1 - e * lam)
    fwd = out[("eta", "warmup-cosine:steps=25")]["ratio_per_mode"]
    keep = fwd > 1e-280  # at lambda = L = 1/eta the step with eta_t = eta zeroes the mode (in either order)
    out["reversed"] = float(np.max(np.abs(np.abs(p[keep]) / fwd[keep] - 1)))
    out["zeroed_modes"] = int((~keep).sum())
    return out


def _worst_curve(sch: Schedule, eta: float, lam: np.ndarray) -> np.ndarray:
    """max over the grid of |P_t| for t = 0..T (running the scheduled method, x0 = 1 per mode)."""
    rule = numerics.rule_of(scheduled(numerics.form("gd"), sch), {"eta": eta})
    st = rule.init(np.ones(lam.size))
    out = [1.0]
    for t in range(1, sch.steps + 1):
        st = rule.step(st, lambda y: lam * y, t)
        out.append(float(np.max(np.abs(st[0]))))
    return np.array(out)


@cache
def exercise5_curves() -> dict:
    lam = _ex5_grid()
    return {(k, spec): _worst_curve(parse_schedule(spec, EX5["steps"]), EX5[k], lam)
            for k in ("eta", "eta_high") for spec in EX5_SPECS}


def _min_ratio(spec: str) -> float:
    e = exercise5()
    a, c = e[("eta", spec)]["ratio_per_mode"], e[("eta", "constant")]["ratio_per_mode"]
    keep = c > 1e-280  # the constant step eta = 1/L zeroes the mode lambda = L exactly
    return float(np.min(a[keep] / c[keep]))


def _ex5_step_claim() -> Claim:
    spec = "step:step_size=167,gamma=0.1"

    def confirm() -> Comparison:
        e = exercise5()
        return Comparison(_min_ratio(spec), 1.0, 1e-12, Guarantee.LOWER,
                          r"smallest ratio over the modes of step decay's $|P_T(\lambda)|$ to the constant schedule's",
                          f"kappa = 1000, T = 500, peak eta = 1/L; worst case: step decay {e[('eta', spec)]['simulated']:.6g}, "
                          f"constant {e[('eta', 'constant')]['simulated']:.6g} (both at lambda = mu)")

    def reference() -> Comparison:
        e = exercise5()
        pred = math.exp(-EX5["mu"] * e[("eta", spec)]["sum"])
        return Comparison(e[("eta", spec)]["at_mu"], pred, 1e-3, Guarantee.TIGHT,
                          r"step decay's factor at $\lambda = \mu$ vs $e^{-\mu\sum_t\eta_t}$ (slow-mode law)",
                          f"sum of step sizes {e[('eta', spec)]['sum']:.6g} vs 500 for the constant schedule")

    return Claim("schedules.ex5-step-decay-vs-constant", TOPIC,
                 r"Note 003's exercise 5, step decay ($\gamma = 0.1$ every $167$ steps) against the constant step "
                 r"$\eta = 1/L$ on a noise-free quadratic with $\kappa = 1000$, $T = 500$: step decay is worse on "
                 r"every mode (proved for any schedule below a peak $\eta \le 1/L$); on the slowest mode it keeps "
                 r"$e^{-\mu\sum_t\eta_t}$ with a sum of step sizes $185$ instead of $500$.",
                 th.schedule_facts_derivation, confirm, reference=Reference("theory: slow-mode law"),
                 reference_check=reference)


def _ex5_cosine_claim() -> Claim:
    def confirm() -> Comparison:
        e = exercise5()["eta", "cosine"]
        pred = math.exp(-EX5["mu"] * EX5["eta"] * (EX5["steps"] + 1) / 2)
        return Comparison(e["at_mu"], pred, 1e-3, Guarantee.TIGHT,
                          r"cosine's factor at $\lambda = \mu$ vs $e^{-\mu\eta(T+1)/2}$",
                          f"run {e['at_mu']:.8g}; constant schedule (1 - mu eta)^T = {(1 - EX5['mu']) ** EX5['steps']:.8g}; "
                          f"smallest per-mode ratio cosine/constant {_min_ratio('cosine'):.6g}")

    def reference() -> Comparison:
        e = exercise5()["eta", "cosine"]
        return Comparison(e["sum"], EX5["eta"] * (EX5["steps"] + 1) / 2, 1e-12, Guarantee.TIGHT,
                          r"$\sum_t\eta_t$ of the cosine schedule vs $\eta(T+1)/2$", "")

    return Claim("schedules.ex5-cosine-vs-constant", TOPIC,
                 r"Exercise 5, cosine annealing against the constant step $\eta = 1/L$ ($\kappa = 1000$, $T = 500$, "
                 r"no noise): cosine's step sizes sum to $\eta(T+1)/2$, so on the slowest mode it reaches only "
                 r"$e^{-\mu\eta(T+1)/2} = 0.778$ where the constant step reaches $(1-\mu\eta)^T = 0.606$; annealing "
                 r"pays off only when gradient noise has to be averaged out.",
                 th.schedule_facts_derivation, confirm, reference=Reference("theory: cosine sum"),
                 reference_check=reference)


def _ex5_warmup_claim() -> Claim:
    def confirm() -> Comparison:
        e = exercise5()
        return Comparison(e["reversed"], 0.0, 1e-12, Guarantee.TIGHT,
                          r"largest $|P_T^{\mathrm{reversed}}/P_T - 1|$: warmup-cosine vs its step sizes in reverse order",
                          f"final worst case with warmup {e[('eta', 'warmup-cosine:steps=25')]['simulated']:.6g}, without "
                          f"{e[('eta', 'cosine')]['simulated']:.6g}; constant + warmup "
                          f"{e[('eta', 'warmup:steps=25')]['simulated']:.6g} vs constant {e[('eta', 'constant')]['simulated']:.6g}")

    def reference() -> Comparison:
        e = exercise5()
        w, c = e[("eta_high", "warmup-cosine:steps=25")], e[("eta_high", "cosine")]
        return Comparison(w["log10_peak"], c["log10_peak"], 0.0, Guarantee.UPPER,
                          r"$\log_{10}$ of the transient peak $\max_{t,\lambda}|P_t(\lambda)|$ at $\eta = 3/L$: "
                          r"with warmup vs without",
                          f"cosine {c['peak']:.3g}, warmup-cosine {w['peak']:.3g}; final factors {c['simulated']:.4g} "
                          f"and {w['simulated']:.4g}; the constant step 3/L diverges ({e[('eta_high', 'constant')]['log10_peak']:.4g} "
                          "decades)")

    return Claim("schedules.ex5-warmup", TOPIC,
                 r"Exercise 5, with and without warmup: for gradient descent on a quadratic the final error depends "
                 r"only on the multiset of step sizes (the factors commute), so warmup changes the end result only "
                 r"through the step sizes it removes; what it changes is the transient: at a peak $\eta = 3/L$, "
                 r"beyond the stable $2/L$, cosine's worst mode first grows to $10^{41}$, with $25$ warmup steps "
                 r"to $10^{33}$, and both end below $0.48$.",
                 residual_derivation, confirm, reference=Reference("theory: the factors commute"),
                 reference_check=reference)


# ----------------------------------------------------------------------------- the Chebyshev limit
CHEB = {"mu": 0.01, "L": 1.0}
CHEB_STEPS = (10, 50)
CHEB_SPECS = ("constant", "step:step_size=5,gamma=0.5", "exponential:gamma=0.95", "inverse-time:alpha=0.1",
              "cosine", "warmup-cosine:steps=2", "onecycle", "wsd:cooldown=0.2")


def _cheb_grid(k: int) -> np.ndarray:
    mu, L = CHEB["mu"], CHEB["L"]
    y = np.cos(np.arange(k + 1) * np.pi / k)
    return np.unique(np.clip(np.concatenate([np.linspace(mu, L, 2001), (L + mu - (L - mu) * y) / 2]), mu, L))


def chebyshev_steps(k: int) -> list[float]:
    r"""Step sizes :math:`1/\lambda_j` at the Chebyshev nodes of [mu, L] (theory/schedules.py), largest root first."""
    mu, L = CHEB["mu"], CHEB["L"]
    nodes = [(L + mu) / 2 - (L - mu) / 2 * math.cos((2 * j - 1) * math.pi / (2 * k)) for j in range(1, k + 1)]
    return [1 / x for x in sorted(nodes, reverse=True)]


@cache
def chebyshev_table() -> dict:
    mu, L = CHEB["mu"], CHEB["L"]
    eta = 2 / (mu + L)
    out = {"eta": eta, "rows": {}, "limit": {}}
    for k in CHEB_STEPS:
        lam = _cheb_grid(k)
        out["limit"][k] = float(lf.chebyshev_error_factor(mu, L, k))
        for spec in CHEB_SPECS:
            sch = parse_schedule(spec, k)
            out["rows"][(spec, k)] = float(np.max(residual_simulated(numerics.form("gd"), {"eta": eta}, sch, lam)[0]))
    k = CHEB_STEPS[0]
    lam = _cheb_grid(k)
    p = np.ones(lam.size)
    for e in chebyshev_steps(k):
        p = p * (1 - e * lam)
    out["chebyshev_steps"] = float(np.max(np.abs(p)))
    return out


def _chebyshev_claim() -> Claim:
    def confirm() -> Comparison:
        t = chebyshev_table()
        ratio = min(v / t["limit"][k] for (spec, k), v in t["rows"].items())
        return Comparison(ratio, 1.0, 1e-12, Guarantee.LOWER,
                          r"smallest ratio of a schedule's $T$-step worst-case factor to the Chebyshev limit $1/T_T(\sigma)$",
                          f"gradient descent, peak eta = 2/(mu + L), [mu, L] = [0.01, 1], T = {', '.join(map(str, CHEB_STEPS))}; "
                          f"{len(CHEB_SPECS)} schedules")

    def reference() -> Comparison:
        t = chebyshev_table()
        return Comparison(t["chebyshev_steps"], t["limit"][CHEB_STEPS[0]], 1e-9, Guarantee.TIGHT,
                          r"gradient descent with the Chebyshev step sizes $1/\lambda_j$: worst case vs $1/T_{10}(\sigma)$", "")

    return Claim("schedules.chebyshev-limit", TOPIC,
                 r"No step-size schedule of gradient descent gets below the Chebyshev limit $1/T_T((L+\mu)/(L-\mu))$ "
                 r"after $T$ steps; the schedules in use stay far above it ($T = 10, 50$, $\kappa = 100$), while the "
                 r"step sizes $1/\lambda_j$ at the Chebyshev nodes reach it.",
                 th.schedule_facts_derivation, confirm,
                 reference=Reference("Young (1953); Nemirovski & Yudin (1983)"), reference_check=reference)


CLAIMS = [_residual_claim(), _mp_claim(), _ex5_step_claim(), _ex5_cosine_claim(), _ex5_warmup_claim(),
          _chebyshev_claim()]
