"""What a folder import will read, worked out before anything is imported, and an import of
that plan that can be cancelled.

Planning first lets the app (and the command line) show how many files a path holds and ask
before a large import: a path pre-filled with the current folder must not import a whole
tree (a virtualenv, caches, a dictionary) on a second Enter. Hidden files and folders are
skipped, links are never followed out of the folder given, and every entry that could not
be read is named.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from store.db import Store
from store.importer import ImportResult, import_file
from store.readers import FOLDER_SUFFIXES, MAX_BYTES

ASK_ABOVE = 30
"""Imports of more files than this are confirmed first (the count is shown)."""


@dataclass
class ImportPlan:
    files: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # (path, why), named to the user
    hidden: int = 0  # hidden files and folders left out

    @property
    def needs_confirmation(self) -> bool:
        return len(self.files) > ASK_ABOVE


def plan_import(paths: Iterable[Path]) -> ImportPlan:
    """The files an import of `paths` reads: a file named is read whatever its name; a folder
    gives its files of readable formats, recursively, in name order."""
    plan = ImportPlan()
    for path in paths:
        path = Path(path).expanduser()
        if path.is_dir():
            _walk(path, path.resolve(), plan)
        elif path.is_file():
            plan.files.append(path)
        elif path.exists():
            plan.unreadable.append((path, "not a regular file"))
        else:
            plan.unreadable.append((path, "no such file or folder"))
    return plan


def _walk(folder: Path, root: Path, plan: ImportPlan) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        plan.unreadable.append((folder, exc.strerror or "cannot be read"))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            plan.hidden += 1
            continue
        try:
            if entry.is_symlink() and not path.resolve().is_relative_to(root):
                continue  # a link out of the folder given is not followed
            if entry.is_dir():
                _walk(path, root, plan)
            elif entry.is_file() and path.suffix.lower() in FOLDER_SUFFIXES:
                if not os.access(path, os.R_OK):
                    plan.unreadable.append((path, "permission denied"))
                else:
                    plan.files.append(path)
        except OSError as exc:
            plan.unreadable.append((path, exc.strerror or "cannot be read"))


class Cancelled(Exception):
    """The import was cancelled: the file being imported is rolled back."""


class CancellableStore(Store):
    """A connection for an import that can be cancelled: once `cancel` is set, a running
    statement is interrupted and a transaction about to commit is rolled back instead, so
    the file being imported is left out whole."""

    def __init__(self, path: Path | str, cancel: threading.Event) -> None:
        self.cancel = cancel  # before opening: opening may migrate, in a transaction
        super().__init__(path)
        self.conn.set_progress_handler(lambda: 1 if cancel.is_set() else 0, 1000)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with super().transaction() as conn:
            yield conn
            if self.cancel.is_set():
                raise Cancelled()


def import_plan(store: Store, plan: ImportPlan, on_result: Callable[[ImportResult, int, int], None] | None = None,
                province: str | None = None, max_bytes: int = MAX_BYTES) -> list[ImportResult]:
    """Import the planned files one transaction each; the unreadable entries come first in
    the results, as refused. On a CancellableStore whose `cancel` is set, the import stops:
    the files already imported stay, the one being imported is left out, no other starts."""
    cancel = store.cancel if isinstance(store, CancellableStore) else threading.Event()
    results = [ImportResult(str(path), "refused", why) for path, why in plan.unreadable]
    total = len(plan.files)
    for done, path in enumerate(plan.files, 1):
        if cancel.is_set():
            break
        try:
            result = import_file(store, path, province=province, max_bytes=max_bytes)
        except (Cancelled, sqlite3.OperationalError):
            if not cancel.is_set():
                raise
            break  # rolled back
        results.append(result)
        if on_result:
            on_result(result, done, total)
    return results
