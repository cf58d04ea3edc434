"""`simulate --x0 v1,v2,... --record-iterates`: the user's initial point and the trajectory's iterates.

Kept apart from reports/commands/simulate.py, which calls the four hooks below."""
from __future__ import annotations

import argparse

from . import args as a
from .args import UsageError


def _values(text: str) -> list[float]:
    items = text.replace(" ", "").split(",")
    try:
        return [a.finite(x) for x in items]
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"a comma-separated list of finite numbers: {exc}") from None


def add_arguments(p) -> None:
    p.add_argument("--x0", type=_values, metavar="V1,V2,...",
                   help="x0 - x* per eigen-direction, one value per eigenvalue (instead of the random start)")
    p.add_argument("--record-iterates", dest="record_iterates", action="store_true",
                   help="give each trajectory row the iterate minus x* as \"x\" (--json; d <= 1000)")


def check(args) -> None:
    """Before any work: --x0 excludes --radius (without --x0 the radius defaults to 1); --record-iterates needs --json."""
    if args.x0 is not None and args.radius is not None:
        raise UsageError("give either --x0 or --radius, not both")
    if args.radius is None and args.x0 is None:
        args.radius = 1.0  # with --x0 the radius stays None (null in the JSON output)
    if args.record_iterates and args.precision != "float64":
        raise UsageError("--record-iterates records the float64 reference path: use --precision float64")
    if args.record_iterates and args.json is None:
        raise UsageError("--record-iterates writes the iterates into the JSON output: give --json FILE (or -)")


def initial_error(args, lam, random_start):
    """The user's x0 - x* (checked against d) or the random start ``random_start()``; before the run, also
    refuses --record-iterates above d = 1000."""
    from ratecheck.numerics.iterates import MAX_DIM, initial_error as user_error

    if args.record_iterates and lam.size > MAX_DIM:
        raise UsageError(f"--record-iterates needs d <= {MAX_DIM} (here d = {lam.size})")
    if args.x0 is None:
        return random_start()
    from ratecheck.numerics.validation import ParameterError

    try:
        return user_error(args.x0, lam.size)
    except ParameterError as exc:  # "x0" is also a name the CLI does not prefix with -- (reports/cli.py): say the flag
        raise UsageError(f"--x0 {str(exc)[len('x0 '):]}") from None


def iterates(args, rule, lam, e0, times):
    """The rows of x_t - x* at the recorded times, or None without --record-iterates."""
    if not args.record_iterates:
        return None
    from ratecheck.numerics.iterates import recorded_iterates

    return recorded_iterates(rule, lam, e0, times)
