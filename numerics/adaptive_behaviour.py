r"""How the adaptive methods behave when they run: an online projected run (the counterexample of Reddi, Kale &
Kumar 2018) and measured runs on ill-conditioned quadratics.

Both run the method values of :mod:`numerics.adaptive` (their ``step``), never a second copy of their rules.

**Online, projected** (:func:`projected_online_run`): at step :math:`t = 1, 2, \dots` the learner plays
:math:`x_t`, receives the gradient :math:`g_t` of the loss :math:`f_t`, takes the method's step with the learning
rate :math:`\alpha_t` of a schedule (default :math:`\alpha/\sqrt t`, the step size of Reddi et al., Sec. 3) and
projects onto :math:`[\mathrm{lo}, \mathrm{hi}]`; in one dimension the projection of AMSGrad's weighted norm
:math:`\Pi_{\mathcal F, \sqrt{\hat v_t}}` is the same clipping.  :class:`ReddiProblem` is their sequence
:math:`f_t(x) = Cx` for :math:`t \bmod 3 = 1` and :math:`f_t(x) = -x` otherwise, on :math:`[-1, 1]`, whose best
fixed point is :math:`x = -1`; regret is :math:`R_T = \sum_{t \le T} f_t(x_t) - f_t(-1)`.
:func:`reddi_settings` gives their hyperparameters :math:`\beta_1 = 0`, :math:`\beta_2 = 1/(1 + C^2)` (with
:math:`\epsilon = 0`, as in their analysis).

**Quadratics** (:func:`run_quadratic`): the method at the given parameters on
:math:`f(x) = \tfrac12 (x - x^\star)^\top H (x - x^\star)` with a dense :math:`H` (the adaptive methods are
coordinate-wise, so unlike gradient descent they are *not* rotation invariant: a diagonal :math:`H` and a rotated
one with the same eigenvalues are different problems for them).  Besides :math:`\|x_t - x^\star\|` each run records
the smallest :math:`\sqrt{\hat v_t}` over the coordinates (the quantity that is compared with :math:`\epsilon`)
and, on request, :math:`\lambda_{\max}(P_t H)` with :math:`P_t` the per-coordinate step of the frozen
preconditioner (see :func:`preconditioner`).  :func:`classify` names what a run did, by the definitions in its
docstring.  The problems: :func:`rotated_hessian` (eigenvalues geometric on :math:`[1, \kappa]`, Haar-random
eigenvectors) and :func:`diabetes_hessian` (scikit-learn's diabetes data, features standardised, an intercept
column: :math:`X^\top X/n`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from . import validation as v
from .data import hessian
from .problems import random_orthogonal
from .protocol import Method, Values
from .rates import fitted_rate

__all__ = ["ReddiProblem", "OnlineRun", "reddi_settings", "inverse_sqrt", "projected_online_run",
           "rotated_hessian", "diabetes_hessian", "QuadraticRun", "block_diagonal", "run_quadratic", "preconditioner", "second_moment",
           "Behaviour", "classify", "BURST_FACTOR"]


# ----------------------------------------------------------------------------- online, projected
@dataclass(frozen=True)
class ReddiProblem:
    r""":math:`f_t(x) = Cx` for :math:`t \bmod 3 = 1`, :math:`-x` otherwise, on :math:`[-1, 1]` (Reddi et al. 2018, Sec. 3)."""

    C: float = 3.0

    def __post_init__(self):
        object.__setattr__(self, "C", v.in_range("C", self.C, 2.0, math.inf, lo_open=True, hi_open=True))

    lower: float = -1.0
    upper: float = 1.0
    #: the best fixed decision in hindsight
    minimiser: float = -1.0

    def slope(self, t: int) -> float:
        return self.C if t % 3 == 1 else -1.0

    def gradient(self, t: int, x: np.ndarray) -> np.ndarray:
        return np.full_like(x, self.slope(t))

    def regret_terms(self, x: np.ndarray) -> np.ndarray:
        r""":math:`f_t(x_t) - f_t(-1)` for :math:`t = 1..T` from the played points ``x[t-1]`` = :math:`x_t`."""
        t = np.arange(1, x.size + 1)
        s = np.where(t % 3 == 1, self.C, -1.0)
        return s * (x - self.minimiser)


def reddi_settings(C: float) -> dict:
    r"""The hyperparameters of the counterexample: :math:`\beta_1 = 0`, :math:`\beta_2 = 1/(1 + C^2)`, :math:`\epsilon = 0`."""
    C = v.in_range("C", C, 2.0, math.inf, lo_open=True, hi_open=True)
    return {"beta1": 0.0, "beta2": 1.0 / (1.0 + C * C), "eps": 0.0}


def inverse_sqrt(lr: float) -> Callable[[int], float]:
    r"""The schedule :math:`\alpha_t = \alpha/\sqrt t`."""
    lr = v.positive("lr", lr)
    return lambda t: lr / math.sqrt(t)


@dataclass(frozen=True)
class OnlineRun:
    """Played points ``x[t-1]`` = x_t for t = 1..T+1 (the last is the point after step T) and the final state."""

    x: np.ndarray
    state: dict
    steps: int


def projected_online_run(method: Method, params: Mapping[str, float], gradient: Callable[[int, np.ndarray], np.ndarray],
                         x1: float, steps: int, *, schedule: Callable[[int], float], lower: float,
                         upper: float) -> OnlineRun:
    r"""Run ``method`` (a value of :mod:`numerics.adaptive`) online in one dimension: gradient ``gradient(t, x_t)``,
    the method's own step with ``lr = schedule(t)``, then the projection onto ``[lower, upper]``.

    ``params`` are validated once by the method (``lr`` comes from the schedule and must not be given)."""
    if "lr" in params:
        raise v.ParameterError("lr", "left out: the schedule gives the learning rate of every step", params["lr"])
    steps = v.integer("steps", steps, 1)
    lower, upper = v.finite("lower", lower), v.finite("upper", upper)
    if not lower < upper:
        raise v.ParameterError("upper", f"a number > lower = {lower}", upper)
    x1 = v.in_range("x1", x1, lower, upper)
    first = dict(params, lr=schedule(1))
    p = dict(zip(method.param_names, method.validate(first)))
    x0 = np.array([x1])
    state = Values((s.name, x0.copy() if s.init == "x" else np.zeros(1) if s.init == "zeros" else np.full(1, float(s.init)))
                   for s in method.state)
    xs = np.empty(steps + 1)
    xs[0] = x1
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        for t in range(1, steps + 1):
            p["lr"] = schedule(t)
            state = method.step(state, lambda y, t=t: gradient(t, y), p, t)
            state["x"] = np.clip(state["x"], lower, upper)
            xs[t] = state["x"][0]
    return OnlineRun(xs, dict(state), steps)


# ----------------------------------------------------------------------------- quadratics
def rotated_hessian(kappa: float, dim: int = 20, seed: int = 0) -> np.ndarray:
    r""":math:`Q\,\mathrm{diag}(\lambda)\,Q^\top`, :math:`\lambda` geometric on :math:`[1, \kappa]`, :math:`Q` Haar-random (``seed``)."""
    kappa = v.in_range("kappa", kappa, 1.0, math.inf, hi_open=True)
    dim = v.integer("dim", dim, 2)
    Q = random_orthogonal(dim, v.seed("seed", seed))
    return (Q * np.geomspace(1.0, kappa, dim)) @ Q.T


def diabetes_hessian() -> np.ndarray:
    r""":math:`X^\top X/n` of scikit-learn's diabetes data (442 × 10), each feature standardised to mean 0 and
    variance 1, with an intercept column (11 × 11).  Needs scikit-learn (``pip install 'ratecheck[dev]'``)."""
    try:
        from sklearn.datasets import load_diabetes
    except ImportError:  # pragma: no cover - dev extra installed in the tests
        raise v.ParameterError("problem", "available: the diabetes Hessian needs scikit-learn "
                               "(pip install 'ratecheck[dev]')", "diabetes") from None
    X = np.asarray(load_diabetes().data, dtype=np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return hessian(X, intercept=True)


def second_moment(method: Method, state: Mapping, params: Mapping, t: int) -> np.ndarray:
    r"""The per-coordinate :math:`\hat v_t` of a torch-form method (what its square root is compared with ε):
    Adam, AdamW :math:`v_t/(1 - \beta_2^t)`; AMSGrad :math:`v^{\max}_t/(1 - \beta_2^t)`; RMSprop and AdaDelta
    :math:`v_t`; Adagrad :math:`S_t`."""
    if method.name != "torch":
        raise v.ParameterError("method", "a torch form of numerics.adaptive", method.key)
    if method.method in ("adam", "adamw"):
        return state["v"] / (1 - params["beta2"] ** t)
    if method.method == "amsgrad":
        return state["vmax"] / (1 - params["beta2"] ** t)
    if method.method in ("rmsprop", "adadelta"):
        return state["v"]
    if method.method == "adagrad":
        return state["acc"]
    raise v.ParameterError("method", "one of adam, adamw, amsgrad, rmsprop, adagrad, adadelta", method.method)


def preconditioner(method: Method, state: Mapping, params: Mapping, t: int) -> np.ndarray:
    r"""Adam's (and AMSGrad's) per-coordinate step with the second moment frozen:
    :math:`P_t = \mathrm{diag}\bigl(\eta/((1 - \beta_1^t)(\sqrt{\hat v_t} + \epsilon))\bigr)`.  With :math:`P_t` held
    fixed the step is the EMA heavy ball :math:`m \leftarrow \beta_1 m + (1 - \beta_1)g`, :math:`x \leftarrow x - P_t m`,
    stable iff every eigenvalue :math:`\mu` of :math:`P_t H` has :math:`(1 - \beta_1)\mu < 2(1 + \beta_1)`."""
    if method.method not in ("adam", "amsgrad") or method.name != "torch":
        raise v.ParameterError("method", "adam or amsgrad (torch form)", method.key)
    vhat = second_moment(method, state, params, t)
    return params["lr"] / ((1 - params["beta1"] ** t) * (np.sqrt(vhat) + params["eps"]))


@dataclass(frozen=True)
class QuadraticRun:
    r"""``error[t]`` = :math:`\|x_t - x^\star\|` (t = 0..T), ``sqrt_vhat_min[t]`` = :math:`\min_i \sqrt{\hat v_{t,i}}`
    (index 0 unused, NaN), ``curvature[t]`` = :math:`\lambda_{\max}(P_t H)` when asked for, and the last
    ``tail`` iterates minus :math:`x^\star` (rows)."""

    error: np.ndarray
    sqrt_vhat_min: np.ndarray
    curvature: np.ndarray | None
    tail: np.ndarray
    params: dict


def block_diagonal(blocks) -> tuple[np.ndarray, tuple[slice, ...]]:
    r"""One block-diagonal matrix of the square matrices ``blocks`` and the coordinate slice of each.

    The adaptive methods act coordinate by coordinate, so one run on the block-diagonal problem is, block by
    block, the runs on each problem (to the last bit: :func:`run_quadratic` multiplies block by block, and no operation
    of the methods mixes coordinates of two blocks)."""
    sizes = [np.shape(b)[0] for b in blocks]
    n = sum(sizes)
    H = np.zeros((n, n))
    cuts, i = [], 0
    for b, d in zip(blocks, sizes):
        H[i:i + d, i:i + d] = b
        cuts.append(slice(i, i + d))
        i += d
    return H, tuple(cuts)


def run_quadratic(method: Method, params: Mapping[str, float], H: np.ndarray, x0: np.ndarray, steps: int, *,
                  curvature: bool = False, tail: int = 200, blocks: tuple[slice, ...] | None = None):
    r"""Run ``method`` (torch form) at ``params`` (defaults filled in) on :math:`\tfrac12 x^\top H x` (so
    :math:`x^\star = 0`) from ``x0`` for ``steps`` steps; see :class:`QuadraticRun`.  A step that overflows
    ends the run (the records stop there).  With ``blocks`` (slices of a block-diagonal ``H``, see
    :func:`block_diagonal`) the result is one :class:`QuadraticRun` per block (``curvature`` not available)."""
    H = np.asarray(H, dtype=np.float64)
    x0 = v.real_array("x0", x0)
    if H.ndim != 2 or H.shape != (x0.size, x0.size):
        raise v.ParameterError("H", f"a {x0.size} x {x0.size} matrix", H.shape)
    steps = v.integer("steps", steps, 1)
    tail = v.integer("tail", tail, 1)
    cuts = (slice(0, x0.size),) if blocks is None else tuple(blocks)
    if curvature and blocks is not None:
        raise v.ParameterError("curvature", "False when blocks are given", curvature)
    p = dict(zip(method.param_names, method.validate(params)))
    state = Values((s.name, x0.copy() if s.init == "x" else np.zeros_like(x0) if s.init == "zeros"
                    else np.full_like(x0, float(s.init))) for s in method.state)
    if blocks is None:
        grad = H.__matmul__
    else:  # each block's own product, so that the run is bit for bit the separate runs
        parts = [(c, H[c, c].copy()) for c in cuts]

        def grad(y):
            out = np.empty_like(y)
            for c, Hb in parts:
                out[c] = Hb @ y[c]
            return out
    starts = np.array([c.start for c in cuts])
    if (any(c.step not in (None, 1) for c in cuts) or cuts[0].start != 0 or cuts[-1].stop != x0.size
            or any(a.stop != b.start for a, b in zip(cuts, cuts[1:]))):
        raise v.ParameterError("blocks", f"consecutive slices covering 0..{x0.size} in order (block_diagonal's)", cuts)
    nb = len(cuts)
    err = np.full((steps + 1, nb), np.nan)
    vmin = np.full((steps + 1, nb), np.nan)
    curv = np.full(steps + 1, np.nan) if curvature else None
    keep = np.empty((min(tail, steps), x0.size))
    err[0] = np.sqrt(np.add.reduceat(x0 * x0, starts))
    n = steps
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        for t in range(1, steps + 1):
            try:
                state = method.step(state, grad, p, t)
                x = state["x"]
                e = np.sqrt(np.add.reduceat(x * x, starts))
                if not np.all(np.isfinite(e)):
                    raise FloatingPointError
            except FloatingPointError:
                n = t - 1
                break
            err[t] = e
            vmin[t] = np.sqrt(np.minimum.reduceat(second_moment(method, state, p, t), starts))
            if curvature:
                d = np.sqrt(preconditioner(method, state, p, t))
                curv[t] = float(np.linalg.eigvalsh(d[:, None] * H * d[None, :])[-1])
            if t > steps - keep.shape[0]:
                keep[t - (steps - keep.shape[0]) - 1] = x
    tail_x = keep if n == steps else keep[:0]
    runs = [QuadraticRun(err[: n + 1, i].copy(), vmin[: n + 1, i].copy(),
                         None if curv is None else curv[: n + 1], tail_x[:, c].copy(), p) for i, c in enumerate(cuts)]
    return runs[0] if blocks is None else runs


#: a step that multiplies the error by more than this is a burst
BURST_FACTOR = 10.0


@dataclass(frozen=True)
class Behaviour:
    r"""What a run did: ``kind`` one of ``converges linearly``, ``bursts``, ``limit cycle``, ``does not converge``,
    ``undetermined``, with its numbers (NaN where they do not apply)."""

    kind: str
    rate: float = float("nan")
    e_foldings: float = float("nan")
    bursts: int = 0
    first_burst: int | None = None
    period: int | None = None
    amplitude: float = float("nan")
    final_error: float = float("nan")

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("kind", "rate", "e_foldings", "bursts", "first_burst", "period",
                                              "amplitude", "final_error")}


def classify(run: QuadraticRun, *, max_period: int = 20, cycle_tolerance: float = 1e-6) -> Behaviour:
    r"""Name the behaviour of a run, by these definitions (checked in this order):

    * **bursts** — some step multiplies :math:`\|x_t - x^\star\|` by more than :data:`BURST_FACTOR` (10) after the
      error has fallen below :math:`10^{-3}\|x_0 - x^\star\|`; counted, with the first such step;
    * **converges linearly** — the fitted rate of :func:`numerics.rates.fitted_rate` over the second half has
      :math:`\rho < 1` and covers at least 3 e-foldings;
    * **limit cycle** — the last iterates repeat with a period :math:`p \le 20`:
      :math:`\max_t \|x_{t+p} - x_t\| \le 10^{-6}\max_t \|x_t - x^\star\|` over the recorded tail; its amplitude is
      the largest :math:`\|x_t - x^\star\|` on the cycle;
    * **does not converge** — over the last quarter of the run the error is on average (geometric mean) less than
      1 % smaller than over the third quarter (or larger);
    * **undetermined** — none of these (a decay of fewer than 3 e-foldings over the second half: too slow to call).
    """
    e = run.error
    T = e.size - 1
    out = {"final_error": float(e[-1])}
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = e[1:] / e[:-1]
    small = e[:-1] < 1e-3 * e[0]
    jumps = np.flatnonzero((ratio > BURST_FACTOR) & small)
    if jumps.size:
        return Behaviour("bursts", bursts=int(jumps.size), first_burst=int(jumps[0]) + 1, **out)
    if T >= 8 and np.all(e > 0):
        fit = fitted_rate(e)
        if fit.rate < 1 and fit.e_foldings >= 3:
            return Behaviour("converges linearly", rate=fit.rate, e_foldings=fit.e_foldings, **out)
    x = run.tail
    if x.shape[0] > 2 * max_period:
        scale = float(np.max(np.linalg.norm(x, axis=1)))
        for p in range(1, max_period + 1):
            if float(np.max(np.linalg.norm(x[p:] - x[:-p], axis=1))) <= cycle_tolerance * scale:
                return Behaviour("limit cycle", period=p, amplitude=scale, **out)
    q = T // 4
    if q >= 1 and np.all(e[T // 2:] > 0):
        third, last = np.mean(np.log(e[T // 2: T - q])), np.mean(np.log(e[T - q:]))
        if last > third + math.log(0.99):
            return Behaviour("does not converge", **out)
    return Behaviour("undetermined", **out)
