"""``backend="auto"`` runs the NumPy reference path for a small problem (startup: no numba kernels to load)."""
from __future__ import annotations

import pytest

from ratecheck.numerics.backends import SMALL_STEPS, SMALL_WORK, resolve_backend
from ratecheck.numerics.kernels.cuda import gpu_available
from ratecheck.proofs.rate import measure_rate


def test_auto_is_numpy_for_a_small_problem_only():
    fused = "cupy" if gpu_available() else "numba"
    assert resolve_backend("auto", dim=2, steps=1000) == "numpy"
    assert resolve_backend("auto", dim=SMALL_WORK // SMALL_STEPS, steps=SMALL_STEPS) == "numpy"
    assert resolve_backend("auto", dim=2, steps=SMALL_STEPS + 1) == fused
    assert resolve_backend("auto", dim=100_000, steps=100) == fused
    assert resolve_backend("auto") == fused  # no size stated: the fused kernel
    assert resolve_backend("numba", dim=2, steps=10) == "numba"  # an explicit choice is kept


def test_small_rate_run_uses_numpy_and_agrees_with_the_kernel():
    small = measure_rate("heavy-ball", eigenvalues=[1.0, 100.0])
    fused = measure_rate("heavy-ball", eigenvalues=[1.0, 100.0], backend="numba")
    assert small["backend"] == "numpy" and fused["backend"] == "numba"
    # same IEEE arithmetic per element; only the norm's reduction may round differently
    assert small["rate_simulated"] == pytest.approx(fused["rate_simulated"], rel=1e-12)
