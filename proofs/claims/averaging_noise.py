r"""Claims of topic 'averaging' under gradient noise: the averaged iterate's exact expected loss, three ways.

Under additive noise :math:`g = \lambda e + w` the averaged iterate is a linear function of the noise, so the
averaged-output method value (numerics/averaging.py: state = the average, the iterate ``fast``, the weight of the new
iterate a per-step scalar — :math:`1/t` for Polyak–Ruppert, :math:`1-\alpha` for the EMA) is a linear method whose
mean and Lyapunov recursions (theory/noisy_quadratic.py, the traced value: the *augmented recursion*) give
:math:`\mathbb E[\bar e_t^2]` exactly.  Each claim joins

* the augmented recursion (30-digit mpmath, :func:`proofs.noisy_quadratic.exact_second_moment`),
* the closed forms derived by hand — Polyak–Ruppert: bias :math:`\bigl(e_0\,r(1-r^T)/(T(1-r))\bigr)^2`
  (theory/averaging.py) plus the finite-T variance (theory/noisy_quadratic.py); EMA: the stationary variance
  :math:`\frac{(1-\alpha)(1+\alpha q)}{(1+\alpha)(1-\alpha q)}\cdot\frac{\eta\sigma^2}{\lambda(2-\eta\lambda)}` of
  correlated iterates, the limit of every start,
* a Monte Carlo run through the seam :func:`numerics.noisy.noisy_moments` (:func:`proofs.noisy_quadratic.noisy_run`),

with the numeric confirmation "simulated within :data:`~proofs.noisy_quadratic.Z_TOLERANCE` = 5 standard errors of
the augmented recursion at every recorded step" and the reference check "augmented recursion equal to the closed
form" (relative :math:`10^{-12}`).  ``polyak_comparison(scale)`` / ``ema_comparison(scale)`` and the reference
functions take a factor on the exact value so that the tests can show that a 2 % error fails.
"""
from __future__ import annotations

from functools import cache

import mpmath
import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import noise as noise_models
from ratecheck.numerics.averaging import averaged_output, parse_average
from ratecheck.theory import averaging as th
from ratecheck.theory import noisy_quadratic as nq

from ..claim import Claim, Comparison, Guarantee, Reference
from ..noisy_quadratic import Z_TOLERANCE, exact_second_moment, model, noisy_run

__all__ = ["CLAIMS", "POLYAK", "EMA", "polyak_run", "polyak_closed", "polyak_comparison", "polyak_reference",
           "ema_runs", "ema_comparison", "ema_reference", "ema_stationary", "curves"]

TOPIC = "averaging"
#: SGD (gd, eta) on two eigenvalues from e0 = 1 under additive noise sigma; Polyak-Ruppert over x_1..x_T
POLYAK = {"eta": 0.5, "eigenvalues": (0.25, 1.0), "sigma": 0.3, "e0": 1.0,
          "record": (0, 1, 2, 5, 10, 20, 50, 100, 200), "replicas": 100_000, "seed": 71}
#: SGD (eta, lambda) from e0 = 1, sigma; the EMA with alpha from three starts (torch, note 000, optax debiased)
EMA = {"eta": 0.1, "lam": 1.0, "alpha": 0.8, "sigma": 1.0, "e0": 1.0, "steps": 300, "every": 10,
       "starts": ("first", "x0", "zero,debias=1"), "replicas": 100_000, "seed": 81, "stationary_at": 600}


def _value(spec: str):
    return averaged_output(numerics.form("gd"), parse_average(spec))


# ----------------------------------------------------------------------------- Polyak-Ruppert
@cache
def polyak_run() -> dict:
    c = POLYAK
    return noisy_run(_value("polyak"), {"eta": c["eta"]}, list(c["eigenvalues"]), noise_models.additive(c["sigma"]),
                     steps=c["record"][-1], record_steps=c["record"], replicas=c["replicas"], seed=c["seed"],
                     e0=c["e0"], high_precision=True)


@cache
def polyak_closed() -> np.ndarray:
    r"""The closed-form :math:`\mathbb E[\bar e_T^2]` per (recorded T, eigenvalue): :math:`(e_0\,r(1-r^T)/(T(1-r)))^2`
    plus the finite-T Polyak–Ruppert variance, :math:`r = q = 1 - \eta\lambda` (30 digits; T = 0: :math:`e_0^2`)."""
    c = POLYAK
    factor = sp.lambdify([th.r, th.T], th.polyak_factor(), "mpmath")
    out = np.empty((len(c["record"]), len(c["eigenvalues"])))
    with mpmath.workdps(30):
        e0, var = mpmath.mpf(c["e0"]), mpmath.mpf(c["sigma"]) ** 2
        for g, lam in enumerate(c["eigenvalues"]):
            lam_ = mpmath.mpf(lam)
            q = 1 - mpmath.mpf(c["eta"]) * lam_
            for i, T in enumerate(c["record"]):
                out[i, g] = float(e0 ** 2 if T == 0 else (e0 * factor(q, T)) ** 2
                                  + nq.polyak_ruppert_variance(q, lam_, var, T))
    return out


def _recursion_polyak() -> np.ndarray:
    c = POLYAK
    return exact_second_moment(_value("polyak"), {"eta": c["eta"]}, list(c["eigenvalues"]), c["e0"] ** 2,
                               c["sigma"] ** 2, c["record"], high_precision=True)["total"]


def _max_z(r, scale: float) -> float:
    se, diff = r["loss_stderr"], np.abs(r["loss"] - scale * r["loss_predicted"])
    z = np.where(se > 0, diff / np.where(se > 0, se, 1.0), np.where(diff <= 1e-12 * np.abs(r["loss_predicted"]), 0.0,
                                                                    np.inf))
    return float(np.max(z))


def polyak_comparison(scale: float = 1.0) -> Comparison:
    r"""Monte Carlo vs ``scale`` × the augmented recursion's expected loss, largest deviation in standard errors."""
    c, r = POLYAK, polyak_run()
    return Comparison(_max_z(r, scale), 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                      rf"largest $|\bar f_t - \mathbb{{E}} f(\bar x_t)|/\mathrm{{se}}_t$ over ${len(c['record'])}$ "
                      r"recorded steps, Polyak--Ruppert mean of SGD under noise",
                      f"tolerance {Z_TOLERANCE:g} standard errors at every step; {r['directions']:,} directions "
                      f"({c['replicas']:,} per eigenvalue), eigenvalues {c['eigenvalues']}, eta = {c['eta']}, sigma = "
                      f"{c['sigma']}, e0 = {c['e0']}; at T = {c['record'][-1]}: simulated {r['loss'][-1]:.6g} +- "
                      f"{r['loss_stderr'][-1]:.2g}, exact {r['loss_predicted'][-1]:.6g} (the last iterate's "
                      f"stationary loss is {_sgd_floor():.4g})")


def _sgd_floor() -> float:
    c = POLYAK
    return sum(lam / 2 * nq.sgd_variance(c["eta"], lam, c["sigma"] ** 2) for lam in c["eigenvalues"])


def polyak_reference(scale: float = 1.0) -> Comparison:
    r"""The augmented recursion against ``scale`` × the closed form: largest relative difference."""
    rec, closed = _recursion_polyak(), scale * polyak_closed()
    worst = float(np.max(np.abs(rec - closed) / closed))
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                      r"largest relative difference: augmented recursion vs bias$^2$ + finite-$T$ variance, "
                      r"every recorded $T$ and eigenvalue", "both in 30 digits")


def _polyak_claim() -> Claim:
    return Claim(
        f"{TOPIC}.polyak-under-noise", TOPIC,
        r"Under additive noise the Polyak--Ruppert mean $\bar x_T = \frac1T\sum_{t=1}^T x_t$ of SGD from $e_0$ has "
        r"$\mathbb{E}\,\bar e_T^2 = \bigl(e_0\frac{r(1-r^T)}{T(1-r)}\bigr)^2 + \frac{\sigma^2}{\lambda^2T^2}\bigl(T - "
        r"\frac{2r(1-r^T)}{1-r} + \frac{r^2(1-r^{2T})}{1-r^2}\bigr)$, $r = 1 - \eta\lambda$: what the mean and "
        r"Lyapunov recursions of the averaged iterate augmented to the state give, and what a Monte Carlo run gives "
        r"within $5$ standard errors at every recorded step ($\eta = 0.5$, $\lambda \in \{0.25, 1\}$, "
        r"$\sigma = 0.3$, $e_0 = 1$); the bias falls like $1/T^2$, the variance like $\sigma^2/(\lambda^2T)$.",
        lambda: model(_value("polyak")).derivation, polyak_comparison,
        reference=Reference("closed forms: noise-free Polyak factor (theory.averaging) + finite-T variance of "
                            "Polyak & Juditsky (1992) (theory.noisy_quadratic)", float(polyak_closed()[-1] @ (
                                np.array(POLYAK["eigenvalues"]) / 2)),
                            r"expected loss of the averaged iterate at $T = 200$"),
        reference_check=polyak_reference)


# ----------------------------------------------------------------------------- EMA
def _ema_spec(start: str) -> str:
    return f"ema:alpha={EMA['alpha']}" + ("" if start == "first" else f",start={start}")


def _ema_record() -> list[int]:
    return list(range(0, EMA["steps"] + 1, EMA["every"]))


@cache
def ema_runs() -> tuple[dict, ...]:
    c = EMA
    return tuple(noisy_run(_value(_ema_spec(s)), {"eta": c["eta"]}, [c["lam"]], noise_models.additive(c["sigma"]),
                           steps=c["steps"], record_steps=_ema_record(), replicas=c["replicas"], seed=c["seed"] + i,
                           e0=c["e0"], high_precision=True)
                 for i, s in enumerate(c["starts"]))


def ema_stationary() -> float:
    r"""The closed form: :func:`theory.noisy_quadratic.ema_ratio` times SGD's stationary variance."""
    c = EMA
    q = 1 - c["eta"] * c["lam"]
    return nq.ema_ratio(c["alpha"], q) * nq.sgd_variance(c["eta"], c["lam"], c["sigma"] ** 2)


def ema_comparison(scale: float = 1.0) -> Comparison:
    c, runs = EMA, ema_runs()
    worst = max(_max_z(r, scale) for r in runs)
    last = runs[0]
    return Comparison(worst, 0.0, Z_TOLERANCE, Guarantee.TIGHT,
                      rf"largest $|\bar f_t - \mathbb{{E}} f(\bar x_t)|/\mathrm{{se}}_t$ over ${len(_ema_record())}$ "
                      r"recorded steps and three EMA starts, SGD under noise",
                      f"tolerance {Z_TOLERANCE:g} standard errors at every step; {c['replicas']:,} replicas per start "
                      f"({', '.join(c['starts'])}), alpha = {c['alpha']}, eta = {c['eta']}, lambda = {c['lam']}, "
                      f"sigma = {c['sigma']}, e0 = {c['e0']}; at t = {c['steps']} (start first): simulated "
                      f"{last['loss'][-1]:.6g} +- {last['loss_stderr'][-1]:.2g}, exact {last['loss_predicted'][-1]:.6g}")


def ema_reference(scale: float = 1.0) -> Comparison:
    r"""The augmented recursion at t = ``stationary_at`` for each start against ``scale`` × the closed form."""
    c = EMA
    closed = scale * ema_stationary()
    worst = 0.0
    for s in c["starts"]:
        v = float(exact_second_moment(_value(_ema_spec(s)), {"eta": c["eta"]}, [c["lam"]], c["e0"] ** 2,
                                      c["sigma"] ** 2, [c["stationary_at"]], high_precision=True)["total"][0, 0])
        worst = max(worst, abs(v - closed) / closed)
    return Comparison(worst, 0.0, 1e-12, Guarantee.TIGHT,
                      rf"largest relative difference: augmented recursion at $t = {c['stationary_at']}$ (three starts) "
                      r"vs $\frac{(1-\alpha)(1+\alpha q)}{(1+\alpha)(1-\alpha q)}\cdot\frac{\eta\sigma^2}"
                      r"{\lambda(2-\eta\lambda)}$", "30-digit recursion; the start is forgotten like 0.9^t")


def _ema_claim() -> Claim:
    c = EMA
    q = 1 - c["eta"] * c["lam"]
    return Claim(
        f"{TOPIC}.ema-under-noise", TOPIC,
        r"Under additive noise the EMA $\bar x_t = \alpha\bar x_{t-1} + (1-\alpha)x_t$ of SGD's iterates, started at "
        r"$x_1$ (torch), at $x_0$ (note 000) or at $0$ and debiased (optax), has an exact expected loss from the mean "
        r"and Lyapunov recursions of the state augmented with the average, which a Monte Carlo run confirms within "
        r"$5$ standard errors at every recorded step; every start tends to the correlated-iterates variance "
        r"$\frac{(1-\alpha)(1+\alpha q)}{(1+\alpha)(1-\alpha q)}\cdot\frac{\eta\sigma^2}{\lambda(2-\eta\lambda)}$ "
        rf"($\alpha = {c['alpha']}$, $q = 1 - \eta\lambda = {q:g}$: ratio ${nq.ema_ratio(c['alpha'], q):.4f}$, not "
        rf"the white-noise ${(1 - c['alpha']) / (1 + c['alpha']):.4f}$).",
        lambda: model(_value(_ema_spec("first"))).derivation, ema_comparison,
        reference=Reference("closed form of the EMA of correlated SGD iterates (theory.noisy_quadratic.ema_ratio)",
                            ema_stationary(), "stationary variance of the EMA"),
        reference_check=ema_reference)


@cache
def curves() -> dict:
    r"""Exact expected losses at every step (float64 recursion) for the report's figure: SGD's last iterate and its
    Polyak mean in the setting of :data:`POLYAK` (``t``, ``last``, ``polyak``, the mean's ``polyak_bias``), and the
    EMAs of :data:`EMA` (``t_ema``, ``ema`` by start, ``ema_last`` the iterate)."""
    c, e = POLYAK, EMA
    lam = np.array(c["eigenvalues"])
    t = np.arange(0, c["record"][-1] + 1)
    kw = dict(eigenvalues=lam, e0_sq=c["e0"] ** 2, noise_var=c["sigma"] ** 2, record_steps=t)
    w = lam / 2
    pol = exact_second_moment(_value("polyak"), {"eta": c["eta"]}, **kw)
    out = {"t": t, "last": exact_second_moment(numerics.form("gd"), {"eta": c["eta"]}, **kw)["total"] @ w,
           "polyak": pol["total"] @ w, "polyak_bias": pol["bias"] @ w}
    te = np.arange(0, e["steps"] + 1)
    kw = dict(eigenvalues=[e["lam"]], e0_sq=e["e0"] ** 2, noise_var=e["sigma"] ** 2, record_steps=te)
    out["t_ema"] = te
    out["ema_last"] = exact_second_moment(numerics.form("gd"), {"eta": e["eta"]}, **kw)["total"][:, 0] * e["lam"] / 2
    out["ema"] = {s: exact_second_moment(_value(_ema_spec(s)), {"eta": e["eta"]}, **kw)["total"][:, 0] * e["lam"] / 2
                  for s in e["starts"]}
    return out


CLAIMS = [_polyak_claim(), _ema_claim()]
