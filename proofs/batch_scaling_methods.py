r"""Batch-size scaling of any linear method with a learning-rate parameter, from its exact expected-loss curve.

:mod:`proofs.batch_scaling` searches SGD's closed-form curve; this module does the same for every linear method
value whose learning-rate parameter theory can identify (:func:`theory.batch_scaling.learning_rate_parameter`: the
one parameter with the unit of an inverse curvature — heavy ball's and Nesterov's ``alpha``, a velocity form's
``eta``), the other parameters fixed (or, with ``tune``, one of them searched too).

For each batch size B (noise :math:`\mathrm{Cov} = cH/B`) and learning rate :math:`\theta`:

* the exact expected loss at every step from the Lyapunov recursion :math:`S_{t+1} = M S_t M^\top + s^2 b b^\top`
  of theory's traced model (:func:`proofs.noisy_quadratic.model`), per eigenvalue, from :math:`S_0 = \mathbb E[e_0^2]
  vv^\top` (:math:`v` the state arrays that start as a copy of :math:`x_0`), run to the target by
  :func:`numerics.moment_recursion.first_passage`: ``steps`` is the first t with :math:`\mathbb E f(x_t) - f^* \le X`,
  the real time :math:`t^*` its log-linear interpolation between t − 1 and t (what is minimised: a plateau of equal
  integer step counts has one best point);
* :math:`\theta` with a noise floor :math:`\sum_i\tfrac{\lambda_i}{2}P_i \ge X` (the Lyapunov equation, solved per
  eigenvalue) or outside the stable range never reaches the target; the stable range :math:`(0, \theta_{\max})` is
  found by bisection on the largest modulus of the eigenvalues of :math:`M(\lambda_i)`;
* the best :math:`\theta`: a scan from the edge where the floor reaches the target (or the stable range ends) down
  in steps of a factor :math:`\sqrt2` until the time has risen :data:`RISES` times in a row past the best, then
  SciPy's bounded Brent search in :math:`\log\theta` between the best point's neighbours; every run is cut at
  :data:`PRUNE` times the best time so far (a slower point cannot win).  Where the loss oscillates (large batches)
  :math:`t^*(\theta)` can have several narrow local minima (the first passage jumps by whole oscillations); where the
  runs are short a dense grid of up to :data:`DENSE` points over :math:`[\theta^* e^{-3}, \theta_{\mathrm{edge}})`
  is evaluated too, as many points as :data:`DENSE_WORK` direction-steps allow (at small batches, where the runs
  are long, the loss decays without oscillating and the minimum is single).

The fits (small-batch exponent, critical batch size, noise-free optimum) are those of :mod:`proofs.batch_scaling`
(:func:`~proofs.batch_scaling.scaling_fits`).  Gradient descent through this module gives the closed form's step
counts (``tests/test_batch_scaling_methods.py``), an independent check of the recursion and the search.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from ratecheck.numerics import validation as v
from ratecheck.numerics.moment_recursion import first_passage
from ratecheck.numerics.noise import NoiseModel

from .batch_scaling import checked_problem, scaling_fits
from .noisy_quadratic import lyapunov_solve, model, model_arrays

__all__ = ["learning_rate_of", "LinearSearch", "method_batch_scaling", "WALK", "RISES", "DENSE", "DENSE_SPAN",
           "DENSE_WORK", "PRUNE", "MAX_STEPS", "TUNE_GRID"]

#: the step of the downhill walk in log(theta) (a factor sqrt(2))
WALK = math.log(2) / 2
#: the scan down from the floor's edge stops after this many points in a row slower than the best
RISES = 3
#: the dense grid: at most DENSE points over [theta*/e^DENSE_SPAN, edge), as many as DENSE_WORK direction-steps allow
DENSE, DENSE_SPAN, DENSE_WORK = 120, 3.0, 1e7
#: a run is cut at PRUNE x the best time so far
PRUNE = 1.25
#: the most steps one run may take (a learning rate that needs more is "not reached")
MAX_STEPS = 2_000_000
#: the values a tuned parameter takes with ``tune`` (a momentum in [0, 1)): 0 and 1 - 2^-k, k = 1..7
TUNE_GRID = (0.0, 0.5, 0.75, 0.875, 0.9375, 0.96875, 0.984375, 0.9921875)


def learning_rate_of(method) -> str:
    r"""The name of ``method``'s learning-rate parameter, from theory's traced model; ParameterError ``method`` when
    the method is not linear or has none."""
    from ratecheck.theory.batch_scaling import NoLearningRate, learning_rate_parameter
    from ratecheck.theory.linear_engine import NotLinear

    try:
        return learning_rate_parameter(model(method))
    except (NoLearningRate, NotLinear) as exc:
        raise v.ParameterError("method", "a linear method with a learning-rate parameter", f"{method.key}: {exc}") from None


class LinearSearch:
    r"""The exact expected loss of one method at fixed other parameters on one spectrum, as a function of the
    learning rate :math:`\theta` and the noise variance per eigenvalue."""

    def __init__(self, method, fixed: Mapping[str, float], eigenvalues, e0_sq: float):
        self.method = method
        self.lr = learning_rate_of(method)
        self.fixed = dict(fixed)
        self.model = model(method)
        self.lam = v.eigenvalue_array(eigenvalues)
        start = np.asarray(self.model.start, dtype=np.float64)
        self.S0 = e0_sq * np.broadcast_to(start[:, None] * start[None, :], (self.lam.size,) + (start.size,) * 2)
        self.weights = self.lam / 2

    def matrices(self, theta: float) -> tuple[np.ndarray, np.ndarray]:
        """(M, b) as arrays of shape (d, n, n) and (d, n) at learning rate ``theta``."""
        return model_arrays(self.model, {**self.fixed, self.lr: float(theta)}, self.lam)

    def stable(self, theta: float, M: np.ndarray | None = None) -> bool:
        M = self.matrices(theta)[0] if M is None else M
        with np.errstate(over="ignore", invalid="ignore"):
            return bool(np.all(np.isfinite(M)) and np.max(np.abs(np.linalg.eigvals(M))) < 1)

    def theta_max(self) -> float:
        r"""The end of the stable range :math:`(0, \theta_{\max})` (bisection in :math:`\log\theta`)."""
        lo = 1.0 / float(self.lam.max())
        while not self.stable(lo):
            lo /= 2
            if lo < 1e-300:
                raise v.ParameterError("params", f"values at which {self.method.key} is stable for some learning rate",
                                       self.fixed)
        hi = 2 * lo
        while self.stable(hi):
            lo, hi = hi, 2 * hi
            if hi > 1e300:
                return math.inf
        for _ in range(60):
            mid = math.sqrt(lo * hi)
            if self.stable(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def _stationary(self, theta: float, var: np.ndarray):
        r"""(M, :math:`S_\infty` (d, n, n), floor) at ``theta``; None when unstable or not finite.  :math:`S_\infty`
        from :math:`(I - M\otimes M)\,\mathrm{vec}\,S = \mathrm{vec}(s^2 bb^\top)`, solved per eigenvalue."""
        if not theta > 0:
            return None
        M, b = self.matrices(theta)
        if not self.stable(theta, M):
            return None
        d, n, _ = M.shape
        if not var.any():
            S = np.zeros((d, n, n))
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                S = lyapunov_solve(M, var[:, None, None] * b[:, :, None] * b[:, None, :])
            if not np.all(np.isfinite(S)) or np.any(S[:, 0, 0] < 0):  # at the stability edge: rounding, no floor
                return None
        return M, S, float(S[:, 0, 0] @ self.weights)

    def floor(self, theta: float, var: np.ndarray) -> float:
        r"""The stationary expected loss :math:`\sum_i\tfrac{\lambda_i}{2}(S_\infty)_{00}` (inf when unstable)."""
        r = self._stationary(theta, var)
        return math.inf if r is None else r[2]

    def time_to_target(self, theta: float, var: np.ndarray, target: float, cap: float = MAX_STEPS) -> tuple[float, int | None]:
        r"""(:math:`t^*`, integer steps) at learning rate ``theta``: ``(inf, None)`` when unstable, when the floor is at or
        above the target, or when the target is not reached within ``cap`` steps."""
        r = self._stationary(theta, var)
        if r is None or r[2] >= target * (1 - 1e-12):
            return math.inf, None
        M, S, floor = r
        steps, real = first_passage(M, self.S0 - S, floor, self.weights, target, int(min(cap, MAX_STEPS)))
        return real, steps

    def floor_edge(self, var: np.ndarray, target: float, theta_max: float) -> float:
        r"""The largest :math:`\theta` (below :math:`\theta_{\max}`) whose floor is below the target (bisection in
        :math:`\log\theta`; the floor grows with :math:`\theta`)."""
        hi = theta_max * (1 - 1e-9) if math.isfinite(theta_max) else 1e6 / float(self.lam.max())
        if self.floor(hi, var) < target:
            return hi
        lo = hi
        while self.floor(lo, var) >= target:
            lo /= 4
            if lo < hi * 1e-30:
                return math.nan
        for _ in range(50):
            mid = math.sqrt(lo * hi)
            if self.floor(mid, var) < target:
                lo = mid
            else:
                hi = mid
        return lo

    def best(self, var: np.ndarray, target: float, theta_max: float) -> tuple[float, float, int | None]:
        r"""(:math:`\theta^*`, :math:`t^*`, steps): the learning rate that reaches the target soonest.

        One run at half the floor's edge (where the floor is about half the target) sets the cut; then points from the
        edge down by steps of :data:`WALK` in :math:`\log\theta` until the time has risen :data:`RISES` times in a row
        past the best, then Brent's bounded search between the neighbours of the best point; every run is cut at
        :data:`PRUNE` times the best time so far."""
        from scipy.optimize import minimize_scalar

        edge = self.floor_edge(var, target, theta_max)
        if not math.isfinite(edge):
            return math.nan, math.inf, None
        u_edge = math.log(edge)
        seen: dict[float, float] = {}
        best_t = [math.inf]

        def f(u):
            if u >= u_edge:
                return math.inf
            if u not in seen:
                cap = MAX_STEPS if not math.isfinite(best_t[0]) else PRUNE * best_t[0] + 2
                seen[u] = self.time_to_target(math.exp(u), var, target, cap)[0]
                best_t[0] = min(best_t[0], seen[u])
            return seen[u]

        if not math.isfinite(f(u_edge - math.log(2))):  # the first run: sets the cut for all others
            return math.nan, math.inf, None
        k, rises = 1, 0
        u = best_u = u_edge - WALK
        while rises < RISES and u > u_edge - 80:
            if f(u) < f(best_u):
                best_u, rises = u, 0
            elif f(u) > f(best_u):
                rises += 1
            k += 1
            u = u_edge - k * WALK
        for x in seen:
            if seen[x] < f(best_u):
                best_u = x
        half = WALK
        n = int(min(DENSE, DENSE_WORK / (self.lam.size * (PRUNE * f(best_u) + 2))))
        if n >= 16:  # short runs: a dense grid too (the first passage of an oscillating loss has narrow basins)
            us = np.linspace(best_u - DENSE_SPAN, u_edge, n, endpoint=False)
            for x in us:
                if f(float(x)) < f(best_u):
                    best_u = float(x)
            half = float(us[1] - us[0])
        u = best_u
        a, b = u - half, min(u + half, u_edge)
        worse = 2 * (PRUNE * f(u) + 2)  # cut or unreachable: a finite value above every run that is not cut

        def g(x):
            t = f(x)
            return t if math.isfinite(t) else worse

        r = minimize_scalar(g, bounds=(a, b), method="bounded", options={"xatol": 1e-4})
        u = min((float(r.x), u), key=f)
        t, steps = self.time_to_target(math.exp(u), var, target)
        return math.exp(u), t, steps


def method_batch_scaling(method, fixed: Mapping[str, float], eigenvalues, noise: NoiseModel, target: float,
                         batches: Sequence[float], *, e0_sq: float, tune: str | None = None) -> dict[str, Any]:
    r"""Best learning rate and steps to the target for each batch size (the exact curves of ``method`` at the
    parameters ``fixed``); with ``tune`` the named parameter is searched too, over :data:`TUNE_GRID` (it is then left
    out of ``fixed``).  The JSON shape of :func:`proofs.batch_scaling.batch_scaling` plus ``method``, ``form``,
    ``learning_rate`` (the parameter searched), ``params`` (those held fixed) and, with ``tune``, each point's
    tuned value."""
    from ratecheck.numerics.methods import rule_of

    lr = learning_rate_of(method)
    fixed = {k: float(x) for k, x in fixed.items()}
    if lr in fixed:
        raise v.ParameterError("params", f"without {lr}: batch-scaling searches the learning rate", f"{lr}={fixed[lr]:g}")
    if tune is not None:
        if tune == lr or tune not in method.param_names:
            others = [n for n in method.param_names if n != lr]
            raise v.ParameterError("tune", f"one of {', '.join(others) or '(none)'} (a parameter of {method.key} other "
                                   f"than the learning rate {lr})", tune)
        if tune in fixed:
            raise v.ParameterError("params", f"without {tune}: it is tuned", f"{tune}={fixed[tune]:g}")
        p = method.param(tune)
        grid = [x for x in TUNE_GRID if p.lo <= x < p.hi and not (p.lo_open and x == p.lo)]
        if not grid:
            raise v.ParameterError("tune", f"a parameter with values in [0, 1) ({tune} has range {p.range_text})", tune)
    else:
        grid = [None]
    for g in grid:  # the fixed parameters are checked (names, ranges, none missing) before any work
        rule_of(method, {**fixed, lr: 1.0, **({} if g is None else {tune: g})})
    lam, target, bs, initial = checked_problem(eigenvalues, noise, target, batches, e0_sq)
    searches = [(g, LinearSearch(method, {**fixed, **({} if g is None else {tune: g})}, lam, e0_sq)) for g in grid]
    tops = [s.theta_max() for _, s in searches]

    def best(var):
        out = None
        for (g, s), top in zip(searches, tops):
            theta, t, steps = s.best(var, target, top)
            if out is None or t < out[1]:
                out = (theta, t, steps, g)
        return out

    det_eta, det_t, _, det_g = best(np.zeros_like(lam))
    points = []
    for B in bs:
        theta, t, steps, g = best(noise.with_batch(B).variance(lam))
        ok = math.isfinite(t)
        pt = {"batch": B if B != int(B) else int(B), "best_eta": theta if ok else None, "steps": steps if ok else None,
              "time_to_target": t}
        if tune is not None:
            pt[tune] = g if ok else None
        points.append(pt)
    fits = scaling_fits(points, det_t, det_eta)
    if tune is not None:
        fits[f"{tune}_noise_free"] = det_g if math.isfinite(det_t) else None
    keys = ("batch", "best_eta", "steps") + ((tune,) if tune is not None else ())
    return {"method": method.method, "form": method.name, "learning_rate": lr, "params": fixed, "tuned": tune,
            "points": [{k: p[k] for k in keys} for p in points], "fits": fits, "target_loss": target,
            "initial_loss": initial, "noise": str(noise)}
