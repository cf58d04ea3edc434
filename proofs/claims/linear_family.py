r"""Claims of topic 'linear-family': triple momentum and the Chebyshev limit after k steps.

* Triple momentum's spectral radius on quadratics, derived by the generic engine from numerics'
  method value (:data:`numerics.linear_family.TRIPLE_MOMENTUM`), against its published worst-case rate
  :math:`1 - 1/\sqrt\kappa` and against a simulation.
* The Chebyshev semi-iterative method's k-step worst-case factor :math:`1/T_k(\sigma)` (theory/linear_family.py)
  against running the method; then the yardstick: the k-step worst-case factors of gradient descent,
  heavy ball, Nesterov, triple momentum, QHM and Lookahead (over gd and over heavy ball) at their tunings
  (matrix powers of the engine's M(lambda) in 30 digits) against simulation, all above the Chebyshev limit, and
  heavy ball's transient at small k.

The k-step factor of a method is :math:`\max_\lambda |e_k(\lambda)/e_0(\lambda)|` started at rest
(:math:`x_{-1} = x_0`), over a grid of :math:`[\mu, L]` that contains the :math:`k+1` extremal points of
:math:`T_k(y(\lambda))` for every k used: there every polynomial with :math:`P(0) = 1` reaches at least
:math:`1/T_k(\sigma)` (equioscillation), so the lower bound holds on the grid, not only on the interval.
"""
from __future__ import annotations

import math
from functools import cache

import mpmath
import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics.linear_family import CHEBYSHEV, TRIPLE_MOMENTUM
from ratecheck.numerics.problems import DiagonalQuadratic
from ratecheck.theory import linear_engine
from ratecheck.theory import linear_family as lf

from ..claim import Claim, Comparison, Guarantee, Reference
from ..methods import engine_model, engine_worst_case, theory_rate
from ..methods import tuned as tuned_params
from ..rate import measure_rate

__all__ = ["CLAIMS", "MU", "L", "STEPS", "tmm_derivation", "k_step_table", "yardstick_grid", "tuned"]

TOPIC = "linear-family"
MU, L = 1.0, 100.0
#: the step counts of the yardstick comparison
STEPS = (1, 2, 3, 5, 10, 20, 40, 80)


@cache
def tmm_derivation():
    m = engine_model(TRIPLE_MOMENTUM)
    return lf.triple_momentum_derivation(m.reduced, {}, m.endpoint_proved)


def tuned(method: str, mu: float = MU, L_: float = L) -> tuple:
    """(method value, float parameters) of ``method`` at its tuning: gd, heavy ball and Nesterov optimal, TMM published,
    QHM the engine's numerical optimum, Lookahead as in :data:`YARDSTICK_LOOKAHEAD`."""
    if method == "triple-momentum":
        return TRIPLE_MOMENTUM, {k: float(v) for k, v in lf.tmm_params(mu, L_).items()}
    if method == "qhm":
        from ratecheck.examples.qhm import QHM

        from ..methods import engine_tuning
        return QHM, {k: float(v) for k, v in engine_tuning(QHM, mu, L_).params.items()}
    if method in YARDSTICK_LOOKAHEAD:
        return yardstick_lookahead(method, mu, L_)[:2]
    m = numerics.form(method)
    return m, tuned_params(m, "optimal", mu, L_)


def _tmm_rates() -> dict:
    m, p = tuned("triple-momentum")
    w = engine_worst_case(m, p, MU, L)
    rec = measure_rate(m, eigenvalues=[MU, 2.0, 10.0, 50.0, L], params=p, steps=600)
    return {"engine": float(w.rate), "location": w.location, "published": 1 - 1 / math.sqrt(L / MU),
            "simulated": rec["rate_simulated"], "params": p}


def _tmm_claim() -> Claim:
    def confirm() -> Comparison:
        e = _tmm_rates()
        return Comparison(1 - e["simulated"], 1 - e["engine"], 1e-3, Guarantee.TIGHT,
                          r"gap $1 - \rho$: fitted from a run vs the engine's worst case over $[1, 100]$",
                          f"600 steps on eigenvalues 1, 2, 10, 50, 100; engine maximum at an {e['location']}")

    def reference() -> Comparison:
        e = _tmm_rates()
        return Comparison(e["engine"], e["published"], 1e-14, Guarantee.TIGHT,
                          r"engine's $\max_\lambda \rho(M(\lambda))$ vs the published $1 - 1/\sqrt{\kappa}$", "")

    return Claim("linear-family.triple-momentum-rate", TOPIC,
                 r"At its published tuning, triple momentum's spectral radius on quadratics with "
                 r"$\mathrm{eig}(A) \subset [\mu, L]$, derived by the generic engine from the update rule, is "
                 r"exactly its published worst-case rate $1 - 1/\sqrt{\kappa}$ (attained at both ends; "
                 r"$\kappa = 100$).",
                 tmm_derivation, confirm,
                 reference=Reference("Van Scoy, Freeman & Lynch (2018)",
                                     1 - 1 / math.sqrt(L / MU)),
                 reference_check=reference)


# ----------------------------------------------------------------------------- k-step factors
def yardstick_grid(mu: float = MU, L_: float = L, steps=STEPS, n: int = 2001) -> np.ndarray:
    r"""A uniform grid of [mu, L] plus the extremal points :math:`y = \cos(j\pi/k)` of every :math:`T_k` used."""
    pts = [np.linspace(mu, L_, n)]
    for kk in steps:
        y = np.cos(np.arange(kk + 1) * np.pi / kk)
        pts.append((L_ + mu - (L_ - mu) * y) / 2)
    return np.unique(np.clip(np.concatenate(pts), mu, L_))


def simulated_factors(m, params: dict, lam: np.ndarray, steps=STEPS) -> dict[int, float]:
    r""":math:`\max_\lambda |x_k(\lambda)/x_0(\lambda)|` from running ``m`` (array code) on a diagonal quadratic, x0 = 1."""
    rule = numerics.rule_of(m, params)
    prob = DiagonalQuadratic(lam)
    state = rule.init(np.ones(lam.size))
    out = {}
    for t in range(1, max(steps) + 1):
        state = rule.step(state, prob.grad, t)
        if t in steps:
            out[t] = float(np.max(np.abs(state[0])))
    return out


def theory_factors(m, params: dict, lam: np.ndarray, steps=STEPS, inner=None) -> dict[int, float]:
    r""":math:`\max_\lambda |[M(\lambda)^k s_0]_x|` from the engine's iteration matrix in 30-digit mpmath, s_0 at rest.

    For a method of period p (Lookahead) the engine's matrix is the product over a period; give the ``inner`` method
    value: after n periods the next j < p steps are the inner method's on the leading (inner) state entries, so
    :math:`e_{np+j} = [M_{\mathrm{in}}^j (P^n s_0)_{\mathrm{in}}]_x`."""
    model = engine_model(m)
    f = sp.lambdify([*model.params.values(), linear_engine.LAMBDA], model.matrix, "mpmath")
    init = [1 if s.init in ("x",) else (0 if s.init == "zeros" else float(s.init)) for s in m.state]
    period = model.period
    if period > 1:
        if inner is None:
            raise ValueError(f"{m.key} has period {period}: give its inner method value")
        im = engine_model(inner)
        fi = sp.lambdify([*im.params.values(), linear_engine.LAMBDA], im.matrix, "mpmath")
        ni = len(inner.state)
    best = {kk: mpmath.mpf(0) for kk in steps}
    with mpmath.workdps(30):
        vals = [mpmath.mpf(params[n]) for n in model.params]
        for x in lam:
            M = mpmath.matrix(f(*vals, mpmath.mpf(float(x))))
            s = mpmath.matrix(init)
            if period == 1:
                for t in range(1, max(steps) + 1):
                    s = M * s
                    if t in best:
                        best[t] = max(best[t], abs(s[0]))
                continue
            Mi = mpmath.matrix(fi(*[mpmath.mpf(params[n]) for n in im.params], mpmath.mpf(float(x))))
            for n_ in range(0, max(steps) // period + 1):
                si = mpmath.matrix([s[i] for i in range(ni)])
                for j in range(period):
                    t = n_ * period + j
                    if j:
                        si = Mi * si
                    if t in best:
                        best[t] = max(best[t], abs(si[0]))
                s = M * s
    return {kk: float(v) for kk, v in best.items()}


YARDSTICK_METHODS = ("gd", "heavy-ball", "nesterov", "triple-momentum", "qhm", "lookahead-gd", "lookahead-heavy-ball")
#: Lookahead in the yardstick: k = 5 over gradient descent at eta = 1/L with the best alpha (lookahead-best-alpha),
#: and over heavy ball (velocity form, buffer kept: the paper's Alg. 1) at Polyak's tuning with the paper's alpha = 0.5
YARDSTICK_LOOKAHEAD = ("lookahead-gd", "lookahead-heavy-ball")


def yardstick_lookahead(name: str, mu: float = MU, L_: float = L) -> tuple:
    """(Lookahead method value, its parameters, the inner method value) of a yardstick Lookahead entry."""
    from ratecheck.numerics.linear_family import lookahead as _lookahead
    from ratecheck.theory.lookahead_alpha import best_alpha

    if name == "lookahead-gd":
        inner = numerics.form("gd")
        eta = 1.0 / L_
        return _lookahead(inner, 5), {"eta": eta, "la_alpha": float(best_alpha(eta, 5, mu, L_)["alpha"])}, inner
    inner = numerics.form("heavy-ball", "velocity")
    p = tuned_params(numerics.form("heavy-ball", "polyak"), "optimal", mu, L_)
    return _lookahead(inner, 5), {"eta": p["alpha"], "beta": p["beta"], "la_alpha": 0.5}, inner


@cache
def k_step_table() -> dict:
    r"""Per method and k: derived and simulated k-step factors; the Chebyshev limit (derived and simulated)."""
    lam = yardstick_grid()
    out = {"chebyshev": {kk: float(lf.chebyshev_error_factor(MU, L, kk)) for kk in STEPS},
           "chebyshev_simulated": simulated_factors(CHEBYSHEV, {"mu": MU, "L": L}, lam),
           "methods": {}, "grid": int(lam.size)}
    coarse = np.unique(np.concatenate([np.linspace(MU, L, 201), yardstick_grid(n=2)]))
    for name in YARDSTICK_METHODS:
        m, p = tuned(name)
        inner = yardstick_lookahead(name)[2] if name in YARDSTICK_LOOKAHEAD else None
        out["methods"][name] = {"theory": theory_factors(m, p, coarse, inner=inner), "simulated": simulated_factors(m, p, lam),
                                "simulated_coarse": simulated_factors(m, p, coarse), "params": p}
    return out


def _chebyshev_claim() -> Claim:
    def confirm() -> Comparison:
        t = k_step_table()
        worst = max(abs(t["chebyshev_simulated"][kk] / t["chebyshev"][kk] - 1) for kk in STEPS)
        return Comparison(worst, 0.0, 1e-9, Guarantee.TIGHT,
                          r"largest $|E_k^{\mathrm{run}}/E_k - 1|$ over $k$, with $E_k = 2r^k/(1+r^{2k})$",
                          f"{t['grid']} eigenvalues in [1, 100]; k = {', '.join(map(str, STEPS))}")

    return Claim("linear-family.chebyshev-k-step", TOPIC,
                 r"After $k$ steps the Chebyshev semi-iterative method's worst-case error factor over "
                 r"$[\mu, L]$ is $1/T_k((L+\mu)/(L-\mu)) = 2r^k/(1+r^{2k})$, "
                 r"$r = (\sqrt{\kappa}-1)/(\sqrt{\kappa}+1)$: running it on a diagonal quadratic gives these "
                 r"numbers to $10^{-9}$ ($\kappa = 100$, $k = 1, \dots, 80$).",
                 lf.chebyshev_derivation, confirm)


def _yardstick_claim() -> Claim:
    def confirm() -> Comparison:
        t = k_step_table()
        ratio = min(t["methods"][n]["simulated"][kk] / t["chebyshev"][kk] for n in YARDSTICK_METHODS for kk in STEPS)
        return Comparison(ratio, 1.0, 1e-12, Guarantee.LOWER,
                          r"smallest $E_k/E_k^{\star}$ over methods and $k$ ($E_k^{\star}$: the Chebyshev limit)",
                          "gradient descent, heavy ball, Nesterov (optimal tunings), triple momentum (published), QHM "
                          "(the engine's optimum), Lookahead k = 5 over gd (eta = 1/L, best alpha) and over heavy ball "
                          f"(Polyak's tuning, alpha = 0.5, buffer kept), k = {', '.join(map(str, STEPS))}")

    def theory_vs_sim() -> Comparison:
        t = k_step_table()
        worst = max(abs(t["methods"][n]["simulated_coarse"][kk] / t["methods"][n]["theory"][kk] - 1)
                    for n in YARDSTICK_METHODS for kk in STEPS)
        return Comparison(worst, 0.0, 1e-9, Guarantee.TIGHT,
                          r"largest $|E_k^{\mathrm{run}}/E_k^{M} - 1|$ ($E_k^{M}$ from $M(\lambda)^k$ in 30 digits)", "")

    return Claim("linear-family.chebyshev-yardstick", TOPIC,
                 r"No method reaches below the Chebyshev limit after any number of steps: the $k$-step "
                 r"worst-case factors of gradient descent, heavy ball, Nesterov, triple momentum, QHM and Lookahead "
                 r"over gradient descent and over heavy ball (simulated; they agree with the engine's $M(\lambda)^k$ "
                 r"to $10^{-9}$) are at least $1/T_k(\sigma)$ for $k = 1, \dots, 80$, $\kappa = 100$.",
                 lf.chebyshev_derivation, confirm,
                 reference=Reference("Nemirovski & Yudin (1983); Nesterov (2018), Thm 2.1.13"),
                 reference_check=theory_vs_sim)


def hb_transient() -> dict:
    t = k_step_table()
    hb = t["methods"]["heavy-ball"]["simulated"]
    gd = t["methods"]["gd"]["simulated"]
    kappa = L / MU
    return {"factor_1": hb[1], "predicted_1": 4 * kappa / (math.sqrt(kappa) + 1) ** 2 - 1,
            "above_one": [kk for kk in STEPS if hb[kk] > 1], "above_gd": [kk for kk in STEPS if hb[kk] > gd[kk]]}


def _transient_claim() -> Claim:
    def confirm() -> Comparison:
        e = hb_transient()
        return Comparison(e["factor_1"], e["predicted_1"], 1e-12, Guarantee.TIGHT,
                          r"heavy ball's $E_1$ vs $|1 - \alpha^\star L|$, which is $4\kappa/(\sqrt{\kappa}+1)^2 - 1$",
                          f"heavy ball's k-step factor above 1 at k = {e['above_one']}; above gradient descent's at "
                          f"k = {e['above_gd']}")

    return Claim("linear-family.heavy-ball-transient", TOPIC,
                 r"Stationary heavy ball at Polyak's tuning first increases the worst-case error: its first step "
                 r"multiplies the error at $\lambda = L$ by $1 - \alpha^\star L = 1 - 4\kappa/(\sqrt{\kappa}+1)^2$, "
                 r"of modulus $2.31$ at $\kappa = 100$, and its $k$-step factor stays above gradient descent's for "
                 r"small $k$ before the asymptotic rate takes over.",
                 None, confirm)


CLAIMS = [_tmm_claim(), _chebyshev_claim(), _yardstick_claim(), _transient_claim()]


# ----------------------------------------------------------------------------- Lookahead
from ratecheck.numerics.data import hessian_eigenvalues  # noqa: E402
from ratecheck.numerics.linear_family import lookahead  # noqa: E402

LA_K, LA_ALPHA = 5, 0.5


@cache
def lookahead_gd_model(kk: int):
    return engine_model(lookahead(numerics.form("gd"), kk))


@cache
def lookahead_gd_derivation():
    factors = {}
    for kk in (1, 2, 3, LA_K):
        q = lookahead_gd_model(kk).reduced
        z = linear_engine.Z
        factors[kk] = sp.solve(q, z)[0]
    return lf.lookahead_gd_derivation(factors)


def _sync_factors(m, params: dict, lam: np.ndarray, periods: int, kk: int) -> np.ndarray:
    r"""Per mode: :math:`|x_{nk}/x_0|^{1/n}` after ``periods`` periods of the array code (x0 = 1)."""
    rule = numerics.rule_of(m, params)
    state = rule.init(np.ones(lam.size))
    for t in range(1, periods * kk + 1):
        state = rule.step(state, lambda y: lam * y, t)
    return np.abs(state[0]) ** (1.0 / periods)


def lookahead_gd_errors() -> dict:
    eta, lam = 1.0, np.linspace(0.0, 1.0, 201)[1:]
    m = lookahead(numerics.form("gd"), LA_K)
    sim = _sync_factors(m, {"eta": eta, "la_alpha": LA_ALPHA}, lam, 8, LA_K)
    derived = np.abs(1 - LA_ALPHA + LA_ALPHA * (1 - eta * lam) ** LA_K)
    return {"max_rel": float(np.max(np.abs(sim / derived - 1))), "n": lam.size}


def _la_gd_claim() -> Claim:
    def confirm() -> Comparison:
        e = lookahead_gd_errors()
        return Comparison(e["max_rel"], 0.0, 1e-12, Guarantee.TIGHT,
                          r"largest relative difference: outer factor of a run vs $1 - \alpha + \alpha(1 - \eta\lambda)^k$",
                          f"k = {LA_K}, alpha = {LA_ALPHA}, eta = 1, {e['n']} modes with eta*lambda in (0, 1], 8 periods")

    return Claim("linear-family.lookahead-gd-outer", TOPIC,
                 r"Lookahead over gradient descent multiplies the error on an eigen-direction by "
                 r"$1 - \alpha + \alpha(1 - \eta\lambda)^k$ per period of $k$ inner steps (derived by the engine "
                 r"from the update rule for $k = 1, 2, 3, 5$; a run agrees to $10^{-12}$).",
                 lookahead_gd_derivation, confirm)


def never_faster_margin() -> dict:
    r"""Smallest (simulated per-step rate)/(1 - eta lambda)^alpha over alpha and modes with 0 < eta lambda <= 0.8.

    The modes stop at eta lambda = 0.8: beyond it (1 - eta lambda)^k is so small next to phi that the slow step
    phi + alpha (x - phi) rounds x away in float64 (at alpha = 1, k = 10, eta lambda = 0.98 the run returns 0);
    the symbolic proof covers the whole range [0, 1]."""
    lam = np.linspace(0.0, 0.8, 81)[1:]
    worst, at = math.inf, None
    for a in (0.1, 0.3, 0.5, 0.8, 1.0):
        for kk in (2, 5, 10):
            per_step = _sync_factors(lookahead(numerics.form("gd"), kk), {"eta": 1.0, "la_alpha": a}, lam, 6, kk) ** (1 / kk)
            ratio = per_step / (1 - lam) ** a
            i = int(np.argmin(ratio))
            if ratio[i] < worst:
                worst, at = float(ratio[i]), (a, kk, float(lam[i]))
    return {"ratio": worst, "at": at}


def _la_never_faster_claim() -> Claim:
    def confirm() -> Comparison:
        e = never_faster_margin()
        return Comparison(e["ratio"], 1.0, 1e-9, Guarantee.LOWER,
                          r"smallest ratio of Lookahead's simulated rate per inner step to $(1 - \eta\lambda)^{\alpha}$",
                          f"alpha in 0.1..1, k in 2, 5, 10, 80 modes with eta*lambda in (0, 0.8] (float64 rounding beyond); minimum at "
                          f"(alpha, k, eta*lambda) = {e['at']}")

    return Claim("linear-family.lookahead-gd-never-faster", TOPIC,
                 r"With a gradient-descent inner loop and $\alpha \in (0, 1]$, Lookahead is never faster per step than "
                 r"gradient descent on modes with $0 \le \eta\lambda \le 1$: its rate per inner step is at least "
                 r"$(1 - \eta\lambda)^{\alpha} \ge 1 - \eta\lambda$ (weighted AM--GM, proved symbolically).",
                 lf.lookahead_never_faster_derivation, confirm)


def least_squares_spectrum(seed: int = 11, n: int = 400, d: int = 30) -> np.ndarray:
    r"""Eigenvalues of :math:`X^\top X/n` for a design with feature scales from 1 to 12 (fixed seed)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.geomspace(1.0, 12.0, d)
    return np.sort(hessian_eigenvalues(X))


@cache
def lookahead_hb_derivation():
    model = engine_model(lookahead(numerics.form("heavy-ball", "velocity"), LA_K, reset_inner_state=True))
    return lf.lookahead_heavy_ball_derivation(sp.solve(model.reduced, linear_engine.Z)[0], LA_K)


@cache
def lookahead_hb_run() -> dict:
    lam = least_squares_spectrum()
    mu, L_ = float(lam[0]), float(lam[-1])
    kappa = L_ / mu
    inner = numerics.form("heavy-ball", "velocity")
    polyak = numerics.form("heavy-ball", "polyak")
    p = tuned_params(polyak, "optimal", mu, L_)
    params = {"eta": p["alpha"], "beta": p["beta"], "la_alpha": LA_ALPHA}
    out = {"kappa": kappa, "threshold": float(lf.lookahead_hb_threshold(LA_K, LA_ALPHA)), "mu": mu, "L": L_}
    c_L = float(lf.lookahead_hb_outer_at_L(kappa, LA_K, LA_ALPHA))
    out["predicted_step"] = abs(c_L) ** (1 / LA_K)
    for reset in (True, False):
        m = lookahead(inner, LA_K, reset_inner_state=reset)
        w = engine_worst_case(m, params, mu, L_)
        rec = measure_rate(m, eigenvalues=lam, params=params, steps=400)
        key = "reset" if reset else "keep"
        out[key] = {"engine": float(w.rate), "engine_at": float(w.lam), "simulated": rec["rate_simulated"],
                    "diverged": rec["diverged"], "growth": rec.get("growth_factor")}
    out["hb_alone"] = float(theory_rate(polyak, p, mu, L_))
    return out


def _la_hb_claim() -> Claim:
    def confirm() -> Comparison:
        e = lookahead_hb_run()
        return Comparison(e["reset"]["simulated"], e["predicted_step"], 1e-3, Guarantee.TIGHT,
                          r"growth per inner step: run vs $|c(L)|^{1/k}$, $c(L) = 1 - \alpha + \alpha(-q)^k(1 + k(1+q))$",
                          f"least-squares Hessian X^T X/n (400 x 30, seed 11), kappa = {e['kappa']:.4g} > threshold "
                          f"{e['threshold']:.4g}; heavy ball alone: rate {e['hb_alone']:.6g}; keep-state convention: "
                          f"engine {e['keep']['engine']:.6g}, run {e['keep']['simulated']:.6g}")

    def reference() -> Comparison:
        e = lookahead_hb_run()
        return Comparison(e["reset"]["engine"], e["predicted_step"], 1e-10, Guarantee.TIGHT,
                          r"engine's per-step rate of the period matrix vs the closed form $|c(L)|^{1/k}$",
                          f"engine maximum at lambda = {e['reset']['engine_at']:.6g} (L = {e['L']:.6g})")

    return Claim("linear-family.lookahead-hb-reset", TOPIC,
                 r"Lookahead ($k = 5$, $\alpha = 0.5$, momentum buffer reset at each sync) over heavy ball at "
                 r"Polyak's tuning diverges on a least-squares Hessian although heavy ball alone converges: the "
                 r"outer factor at $\lambda = L$ is $1 - \alpha + \alpha(-q)^k(1 + k(1+q))$, below $-1$ once "
                 r"$q^5(6 + 5q) > 3$, i.e.\ $\kappa > 70.4$; the growth per inner step is predicted.",
                 lookahead_hb_derivation, confirm,
                 reference=Reference("Polyak (1964)"), reference_check=reference)


CLAIMS += [_la_gd_claim(), _la_never_faster_claim(), _la_hb_claim()]

# ----------------------------------------------------------------------------- Lookahead: best alpha (extrapolation)
from .lookahead_alpha import CLAIMS as _LOOKAHEAD_ALPHA  # noqa: E402

CLAIMS += _LOOKAHEAD_ALPHA
