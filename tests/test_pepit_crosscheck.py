"""The same worst cases computed by PEPit (an independent framework): agree to 1e-5 relative.  Skips without PEPit."""
from __future__ import annotations

import pytest

from ratecheck.numerics import pep as npep
from ratecheck.numerics import pepit_reference as ref
from ratecheck.numerics.methods import rule

pytestmark = pytest.mark.skipif(not ref.available(), reason="PEPit not installed (pip install 'ratecheck[pep]')")

REL = 1e-5


def _ours(points, L, mu, measure):
    r = npep.solve(npep.build_problem(points, L, mu, measure, 1.0))
    assert r.ok, r.status
    return r.value


@pytest.mark.parametrize("n,h", [(1, 1.0), (3, 1.0), (5, 0.5), (4, 1.5)])
def test_gd_f_gap(n, h):
    L = 2.0
    theirs, _ = ref.gd_f_gap(L, h / L, n)
    ours = _ours(npep.trace_points(rule("gd", {"eta": h / L}), n), L, 0.0, "f-gap")
    assert abs(ours - theirs) <= REL * theirs


@pytest.mark.parametrize("n", [1, 3])
def test_gd_distance_strongly_convex(n):
    theirs, _ = ref.gd_distance(1.0, 10.0, 0.15, n)
    ours = _ours(npep.trace_points(rule("gd", {"eta": 0.15}), n), 10.0, 1.0, "distance")
    assert abs(ours - theirs) <= REL * theirs


@pytest.mark.parametrize("n", [2, 5])
def test_fista(n):
    theirs, _ = ref.fista_f_gap(1.0, n)
    ours = _ours(npep.fista_points(1.0, n), 1.0, 0.0, "f-gap")
    assert abs(ours - theirs) <= REL * theirs


@pytest.mark.slow
@pytest.mark.parametrize("n", [10, 20])
def test_gd_f_gap_up_to_20(n):
    theirs, _ = ref.gd_f_gap(1.0, 1.0, n)
    ours = _ours(npep.trace_points(rule("gd", {"eta": 1.0}), n), 1.0, 0.0, "f-gap")
    assert abs(ours - theirs) <= REL * theirs


@pytest.mark.parametrize("kappa,n", [(10.0, 2), (100.0, 5)])
def test_nesterov_strongly_convex(kappa, n):
    from ratecheck.proofs.claims.beyond_quadratics import nesterov_strongly_convex

    theirs, _ = ref.nesterov_strongly_convex(1.0, kappa, n)
    assert abs(nesterov_strongly_convex(kappa, n) - theirs) <= REL * theirs
