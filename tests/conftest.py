"""Shared fixtures: the repository root and an in-process runner for the ``ratecheck`` CLI."""
from __future__ import annotations

import contextlib
import io
import os
import sys

# The simulations call BLAS on long vectors (norms, dots); on a small shared machine a multi-threaded
# BLAS spins against other processes and runs many times slower.  One thread is as fast when idle.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(argv: list[str]) -> CliResult:
    """Run ``ratecheck ARGV`` in this process (reports.cli.main); argparse exits become exit codes."""
    from ratecheck.reports.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return CliResult(int(code), out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def cli():
    """``cli(["rate", "gd", ...]) -> CliResult(code, stdout, stderr)``, in process."""
    return run_cli


@pytest.fixture(scope="session")
def ratecheck_exe() -> list[str]:
    """The command that runs the CLI in a subprocess (the installed script when present)."""
    script = Path(sys.executable).with_name("ratecheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ratecheck.reports.cli"]
