"""`ratecheck bench --adaptive` rows into their own section of BENCHMARKS.md (``benchmarks/run.py --adaptive``).

Usage: python benchmarks/run.py --adaptive [--dim D] [--steps T] [--write BENCHMARKS.md]
"""
from __future__ import annotations

import datetime
from pathlib import Path

from ratecheck.reports.commands.bench_adaptive import format_adaptive, measure_adaptive

#: rows of the adaptive section go just above this line
MARKER = "<!-- benchmarks/run.py --adaptive inserts rows above this line -->"
SECTION = """
## Adaptive methods (`ratecheck bench --adaptive`, benchmarks/adaptive.py)

| date (UTC) | machine | method | implementation | d | T | seconds | element-steps/s | x fused |
|---|---|---|---|---:|---:|---:|---:|---:|
""" + MARKER + "\n"


def run_adaptive(dim: int, steps: int, write: str | None) -> int:
    record = measure_adaptive(dim, steps)
    print(format_adaptive(record))
    if write:
        path = Path(write)
        text = path.read_text() if path.exists() else "# Benchmarks\n"
        if MARKER not in text:
            text = text.rstrip("\n") + "\n" + SECTION
        m = record["machine"]
        machine = f"{m['cpu']}, {m['cores']} cores"
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        rows = [f"| {date} | {machine} | {r['method']} | {r['impl']} | {r['dim']:,} | {r['steps']} | {r['seconds']:.3f} | "
                f"{r['elem_steps_per_s']:.3e} | {r['ratio_to_fused']:.3f} |" for r in record["rows"]]
        path.write_text(text.replace(MARKER, "\n".join(rows) + "\n" + MARKER, 1))
        print(f"added {len(rows)} rows to {path}")
    return 0
