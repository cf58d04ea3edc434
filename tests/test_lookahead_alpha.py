"""Lookahead's best alpha with extrapolation, and the Chebyshev yardstick's QHM and Lookahead entries."""
from __future__ import annotations

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.linear_family import lookahead
from ratecheck.proofs.claims import linear_family as lfc
from ratecheck.theory import lookahead_alpha as tla


def test_best_alpha_derivation_checks():
    d = tla.best_alpha_derivation()
    assert not [o.step.label for o in d.outcomes() if o.status.value == "failed"]


def test_best_alpha_by_brute_force():
    # independent of the derivation: scan alpha, evaluate max over a grid of |1 - a + a (1 - eta lam)^k|
    lam = np.linspace(1.0, 100.0, 401)
    alphas = np.linspace(0.5, 1.999, 5997)  # spacing 2.5e-4
    u = (1 - 0.01 * lam) ** 5
    worst = np.max(np.abs(1 - alphas[:, None] + alphas[:, None] * u[None, :]), axis=1)
    got = tla.best_alpha(0.01, 5, 1.0, 100.0)
    assert abs(alphas[np.argmin(worst)] - float(got["alpha"])) < 2.5e-4
    # the V-shaped maximum has slopes w_- and w_+ <= 1: a grid of spacing 2.5e-4 in alpha is within 1.25e-4 of the minimum
    assert float(got["outer_rate"]) <= float(np.min(worst)) <= float(got["outer_rate"]) + 1.25e-4


def test_best_alpha_is_one_when_gd_is_already_optimal():
    # eta = 2/(mu + L): u ranges over [-q^k, q^k] for odd k, so alpha* = 1 (no Lookahead at all)
    got = tla.best_alpha(2 / 101, 5, 1.0, 100.0)
    assert float(got["alpha"]) == pytest.approx(1.0, abs=1e-12)


def test_best_alpha_rejects_non_decaying_inner_loop():
    with pytest.raises(ValueError):
        tla.best_alpha(0.03, 5, 1.0, 100.0)  # eta L = 3: the top mode grows under gd


def test_periodic_theory_factors_match_the_run():
    m, p, inner = lfc.yardstick_lookahead("lookahead-heavy-ball")
    lam = np.array([1.0, 7.0, 100.0])
    steps = (1, 4, 5, 6, 11, 23)
    th = lfc.theory_factors(m, p, lam, steps, inner=inner)
    sim = lfc.simulated_factors(m, p, lam, steps)
    for k in steps:
        assert sim[k] == pytest.approx(th[k], rel=1e-11)
    with pytest.raises(ValueError, match="period"):
        lfc.theory_factors(lookahead(numerics.form("gd"), 3), {"eta": 0.1, "la_alpha": 0.5}, lam, steps)


def test_yardstick_has_qhm_and_lookahead():
    assert {"qhm", "lookahead-gd", "lookahead-heavy-ball"} <= set(lfc.YARDSTICK_METHODS)
