"""Export the report's figures as PDF, PNG or SVG files (the same drawings as in the report).

Writes one file per figure into --out and prints their paths.  Nothing is written when a figure fails.

Examples:
  ratecheck figures --format png --out /tmp/figs
  ratecheck figures --only gd --format svg
"""
from __future__ import annotations

import importlib
import shutil
import tempfile
from pathlib import Path

from ratecheck.proofs.registry import TOPICS

HELP = "export the report's figures (--format pdf|png|svg)"


def add_arguments(p) -> None:
    from ..figure_formats import FORMATS

    p.add_argument("--format", default="pdf", choices=FORMATS, help="file format (default pdf)")
    p.add_argument("--out", default="reports/build/figures", help="output directory (default reports/build/figures)")
    p.add_argument("--only", action="append", choices=list(TOPICS), metavar="TOPIC",
                   help=f"only this topic (repeatable): {', '.join(TOPICS)}")


def run(args) -> int:
    from ..figures import export_format
    from .args import UsageError

    if not args.out.strip():
        raise UsageError("--out must be a directory name (got '')")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".ratecheck-figures-", dir=out))
    except OSError as exc:
        raise UsageError(f"cannot write figures to --out {args.out}: {exc.strerror or exc}") from None
    written = []
    try:
        with export_format(args.format):
            for topic in args.only or TOPICS:
                module = importlib.import_module(f"ratecheck.reports.sections.{TOPICS[topic]}")
                if hasattr(module, "figures"):
                    written += [Path(f.path) for f in module.figures(staging, [])]
        final = []
        for path in written:  # only after every figure was drawn: move them into --out
            dest = out / path.name
            shutil.move(str(path), dest)
            final.append(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for path in final:
        print(path)
    return 0
