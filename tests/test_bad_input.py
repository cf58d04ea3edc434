"""Bad input and divergence on every subcommand: one readable error line (exit 2) or a finite result.

Bad values exit 2 with exactly one stderr line ``ratecheck: error: ...`` and no traceback; a divergent
run is a result (exit 0) whose growth factor is a finite number, and every JSON output is strict JSON
(no NaN / Infinity tokens).
"""
from __future__ import annotations

import json
import math
import subprocess

import numpy as np
import pytest

from ratecheck import numerics
from ratecheck.numerics.backends import simulate_diagonal
from ratecheck.numerics.rates import fitted_rate
from ratecheck.numerics.validation import ParameterError

R = ["rate", "gd", "--mu", "1", "--L", "10", "--dim", "100"]
S = ["simulate", "gd", "--spectrum", "uniform:mu=1,L=10", "--dim", "100", "--steps", "20"]


def _strict_json(text: str):
    def reject(token):
        raise ValueError(f"non-finite JSON token {token}")
    return json.loads(text, parse_constant=reject)


BAD = {
    # a rate needs two steps
    "rate-steps-1": R + ["--steps", "1"],
    "rate-steps-1-json": R + ["--steps", "1", "--json"],
    "simulate-steps-1": S[:-1] + ["1"],
    # the first step overflows float64: nothing finite to measure
    "rate-eta-1e300": R + ["--eta", "1e300"],
    "simulate-eta-1e300": S + ["--eta", "1e300"],
    "simulate-eta-1e300-numpy": S + ["--eta", "1e300", "--backend", "numpy"],
    "simulate-eta-1e200-numpy": S + ["--eta", "1e200", "--backend", "numpy"],
    "simulate-float32-eta-1e100": S + ["--precision", "float32", "--eta", "1e100"],
    "simulate-float32-radius-tiny": S + ["--precision", "float32", "--radius", "1e-60"],
    # seeds, memory, ranges
    "rate-seed-negative": R + ["--seed", "-1"],
    "simulate-seed-negative": S + ["--seed", "-1"],
    "simulate-seed-fraction": S + ["--seed", "1.5"],
    "rate-steps-huge": R + ["--steps", "1e12"],
    "simulate-steps-huge": S[:-1] + ["1e12"],
    "simulate-steps-huge-numpy": S[:-1] + ["1e12", "--backend", "numpy"],
    "bench-steps-huge": ["bench", "--dim", "10", "--steps", "1e13"],
    "simulate-radius-huge": S + ["--radius", "1e300"],
    "simulate-radius-tiny": S + ["--radius", "1e-300"],
    "simulate-radius-inf": S + ["--radius", "inf"],
    "rate-kappa-overflow": ["rate", "gd", "--mu", "1e-300", "--L", "1e300"],
    "rate-eigenvalues-kappa-overflow": ["rate", "gd", "--eigenvalues", "1e-300,1e300"],
    "rate-L-nan": ["rate", "gd", "--mu", "1", "--L", "nan"],
    "rate-dim-inf": R[:-1] + ["inf"],
    "rate-eta-abc": R + ["--eta", "abc"],
    # unwritable outputs
    "simulate-json-missing-dir": S + ["--json", "/nonexistent/dir/x.json"],
    "simulate-json-is-dir": S + ["--json", "/"],
    "bench-json-missing-dir": ["bench", "--json", "/nonexistent/x.json"],
    "report-out-proc": ["report", "--out", "/proc/x", "--only", "gd"],
    "report-out-empty": ["report", "--out", "", "--only", "gd"],
    "sweep-json-missing-dir": ["sweep", "--json", "/nonexistent/x.json"],
    # sweep bounds
    "sweep-points-1e8": ["sweep", "--points", "1e8"],
    "sweep-points-1e9": ["sweep", "--points", "1e9"],
    "sweep-points-10001": ["sweep", "--points", "10001"],
    "sweep-points-1": ["sweep", "--points", "1"],
    "sweep-seed-negative": ["sweep", "--seed", "-1"],
    "sweep-tol-nan": ["sweep", "--tol", "nan"],
    "sweep-kappa-inf": ["sweep", "--kappa", "10:inf"],
    # malformed lists and SPEC strings
    "rate-eigenvalues-empty-item": ["rate", "gd", "--eigenvalues", "2,,20"],
    "rate-eigenvalues-trailing-comma": ["rate", "gd", "--eigenvalues", "2,20,"],
    "simulate-spec-empty-item": S[:3] + ["uniform:mu=1,,L=2"] + S[4:],
    "simulate-spec-duplicate-key": S[:3] + ["uniform:mu=1,mu=2,L=3"] + S[4:],
    "simulate-spec-eigenvalues-empty-item": ["simulate", "gd", "--spectrum", "eigenvalues:2,,20", "--steps", "10"],
    "simulate-spec-eigenvalues-none": ["simulate", "gd", "--spectrum", "eigenvalues:", "--steps", "10"],
    # conflicting or missing flags
    "rate-missing-L": ["rate", "gd", "--mu", "1"],
    "rate-tuning-and-params": R + ["--tuning", "optimal", "--eta", "0.1"],
    "simulate-missing-dim": ["simulate", "gd", "--spectrum", "uniform:mu=1,L=2", "--steps", "10"],
    "simulate-numpy-float32": S + ["--backend", "numpy", "--precision", "float32"],
    "derive-unknown": ["derive", "bogus"],
}


@pytest.mark.parametrize("argv", list(BAD.values()), ids=list(BAD))
def test_bad_input_is_one_line_exit_2(cli, argv):
    r = cli(argv)
    lines = r.stderr.strip().splitlines()
    assert r.code == 2, (r.code, r.stdout[-300:], r.stderr[-600:])
    assert len(lines) == 1 and lines[0].startswith("ratecheck: error: "), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_error_messages_name_the_flag_and_range(cli):
    assert "--steps" in cli(R + ["--steps", "1"]).stderr and ">= 2" in cli(R + ["--steps", "1"]).stderr
    assert "--eta" in cli(R + ["--eta", "1e300"]).stderr
    assert "--seed" in cli(R + ["--seed", "-1"]).stderr
    msg = cli(S + ["--radius", "1e-300"]).stderr
    assert "--radius" in msg and "1e-90" in msg and "minimizer" not in msg
    assert "[2, 10000]" in cli(["sweep", "--points", "1e8"]).stderr
    assert "duplicate mu" in cli(S[:3] + ["uniform:mu=1,mu=2,L=3"] + S[4:]).stderr
    assert "cannot write --json /nonexistent/dir/x.json" in cli(S + ["--json", "/nonexistent/dir/x.json"]).stderr


DIVERGENT = {
    "rate-eta-1e100": R + ["--eta", "1e100", "--json"],
    "rate-eta-1": R + ["--eta", "1", "--json"],
    "simulate-eta-1e100": S + ["--eta", "1e100", "--json", "-"],
    "simulate-eta-1e100-numpy": S + ["--eta", "1e100", "--backend", "numpy", "--json", "-"],
    "simulate-eta-1e40-numpy": S + ["--eta", "1e40", "--backend", "numpy", "--json", "-"],
    "simulate-eta-1e40": S + ["--eta", "1e40", "--json", "-"],
    "simulate-float32-eta-1e30": S + ["--precision", "float32", "--eta", "1e30", "--json", "-"],
    "simulate-mp-eta-1e100": ["simulate", "gd", "--spectrum", "marchenko-pastur:ratio=0.5", "--dim", "100",
                              "--steps", "10", "--eta", "1e100", "--json", "-"],
}


@pytest.mark.parametrize("argv", list(DIVERGENT.values()), ids=list(DIVERGENT))
def test_divergence_is_a_finite_result(cli, argv):
    r = cli(argv)
    assert r.code == 0, r.stderr
    out = _strict_json(r.stdout)
    assert out["diverged"] is True
    growth = out["growth_factor"] if argv[0] == "rate" else out["rate_fitted"]
    assert isinstance(growth, float) and math.isfinite(growth) and growth > 1
    if argv[0] == "simulate":
        for row in out["trajectory"]:
            assert math.isfinite(row["error_ratio"]) and math.isfinite(row["loss"])


def test_divergence_text_output_has_no_inf_or_nan(cli):
    for argv in (R + ["--eta", "1e100"], S + ["--eta", "1e40"], S + ["--eta", "1e40", "--backend", "numpy"]):
        r = cli(argv)
        assert r.code == 0, r.stderr
        words = r.stdout.lower().replace(",", " ").split()
        assert not {"nan", "inf", "-inf"} & set(words), r.stdout


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_library_overflow_truncates_to_finite_part(backend):
    # eta = 1e40 on [1, 10]: step 1 ~1e41, step 2 ~1e82, ||e||^2 of step 4 overflows float64
    lam = np.linspace(1.0, 10.0, 50)
    e0 = np.full(50, 0.1)
    rule = numerics.rule("gd", {"eta": 1e40})
    tr = simulate_diagonal(rule, lam, e0, 10, backend=backend)
    assert tr.diverged
    assert np.all(np.isfinite(tr.error_norm)) and np.all(np.isfinite(tr.loss))
    g = tr.rate().rate
    assert math.isfinite(g) and g > 1e39


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_library_first_step_overflow_is_parameter_error(backend):
    lam = np.linspace(1.0, 10.0, 50)
    rule = numerics.rule("gd", {"eta": 1e200})
    with pytest.raises(ParameterError) as exc:
        simulate_diagonal(rule, lam, np.full(50, 0.1), 10, backend=backend)
    assert exc.value.name == "eta"


def test_backends_agree_on_overflow():
    lam = np.linspace(1.0, 10.0, 50)
    e0 = np.full(50, 0.1)
    rule = numerics.rule("gd", {"eta": 1e40})
    a = simulate_diagonal(rule, lam, e0, 10, backend="numpy")
    b = simulate_diagonal(rule, lam, e0, 10, backend="numba")
    assert a.steps_run == b.steps_run and a.diverged == b.diverged and a.overflowed == b.overflowed
    np.testing.assert_allclose(a.error_norm, b.error_norm, rtol=1e-12)


def test_fitted_rate_never_nan():
    # one step: the one-step ratio; an underflowed tail: fit up to where the error was still normal
    assert fitted_rate(np.array([1.0, 0.5])).rate == pytest.approx(0.5)
    r = 0.5 ** np.arange(2000.0)
    r[r < 1e-300] = 0.0
    assert fitted_rate(r).rate == pytest.approx(0.5, rel=1e-9)
    with pytest.raises(ValueError):
        fitted_rate(np.array([1.0, np.inf]))


def test_rate_json_is_strict(cli):
    r = cli(R + ["--steps", "2", "--json"])
    assert r.code == 0, r.stderr
    assert math.isfinite(_strict_json(r.stdout)["rate_simulated"])


def test_subprocess_errors_have_no_traceback(ratecheck_exe, repo_root):
    for argv in (["simulate", *S[1:], "--eta", "1e300", "--backend", "numpy"], ["rate", *R[1:], "--seed", "-1"]):
        proc = subprocess.run([*ratecheck_exe, *argv], capture_output=True, text=True, cwd=repo_root, timeout=120)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("ratecheck: error:"), proc.stderr


# ----------------------------------------------------------------------------- issue 8: tracebacks and messages
SIM5 = ["simulate", "gd", "--dim", "10", "--steps", "5", "--eta", "0.1"]


@pytest.mark.parametrize("ratio", ["0.999999999", "1e-310", "0"])
def test_marchenko_pastur_extreme_ratio_no_warning(cli, ratio):
    """Item 6: ratio near 1 or subnormal: a result or one line naming --spectrum, never a RuntimeWarning."""
    r = cli(SIM5 + ["--spectrum", f"marchenko-pastur:ratio={ratio}"])
    assert "Warning" not in r.stderr and "internal error" not in r.stderr
    if ratio == "0.999999999":
        assert r.code == 0, r.stderr
    else:
        assert r.code == 2
        assert r.stderr.startswith("ratecheck: error: --spectrum must be a marchenko-pastur spectrum with ratio")
        assert "--ratio" not in r.stderr


def test_marchenko_pastur_ratio_near_one_is_accurate():
    """The lower edge (1 - sqrt r)^2 is formed without cancellation: compare with 50-digit mpmath."""
    import mpmath

    from ratecheck.numerics.spectra import marchenko_pastur, marchenko_pastur_cdf_theta, marchenko_pastur_edges

    r = 0.999999999
    lo, _ = marchenko_pastur_edges(r)
    with mpmath.workdps(50):
        exact = float((1 - mpmath.sqrt(mpmath.mpf(r))) ** 2)
    assert lo == pytest.approx(exact, rel=1e-12)
    lam = marchenko_pastur(1000, r)
    assert lam[0] > lo and np.all(np.diff(lam) >= 0)
    assert float(marchenko_pastur_cdf_theta(np.pi, r)) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("spec,key", [("two-clusters:mu=1,L=100,fraction=2", "fraction"),
                                      ("two-clusters:mu=1,L=100,width=2", "width"),
                                      ("power-law:exponent=-1", "exponent"),
                                      ("uniform:mu=-1,L=10", "mu"), ("uniform:mu=5,L=1", "L")])
def test_spectrum_keys_are_reported_inside_spectrum(cli, spec, key):
    """Item 17: keys inside --spectrum are not flags of simulate."""
    r = cli(SIM5 + ["--spectrum", spec])
    assert r.code == 2
    assert r.stderr.startswith("ratecheck: error: --spectrum must be") and f"with {key} " in r.stderr
    assert f"--{key}" not in r.stderr


def test_matrix_sampling_memory_message_names_dim(cli):
    r = cli(SIM5[:2] + ["--spectrum", "marchenko-pastur:ratio=1e-8,sampling=matrix", "--dim", "1000", "--steps", "5",
                        "--eta", "0.1"])
    assert r.code == 2 and "(got 1000)" in r.stderr and "Gaussian matrix" in r.stderr


def test_sweep_tuning_overflow_names_kappa(cli):
    r = cli(["sweep", "--methods", "heavy-ball", "--kappa", "10:1e40", "--points", "2"])
    assert r.code == 2 and r.stderr.startswith("ratecheck: error: --kappa must be")
    assert "valid up to about kappa" in r.stderr and "--beta" not in r.stderr


def test_subnormal_mu_names_mu(cli):
    r = cli(["rate", "heavy-ball", "--mu", "1e-320", "--L", "1e-320"])
    assert r.code == 2 and r.stderr.startswith("ratecheck: error: --mu must be a number >= 2.2e-308")


def test_float32_radius_names_radius(cli):
    r = cli(S + ["--eta", "0.1", "--precision", "float32", "--radius", "5e-40"])
    assert r.code == 2 and r.stderr.startswith("ratecheck: error: --radius must be") and "x0 must" not in r.stderr


def test_long_bad_value_is_cut(cli):
    r = cli(R + ["--eta", "x" * 5000])
    assert r.code == 2 and len(r.stderr) < 300 and "..." in r.stderr
    r = cli(S[:3] + ["uniform:mu=1,L=" + "y" * 5000] + S[4:])
    assert r.code == 2 and len(r.stderr) < 300


def test_sweep_degenerate_kappa_range_has_no_warning(cli):
    """Item 7: KMIN and KMAX one ulp apart: the exponent fit is undefined (—), not a RuntimeWarning."""
    r = cli(["sweep", "--methods", "gd", "--kappa", "10:10.000000000000002", "--points", "2", "--json", "-"])
    assert r.code == 0, r.stderr
    fit = _strict_json(r.stdout)["fits"][0]
    assert fit["exponent"] is None and fit["points"] == 2


def test_latexmk_failure_is_one_line(cli, tmp_path):
    """Item 8: rep/ratecheck.pdf a directory: one line saying what failed and where the log is."""
    from ratecheck.reports.latex import tex_available

    if not tex_available():
        pytest.skip("TeX not installed")
    (tmp_path / "ratecheck.pdf").mkdir()
    r = cli(["report", "--out", str(tmp_path), "--only", "gd"])
    assert r.code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "latexmk could not build the PDF" in lines[0]
    assert f"full log: {tmp_path / 'ratecheck.log'}" in lines[0]


# ----------------------------------------------------------------------------- issue 8: the Python API
def _api_cases():
    import sympy as sp

    import ratecheck as rc
    from ratecheck.numerics.problems import isotropic_initial_error
    from ratecheck.theory.evaluate import to_float

    r = numerics.rule("gd", {"eta": 0.1})
    two = np.ones(2)
    return {
        "zero-eigenvalue": ("eigenvalues", lambda: rc.simulate_diagonal(r, np.array([0.0, 1.0]), two, 5, backend="numba")),
        "negative-eigenvalue": ("eigenvalues", lambda: rc.simulate_diagonal(r, np.array([-1.0, 1.0]), two, 5)),
        "complex-eigenvalue": ("eigenvalues", lambda: rc.simulate_diagonal(r, np.array([1 + 1j, 1.0]), two, 5)),
        "nan-eigenvalue": ("eigenvalues", lambda: rc.simulate_diagonal(r, np.array([np.nan, 1.0]), two, 5)),
        "nan-e0": ("e0", lambda: rc.simulate_diagonal(r, two, np.array([np.nan, 1.0]), 5)),
        "rule-none": ("rule", lambda: rc.simulate_diagonal(None, two, two, 5)),
        "params-none": ("params", lambda: numerics.rule("gd", None)),
        "params-str": ("params", lambda: numerics.rule("gd", "eta")),
        "claims-for-bogus": ("topic", lambda: rc.claims_for("bogus")),
        "get-claim-bogus": ("claim_id", lambda: rc.get_claim("bogus")),
        "assert-claim-bogus": ("claim_id", lambda: rc.testing.assert_claim("bogus")),
        "assert-rate-rtol-gap": ("rtol_gap", lambda: rc.testing.assert_rate_agrees("gd", mu=1, L=10, dim=10, rtol_gap=-1)),
        "to-float-nan": ("kappa", lambda: to_float(sp.Symbol("kappa") + 1, {"kappa": float("nan")})),
        "explicit-abc": ("eigenvalues", lambda: rc.spectra.explicit("abc")),
        "explicit-complex": ("eigenvalues", lambda: rc.spectra.explicit([1j])),
        "random-uniform-seed": ("seed", lambda: rc.spectra.random_uniform(1, 2, 5, seed=-1)),
        "mp-seed": ("seed", lambda: rc.spectra.marchenko_pastur(5, 0.5, "random", seed="a")),
        "isotropic-seed": ("seed", lambda: isotropic_initial_error(5, -1)),
        "measure-params-list": ("params", lambda: rc.measure_rate("gd", mu=1, L=10, params=[1])),
        "measure-eigenvalues-str": ("eigenvalues", lambda: rc.measure_rate("gd", eigenvalues="abc")),
        "run-sweep-none": ("config", lambda: rc.run_sweep(None)),
        "simulate-problem-none": ("problem", lambda: rc.simulate(r, None, two, 5)),
    }


@pytest.mark.parametrize("case", list(_api_cases()))
def test_api_rejects_bad_arguments_naming_the_parameter(case):
    """Every public function raises ValueError/TypeError naming the parameter (no KeyError, no NumPy message)."""
    import warnings

    name, call = _api_cases()[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises((ValueError, TypeError)) as info:
            call()
    assert not isinstance(info.value, KeyError)
    assert name in str(info.value), str(info.value)
