"""The three panes: provinces, documents and sections, clauses. Each is a `LinePane`
(tui/line_pane.py): only the lines on screen are drawn."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.style import Style

from store import browse, regions
from store.annotations import Annotation
from store.untrusted import visible
from tui.line_pane import LinePane
from tui.render import StyledLine, cell_width, truncate, wrap_line

MAX_DRAWN_CHARACTERS = 20_000
"""Of a clause's text, drawn in the pane (a file whose headings were not recognised can make
one clause of a whole document: wrapping 400,000 characters on every move would freeze it)."""

STATUS_MARKS = {"unreviewed": "", "reviewed": "✓已审", "flagged": "!存疑", "adopted": "★采纳"}
VALIDITY_BADGES = {"已修改": "已修改", "已废止": "✗已废止", "失效": "✗失效", "尚未生效": "未生效"}
"""A clause not (or no longer wholly) in force says so; one in force (or not known) shows nothing."""


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

    def set_hide_empty(self, hide: bool) -> None:
        keep = self.current_key()
        self.hide_empty = hide
        self._apply(keep)

    def shows(self, province: str, region: str | None) -> bool:
        return any((r.place.province, r.place.region) == (province, region) for r in self.rows)

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
        name = visible(("  " + place.region) if place.region else regions.short_name(place.province))
        if width < 4:  # a strip (narrow terminals): the first character says where the cursor is
            return [StyledLine(name.strip()[:1])]
        if not self.filtering:
            count = f"{place.documents}"
        else:
            count = "…" if row.matches is None else f"{row.matches}"
        name = truncate(name, max(1, width - len(count) - 2))
        line = StyledLine(" ")
        line.add(name, "pane--dim" if dim else None)
        pad = max(1, width - 1 - cell_width(name) - len(count) - 1)
        line.add(" " * pad)
        line.add(count, "pane--dim" if dim or not self.filtering else "pane--accent")
        return [line]


# --------------------------------------------------------------------------- sections


@dataclass
class SectionRow:
    """A row of the documents pane: a document, one of its sections, or a clause that stands
    where a heading stands (一、 whose text became a clause beside sections 二、 三、)."""

    document: browse.Document
    section: browse.Section | None = None
    heading: browse.HeadingClause | None = None
    depth: int = 0
    has_children: bool = False

    @property
    def is_document(self) -> bool:
        return self.section is None and self.heading is None

    @property
    def first(self) -> int:
        if self.heading:
            return self.heading.ordinal
        return self.section.first_clause if self.section else 0

    @property
    def last(self) -> int:
        if self.heading:
            return self.heading.ordinal
        return self.section.last_clause if self.section else max(0, self.document.clause_count - 1)

    @property
    def label(self) -> str:
        item = self.section or self.heading
        return heading_text(item.label, item.title) if item else self.document.display_title


@dataclass
class _Tree:
    """The expanded document: its sections, the clauses standing as headings among them,
    and which sections are folded."""

    document_id: int
    sections: list[browse.Section]
    headings: list[browse.HeadingClause]
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
        self.load_outline: Callable[[int], tuple[list, list]] | None = None  # set by the screen

    def set_documents(self, documents: list[browse.Document], open_id: int | None = None) -> None:
        self.documents = documents
        self.open_tree = None
        visible_documents = self._visible_documents()
        target = open_id if any(d.id == open_id for d in visible_documents) else None
        if target is None and visible_documents:  # the main document rather than its covering notice
            target = next((d.id for d in visible_documents if d.kind == "main"), visible_documents[0].id)
        if target is not None:
            self._open(target)
        self._rebuild()
        self.set_cursor(self._row_of_document(target) if target is not None else 0, announce=False)

    def _hiding(self) -> bool:
        return self.match_counts is not None and self.hide_empty

    def _visible_documents(self) -> list[browse.Document]:
        if self._hiding():
            return [d for d in self.documents if self.match_counts.get(d.id)]
        return self.documents

    def _open(self, document_id: int) -> None:
        if self.open_tree and self.open_tree.document_id == document_id:
            return
        sections, headings = self.load_outline(document_id) if self.load_outline else ([], [])
        self.open_tree = _Tree(document_id, sections, headings)

    def _rebuild(self) -> None:
        rows: list[SectionRow] = []
        for document in self._visible_documents():
            is_open = self.open_tree is not None and self.open_tree.document_id == document.id
            tree_rows = self._tree_rows(document) if is_open else []
            rows.append(SectionRow(document, has_children=bool(is_open and (self.open_tree.sections
                                                                            or self.open_tree.headings))))
            rows.extend(tree_rows)
        self.rows = rows
        self.invalidate()

    def _tree_rows(self, document: browse.Document) -> list[SectionRow]:
        """The open document's outline in reading order: sections, and beside them the
        clauses that stand as headings; folded sections without their content; while H
        hides what has no match, sections without matches left out."""
        tree = self.open_tree
        children: dict[int | None, list[tuple[int, int, int, object]]] = {}
        for n, section in enumerate(tree.sections):
            children.setdefault(section.parent_id, []).append((section.first_clause, 0, n, section))
        for n, heading in enumerate(tree.headings):
            children.setdefault(heading.section_id, []).append((heading.ordinal, 1, n, heading))
        rows: list[SectionRow] = []
        stack = [(item, 1) for item in reversed(sorted(children.get(None, [])))]
        while stack:
            (_, kind, _, item), depth = stack.pop()
            if kind == 0:
                below = children.get(item.id, [])
                row = SectionRow(document, section=item, depth=depth, has_children=bool(below))
            else:
                row, below = SectionRow(document, heading=item, depth=depth), []
            if self._hiding() and not self.matches_in(row):
                continue
            rows.append(row)
            if kind == 0 and item.id not in tree.folded:
                stack.extend((child, depth + 1) for child in reversed(sorted(below)))
        return rows

    def _row_of_document(self, document_id: int) -> int:
        for index, row in enumerate(self.rows):
            if row.is_document and row.document.id == document_id:
                return index
        return 0

    def row_of_clause(self, document_id: int, ordinal: int) -> int:
        """The deepest visible row holding a clause: where n/N puts the cursor."""
        best = self._row_of_document(document_id)
        for index, row in enumerate(self.rows):
            if row.document.id == document_id and not row.is_document and row.first <= ordinal <= row.last:
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
            self._keep_cursor_on(current)

    def _keep_cursor_on(self, before: SectionRow) -> None:
        for index, row in enumerate(self.rows):
            if row.document.id == before.document.id and (row.section, row.heading) == (before.section,
                                                                                      before.heading):
                self.set_cursor(index, announce=False)
                return

    def set_hide_empty(self, hide: bool) -> None:
        current = self.current()
        self.hide_empty = hide
        self.set_documents(self.documents, current.document.id if current else None)

    def current(self) -> SectionRow | None:
        return self.rows[self.cursor] if self.rows else None

    def matches_in(self, row: SectionRow) -> int | None:
        if self.match_counts is None:
            return None
        if row.is_document:
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
        item = row.section.id if row.section else (-1 - row.heading.ordinal if row.heading else None)
        return (row.document.id, item, self.matches_in(row), folded, row.has_children)

    def empty_message(self) -> str:
        return "no matching documents" if self.match_counts is not None else "no documents here"

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        row = self.rows[index]
        matches = self.matches_in(row)
        dim = matches == 0
        count = str(matches) if matches is not None else ""
        count_style = "pane--accent" if matches else "pane--dim"
        if width < 4:  # a strip (narrow terminals)
            return [StyledLine(visible(row.label)[:1])] + ([StyledLine("")] if row.is_document else [])
        if row.is_document:
            document = row.document
            open_ = self.open_tree is not None and self.open_tree.document_id == document.id
            marker = "▾ " if open_ and row.has_children else "▸ " if not open_ else "  "
            first = _with_count(marker, visible(document.display_title), count, width,
                                "pane--dim" if dim else "pane--title", count_style)
            meta = " · ".join(x for x in (document.doc_number, document.date, f"{document.clause_count}条") if x)
            second = StyledLine("  ").add(truncate(visible(meta), max(1, width - 2)), "pane--dim")
            return [first, second]
        folded = row.section is not None and self.open_tree is not None and row.section.id in self.open_tree.folded
        marker = ("▸" if folded else "▾") if row.has_children else " "
        prefix = "  " * row.depth + marker + " "
        return [_with_count(prefix, visible(row.label), count, width, "pane--dim" if dim else None, count_style)]


def _with_count(prefix: str, title: str, count: str, width: int, title_style: str | None,
                count_style: str) -> StyledLine:
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
    highlighted, tags (in their colors) and status as badges, a mark on selected clauses."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: ClauseSource | None = None
        self.terms: list[str] = []
        self.selected: set[int] = set()
        self.annotations: dict[int, Annotation | None] = {}
        self.tag_styles: dict[str, Style] = {}
        self.version = 0  # bumped when annotations or selection change
        self.load_annotations: Callable[[list[int]], dict[int, Annotation]] | None = None  # set by the screen
        self.highlight: Callable[[str, list[str]], list] | None = None  # set by the screen
        self.load_validity: Callable[[int], str | None] | None = None  # a document's status; set by the screen
        self._document_status: tuple[int, str | None] | None = None

    def set_source(self, source: ClauseSource | None, terms: list[str], cursor: int = 0) -> None:
        self.source = source
        self.terms = terms
        self.annotations = {}
        self._document_status = None
        self.top = 0
        self.invalidate()
        self.set_cursor(cursor, announce=False)
        self.announce_cursor()

    def refresh_annotations(self) -> None:
        self.annotations = {}
        self._document_status = None
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

    def _status_of(self, document_id: int) -> str | None:
        """The document's validity, read once for the document shown."""
        if self._document_status is None or self._document_status[0] != document_id:
            self._document_status = (document_id, self.load_validity(document_id) if self.load_validity else None)
        return self._document_status[1]

    def _highlight(self, line: StyledLine, text: str, offset: int) -> None:
        if self.highlight and self.terms and text:
            line.spans.extend((offset + s, offset + e, "pane--match") for s, e in self.highlight(text, self.terms))

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        clause = self.source.get(index) if self.source else None
        if clause is None:
            return [StyledLine("")]
        ann = self._annotation(index, clause)
        title = visible(clause.title)
        head = StyledLine("")
        head.add("● " if clause.id in self.selected else "  ", "pane--mark")
        label_title = heading_text(visible(clause.label), title)
        offset = len(head.text) + len(label_title) - len(title)
        head.add(label_title, "pane--title")
        self._highlight(head, title, offset)
        if not label_title:
            head.add(visible(browse.display_path(clause.path)), "pane--dim")
        badge = VALIDITY_BADGES.get(ann.validity if ann and ann.validity else self._status_of(clause.document_id), "")
        if badge:
            head.add("  ")
            head.add(f" {badge} ", "pane--validity", whole=True)
        if ann:
            mark = STATUS_MARKS.get(ann.status, "")
            if mark:
                head.add("  ")
                head.add(f" {mark} ", "pane--badge", whole=True)
            for tag in ann.tags:
                head.add(" ")
                head.add(f"#{visible(tag)}", self.tag_styles.get(tag, "pane--accent"), whole=True)
            if ann.note:
                head.add("  ✎", "pane--accent")
        lines = wrap_line(head, width - 1, hanging="  ")
        if clause.text:
            text = clause.reading_text
            body = StyledLine(visible(text[:MAX_DRAWN_CHARACTERS]))
            self._highlight(body, body.text, 0)
            lines.extend(line.indented("  ") for line in wrap_line(body, width - 3))
            rest = len(text) - MAX_DRAWN_CHARACTERS
            if rest > 0:
                lines.append(StyledLine("  ").add(f"… {rest:,} more characters: enter shows the whole clause",
                                                  "pane--dim"))
        lines.append(StyledLine(""))
        return lines


def heading_text(label: str, title: str) -> str:
    """一、总体要求 and （一）指导思想 as printed; 第一章 规划背景 and 1.1 目标 with a space."""
    if not label or not title or label.endswith(("、", "）", ")", ".", "．")):
        return label + title
    return f"{label} {title}"
