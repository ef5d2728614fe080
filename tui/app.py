"""The reviewer's three-pane browser: provinces → documents and sections → clauses.

Handlers stay thin: they call store/ and update the panes. Slow work (filtering a large
database, importing, keyword extraction, jieba suggestions) runs in workers that post typed
messages; one handler reports worker failures. jieba never loads in this process.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from store import annotations, browse, selection
from store import search as search_store
from store.db import STATUSES, Store, province_key_range
from store.errors import PolicyReviewError, QueryError
from tui.config import Config, load_config
from tui.palette import PolicyReviewCommands
from tui.panes import ClauseSource, ClausesPane, LinePane, PlacesPane, SectionsPane
from tui.render import plain

COUNT_CAP = 1000


# --------------------------------------------------------------------------- messages


class FilterResults(Message):
    """Matches for a filter. With many matches, first a fast part (the total capped at 1000,
    exact counts for the province on screen), then, once typing pauses, exact counts
    everywhere. `counted` is the province whose counts are in, or None when all are."""

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


class ImportProgress(Message):
    def __init__(self, done: int, total: int, line: str) -> None:
        super().__init__()
        self.done, self.total, self.line = done, total, line


class ImportFinished(Message):
    def __init__(self, summary: str, refused: int) -> None:
        super().__init__()
        self.summary, self.refused = summary, refused


# --------------------------------------------------------------------------- app


class PolicyReviewApp(App):
    """policy-review: review Chinese policy documents clause by clause."""

    CSS_PATH = "app.tcss"
    TITLE = "policy-review"
    COMMANDS = App.COMMANDS | {PolicyReviewCommands}

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="quit (the position is remembered)"),
        Binding("question_mark", "help", "Help", id="help", tooltip="this help"),
        Binding("slash", "filter", "Filter", id="filter", tooltip="filter clauses as you type"),
        Binding("n", "next_match", "Next", id="next-match", tooltip="next matching clause"),
        Binding("N", "previous_match", "Prev", id="previous-match", show=False, tooltip="previous matching clause"),
        Binding("h,left", "pane_left", "Left pane", id="pane-left", show=False, tooltip="pane to the left"),
        Binding("l,right", "pane_right", "Right pane", id="pane-right", show=False, tooltip="pane to the right"),
        Binding("tab", "next_pane", "Next pane", id="next-pane", show=False, tooltip="next pane"),
        Binding("shift+tab", "previous_pane", "Previous pane", id="previous-pane", show=False,
                tooltip="previous pane"),
        Binding("space", "toggle_select", "Select", id="toggle-select",
                tooltip="select or unselect the clause, move down"),
        Binding("v", "select_shown", "Select shown", id="select-shown", show=False,
                tooltip="select every clause the filter shows (the section without a filter)"),
        Binding("V", "clear_selection", "Clear selection", id="clear-selection", show=False,
                tooltip="clear the selection"),
        Binding("t", "tag", "Tag", id="tag", tooltip="tag the selection or the clause (-tag removes)"),
        Binding("a", "note", "Note", id="note", tooltip="write the clause's note"),
        Binding("s", "cycle_status", "Status", id="cycle-status",
                tooltip="cycle status: unreviewed → reviewed → flagged → adopted"),
        Binding("u", "undo", "Undo", id="undo", show=False, tooltip="undo your last annotation change"),
        Binding("e", "export", "Export", id="export", tooltip="export a Markdown briefing note"),
        Binding("T", "tags_view", "Tags", id="tags-view", show=False,
                tooltip="tags: counts, rename, merge, delete, color"),
        Binding("H", "hide_empty", "Hide empty", id="hide-empty", show=False,
                tooltip="hide places and documents without matches"),
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter", show=False,
                tooltip="clear the filter"),
    ]

    def __init__(self, db_path: Path | str, config: Config | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.config = config or load_config()
        self.store = Store(self.db_path)
        self.author = annotations.reviewer_name(self.config.reviewer)
        self.query: search_store.Query | None = None
        self.filter_text = ""
        self.generation = 0
        # The filter whose first results the panes show, and whose counts are all in (for
        # bench/tui_bench.py, which times keystrokes by them).
        self.shown_generation = 0
        self.counted_generation = 0
        self.doc_counts: dict[int, int] | None = None
        self.counted_province: str | None = None  # while exact counts are pending: the one counted
        self.total_label = ""
        self.filter_error = ""
        self.suggestion: str | None = None
        self.message = ""
        self._data_version = self._read_data_version()
        self._filter_store: Store | None = None  # the filter workers' own connection
        self._unsaved_notes: dict[int, str] = {}  # notes the database refused, offered again
        self._filter_lock = threading.Lock()

    # -- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield PlacesPane(id="places")
            yield SectionsPane(id="sections")
            yield ClausesPane(id="clauses")
        yield Static(id="detail", markup=False)
        yield Input(id="filter-input", placeholder="filter: 税 社保 | 公积金 -住房 province:辽宁 tag:重点 status:flagged")
        with Horizontal(id="status-bar"):
            yield Static(id="status", markup=False)
            yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    @property
    def places(self) -> PlacesPane:
        return self.query_one("#places", PlacesPane)

    @property
    def sections(self) -> SectionsPane:
        return self.query_one("#sections", SectionsPane)

    @property
    def clauses(self) -> ClausesPane:
        return self.query_one("#clauses", ClausesPane)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter-input", Input)

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        theme = self.store.get_state("theme") or self.config.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        self.places.border_title = plain("Provinces")
        self.sections.border_title = plain("Documents")
        self.clauses.border_title = plain("Clauses")
        self.sections.load_sections = lambda doc_id: browse.sections(self.store.conn, doc_id)
        self.clauses.load_annotations = lambda ids: annotations.annotations_for(self.store.conn, ids)
        self.clauses.highlight = search_store.highlight
        self.clauses.selected = selection.selected_ids(self.store.conn)
        self.filter_input.display = False
        self.query_one("#progress", ProgressBar).display = False
        self._restore_position()
        self.set_interval(2.0, self._poll_changes)

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted:
            self.write(self.store.set_state, "theme", theme)

    # -- position

    def _restore_position(self) -> None:
        saved = {}
        raw = self.store.get_state("position")
        if raw:
            try:
                saved = json.loads(raw)
            except ValueError:
                saved = {}
        self._reload_places(keep=(saved.get("province"), saved.get("region")) if saved.get("province") else None)
        self._show_place(document_id=saved.get("document_id"))
        if saved.get("clause_id"):
            clause = browse.clause(self.store.conn, saved["clause_id"])
            if clause:
                self.go_to_clause(clause.sort_key, focus=False)
        focus = {"places": self.places, "sections": self.sections, "clauses": self.clauses}.get(
            saved.get("focus", "places"), self.places)
        focus.focus()

    def _save_position(self) -> None:
        place = self.places.current()
        row = self.sections.current()
        clause = self.clauses.current()
        focused = self.focused.id if self.focused and self.focused.id in ("places", "sections", "clauses") else "places"
        data = {
            "province": place.province if place else None,
            "region": place.region if place else None,
            "document_id": row.document.id if row else None,
            "clause_id": clause.id if clause else None,
            "focus": focused,
        }
        try:
            self.store.set_state("position", json.dumps(data))
        except sqlite3.Error:
            pass  # remembering the position must never get in the way of quitting

    async def action_quit(self) -> None:
        self._save_position()
        self.exit()

    # -- loading the panes

    def _place_matches(self) -> dict[tuple[str, str | None], int] | None:
        """Matches per province and region. While exact counts are pending, only the province
        on screen is counted; the others are left out (shown as …)."""
        if self.doc_counts is None:
            return None
        counts: dict[tuple[str, str | None], int] = {}
        for doc_id, province, region in self.store.conn.execute("SELECT id, province, region FROM documents"):
            if self.counted_province is not None and province != self.counted_province:
                continue
            n = self.doc_counts.get(doc_id, 0)
            counts[(province, None)] = counts.get((province, None), 0) + n
            if region:
                counts[(province, region)] = counts.get((province, region), 0) + n
        return counts

    def _reload_places(self, keep: tuple[str, str | None] | None = None) -> None:
        keep = keep or self.places.current_key()
        self.places.set_places(browse.places(self.store.conn), self._place_matches(), keep)

    def _show_place(self, document_id: int | None = None) -> None:
        place = self.places.current()
        documents = browse.documents(self.store.conn, place.province, place.region) if place else []
        if self.doc_counts is not None and not self.doc_counts.get(document_id or -1):
            # While filtering, open a document that has matches rather than one that has none.
            document_id = next((d.id for d in documents if self.doc_counts.get(d.id)), document_id)
        self.sections.match_counts = self.doc_counts
        self.sections.set_documents(documents, document_id)
        self._refresh_open_matches()
        self._show_clauses()

    def _refresh_open_matches(self) -> None:
        """Match keys of the open document, so its section nodes show counts."""
        tree = self.sections.open_tree
        if self.query is None or tree is None:
            self.sections.set_matches(self.doc_counts, None)
            return
        document = browse.document(self.store.conn, tree.document_id)
        keys = search_store.matching_keys(self.store.conn, self.query, document.key_range) if document else []
        self.sections.set_matches(self.doc_counts, keys)

    def _show_clauses(self, ordinal: int | None = None) -> None:
        row = self.sections.current()
        if row is None:
            self.clauses.set_source(None, [])
            self._update_detail()
            return
        keys = None
        if self.query is not None and self.sections.match_keys is not None:
            low, _ = row.document.key_range
            keys = [k for k in self.sections.match_keys if low + row.first <= k <= low + row.last]
        source = ClauseSource(self.store.conn, row.document, row.first, row.last, keys)
        cursor = source.index_of_ordinal(ordinal) if ordinal is not None else 0
        terms = self.query.positive_text_terms if self.query else []
        self.clauses.set_source(source, terms, cursor)
        title = f"Clauses {len(source)}" if keys is None else f"Clauses {len(source)} matching"
        self.clauses.border_title = plain(title)

    @on(LinePane.CursorMoved, "#places")
    def _place_moved(self) -> None:
        self._show_place()

    @on(LinePane.CursorMoved, "#sections")
    def _section_moved(self) -> None:
        before = self.sections.open_tree.document_id if self.sections.open_tree else None
        self.sections.follow_cursor()
        if self.sections.open_tree and self.sections.open_tree.document_id != before:
            self._refresh_open_matches()
        self._show_clauses()

    @on(LinePane.CursorMoved, "#clauses")
    def _clause_moved(self) -> None:
        self._update_detail()

    @on(LinePane.Activated, "#sections")
    def _section_activated(self) -> None:
        self.sections.toggle_fold()

    @on(LinePane.Activated, "#clauses")
    def _clause_activated(self) -> None:
        clause = self.clauses.current()
        if clause:
            from tui.screens import ClauseScreen

            self.push_screen(ClauseScreen(self.store, clause.id))

    @on(LinePane.Activated, "#places")
    def _place_activated(self) -> None:
        self.sections.focus()

    def _update_detail(self) -> None:
        clause = self.clauses.current()
        detail = self.query_one("#detail", Static)
        if clause is None:
            row = self.sections.current()
            if row is None:
                detail.update(plain(" Import documents: ctrl+p → Import, or `policy-review import PATH`."))
            else:
                doc = row.document
                parts = [doc.display_title, doc.doc_number, doc.issuer, doc.date, doc.region or doc.province]
                detail.update(plain(" " + " · ".join(p for p in parts if p)))
            self._update_status()
            return
        cite = browse.citation(self.store.conn, clause.id)
        line = f" {cite}" if cite else ""
        ann = self.clauses.annotations.get(clause.id)
        if ann and ann.note:
            line += "  ✎ " + ann.note.replace("\n", " ")
        detail.update(plain(line))
        self._update_status()

    def _update_status(self) -> None:
        parts = []
        if self.filter_error:
            parts.append(f"filter: {self.filter_text}  ⚠ {self.filter_error}")
        elif self.query is not None:
            parts.append(f"filter: {self.filter_text}  {self.total_label} match{'es' * (self.total_label != '1')}")
            if self.suggestion:
                parts.append(f"try: {self.suggestion}")
        count = len(self.clauses.selected)
        if count:
            parts.append(f"{count} selected")
        if self.message:
            parts.append(self.message)
        position = ""
        if self.clauses.item_count():
            position = f"{self.clauses.cursor + 1}/{self.clauses.item_count()}"
        text = "  ·  ".join(parts) or "/ filter · space select · t tag · a note · s status · e export · ? help"
        self.query_one("#status", Static).update(plain(f" {text}" + (f"   {position}" if position else "")))

    def say(self, message: str) -> None:
        """A short message in the status bar (and nothing else: no markup, no popup)."""
        self.message = message
        self._update_status()

    # -- panes and focus

    def _pane_order(self) -> list[LinePane]:
        return [self.places, self.sections, self.clauses]

    def _move_focus(self, step: int, wrap: bool) -> None:
        panes = self._pane_order()
        current = self.focused if self.focused in panes else None
        index = panes.index(current) if current else 0
        target = index + step
        if wrap:
            target %= len(panes)
        target = max(0, min(len(panes) - 1, target))
        panes[target].focus()

    def action_pane_left(self) -> None:
        self._move_focus(-1, wrap=False)

    def action_pane_right(self) -> None:
        self._move_focus(1, wrap=False)

    def action_next_pane(self) -> None:
        self._move_focus(1, wrap=True)

    def action_previous_pane(self) -> None:
        self._move_focus(-1, wrap=True)

    def action_hide_empty(self) -> None:
        if self.query is None:
            self.say("H hides provinces and documents without matches while a filter is active")
            return
        self.places.toggle_hide_empty()
        self.sections.toggle_hide_empty()
        self._show_place(self.sections.current().document.id if self.sections.current() else None)

    # -- filter

    def action_filter(self) -> None:
        box = self.filter_input
        box.display = True
        box.value = self.filter_text
        box.focus()
        self._prepare_filter()

    @work(thread=True, exclusive=True, group="prepare-filter", exit_on_error=False, description="preparing")
    def _prepare_filter(self) -> None:
        """Load the traditional/simplified tables while the reviewer starts typing, not on the
        first keystroke."""
        from store.normalize import fold

        fold("稅")

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self) -> None:
        self.filter_input.display = False
        if self.query is None:
            self.places.focus()
            return
        self.clauses.focus()
        self._jump_to_first_match()

    def apply_filter(self, text: str) -> None:
        """Start filtering for `text` (each keystroke cancels the previous search)."""
        self.generation += 1
        self.filter_text = text
        self.suggestion = None
        if self._filter_store is not None:
            self._filter_store.conn.interrupt()  # stop a slow count for an outdated keystroke
        if not text.strip():
            self._set_filter(None)
            return
        try:
            query = search_store.parse_query(text)
        except QueryError as exc:
            self.filter_error = str(exc)
            self._update_status()
            return
        self.filter_error = ""
        if query.is_empty:
            self._set_filter(None)
            return
        place = self.places.current()
        self._run_filter(self.generation, query, place.province if place else None)

    def _set_filter(self, query: search_store.Query | None, doc_counts: dict[int, int] | None = None,
                    counted_province: str | None = None) -> None:
        self.query = query
        self.doc_counts = doc_counts if query is not None else None
        self.counted_province = counted_province if query is not None else None
        if query is None:
            self.total_label = ""
            self.filter_error = ""
        current = self.sections.current()
        self._reload_places()
        self._show_place(current.document.id if current else None)

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False, description="filtering")
    def _run_filter(self, generation: int, query: search_store.Query, province: str | None) -> None:
        worker = get_current_worker()
        with self._filter_lock:  # one connection, kept open, used by one keystroke at a time
            if worker.is_cancelled:
                return
            if self._filter_store is None:
                self._filter_store = Store(self.db_path)
            try:
                self._filter(worker, generation, query, province, self._filter_store.conn)
            except sqlite3.OperationalError as exc:
                if "interrupted" not in str(exc):
                    raise

    def _filter(self, worker, generation: int, query: search_store.Query, province: str | None,
                conn: sqlite3.Connection) -> None:
        total, capped = search_store.count(conn, query, cap=COUNT_CAP)
        if capped and province and not worker.is_cancelled:
            # Many matches: exact counts for the province on screen now, everywhere else once
            # the reviewer stops typing (counting 390,000 matches of 企业 takes 100 ms).
            here = search_store.counts_by_document(conn, query, province_key_range(province))
            self.post_message(FilterResults(generation, query, total, True, here, province))
            for _ in range(6):
                time.sleep(0.05)
                if worker.is_cancelled:
                    return
        if worker.is_cancelled:
            return
        counts = search_store.counts_by_document(conn, query)
        if worker.is_cancelled:
            return
        self.post_message(FilterResults(generation, query, sum(counts.values()), False, counts, None))
        if not counts:
            self._suggest(generation, query)

    @on(FilterResults)
    def _filter_results(self, message: FilterResults) -> None:
        if message.generation != self.generation:
            return  # an outdated keystroke
        self.total_label = f"{message.total}+" if message.capped else str(message.total)
        self._set_filter(message.query, message.doc_counts, message.counted)
        self.shown_generation = message.generation
        if message.complete:
            self.counted_generation = message.generation

    def _suggest(self, generation: int, query: search_store.Query) -> None:
        """jieba's segmentation of a phrase that found nothing, computed in a helper process
        so that loading jieba never freezes the screen."""
        from tui.segmenter import suggest_in_subprocess

        suggestion = suggest_in_subprocess(query.source, self.db_path)
        self.post_message(SuggestionReady(generation, suggestion))

    @on(SuggestionReady)
    def _suggestion_ready(self, message: SuggestionReady) -> None:
        if message.generation == self.generation:
            self.suggestion = message.suggestion
            self._update_status()

    def action_clear_filter(self) -> None:
        box = self.filter_input
        if box.display:
            box.display = False
            box.value = ""
        if self.query is not None or self.filter_error or self.filter_text:
            self.generation += 1
            self.filter_text = ""
            self._set_filter(None)
            self.say("filter cleared")
        if self.focused is None or self.focused is box:
            self.clauses.focus()

    def _jump_to_first_match(self) -> None:
        key = search_store.neighbour(self.store.conn, self.query, -1, forward=True)
        if key is not None:
            self.go_to_clause(key)

    def action_next_match(self) -> None:
        self._step_match(forward=True)

    def action_previous_match(self) -> None:
        self._step_match(forward=False)

    def _step_match(self, forward: bool) -> None:
        if self.query is None:
            self.say("n/N move between matches of a filter: press / to filter")
            return
        clause = self.clauses.current()
        start = clause.sort_key if clause else -1
        key = search_store.neighbour(self.store.conn, self.query, start, forward=forward)
        if key is None:
            self.say("no more matches" + (" below" if forward else " above"))
            return
        self.go_to_clause(key)

    def go_to_place(self, province: str, region: str | None) -> None:
        self._reload_places(keep=(province, region))
        self._show_place()
        self.places.focus()

    def go_to_document(self, document_id: int) -> None:
        document = browse.document(self.store.conn, document_id)
        if document is None:
            return
        self._reload_places(keep=(document.province, None))
        self._show_place(document.id)
        self.sections.focus()

    def go_to_clause(self, sort_key: int, focus: bool = True) -> None:
        """Show a clause wherever it is: its province, document and section, cursor on it."""
        clause = browse.clause_by_key(self.store.conn, sort_key)
        if clause is None:
            return
        document = browse.document(self.store.conn, clause.document_id)
        if self.places.current_key() not in {(document.province, document.region), (document.province, None)}:
            self._reload_places(keep=(document.province, None))
            self._show_place(document.id)
        elif self.sections.open_tree is None or self.sections.open_tree.document_id != document.id:
            self._show_place(document.id)
        row = self.sections.row_of_clause(document.id, clause.ordinal)
        self.sections.set_cursor(row, announce=False)
        self._show_clauses(ordinal=clause.ordinal)
        if focus:
            self.clauses.focus()
        self._update_detail()

    # -- live updates from other processes

    def _read_data_version(self) -> int:
        return self.store.conn.execute("PRAGMA data_version").fetchone()[0]

    def _poll_changes(self) -> None:
        """Another app or a CLI command changed the database: show it."""
        version = self._read_data_version()
        if version == self._data_version:
            return
        self._data_version = version
        self.refresh_everything()

    def refresh_everything(self) -> None:
        self.clauses.selected = selection.selected_ids(self.store.conn)
        current = self.sections.current()
        clause = self.clauses.current()
        self._reload_places()
        self._show_place(current.document.id if current else None)
        if clause:
            again = browse.clause(self.store.conn, clause.id)
            if again:
                self.go_to_clause(again.sort_key, focus=False)
        if self.query is not None:
            self.apply_filter(self.filter_text)

    # -- selection

    def target_ids(self) -> tuple[list[int], str]:
        """The clauses an action applies to, and how to say so: the selection (as far as the
        filter shows it), else the focused clause."""
        selected = selection.selected_ids(self.store.conn)
        if selected:
            ids = sorted(selected)
            if self.query is not None:
                shown = search_store.matching_ids(self.store.conn, self.query, ids)
                hidden = len(ids) - len(shown)
                description = f"{len(shown)} selected clause{'s' * (len(shown) != 1)}"
                if hidden:
                    description += f" ({hidden} hidden by the filter left alone)"
                return shown, description
            return ids, f"{len(ids)} selected clause{'s' * (len(ids) != 1)}"
        clause = self.clauses.current()
        if clause is None:
            return [], "no clause"
        return [clause.id], f"clause {browse.display_path(clause.path) or clause.id}"

    def _selection_changed(self) -> None:
        self.clauses.selected = selection.selected_ids(self.store.conn)
        self.clauses.refresh_annotations()
        self._update_status()

    def action_toggle_select(self) -> None:
        """Select or unselect the clause under the clause pane's cursor, then move down."""
        clause = self.clauses.current()
        if clause is None:
            self.say("no clause to select")
            return
        ok, selected = self.write(selection.toggle, self.store, clause.id)
        if not ok:
            return
        self._selection_changed()
        if self.focused is self.clauses:
            self.clauses.action_cursor_down()
        else:
            self.say(("selected " if selected else "unselected ") + browse.display_path(clause.path))

    def action_select_shown(self) -> None:
        if self.query is not None:
            ok, added = self.write(selection.add_matching, self.store, self.query)
            where = "shown by the filter"
        else:
            source = self.clauses.source
            if source is None or not len(source):
                return
            ok, added = self.write(selection.add_range, self.store, source.document.id, source.first, source.last)
            where = "of this section"
        if ok:
            self.say(f"selected {added} more clause{'s' * (added != 1)} {where}")
            self._selection_changed()

    def action_clear_selection(self) -> None:
        ok, removed = self.write(selection.clear, self.store)
        if ok:
            self.say(f"selection cleared ({removed})")
            self._selection_changed()

    # -- annotations

    def write(self, action, *args):
        """Run a store write. When the database refuses it (a read-only file, a lock held
        too long by another program, bad input), say why in the status bar and carry on.
        Returns (done, what the action returned)."""
        try:
            return True, action(*args)
        except (PolicyReviewError, sqlite3.Error) as exc:
            self.say(f"not saved: {exc}")
            self.notify(f"not saved: {exc}", severity="error", markup=False)
            return False, None

    def _annotated(self, message: str) -> None:
        self.clauses.refresh_annotations()
        self._update_detail()
        self.say(message)
        self._data_version = self._read_data_version()

    def action_cycle_status(self) -> None:
        ids, description = self.target_ids()
        if not ids:
            self.say("no clause to set the status of")
            return
        clause = self.clauses.current()
        current = "unreviewed"
        if clause and clause.id in ids:
            ann = annotations.annotation_for(self.store.conn, clause.id)
            current = ann.status if ann else "unreviewed"
        status = STATUSES[(STATUSES.index(current) + 1) % len(STATUSES)]
        ok, changed = self.write(annotations.set_status, self.store, ids, status, self.author)
        if ok:
            self._annotated(f"{status}: {description} ({changed} changed; u undoes)")

    def action_tag(self) -> None:
        ids, description = self.target_ids()
        if not ids:
            self.say("no clause to tag")
            return
        from tui.screens import TagDialog

        tags = [name for name, _color, _n in annotations.list_tags(self.store.conn)]
        current = annotations.annotation_for(self.store.conn, ids[0]) if len(ids) == 1 else None

        def done(result: tuple[list[str], list[str]] | None) -> None:
            if not result:
                return
            add, remove = result
            ok, added = self.write(annotations.add_tags, self.store, ids, add, self.author) if add else (True, 0)
            if ok and remove:
                ok, removed = self.write(annotations.remove_tags, self.store, ids, remove, self.author)
            else:
                removed = 0
            if ok:
                self._annotated(f"tags on {description}: +{added} −{removed}")

        self.push_screen(TagDialog(description, tags, current.tags if current else []), done)

    def action_note(self) -> None:
        clause = self.clauses.current()
        if clause is None:
            self.say("no clause to annotate")
            return
        from tui.screens import NoteDialog

        ann = annotations.annotation_for(self.store.conn, clause.id)
        cite = browse.citation(self.store.conn, clause.id)
        saved = ann.note if ann else ""
        draft = self._unsaved_notes.get(clause.id, saved)

        def done(note: str | None) -> None:
            if note is None:
                return
            ok, changed = self.write(annotations.set_note, self.store, clause.id, note, self.author)
            if not ok:  # kept, so that `a` offers it again instead of losing what was typed
                self._unsaved_notes[clause.id] = note
                return
            self._unsaved_notes.pop(clause.id, None)
            if changed:
                self._annotated("note saved")

        self.push_screen(NoteDialog(str(cite), draft, saved), done)

    def action_undo(self) -> None:
        ok, message = self.write(annotations.undo, self.store, self.author)
        if ok:
            self._selection_changed()
            self._annotated(message or "nothing to undo")

    def action_tags_view(self) -> None:
        from tui.screens import TagsScreen

        def done(tag: str | None) -> None:
            self._annotated("")
            if tag:
                value = 'tag:"' + tag.replace('"', '""') + '"'
                self.filter_input.value = value
                self.apply_filter(value)

        self.push_screen(TagsScreen(self.store, self.author), done)

    def action_orphans(self) -> None:
        from tui.screens import OrphansScreen

        clause = self.clauses.current()
        self.push_screen(OrphansScreen(self.store, self.author, clause.id if clause else None),
                         lambda _result: self._annotated(""))

    # -- export

    def export_scope(self) -> tuple[list[int], str, str]:
        """What `e` exports: the selection (as the filter shows it), else what the filter
        shows, else the clauses in the clause pane. Returns (ids, what the dialog says,
        what the note says)."""
        selected = selection.selected_ids(self.store.conn)
        if selected:
            ids, description = self.target_ids()
            scope = "已选条款" + (f"（检索：{self.filter_text}）" if self.query is not None else "")
            return ids, description, scope
        if self.query is not None:
            ids = search_store.matching_ids(self.store.conn, self.query)
            return (ids, f"{len(ids)} clause{'s' * (len(ids) != 1)} shown by the filter “{self.filter_text}”",
                    f"检索：{self.filter_text}")
        source = self.clauses.source
        if source is None or not len(source):
            return [], "nothing", ""
        ids = [c.id for c in browse.clauses_page(self.store.conn, source.document.id, source.first, source.last,
                                                 limit=len(source))]
        row = self.sections.current()
        where = f"《{source.document.display_title}》"
        if row and row.section:
            where += f" {browse.display_path(row.section.path)}"
        return ids, f"{len(ids)} clause{'s' * (len(ids) != 1)} of {where}", where

    def action_export(self) -> None:
        ids, description, scope = self.export_scope()
        if not ids:
            self.say("nothing to export: select clauses (space, v) or filter (/)")
            return
        from tui.screens import ExportDialog

        last_dir = self.store.get_state("export_dir") or str(Path.cwd())
        self.push_screen(ExportDialog(self.store, ids, description, scope, self.author, Path(last_dir),
                                      self.filter_text if self.query is not None else None),
                         lambda path: self.say(f"wrote {path}") if path else None)

    # -- import

    def action_import(self) -> None:
        from tui.screens import ImportDialog

        self.push_screen(ImportDialog(), lambda path: self._start_import(path) if path else None)

    def _start_import(self, path: str) -> None:
        self.say(f"importing {path}…")
        self._import_worker(Path(path).expanduser())

    @work(thread=True, exclusive=True, group="import", exit_on_error=False, description="importing")
    def _import_worker(self, path: Path) -> None:
        from store.importer import import_paths, summarize

        def finished(result, done: int, total: int) -> None:
            self.post_message(ImportProgress(done, total, f"{Path(result.path).name}: {result.message}"))

        with Store(self.db_path) as store:
            results = import_paths(store, [path], on_result=finished)
        counts, summary = summarize(results)
        self.post_message(ImportFinished(summary or "no text files found", counts["refused"]))
        if counts["imported"] or counts["replaced"]:
            from tui.segmenter import fill_keywords_in_subprocess

            fill_keywords_in_subprocess(self.db_path)

    @on(ImportProgress)
    def _import_progress(self, message: ImportProgress) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=message.total, progress=message.done)
        self.say(f"importing {message.done}/{message.total}: {message.line}")

    @on(ImportFinished)
    def _import_finished(self, message: ImportFinished) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.refresh_everything()
        self._data_version = self._read_data_version()
        self.say(f"import finished: {message.summary}" + ("  (see `policy-review import` for reasons)"
                                                         if message.refused else ""))

    # -- help

    def action_help(self) -> None:
        from tui.screens import HelpScreen

        self.push_screen(HelpScreen())

    # -- workers

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed worker is reported: a line in the status bar."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.say(f"{event.worker.description} failed: {error}")

    def on_unmount(self) -> None:
        self.store.close()
        if self._filter_store is not None:
            self._filter_store.close()
