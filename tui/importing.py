"""Importing from the app: the path is planned (how many files, which could not be read) in
a worker, a large import is confirmed first, the import runs in a worker with progress in
the status bar, and ctrl+c cancels it (the files done stay in, the current one is left
out). `Importer` is an invisible widget of the main screen: its workers' messages come to
it, and it tells the screen what to show."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.message import Message
from textual.widget import Widget

from store.db import Store
from tui.screens import ConfirmDialog

if TYPE_CHECKING:  # the importer and the parser are loaded by the first import, not at start-up
    from store.importer import ImportPlan


class ImportPlanned(Message):
    def __init__(self, path: Path, plan: ImportPlan) -> None:
        super().__init__()
        self.path, self.plan = path, plan


class ImportProgress(Message):
    def __init__(self, done: int, total: int, line: str, pace: str) -> None:
        super().__init__()
        self.done, self.total, self.line, self.pace = done, total, line, pace


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
    if plan.problems:
        first = plan.problems[0]
        more = f" and {len(plan.problems) - 1} more" if len(plan.problems) > 1 else ""
        notes.append(f"{len(plan.problems)} could not be read: {first.path} ({first.message}){more}")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def pace(done_bytes: int, total_bytes: int, elapsed: float) -> str:
    """"2.6 MB/s, 1:02 left": the rate so far and the time the rest takes at that rate."""
    if elapsed < 1 or not done_bytes:
        return ""
    rate = done_bytes / elapsed
    left = max(0, round((total_bytes - done_bytes) / rate))
    return f"{rate / 1e6:.1f} MB/s, {left // 60}:{left % 60:02d} left"


class Importer(Widget):
    DEFAULT_CSS = "Importer { display: none; }"

    def __init__(self, store: Store, db_path: Path) -> None:
        super().__init__()
        self.store = store
        self.db_path = db_path
        self._cancel: threading.Event | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def ask(self) -> None:
        """The import dialog, then the plan."""
        if self.running:
            self.screen.say("an import is running: ctrl+c cancels it")
            return
        from tui.import_dialog import ImportDialog

        def chosen(path: str | None) -> None:
            if path:
                self.plan(Path(path))

        self.app.push_screen(ImportDialog(self.store.get_state("import_dir") or ""), chosen)

    def plan(self, path: Path) -> None:
        from store.importer import plan_folder_import

        self.screen.say(f"looking at {path}…", seconds=0)
        self.run_worker(lambda: self.post_message(ImportPlanned(path, plan_folder_import([path]))), thread=True,
                        exclusive=True, group="import-plan", exit_on_error=False, description="looking at the folder")

    @on(ImportPlanned)
    def _planned(self, message: ImportPlanned) -> None:
        plan = message.plan
        if not plan.files:
            reasons = "; ".join(f"{r.path}: {r.message}" for r in plan.problems[:3])
            self.screen.say(f"nothing to import in {message.path}" + (f" ({reasons})" if reasons else ""), seconds=10)
            return
        if plan.needs_confirmation or plan.problems:
            self.app.push_screen(ConfirmDialog(describe_plan(message.path, plan)),
                                 lambda yes: self._start(message.path, plan) if yes else self.screen.say(""))
        else:
            self._start(message.path, plan)

    def _start(self, path: Path, plan: ImportPlan) -> None:
        folder = path if path.is_dir() else path.parent
        self.app.saver.save("the import folder", Store.set_state, "import_dir", str(folder.resolve()) + "/")
        n = len(plan.files)
        self.screen.say(f"importing {n} file{'s' * (n != 1)}… (ctrl+c cancels)", seconds=0)
        cancel = self._cancel = threading.Event()
        self.run_worker(lambda: self._run(plan, cancel), thread=True, exclusive=True, group="import",
                        exit_on_error=False, description="importing")

    def cancel(self) -> bool:
        """ctrl+c: returns False when no import runs."""
        if self._cancel is None:
            return False
        self._cancel.set()
        self.screen.say("cancelling the import: the files done stay, the current one is left out", seconds=0)
        return True

    def _run(self, plan: ImportPlan, cancel: threading.Event) -> None:
        """A large import reads, parses and extracts keywords in worker processes; a small
        one runs here and leaves the keywords to a helper process (jieba's work never runs
        in the app's process)."""
        from store.importer import bulk_workers, file_size, import_paths, summarize

        sizes = {str(path): file_size(path) for path in plan.files}
        total_bytes, done_bytes, started = sum(sizes.values()), 0, time.monotonic()

        def reported(result, done: int, total: int) -> None:
            nonlocal done_bytes
            done_bytes += sizes.get(result.path, 0)
            self.post_message(ImportProgress(done, total, f"{Path(result.path).name}: {result.message}",
                                             pace(done_bytes, total_bytes, time.monotonic() - started)))

        workers = bulk_workers(plan)
        with Store(self.db_path) as store:
            results = import_paths(store, plan, on_result=reported, cancelled=cancel.is_set, keywords=workers > 0,
                                   workers=workers)
        counts, summary = summarize(results)
        refused = [f"{Path(r.path).name}: {r.message}" for r in results if r.status == "refused"]
        cancelled = any(r.status == "cancelled" for r in results) or cancel.is_set() and len(results) < len(plan.items)
        self.post_message(ImportFinished(summary or "no files to import", refused, cancelled))
        if any(r.keywords < r.clauses for r in results if r.status in ("imported", "replaced")):
            from tui.segmenter import fill_keywords_in_subprocess

            fill_keywords_in_subprocess(self.db_path)

    @on(ImportProgress)
    def _progress(self, message: ImportProgress) -> None:
        self.screen.status.show_progress(message.done, message.total)
        pace = f" ({message.pace})" if message.pace else ""
        self.screen.say(f"importing {message.done}/{message.total}{pace}: {message.line} (ctrl+c cancels)", seconds=0)

    @on(ImportFinished)
    def _finished(self, message: ImportFinished) -> None:
        self._cancel = None
        screen = self.screen
        screen.status.show_progress(None)
        screen.refresh_everything()
        screen.own_write_done()
        head = "import cancelled" if message.cancelled else "import finished"
        refused = f"  (refused: {'; '.join(message.refused[:2])}" + ("…" if len(message.refused) > 2 else "") + ")"
        screen.say(f"{head}: {message.summary}" + (refused if message.refused else ""), seconds=15)
