r"""``ratecheck rate --batch FILE.jsonl``: many rate cases in one process, one JSON line per case.

Each non-blank line of FILE (``-``: standard input) is one JSON object whose keys are the options of
``ratecheck rate`` without the dashes (``method``, ``mu``, ``L``, ``eta``, ``eigenvalues``, ``params``,
``form``, ``tuning``, ``steps``, ``method_file``, ``hessian_of``, ...; ``-`` or ``_`` inside a name)::

    {"method": "gd", "mu": 1, "L": 100, "eta": 0.02}
    {"method": "heavy-ball", "eigenvalues": [1, 10, 100], "params": {"alpha": 0.03, "beta": 0.6}}
    {"method": "nesterov", "mu": 1, "L": 1000, "dim": 1000, "tuning": "robust:margin=0.05"}

Values: a number or a string as on the command line, a list for ``eigenvalues`` (or the CLI's
``"1,10,100"``), an object for ``params``, ``true`` for a switch (``intercept``, ``range_space``),
``null`` for "not given".  Each line is parsed by the same argument types as the command line and run
by the same :func:`reports.commands.rate.run` with ``--json``; the output is that JSON record, on one
line, with the case's ``"line"`` number first.

Every line is parsed before any case runs; a bad line (not JSON, an unknown key, a bad value, or a case
that fails when it runs) stops the batch with one error naming the line and the key, exit 2, and nothing
is written: the results are collected and written at the end, to stdout or all-or-nothing to
``--batch-output FILE`` (:mod:`reports.outputs`).

The Python route for the same loop is :func:`ratecheck.measure_rate` (README, "Many cases").
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import re
import sys

from . import args as a
from .args import UsageError

__all__ = ["add_arguments", "run"]

#: the batch's own options: not keys of a line
_OWN = ("batch", "batch_output")
#: torch / optax / Keras names that params accepts (numerics.framework_names) but that are no rate flags
_FRAMEWORK_NAMES = ("lr", "learning_rate", "momentum", "decay")


def add_arguments(p) -> None:
    p.add_argument("--batch", metavar="FILE.jsonl",
                   help="many cases in one process: each line a JSON object of rate options (keys as the flags: "
                   "method, mu, L, eta, params, ...); prints one JSON line per case")
    p.add_argument("--batch-output", metavar="FILE",
                   help="with --batch: write the JSON lines to FILE (all or nothing) instead of stdout")


class _CaseError(Exception):
    """An argparse error inside one case (raised instead of printing and exiting)."""


class _CaseParser(argparse.ArgumentParser):
    def error(self, message):  # noqa: D401 - argparse hook
        raise _CaseError(message)


def _case_parser():
    from . import rate

    p = _CaseParser(prog="ratecheck rate", add_help=False)
    rate.add_arguments(p)
    return p


def _keys(parser) -> dict[str, argparse.Action]:
    """key -> the action it sets: the long flag without dashes, ``-`` as ``_`` (and the positional ``method``)."""
    out = {}
    for act in parser._actions:  # argparse keeps no public list of its actions
        if act.dest in _OWN or act.dest == "help":
            continue
        out[act.dest] = act
    return out


def _number_text(key: str, value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _LineError(key, f"expected a number, got {json.dumps(value)}")
    return repr(value)


class _LineError(Exception):
    def __init__(self, key: str | None, message: str):
        super().__init__(message)
        self.key = key


def _argv(case: dict, keys: dict[str, argparse.Action]) -> list[str]:
    """The command line of one case (``--flag=value`` so that a value may start with ``-``)."""
    argv: list[str] = []
    positional: list[str] = []
    for raw_key, value in case.items():
        key = raw_key.replace("-", "_")
        if key in _OWN:
            raise _LineError(raw_key, "--batch options belong on the command line, not in a case")
        if key not in keys:
            shown_keys = sorted(k for k in keys if k != "json")
            close = difflib.get_close_matches(key, shown_keys, n=1)
            if key in _FRAMEWORK_NAMES:
                hint = f' (a framework\'s name: put it inside params, e.g. "params": {{"{key}": ...}})'
            elif close:
                hint = f" (did you mean {close[0]!r}?)"
            else:
                hint = f" (valid keys: {', '.join(shown_keys)})"
            raise _LineError(raw_key, f"not an option of `ratecheck rate`{hint}")
        act = keys[key]
        if value is None:
            continue
        if key == "json":
            if value is not True:
                raise _LineError(raw_key, "every case prints JSON: leave the key out or give true")
            continue
        if key == "form" and value == "?":
            raise _LineError(raw_key, "'?' lists the forms; run `ratecheck methods` instead of a batch case")
        if not act.option_strings:  # the positional METHOD
            if not isinstance(value, str):
                raise _LineError(raw_key, f"expected a method name (a string), got {json.dumps(value)}")
            positional.append(value)
            continue
        flag = next(s for s in act.option_strings if s.startswith("--"))
        if act.nargs == 0:  # a switch
            if not isinstance(value, bool):
                raise _LineError(raw_key, f"a switch: expected true or false, got {json.dumps(value)}")
            if value:
                argv.append(flag)
            continue
        if isinstance(value, bool):
            if value is True and act.nargs == "?":  # e.g. range_space: the flag alone
                argv.append(flag)
                continue
            raise _LineError(raw_key, f"expected a value, got {json.dumps(value)}")
        if isinstance(value, list):
            if key != "eigenvalues":
                raise _LineError(raw_key, f"a list is accepted for eigenvalues only, got {json.dumps(value)[:60]}")
            text = ",".join(_number_text(raw_key, x) for x in value) if value else ""
        elif isinstance(value, dict):
            if key != "params":
                raise _LineError(raw_key, "an object is accepted for params only")
            text = ",".join(f"{k}={_number_text(f'{raw_key}.{k}', x)}" for k, x in value.items())
        elif isinstance(value, str):
            text = value
        else:
            text = _number_text(raw_key, value)
        argv.append(f"{flag}={text}")
    return positional + argv


_ARGUMENT = re.compile(r"^argument (--[\w-]+)(?:/[^:]*)?: ")


def _explain(message: str) -> str:
    """argparse's ``argument --mu: must be > 0`` as ``key "mu": must be > 0``."""
    m = _ARGUMENT.match(message)
    if m:
        return f'key "{m.group(1)[2:].replace("-", "_")}": ' + message[m.end():]
    return message


def _read_lines(path: str) -> list[tuple[int, str]]:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read --batch {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"cannot read --batch {path}: {exc.strerror or exc}") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise UsageError(f"--batch {path} has no cases (one JSON object of rate options per line)")
    return lines


def _object(pairs):
    seen = {}
    for k, x in pairs:
        if k in seen:
            raise _LineError(k, "given twice in this case")
        seen[k] = x
    return seen


def _parse(path: str, parser, keys) -> list[tuple[int, argparse.Namespace]]:
    cases = []
    for n, line in _read_lines(path):
        where = f"--batch {path} line {n}"
        try:
            case = json.loads(line, object_pairs_hook=_object)
        except _LineError as exc:
            raise UsageError(f'{where}: key "{exc.key}" {exc}') from None
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(case, dict):
            raise UsageError(f"{where}: expected a JSON object of rate options, got {json.dumps(case)[:60]}")
        try:
            ns = parser.parse_args(_argv(case, keys))
        except _LineError as exc:
            raise UsageError(f'{where}: key "{exc.key}": {exc}') from None
        except _CaseError as exc:
            raise UsageError(f"{where}: {_explain(str(exc))}") from None
        ns.json = True
        cases.append((n, ns))
    return cases


def _refuse_command_line_options(args, parser) -> None:
    defaults = parser.parse_args([])
    for dest, default in vars(defaults).items():
        if dest in _OWN or dest == "json":
            continue
        if getattr(args, dest, default) != default:
            flag = "METHOD" if dest == "method" else "--" + dest.replace("_", "-")
            raise UsageError(f"--batch takes every rate option from the file's lines: {flag} was given on the "
                             f"command line (put it into each case)")


def run(args) -> int:
    """Parse every case of ``args.batch``, run each as ``rate --json``, write one JSON line per case."""
    from ratecheck.numerics.validation import ParameterError

    from . import rate
    from ..outputs import Outputs

    parser = _case_parser()
    _refuse_command_line_options(args, parser)
    outputs = Outputs()
    target = outputs.add("batch-output", args.batch_output or "-")  # checked before any work
    cases = _parse(args.batch, parser, _keys(parser))
    out = []
    for n, ns in cases:
        where = f"--batch {args.batch} line {n}"
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                code = rate.run(ns)
        except ParameterError as exc:
            msg = str(exc)
            raise UsageError(f'{where}: key "{exc.name}"' + msg[len(exc.name):]) from None
        except UsageError as exc:
            raise UsageError(f"{where}: {exc}") from None
        try:
            record = json.loads(buf.getvalue())
        except json.JSONDecodeError:
            record = None
        if code or not isinstance(record, dict):
            raise UsageError(f"{where}: this case gives no JSON record (exit status {code})")
        out.append(json.dumps(a.json_safe({"line": n, **record}), allow_nan=False) + "\n")
    outputs.set(target, "".join(out))
    outputs.commit()
    return 0
