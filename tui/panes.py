"""The three panes: provinces, documents and sections, clauses.

Each pane is a `LinePane`: it draws only the lines on screen (render_line), asking its
items for their lines as needed, so a pane over a million clauses costs what the screen
shows. Textual's OptionList, DataTable and Tree measure every row up front (12–16 s at
100,000 rows), which is why they are not used here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from store import browse, regions
from store.annotations import Annotation
from tui.render import StyledLine, cell_width, truncate, wrap_line

STATUS_MARKS = {"unreviewed": "", "reviewed": "✓已审", "flagged": "!存疑", "adopted": "★采纳"}


class LinePane(Widget, can_focus=True):
    """A vertical list of items of one or more lines, with a cursor, drawn line by line."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", id="cursor-down", show=False,
                tooltip="move down (through a long clause, a screen at a time)"),
        Binding("k,up", "cursor_up", "Up", id="cursor-up", show=False, tooltip="move up"),
        Binding("g,home", "cursor_first", "Top", id="top", show=False, tooltip="first item"),
        Binding("G,end", "cursor_last", "Bottom", id="bottom", show=False, tooltip="last item"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", id="page-down", show=False, tooltip="a page down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", id="page-up", show=False, tooltip="a page up"),
    ]
    COMPONENT_CLASSES = {
        "pane--cursor", "pane--cursor-blurred", "pane--dim", "pane--match", "pane--accent", "pane--mark",
        "pane--badge", "pane--title",
    }

    cursor: reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the item under the cursor."""

    class ItemMessage(Message):
        """Something happened to an item of a pane (matched by @on with the pane's id)."""

        def __init__(self, pane: LinePane, index: int) -> None:
            super().__init__()
            self.pane = pane
            self.index = index

        @property
        def control(self) -> LinePane:
            return self.pane

    class CursorMoved(ItemMessage):
        """The cursor moved to another item: the panes to the right follow at once."""

    class Activated(ItemMessage):
        """Enter (or a double click) on an item."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.top = 0
        self.skip = 0  # lines of the top item scrolled away: reading a clause taller than the pane
        self._lines_cache: OrderedDict[tuple, list[StyledLine]] = OrderedDict()
        self._frame: list[tuple[int, StyledLine]] | None = None
        self._styles: tuple[Style, Style] | None = None  # (base, cursor) for the current frame

    # -- to implement

    def item_count(self) -> int:
        return 0

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        return []

    def item_key(self, index: int) -> object:
        """What the rendering of an item depends on besides its index and the width."""
        return None

    def empty_message(self) -> str:
        return ""

    # -- styles

    def style_of(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self.invalidate(), init=False)

    def on_focus(self) -> None:
        self.invalidate()

    def on_blur(self) -> None:
        self.invalidate()

    def invalidate(self, keep_lines: bool = False) -> None:
        """Something changed: rebuild the frame (and the item lines unless told not to)."""
        if not keep_lines:
            self._lines_cache.clear()
        self._frame = None
        self.refresh()

    # -- cursor

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.item_count() - 1)) if self.item_count() else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self._frame = None
        self.refresh()
        self.post_message(self.CursorMoved(self, new))

    def set_cursor(self, index: int, announce: bool = True) -> None:
        if announce:
            self.cursor = index
        else:
            self.set_reactive(LinePane.cursor, self.validate_cursor(index))
            self._scroll_to_cursor()
            self.invalidate(keep_lines=True)

    def action_cursor_down(self) -> None:
        """Down one item, or, inside an item taller than the pane, down one screen of it."""
        height = self._height()
        if self.top == self.cursor and self.item_count() and len(self.lines_of(self.cursor)) - self.skip > height:
            self.skip += max(1, height - 2)
            self.invalidate(keep_lines=True)
        elif self.cursor < self.item_count() - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        if self.top == self.cursor and self.skip > 0:
            self.skip = max(0, self.skip - max(1, self._height() - 2))
            self.invalidate(keep_lines=True)
        elif self.cursor > 0:
            self.cursor -= 1

    def action_cursor_first(self) -> None:
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self.cursor = max(0, self.item_count() - 1)

    def action_page_down(self) -> None:
        self.cursor = min(self.item_count() - 1, self.cursor + max(1, self._visible_items() - 1))

    def action_page_up(self) -> None:
        self.cursor = max(0, self.cursor - max(1, self._visible_items() - 1))

    def key_enter(self) -> None:
        if self.item_count():
            self.post_message(self.Activated(self, self.cursor))

    # -- layout

    def _width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def lines_of(self, index: int) -> list[StyledLine]:
        width = self._width()
        key = (index, width, self.item_key(index))
        lines = self._lines_cache.get(key)
        if lines is None:
            lines = self.item_lines(index, width) or [StyledLine("")]
            self._lines_cache[key] = lines
            if len(self._lines_cache) > 2000:
                self._lines_cache.popitem(last=False)
        return lines

    def _visible_items(self) -> int:
        height, used, index = self._height(), 0, self.top
        while index < self.item_count() and used < height:
            used += len(self.lines_of(index))
            index += 1
        return max(1, index - self.top)

    def _scroll_to_cursor(self) -> None:
        self.skip = 0
        count = self.item_count()
        if not count:
            self.top = 0
            return
        if not self.size.height:  # not laid out yet: on_resize scrolls once the height is known
            self.top = min(self.top, self.cursor)
            return
        cursor = self.cursor
        if cursor < self.top:
            self.top = cursor
            return
        height = self._height()
        while self.top < cursor:
            used = sum(len(self.lines_of(i)) for i in range(self.top, cursor + 1))
            if used <= height:
                break
            self.top += 1

    def on_resize(self) -> None:
        self._lines_cache.clear()
        self._scroll_to_cursor()
        self._frame = None

    def _build_frame(self) -> list[tuple[int, StyledLine]]:
        frame: list[tuple[int, StyledLine]] = []
        height = self._height()
        index = self.top
        while index < self.item_count() and len(frame) < height:
            lines = self.lines_of(index)
            if index == self.top:
                lines = lines[self.skip:]
            frame.extend((index, line) for line in lines)
            index += 1
        return frame[:height]

    def render_line(self, y: int) -> Strip:
        width = self._width()
        if self._frame is None:
            self._frame = self._build_frame()
            base = self.rich_style  # computed from the DOM: once per frame, not per line
            cursor = base + self.style_of("pane--cursor" if self.has_focus else "pane--cursor-blurred")
            self._styles = (base, cursor)
        base, cursor_style = self._styles
        if not self.item_count():
            message = self.empty_message() if y == 1 else ""
            return StyledLine(" " + message if message else "", [(0, len(message) + 1, self.style_of("pane--dim"))]
                              if message else []).to_strip(base, width)
        if y >= len(self._frame):
            return Strip.blank(width, base)
        index, line = self._frame[y]
        return line.to_strip(cursor_style if index == self.cursor else base, width).apply_meta({"item": index})

    # -- mouse

    def on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("item") if event.style else None
        if index is not None:
            self.focus()
            if index == self.cursor and event.chain >= 2:
                self.post_message(self.Activated(self, index))
            else:
                self.cursor = index

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        if self.top < self.item_count() - 1:
            self.top += 1
            self.skip = 0
            if self.cursor < self.top:
                self.set_cursor(self.top)
            self.invalidate(keep_lines=True)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        if self.skip:
            self.skip = 0
            self.invalidate(keep_lines=True)
        elif self.top > 0:
            self.top -= 1
            if self.cursor >= self.top + self._visible_items():
                self.set_cursor(self.top + self._visible_items() - 1)
            self.invalidate(keep_lines=True)


# --------------------------------------------------------------------------- provinces


@dataclass
class PlaceRow:
    place: browse.Place
    matches: int | None = None  # while a filter is active; None: not counted yet


class PlacesPane(LinePane):
    """Provinces with their cities nested, document counts, and match counts while filtering."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[PlaceRow] = []
        self.filtering = False
        self.hide_empty = False
        self._all: list[PlaceRow] = []

    def set_places(self, places: list[browse.Place], matches: dict[tuple[str, str | None], int] | None,
                   keep: tuple[str, str | None] | None = None) -> None:
        """Places and, while filtering, their match counts (a place missing from `matches`
        has not been counted yet)."""
        self.filtering = matches is not None
        self._all = [PlaceRow(p, matches.get((p.province, p.region)) if matches is not None else None)
                     for p in places]
        self._apply(keep)

    def _apply(self, keep: tuple[str, str | None] | None) -> None:
        rows = self._all
        if self.filtering and self.hide_empty:
            rows = [r for r in rows if r.matches != 0]
        self.rows = rows
        index = 0
        if keep is not None:
            for i, row in enumerate(rows):
                if (row.place.province, row.place.region) == keep:
                    index = i
                    break
        self.set_cursor(index, announce=False)
        self.invalidate()

    def toggle_hide_empty(self) -> None:
        keep = self.current_key()
        self.hide_empty = not self.hide_empty
        self._apply(keep)

    def current(self) -> browse.Place | None:
        return self.rows[self.cursor].place if self.rows else None

    def current_key(self) -> tuple[str, str | None] | None:
        place = self.current()
        return (place.province, place.region) if place else None

    def item_count(self) -> int:
        return len(self.rows)

    def item_key(self, index: int) -> object:
        row = self.rows[index]
        return (row.matches, row.place.documents)

    def empty_message(self) -> str:
        return "no matches" if self.filtering else "no documents"

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        row = self.rows[index]
        place = row.place
        dim = self.filtering and row.matches == 0
        name = ("  " + place.region) if place.region else regions.short_name(place.province)
        if not self.filtering:
            count = f"{place.documents}"
        else:
            count = "…" if row.matches is None else f"{row.matches}"
        name = truncate(name, max(1, width - len(count) - 2))
        line = StyledLine(" ")
        line.add(name, self.style_of("pane--dim") if dim else None)
        pad = max(1, width - 1 - cell_width(name) - len(count) - 1)
        line.add(" " * pad)
        line.add(count, self.style_of("pane--dim" if dim or not self.filtering else "pane--accent"))
        return [line]


# --------------------------------------------------------------------------- sections


@dataclass
class SectionRow:
    document: browse.Document
    section: browse.Section | None = None  # None: the document itself
    depth: int = 0
    has_children: bool = False

    @property
    def first(self) -> int:
        return self.section.first_clause if self.section else 0

    @property
    def last(self) -> int:
        return self.section.last_clause if self.section else max(0, self.document.clause_count - 1)


@dataclass
class _Tree:
    """The expanded document: its sections and which of them are folded."""

    document_id: int
    sections: list[browse.Section]
    folded: set[int] = field(default_factory=set)


class SectionsPane(LinePane):
    """The documents of a place; the one under the cursor opens into its section tree
    (an accordion, so moving down the documents needs no keys to expand)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.documents: list[browse.Document] = []
        self.rows: list[SectionRow] = []
        self.open_tree: _Tree | None = None
        self.match_counts: dict[int, int] | None = None  # document id → matches, while filtering
        self.match_keys: list[int] | None = None  # sort keys of matches in the open document
        self.hide_empty = False
        self.load_sections = None  # callable(document_id) -> list[Section], set by the app

    def set_documents(self, documents: list[browse.Document], open_id: int | None = None) -> None:
        self.documents = documents
        self.open_tree = None
        visible = self._visible_documents()
        target = open_id if any(d.id == open_id for d in visible) else None
        if target is None and visible:  # the main document rather than its covering notice
            target = next((d.id for d in visible if d.kind == "main"), visible[0].id)
        if target is not None:
            self._open(target)
        self._rebuild()
        self.set_cursor(self._row_of_document(target) if target is not None else 0, announce=False)

    def _visible_documents(self) -> list[browse.Document]:
        if self.match_counts is not None and self.hide_empty:
            return [d for d in self.documents if self.match_counts.get(d.id)]
        return self.documents

    def _open(self, document_id: int) -> None:
        if self.open_tree and self.open_tree.document_id == document_id:
            return
        self.open_tree = _Tree(document_id, self.load_sections(document_id) if self.load_sections else [])

    def _rebuild(self) -> None:
        rows: list[SectionRow] = []
        for document in self._visible_documents():
            rows.append(SectionRow(document, None, 0, bool(self.open_tree and self.open_tree.document_id == document.id
                                                            and self.open_tree.sections)))
            if self.open_tree and self.open_tree.document_id == document.id:
                parents = {s.parent_id for s in self.open_tree.sections}
                hidden_under: set[int] = set()
                for section in self.open_tree.sections:
                    if section.parent_id in hidden_under or section.parent_id in self.open_tree.folded:
                        hidden_under.add(section.id)
                        continue
                    rows.append(SectionRow(document, section, section.depth, section.id in parents))
        self.rows = rows
        self.invalidate()

    def _row_of_document(self, document_id: int) -> int:
        for index, row in enumerate(self.rows):
            if row.section is None and row.document.id == document_id:
                return index
        return 0

    def row_of_clause(self, document_id: int, ordinal: int) -> int:
        """The deepest visible row holding a clause: where n/N puts the cursor."""
        best = self._row_of_document(document_id)
        for index, row in enumerate(self.rows):
            if row.document.id == document_id and row.section and row.first <= ordinal <= row.last:
                best = index
        return best

    def follow_cursor(self) -> None:
        """Open the document under the cursor (closing the previous one)."""
        row = self.current()
        if row and (self.open_tree is None or self.open_tree.document_id != row.document.id):
            self._open(row.document.id)
            self._rebuild()
            self.set_cursor(self._row_of_document(row.document.id), announce=False)

    def toggle_fold(self) -> None:
        row = self.current()
        if row is None or row.section is None or not row.has_children or self.open_tree is None:
            return
        self.open_tree.folded ^= {row.section.id}
        self._rebuild()

    def set_matches(self, counts: dict[int, int] | None, keys: list[int] | None) -> None:
        current = self.current()
        self.match_counts = counts
        self.match_keys = keys
        self._rebuild()
        if current:
            for index, row in enumerate(self.rows):
                if row.document.id == current.document.id and row.section == current.section:
                    self.set_cursor(index, announce=False)
                    break

    def toggle_hide_empty(self) -> None:
        current = self.current()
        self.hide_empty = not self.hide_empty
        self.set_documents(self.documents, current.document.id if current else None)

    def current(self) -> SectionRow | None:
        return self.rows[self.cursor] if self.rows else None

    def matches_in(self, row: SectionRow) -> int | None:
        if self.match_counts is None:
            return None
        if row.section is None:
            return self.match_counts.get(row.document.id, 0)
        if self.match_keys is None:
            return None
        low, _high = row.document.key_range
        return bisect_right(self.match_keys, low + row.last) - bisect_left(self.match_keys, low + row.first)

    def item_count(self) -> int:
        return len(self.rows)

    def item_key(self, index: int) -> object:
        row = self.rows[index]
        folded = bool(self.open_tree and row.section and row.section.id in self.open_tree.folded)
        return (row.document.id, row.section.id if row.section else None, self.matches_in(row), folded,
                row.has_children)

    def empty_message(self) -> str:
        return "no matching documents" if self.match_counts is not None else "no documents here"

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        row = self.rows[index]
        matches = self.matches_in(row)
        dim = matches == 0
        dim_style = self.style_of("pane--dim")
        count = str(matches) if matches is not None else ""
        count_style = self.style_of("pane--accent") if matches else dim_style
        if row.section is None:
            document = row.document
            open_ = self.open_tree is not None and self.open_tree.document_id == document.id
            marker = "▾ " if open_ and row.has_children else "▸ " if not open_ else "  "
            first = _with_count(marker, document.display_title, count, width,
                                dim_style if dim else self.style_of("pane--title"), count_style)
            meta = " · ".join(x for x in (document.doc_number, document.date, f"{document.clause_count}条") if x)
            second = StyledLine("  ").add(truncate(meta, max(1, width - 2)), dim_style)
            return [first, second]
        section = row.section
        folded = self.open_tree is not None and section.id in self.open_tree.folded
        marker = ("▸" if folded else "▾") if row.has_children else " "
        prefix = "  " * row.depth + marker + " "
        return [_with_count(prefix, heading_text(section.label, section.title), count, width,
                            dim_style if dim else None, count_style)]


def _with_count(prefix: str, title: str, count: str, width: int, title_style: Style | None,
                count_style: Style) -> StyledLine:
    """prefix + title (cut to fit) + the count right-aligned."""
    room = width - cell_width(prefix) - (len(count) + 1 if count else 0)
    title = truncate(title, max(2, room))
    line = StyledLine(prefix).add(title, title_style)
    if count:
        line.add(" " * max(1, width - cell_width(prefix) - cell_width(title) - len(count)))
        line.add(count, count_style)
    return line


# --------------------------------------------------------------------------- clauses


class ClauseSource:
    """The clauses a pane shows: a range of one document's clauses, or, while filtering,
    the matches inside that range. Fetched a page at a time."""

    PAGE = 100

    def __init__(self, conn, document: browse.Document, first: int, last: int,
                 keys: list[int] | None = None) -> None:
        self.conn = conn
        self.document = document
        self.first, self.last = first, last
        self.keys = keys
        self._pages: dict[int, list[browse.Clause]] = {}

    def __len__(self) -> int:
        if self.keys is not None:
            return len(self.keys)
        return max(0, self.last - self.first + 1)

    def get(self, index: int) -> browse.Clause | None:
        page, offset = divmod(index, self.PAGE)
        if page not in self._pages:
            if len(self._pages) > 50:
                self._pages.clear()
            start = page * self.PAGE
            if self.keys is not None:
                self._pages[page] = browse.clauses_by_sort_keys(self.conn, self.keys[start:start + self.PAGE])
            else:
                self._pages[page] = browse.clauses_page(self.conn, self.document.id, self.first + start, self.last,
                                                        limit=self.PAGE)
        rows = self._pages[page]
        return rows[offset] if offset < len(rows) else None

    def index_of_ordinal(self, ordinal: int) -> int:
        if self.keys is None:
            return max(0, min(len(self) - 1, ordinal - self.first))
        low, _ = self.document.key_range
        return max(0, min(len(self) - 1, bisect_left(self.keys, low + ordinal)))

    def page_ids(self, index: int) -> list[int]:
        self.get(index)
        return [c.id for c in self._pages.get(index // self.PAGE, [])]


class ClausesPane(LinePane):
    """Clauses in reading order: label and title, the full text wrapped, matches
    highlighted, tags and status as badges, a mark on selected clauses."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: ClauseSource | None = None
        self.terms: list[str] = []
        self.selected: set[int] = set()
        self.annotations: dict[int, Annotation | None] = {}
        self.version = 0  # bumped when annotations or selection change
        self.load_annotations = None  # callable(list of clause ids) -> dict, set by the app
        self.highlight = None  # callable(text, terms) -> spans, set by the app

    def set_source(self, source: ClauseSource | None, terms: list[str], cursor: int = 0) -> None:
        self.source = source
        self.terms = terms
        self.annotations = {}
        self.top = 0
        self.invalidate()
        self.set_cursor(cursor, announce=False)
        self.post_message(self.CursorMoved(self, self.cursor))

    def refresh_annotations(self) -> None:
        self.annotations = {}
        self.version += 1
        self.invalidate()

    def current(self) -> browse.Clause | None:
        if not self.source or not len(self.source):
            return None
        return self.source.get(self.cursor)

    def item_count(self) -> int:
        return len(self.source) if self.source else 0

    def item_key(self, index: int) -> object:
        return (self.version, tuple(self.terms), id(self.source))

    def empty_message(self) -> str:
        if self.source is None:
            return "no document selected"
        return "no matching clauses here" if self.source.keys is not None else "no clauses"

    def _annotation(self, index: int, clause: browse.Clause) -> Annotation | None:
        """Annotations are read a page of clauses at a time, with the page."""
        if clause.id not in self.annotations and self.load_annotations and self.source:
            ids = self.source.page_ids(index)
            found = self.load_annotations(ids)
            for clause_id in ids:
                self.annotations[clause_id] = found.get(clause_id)
        return self.annotations.get(clause.id)

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        clause = self.source.get(index) if self.source else None
        if clause is None:
            return [StyledLine("")]
        ann = self._annotation(index, clause)
        match_style = self.style_of("pane--match")
        head = StyledLine("")
        head.add("● " if clause.id in self.selected else "  ", self.style_of("pane--mark"))
        label_title = heading_text(clause.label, clause.title)
        offset = len(head.text) + len(label_title) - len(clause.title)
        head.add(label_title, self.style_of("pane--title"))
        if self.highlight and self.terms and clause.title:
            for start, end in self.highlight(clause.title, self.terms):
                head.spans.append((offset + start, offset + end, match_style))
        if not label_title:
            head.add(browse.display_path(clause.path), self.style_of("pane--dim"))
        if ann:
            mark = STATUS_MARKS.get(ann.status, "")
            if mark:
                head.add("  ")
                head.add(f" {mark} ", self.style_of("pane--badge"))
            for tag in ann.tags:
                head.add(" ")
                head.add(f"#{tag}", self.style_of("pane--accent"))
            if ann.note:
                head.add("  ✎", self.style_of("pane--accent"))
        lines = wrap_line(head, width - 1)
        if clause.text:
            body = StyledLine(clause.text)
            if self.highlight and self.terms:
                body.spans.extend((s, e, match_style) for s, e in self.highlight(clause.text, self.terms))
            lines.extend(_indent(line, "  ") for line in wrap_line(body, width - 3))
        lines.append(StyledLine(""))
        return lines


def heading_text(label: str, title: str) -> str:
    """一、总体要求 and （一）指导思想 as printed; 第一章 规划背景 and 1.1 目标 with a space."""
    if not label or not title or label.endswith(("、", "）", ")", ".", "．")):
        return label + title
    return f"{label} {title}"


def _indent(line: StyledLine, prefix: str) -> StyledLine:
    shift = len(prefix)
    return StyledLine(prefix + line.text, [(s + shift, e + shift, st) for s, e, st in line.spans])
