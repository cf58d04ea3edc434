r"""The PDF report builds, and the layout checks that fail the build: the report is a handout.

They build the whole report twice (module fixture) and fail on

* any ``Overfull \hbox`` wider than 1 pt in the LaTeX log;
* ASCII-math patterns (``sqrt(``, ``_{``, ``^(``, ``->``, ``<=``, ``>=``, bare ``eta``, ``kappa``,
  ``lambda``, ``beta``, ``alpha``, ``grad f``) in the text of the PDF outside code (typewriter fonts),
  figures included (their text is in the PDF too);
* a ``\cite`` without a bibliography entry (LaTeX's and BibTeX's warnings), or a bibliography with
  fewer entries than the sources the issue lists;
* an empty PDF title, an author that is not ``ratecheck <version>``, a date that is not
  ``SOURCE_DATE_EPOCH``;
* a claims-table row without a quantity;
* a rebuild that differs by a byte (PDF and every figure).

Text is read with PyMuPDF (``page.get_text("dict")``), which reports each span's font, so code in
``\texttt`` (claim ids, commands) is told apart from prose and mathematics.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from ratecheck.reports.latex import SOURCE_DATE_EPOCH, tex_available

pytestmark = pytest.mark.tex

ASCII_MATH = [
    ("sqrt(", re.compile(r"sqrt\(")),
    ("_{", re.compile(r"_\{")),
    ("^(", re.compile(r"\^\(")),
    ("->", re.compile(r"->")),
    ("<=", re.compile(r"<=")),
    (">=", re.compile(r">=")),
    ("bare eta/kappa/lambda/beta/alpha", re.compile(r"\b(eta|kappa|lambda|beta|alpha)\b")),
    ("grad f", re.compile(r"grad f")),
]

#: the sources the issue names; each must be a bibliography entry
REQUIRED_SOURCES = [
    "polyak1964", "nesterov1983", "nesterov2018", "lessard2016", "drori2014", "taylor2017",
    "jury1964", "marchenko1967", "pedregosa2020", "goh2017", "kingma2015",
]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    if not tex_available():
        pytest.skip("latexmk/pdflatex not installed (install TeX to build the PDF report)")
    pytest.importorskip("pymupdf", reason="PyMuPDF reads the PDF's text and fonts (pip install -e '.[dev]')")
    from ratecheck.reports.build import build_report

    out = []
    for name in ("first", "second"):
        path, compiled = build_report(tmp_path_factory.mktemp(name))
        assert compiled
        out.append(path)
    return out


def _is_code(font: str) -> bool:
    return "TT" in font.upper() or "MONO" in font.upper() or "COURIER" in font.upper()


def _prose_lines(pdf):
    """(page, text) of every line of the PDF with the code spans (typewriter fonts) left out."""
    import pymupdf

    with pymupdf.open(pdf) as doc:
        for number, page in enumerate(doc, 1):
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    text = " ".join(s["text"] for s in line["spans"] if not _is_code(s["font"]))
                    if text.strip():
                        yield number, text


def test_no_overfull_hbox_over_1pt(builds):
    log = builds[0].with_suffix(".log").read_text(errors="replace")
    widths = [(float(w), where) for w, where in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\) (.*)", log)]
    bad = [f"{w:.1f} pt {where}" for w, where in widths if w > 1.0]
    assert not bad, f"{len(bad)} overfull lines:\n" + "\n".join(bad)


def test_no_ascii_math_outside_code(builds):
    hits = []
    for page, text in _prose_lines(builds[0]):
        for name, pattern in ASCII_MATH:
            if pattern.search(text):
                hits.append(f"p. {page} [{name}]: {text.strip()[:120]}")
    assert not hits, f"{len(hits)} lines with ASCII math:\n" + "\n".join(hits[:60])


def test_every_cite_has_a_bibliography_entry(builds):
    pdf = builds[0]
    log = pdf.with_suffix(".log").read_text(errors="replace")
    assert not re.search(r"Citation `[^']*' on page \d+ undefined", log), "undefined citation"
    assert "There were undefined references" not in log
    blg = pdf.with_suffix(".blg").read_text(errors="replace")
    assert "I didn't find a database entry" not in blg
    assert "Warning--" not in blg, blg
    tex = pdf.with_suffix(".tex").read_text()
    cited = {k.strip() for group in re.findall(r"\\cite[pt]?\*?(?:\[[^\]]*\])*\{([^}]*)\}", tex)
             for k in group.split(",")}
    bbl = pdf.with_suffix(".bbl").read_text()
    entries = set(re.findall(r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}", bbl.replace("\n", "")))
    assert cited, "the report cites nothing"
    assert cited <= entries, f"cited without an entry: {sorted(cited - entries)}"
    missing = [k for k in REQUIRED_SOURCES if k not in entries]
    assert not missing, f"sources not in the bibliography (or never cited): {missing}"


def test_pdf_metadata(builds):
    import pymupdf

    from ratecheck.reports.build import version

    with pymupdf.open(builds[0]) as doc:
        meta = doc.metadata
    assert meta["title"].strip(), "empty PDF title"
    assert meta["author"] == f"ratecheck {version()}"
    stamp = datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), timezone.utc).strftime("%Y%m%d%H%M%S")
    assert meta["creationDate"].startswith(f"D:{stamp}"), meta["creationDate"]


def _braced(text: str, start: int) -> tuple[str, int]:
    """The content of the brace group opening at ``text[start]`` and the index after it."""
    assert text[start] == "{"
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{" and text[i - 1] != "\\":
            depth += 1
        elif text[i] == "}" and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    raise AssertionError("unbalanced braces")


def test_every_claim_row_has_a_quantity(builds):
    from ratecheck.proofs.registry import all_claims

    tex = builds[0].with_suffix(".tex").read_text()
    rows = [m.end() for m in re.finditer(r"^\\claimrow(?=\{)", tex, re.MULTILINE)]
    assert len(rows) == len(all_claims())
    for end in rows:
        args = []
        for _ in range(3):  # id, statement, quantity
            arg, end = _braced(tex, end)
            args.append(arg)
        assert re.sub(r"[\s${}]", "", args[2]), f"claim {args[0]} has no quantity"


def test_rebuild_is_byte_identical(builds):
    a, b = builds
    assert a.read_bytes() == b.read_bytes()
    figures = sorted((a.parent / "figures").glob("*.pdf"))
    assert figures
    for fig in figures:
        assert fig.read_bytes() == (b.parent / "figures" / fig.name).read_bytes(), fig.name


def test_pdf_exists_and_is_non_trivial(builds):
    pdf = builds[0]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 100_000
    names = {p.name for p in (pdf.parent / "figures").glob("gd-*.pdf")}
    assert names == {"gd-error-curves.pdf", "gd-rate-over-eta.pdf", "gd-seed-exercise.pdf"}


def test_full_report_has_every_topic_and_all_claims_pass(builds):
    """The whole report (every topic's derivations, figures and claims) compiles; every claim passes."""
    from ratecheck.proofs.registry import TOPICS, all_claims

    tex = builds[0].with_suffix(".tex").read_text()
    for topic in TOPICS:
        assert f"\\label{{sec:{topic}}}" in tex, topic
    n = len(all_claims())
    assert re.search(rf"\b{n} of {n} claims pass", tex), "some claim failed in the report"
    assert r"\item \failedtag" not in tex  # no derivation step failed its SymPy check
    assert r"\item \checktag" in tex
