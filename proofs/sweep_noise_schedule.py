r"""The noisy condition-number sweep under a learning-rate schedule: the exact final expected loss at every point.

For each (method, :math:`\kappa`) point of the noisy sweep (:mod:`proofs.sweep_noise`: the noise floor of the
constant step, its steps to a target) and a schedule of ``T`` steps (:func:`numerics.schedules.parse_schedule`,
the spec ``simulate``/``rate`` accept; its base rate is the point's own step size), this module adds, from the exact
theory:

* ``final_loss_schedule_theory`` :math:`= \mathbb E f(x_T) - f^* = \sum_i \tfrac12\lambda_i (S_{i,T})_{xx}`, the
  mean and Lyapunov recursions :math:`S_{t+1} = M_t S_t M_t^\top + s_i^2 b_t b_t^\top` of the *scheduled* method
  value (its step size a per-step scalar; :func:`proofs.noisy_quadratic.exact_second_moment`, float64 over all
  eigenvalues at once), split into ``final_loss_schedule_bias`` (from the start, no noise) and
  ``final_loss_schedule_variance`` (from :math:`S_0 = 0` with the noise);
* ``final_loss_constant_theory``: the same recursion at T for the constant step (the unscheduled method), next to
  the point's noise floor ``stationary_loss_theory``; ``final_loss_schedule_vs_floor`` is their ratio;
* with a target X, ``steps_to_target_schedule_theory``: the first :math:`t \le T` with the exact expected loss of the
  scheduled run :math:`\le X` (the schedule is defined for T steps only, so ``target_status_schedule`` is
  ``"reached"`` or ``"not within T steps"``);
* where it costs at most :data:`proofs.sweep_noise.MC_BUDGET` element-steps, a Monte Carlo run of the scheduled
  method (:data:`MC_REPLICAS` copies of the problem from the point's start, :func:`proofs.noisy_quadratic.noisy_run`
  on the NumPy reference path): ``final_loss_schedule_simulated`` ± ``final_loss_schedule_stderr`` at T, its
  deviation ``final_loss_schedule_z`` from the exact loss in standard errors, and the largest deviation over
  :data:`MC_RECORDS` recorded steps (``final_loss_schedule_max_z``).

A run whose exact loss overflows (a schedule whose peak is unstable) has ``final_schedule_status`` ``"diverged"`` and
null losses; JSON never carries a non-finite number.
"""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ratecheck import numerics
from ratecheck.numerics import validation as v
from ratecheck.numerics.noise import NoiseModel
from ratecheck.numerics.schedules import Schedule, parse_schedule, scheduled

from .noisy_quadratic import Z_TOLERANCE, exact_second_moment, noisy_run
from .sweep import SweepConfig
from .sweep_noise import MC_BUDGET, MC_REPLICAS, _problem, run_noisy_sweep

__all__ = ["schedule_fields", "run_scheduled_noisy_sweep", "MAX_SCHEDULE_STEPS", "MC_RECORDS"]

#: the longest schedule (the exact recursion is evaluated at every step, one small matrix product per eigenvalue)
MAX_SCHEDULE_STEPS = 100_000
#: recorded steps of the Monte Carlo check (evenly spaced, the last one T)
MC_RECORDS = 20


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def schedule_fields(cfg: SweepConfig, point: dict[str, Any], noise: NoiseModel, schedule: Schedule,
                    target: float | None) -> dict[str, Any]:
    r"""The fields a schedule adds to one record of :func:`proofs.sweep_noise.noisy_point` (module docstring)."""
    T = schedule.steps
    form = numerics.form(point["method"])
    rule = numerics.rule(point["method"], point["params"], form.name)
    lam, e0_sq = _problem(cfg, point["mu"], point["L"])
    var = noise.variance(lam)
    w = lam / 2
    method = scheduled(form, schedule)
    curve = exact_second_moment(method, rule.params, lam, e0_sq, var, range(T + 1))
    with np.errstate(over="ignore", invalid="ignore"):
        total = curve["total"] @ w
        bias, variance = float(curve["bias"][-1] @ w), float(curve["variance"][-1] @ w)
    const = exact_second_moment(form, rule.params, lam, e0_sq, var, [T])
    with np.errstate(over="ignore", invalid="ignore"):
        const_final = _finite(float(const["total"][-1] @ w))
    final = _finite(float(total[-1]))
    diverged = final is None or not math.isfinite(bias) or not math.isfinite(variance)
    floor = point["stationary_loss_theory"]
    out = {"schedule": schedule.spec, "schedule_steps": T,
           "final_loss_schedule_theory": None if diverged else final,
           "final_loss_schedule_bias": None if diverged else bias,
           "final_loss_schedule_variance": None if diverged else variance,
           "final_loss_constant_theory": const_final,
           "final_loss_schedule_vs_floor": (None if diverged or floor is None or floor <= 0 else final / floor),
           "final_schedule_status": "diverged" if diverged else "finite"}
    if target is not None:
        with np.errstate(invalid="ignore"):
            hit = np.nonzero(total <= target)[0]
        out["steps_to_target_schedule_theory"] = int(hit[0]) if hit.size else None
        out["target_status_schedule"] = "reached" if hit.size else f"not within {T} steps"
    out.update(_schedule_check(method, rule.params, lam, e0_sq, noise, T, cfg, diverged))
    return out


def _schedule_check(method, params, lam: np.ndarray, e0_sq: np.ndarray, noise: NoiseModel, T: int,
                    cfg: SweepConfig, diverged: bool) -> dict[str, Any]:
    """The Monte Carlo check of the scheduled run where it is cheap (see the module docstring)."""
    none = {"final_loss_schedule_simulated": None, "final_loss_schedule_stderr": None, "final_loss_schedule_z": None,
            "final_loss_schedule_max_z": None}
    if diverged:
        return {**none, "final_schedule_check": "skipped (the exact loss diverges)"}
    if lam.size * MC_REPLICAS * T > MC_BUDGET:
        return {**none, "final_schedule_check": f"skipped (costs more than {MC_BUDGET:.0e} element-steps)"}
    rec = sorted({int(round(T * k / MC_RECORDS)) for k in range(1, MC_RECORDS + 1)})
    # the start: extreme init puts e0_i = 1/sqrt(2) on mu and L (deterministic); random init draws e0 ~ N(0, I/d)
    e0 = float(np.sqrt(e0_sq[0])) if cfg.init == "extreme" else None
    r = noisy_run(method, params, lam, noise, steps=T, record_steps=rec, replicas=MC_REPLICAS, seed=cfg.seed,
                  e0=e0, backend="numpy")
    z, zmax = float(r["z"][-1]), float(r["max_z"])
    return {"final_loss_schedule_simulated": _finite(float(r["loss"][-1])),
            "final_loss_schedule_stderr": _finite(float(r["loss_stderr"][-1])),
            "final_loss_schedule_z": _finite(z), "final_loss_schedule_max_z": _finite(zmax),
            "final_schedule_check": "agrees" if zmax <= Z_TOLERANCE else f"DISAGREES (z > {Z_TOLERANCE:g})"}


def run_scheduled_noisy_sweep(cfg: SweepConfig, noise: NoiseModel, schedule_spec: str, steps: int,
                              target: float | None = None, params_list: list[dict[str, float]] | None = None
                              ) -> dict[str, Any]:
    r""":func:`proofs.sweep_noise.run_noisy_sweep` with every point extended by :func:`schedule_fields` for the
    schedule ``schedule_spec`` of ``steps`` steps; with a target, per method also the fit of the scheduled steps to
    the target :math:`\sim C\kappa^p` (``fits_schedule``)."""
    from .sweep import fit_exponent

    steps = v.integer("steps", steps, 1)
    if steps > MAX_SCHEDULE_STEPS:
        raise v.ParameterError("steps", f"at most {MAX_SCHEDULE_STEPS} with --schedule (the exact recursion is "
                               "evaluated at every step)", steps)
    schedule = parse_schedule(schedule_spec, steps)
    for m in cfg.methods:  # the method has a step size to schedule (ParameterError naming schedule otherwise)
        scheduled(numerics.form(m), schedule)
    cfg = cfg.validated()
    t0 = time.perf_counter()
    result = run_noisy_sweep(cfg, noise, target, params_list)
    for p in result["points"]:
        p.update(schedule_fields(cfg, p, noise, schedule, target))
    result["seconds"] = time.perf_counter() - t0
    if target is not None:
        fits = []
        for m in cfg.methods:
            ps = [p for p in result["points"] if p["method"] == m and p["steps_to_target_schedule_theory"]]
            fits.append({"method": m, **fit_exponent([p["kappa"] for p in ps],
                                                     [p["steps_to_target_schedule_theory"] for p in ps])})
        result["fits_schedule"] = fits
    result["config"].update({
        "schedule": schedule.spec, "schedule_steps": steps,
        "final_loss_schedule_theory": f"exact E f(x_T) - f* after the schedule's T = {steps} steps (mean + Lyapunov "
                                      "recursions of the scheduled method), bias + variance",
        "final_loss_constant_theory": "the same at T for the constant base step",
        "final_loss_schedule_simulated": f"Monte Carlo check where cheap: {MC_REPLICAS} copies from the point's start, "
                                         f"mean loss at T +- its standard error; max z over {MC_RECORDS} recorded steps"})
    return result
