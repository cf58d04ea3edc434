"""Report section for topic 'descent-lemma'."""
from __future__ import annotations

TITLE = "descent lemma"
INTRO = ""


def derivations() -> list:
    return []
