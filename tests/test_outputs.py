"""Output paths (reports.outputs): checked before the work, written through devices/FIFOs/symlinks,
atomic for regular files, all or none, never deleting or replacing what was there (issue 8, items 1-5)."""
from __future__ import annotations

import os
import stat
import subprocess
import threading

import pytest

from ratecheck.reports.commands.args import UsageError
from ratecheck.reports.outputs import Outputs

SWEEP = ["sweep", "--methods", "gd", "--kappa", "10:100", "--points", "2", "--no-progress"]
SIM = ["simulate", "gd", "--spectrum", "uniform:mu=1,L=10", "--dim", "100", "--steps", "5", "--eta", "0.1"]
BENCH = ["bench", "--dim", "1000", "--steps", "3"]


def _full_device(path):
    """A private character device node 1:7 (like /dev/full, on which every write fails with ENOSPC)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    return path


@pytest.mark.parametrize("argv", [SIM, SWEEP, BENCH])
def test_failed_write_to_a_device_keeps_the_device(cli, tmp_path, argv):
    """Item 1: a write error on a device is one line, exit 2, and the node is still there."""
    dev = _full_device(tmp_path / "full")
    r = cli([*argv, "--json", str(dev)])
    assert r.code == 2
    assert r.stderr.strip().splitlines() == [f"ratecheck: error: cannot write --json {dev}: No space left on device"]
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]  # no partial or config file beside it


def test_stdout_symlink_is_written_through_not_replaced(ratecheck_exe, tmp_path):
    """Item 2: --json ./so with so -> /proc/self/fd/1 writes to stdout; the link stays, no config beside it."""
    so = tmp_path / "so"
    so.symlink_to("/proc/self/fd/1")
    proc = subprocess.run([*ratecheck_exe, *SWEEP, "--json", "so"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.lstrip().startswith("{") and '"points"' in proc.stdout
    assert "ratecheck sweep" in proc.stderr  # the tables go to stderr when the JSON is on stdout
    assert so.is_symlink() and os.readlink(so) == "/proc/self/fd/1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["so"]


def test_broken_pipe_keeps_the_symlink(ratecheck_exe, tmp_path):
    """Item 1: --json ./so | true (reader gone): one line, exit 2, the symlink is not deleted."""
    so = tmp_path / "so"
    so.symlink_to("/proc/self/fd/1")
    cmd = " ".join([*ratecheck_exe, *SIM, "--steps", "20000", "--eta", "0.01", "--json", "so"])
    proc = subprocess.run(f"{cmd} | true; exit ${{PIPESTATUS[0]}}", shell=True, executable="/bin/bash",
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 2)  # 0 when everything fit into the pipe before `true` exited
    assert len(proc.stderr.strip().splitlines()) <= 1 and "Traceback" not in proc.stderr
    assert so.is_symlink()


def test_fifo_is_written_through(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = {}

    def read():
        with open(fifo) as fh:
            got["text"] = fh.read()

    reader = threading.Thread(target=read)
    reader.start()
    r = cli([*SIM, "--json", str(fifo)])
    reader.join(30)
    assert r.code == 0, r.stderr
    assert '"trajectory"' in got["text"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_symlink_to_a_regular_file_keeps_the_link(cli, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    r = cli([*SIM, "--json", str(link)])
    assert r.code == 0, r.stderr
    assert link.is_symlink() and '"trajectory"' in real.read_text()


@pytest.mark.parametrize("flag", ["--json", "--csv", "--plot"])
def test_unwritable_path_fails_before_the_work(cli, flag):
    """Item 3: /proc/x is refused at once (one line), not after the sweep with a traceback."""
    target = "/proc/x.pdf" if flag == "--plot" else "/proc/x"
    r = cli([*SWEEP, flag, target])
    assert r.code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ratecheck: error: cannot write {flag} {target}")
    assert r.stdout == ""  # nothing ran


def test_outputs_are_committed_all_or_none(cli, tmp_path):
    """Item 4: ok.config.toml a directory -> refused before the work; ok.json keeps its old content."""
    (tmp_path / "ok.config.toml").mkdir()
    (tmp_path / "ok.json").write_text("previous")
    r = cli([*SWEEP, "--json", str(tmp_path / "ok.json"), "--csv", str(tmp_path / "ok.csv")])
    assert r.code == 2 and "ok.config.toml" in r.stderr and "it is a directory" in r.stderr
    assert (tmp_path / "ok.json").read_text() == "previous"
    assert not (tmp_path / "ok.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.config.toml", "ok.json"]


def test_rename_failure_puts_back_what_was_there(tmp_path):
    """Commit is all or none even when a rename fails midway (a target became a directory)."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text("old a")
    outs = Outputs()
    ta, tb = outs.add("json", str(a)), outs.add("csv", str(b))
    outs.set(ta, "new a")
    outs.set(tb, "new b")
    b.mkdir()  # after the check, before the commit
    with pytest.raises(UsageError, match="it is a directory"):
        outs.commit()
    assert a.read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


@pytest.mark.parametrize("key", ["csv", "plot", "json"])
def test_config_output_of_wrong_type(cli, tmp_path, key):
    """Item 5: csv = 5 in a config is one line naming the option."""
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"{key} = 5\n")
    r = cli([*SWEEP, "--config", str(cfg)])
    assert r.code == 2
    assert r.stderr.strip() == f"ratecheck: error: --{key} must be a file name or - (got 5)"


def test_new_file_mode_follows_umask_and_existing_mode_is_kept(cli, tmp_path):
    old = os.umask(0o027)
    try:
        r = cli([*SIM, "--json", str(tmp_path / "new.json")])
    finally:
        os.umask(old)
    assert r.code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o640
    kept = tmp_path / "kept.json"
    kept.write_text("x")
    kept.chmod(0o604)
    assert cli([*SIM, "--json", str(kept)]).code == 0
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o604


def test_two_outputs_on_stdout_are_refused(cli):
    r = cli([*SWEEP, "--json", "-", "--csv", "-"])
    assert r.code == 2 and "both write to standard output" in r.stderr


def test_sweep_plot_with_nothing_to_draw_has_no_warning(cli, tmp_path):
    """Item 9: --max-steps 1 --plot: a note instead of matplotlib's legend UserWarning."""
    r = cli([*SWEEP, "--max-steps", "1", "--plot", str(tmp_path / "out.pdf")])
    assert r.code == 0, r.stderr
    assert "Warning" not in r.stderr + r.stdout
    assert "the iterations panel is empty" in r.stdout
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
