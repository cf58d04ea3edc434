"""`ratecheck bench --noise`: the noisy fused kernel on the bench problem, beside the noise-free kernel.

Heavy ball on the same problem as every other bench row (Polyak's tuning for [1, 100], d eigenvalues equally
spaced on [1, 100], isotropic e0 with seed 0), with the gradient λe + σξ, σ = 1, ξ drawn inside the kernel
(numerics.random: Philox4x32-10, Box–Muller, seed 0), recording Σe² and Σe⁴ over all directions (one group)
at every step, as the noise-free row records ‖e_t‖ and f(x_t) − f* at every step.  The row's "x fused" is the
ratio to the noise-free numba kernel of the same run.  A second row, numba-rademacher, is the same kernel with
Rademacher draws ξ = ±1 (``dist=rademacher``: one bit of a Philox word per draw, the sign made inside the
element loop), the same exact expectation at a fraction of the generator's cost.
"""
from __future__ import annotations

import time

#: the noise level and seed of the bench row
NOISE_STD = 1.0
SEED = 0


def bench_noisy(rule, lam, e0, steps, dist: str = "gaussian"):
    """(d, T, seconds) of :func:`numerics.kernels.noisy.noisy_moments` on the bench problem (compiled first), the
    draws of law ``dist`` (``gaussian``: Box–Muller; ``rademacher``: one Philox bit per draw)."""
    import numpy as np

    from ratecheck.numerics.kernels.noisy import noisy_moments

    groups = np.zeros(lam.size, dtype=np.int64)
    record = np.arange(steps + 1)
    for n in (64, 2 * (1 << 15)):  # compile (or load) the serial and the parallel kernel
        noisy_moments(rule.form, rule.params, lam[:n], e0[:n], NOISE_STD, 2, SEED, [0, 2], groups[:n], dist=dist)
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        noisy_moments(rule.form, rule.params, lam, e0, NOISE_STD, steps, SEED, record, groups, dist=dist)
        best = min(best, time.perf_counter() - t0)
    return lam.size, steps, best
