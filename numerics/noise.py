r"""Gradient noise models on a diagonal quadratic: what a stochastic gradient adds to :math:`\nabla f`.

On :math:`f(x) = \tfrac12 (x - x^*)^\top H (x - x^*)` with :math:`H = \mathrm{diag}(\lambda_i)`, a stochastic
gradient at the method's gradient point :math:`y` is

.. math:: g = H(y - x^*) + \xi, \qquad \mathbb E\,\xi = 0, \quad \mathrm{Cov}\,\xi = \mathrm{diag}(s_i^2),

drawn independently at every step.  Two models give the standard deviations :math:`s_i`
(:meth:`NoiseModel.std`):

* **additive** — :math:`\mathrm{Cov}\,\xi = \sigma^2 I`: :math:`s_i = \sigma`;
* **minibatch** — the noisy quadratic model of Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue & Grosse,
  "Which algorithmic choices matter at which batch sizes?" (NeurIPS 2019), Sec. 3:
  :math:`\mathrm{Cov}\,\xi = c\,C/B` with :math:`C` diagonal in the eigenbasis of :math:`H`
  (:math:`C = H` by default, or a given spectrum), batch size :math:`B` and a scale :math:`c`:
  :math:`s_i = \sqrt{c\,C_i/B}`.

The SPEC strings of the CLI (``--noise``): ``additive:sigma=S[,dist=D]`` or
``minibatch:batch=B[,scale=c][,dist=D]``; ``minibatch:scale=c`` without a batch is a model whose batch is chosen
later (``batch-scaling``).  Bad specs raise :class:`~numerics.validation.ParameterError` naming ``noise``.

**Distribution** (``dist``, :data:`DISTRIBUTIONS`): the law of the standardised draw :math:`\zeta` in
:math:`\xi_i = s_i\zeta`, i.i.d. over steps and directions with :math:`\mathbb E\zeta = 0`,
:math:`\mathbb E\zeta^2 = 1`: ``gaussian`` (the default, :math:`\zeta \sim N(0, 1)`,
:func:`numerics.random.standard_normals`) or ``rademacher`` (:math:`\zeta = \pm 1` with probability 1/2 each,
:func:`numerics.random.rademacher_signs`).  The mean and Lyapunov recursions of the exact expected loss use only
:math:`\mathbb E\xi` and :math:`\mathbb E\xi\xi^\top`, so both give the same exact expectation; only the Monte
Carlo standard error differs (through :math:`\mathbb E\zeta^4` = 3 or 1), and it is estimated from each run's own
:math:`\sum e^2` and :math:`\sum e^4`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from . import validation as v

__all__ = ["NoiseModel", "parse", "additive", "minibatch", "KINDS", "DISTRIBUTIONS"]

#: kind -> (required keys, optional keys); every kind also takes ``dist`` (:data:`DISTRIBUTIONS`)
KINDS = {"additive": (("sigma",), ()), "minibatch": ((), ("batch", "scale"))}
#: the law of the standardised draw (mean 0, variance 1); the first is the default
DISTRIBUTIONS = ("gaussian", "rademacher")
_SYNTAX = "additive:sigma=S[,dist=D] or minibatch:batch=B[,scale=c][,dist=D]"


@dataclass(frozen=True)
class NoiseModel:
    r"""A gradient-noise model (see the module docstring).

    ``covariance`` (minibatch only): the diagonal of :math:`C` in the eigenbasis, one entry per eigenvalue;
    ``None`` means :math:`C = H`.  ``dist``: the law of the standardised draw, one of :data:`DISTRIBUTIONS`.
    """

    kind: str
    sigma: float | None = None
    batch: float | None = None
    scale: float = 1.0
    covariance: tuple[float, ...] | None = None
    dist: str = DISTRIBUTIONS[0]

    def __post_init__(self):
        if self.kind not in KINDS:
            raise v.ParameterError("noise", f"a model among {', '.join(KINDS)}", self.kind)
        if self.dist not in DISTRIBUTIONS:
            raise v.ParameterError("dist", f"one of {', '.join(DISTRIBUTIONS)}", self.dist)
        if self.kind == "additive":
            v.in_range("sigma", self.sigma, 0.0, math.inf, hi_open=True)
        else:
            v.positive("scale", self.scale)
            if self.batch is not None:
                v.in_range("batch", self.batch, 1.0, math.inf, hi_open=True)

    def with_batch(self, batch: float) -> "NoiseModel":
        """The same minibatch model at batch size ``batch`` (>= 1)."""
        if self.kind != "minibatch":
            raise v.ParameterError("noise", "a minibatch model (only it has a batch size)", self.kind)
        return replace(self, batch=v.in_range("batch", batch, 1.0, math.inf, hi_open=True))

    def std(self, eigenvalues) -> np.ndarray:
        r"""The per-direction noise standard deviations :math:`s_i` for the eigenvalues :math:`\lambda_i`."""
        lam = np.asarray(eigenvalues, dtype=np.float64)
        if self.kind == "additive":
            return np.full(lam.shape, float(self.sigma))
        if self.batch is None:
            raise v.ParameterError("noise", "a minibatch model with a batch size (minibatch:batch=B[,scale=c])",
                                   str(self))
        c = lam if self.covariance is None else np.asarray(self.covariance, dtype=np.float64)
        if c.shape != lam.shape:
            raise v.ParameterError("covariance", f"one entry per eigenvalue (shape {lam.shape})", c.shape)
        if not np.all(np.isfinite(c)) or np.any(c < 0):
            raise v.ParameterError("covariance", "finite numbers >= 0", "a negative or non-finite entry")
        return np.sqrt(self.scale * c / self.batch)

    def variance(self, eigenvalues) -> np.ndarray:
        r""":math:`s_i^2`."""
        return self.std(eigenvalues) ** 2

    def __str__(self) -> str:
        dist = "" if self.dist == DISTRIBUTIONS[0] else f",dist={self.dist}"  # the default is not written
        if self.kind == "additive":
            return f"additive:sigma={self.sigma:g}" + dist
        items = ([f"batch={self.batch:g}"] if self.batch is not None else []) + [f"scale={self.scale:g}"]
        return "minibatch:" + ",".join(items) + dist + ("" if self.covariance is None else " (given C)")


def additive(sigma: float, dist: str = DISTRIBUTIONS[0]) -> NoiseModel:
    r"""Additive noise :math:`\mathrm{Cov}\,\xi = \sigma^2 I` (draws of law ``dist``)."""
    return NoiseModel("additive", sigma=v.in_range("sigma", sigma, 0.0, math.inf, hi_open=True), dist=dist)


def minibatch(batch: float | None = None, scale: float = 1.0, covariance=None, dist: str = DISTRIBUTIONS[0]) -> NoiseModel:
    r"""Minibatch noise :math:`\mathrm{Cov}\,\xi = c\,C/B` (:math:`C = H` unless ``covariance`` is given; draws of
    law ``dist``)."""
    cov = None if covariance is None else tuple(float(x) for x in np.asarray(covariance, dtype=np.float64).ravel())
    return NoiseModel("minibatch", batch=None if batch is None else float(batch), scale=float(scale), covariance=cov,
                      dist=dist)


def parse(text: str, *, require_batch: bool = True) -> NoiseModel:
    r"""Parse ``additive:sigma=S[,dist=D]`` or ``minibatch:batch=B[,scale=c][,dist=D]`` (``require_batch=False``
    also accepts ``minibatch:scale=c``; D one of :data:`DISTRIBUTIONS`, default gaussian).  Unknown kinds, unknown,
    missing or repeated keys, bad numbers and an unknown distribution raise ParameterError (parameter ``noise``)."""
    if not isinstance(text, str) or ":" not in text:
        raise v.ParameterError("noise", _SYNTAX, text)
    kind, _, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise v.ParameterError("noise", f"a model among {', '.join(KINDS)} ({_SYNTAX})", kind)
    required, optional = KINDS[kind]
    values: dict[str, float] = {}
    dist = None
    items = [t.strip() for t in rest.split(",")] if rest.strip() else []
    for item in items:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key:
            raise v.ParameterError("noise", f"KEY=VALUE items for {kind} ({_SYNTAX})", item)
        if key not in required + optional + ("dist",):
            raise v.ParameterError("noise", f"keys among {', '.join(required + optional + ('dist',))} for {kind}", key)
        if key in values or (key == "dist" and dist is not None):
            raise v.ParameterError("noise", f"each key at most once (duplicate {key})", text)
        if key == "dist":
            dist = value.strip().lower()
            if dist not in DISTRIBUTIONS:
                raise v.ParameterError("noise", f"dist=D with D one of {', '.join(DISTRIBUTIONS)}", value.strip())
            continue
        try:
            values[key] = float(value)
        except ValueError:
            raise v.ParameterError("noise", f"a number for {key}", value) from None
    for key in required:
        if key not in values:
            raise v.ParameterError("noise", f"{kind} with {key}=... ({_SYNTAX})", text)
    if kind == "minibatch" and require_batch and "batch" not in values:
        raise v.ParameterError("noise", "minibatch with batch=B (the batch size, >= 1)", text)
    try:
        dist = dist or DISTRIBUTIONS[0]
        if kind == "additive":
            return additive(values["sigma"], dist)
        return NoiseModel("minibatch", batch=values.get("batch"), scale=values.get("scale", 1.0), dist=dist)
    except v.ParameterError as exc:
        raise v.ParameterError("noise", f"{exc.name} {exc.valid}", text) from None
