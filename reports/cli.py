"""The ``ratecheck`` command line.  Each subcommand lives in :mod:`reports.commands`.

Usage errors (bad flags, out-of-range values) print one line ``ratecheck: error: ...``
to stderr and exit with status 2; no traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from ratecheck.numerics.validation import ParameterError

from .commands.args import UsageError

__all__ = ["main", "UsageError", "COMMANDS"]

_POSITIONAL = {"method", "topic", "x0"}  # parameter names that are not --flags on the command line

COMMANDS = ("report", "derive", "verify", "rate", "simulate", "bench", "sweep", "audit", "figures", "methods",
            "worst-case", "certify-rate")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one readable line, exit 2
        sys.stderr.write(f"ratecheck: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ratecheck",
        description="Verify convergence theory of first-order methods: SymPy derivations, "
        "large eigen-spectrum simulations, LaTeX/PDF reports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"ratecheck.reports.commands.{name.replace('-', '_')}")
        p = sub.add_parser(name, help=module.HELP, description=module.__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # never let a numeric warning pass silently
            code = args._run(args)
    except (ParameterError, UsageError) as exc:
        msg = str(exc)
        if isinstance(exc, ParameterError) and exc.name not in _POSITIONAL:
            msg = f"--{exc.name.replace('_', '-')}" + msg[len(exc.name):]
        sys.stderr.write(f"ratecheck: error: {msg}\n")
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("ratecheck: interrupted\n")
        return 130
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
