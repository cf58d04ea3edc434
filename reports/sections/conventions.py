"""Report section for topic 'conventions'."""
from __future__ import annotations

TITLE = "conventions"
INTRO = ""


def derivations() -> list:
    return []
