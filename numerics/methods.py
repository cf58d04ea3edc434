r"""First-order methods as small values: a :class:`Form` (update rule in its own variables)
plus parameter values make a :class:`Rule`.

Every form keeps two arrays: the iterate ``x`` and one auxiliary array ``s`` (the
previous iterate or a velocity / momentum buffer, depending on the form).  A form is
two pure functions written once and used by every backend:

* ``lookahead(x, s, p)`` — the point where the method evaluates the gradient;
* ``update(x, s, g, p)`` — the new ``(x, s)`` given the gradient ``g`` at that point.

They use only arithmetic, so the same source runs on NumPy arrays (the reference
path in :mod:`numerics.simulate`), inside numba kernels and inside CuPy kernels.
This module never imports theory/: the update rules here are an independent
implementation of the methods whose rates theory/ derives.

Forms are registered with :func:`register`; look them up with :func:`form`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from . import validation as v

__all__ = ["Form", "Rule", "register", "form", "forms", "rule", "GD"]


@dataclass(frozen=True)
class Form:
    """An update rule written in its own variables.

    ``params`` names the parameters in the order the functions receive them in ``p``;
    ``aux_init`` is ``"zero"`` (s0 = 0, a velocity buffer) or ``"copy"`` (s0 = x0, the
    previous iterate); ``ranges`` maps a parameter to ``(lo, hi, lo_open, hi_open)``.
    """

    method: str
    name: str
    params: tuple[str, ...]
    lookahead: Callable
    update: Callable
    aux_init: str = "zero"
    ranges: Mapping[str, tuple[float, float, bool, bool]] = field(default_factory=dict)
    formula: str = ""
    source: str = ""

    def validate(self, values: Mapping[str, float]) -> tuple[float, ...]:
        unknown = [k for k in values if k not in self.params]
        if unknown:
            raise v.ParameterError(
                unknown[0], f"left out: {self.method} form {self.name!r} takes only {', '.join(self.params)}",
                values[unknown[0]])
        missing = [p for p in self.params if p not in values]
        if missing:
            raise v.ParameterError(missing[0], f"given for {self.method} form {self.name!r}", None)
        out = []
        for p in self.params:
            lo, hi, lo_open, hi_open = self.ranges.get(p, (float("-inf"), float("inf"), True, True))
            out.append(v.in_range(p, values[p], lo, hi, lo_open=lo_open, hi_open=hi_open)
                       if (lo, hi) != (float("-inf"), float("inf")) else v.finite(p, values[p]))
        return tuple(out)


@dataclass(frozen=True)
class Rule:
    """A form with parameter values: the method a simulation runs."""

    form: Form
    p: tuple[float, ...]

    @property
    def method(self) -> str:
        return self.form.method

    @property
    def params(self) -> dict[str, float]:
        return dict(zip(self.form.params, self.p))

    def init(self, x0):
        """Initial state ``(x0, s0)``; arrays are copied."""
        xp = _array_module(x0)
        return x0.copy(), (x0.copy() if self.form.aux_init == "copy" else xp.zeros_like(x0))

    def step(self, x, s, grad: Callable):
        """One iteration: gradient at the form's look-ahead point, then the form's update."""
        g = grad(self.form.lookahead(x, s, self.p))
        return self.form.update(x, s, g, self.p)


def _array_module(a):
    mod = type(a).__module__.split(".")[0]
    if mod == "cupy":  # pragma: no cover - GPU only
        import cupy

        return cupy
    import numpy

    return numpy


_FORMS: dict[tuple[str, str], Form] = {}
_DEFAULT_FORM: dict[str, str] = {}


def register(f: Form, *, default: bool = False) -> Form:
    """Add ``f`` to the registry (the first form of a method, or one with ``default=True``, is its default)."""
    key = (f.method, f.name)
    if key in _FORMS:
        raise ValueError(f"form {key} registered twice")
    _FORMS[key] = f
    if default or f.method not in _DEFAULT_FORM:
        _DEFAULT_FORM[f.method] = f.name
    return f


def forms(method: str | None = None) -> list[Form]:
    """All registered forms, or those of ``method``."""
    return [f for (m, _), f in _FORMS.items() if method is None or m == method]


def methods() -> list[str]:
    """Names of the methods with at least one registered form (gd, heavy-ball, nesterov)."""
    return list(_DEFAULT_FORM)


def form(method: str, name: str | None = None) -> Form:
    """The registered form ``name`` of ``method`` (its default form when ``name`` is None)."""
    if method not in _DEFAULT_FORM:
        raise v.ParameterError("method", f"one of {', '.join(sorted(_DEFAULT_FORM))}", method)
    name = name or _DEFAULT_FORM[method]
    try:
        return _FORMS[(method, name)]
    except KeyError:
        valid = ", ".join(f.name for f in forms(method))
        raise v.ParameterError("form", f"one of {valid} for {method}", name) from None


def rule(method: str, params: Mapping[str, float], form_name: str | None = None) -> Rule:
    """A validated :class:`Rule` for ``method`` in form ``form_name`` with ``params``."""
    f = form(method, form_name)
    if not isinstance(params, Mapping):
        raise v.ParameterError("params", f"a mapping of parameter names to numbers for {method} ({', '.join(f.params)})",
                               params)
    return Rule(f, f.validate(params))


# ----------------------------------------------------------------------------- gradient descent
def _gd_lookahead(x, s, p):
    return x


def _gd_update(x, s, g, p):
    return x - p[0] * g, s


GD = register(
    Form(
        method="gd",
        name="gd",
        params=("eta",),
        lookahead=_gd_lookahead,
        update=_gd_update,
        ranges={"eta": (0.0, float("inf"), True, True)},
        formula=r"x_{t+1} = x_t - \eta\,\nabla f(x_t)",
        source="Cauchy (1847); Nesterov, Lectures on Convex Optimization (2018), Sec. 2.1.5",
    )
)

# Momentum forms register themselves on import (kept in their own modules so that a new
# method is one new module).
from . import momentum as _momentum  # noqa: E402,F401
from . import conventions as _conventions  # noqa: E402,F401
