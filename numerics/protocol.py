r"""The method protocol: a first-order method as a small value (optax-style, no class hierarchy).

A :class:`Method` is

* ``method`` and ``name`` — the method it implements (``"heavy-ball"``) and the name of this
  way of writing it (its *form*: ``"polyak"``, ``"ema"``, ...);
* ``params`` — :class:`Param` values: name, valid range, optional default;
* ``state`` — named state arrays (:class:`StateArray`, any number, the iterate ``x`` first), each
  with its initialisation: ``"zeros"``, ``"x"`` (a copy of x0) or a float constant;
* ``gradient_point(state, params, t)`` — where the gradient is evaluated (default: ``state.x``);
* ``update(state, g, params, t)`` — the new state (a mapping name -> value), given the gradient
  ``g`` at that point and the step counter ``t = 1, 2, ...`` (the step being taken, as PyTorch's
  ``state["step"]`` after its increment);
* ``period`` — for a method whose update depends on ``t`` periodically ("every k steps"), k;
* ``scalars(params, t)`` — optional per-step scalars (a schedule :math:`\eta_t`, Adam's
  :math:`1-\beta_1^t`), evaluated once per step *outside* the element loop and visible to
  ``gradient_point`` and ``update`` as extra entries of ``params``.

``gradient_point``, ``update`` and ``scalars`` are pure arithmetic over array-likes: ``+ - * /``,
powers, unary minus, comparisons inside :func:`numerics.arithmetic.where`, and the primitives of
:mod:`numerics.arithmetic` (sqrt, absolute, sign, minimum, maximum, where); no branches on values.
So one definition runs on NumPy arrays (:class:`Rule`, the reference path), is traced into the numba
and CUDA kernels (:mod:`numerics.kernels`), and is traced with SymPy symbols by theory/'s engine
(:mod:`theory.linear_engine`, handed the callables by proofs/).

``state`` and ``params`` reach the functions as :class:`Values`: a read-only mapping that also
allows attribute access (``s.x``, ``p.alpha``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from . import validation as v

__all__ = ["Param", "StateArray", "Method", "Rule", "Values", "at_iterate", "PairView", "pair_view"]


class Values(dict):
    """A name -> value mapping with attribute access (``p.alpha`` is ``p["alpha"]``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no value named {name!r} (have: {', '.join(self)})") from None


@dataclass(frozen=True)
class Param:
    r"""A method parameter: its name, valid range ``lo .. hi`` (open or closed ends) and an optional default."""

    name: str
    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = True
    hi_open: bool = True
    default: float | None = None
    doc: str = ""

    def check(self, value: Any) -> float:
        """``value`` as a float inside the range, else ParameterError naming the parameter and range."""
        if math.isinf(self.lo) and math.isinf(self.hi):
            return v.finite(self.name, value)
        return v.in_range(self.name, value, self.lo, self.hi, lo_open=self.lo_open, hi_open=self.hi_open)

    @property
    def range_text(self) -> str:
        """The range as an interval, e.g. ``(0, inf)`` or ``[0, 1)``."""
        return f"{'(' if self.lo_open else '['}{self.lo:g}, {self.hi:g}{')' if self.hi_open else ']'}"


@dataclass(frozen=True)
class StateArray:
    """A named state array and its initialisation: ``"zeros"``, ``"x"`` (copy of x0) or a float constant."""

    name: str
    init: str | float = "zeros"


def at_iterate(state, params, t):
    """The default gradient point: the iterate itself."""
    return state.x


@dataclass(frozen=True)
class Method:
    """A first-order method as a value (see the module docstring)."""

    method: str
    name: str
    params: tuple[Param, ...]
    state: tuple[StateArray, ...]
    update: Callable
    gradient_point: Callable = at_iterate
    scalars: Callable | None = None
    formula: str = ""
    source: str = ""
    #: names of the per-step scalars ``scalars`` returns (in order), for the kernels' per-step table
    scalar_names: tuple[str, ...] = field(default=())
    #: steps after which the update repeats (theory derives the product of the iteration matrices over one period)
    period: int = 1

    def __post_init__(self):
        names = [s.name for s in self.state]
        if not names or names[0] != "x":
            raise v.ParameterError("state", "a tuple of StateArray whose first entry is the iterate 'x'", names)
        if len(set(names)) != len(names):
            raise v.ParameterError("state", "state arrays with distinct names", names)
        pnames = [p.name for p in self.params]
        if len(set(pnames)) != len(pnames):
            raise v.ParameterError("params", "parameters with distinct names", pnames)
        for s in self.state:
            if not (s.init in ("zeros", "x") or (isinstance(s.init, (int, float)) and not isinstance(s.init, bool)
                                                  and math.isfinite(s.init))):
                raise v.ParameterError("state", "initialisations 'zeros', 'x' or a finite number", s.init)
        if self.scalars is not None and not self.scalar_names:
            raise v.ParameterError("scalar_names", "the names of the per-step scalars (scalars is given)", ())

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.state)

    @property
    def key(self) -> str:
        return self.method if self.method == self.name else f"{self.method}/{self.name}"

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def validate(self, values: Mapping[str, float]) -> tuple[float, ...]:
        """Parameter values in declaration order, defaults filled in; ParameterError on a bad or missing one."""
        unknown = [k for k in values if k not in self.param_names]
        if unknown:
            raise v.ParameterError(
                unknown[0], f"left out: {self.method} form {self.name!r} takes only {', '.join(self.param_names)}",
                values[unknown[0]])
        out = []
        for p in self.params:
            if p.name in values:
                out.append(p.check(values[p.name]))
            elif p.default is not None:
                out.append(p.check(p.default))
            else:
                raise v.ParameterError(p.name, f"given for {self.method} form {self.name!r}", None)
        return tuple(out)

    def step_params(self, p: Mapping[str, Any], t) -> Values:
        """``params`` with this step's scalars added (what gradient_point and update see)."""
        out = Values(p)
        if self.scalars is not None:
            extra = dict(self.scalars(Values(p), t))
            if tuple(extra) != self.scalar_names:
                raise v.ParameterError("scalars", f"a mapping with the keys {self.scalar_names}", tuple(extra))
            out.update(extra)
        return out

    def step(self, state: Mapping[str, Any], grad: Callable, p: Mapping[str, Any], t) -> Values:
        """One step on any kind of value: gradient at the gradient point, then the update."""
        sp = self.step_params(p, t)
        st = Values(state)
        g = grad(self.gradient_point(st, sp, t))
        new = self.update(st, g, sp, t)
        if set(new) != set(self.state_names):
            raise v.ParameterError("update", f"a mapping with the state names {', '.join(self.state_names)}",
                                   tuple(new))
        return Values((k, new[k]) for k in self.state_names)


@dataclass(frozen=True)
class Rule:
    """A :class:`Method` with parameter values: what a simulation runs (``form`` is the method value)."""

    form: Method
    p: tuple[float, ...]

    @property
    def method(self) -> str:
        return self.form.method

    @property
    def params(self) -> dict[str, float]:
        return dict(zip(self.form.param_names, self.p))

    def init(self, x0) -> tuple:
        """Initial state arrays in declaration order (``x`` first); arrays are copies."""
        xp = _array_module(x0)
        out = []
        for s in self.form.state:
            if s.init == "x":
                out.append(x0.copy())
            elif s.init == "zeros":
                out.append(xp.zeros_like(x0))
            else:
                out.append(xp.full_like(x0, float(s.init)))
        return tuple(out)

    def step(self, state: tuple, grad: Callable, t: int = 1) -> tuple:
        """One step ``t`` (1, 2, ...) from the state tuple; returns the new state tuple."""
        new = self.form.step(dict(zip(self.form.state_names, state)), grad, self.params, t)
        return tuple(new.values())


def _array_module(a):
    if type(a).__module__.split(".")[0] == "cupy":  # pragma: no cover - GPU only
        import cupy

        return cupy
    import numpy

    return numpy


@dataclass(frozen=True)
class PairView:
    r"""A method with at most one auxiliary array, seen as functions of the pair :math:`(x, s)` with positional
    parameters ``p = (p_0, p_1, ...)`` in :attr:`Method.param_names` order (the view the performance-estimation
    and IQC code traces: :mod:`numerics.pep`, :mod:`numerics.iqc`, ``theory.pep.trace``):

    * ``lookahead(x, s, p)`` — the gradient point;
    * ``update(x, s, g, p)`` — the new ``(x, s)``;
    * ``aux_init`` — ``"copy"`` (s₀ = x₀) or ``"zero"``.

    Built by :func:`pair_view`; the step counter is fixed at t = 1 (time-invariant methods only).
    """

    lookahead: Callable
    update: Callable
    aux_init: str


def pair_view(m: Method) -> PairView:
    """The :class:`PairView` of ``m``; a ParameterError when ``m`` has more than one auxiliary array, a constant
    initialisation, per-step scalars or a period (those have no (x, s) form with fixed parameters)."""
    names = m.state_names
    if len(names) > 2 or m.scalars is not None or getattr(m, "period", 1) not in (None, 1):
        raise v.ParameterError("method", "a time-invariant method with at most one auxiliary state array "
                               "for the (x, s) view", m.key)
    aux = names[1] if len(names) == 2 else None
    init = m.state[1].init if aux else "zeros"
    if init not in ("x", "zeros"):
        raise v.ParameterError("method", "an auxiliary array initialised to zeros or a copy of x", m.key)

    def _params(p):
        return Values(zip(m.param_names, p))

    def _state(x, s):
        return Values({"x": x, aux: s}) if aux else Values({"x": x})

    def lookahead(x, s, p):
        return m.gradient_point(_state(x, s), _params(p), 1)

    def update(x, s, g, p):
        new = m.update(_state(x, s), g, _params(p), 1)
        return new["x"], (new[aux] if aux else s)

    return PairView(lookahead, update, "copy" if init == "x" else "zero")
