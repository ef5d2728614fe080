"""Every write the app makes, off the UI thread.

A write (a tag, a note, the selection, the remembered position) is queued and run by a
thread worker on its own connection, one at a time in the order asked. When another
program holds the write lock, the write is retried, with "saving…" in the status bar, until
it goes through: the screen never freezes on the database and an edit is never dropped.
A write the database refuses for another reason (read-only, bad input) is reported.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message

from store.db import Store
from store.errors import PolicyReviewError

BUSY_TIMEOUT_MS = 100
"""How long one attempt waits for another program's write lock before it is retried."""


@dataclass
class Write:
    what: str  # said in the status bar while it waits: "saving the note…"
    action: Callable[..., Any]  # called as action(store, *args) in the worker
    args: tuple
    done: Callable[[Any], None] | None
    failed: Callable[[str], None] | None


class Saver:
    """The app's one writer. `save()` returns at once; `done(result)` runs on the UI thread
    once the write is in."""

    class Saved(Message):
        def __init__(self, write: Write, result: Any) -> None:
            super().__init__()
            self.write, self.result = write, result

    class Refused(Message):
        def __init__(self, write: Write, reason: str) -> None:
            super().__init__()
            self.write, self.reason = write, reason

    class Waiting(Message):
        """A write waits for another program's lock (`what`), or nothing waits (None)."""

        def __init__(self, what: str | None) -> None:
            super().__init__()
            self.what = what

    def __init__(self, app, db_path: Path) -> None:
        self.app = app
        self.db_path = db_path
        self._queue: deque[Write] = deque()
        self._lock = threading.Lock()
        self._running = False
        self._store: Store | None = None

    @property
    def pending(self) -> int:
        """Writes not yet in (queued, or being written)."""
        with self._lock:
            return len(self._queue)

    def save(self, what: str, action: Callable[..., Any], *args, done: Callable[[Any], None] | None = None,
             failed: Callable[[str], None] | None = None) -> None:
        with self._lock:
            self._queue.append(Write(what, action, args, done, failed))
            if self._running:
                return
            self._running = True
        self.app.run_worker(self._drain, thread=True, group="saver", exit_on_error=False, description="saving")

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._running = False
                    return
                write = self._queue[0]
            outcome = self._run(write)
            with self._lock:
                self._queue.popleft()  # before the outcome is posted: `pending` is right when it arrives
            self.app.post_message(outcome)

    def _run(self, write: Write) -> Message:
        """Write, retrying while another program holds the lock; the message to post."""
        waiting = False
        delay = 0.05
        while True:
            try:
                result = write.action(self._connection(), *write.args)
            except sqlite3.OperationalError as exc:
                if not _is_lock(exc):
                    return self._refused(write, exc, waiting)
                if not waiting:
                    waiting = True
                    self.app.post_message(self.Waiting(write.what))
                time.sleep(delay)
                delay = min(1.0, delay * 2)
                continue
            except (PolicyReviewError, sqlite3.Error) as exc:
                return self._refused(write, exc, waiting)
            if waiting:
                self.app.post_message(self.Waiting(None))
            return self.Saved(write, result)

    def _refused(self, write: Write, exc: Exception, waiting: bool) -> Message:
        if waiting:
            self.app.post_message(self.Waiting(None))
        return self.Refused(write, _reason(exc))

    def _connection(self) -> Store:
        if self._store is None:
            self._store = Store(self.db_path)
            self._store.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _is_lock(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "readonly" in text.replace("-", "").replace(" ", ""):
        return "the database is read-only"
    return text
