"""sweep: not built yet (see the issue that adds it)."""
from __future__ import annotations

HELP = "(not built yet)"


def add_arguments(p) -> None:
    pass


def run(args) -> int:
    from .args import UsageError

    raise UsageError("'sweep' is not built yet")
