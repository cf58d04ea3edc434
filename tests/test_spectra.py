"""Spectra: reproducible, right support/moments, SPEC parser with clear errors."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from ratecheck.numerics import spectra
from ratecheck.numerics.validation import ParameterError


def test_mp_quantiles_match_known_moments():
    lam = spectra.marchenko_pastur(200_000, 0.5)
    lo, hi = spectra.marchenko_pastur_edges(0.5)
    assert lo < lam[0] and lam[-1] < hi
    # MP moments (Narayana): E[lam] = 1, E[lam^2] = 1 + r, E[lam^3] = 1 + 3r + r^2
    assert lam.mean() == pytest.approx(1.0, rel=1e-6)
    assert (lam**2).mean() == pytest.approx(1.5, rel=1e-6)
    assert (lam**3).mean() == pytest.approx(1 + 1.5 + 0.25, rel=1e-5)


def test_mp_cdf_closed_form_against_quadrature_of_density():
    r = 0.3
    lo, hi = spectra.marchenko_pastur_edges(r)
    for theta in (0.4, 1.5, 2.9):
        lam = (1 + r) - 2 * np.sqrt(r) * np.cos(theta)
        num, _ = integrate.quad(lambda x: spectra.marchenko_pastur_density(np.array([x]), r)[0], lo, lam)
        assert spectra.marchenko_pastur_cdf_theta(theta, r) == pytest.approx(num, abs=1e-8)
    assert spectra.marchenko_pastur_cdf_theta(np.pi, r) == pytest.approx(1.0, abs=1e-13)


def test_mp_matrix_sampling_close_to_law_and_reproducible():
    a = spectra.marchenko_pastur(400, 0.5, "matrix", seed=3)
    b = spectra.marchenko_pastur(400, 0.5, "matrix", seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.mean() == pytest.approx(1.0, abs=0.02)
    c = spectra.marchenko_pastur(1000, 0.5, "random", seed=4)
    np.testing.assert_array_equal(c, spectra.marchenko_pastur(1000, 0.5, "random", seed=4))


@pytest.mark.parametrize("text,dim", [
    ("uniform:mu=1,L=100", 50), ("geometric:mu=1,L=1e4", 50), ("random-uniform:mu=1,L=10", 50),
    ("two-clusters:mu=1,L=100,fraction=0.3,width=0.05", 50), ("power-law:L=2,exponent=1.5", 50),
    ("marchenko-pastur:ratio=0.5", 50), ("marchenko-pastur:ratio=0.25,sampling=matrix", 50), ("eigenvalues:2,20", None),
])
def test_parser_round_trip(text, dim):
    spec = spectra.parse(text)
    lam = spec.eigenvalues(dim, seed=1)
    assert np.all(lam > 0) and np.all(np.diff(lam) >= 0)
    assert lam.size == (dim or 2)
    np.testing.assert_array_equal(lam, spectra.parse(str(spec)).eigenvalues(dim, seed=1))


def test_two_clusters_and_power_law_shapes():
    lam = spectra.two_clusters(1, 100, 100, fraction=0.25, width=0.1)
    assert np.sum(lam <= 1.1) == 25 and np.sum(lam >= 90) == 75
    pl = spectra.power_law(10, L=1, exponent=2)
    np.testing.assert_allclose(pl, np.sort(1.0 / np.arange(1, 11) ** 2))


@pytest.mark.parametrize("text", ["cauchy:mu=1", "uniform:mu=1", "uniform:mu=1,L=10,x=3", "uniform", "uniform:mu=a,L=2",
                                  "marchenko-pastur:ratio=1.5", "marchenko-pastur:ratio=0.5,sampling=magic",
                                  "eigenvalues:1,-2"])
def test_parser_errors(text):
    with pytest.raises(ParameterError):
        spectra.parse(text)
