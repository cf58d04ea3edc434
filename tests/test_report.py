"""The PDF report for topic gd builds, is non-trivial, and is byte-identical across builds."""
from __future__ import annotations

import pytest

from ratecheck.reports.latex import tex_available

pytestmark = pytest.mark.tex


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    if not tex_available():
        pytest.skip("latexmk/pdflatex not installed (install TeX to build the PDF report)")
    from ratecheck.reports.build import build_report

    out = []
    for name in ("first", "second"):
        path, compiled = build_report(tmp_path_factory.mktemp(name), ["gd"])
        assert compiled
        out.append(path)
    return out


def test_pdf_exists_and_is_non_trivial(two_builds):
    pdf = two_builds[0]
    assert pdf.exists() and pdf.suffix == ".pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 20_000


def test_figures_written(two_builds):
    figdir = two_builds[0].parent / "figures"
    names = {p.name for p in figdir.glob("gd-*.pdf")}
    assert names == {"gd-error-curves.pdf", "gd-rate-over-eta.pdf", "gd-seed-exercise.pdf"}


def test_builds_are_byte_identical(two_builds):
    a, b = two_builds
    assert a.read_bytes() == b.read_bytes()
    for fig in (a.parent / "figures").glob("gd-*.pdf"):
        assert fig.read_bytes() == (b.parent / "figures" / fig.name).read_bytes(), fig.name


def test_full_report_has_every_topic_and_all_claims_pass(tmp_path):
    """The whole report (every topic's derivations, figures and claims) compiles; every claim passes."""
    if not tex_available():
        pytest.skip("latexmk/pdflatex not installed (install TeX to build the PDF report)")
    import re

    from ratecheck.proofs.registry import TOPICS, all_claims
    from ratecheck.reports.build import build_report

    pdf, compiled = build_report(tmp_path)
    assert compiled and pdf.read_bytes().startswith(b"%PDF")
    tex = (tmp_path / "ratecheck.tex").read_text()
    for topic in TOPICS:
        assert f"\\label{{sec:{topic}}}" in tex, topic
    n = len(all_claims())
    assert re.search(rf"\b{n} of {n} claims pass", tex), "some claim failed in the report"
    assert "FAILED" not in tex  # no derivation step failed its SymPy check
