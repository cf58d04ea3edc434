r"""Time the default ``ratecheck sweep`` (3 methods x 25 kappa in [10, 1e6], d = 1e6, tol 1e-8, extreme init).

Runs the CLI in a fresh process (imports, numba compilation and all) and then the engine in-process
twice (cold: first calls compile the fused kernels; warm: compiled), and prints where the time goes:
per method, theory (tuning, 50-digit rate, closed-form count) vs simulation.

Usage:
  .venv/bin/python benchmarks/sweep_timing.py [--backend auto] [--executor local] [--init extreme] [--dim 1000000]

Numbers on the project's 2-core machine are recorded in BENCHMARKS.md ("Condition-number sweep").
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--executor", default="local")
    ap.add_argument("--init", default="extreme")
    ap.add_argument("--dim", default="1000000")
    ap.add_argument("--kappa", default="10:1e6")
    ap.add_argument("--points", default="25")
    args = ap.parse_args()
    flags = ["--backend", args.backend, "--executor", args.executor, "--init", args.init, "--dim", args.dim,
             "--kappa", args.kappa, "--points", args.points, "--no-progress"]
    exe = ROOT / ".venv" / "bin" / "ratecheck"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sweep.json"
        t0 = time.perf_counter()
        subprocess.run([str(exe), "sweep", *flags, "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
        cli = time.perf_counter() - t0
        data = json.loads(out.read_text())

    from ratecheck.numerics.backends import resolve_backend
    from ratecheck.proofs.sweep import SweepConfig, open_executor, run_sweep
    from ratecheck.reports.commands.sweep import _kappa

    kmin, kmax = _kappa(args.kappa)
    cfg = SweepConfig(kappa_min=kmin, kappa_max=kmax, points=int(args.points), init=args.init, dim=int(float(args.dim)),
                      backend=args.backend)
    runs = []
    for _ in range(2):
        with open_executor(args.executor) as ex:
            t0 = time.perf_counter()
            res = run_sweep(cfg, ex)
            runs.append((time.perf_counter() - t0, res))
    warm = runs[-1][1]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; python {platform.python_version()}")
    print(f"config: {args.init} init, kappa {args.kappa}, {args.points} points x 3 methods, dim {args.dim} "
          f"(simulated dim {cfg.simulated_dim}), backend {args.backend} -> {resolve_backend(args.backend)}, "
          f"executor {args.executor}")
    print(f"CLI, fresh process (imports + kernel compilation + sweep + JSON): {cli:.2f} s")
    print(f"engine in-process: cold {runs[0][0]:.2f} s, warm {runs[1][0]:.2f} s")
    for m in cfg.methods:
        pts = [p for p in warm.points if p["method"] == m]
        th = sum(p["seconds_theory"] for p in pts)
        tot = sum(p["seconds"] for p in pts)
        steps = sum(p["iters_simulated"] or p["step_cap"] for p in pts)
        print(f"  {m:<11} theory {th:6.2f} s, simulation {tot - th:6.2f} s, {steps:>11,} simulated steps")
    fits = {f["method"]: round(f["exponent"], 4) for f in data["fits"]}
    worst = max(abs(p["relative_difference"]) for p in data["points"] if p["relative_difference"] is not None)
    print(f"fitted exponents {fits}; max |relative difference| {worst:.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
