"""Report section for topic 'heavy-ball'."""
from __future__ import annotations

TITLE = "heavy ball"
INTRO = ""


def derivations() -> list:
    return []
