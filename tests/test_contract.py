"""The CLI and API contract, checked on generated inputs (hypothesis; issue 8).

For every generated command line of ``rate``, ``simulate``, ``sweep`` and ``derive`` (run in process
through ``reports.cli.main``, in a fresh directory):

* the exit status is 0 or 2 (1 is reserved for a failing ``verify``);
* an error is at most three lines on stderr, starts with ``ratecheck: error:`` and has no traceback;
* no warning is emitted (recorded with ``warnings.catch_warnings``, not only what reaches stderr);
* JSON output (stdout or a file) is strict JSON (no NaN/Infinity tokens);
* a failed command leaves no file behind, and no command touches anything but its named outputs
  (a sentinel file and a pre-existing output keep their bytes, mode and inode unless named).

The public API (``measure_rate``, ``spectra.parse``, ``simulate_diagonal``) gets the same treatment:
a result whose numbers are finite or None, or ValueError/TypeError naming a parameter.

A few real subprocess runs check what in-process runs cannot: the interpreter's own output.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ratecheck.reports.cli import main

# ----------------------------------------------------------------------------- generated command lines
#: (valid values, hostile values, weight): a draw is valid with probability weight/(weight + 1)
POOLS = {
    "number": (["1", "2", "10", "0.5", "0.1", "100", "1e-3", "0.02", "0.9999999999"],
               ["0", "-1", "1e308", "1e-320", "nan", "inf", "-inf", "", "abc", "1e999", "2,20", "0x10", "1_000",
                "\u0663", "x" * 300], 8),
    "int": (["2", "3", "5", "10", "50", "1e3"], ["0", "1", "-2", "1.5", "abc", "", "nan"], 8),
    "method": (["gd", "heavy-ball", "nesterov"], ["adam", "", "GD"], 8),
    "spec": (["uniform:mu=1,L=10", "geometric:mu=1,L=1e4", "random-uniform:mu=1,L=10", "two-clusters:mu=1,L=100",
              "power-law:exponent=1", "marchenko-pastur:ratio=0.5", "marchenko-pastur:ratio=0.999999999",
              "eigenvalues:2,20", "eigenvalues:1e200,1e200"],
             ["marchenko-pastur:ratio=0", "eigenvalues:", "uniform:mu=1", "uniform:mu=1,mu=2,L=3", "bogus:x=1",
              "uniform:mu=nan,L=1", "two-clusters:mu=1,L=2,width=0.9", "power-law:exponent=1000",
              "marchenko-pastur:ratio=1e-310"], 3),
    "out": (["out.json", "existing.json", "-", "out.txt"], ["sub/none.json", ".", "/proc/x", "sentinel.txt/x"], 2),
}


def pick(draw, pool, hostile: bool, valid=None, bad=None, weight=None):
    """Mostly a valid value (so that runs get past parsing and exercise the numerics), sometimes a hostile one;
    only valid ones when ``hostile`` is False."""
    v, h, w = POOLS[pool] if pool else (valid, bad, weight or 8)
    if hostile and draw(st.integers(0, w)) == w:
        return draw(st.sampled_from(h))
    return draw(st.sampled_from(v))


def _flags(pairs):
    """argv from a list of (flag, value) pairs, value None for a bare flag."""
    out = []
    for flag, value in pairs:
        out.append(flag)
        if value is not None:
            out.append(value)
    return out


@st.composite
def rate_argv(draw, hostile=True):
    pairs = []
    if draw(st.booleans()):
        pairs += [("--mu", pick(draw, 'number', hostile)), ("--L", pick(draw, 'number', hostile))]
    else:
        pairs += [("--eigenvalues", pick(draw, None, hostile, ["1,100", "2,20", "1e200,1e200", "1,3"], ["0,1", "a,b", ","]))]
    for flag in ("--eta", "--alpha", "--beta", "--gamma"):
        if draw(st.integers(0, 5)) == 0:
            pairs.append((flag, pick(draw, 'number', hostile)))
    if draw(st.booleans()):
        pairs.append(("--tuning", draw(st.sampled_from(["optimal", "standard", "fast"]))))
    pairs.append(("--dim", pick(draw, None, hostile, ["2", "10", "100"], ["0", "abc"])))
    if draw(st.booleans()):
        pairs.append(("--steps", pick(draw, 'int', hostile)))
    if draw(st.booleans()):
        pairs.append(("--seed", pick(draw, 'int', hostile)))
    if draw(st.booleans()):
        pairs.append(("--form", draw(st.sampled_from(["velocity", "pytorch", "lessard", "polyak", "bogus"]))))
    pairs.append(("--json", None))
    return ["rate", pick(draw, 'method', hostile), *_flags(pairs)]


@st.composite
def simulate_argv(draw, hostile=True):
    pairs = [("--spectrum", pick(draw, 'spec', hostile)), ("--steps", pick(draw, 'int', hostile))]
    if draw(st.integers(0, 6)):
        pairs.append(("--dim", pick(draw, None, hostile, ["2", "10", "100", "1e3"], ["0", "abc"])))
    if draw(st.integers(0, 3)) == 0:
        pairs.append(("--eta", pick(draw, 'number', hostile)))
    elif draw(st.booleans()):
        pairs.append(("--tuning", "optimal"))
    for flag, good, bad in (("--precision", ["float64", "float32"], ["half"]),
                            ("--backend", ["numpy", "numba"], ["cupy"]),
                            ("--radius", ["1", "1e-40", "1e90"], ["5e-40", "0", "nan"]),
                            ("--record-every", ["1", "3"], ["0"]), ("--seed", ["0", "7"], ["-1"])):
        if draw(st.integers(0, 3)) == 0:
            pairs.append((flag, pick(draw, None, hostile, good, bad, 3)))
    if draw(st.booleans()):
        pairs.append(("--json", pick(draw, 'out', hostile)))
    return ["simulate", pick(draw, 'method', hostile), *_flags(pairs)]


@st.composite
def sweep_argv(draw, hostile=True):
    methods = pick(draw, None, hostile, ["gd", "heavy-ball", "nesterov", "gd,nesterov"], ["gd,gd", "adam", ""])
    pairs = [("--methods", methods),
             ("--kappa", pick(draw, None, hostile, ["10:100", "10:30", "10:10.000000000000002"],
                              ["10:1e40", "1:10", "100:10", "10", "a:b", "nan:10"])),
             ("--points", pick(draw, None, hostile, ["2", "3"], ["1", "1e8", "x"])),
             ("--no-progress", None)]
    for flag, good, bad in (("--tol", ["1e-8", "1e-150"], ["1e-300", "0", "1", "x"]),
                            ("--max-steps", ["1", "100"], ["0"]), ("--init", ["extreme", "random"], ["x"]),
                            ("--dim", ["10", "2"], ["1"]), ("--spacing", ["log", "linear"], ["x"]),
                            ("--tuning", ["optimal", "standard"], ["fast"]),
                            ("--executor", ["local"], ["dask://nohost", "mpi"])):
        if draw(st.integers(0, 3)) == 0:
            pairs.append((flag, pick(draw, None, hostile, good, bad, 3)))
    for flag, good in (("--json", ["out.json", "existing.json", "-"]), ("--csv", ["out.csv"]), ("--plot", ["out.pdf"])):
        if draw(st.integers(0, 2)) == 0:
            pairs.append((flag, pick(draw, None, hostile, good, ["sub/none", "/proc/x", "dirout", "sentinel.txt/x", "out",
                                                                 "-"], 2)))
    return ["sweep", *_flags(pairs)]


def _reject_constant(token):
    raise ValueError(f"non-finite JSON token {token}")


def _strict(text: str):
    return json.loads(text, parse_constant=_reject_constant)


def _snapshot(root: Path) -> dict[str, tuple]:
    out = {}
    for p in sorted(root.rglob("*")):
        st_ = os.lstat(p)
        data = p.read_bytes() if p.is_file() and not p.is_symlink() else None
        out[str(p.relative_to(root))] = (st_.st_ino, st_.st_mode, data)
    return out


def _named_outputs(argv: list[str]) -> set[str]:
    """The files a command may create or replace: its --json/--csv/--plot targets and their STEM.config.toml."""
    named = set()
    for i, a in enumerate(argv[:-1]):
        if a in ("--json", "--csv", "--plot") and argv[i + 1] not in ("-",):
            t = argv[i + 1]
            named.add(os.path.normpath(t))
            if argv[0] == "sweep":
                named.add(os.path.normpath(str(Path(t).with_name(Path(t).stem + ".config.toml"))))
    return named


def check_contract(argv: list[str], root: Path) -> None:
    (root / "sentinel.txt").write_text("keep me")
    (root / "existing.json").write_text("previous contents")
    (root / "dirout.config.toml").mkdir(exist_ok=True)  # a side file that cannot be written
    before = _snapshot(root)
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            warnings.simplefilter("always")
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(cwd)
    stdout, stderr = out.getvalue(), err.getvalue()
    where = f"argv={argv!r}\nstderr={stderr[-800:]!r}"
    assert code in (0, 2), where
    assert not [str(w.message) for w in caught], where + f"\nwarnings={[str(w.message) for w in caught]}"
    assert "Traceback" not in stderr and "Warning" not in stderr, where
    after = _snapshot(root)
    named = _named_outputs(argv)
    for path, (ino, mode, data) in before.items():  # nothing outside the named outputs changed
        if path not in named:
            assert after.get(path) == (ino, mode, data), where + f"\nchanged: {path}"
    new = set(after) - set(before)
    if code == 2:
        lines = stderr.strip().splitlines()
        assert 1 <= len(lines) <= 3 and lines[0].startswith("ratecheck: error: "), where
        assert not new, where + f"\nleft behind: {new}"
        for path in named & set(before):  # a failed command does not replace what was there
            assert after[path] == before[path], where
        return
    assert new <= named, where + f"\nunexpected files: {new - named}"
    if "--json" in argv:
        i = argv.index("--json")
        target = argv[i + 1] if i + 1 < len(argv) and argv[0] != "rate" else "-"
        _strict(stdout if target == "-" else (root / target).read_text())


_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@_SETTINGS
@given(argv=rate_argv())
def test_rate_contract(tmp_path_factory, argv):
    check_contract(argv, tmp_path_factory.mktemp("rate"))


@_SETTINGS
@given(argv=simulate_argv())
def test_simulate_contract(tmp_path_factory, argv):
    check_contract(argv, tmp_path_factory.mktemp("simulate"))


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=sweep_argv())
@example(argv=["sweep", "--methods", "gd", "--kappa", "10:10.000000000000002", "--points", "2", "--no-progress",
               "--plot", "out.pdf"])  # found by this test: matplotlib warned about a zero-width axis
@example(argv=["sweep", "--methods", "gd", "--kappa", "10:100", "--points", "2", "--no-progress", "--max-steps", "1",
               "--json", "out.json", "--plot", "-"])  # found by this test: a PDF on stdout was decoded as UTF-8
def test_sweep_contract(tmp_path_factory, argv):
    check_contract(argv, tmp_path_factory.mktemp("sweep"))


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=st.one_of(rate_argv(hostile=False), simulate_argv(hostile=False), sweep_argv(hostile=False)))
def test_valid_values_contract(tmp_path_factory, argv):
    """Valid values only (any combination of flags): the runs that reach the numerics and the outputs."""
    check_contract(argv, tmp_path_factory.mktemp("valid"))


@pytest.mark.parametrize("argv", [["derive", "bogus"], ["derive", "gd", "--json"], ["verify", "--topic", "bogus"],
                                  ["report", "--out", ""], ["bench", "--dim", "0"], ["bench", "--json", "/proc/x"],
                                  ["nosuchcommand"], ["rate"], ["simulate", "gd"], ["sweep", "--bogus"]])
def test_other_commands_contract(tmp_path, argv):
    check_contract(argv, tmp_path)


# ----------------------------------------------------------------------------- the public API
def _finite_or_none(obj) -> bool:
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(_finite_or_none(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_finite_or_none(v) for v in obj)
    return True


API_VALUE = st.one_of(st.sampled_from([0, -1, 1, 2.5, 1e308, 1e-320, float("nan"), float("inf"), None, "a", True, [1],
                                       {"eta": 1}, 1j]), st.floats(allow_nan=True, allow_infinity=True),
                      st.integers(-10, 10**6))


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(method=st.sampled_from(["gd", "heavy-ball", "nesterov", "bogus", None]), mu=API_VALUE, L=API_VALUE,
       eta=API_VALUE, dim=st.sampled_from([2, 10, 0, -1, 2.5, "x", None]), seed=API_VALUE,
       steps=st.sampled_from([None, 2, 50, 1, 0, "x", 2.5]))
def test_measure_rate_contract(method, mu, L, eta, dim, seed, steps):
    import ratecheck

    params = None if eta is None else {"eta": eta} if method == "gd" else {"alpha": eta, "beta": 0.5}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            out = ratecheck.measure_rate(method, mu=mu, L=L, params=params, dim=dim, seed=seed, steps=steps)
        except (ValueError, TypeError) as exc:
            assert len(str(exc)) < 600 and str(exc)
            return
    assert _finite_or_none(out), out
    json.dumps(out, allow_nan=False)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(text=st.one_of(st.sampled_from(POOLS["spec"][0] + POOLS["spec"][1]), st.text(max_size=40)), dim=st.sampled_from([None, 2, 10, 0, "x"]))
def test_spectrum_contract(text, dim):
    from ratecheck.numerics import spectra

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            lam = spectra.parse(text).eigenvalues(dim, seed=1)
        except (ValueError, TypeError) as exc:
            assert str(exc)
            return
    assert lam.ndim == 1 and np.all(np.isfinite(lam)) and np.all(lam > 0)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(lam=st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(0.0)), min_size=0, max_size=4),
       eta=st.floats(min_value=1e-300, max_value=1e300), backend=st.sampled_from(["numpy", "numba"]),
       steps=st.integers(1, 30))
def test_simulate_diagonal_contract(lam, eta, backend, steps):
    from ratecheck import numerics
    from ratecheck.numerics.backends import simulate_diagonal

    rule = numerics.rule("gd", {"eta": eta})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            tr = simulate_diagonal(rule, np.array(lam, dtype=float), np.ones(len(lam)), steps, backend=backend)
        except (ValueError, TypeError) as exc:
            assert str(exc)
            return
    assert np.all(np.isfinite(tr.error_norm)) and np.all(np.isfinite(tr.loss))
    assert math.isfinite(tr.rate().rate)


# ----------------------------------------------------------------------------- real processes
@pytest.mark.parametrize("argv,code", [(["rate", "gd", "--mu", "1", "--L", "10", "--dim", "10", "--json"], 0),
                                       (["rate", "gd", "--mu", "nan", "--L", "10"], 2),
                                       (["simulate", "gd", "--spectrum", "marchenko-pastur:ratio=0.999999999",
                                         "--dim", "10", "--steps", "5", "--eta", "0.1", "--json", "/proc/x"], 2)])
def test_contract_in_a_real_process(ratecheck_exe, tmp_path, argv, code):
    proc = subprocess.run([*ratecheck_exe, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "always"})
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr
    if code == 0:
        _strict(proc.stdout)
        assert proc.stderr == ""
    else:
        assert len(proc.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_comparison_with_numpy_values_is_json():
    """`verify --json` once stopped mid-output on a claim whose exact comparison was a numpy.bool_."""
    from ratecheck.proofs.claim import Comparison, Guarantee

    exact = Comparison(np.float64(2.0), 2.0, 0.0, Guarantee.EXACT, "q")
    assert type(exact.passed) is bool and exact.passed
    d = json.loads(json.dumps(exact.to_dict()))
    assert d["passed"] is True and d["computed"] == 2.0
    counted = Comparison(np.int64(3), np.int64(4), 0.0, Guarantee.EXACT, "count")
    assert json.loads(json.dumps(counted.to_dict()))["passed"] is False


def test_comparison_with_a_numpy_tolerance_is_json():
    from ratecheck.proofs.claim import Comparison, Guarantee

    tight = Comparison(1.0, 1.0, np.float64(1e-12), Guarantee.TIGHT, "q")
    assert type(tight.passed) is bool
    assert json.loads(json.dumps(tight.to_dict()))["passed"] is True
