r"""``ratecheck.testing``: the assertion helpers for your own pytest suite.

The same objects as :mod:`ratecheck.proofs.testing`, where they are defined and documented.
"""
from ratecheck.proofs.testing import (DEFAULT_RTOL_GAP, E_FOLDINGS, MIN_E_FOLDINGS, WORK_BUDGET, RateEstimate,
                                      assert_claim, assert_comparison, assert_converges, assert_rate_agrees,
                                      assert_trajectory_rate, fit_rate, theory_rate, tuned_params)

__all__ = ["fit_rate", "RateEstimate", "theory_rate", "tuned_params", "assert_comparison", "assert_claim",
           "assert_rate_agrees", "assert_trajectory_rate", "assert_converges", "DEFAULT_RTOL_GAP", "MIN_E_FOLDINGS",
           "E_FOLDINGS", "WORK_BUDGET"]
