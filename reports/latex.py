r"""LaTeX rendering (Jinja2 with ``\VAR{}``/``\BLOCK{}`` delimiters) and the PDF build.

Determinism: pdflatex runs with ``SOURCE_DATE_EPOCH``/``FORCE_SOURCE_DATE`` fixed and the
preamble sets ``\pdftrailerid{}`` and ``\pdfinfoomitdate=1``; figures are saved with
``metadata={"CreationDate": None}``.  The same inputs give a byte-identical PDF.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

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
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


class TexFailed(RuntimeError):
    """latexmk did not produce the PDF; ``log`` is the full log file, ``first_error`` its first ``!`` line."""

    def __init__(self, message: str, log: Path | None, first_error: str | None):
        super().__init__(message)
        self.log = log
        self.first_error = first_error


def build_pdf(tex_path: Path) -> Path:
    """Compile ``tex_path`` with latexmk into a PDF next to it; raise TexMissing without TeX."""
    if not tex_available():
        raise TexMissing(f"latexmk/pdflatex not found; install TeX with: {INSTALL_HINT}")
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
