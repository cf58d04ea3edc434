r"""``ratecheck.testing``: the assertion helpers for your own pytest suite.

The same objects as :mod:`ratecheck.proofs.testing` (where they are defined and documented):
:func:`fit_rate`, :func:`assert_trajectory_rate`, :func:`assert_rate_agrees`, :func:`assert_converges`,
:func:`theory_rate`, :func:`assert_claim`, :func:`assert_comparison`.
"""
from ratecheck.proofs.testing import *  # noqa: F401,F403
from ratecheck.proofs.testing import __all__  # noqa: F401
