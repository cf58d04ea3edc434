"""Report section for topic 'sweep'."""
from __future__ import annotations

TITLE = "sweep"
INTRO = ""


def derivations() -> list:
    return []
