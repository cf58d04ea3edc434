"""Wall time of whole `ratecheck ... --noise` commands (a subprocess per run, best of --repeat).

    .venv/bin/python benchmarks/noisy_cli.py --repeat 2

Used for BENCHMARKS.md "The one noisy seam: CLI wall times before/after" (run once on the old commit, once on
the new; the `ratecheck` of the venv next to this file's repository)."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = [
    "rate gd --eigenvalues 2 --eta 0.3 --noise additive:sigma=1",
    "rate lookahead --inner gd --params eta=0.1,k=5,alpha=0.5 --eigenvalues 1 --noise additive:sigma=1",
    "simulate heavy-ball --spectrum uniform:mu=0.1,L=1 --dim 1000 --replicas 100 --steps 100 --params alpha=0.5,beta=0.5 "
    "--noise additive:sigma=0.01 --record-every 20",
    "simulate heavy-ball --spectrum uniform:mu=0.1,L=1 --dim 10000 --replicas 100 --steps 1000 "
    "--params alpha=0.5,beta=0.5 --noise additive:sigma=0.01 --record-every 100",
    "verify --topic noisy-quadratic",
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    exe = Path(sys.executable).with_name("ratecheck")
    env = dict(os.environ)
    for c in COMMANDS:
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            r = subprocess.run([str(exe), *c.split()], capture_output=True, env=env)
            times.append(time.perf_counter() - t0)
            if r.returncode:
                print(f"failed: ratecheck {c}: {r.stderr.decode()[-300:]}")
                return 1
        print(f"{min(times):7.2f} s (best of {a.repeat})  ratecheck {c}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
