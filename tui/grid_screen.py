"""The coverage grid (C on the main screen): provinces against topics, the number of matching
clauses in each cell, the empty ones standing out. Enter filters the panes to a cell.

The columns are the topics last shown (kept in app_state), else every saved query and tag;
a adds one (a saved query's name, a tag or a query), x takes the highlighted one away, s keeps
a query column as a saved query, d shows each document's row, e exports a briefing note of
the column's clauses with the grid in it. The grid is counted in a worker on its own
connection.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from store import grid, search, topics
from store.db import Store
from store.errors import PolicyReviewError
from store.untrusted import visible
from tui.keys import hint, user_keymap
from tui.render import plain
from tui.screens import PromptDialog

GRID_BINDINGS = [
    Binding("escape,q", "close", "Back", id="grid-close", tooltip="back to the panes"),
    Binding("a", "add_topic", "Add topic", id="grid-add", tooltip="add a column: a saved query, a tag or a query"),
    Binding("x", "remove_topic", "Remove topic", id="grid-remove", tooltip="take the highlighted column away"),
    Binding("s", "save_topic", "Save query", id="grid-save", tooltip="keep the highlighted query column as a saved query"),
    Binding("d", "toggle_documents", "Documents", id="grid-documents", tooltip="a row for each document"),
    Binding("e", "export", "Export", id="grid-export",
            tooltip="a briefing note of the highlighted column's clauses, with the grid"),
]

STATE_KEY = "grid_topics"


def open_view(main) -> None:
    """C on the main screen: the grid; Enter on a cell filters the panes to it."""

    def chosen(cell: CellChoice | None) -> None:
        if cell is None:
            return
        main.apply_filter(cell.query)
        if cell.document_id is not None:
            main.go_to_document(cell.document_id)
        else:
            main.go_to_place(cell.province, None)

    main.app.push_screen(GridScreen(main.store, main.db_path, main.app.author), chosen)


def ask_to_save_filter(main) -> None:
    """The palette's "Save the filter as a query…": the active filter under a name."""
    if not main.filter.active:
        main.say("filter first (/), then save the filter under a name")
        return
    text = main.filter.text

    def done(name: str | None) -> None:
        if name and name.strip():
            main.app.saver.save("the saved query", topics.save, name, text, main.app.author,
                                done=lambda saved: main.say(f"saved {saved.name}: {saved.query}"))

    main.app.push_screen(PromptDialog(f"Save the filter {text} as", placeholder="社保"), done)


@dataclass
class CellChoice:
    """The cell Enter was pressed on: the filter that shows its clauses, and where."""

    province: str
    document_id: int | None
    query: str


class GridScreen(Screen):
    """Provinces × topics. Dismissed with the CellChoice of the chosen cell, or None."""

    BINDINGS = GRID_BINDINGS

    def __init__(self, store: Store, db_path: Path, author: str) -> None:
        super().__init__()
        self.store, self.db_path, self.author = store, db_path, author
        self.topics: list[topics.Topic] = []
        self.coverage: grid.Grid | None = None
        self.by_document = False
        self.rows: list[tuple[str, grid.DocumentRow | None]] = []  # per table row: its province, its document

    def compose(self) -> ComposeResult:
        yield Static(plain("Coverage: clauses on each topic in each province", "bold"), classes="screen-title")
        yield DataTable(id="grid-table", cursor_type="cell", zebra_stripes=True)
        yield Static(id="grid-status", classes="dim")
        yield Static(id="grid-hint", classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        keys = hint(self.BINDINGS, user_keymap(self), ("grid-add", "add"), ("grid-remove", "remove"),
                    ("grid-save", "save"), ("grid-documents", "documents"), ("grid-export", "export"),
                    ("grid-close", "back"))
        self.query_one("#grid-hint", Static).update(plain(f"enter filters the panes to the cell · {keys}", "dim"))
        self.topics = self._remembered() or topics.default_topics(self.store.conn)
        self._count()

    def _remembered(self) -> list[topics.Topic]:
        try:
            names = json.loads(self.store.get_state(STATE_KEY) or "[]")
        except ValueError:
            return []
        found = []
        for name in names if isinstance(names, list) else []:
            try:
                found.append(topics.topic(self.store.conn, str(name)))
            except PolicyReviewError:
                continue  # a saved query deleted since, a tag renamed
        return found

    def _remember(self) -> None:
        self.app.saver.save("the grid's topics", Store.set_state, STATE_KEY,
                            json.dumps([t.name for t in self.topics], ensure_ascii=False))

    # -- counting

    def _count(self) -> None:
        status = self.query_one("#grid-status", Static)
        if not self.topics:
            self.coverage = None
            self.query_one(DataTable).clear(columns=True)
            status.update(plain("no topics yet: a adds one (a saved query's name, a tag, or a query such as "
                                "社保 | 养老保险)", "dim"))
            return
        status.update(plain(f"counting {len(self.topics)} topics…", "dim"))
        self._counted(list(self.topics))

    @work(thread=True, exclusive=True, group="grid", exit_on_error=False, description="counting the grid")
    def _counted(self, chosen: list[topics.Topic]) -> None:
        try:
            with Store(self.db_path, create=False) as store:
                coverage = grid.coverage(store.conn, chosen)
        except (PolicyReviewError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.query_one("#grid-status", Static).update,
                                      plain(f"could not count the grid: {exc}", "red"))
            return
        self.app.call_from_thread(self._show, coverage)

    def _show(self, coverage: grid.Grid) -> None:
        if coverage.topics != self.topics:
            return  # the columns changed meanwhile: their own count is under way
        self.coverage = coverage
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column(Text("省份"), key="province")
        table.add_column(Text("文件", justify="right"), key="documents")
        for index, topic in enumerate(coverage.topics):
            table.add_column(Text(visible(topic.name), style="bold"), key=str(index))
        self.rows = []
        for row in coverage.rows:
            style = "" if row.documents else "dim"
            table.add_row(Text(row.short_name, style=style), Text(str(len(row.documents)) if row.documents else "—",
                                                                 style=style, justify="right"),
                          *(_cell(n) for n in row.counts))
            self.rows.append((row.province, None))
            if self.by_document:
                for document in row.documents:
                    table.add_row(Text("  " + visible(document.title), style="dim"), Text(""),
                                  *(_cell(n) for n in document.counts))
                    self.rows.append((row.province, document))
        table.cursor_coordinate = cursor
        table.focus()
        empty = [f"{topic.name}: {'、'.join(coverage.empty_provinces(i))}"
                 for i, topic in enumerate(coverage.topics) if coverage.empty_provinces(i)]
        without = sum(1 for row in coverage.rows if not row.documents)
        status = f"no clause — {'; '.join(empty)}" if empty else "every province with documents has clauses on each topic"
        self.query_one("#grid-status", Static).update(
            plain(f"{status} · {without} provinces without documents (—)", "dim"))

    # -- the highlighted cell

    def _cell_topic(self) -> topics.Topic | None:
        column = self.query_one(DataTable).cursor_coordinate.column - 2
        return self.topics[column] if 0 <= column < len(self.topics) else None

    @on(DataTable.CellSelected, "#grid-table")
    def _cell_chosen(self, event: DataTable.CellSelected) -> None:
        topic = self._cell_topic()
        if topic is None or not self.rows:
            return
        province, document = self.rows[event.coordinate.row]
        self.dismiss(CellChoice(province, document.document_id if document else None, grid.cell_query(province, topic)))

    def action_add_topic(self) -> None:
        def done(text: str | None) -> None:
            if not text or not text.strip():
                return
            try:
                topic = topics.topic(self.store.conn, text)
            except PolicyReviewError as exc:
                self.notify(visible(str(exc)), severity="error", markup=False)
                return
            if topic not in self.topics:
                self.topics.append(topic)
                self._remember()
                self._count()

        self.app.push_screen(PromptDialog("Add a column: a saved query's name, a tag or a query",
                                          placeholder="社保 | 养老保险"), done)

    def action_remove_topic(self) -> None:
        topic = self._cell_topic()
        if topic is not None:
            self.topics.remove(topic)
            self._remember()
            self._count()

    def action_save_topic(self) -> None:
        topic = self._cell_topic()
        if topic is None or topic.kind != "query":
            self.notify("highlight a query column to save it (saved queries and tags are kept already)")
            return

        def done(name: str | None) -> None:
            if name and name.strip():
                self.app.saver.save("the saved query", topics.save, name, topic.query, self.author,
                                    done=lambda saved: self._saved(topic, saved))

        self.app.push_screen(PromptDialog(f"Save {topic.query} as", placeholder="社保"), done)

    def _saved(self, topic: topics.Topic, saved: topics.SavedQuery) -> None:
        if topic in self.topics:  # else its column was taken away while it was being saved
            self.topics[self.topics.index(topic)] = topics.Topic(saved.name, saved.query, "saved")
            self._remember()
            self._count()
        self.notify(visible(f"saved {saved.name}: {saved.query}"), markup=False)

    def action_toggle_documents(self) -> None:
        self.by_document = not self.by_document
        if self.coverage is not None:
            self._show(self.coverage)

    def action_export(self) -> None:
        topic = self._cell_topic() or (self.topics[0] if self.topics else None)
        if topic is None:
            self.notify("add a topic first (a)")
            return
        self._export_topic(topic)

    @work(thread=True, exclusive=True, group="grid-export", exit_on_error=False,
          description="finding the clauses to export")
    def _export_topic(self, topic: topics.Topic) -> None:
        try:
            with Store(self.db_path, create=False) as store:
                ids = search.matching_ids(store.conn, topic.query)
                last_dir = Path(store.get_state("export_dir") or Path.cwd())
        except (PolicyReviewError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.notify, visible(f"cannot export: {exc}"), markup=False)
            return
        self.app.call_from_thread(self._open_export, topic, ids, last_dir)

    def _open_export(self, topic: topics.Topic, ids: list[int], last_dir: Path) -> None:
        from tui.export_dialog import ExportDialog

        if not ids:
            self.notify(visible(f"no clause on {topic.name} to export"), markup=False)
            return
        self.app.push_screen(ExportDialog(self.db_path, ids, f"{len(ids)} clauses on {topic.name} with the grid",
                                          f"检索：{topic.query}", self.author, last_dir, topic.query,
                                          grid_topics=[t.name for t in self.topics]))

    def action_close(self) -> None:
        self.dismiss(None)


def _cell(count: int | None) -> Text:
    """A count, right-aligned: none (no documents) dim, zero standing out."""
    if count is None:
        return Text("—", style="dim", justify="right")
    if count == 0:
        return Text(" 0 ", style="bold white on red", justify="right")
    return Text(str(count), justify="right")
