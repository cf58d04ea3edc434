r"""Assemble the report: run each topic's claims, draw its figures, render LaTeX, build the PDF.

Each topic has a module ``reports.sections.<module>`` (same module names as
:data:`proofs.registry.TOPICS`) providing::

    TITLE: str                                  # section title
    INTRO: str                                  # LaTeX prose shown before the derivations
    def derivations() -> list[Derivation]       # shown with their checked steps
    def figures(outdir, outcomes) -> list[Figure]   # optional
    def extra(outcomes) -> str                  # optional LaTeX after the claims table
"""
from __future__ import annotations

import importlib
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy
import sympy

from ratecheck.proofs.claim import ClaimOutcome
from ratecheck.proofs.registry import TOPICS, claims_for
from ratecheck.theory.derivation import CheckStatus, Derivation

from . import latex

__all__ = ["Figure", "SectionResult", "build_report", "render_derivation"]


@dataclass(frozen=True)
class Figure:
    path: Path
    caption: str
    precision: str = "float64"


@dataclass
class SectionResult:
    topic: str
    title: str
    intro: str
    derivations: list[Derivation]
    outcomes: list[ClaimOutcome]
    figures: list[Figure]
    extra: str


_MARK = {
    CheckStatus.PASSED: r"\checkmark\ \text{\scriptsize %s}",
    CheckStatus.ASSUMED: r"\text{\scriptsize\color{assumed}\textbf{assumed}}",
    CheckStatus.FAILED: r"\text{\scriptsize\color{failed}\textbf{FAILED}}",
}


#: statements whose LaTeX is longer than this are scaled to fit the line instead of set in align*
LONG_STATEMENT = 220


def render_derivation(d: Derivation) -> str:
    """A derivation as LaTeX: each step's justification, then its statement in ``align*`` with its check mark."""
    lines = [r"\begin{derivation}{" + latex.escape(d.title) + "}"]
    if d.source:
        lines.append(r"\emph{Source:} " + latex.escape(d.source) + r"\par")
    for i, o in enumerate(d.outcomes(), 1):
        s = o.step
        mark = _MARK[o.status] % latex.escape(s.check.kind) if o.status is CheckStatus.PASSED else _MARK[o.status]
        head = r"\dstep{%d}{%s}{%s}" % (i, latex.escape(s.label), latex.escape(s.justification))
        body = s.latex()
        if len(body) > LONG_STATEMENT:
            # too wide for align*: scale it down to the line width, mark at the right
            inline = s.latex_statement.replace("&", "") if s.latex_statement is not None else sympy.latex(s.statement)
            lines.append(head + "\n" + r"\par\smallskip\noindent\hfill\adjustbox{max width=0.84\linewidth}{$\displaystyle "
                         + inline + r"$}\hfill$" + mark + r"$\par\smallskip")
        else:
            lines.append(head + "\n" + r"\begin{align*}" + "\n" + body + r" \tag*{$" + mark + "$}\n" + r"\end{align*}")
    lines.append(r"\end{derivation}")
    return "\n".join(lines)


def _section(topic: str, figdir: Path) -> SectionResult:
    module = importlib.import_module(f"ratecheck.reports.sections.{TOPICS[topic]}")
    outcomes = [c.run() for c in claims_for(topic)]
    derivs = list(module.derivations())
    figs = list(module.figures(figdir, outcomes)) if hasattr(module, "figures") else []
    extra = module.extra(outcomes) if hasattr(module, "extra") else ""
    return SectionResult(topic, module.TITLE, module.INTRO, derivs, outcomes, figs, extra)


def build_report(out_dir: Path | str = "reports/build", only: Iterable[str] | None = None, pdf: bool = True) -> tuple[Path, bool]:
    """Write ``ratecheck.tex`` (and figures) into ``out_dir`` and compile it; returns (path, compiled).

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
    env = latex.environment()
    body = env.get_template("ratecheck.tex.j2").render(
        sections=sections,
        render_derivation=render_derivation,
        relpath=lambda p: Path(p).relative_to(out).as_posix(),
        versions={"python": platform.python_version(), "sympy": sympy.__version__, "numpy": numpy.__version__},
        n_claims=sum(len(s.outcomes) for s in sections),
        n_passed=sum(o.passed for s in sections for o in s.outcomes),
    )
    tex = out / "ratecheck.tex"
    tex.write_text(body)
    if pdf and latex.tex_available():
        return latex.build_pdf(tex), True
    return tex, False
