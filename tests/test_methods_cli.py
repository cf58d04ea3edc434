"""User-defined methods on the command line: rate/derive --method-file, --params, `ratecheck methods`, --form ?."""
from __future__ import annotations

import json
import math

import pytest

QHM = "examples/qhm.py:QHM"


@pytest.fixture
def in_repo(monkeypatch, repo_root):
    monkeypatch.chdir(repo_root)


def test_rate_qhm_given_params(cli, in_repo):
    r = cli(["rate", "--method-file", QHM, "--params", "alpha=0.5,beta=0.9,nu=0.7", "--mu", "0.01", "--L", "1",
             "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["method"], out["form"], out["tuning"]) == ("qhm", "qhm", "given")
    assert out["params"] == {"alpha": 0.5, "beta": 0.9, "nu": 0.7}
    assert out["max_location"] == "endpoint" and out["worst_lambda"] in (0.01, 1.0)
    gap = 1 - out["rate_theory"]
    assert abs(out["rate_simulated"] - out["rate_theory"]) <= 0.01 * gap  # within 1 % of the gap


def test_rate_qhm_optimal_reaches_chebyshev_never_below(cli, in_repo):
    r = cli(["rate", "--method-file", QHM, "--mu", "1", "--L", "100", "--tuning", "optimal", "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    cheb = (math.sqrt(100) - 1) / (math.sqrt(100) + 1)
    assert cheb * (1 - 1e-15) <= out["rate_theory"] <= cheb + 1e-6
    assert abs(out["rate_simulated"] - out["rate_theory"]) <= 0.01 * (1 - out["rate_theory"])


def test_params_flag_for_builtins_equals_named_flags(cli):
    a = json.loads(cli(["rate", "heavy-ball", "--mu", "1", "--L", "10", "--params", "alpha=0.1,beta=0.5",
                        "--dim", "1000", "--json"]).stdout)
    b = json.loads(cli(["rate", "heavy-ball", "--mu", "1", "--L", "10", "--alpha", "0.1", "--beta", "0.5",
                        "--dim", "1000", "--json"]).stdout)
    assert a == b


@pytest.mark.parametrize("argv, needle", [
    (["rate", "--method-file", "examples/none.py:QHM", "--mu", "1", "--L", "2"], "existing Python file"),
    (["rate", "--method-file", "examples/qhm.py", "--mu", "1", "--L", "2"], "FILE:NAME"),
    (["rate", "--method-file", "examples/qhm.py:Nope", "--mu", "1", "--L", "2"], "defines Nope"),
    (["rate", "--method-file", "examples/qhm.py:qhm_update", "--mu", "1", "--L", "2"], "is a ratecheck.numerics.Method"),
    (["rate", "--method-file", QHM, "--params", "alpha=0.5,beta=1.5,nu=0.5", "--mu", "1", "--L", "2"], "--beta"),
    (["rate", "--method-file", QHM, "--params", "alpha=0.5,beta=0.5", "--mu", "1", "--L", "2"], "--nu"),
    (["rate", "--method-file", QHM, "--tuning", "standard", "--mu", "1", "--L", "2"], "--tuning"),
    (["rate", "gd", "--method-file", QHM, "--mu", "1", "--L", "2"], "exactly one"),
    (["rate", "gd", "--params", "eta=1,eta=2", "--mu", "1", "--L", "2"], "given twice"),
    (["derive"], "exactly one"),
])
def test_bad_method_input_is_one_line_exit_2(cli, in_repo, argv, needle):
    r = cli(argv)
    assert r.code == 2
    assert r.stderr.count("\n") == 1 and needle in r.stderr and "Traceback" not in r.stderr


def test_method_file_that_raises_or_branches(cli, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('boom')\n")
    r = cli(["rate", "--method-file", f"{bad}:M", "--mu", "1", "--L", "2"])
    assert r.code == 2 and "RuntimeError: boom" in r.stderr and r.stderr.count("\n") == 1
    branching = tmp_path / "branch.py"
    branching.write_text(
        "import math\nfrom ratecheck.numerics import Method, Param, StateArray\n"
        "def upd(s, g, p, t):\n    return {'x': s.x - p.eta * g if s.x > 0 else s.x}\n"
        "M = Method(method='b', name='b', params=(Param('eta', 0.0, math.inf),), state=(StateArray('x', 'x'),), "
        "update=upd)\n")
    r = cli(["rate", "--method-file", f"{branching}:M", "--mu", "1", "--L", "2"])
    assert r.code == 2 and "pure arithmetic" in r.stderr and r.stderr.count("\n") == 1


def test_derive_method_file(cli, in_repo):
    r = cli(["derive", "--method-file", QHM, "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["method"] == "qhm" and out["linear"] is True
    labels = {s["label"]: s["check"] for s in out["steps"]}
    assert labels["update on one eigen-direction"] == "passed"
    assert labels["Schur-Cohn/Jury conditions"] == "passed"
    assert labels["maximum over [mu, L] at an end"] == "passed"
    assert "char_poly" in out["results"] and "stability" in out["results"]


def test_methods_lists_every_form_with_ranges(cli):
    r = cli(["methods", "--json"])
    assert r.code == 0
    records = json.loads(r.stdout)["methods"]
    assert len(records) == 24 + 14  # + the adaptive note-002, note-003, paper forms
    assert [x["family"] for x in records] == ["classic"] * 10 + ["linear"] * 2 + ["adaptive"] * (12 + 14)
    cheb = next(x for x in records if x["method"] == "chebyshev")
    assert cheb["linearity"] == "linear, time-varying"
    assert {x["linearity"] for x in records if x["family"] == "adaptive"} == {"not linear"}
    hb = next(x for x in records if x["form"] == "polyak")
    assert hb["params"][1] == {"name": "beta", "range": "[0, 1)", "default": None, "doc": "momentum"}
    assert all(x["source"] for x in records)
    r = cli(["rate", "nesterov", "--form", "?"])
    assert r.code == 0 and "seed-003" in r.stdout and "pytorch" in r.stdout and "polyak" not in r.stdout
