"""The method options shared by ``ratecheck rate`` and ``simulate``: the parameter flags with ``--params``, and
``--tuning`` (``optimal``, ``standard`` or ``robust:margin=M``).

(``--form ?`` is answered by :func:`reports.commands.methods.print_forms`.)"""
from __future__ import annotations

import argparse

__all__ = ["PARAMS", "tuning_argument", "given_params", "classic_form", "tuned_params"]

#: the method parameters that have a flag of their own (--eta, --alpha, --beta, --gamma); any other goes in --params
PARAMS = ("eta", "alpha", "beta", "gamma")


def tuning_argument(text: str) -> str:
    """``--tuning``: optimal, standard, or robust:margin=M (optimal for [mu, (1+M) L]; 0 <= M <= 100)."""
    from ratecheck.numerics.validation import ParameterError
    from ratecheck.proofs.stability import parse_tuning

    if text in ("optimal", "standard"):
        return text
    try:
        name, _ = parse_tuning(text)
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if name != "robust":
        raise argparse.ArgumentTypeError(f"expected optimal, standard or robust:margin=M, got {text!r}")
    return text


def given_params(args) -> dict:
    """The parameters given on the command line: the flags of :data:`PARAMS` and ``--params``; a usage error for a
    name given both ways, or for parameters together with ``--tuning``."""
    from .args import UsageError

    params = {k: getattr(args, k) for k in PARAMS if getattr(args, k) is not None}
    for k, x in (args.params or {}).items():
        if k in params:
            raise UsageError(f"parameter {k} given both as --{k} and in --params")
        params[k] = x
    if params and args.tuning:
        raise UsageError("give either --tuning or the method's parameters, not both")
    return params


def classic_form(method: str, form: str):
    """The classic built-in form (published tunings, derived rate: proofs.methods), else None."""
    from ratecheck import numerics
    from ratecheck.proofs.methods import canonical_form

    m = numerics.form(method, form)
    return m if canonical_form(m) is not None else None


def tuned_params(args, form, fspec, params: dict, mu: float, L: float) -> dict:
    """``params``, or the ``--tuning`` (default optimal) of the classic form ``fspec`` for [mu, L] when none are given
    and the form has no defaults for all of them; a usage error when a tuning is needed and none is known."""
    if params or (fspec is None and not args.tuning and all(q.default is not None for q in form.params)):
        return params
    from .args import UsageError

    if fspec is None:
        raise UsageError(f"no tunings known for {args.method} form {form.name!r}: give its parameters")
    from ratecheck.proofs.methods import tuned

    return tuned(fspec, args.tuning or "optimal", mu, L)
