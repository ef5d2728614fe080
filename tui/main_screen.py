"""The main screen: the three panes (tui/browser.py), the citation line, the filter bar and
the status bar, and the keys. Handlers stay thin: the filter has its controller
(tui/filtering.py), annotations their flows (tui/annotating.py), imports theirs
(tui/importing.py), and every write goes to the app's saver (tui/saving.py)."""

from __future__ import annotations

import json
import os
from importlib import import_module
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from store import annotations, browse, selection
from store.analysis import validity
from store.db import Store
from tui import sharing
from tui.annotating import Annotator
from tui.browser import Browser, Position
from tui.filter_bar import FilterBar
from tui.filtering import FilterController, FilterResults, SuggestionReady
from tui.importing import Importer
from tui.keys import MAIN_BINDINGS, hint
from tui.line_pane import LinePane
from tui.navigation import Navigator, step
from tui.palette import PolicyReviewCommands
from tui.panes import ClausesPane, PlacesPane, SectionsPane
from tui.removing import ask_to_remove
from tui.screens import ClauseScreen, HelpScreen, OrphansScreen
from tui.status import DetailLine, StatusLine


class MainScreen(Screen):
    """policy-review: review Chinese policy documents clause by clause."""

    COMMANDS = {PolicyReviewCommands}
    BINDINGS = MAIN_BINDINGS

    def __init__(self, store: Store, db_path: Path) -> None:
        super().__init__()
        self.store = store
        self.db_path = db_path
        self.filter = FilterController(self, db_path)
        self.annotator = Annotator(self)
        self.navigator = Navigator(self)
        self._data_version = 0
        self._quit_asked = False
        self._before_filter: Position | None = None

    def compose(self) -> ComposeResult:
        yield Browser(self.store, self.filter)
        yield DetailLine()
        yield FilterBar(self._load_json("filter_history", []))
        yield StatusLine()
        yield Footer()
        yield Importer(self.store, db_path=self.db_path)

    # -- parts

    @property
    def browser(self) -> Browser:
        return self.query_one(Browser)

    @property
    def places(self) -> PlacesPane:
        return self.browser.places

    @property
    def sections(self) -> SectionsPane:
        return self.browser.sections

    @property
    def clauses(self) -> ClausesPane:
        return self.browser.clauses

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def importer(self) -> Importer:
        return self.query_one(Importer)

    def on_mount(self) -> None:
        self.filter_bar.display = False
        self.status.hint = hint(self.BINDINGS, self.app.user_keymap, ("filter", "filter"),
                                ("toggle-select", "select"), ("tag", "tag"), ("note", "note"),
                                ("cycle-status", "status"), ("export", "export"), ("help", "help"))
        self.clauses.selected = selection.selected_ids(self.store.conn)
        self.load_tag_styles()
        self._data_version = self._read_data_version()
        self._restore_position()
        self.set_interval(2.0, self._poll_changes)

    def _load_json(self, key: str, default):
        try:
            return json.loads(self.store.get_state(key) or "null") or default
        except ValueError:
            return default

    def load_tag_styles(self) -> None:
        from rich.style import Style

        from tui.colors import safe_color

        self.clauses.tag_styles = {name: Style(color=safe_color(color)) for name, color, _n
                                   in annotations.list_tags(self.store.conn) if safe_color(color)}

    # -- position

    def _restore_position(self) -> None:
        saved = self._load_json("position", {})
        clause = browse.clause(self.store.conn, saved["clause_id"]) if saved.get("clause_id") else None
        self.browser.go_to(Position(saved.get("province"), saved.get("region"), saved.get("document_id"),
                                    clause.sort_key if clause else None))
        focus = {"places": self.places, "sections": self.sections, "clauses": self.clauses}.get(
            saved.get("focus", "places"), self.places)
        focus.focus()

    def position_state(self) -> str:
        position = self.browser.position()
        clause = self.clauses.current()
        focused = self.focused.id if self.focused and self.focused.id in ("places", "sections", "clauses") else "places"
        return json.dumps({"province": position.province, "region": position.region,
                           "document_id": position.document_id, "clause_id": clause.id if clause else None,
                           "focus": focused})

    def action_quit(self) -> None:
        pending = self.app.saver.pending
        if pending and not self._quit_asked:
            self._quit_asked = True
            self.say(f"saving {pending} change{'s' * (pending != 1)}… (q again quits without waiting)", seconds=0)
            self.app.quit_when_saved(self.position_state())
            return
        if pending:
            self.app.exit()
            return
        self.app.quit_when_saved(self.position_state())

    # -- the lines under the panes

    def say(self, message: str, seconds: float | None = None) -> None:
        """A short message in the status bar (no markup, no popup); it goes away by itself."""
        self.status.say(message, seconds)

    def update_status(self) -> None:
        status = self.status
        status.filter = self.filter.describe()
        suggestion = self.filter.suggestion
        status.suggestion = f"try: {suggestion} (tab in the filter bar)" if suggestion else ""
        status.selected = len(self.clauses.selected)
        count = self.clauses.item_count()
        status.position = f"{self.clauses.cursor + 1}/{count}" if count else ""
        status.redraw()

    def show_saving(self, what: str | None) -> None:
        self.status.saving = f"saving {what}… (another program is writing to the database)" if what else ""
        self.status.redraw()

    def update_detail(self) -> None:
        detail = self.query_one(DetailLine)
        clause = self.clauses.current()
        if clause is None:
            row = self.sections.current()
            if row is None:
                key = hint(self.BINDINGS, self.app.user_keymap, ("import", "imports a file or folder"))
                detail.show_text(f"Import documents: {key}, or `policy-review import PATH`.")
            else:
                detail.show_document(row.document)
        else:
            ann = self.clauses.annotations.get(clause.id)
            detail.show_clause(browse.citation(self.store.conn, clause.id), ann.note if ann else "",
                               validity.clause_validity(self.store.conn, clause.id).warning())
        self.update_status()

    @on(LinePane.CursorMoved, "#clauses")
    def _clause_moved(self) -> None:
        self.update_detail()

    @on(LinePane.Activated, "#clauses")
    def _clause_activated(self) -> None:
        clause = self.clauses.current()
        if clause:
            self.app.push_screen(ClauseScreen(self.store, clause.id))

    # -- panes, focus and narrow terminals

    def action_pane(self, step_: int) -> None:
        self._move_focus(step_, wrap=False)

    def action_cycle_pane(self, step_: int) -> None:
        self._move_focus(step_, wrap=True)

    def _move_focus(self, step_: int, wrap: bool) -> None:
        panes = self.browser.panes()
        index = panes.index(self.focused) if self.focused in panes else 0
        target = index + step_
        target = target % len(panes) if wrap else max(0, min(len(panes) - 1, target))
        panes[target].focus()

    def on_resize(self, event: events.Resize) -> None:
        self.browser.lay_out(event.size.width)

    def on_descendant_focus(self) -> None:
        self.browser.lay_out(self.size.width)

    def action_hide_empty(self) -> None:
        if not self.filter.active:
            self.say("H hides places, documents and sections without matches while a filter is on")
            return
        hide = not self.places.hide_empty
        self.browser.set_hide_empty(hide)
        self.say("H: only places, documents and sections with matches" if hide else "H off: everything shown")

    # -- the filter

    def action_filter(self) -> None:
        self._before_filter = self.browser.position()  # typing moves the panes: ctrl+o comes back here
        self.filter_bar.open(self.filter.text)
        self.filter.prepare()

    @on(FilterBar.Changed, "#filter-input")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        place = self.places.current()
        if self.filter.apply(event.value, place.province if place else None):
            self.browser.show_filter()
        self.update_status()

    @on(FilterBar.Submitted, "#filter-input")
    def _filter_submitted(self) -> None:
        bar = self.filter_bar
        bar.display = False
        if not self.filter.active:
            self.places.focus()
            return
        self.app.saver.save("the filter history", Store.set_state, "filter_history",
                            json.dumps(bar.remember(self.filter.text), ensure_ascii=False))
        self.clauses.focus()
        first = step(self.store.conn, self.filter.query, None, forward=True)
        if first is not None:
            self.navigator.jumps.record(self._before_filter or self.browser.position())
            self.browser.go_to_clause(first.sort_key)

    @on(FilterBar.TakeSuggestion)
    def _take_suggestion(self) -> None:
        if self.filter.suggestion:
            self.filter_bar.value = self.filter.suggestion
            self.filter_bar.cursor_position = len(self.filter_bar.value)

    @on(FilterResults)
    def _filter_results(self, message: FilterResults) -> None:
        if self.filter.accept(message):
            self.browser.show_filter()
            self.update_status()

    @on(SuggestionReady)
    def _suggestion_ready(self, message: SuggestionReady) -> None:
        if self.filter.accept_suggestion(message):
            self.update_status()

    def apply_filter(self, text: str) -> None:
        """Filter as if typed (the tags view's enter)."""
        self.filter_bar.value = text  # Input.Changed applies it

    def action_clear_filter(self) -> None:
        bar = self.filter_bar
        if bar.display:
            bar.display = False
        if self.filter.clear():
            with bar.prevent(FilterBar.Changed):
                bar.value = ""
            self.browser.show_filter()
            self.say("filter cleared")
        self.update_status()
        if self.focused is None or self.focused is bar:
            self.clauses.focus()

    # -- matches and jumps (tui/navigation.py)

    def action_step_match(self, forward: bool) -> None:
        self.navigator.step_match(forward)

    def action_jump_back(self) -> None:
        self.navigator.back()

    def action_jump_forward(self) -> None:
        self.navigator.forward()

    def go_to_place(self, province: str, region: str | None) -> None:
        self.navigator.go_to_place(province, region)

    def go_to_document(self, document_id: int) -> None:
        self.navigator.go_to_document(document_id)

    def go_to_clause(self, sort_key: int) -> None:
        self.navigator.go_to_clause(sort_key)

    # -- live updates from other programs

    def _read_data_version(self) -> int:
        return self.store.conn.execute("PRAGMA data_version").fetchone()[0]

    def _poll_changes(self) -> None:
        """Another app or a command-line command changed the database: show it."""
        version = self._read_data_version()
        if version == self._data_version:
            return
        self._data_version = version
        self.refresh_everything()

    def own_write_done(self) -> None:
        """A write of ours is in: not a change from another program to poll for."""
        self._data_version = self._read_data_version()

    def refresh_everything(self) -> None:
        self.clauses.selected = selection.selected_ids(self.store.conn)
        self.load_tag_styles()
        self.browser.refresh_everything()
        if self.filter.active:
            self.filter.apply(self.filter.text, self.places.current().province if self.places.current() else None)
        self.update_detail()

    def annotations_changed(self, message: str) -> None:
        """One of our writes is in: redraw what it changed."""
        self.clauses.selected = selection.selected_ids(self.store.conn)
        self.load_tag_styles()
        self.clauses.refresh_annotations()
        self.update_detail()
        if message:
            self.say(message)

    # -- annotations (tui/annotating.py)

    def action_toggle_select(self) -> None:
        self.annotator.toggle_select()

    def action_select_shown(self) -> None:
        self.annotator.select_shown()

    def action_clear_selection(self) -> None:
        self.annotator.clear_selection()

    def action_cycle_status(self) -> None:
        self.annotator.cycle_status()

    def action_tag(self) -> None:
        self.annotator.tag()

    def action_note(self) -> None:
        self.annotator.note()

    def action_undo(self) -> None:
        self.annotator.undo()

    def action_tags_view(self) -> None:
        from tui.tag_screens import TagsScreen

        def done(tag: str | None) -> None:
            self.annotations_changed("")
            if tag:
                self.apply_filter('tag:"' + tag.replace('"', '""') + '"')

        self.app.push_screen(TagsScreen(self.store, self.app.author), done)

    def action_view(self, name: str) -> None:
        """A view of its own (agencies, targets, similar, grid: tui/NAME_screen.py), its module
        loaded when asked for."""
        import_module(f"tui.{name}_screen").open_view(self)

    def action_orphans(self) -> None:
        clause = self.clauses.current()
        self.app.push_screen(OrphansScreen(self.store, self.app.author, clause.id if clause else None),
                             lambda _result: self.annotations_changed(""))

    # -- copy and open the source

    def action_copy(self) -> None:
        sharing.ask_to_copy(self)

    def action_open_source(self) -> None:
        clause = self.clauses.current()
        if clause is None:
            self.say("no clause to open")
            return
        document = browse.document(self.store.conn, clause.document_id)
        self.say(sharing.open_source(self.app, Path(document.source_path), clause.line, os.environ))

    # -- export, import, remove

    def action_export(self) -> None:
        from tui.export_dialog import ExportDialog  # markdown-it and the preview: loaded when asked for

        row = self.sections.current()
        source = self.clauses.source
        shown = (selection.Shown(source.document, source.first, source.last,
                                 row.section.path if row and row.section else None) if source else None)
        ids, description, scope = selection.export_scope(self.store.conn, self.filter.query, self.filter.text, shown)
        if not ids:
            self.say("nothing to export: select clauses (space, v) or filter (/)")
            return
        last_dir = self.store.get_state("export_dir") or str(Path.cwd())
        self.app.push_screen(ExportDialog(self.db_path, ids, description, scope, self.app.author, Path(last_dir),
                                          self.filter.text if self.filter.active else None),
                             lambda path: self.say(f"wrote {path}") if path else None)

    def action_import(self) -> None:
        self.importer.ask()

    def start_import(self, path: str) -> None:
        """Import a path without the dialog (the tests, and a dropped path)."""
        self.importer.plan(Path(path).expanduser())

    def action_cancel_import(self) -> None:
        if not self.importer.cancel():
            self.app.action_help_quit()

    def action_remove(self) -> None:
        ask_to_remove(self)

    # -- help

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([*LinePane.BINDINGS, *self.BINDINGS, *FilterBar.BINDINGS]))

    def on_unmount(self) -> None:
        self.filter.close()
