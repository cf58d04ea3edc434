r"""The findings chapter: the lecture notes' statements (:mod:`proofs.findings`), quoted, classified, and
shown by the claims of this report with their numbers."""
from __future__ import annotations

from collections import Counter
from typing import Mapping

from ratecheck.proofs.claim import ClaimOutcome
from ratecheck.proofs.findings import FINDINGS, NOTES, Verdict

from . import latex

__all__ = ["findings_chapter", "VERDICT_LABEL"]

VERDICT_LABEL = {
    Verdict.TRUE: r"\textcolor{passcol}{\textbf{true}}",
    Verdict.FALSE: r"\textcolor{failed}{\textbf{false}}",
    Verdict.CONDITIONAL: r"\textcolor{assumed}{\textbf{true with conditions}}",
    Verdict.NOT_CHECKABLE: r"\textbf{not checkable here}",
}


def _evidence(claim_id: str, outcomes: Mapping[str, ClaimOutcome]) -> str:
    o = outcomes.get(claim_id)
    if o is None:
        return r"\claimid{%s} (not run in this build)" % latex.escape(claim_id)
    n = o.numeric
    verdict = r"\pass" if o.passed else r"\fail"
    return (r"\claimid{%s}: %s, theory %s, simulated %s, %s"
            % (latex.escape(claim_id), n.quantity, latex.cell(n.expected, 5), latex.cell(n.computed, 5), verdict))


def findings_chapter(outcomes: Mapping[str, ClaimOutcome]) -> str:
    r"""LaTeX for the chapter "Findings: the lecture notes checked" (every finding, with its claims' numbers)."""
    counts = Counter(f.verdict for f in FINDINGS)
    lines = [
        r"\section{Findings: the lecture notes checked}",
        r"\label{sec:findings}",
        r"Five lecture notes (in Korean) were the starting material of this toolkit.  They are not sources: "
        r"each checkable statement in them is quoted below in English translation, with its note and section, "
        r"and classified as true, false, true only under conditions the note does not state, or not checkable "
        r"with this toolkit.  The claims listed under a statement show the verdict; their numbers are the ones "
        r"of this build.  The same list is printed by \texttt{ratecheck audit}, which fails when one of these "
        r"claims fails.",
        "",
        r"\begin{center}\small",
        r"\begin{tabular}{lr}",
        r"\toprule",
        r"verdict & statements\\",
        r"\midrule",
        *[rf"{VERDICT_LABEL[v]} & {counts.get(v, 0)}\\" for v in Verdict],
        r"\midrule",
        rf"total & {len(FINDINGS)}\\",
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{center}",
    ]
    number = 0
    for note, title in NOTES.items():
        items = [f for f in FINDINGS if f.note == note]
        if not items:
            continue
        lines += [rf"\subsection*{{Note {note}: {latex.escape(title)}}}", r"\begin{enumerate}[label=\textbf{F\arabic*.}, "
                  rf"start={number + 1}, leftmargin=2.4em, itemsep=0.6ex]"]
        for f in items:
            number += 1
            lines.append(rf"\item \emph{{Note {note}, {latex.escape(f.section)}:}} ``{f.quote}''\\")
            lines.append(rf"Verdict: {VERDICT_LABEL[f.verdict]}.  {f.detail}")
            if f.claims:
                lines.append(r"\begin{itemize}[leftmargin=1.2em, itemsep=0pt, topsep=0.3ex]")
                lines += [r"\item " + _evidence(c, outcomes) for c in f.claims]
                lines.append(r"\end{itemize}")
        lines.append(r"\end{enumerate}")
    return "\n".join(lines)
