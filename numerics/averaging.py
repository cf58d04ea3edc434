r"""Iterate averaging as an output filter on any method: the Polyak–Ruppert running mean and the EMA.

The filter reads the iterates :math:`x_1, x_2, \dots` that a method produces and never feeds back into it.

* **Polyak–Ruppert** (Polyak & Juditsky 1992; note 000 §4): :math:`\bar x_t = \frac1t\sum_{s=1}^t x_s`,
  the iterates *after* the start (x₀ excluded, as the note's :math:`\bar\theta_T = \frac1T\sum_{t=1}^T
  \theta_t` and torch's ``AveragedModel`` when ``update_parameters`` is called after every optimizer step:
  its first call copies the parameters, ``torch/optim/swa_utils.py`` l. 310–316, later calls
  :math:`\bar x \leftarrow \bar x + (x - \bar x)/(n+1)`, ``get_swa_avg_fn`` l. 153).  With
  ``include_x0=True``: :math:`\frac1{t+1}\sum_{s=0}^t x_s`.
* **EMA** :math:`\bar x_t = \alpha\bar x_{t-1} + (1-\alpha)x_t`, with three starts that differ:

  - ``start="first"`` — :math:`\bar x_1 = x_1`: torch's ``AveragedModel(model,
    multi_avg_fn=get_ema_multi_avg_fn(alpha))`` updated after every step (first call copies, l. 310–316;
    then ``torch._foreach_lerp_(ema, current, 1 - decay)``, l. 77);
  - ``start="x0"`` — :math:`\bar x_0 = x_0`: note 000's ``EMA`` class, which clones the parameters when it is
    built, before training;
  - ``start="zero"`` — :math:`\bar x_0 = 0`: ``optax.ema(decay, debias=...)``
    (``optax/transforms/_accumulation.py`` l. 89: the accumulator starts at zeros, l. 115–119); it is biased
    toward 0 by the factor :math:`1-\alpha^t` (for a constant input :math:`\bar x_t = (1-\alpha^t)x`), and
    ``debias=True`` (optax's default) divides by it (``optax/tree_utils/_tree_math.py`` l. 442).

:func:`average_iterates` filters a recorded sequence (NumPy); :func:`averaged_output` builds a method value whose
iterate ``x`` *is* the average (the method's own iterate moves to a state array ``fast``), so the fused kernels
and the NumPy path record the averaged iterate's error without any new code.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation as v
from .protocol import Method, StateArray, Values

__all__ = ["Average", "parse_average", "average_iterates", "averaged_output", "STARTS"]

STARTS = ("first", "x0", "zero")


@dataclass(frozen=True)
class Average:
    r"""An averaging filter: ``kind`` "polyak" or "ema"; for the EMA ``alpha`` in [0, 1), ``start`` and ``debias``."""

    kind: str
    alpha: float | None = None
    start: str = "first"
    debias: bool = False
    include_x0: bool = False

    def __post_init__(self):
        if self.kind not in ("polyak", "ema"):
            raise v.ParameterError("average", "polyak or ema:alpha=A", self.kind)
        if self.kind == "ema":
            try:  # named after the option that carries it (--average ema:alpha=A), not a method parameter
                v.in_range("alpha", self.alpha, 0.0, 1.0, lo_open=False, hi_open=True)
            except v.ParameterError:
                raise v.ParameterError("average", "ema:alpha=A with A a number in [0, 1)", self.alpha) from None
            if self.start not in STARTS:
                raise v.ParameterError("average", f"an EMA start among {', '.join(STARTS)}", self.start)
            if self.debias and self.start != "zero":
                raise v.ParameterError("average", "debias only with start=zero (optax's convention)", self.start)

    @property
    def spec(self) -> str:
        if self.kind == "polyak":
            return "polyak" + (":include_x0=1" if self.include_x0 else "")
        extra = "" if self.start == "first" else f",start={self.start}"
        return f"ema:alpha={self.alpha!r}{extra}" + (",debias=1" if self.debias else "")


def parse_average(spec: str) -> Average:
    r"""``polyak[:include_x0=1]`` or ``ema:alpha=A[,start=first|x0|zero][,debias=1]``; ParameterError otherwise."""
    if not isinstance(spec, str):
        raise v.ParameterError("average", "polyak or ema:alpha=A", spec)
    name, _, rest = spec.strip().partition(":")
    items = {}
    for item in [s.strip() for s in rest.split(",") if s.strip()] if rest else []:
        k, eq, val = item.partition("=")
        if not eq or k in items:
            raise v.ParameterError("average", "k=v items, each once (polyak[:include_x0=1] or ema:alpha=A[,start=...])",
                                   item)
        items[k] = val
    if name == "polyak":
        if set(items) - {"include_x0"}:
            raise v.ParameterError("average", "polyak takes only include_x0=0|1", ",".join(items))
        return Average("polyak", include_x0=_flag(items.get("include_x0", "0")))
    if name == "ema":
        if "alpha" not in items or set(items) - {"alpha", "start", "debias"}:
            raise v.ParameterError("average", "ema:alpha=A[,start=first|x0|zero][,debias=1] with A in [0, 1)", spec)
        try:
            alpha = float(items["alpha"])
        except ValueError:
            raise v.ParameterError("average", "ema:alpha=A with A a number in [0, 1)", items["alpha"]) from None
        return Average("ema", alpha=alpha, start=items.get("start", "first"), debias=_flag(items.get("debias", "0")))
    raise v.ParameterError("average", "polyak or ema:alpha=A", name)


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise v.ParameterError("average", "a flag 0 or 1", text)
    return text == "1"


def average_iterates(xs: np.ndarray, avg: Average) -> np.ndarray:
    r"""The averaged iterates :math:`\bar x_0, \dots, \bar x_T` of ``xs`` = :math:`x_0, \dots, x_T` (rows).

    Row 0 is the filter before it has seen an iterate after the start: :math:`x_0` for Polyak and for the
    ``first``/``x0`` EMA starts, 0 for the ``zero`` start (and :math:`x_0` when debiased: nothing to divide).
    """
    xs = np.asarray(xs, dtype=np.float64)
    out = np.empty_like(xs)
    if avg.kind == "polyak":
        out[0] = xs[0]
        acc = xs[0].copy() if avg.include_x0 else np.zeros_like(xs[0])
        for t in range(1, xs.shape[0]):
            acc = acc + xs[t]
            out[t] = acc / (t + 1 if avg.include_x0 else t)
        return out
    a = avg.alpha
    m = np.zeros_like(xs[0]) if avg.start == "zero" else xs[0].copy()
    out[0] = xs[0] if avg.debias else m
    for t in range(1, xs.shape[0]):
        m = xs[t].copy() if (avg.start == "first" and t == 1) else a * m + (1 - a) * xs[t]
        out[t] = m / (1 - a**t) if avg.debias else m
    return out


def averaged_output(inner: Method, avg: Average) -> Method:
    r"""A method value whose iterate ``x`` is the average of ``inner``'s iterates (see the module docstring).

    State: ``x`` (the average, initialised to x0; for ``start="zero"`` it still starts at x0 in the state and the
    first step sets it from a zero accumulator), then ``fast`` (the inner iterate) and the inner's other arrays.
    The weight of the new iterate is a per-step scalar ``avg_w``: :math:`1/t` (Polyak), :math:`1/(t+1)` (Polyak
    with x0), :math:`1 - \alpha` (EMA; 1 at t = 1 for the ``first`` start); the ``zero`` start keeps the raw
    accumulator in ``acc`` and outputs ``acc / (1 - alpha^t)`` when debiased.
    """
    names = inner.state_names
    for n in ("fast", "acc"):
        if n in names:
            raise v.ParameterError("inner", f"a method without a state array named {n!r}", inner.key)
    if "avg_w" in inner.scalar_names or "avg_div" in inner.scalar_names:
        raise v.ParameterError("inner", "a method without scalars avg_w / avg_div", inner.key)
    zero = avg.kind == "ema" and avg.start == "zero"

    def weight(t):
        if avg.kind == "polyak":
            return 1.0 / (t + 1) if avg.include_x0 else 1.0 / t
        if avg.start == "first" and t == 1:
            return 1.0
        return 1.0 - avg.alpha

    def scalars(p, t):
        out = dict(inner.scalars(p, t)) if inner.scalars is not None else {}
        out["avg_w"] = weight(t)
        if zero:
            out["avg_div"] = 1.0 / (1.0 - avg.alpha ** t) if avg.debias else 1.0
        return out

    def view(s):
        w = Values(s)
        w["x"] = s["fast"]
        for extra in ("fast", "acc"):
            w.pop(extra, None)
        return Values((n, w[n]) for n in names)

    def point(s, p, t):
        return inner.gradient_point(view(s), p, t)

    def update(s, g, p, t):
        new = inner.update(view(s), g, p, t)
        x_new = new["x"]
        out = {}
        if zero:
            acc = s.acc + p.avg_w * (x_new - s.acc)
            out["x"] = acc * p.avg_div
            out["acc"] = acc
        else:
            out["x"] = s.x + p.avg_w * (x_new - s.x)
        out["fast"] = x_new
        for n in names[1:]:
            out[n] = new[n]
        return out

    state = (StateArray("x", "x"), StateArray("fast", "x"), *inner.state[1:]) + ((StateArray("acc", "zeros"),)
                                                                                 if zero else ())
    return Method(method=inner.method, name=f"{inner.name}/average={avg.spec}", params=inner.params, state=state,
                  update=update, gradient_point=point, scalars=scalars,
                  scalar_names=(*inner.scalar_names, "avg_w") + (("avg_div",) if zero else ()),
                  formula=inner.formula, source=inner.source, period=getattr(inner, "period", 1))

