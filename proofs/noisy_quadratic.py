r"""The join for stochastic gradients: theory's exact moments of a method value against the Monte Carlo runs.

* :func:`model` hands numerics' method value to :func:`theory.noisy_quadratic.noisy_model` (neither layer imports
  the other);
* :func:`exact_second_moment` evaluates the exact :math:`\mathbb E[e_t^2]` (bias + variance) per distinct
  eigenvalue: in 30-digit mpmath (``high_precision``, the claims) or vectorised in float64 over all eigenvalues at
  once (the theory's recursion run on float arrays, for large spectra in the CLI);
* :func:`stationary_second_moment` is the stationary :math:`P_{xx}` (40 digits; at sync points for a periodic
  method);
* :func:`noisy_run` runs the Monte Carlo seam :func:`numerics.noisy.noisy_moments` on ``replicas`` copies of a
  spectrum and returns, per recorded step, the simulated expected loss, its standard error, the exact expected
  loss and the deviation in standard errors.
"""
from __future__ import annotations

import math
from functools import cache
from typing import Any, Mapping

import mpmath
import numpy as np

from ratecheck.numerics import validation as v
from ratecheck.numerics.noise import NoiseModel
from ratecheck.numerics.noisy import group_labels, noisy_iterates, noisy_moments, resolve_noisy_backend
from ratecheck.numerics.problems import isotropic_initial_error

__all__ = ["model", "exact_second_moment", "stationary_second_moment", "stationary_second_moments", "noisy_run",
           "stationary_record", "scalars_constant", "Z_TOLERANCE"]

#: the claims' and the CLI's agreement bound: |simulated - exact| <= Z_TOLERANCE standard errors at every step
Z_TOLERANCE = 5.0


@cache
def model(method):
    r"""theory's :class:`~theory.noisy_quadratic.NoisyModel` of the method value (``NotLinear`` when there is none)."""
    from ratecheck.theory import noisy_quadratic

    return noisy_quadratic.noisy_model(method)


def exact_second_moment(method, params: Mapping[str, float], eigenvalues, e0_sq, noise_var, record_steps, *,
                        high_precision: bool = False) -> dict[str, np.ndarray]:
    r"""Exact :math:`\mathbb E[e_t^2]` per eigenvalue at ``record_steps``: arrays ``bias``, ``variance``, ``total`` of
    shape (R, G) for G eigenvalues with :math:`\mathbb E[e_0^2]` = ``e0_sq`` and noise variance ``noise_var`` (each
    one number or one per eigenvalue)."""
    from ratecheck.theory import noisy_quadratic

    m = model(method)
    lam = np.atleast_1d(np.asarray(eigenvalues, dtype=np.float64))
    e0 = np.broadcast_to(np.asarray(e0_sq, dtype=np.float64), lam.shape)
    var = np.broadcast_to(np.asarray(noise_var, dtype=np.float64), lam.shape)
    rec = [int(t) for t in record_steps]
    p = {k: float(x) for k, x in params.items()}
    if not high_precision:
        with np.errstate(over="ignore", invalid="ignore"):
            c = noisy_quadratic.second_moment_curve(m, p, lam, e0, var, rec)
        return {k: np.array([np.broadcast_to(np.asarray(x, dtype=np.float64), lam.shape) for x in c[k]])
                for k in ("bias", "variance", "total")}
    out = {k: np.empty((len(rec), lam.size)) for k in ("bias", "variance", "total")}
    with mpmath.workdps(30):
        pm = {k: mpmath.mpf(x) for k, x in p.items()}
        for g in range(lam.size):
            c = noisy_quadratic.second_moment_curve(m, pm, mpmath.mpf(lam[g]), mpmath.mpf(e0[g]), mpmath.mpf(var[g]), rec)
            for k in out:
                out[k][:, g] = [float(x) for x in c[k]]
    return out


def stationary_second_moment(method, params: Mapping[str, float], eigenvalue: float, noise_var: float,
                             period: int | None = None) -> float | None:
    r"""Stationary :math:`P_{xx}` (40-digit Lyapunov solution, at the period's end for a periodic method); ``None``
    when the method is unstable at this eigenvalue or time-varying without a period (no stationary state)."""
    from ratecheck.theory import noisy_quadratic

    m = model(method)
    if m.scalars and int(getattr(method, "period", 1) or 1) == 1 and period is None:
        return None
    P = noisy_quadratic.stationary_numeric(m, dict(params), eigenvalue, noise_var, period=period)
    return None if P is None else float(P[0, 0])


def scalars_constant(method, params: Mapping[str, float], steps: int) -> bool:
    r"""Whether ``method``'s per-step scalars (a schedule, an averaging weight) take the same values at every step
    t = 1..``steps`` (then one step is a period of the run, e.g. an EMA started at x0)."""
    from ratecheck.numerics.methods import rule_of

    rule = rule_of(method, params)
    if method.scalars is None:
        return True
    def at(t):
        sp = method.step_params(rule.params, t)
        return tuple(float(sp[n]) for n in method.scalar_names)

    first = at(1)
    return all(at(t) == first for t in range(2, int(steps) + 1))


def noisy_run(method, params: Mapping[str, float], eigenvalues, noise: NoiseModel, *, steps: int, record_steps,
              replicas: int = 1, seed: int = 0, e0=None, radius: float = 1.0,
              high_precision: bool = False, backend: str = "auto", record_iterates: bool = False) -> dict[str, Any]:
    r"""Monte Carlo of ``method`` under ``noise`` on ``replicas`` copies of the spectrum ``eigenvalues`` (d entries)
    against the exact expectation.

    Start: every direction at ``e0`` (a number), every copy at ``e0`` (an array of d numbers, one per eigenvalue:
    ``simulate --noise --x0``) or, with ``e0=None``, isotropic :math:`e_0 \sim N(0, R^2/d)` per direction
    (``radius`` R, drawn from ``seed``; the noise from ``seed + 1``).  Directions with equal eigenvalues (and, for
    an array ``e0``, equal starts) over all copies are the replicas of one group; ``"e0_sq"`` of the result is
    :math:`\mathbb E[e_0^2]` (one number, or one per group for an array ``e0``), the bias term's start.
    ``record_iterates``: ``"iterates"`` of the result are the first copy's errors at the recorded steps
    (:func:`numerics.noisy.noisy_iterates`, the same directions of the same run).  The loss is that of one copy of the spectrum,
    :math:`\mathbb E f(x_t) - f^* = \sum_g m_g\lambda_g\,\mathbb E[e_g^2]/2` (:math:`m_g` = multiplicity in one copy).
    ``backend`` of :func:`numerics.noisy.noisy_moments` (``auto``: the fused kernel unless the run is small; the
    same iterates either way); the one that ran is ``"backend"`` of the result.  The draws have the law
    ``noise.dist`` (``"noise_distribution"`` of the result); the exact expectation depends on the noise's variance
    only (:func:`theory.noise_moments.moment_recursion_derivation`).
    """
    from ratecheck.numerics.methods import rule_of

    rule_of(method, params)  # parameters checked before any work
    lam1 = v.eigenvalue_array(eigenvalues)
    replicas = v.integer("replicas", replicas, 1)
    d = lam1.size
    v.check_memory("replicas", d * replicas, 8)
    lam = np.tile(lam1, replicas)
    per_direction = e0 is not None and np.ndim(e0) == 1
    if e0 is None:
        start = np.concatenate([isotropic_initial_error(d, seed + r, radius) for r in range(replicas)])
        e0_sq = radius ** 2 / d
    elif per_direction:
        e0_1 = np.asarray(e0, dtype=np.float64)
        if e0_1.shape != (d,) or not np.all(np.isfinite(e0_1)):
            raise v.ParameterError("e0", f"finite numbers, one per eigenvalue ({d})", e0_1.shape)
        start = np.tile(e0_1, replicas)
    else:
        start = np.full(lam.size, v.finite("e0", e0))
        e0_sq = float(e0) ** 2
    std = noise.std(lam)
    if per_direction:  # a group is one (eigenvalue, start) pair
        keys, labels = np.unique(np.stack([lam, start], axis=1), axis=0, return_inverse=True)
        labels = labels.ravel().astype(np.int64)
        distinct, e0_sq = keys[:, 0].copy(), keys[:, 1] ** 2
        mult = np.bincount(labels[:d], minlength=distinct.size)
    else:
        distinct, labels = group_labels(lam)
        mult = np.bincount(group_labels(lam1)[1], minlength=distinct.size)
    weights = mult * distinct / 2
    rec = np.asarray(record_steps)
    ran = resolve_noisy_backend(backend, lam.size, int(rec.max()) if rec.size and rec.dtype.kind in "iu" else 0)
    mom = noisy_moments(method, params, lam, start, std, steps, seed + 1, record_steps, labels, backend=ran,
                        dist=noise.dist)
    if np.any(mom.count < 2):
        raise v.ParameterError("replicas", "at least 2 when an eigenvalue occurs once (a standard error needs two "
                               "samples per eigenvalue)", replicas)
    mean, se = mom.loss(weights)
    var_g = noise.variance(distinct)
    exact = exact_second_moment(method, params, distinct, e0_sq, var_g, mom.record_steps, high_precision=high_precision)
    with np.errstate(over="ignore", invalid="ignore"):
        predicted = exact["total"] @ weights
        bias = exact["bias"] @ weights
        diff = mean - predicted
        scale = np.maximum(np.abs(predicted), np.finfo(float).tiny)
        z = np.where(se > 0, np.abs(diff) / np.where(se > 0, se, 1.0),
                     np.where(np.abs(diff) <= 1e-12 * scale, 0.0, np.inf))
    finite = np.isfinite(mean)
    return {"record_steps": mom.record_steps, "loss": mean, "loss_stderr": se, "loss_predicted": predicted,
            "loss_bias": bias, "z": z, "max_z": float(np.max(z[finite])) if finite.any() else float("inf"),
            "diverged": bool(not finite.all()), "moments": mom, "eigenvalues": distinct, "weights": weights,
            "e0_sq": e0_sq, "directions": int(lam.size), "noise": str(noise), "backend": ran,
            "noise_distribution": noise.dist,
            **({"iterates": noisy_iterates(method, params, lam1, start[:d], std[:d], seed + 1, mom.record_steps,
                                              dist=noise.dist)}
               if record_iterates else {})}


def model_arrays(m, params: Mapping[str, float], lam: np.ndarray, j: int = 1) -> tuple[np.ndarray, np.ndarray]:
    r"""The traced model ``m`` (:func:`model`) at step ``j`` as float64 arrays: :math:`M` of shape (d, n, n) and
    :math:`b` of shape (d, n), one per eigenvalue of ``lam`` (entries that do not depend on λ are broadcast)."""
    M, b = m.numeric(params, lam, j)
    d, n = lam.size, m.size
    Ma = np.empty((d, n, n))
    ba = np.empty((d, n))
    for i in range(n):
        ba[:, i] = np.broadcast_to(np.asarray(b[i], dtype=np.float64), (d,))
        for c in range(n):
            Ma[:, i, c] = np.broadcast_to(np.asarray(M[i][c], dtype=np.float64), (d,))
    return Ma, ba


def lyapunov_solve(M: np.ndarray, Q: np.ndarray) -> np.ndarray:
    r"""The solutions :math:`S` (d, n, n) of the discrete Lyapunov equations :math:`S = M S M^\top + Q`, one per
    eigenvalue: :math:`(I - M\otimes M)\,\mathrm{vec}\,S = \mathrm{vec}\,Q` (row-major vec), batched
    ``numpy.linalg.solve``.  The caller checks stability (a spectral radius below 1 makes the system regular)."""
    d, n, _ = M.shape
    K = np.eye(n * n)[None] - np.einsum("dia,djc->dijac", M, M).reshape(d, n * n, n * n)
    return np.linalg.solve(K, Q.reshape(d, n * n, 1))[:, :, 0].reshape(d, n, n)


def stationary_second_moments(method, params: Mapping[str, float], eigenvalues, noise_var) -> np.ndarray | None:
    r"""Stationary :math:`P_{xx}` for many eigenvalues at once, float64: the (period) Lyapunov equation
    :math:`(I - \Phi\otimes\Phi)\,\mathrm{vec}\,P = \mathrm{vec}\,Q` solved per eigenvalue (``numpy.linalg.solve``
    batched), :math:`\Phi, Q` from theory's traced model as in :func:`theory.noisy_quadratic.stationary_numeric`.
    ``None`` when some eigenvalue has no stationary state (unstable, or a time-varying method without a period)."""
    m = model(method)
    k = int(getattr(method, "period", 1) or 1)
    if m.scalars and k == 1:
        return None
    lam = np.atleast_1d(np.asarray(eigenvalues, dtype=np.float64))
    var = np.broadcast_to(np.asarray(noise_var, dtype=np.float64), lam.shape)
    n, d = m.size, lam.size
    p = {key: float(x) for key, x in params.items()}
    Phi = np.broadcast_to(np.eye(n), (d, n, n)).copy()
    Q = np.zeros((d, n, n))
    with np.errstate(over="ignore", invalid="ignore"):
        for j in range(1, k + 1):
            Mj, bj = model_arrays(m, p, lam, j)
            Phi = Mj @ Phi
            Q = Mj @ Q @ np.swapaxes(Mj, 1, 2) + var[:, None, None] * bj[:, :, None] * bj[:, None, :]
        if not np.all(np.isfinite(Phi)) or np.max(np.abs(np.linalg.eigvals(Phi))) >= 1:
            return None
        P = lyapunov_solve(Phi, Q)
    return P[:, 0, 0]


def stationary_record(method, params: Mapping[str, float], eigenvalue: float, noise: NoiseModel, *,
                      replicas: int = 100_000, seed: int = 0, steps: int | None = None,
                      rate: float | None = None, backend: str = "auto") -> dict[str, Any]:
    r"""Stationary variance and loss of one eigen-direction: derived (40-digit Lyapunov solution; at sync points for
    a periodic method) and simulated (``replicas`` directions from :math:`x_0 = x^*`, mean of :math:`e_T^2` and its
    standard error).  ``steps`` T defaults to the steps after which the per-step ``rate`` ρ has shrunk the start's
    share below 1e-12 (:math:`\rho^{2T} \le 10^{-12}`), rounded up to whole periods, at most 100000."""
    lam = v.positive("eigenvalues", eigenvalue)
    replicas = v.integer("replicas", replicas, 2)
    k = int(getattr(method, "period", 1) or 1)
    var = float(noise.variance([lam])[0])
    theory = stationary_second_moment(method, params, lam, var)
    out = {"noise": str(noise), "noise_distribution": noise.dist, "noise_std": math.sqrt(var), "replicas": replicas,
           "stationary_at": (
        f"sync points (every {k} steps)" if k > 1 else "every step"),
        "stationary_variance_theory": theory,
        "stationary_loss_theory": None if theory is None else lam * theory / 2}
    if theory is None:
        out.update({"stationary_variance_simulated": None, "stationary_variance_stderr": None,
                    "stationary_loss_simulated": None, "stationary_steps": None, "stationary_gap_at_steps": None,
                    "stationary_backend": None})
        return out
    if steps is None:
        r = rate if rate is not None and 0 < rate < 1 else 0.5
        steps = min(100_000, max(10, math.ceil(6 * math.log(10) / -math.log(r))))
    steps = v.integer("steps", steps, 1)
    steps = -(-steps // k) * k
    run = noisy_run(method, params, [lam], noise, steps=steps, record_steps=[steps], replicas=replicas, seed=seed,
                    e0=0.0, backend=backend)
    mc, se = float(run["loss"][-1]) * 2 / lam, float(run["loss_stderr"][-1]) * 2 / lam
    at_t = float(exact_second_moment(method, params, [lam], 0.0, var, [steps], high_precision=True)["total"][0, 0])
    out.update({"stationary_variance_simulated": mc, "stationary_variance_stderr": se,
                "stationary_loss_simulated": lam * mc / 2, "stationary_steps": steps,
                "stationary_gap_at_steps": 1 - at_t / theory, "stationary_backend": run["backend"],
                "stationary_z": abs(mc - theory) / se if se > 0 else None})
    return out
