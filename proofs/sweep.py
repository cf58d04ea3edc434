r"""Condition-number sweeps: predicted vs simulated iterations to a tolerance, over a range of κ.

For each method and each :math:`\kappa` the sweep

1. takes the method's tuned parameters and its theoretical rate from its
   method value (:func:`proofs.methods.tuned`, :func:`proofs.methods.theory_rate`) on the
   spectrum :math:`[\mu, L] = [1/\kappa, 1]`;
2. predicts the iterations to reach ``‖e_t‖/‖e_0‖ <= tol`` from the **exact closed form** of the
   extreme modes (:mod:`theory.iterations`: :math:`c_1 z_1^t + c_2 z_2^t`, or :math:`(A + Bt)z^t`
   at a double root), with :math:`e_0 = (v_\mu + v_L)/\sqrt2` on the eigenvectors of
   :math:`\mu` and :math:`L`: the first :math:`t` found by scanning :math:`t = 1, 2, \dots`,
   not an asymptotic formula;
3. simulates the method with the fused kernels (:func:`numerics.backends.simulate_diagonal`)
   from that initial error (``init="extreme"``) or from an isotropic random one over the
   whole spectrum (``init="random"``), stopping at the tolerance or at a step cap.

Extreme initial error and ``dim``.  On a diagonal quadratic the modes are independent and a
component that starts at 0 stays exactly 0 (every update multiplies it by finite numbers).
With ``init="extreme"`` only the two eigenvalues :math:`\mu` and :math:`L` carry error, so the
simulation runs on that support alone (a 2-element array); the other ``dim - 2`` components
would stay 0 and change neither the norm nor the count.  ``dim`` and ``spectrum`` matter
only for ``init="random"``.  The config records this as ``simulated_dim``.

A user spectrum (``eigenvalues``, in the user's units) replaces the family :math:`[1/\kappa, 1]`: the
sweep runs at its own :math:`[\mu, L] = [\min\lambda, \max\lambda]`, one point per method at
:math:`\kappa = L/\mu`, parameters tuned in those units; ``init="random"`` simulates all its eigenvalues.

Fits.  Per method, least squares of :math:`\log T` on :math:`\log\kappa` over the converged
points gives :math:`T \approx C\kappa^p`: the exponent :math:`p`, its standard error and
:math:`C`; theory (:func:`theory.iterations.exponent_derivation`) says :math:`p = 1` for
gradient descent and :math:`\tfrac12` for heavy ball and Nesterov, as :math:`\kappa\to\infty`.  The same
fit of the closed-form predicted counts over the same grid (``exponent_theory_fit``) carries the same
finite-κ correction (e.g. 0.5258 for heavy ball over κ = 10…10⁴), so the simulated exponent is compared
with it, not only with the limit.

Points are independent and run through any :class:`concurrent.futures.Executor`.
"""
from __future__ import annotations

import math
import time
from concurrent.futures import Executor, Future, as_completed
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from typing import Any, Callable, Iterable, Mapping

import mpmath
import numpy as np
import sympy as sp

from ratecheck import numerics
from ratecheck.numerics import spectra, validation as v
from ratecheck.numerics.problems import isotropic_initial_error
from ratecheck.theory import iterations
from ratecheck.theory.evaluate import PRECISION_DIGITS

from .methods import theory_rate, tuned, tuning_names

__all__ = [
    "SweepConfig",
    "SPECTRA",
    "SPACINGS",
    "INITS",
    "METHODS",
    "InlineExecutor",
    "mode_coefficients",
    "closed_form_log_error",
    "predicted_iterations",
    "run_point",
    "fit_exponent",
    "run_sweep",
    "SweepResult",
]

METHODS = iterations.MODE_METHODS
SPECTRA = {"uniform": spectra.uniform, "geometric": spectra.geometric, "random-uniform": spectra.random_uniform}
SPACINGS = ("log", "linear")
#: most kappa values per method (each point is a full simulation; more is no sharper fit)
MAX_POINTS = 10_000
INITS = ("extreme", "random")
TUNINGS = ("optimal", "standard")
BACKENDS = ("auto", "numpy", "numba", "cupy")

#: the double-root form is used when the discriminant b^2 - 4c is within float64 rounding of 0
_DOUBLE_ROOT_RTOL = 16 * np.finfo(np.float64).eps


@dataclass(frozen=True)
class SweepConfig:
    r"""Everything that determines a sweep (the CLI's options, resolved)."""

    methods: tuple[str, ...] = METHODS
    kappa_min: float = 10.0
    kappa_max: float = 1e6
    points: int = 25
    spacing: str = "log"
    spectrum: str = "uniform"
    dim: int = 1_000_000
    tol: float = 1e-8
    tuning: str = "optimal"
    init: str = "extreme"
    backend: str = "auto"
    seed: int = 0
    max_steps: int = 20_000_000
    #: a user spectrum (its eigenvalues, in the user's units): then the sweep runs at its own
    #: [mu, L] = [min, max] (one point per method, kappa = L/mu, parameters in those units) and
    #: ``spectrum`` is only its label; empty: the built-in family [1/kappa, 1] over the kappa grid
    eigenvalues: tuple[float, ...] = ()

    def validated(self) -> "SweepConfig":
        """This config with every field checked; raises :class:`~numerics.validation.ParameterError`."""
        methods = tuple(self.methods)
        if not methods:
            raise v.ParameterError("methods", f"a non-empty list of {', '.join(METHODS)}", "")
        for m in methods:
            if m not in METHODS:
                raise v.ParameterError("methods", f"a list of {', '.join(METHODS)}", m)
        if len(set(methods)) != len(methods):
            raise v.ParameterError("methods", "a list without repetitions", ",".join(methods))
        kmin = v.finite("kappa", self.kappa_min)
        kmax = v.finite("kappa", self.kappa_max)
        if not self.eigenvalues:
            if kmin <= 1:
                raise v.ParameterError("kappa", "a range KMIN:KMAX with 1 < KMIN", f"{self.kappa_min:g}:{self.kappa_max:g}")
            if kmax <= kmin:
                raise v.ParameterError("kappa", "a range KMIN:KMAX with KMIN < KMAX",
                                       f"{self.kappa_min:g}:{self.kappa_max:g}")
            points = v.integer("points", self.points, 2)
            if points > MAX_POINTS:
                raise v.ParameterError("points", f"an integer in [2, {MAX_POINTS}]", self.points)
        eigenvalues = tuple(float(x) for x in self.eigenvalues)
        if eigenvalues:
            lam = np.sort(numerics.spectra.explicit(eigenvalues))  # finite and > 0, else ParameterError
            if lam.size < 2 or not lam[-1] > lam[0]:
                raise v.ParameterError("spectrum", "a spectrum with at least two distinct eigenvalues (kappa = L/mu > 1)",
                                       self.spectrum)
            eigenvalues = tuple(float(x) for x in lam)
            kmin = kmax = eigenvalues[-1] / eigenvalues[0]
            points = 1
        for name, value, valid in (("spacing", self.spacing, SPACINGS),
                                   ("spectrum", self.spectrum, tuple(SPECTRA) if not eigenvalues else (self.spectrum,)),
                                   ("init", self.init, INITS), ("tuning", self.tuning, TUNINGS),
                                   ("backend", self.backend, BACKENDS)):
            if value not in valid:
                raise v.ParameterError(name, f"one of {', '.join(valid)}", value)
        dim = v.integer("dim", self.dim, 2)
        tol = v.tolerance("tol", self.tol)  # ||e_0|| = 1 (extreme) or about 1 (isotropic, E||e_0||^2 = 1)
        seed = v.integer("seed", self.seed, 0)
        max_steps = v.integer("max_steps", self.max_steps, 1)
        from ratecheck.numerics.backends import resolve_backend

        resolve_backend(self.backend)  # cupy without a GPU fails here, before any work
        for m in methods:  # fail before any work if a method lacks the tuning or it leaves float64
            names = tuning_names(numerics.form(m))
            if self.tuning not in names:
                raise v.ParameterError("tuning", f"one of {', '.join(names)} for {m}", self.tuning)
            for kappa in (kmin, kmax):
                bad = _tuning_failure(m, self.tuning, kappa)
                if bad is not None:
                    top = _largest_valid_kappa(m, self.tuning, kmin)
                    hint = f"; it is valid up to about kappa = {top:.3g}" if top is not None else ""
                    raise v.ParameterError(
                        "kappa", f"a range whose {self.tuning} tuning of {m} is representable in float64 (at kappa = "
                        f"{kappa:g} it gives {bad.name} = {bad.got!r}, which must be {bad.valid}{hint})",
                        f"{self.kappa_min:g}:{self.kappa_max:g}")
        if eigenvalues:
            dim = len(eigenvalues)
        return replace(self, methods=methods, kappa_min=kmin, kappa_max=kmax, points=points, dim=dim, tol=tol,
                       seed=seed, max_steps=max_steps, eigenvalues=eigenvalues)

    def kappas(self) -> list[float]:
        """The swept condition numbers (log or linear spacing, both ends included; a user spectrum's own L/mu)."""
        if self.eigenvalues:
            return [self.eigenvalues[-1] / self.eigenvalues[0]]
        if self.spacing == "log":
            return [float(k) for k in np.geomspace(self.kappa_min, self.kappa_max, self.points)]
        return [float(k) for k in np.linspace(self.kappa_min, self.kappa_max, self.points)]

    @property
    def simulated_dim(self) -> int:
        return 2 if self.init == "extreme" else self.dim

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["methods"] = list(self.methods)
        out["eigenvalues"] = list(self.eigenvalues)
        out["simulated_dim"] = self.simulated_dim
        out["spectrum_interval"] = (f"[mu, L] = [{self.eigenvalues[0]!r}, {self.eigenvalues[-1]!r}] of the user spectrum "
                                    "(parameters in its units)" if self.eigenvalues else "[1/kappa, 1]")
        out["initial_error"] = (
            "extreme: e0 = (v_mu + v_L)/sqrt(2) on the eigenvectors of mu and L; only that 2-element support is "
            "simulated (the other dim - 2 components stay exactly 0)" if self.init == "extreme" else
            f"random: isotropic Gaussian over all {self.dim} eigenvalues (seed {self.seed})")
        out["iters_theory"] = ("first t with |e_t|/|e_0| <= tol from the closed form of the two extreme modes "
                               "(the worst case, whatever the init)")
        return out


def _tuning_failure(method: str, tuning: str, kappa: float) -> v.ParameterError | None:
    """The ParameterError that the tuned parameters at ``kappa`` (spectrum [1/kappa, 1]) raise, or None."""
    form = numerics.form(method).name
    try:
        with np.errstate(all="ignore"):
            params = tuned(numerics.form(method, form), tuning, 1.0 / kappa, 1.0)
        numerics.rule(method, params, form)
    except v.ParameterError as exc:
        return exc
    except (ArithmeticError, ValueError) as exc:  # an overflow inside the closed-form tuning
        return v.ParameterError("params", "finite", str(exc))
    return None


def _largest_valid_kappa(method: str, tuning: str, kmin: float) -> float | None:
    """About the largest kappa at which the tuning is still valid (bisection on log kappa), or None."""
    if _tuning_failure(method, tuning, kmin) is not None:
        return None
    lo, hi = math.log(kmin), math.log(1e300)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _tuning_failure(method, tuning, math.exp(mid)) is None else (lo, mid)
    return math.exp(lo)


# ----------------------------------------------------------------------------- closed form, numerically
@cache
def _coefficient_functions(method: str) -> tuple[tuple[str, ...], Callable]:
    """``(params, f(lambda, *params) -> (b, c, g))`` in mpmath, from the derived mode recurrence."""
    m = iterations.mode_recurrence(numerics.form(method))  # derived from the method value
    symbols = [iterations.SYMBOLS["lambda"], *(iterations.SYMBOLS[p] for p in m.params)]
    return m.params, sp.lambdify(symbols, (m.b, m.c, m.first), modules="mpmath")


def mode_coefficients(method: str, params: Mapping[str, float], lam: float) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    r"""``(b, c, g)`` of the mode :math:`e_{t+1} = b e_t - c e_{t-1}`, :math:`e_1 = g e_0` at eigenvalue ``lam``.

    Evaluated in 50-digit mpmath from the float64 parameters the simulation uses.
    """
    names, f = _coefficient_functions(method)
    with mpmath.workdps(PRECISION_DIGITS):
        return tuple(f(mpmath.mpf(lam), *(mpmath.mpf(params[p]) for p in names)))


@dataclass(frozen=True)
class _Mode:
    """One mode's closed form prepared for float64 evaluation of ``log|e_t|`` (t >= 1)."""

    kind: str  # "first-order", "double", "real", "complex", "zero"
    log_modulus: float  # log|z1| (real), log|z| (double), log r (complex)
    data: tuple


def _prepare_mode(b, c, e0: float, g) -> _Mode:
    r"""Closed form of one mode from (b, c, e_0, e_1 = g e_0), all roots found in 50 digits.

    * ``c = 0`` (gradient descent): :math:`e_t = e_1 b^{t-1}`;
    * double root (discriminant within float rounding of 0): :math:`e_t = (A + Bt) z^t`,
      :math:`A = e_0`, :math:`B = e_1/z - e_0`;
    * distinct real roots :math:`|z_1| \ge |z_2|`: the divided-difference form
      :math:`e_t = z_1^{t-1}\,(e_1 q_t - z_2 e_0 q_{t-1})`, :math:`q_t = (1-w^t)/(1-w)`, :math:`w = z_2/z_1`
      (equal to :math:`c_1 z_1^t + c_2 z_2^t`, checked in theory.iterations; no cancellation near a
      double root because :math:`1 - w` is formed in 50 digits);
    * complex pair :math:`r e^{\pm i\theta}`: :math:`e_t = r^{t-1}(e_1\sin t\theta - r e_0 \sin(t-1)\theta)/\sin\theta`.
    """
    with mpmath.workdps(PRECISION_DIGITS):
        b, c, e0m = mpmath.mpf(b), mpmath.mpf(c), mpmath.mpf(e0)
        e1 = mpmath.mpf(g) * e0m
        if e0m == 0:
            return _Mode("zero", -math.inf, ())
        if c == 0:
            if b == 0 or e1 == 0:
                return _Mode("zero-after-1", -math.inf, (float(e1),))
            return _Mode("first-order", float(mpmath.log(abs(b))), (float(e1),))
        disc = b * b - 4 * c
        if abs(disc) <= _DOUBLE_ROOT_RTOL * (b * b + 4 * abs(c)):
            z = b / 2
            return _Mode("double", float(mpmath.log(abs(z))), (float(mpmath.sign(z)), float(e0m), float(e1 / z - e0m)))
        if disc > 0:
            sq = mpmath.sqrt(disc)
            z1 = (b + sq) / 2 if b >= 0 else (b - sq) / 2
            z2 = c / z1
            w = z2 / z1
            one_minus_w = 1 - w
            log_w = mpmath.log(w) if w > 0 else None
            return _Mode("real", float(mpmath.log(abs(z1))),
                         (float(mpmath.sign(z1)), float(e1), float(z2 * e0m), float(w), float(one_minus_w),
                          None if log_w is None else float(log_w)))
        r = mpmath.sqrt(c)
        theta = mpmath.atan2(mpmath.sqrt(-disc), b)
        return _Mode("complex", float(mpmath.log(r)),
                     (float(e1), float(r * e0m), float(theta), float(mpmath.sin(theta))))


def _log_abs(mode: _Mode, t: np.ndarray) -> np.ndarray:
    """``log|e_t|`` for integer ``t >= 1`` (float array), -inf where e_t = 0."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        if mode.kind == "zero":
            return np.full(t.shape, -np.inf)
        if mode.kind == "zero-after-1":
            (e1,) = mode.data
            out = np.full(t.shape, -np.inf)
            out[t == 1] = math.log(abs(e1)) if e1 != 0 else -np.inf
            return out
        if mode.kind == "first-order":
            (e1,) = mode.data
            return math.log(abs(e1)) + (t - 1) * mode.log_modulus
        if mode.kind == "double":
            _, A, B = mode.data
            return t * mode.log_modulus + np.log(np.abs(A + B * t))
        if mode.kind == "real":
            _, e1, z2e0, w, one_minus_w, log_w = mode.data

            def q(k):
                if log_w is not None:
                    return -np.expm1(k * log_w) / one_minus_w
                wk = np.where(k % 2 == 0, 1.0, -1.0) * np.exp(k * math.log(abs(w))) if w != 0 else (k == 0) * 1.0
                return (1.0 - wk) / one_minus_w

            bracket = e1 * q(t) - z2e0 * q(t - 1)
            return (t - 1) * mode.log_modulus + np.log(np.abs(bracket))
        e1, re0, theta, sin_theta = mode.data
        bracket = (e1 * np.sin(t * theta) - re0 * np.sin((t - 1) * theta)) / sin_theta
        return (t - 1) * mode.log_modulus + np.log(np.abs(bracket))


def closed_form_log_error(modes: Iterable[tuple[Any, Any, float, Any]], t: np.ndarray) -> np.ndarray:
    r"""``log‖e_t‖`` from the closed forms of independent modes ``(b, c, e0_i, g)``, for integer ``t >= 1``."""
    prepared = [_prepare_mode(*m) for m in modes]
    t = np.asarray(t, dtype=np.float64)
    logs = np.stack([2 * _log_abs(p, t) for p in prepared])
    return 0.5 * _logsumexp(logs)


def _logsumexp(a: np.ndarray) -> np.ndarray:
    top = np.max(a, axis=0)
    finite_top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(under="ignore", divide="ignore"):
        return finite_top + np.log(np.sum(np.exp(a - finite_top), axis=0))


def _scan_start(prepared: list[_Mode], log_target: float) -> int:
    r"""A t below which no t can reach the target: ‖e_t‖ >= |e_t^{(i)}| for every mode i, and a
    first-order mode :math:`|e_t| = |e_1||b|^{t-1}` decreases monotonically, so the norm stays above
    the target at least until that mode alone crosses it.  (Starting there saves scanning millions of
    t for gradient descent at large κ; two steps of margin against rounding.)"""
    start = 1
    for p in prepared:
        if p.kind == "first-order" and p.log_modulus < 0:
            (e1,) = p.data
            alone = 1 + (log_target - math.log(abs(e1))) / p.log_modulus  # |e1| |b|^(t-1) = target
            start = max(start, int(math.floor(alone)) - 2)
    return max(start, 1)


def predicted_iterations(modes: list[tuple[Any, Any, float, Any]], tol: float, max_steps: int) -> int | None:
    r"""First :math:`t \ge 1` with :math:`‖e_t‖ \le tol\,‖e_0‖` from the closed forms, scanning ``t``; None past ``max_steps``.

    ``modes``: ``(b, c, e0_i, g)`` per independent mode (:func:`mode_coefficients` gives b, c, g).
    """
    prepared = [_prepare_mode(*m) for m in modes]
    log_target = math.log(tol) + 0.5 * math.log(sum(float(m[2]) ** 2 for m in modes))
    start, chunk = _scan_start(prepared, log_target), 4096
    while start <= max_steps:
        stop = min(start + chunk, max_steps + 1)
        t = np.arange(start, stop, dtype=np.float64)
        logs = np.stack([2 * _log_abs(p, t) for p in prepared])
        hit = np.flatnonzero(0.5 * _logsumexp(logs) <= log_target)
        if hit.size:
            return int(start + hit[0])
        start, chunk = stop, min(chunk * 2, 1 << 22)
    return None


# ----------------------------------------------------------------------------- one point
@dataclass(frozen=True)
class PointTask:
    method: str
    kappa: float
    config: SweepConfig
    #: given parameters ((name, value), ...) instead of the config's tuning (a sweep over a parameter)
    params: tuple[tuple[str, float], ...] | None = None


def _simulate(rule, lam: np.ndarray, e0: np.ndarray, steps: int, backend: str, tol: float):
    from ratecheck.numerics.backends import simulate_diagonal

    return simulate_diagonal(rule, lam, e0, steps, backend=backend, tolerance=tol)


def run_point(task: PointTask) -> dict[str, Any]:
    r"""Theory and simulation for one (method, κ): a JSON-ready record (see the module docstring)."""
    t0 = time.perf_counter()
    cfg, method, kappa = task.config, task.method, task.kappa
    mu, L = (cfg.eigenvalues[0], cfg.eigenvalues[-1]) if cfg.eigenvalues else (1.0 / kappa, 1.0)
    form = numerics.form(method).name
    m = numerics.form(method, form)
    given = task.params
    params = {k: float(x) for k, x in (dict(given) if given is not None else tuned(m, cfg.tuning, mu, L)).items()}
    rule = numerics.rule(method, params, form)
    rate = float(theory_rate(m, params, mu, L))
    half = 1.0 / math.sqrt(2.0)
    modes = []
    for lam_i in (mu, L):
        b, c, g = mode_coefficients(method, params, lam_i)
        modes.append((b, c, half, g))
    iters_theory = predicted_iterations(modes, cfg.tol, cfg.max_steps)
    cap = cfg.max_steps if iters_theory is None else min(cfg.max_steps, math.ceil(1.5 * iters_theory) + 100)
    t1 = time.perf_counter()
    if cfg.init == "extreme":
        lam = np.array([mu, L])
        e0 = np.array([half, half])
    elif cfg.eigenvalues:
        lam = np.asarray(cfg.eigenvalues, dtype=np.float64)
        e0 = isotropic_initial_error(lam.size, cfg.seed)
    else:
        make = SPECTRA[cfg.spectrum]
        lam = make(mu, L, cfg.dim, cfg.seed) if cfg.spectrum == "random-uniform" else make(mu, L, cfg.dim)
        e0 = isotropic_initial_error(cfg.dim, cfg.seed)
    traj = _simulate(rule, lam, e0, cap, cfg.backend, cfg.tol)
    converged = bool(traj.reached_tolerance)
    iters_sim = int(traj.steps_run) if converged else None
    rel = None if (iters_sim is None or iters_theory is None) else (iters_sim - iters_theory) / iters_theory
    return {
        "method": method,
        "form": form,
        "kappa": kappa,
        "mu": mu,
        "L": L,
        "init": cfg.init,
        "params": params,
        "rate_theory": rate,
        "iters_theory": iters_theory,
        "iters_simulated": iters_sim,
        "relative_difference": rel,
        "converged": converged,
        "diverged": bool(traj.diverged),
        "step_cap": int(cap),
        "speedup": None if (iters_sim is None or iters_theory is None) else iters_theory / iters_sim,
        "seconds": round(time.perf_counter() - t0, 4),
        "seconds_theory": round(t1 - t0, 4),
    }


# ----------------------------------------------------------------------------- fits
def fit_exponent(kappas: Iterable[float], iters: Iterable[float]) -> dict[str, float | int | None]:
    r"""Least squares :math:`\log T = \log C + p\log\kappa`: ``exponent`` p, ``exponent_stderr``, ``constant`` C.

    The standard error is the usual OLS one, :math:`\sqrt{s^2/S_{xx}}` with
    :math:`s^2 = \mathrm{SSR}/(n-2)`; None with fewer than 3 points (2 points: exponent only).
    When the :math:`\log\kappa` values do not spread (all equal to rounding, e.g. KMIN:KMAX = 10:10.000000000000002)
    the slope is undefined: everything is None except ``points``.
    """
    x = np.log(np.asarray(list(kappas), dtype=np.float64))
    y = np.log(np.asarray(list(iters), dtype=np.float64))
    n = x.size
    if n < 2:
        return {"exponent": None, "exponent_stderr": None, "constant": None, "points": int(n)}
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    if sxx <= (64 * np.finfo(np.float64).eps * max(1.0, abs(float(xm)))) ** 2 * n:
        return {"exponent": None, "exponent_stderr": None, "constant": None, "points": int(n)}
    p = float(np.sum((x - xm) * (y - ym)) / sxx)
    a = float(ym - p * xm)
    stderr = None
    if n > 2:
        ssr = float(np.sum((y - a - p * x) ** 2))
        stderr = math.sqrt(ssr / (n - 2) / sxx)
    return {"exponent": p, "exponent_stderr": stderr, "constant": math.exp(a), "points": int(n)}


# ----------------------------------------------------------------------------- the sweep
class InlineExecutor(Executor):
    """An :class:`~concurrent.futures.Executor` that runs each task at once in the calling thread."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            f.set_exception(exc)
        return f


@dataclass
class SweepResult:
    config: SweepConfig
    points: list[dict[str, Any]]
    fits: list[dict[str, Any]]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config.to_dict(), "points": self.points, "fits": self.fits}


def _expected_exponent(method: str) -> float:
    return float(iterations.EXPECTED_EXPONENT[method])


def fits_for(config: SweepConfig, points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per method: the fit of simulated iterations (converged points) and of the predicted ones."""
    out = []
    for m in config.methods:
        ps = [p for p in points if p["method"] == m]
        sim = [p for p in ps if p["converged"]]
        th = [p for p in ps if p["iters_theory"] is not None]
        f = fit_exponent([p["kappa"] for p in sim], [p["iters_simulated"] for p in sim])
        ft = fit_exponent([p["kappa"] for p in th], [p["iters_theory"] for p in th])
        out.append({"method": m, **f, "exponent_expected": _expected_exponent(m),
                    "exponent_theory_fit": ft["exponent"], "constant_theory_fit": ft["constant"],
                    "not_converged": len(ps) - len(sim)})
    return out


def run_sweep(
    config: SweepConfig,
    executor: Executor | None = None,
    on_point: Callable[[dict[str, Any]], None] | None = None,
    *,
    params_list: list[dict[str, float]] | None = None,
) -> SweepResult:
    r"""Run every (method, κ) point of ``config`` through ``executor`` (default: in this thread).

    ``on_point`` is called in the calling thread with each point's record as it completes
    (a progress bar hook). Points come back ordered by method, then κ.  ``params_list``: run each
    method at each of these parameter sets instead of its tuning (a sweep over a parameter; the points
    come back in the list's order within each κ).
    """
    if not isinstance(config, SweepConfig):
        raise TypeError(f"config must be a SweepConfig, got {type(config).__name__}")
    config = config.validated()
    executor = executor or InlineExecutor()
    t0 = time.perf_counter()
    kappas = config.kappas()
    if params_list is None:
        tasks = [PointTask(m, k, config) for m in config.methods for k in kappas]
    else:
        tasks = [PointTask(m, k, config, tuple(sorted((n, float(x)) for n, x in p.items())))
                 for m in config.methods for k in kappas for p in params_list]
    # the most expensive points first (largest kappa, gradient descent), for load balance
    order = sorted(range(len(tasks)), key=lambda i: (-tasks[i].kappa, tasks[i].method != "gd"))
    futures = {executor.submit(run_point, tasks[i]): i for i in order}
    results: list[dict[str, Any] | None] = [None] * len(tasks)
    try:
        for fut in as_completed(futures):
            rec = fut.result()
            results[futures[fut]] = rec
            if on_point is not None:
                on_point(rec)
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    points = [r for r in results if r is not None]
    return SweepResult(config, points, fits_for(config, points), time.perf_counter() - t0)


# ----------------------------------------------------------------------------- executors
EXECUTORS = ("local", "process", "dask://HOST:PORT")


def parse_executor(text: str) -> tuple[str, str | None]:
    """``local`` / ``process`` / ``dask://HOST:PORT`` -> (kind, tcp address or None); ParameterError otherwise."""
    text = str(text).strip()
    if text in ("local", "process"):
        return text, None
    if text.startswith("dask://"):
        hostport = text[len("dask://"):]
        host, sep, port = hostport.rpartition(":")
        if sep and host and port.isdigit() and 0 < int(port) < 65536:
            return "dask", f"tcp://{host}:{int(port)}"
    raise v.ParameterError("executor", f"one of {', '.join(EXECUTORS)}", text)


class open_executor:
    r"""Context manager giving a :class:`concurrent.futures.Executor` for ``spec``.

    ``local``: :class:`InlineExecutor` (in this thread); ``process``: a
    :class:`~concurrent.futures.ProcessPoolExecutor` (spawned workers, ``workers`` of them, default
    the CPU count); ``dask://HOST:PORT``: ``distributed.Client(address).get_executor()`` on an
    existing Dask cluster (``distributed`` is an optional extra, imported only here; the workers
    must be able to import ratecheck).  An unreachable scheduler, a port that does not speak the Dask
    protocol (``connect_timeout``, default 3 s) and a scheduler without workers (``worker_timeout``,
    default 10 s) raise ParameterError naming ``executor``.
    """

    def __init__(self, spec: str, workers: int | None = None, *, connect_timeout: float = 3.0,
                 worker_timeout: float = 10.0):
        self.kind, self.address = parse_executor(spec)
        self.spec = spec
        self.workers = None if workers is None else v.integer("workers", workers, 1)
        self.connect_timeout = v.positive("connect_timeout", connect_timeout)
        self.worker_timeout = v.positive("worker_timeout", worker_timeout)
        self._client = None
        self._executor: Executor | None = None

    def __enter__(self) -> Executor:
        if self.kind == "local":
            self._executor = InlineExecutor()
        elif self.kind == "process":
            import multiprocessing
            import os
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(max_workers=self.workers or os.cpu_count() or 1,
                                                 mp_context=multiprocessing.get_context("spawn"))
        else:
            try:
                from distributed import Client
            except ImportError:
                raise v.ParameterError("executor", "local or process here (dask:// needs the optional 'distributed' "
                                       "package: pip install 'ratecheck[distributed]')", self.spec) from None
            self._client = self._connect(Client)
            try:
                self._client.wait_for_workers(1, timeout=self.worker_timeout)
            except (TimeoutError, OSError):
                self._close_client()
                raise v.ParameterError("executor", f"a Dask scheduler with at least one worker (the scheduler at "
                                       f"{self.address} has no worker after {self.worker_timeout:g} s)",
                                       self.spec) from None
            self._executor = self._client.get_executor()
        return self._executor

    def _connect(self, Client):
        r"""``Client(address)`` within ``connect_timeout`` seconds, whatever answers on the port.

        ``Client(timeout=...)`` bounds the TCP connect but not the handshake: a port that accepts the
        connection and never speaks the Dask protocol kept it waiting 39-139 s.  The client is built in a
        daemon thread and abandoned after the deadline (one clear error, the process can exit)."""
        import threading

        box: dict = {}

        def connect():
            try:
                box["client"] = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
            except BaseException as exc:  # noqa: BLE001 - reported below
                box["error"] = exc

        thread = threading.Thread(target=connect, name="ratecheck-dask-connect", daemon=True)
        thread.start()
        thread.join(self.connect_timeout + 1.0)
        if "client" in box:
            return box["client"]
        if thread.is_alive():
            reason = f"no Dask scheduler answered within {self.connect_timeout:g} s"
        else:
            exc = box.get("error")
            reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise v.ParameterError("executor", f"a reachable Dask scheduler (cannot connect to {self.address}: "
                               f"{reason})", self.spec) from None

    def _close_client(self) -> None:
        try:
            self._client.close(timeout=self.connect_timeout)
        except Exception:  # noqa: BLE001 - closing a client that failed is best effort
            pass
        self._client = None

    def __exit__(self, *exc) -> None:
        if self._executor is not None and self.kind == "process":
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._close_client()
