"""`ratecheck sweep --noise SPEC [--schedule SCHED --steps T] [--target-loss X] --plot FILE.pdf|.png|.svg`.

The hook of reports/commands/sweep_noise.py: the plot target is declared (and its format checked by suffix) before
the work, like the noise-free sweep's --plot; the figure (reports/sections/sweep.py `noisy_sweep_figure`: the floor,
and the final loss under a schedule, against kappa on log-log axes per method, Monte Carlo means with 5 standard
errors as bars where simulated, and the steps to the target when given) is drawn in a private temporary directory,
read back, and written with the other outputs all or none (reports/outputs.py): a failing command leaves nothing.
"""
from __future__ import annotations

from .args import UsageError

__all__ = ["target", "figure_bytes"]


def target(outputs, options):
    """(the declared plot target or None, its format); UsageError for a suffix that is not a figure format."""
    from ..figure_formats import FORMATS, format_of

    plot_t = outputs.add("plot", options["plot"])
    fmt = "pdf"
    if plot_t is not None and plot_t.kind != "stdout":
        fmt = format_of(str(options["plot"]))
        if fmt is None:
            raise UsageError(f"--plot must be a file name ending in {', '.join('.' + f for f in FORMATS)} "
                             f"(got {str(options['plot'])!r})")
    return plot_t, fmt


def figure_bytes(result: dict, fmt: str, notes: list[str]) -> bytes:
    """The figure as ``fmt`` bytes; ``notes`` gains what the figure cannot show."""
    import tempfile
    from pathlib import Path

    from ..figures import export_format
    from ..sections.sweep import noisy_sweep_figure

    if len({p["kappa"] for p in result["points"]}) == 1:
        notes.append("--plot: a user spectrum has one kappa (its L/mu), so the figure shows one point per method")
    if not any(p["stationary_loss_theory"] is not None for p in result["points"]):
        notes.append("--plot: no point has a noise floor (all unstable); the loss panel is empty")
    if result["config"].get("target_loss") is not None and not any(
            p.get("steps_to_target_theory") or p.get("steps_to_target_schedule_theory") for p in result["points"]):
        notes.append("--plot: no point reaches the target loss; the steps panel is empty")
    with tempfile.TemporaryDirectory(prefix="ratecheck-plot-") as tmp:
        with export_format(fmt):
            written = noisy_sweep_figure(result, Path(tmp) / "sweep-noise.pdf")
        return Path(written).read_bytes()
