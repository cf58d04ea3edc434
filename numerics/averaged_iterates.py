r"""Averaged iterates as method values: the Polyak–Ruppert average and an exponential moving average.

Both wrap an inner method value; the wrapper's iterate ``x`` is the *average* (what is reported and measured),
the inner method's own iterate runs as the state array ``iterate`` and its gradient is taken where the inner
method takes it.

* :func:`polyak_ruppert` — :math:`\bar x_t = \frac1t\sum_{s=1}^t x_s`, written recursively
  :math:`\bar x_t = \bar x_{t-1} + w_t (x_t - \bar x_{t-1})` with the per-step scalar :math:`w_t = 1/t`
  (Polyak & Juditsky, SIAM J. Control Optim. 30(4), 1992; Ruppert 1988);
* :func:`ema` — :math:`z_t = \beta z_{t-1} + (1 - \beta) x_t`, :math:`z_0 = x_0`, parameter ``ema_beta`` in [0, 1)
  (the form of optax's ``ema`` and of torch's ``AveragedModel`` with an EMA ``avg_fn``).

These are the averages the noisy-quadratic topic measures; they are method values like any other, so theory/
derives their moments from the same value.
"""
from __future__ import annotations

from . import validation as v
from .protocol import Method, Param, StateArray

__all__ = ["polyak_ruppert", "ema"]


def _inner_view(inner: Method, s):
    names = inner.state_names
    view = {"x": s.iterate}
    view.update({n: s[n] for n in names[1:]})
    return type(s)(view)


def _check(inner: Method, extra_param: str | None, extra_scalar: str | None):
    if "iterate" in inner.state_names or (extra_param and extra_param in inner.param_names) or \
            (extra_scalar and extra_scalar in inner.scalar_names):
        raise v.ParameterError("inner", "a method without a state 'iterate' (and without the averaging's own names)",
                               inner.key)


def _wrap(inner: Method, name: str, params, scalars, scalar_names, average, formula, source) -> Method:
    names = inner.state_names

    def point(s, p, t):
        return inner.gradient_point(_inner_view(inner, s), p, t)

    def update(s, g, p, t):
        new = inner.update(_inner_view(inner, s), g, p, t)
        out = {"x": average(s.x, new["x"], p), "iterate": new["x"]}
        out.update({n: new[n] for n in names[1:]})
        return out

    return Method(
        method=name, name=inner.key, params=(*inner.params, *params),
        state=(StateArray("x", "x"), StateArray("iterate", inner.state[0].init), *inner.state[1:]),
        update=update, gradient_point=point, scalars=scalars, scalar_names=scalar_names,
        period=getattr(inner, "period", 1), formula=formula, source=source)


def polyak_ruppert(inner: Method) -> Method:
    r"""The Polyak–Ruppert average of ``inner``'s iterates (see the module docstring)."""
    _check(inner, None, "avg_w")

    def scalars(p, t):
        out = dict(inner.scalars(p, t)) if inner.scalars is not None else {}
        out["avg_w"] = 1.0 / t
        return out

    return _wrap(inner, "polyak-ruppert", (), scalars, (*inner.scalar_names, "avg_w"),
                 lambda avg, x, p: avg + p.avg_w * (x - avg),
                 r"\bar x_t = \bar x_{t-1} + \tfrac1t (x_t - \bar x_{t-1})",
                 "Polyak & Juditsky (1992), SIAM J. Control Optim. 30(4)")


def ema(inner: Method) -> Method:
    r"""The exponential moving average of ``inner``'s iterates, :math:`z_t = \beta z_{t-1} + (1-\beta)x_t`."""
    _check(inner, "ema_beta", None)
    return _wrap(inner, "ema-average", (Param("ema_beta", 0.0, 1.0, False, True, doc="EMA decay beta"),),
                 inner.scalars, inner.scalar_names,
                 lambda avg, x, p: p.ema_beta * avg + (1 - p.ema_beta) * x,
                 r"z_t = \beta z_{t-1} + (1 - \beta) x_t", "")
