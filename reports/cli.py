"""The ``ratecheck`` command line.  Each subcommand lives in :mod:`reports.commands`.

Usage errors (bad flags, out-of-range values, an output that cannot be written) print one line
``ratecheck: error: ...`` to stderr and exit with status 2; no traceback.  A failing ``verify``
exits 1.  An unexpected exception (a bug) prints one ``ratecheck: internal error: ...`` line and
exits 70 (``RATECHECK_TRACEBACK=1`` re-raises it).
"""
from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import warnings

from .commands.args import UsageError

__all__ = ["main", "UsageError", "COMMANDS"]

_POSITIONAL = {"method", "topic", "x0"}  # parameter names that are not --flags on the command line

COMMANDS = ("report", "derive", "verify", "rate", "simulate", "bench", "sweep", "audit", "figures", "methods",
            "worst-case", "certify-rate", "schedule", "batch-scaling")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one readable line, exit 2
        sys.stderr.write(f"ratecheck: error: {_cut(' '.join(message.split()))}\n")
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
    """Run ``ratecheck ARGV``; returns the exit status (0 ok, 1 a failing verify, 2 a usage or write error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ratecheck.numerics.validation import ParameterError  # NumPy: not needed for --help or a usage error

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # never let a numeric warning pass silently
            code = args._run(args)
            _flush_stdout()
    except (ParameterError, UsageError) as exc:
        msg = str(exc)
        if isinstance(exc, ParameterError) and exc.name not in _POSITIONAL:
            msg = f"--{exc.name.replace('_', '-')}" + msg[len(exc.name):]
        return _fail(f"ratecheck: error: {_cut(' '.join(msg.split()))}")
    except BrokenPipeError:
        return _fail("ratecheck: error: standard output was closed before all output was written")
    except KeyboardInterrupt:  # pragma: no cover
        return _fail("ratecheck: interrupted", 130)
    except Exception as exc:  # a bug in ratecheck: one line (the traceback on request), never a wall of text
        if os.environ.get("RATECHECK_TRACEBACK"):
            raise
        text = " ".join(str(exc).split())
        text = text if len(text) <= 200 else text[:200] + "..."
        return _fail(f"ratecheck: internal error: {type(exc).__name__}: {text} "
                     "(please report it; RATECHECK_TRACEBACK=1 shows the traceback)", 70)
    return int(code or 0)


#: longest error line (a value thousands of characters long is cut, not echoed whole)
_MAX_LINE = 500


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_LINE else text[: _MAX_LINE - 3] + "..."


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _detach_stdout()
        raise


def _detach_stdout() -> None:
    """After EPIPE: point fd 1 at /dev/null so that the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def _fail(line: str, code: int = 2) -> int:
    if "Broken pipe" in line or "closed before" in line:
        _detach_stdout()
    sys.stderr.write(line + "\n")
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
