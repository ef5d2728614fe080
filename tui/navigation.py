"""Moving through the matches and back: n/N with the position among all matches
("match 9/58") and wrapping around at either end, and the jump list that ctrl+o walks
back through after a jump (n, N, a palette jump, Enter in the filter bar)."""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from dataclasses import dataclass

from store import search as search_store
from store.db import document_key_range
from tui.browser import Position

JUMPS_KEPT = 100


class JumpList:
    """Positions jumped from, to go back to (and forward again), as in vim."""

    def __init__(self) -> None:
        self.back: list[Position] = []
        self.forward: list[Position] = []

    def record(self, here: Position) -> None:
        """About to jump away from `here`."""
        if not self.back or self.back[-1] != here:
            self.back = self.back[-(JUMPS_KEPT - 1):] + [here]
        self.forward.clear()

    def go_back(self, here: Position) -> Position | None:
        while self.back:
            target = self.back.pop()
            if target != here:
                self.forward.append(here)
                return target
        return None

    def go_forward(self, here: Position) -> Position | None:
        while self.forward:
            target = self.forward.pop()
            if target != here:
                self.back.append(here)
                return target
        return None


@dataclass
class MatchStep:
    sort_key: int
    wrapped: bool  # went past the last match to the first (or past the first to the last)


def step(conn: sqlite3.Connection, query: search_store.Query, from_key: int | None, forward: bool) -> MatchStep | None:
    """The next (or previous) match after `from_key`, across documents, wrapping around;
    None when nothing matches."""
    start = -1 if from_key is None else from_key
    key = search_store.neighbour(conn, query, start, forward=forward)
    if key is not None:
        return MatchStep(key, False)
    key = search_store.neighbour(conn, query, -1 if forward else (1 << 63) - 1, forward=forward)
    return MatchStep(key, True) if key is not None else None


def match_number(conn: sqlite3.Connection, doc_counts: dict[int, int], document_id: int,
                 keys_in_document: list[int], sort_key: int) -> int:
    """Which match (counted from 1, in reading order) the clause with `sort_key` is, from the
    per-document counts and the open document's match keys: no count over the index."""
    here = None
    before = 0
    for doc_id, province in conn.execute("SELECT id, province FROM documents"):
        low = document_key_range(province, doc_id)[0]
        if doc_id == document_id:
            here = low
        elif doc_counts.get(doc_id):
            before += doc_counts[doc_id] if low < sort_key else 0
    return before + bisect_left(keys_in_document, sort_key) + 1 if here is not None else 0
