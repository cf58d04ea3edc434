r"""Claims of topic 'schedules-noise': learning-rate schedules under gradient noise (the noisy quadratic model).

The exact final expected loss :math:`\mathbb E f(x_T) - f^*` of a scheduled method, bias and variance parts, comes
from the mean and Lyapunov recursions of the traced scheduled method value (:func:`proofs.noisy_quadratic.
exact_second_moment`, 30 digits; theory/schedules_noise.py derives the scalar case of SGD).  Every numeric
confirmation is a Monte Carlo run (:func:`proofs.noisy_quadratic.noisy_run`: many replicas per eigenvalue) and
agrees within :data:`~proofs.noisy_quadratic.Z_TOLERANCE` = 5 standard errors at every recorded step; a comparison
of two schedules is confirmed when their simulated final losses are separated by more than 5 standard errors each.

Two settings:

* :data:`FLOOR` — every schedule of numerics/schedules.py, gradient descent at :math:`\eta = 1/L` on five
  eigenvalues in :math:`[10^{-2}, 1]` for :math:`T = 1000` steps (long enough for the constant step to reach its
  floor), additive noise and minibatch noise;
* :data:`EX5` — note 003's exercise 5 in the setting of the noise-free claims ``schedules.ex5-*``
  (:math:`\kappa = 1000`, :math:`T = 500`, :math:`\eta = 1/L`, the same five schedules) with additive noise
  :math:`\sigma = 0.1` on seven eigenvalues :math:`10^{-3}, 10^{-2.5}, \dots, 1`, each direction from :math:`e_0 = 1`.
"""
from __future__ import annotations

from functools import cache

import numpy as np

from ratecheck import numerics
from ratecheck.numerics import noise as noise_models
from ratecheck.numerics.schedules import parse_schedule, scheduled
from ratecheck.theory import schedules_noise as th

from ..claim import Claim, Comparison, Guarantee, Reference
from ..noisy_quadratic import Z_TOLERANCE, exact_second_moment, model, noisy_run
from ..schedules import residual_simulated
from .schedules import EX5_SPECS

__all__ = ["CLAIMS", "FLOOR", "EX5", "derivation", "floor_runs", "ex5_runs", "ex5_exact", "loss_floor",
           "DECAYING", "crossover"]

TOPIC = "schedules-noise"

FLOOR = {"eigenvalues": tuple(float(x) for x in np.geomspace(0.01, 1.0, 5)), "eta": 1.0, "steps": 1000,
         "every": 50, "replicas": 4000, "sigma": 0.1, "batch": 4.0, "scale": 0.04,
         "specs": ("constant", "warmup:steps=50", "step:step_size=250,gamma=0.1", "exponential:gamma=0.995",
                   "inverse-time:alpha=0.02", "cosine", "warmup-cosine:steps=50", "onecycle", "wsd"),
         "minibatch_specs": ("constant", "step:step_size=250,gamma=0.1", "cosine")}
#: the schedules whose step size decays (constant and warmup + constant end at the constant step)
DECAYING = FLOOR["specs"][2:]
EX5 = {"eigenvalues": tuple(float(x) for x in np.geomspace(1e-3, 1.0, 7)), "eta": 1.0, "steps": 500, "every": 25,
       "replicas": 6000, "sigma": 0.1, "specs": EX5_SPECS}


def _gd():
    return numerics.form("gd")


def _method(spec: str, steps: int):
    return scheduled(_gd(), parse_schedule(spec, steps))


@cache
def derivation():
    m = model(_method("cosine", 10))
    return th.final_loss_derivation(m.matrix, m.input, m.scalars["sched_lr"])


def _noise(kind: str):
    c = FLOOR
    return noise_models.additive(c["sigma"]) if kind == "additive" else noise_models.minibatch(c["batch"], c["scale"])


def loss_floor(kind: str = "additive") -> float:
    r"""The closed form :math:`\tfrac12\sum_i \eta s_i^2/(2 - \eta\lambda_i)` of the constant step's noise floor."""
    c = FLOOR
    lam = np.array(c["eigenvalues"])
    var = _noise(kind).variance(lam)
    return float(np.sum(lam / 2 * th.stationary_floor(c["eta"], lam, var)))


@cache
def floor_runs(kind: str = "additive") -> dict:
    c = FLOOR
    specs = c["specs"] if kind == "additive" else c["minibatch_specs"]
    rec = range(0, c["steps"] + 1, c["every"])
    return {spec: noisy_run(_method(spec, c["steps"]), {"eta": c["eta"]}, list(c["eigenvalues"]), _noise(kind),
                            steps=c["steps"], record_steps=rec, replicas=c["replicas"], seed=70 + i, e0=1.0,
                            high_precision=True)
            for i, spec in enumerate(specs)}


@cache
def ex5_runs() -> dict:
    c = EX5
    rec = range(0, c["steps"] + 1, c["every"])
    return {spec: noisy_run(_method(spec, c["steps"]), {"eta": c["eta"]}, list(c["eigenvalues"]),
                            noise_models.additive(c["sigma"]), steps=c["steps"], record_steps=rec,
                            replicas=c["replicas"], seed=90 + i, e0=1.0, high_precision=True)
            for i, spec in enumerate(c["specs"])}


@cache
def ex5_exact() -> dict:
    r"""Per schedule: the exact final bias part B and variance part per unit noise variance V (loss = B + sigma^2 V),
    the noise-free and the noisy final loss."""
    c = EX5
    lam = np.array(c["eigenvalues"])
    out = {}
    for spec in c["specs"]:
        r = exact_second_moment(_method(spec, c["steps"]), {"eta": c["eta"]}, lam, 1.0, 1.0, [c["steps"]],
                                high_precision=True)
        B, V = float(r["bias"][-1] @ (lam / 2)), float(r["variance"][-1] @ (lam / 2))
        out[spec] = {"bias": B, "variance_unit": V, "noise_free": B, "noisy": B + c["sigma"] ** 2 * V}
    return out


def crossover(a: str, b: str) -> float | None:
    r"""The noise level :math:`\sigma_*` at which schedules ``a`` and ``b`` end at the same expected loss."""
    e = ex5_exact()
    s2 = th.crossover_sigma2(e[a]["bias"], e[a]["variance_unit"], e[b]["bias"], e[b]["variance_unit"])
    return None if s2 is None or s2 < 0 else float(np.sqrt(s2))


def _max_z(runs) -> tuple[float, str, int]:
    key = max(runs, key=lambda k: runs[k]["max_z"])
    return runs[key]["max_z"], key, sum(len(r["record_steps"]) for r in runs.values())


def _final(r) -> tuple[float, float, float]:
    return float(r["loss"][-1]), float(r["loss_stderr"][-1]), float(r["loss_predicted"][-1])


# ----------------------------------------------------------------------------- the noise floor
def _floor_claim() -> Claim:
    def confirm() -> Comparison:
        mc, se, exact = _final(floor_runs()["constant"])
        floor = loss_floor()
        return Comparison(mc, floor, Z_TOLERANCE * se / floor, Guarantee.TIGHT,
                          r"simulated final expected loss of the constant step vs the closed-form floor "
                          r"$\frac12\sum_i\eta\sigma^2/(2 - \eta\lambda_i)$",
                          f"tolerance {Z_TOLERANCE:g} standard errors (se = {se:.3g}); exact recursion at T = "
                          f"{FLOOR['steps']}: {exact:.8g}; warmup + constant ends at "
                          f"{_final(floor_runs()['warmup:steps=50'])[2]:.8g}")

    def reference() -> Comparison:
        exact = _final(floor_runs()["constant"])[2]
        return Comparison(exact, loss_floor(), 1e-8, Guarantee.TIGHT,
                          r"exact final loss of the constant step (Lyapunov recursion of the traced method, 30 digits) "
                          r"vs the closed-form floor",
                          "the remaining bias and transient are below 1e-9 of the floor at T = 1000")

    return Claim(f"{TOPIC}.constant-noise-floor", TOPIC,
                 r"Under additive noise $\sigma = 0.1$ the expected loss of SGD with the constant step $\eta = 1/L$ "
                 r"on the eigenvalues $10^{-2}, 10^{-1.5}, \dots, 1$ plateaus at its noise floor "
                 r"$\frac12\sum_i\lambda_i\frac{\eta\sigma^2}{\lambda_i(2 - \eta\lambda_i)} = 0.01565$: after "
                 r"$T = 1000$ steps the start is forgotten and only the stationary variance is left.",
                 derivation, confirm, reference=Reference("SGD's stationary variance (Polyak & Juditsky 1992)",
                                                          loss_floor(), "the floor in closed form"),
                 reference_check=reference)


def _below_floor_claim() -> Claim:
    def confirm() -> Comparison:
        runs = floor_runs()
        worst = max(DECAYING, key=lambda s: _final(runs[s])[0] + Z_TOLERANCE * _final(runs[s])[1])
        mc, se, _ = _final(runs[worst])
        floor = loss_floor()
        rows = "; ".join(f"{s}: {_final(runs[s])[2] / floor:.4f}" for s in DECAYING)
        return Comparison((mc + Z_TOLERANCE * se) / floor, 1.0, 0.0, Guarantee.UPPER,
                          r"largest (simulated final loss $+\,5$ se) / floor over the decaying schedules",
                          f"worst: {worst}; exact final loss / floor per schedule: {rows}")

    def reference() -> Comparison:
        runs = floor_runs()
        ratio = max(_final(runs[s])[2] for s in DECAYING) / loss_floor()
        return Comparison(ratio, 1.0, 0.0, Guarantee.UPPER,
                          r"largest exact final loss / floor over the decaying schedules", "")

    return Claim(f"{TOPIC}.decay-below-floor", TOPIC,
                 r"In the same setting every decaying schedule --- step decay, exponential, inverse time, cosine, "
                 r"warmup + cosine, OneCycle, warmup--stable--decay --- ends below the constant step's noise floor "
                 r"(between $7\,\%$ and $21\,\%$ of it): the decay trades a little bias for a much smaller variance, "
                 r"while warmup + constant ends on the floor.",
                 derivation, confirm, reference=Reference("theory: the exact recursion", 1.0, "floor ratio 1"),
                 reference_check=reference)


def _curves_claim(kind: str) -> Claim:
    specs = FLOOR["specs"] if kind == "additive" else FLOOR["minibatch_specs"]

    def confirm() -> Comparison:
        runs = floor_runs(kind)
        z, key, n = _max_z(runs)
        return Comparison(z, 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                          rf"largest $|\bar f_t - \mathbb{{E}} f_t|/\mathrm{{se}}_t$ over {n} recorded steps of "
                          rf"{len(specs)} schedules",
                          f"worst: {key}; {runs[key]['directions']:,} directions per schedule; noise {runs[key]['noise']}")

    def reference() -> Comparison:
        runs = floor_runs(kind)
        lam = np.array(FLOOR["eigenvalues"])
        worst = 0.0
        for spec in specs:
            x = residual_simulated(_gd(), {"eta": FLOOR["eta"]}, parse_schedule(spec, FLOOR["steps"]), lam)[0]
            bias = float((lam / 2 * x * x).sum())
            worst = max(worst, abs(float(runs[spec]["loss_bias"][-1]) / bias - 1))
        return Comparison(worst, 0.0, 1e-9, Guarantee.TIGHT,
                          r"largest relative difference of the exact bias part at $T$ from a noise-free run "
                          r"$\frac12\sum_i\lambda_i x_T^2$", "the bias part is the noise-free loss")

    if kind == "additive":
        statement = (r"For every schedule of the toolkit (constant, warmup, step, exponential, inverse time, cosine, "
                     r"warmup + cosine, OneCycle, warmup--stable--decay), SGD under additive noise $\sigma = 0.1$ on the "
                     r"eigenvalues $10^{-2}, \dots, 1$ from $e_0 = 1$: the exact expected loss (bias plus variance, "
                     r"from the recursions of the scheduled method) is what a Monte Carlo run gives, within $5$ "
                     r"standard errors at every recorded step; its bias part is the noise-free loss.")
    else:
        statement = (r"The same under minibatch noise $\mathrm{Cov}\,\xi = cH/B$ ($c = 0.04$, $B = 4$) for the "
                     r"constant step, step decay and cosine, whose floor is $\frac12\sum_i \eta c\lambda_i/"
                     r"(B(2 - \eta\lambda_i))$.")
    return Claim(f"{TOPIC}.{'expected-loss-curves' if kind == 'additive' else 'minibatch-curves'}", TOPIC, statement,
                 derivation, confirm, reference=Reference("noise-free runs of the scheduled method", None,
                                                          "the bias part"), reference_check=reference)


def _minibatch_floor_check() -> Comparison:
    mc, se, exact = _final(floor_runs("minibatch")["constant"])
    floor = loss_floor("minibatch")
    return Comparison(mc, floor, Z_TOLERANCE * se / floor, Guarantee.TIGHT,
                      "simulated final loss of the constant step vs the minibatch floor",
                      f"exact {exact:.8g}; floor {floor:.8g}")


# ----------------------------------------------------------------------------- exercise 5 under noise
def _ex5_pair(a: str, b: str, name: str, statement: str) -> Claim:
    r"""``a`` ends below ``b`` under noise: simulated finals separated by 5 standard errors each; exact values."""

    def confirm() -> Comparison:
        runs = ex5_runs()
        ma, sa, ea = _final(runs[a])
        mb, sb, eb = _final(runs[b])
        z = max(runs[a]["max_z"], runs[b]["max_z"])
        return Comparison(ma + Z_TOLERANCE * sa, mb - Z_TOLERANCE * sb, 0.0, Guarantee.UPPER,
                          rf"simulated final loss $+\,5$ se of {_label(a)} vs $-\,5$ se of {_label(b)}",
                          f"simulated {ma:.5g} +- {sa:.2g} vs {mb:.5g} +- {sb:.2g}; exact {ea:.5g} vs {eb:.5g}; both "
                          f"curves within {z:.2f} se of exact at every recorded step")

    def reference() -> Comparison:
        e = ex5_exact()
        return Comparison(e[a]["noisy"], e[b]["noisy"], 0.0, Guarantee.UPPER,
                          rf"exact final loss of {_label(a)} vs {_label(b)} at $\sigma = 0.1$",
                          f"noise-free: {e[a]['noise_free']:.5g} vs {e[b]['noise_free']:.5g}; crossover sigma* = "
                          f"{crossover(a, b):.4g}")

    return Claim(f"{TOPIC}.{name}", TOPIC, statement, derivation, confirm,
                 reference=Reference("theory: the exact recursion", None, "final expected losses"),
                 reference_check=reference)


_LABELS = {"constant": "constant", "step:step_size=167,gamma=0.1": "step decay", "cosine": "cosine",
           "warmup:steps=25": "warmup + constant", "warmup-cosine:steps=25": "warmup + cosine"}


def _label(spec: str) -> str:
    return _LABELS.get(spec, spec)


def _ex5_warmup_claim() -> Claim:
    pairs = (("warmup:steps=25", "constant"), ("warmup-cosine:steps=25", "cosine"))

    def confirm() -> Comparison:
        runs = ex5_runs()
        z, key, n = _max_z({s: runs[s] for p in pairs for s in p})
        return Comparison(z, 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                          rf"largest $|\bar f_t - \mathbb{{E}} f_t|/\mathrm{{se}}_t$ over {n} recorded steps of the "
                          r"four curves with and without warmup",
                          "the simulated finals: " + "; ".join(
                              f"{_label(s)} {_final(runs[s])[0]:.5g} +- {_final(runs[s])[1]:.2g}" for p in pairs for s in p)
                          + " (the differences are below the Monte Carlo resolution; the exact values decide)")

    def reference() -> Comparison:
        e = ex5_exact()
        d_const = e["warmup:steps=25"]["noisy"] / e["constant"]["noisy"] - 1
        d_cos = e["warmup-cosine:steps=25"]["noisy"] / e["cosine"]["noisy"] - 1
        return Comparison(d_const, 0.0, 0.0, Guarantee.UPPER,
                          r"exact relative change of the final loss by warmup before the constant step, at $\sigma = 0.1$",
                          f"{d_const:+.3%} (noise-free {e['warmup:steps=25']['noise_free'] / e['constant']['noise_free'] - 1:+.2%}); "
                          f"before cosine {d_cos:+.3%} (noise-free "
                          f"{e['warmup-cosine:steps=25']['noise_free'] / e['cosine']['noise_free'] - 1:+.3%})")

    return Claim(f"{TOPIC}.ex5-warmup", TOPIC,
                 r"Exercise 5 under noise ($\sigma = 0.1$), with and without $25$ warmup steps: the final expected "
                 r"loss changes by less than $2\,\%$ either way --- warmup before the constant step lowers it "
                 r"slightly (fewer full-size noisy steps; without noise it raises it by $4\,\%$), warmup before "
                 r"cosine raises it by $1.5\,\%$; the simulated curves agree with the exact ones within $5$ "
                 r"standard errors at every recorded step.",
                 derivation, confirm, reference=Reference("theory: the exact recursion", None, "final expected losses"),
                 reference_check=reference)


def _ex5_ranking_claim() -> Claim:
    order = ("cosine", "warmup-cosine:steps=25", "step:step_size=167,gamma=0.1", "warmup:steps=25", "constant")
    classes = (("cosine", "warmup-cosine:steps=25"), ("step:step_size=167,gamma=0.1",),
               ("warmup:steps=25", "constant"))

    def confirm() -> Comparison:
        runs = ex5_runs()
        separated = total = 0
        for i, lo in enumerate(classes):
            for hi in classes[i + 1:]:
                for a in lo:
                    for b in hi:
                        ma, sa, _ = _final(runs[a])
                        mb, sb, _ = _final(runs[b])
                        total += 1
                        separated += int(ma + Z_TOLERANCE * sa < mb - Z_TOLERANCE * sb)
        return Comparison(separated, total, 0.0, Guarantee.EXACT,
                          r"pairs of schedules in different classes \{cosine, warmup + cosine\} $<$ \{step decay\} $<$ "
                          r"\{warmup + constant, constant\} whose simulated finals are 5 se apart each",
                          "within a class the exact values decide (see ex5-warmup)")

    def reference() -> Comparison:
        e = ex5_exact()
        clean = tuple(sorted(order, key=lambda s: e[s]["noise_free"]))
        rising = sum(int(e[a]["noisy"] < e[b]["noisy"]) for a, b in zip(order, order[1:]))
        return Comparison(rising, len(order) - 1, 0.0, Guarantee.EXACT,
                          r"consecutive pairs of the stated ranking whose exact final losses at $\sigma = 0.1$ increase",
                          "exact: " + ", ".join(f"{_label(s)} {e[s]['noisy']:.5g}" for s in order)
                          + "; noise-free ranking: " + " < ".join(map(_label, clean)))

    return Claim(f"{TOPIC}.ex5-ranking", TOPIC,
                 r"Exercise 5 under noise ($\sigma = 0.1$, $\kappa = 1000$, $T = 500$, $\eta = 1/L$): the final "
                 r"expected losses rank cosine $<$ warmup + cosine $<$ step decay $<$ warmup + constant $<$ constant, "
                 r"the reverse of the noise-free ranking (constant $<$ warmup + constant $<$ cosine $<$ warmup + "
                 r"cosine $<$ step decay).",
                 derivation, confirm, reference=Reference("theory: the exact recursion", None, "the ranking"),
                 reference_check=reference)


def _minibatch_curves_claim() -> Claim:
    from dataclasses import replace

    c = _curves_claim("minibatch")
    return replace(c, reference=Reference("the minibatch floor in closed form", loss_floor("minibatch"),
                                          r"$\frac12\sum_i\eta c\lambda_i/(B(2 - \eta\lambda_i))$"),
                   reference_check=_minibatch_floor_check)


CLAIMS: tuple[Claim, ...] = (
    _floor_claim(), _below_floor_claim(), _curves_claim("additive"), _minibatch_curves_claim(),
    _ex5_pair("step:step_size=167,gamma=0.1", "constant", "ex5-step-decay-vs-constant",
              r"Exercise 5 under noise ($\sigma = 0.1$; $\kappa = 1000$, $T = 500$, $\eta = 1/L$, seven eigenvalues "
              r"from $e_0 = 1$): step decay ($\gamma = 0.1$ every $167$ steps) ends at a final expected loss of "
              r"$0.0062$, below the constant step's $0.0199$ --- without noise it is the other way round "
              r"($0.00095$ against $0.00025$); they trade places at $\sigma_* = 0.022$."),
    _ex5_pair("cosine", "constant", "ex5-cosine-vs-constant",
              r"Exercise 5 under noise: cosine annealing ends at $0.0048$, a quarter of the constant step's $0.0199$ "
              r"(without noise $0.00066$ against $0.00025$); they trade places at $\sigma_* = 0.016$."),
    _ex5_warmup_claim(), _ex5_ranking_claim(),
)

# over the condition-number grid: cosine ends below the floor (proofs/claims/schedules_noise_sweep.py)
from ratecheck.proofs.claims.schedules_noise_sweep import CLAIMS as _SWEEP  # noqa: E402

CLAIMS = (*CLAIMS, *_SWEEP)
