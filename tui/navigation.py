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


class Navigator:
    """n/N, the jump list and the palette's jumps, for the main screen. A palette jump to
    something the filter hides clears the filter (or turns H off), and says so."""

    def __init__(self, screen) -> None:
        self.screen = screen
        self.jumps = JumpList()

    @property
    def browser(self):
        return self.screen.browser

    @property
    def filter(self):
        return self.screen.filter

    def jump(self, go) -> None:
        """Go somewhere, remembering where from (ctrl+o comes back)."""
        self.jumps.record(self.browser.position())
        go()

    def step_match(self, forward: bool) -> None:
        query = self.filter.query
        if query is None:
            self.screen.say("n/N move between matches of a filter: press / to filter")
            return
        clause = self.browser.clauses.current()
        found = step(self.screen.store.conn, query, clause.sort_key if clause else None, forward)
        if found is None:
            self.screen.say("no matches")
            return
        self.jump(lambda: self.browser.go_to_clause(found.sort_key))
        number = self._match_number()
        where = f"match {number}/{self.filter.total_label}" if number else ""
        if found.wrapped:
            where += "  · wrapped around to the " + ("first match" if forward else "last match")
        self.screen.say(where.strip(" ·"))

    def _match_number(self) -> int:
        clause = self.browser.clauses.current()
        counts = self.filter.doc_counts
        if clause is None or counts is None or self.filter.counted_province is not None:
            return 0
        keys = self.browser.sections.match_keys or []
        return match_number(self.screen.store.conn, counts, clause.document_id, keys, clause.sort_key)

    def back(self) -> None:
        self._go(self.jumps.go_back(self.browser.position()), "no earlier position to go back to")

    def forward(self) -> None:
        self._go(self.jumps.go_forward(self.browser.position()), "nothing to go forward to")

    def _go(self, target: Position | None, otherwise: str) -> None:
        if target is None:
            self.screen.say(otherwise)
            return
        self.browser.go_to(target)
        self.browser.clauses.focus()

    def go_to_place(self, province: str, region: str | None) -> None:
        if self.filter.active and self.browser.places.hide_empty and not self.browser.shows_place(province, region):
            self.browser.set_hide_empty(False)
            self.screen.say(f"H off: {region or province} has no matches of the filter")
        self.jump(lambda: self.browser.go_to_place(province, region))

    def go_to_document(self, document_id: int) -> None:
        counts = self.filter.doc_counts
        if self.filter.active and counts is not None and not counts.get(document_id):
            self._clear_for("the document")
        self.jump(lambda: self.browser.go_to_document(document_id))

    def go_to_clause(self, sort_key: int) -> None:
        if not self.browser.shows_clause(sort_key):
            self._clear_for("the clause")
        self.jump(lambda: self.browser.go_to_clause(sort_key))

    def _clear_for(self, what: str) -> None:
        text = self.filter.text
        self.screen.action_clear_filter()
        self.screen.say(f"filter “{text}” cleared: {what} has no match of it")
