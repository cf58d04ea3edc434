"""Build the PDF report: every topic's checked derivations, figures and theory-vs-simulation tables.

Prints the path of the PDF (or of the .tex when TeX is not installed, with the install command).

Examples:
  ratecheck report
  ratecheck report --out /tmp/r --only gd
"""
from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

from ratecheck.proofs.registry import TOPICS

HELP = "build the LaTeX/PDF report (prints its path)"


def add_arguments(p) -> None:
    p.add_argument("--out", default="reports/build", help="output directory (default reports/build)")
    p.add_argument("--only", action="append", choices=list(TOPICS), metavar="TOPIC",
                   help=f"only this topic (repeatable): {', '.join(TOPICS)}")


def run(args) -> int:
    from ..build import build_report
    from ..latex import INSTALL_HINT, TexFailed

    from .args import UsageError

    t0 = time.perf_counter()
    if not args.out.strip():
        raise UsageError("--out must be a directory name (got '')")
    out = Path(args.out)
    try:  # fail on an unusable --out before any work
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK):
            raise PermissionError(errno.EACCES, "permission denied")
    except OSError as exc:
        raise UsageError(f"cannot write the report to --out {args.out}: {_reason(exc)}") from None
    try:
        path, compiled = build_report(args.out, args.only)
    except TexFailed as exc:
        where = f"full log: {exc.log}" if exc.log is not None else "latexmk wrote no log"
        what = f" ({exc.first_error[:160]})" if exc.first_error else ""
        raise UsageError(f"latexmk could not build the PDF in --out {args.out}{what}; {where}") from None
    except OSError as exc:
        raise UsageError(f"cannot write the report to --out {args.out}: {_reason(exc)}"
                         + (f" ({exc.filename})" if getattr(exc, "filename", None) else "")) from None
    if not compiled:
        sys.stderr.write(f"ratecheck: TeX (latexmk, pdflatex) not found; wrote {path}. Install TeX with: {INSTALL_HINT}\n")
    print(path)
    sys.stderr.write(f"report built in {time.perf_counter() - t0:.1f} s\n")
    return 0


def _reason(exc: OSError) -> str:
    return exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
