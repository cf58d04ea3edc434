"""Claim ids: every registered id is ``<topic>.<kebab-case name>`` with its registry topic, every old id
still resolves (with a deprecation notice naming the new one), and nothing in the project cites an old id."""
from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from ratecheck.proofs.claim_ids import RENAMED, current, deprecation, follows_scheme
from ratecheck.proofs.registry import TOPICS, all_claims, claims_for, get

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_id_is_topic_dot_kebab_name(topic):
    bad = [c.id for c in claims_for(topic) if not follows_scheme(c.id, topic)]
    assert not bad, f"claim ids of topic {topic!r} not of the form {topic}.<kebab-case-name>: {bad}"


@pytest.mark.parametrize("claim_id, topic, ok", [
    ("gd.optimal-rate-kappa-100", "gd", True),
    ("gd.seed-003-lr-0.01", "gd", True),
    ("beyond-quadratics.gd-convex-N1", "beyond-quadratics", True),
    ("hb-rate-kappa-100", "heavy-ball", False),          # no topic prefix
    ("gd.optimal-step", "heavy-ball", False),            # another topic's prefix
    ("heavy-ball.Rate", "heavy-ball", False),            # a name starts lowercase
    ("heavy-ball.rate_kappa", "heavy-ball", False),      # kebab, not snake
    ("heavy-ball.", "heavy-ball", False),
    ("heavy-ball.rate--kappa", "heavy-ball", False),
])
def test_scheme_examples(claim_id, topic, ok):
    assert follows_scheme(claim_id, topic) is ok


def test_old_ids_resolve_with_a_deprecation_naming_the_new_id():
    ids = {c.id: c for c in all_claims()}
    assert len(RENAMED) == 49 and not set(RENAMED) & set(ids)  # an alias never shadows a current id
    for old, new in RENAMED.items():
        assert new in ids, f"alias {old!r} points at {new!r}, which is not registered"
        with pytest.warns(DeprecationWarning, match=re.escape(repr(new))):
            assert get(old) is ids[new]
        assert old in ids[new].aliases and current(old) == new
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a current id resolves silently
        assert get("heavy-ball.rate-kappa-100").aliases == ("hb-rate-kappa-100",)
        assert get("gd.optimal-step").aliases == () and deprecation("gd.optimal-step") is None


def _sources():
    skip = {"proofs/claim_ids.py", "tests/test_claim_ids.py"}
    for pattern in ("proofs/**/*.py", "reports/**/*.py", "reports/**/*.j2", "tests/*.py", "examples/*.py", "*.md"):
        for p in sorted(ROOT.glob(pattern)):
            rel = p.relative_to(ROOT).as_posix()
            if rel not in skip and ".venv" not in rel:
                text = p.read_text(encoding="utf-8")
                if rel == "README.md":  # its "Claim ids" subsection shows the deprecation on purpose
                    text = re.sub(r"#### Claim ids:.*?(?=\n#)", "", text, flags=re.S)
                yield rel, text


def test_no_project_file_cites_an_old_id():
    old_id = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, RENAMED)) + r")(?![\w-]|\.\d)")
    found = []
    for rel, text in _sources():
        for old in sorted(set(old_id.findall(text))):
            found.append(f"{rel}: {old!r} -> write {RENAMED[old]!r}")
    assert not found, "deprecated claim ids cited:\n" + "\n".join(found)


def test_findings_cite_registered_ids_only():
    from ratecheck.proofs.findings import FINDINGS

    ids = {c.id for c in all_claims()}
    cited = {c for f in FINDINGS for c in f.claims}
    assert cited <= ids, {c: RENAMED.get(c, "not registered") for c in cited - ids}


def test_verify_claim_old_id_prints_a_note_and_runs_the_new_claim(cli):
    r = cli(["verify", "--claim", "hb-critical-damping", "--json"])
    assert r.code == 0, r.stderr
    assert r.stderr == ("ratecheck: note: claim id 'hb-critical-damping' is deprecated (kept until release 1.0): "
                        "it is now 'heavy-ball.critical-damping'\n")
    out = json.loads(r.stdout)
    assert [c["id"] for c in out["claims"]] == ["heavy-ball.critical-damping"] and out["failed"] == 0


def test_verify_claim_unknown_id_is_one_line_with_a_hint(cli):
    r = cli(["verify", "--claim", "heavy-ball.critical-dampin"])
    assert r.code == 2 and r.stdout == ""
    assert r.stderr == ("ratecheck: error: --claim: no claim with id 'heavy-ball.critical-dampin' "
                        "(did you mean heavy-ball.critical-damping?)\n")
    assert cli(["verify", "--claim", "gd.optimal-step", "--topic", "gd"]).code == 2


def test_verify_list_names_old_ids(cli):
    r = cli(["verify", "--list", "--json"])
    assert r.code == 0
    rows = {row["id"]: row["aliases"] for row in json.loads(r.stdout)["claims"]}
    assert rows["nesterov.optimal-tuning"] == ["nag-optimal-tuning"] and rows["gd.optimal-step"] == []
    assert len(rows) == len(all_claims())
