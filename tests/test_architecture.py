"""The four-layer design: theory/ and numerics/ never import each other (STYLE.md).

Checked statically on the source, so a lazy import inside a function is caught too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


FORBIDDEN = {
    "theory": {"numerics", "proofs", "reports", "numpy", "numba", "cupy", "scipy", "matplotlib"},
    "numerics": {"theory", "proofs", "reports", "sympy"},
    "proofs": {"reports"},
}


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
