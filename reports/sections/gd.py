"""Report section for topic 'gd'."""
from __future__ import annotations

TITLE = "gd"
INTRO = ""


def derivations() -> list:
    return []
