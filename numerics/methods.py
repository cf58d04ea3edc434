r"""The registry of built-in methods: one table, built from the method modules, no import side effects.

Every built-in method is a :class:`~numerics.protocol.Method` value defined in its own module
(:mod:`numerics.gradient_descent`, :mod:`numerics.momentum`, :mod:`numerics.conventions`,
:mod:`numerics.linear_family`, :mod:`numerics.adaptive`), which exports its values as ``METHODS``.
This module reads those tuples in the order of :data:`FAMILIES`; nothing registers itself on import,
and no module imports this one back.  A method's first form listed is its default form.

Each module belongs to one *family*, and a caller asks for the family it means:

* ``"classic"`` — gd, heavy-ball, nesterov: linear, time-invariant, with textbook derivations and
  published tunings for their canonical forms (proofs/textbook.py; every other form reaches them through
  the parameter map the engine finds) and average-case recurrences.  What the per-method topics,
  ``ratecheck rate`` tunings and the linear-engine tests iterate over: ``forms(family="classic")``.
* ``"linear"`` — triple-momentum (linear, time-invariant) and chebyshev (linear, time-varying:
  its coefficients depend on t): an iteration matrix per step, no closed forms on file.
* ``"adaptive"`` — Adam, AdamW, AMSGrad, RMSprop, Adagrad, AdaDelta: not linear (the update
  divides by a running root mean square of the gradient), so there is no iteration matrix.

A user-defined method (a :class:`~numerics.protocol.Method` in the user's own file) needs no
registration: :func:`rule_of` and every runner take the value itself.
"""
from __future__ import annotations

from typing import Mapping

from . import adaptive, conventions, gradient_descent, linear_family, momentum
from . import adaptive_forms
from . import validation as v
from .protocol import Method, Rule

__all__ = ["FAMILIES", "METHOD_MODULES", "ALL", "form", "forms", "methods", "rule", "rule_of", "canonical_forms",
           "family", "linearity", "GD"]

#: (family, modules holding its built-in methods), in listing order (a new module is one more entry here)
FAMILIES: tuple[tuple[str, tuple], ...] = (
    ("classic", (gradient_descent, momentum, conventions)),
    ("linear", (linear_family,)),
    ("adaptive", (adaptive, adaptive_forms)),
)

#: every module holding built-in methods, in listing order
METHOD_MODULES = tuple(module for _, modules in FAMILIES for module in modules)

ALL: tuple[Method, ...] = tuple(m for module in METHOD_MODULES for m in module.METHODS)

_FAMILY: dict[str, str] = {m.method: fam for fam, modules in FAMILIES for module in modules for m in module.METHODS}
_FAMILY_NAMES = tuple(fam for fam, _ in FAMILIES)

_BY_KEY: dict[tuple[str, str], Method] = {}
_DEFAULT_FORM: dict[str, str] = {}
for _m in ALL:
    if (_m.method, _m.name) in _BY_KEY:  # pragma: no cover - caught by the test suite
        raise ValueError(f"method {_m.method} form {_m.name} defined twice")
    _BY_KEY[(_m.method, _m.name)] = _m
    _DEFAULT_FORM.setdefault(_m.method, _m.name)
del _m

GD = gradient_descent.GD


def _check_family(name: str | None) -> None:
    if name is not None and name not in _FAMILY_NAMES:
        raise v.ParameterError("family", f"one of {', '.join(_FAMILY_NAMES)}", name)


def forms(method: str | None = None, *, family: str | None = None) -> list[Method]:
    """All built-in method values (every form), or those of ``method``, or those of ``family``
    (``"classic"``: the linear methods with closed forms — gd, heavy-ball, nesterov)."""
    _check_family(family)
    return [f for f in ALL if (method is None or f.method == method)
            and (family is None or _FAMILY[f.method] == family)]


def methods(family: str | None = None) -> list[str]:
    """Names of the built-in methods (all, or those of ``family``; ``"classic"``: gd, heavy-ball, nesterov)."""
    _check_family(family)
    return [m for m in _DEFAULT_FORM if family is None or _FAMILY[m] == family]


def canonical_forms(family: str | None = None) -> dict[str, str]:
    """Each built-in method's canonical (default) form: the first one its module lists
    (``family="classic"``: gd, polyak, lessard)."""
    return {m: _DEFAULT_FORM[m] for m in methods(family)}


def family(m: Method | str) -> str | None:
    """The family of a built-in method (``"classic"``, ``"linear"``, ``"adaptive"``), by name or value;
    None for a user method (a value that is not the registry's own, whatever its name)."""
    if isinstance(m, str):
        return _FAMILY.get(m)
    return _FAMILY.get(m.method) if _BY_KEY.get((m.method, m.name)) == m else None


def linearity(m: Method | str) -> str:
    """How a built-in method's update acts on the state: ``"linear"``, ``"linear, time-varying"``
    (coefficients depend on t: chebyshev) or ``"not linear"`` (adaptive: no iteration matrix);
    ``"unknown"`` for a user method (the linear engine decides)."""
    fam = family(m)
    if fam is None:
        return "unknown"
    if fam == "adaptive":
        return "not linear"
    value = m if isinstance(m, Method) else form(m)
    return "linear, time-varying" if fam == "linear" and value.scalars is not None else "linear"


def form(method: str, name: str | None = None) -> Method:
    """The built-in method value ``method`` written in form ``name`` (its default form when ``name`` is None)."""
    if method not in _DEFAULT_FORM:
        raise v.ParameterError("method", f"one of {', '.join(sorted(_DEFAULT_FORM))}", method)
    name = name or _DEFAULT_FORM[method]
    try:
        return _BY_KEY[(method, name)]
    except KeyError:
        valid = ", ".join(f.name for f in forms(method))
        raise v.ParameterError("form", f"one of {valid} for {method}", name) from None


def rule_of(m: Method, params: Mapping[str, float]) -> Rule:
    """A validated :class:`Rule` of the method value ``m`` (built-in or user-defined)."""
    if not isinstance(params, Mapping):
        raise v.ParameterError("params", f"a mapping of parameter names to numbers for {m.key} "
                               f"({', '.join(m.param_names)})", params)
    return Rule(m, m.validate(params))


def rule(method: str, params: Mapping[str, float], form_name: str | None = None) -> Rule:
    """A validated :class:`Rule` for built-in ``method`` in form ``form_name`` with ``params``."""
    return rule_of(form(method, form_name), params)
