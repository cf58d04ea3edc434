"""Build the PDF report: every topic's checked derivations, figures and theory-vs-simulation tables.

Prints the path of the PDF (or of the .tex when TeX is not installed, with the install command).

Examples:
  ratecheck report
  ratecheck report --out /tmp/r --only gd
"""
from __future__ import annotations

import sys
import time

from proofs.registry import TOPICS

HELP = "build the LaTeX/PDF report (prints its path)"


def add_arguments(p) -> None:
    p.add_argument("--out", default="reports/build", help="output directory (default reports/build)")
    p.add_argument("--only", action="append", choices=list(TOPICS), metavar="TOPIC",
                   help=f"only this topic (repeatable): {', '.join(TOPICS)}")


def run(args) -> int:
    from ..build import build_report
    from ..latex import INSTALL_HINT

    t0 = time.perf_counter()
    path, compiled = build_report(args.out, args.only)
    if not compiled:
        sys.stderr.write(f"ratecheck: TeX (latexmk, pdflatex) not found; wrote {path}. Install TeX with: {INSTALL_HINT}\n")
    print(path)
    sys.stderr.write(f"report built in {time.perf_counter() - t0:.1f} s\n")
    return 0
