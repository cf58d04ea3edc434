"""The Step/Derivation core: every check kind passes on a true statement and fails on a wrong one."""
from __future__ import annotations

import pytest
import sympy as sp

from ratecheck.reports.build import render_derivation
from ratecheck.theory.derivation import CheckStatus, Derivation, DerivationError, Step

a, b = sp.symbols("a b", real=True)
p = sp.Symbol("p", positive=True)
x = sp.Symbol("x", real=True)


def _derivation(*steps: Step) -> Derivation:
    d = Derivation(topic="test", title="core test")
    for s in steps:
        d.add(s)
    return d


TRUE_AND_FALSE = {
    "identity": (
        Step.identity("square", (a + b) ** 2, a**2 + 2 * a * b + b**2, "binomial"),
        Step.identity("square", (a + b) ** 2, a**2 + b**2, "wrong binomial"),
    ),
    "identity-matrix": (
        Step.identity("matrix", sp.Matrix([[a, b]]) * sp.Matrix([1, 1]), sp.Matrix([a + b]), "product"),
        Step.identity("matrix", sp.Matrix([[a, b]]) * sp.Matrix([1, 1]), sp.Matrix([a - b]), "wrong product"),
    ),
    "substitution": (
        Step.substitution("subs", a**2 - 4, {a: 2}, 0, "a = 2 is a root"),
        Step.substitution("subs", a**2 - 4, {a: 3}, 0, "a = 3 is not a root"),
    ),
    "solve": (
        Step.solve("roots", a**2 - 4, a, [2, -2], "both roots"),
        Step.solve("roots", a**2 - 4, a, [2], "a root is missing from the expected list"),
    ),
    "solve-wrong-value": (
        Step.solve("root", 2 * a - 4, a, [2], "linear"),
        Step.solve("root", 2 * a - 4, a, [3], "wrong root"),
    ),
    "limit": (
        Step.limit("lim", sp.sin(a) / a, a, 0, 1, "classic"),
        Step.limit("lim", sp.sin(a) / a, a, 0, 2, "wrong value"),
    ),
    "inequality": (
        Step.inequality("ineq", sp.Abs(1 - x) < 1, x, sp.Interval.open(0, 2), "interval"),
        Step.inequality("ineq", sp.Abs(1 - x) < 1, x, sp.Interval.open(0, 3), "wrong interval"),
    ),
    "sign": (
        Step.sign("sign", p**2 + 1, ">", "positive"),
        Step.sign("sign", a - 1, ">", "undecidable for a real a"),
    ),
    "custom": (
        Step.custom("custom", sp.Eq(a, a), "always", lambda: (True, sp.S.Zero), kind="custom"),
        Step.custom("custom", sp.Eq(a, b), "never", lambda: (False, a - b), kind="custom"),
    ),
}


@pytest.mark.parametrize("kind", list(TRUE_AND_FALSE))
def test_true_statement_passes(kind):
    good, _ = TRUE_AND_FALSE[kind]
    d = _derivation(good)
    outcomes = d.check()
    assert [o.status for o in outcomes] == [CheckStatus.PASSED]
    assert d.status is CheckStatus.PASSED


@pytest.mark.parametrize("kind", list(TRUE_AND_FALSE))
def test_wrong_statement_fails_naming_step_and_residual(kind):
    good, bad = TRUE_AND_FALSE[kind]
    d = _derivation(good if good.label != bad.label else Step.assumed("first", sp.Eq(a, a), "filler"), bad)
    with pytest.raises(DerivationError) as info:
        d.check()
    err = info.value
    assert err.step.label == bad.label
    assert repr(bad.label) in str(err) and "residual" in str(err)
    assert f"{bad.check.kind} check" in str(err)
    assert d.status is CheckStatus.FAILED
    assert d.to_dict()["steps"][-1]["check"] == "failed"


def test_residual_is_shown():
    d = _derivation(Step.identity("off-by-one", a + 1, a, "wrong"))
    with pytest.raises(DerivationError) as info:
        d.check()
    assert info.value.residual == 1
    assert "residual = 1" in str(info.value)


def test_assumed_steps_are_labelled_everywhere():
    d = _derivation(
        Step.assumed("hypothesis", sp.Symbol("H"), "taken as given"),
        Step.identity("id", a * (a + 1), a**2 + a, "expand"),
    )
    outcomes = d.check()  # assumed steps never fail
    assert outcomes[0].status is CheckStatus.ASSUMED and outcomes[0].step.check.assumed
    assert d.status is CheckStatus.ASSUMED
    dd = d.to_dict()
    assert dd["steps"][0]["check"] == "assumed" and dd["steps"][0]["method"] == "assumed"
    assert dd["steps"][1]["check"] == "passed"
    tex = render_derivation(d)
    assert r"\item \assumedtag{}" in tex  # the hypothesis is tagged assumed in the margin
    assert r"\item \checktag{identity}" in tex
    assert r"\emph{Hypotheses} (assumed): taken as given" in tex


def test_to_dict_shape():
    d = _derivation(Step.identity("id", a + a, 2 * a, "collect"))
    d.results["twice"] = 2 * a
    dd = d.to_dict()
    assert set(dd) == {"topic", "title", "steps", "results"}
    (step,) = dd["steps"]
    assert set(step) >= {"label", "statement", "latex", "justification", "check", "method"}
    assert step["method"] == "identity" and step["check"] == "passed"
    assert "&" not in step["latex"]
    assert dd["results"] == {"twice": "2*a"}


def test_latex_rendering():
    s = Step.identity("id", a**2, a * a, "square")
    assert s.latex().startswith("a^{2} &=")
    ineq = Step.inequality("ineq", sp.Abs(1 - x) < 1, x, sp.Interval.open(0, 2), "interval")
    assert r"\iff" in ineq.latex()
    d = _derivation(s, ineq)
    tex = render_derivation(d)
    assert tex.count(r"\begin{equation*}") == 3  # the theorem's statement and the two proof steps
    assert r"\checktag{identity}" in tex and r"\checktag{inequality}" in tex


def test_failed_step_renders_as_failed():
    d = _derivation(Step.identity("bad", a, a + 1, "wrong"))
    assert r"\item \failedtag{identity}" in render_derivation(d)


def test_duplicate_labels_rejected():
    d = _derivation(Step.identity("same", a, a, "x"))
    with pytest.raises(ValueError):
        d.add(Step.identity("same", b, b, "y"))
