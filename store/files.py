"""Writing files so that a crash never leaves half of one: a temporary file in the same
folder, flushed and synced, then renamed over the target."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from store.errors import PolicyReviewError


def write_atomic(path: Path, content: str, force: bool = False) -> None:
    """Write `content` to `path` (UTF-8). Refuses to replace an existing file unless
    `force`, and never replaces anything but a regular file (a FIFO, a device or a symbolic
    link is not renamed over); every failure is a PolicyReviewError with a one-line reason."""
    path = Path(path)
    _check_target(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise PolicyReviewError(f"{folder}: no such folder")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except PermissionError:
        raise PolicyReviewError(f"{folder}: cannot write here (permission denied)") from None
    except OSError as exc:
        raise PolicyReviewError(f"{folder}: cannot write here ({exc.strerror})") from None
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        _check_target(path, force)  # created meanwhile by someone else?
        os.replace(temporary, path)
    except OSError as exc:
        _remove(temporary)
        raise PolicyReviewError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        _remove(temporary)
        raise


_NOT_REGULAR = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _check_target(path: Path, force: bool) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise PolicyReviewError(f"{path}: cannot write ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise PolicyReviewError(f"{path}: is a folder; give a file name")
    for test, what in _NOT_REGULAR:
        if test(mode):
            raise PolicyReviewError(f"{path}: is {what}, not a regular file; give another file name")
    if not force:
        raise PolicyReviewError(f"{path}: exists already; use --force to overwrite it")


def _mode_for(path: Path) -> int:
    """The permissions the file gets: those of the file it replaces, else what a plain
    open() would give (mkstemp makes its files private to the owner)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:  # read without changing it (Linux), so that other threads are not affected
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o077)
    os.umask(current)
    return current


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
