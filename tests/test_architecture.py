"""The four-layer design: theory/ and numerics/ never import each other (STYLE.md).

Checked statically on the source, so a lazy import inside a function is caught too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _top(name: str) -> str:
    """The layer or library a dotted module name belongs to: ratecheck.theory.x -> theory."""
    parts = name.split(".")
    return parts[1] if parts[0] == "ratecheck" and len(parts) > 1 else parts[0]


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(_top(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "ratecheck":  # from ratecheck import numerics
                out.update(alias.name for alias in node.names)
            else:
                out.add(_top(node.module))
    return out


FORBIDDEN = {
    "theory": {"numerics", "proofs", "reports", "numpy", "numba", "cupy", "scipy", "matplotlib"},
    "numerics": {"theory", "proofs", "reports", "sympy"},
    "proofs": {"reports"},
}


def test_checker_sees_namespaced_imports(tmp_path):
    """The checker must not go blind to `from ratecheck.numerics import x` or `from ratecheck import numerics`."""
    src = tmp_path / "m.py"
    src.write_text("from ratecheck.numerics import spectra\nfrom ratecheck import proofs\nimport ratecheck.reports.cli\n")
    assert imported_top_levels(src) == {"numerics", "proofs", "reports"}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer):
    offenders = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        bad = imported_top_levels(path) & FORBIDDEN[layer]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def test_library_does_not_print():
    """Only reports/ talks to the terminal (STYLE.md, example 9)."""
    offenders = []
    for layer in ("theory", "numerics", "proofs"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


#: calls that run a method (numerics' runners); the report must get their results from claims or proofs/
RUNNERS = {"simulate", "simulate_diagonal", "iterate_path", "constant_gradient_run", "run_segment", "step"}
#: the report: sections, figures, the build (the CLI commands in reports/commands run what the user asks for)
REPORT_FILES = sorted((ROOT / "reports" / "sections").glob("*.py")) + [ROOT / "reports" / f for f in
                                                                       ("figures.py", "build.py", "latex.py")]


def _runner_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
            if name in RUNNERS:
                out.append(f"{shown}:{node.lineno} calls {name}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names]
            mod = node.module if isinstance(node, ast.ImportFrom) else ""
            if any(n in RUNNERS for n in names) or (mod or "").endswith(("numerics.simulate", "numerics.backends")):
                out.append(f"{shown}:{node.lineno} imports a runner ({mod} {names})")
    return out


def test_runner_check_sees_calls(tmp_path):
    src = tmp_path / "s.py"
    src.write_text("from ratecheck import numerics\nnumerics.simulate(r, p, e, 3)\n")
    assert _runner_calls(src) and "simulate" in _runner_calls(src)[0]


def test_report_does_not_simulate():
    """reports/ formats and draws; every number it shows comes from a claim or a proofs/ function (STYLE.md)."""
    offenders = [hit for path in REPORT_FILES for hit in _runner_calls(path)]
    assert not offenders, "\n".join(offenders)
