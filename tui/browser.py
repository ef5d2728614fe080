"""The three panes side by side and how they follow each other: moving in a pane updates
the panes to its right at once; while a filter is on, they show its counts and the clause
pane shows the matches only. Also where the panes go when the terminal is narrow."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal

from store import annotations, browse
from store.analysis import validity
from store import search as search_store
from store.db import Store
from tui.filtering import FilterController
from tui.line_pane import LinePane
from tui.panes import ClauseSource, ClausesPane, PlacesPane, SectionsPane
from tui.render import plain

NARROW = 80
"""Below this many columns, the panes left of the focused one shrink to a strip (h reopens them)."""


@dataclass(frozen=True)
class Position:
    """Where the reviewer is: what the jump list remembers and a restart restores."""

    province: str | None
    region: str | None
    document_id: int | None
    clause_sort_key: int | None


class Browser(Horizontal):
    """Provinces → documents and sections → clauses."""

    def __init__(self, store: Store, filter: FilterController) -> None:
        super().__init__(id="panes")
        self.store = store
        self.filter = filter

    def compose(self) -> ComposeResult:
        yield PlacesPane(id="places")
        yield SectionsPane(id="sections")
        yield ClausesPane(id="clauses")

    @property
    def places(self) -> PlacesPane:
        return self.query_one("#places", PlacesPane)

    @property
    def sections(self) -> SectionsPane:
        return self.query_one("#sections", SectionsPane)

    @property
    def clauses(self) -> ClausesPane:
        return self.query_one("#clauses", ClausesPane)

    def panes(self) -> list[LinePane]:
        return [self.places, self.sections, self.clauses]

    def on_mount(self) -> None:
        conn = self.store.conn
        self.sections.load_outline = lambda doc_id: _outline(conn, doc_id)
        self.clauses.load_annotations = lambda ids: annotations.annotations_for(conn, ids)
        self.clauses.load_validity = lambda document_id: validity.document_validity(conn, document_id).status
        self.clauses.highlight = search_store.highlight
        self.set_titles()

    def set_titles(self) -> None:
        hiding = self.filter.active and self.places.hide_empty
        suffix = " · with matches" if hiding else ""
        self.places.border_title = plain("Provinces" + suffix)
        self.sections.border_title = plain("Documents" + suffix)

    # -- loading the panes

    def _place_matches(self) -> dict[tuple[str, str | None], int] | None:
        """Matches per province and region. While exact counts are pending, only the province
        on screen is counted; the others are left out (shown as …)."""
        doc_counts = self.filter.doc_counts
        if doc_counts is None:
            return None
        counted = self.filter.counted_province
        counts: dict[tuple[str, str | None], int] = {}
        for doc_id, province, region in self.store.conn.execute("SELECT id, province, region FROM documents"):
            if counted is not None and province != counted:
                continue
            n = doc_counts.get(doc_id, 0)
            counts[(province, None)] = counts.get((province, None), 0) + n
            if region:
                counts[(province, region)] = counts.get((province, region), 0) + n
        return counts

    def reload_places(self, keep: tuple[str, str | None] | None = None) -> None:
        keep = keep or self.places.current_key()
        self.places.set_places(browse.places(self.store.conn), self._place_matches(), keep)

    def show_place(self, document_id: int | None = None) -> None:
        place = self.places.current()
        documents = browse.documents(self.store.conn, place.province, place.region) if place else []
        doc_counts = self.filter.doc_counts
        if doc_counts is not None and not doc_counts.get(document_id or -1):
            # While filtering, open a document that has matches rather than one that has none.
            document_id = next((d.id for d in documents if doc_counts.get(d.id)), document_id)
        self.sections.match_counts = doc_counts
        self.sections.set_documents(documents, document_id)
        self.refresh_open_matches()
        self.show_clauses()

    def refresh_open_matches(self) -> None:
        """Match keys of the open document, so its section nodes show counts."""
        tree = self.sections.open_tree
        query = self.filter.query
        if query is None or tree is None:
            self.sections.set_matches(self.filter.doc_counts, None)
            return
        document = browse.document(self.store.conn, tree.document_id)
        keys = search_store.matching_keys(self.store.conn, query, document.key_range) if document else []
        self.sections.set_matches(self.filter.doc_counts, keys)

    def show_clauses(self, ordinal: int | None = None) -> None:
        row = self.sections.current()
        if row is None:
            self.clauses.set_source(None, [])
            self.clauses.border_title = plain("Clauses")
            return
        keys = None
        if self.filter.query is not None and self.sections.match_keys is not None:
            low, _ = row.document.key_range
            keys = [k for k in self.sections.match_keys if low + row.first <= k <= low + row.last]
        source = ClauseSource(self.store.conn, row.document, row.first, row.last, keys)
        cursor = source.index_of_ordinal(ordinal) if ordinal is not None else 0
        terms = self.filter.query.positive_text_terms if self.filter.query else []
        self.clauses.set_source(source, terms, cursor)
        n = len(source)
        title = f"Clauses {n}" if keys is None else f"Clauses {n} matching"
        self.clauses.border_title = plain(title)

    def show_filter(self) -> None:
        """The filter changed: counts and matches in every pane, the same place kept (and the
        same clause, when it is still shown)."""
        current = self.sections.current()
        clause = self.clauses.current()
        self.reload_places()
        self.show_place(current.document.id if current else None)
        keys = self.sections.match_keys
        if clause and (keys is None or clause.sort_key in keys) and self.clauses.current() != clause:
            self.go_to_clause(clause.sort_key, focus=False)
        self.set_titles()

    # -- following the cursor

    @on(LinePane.CursorMoved, "#places")
    def _place_moved(self) -> None:
        self.show_place()

    @on(LinePane.CursorMoved, "#sections")
    def _section_moved(self) -> None:
        before = self.sections.open_tree.document_id if self.sections.open_tree else None
        self.sections.follow_cursor()
        if self.sections.open_tree and self.sections.open_tree.document_id != before:
            self.refresh_open_matches()
        self.show_clauses()

    @on(LinePane.Activated, "#sections")
    def _section_activated(self) -> None:
        self.sections.toggle_fold()

    @on(LinePane.Activated, "#places")
    def _place_activated(self) -> None:
        self.sections.focus()

    # -- going places

    def position(self) -> Position:
        place = self.places.current()
        row = self.sections.current()
        clause = self.clauses.current()
        return Position(place.province if place else None, place.region if place else None,
                        row.document.id if row else None, clause.sort_key if clause else None)

    def go_to(self, position: Position) -> None:
        if position.clause_sort_key is not None and browse.clause_by_key(self.store.conn, position.clause_sort_key):
            self.go_to_clause(position.clause_sort_key, focus=False)
            return
        self.reload_places(keep=(position.province, position.region) if position.province else None)
        self.show_place(document_id=position.document_id)

    def go_to_place(self, province: str, region: str | None) -> None:
        self.reload_places(keep=(province, region))
        self.show_place()
        self.places.focus()

    def go_to_document(self, document_id: int) -> None:
        document = browse.document(self.store.conn, document_id)
        if document is None:
            return
        self.reload_places(keep=(document.province, None))
        self.show_place(document.id)
        self.sections.focus()

    def go_to_clause(self, sort_key: int, focus: bool = True) -> None:
        """Show a clause wherever it is: its province, document and section, cursor on it."""
        clause = browse.clause_by_key(self.store.conn, sort_key)
        if clause is None:
            return
        document = browse.document(self.store.conn, clause.document_id)
        if self.places.current_key() not in {(document.province, document.region), (document.province, None)}:
            self.reload_places(keep=(document.province, None))
            self.show_place(document.id)
        elif self.sections.open_tree is None or self.sections.open_tree.document_id != document.id:
            self.show_place(document.id)
        row = self.sections.row_of_clause(document.id, clause.ordinal)
        self.sections.set_cursor(row, announce=False)
        self.show_clauses(ordinal=clause.ordinal)
        if focus:
            self.clauses.focus()

    def shows_clause(self, sort_key: int) -> bool:
        """Whether the panes can show this clause as they are (the filter and H may hide it)."""
        query = self.filter.query
        if query is None:
            return True
        return bool(search_store.matching_keys(self.store.conn, query, (sort_key, sort_key)))

    def shows_place(self, province: str, region: str | None) -> bool:
        return self.places.shows(province, region)

    def refresh_everything(self) -> None:
        """Another program changed the database: read everything again, staying put."""
        position = self.position()
        clause = self.clauses.current()
        self.reload_places()
        self.show_place(position.document_id)
        if clause:
            again = browse.clause(self.store.conn, clause.id)
            if again:
                self.go_to_clause(again.sort_key, focus=False)

    def set_hide_empty(self, hide: bool) -> None:
        self.places.set_hide_empty(hide)
        self.sections.set_hide_empty(hide)
        current = self.sections.current()
        self.show_place(current.document.id if current else None)
        self.set_titles()

    # -- narrow terminals

    def lay_out(self, width: int) -> None:
        """At widths under NARROW, the panes left of the focused one become strips; the
        focused pane and those right of it share the width."""
        narrow = width < NARROW
        panes = self.panes()
        focused = next((i for i, pane in enumerate(panes) if pane.has_focus), None)
        for index, pane in enumerate(panes):
            strip = narrow and focused is not None and index < focused
            pane.set_class(strip, "-strip")
        self.set_class(narrow, "-narrow")


def _outline(conn, document_id: int) -> tuple[list[browse.Section], list[browse.HeadingClause]]:
    sections = browse.sections(conn, document_id)
    return sections, browse.heading_clauses(conn, document_id, sections)
