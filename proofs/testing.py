r"""Assertions for your own pytest suite: theory vs your simulation, or vs your optimizer's trajectory.

Import as ``ratecheck.testing`` (or ``ratecheck.proofs.testing``).  Rates are judged on the gap
:math:`1-\rho` (:math:`\rho - 1` for a divergent run): near :math:`\rho = 1` a tolerance on ρ itself
means nothing (ρ = 0.99998 vs 1.00004 is 6e-5 relative on ρ, a wrong sign on the gap).  A run too
short to decide (fewer than ``min_e_foldings`` e-foldings at the fitted rate), or a gap difference
within the fit's uncertainty but beyond the tolerance, fails as "undetermined", never as agreement.
``tuned_params(method, form, tuning, mu, L)`` gives a form's tuned parameters (for your optimizer).  A divergent method fails unless ``expect="diverges"``.

Example::

    import torch
    from ratecheck.testing import fit_rate, assert_trajectory_rate, assert_rate_agrees, assert_converges
    from ratecheck.adapters.torch import run_optimizer

    def test_my_sgd(quadratic_from_eigenvalues):          # fixture of the ratecheck pytest plugin
        prob = quadratic_from_eigenvalues([1.0, 3.0, 100.0])
        traj = run_optimizer(lambda p: torch.optim.SGD(p, lr=0.0198, momentum=0.67), prob, steps=400)
        assert_trajectory_rate(traj.error_norm, method="heavy-ball", form="velocity", problem=prob,
                               params={"lr": 0.0198, "momentum": 0.67}, rtol_gap=0.01)

    def test_polyak_rate():
        assert_rate_agrees("heavy-ball", mu=1, L=100, tuning="optimal", rtol_gap=0.02)
        assert_rate_agrees("heavy-ball", eigenvalues=[1, 100], form="velocity",
                           params={"eta": 1.0, "beta": 0.9}, expect="diverges")
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Mapping

import numpy as np

from ratecheck import numerics
from ratecheck.numerics import spectra, validation as v
from ratecheck.numerics.framework_names import canonical_params
from ratecheck.numerics.rate_fit import RateEstimate, fit_rate

from .claim import Comparison
from .methods import theory_rate as _theory_rate
from .registry import get
from .stability import tuned_params

__all__ = ["fit_rate", "RateEstimate", "theory_rate", "tuned_params", "assert_comparison", "assert_claim", "assert_rate_agrees",
           "assert_trajectory_rate", "assert_converges", "DEFAULT_RTOL_GAP", "MIN_E_FOLDINGS", "E_FOLDINGS",
           "WORK_BUDGET"]

#: default tolerance on the gap.  Measured relative gap errors of the fit at 200 e-foldings on d = 1e5
#: equally spaced eigenvalues: <= 0.7 % (kappa = 10..1e4, tuned heavy ball and Nesterov; see
#: proofs/claims/common.py); on a few discrete eigenvalues (users' Hessians) 1e-5 or less.
DEFAULT_RTOL_GAP = 0.02
#: a gap comparison needs the run to cover this many e-foldings (T·|log ρ|), else "undetermined"
MIN_E_FOLDINGS = 20.0
#: e-foldings a simulation of :func:`assert_rate_agrees` aims at when ``steps`` is not given
E_FOLDINGS = 200.0
#: element-steps (dim x steps) a simulation may use when choosing its own step count (~1 s fused on 2 cores)
WORK_BUDGET = 2e9
_EXPECT = ("converges", "diverges")


def assert_comparison(c: Comparison) -> None:
    """Fail with both numbers, the tolerance and the guarantee kind unless ``c.passed``."""
    if not c.passed:
        raise AssertionError(
            f"{c.quantity or 'value'}: computed {c.computed!r} vs expected {c.expected!r} "
            f"({c.guarantee.value}, tolerance {c.tolerance:g}, relative error {c.relative_error}) {c.detail}"
        )


def assert_claim(claim_id: str) -> None:
    """Run the registered claim ``claim_id``: its derivation must check and its numbers agree."""
    out = get(claim_id).run()
    if out.symbolic.value == "failed":
        raise AssertionError(f"claim {claim_id}: derivation failed its SymPy check")
    assert_comparison(out.numeric)
    if out.reference is not None:
        assert_comparison(out.reference)


# ----------------------------------------------------------------------------- theory side
def _spectrum(mu, L, eigenvalues, problem, dim: int | None) -> tuple[float, float, np.ndarray | None]:
    """(mu, L, explicit eigenvalues or None) from exactly one of mu/L, eigenvalues, problem."""
    given = [n for n, x in (("mu/L", mu if mu is not None else L), ("eigenvalues", eigenvalues),
                            ("problem", problem)) if x is not None]
    if len(given) != 1:
        raise v.ParameterError("eigenvalues", "given in exactly one way: mu and L, eigenvalues, or problem",
                               ", ".join(given) or "none")
    if problem is not None:
        eigenvalues = getattr(problem, "eigenvalues", None)
        if eigenvalues is None:
            raise v.ParameterError("problem", "a quadratic with .eigenvalues (DiagonalQuadratic, DenseQuadratic)",
                                   type(problem).__name__)
    if eigenvalues is not None:
        lam = spectra.explicit(eigenvalues)
        return float(lam[0]), float(lam[-1]), lam
    if mu is None or L is None:
        raise v.ParameterError("mu", "given together with L (or use eigenvalues)", mu)
    mu, L = v.interval(mu, L)
    return mu, L, None


def _resolve(method: str, form: str | None, params, tuning: str | None, mu: float, L: float):
    form = form or numerics.form(method).name
    m = numerics.form(method, form)
    if params and tuning:
        raise v.ParameterError("tuning", "left out when params are given", tuning)
    if params:
        p = canonical_params(method, form, params)
        numerics.rule(method, p, form)  # validates names and ranges
    else:
        p = tuned_params(method, form, tuning or "optimal", mu, L)  # also robust:margin=M
    return form, {k: float(x) for k, x in p.items()}, float(_theory_rate(m, p, mu, L))


def theory_rate(method: str, *, params: Mapping[str, float] | None = None, form: str | None = None,
                tuning: str | None = None, mu: float | None = None, L: float | None = None, eigenvalues=None,
                problem=None) -> float:
    r"""The derived spectral radius ρ of ``method`` (in ``form``) over eig(A) ⊂ [mu, L].

    The spectrum is ``mu``/``L``, or the min/max of ``eigenvalues`` or ``problem.eigenvalues``.
    ``params`` may use framework names (``lr``, ``momentum``); without them ``tuning`` (default
    optimal) sets them.  The rate is :func:`proofs.methods.theory_rate` (the engine's, 50 digits).
    """
    mu, L, _ = _spectrum(mu, L, eigenvalues, problem, None)
    return _resolve(method, form, params, tuning, mu, L)[2]


# ----------------------------------------------------------------------------- judging
def _errors_of(errors) -> Any:
    return getattr(errors, "error_norm", errors)  # a Trajectory (ratecheck, adapters) or the array itself


def _judge(label: str, rho: float, est: RateEstimate, rtol_gap: float, expect: str, min_e_foldings: float,
           hint_steps: str = "") -> None:
    """Raise AssertionError unless the fitted rate agrees with ``rho`` on the gap as ``expect`` says."""
    if expect not in _EXPECT:
        raise v.ParameterError("expect", "'converges' or 'diverges'", expect)
    rtol_gap = v.positive("rtol_gap", rtol_gap)
    fitted = (f"fitted rate {est.rate:.10g} (model {est.model}, power {est.power:.3g}, window "
              f"{est.window[0]}..{est.window[1]}, uncertainty {est.uncertainty:.2g}, {est.e_foldings:.3g} e-foldings)")
    if expect == "converges":
        if rho >= 1:
            raise AssertionError(f"{label}: theory rate {rho:.10g} >= 1, the method diverges with these parameters "
                                 f"(pass expect='diverges' to assert that); simulation: {fitted}")
        if est.verdict == "diverges":
            raise AssertionError(f"{label}: the run diverges (growth factor {est.rate:.6g} per step, error grew "
                                 f"{est.growth:.3g}x) although theory gives rate {rho:.10g}")
        gap_theory = 1.0 - rho
        if est.verdict == "undetermined" or est.e_foldings < min_e_foldings:
            need = math.ceil(min_e_foldings / gap_theory)
            raise AssertionError(f"{label}: undetermined: the run covers {est.e_foldings:.3g} e-foldings "
                                 f"({est.steps} steps; {min_e_foldings:g} needed, and a fitted rate clear of 1); "
                                 f"run >= {need} steps "
                                 f"(theory rate {rho:.10g}){hint_steps}; {fitted}")
        gap_fit = 1.0 - est.rate
    else:
        if rho <= 1:
            raise AssertionError(f"{label}: expected divergence, but theory gives rate {rho:.10g} < 1; {fitted}")
        if est.verdict != "diverges":
            raise AssertionError(f"{label}: expected divergence (theory growth factor {rho:.10g}), "
                                 f"the run's verdict is {est.verdict}; {fitted}")
        gap_theory, gap_fit = rho - 1.0, est.rate - 1.0
    err = abs(gap_fit - gap_theory) / gap_theory
    if err > rtol_gap:
        name = "1 - rate" if expect == "converges" else "rate - 1"
        what = (f"gap {name} simulated {gap_fit:.6g} vs theory {gap_theory:.6g}: relative error {err:.3g} > "
                f"rtol_gap {rtol_gap:g} (rates {est.rate:.10g} vs {rho:.10g}, {abs(est.rate - rho) / rho:.2g} relative "
                f"on the rate itself)")
        if abs(gap_fit - gap_theory) <= est.uncertainty:  # the fit cannot resolve the gap to rtol_gap
            raise AssertionError(f"{label}: undetermined at this tolerance: {what}, but the fit's uncertainty "
                                 f"{est.uncertainty:.2g} covers the difference (near a double root two close modes "
                                 f"need long runs to separate): run longer or loosen rtol_gap; {fitted}")
        raise AssertionError(f"{label}: {what}; {fitted}")


def assert_trajectory_rate(errors, *, method: str, params: Mapping[str, float] | None = None,
                           form: str | None = None, tuning: str | None = None, eigenvalues=None,
                           mu: float | None = None, L: float | None = None, problem=None,
                           rtol_gap: float = DEFAULT_RTOL_GAP, expect: str = "converges",
                           min_e_foldings: float = MIN_E_FOLDINGS) -> RateEstimate:
    r"""Assert that a recorded trajectory ``errors[t]`` = ‖x_t − x*‖ decays at ``method``'s derived rate.

    ``errors`` comes from any optimizer (your torch/optax/NumPy loop, :mod:`ratecheck.adapters`) run on
    a quadratic whose spectrum is ``eigenvalues`` / ``problem`` / ``[mu, L]``.  The fit
    (:func:`fit_rate`) is compared with the theory rate on the gap:
    :math:`|(1-\hat\rho) - (1-\rho)| \le \mathrm{rtol\_gap}\cdot(1-\rho)`.  Fails when theory or the
    run diverges (unless ``expect="diverges"``, which compares :math:`\rho - 1`), and as
    "undetermined" when the run covers fewer than ``min_e_foldings``.  Returns the fit.

    The theory rate is the worst case over [min, max] of the spectrum: the trajectory must have
    components on the extreme eigenvectors (a random x₀ has), else it decays faster.
    """
    mu, L, _ = _spectrum(mu, L, eigenvalues, problem, None)
    form, p, rho = _resolve(method, form, params, tuning, mu, L)
    est = fit_rate(_errors_of(errors))
    _judge(f"{method} ({form} form, {_fmt(p)})", rho, est, rtol_gap, expect, min_e_foldings)
    return est


def assert_rate_agrees(
    method: str,
    *,
    mu: float | None = None,
    L: float | None = None,
    eigenvalues=None,
    form: str | None = None,
    params: Mapping[str, float] | None = None,
    tuning: str | None = None,
    dim: int = 100_000,
    steps: int | None = None,
    rtol_gap: float = DEFAULT_RTOL_GAP,
    expect: str = "converges",
    seed: int = 0,
    min_e_foldings: float = MIN_E_FOLDINGS,
    rtol: float | None = None,
) -> RateEstimate:
    r"""Simulate ``method`` and assert the fitted rate agrees with the derived one on the gap.

    The spectrum is ``dim`` equally spaced eigenvalues on [mu, L] or ``eigenvalues``; e₀ isotropic with
    ``seed``.  Without ``steps`` the run covers :data:`E_FOLDINGS` e-foldings of the theory rate,
    within :data:`WORK_BUDGET` element-steps.  Passes when
    :math:`|(1-\hat\rho) - (1-\rho)| \le \mathrm{rtol\_gap}\,(1-\rho)`; fails when the method diverges
    (theory or run) unless ``expect="diverges"`` (then :math:`\rho - 1` is compared), and as
    "undetermined" when the run is too short.  ``rtol`` is a deprecated alias of ``rtol_gap`` (it
    used to be a tolerance on ρ, which near ρ = 1 passes anything).  Returns the fit.
    """
    from .rate import measure_rate

    if rtol is not None:
        warnings.warn("assert_rate_agrees(rtol=...) is deprecated: the tolerance is on the gap 1 - rate now; "
                      "write rtol_gap=...", DeprecationWarning, stacklevel=2)
        rtol_gap = rtol
    rtol_gap = v.positive("rtol_gap", rtol_gap)  # before any simulation
    m, l_, lam = _spectrum(mu, L, eigenvalues, None, dim)
    form_used, p, rho = _resolve(method, form, params, tuning, m, l_)
    size = lam.size if lam is not None else v.integer("dim", dim, 2)
    hint = ""
    if steps is None and rho < 1:
        want = max(100, math.ceil(E_FOLDINGS / (1.0 - rho)))
        cap = max(100, int(WORK_BUDGET // size))
        steps = min(want, cap)
        if steps < want:
            hint = f" (the work budget {WORK_BUDGET:.0e} element-steps allowed {steps} at dim {size}: pass steps= or a smaller dim)"
    r = measure_rate(method, mu=mu, L=L, eigenvalues=eigenvalues, form=form_used, params=p, dim=dim,
                     steps=steps, seed=seed, keep_trajectory=True, stability=False)
    est = fit_rate(r["trajectory"].error_norm)
    _judge(f"{method} ({form_used} form, {_fmt(p)})", rho, est, rtol_gap, expect, min_e_foldings, hint)
    return est


def assert_converges(errors=None, *, max_rate: float | None = None, method: str | None = None,
                     params: Mapping[str, float] | None = None, form: str | None = None, tuning: str | None = None,
                     eigenvalues=None, mu: float | None = None, L: float | None = None, dim: int = 100_000,
                     steps: int | None = None, seed: int = 0) -> RateEstimate:
    r"""Assert a run converges (fitted rate < 1, decided), and at rate <= ``max_rate`` when given.

    Either ``errors`` — a recorded trajectory ‖x_t − x*‖ (array or Trajectory) — or a method
    configuration (``method`` with ``params``/``tuning`` on ``eigenvalues`` or ``[mu, L]``), which is
    then simulated and must also converge in theory.  Fails on a divergent run, on an undetermined
    one (too short to tell; see :func:`fit_rate`'s verdict), and when the fitted rate exceeds
    ``max_rate``.  Returns the fit.
    """
    if (errors is None) == (method is None):
        raise v.ParameterError("errors", "given, or else method (one of the two)", "both" if errors is not None else "neither")
    label = "trajectory"
    if method is not None:
        from .rate import measure_rate

        m, l_, lam = _spectrum(mu, L, eigenvalues, None, dim)
        form, p, rho = _resolve(method, form, params, tuning, m, l_)
        label = f"{method} ({form} form, {_fmt(p)})"
        if rho >= 1:
            raise AssertionError(f"{label}: theory rate {rho:.10g} >= 1: these parameters diverge")
        r = measure_rate(method, mu=mu, L=L, eigenvalues=eigenvalues, form=form, params=p, dim=dim, steps=steps,
                         seed=seed, keep_trajectory=True, stability=False)
        errors = r["trajectory"]
    est = fit_rate(_errors_of(errors))
    if est.verdict != "converges":
        raise AssertionError(f"{label}: {est.verdict} (fitted rate {est.rate:.10g} ± {est.uncertainty:.2g}, "
                             f"error ratio {est.growth:.3g} after {est.steps} steps, {est.e_foldings:.3g} e-foldings)")
    if max_rate is not None:
        max_rate = v.in_range("max_rate", max_rate, 0.0, 1.0, lo_open=True)
        if est.rate > max_rate:
            raise AssertionError(f"{label}: fitted rate {est.rate:.10g} ± {est.uncertainty:.2g} > max_rate {max_rate:g}")
    return est


def _fmt(p: Mapping[str, float]) -> str:
    return ", ".join(f"{k} = {x:.6g}" for k, x in p.items())
