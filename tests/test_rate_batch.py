"""``ratecheck rate --batch FILE.jsonl``: one JSON line per case, the same record as one ``rate --json`` each;
a bad line is one error naming the line and the key (exit 2) and nothing is written."""
from __future__ import annotations

import json

import pytest

CASES = [
    ({"method": "gd", "eigenvalues": [1, 10, 100], "eta": 0.015},
     ["rate", "gd", "--eigenvalues", "1,10,100", "--eta", "0.015"]),
    ({"method": "heavy-ball", "eigenvalues": "1,100", "params": {"alpha": 0.03, "beta": 0.6}},
     ["rate", "heavy-ball", "--eigenvalues", "1,100", "--params", "alpha=0.03,beta=0.6"]),
    ({"method": "nesterov", "mu": 1, "L": 100, "dim": 50, "tuning": "robust:margin=0.05", "steps": 300},
     ["rate", "nesterov", "--mu", "1", "--L", "100", "--dim", "50", "--tuning", "robust:margin=0.05", "--steps", "300"]),
    ({"method": "heavy-ball", "form": "ema", "eigenvalues": [1, 100], "params": {"lr": 0.1, "momentum": 0.5},
      "seed": 3}, ["rate", "heavy-ball", "--form", "ema", "--eigenvalues", "1,100", "--params", "lr=0.1,momentum=0.5",
                   "--seed", "3"]),
]


def _write(path, lines):
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return str(path)


def test_each_line_is_the_record_of_one_rate_call(cli, tmp_path):
    f = _write(tmp_path / "cases.jsonl", [c for c, _ in CASES[:2]] + [""] + [c for c, _ in CASES[2:]])
    r = cli(["rate", "--batch", f])
    assert r.code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == len(CASES)
    for line, (n, (_, argv)) in zip(lines, zip((1, 2, 4, 5), CASES)):
        got = json.loads(line)
        single = cli([*argv, "--json"])
        assert single.code == 0, single.stderr
        assert got == {"line": n, **json.loads(single.stdout)}  # blank line 3 skipped, numbering kept


def test_output_file_holds_the_lines_and_stdout_stays_empty(cli, tmp_path):
    f = _write(tmp_path / "cases.jsonl", [CASES[0][0]])
    out = tmp_path / "out.jsonl"
    r = cli(["rate", "--batch", f, "--batch-output", str(out)])
    assert r.code == 0 and r.stdout == ""
    assert json.loads(out.read_text())["line"] == 1


@pytest.mark.parametrize("bad, line, words", [
    ({"method": "gd", "mu": -1, "L": 100}, 2, ['line 2', 'key "mu"', "> 0"]),
    ({"method": "gd", "lr": 0.1, "mu": 1, "L": 100}, 2, ['line 2', 'key "lr"', "params"]),
    ({"method": "gd", "mu": 1, "L": 100, "etaa": 0.1}, 2, ['key "etaa"', "did you mean 'eta'"]),
    ({"method": "gd", "mu": 5, "L": 1}, 2, ['line 2', 'key "L"', "mu = 5"]),  # found when the case runs
    ({"method": "gd", "eigenvalues": "1 2"}, 2, ['key "eigenvalues"', "commas"]),
    ({"method": "gd", "mu": 1, "L": 100, "intercept": 3}, 2, ['key "intercept"', "true or false"]),
    ('{"method": "gd", "mu": 1 "L": 2}', 2, ["line 2", "not JSON"]),
    ('{"method": "gd", "mu": 1, "mu": 2, "L": 3}', 2, ["line 2", 'key "mu"', "twice"]),
    ("[1, 2]", 2, ["line 2", "JSON object"]),
])
def test_bad_line_names_line_and_key_and_writes_nothing(cli, tmp_path, bad, line, words):
    f = _write(tmp_path / "cases.jsonl", [CASES[0][0], bad, CASES[1][0]])
    out = tmp_path / "out.jsonl"
    out.write_text("kept\n")
    for extra in ([], ["--batch-output", str(out)]):
        r = cli(["rate", "--batch", f, *extra])
        assert r.code == 2 and r.stdout == ""
        assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
        assert r.stderr.startswith(f"ratecheck: error: --batch {f} line {line}")
        for w in words:
            assert w in r.stderr, r.stderr
    assert out.read_text() == "kept\n"


def test_command_line_options_and_empty_files_are_refused(cli, tmp_path):
    f = _write(tmp_path / "cases.jsonl", [CASES[0][0]])
    r = cli(["rate", "--batch", f, "--mu", "1"])
    assert r.code == 2 and "--mu was given on the command line" in r.stderr
    r = cli(["rate", "gd", "--mu", "1", "--L", "2", "--batch-output", str(tmp_path / "x")])
    assert r.code == 2 and "--batch-output needs --batch" in r.stderr
    empty = _write(tmp_path / "empty.jsonl", ["", "  "])
    r = cli(["rate", "--batch", empty])
    assert r.code == 2 and "has no cases" in r.stderr
    r = cli(["rate", "--batch", str(tmp_path / "missing.jsonl")])
    assert r.code == 2 and "cannot read --batch" in r.stderr


def test_python_api_loop_gives_the_batch_numbers(cli, tmp_path):
    """The documented Python route: ratecheck.measure_rate in a loop (README, "Many cases")."""
    import ratecheck

    f = _write(tmp_path / "cases.jsonl", [CASES[0][0]])
    batch = json.loads(cli(["rate", "--batch", f]).stdout)
    r = ratecheck.measure_rate("gd", eigenvalues=[1, 10, 100], params={"eta": 0.015})
    assert r["rate_theory"] == batch["rate_theory"] and r["rate_simulated"] == batch["rate_simulated"]
