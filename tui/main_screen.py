"""The main screen: the three panes (tui/browser.py), the citation line, the filter bar and
the status bar, and the keys. Handlers stay thin: the filter has its controller
(tui/filtering.py), annotations their flows (tui/annotating.py), imports theirs
(tui/importing.py), and every write goes to the app's saver (tui/saving.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from store import annotations, browse, selection
from store.db import Store
from store.import_plan import ImportPlan
from store.removal import remove, removal_of
from store.selection import n_clauses
from tui import sharing
from tui.annotating import Annotator
from tui.browser import Browser, Position
from tui.export_dialog import ExportDialog
from tui.filter_bar import FilterBar
from tui.filtering import FilterController, FilterResults, SuggestionReady
from tui.import_dialog import ImportDialog
from tui.importing import ImportController, ImportFinished, ImportPlanned, ImportProgress, describe_plan
from tui.keys import hint
from tui.line_pane import LinePane
from tui.navigation import JumpList, match_number, step
from tui.palette import PolicyReviewCommands
from tui.panes import ClausesPane, PlacesPane, SectionsPane
from tui.screens import ChoiceDialog, ClauseScreen, ConfirmDialog, HelpScreen, OrphansScreen
from tui.status import DetailLine, StatusLine
from tui.tag_screens import TagsScreen


class MainScreen(Screen):
    """policy-review: review Chinese policy documents clause by clause."""

    COMMANDS = {PolicyReviewCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="quit (the position is remembered)"),
        Binding("question_mark", "help", "Help", id="help", tooltip="this help"),
        Binding("slash", "filter", "Filter", id="filter", tooltip="filter clauses as you type"),
        Binding("n", "step_match(True)", "Next", id="next-match", tooltip="next matching clause (wraps around)"),
        Binding("N", "step_match(False)", "Prev", id="previous-match", show=False,
                tooltip="previous matching clause"),
        Binding("ctrl+o,grave_accent", "jump_back", "Back", id="jump-back", show=False,
                tooltip="back to where you were before a jump (n, N, palette, enter)"),
        Binding("ctrl+n", "jump_forward", "Forward", id="jump-forward", show=False,
                tooltip="forward again after a jump back"),
        Binding("h,left", "pane(-1)", "Left pane", id="pane-left", show=False, tooltip="pane to the left"),
        Binding("l,right", "pane(1)", "Right pane", id="pane-right", show=False, tooltip="pane to the right"),
        Binding("tab", "cycle_pane(1)", "Next pane", id="next-pane", show=False, tooltip="next pane"),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", id="previous-pane", show=False,
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
        Binding("y", "copy", "Copy", id="copy", show=False,
                tooltip="copy the clause's citation, text or both (through the terminal, OSC 52)"),
        Binding("o", "open_source", "Source", id="open-source", show=False,
                tooltip="open the source file at the clause's line ($PAGER, else $EDITOR)"),
        Binding("e", "export", "Export", id="export", tooltip="export a Markdown briefing note"),
        Binding("i", "import", "Import", id="import", show=False, tooltip="import a file or folder"),
        Binding("ctrl+c", "cancel_import", "Cancel import", id="cancel-import", show=False,
                tooltip="cancel the running import (the files done stay)"),
        Binding("D", "remove", "Remove", id="remove", show=False,
                tooltip="remove the document's file from the database (asks first)"),
        Binding("T", "tags_view", "Tags", id="tags-view", show=False,
                tooltip="tags: counts, rename, merge, delete, color"),
        Binding("H", "hide_empty", "Hide empty", id="hide-empty", show=False,
                tooltip="hide places, documents and sections without matches"),
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter", show=False,
                tooltip="clear the filter"),
    ]

    def __init__(self, store: Store, db_path: Path) -> None:
        super().__init__()
        self.store = store
        self.db_path = db_path
        self.filter = FilterController(self, db_path)
        self.importer = ImportController(self, db_path)
        self.annotator = Annotator(self)
        self.jumps = JumpList()
        self._data_version = 0
        self._quit_asked = False
        self._before_filter: Position | None = None

    def compose(self) -> ComposeResult:
        yield Browser(self.store, self.filter)
        yield DetailLine()
        yield FilterBar(self._load_json("filter_history", []))
        yield StatusLine()
        yield Footer()

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
            detail.show_clause(browse.citation(self.store.conn, clause.id), ann.note if ann else "")
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
            self.jumps.record(self._before_filter or self.browser.position())
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

    # -- matches and jumps

    def action_step_match(self, forward: bool) -> None:
        query = self.filter.query
        if query is None:
            self.say("n/N move between matches of a filter: press / to filter")
            return
        clause = self.clauses.current()
        found = step(self.store.conn, query, clause.sort_key if clause else None, forward)
        if found is None:
            self.say("no matches")
            return
        self.jump(lambda: self.browser.go_to_clause(found.sort_key))
        number = self._match_number()
        where = f"match {number}/{self.filter.total_label}" if number else ""
        if found.wrapped:
            where += ("  · wrapped around to the first match" if forward else
                      "  · wrapped around to the last match")
        self.say(where.strip(" ·"))

    def _match_number(self) -> int:
        clause = self.clauses.current()
        counts = self.filter.doc_counts
        if clause is None or counts is None or self.filter.counted_province is not None:
            return 0
        keys = self.sections.match_keys or []
        return match_number(self.store.conn, counts, clause.document_id, keys, clause.sort_key)

    def jump(self, go) -> None:
        """Go somewhere, remembering where from (ctrl+o comes back)."""
        self.jumps.record(self.browser.position())
        go()

    def action_jump_back(self) -> None:
        target = self.jumps.go_back(self.browser.position())
        if target is None:
            self.say("no earlier position to go back to")
            return
        self.browser.go_to(target)
        self.clauses.focus()

    def action_jump_forward(self) -> None:
        target = self.jumps.go_forward(self.browser.position())
        if target is None:
            self.say("nothing to go forward to")
            return
        self.browser.go_to(target)
        self.clauses.focus()

    # -- jumps from the palette: a hidden target clears or widens the filter

    def go_to_place(self, province: str, region: str | None) -> None:
        if self.filter.active and self.places.hide_empty and not self.browser.shows_place(province, region):
            self.browser.set_hide_empty(False)
            self.say(f"H off: {region or province} has no matches of the filter")
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
        self.action_clear_filter()
        self.say(f"filter “{text}” cleared: {what} has no match of it")

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
        def done(tag: str | None) -> None:
            self.annotations_changed("")
            if tag:
                self.apply_filter('tag:"' + tag.replace('"', '""') + '"')

        self.app.push_screen(TagsScreen(self.store, self.app.author), done)

    def action_orphans(self) -> None:
        clause = self.clauses.current()
        self.app.push_screen(OrphansScreen(self.store, self.app.author, clause.id if clause else None),
                             lambda _result: self.annotations_changed(""))

    # -- copy and open the source

    def action_copy(self) -> None:
        clause = self.clauses.current()
        if clause is None:
            self.say("no clause to copy")
            return
        citation = browse.citation(self.store.conn, clause.id)
        texts = sharing.copy_texts(clause, citation)

        def chosen(what: str | None) -> None:
            if what:
                self.app.copy_to_clipboard(texts[what])
                self.say(sharing.copied_message(what, os.environ), seconds=8)

        self.app.push_screen(ChoiceDialog("Copy the focused clause's…", [
            ("c", "citation", "citation"), ("t", "text", "text"), ("b", "both", "both"), ("y", "both", "both")]),
            chosen)

    def action_open_source(self) -> None:
        clause = self.clauses.current()
        if clause is None:
            self.say("no clause to open")
            return
        document = browse.document(self.store.conn, clause.document_id)
        self.say(sharing.open_source(self.app, Path(document.source_path), clause.line, os.environ))

    # -- export, import, remove

    def action_export(self) -> None:
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
        if self.importer.running:
            self.say("an import is running: ctrl+c cancels it")
            return

        def chosen(path: str | None) -> None:
            if path:
                self.say(f"looking at {path}…", seconds=0)
                self.importer.plan(Path(path))

        self.app.push_screen(ImportDialog(self.store.get_state("import_dir") or ""), chosen)

    @on(ImportPlanned)
    def _import_planned(self, message: ImportPlanned) -> None:
        plan = message.plan
        if not plan.files:
            reasons = "; ".join(f"{p}: {why}" for p, why in plan.unreadable[:3])
            self.say(f"nothing to import in {message.path}" + (f" ({reasons})" if reasons else ""), seconds=10)
            return
        if plan.needs_confirmation or plan.unreadable:
            self.app.push_screen(ConfirmDialog(describe_plan(message.path, plan)),
                                 lambda yes: self._start_import(message.path, plan) if yes else self.say(""))
        else:
            self._start_import(message.path, plan)

    def _start_import(self, path: Path, plan: ImportPlan) -> None:
        folder = path if path.is_dir() else path.parent
        self.app.saver.save("the import folder", Store.set_state, "import_dir", str(folder.resolve()) + "/")
        self.say(f"importing {len(plan.files)} file{'s' * (len(plan.files) != 1)}… (ctrl+c cancels)", seconds=0)
        self.importer.start(plan)

    def start_import(self, path: str) -> None:
        """Import a path without the dialog (the tests, and a dropped path)."""
        self.importer.plan(Path(path).expanduser())

    @on(ImportProgress)
    def _import_progress(self, message: ImportProgress) -> None:
        self.status.show_progress(message.done, message.total)
        self.say(f"importing {message.done}/{message.total}: {message.line} (ctrl+c cancels)", seconds=0)

    @on(ImportFinished)
    def _import_finished(self, message: ImportFinished) -> None:
        self.importer.finished()
        self.status.show_progress(None)
        self.refresh_everything()
        self._data_version = self._read_data_version()
        head = "import cancelled" if message.cancelled else "import finished"
        refused = f"  (refused: {'; '.join(message.refused[:2])}" + ("…" if len(message.refused) > 2 else "") + ")"
        self.say(f"{head}: {message.summary}" + (refused if message.refused else ""), seconds=15)

    def action_cancel_import(self) -> None:
        if self.importer.cancel():
            self.say("cancelling the import: the files done stay, the current one is left out", seconds=0)
        else:
            self.app.action_help_quit()

    def action_remove(self) -> None:
        row = self.sections.current()
        if row is None:
            self.say("no document to remove")
            return
        removal = removal_of(self.store.conn, row.document.id)
        if removal is None:
            return
        parts = len(removal.document_ids)
        question = (f"Remove {Path(removal.source_path).name} from the database: {parts} document"
                    f"{'s' * (parts != 1)} ({'、'.join(removal.titles[:3])}{'…' if parts > 3 else ''}), "
                    f"{n_clauses(removal.clauses)}?")
        if removal.annotations:
            question += (f" Their {removal.annotations} annotations are kept as orphans, and come back if the "
                         "file is imported again.")

        def removed(clauses: int) -> None:
            self.refresh_everything()
            self.say(f"removed {Path(removal.source_path).name} ({n_clauses(clauses)})")

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.saver.save("the removal", remove, removal, done=removed)

        self.app.push_screen(ConfirmDialog(question), answered)

    # -- help

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([*LinePane.BINDINGS, *self.BINDINGS, *FilterBar.BINDINGS]))

    def on_unmount(self) -> None:
        self.filter.close()
