"""Topic 'momentum-exercise': note 003's exercise 3 (heavy ball at eta = 1/L, beta = 0, 0.5, 0.9, 0.99)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from ratecheck.proofs.claims import momentum_exercise as mx
from ratecheck.proofs.registry import claims_for
from ratecheck.theory import momentum_exercise as th


def test_derivation_checks():
    d = mx.derivation()
    assert not [o.step.label for o in d.outcomes() if o.status.value == "failed"]
    assert d.step("characteristic polynomial")  # the engine's polynomial is part of the proof


def test_rates_by_hand():
    # independent of the module: the root moduli of z^2 - (1 + beta - h) z + beta at h = 0.01 and h = 1
    for b in th.BETAS:
        rates = [max(abs(r) for r in np.roots([1.0, -(1 + b - hh), b])) for hh in (0.01, 1.0)]
        assert float(th.rate(b)) == pytest.approx(max(rates), rel=1e-12)
    assert float(th.rate(0.99)) == pytest.approx(math.sqrt(0.99), rel=1e-15)


def test_peak_rate_is_unbiased_for_an_oscillating_mode():
    t = np.arange(4000)
    series = 0.97 ** t * np.cos(0.9 * t + 0.3)
    assert abs((1 - mx.peak_rate(series)) / 0.03 - 1) < 1e-3


def test_iterations_monotone_story():
    it = {b: th.iterations_to(b) for b in (*th.BETAS, 0.81)}
    assert it[0.81] < it[0.9] < it[0.5] < it[0.0] < it[0.99]


def test_momentum_exercise_claims_pass():
    for c in claims_for("momentum-exercise"):
        out = c.run()
        assert out.passed, (c.id, out.numeric.to_dict())
