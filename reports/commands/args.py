"""Argument types shared by the subcommands: parse and validate, naming the flag on error."""
from __future__ import annotations

import argparse
import math


class UsageError(Exception):
    """A usage error detected after parsing; printed as one line, exit 2."""


def _number(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return x


def finite(text: str) -> float:
    return _number(text)


def positive(text: str) -> float:
    x = _number(text)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return x


def count(text: str) -> int:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if not math.isfinite(x) or x != int(x) or x < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(x)


def eigenvalue_list(text: str) -> list[float]:
    parts = [p for p in text.replace(" ", "").split(",") if p]
    if not parts:
        raise argparse.ArgumentTypeError("expected a non-empty comma-separated list of numbers > 0")
    out = []
    for p in parts:
        x = _number(p)
        if x <= 0:
            raise argparse.ArgumentTypeError(f"each eigenvalue must be > 0, got {p}")
        out.append(x)
    return out
