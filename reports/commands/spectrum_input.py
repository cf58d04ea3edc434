"""The spectrum flags of ``ratecheck rate``: explicit eigenvalues, eigenvalue files, Hessians of data.

* ``--eigenvalues 1,2,100`` — comma-separated (a space inside an item is an error, never a join:
  ``"1 2"`` is not 12); ``--eigenvalues @FILE`` reads FILE;
* ``--eigenvalues-file FILE`` — .txt/.csv (commas, spaces or newlines; ``#`` comments) or .npy;
* ``--hessian-of X.npy|X.csv`` — the eigenvalues of XᵀX/n of a design matrix (one sample per row),
  with ``--intercept`` appending a column of ones;
* ``--range-space [TOL]`` — drop eigenvalues <= TOL (default max|λ|·d·eps) and say how many: the
  rate on a singular Hessian's range space.  Without it a zero-up-to-rounding eigenvalue is an error
  that suggests it.

The reading and judging is :mod:`numerics.data`; this module only maps flags to it.
"""
from __future__ import annotations

import argparse

from . import args as a

__all__ = ["add_arguments", "eigenvalues_argument", "resolve"]


def eigenvalues_argument(text: str):
    """``--eigenvalues``: a comma-separated list, or ``@FILE`` (kept as a path, read by :func:`resolve`)."""
    if text.startswith("@"):
        if not text[1:]:
            raise argparse.ArgumentTypeError("expected @FILE after '@' (a .txt, .csv or .npy file of eigenvalues)")
        return ("file", text[1:])
    return a.eigenvalue_list(text)


def add_arguments(p) -> None:
    p.add_argument("--eigenvalues", type=eigenvalues_argument,
                   help="explicit eigenvalues, comma-separated, or @FILE (.txt/.csv/.npy)")
    p.add_argument("--eigenvalues-file", metavar="FILE", help="eigenvalues from a .txt, .csv or .npy file")
    p.add_argument("--hessian-of", metavar="X", help="eigenvalues of X^T X / n of a design matrix X (.npy or .csv)")
    p.add_argument("--intercept", action="store_true", help="with --hessian-of: append a column of ones to X")
    p.add_argument("--range-space", nargs="?", const="auto", metavar="TOL",
                   help="drop eigenvalues <= TOL (default max|lambda|*d*eps) of a singular Hessian, and say how many")


def resolve(args) -> tuple[list[float] | None, dict | None]:
    """(eigenvalues or None, a record of where they came from and what was dropped)."""
    from ratecheck.numerics import data

    from .args import UsageError

    sources = [f for f, x in (("--eigenvalues", args.eigenvalues), ("--eigenvalues-file", args.eigenvalues_file),
                              ("--hessian-of", args.hessian_of)) if x is not None]
    if len(sources) > 1:
        raise UsageError(f"give one of {', '.join(sources)}, not several")
    if args.intercept and args.hessian_of is None:
        raise UsageError("--intercept needs --hessian-of")
    if not sources:
        if args.range_space is not None:
            raise UsageError("--range-space needs --eigenvalues, --eigenvalues-file or --hessian-of")
        return None, None
    tol = None
    if args.range_space not in (None, "auto"):
        tol = a.finite(args.range_space) if _is_number(args.range_space) else None
        if tol is None or tol < 0:
            raise UsageError(f"--range-space: expected a tolerance >= 0, got {args.range_space!r}")
    source = sources[0]
    if source == "--hessian-of":
        raw = data.hessian_eigenvalues(data.read_matrix(args.hessian_of, "hessian_of"), args.intercept)
        what = f"Hessian X^T X/n of {args.hessian_of}" + (" with intercept" if args.intercept else "")
    elif source == "--eigenvalues-file" or isinstance(args.eigenvalues, tuple):
        path = args.eigenvalues_file if source == "--eigenvalues-file" else args.eigenvalues[1]
        raw = data.read_eigenvalues(path, "eigenvalues_file" if source == "--eigenvalues-file" else "eigenvalues")
        what = f"file {path}"
    else:
        raw, what = args.eigenvalues, "--eigenvalues"
    name = {"--hessian-of": "hessian_of", "--eigenvalues-file": "eigenvalues_file"}.get(source, "eigenvalues")
    s = data.positive_spectrum(raw, range_space=args.range_space is not None, tolerance=tol, name=name)
    return [float(x) for x in s.eigenvalues], {"source": what, **s.as_dict()}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
