"""Report section for topic 'effective-lr'."""
from __future__ import annotations

TITLE = "effective lr"
INTRO = ""


def derivations() -> list:
    return []
