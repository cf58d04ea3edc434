"""Startup time of the `ratecheck` CLI and the cost of many small rate cases (issue 10, point 10).

Measures wall-clock seconds (median of --repeat runs, each a fresh process) of

* ``python -c pass`` (the interpreter alone, the floor),
* ``ratecheck --help`` and ``ratecheck rate --help`` (targets <= 0.3 s),
* a small ``ratecheck rate gd --eigenvalues 1,100`` (target <= 1 s) and the same for heavy ball and
  Nesterov (``auto`` runs the NumPy reference path at this size: no numba kernels to load),
* the same 24 small rate cases as 24 CLI processes, as one ``ratecheck rate --batch FILE.jsonl``
  and as one Python process calling ``ratecheck.measure_rate`` in a loop (the API route for batches),

and prints a Markdown table with the machine.  A benchmark, not a test: nothing here asserts a time.

    python benchmarks/startup.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "ratecheck")
CASES = [("gd", f"1,{k}") for k in (10, 100, 1000)] * 8  # 24 small cases


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} cores"
    except OSError:
        pass
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def wall(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def api_loop() -> float:
    code = ("import time, ratecheck\nt = time.perf_counter()\n"
            f"for m, e in {CASES!r}:\n"
            "    ratecheck.measure_rate(m, eigenvalues=[float(x) for x in e.split(',')])\n"
            "print(time.perf_counter() - t)\n")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return time.perf_counter() - t


def batch(cases) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.jsonl"
        path.write_text("".join(json.dumps({"method": m, "eigenvalues": e}) + "\n" for m, e in cases))
        t = time.perf_counter()
        subprocess.run([CLI, "rate", "--batch", str(path)], stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    n = ap.parse_args().repeat
    rows = [
        ("python -c pass", wall([sys.executable, "-c", "pass"], n), ""),
        ("ratecheck --help", wall([CLI, "--help"], n), "<= 0.3"),
        ("ratecheck rate --help", wall([CLI, "rate", "--help"], n), "<= 0.3"),
        ("ratecheck rate gd --eigenvalues 1,100", wall([CLI, "rate", "gd", "--eigenvalues", "1,100"], n), "<= 1"),
        ("ratecheck rate heavy-ball --eigenvalues 1,100",
         wall([CLI, "rate", "heavy-ball", "--eigenvalues", "1,100"], n), "<= 1"),
        ("ratecheck rate nesterov --eigenvalues 1,100", wall([CLI, "rate", "nesterov", "--eigenvalues", "1,100"], n),
         "<= 1"),
        ("ratecheck rate gd --mu 1 --L 100 (dim 100000, numba)", wall([CLI, "rate", "gd", "--mu", "1", "--L", "100"], n),
         ""),
    ]
    t = time.perf_counter()
    for m, e in CASES:
        subprocess.run([CLI, "rate", m, "--eigenvalues", e], stdout=subprocess.DEVNULL, check=True)
    rows.append((f"{len(CASES)} cases, one CLI process each", time.perf_counter() - t, ""))
    rows.append((f"{len(CASES)} cases, one `rate --batch` process", batch(CASES), ""))
    rows.append((f"{len(CASES)} cases, measure_rate loop in one process", api_loop(), ""))
    stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    print(f"startup, {stamp} UTC, {_cpu()}, median of {n} runs\n")
    print("| command | seconds | target |\n|---|---:|---:|")
    for name, sec, target in rows:
        print(f"| `{name}` | {sec:.3f} | {target} |")


if __name__ == "__main__":
    main()
