"""The agencies view: every agency the clauses name, with its number of clauses as lead and
as partner, per province; enter filters the panes to that agency's clauses. The counts are
read in a worker with its own connection (the screen never waits on the database)."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from store.analysis import tables
from store.db import Store
from tui.keys import hint
from tui.line_pane import LinePane
from tui.render import plain
from tui.screens import Dialog
from tui.table_pane import Column, TableHeader, TablePane

COLUMNS = [Column("省份", 10), Column("机构"), Column("牵头", 6, right=True), Column("配合", 6, right=True)]


class AgenciesScreen(Dialog):
    """Agencies by number of clauses; enter returns the agency's full name (the main screen
    filters by it)."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="agencies-close")]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.rows: list[tables.AgencyCount] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tall", id="agencies-body"):
            yield Static(plain("Agencies — clauses as lead and as partner", "bold"), classes="dialog-title")
            yield Static(plain("counting…", "dim"), id="agencies-summary")
            table = TablePane(COLUMNS, id="agencies-table")
            yield TableHeader(table)
            yield table
            keys = hint(self.BINDINGS, self.keymap(), ("agencies-close", "closes"))
            yield Static(plain(f"enter filters to the agency's clauses · {keys}", "dim"), id="agencies-hint")

    def on_mount(self) -> None:
        self.query_one(TablePane).focus()
        self._count()

    @work(thread=True, exclusive=True, description="counting the agencies")
    def _count(self) -> None:
        with Store(self.db_path) as store:
            rows = tables.agency_counts(store.conn)
        self.app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[tables.AgencyCount]) -> None:
        self.rows = rows
        provinces = len({r.province for r in rows})
        summary = (f"{len(rows)} agencies in {provinces} province{'s' * (provinces != 1)}" if rows
                   else "no agency is named as lead or partner in these documents")
        self.query_one(TablePane).set_rows(
            [(row.province, row.name, str(row.lead or ""), str(row.partner or "")) for row in rows], summary)
        self.query_one("#agencies-summary", Static).update(plain(summary, "dim"))

    @on(LinePane.Activated, "#agencies-table")
    def _selected(self, event: LinePane.Activated) -> None:
        self.dismiss(self.rows[event.index].name)


def open_view(screen) -> None:
    """The main screen's A: the view, then a filter to the agency chosen."""

    def done(agency: str | None) -> None:
        if agency:
            screen.apply_filter('agency:"' + agency.replace('"', '""') + '"')

    screen.app.push_screen(AgenciesScreen(screen.db_path), done)
