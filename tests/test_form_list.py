"""`ratecheck rate METHOD --form ?` lists the forms (issue 10, point 9: the help's own advice used to fail)."""
from __future__ import annotations

from ratecheck import numerics


def test_form_question_mark_lists_every_form(cli):
    for method in ("gd", "heavy-ball", "nesterov"):
        r = cli(["rate", method, "--form", "?"])
        assert r.code == 0, r.stderr
        for f in numerics.forms(method):
            line = next(ln for ln in r.stdout.splitlines() if ln.startswith(f"{method} / {f.name}:"))
            assert all(p.name in line for p in f.params), line


def test_form_question_mark_for_unknown_method(cli):
    r = cli(["rate", "lion", "--form", "?"])
    assert r.code == 2 and "method must be one of" in r.stderr and r.stdout == ""
