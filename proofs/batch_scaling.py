r"""Batch-size scaling of SGD under minibatch noise, from the exact expected-loss curves.

Under the noisy quadratic model (Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue & Grosse, NeurIPS 2019)
the gradient noise of batch size :math:`B` has :math:`\mathrm{Cov} = cC/B` (:math:`C = H` by default).  SGD's
exact expected loss (:func:`theory.noisy_quadratic.sgd_curve`, proved by :func:`~theory.noisy_quadratic.sgd_curve_derivation`)
is, per direction, :math:`\tfrac{\lambda}{2}\bigl(F + q^{2t}(\mathbb E e_0^2 - F)\bigr)` with
:math:`q = 1 - \eta\lambda` and floor :math:`F = \eta^2 s^2/(1 - q^2)`.  For each batch size:

* :math:`t^*(\eta)` — the (real) time at which the expected loss reaches the target :math:`X` (bisection on the
  closed form; :math:`\infty` when the floor :math:`\sum\lambda F/2 \ge X` or the step is unstable);
* the best learning rate — :math:`\arg\min_\eta t^*(\eta)` (a log-spaced grid over :math:`(0, 2/L)`, then
  golden-section refinement in :math:`\log\eta`); ``steps`` is :math:`\lceil t^* \rceil` there.  Minimising the
  real :math:`t^*` rather than the integer step count picks one learning rate from the plateau of those that need
  the same number of steps.

Fits: the exponent of the best learning rate against :math:`B` over the small batches (least squares in log-log),
and the *critical batch size*: the intersection of perfect scaling through the smallest batch,
:math:`S(B) = S(B_{\min})B_{\min}/B`, with the noise-free minimum :math:`S_{\min}` (McCandlish, Kaplan, Amodei et
al., "An empirical model of large-batch training", 2018: :math:`S = S_{\min}(1 + B_{\mathrm{noise}}/B)`).
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ratecheck.numerics import validation as v
from ratecheck.numerics.noise import NoiseModel
from ratecheck.theory.noisy_quadratic import sgd_curve

__all__ = ["time_to_target", "best_learning_rate", "batch_scaling", "checked_problem", "scaling_fits", "GRID"]

#: grid points of the learning-rate search over (0, 2/L) (log-spaced), before golden-section refinement
GRID = 81
_GOLDEN = (math.sqrt(5) - 1) / 2


def _loss(lam, e0_sq, noise_var, eta, t):
    q2 = (1 - eta * lam) ** 2
    floor = eta * eta * noise_var / (1 - q2)
    return float(np.sum(lam / 2 * sgd_curve(q2, e0_sq, floor, t)))


def time_to_target(lam: np.ndarray, e0_sq: float, noise_var: np.ndarray, eta: float, target: float) -> float:
    r"""The real :math:`t^*` with :math:`\mathbb E f(x_{t^*}) - f^* = X` on SGD's closed-form curve (``inf`` if never)."""
    if not 0 < eta * float(lam.max()) < 2:
        return math.inf
    q2 = (1 - eta * lam) ** 2
    floor = float(np.sum(lam / 2 * eta * eta * noise_var / (1 - q2)))
    if floor >= target * (1 - 1e-12):
        return math.inf
    if _loss(lam, e0_sq, noise_var, eta, 0.0) <= target:
        return 0.0
    hi = 1.0
    while _loss(lam, e0_sq, noise_var, eta, hi) > target:
        hi *= 2
        if hi > 2.0 ** 70:
            return math.inf
    lo = 0.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if _loss(lam, e0_sq, noise_var, eta, mid) > target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-9 * hi:
            break
    return hi


def best_learning_rate(lam: np.ndarray, e0_sq: float, noise_var: np.ndarray, target: float) -> tuple[float, float]:
    r"""(:math:`\eta^*`, :math:`t^*(\eta^*)`): the learning rate that reaches the target soonest."""
    eta_max = 2 / float(lam.max())
    us = np.linspace(math.log(eta_max * 1e-7), math.log(eta_max * (1 - 1e-9)), GRID)
    ts = [time_to_target(lam, e0_sq, noise_var, math.exp(u), target) for u in us]
    i = int(np.argmin(ts))
    if not math.isfinite(ts[i]):
        return math.nan, math.inf
    a, b = us[max(i - 1, 0)], us[min(i + 1, GRID - 1)]

    def f(u):
        return time_to_target(lam, e0_sq, noise_var, math.exp(u), target)

    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(60):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - _GOLDEN * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + _GOLDEN * (b - a)
            fd = f(d)
    u = (a + b) / 2
    best = min([(f(u), u), (ts[i], us[i])])
    return math.exp(best[1]), best[0]


def _slope(x: Sequence[float], y: Sequence[float]) -> float:
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    return float(np.polyfit(lx, ly, 1)[0])


def scaling_fits(points: list[dict], det_t: float, det_eta: float) -> dict[str, Any]:
    r"""The fits of the module docstring from the points (each with ``batch``, ``best_eta``, ``steps`` and the real
    ``time_to_target``; unreachable ones with ``steps`` None) and the noise-free optimum (``det_t``, ``det_eta``)."""
    ok = [p for p in points if p["steps"] is not None]
    fits: dict[str, Any] = {"steps_noise_free": int(math.ceil(det_t - 1e-9)) if math.isfinite(det_t) else None,
                            "best_eta_noise_free": det_eta if math.isfinite(det_t) else None,
                            "eta_exponent_small_batch": None, "eta_exponent_large_batch": None,
                            "critical_batch": None, "small_batch_range": None}
    if ok and math.isfinite(det_t) and det_t > 0:
        first = ok[0]
        crit = first["time_to_target"] * first["batch"] / det_t
        fits["critical_batch"] = crit
        small = [p for p in ok if p["batch"] <= crit / 16] or ok[:2]
        if len(small) < 2:
            small = ok[:2]
        if len(small) >= 2:
            fits["eta_exponent_small_batch"] = _slope([p["batch"] for p in small], [p["best_eta"] for p in small])
            fits["small_batch_range"] = [small[0]["batch"], small[-1]["batch"]]
        large = [p for p in ok if p["batch"] >= 4 * crit]
        if len(large) >= 2:
            fits["eta_exponent_large_batch"] = _slope([p["batch"] for p in large], [p["best_eta"] for p in large])
    return fits


def checked_problem(eigenvalues, noise: NoiseModel, target: float, batches: Sequence[float], e0_sq: float):
    r"""The checked inputs of a batch-scaling search: (eigenvalues, target, sorted distinct batch sizes ≥ 1, the
    initial expected loss :math:`\sum_i \tfrac12\lambda_i e_0^2`); ParameterError for a noise model other than
    minibatch, fewer than two batch sizes, or a target not below the initial loss."""
    lam = v.eigenvalue_array(eigenvalues)
    target = v.positive("target_loss", target)
    if noise.kind != "minibatch":
        raise v.ParameterError("noise", "a minibatch model (minibatch:scale=c): batch scaling varies B", str(noise))
    bs = sorted({float(v.in_range("batches", b, 1.0, math.inf, hi_open=True)) for b in batches})
    if len(bs) < 2:
        raise v.ParameterError("batches", "at least two distinct batch sizes", list(batches))
    initial = float(np.sum(lam / 2 * e0_sq))
    if initial <= target:
        raise v.ParameterError("target_loss", f"below the initial expected loss {initial:.6g}", target)
    return lam, target, bs, initial


def batch_scaling(eigenvalues, noise: NoiseModel, target: float, batches: Sequence[float], *,
                  e0_sq: float) -> dict[str, Any]:
    r"""Best learning rate and steps to the target for each batch size (SGD, exact curves); the fits of the module
    docstring.  ``noise`` is a minibatch model (its batch is replaced by each of ``batches``)."""
    lam, target, bs, initial = checked_problem(eigenvalues, noise, target, batches, e0_sq)
    zero = np.zeros_like(lam)
    det_eta, det_t = best_learning_rate(lam, e0_sq, zero, target)
    points = []
    for B in bs:
        var = noise.with_batch(B).variance(lam)
        eta, t = best_learning_rate(lam, e0_sq, var, target)
        points.append({"batch": B if B != int(B) else int(B), "best_eta": None if not math.isfinite(t) else eta,
                       "steps": None if not math.isfinite(t) else int(math.ceil(t - 1e-9)), "time_to_target": t})
    fits = scaling_fits(points, det_t, det_eta)
    return {"points": [{k: p[k] for k in ("batch", "best_eta", "steps")} for p in points], "fits": fits,
            "target_loss": target, "initial_loss": initial, "noise": str(noise), "noise_distribution": noise.dist}
