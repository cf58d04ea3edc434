"""`ratecheck sweep --noise SPEC [--schedule SCHED --steps T] [--target-loss X] --plot FILE.pdf|.png|.svg`.

The figure of reports/commands/sweep_noise.py, which declares the plot target before the work
(``Outputs.add_figure``: its format checked by suffix, as for every --plot); the figure (reports/sections/sweep.py `noisy_sweep_figure`: the floor,
and the final loss under a schedule, against kappa on log-log axes per method, Monte Carlo means with 5 standard
errors as bars where simulated, and the steps to the target when given) is drawn in a private temporary directory,
read back, and written with the other outputs all or none (reports/outputs.py): a failing command leaves nothing.
"""
from __future__ import annotations

__all__ = ["figure_bytes"]


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
