"""Spectra from users' data (issue 10, points 5 and 6): eigenvalue files, Hessians X^T X/n, singular spectra.

Expected values are independent: the Hessian eigenvalues are checked against the squared singular
values of X/sqrt(n) (SVD, not eigvalsh); the number of dropped zeros against the known rank deficiency.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from ratecheck.numerics import data
from ratecheck.numerics.validation import ParameterError


def _design(n=60, d=4, seed=0):
    return np.random.default_rng(seed).standard_normal((n, d)) * np.arange(1, d + 1)


def test_hessian_eigenvalues_match_singular_values():
    X = _design()
    for intercept in (False, True):
        Xm = np.column_stack([X, np.ones(len(X))]) if intercept else X
        expected = np.sort(np.linalg.svd(Xm / np.sqrt(len(X)), compute_uv=False) ** 2)
        np.testing.assert_allclose(data.hessian_eigenvalues(X, intercept), expected, rtol=1e-12)


def test_singular_hessian_needs_range_space():
    X = _design()
    X = np.column_stack([X, X[:, 0] - 2 * X[:, 1], 3 * X[:, 2]])  # rank 4 of 6 columns: two exact zeros
    lam = data.hessian_eigenvalues(X)
    with pytest.raises(ParameterError, match="2 of 6 are zero up to rounding.*range_space"):
        data.positive_spectrum(lam)
    s = data.positive_spectrum(lam, range_space=True)
    assert s.dropped == 2 and s.eigenvalues.size == 4 and s.eigenvalues[0] > 1e3 * s.tolerance
    with pytest.raises(ParameterError, match="not rounding"):
        data.positive_spectrum([-0.1, 1.0, 2.0], range_space=True)


@pytest.mark.parametrize("suffix,text", [(".txt", "# eigenvalues\n1\n2.5\n1e2\n"), (".csv", "1,2.5,\n100\n"),
                                         (".dat", "1 2.5\t100  # comment\n")])
def test_read_eigenvalues_text(tmp_path, suffix, text):
    p = tmp_path / f"eig{suffix}"
    p.write_text(text)
    np.testing.assert_array_equal(data.read_eigenvalues(p), [1.0, 2.5, 100.0])


def test_read_eigenvalues_npy_and_bad_files(tmp_path):
    np.save(tmp_path / "e.npy", np.array([[3.0, 1.0], [2.0, 4.0]]))
    np.testing.assert_array_equal(data.read_eigenvalues(tmp_path / "e.npy"), [3.0, 1.0, 2.0, 4.0])
    (tmp_path / "bad.txt").write_text("1, two, 3\n")
    with pytest.raises(ParameterError, match="line 1"):
        data.read_eigenvalues(tmp_path / "bad.txt")
    with pytest.raises(ParameterError, match="existing file"):
        data.read_eigenvalues(tmp_path / "missing.txt")
    (tmp_path / "ragged.csv").write_text("1,2\n3\n")
    with pytest.raises(ParameterError, match="same number of columns"):
        data.read_matrix(tmp_path / "ragged.csv")


def test_from_design_dense_and_diagonal_agree():
    X, y = _design(), np.arange(60.0)
    dense = data.from_design(X, intercept=True, y=y)
    diag = data.from_design(X, intercept=True)
    np.testing.assert_allclose(dense.eigenvalues, diag.eigenvalues, rtol=1e-12)
    w = np.linalg.lstsq(np.column_stack([X, np.ones(60)]), y, rcond=None)[0]  # least squares, independently
    np.testing.assert_allclose(dense.xstar, w, rtol=1e-9)


# ----------------------------------------------------------------------------- the CLI
def test_cli_space_inside_a_list_is_an_error(cli):
    r = cli(["rate", "gd", "--eigenvalues", "1 2"])
    assert r.code == 2 and "separate eigenvalues with commas" in r.stderr and "Traceback" not in r.stderr
    assert cli(["rate", "gd", "--eigenvalues", "1, 2", "--eta", "0.5", "--json"]).code == 0


def test_cli_eigenvalues_from_files(cli, tmp_path):
    np.savetxt(tmp_path / "eig.txt", [1.0, 4.0, 10.0])
    np.save(tmp_path / "eig.npy", np.array([1.0, 4.0, 10.0]))
    out = [json.loads(cli(argv).stdout) for argv in (
        ["rate", "gd", "--eigenvalues", f"@{tmp_path / 'eig.txt'}", "--json"],
        ["rate", "gd", "--eigenvalues-file", str(tmp_path / "eig.npy"), "--json"],
        ["rate", "gd", "--eigenvalues", "1,4,10", "--json"])]
    assert out[0]["rate_theory"] == out[1]["rate_theory"] == out[2]["rate_theory"] == pytest.approx(9 / 11, rel=1e-14)  # (k-1)/(k+1)
    assert out[0]["spectrum_input"]["dropped"] == 0


def test_cli_hessian_of_singular_data(cli, tmp_path):
    X = _design()
    X = np.column_stack([X, X[:, 0] + X[:, 3]])  # one exact zero eigenvalue
    np.savetxt(tmp_path / "X.csv", X, delimiter=",")
    r = cli(["rate", "gd", "--hessian-of", str(tmp_path / "X.csv"), "--intercept"])
    assert r.code == 2 and "--range-space" in r.stderr and "Traceback" not in r.stderr
    r = cli(["rate", "gd", "--hessian-of", str(tmp_path / "X.csv"), "--intercept", "--range-space"])
    assert r.code == 0 and "dropped 1 eigenvalues" in r.stdout
    r = cli(["rate", "gd", "--hessian-of", str(tmp_path / "X.csv"), "--intercept", "--range-space", "--json"])
    rec = json.loads(r.stdout)
    lam = np.sort(np.linalg.svd(np.column_stack([X, np.ones(60)]) / np.sqrt(60), compute_uv=False) ** 2)[1:]
    assert rec["dim"] == 5 and abs(rec["mu"] - lam[0]) <= 1e-10 * lam[0] and abs(rec["L"] - lam[-1]) <= 1e-10 * lam[-1]


@pytest.mark.parametrize("argv,msg", [
    (["rate", "gd", "--intercept", "--mu", "1", "--L", "2"], "--intercept needs --hessian-of"),
    (["rate", "gd", "--eigenvalues", "1,2", "--eigenvalues-file", "x.txt"], "not several"),
    (["rate", "gd", "--eigenvalues", "@"], "expected @FILE"),
    (["rate", "gd", "--eigenvalues-file", "/nonexistent/e.txt"], "--eigenvalues-file must be an existing file"),
    (["rate", "gd", "--eigenvalues", "1,2", "--range-space", "abc"], "--range-space"),
])
def test_cli_spectrum_input_errors(cli, argv, msg):
    r = cli(argv)
    assert r.code == 2 and msg in r.stderr and "Traceback" not in r.stderr and r.stdout == ""
