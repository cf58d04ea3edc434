r"""Eigen-spectra for diagonal quadratics, reproducible from a seed.

Every generator returns a sorted float64 array of ``dim`` eigenvalues.  Random
spectra take ``seed`` and use ``numpy.random.default_rng(seed)``, so the same seed
gives the same spectrum on every machine.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation as v

__all__ = ["uniform", "geometric", "random_uniform", "explicit", "two_clusters", "power_law", "marchenko_pastur",
           "marchenko_pastur_density", "marchenko_pastur_edges", "marchenko_pastur_cdf_theta", "SpectrumSpec", "parse",
           "SPEC_KINDS", "DEFAULT_SEED"]

DEFAULT_SEED = 20261121


def uniform(mu: float, L: float, dim: int) -> np.ndarray:
    """``dim`` equally spaced eigenvalues on [mu, L], both endpoints included (dim >= 2)."""
    mu, L = v.interval(mu, L)
    dim = v.integer("dim", dim, 2)
    v.check_memory("dim", dim, 1)
    return np.linspace(mu, L, dim)


def geometric(mu: float, L: float, dim: int) -> np.ndarray:
    """``dim`` log-spaced eigenvalues from mu to L, both endpoints included (dim >= 2)."""
    mu, L = v.interval(mu, L)
    dim = v.integer("dim", dim, 2)
    v.check_memory("dim", dim, 1)
    return np.geomspace(mu, L, dim)


def random_uniform(mu: float, L: float, dim: int, seed: int = DEFAULT_SEED) -> np.ndarray:
    """mu, L and ``dim - 2`` eigenvalues drawn uniformly from (mu, L) with ``seed``; sorted."""
    mu, L = v.interval(mu, L)
    dim = v.integer("dim", dim, 2)
    v.check_memory("dim", dim, 1)
    rng = np.random.default_rng(v.seed("seed", seed))
    inner = rng.uniform(mu, L, dim - 2)
    return np.sort(np.concatenate(([mu, L], inner)))


def explicit(values) -> np.ndarray:
    """An explicit list of eigenvalues (each finite and > 0), sorted."""
    return np.sort(v.eigenvalue_array(values))


# ----------------------------------------------------------------------------- more spectra
def two_clusters(mu: float, L: float, dim: int, fraction: float = 0.5, width: float = 0.1) -> np.ndarray:
    r"""Two clusters: ``round(fraction·dim)`` eigenvalues equally spaced on [mu, mu(1+width)], the rest on
    [L(1−width), L] (dim >= 4, 0 < fraction < 1, 0 < width < 1, mu(1+width) < L(1−width))."""
    mu, L = v.interval(mu, L)
    dim = v.integer("dim", dim, 4)
    fraction = v.in_range("fraction", fraction, 0.0, 1.0, lo_open=True, hi_open=True)
    width = v.in_range("width", width, 0.0, 1.0, lo_open=True, hi_open=True)
    if mu * (1 + width) >= L * (1 - width):
        raise v.ParameterError("width", "small enough that the clusters do not overlap (mu(1+width) < L(1-width))",
                               width)
    v.check_memory("dim", dim, 1)
    low = min(max(int(round(fraction * dim)), 2), dim - 2)
    return np.concatenate((np.linspace(mu, mu * (1 + width), low), np.linspace(L * (1 - width), L, dim - low)))


def power_law(dim: int, L: float = 1.0, exponent: float = 1.0) -> np.ndarray:
    r"""Power-law decay :math:`\lambda_i = L\, i^{-\text{exponent}}`, i = 1..dim (sorted ascending; mu = L·dim^{−exponent})."""
    L = v.positive("L", L)
    exponent = v.positive("exponent", exponent)
    dim = v.integer("dim", dim, 2)
    v.check_memory("dim", dim, 1)
    lam = L * np.arange(dim, 0, -1, dtype=np.float64) ** (-exponent)
    if lam[0] <= 0:
        raise v.ParameterError("exponent", "small enough that L·dim^-exponent > 0 in float64", exponent)
    return lam


def marchenko_pastur_edges(ratio: float) -> tuple[float, float]:
    r"""Support :math:`[\lambda_-, \lambda_+] = [(1-\sqrt r)^2, (1+\sqrt r)^2]` of the MP law with ratio r = d/n.

    :math:`1 - \sqrt r` is formed as :math:`(1-r)/(1+\sqrt r)` (no cancellation as r -> 1)."""
    r = _mp_ratio(ratio)
    return _one_minus_sqrt(r) ** 2, (1 + np.sqrt(r)) ** 2


def _one_minus_sqrt(r: float) -> float:
    return (1.0 - r) / (1.0 + np.sqrt(r))


#: smallest ratio: the closed-form CDF adds terms of size 1/r that cancel to O(1), losing eps/r (1e-8 at 1e-8)
MP_RATIO_MIN = 1e-8


def _mp_ratio(ratio: float) -> float:
    return v.in_range("ratio", ratio, MP_RATIO_MIN, 1.0, hi_open=True)


def marchenko_pastur_density(lam, ratio: float) -> np.ndarray:
    r"""MP density :math:`p(\lambda) = \sqrt{(\lambda_+-\lambda)(\lambda-\lambda_-)}/(2\pi r\lambda)` on its support, 0 outside.

    Law of the eigenvalues of XᵀX/n for X (n × d) with i.i.d. N(0, 1) entries as d, n → ∞, d/n → r
    (Marchenko & Pastur, 1967; Bai & Silverstein, *Spectral Analysis of Large Dimensional Random Matrices*, 2010, Thm 3.6).
    """
    r = _mp_ratio(ratio)
    a, b = marchenko_pastur_edges(r)
    lam = np.asarray(lam, dtype=np.float64)
    inside = (lam > a) & (lam < b)
    out = np.zeros_like(lam)
    li = lam[inside]
    out[inside] = np.sqrt((b - li) * (li - a)) / (2 * np.pi * r * li)
    return out


def marchenko_pastur_cdf_theta(theta, ratio: float) -> np.ndarray:
    r"""MP distribution function at :math:`\lambda = m - h\cos\theta` (m = 1 + r, h = 2√r, θ ∈ [0, π]).

    With that substitution :math:`p(\lambda)\,d\lambda = h^2\sin^2\theta/(2\pi r(m-h\cos\theta))\,d\theta`, and
    :math:`\sin^2\theta/(m-h\cos\theta) = \cos\theta/h + m/h^2 + (1-m^2/h^2)/(m-h\cos\theta)` integrates in closed
    form (:math:`\int_0^\theta d\phi/(m-h\cos\phi) = \tfrac{2}{\sqrt{m^2-h^2}}\arctan(\sqrt{\tfrac{m+h}{m-h}}\tan\tfrac\theta2)`):
    no quadrature near the square-root edges.

    Evaluated in a form without cancellation at either end of the ratio range: :math:`h^2/(2\pi r) = 2/\pi`,
    :math:`m - h = (1-\sqrt r)^2` and :math:`(1 - m^2/h^2)\cdot 2/(1-r) = -(1-r)/(2r)`.
    """
    r = _mp_ratio(ratio)
    m, h = 1 + r, 2 * np.sqrt(r)
    theta = np.asarray(theta, dtype=np.float64)
    k = (1 + np.sqrt(r)) / _one_minus_sqrt(r)  # sqrt((m + h)/(m - h))
    atan = np.arctan2(k * np.sin(theta / 2), np.cos(theta / 2))
    return (2 / np.pi) * (np.sin(theta) / h + m * theta / (4 * r) - (1 - r) / (2 * r) * atan)


_MP_TABLE = 1 << 18


def _mp_inverse_cdf(u: np.ndarray, ratio: float) -> np.ndarray:
    """λ with F(λ) = u, by interpolation in a table of 2^18 + 1 equally spaced θ (then λ = m − h cos θ)."""
    r = _mp_ratio(ratio)
    theta = np.linspace(0.0, np.pi, _MP_TABLE + 1)
    G = marchenko_pastur_cdf_theta(theta, r)
    G[0], G[-1] = 0.0, 1.0
    G = np.maximum.accumulate(G)
    out = np.empty_like(u)
    chunk = 1 << 22  # bounded temporaries for any dim
    for i in range(0, u.size, chunk):
        th = np.interp(u[i:i + chunk], G, theta)
        # m - h cos(th) = (1 - sqrt r)^2 + 2h sin^2(th/2): no cancellation near the lower edge
        out[i:i + chunk] = _one_minus_sqrt(r) ** 2 + 4 * np.sqrt(r) * np.sin(th / 2) ** 2
    return out


def marchenko_pastur(dim: int, ratio: float, sampling: str = "quantile", seed: int = DEFAULT_SEED) -> np.ndarray:
    r"""``dim`` eigenvalues following the Marchenko–Pastur law with ratio r = d/n in (0, 1) (no zero eigenvalues).

    ``sampling``: ``"quantile"`` — the deterministic quantiles F⁻¹((i + ½)/dim); ``"random"`` —
    F⁻¹(u) for ``dim`` uniform u drawn with ``seed``; ``"matrix"`` — the actual eigenvalues of XᵀX/n
    for a Gaussian X with n = round(dim/r) rows drawn with ``seed`` (dim <= 4000: a dense eigensolve).
    """
    r = _mp_ratio(ratio)
    dim = v.integer("dim", dim, 2)
    seed = v.seed("seed", seed)
    if sampling == "matrix":
        if dim > 4000:
            raise v.ParameterError("dim", "at most 4000 with sampling=matrix (use quantile or random)", dim)
        n = int(round(dim / r))
        need, available = 2 * 8 * n * dim, v._available_bytes()  # X and X^T X / n's workspace, float64
        if available is not None and need > 0.8 * available:
            raise v.ParameterError("dim", f"small enough that the {n:,} x {dim:,} Gaussian matrix of sampling=matrix "
                                   f"(n = dim/ratio rows) fits in memory ({need / 2**30:.1f} GiB needed, "
                                   f"{available / 2**30:.1f} GiB available; use sampling=quantile or random)", dim)
        X = np.random.default_rng(seed).standard_normal((n, dim))
        lam = np.linalg.eigvalsh(X.T @ X / n)
        return np.sort(lam)
    v.check_memory("dim", dim, 2)
    if sampling == "quantile":
        u = (np.arange(dim, dtype=np.float64) + 0.5) / dim
    elif sampling == "random":
        u = np.sort(np.random.default_rng(seed).uniform(0.0, 1.0, dim))
    else:
        raise v.ParameterError("sampling", "one of quantile, random, matrix", sampling)
    return _mp_inverse_cdf(u, r)


# ----------------------------------------------------------------------------- SPEC strings
@dataclass(frozen=True)
class SpectrumSpec:
    r"""A parsed SPEC string (``kind:key=value,...``); :meth:`eigenvalues` draws the spectrum."""

    kind: str
    params: dict
    values: tuple = ()

    def eigenvalues(self, dim: int | None, seed: int = DEFAULT_SEED) -> np.ndarray:
        """The spectrum with ``dim`` eigenvalues (``seed`` for random kinds); sorted ascending."""
        k = self.kind
        if k == "eigenvalues":
            lam = explicit(self.values)
            if dim is not None and int(dim) != lam.size:
                raise v.ParameterError("dim", f"{lam.size} (the number of listed eigenvalues) or omitted", dim)
            return lam
        if dim is None:
            raise v.ParameterError("dim", "given for spectrum kind " + k, None)
        with _keys_of(k):
            return self._draw(dim, seed)

    def _draw(self, dim: int, seed: int) -> np.ndarray:
        k, p = self.kind, self.params
        if k == "uniform":
            return uniform(p["mu"], p["L"], dim)
        if k == "geometric":
            return geometric(p["mu"], p["L"], dim)
        if k == "random-uniform":
            return random_uniform(p["mu"], p["L"], dim, seed)
        if k == "two-clusters":
            return two_clusters(p["mu"], p["L"], dim, p.get("fraction", 0.5), p.get("width", 0.1))
        if k == "power-law":
            return power_law(dim, p.get("L", 1.0), p.get("exponent", 1.0))
        return marchenko_pastur(dim, p["ratio"], p.get("sampling", "quantile"), seed)

    @property
    def is_marchenko_pastur(self) -> bool:
        return self.kind == "marchenko-pastur"

    def __str__(self) -> str:
        if self.kind == "eigenvalues":
            return "eigenvalues:" + ",".join(f"{x:g}" for x in self.values)
        return self.kind + ":" + ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                           for k, v in self.params.items())


class _keys_of:
    r"""Re-raise a ParameterError about a key inside a SPEC string (``ratio``, ``mu``, ...) as one about
    ``spectrum``: those keys are not flags of any command, so the message must not name them as ``--ratio``."""

    def __init__(self, kind: str):
        self.kind = kind

    def __enter__(self):
        return self

    def __exit__(self, typ, exc, tb):
        if isinstance(exc, v.ParameterError) and exc.name in SPEC_KEYS:
            raise v.ParameterError("spectrum", f"a {self.kind} spectrum with {exc.name} {exc.valid}",
                                   f"{exc.name}={exc.got!r}" if not isinstance(exc.got, str) else
                                   f"{exc.name}={exc.got}") from None
        return False


#: kind -> (required keys, optional keys)
SPEC_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("mu", "L"), ()),
    "geometric": (("mu", "L"), ()),
    "random-uniform": (("mu", "L"), ()),
    "two-clusters": (("mu", "L"), ("fraction", "width")),
    "power-law": ((), ("L", "exponent")),
    "marchenko-pastur": (("ratio",), ("sampling",)),
    "eigenvalues": ((), ()),
}
SPEC_KEYS = frozenset(k for req, opt in SPEC_KINDS.values() for k in req + opt)


def parse(text: str) -> SpectrumSpec:
    r"""Parse a SPEC string: ``uniform:mu=1,L=100``, ``geometric:mu=1,L=1e4``, ``random-uniform:mu=1,L=10``,
    ``two-clusters:mu=1,L=100,fraction=0.5,width=0.1``, ``power-law:L=1,exponent=1``,
    ``marchenko-pastur:ratio=0.5[,sampling=quantile|random|matrix]`` or ``eigenvalues:2,20``.

    Unknown kinds, unknown, missing or repeated keys, empty items and bad numbers raise ParameterError
    (parameter ``spectrum``).
    """
    if not isinstance(text, str) or ":" not in text:
        raise v.ParameterError("spectrum", f"KIND:KEY=VALUE,... with KIND one of {', '.join(SPEC_KINDS)}", text)
    kind, _, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in SPEC_KINDS:
        raise v.ParameterError("spectrum", f"a spectrum kind among {', '.join(SPEC_KINDS)}", kind)
    items = [t.strip() for t in rest.split(",")]
    if items == [""]:
        items = []
    if "" in items:
        raise v.ParameterError("spectrum", f"a comma-separated list without empty items after {kind}:", text)
    if kind == "eigenvalues":
        try:
            values = tuple(float(t) for t in items)
        except ValueError:
            raise v.ParameterError("spectrum", "eigenvalues:V1,V2,... with numbers > 0", text) from None
        try:
            explicit(values)
        except v.ParameterError as exc:
            raise v.ParameterError("spectrum", f"eigenvalues:V1,V2,... with at least one value, each a finite number > 0 "
                                   f"(got {exc.got!r})", text) from None
        return SpectrumSpec(kind, {}, values)
    required, optional = SPEC_KINDS[kind]
    params: dict = {}
    for item in items:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq:
            raise v.ParameterError("spectrum", f"KEY=VALUE items for {kind}", item)
        if key not in required + optional:
            raise v.ParameterError("spectrum", f"keys among {', '.join(required + optional)} for {kind}", key)
        if key in params:
            raise v.ParameterError("spectrum", f"KEY=VALUE items with each key at most once (duplicate {key})", text)
        if key == "sampling":
            if value not in ("quantile", "random", "matrix"):
                raise v.ParameterError("spectrum", "sampling=quantile, random or matrix", value)
            params[key] = value
        else:
            try:
                params[key] = v.finite(key, value)
            except v.ParameterError:
                raise v.ParameterError("spectrum", f"a finite number for {key}", value) from None
    missing = [k for k in required if k not in params]
    if missing:
        raise v.ParameterError("spectrum", f"{kind} with keys {', '.join(required)} (missing {missing[0]})", text)
    with _keys_of(kind):  # validate the keys now (not only when the spectrum is drawn)
        if kind == "marchenko-pastur":
            _mp_ratio(params["ratio"])
        elif kind in ("uniform", "geometric", "random-uniform", "two-clusters"):
            v.interval(params["mu"], params["L"])
        if kind == "two-clusters":
            v.in_range("fraction", params.get("fraction", 0.5), 0.0, 1.0, lo_open=True, hi_open=True)
            v.in_range("width", params.get("width", 0.1), 0.0, 1.0, lo_open=True, hi_open=True)
        if kind == "power-law":
            v.positive("L", params.get("L", 1.0))
            v.positive("exponent", params.get("exponent", 1.0))
    return SpectrumSpec(kind, params)
