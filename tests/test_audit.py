"""Findings on the lecture notes and ``ratecheck audit``: the data is well-formed, every claim id exists,
the JSON has the documented shape, and a failing claim makes the command exit 1."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest

from ratecheck.proofs.findings import FINDINGS, NOTES, Verdict
from ratecheck.proofs.registry import all_claims


def test_at_least_40_statements_from_all_five_notes():
    assert len(FINDINGS) >= 40
    assert {f.note for f in FINDINGS} == set(NOTES) == {"000", "001", "002", "003", "004"}
    assert all(f.section.strip() and f.quote.strip() and f.detail.strip() for f in FINDINGS)


def test_every_listed_claim_exists_in_verify():
    ids = {c.id for c in all_claims()}
    missing = sorted({c for f in FINDINGS for c in f.claims} - ids)
    assert not missing, missing


def test_verdicts_are_backed_as_their_kind_requires():
    counts = Counter(f.verdict for f in FINDINGS)
    assert set(counts) == set(Verdict)
    for f in FINDINGS:
        if f.verdict is Verdict.NOT_CHECKABLE:
            assert not f.claims, f.quote
        elif f.verdict in (Verdict.TRUE, Verdict.CONDITIONAL):
            assert f.claims, f"a {f.verdict.value} statement needs the claims that show it: {f.quote}"


def test_the_known_errors_are_classified_false_with_numbers():
    false = [f for f in FINDINGS if f.verdict is Verdict.FALSE]
    quotes = " ".join(f.quote for f in false)
    for needle in (r"e^{-\sqrt\kappa T}", r"\eta \le 1/L", r"\nabla f(x_t - \beta v_t)",
                   r"(\theta_{t-1} - \alpha m_{t-1})"):
        assert needle in quotes, needle
    assert all(any(ch.isdigit() for ch in f.detail) for f in false)


def _small_findings(monkeypatch, claim_id="gd.optimal-step"):
    from ratecheck.reports.commands import audit

    picked = [f for f in FINDINGS if f.claims == (claim_id,)][:1] + \
             [f for f in FINDINGS if f.verdict is Verdict.NOT_CHECKABLE][:1]
    monkeypatch.setattr(audit, "FINDINGS", tuple(picked))
    return picked


def test_audit_json_shape(cli, monkeypatch):
    picked = _small_findings(monkeypatch)
    r = cli(["audit", "--json"])
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert [s["note"] for s in out["statements"]] == [f.note for f in picked]
    for s in out["statements"]:
        assert {"note", "section", "quote", "verdict", "claims", "detail"} <= set(s)
        assert s["verdict"] in {"true", "false", "true-with-conditions", "not-checkable"}
        assert "$" not in s["quote"] and "\\" not in s["detail"]  # rendered for the terminal
    assert out["claims_failed"] == []


def test_audit_exits_1_when_a_listed_claim_fails(cli, monkeypatch):
    from ratecheck.proofs.claim import Comparison
    from ratecheck.reports.commands import audit

    _small_findings(monkeypatch)
    real_get = audit.get

    def broken(claim_id):
        c = real_get(claim_id)
        return replace(c, confirm=lambda: Comparison(2.0, 1.0, 1e-6, quantity="deliberately wrong"))

    monkeypatch.setattr(audit, "get", broken)
    r = cli(["audit"])
    assert r.code == 1
    assert "CLAIM FAILED" in r.stdout


@pytest.mark.parametrize("text, plain", [
    (r"$1 - \eta\lambda$", "1 - ηλ"),
    (r"$\frac{\sqrt{\kappa} - 1}{\sqrt\kappa + 1}$", "(√κ - 1)/(√κ + 1)"),
    (r"$\eta \le 1/L$ \cite{nesterov2018}", "η ≤ 1/L [nesterov2018]"),
])
def test_latex_rendered_for_the_terminal(text, plain):
    from ratecheck.reports.latex import to_unicode

    assert to_unicode(text) == plain
