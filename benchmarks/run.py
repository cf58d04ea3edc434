"""Run `ratecheck bench` and append its numbers to BENCHMARKS.md (``make bench``).

Usage: python benchmarks/run.py [--dim D] [--steps T] [--noise] [--adaptive] [--write BENCHMARKS.md]
"""
from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ratecheck.reports.commands.bench import format_table, measure  # noqa: E402

HEADER = """# Benchmarks

Written by `make bench` (`benchmarks/run.py`, the same measurement as `ratecheck bench`): heavy ball
(Polyak form, Polyak's tuning for [1, 100]), float64, d eigenvalues equally spaced on [1, 100], recording
‖e_t‖ and f(x_t) − f* every step.  Throughput is element-steps per second (d·T/seconds); "x fused" is the
ratio to the numba fused kernel; "of peak" is the fraction of the machine's measured FP64 limit for this
recurrence (numba FMA chains: scalar FMA/s divided by 7 FP instructions per heavy-ball element-step).
The NumPy reference and torch rows run fewer steps at large d (their per-step cost is constant) and
the dense row uses d ≤ 2000; each row states its own d and T.

GPU target (H100, float64, d = 10⁸, T = 1000, ≥ 10¹² element-steps/s): **not measured** — no GPU was
available when the CuPy kernel was written; the cupy row appears only on a machine with CuPy and a GPU.

| date (UTC) | machine | implementation | d | T | seconds | element-steps/s | x fused | of peak |
|---|---|---|---:|---:|---:|---:|---:|---:|
<!-- make bench inserts kernel rows above this line -->
"""


#: new kernel rows go just above this line, so other sections of BENCHMARKS.md stay intact
MARKER = "<!-- make bench inserts kernel rows above this line -->"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dim", type=int, default=10_000_000)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--write", metavar="FILE", help="append rows to this Markdown file")
    p.add_argument("--adaptive", action="store_true", help="the adaptive methods' rows (benchmarks/adaptive.py)")
    p.add_argument("--noise", action="store_true", help="add the noisy fused kernel's row (ratecheck bench --noise)")
    a = p.parse_args()
    if a.adaptive:
        from adaptive import run_adaptive  # benchmarks/adaptive.py, beside this file

        return run_adaptive(a.dim, a.steps, a.write)
    record = measure(a.dim, a.steps, noise=a.noise)
    print(format_table(record))
    if a.write:
        path = Path(a.write)
        if not path.exists() or not path.read_text().strip():
            path.write_text(HEADER)
        m = record["machine"]
        machine = f"{m['cpu']}, {m['cores']} cores" + (f", {m['gpu']}" if m["gpu"] else "")
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        rows = []
        for r in record["results"]:
            frac = "" if r["fraction_of_peak"] is None else f"{100 * r['fraction_of_peak']:.1f} %"
            rows.append(f"| {date} | {machine} | {r['impl']} | {r['dim']:,} | {r['steps']} | {r['seconds']:.3f} | "
                        f"{r['elem_steps_per_s']:.3e} | {r['ratio_to_fused']:.4f} | {frac} |")
        rows.append(f"| {date} | {machine} | peak (measured) | | | | {record['peak_elem_steps_per_s']:.3e} | | 100 % |")
        text = path.read_text()
        if MARKER not in text:
            text = text.rstrip("\n") + "\n" + MARKER + "\n"
        path.write_text(text.replace(MARKER, "\n".join(rows) + "\n" + MARKER, 1))
        print(f"added {len(rows)} rows to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
