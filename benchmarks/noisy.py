"""Throughput of the noisy fused kernel against the noise-free one, same problem, alternating in one process.

Heavy ball (Polyak's tuning for [1, 100]), float64, d eigenvalues equally spaced on [1, 100], isotropic e0, T
steps; the noisy kernel draws σξ, σ = 1, inside the kernel (numerics.random) and records Σe², Σe⁴ over all
directions (one group) at every step ("noisy, every step") or at the last step only ("noisy, last step"); "normals
only" is numerics.random.fill_normals alone over the same d·T draws (block by block, as the kernel calls it). The
"rademacher" rows are the same kernel with ξ = ±1 (dist=rademacher: one bit of a Philox word per draw, the sign
made inside the element loop); "sign words only" is numerics.random.fill_sign_words alone (the Philox calls of the
same d·T draws, 128 per call). Each configuration runs --repeat times, alternating, and the best is kept. Beside
the wall-clock throughput the table gives element-steps per CPU-second (process time of all threads): on a machine
shared with other jobs the wall clock counts the time spent waiting for a core, the CPU time does not (it still
counts the slowdown of shared caches), so threads x that figure estimates the idle machine. "per user-second"
counts user CPU time only (getrusage): on the shared virtual machine the kernel's time zeroing fresh pages for the
setup's large arrays came and went by seconds between identical runs, and it is not the kernels' arithmetic.

Usage: python benchmarks/noisy.py [--dim D] [--steps T] [--repeat R] [--threads N ...]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    import resource

    import numba
    import numpy as np

    from ratecheck.numerics import random as rng
    from ratecheck.numerics.backends import simulate_diagonal, warm_up
    from ratecheck.numerics.kernels.noisy import DEFAULT_BLOCK, noisy_moments
    from ratecheck.reports.commands.bench import _cpu_name, problem

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dim", type=int, default=10_000_000)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--threads", type=int, nargs="+", default=[numba.get_num_threads()])
    a = p.parse_args()
    rule, lam, e0 = problem(a.dim)
    groups = np.zeros(a.dim, dtype=np.int64)
    every, last = np.arange(a.steps + 1), [a.steps]
    warm_up(rule, "numba")
    for n in (64, 1 << 16):
        for dist in ("gaussian", "rademacher"):
            noisy_moments(rule.form, rule.params, lam[:n], e0[:n], 1.0, 2, 0, [0, 2], groups[:n], dist=dist)

    @numba.njit(parallel=True)
    def normals_only(nblocks, steps, block):
        for b in numba.prange(nblocks):
            z = np.empty(block)
            for t in range(steps):
                rng.fill_normals(np.uint64(0), np.uint64(0), np.uint64(t + 1), b * block, z)

    @numba.njit(parallel=True)
    def sign_words_only(nblocks, steps, block):
        out = np.zeros(nblocks, dtype=np.uint64)  # the words are used (xor), so the calls cannot be optimised away
        for b in numba.prange(nblocks):
            w = np.empty(block // 32, dtype=np.uint64)
            acc = np.uint64(0)
            for t in range(steps):
                rng.fill_sign_words(np.uint64(0), np.uint64(0), np.uint64(t + 1), b * block, w)
                for g in range(w.size):
                    acc ^= w[g]
            out[b] = acc
        return out

    normals_only(2, 2, DEFAULT_BLOCK)
    sign_words_only(2, 2, DEFAULT_BLOCK)
    runs = {
        "noise-free (numba-fused)": lambda: simulate_diagonal(rule, lam, e0, a.steps, backend="numba"),
        "noisy, every step": lambda: noisy_moments(rule.form, rule.params, lam, e0, 1.0, a.steps, 0, every, groups),
        "noisy, last step": lambda: noisy_moments(rule.form, rule.params, lam, e0, 1.0, a.steps, 0, last, groups),
        "normals only": lambda: normals_only(a.dim // DEFAULT_BLOCK, a.steps, DEFAULT_BLOCK),
        "rademacher, every step": lambda: noisy_moments(rule.form, rule.params, lam, e0, 1.0, a.steps, 0, every, groups,
                                                        dist="rademacher"),
        "rademacher, last step": lambda: noisy_moments(rule.form, rule.params, lam, e0, 1.0, a.steps, 0, last, groups,
                                                       dist="rademacher"),
        "sign words only": lambda: sign_words_only(a.dim // DEFAULT_BLOCK, a.steps, DEFAULT_BLOCK),
    }
    import datetime
    import os

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"machine: {_cpu_name()}; d = {a.dim:,}, T = {a.steps}, best of {a.repeat} (alternating); {now}, load "
          f"average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| threads | run | seconds | element-steps/s | x noise-free | per CPU-second | x noise-free (CPU) | "
          "per user-second | x noise-free (user) |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for threads in a.threads:
        numba.set_num_threads(threads)
        best = {k: float("inf") for k in runs}
        cpu = {k: float("inf") for k in runs}
        user = {k: float("inf") for k in runs}
        for _ in range(a.repeat):
            for k, fn in runs.items():
                t0, c0 = time.perf_counter(), time.process_time()
                u0 = resource.getrusage(resource.RUSAGE_SELF).ru_utime
                fn()
                best[k] = min(best[k], time.perf_counter() - t0)
                cpu[k] = min(cpu[k], time.process_time() - c0)
                user[k] = min(user[k], resource.getrusage(resource.RUSAGE_SELF).ru_utime - u0)
        free, free_cpu = best["noise-free (numba-fused)"], cpu["noise-free (numba-fused)"]
        free_user = user["noise-free (numba-fused)"]
        print(f"(threads {threads}: load average after the runs {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        n = a.dim * a.steps
        for k, secs in best.items():
            print(f"| {threads} | {k} | {secs:.3f} | {n / secs:.3e} | {free / secs:.3f} | {n / cpu[k]:.3e} | "
                  f"{free_cpu / cpu[k]:.3f} | {n / user[k]:.3e} | {free_user / user[k]:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
