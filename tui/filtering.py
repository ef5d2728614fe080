"""The filter: what the reviewer typed, its parsed query and its counts, and the worker that
computes them while they type.

Each keystroke starts a new search (cancelling the one before) on the worker's own kept
connection. With many matches, a fast part comes first (the total capped at 1000, exact
counts for the province on screen), then, once typing pauses, exact counts everywhere. A
phrase that finds nothing gets jieba's segmentation as a looser query, computed in another
process. The controller draws nothing: it posts messages the screen turns into panes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from textual.message import Message
from textual.worker import get_current_worker

from store import search as search_store
from store.db import Store, province_key_range
from store.errors import QueryError

COUNT_CAP = 1000
MAX_QUERY = 500
"""Characters a filter may have (a 10,000-character paste would keep the counts busy for minutes)."""


class FilterResults(Message):
    """Matches for a filter: `counted` is the province whose counts are in, or None when all are."""

    def __init__(self, generation: int, query: search_store.Query, total: int, capped: bool,
                 doc_counts: dict[int, int], counted: str | None) -> None:
        super().__init__()
        self.generation = generation
        self.query = query
        self.total = total
        self.capped = capped
        self.doc_counts = doc_counts
        self.counted = counted

    @property
    def complete(self) -> bool:
        return self.counted is None


class SuggestionReady(Message):
    def __init__(self, generation: int, suggestion: str | None) -> None:
        super().__init__()
        self.generation = generation
        self.suggestion = suggestion


class FilterController:
    """The filter's state, and its worker (run on `owner`, the screen, which receives the
    messages)."""

    def __init__(self, owner, db_path: Path) -> None:
        self.owner = owner
        self.db_path = db_path
        self.text = ""
        self.query: search_store.Query | None = None
        self.error = ""
        self.generation = 0
        self.shown_generation = 0  # whose first results the panes show (bench/tui_bench.py times these)
        self.counted_generation = 0  # whose counts are all in
        self.doc_counts: dict[int, int] | None = None
        self.counted_province: str | None = None  # while exact counts are pending: the one counted
        self.total = 0
        self.capped = False
        self.suggestion: str | None = None
        self._store: Store | None = None
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self.query is not None

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.capped else str(self.total)

    def describe(self) -> str:
        """The filter as the status bar says it."""
        if self.error:
            return f"filter: {self.text}  ⚠ {self.error}"
        if self.query is None:
            return ""
        label = self.total_label
        return f"filter: {self.text}  {label} match{'es' * (label != '1')}"

    def prepare(self) -> None:
        """Load the traditional/simplified tables while the reviewer starts typing, not on
        the first keystroke."""
        self.owner.run_worker(_load_fold_tables, thread=True, exclusive=True, group="prepare-filter",
                              exit_on_error=False, description="preparing the filter")

    def apply(self, text: str, province: str | None) -> bool:
        """Start filtering for `text`; `province` is the one on screen (counted first).
        Returns True when the filter is cleared at once (nothing to search for)."""
        self.generation += 1
        self.text = text
        self.suggestion = None
        if self._store is not None:
            self._store.conn.interrupt()  # stop a slow count for an outdated keystroke
        if not text.strip():
            self.clear_results()
            return True
        if len(text) > MAX_QUERY:
            self.error = f"a filter has at most {MAX_QUERY} characters (this one has {len(text)})"
            return False
        try:
            query = search_store.parse_query(text)
        except QueryError as exc:
            self.error = str(exc)
            return False
        self.error = ""
        if query.is_empty:
            self.clear_results()
            return True
        generation = self.generation
        self.owner.run_worker(lambda: self._work(generation, query, province), thread=True, exclusive=True,
                              group="filter", exit_on_error=False, description="filtering")
        return False

    def clear(self) -> bool:
        """Forget the filter; returns whether there was one to forget."""
        had = self.query is not None or bool(self.error) or bool(self.text)
        self.generation += 1
        self.text = ""
        self.suggestion = None
        self.clear_results()
        return had

    def clear_results(self) -> None:
        self.query = None
        self.doc_counts = None
        self.counted_province = None
        self.total, self.capped = 0, False
        self.error = ""

    def accept(self, message: FilterResults) -> bool:
        """Take a worker's results; False for those of an outdated keystroke."""
        if message.generation != self.generation:
            return False
        self.query = message.query
        self.total, self.capped = message.total, message.capped
        self.doc_counts = message.doc_counts
        self.counted_province = message.counted
        self.shown_generation = message.generation
        if message.complete:
            self.counted_generation = message.generation
        return True

    def accept_suggestion(self, message: SuggestionReady) -> bool:
        if message.generation != self.generation:
            return False
        self.suggestion = message.suggestion
        return True

    # -- the worker

    def _work(self, generation: int, query: search_store.Query, province: str | None) -> None:
        worker = get_current_worker()
        with self._lock:  # one connection, kept open, used by one keystroke at a time
            if worker.is_cancelled:
                return
            if self._store is None:
                self._store = Store(self.db_path)
            try:
                self._count(worker, generation, query, province, self._store.conn)
            except sqlite3.OperationalError as exc:
                if "interrupted" not in str(exc):
                    raise

    def _count(self, worker, generation: int, query: search_store.Query, province: str | None,
               conn: sqlite3.Connection) -> None:
        total, capped = search_store.count(conn, query, cap=COUNT_CAP)
        if capped and province and not worker.is_cancelled:
            # Many matches: exact counts for the province on screen now, everywhere else once
            # the reviewer stops typing (counting 390,000 matches of 企业 takes 100 ms).
            here = search_store.counts_by_document(conn, query, province_key_range(province))
            self.owner.post_message(FilterResults(generation, query, total, True, here, province))
            for _ in range(6):
                time.sleep(0.05)
                if worker.is_cancelled:
                    return
        if worker.is_cancelled:
            return
        counts = search_store.counts_by_document(conn, query)
        if worker.is_cancelled:
            return
        self.owner.post_message(FilterResults(generation, query, sum(counts.values()), False, counts, None))
        if not counts:
            from tui.segmenter import suggest_in_subprocess

            self.owner.post_message(SuggestionReady(generation, suggest_in_subprocess(query.source, self.db_path)))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _load_fold_tables() -> None:
    from store.normalize import fold

    fold("稅")
