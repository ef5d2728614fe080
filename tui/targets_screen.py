"""The targets view: every quantitative target and time limit with its deadline, in a table
that sorts by deadline, province or value, above a timeline of how many fall due each
year; enter goes to the clause. Read in a worker with its own connection."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from store import browse
from store.analysis import tables
from store.db import Store
from tui.keys import hint
from tui.line_pane import LinePane
from tui.render import plain
from tui.screens import Dialog
from tui.table_pane import Column, TableHeader, TablePane

SORTS = {
    "deadline": lambda t: (t.deadline is None, t.deadline or "", t.sort_key),
    "province": lambda t: (t.sort_key, t.span_start),
    "value": lambda t: (t.value is None, -(t.value or 0), t.sort_key),
}
COLUMNS = [Column("时限", 10), Column("省份", 8), Column("目标"), Column("条款")]
BAR_WIDTH = 40
SHOWN = 5000
"""Targets the table holds (in reading order); the timeline counts them all."""


def timeline(years: dict[int, int], width: int = BAR_WIDTH) -> str:
    """How many targets fall due each year, as bars: 2018 ████ 19."""
    if not years:
        return "no target has a deadline"
    most = max(years.values())
    return "\n".join(f"{year} {'█' * max(1, round(n * width / most))} {n}" for year, n in sorted(years.items()))


class TargetsScreen(Dialog):
    """Targets and deadlines; enter returns the clause's sort key (the main screen goes there)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="targets-close"),
        Binding("d", "sort('deadline')", "By deadline", id="targets-by-deadline"),
        Binding("p", "sort('province')", "By province", id="targets-by-province"),
        Binding("v", "sort('value')", "By value", id="targets-by-value"),
    ]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.targets: list[tables.StoredTarget] = []
        self.order = "deadline"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tall", id="targets-body"):
            yield Static(plain("Targets and deadlines", "bold"), classes="dialog-title")
            yield Static(plain("reading…", "dim"), id="targets-timeline")
            table = TablePane(COLUMNS, id="targets-table")
            yield TableHeader(table)
            yield table
            keys = hint(self.BINDINGS, self.keymap(), ("targets-by-deadline", "by deadline"),
                        ("targets-by-province", "by province"), ("targets-by-value", "by value"),
                        ("targets-close", "closes"))
            yield Static(plain(f"enter goes to the clause · {keys}", "dim"), id="targets-hint")

    def on_mount(self) -> None:
        self.query_one(TablePane).focus()
        self._read()

    @work(thread=True, exclusive=True, description="reading the targets")
    def _read(self) -> None:
        with Store(self.db_path) as store:
            found = tables.targets_list(store.conn, limit=SHOWN)
            years, total = tables.due_years(store.conn)
        self.app.call_from_thread(self.show_targets, found, years, total)

    def show_targets(self, found: list[tables.StoredTarget], years: dict[int, int], total: int) -> None:
        self.targets = found
        more = f"\n(the table shows the first {len(found):,} of {total:,} in reading order: " \
               "`policy-review targets --due YEAR` lists a year's)" if total > len(found) else ""
        self.query_one("#targets-timeline", Static).update(plain(timeline(years) + more))
        self._fill()

    def _fill(self) -> None:
        self.targets.sort(key=SORTS[self.order])
        self.query_one(TablePane).set_rows(
            [(t.deadline or "—", t.province, t.what, f"《{t.document}》{browse.display_path(t.path)}")
             for t in self.targets], "no targets in these documents")

    def action_sort(self, order: str) -> None:
        self.order = order
        self._fill()

    @on(LinePane.Activated, "#targets-table")
    def _selected(self, event: LinePane.Activated) -> None:
        self.dismiss(self.targets[event.index].sort_key)


def open_view(screen) -> None:
    """The main screen's W: the view, then the clause of the target chosen."""

    def done(sort_key: int | None) -> None:
        if sort_key is not None:
            screen.go_to_clause(sort_key)
            screen.clauses.focus()

    screen.app.push_screen(TargetsScreen(screen.db_path), done)
