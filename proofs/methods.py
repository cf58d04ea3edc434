r"""The join between theory/ and numerics/ for each (method, form).

A :class:`FormSpec` says, for one way of writing one method, how to get

* ``rate(params, mu, L)`` — the theoretical spectral radius over eig(A) ⊂ [mu, L], from the
  closed forms derived in theory/ and evaluated in 50-digit arithmetic;
* ``tuned(tuning, mu, L)`` — that form's parameters under a named tuning
  (``"optimal"``, ``"standard"``), from the derived formulas.

The numeric side is :func:`numerics.rule` with the same ``(method, form, params)``.
Specs register themselves in the modules under :mod:`proofs.specs` (loaded on first use).

A FormSpec is optional: it holds the *textbook* closed forms (theory/gd.py, heavy_ball.py,
nesterov.py, conventions.py) for the built-in forms.  Every method value — built-in or a user's —
also gets its theory from the generic engine through :func:`engine_model`, :func:`engine_worst_case`
and :func:`engine_tuning`: proofs/ hands numerics' method value to
:mod:`theory.linear_engine`, so neither layer imports the other.
"""
from __future__ import annotations

import importlib
from functools import cache
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ratecheck.numerics.validation import ParameterError

__all__ = ["FormSpec", "register", "spec", "specs", "SPEC_MODULES"]

SPEC_MODULES = ("gd", "momentum", "conventions")


@dataclass(frozen=True)
class FormSpec:
    method: str
    form: str
    params: tuple[str, ...]
    rate: Callable[[Mapping[str, float], float, float], float]
    tunings: Mapping[str, Callable[[float, float], dict[str, float]]] = field(default_factory=dict)
    equivalent_to: str | None = None  # canonical form name when the form is the same method
    note: str = ""

    def tuned(self, tuning: str, mu: float, L: float) -> dict[str, float]:
        if tuning not in self.tunings:
            valid = ", ".join(self.tunings) or "none"
            raise ParameterError("tuning", f"one of {valid} for {self.method} form {self.form!r}", tuning)
        return self.tunings[tuning](mu, L)


_SPECS: dict[tuple[str, str], FormSpec] = {}
_loaded = False


def register(s: FormSpec) -> FormSpec:
    key = (s.method, s.form)
    if key in _SPECS:
        raise ValueError(f"form spec {key} registered twice")
    _SPECS[key] = s
    return s


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for m in SPEC_MODULES:
            importlib.import_module(f"ratecheck.proofs.specs.{m}")


def specs(method: str | None = None) -> list[FormSpec]:
    _load()
    return [s for (m, _), s in _SPECS.items() if method is None or m == method]


def spec(method: str, form: str) -> FormSpec:
    for m in SPEC_MODULES:  # load only as far as needed: the convention forms derive their maps on import
        if (method, form) in _SPECS:
            break
        importlib.import_module(f"ratecheck.proofs.specs.{m}")
    try:
        return _SPECS[(method, form)]
    except KeyError:
        known = sorted({m for m, _ in _SPECS})
        if method not in known:
            raise ParameterError("method", f"one of {', '.join(known)}", method) from None
        valid = ", ".join(f for m, f in _SPECS if m == method)
        raise ParameterError("form", f"one of {valid} for {method}", form) from None


# ----------------------------------------------------------------------------- the generic engine, per method value
def ranges_of(m) -> dict[str, tuple[float, float, bool, bool]]:
    """``name -> (lo, hi, lo_open, hi_open)`` of a method value's parameters (what the engine's optimiser needs)."""
    return {p.name: (p.lo, p.hi, p.lo_open, p.hi_open) for p in m.params}


@cache
def engine_model(m):
    r"""theory's :func:`~theory.linear_engine.linear_model` of the method value ``m`` (built-in or user-defined).

    proofs/ hands numerics' method value to theory's engine: neither layer imports the other.
    Raises :class:`~theory.linear_engine.NotLinear` for a method without an iteration matrix.
    """
    from ratecheck.theory import linear_engine

    return linear_engine.linear_model(m, ranges_of(m))


def engine_worst_case(m, params: Mapping[str, float], mu: float, L: float):
    r"""Worst-case rate of ``m`` over eig(A) ⊂ [mu, L] from its derived characteristic polynomial (50 digits)."""
    from ratecheck.theory import linear_engine

    return linear_engine.worst_case(engine_model(m), params, mu, L)


@cache
def engine_tuning(m, mu: float, L: float):
    r"""Numerically optimal parameters of ``m`` for [mu, L] (:func:`~theory.linear_engine.optimal_tuning`)."""
    from ratecheck.theory import linear_engine

    return linear_engine.optimal_tuning(engine_model(m), mu, L, ranges_of(m))
