r"""The findings chapter: the lecture notes' statements, quoted, classified and shown by claims."""
from __future__ import annotations

__all__ = ["findings_chapter"]


def findings_chapter(outcomes, full: bool = True) -> str:
    return ""
