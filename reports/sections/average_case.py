"""Report section for topic 'average-case'."""
from __future__ import annotations

TITLE = "average case"
INTRO = ""


def derivations() -> list:
    return []
