"""Writing files so that a crash never leaves half of one: a temporary file in the same
folder, flushed and synced, then renamed over the target."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from store.errors import PolicyReviewError


def write_atomic(path: Path, content: str, force: bool = False) -> None:
    """Write `content` to `path` (UTF-8). Refuses to replace an existing file unless
    `force`; every failure is a PolicyReviewError with a one-line reason."""
    path = Path(path)
    if path.is_dir():
        raise PolicyReviewError(f"{path}: is a folder; give a file name")
    if path.exists() and not force:
        raise PolicyReviewError(f"{path}: exists already; use --force to overwrite it")
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
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists() and not force:  # created meanwhile by someone else
            raise PolicyReviewError(f"{path}: exists already; use --force to overwrite it")
        os.replace(temporary, path)
    except OSError as exc:
        _remove(temporary)
        raise PolicyReviewError(f"{path}: cannot write ({exc.strerror})") from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
