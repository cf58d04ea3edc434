r"""The registry of built-in methods: one table, built from the method modules, no import side effects.

Every built-in method is a :class:`~numerics.protocol.Method` value defined in its own module
(:mod:`numerics.gradient_descent`, :mod:`numerics.momentum`, :mod:`numerics.conventions`), which
exports its values as ``METHODS``.  This module reads those tuples in the order of
:data:`METHOD_MODULES`; nothing registers itself on import, and no module imports this one back.
A method's first form listed is its default form.

A user-defined method (a :class:`~numerics.protocol.Method` in the user's own file) needs no
registration: :func:`rule_of` and every runner take the value itself.
"""
from __future__ import annotations

from typing import Mapping

from . import conventions, gradient_descent, momentum
from . import validation as v
from .protocol import Method, Rule

__all__ = ["METHOD_MODULES", "ALL", "form", "forms", "methods", "rule", "rule_of", "canonical_forms", "GD"]

#: modules holding built-in methods, in listing order (a new module is one more entry here)
METHOD_MODULES = (gradient_descent, momentum, conventions)

ALL: tuple[Method, ...] = tuple(m for module in METHOD_MODULES for m in module.METHODS)

_BY_KEY: dict[tuple[str, str], Method] = {}
_DEFAULT_FORM: dict[str, str] = {}
for _m in ALL:
    if (_m.method, _m.name) in _BY_KEY:  # pragma: no cover - caught by the test suite
        raise ValueError(f"method {_m.method} form {_m.name} defined twice")
    _BY_KEY[(_m.method, _m.name)] = _m
    _DEFAULT_FORM.setdefault(_m.method, _m.name)
del _m

GD = gradient_descent.GD


def forms(method: str | None = None) -> list[Method]:
    """All built-in method values (every form), or those of ``method``."""
    return [f for f in ALL if method is None or f.method == method]


def methods() -> list[str]:
    """Names of the built-in methods (gd, heavy-ball, nesterov)."""
    return list(_DEFAULT_FORM)


def canonical_forms() -> dict[str, str]:
    """Each built-in method's canonical (default) form: the first one its module lists (gd, polyak, lessard)."""
    return dict(_DEFAULT_FORM)


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
