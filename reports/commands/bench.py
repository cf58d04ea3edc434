"""Time heavy ball (float64) on one diagonal quadratic with every implementation; element-steps per second.

Implementations, all on the same problem (d eigenvalues equally spaced on [1, 100], Polyak's
tuning alpha = 4/(sqrt(L)+sqrt(mu))^2, beta = ((sqrt(L)-sqrt(mu))/(sqrt(L)+sqrt(mu)))^2, isotropic
e0 with seed 0, recording ||e_t|| and f(x_t) - f* every step):

  dense-numpy   naive NumPy loop on the dense matrix diag(lambda) (d <= 2000 so it fits)
  torch-sgd     torch.optim.SGD(lr=alpha, momentum=beta) on f(x) = 1/2 sum lambda x^2 (if PyTorch is installed)
  numpy-ref     the NumPy reference spectral path (numerics.simulate; fewer steps when d*T is large)
  numba-fused   the fused CPU kernel (numerics.backends, backend numba)
  cupy-fused    the fused GPU kernel (only where CuPy and a GPU are present)
  numba-noisy  with --noise: the noisy fused kernel (gradient + sigma*xi, xi ~ N(0,1) drawn in the kernel;
                reports/commands/bench_noise.py); its "x fused" is the ratio to numba-fused of the same run
  numba-rademacher  with --noise: the same kernel with Rademacher noise (xi = +-1, one Philox bit per draw)

Throughput = d * T / seconds (steps scaled where an implementation runs fewer steps; each row
says its own d and T).  Peak: a numba kernel of independent FMA chains on a 64-element local
vector (8 vectors of 8 float64 lanes; 16 dependent FMAs per load/store, so not L1-bound) measures
scalar FMA operations per second on all cores; the heavy-ball element-step costs 7 floating-point instructions (g = lam*x; x - s;
two FMAs for the update; x*x; two FMAs for the sums), so peak element-steps/s = FMA/s / 7.

With ``--worst-case`` it times instead the worst-case (PEP) solves of gradient descent (step 1/L, F(0, L),
f(x_N) - f*) for N = 1 .. ``--max-n``: ratecheck's SDP (numerics.pep, all pairs; and the chain of consecutive pairs)
against PEPit's own problem building (if PEPit is installed), same solver (Clarabel), one process, in one run,
with the ratio PEPit / ratecheck per N and in total.

Examples:
  ratecheck bench
  ratecheck bench --dim 10000000 --steps 200 --json -
  ratecheck bench --noise
  ratecheck bench --worst-case --max-n 50 --json wc.json
  ratecheck bench --adaptive --dim 10000000 --steps 20   (the adaptive methods: reports/commands/bench_adaptive.py)
"""
from __future__ import annotations

import math
import os
import platform
import time

from . import args as a

HELP = "time heavy ball with every implementation (element-steps/s, fraction of peak)"

#: bytes per eigenvalue at the peak of a bench run: measured 38 B (peak RSS, d = 2e6 vs 6e6, no PyTorch: lambda,
#: e0, the fused kernel's x and s, the NumPy reference's temporaries); torch.optim.SGD adds its parameter,
#: gradient, momentum buffer and x*x temporary (4 x 8 B), so the check assumes 8 arrays of 8 bytes
BYTES_PER_ELEMENT = 64
FLOPS_PER_ELEMENT_STEP = 7  # FP instructions (mul, sub, fma, fma, mul, fma, fma) of the fused heavy-ball step


def add_arguments(p) -> None:
    p.add_argument("--dim", type=a.count, default=10_000_000, help="eigenvalues d (default 10^7)")
    p.add_argument("--steps", type=a.count, default=200, help="iterations T (default 200)")
    p.add_argument("--json", metavar="FILE", help="write one JSON object to FILE ('-' for stdout)")
    p.add_argument("--worst-case", action="store_true",
                   help="time the PEP worst-case solves of gradient descent, ratecheck vs PEPit, N = 1..--max-n")
    p.add_argument("--max-n", type=a.count, default=50, help="largest N for --worst-case (default 50, at most 100)")
    p.add_argument("--noise", action="store_true",
                   help="add the noisy fused kernels (gradient + N(0, 1) or +-1 noise drawn in the kernel) and their ratios")
    p.add_argument("--adaptive", action="store_true",
                   help="time the adaptive methods instead: NumPy reference, fused kernel and torch.optim")


def measure_worst_case(ns) -> dict:
    r"""Seconds of ratecheck's and PEPit's PEP solves for gradient descent, step 1/L, on F(0, L) (L = R = 1).

    Exact value :math:`1/(4N+2)` (Drori & Teboulle 2014) next to both solved values."""
    from ratecheck.numerics import pep as npep
    from ratecheck.numerics import pepit_reference as ref
    from ratecheck.numerics.methods import rule

    gd = rule("gd", {"eta": 1.0})
    have_pepit = ref.available()
    npep.solve(npep.build_problem(npep.trace_points(gd, 1), 1.0))  # warm the imports
    if have_pepit:
        ref.gd_f_gap(1.0, 1.0, 1)
    rows = []
    for n in ns:
        t0 = time.perf_counter()
        r = npep.solve(npep.build_problem(npep.trace_points(gd, n), 1.0))
        t_full = time.perf_counter() - t0
        t0 = time.perf_counter()
        rc = npep.solve(npep.build_problem(npep.trace_points(gd, n), 1.0, pairs="chain"))
        t_chain = time.perf_counter() - t0
        pv, t_p = ref.gd_f_gap(1.0, 1.0, n) if have_pepit else (None, None)
        rows.append({"N": n, "exact": 1 / (4 * n + 2), "ratecheck_value": r.value, "ratecheck_status": r.status,
                     "ratecheck_s": t_full, "chain_value": rc.value, "chain_s": t_chain, "pepit_value": pv,
                     "pepit_s": t_p, "ratio_pepit_over_ratecheck": (t_p / t_full) if t_p else None})
    tot = {k: sum(row[k] for row in rows if row[k] is not None) for k in ("ratecheck_s", "chain_s", "pepit_s")}
    tot["ratio_pepit_over_ratecheck"] = tot["pepit_s"] / tot["ratecheck_s"] if have_pepit else None
    return {"benchmark": "worst-case gd F(0,L) f-gap", "rows": rows, "totals": tot, "pepit": have_pepit,
            "machine": {"cpu": platform.machine(), "cores": os.cpu_count(), "python": platform.python_version()}}


def format_worst_case(record: dict) -> str:
    def f(x, spec):
        return format(x, spec) if x is not None else "—"

    lines = [f"{'N':>3} {'1/(4N+2)':>11} {'ratecheck':>11} {'s':>8} {'chain s':>8} {'PEPit':>11} {'PEPit s':>8} {'ratio':>6}"]
    for r in record["rows"]:
        lines.append(f"{r['N']:>3} {r['exact']:>11.8f} {f(r['ratecheck_value'], '11.8f')} {r['ratecheck_s']:>8.3f} "
                     f"{r['chain_s']:>8.3f} {f(r['pepit_value'], '11.8f')} {f(r['pepit_s'], '8.3f')} "
                     f"{f(r['ratio_pepit_over_ratecheck'], '6.2f')}")
    t = record["totals"]
    lines.append(f"total: ratecheck {t['ratecheck_s']:.2f} s, chain {t['chain_s']:.2f} s, "
                 + (f"PEPit {t['pepit_s']:.2f} s (PEPit / ratecheck = {t['ratio_pepit_over_ratecheck']:.2f})"
                    if record["pepit"] else "PEPit not installed (pip install 'ratecheck[pep]')"))
    m = record["machine"]
    lines.append(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}")
    return "\n".join(lines)


def problem(dim: int):
    from ratecheck import numerics
    from ratecheck.numerics import spectra
    from ratecheck.numerics.problems import isotropic_initial_error

    mu, L = 1.0, 100.0
    sl, sh = math.sqrt(mu), math.sqrt(L)
    params = {"alpha": 4 / (sl + sh) ** 2, "beta": ((sh - sl) / (sh + sl)) ** 2}
    lam = spectra.uniform(mu, L, dim)
    e0 = isotropic_initial_error(dim, 0)
    return numerics.rule("heavy-ball", params, "polyak"), lam, e0


def _timed(fn, repeats: int = 2) -> float:
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_dense(rule, lam, e0, steps):
    import numpy as np

    d = min(lam.size, 2000)
    A = np.diag(lam[:: max(1, lam.size // d)][:d])
    x0 = e0[:d].copy()
    alpha, beta = rule.p
    T = min(steps, 200)

    def run():
        x, xp = x0.copy(), x0.copy()
        for _ in range(T):
            g = A @ x
            x, xp = x - alpha * g + beta * (x - xp), x
            np.linalg.norm(x)
            0.5 * x @ (A @ x)
    return d, T, _timed(run)


def bench_torch(rule, lam, e0, steps):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count() or 1)
    d = lam.size
    T = max(1, min(steps, int(2e8 // d)))
    lam_t = torch.from_numpy(lam)
    alpha, beta = rule.p

    def run():
        x = torch.nn.Parameter(torch.from_numpy(e0.copy()))
        opt = torch.optim.SGD([x], lr=alpha, momentum=beta)
        for _ in range(T):
            opt.zero_grad()
            loss = 0.5 * torch.dot(lam_t, x * x)
            loss.backward()
            opt.step()
            with torch.no_grad():
                torch.linalg.vector_norm(x).item()
    return d, T, _timed(run, 1)


def bench_reference(rule, lam, e0, steps):
    from ratecheck.numerics.backends import simulate_diagonal

    T = max(1, min(steps, int(2e8 // lam.size)))
    return lam.size, T, _timed(lambda: simulate_diagonal(rule, lam, e0, T, backend="numpy"), 1)


def bench_fused(rule, lam, e0, steps, backend):
    from ratecheck.numerics.backends import simulate_diagonal, warm_up

    warm_up(rule, backend)
    return lam.size, steps, _timed(lambda: simulate_diagonal(rule, lam, e0, steps, backend=backend))


def peak_fma_per_s() -> float:
    """FMA instructions per second on all cores: independent FMA chains on a register-resident 64-vector."""
    import numba

    kernel = _fma_kernel()
    threads = numba.get_num_threads()
    reps = 200_000
    kernel(threads, 100)  # compile
    secs = _timed(lambda: kernel(threads, reps), 3)
    return threads * reps * 64 * 16 / secs


def _fma_kernel():
    import numba
    import numpy as np

    # fastmath={"contract"} only: x*b + c may fuse into one FMA, but no reassociation, so LLVM cannot
    # fold the 16 dependent steps into one affine map (full fastmath did, and overstated the peak ~10x).
    @numba.njit(parallel=True, fastmath={"contract"}, cache=True)
    def fma_chains(threads, reps):
        out = 0.0
        for th in numba.prange(threads):
            v = np.empty(64)
            for i in range(64):
                v[i] = 1.0 + i * 1e-3
            b, c = 0.999999, 1e-7
            for _ in range(reps):
                for i in range(64):
                    x = v[i]
                    for _k in range(16):  # unrolled: 16 dependent FMAs per lane, 64 lanes independent
                        x = x * b + c
                    v[i] = x
            out += v.sum()
        return out
    return fma_chains


def measure(dim: int, steps: int, noise: bool = False) -> dict:
    """Run every implementation on the same problem; the JSON record of ``ratecheck bench``."""
    import numpy as np

    from ratecheck.numerics.kernels.cuda import gpu_available

    rule, lam, e0 = problem(dim)
    results = []

    def add(impl, res):
        if res is None:
            return
        d, T, secs = res
        results.append({"impl": impl, "dim": int(d), "steps": int(T), "seconds": secs, "elem_steps_per_s": d * T / secs})

    add("dense-numpy", bench_dense(rule, lam, e0, steps))
    add("torch-sgd", bench_torch(rule, lam, e0, steps))
    add("numpy-ref", bench_reference(rule, lam, e0, steps))
    add("numba-fused", bench_fused(rule, lam, e0, steps, "numba"))
    if noise:  # the noisy kernel (reports/commands/bench_noise.py)
        from .bench_noise import bench_noisy

        add("numba-noisy", bench_noisy(rule, lam, e0, steps))
        add("numba-rademacher", bench_noisy(rule, lam, e0, steps, dist="rademacher"))
    if gpu_available():  # pragma: no cover - GPU only
        add("cupy-fused", bench_fused(rule, lam, e0, steps, "cupy"))
    fused = next(r["elem_steps_per_s"] for r in results if r["impl"] == "numba-fused")
    peak = peak_fma_per_s() / FLOPS_PER_ELEMENT_STEP
    for r in results:
        r["ratio_to_fused"] = r["elem_steps_per_s"] / fused
        r["fraction_of_peak"] = r["elem_steps_per_s"] / peak if not r["impl"].startswith("cupy") else None
        if r["impl"] in ("numba-noisy", "numba-rademacher"):  # the peak counts the noise-free recurrence's only
            r["fraction_of_peak"] = None
    import numba

    machine = {"cpu": _cpu_name(), "cores": os.cpu_count(), "numba_threads": numba.get_num_threads(),
               "python": platform.python_version(), "numpy": np.__version__, "numba": numba.__version__,
               "gpu": _gpu_name()}
    return {"machine": machine, "problem": {"method": "heavy-ball (polyak)", "params": rule.params,
                                            "spectrum": "uniform:mu=1,L=100", "precision": "float64"},
            "results": results, "peak_elem_steps_per_s": peak,
            "peak_method": f"numba FMA chains, FMA/s / {FLOPS_PER_ELEMENT_STEP} FP instructions per element-step"}


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or "unknown"


def _gpu_name():
    from ratecheck.numerics.kernels.cuda import gpu_available

    if not gpu_available():
        return None
    import cupy  # pragma: no cover - GPU only

    return cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()  # pragma: no cover


def format_table(record: dict) -> str:
    lines = [f"{'implementation':<16} {'d':>11} {'T':>5} {'seconds':>9} {'elem-steps/s':>13} {'x fused':>9} {'of peak':>8}"]
    for r in record["results"]:
        frac = "" if r["fraction_of_peak"] is None else f"{100 * r['fraction_of_peak']:.1f} %"
        lines.append(f"{r['impl']:<16} {r['dim']:>11,} {r['steps']:>5} {r['seconds']:>9.3f} {r['elem_steps_per_s']:>13.3e} "
                     f"{r['ratio_to_fused']:>9.4f} {frac:>8}")
    lines.append(f"peak (measured): {record['peak_elem_steps_per_s']:.3e} element-steps/s ({record['peak_method']})")
    m = record["machine"]
    lines.append(f"machine: {m['cpu']}, {m['cores']} cores, numba {m['numba']} ({m['numba_threads']} threads), "
                 f"GPU: {m['gpu'] or 'none'}")
    return "\n".join(lines)


def run(args) -> int:
    from ratecheck.numerics.validation import check_memory

    from ..outputs import Outputs

    outputs = Outputs()
    json_t = outputs.add("json", args.json)  # checked before the (long) measurement
    if args.worst_case and args.adaptive:
        from .args import UsageError

        raise UsageError("--adaptive and --worst-case time different things: give one of them")
    if args.noise and (args.adaptive or args.worst_case):
        from .args import UsageError

        raise UsageError("--noise adds a row to the linear kernels' table: not with --adaptive or --worst-case")
    if args.worst_case:
        if args.max_n > 100:
            from .args import UsageError

            raise UsageError(f"--max-n must be an integer in [1, 100] (got {args.max_n})")
        record, text = measure_worst_case(range(1, args.max_n + 1)), format_worst_case
    elif args.adaptive:
        from .bench_adaptive import format_adaptive, measure_adaptive

        check_memory("dim", args.dim, BYTES_PER_ELEMENT // 8)
        record, text = measure_adaptive(args.dim, args.steps), format_adaptive
    else:
        check_memory("dim", args.dim, BYTES_PER_ELEMENT // 8)  # every implementation's arrays (measured, see above)
        check_memory("steps", args.steps + 1, 6, got=args.steps)  # the fused run's per-step records
        record, text = measure(args.dim, args.steps, noise=args.noise), format_table
    if json_t is not None:
        outputs.set(json_t, a.json_text(record))
        outputs.commit()
        if outputs.to_stdout:
            return 0
    print(text(record))
    return 0
