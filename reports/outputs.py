r"""Every output file a command writes goes through here: checked before the work, committed all or none.

A command declares its outputs up front (:meth:`Outputs.add`, flag and target), which checks
that each target can be written *before* any work starts, then hands the finished contents to
:meth:`Outputs.set` and calls :meth:`Outputs.commit` once.  The rules:

* ``-`` is standard output.  A target that is (or resolves to) the same open file as this
  process's standard output, e.g. a symlink to ``/proc/self/fd/1``, is treated as ``-`` too.
* A regular file (new or existing, also through a symlink: the link stays, its target is
  replaced) is written to a temporary file in the same directory and renamed over the final
  name, so a reader never sees a partial file.  A new file gets mode ``0o666 & ~umask``; an
  existing one keeps its mode.  Symlinks are never replaced by files.
* A device, FIFO or socket (or a symlink to one) is written through: opened and written in
  place, never unlinked, renamed or created.
* Commit is all or none: all regular files are staged first, then special targets and standard
  output are written, then the staged files are renamed into place.  If anything fails, the
  staged files are removed, any file already renamed is put back as it was (hard-link backup),
  and nothing that existed before the command is deleted, replaced or truncated.
* Every failure is :class:`~reports.commands.args.UsageError` ``cannot write --FLAG TARGET: reason``.

Used by every command that writes files (``simulate``, ``bench``, ``sweep``); side files such
as a sweep's ``STEM.config.toml`` are declared with :meth:`Outputs.add_beside` and are written
next to regular files only.
"""
from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .commands.args import UsageError

__all__ = ["Outputs", "Target", "current_umask"]


def current_umask() -> int:
    """This process's umask (read without changing it where /proc allows; else set and restore)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):  # pragma: no cover - non-Linux
        pass
    mask = os.umask(0o022)  # pragma: no cover
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _reason(exc: OSError) -> str:
    return exc.strerror or " ".join(str(exc).split()) or type(exc).__name__


def _is_stdout(path: str) -> bool:
    """``path`` is the file this process's standard output is open on (e.g. /dev/stdout, /proc/self/fd/1)."""
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False


@dataclass
class Target:
    """One declared output: ``kind`` is ``stdout``, ``regular`` (atomic rename at ``final``) or ``special``."""

    flag: str
    name: str
    kind: str
    final: Path | None = None
    data: "bytes | Callable[[], Iterable[str]] | None" = None

    def chunks(self) -> Iterator[bytes]:
        if callable(self.data):
            for text in self.data():
                yield text.encode()
        else:
            yield self.data
    #: how errors name it (default ``--FLAG NAME``)
    label: str | None = None

    def fail(self, reason: str) -> UsageError:
        return UsageError(f"cannot write {self.label or f'--{self.flag} {self.name}'}: {reason}")


class Outputs:
    """The output targets of one command; see the module docstring."""

    def __init__(self):
        self.targets: list[Target] = []

    # ------------------------------------------------------------------ declare (before work)
    def add(self, flag: str, name: str | None, *, suffix: str | None = None, label: str | None = None) -> Target | None:
        """Declare ``--flag name``; UsageError now if it cannot be written.  ``None`` declares nothing."""
        if name is None:
            return None
        if not isinstance(name, (str, os.PathLike)):
            raise UsageError(f"--{flag} must be a file name or - (got {name!r})")
        name = os.fspath(name)
        if name.strip() == "":
            raise UsageError(f"--{flag} must be a file name or - (got '')")
        t = self._classify(flag, name, label)
        if suffix and t.kind != "stdout" and Path(name).suffix.lower() != suffix:
            raise UsageError(f"--{flag} must be a file name ending in {suffix} (got {name!r})")
        for other in self.targets:
            if t.kind == other.kind == "stdout":
                raise UsageError(f"--{flag} {name} and --{other.flag} {other.name} both write to standard output; "
                                 "give at most one")
            if other.kind == t.kind and _same(other, t):
                raise UsageError(f"--{flag} {name} is the same file as --{other.flag} {other.name}")
        self.targets.append(t)
        return t

    def add_figure(self, flag: str, name: str | None) -> tuple[Target | None, str]:
        """Declare a figure ``--flag name``: (its target or None, its format, pdf unless the file's suffix names
        png or svg); UsageError for a file whose suffix is not a figure format (standard output is PDF)."""
        from .figure_formats import FORMATS, format_of

        t = self.add(flag, name)
        fmt = "pdf"
        if t is not None and t.kind != "stdout":
            fmt = format_of(str(name))
            if fmt is None:
                raise UsageError(f"--{flag} must be a file name ending in {', '.join('.' + f for f in FORMATS)} "
                                 f"(got {str(name)!r})")
        return t, fmt

    def add_beside(self, flag: str, target: Target, new_suffix: str) -> Target | None:
        """A side file ``STEM{new_suffix}`` next to ``target``, only when ``target`` is a regular file."""
        if target is None or target.kind != "regular":
            return None
        p = Path(target.name)
        name = str(p.with_name(p.stem + new_suffix))
        label = f"{name} (written beside --{target.flag} {target.name})"
        final = self._classify(flag, name, label).final
        for other in self.targets:
            if other.kind == "regular" and other.final == final:
                if other.label is None:  # a named output: refuse to overwrite it with the side file
                    raise UsageError(f"--{other.flag} {other.name} is the side file of --{target.flag} {target.name}")
                return None  # already declared beside another output
        t = self._classify(flag, name, label)
        self.targets.append(t)
        return t

    def _classify(self, flag: str, name: str, label: str | None = None) -> Target:
        if name == "-" or _is_stdout(name):
            return Target(flag, name, "stdout", label=label)
        path = Path(name)
        probe = Target(flag, name, "regular", label=label)
        try:
            st = os.stat(path)  # follows symlinks
        except FileNotFoundError:
            if path.is_symlink():  # a dangling link: we would have to create its target; refuse
                raise probe.fail("it is a symlink to a missing file") from None
            st = None
        except OSError as exc:
            if exc.errno == errno.ENOTDIR:
                raise probe.fail(f"no such directory {str(path.parent)!r}") from None
            raise probe.fail(_reason(exc)) from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise probe.fail("it is a directory")
        if st is not None and not stat.S_ISREG(st.st_mode):
            if not os.access(path, os.W_OK):
                raise probe.fail("permission denied")
            return Target(flag, name, "special", label=label)
        final = Path(os.path.realpath(path)) if st is not None else Path(os.path.abspath(path))
        parent = final.parent
        if not parent.is_dir():
            raise probe.fail(f"no such directory {str(path.parent) or '.'!r}")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise probe.fail(f"directory {str(path.parent) or '.'!r} is not writable")
        if st is not None and not os.access(final, os.W_OK):
            raise probe.fail("permission denied")
        try:  # the only sure test that the rename target's directory takes new files: make one
            fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".probe", dir=parent)
        except OSError as exc:
            raise probe.fail(f"cannot create a file in {str(path.parent) or '.'!r} ({_reason(exc)})") from None
        os.close(fd)
        _unlink_quietly(Path(tmp))
        return Target(flag, name, "regular", final, label=label)

    # ------------------------------------------------------------------ contents (after work)
    @property
    def to_stdout(self) -> bool:
        """Some declared target is standard output (so tables and notes belong on stderr)."""
        return any(t.kind == "stdout" for t in self.targets)

    def set(self, target: Target | None, data) -> None:
        """The contents of ``target``: str, bytes, or a callable returning an iterable of str chunks (streamed, so
        a large output is never held in memory whole; it is called once per write)."""
        if target is not None:
            target.data = data.encode() if isinstance(data, str) else data if callable(data) else bytes(data)

    # ------------------------------------------------------------------ commit
    def commit(self) -> None:
        """Write every target that has data: all of them, or (on any failure) none of the regular files."""
        todo = [t for t in self.targets if t.data is not None]
        staged: list[tuple[Target, Path]] = []
        try:
            for t in todo:
                if t.kind == "regular":
                    staged.append((t, self._stage(t)))
            for t in todo:
                if t.kind == "special":
                    self._write_through(t)
            for t in todo:
                if t.kind == "stdout":
                    self._write_stdout(t)
            self._rename_all(staged)
            staged = []
        finally:
            for _, tmp in staged:
                _unlink_quietly(tmp)

    def _stage(self, t: Target) -> Path:
        final = t.final
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)
        except OSError as exc:
            raise t.fail(_reason(exc)) from None
        tmp_path = Path(tmp)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in t.chunks():
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                mode = stat.S_IMODE(os.stat(final).st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~current_umask()
            os.chmod(tmp_path, mode)
        except OSError as exc:
            _unlink_quietly(tmp_path)
            raise t.fail(_reason(exc)) from None
        return tmp_path

    @staticmethod
    def _write_through(t: Target) -> None:
        try:
            fd = os.open(t.name, os.O_WRONLY)
        except OSError as exc:
            raise t.fail(_reason(exc)) from None
        try:
            for chunk in t.chunks():
                view = memoryview(chunk)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
        except OSError as exc:
            raise t.fail(_reason(exc)) from None
        finally:
            os.close(fd)

    @staticmethod
    def _write_stdout(t: Target) -> None:
        try:
            buffer = getattr(sys.stdout, "buffer", None)  # bytes as they are (a PDF is not UTF-8)
            if buffer is not None:
                sys.stdout.flush()
            for chunk in t.chunks():
                if buffer is not None:
                    buffer.write(chunk)
                else:  # a text-only stream (e.g. captured in a test): every byte as one character
                    sys.stdout.write(chunk.decode("latin-1"))
            (buffer or sys.stdout).flush()
        except OSError as exc:
            raise t.fail(_reason(exc)) from None

    @staticmethod
    def _rename_all(staged: list[tuple[Target, Path]]) -> None:
        backups: list[tuple[Path, Path | None]] = []  # (final, hard-link backup or None when it did not exist)
        try:
            for t, tmp in staged:
                final = t.final
                if final.is_dir():
                    raise t.fail("it is a directory")
                backup = None
                if final.exists():
                    backup = final.with_name(f".{final.name}.{os.getpid()}.backup")
                    try:
                        os.link(final, backup)
                    except OSError:
                        backup = None
                try:
                    os.replace(tmp, final)
                except OSError as exc:
                    if backup is not None:
                        _unlink_quietly(backup)
                    raise t.fail(_reason(exc)) from None
                backups.append((final, backup))
        except BaseException:
            for final, backup in reversed(backups):  # put back what was there
                if backup is not None:
                    os.replace(backup, final)
                else:
                    _unlink_quietly(final)
            raise
        for _, backup in backups:
            if backup is not None:
                _unlink_quietly(backup)


def _same(a: Target, b: Target) -> bool:
    if a.kind == "regular":
        return a.final == b.final
    try:
        return os.path.samefile(a.name, b.name)
    except OSError:
        return False


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
