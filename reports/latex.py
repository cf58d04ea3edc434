r"""LaTeX rendering (Jinja2 with ``\VAR{}``/``\BLOCK{}`` delimiters), citations, terminal text, and the PDF build.

Determinism: latexmk (pdflatex + bibtex) runs with ``SOURCE_DATE_EPOCH``/``FORCE_SOURCE_DATE`` fixed, so
the PDF's creation and modification dates (and ``\today`` on the title page) are that instant; the
preamble sets ``\pdftrailerid{}`` and ``\pdfsuppressptexinfo=-1``; figures are saved without dates
(:mod:`reports.figures`).  The same inputs give a byte-identical PDF (``tests/test_report.py``).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # jinja2 is imported when a report is rendered, not when the CLI parser is built
    import jinja2

__all__ = ["environment", "escape", "tex_available", "build_pdf", "TexMissing", "INSTALL_HINT", "SOURCE_DATE_EPOCH"]

SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: fixed, so rebuilds are byte-identical
INSTALL_HINT = "apt-get install -y texlive-latex-extra latexmk"
TEMPLATES = Path(__file__).parent / "templates"


class TexMissing(RuntimeError):
    pass


_ESC = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


def escape(text: object) -> str:
    """Escape plain text for LaTeX."""
    return "".join(_ESC.get(ch, ch) for ch in str(text))


def num(x: object, digits: int = 6) -> str:
    """A number for a table: ``g`` format, scientific as ``a\\times10^{b}``."""
    if x is None:
        return "--"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, (int,)) and not isinstance(x, bool):
        return f"{x:,}".replace(",", "\\,")
    try:
        f = float(x)
    except (TypeError, ValueError):
        return r"\text{" + escape(x) + "}"  # usable inside $...$ and in text
    s = f"{f:.{digits}g}"
    if "e" in s:
        m, e = s.split("e")
        return f"{m}\\times10^{{{int(e)}}}"
    return s


def cell(x: object, digits: int = 6) -> str:
    """A table cell: numbers as ``$...$`` (via :func:`num`), anything else as escaped, wrappable text."""
    if x is None or isinstance(x, bool):
        return num(x, digits)
    try:
        float(x)
    except (TypeError, ValueError):
        return escape(x)
    return "$" + num(x, digits) + "$"


@cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_statement_prefix="%%",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["e"] = escape
    env.filters["num"] = num
    env.filters["cell"] = cell
    return env


def tex_available() -> bool:
    return all(shutil.which(tool) is not None for tool in ("latexmk", "pdflatex", "bibtex"))


class TexFailed(RuntimeError):
    """latexmk did not produce the PDF; ``log`` is the full log file, ``first_error`` its first ``!`` line."""

    def __init__(self, message: str, log: Path | None, first_error: str | None):
        super().__init__(message)
        self.log = log
        self.first_error = first_error


def build_pdf(tex_path: Path) -> Path:
    """Compile ``tex_path`` with latexmk into a PDF next to it; raise TexMissing without TeX."""
    if not tex_available():
        raise TexMissing(f"latexmk/pdflatex/bibtex not found; install TeX with: {INSTALL_HINT}")
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, FORCE_SOURCE_DATE="1", TZ="UTC")
    cmd = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet", tex_path.name]
    proc = subprocess.run(cmd, cwd=tex_path.parent, env=env, capture_output=True, text=True)
    pdf = tex_path.with_suffix(".pdf")
    if proc.returncode != 0 or not pdf.exists():
        log = tex_path.with_suffix(".log")
        text = log.read_text(errors="replace") if log.is_file() else proc.stdout + proc.stderr
        first = next((ln.strip() for ln in text.splitlines() if ln.startswith("!")), None)
        if first is None:
            first = next((ln.strip() for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()), None)
        raise TexFailed(f"latexmk failed on {tex_path}:\n{text[-3000:]}", log if log.is_file() else None, first)
    return pdf


# ----------------------------------------------------------------------------- sources as citations
#: (pattern, bibliography key): a source named in a derivation, claim or reference, as plain text
_SOURCES: list[tuple[str, str]] = [
    (r"B\. T\. Polyak.*1964|Polyak,? \(?1964\)?(, USSR Comput\. Math\. Math\. Phys\. 4\(5\))?", "polyak1964"),
    (r"Polyak(, Introduction to Optimization)? \(1987\)", "polyak1987"),
    (r"Nesterov \(1983\)", "nesterov1983"),
    (r"Nesterov,? (Lectures on Convex Optimization )?\(?2018\)?", "nesterov2018"),
    (r"L\. Lessard, B\. Recht, A\. Packard, SIAM J\. Optim\. 26\(1\):57-95, 2016|"
     r"Lessard, Recht & Packard,? \(?2016\)?(, SIAM J\. Optim\. 26\(1\))?", "lessard2016"),
    (r"Jury(, Theory and Application of the z-Transform Method,)? \(?1964\)?", "jury1964"),
    (r"Marchenko & Pastur \(1967\)", "marchenko1967"),
    (r"Bai & Silverstein \(2010\)", "bai2010"),
    (r"Pedregosa & Scieur \(2020\)", "pedregosa2020"),
    (r"Paquette et al\. \(2023\)", "paquette2023"),
    (r"Elaydi, An Introduction to Difference Equations \(2005\)", "elaydi2005"),
    (r"Bubeck \(2015\)", "bubeck2015"),
    (r"Drori (&|and) Teboulle,? \(?2014\)?", "drori2014"),
    (r"Taylor, Hendrickx (&|and) Glineur,? \(?2017\)?", "taylor2017"),
    (r"Taylor, Hendrickx (&|and) Glineur,? \(?2018\)?", "taylor2018"),
    (r"Beck (&|and) Teboulle,? \(?2009\)?", "beck2009"),
    (r"de Klerk, Glineur (&|and) Taylor,? \(?2017\)?", "deklerk2017"),
    (r"Goujaud et al\.,? \(?2024\)?", "goujaud2024"),
    (r"Grimmer, Shu (&|and) Wang,? \(?2024\)?", "grimmer2024"),
    (r"d'Aspremont, Scieur (&|and) Taylor,? \(?2021\)?", "daspremont2021"),
    (r"Kingma & Ba, ICLR 2015", "kingma2015"),
    (r"Sutskever et al\. \(2013\)", "sutskever2013"),
    (r"Ma & Yarats,? \(?2019\)?(, ICLR)?", "ma2019"),
    (r"PyTorch torch\.optim\.SGD documentation|PyTorch SGD", "pytorchsgd"),
    (r"Keras SGD", "kerassgd"),
    (r"Van Scoy, Freeman & Lynch \(2018\)", "vanscoy2018"),
    (r"Golub & Varga \(1961\)", "golub1961"),
    (r"Nemirovski & Yudin \(1983\)", "nemirovski1983"),
    (r"Saad \(2003\)", "saad2003"),
    (r"Zhang, Lucas, Hinton & Ba \(2019\)", "zhang2019"),
    (r"Polyak & Juditsky \(1992\)", "polyak1992"),
    (r"Ruppert \(1988\)", "ruppert1988"),
    (r"Young \(1953\)", "young1953"),
    (r"Loshchilov & Hutter \(2017\)", "loshchilov2017"),
    (r"Smith & Topin \(2019\)", "smith2019"),
    (r"H.gele et al\. \(2024\)", "hagele2024"),
    (r"Box, Jenkins & Reinsel(, Time Series Analysis)?", "box2008"),
    (r"Zhang, Li, Nado, Martens, Sachdeva, Dahl, Shallue & Grosse \(2019\)", "zhang2019nqm"),
    (r"Kantorovich \(1948\)", "kantorovich1948"),
    (r"Luenberger & Ye \(2008\)", "luenberger2008"),
    (r"Armijo \(1966\)", "armijo1966"),
    (r"Nocedal & Wright \(2006\)", "nocedal2006"),
    (r"Duchi, Hazan & Singer \(2011\)", "duchi2011"),
    (r"Tieleman & Hinton \(2012\)", "tieleman2012"),
    (r"Zeiler \(2012\)", "zeiler2012"),
    (r"Kingma & Ba \(2015\)", "kingma2015"),
    (r"Loshchilov & Hutter \(2019\)", "loshchilov2019"),
    (r"Reddi, Kale & Kumar \(2018\)", "reddi2018"),
]
_LOCATION = re.compile(r"^[,\s]*((?:Sec|Thm|Lemma|Prop|Table|eq)\.?\s*[\w.()/, ]+?)\s*$")
_NOTE = re.compile(r"\bseeds? (\d{3})")


def cite_source(text: str) -> str:
    r"""A source string as LaTeX: known works become ``\cite[loc]{key}``, lecture notes stay quoted as notes.

    ``"Polyak (1987), Sec. 1.4; seed 003"`` gives ``\cite[Sec.~1.4]{polyak1987}; note 003``.  The lecture
    notes are never cited as a source: they are named ("note 003") so that the findings chapter can say
    whether their statement holds.
    """
    parts = []
    for piece in (p.strip() for p in str(text).split(";")):
        if not piece:
            continue
        for pattern, key in _SOURCES:
            m = re.match(pattern, piece)
            if m:
                rest = piece[m.end():]
                loc = _LOCATION.match(rest)
                if loc:
                    parts.append(r"\cite[%s]{%s}" % (escape(loc.group(1)).replace(". ", ".~"), key))
                elif rest.strip(" ,"):
                    rest = escape(rest.strip(" ,"))
                    parts.append(r"\cite{%s} %s" % (key, rest if rest.startswith("(") else f"({rest})"))
                else:
                    parts.append(r"\cite{%s}" % key)
                break
        else:
            note = _NOTE.sub(lambda mm: "note " + mm.group(1), piece)
            if "$" in note:  # already LaTeX (a quoted formula)
                parts.append(note)
                continue
            note = note.replace("seeds ", "notes ").replace("standard calculus", "calculus")
            parts.append(escape(note))
    return "; ".join(parts)


# ----------------------------------------------------------------------------- LaTeX -> terminal text
_GREEK = {name: chr(code) for name, code in [
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("varepsilon", 0x3B5),
    ("epsilon", 0x3B5), ("eta", 0x3B7), ("theta", 0x3B8), ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC),
    ("nu", 0x3BD), ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3), ("varphi", 0x3C6), ("phi", 0x3C6),
    ("psi", 0x3C8), ("omega", 0x3C9), ("Lambda", 0x39B), ("Delta", 0x394), ("Sigma", 0x3A3)]}
_SYMBOLS = {
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "to": "→", "infty": "∞",
    "nabla": "∇", "top": "ᵀ", "star": "*", "cdot": "·", "times": "×", "approx": "≈", "sim": "~", "iff": "⇔",
    "in": "∈", "pm": "±", "mapsto": "↦", "langle": "⟨", "rangle": "⟩", "|": "‖", "ldots": "…", "dots": "…",
    "forall": "∀", "succ": "≻", "subset": "⊂", "partial": "∂", "propto": "∝", "sum": "Σ", "int": "∫",
    "lceil": "⌈", "rceil": "⌉", "emptyset": "∅", "mid": "|", "qquad": "  ", "quad": " ", ",": " ", ";": " ",
    ":": " ", "!": "", " ": " ", "{": "{", "}": "}", "%": "%", "&": "&", "_": "_", "#": "#",
}
_DROP_ARG = {"text", "mathrm", "mathbf", "mathbb", "mathcal", "emph", "textbf", "texttt", "operatorname",
             "textit", "boldsymbol", "mathit"}
_SUP = str.maketrans("0123456789+-()ntT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿᵗᵀ")


def _group(s: str, i: int) -> tuple[str, int]:
    """The brace group (or single character) starting at ``s[i]`` and the index after it."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] != "{":
        if s[i] == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            return m.group(0), i + m.end()
        return s[i], i + 1
    depth = 0
    for j in range(i, len(s)):
        depth += {"{": 1, "}": -1}.get(s[j], 0) if s[j - 1] != "\\" or j == i else 0
        if depth == 0:
            return s[i + 1:j], j + 1
    return s[i + 1:], len(s)


def to_unicode(text: str) -> str:
    r"""LaTeX prose with ``$...$`` math as readable terminal text: ``$1 - \eta\lambda$`` -> ``1 - ηλ``.

    Covers what the justifications use: Greek letters, relations, ``\frac``, ``\sqrt``, sub/superscripts,
    ``\text``-like commands, spacing and delimiters; any other command loses its backslash.
    """
    s = str(text).replace("$", "")
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            name, i = m.group(1), i + m.end()
            if name in ("frac", "tfrac", "dfrac", "binom"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                a, b = to_unicode(a), to_unicode(b)
                wrap = lambda x: x if re.fullmatch(r"[\w.*ᵀ√]+", x) else f"({x})"  # noqa: E731
                out.append(f"C({a},{b})" if name == "binom" else f"{wrap(a)}/{wrap(b)}")
            elif name == "sqrt":
                a, i = _group(s, i)
                a = to_unicode(a)
                out.append("√" + (a if re.fullmatch(r"[\wα-ω]+", a) else f"({a})"))
            elif name in ("ref", "label", "eqref"):
                _, i = _group(s, i)
            elif name in ("cite", "citet", "citep"):
                loc = ""
                if i < len(s) and s[i] == "[":
                    end = s.index("]", i)
                    loc, i = ", " + s[i + 1:end], end + 1
                key, i = _group(s, i)
                out.append(f"[{key}{loc}]")
            elif name in _DROP_ARG:
                a, i = _group(s, i)
                out.append(to_unicode(a))
            elif name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "displaystyle",
                          "limits", "nolimits"):
                continue
            elif name in ("begin", "end"):
                _, i = _group(s, i)
            elif name in _GREEK:
                out.append(_GREEK[name])
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            else:
                out.append(name)
        elif ch in "^_":
            a, i = _group(s, i + 1)
            a = to_unicode(a)
            if ch == "^" and a == "*":
                out.append("*")
            elif ch == "^" and all(c in "0123456789+-()ntT" for c in a):
                out.append(a.translate(_SUP))
            elif len(a) == 1:
                out.append(ch + a if ch == "^" else "_" + a)
            else:
                out.append(f"{ch}({a})")
        elif ch in "{}":
            i += 1
        elif ch == "~":
            out.append(" ")
            i += 1
        else:
            out.append(ch)
            i += 1
    return re.sub(r"``|''", '"', "".join(out))
