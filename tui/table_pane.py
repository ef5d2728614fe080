"""`TablePane`: rows of cells in fixed columns, drawn line by line like the panes.

Textual's DataTable measures and styles every row when it is filled (0.7 s for the 691
agencies of a million clauses); a table drawn by `LinePane` costs what the screen shows,
whatever the number of rows. Cells are untrusted text: made visible, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from store.untrusted import one_line
from tui.line_pane import LinePane
from tui.render import StyledLine, cell_width, truncate

GAP = "  "


@dataclass(frozen=True)
class Column:
    title: str
    width: int | None = None  # cells; None takes the room the other columns leave
    right: bool = False  # numbers, aligned right


class TablePane(LinePane):
    """A table with a cursor on its rows; enter posts `Activated` with the row's index."""

    def __init__(self, columns: list[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        self.rows: list[tuple[str, ...]] = []
        self.empty = "no rows"

    def set_rows(self, rows: list[tuple[str, ...]], empty: str = "no rows", cursor: int = 0) -> None:
        self.rows = [tuple(one_line(cell) for cell in row) for row in rows]
        self.empty = empty
        self.set_cursor(cursor, announce=False)
        self.invalidate()

    def header(self, width: int) -> Text:
        """The column titles, laid out as the rows are (TableHeader draws them above)."""
        return Text(self._line([c.title for c in self.columns], width), style="bold")

    def item_count(self) -> int:
        return len(self.rows)

    def item_key(self, index: int) -> object:
        return self.rows[index]

    def empty_message(self) -> str:
        return self.empty

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        return [StyledLine(self._line(self.rows[index], width))]

    def _widths(self, width: int) -> list[int]:
        fixed = sum(c.width or 0 for c in self.columns) + len(GAP) * (len(self.columns) - 1) + 1
        flexible = [c for c in self.columns if c.width is None]
        room = max(4, (width - fixed) // max(1, len(flexible)))
        return [c.width if c.width is not None else room for c in self.columns]

    def _line(self, cells, width: int) -> str:
        parts = []
        for column, cell_text, room in zip(self.columns, cells, self._widths(width)):
            cut = truncate(cell_text, room)
            pad = " " * max(0, room - cell_width(cut))
            parts.append(pad + cut if column.right else cut + pad)
        return " " + GAP.join(parts)


class TableHeader(Widget):
    """The titles of a TablePane's columns, one line, as wide as the table under it."""

    DEFAULT_CSS = "TableHeader { height: 1; padding: 0 1; }"  # over the table's border

    def __init__(self, table: TablePane) -> None:
        super().__init__()
        self.table = table

    def render(self) -> Text:
        return self.table.header(self.size.width)
