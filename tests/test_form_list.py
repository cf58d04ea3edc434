"""`ratecheck rate METHOD --form ?` lists the forms (issue 10, point 9: the help's own advice used to fail)."""
from __future__ import annotations

from ratecheck import numerics


def test_form_question_mark_lists_every_form(cli):
    for method in ("gd", "heavy-ball", "nesterov"):
        r = cli(["rate", method, "--form", "?"])
        assert r.code == 0, r.stderr
        for f in numerics.methods.forms(method):
            assert f"  {f.name}" in r.stdout and ", ".join(f.params) in r.stdout
    assert "polyak (default)" in cli(["rate", "heavy-ball", "--form", "?"]).stdout


def test_form_question_mark_for_unknown_method(cli):
    r = cli(["rate", "adam", "--form", "?"])
    assert r.code == 2 and "method must be one of" in r.stderr and r.stdout == ""
