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

from .methods import engine_model, engine_tuning, engine_worst_case, theory_rate
from .stability import stability_margin, tuned_params

__all__ = ["measure_rate", "default_steps"]


def _builtin(m) -> bool:
    """True when ``m`` is the registry's own value of a classic built-in (method, form): its closed forms apply."""
    if numerics.methods.family(m) != "classic":
        return False
    try:
        return numerics.form(m.method, m.name) == m
    except v.ParameterError:
        return False


#: a verdict needs the fit window to cover at least this many e-foldings of decay (or growth)
E_FOLDINGS_MIN = 3.0

#: smallest normal float64: a subnormal eigenvalue loses precision (and its tunings overflow)
_NORMAL_MIN = 2.2250738585072014e-308


def _eigenvalue_bound(name: str, value) -> float:
    x = v.positive(name, value)
    if x < _NORMAL_MIN:
        raise v.ParameterError(name, "a number >= 2.2e-308 (a normal float64)", x)
    return x


#: work budget of a default rate run: at most STEPS_BUDGET steps and DIM_STEPS_BUDGET element-steps
#: (about 0.5 s of the numba kernel on one core), but always up to 20000 steps
STEPS_BUDGET = 2_000_000
DIM_STEPS_BUDGET = 50_000_000


def default_steps(rho: float, dim: int | None = None) -> int:
    """Steps for a rate measurement: about 20 e-foldings of a converging run (at least 100), within the
    work budget (20000 steps, or up to :data:`STEPS_BUDGET` steps while dim * steps <=
    :data:`DIM_STEPS_BUDGET`); a run the budget cuts short is judged "undetermined", never "no".
    For a divergent run, enough to pass the divergence threshold."""
    if rho < 1:
        cap = 20_000 if dim is None else max(20_000, min(STEPS_BUDGET, DIM_STEPS_BUDGET // max(int(dim), 1)))
        return int(min(max(math.ceil(20.0 / max(1.0 - rho, 1e-12)), 100), cap))
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
    r"""Derived and simulated rate of ``method`` (in ``form``) on a quadratic.

    ``method`` is a built-in method's name or a method value (:class:`numerics.Method`, e.g. one a
    user wrote).  The theoretical rate comes from the generic engine (:func:`proofs.methods.theory_rate`,
    :func:`theory.linear_engine.worst_case`); a classic built-in's named tunings are the published ones
    (:func:`proofs.methods.tuned`), any other method's ``"optimal"`` tuning is the engine's numerical one
    (:func:`~theory.linear_engine.optimal_tuning`).  ``worst_lambda`` is the eigenvalue where the
    derived spectral radius is largest and ``max_location`` says how that was found (``endpoint``:
    proved; ``interior`` / ``numeric``: found by search).

    The spectrum is ``dim`` equally spaced eigenvalues on [mu, L] (both ends included), or
    the explicit ``eigenvalues``.  Without ``params`` the method uses ``tuning`` (default
    ``"optimal"``).  e0 is isotropic with ``seed``.  ``params`` may use framework names
    (``lr``, ``momentum``: :func:`numerics.framework_names.canonical_params`).  With
    ``keep_trajectory`` the record also holds the simulated :class:`~numerics.simulate.Trajectory`
    under ``"trajectory"`` (not JSON).  ``stability`` adds the stability margin
    (:func:`proofs.stability.stability_margin`: 5-15 rate evaluations, 0.05-0.4 s; ``ratecheck rate``
    asks for it).

    Judged on the gap.  Near ρ = 1 the relative error of ρ says nothing (1 − 1e-10 and 1 − 2e-6
    differ by 2e-6); the record carries the gap :math:`1 - \rho` of theory and simulation
    (``gap_theory``, ``gap_simulated``, ``gap_relative_error``) next to ``relative_error`` of ρ.

    Verdict.  ``verdict_theory`` is "converges" (ρ < 1), "does not converge" (ρ = 1 exactly: e.g. a
    mode multiplied by −1 each step) or "diverges" (ρ > 1).  ``verdict_simulated`` is "diverges" (the
    run passed the divergence threshold or grew by ``E_FOLDINGS_MIN`` e-foldings), "converges" (the
    fit window covers at least ``E_FOLDINGS_MIN`` = 3 e-foldings of decay, ``e_foldings``) or
    "undetermined" (too few e-foldings to decide; ``steps_suggested`` would cover about 20).
    ``verdict`` (and ``converges``: True / False / None) is the simulated one, except that an
    undetermined run of a method whose derived rate is >= 1 "does not converge": no finite run can
    show a decay that the derivation rules out.

    Divergent runs.  ``growth_factor`` is the dominant mode's factor per step, measured by
    renormalised iteration (:func:`numerics.simulate.dominant_growth`), not ‖e_1‖/‖e_0‖ of a run
    stopped after one step (that mixes the modes and depends on the seed).
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
        mu, L = _eigenvalue_bound("mu", mu), _eigenvalue_bound("L", L)
        if L < mu:
            raise v.ParameterError("L", f"a number >= mu = {mu:g}", L)
        if not math.isfinite(L / mu):
            raise v.ParameterError("L", f"a number with L/mu (kappa) a finite float64 (mu = {mu:g})", L)
        dim = v.integer("dim", dim if dim is not None else 100_000, 2)
        lam = spectra.uniform(mu, L, dim)
    m = method if isinstance(method, numerics.Method) else numerics.form(method, form)
    if numerics.methods.linearity(m) == "not linear":
        raise v.ParameterError("method", f"a linear method for a derived rate; {m.method} is not linear: no iteration "
                               f"matrix (run it with `ratecheck simulate {m.method}`)", m.key)
    method, form = m.method, m.name
    builtin = _builtin(m)
    engine_rho = engine_status = None
    from ratecheck.theory.linear_engine import NotLinear

    try:
        engine_model(m)
    except NotLinear as exc:
        raise v.ParameterError("method", f"a linear method for a derived rate ({exc})", m.key) from None
    if params is not None and not isinstance(params, Mapping):
        raise v.ParameterError("params", "a mapping of parameter names to numbers (or None for a tuning)", params)
    if params:
        tuning_used = "given"
        params = canonical_params(m, form, params)
        rule = numerics.rule_of(m, params)
    else:
        tuning_used = tuning or "optimal"
        if builtin:
            params = tuned_params(method, form, tuning_used, mu, L)  # also robust:margin=M
        elif tuning_used != "optimal":
            raise v.ParameterError("tuning", f"optimal for {m.key} (a method without derived tunings)", tuning_used)
        else:
            tuned = engine_tuning(m, mu, L)
            params, engine_rho = {k: float(x) for k, x in tuned.params.items()}, float(tuned.rate)
            engine_status = tuned.status
        try:
            rule = numerics.rule_of(m, params)
        except v.ParameterError as exc:  # the tuning, not the user, produced the bad value: say so
            raise v.ParameterError("L" if eigenvalues is None else "eigenvalues",
                                   f"such that the {tuning_used} tuning of {method} is representable in float64 "
                                   f"(at mu = {mu:g}, L = {L:g} it gives {exc.name} = {exc.got!r}, which must be "
                                   f"{exc.valid})", L if eigenvalues is None else f"[{mu:g}, {L:g}]") from None
    worst = engine_worst_case(m, rule.params, mu, L)
    rho = theory_rate(m, params, mu, L) if builtin else (engine_rho if engine_rho is not None else float(worst.rate))
    if not math.isfinite(rho):  # e.g. eta * L beyond the float range: nothing meaningful to simulate
        name = next(iter(params), "params")
        raise v.ParameterError(name, f"small enough that the theoretical rate is a finite float (got rate {rho})",
                               params.get(name))
    steps = default_steps(rho, lam.size) if steps is None else v.integer("steps", steps, 2)  # a rate needs two steps
    seed = v.integer("seed", seed, 0)
    e0 = isotropic_initial_error(lam.size, seed)
    from ratecheck.numerics.backends import resolve_backend, simulate_diagonal

    backend = resolve_backend(backend, dim=lam.size, steps=steps)  # auto: numpy for a small problem
    traj = simulate_diagonal(rule, lam, e0, steps, backend=backend)
    fit = traj.rate()
    growth = None
    if traj.diverged:  # the dominant mode's factor, not one step's mix of modes
        from ratecheck.numerics.simulate import dominant_growth

        growth = dominant_growth(rule, lam, e0)
    gap_theory = 1.0 - rho
    gap_sim = fit.gap if not traj.diverged or growth is None else 1.0 - growth
    e_foldings = fit.e_foldings if not traj.diverged else None
    verdict_theory = "converges" if rho < 1 else ("does not converge" if rho == 1 else "diverges")
    if traj.diverged:
        verdict_sim = "diverges"
    elif e_foldings >= E_FOLDINGS_MIN and fit.rate < 1:
        verdict_sim = "converges"
    elif e_foldings <= -E_FOLDINGS_MIN:
        verdict_sim = "diverges"
    else:
        verdict_sim = "undetermined"
    if verdict_sim == "undetermined" and rho >= 1:
        verdict = "does not converge"  # rate exactly 1 (or above): no finite run can show the decay it lacks
    else:
        verdict = verdict_sim
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
        "converges": True if verdict == "converges" else (None if verdict == "undetermined" else False),
        "verdict": verdict,
        "verdict_theory": verdict_theory,
        "verdict_simulated": verdict_sim,
        "rate_simulated": fit.rate if growth is None else growth,
        "relative_error": _relative(fit.rate if growth is None else growth, rho),
        "gap_theory": gap_theory,
        "gap_simulated": gap_sim,
        "gap_relative_error": None if gap_theory == 0 else abs(gap_sim - gap_theory) / abs(gap_theory),
        "e_foldings": e_foldings,
        "e_foldings_needed": E_FOLDINGS_MIN,
        "steps_suggested": _steps_for(gap_theory) if verdict == "undetermined" else None,
        "dim": int(lam.size),
        "steps": int(traj.steps_run),
        "diverged": traj.diverged,
        "growth_factor": (growth if growth is not None else fit.rate) if traj.diverged else None,
        "growth_measured": ("dominant mode (renormalised iteration)" if growth is not None else
                            "norm ratio over the recorded steps") if traj.diverged else None,
        "overflowed": traj.overflowed,
        "fit_window": list(fit.window),
        "backend": backend,
        "worst_lambda": float(worst.lam),
        "max_location": worst.location,
    }
    out["transient_peak"] = float(traj.error_ratio.max())  # max_t |e_t|/|e_0|: heavy ball first grows
    if stability:  # from the closed-form rate: built-in forms only (None for a user's method)
        out["stability_margin"] = stability_margin(method, form, out["params"], mu, L) if builtin else None
    if keep_trajectory:
        out["trajectory"] = traj
    if engine_status is not None:  # tuned numerically by the engine: "converged" or "no convergent tuning found"
        out["tuning_status"] = engine_status
    return out


def _relative(x: float, ref: float) -> float:
    return abs(x - ref) / ref if ref > 0 else abs(x)


def _steps_for(gap: float) -> int | None:
    """Steps that would cover about 20 e-foldings of a run with this gap (None when the gap is not > 0)."""
    if not gap > 0:
        return None
    return int(min(math.ceil(20.0 / -math.log1p(-gap)), 10**15))
