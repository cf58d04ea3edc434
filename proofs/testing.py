r"""Helpers for asserting theory-vs-simulation agreement in your own pytest suite.

Example::

    from ratecheck.proofs.testing import assert_claim, assert_rate_agrees

    def test_polyak_rate():
        assert_rate_agrees("heavy-ball", mu=1, L=100, tuning="optimal", rtol=0.01)

    def test_all_gd_claims():
        for claim in proofs.registry.claims_for("gd"):
            assert_claim(claim.id)
"""
from __future__ import annotations

from typing import Mapping

from .claim import Comparison
from .registry import get

__all__ = ["assert_comparison", "assert_claim", "assert_rate_agrees"]


def assert_comparison(c: Comparison) -> None:
    """Fail with both numbers, the tolerance and the guarantee kind unless ``c.passed``."""
    if not c.passed:
        raise AssertionError(
            f"{c.quantity or 'value'}: computed {c.computed!r} vs expected {c.expected!r} "
            f"({c.guarantee.value}, tolerance {c.tolerance:g}, relative error {c.relative_error}) {c.detail}"
        )


def assert_claim(claim_id: str) -> None:
    """Run the registered claim ``claim_id``: its derivation must check and its numbers agree."""
    out = get(claim_id).run()
    if out.symbolic.value == "failed":
        raise AssertionError(f"claim {claim_id}: derivation failed its SymPy check")
    assert_comparison(out.numeric)
    if out.reference is not None:
        assert_comparison(out.reference)


def assert_rate_agrees(
    method: str,
    *,
    mu: float | None = None,
    L: float | None = None,
    eigenvalues=None,
    form: str | None = None,
    params: Mapping[str, float] | None = None,
    tuning: str | None = None,
    dim: int = 100_000,
    steps: int | None = None,
    rtol: float = 0.01,
    seed: int = 0,
) -> None:
    """Simulate ``method`` and assert the fitted rate is within ``rtol`` of the derived one."""
    from ratecheck.numerics.validation import in_range

    from .rate import measure_rate

    rtol = in_range("rtol", rtol, 0.0, 1.0, lo_open=True)
    result = measure_rate(method, mu=mu, L=L, eigenvalues=eigenvalues, form=form, params=params,
                          tuning=tuning, dim=dim, steps=steps, seed=seed)
    assert_comparison(Comparison(result["rate_simulated"], result["rate_theory"], rtol, quantity=f"{method} rate"))
