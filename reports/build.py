r"""Assemble the report: run each topic's claims, draw its figures, render LaTeX, build the PDF.

Adding a topic (for example "Beyond quadratics") takes one module ``reports/sections/<module>.py``,
named in :data:`proofs.registry.TOPICS`, that provides::

    TITLE: str                                  # section title (LaTeX allowed)
    INTRO: str                                  # LaTeX prose before the theorems (cite with \cite{key})
    CONVENTION: str                             # optional: the form/convention the theorems use (LaTeX)
    def derivations() -> list[Derivation]       # each is shown as a numbered theorem and its proof
    def report_derivations() -> list[Derivation]  # optional: the subset the report proves (repeated
                                                # derivations become one proof and a table in extra())
    def figures(outdir, outcomes) -> list[Figure]   # optional; Figure(path, caption, data=...)
    def extra(outcomes) -> str                  # optional LaTeX after the claims table

Each derivation becomes ``Theorem n`` (its title; its last step is the statement; its assumed steps are
the hypotheses; ``Derivation.source`` becomes ``\cite`` through :func:`latex.cite_source`) followed by a
proof whose steps carry their SymPy check in the margin (the kinds are defined once, in
:data:`CHECK_KINDS`).  Everything a reader sees is LaTeX: justifications, titles and captions are written
as LaTeX strings, statements are printed by :func:`theory.printing.latex`.  A new source goes into
``reports/templates/ratecheck.bib.j2``; a new check kind into :data:`CHECK_KINDS`.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import matplotlib
import numba
import numpy
import sympy

from ratecheck.proofs.claim import ClaimOutcome
from ratecheck.proofs.registry import TOPICS, claims_for
from ratecheck.theory.derivation import CheckStatus, Derivation, Step

from . import latex

__all__ = ["Figure", "SectionResult", "build_report", "render_derivation", "version", "CHECK_KINDS", "COMMAND"]

#: the command that produces the report (printed on the title page)
COMMAND = "ratecheck report"

#: every check kind a step can carry, defined once (the key on page 1)
CHECK_KINDS: dict[str, str] = {
    "identity": r"the residual (left side minus right side, entrywise for matrices) simplifies to $0$",
    "substitution": r"substituting the stated values into the expression leaves a residual that simplifies to $0$",
    "solve": r"\texttt{sympy.solve} returns exactly the stated solutions (matched by residual, not by print)",
    "limit": r"\texttt{sympy.limit} evaluates to the stated value",
    "inequality": r"\texttt{solve\_univariate\_inequality} gives exactly the stated set (empty symmetric difference)",
    "sign": r"the sign follows from the symbols' assumptions (positive parameters), after factoring",
    "summation": r"\texttt{sympy.summation} of the terms equals the stated closed form (residual $0$)",
    "integral": r"\texttt{sympy.integrate} of the integrand equals the stated value (residual $0$)",
    "combination": r"the stated combination of earlier results is checked by residual",
    "degree": r"the polynomial degree computed by SymPy equals the stated one",
    "assumed": r"a hypothesis or a fact SymPy does not check, tagged \textcolor{assumed}{\textbf{assumed}} wherever it is used",
}

GUARANTEES: dict[str, str] = {
    "tight": r"theory and simulation must agree: $|\text{simulated}/\text{theory} - 1| \le \text{tol}$",
    "upper": r"the theory is an upper bound: $\text{simulated} \le \text{theory}\,(1 + \text{tol})$",
    "lower": r"the theory is a lower bound: $\text{simulated} \ge \text{theory}\,(1 - \text{tol})$",
    "exact": r"a count or a classification: equal, with tolerance $0$",
    "measured": r"(\emph{meas.} in the tables) a measured statement, not a theorem: what the runs showed, equal to "
                r"what the statement says (within the tolerance for a number)",
}
#: how a kind is written in the claims tables' narrow kind column (the key above gives the full name)
KIND_SHOWN: dict[str, str] = {"measured": "meas."}


def version() -> str:
    """The installed ratecheck version (pyproject.toml)."""
    try:
        return importlib.metadata.version("ratecheck")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


@dataclass(frozen=True)
class Figure:
    r"""A figure: its file, a LaTeX caption, and which of its data are simulated and which closed-form."""

    path: Path
    caption: str
    data: str = ""


@dataclass
class SectionResult:
    topic: str
    title: str
    intro: str
    convention: str
    derivations: list[Derivation]
    outcomes: list[ClaimOutcome]
    figures: list[Figure]
    extra: str


#: displays whose LaTeX (commands counted as one character) is longer than this are split over two lines
LONG_DISPLAY = 72


def _visible_length(tex: str) -> int:
    """A rough width of a display: commands count 1, braces and spacing 0."""
    t = re.sub(r"\\(left|right|big|Big|bigl|bigr|Bigl|Bigr)\b", "", tex)
    t = re.sub(r"\\begin\{[pb]?matrix\}|\\end\{[pb]?matrix\}", "", t)
    t = re.sub(r"\\[A-Za-z]+", "x", t)
    return len(re.sub(r"[{}\s&^_]|\\[,;: !]", "", t))


def _matrix_rows(tex: str) -> int:
    return tex.count(r"\\") + 1 if "matrix}" in tex else 1


def _statement_tex(step: Step) -> tuple[str, str]:
    """(left side, relation + right side) of a step's statement, or ("", whole) when it is not a relation."""
    body = step.latex()
    depth = 0
    for m in re.finditer(r"\\begin\{|\\end\{|(?<!\\)&", body):
        if m.group(0) == "&" and depth == 0:
            return body[:m.start()].strip(), body[m.end():].strip()
        depth += {"\\begin{": 1, "\\end{": -1}.get(m.group(0), 0)
    return "", body


def _break_sum(tex: str, width: int) -> list[str]:
    r"""Split ``tex`` before top-level ``+``/``-`` (outside braces and ``\left..\right``) into lines of at most
    ``width`` visible characters (a single longer term stays one line)."""
    cuts, depth, i = [0], 0, 0
    while i < len(tex):
        if tex.startswith("\\left", i) or tex[i] == "{":
            depth += 1
        elif tex.startswith("\\right", i) or tex[i] == "}":
            depth -= 1
        elif depth == 0 and tex.startswith((" + ", " - "), i) and i > 0:
            cuts.append(i)
        i += 1
    terms = [tex[a:b] for a, b in zip(cuts, cuts[1:] + [len(tex)])]
    lines, current = [], ""
    for term in terms:
        if current and _visible_length(current + term) > width:
            lines.append(current)
            current = term
        else:
            current += term
    lines.append(current)
    return [line.strip() for line in lines]


def _display(step: Step) -> str:
    r"""A step's statement as a real display at body size: ``equation*``, or a ``multline*`` broken at the
    relation and, where a side is still too long, before its top-level ``+``/``-`` terms."""
    lhs, rhs = _statement_tex(step)
    if lhs and re.sub(r"\s", "", rhs) == "=" + re.sub(r"\s", "", lhs):
        # SymPy's computed side already prints as the stated one: show the result once, not "X = X"
        lhs, rhs = "", lhs
    whole = f"{lhs} {rhs}".strip()
    if _visible_length(whole) <= LONG_DISPLAY:
        return "\\begin{equation*}\n" + whole + "\n\\end{equation*}"
    if not lhs:
        lhs, rhs = "", whole
        lines = _break_sum(rhs, LONG_DISPLAY - 10)
    else:
        m = re.match(r"\s*(=|<|>|\\le|\\ge|\\iff)\s*", rhs)
        rel, rest = (m.group(1), rhs[m.end():]) if m else ("", rhs)
        right = _break_sum(rest, LONG_DISPLAY - 10)
        right[0] = f"{rel} {right[0]}"
        lines = _break_sum(lhs, LONG_DISPLAY - 10) + right
    if len(lines) == 1:
        return "\\begin{equation*}\n" + lines[0] + "\n\\end{equation*}"
    return "\\begin{multline*}\n" + " \\\\\n".join(lines) + "\n\\end{multline*}"


def _mark(o) -> str:
    kind = o.step.check.kind
    if o.status is CheckStatus.ASSUMED:
        return r"\assumedtag{}"
    if o.status is CheckStatus.FAILED:
        return r"\failedtag{%s}" % latex.escape(kind)
    return r"\checktag{%s}" % latex.escape(kind)


def render_derivation(d: Derivation, label: str = "") -> str:
    r"""A derivation as a numbered theorem (its last step, hypotheses, source) and a proof with margin checks."""
    outcomes = d.outcomes()
    hypotheses = [o for o in outcomes if o.status is CheckStatus.ASSUMED]
    last = outcomes[-1]
    lines = [r"\begin{theorem}[" + d.title + "]" + (r"\label{thm:%s}" % label if label else "")]
    if hypotheses:
        lines.append(r"\emph{Hypotheses} (assumed): "
                     + "; ".join(o.step.justification.rstrip(".") for o in hypotheses) + ".")
    lines.append(r"Then" if hypotheses else r"It holds that")
    lines.append(_display(last.step))
    if d.source:
        lines.append(r"\emph{Source:} " + latex.cite_source(d.source) + ".")
    lines.append(r"\end{theorem}")
    lines.append(r"\begin{proof}[Proof, checked by SymPy]")
    lines.append(r"\begin{steps}")
    for o in outcomes:
        lines.append(r"\item " + _mark(o) + " " + o.step.justification)
        lines.append(_display(o.step))
    lines.append(r"\end{steps}")
    lines.append(r"\end{proof}")
    return "\n".join(lines)


def _section(topic: str, figdir: Path) -> SectionResult:
    module = importlib.import_module(f"ratecheck.reports.sections.{TOPICS[topic]}")
    outcomes = [c.run() for c in claims_for(topic)]
    derivs = list(getattr(module, "report_derivations", module.derivations)())
    figs = list(module.figures(figdir, outcomes)) if hasattr(module, "figures") else []
    extra = module.extra(outcomes) if hasattr(module, "extra") else ""
    return SectionResult(topic, module.TITLE, module.INTRO, getattr(module, "CONVENTION", ""), derivs, outcomes,
                         figs, extra)


def _claim_row(o: ClaimOutcome) -> str:
    r"""One claims-table row as ``\claimrow{id}{statement}{quantity}{theory}{simulated}{tol}{kind}{result}``."""
    n = o.numeric
    if not str(n.quantity).strip():
        raise ValueError(f"claim {o.claim.id!r}: its comparison names no quantity")
    statement = o.claim.statement
    if o.claim.evidence.name != "SIMULATION":
        statement += r" \emph{Evidence:} " + latex.escape(o.claim.evidence.value) + "."
    if o.claim.reference:
        statement += r" \emph{Ref.:} " + latex.cite_source(o.claim.reference.source)
    args = [latex.escape(o.claim.id), statement, n.quantity, latex.cell(n.expected, 5), latex.cell(n.computed, 5),
            latex.cell(n.tolerance, 2), KIND_SHOWN.get(n.guarantee.value, n.guarantee.value),
            r"\pass" if o.passed else r"\fail"]
    return r"\claimrow" + "".join("{" + str(a) + "}" for a in args) + r"\\"


def build_report(out_dir: Path | str = "reports/build", only: Iterable[str] | None = None, pdf: bool = True) -> tuple[Path, bool]:
    """Write ``ratecheck.tex`` (and figures, bibliography) into ``out_dir`` and compile it; returns (path, compiled).

    Without TeX the .tex is still written and (path-to-.tex, False) is returned.
    """
    out = Path(out_dir)
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    topics = list(TOPICS) if not only else list(only)
    for t in topics:
        if t not in TOPICS:
            raise KeyError(t)
    sections = [_section(t, figdir) for t in topics]
    from .findings import findings_chapter

    env = latex.environment()
    versions = {"python": platform.python_version(), "sympy": sympy.__version__, "numpy": numpy.__version__,
                "numba": numba.__version__, "matplotlib": matplotlib.__version__, "ratecheck": version()}
    outcomes = {o.claim.id: o for s in sections for o in s.outcomes}
    body = env.get_template("ratecheck.tex.j2").render(
        sections=sections,
        render_derivation=render_derivation,
        claim_row=_claim_row,
        relpath=lambda p: Path(p).relative_to(out).as_posix(),
        versions=versions,
        command=COMMAND + ("" if not only else " --only " + " ".join(topics)),
        check_kinds=CHECK_KINDS,
        guarantees=GUARANTEES,
        findings=findings_chapter(outcomes) if not only else "",  # it refers to every topic
        n_claims=len(outcomes),
        n_passed=sum(o.passed for o in outcomes.values()),
    )
    (out / "ratecheck.bib").write_text(env.get_template("ratecheck.bib.j2").render(versions=versions))
    tex = out / "ratecheck.tex"
    tex.write_text(body)
    if pdf and latex.tex_available():
        return latex.build_pdf(tex), True
    return tex, False
