"""Packaging: the four layers install as ratecheck.* and nothing else reaches site-packages' top level."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("theory", "numerics", "proofs", "reports")


def _configured() -> tuple[list[str], dict[str, str]]:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return cfg["packages"], cfg["package-dir"]


def test_every_subpackage_is_listed():
    """A folder with an __init__.py that pyproject.toml does not list would be missing from the wheel."""
    packages, package_dir = _configured()
    installed_as = {Path(folder): name for name, folder in package_dir.items()}  # e.g. proofs/api -> ratecheck
    missing = []
    for layer in LAYERS:
        for init in sorted((ROOT / layer).rglob("__init__.py")):
            rel = init.parent.relative_to(ROOT)
            name = installed_as.get(rel, "ratecheck." + ".".join(rel.parts))
            if name not in packages:
                missing.append(name)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_installed_namespace_from_outside_the_tree(tmp_path):
    """From a directory outside the checkout, `import theory` fails and `import ratecheck.theory` works."""
    code = (
        "import importlib.util, ratecheck, ratecheck.theory, ratecheck.numerics, ratecheck.proofs, ratecheck.reports\n"
        "bad = [m for m in ('theory', 'numerics', 'proofs', 'reports') if importlib.util.find_spec(m)]\n"
        "assert not bad, bad\n"
        "assert callable(ratecheck.measure_rate)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
