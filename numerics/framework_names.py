r"""Framework parameter names (``lr``, ``momentum``, ...) mapped onto a form's own names.

A user who checks ``torch.optim.SGD(lr=0.1, momentum=0.9)`` against ratecheck writes the same
numbers as ``params={"lr": 0.1, "momentum": 0.9}``.  :func:`canonical_params` renames them to the
form's parameters:

* the step size: ``lr`` (PyTorch, Keras) and ``learning_rate`` (optax, Keras) → the form's ``eta`` or
  ``alpha``;
* the momentum: ``momentum`` (PyTorch, Keras, optax.sgd) and ``decay`` (optax.trace) → the form's
  ``beta`` or ``gamma``.

For PyTorch's ``SGD(lr=η, momentum=β, dampening=0)`` this is exact: its update
``v ← βv + g, x ← x − ηv`` is the ``velocity`` form (torch/optim/sgd.py, ``_single_tensor_sgd``),
``nesterov=True`` the ``pytorch`` form, and optax.sgd (optax/_src/alias.py: ``trace(decay=momentum)``
then ``scale(-learning_rate)``) is the same pair.  Flags that change the method, not its names, are
checked rather than dropped silently: ``nesterov`` must agree with the method, ``dampening`` and
``weight_decay`` must be 0 (hints say which form or spectrum to use instead).  A name that is neither
the form's nor a framework's gets a hint naming the closest valid one.
"""
from __future__ import annotations

import difflib
from typing import Any, Mapping

from .methods import form as form_of
from .protocol import Method
from .validation import ParameterError

__all__ = ["canonical_params", "STEP_ALIASES", "MOMENTUM_ALIASES"]

STEP_ALIASES = ("lr", "learning_rate")
MOMENTUM_ALIASES = ("momentum", "decay")
_STEP_NAMES = ("eta", "alpha")
_MOMENTUM_NAMES = ("beta", "gamma")


def _one(names: tuple[str, ...], of: tuple[str, ...]) -> str | None:
    found = [n for n in of if n in names]
    return found[0] if len(found) == 1 else None


def canonical_params(method: str, form: str | None, params: Mapping[str, Any]) -> dict[str, Any]:
    r"""``params`` with framework names renamed to ``method``'s form ``form`` (its default form if None).

    Raises :class:`~numerics.validation.ParameterError` for a name the form does not take (with the
    closest valid name), a name given twice (``lr`` and ``eta``), or a flag that would change the
    method (``nesterov``, ``dampening``, ``weight_decay``).
    """
    f = method if isinstance(method, Method) else form_of(method, form)  # a user's method value too
    method = f.method
    own = f.param_names
    step, mom = _one(own, _STEP_NAMES), _one(own, _MOMENTUM_NAMES)
    aliases: dict[str, str] = {}
    if step:
        aliases.update({a: step for a in STEP_ALIASES})
    if mom:
        aliases.update({a: mom for a in MOMENTUM_ALIASES})
    mapping = ", ".join(f"{a} -> {c}" for a, c in aliases.items())
    takes = f"{method} form {f.name!r}, which takes {', '.join(own)}" + (f" (framework names: {mapping})" if mapping else "")
    out: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    for name, value in dict(params).items():
        if name == "nesterov":
            want = method == "nesterov"
            if bool(value) != want:
                hint = ("method='nesterov', form='pytorch' (torch.optim.SGD(nesterov=True), optax.sgd(nesterov=True))"
                        if value else "method='heavy-ball', form='velocity' (torch.optim.SGD(momentum=beta))")
                raise ParameterError("nesterov", f"{want} for {method}; for nesterov={bool(value)} use {hint}", value)
            continue
        if name in ("dampening", "weight_decay"):
            if value != 0:
                hint = ("dampening = momentum is the 'ema' form of heavy-ball" if name == "dampening" else
                        "weight decay w adds w to every eigenvalue: pass eigenvalues + w and weight_decay=0")
                raise ParameterError(name, f"0 here ({hint})", value)
            continue
        if name == "momentum" and value == 0 and not mom:
            continue  # SGD(momentum=0) is gradient descent
        target = name if name in own else aliases.get(name)
        if target is None:
            if name in MOMENTUM_ALIASES and not mom:
                hint = "gd has no momentum: torch.optim.SGD(momentum=beta) is method='heavy-ball', form='velocity'"
            elif name in _STEP_NAMES and step:
                hint = f"this form calls its step size {step!r}"  # eta for alpha: not a typo of beta
            elif name in _MOMENTUM_NAMES and mom:
                hint = f"this form calls its momentum {mom!r}"
            else:
                valid = [*own, *aliases]
                close = [n for n in valid if n.startswith(name) or name.startswith(n)] or \
                    difflib.get_close_matches(name, valid, n=1, cutoff=0.5)
                hint = f"did you mean {close[0]!r}?" if close else "no close match"
            raise ParameterError(name, f"a parameter of {takes}; {hint}", value)
        if target in out:
            raise ParameterError(name, f"given once: {given_as[target]!r} already sets {target} ({takes})", value)
        out[target], given_as[target] = value, name
    return out
