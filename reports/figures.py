"""Matplotlib figures for the report, saved deterministically as PDF."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["plt", "new_figure", "save"]

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
    """Save as PDF with no creation date (byte-identical rebuilds), then close."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(STYLE):
        fig.savefig(path, format="pdf", metadata={"CreationDate": None, "Creator": "ratecheck"})
    plt.close(fig)
    return path
