"""The ``--tuning`` argument of ``ratecheck rate``: ``optimal``, ``standard`` or ``robust:margin=M``.

(``--form ?`` is answered by :func:`reports.commands.methods.print_forms`.)"""
from __future__ import annotations

import argparse

__all__ = ["tuning_argument"]


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
