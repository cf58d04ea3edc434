"""Argument types shared by the subcommands: parse and validate, naming the flag on error.

Also :func:`json_text`, strict JSON (an undefined number is ``null``, never ``NaN``/``Infinity``);
files are written through :mod:`reports.outputs` (checked before the work, all or none).
"""
from __future__ import annotations

import argparse
import json
import math
from typing import Any


def shown(value: Any) -> str:
    """:func:`numerics.validation.shown`, imported on first use (building the parser imports no NumPy)."""
    from ratecheck.numerics.validation import shown as _shown
    return _shown(value)


class UsageError(Exception):
    """A usage error detected after parsing; printed as one line, exit 2."""


def _number(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {shown(text)}") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {shown(text)}")
    return x


def finite(text: str) -> float:
    return _number(text)


def positive(text: str) -> float:
    x = _number(text)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {shown(text)}")
    return x


def _integer(text: str, minimum: int, what: str) -> int:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {shown(text)}") from None
    if not math.isfinite(x) or x != int(x) or x < minimum:
        raise argparse.ArgumentTypeError(f"expected {what}, got {shown(text)}")
    # exact for integer literals beyond 2^53 too
    try:
        return int(text)
    except ValueError:
        return int(x)


def count(text: str) -> int:
    """An integer >= 1 (``1e6`` accepted)."""
    return _integer(text, 1, "a positive integer")


def steps(text: str) -> int:
    """Iterations of a rate measurement: an integer >= 2 (a rate needs two steps of the state norm)."""
    return _integer(text, 2, "an integer >= 2 (a rate needs at least two steps)")


def seed(text: str) -> int:
    """A random seed: an integer >= 0."""
    return _integer(text, 0, "an integer >= 0")


def in_range(lo: float, hi: float):
    """A finite number in [lo, hi]."""
    def parse(text: str) -> float:
        x = _number(text)
        if not lo <= x <= hi:
            raise argparse.ArgumentTypeError(f"must be a number in [{lo:g}, {hi:g}], got {shown(text)}")
        return x
    return parse


def eigenvalue_list(text: str) -> list[float]:
    parts = [p.strip() for p in text.split(",")]
    joined = next((p for p in parts if len(p.split()) > 1), None)
    if joined is not None:  # "1 2" is two numbers or a typo, never the number 12
        raise argparse.ArgumentTypeError(f"a space inside the item {joined!r} of {text!r}: separate eigenvalues with commas")
    if not any(parts):
        raise argparse.ArgumentTypeError("expected a non-empty comma-separated list of numbers > 0")
    out = []
    for i, p in enumerate(parts, 1):
        if not p:
            raise argparse.ArgumentTypeError(f"empty item {i} in {shown(text)}: expected a comma-separated list of numbers > 0")
        x = _number(p)
        if x <= 0:
            raise argparse.ArgumentTypeError(f"each eigenvalue must be > 0, got {shown(p)}")
        out.append(x)
    return out


def param_list(text: str) -> dict[str, float]:
    """``name=value,name=value`` -> {name: value} (finite numbers, each name once)."""
    out: dict[str, float] = {}
    for i, item in enumerate(text.replace(" ", "").split(","), 1):
        name, eq, value = item.partition("=")
        if not eq or not name.isidentifier():
            raise argparse.ArgumentTypeError(f"item {i} of {text!r} is not name=value (e.g. alpha=0.5,beta=0.9)")
        if name in out:
            raise argparse.ArgumentTypeError(f"parameter {name} given twice in {text!r}")
        try:
            out[name] = _number(value)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"{name}: {exc}") from None
    return out


def json_safe(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None (JSON null): strict JSON has no NaN/Infinity."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj


def json_text(obj: Any) -> str:
    """Strict, indented JSON text of ``obj`` (non-finite floats as null), ending in a newline."""
    return json.dumps(json_safe(obj), indent=2, allow_nan=False) + "\n"


def check_json_target(target: str, flag: str = "--json") -> None:
    """UsageError now, before any work, if ``target`` cannot be written (see :mod:`reports.outputs`)."""
    from ..outputs import Outputs

    Outputs().add(flag.lstrip("-"), target)


def write_json(obj: Any, target: str, flag: str = "--json") -> None:
    """Write ``obj`` as strict JSON to ``target`` (``-``: stdout) through :class:`reports.outputs.Outputs`.

    The text is built first, so nothing is created when it cannot be; a target that cannot be
    written raises :class:`UsageError` ``cannot write --json FILE: reason`` and leaves what was there.
    """
    from ..outputs import Outputs

    text = json_text(obj)
    outputs = Outputs()
    outputs.set(outputs.add(flag.lstrip("-"), target), text)
    outputs.commit()
