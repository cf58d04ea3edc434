r"""Claims of topic 'noisy-quadratic': exact expected losses and stationary variances under gradient noise.

Every numeric confirmation is a Monte Carlo run (:func:`proofs.noisy_quadratic.noisy_run` through the seam
:func:`numerics.noisy.noisy_moments`, backend ``auto``: the fused kernel for these sizes; many replicas per eigenvalue) against the exact expectation derived from the method value (theory/noisy_quadratic.py).  The
tolerance is derived from the run's own standard error: the simulated mean must lie within
:data:`~proofs.noisy_quadratic.Z_TOLERANCE` = 5 standard errors of the exact value at every recorded step.  With
Gaussian errors a 5-se deviation has probability :math:`5.7\times 10^{-7}` per step, and the seeds are fixed, so
a failure means the theory (or the simulation) is wrong, not bad luck; the relative resolution is a few tenths of
a per cent, so an error of one per cent in a formula fails.
"""
from __future__ import annotations

import math
from functools import cache

import mpmath

from ratecheck import numerics
from ratecheck.numerics import noise as noise_models
from ratecheck.numerics.averaging import Average, averaged_output
from ratecheck.numerics.linear_family import lookahead
from ratecheck.theory import noisy_quadratic as nq
from ratecheck.theory.linear_engine import LAMBDA

from ..claim import Claim, Comparison, Guarantee, Reference
from ..noisy_quadratic import Z_TOLERANCE, model, noisy_run, scalars_constant, stationary_second_moment

__all__ = ["CLAIMS", "sgd_derivation", "heavy_ball_derivation", "nesterov_derivation", "polyak_ruppert_derivation",
           "ema_derivation", "lookahead_derivation", "curve_run", "CURVE", "LOOKAHEAD", "LOOKAHEAD_KS"]

TOPIC = "noisy-quadratic"
SIGMA = 1.0
#: the loss-curve claim: heavy ball on three eigenvalues from e0 = 1 under additive noise
CURVE = {"params": {"alpha": 0.2, "beta": 0.7}, "eigenvalues": (0.1, 1.0, 4.0), "steps": 200, "every": 10,
         "replicas": 50_000, "sigma": 0.01}
#: Lookahead over SGD: inner step, slow-weights step, k
LOOKAHEAD = {"eta": 0.1, "la_alpha": 0.5, "k": 5}
#: the k for which the engine's period model is solved symbolically
LOOKAHEAD_KS = (1, 2, 3)


def _gd():
    return numerics.form("gd")


@cache
def sgd_derivation():
    return nq.sgd_stationary_derivation(model(_gd()))


@cache
def heavy_ball_derivation():
    m = model(numerics.form("heavy-ball"))
    a, b = m.params["alpha"], m.params["beta"]
    return nq.momentum_stationary_derivation(m, "heavy ball", 1 + b - a * LAMBDA, -b, a)


@cache
def nesterov_derivation():
    m = model(numerics.form("nesterov"))
    a, b = m.params["alpha"], m.params["beta"]
    return nq.momentum_stationary_derivation(m, "Nesterov's method", (1 + b) * (1 - a * LAMBDA), -b * (1 - a * LAMBDA), a)


@cache
def polyak_ruppert_derivation():
    return nq.polyak_ruppert_derivation()


@cache
def ema_derivation():
    return nq.ema_ratio_derivation()


@cache
def lookahead_derivation():
    return nq.lookahead_derivation({k: model(lookahead(_gd(), k)) for k in LOOKAHEAD_KS})


def _stationary_claim(cid, statement, derivation, method, params, lam, steps, replicas, closed, seed, reference=None,
                      reference_check=None, name=""):
    r"""Simulated stationary variance (from x0 = x*, after ``steps`` steps) vs the derived one, 5 standard errors."""

    @cache
    def run():
        return noisy_run(method, params, [lam], noise_models.additive(SIGMA), steps=steps, record_steps=[steps],
                         replicas=replicas, seed=seed, e0=0.0, high_precision=True)

    def confirm():
        r = run()
        mc = float(r["loss"][-1]) * 2 / lam  # E[e^2] from the loss lambda/2 E[e^2]
        se = float(r["loss_stderr"][-1]) * 2 / lam
        expected = float(closed())
        return Comparison(mc, expected, Z_TOLERANCE * se / expected, Guarantee.TIGHT,
                          rf"stationary variance of {name}: mean of $e_T^2$ over $" + f"{replicas:,}".replace(",", "{,}")
                          + r"$ replicas vs the derived value",
                          f"tolerance {Z_TOLERANCE:g} standard errors (se = {se:.3g}); T = {steps} steps from x0 = x*, "
                          f"lambda = {lam:g}, sigma = {SIGMA:g}, params {params}")

    return Claim(cid, TOPIC, statement, derivation, confirm, reference=reference, reference_check=reference_check)


def _sgd_claim() -> Claim:
    eta, lam = 0.1, 1.0
    return _stationary_claim(
        f"{TOPIC}.sgd-stationary-variance",
        r"Under additive noise $g = \lambda x + w$, $\mathbb{E}w^2 = \sigma^2$, SGD with step $\eta$ "
        r"($0 < \eta\lambda < 2$) has the stationary variance $\eta\sigma^2/(\lambda(2 - \eta\lambda))$ per "
        r"direction, the solution of the Lyapunov equation $P = (1-\eta\lambda)^2 P + \eta^2\sigma^2$.",
        sgd_derivation, _gd(), {"eta": eta}, lam, 100, 100_000, lambda: nq.sgd_variance(eta, lam, SIGMA ** 2), 11,
        name="SGD")


def _momentum_claim(which: str) -> Claim:
    m = numerics.form(which)
    params = {"alpha": 0.1, "beta": 0.8}
    lam = 1.0
    a, b = params["alpha"], params["beta"]
    if which == "heavy-ball":
        phi1, phi2, deriv, name = 1 + b - a * lam, -b, heavy_ball_derivation, "heavy ball"
    else:
        phi1, phi2, deriv, name = (1 + b) * (1 - a * lam), -b * (1 - a * lam), nesterov_derivation, "Nesterov"
    published = nq.ar2_stationary_variance(phi1, phi2, a * a * SIGMA ** 2)

    def closed():
        return stationary_second_moment(m, params, lam, SIGMA ** 2)

    def reference_check():
        return Comparison(closed(), published, 1e-12, Guarantee.TIGHT,
                          r"Lyapunov solution of the traced model (40 digits) vs the AR(2) stationary variance", "")

    form = m.name
    return _stationary_claim(
        f"{TOPIC}.{which}-stationary-variance",
        rf"{name.capitalize() if which == 'heavy-ball' else name}'s method (form \texttt{{{form}}}) under additive "
        r"noise: its iterate is an AR(2) process, and the stationary variance from the Lyapunov equation of the "
        r"traced update is the AR(2) variance $\frac{1-\phi_2}{(1+\phi_2)((1-\phi_2)^2-\phi_1^2)}\alpha^2\sigma^2$.",
        deriv, m, params, lam, 150, 100_000, closed, 12 if which == "heavy-ball" else 13,
        reference=Reference("Box, Jenkins & Reinsel, Time Series Analysis, Sec. 3.2.4", published,
                            "stationary variance of an AR(2) process"),
        reference_check=reference_check, name=name)


def curve_run():
    c = CURVE
    return _curve_run(tuple(sorted(c["params"].items())))


@cache
def _curve_run(params):
    c = CURVE
    return noisy_run(numerics.form("heavy-ball"), dict(params), list(c["eigenvalues"]), noise_models.additive(c["sigma"]),
                     steps=c["steps"], record_steps=range(0, c["steps"] + 1, c["every"]), replicas=c["replicas"],
                     seed=21, e0=1.0, high_precision=True)


def _curve_comparison(r, what: str) -> Comparison:
    n = len(r["record_steps"])
    return Comparison(r["max_z"], 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                      rf"largest $|\bar f_t - \mathbb{{E}} f_t|/\mathrm{{se}}_t$ over ${n}$ recorded steps ({what})",
                      f"tolerance {Z_TOLERANCE:g} standard errors at every step; {r['directions']:,} directions; "
                      f"last step: simulated {r['loss'][-1]:.6g} +- {r['loss_stderr'][-1]:.2g}, exact "
                      f"{r['loss_predicted'][-1]:.6g}")


def _curve_claim() -> Claim:
    return Claim(
        f"{TOPIC}.expected-loss-curve",
        TOPIC,
        r"For heavy ball ($\alpha = 0.2$, $\beta = 0.7$) on the eigenvalues $0.1, 1, 4$ from $e_0 = 1$ under "
        r"additive noise $\sigma = 0.01$, the exact expected loss $\mathbb{E}f(x_t) - f^*$ from the mean and Lyapunov "
        r"recursions (bias plus variance) is what a Monte Carlo run gives, within $5$ standard errors at every "
        r"recorded step.",
        lambda: model(numerics.form("heavy-ball")).derivation,
        lambda: _curve_comparison(curve_run(), r"heavy ball, additive noise"))


@cache
def _minibatch_run():
    lam = [0.01 * 2 ** j for j in range(7)]  # 0.01 .. 0.64
    return noisy_run(numerics.form("nesterov"), {"alpha": 1.0, "beta": 0.5}, lam, noise_models.minibatch(8), steps=200,
                     record_steps=range(0, 201, 10), replicas=10_000, seed=31, e0=1.0, high_precision=True)


def _minibatch_claim() -> Claim:
    return Claim(
        f"{TOPIC}.minibatch-loss-curve",
        TOPIC,
        r"Under minibatch noise $\mathrm{Cov}\,\xi = H/B$ (the noisy quadratic model, $B = 8$), Nesterov's method "
        r"($\alpha = 1$, $\beta = 0.5$) on seven eigenvalues $0.01, 0.02, \dots, 0.64$ from $e_0 = 1$: exact expected "
        r"loss and Monte Carlo agree within $5$ standard errors at every recorded step.",
        lambda: model(numerics.form("nesterov")).derivation,
        lambda: _curve_comparison(_minibatch_run(), r"Nesterov, minibatch noise"))


PR = {"etas": (0.2, 0.8), "lam": 1.0, "record": (10, 50, 200), "replicas": 50_000}


@cache
def _pr_runs():
    m = averaged_output(_gd(), Average("polyak"))
    return [noisy_run(m, {"eta": eta}, [PR["lam"]], noise_models.additive(SIGMA), steps=PR["record"][-1],
                      record_steps=PR["record"], replicas=PR["replicas"], seed=41 + i, e0=0.0, high_precision=True)
            for i, eta in enumerate(PR["etas"])]


def _pr_claim() -> Claim:
    lam = PR["lam"]

    def confirm():
        runs = _pr_runs()
        zs = []
        for eta, r in zip(PR["etas"], runs):
            q = 1 - eta * lam
            closed = [nq.polyak_ruppert_variance(q, lam, SIGMA ** 2, T) * lam / 2 for T in PR["record"]]
            zs += [abs(a - b) / s for a, b, s in zip(r["loss"], closed, r["loss_stderr"])]
        return Comparison(max(zs), 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                          r"largest $|\widehat{\mathrm{Var}}\,\bar x_T - \mathrm{Var}\,\bar x_T|/\mathrm{se}$, "
                          r"$T \in \{10, 50, 200\}$, $\eta \in \{0.2, 0.8\}$",
                          f"tolerance {Z_TOLERANCE:g} standard errors; {PR['replicas']:,} replicas; the closed form is "
                          "the derivation's, the simulation the Polyak-Ruppert averaged_output of gd (x0 excluded)")

    T = 100_000
    eta = 0.2
    q = 1 - eta * lam

    def reference_check():
        exact = T * nq.polyak_ruppert_variance(mpmath.mpf(q), mpmath.mpf(lam), 1, T)
        limit = SIGMA ** 2 / lam ** 2
        first_order = 2 * q / (1 - q) / T  # the relative size of the first correction term of the closed form
        return Comparison(float(exact), limit, 1.5 * first_order, Guarantee.TIGHT,
                          r"$T\,\mathrm{Var}\,\bar x_T$ at $T = 10^5$ vs the limit $\sigma^2/\lambda^2$",
                          "tolerance 1.5 x the first-order correction 2q/((1-q)T)")

    return Claim(
        f"{TOPIC}.polyak-ruppert-variance",
        TOPIC,
        r"The Polyak--Ruppert average $\bar x_T = \frac1T\sum_{t=1}^T x_t$ of SGD from $x_0 = x^*$ has the exact variance "
        r"$\frac{\sigma^2}{\lambda^2T^2}\bigl(T - \frac{2q(1-q^T)}{1-q} + \frac{q^2(1-q^{2T})}{1-q^2}\bigr)$, "
        r"$q = 1 - \eta\lambda$, and $T\,\mathrm{Var}\,\bar x_T \to \sigma^2/\lambda^2$ whatever $\eta$ is.",
        polyak_ruppert_derivation, confirm,
        reference=Reference("Polyak & Juditsky (1992), SIAM J. Control Optim. 30(4)", SIGMA ** 2 / lam ** 2,
                            r"asymptotic variance $\sigma^2/(T\lambda^2)$ of the averaged iterate"),
        reference_check=reference_check)


EMA = {"eta": 0.1, "beta": 0.9, "lam": 1.0}


def _ema_claim() -> Claim:
    eta, beta, lam = EMA["eta"], EMA["beta"], EMA["lam"]
    q = 1 - eta * lam
    m = averaged_output(_gd(), Average("ema", alpha=beta, start="x0"))  # z_0 = x_0, weight 1 - beta at every step

    def closed():
        return nq.ema_ratio(beta, q) * nq.sgd_variance(eta, lam, SIGMA ** 2)

    c = _stationary_claim(
        f"{TOPIC}.ema-variance-ratio",
        r"The EMA $z_{t+1} = \beta z_t + (1-\beta)x_{t+1}$ of SGD's iterates has the stationary variance ratio "
        r"$\mathrm{Var}\,z/\mathrm{Var}\,x = \frac{(1-\beta)(1+\beta q)}{(1+\beta)(1-\beta q)}$, $q = 1-\eta\lambda$: "
        r"the iterates are correlated, and the white-noise ratio $(1-\beta)/(1+\beta)$ holds only at $q = 0$ "
        r"(at $\eta\lambda = 0.1$, $\beta = 0.9$: $0.501$, not $0.0526$).",
        ema_derivation, m, {"eta": eta}, lam, 250, 100_000, closed, 51, name="the EMA")

    def engine_check():
        # the filter's weight is a per-step scalar; from x0 it is 1 - beta at every step, so one step is the period
        # (checked over the simulated steps, not assumed)
        if not scalars_constant(m, {"eta": eta}, 250):
            raise AssertionError("the EMA's per-step weight changes with t: no one-step stationary equation")
        return Comparison(stationary_second_moment(m, {"eta": eta}, lam, SIGMA ** 2, period=1), closed(), 1e-12,
                          Guarantee.TIGHT, r"Lyapunov solution of the traced EMA method value vs the closed form", "")

    from dataclasses import replace

    return replace(c, reference=Reference("the Lyapunov equation of the traced EMA method value (40 digits)",
                                          closed(), "the closed form again, from the method value instead of by hand"),
                   reference_check=engine_check)


def _lookahead_claim() -> Claim:
    p = LOOKAHEAD
    m = lookahead(_gd(), p["k"])
    params = {"eta": p["eta"], "la_alpha": p["la_alpha"]}
    lam = 1.0
    q = 1 - p["eta"] * lam
    published = nq.lookahead_ratio(p["la_alpha"], q, p["k"]) * nq.sgd_variance(p["eta"], lam, SIGMA ** 2)

    def closed():
        return stationary_second_moment(m, params, lam, SIGMA ** 2)

    def reference_check():
        return Comparison(closed(), published, 1e-12, Guarantee.TIGHT,
                          r"period Lyapunov solution of the traced Lookahead value vs Zhang et al.'s Proposition 1", "")

    return _stationary_claim(
        f"{TOPIC}.lookahead-slow-variance",
        r"Lookahead over SGD ($k = 5$, $\alpha = 0.5$, $\eta\lambda = 0.1$): at sync points the slow weights' "
        r"stationary variance is $\frac{\alpha^2(1-q^{2k})}{\alpha^2(1-q^{2k}) + 2\alpha(1-\alpha)(1-q^k)}$ times "
        r"SGD's at the same inner step ($0.443$ here), smaller for every $0 < \alpha < 1$.",
        lookahead_derivation, m, params, lam, 200, 100_000, closed, 61,
        reference=Reference("Zhang, Lucas, Hinton & Ba (2019), NeurIPS, Proposition 1", published,
                            "steady-state variance of the slow weights"),
        reference_check=reference_check, name="Lookahead's slow weights")


#: the batch-scaling claim: SGD on a power-law spectrum, Cov = H/B, target a quarter of the initial loss
BATCH = {"spectrum": "power-law:L=1,exponent=1", "dim": 200, "scale": 1.0, "batches": tuple(4 ** j for j in range(8)),
         "target_fraction": 0.25}


@cache
def small_batch_derivation():
    return nq.small_batch_derivation(model(_gd()))


@cache
def batch_scaling_run():
    from ratecheck.numerics import spectra

    from ..batch_scaling import batch_scaling

    c = BATCH
    lam = spectra.parse(c["spectrum"]).eigenvalues(c["dim"], seed=1)
    e0_sq = 1.0 / lam.size
    target = c["target_fraction"] * float((lam / 2 * e0_sq).sum())
    return batch_scaling(lam, noise_models.minibatch(None, c["scale"]), target, c["batches"], e0_sq=e0_sq)


def _batch_claim() -> Claim:
    def confirm():
        r = batch_scaling_run()
        f = r["fits"]
        pts = {p["batch"]: p for p in r["points"]}
        lo, hi = f["small_batch_range"]
        return Comparison(f["eta_exponent_small_batch"], 1.0, 0.02, Guarantee.TIGHT,
                          r"exponent of the fastest learning rate against $B$ for $B \le B_{\mathrm{crit}}/16$ (exact "
                          r"curves) vs $1$",
                          f"fit over B in [{lo}, {hi}]; critical batch {f['critical_batch']:.4g}; best eta "
                          f"{pts[lo]['best_eta']:.4g} -> {pts[hi]['best_eta']:.4g} (a square-root rule would give a factor "
                          f"{math.sqrt(hi / lo):.3g}, not {pts[hi]['best_eta'] / pts[lo]['best_eta']:.3g}); noise-free "
                          f"best eta {f['best_eta_noise_free']:.4g}, which the largest batch approaches "
                          f"({pts[max(pts)]['best_eta']:.4g}); tolerance 0.02 for the discrete-time correction")

    return Claim(
        f"{TOPIC}.sgd-batch-scaling",
        TOPIC,
        r"Under minibatch noise $\mathrm{Cov}\,\xi = H/B$, the learning rate with which SGD reaches a target expected "
        r"loss soonest grows linearly with the batch size below the critical batch size ($\eta^* \propto B$, steps "
        r"$\propto 1/B$) and saturates at the noise-free optimum above it; it does not follow "
        r"$\eta \propto \sqrt{B}$ in either regime (power-law spectrum, $d = 200$, target a quarter of the initial "
        r"loss, $B = 1, 4, \dots, 4^7$).",
        small_batch_derivation, confirm, refutes=r"note 003, Sec. 7.2: scale the learning rate as $\mathrm{lr} \propto \sqrt{\text{batch size}}$",
        reference=Reference("Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue & Grosse (2019)", None,
                            "linear scaling up to a critical batch size in the noisy quadratic model"))


CLAIMS: tuple[Claim, ...] = (
    _sgd_claim(), _momentum_claim("heavy-ball"), _momentum_claim("nesterov"), _curve_claim(), _minibatch_claim(),
    _pr_claim(), _ema_claim(), _lookahead_claim(), _batch_claim(),
)

# batch-size scaling with momentum (heavy ball against SGD on BATCH's problem): proofs/claims/batch_scaling_momentum.py
from ratecheck.proofs.claims.batch_scaling_momentum import CLAIMS as _MOMENTUM_BATCH  # noqa: E402

CLAIMS += _MOMENTUM_BATCH

# the same comparisons under Rademacher noise (dist=rademacher): proofs/claims/noisy_rademacher.py
from ratecheck.proofs.claims.noisy_rademacher import CLAIMS as _RADEMACHER  # noqa: E402

CLAIMS += _RADEMACHER
