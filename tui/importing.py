"""Importing from the app: the path is planned (how many files, which could not be read) in
a worker, a large import is confirmed first, the import runs in a worker with progress in
the status bar, and ctrl+c cancels it (the files done stay in, the current one is left
out). The screen gets typed messages and draws."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.message import Message

from store.import_plan import CancellableStore, ImportPlan, import_plan, plan_import


class ImportPlanned(Message):
    def __init__(self, path: Path, plan: ImportPlan) -> None:
        super().__init__()
        self.path, self.plan = path, plan


class ImportProgress(Message):
    def __init__(self, done: int, total: int, line: str) -> None:
        super().__init__()
        self.done, self.total, self.line = done, total, line


class ImportFinished(Message):
    def __init__(self, summary: str, refused: list[str], cancelled: bool) -> None:
        super().__init__()
        self.summary, self.refused, self.cancelled = summary, refused, cancelled


def describe_plan(path: Path, plan: ImportPlan) -> str:
    """"Import 521 files from ~/x? (4 hidden files and folders skipped; 1 could not be read: …)"."""
    n = len(plan.files)
    text = f"Import {n} file{'s' * (n != 1)} from {path}?"
    notes = []
    if plan.hidden:
        notes.append(f"{plan.hidden} hidden file{'s' * (plan.hidden != 1)} and folders skipped")
    if plan.unreadable:
        first, why = plan.unreadable[0]
        more = f" and {len(plan.unreadable) - 1} more" if len(plan.unreadable) > 1 else ""
        notes.append(f"{len(plan.unreadable)} could not be read: {first} ({why}){more}")
    return text + (f" ({'; '.join(notes)})" if notes else "")


class ImportController:
    """Plans and runs imports on `owner` (the screen, which receives the messages)."""

    def __init__(self, owner, db_path: Path) -> None:
        self.owner = owner
        self.db_path = db_path
        self._cancel: threading.Event | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def plan(self, path: Path) -> None:
        self.owner.run_worker(lambda: self.owner.post_message(ImportPlanned(path, plan_import([path]))),
                              thread=True, exclusive=True, group="import-plan", exit_on_error=False,
                              description="looking at the folder")

    def start(self, plan: ImportPlan) -> None:
        cancel = self._cancel = threading.Event()
        self.owner.run_worker(lambda: self._run(plan, cancel), thread=True, exclusive=True, group="import",
                              exit_on_error=False, description="importing")

    def cancel(self) -> bool:
        if self._cancel is None:
            return False
        self._cancel.set()
        return True

    def finished(self) -> None:
        self._cancel = None

    def _run(self, plan: ImportPlan, cancel: threading.Event) -> None:
        from store.importer import summarize

        def reported(result, done: int, total: int) -> None:
            self.owner.post_message(ImportProgress(done, total, f"{Path(result.path).name}: {result.message}"))

        with CancellableStore(self.db_path, cancel) as store:
            results = import_plan(store, plan, on_result=reported)
        counts, summary = summarize(results)
        refused = [f"{Path(r.path).name}: {r.message}" for r in results if r.status == "refused"]
        cancelled = cancel.is_set() and len(results) - len(plan.unreadable) < len(plan.files)
        self.owner.post_message(ImportFinished(summary or "no files to import", refused, cancelled))
        if counts["imported"] or counts["replaced"]:
            from tui.segmenter import fill_keywords_in_subprocess

            fill_keywords_in_subprocess(self.db_path)
