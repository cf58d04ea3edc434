r"""Measure a method's rate: derived spectral radius vs simulated (fitted) rate, as one record.

This is what ``ratecheck rate`` prints and what :func:`proofs.testing.assert_rate_agrees` checks.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from ratecheck import numerics
from ratecheck.numerics import spectra, validation as v
from ratecheck.numerics.framework_names import canonical_params
from ratecheck.numerics.problems import isotropic_initial_error

from .methods import engine_model, engine_tuning, engine_worst_case, spec
from .stability import stability_margin, tuned_params

__all__ = ["measure_rate", "default_steps"]


def _builtin(m) -> bool:
    """True when ``m`` is the registry's own value of a built-in (method, form): its closed forms apply."""
    try:
        return numerics.form(m.method, m.name) == m
    except v.ParameterError:
        return False


def default_steps(rho: float) -> int:
    """Steps for a rate measurement: about 20 e-foldings of a converging run (100..20000);
    for a divergent run, enough to pass the divergence threshold."""
    if rho < 1:
        return int(min(max(math.ceil(20.0 / max(1.0 - rho, 1e-12)), 100), 20_000))
    if rho > 1:
        return int(min(math.ceil(60 * math.log(10) / math.log(rho)) + 10, 20_000))
    return 400


def measure_rate(
    method,
    *,
    mu: float | None = None,
    L: float | None = None,
    eigenvalues=None,
    form: str | None = None,
    params: Mapping[str, float] | None = None,
    tuning: str | None = None,
    dim: int | None = 100_000,
    steps: int | None = None,
    seed: int = 0,
    backend: str = "auto",
    keep_trajectory: bool = False,
    stability: bool = False,
) -> dict[str, Any]:
    """Derived and simulated rate of ``method`` (in ``form``) on a quadratic.

    ``method`` is a built-in method's name or a method value (:class:`numerics.Method`, e.g. one a
    user wrote).  For a form without a closed-form spec (a user's method) the theoretical rate and the
    ``"optimal"`` tuning come from the generic engine (:func:`theory.linear_engine.worst_case`,
    :func:`~theory.linear_engine.optimal_tuning`).  ``worst_lambda`` is the eigenvalue where the
    derived spectral radius is largest and ``max_location`` says how that was found (``endpoint``:
    proved; ``interior`` / ``numeric``: found by search).

    The spectrum is ``dim`` equally spaced eigenvalues on [mu, L] (both ends included), or
    the explicit ``eigenvalues``.  Without ``params`` the method uses ``tuning`` (default
    ``"optimal"``).  e0 is isotropic with ``seed``.  ``params`` may use framework names
    (``lr``, ``momentum``: :func:`numerics.framework_names.canonical_params`).  With
    ``keep_trajectory`` the record also holds the simulated :class:`~numerics.simulate.Trajectory`
    under ``"trajectory"`` (not JSON).  ``stability`` adds the stability margin
    (:func:`proofs.stability.stability_margin`: 5-15 closed-form evaluations, 0.05-0.4 s; ``ratecheck rate``
    asks for it).
    """
    if eigenvalues is not None:
        if mu is not None or L is not None:
            raise v.ParameterError("eigenvalues", "given without mu and L", "both")
        lam = spectra.explicit(eigenvalues)
        mu, L = float(lam[0]), float(lam[-1])
        if not math.isfinite(L / mu):
            raise v.ParameterError("eigenvalues", "numbers whose ratio max/min (kappa) is a finite float64", f"[{mu:g}, {L:g}]")
    else:
        if mu is None or L is None:
            raise v.ParameterError("mu", "given together with L (or use eigenvalues)", mu)
        mu, L = v.positive("mu", mu), v.positive("L", L)
        if L < mu:
            raise v.ParameterError("L", f"a number >= mu = {mu:g}", L)
        if not math.isfinite(L / mu):
            raise v.ParameterError("L", f"a number with L/mu (kappa) a finite float64 (mu = {mu:g})", L)
        dim = v.integer("dim", dim if dim is not None else 100_000, 2)
        lam = spectra.uniform(mu, L, dim)
    m = method if isinstance(method, numerics.Method) else numerics.form(method, form)
    method, form = m.method, m.name
    fs = spec(method, form) if _builtin(m) else None
    engine_rho = engine_status = None
    from ratecheck.theory.linear_engine import NotLinear

    try:
        engine_model(m)
    except NotLinear as exc:
        raise v.ParameterError("method", f"a linear method for a derived rate ({exc})", m.key) from None
    if params:
        tuning_used = "given"
        params = canonical_params(m, form, params)
    else:
        tuning_used = tuning or "optimal"
        if fs is not None:
            params = tuned_params(method, form, tuning_used, mu, L)  # also robust:margin=M
        elif tuning_used != "optimal":
            raise v.ParameterError("tuning", f"optimal for {m.key} (a method without derived tunings)", tuning_used)
        else:
            tuned = engine_tuning(m, mu, L)
            params, engine_rho = {k: float(x) for k, x in tuned.params.items()}, float(tuned.rate)
            engine_status = tuned.status
    rule = numerics.rule_of(m, params)
    worst = engine_worst_case(m, rule.params, mu, L)
    rho = fs.rate(params, mu, L) if fs is not None else (engine_rho if engine_rho is not None else float(worst.rate))
    if not math.isfinite(rho):  # e.g. eta * L beyond the float range: nothing meaningful to simulate
        name = next(iter(params), "params")
        raise v.ParameterError(name, f"small enough that the theoretical rate is a finite float (got rate {rho})",
                               params.get(name))
    steps = default_steps(rho) if steps is None else v.integer("steps", steps, 2)  # a rate needs two steps
    seed = v.integer("seed", seed, 0)
    e0 = isotropic_initial_error(lam.size, seed)
    from ratecheck.numerics.backends import resolve_backend, simulate_diagonal

    backend = resolve_backend(backend)
    traj = simulate_diagonal(rule, lam, e0, steps, backend=backend)
    fit = traj.rate()
    converges = (not traj.diverged) and fit.rate < 1 - 1e-6
    out: dict[str, Any] = {
        "method": method,
        "form": form,
        "mu": mu,
        "L": L,
        "kappa": L / mu,
        "params": {k: float(x) for k, x in rule.params.items()},
        "tuning": tuning_used,
        "rate_theory": rho,
        "converges_theory": rho < 1,
        "converges": converges,
        "rate_simulated": fit.rate,
        "relative_error": abs(fit.rate - rho) / rho if rho > 0 else abs(fit.rate),
        "dim": int(lam.size),
        "steps": int(traj.steps_run),
        "diverged": traj.diverged,
        "growth_factor": fit.rate if traj.diverged else None,
        "overflowed": traj.overflowed,
        "fit_window": list(fit.window),
        "backend": backend,
        "worst_lambda": float(worst.lam),
        "max_location": worst.location,
    }
    out["transient_peak"] = float(traj.error_ratio.max())  # max_t |e_t|/|e_0|: heavy ball first grows
    if stability:  # from the closed-form rate: built-in forms only (None for a user's method)
        out["stability_margin"] = stability_margin(method, form, out["params"], mu, L) if fs is not None else None
    if keep_trajectory:
        out["trajectory"] = traj
    if engine_status is not None:  # tuned numerically by the engine: "converged" or "no convergent tuning found"
        out["tuning_status"] = engine_status
    return out

