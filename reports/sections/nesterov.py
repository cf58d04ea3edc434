"""Report section for topic 'nesterov'."""
from __future__ import annotations

TITLE = "nesterov"
INTRO = ""


def derivations() -> list:
    return []
