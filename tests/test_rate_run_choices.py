"""How a rate run is set up: the backend ``auto`` picks for a small problem, the default steps within the work budget."""
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


def test_default_steps_reach_20_e_foldings_within_the_work_budget():
    """Issue 10, point 3: gap 1.9e-5 on 31 eigenvalues needs ~1e6 steps; the old fixed cap of 20000 covered 0.4."""
    from ratecheck.proofs.rate import DIM_STEPS_BUDGET, STEPS_BUDGET, default_steps

    gap = 1.9080242e-05
    assert default_steps(1 - gap, 31) == pytest.approx(20 / gap, rel=1e-6)
    assert default_steps(1 - gap, 100_000) == 20_000  # a large problem keeps the old cap
    assert default_steps(1 - 1e-10, 2) == STEPS_BUDGET  # out of budget: the run is judged undetermined
    assert default_steps(1 - gap, 1000) == DIM_STEPS_BUDGET // 1000
    assert default_steps(0.5, 2) == 100


def test_slow_converging_user_spectrum_gets_a_verdict(cli):
    """Point 3 on a spectrum like the breast-cancer Hessian's (kappa ~ 1e5, 31 eigenvalues): converges, gap right."""
    import json

    import numpy as np

    lam = np.geomspace(1.33045e-4, 13.2816, 31)
    r = cli(["rate", "gd", "--eigenvalues", ",".join(repr(float(x)) for x in lam), "--eta", "0.1434121364", "--json"])
    out = json.loads(r.stdout)
    assert out["verdict"] == "converges" and out["e_foldings"] >= 3
    # the next eigenvalue, 1.47 mu, still weighs about exp(-0.47 * 20) ~ 1e-4 at the end of a 20 e-folding run
    assert out["gap_relative_error"] < 1e-3
    assert out["gap_theory"] == pytest.approx(0.1434121364 * 1.33045e-4, rel=1e-9)
