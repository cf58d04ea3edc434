r"""Matplotlib figures for the report, saved deterministically (PDF for the report; PNG or SVG on export).

Determinism: no creation date in any format (``metadata`` with ``CreationDate``/``Date``/``Software`` set
to ``None``, as matplotlib's ``savefig`` documents for its pdf, svg and png backends) and a fixed
``svg.hashsalt``, so the same inputs give byte-identical files.
"""
from __future__ import annotations

import contextlib
import contextvars
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["plt", "new_figure", "save", "FORMATS", "export_format"]

from .figure_formats import FORMATS  # noqa: E402  (the list lives in a module without matplotlib)
_METADATA = {"pdf": {"CreationDate": None, "Creator": "ratecheck"},
             "svg": {"Date": None, "Creator": "ratecheck"},
             "png": {"Software": None}}
_FORMAT: contextvars.ContextVar[str] = contextvars.ContextVar("figure_format", default="pdf")


@contextlib.contextmanager
def export_format(fmt: str):
    """Within the block, :func:`save` writes ``fmt`` (``pdf``, ``png`` or ``svg``) instead of PDF."""
    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    token = _FORMAT.set(fmt)
    try:
        yield
    finally:
        _FORMAT.reset(token)

STYLE = {
    "figure.figsize": (5.2, 3.4),
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.fontsize": 10,  # legends at the body size of the report (10 pt; figures are included unscaled)
    "axes.titlesize": 10,
    "lines.linewidth": 1.4,
    "pdf.fonttype": 42,
    "svg.hashsalt": "ratecheck",
}


#: the text width of the report in inches: figures are included at their natural size, so their fonts are the body size
MAX_WIDTH = 5.9


def new_figure(ncols: int = 1, width: float | None = None, height: float | None = None):
    """A figure (and axes) in the report's style."""
    with plt.rc_context(STYLE):
        w = min(MAX_WIDTH, width or STYLE["figure.figsize"][0] * (1 if ncols == 1 else 0.75 * ncols))
        h = height or STYLE["figure.figsize"][1]
        fig, axes = plt.subplots(1, ncols, figsize=(w, h), layout="constrained")
    for ax in (axes if ncols > 1 else [axes]):
        ax.grid(True, alpha=0.3)
    return fig, axes


def save(fig, path: Path) -> Path:
    """Save in the current format (PDF unless :func:`export_format` says otherwise) with no date, then close.

    Returns the path written: ``path`` itself for PDF, else ``path`` with the format's suffix.
    """
    fmt = _FORMAT.get()
    path = Path(path) if fmt == "pdf" else Path(path).with_suffix("." + fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(STYLE):
        fig.savefig(path, format=fmt, metadata=_METADATA[fmt], **({"dpi": 200} if fmt == "png" else {}))
    plt.close(fig)
    return path
