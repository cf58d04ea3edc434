"""Method options of ``ratecheck rate``: ``--form ?`` (the forms of a method, their parameters, tunings and
update rules) and the ``--tuning`` argument (``optimal``, ``standard`` or ``robust:margin=M``)."""
from __future__ import annotations

import argparse

__all__ = ["form_listing", "tuning_argument"]


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


def form_listing(method: str) -> str:
    """Two lines per form of ``method``: name, parameters and tunings, then its update rule (default first)."""
    from ratecheck import numerics
    from ratecheck.numerics.framework_names import MOMENTUM_ALIASES, STEP_ALIASES
    from ratecheck.proofs.methods import spec

    default = numerics.form(method).name  # ParameterError naming the methods for an unknown one
    forms = sorted(numerics.methods.forms(method), key=lambda f: f.name != default)
    lines = [f"forms of {method} (--form NAME; framework names {'/'.join(STEP_ALIASES)} and "
             f"{'/'.join(MOMENTUM_ALIASES)} map to the step size and the momentum in the Python API):"]
    for f in forms:
        tunings = ", ".join(spec(method, f.name).tunings) or "none"
        mark = " (default)" if f.name == default else ""
        lines.append(f"  {f.name}{mark}: parameters {', '.join(f.params)}; tunings {tunings}")
        lines.append(f"      {f.formula}")
    return "\n".join(lines)
