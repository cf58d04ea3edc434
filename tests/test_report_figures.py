"""``ratecheck figures --format pdf|png|svg``: one file per figure, deterministic, bad input exits 2."""
from __future__ import annotations

import pytest

GD_FIGURES = {"gd-error-curves", "gd-rate-over-eta", "gd-seed-exercise"}


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_export_writes_one_file_per_figure_and_is_deterministic(cli, tmp_path, fmt, magic):
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        r = cli(["figures", "--only", "gd", "--format", fmt, "--out", str(out)])
        assert r.code == 0, r.stderr
        files = sorted(out.iterdir())
        assert {p.stem for p in files} == GD_FIGURES and all(p.suffix == "." + fmt for p in files)
        assert all(p.read_bytes().startswith(magic) for p in files)
        assert r.stdout.split() == [str(p) for p in files]
        runs.append({p.name: p.read_bytes() for p in files})
    assert runs[0] == runs[1]


def test_unknown_format_is_a_usage_error(cli, tmp_path):
    r = cli(["figures", "--format", "jpg", "--out", str(tmp_path / "x")])
    assert r.code == 2
    assert "--format" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x").exists()
