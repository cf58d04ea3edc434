r"""Claims of topic 'noisy-quadratic' under Rademacher noise: the same exact expectations, a second noise law.

The exact expected loss and the stationary covariance come from the mean and Lyapunov recursions, which use
only :math:`\mathbb E\xi = 0` and :math:`\mathbb E\xi^2` (:func:`theory.noise_moments.moment_recursion_derivation`);
so the closed forms of :mod:`proofs.claims.noisy_quadratic` must hold when each draw is a fair sign
:math:`\pm\sigma` instead of a normal.  Each claim here runs the same Monte Carlo comparison with
``dist=rademacher`` (:func:`numerics.random.rademacher_signs`, drawn inside the fused kernel): the simulated mean
within :data:`~proofs.noisy_quadratic.Z_TOLERANCE` = 5 of its own standard errors (estimated from the run's
:math:`\sum e^2` and :math:`\sum e^4`; with :math:`\mathbb E\zeta^4 = 1` they are smaller than the Gaussian
runs') of the derived value at every recorded step.  The derived values are those of the Gaussian claims, from
the same derivations (SGD's closed form, the AR(2) variance of Box, Jenkins & Reinsel, the traced model's
recursion); the simulation is independent of them.
"""
from __future__ import annotations

from functools import cache

from ratecheck import numerics
from ratecheck.numerics import noise as noise_models
from ratecheck.theory import noise_moments
from ratecheck.theory import noisy_quadratic as nq
from ratecheck.theory.derivation import Derivation

from ..claim import Claim, Comparison, Guarantee, Reference
from ..noisy_quadratic import Z_TOLERANCE, model, noisy_run, stationary_second_moment

__all__ = ["CLAIMS", "DIST", "moment_derivation", "stationary_run", "curve_run", "minibatch_run", "STATIONARY",
           "CURVE", "MINIBATCH"]

TOPIC = "noisy-quadratic"
DIST = "rademacher"
SIGMA = 1.0
#: the stationary claims: method form, parameters, eigenvalue, steps from x0 = x*, replicas, seed (500,000 replicas:
#: 5 standard errors are about 1 % of the variance, so a 2 % error in the closed form fails)
STATIONARY = {
    "gd": {"params": {"eta": 0.1}, "lam": 1.0, "steps": 100, "replicas": 500_000, "seed": 111},
    "heavy-ball": {"params": {"alpha": 0.1, "beta": 0.8}, "lam": 1.0, "steps": 150, "replicas": 500_000, "seed": 112},
}
#: the loss-curve claim: the Gaussian claim's problem (proofs.claims.noisy_quadratic.CURVE), another seed
CURVE = {"params": {"alpha": 0.2, "beta": 0.7}, "eigenvalues": (0.1, 1.0, 4.0), "steps": 200, "every": 10,
         "replicas": 50_000, "sigma": 0.01, "seed": 121}
#: the minibatch claim: Nesterov, Cov = H/B with B = 8 on 0.01 .. 0.64 (the Gaussian claim's problem)
MINIBATCH = {"params": {"alpha": 1.0, "beta": 0.5}, "eigenvalues": tuple(0.01 * 2 ** j for j in range(7)), "batch": 8,
             "steps": 200, "every": 10, "replicas": 10_000, "seed": 131}


@cache
def moment_derivation() -> Derivation:
    return noise_moments.moment_recursion_derivation()


def _joined(title: str, *parts: Derivation) -> Derivation:
    """One derivation: the two-moment argument, then the closed form's own steps."""
    d = Derivation(TOPIC, title, symbols={k: s for p in parts for k, s in p.symbols.items()},
                   source="; ".join(p.source for p in parts if p.source))
    for p in parts:
        for s in p.steps:
            d.add(s)
        d.results.update(p.results)
    return d


@cache
def stationary_run(which: str):
    c = STATIONARY[which]
    return noisy_run(numerics.form(which), c["params"], [c["lam"]], noise_models.additive(SIGMA, DIST),
                     steps=c["steps"], record_steps=[c["steps"]], replicas=c["replicas"], seed=c["seed"], e0=0.0,
                     high_precision=True)


def stationary_closed_form(which: str) -> float:
    """The derived stationary variance: SGD's closed form, heavy ball's AR(2) variance (the Lyapunov solution of
    the traced model, 40 digits, is the reference check)."""
    c = STATIONARY[which]
    if which == "gd":
        return float(nq.sgd_variance(c["params"]["eta"], c["lam"], SIGMA ** 2))
    a, b, lam = c["params"]["alpha"], c["params"]["beta"], c["lam"]
    return float(nq.ar2_stationary_variance(1 + b - a * lam, -b, a * a * SIGMA ** 2))


def _stationary_claim(which: str, name: str, statement: str, derivation) -> Claim:
    c = STATIONARY[which]

    def confirm():
        r = stationary_run(which)
        lam = c["lam"]
        mc = float(r["loss"][-1]) * 2 / lam  # E[e^2] from the loss lambda/2 E[e^2]
        se = float(r["loss_stderr"][-1]) * 2 / lam
        expected = stationary_closed_form(which)
        return Comparison(mc, expected, Z_TOLERANCE * se / expected, Guarantee.TIGHT,
                          rf"stationary variance of {name}, Rademacher noise: mean of $e_T^2$ over $"
                          + f"{c['replicas']:,}".replace(",", "{,}") + r"$ replicas vs the derived value",
                          f"tolerance {Z_TOLERANCE:g} standard errors (se = {se:.3g}); T = {c['steps']} steps from "
                          f"x0 = x*, lambda = {lam:g}, xi = +-{SIGMA:g} (fair signs), params {c['params']}")

    def reference_check():
        exact = stationary_second_moment(numerics.form(which), c["params"], c["lam"], SIGMA ** 2)
        return Comparison(exact, stationary_closed_form(which), 1e-12, Guarantee.TIGHT,
                          r"Lyapunov solution of the traced model (40 digits) vs the closed form", "")

    ref = (Reference("Box, Jenkins & Reinsel, Time Series Analysis, Sec. 3.2.4", stationary_closed_form(which),
                     "stationary variance of an AR(2) process") if which == "heavy-ball" else
           Reference("the Lyapunov equation of the traced gd value (40 digits)", stationary_closed_form(which),
                     "SGD's closed form again, from the method value"))
    return Claim(f"{TOPIC}.rademacher-{'sgd' if which == 'gd' else which}-stationary-variance", TOPIC, statement,
                 derivation, confirm, reference=ref, reference_check=reference_check)


@cache
def _sgd_derivation():
    from . import noisy_quadratic as gaussian  # (lazily: that module appends these claims to its CLAIMS)

    return _joined(r"Stationary variance of SGD under zero-mean noise of variance $\sigma^2$, any law",
                   moment_derivation(), gaussian.sgd_derivation())


@cache
def _heavy_ball_derivation():
    from . import noisy_quadratic as gaussian

    return _joined(r"Stationary variance of heavy ball under zero-mean noise of variance $\sigma^2$, any law",
                   moment_derivation(), gaussian.heavy_ball_derivation())


@cache
def curve_run():
    c = CURVE
    return noisy_run(numerics.form("heavy-ball"), c["params"], list(c["eigenvalues"]),
                     noise_models.additive(c["sigma"], DIST), steps=c["steps"],
                     record_steps=range(0, c["steps"] + 1, c["every"]), replicas=c["replicas"], seed=c["seed"],
                     e0=1.0, high_precision=True)


@cache
def minibatch_run():
    c = MINIBATCH
    return noisy_run(numerics.form("nesterov"), c["params"], list(c["eigenvalues"]),
                     noise_models.minibatch(c["batch"], dist=DIST), steps=c["steps"],
                     record_steps=range(0, c["steps"] + 1, c["every"]), replicas=c["replicas"], seed=c["seed"],
                     e0=1.0, high_precision=True)


def _curve_comparison(r, what: str) -> Comparison:
    n = len(r["record_steps"])
    return Comparison(r["max_z"], 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                      rf"largest $|\bar f_t - \mathbb{{E}} f_t|/\mathrm{{se}}_t$ over ${n}$ recorded steps ({what})",
                      f"tolerance {Z_TOLERANCE:g} standard errors at every step; {r['directions']:,} directions; "
                      f"noise {r['noise']}; last step: simulated {r['loss'][-1]:.6g} +- {r['loss_stderr'][-1]:.2g}, "
                      f"exact {r['loss_predicted'][-1]:.6g}")


@cache
def _curve_derivation(which: str):
    return _joined(rf"Exact expected loss of {'heavy ball' if which == 'heavy-ball' else 'Nesterov' + chr(39) + 's method'}"
                   r" under zero-mean noise, any law", moment_derivation(), model(numerics.form(which)).derivation)


def _claims() -> tuple[Claim, ...]:
    sgd = _stationary_claim(
        "gd", "SGD",
        r"Under additive noise whose draws are fair signs $\pm\sigma$ (Rademacher), SGD with step $\eta$ has the "
        r"stationary variance $\eta\sigma^2/(\lambda(2 - \eta\lambda))$ of the Gaussian case: the Lyapunov equation "
        r"uses only the noise's mean $0$ and variance $\sigma^2$ ($\eta\lambda = 0.1$).",
        _sgd_derivation)
    hb = _stationary_claim(
        "heavy-ball", "heavy ball",
        r"Under Rademacher noise $\pm\sigma$, heavy ball ($\alpha = 0.1$, $\beta = 0.8$, $\lambda = 1$) has the AR(2) "
        r"stationary variance $\frac{1-\phi_2}{(1+\phi_2)((1-\phi_2)^2-\phi_1^2)}\alpha^2\sigma^2$ of the Gaussian case.",
        _heavy_ball_derivation)
    curve = Claim(
        f"{TOPIC}.rademacher-loss-curve", TOPIC,
        r"For heavy ball ($\alpha = 0.2$, $\beta = 0.7$) on the eigenvalues $0.1, 1, 4$ from $e_0 = 1$ under additive "
        r"Rademacher noise $\pm 0.01$, the exact expected loss of the mean and Lyapunov recursions --- the same curve "
        r"as under Gaussian noise of the same variance --- is what a Monte Carlo run gives, within $5$ standard errors "
        r"at every recorded step.",
        lambda: _curve_derivation("heavy-ball"), lambda: _curve_comparison(curve_run(), "heavy ball, Rademacher noise"))
    minibatch = Claim(
        f"{TOPIC}.rademacher-minibatch-loss-curve", TOPIC,
        r"Under minibatch noise $\mathrm{Cov}\,\xi = H/B$ ($B = 8$) drawn as fair signs $\pm\sqrt{\lambda_i/B}$, "
        r"Nesterov's method ($\alpha = 1$, $\beta = 0.5$) on $0.01, 0.02, \dots, 0.64$ from $e_0 = 1$: exact expected "
        r"loss and Monte Carlo agree within $5$ standard errors at every recorded step.",
        lambda: _curve_derivation("nesterov"),
        lambda: _curve_comparison(minibatch_run(), "Nesterov, minibatch Rademacher noise"))
    return sgd, hb, curve, minibatch


CLAIMS: tuple[Claim, ...] = _claims()
