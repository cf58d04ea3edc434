r"""``ratecheck bench --adaptive``: the adaptive methods' throughput, three implementations in one run.

Every method of :mod:`numerics.adaptive` in its torch form at torch.optim's defaults, float64, on the diagonal
quadratic with d eigenvalues equally spaced on [1, 100] from the isotropic start (seed 0), recording ‖e_t‖ every
step:

  numpy-ref     the NumPy reference path (``numerics.backends.simulate_diagonal``, backend numpy; fewer steps)
  numba-fused   the fused CPU kernel generated from the same method value (backend numba)
  torch         torch.optim's own optimizer (Adam, AdamW, Adam(amsgrad=True), RMSprop, Adagrad, Adadelta) on the
                same problem, the gradient λ·x written into ``.grad`` (no autograd), ‖x‖ read every step

Throughput = d·T/seconds; "x fused" is the ratio to the fused kernel of the same method.  The NumPy and torch rows
run fewer steps at large d (their per-step cost is constant); each row states its d and T.
"""
from __future__ import annotations

import os

from .bench import _timed

__all__ = ["METHODS", "measure_adaptive", "format_adaptive"]

METHODS = ("adam", "adamw", "amsgrad", "rmsprop", "adagrad", "adadelta")


def _torch_optimizer(torch, method: str, param):
    o = torch.optim
    return {"adam": lambda: o.Adam([param]), "adamw": lambda: o.AdamW([param]),
            "amsgrad": lambda: o.Adam([param], amsgrad=True), "rmsprop": lambda: o.RMSprop([param]),
            "adagrad": lambda: o.Adagrad([param]), "adadelta": lambda: o.Adadelta([param])}[method]()


def _bench_torch(method, lam, e0, steps):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(os.cpu_count() or 1)
    T = max(1, min(steps, int(5e7 // lam.size)))
    lam_t = torch.from_numpy(lam)

    def run(e0=e0, T=T):
        x = torch.nn.Parameter(torch.from_numpy(e0.copy()))
        opt = _torch_optimizer(torch, method, x)
        for _ in range(T):
            with torch.no_grad():
                x.grad = lam_t[: x.numel()] * x
            opt.step()
            with torch.no_grad():
                torch.linalg.vector_norm(x).item()
    run(e0[:8], 2)  # torch's lazy initialisation (first optimizer step) is not timed
    return lam.size, T, _timed(run, 2)


def measure_adaptive(dim: int, steps: int) -> dict:
    """Time every adaptive method with the three implementations on the same problem (the JSON record)."""
    import numba
    import numpy as np

    from ratecheck.numerics import spectra
    from ratecheck.numerics.backends import simulate_diagonal, warm_up
    from ratecheck.numerics.methods import rule
    from ratecheck.numerics.problems import isotropic_initial_error

    from .bench import _cpu_name

    lam = spectra.uniform(1.0, 100.0, dim)
    e0 = isotropic_initial_error(dim, 0)
    rows = []
    for m in METHODS:
        r = rule(m, {}, "torch")
        warm_up(r, "numba")
        T_ref = max(1, min(steps, int(5e7 // dim)))
        found = {"numpy-ref": (dim, T_ref, _timed(lambda: simulate_diagonal(r, lam, e0, T_ref, backend="numpy"), 1)),
                 "numba-fused": (dim, steps, _timed(lambda: simulate_diagonal(r, lam, e0, steps, backend="numba"), 2))}
        tt = _bench_torch(m, lam, e0, steps)
        if tt is not None:
            found["torch"] = tt
        fused = found["numba-fused"][0] * found["numba-fused"][1] / found["numba-fused"][2]
        for impl, (d, T, secs) in found.items():
            rate = d * T / secs
            rows.append({"method": m, "impl": impl, "dim": int(d), "steps": int(T), "seconds": secs,
                         "elem_steps_per_s": rate, "ratio_to_fused": rate / fused})
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    machine = {"cpu": _cpu_name(), "cores": os.cpu_count(), "numba_threads": numba.get_num_threads(),
               "numpy": np.__version__, "numba": numba.__version__, "torch": torch_version}
    return {"benchmark": "adaptive methods, torch defaults, float64, uniform:mu=1,L=100", "machine": machine,
            "rows": rows}


def format_adaptive(record: dict) -> str:
    lines = [f"{'method':<9} {'implementation':<12} {'d':>11} {'T':>5} {'seconds':>9} {'elem-steps/s':>13} {'x fused':>8}"]
    for r in record["rows"]:
        lines.append(f"{r['method']:<9} {r['impl']:<12} {r['dim']:>11,} {r['steps']:>5} {r['seconds']:>9.3f} "
                     f"{r['elem_steps_per_s']:>13.3e} {r['ratio_to_fused']:>8.3f}")
    m = record["machine"]
    lines.append(f"machine: {m['cpu']}, {m['cores']} cores, numba {m['numba']} ({m['numba_threads']} threads), "
                 f"torch {m['torch'] or 'not installed'}")
    return "\n".join(lines)
