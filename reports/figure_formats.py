"""The file formats a figure can be saved in, without importing matplotlib (the CLI parser reads them)."""
from __future__ import annotations

__all__ = ["FORMATS", "format_of"]

#: the formats figures can be saved in (``ratecheck figures --format``, ``ratecheck sweep --plot FILE.EXT``)
FORMATS = ("pdf", "png", "svg")


def format_of(path: str) -> str | None:
    """The figure format named by ``path``'s suffix (``.pdf``, ``.png``, ``.svg``, any case), else None."""
    suffix = path.rsplit("/", 1)[-1].rpartition(".")
    ext = suffix[2].lower() if suffix[1] else ""
    return ext if ext in FORMATS else None
