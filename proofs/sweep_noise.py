r"""The condition-number sweep under stochastic gradients: noise floor and steps to a target expected loss.

With gradient noise (:mod:`numerics.noise`) the error never reaches a tolerance: a method at fixed parameters
plateaus at its stationary expected loss (the noise floor).  For each (method, :math:`\kappa`) point of a
:class:`~proofs.sweep.SweepConfig` (its tuning, or the ``--vary`` parameter sets) this module gives, from the
exact theory (:mod:`theory.noisy_quadratic`'s traced linear model of the method value; no simulation):

* ``stationary_loss_theory`` :math:`= \sum_i \tfrac12\lambda_i P_i` with :math:`P_i` the stationary
  :math:`\mathbb E[e_i^2]` of direction i, the solution of the discrete Lyapunov equation
  :math:`S = M S M^\top + s_i^2 b b^\top` (:func:`proofs.noisy_quadratic.stationary_second_moments`); ``None``
  when the method is unstable at some eigenvalue.  For gradient descent :math:`P_i = \eta s_i^2/(\lambda_i(2 -
  \eta\lambda_i))`, so the floor is :math:`\tfrac12\sum_i \eta s_i^2/(2 - \eta\lambda_i)`;
* with a target X, ``steps_to_target_theory``: the first t with the exact :math:`\mathbb E f(x_t) - f^* \le X`,
  from :math:`S_t = M^t (S_0 - S_\infty) (M^t)^\top + S_\infty` (exact for constant parameters: subtract the
  stationary equation from the recursion), :math:`(S_t)_{00} = u_t^\top (S_0 - S_\infty) u_t + (S_\infty)_{00}`
  with :math:`u_t^\top` the first row of :math:`M^t`, run step by step up to ``max_steps``
  (:func:`numerics.moment_recursion.first_passage`, the recursion the batch-size search uses too); ``None`` when the floor is at or above X ("never") or X is not reached within ``max_steps``.

The problem: with ``init="extreme"`` the two-mode quadratic :math:`\mathrm{diag}(\mu, L)` with
:math:`e_0 = (1, 1)/\sqrt2` (noise in those two directions only); with ``init="random"`` the whole spectrum of
``dim`` eigenvalues (at most :data:`MAX_RANDOM_DIM`) and the expectation over the isotropic start,
:math:`\mathbb E[e_{0,i}^2] = 1/d`.  A user spectrum follows the same rule (its mu and L, or all of it).
"""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ratecheck import numerics
from ratecheck.numerics import validation as v
from ratecheck.numerics.moment_recursion import first_passage
from ratecheck.numerics.noise import NoiseModel

from .methods import theory_rate, tuned
from .noisy_quadratic import Z_TOLERANCE, lyapunov_solve, model, model_arrays, noisy_run, stationary_second_moments
from .sweep import SPECTRA, SweepConfig, fit_exponent

__all__ = ["noisy_point", "run_noisy_sweep", "steps_to_target", "floor_check", "MAX_RANDOM_DIM", "MC_REPLICAS",
           "MC_BUDGET"]

#: the largest spectrum the noisy sweep takes with init="random" (one 4x4 solve and a scan per eigenvalue)
MAX_RANDOM_DIM = 10_000
#: the Monte Carlo check of the floor: replicas of the problem, and the most element-steps it may cost per point
MC_REPLICAS = 1000
MC_BUDGET = 20_000_000


def floor_check(method, params: dict[str, float], lam: np.ndarray, noise: NoiseModel, rate: float,
                seed: int = 0) -> dict[str, Any]:
    r"""The Monte Carlo check of the noise floor, where it is cheap: :data:`MC_REPLICAS` copies of the problem
    from :math:`x_0 = x^*` run T steps, T such that :math:`\rho^{2T} \le 10^{-12}` (the start's share of the
    stationary state gone), when ``lam.size * MC_REPLICAS * T <= MC_BUDGET``.  The simulated mean loss at T,
    its standard error and the deviation ``z`` in standard errors from the EXACT expected loss at T
    (:func:`proofs.noisy_quadratic.noisy_run`); all ``None`` (with the reason) when it would cost more."""
    steps = math.ceil(6 * math.log(10) / -math.log(rate)) if 0 < rate < 1 else None
    none = {"stationary_loss_simulated": None, "stationary_loss_stderr": None, "stationary_loss_exact_at_steps": None,
            "stationary_z": None, "stationary_steps": steps}
    if steps is None or lam.size * MC_REPLICAS * steps > MC_BUDGET:
        return {**none, "stationary_check": f"skipped (costs more than {MC_BUDGET:.0e} element-steps)"}
    r = noisy_run(method, params, lam, noise, steps=steps, record_steps=[steps], replicas=MC_REPLICAS, seed=seed,
                  e0=0.0, backend="numpy")
    z = float(r["z"][-1])
    return {"stationary_loss_simulated": float(r["loss"][-1]), "stationary_loss_stderr": float(r["loss_stderr"][-1]),
            "stationary_loss_exact_at_steps": float(r["loss_predicted"][-1]), "stationary_z": z,
            "stationary_steps": steps,
            "stationary_check": "agrees" if z <= Z_TOLERANCE else f"DISAGREES (z > {Z_TOLERANCE:g})"}


def steps_to_target(method, params: dict[str, float], eigenvalues, e0_sq, noise_var, target: float,
                    max_steps: int) -> int | None:
    r"""First t in [0, ``max_steps``] with the exact :math:`\sum_i \tfrac12\lambda_i\,\mathbb E[e_{i,t}^2] \le`
    ``target`` (see the module docstring); ``None`` when there is none (or no stationary state)."""
    lam = np.atleast_1d(np.asarray(eigenvalues, dtype=np.float64))
    e0 = np.broadcast_to(np.asarray(e0_sq, dtype=np.float64), lam.shape)
    var = np.broadcast_to(np.asarray(noise_var, dtype=np.float64), lam.shape)
    m = model(method)
    M, b = model_arrays(m, params, lam)
    if m.scalars:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        if not np.all(np.isfinite(M)) or np.max(np.abs(np.linalg.eigvals(M))) >= 1:
            return None
        S_inf = lyapunov_solve(M, var[:, None, None] * b[:, :, None] * b[:, None, :])
    start = np.asarray(m.start, dtype=np.float64)
    D = e0[:, None, None] * start[None, :, None] * start[None, None, :] - S_inf   # S_0 - S_inf
    w = lam / 2
    floor = float(S_inf[:, 0, 0] @ w)
    if floor >= target:
        return None
    return first_passage(M, D, floor, w, target, max_steps)[0]


def _problem(cfg: SweepConfig, mu: float, L: float) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues, E[e_0^2] per eigenvalue) of the noisy problem at one point (see the module docstring)."""
    if cfg.init == "extreme":
        return np.array([mu, L]), np.array([0.5, 0.5])
    if cfg.eigenvalues:
        lam = np.asarray(cfg.eigenvalues, dtype=np.float64)
    else:
        make = SPECTRA[cfg.spectrum]
        lam = make(mu, L, cfg.dim, cfg.seed) if cfg.spectrum == "random-uniform" else make(mu, L, cfg.dim)
        lam = np.asarray(lam, dtype=np.float64)
    return lam, np.full(lam.size, 1.0 / lam.size)


def noisy_point(cfg: SweepConfig, method: str, kappa: float, noise: NoiseModel, target: float | None,
                params: dict[str, float] | None = None) -> dict[str, Any]:
    """One (method, kappa) record of the noisy sweep."""
    t0 = time.perf_counter()
    mu, L = (cfg.eigenvalues[0], cfg.eigenvalues[-1]) if cfg.eigenvalues else (1.0 / kappa, 1.0)
    form = numerics.form(method)
    p = {k: float(x) for k, x in (params if params is not None else tuned(form, cfg.tuning, mu, L)).items()}
    rule = numerics.rule(method, p, form.name)
    lam, e0_sq = _problem(cfg, mu, L)
    var = noise.variance(lam)
    P = stationary_second_moments(form, rule.params, lam, var)
    floor = None if P is None else float(P @ (lam / 2))
    steps = None
    if target is not None and floor is not None:
        steps = steps_to_target(form, rule.params, lam, e0_sq, var, target, cfg.max_steps)
    initial = float(np.sum(lam * e0_sq) / 2)
    rate = float(theory_rate(form, p, mu, L))
    check = floor_check(form, rule.params, lam, noise, rate, cfg.seed) if floor is not None else {
        "stationary_loss_simulated": None, "stationary_loss_stderr": None, "stationary_loss_exact_at_steps": None,
        "stationary_z": None, "stationary_steps": None, "stationary_check": "no floor (unstable)"}
    return {"method": method, "form": form.name, "kappa": kappa, "mu": mu, "L": L, "init": cfg.init,
            "params": p, "rate_theory": rate, "noise": str(noise), "noise_distribution": noise.dist,
            "directions": int(lam.size), "initial_loss": initial,
            "stationary_loss_theory": floor, "stable": floor is not None, "target_loss": target,
            "steps_to_target_theory": steps,
            "target_status": (None if target is None else "unstable" if floor is None
                              else "never" if floor >= target
                              else "reached" if steps is not None else "beyond max_steps"),
            **check, "seconds": round(time.perf_counter() - t0, 4)}


def run_noisy_sweep(cfg: SweepConfig, noise: NoiseModel, target: float | None = None,
                    params_list: list[dict[str, float]] | None = None, on_point=None) -> dict[str, Any]:
    r"""Every (method, :math:`\kappa`[, parameter set]) point of ``cfg`` under ``noise``; with ``target``, per
    method the fitted exponent p of steps-to-target :math:`\sim C\kappa^p` over the points that reach it."""
    cfg = cfg.validated()
    noise.variance([1.0])  # a minibatch model without a batch fails here, before any work
    if target is not None:
        target = v.positive("target_loss", target)
    if cfg.init == "random" and not cfg.eigenvalues and cfg.dim > MAX_RANDOM_DIM:
        raise v.ParameterError("dim", f"at most {MAX_RANDOM_DIM} with --noise and --init random (one Lyapunov solve "
                               "and a scan per eigenvalue)", cfg.dim)
    if cfg.init == "random" and cfg.eigenvalues and len(cfg.eigenvalues) > MAX_RANDOM_DIM:
        raise v.ParameterError("spectrum", f"at most {MAX_RANDOM_DIM} eigenvalues with --noise and --init random",
                               len(cfg.eigenvalues))
    t0 = time.perf_counter()
    points = []
    for method in cfg.methods:
        for kappa in cfg.kappas():
            for params in (params_list or [None]):
                rec = noisy_point(cfg, method, kappa, noise, target, params)
                points.append(rec)
                if on_point is not None:
                    on_point(rec)
    fits = []
    if target is not None:
        for method in cfg.methods:
            ps = [p for p in points if p["method"] == method and p["steps_to_target_theory"]]
            fits.append({"method": method, **fit_exponent([p["kappa"] for p in ps],
                                                          [p["steps_to_target_theory"] for p in ps])})
    config = {k: x for k, x in cfg.to_dict().items() if k not in ("tol", "backend", "initial_error", "iters_theory")}
    return {"config": {**config, "noise": str(noise), "noise_distribution": noise.dist, "target_loss": target,
                       "noisy_problem": ("the two-mode quadratic diag(mu, L), e0 = (1, 1)/sqrt(2)" if cfg.init == "extreme"
                                         else "all eigenvalues, E[e0_i^2] = 1/d (isotropic start)"),
                       "stationary_loss_theory": "sum_i lambda_i P_i / 2, P_i the stationary E[e_i^2] (Lyapunov)",
                       "stationary_loss_simulated": f"Monte Carlo check where cheap: {MC_REPLICAS} copies from x* "
                                                    "for T steps (rho^(2T) <= 1e-12), mean loss at T +- its standard "
                                                    "error; stationary_z: deviation from the exact loss at T",
                       "steps_to_target_theory": "first t with the exact E f(x_t) - f* <= target_loss; null if never "
                                                 "(floor >= target) or beyond max_steps"},
            "points": points, "fits": fits, "seconds": time.perf_counter() - t0}
