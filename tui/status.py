"""The two lines under the panes: the focused clause's citation (or the document's details),
and the status bar: the filter and its count, the selection, "saving…", a short message
that goes away by itself, and the cursor's position."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from store import browse
from tui.render import cell_width, plain, truncate

MESSAGE_SECONDS = 4.0
"""How long a message stays in the status bar (the next message replaces it sooner)."""


MIN_TITLE = 8
"""Cells the document's name keeps when a citation is shortened."""


def fit_citation(citation: browse.Citation, width: int) -> str:
    """The citation in `width` cells: the document's title is shortened first (with …), then
    the clause's path; the 文号 and the date are never cut."""
    fixed = [p for p in (citation.doc_number, citation.date) if p]

    def join(name: str, path: str) -> str:
        return "，".join([name, *([path] if path else []), *fixed])

    path = citation.path
    text = join(citation.document, path)
    if cell_width(text) <= width:
        return text
    room = width - cell_width(join("", path))
    name = _shorten_title(citation.document, max(MIN_TITLE, room))
    text = join(name, path)
    if cell_width(text) > width and path:
        path = truncate(path, max(2, width - cell_width(join(name, "")) - 1))
        text = join(name, path)
    return text


def _shorten_title(name: str, width: int) -> str:
    """《…》 stays closed when the title inside is cut."""
    if cell_width(name) <= width:
        return name
    if name.endswith("》"):
        return truncate(name[:-1], max(2, width - cell_width("》"))) + "》"
    return truncate(name, width)


class DetailLine(Static):
    """The focused clause's citation and note, or the document's details, fitted to the width
    (and fitted again when it changes)."""

    def __init__(self) -> None:
        super().__init__(id="detail", markup=False)
        self._shown: tuple = ("text", "")

    def show_clause(self, citation: browse.Citation | None, note: str, validity: str = "") -> None:
        """The citation, the clause's validity when it is not simply in force (【已废止】), its note."""
        self._shown = ("clause", citation, note, validity)
        mark = f"【{validity}】" if validity else ""
        width = max(10, self.size.width - 1 - len(mark) * 2) if self.size.width else 200
        line = mark + (fit_citation(citation, width) if citation else "")
        if note:
            line += "  ✎ " + note.replace("\n", " ")
        self.update(plain(" " + line))

    def show_document(self, document: browse.Document) -> None:
        self._shown = ("text", " · ".join(p for p in (document.display_title, document.doc_number, document.issuer,
                                                     document.date, document.region or document.province) if p))
        self.update(plain(" " + self._shown[1]))

    def show_text(self, text: str) -> None:
        self._shown = ("text", text)
        self.update(plain(" " + text))

    def on_resize(self) -> None:
        if self._shown[0] == "clause":
            self.show_clause(*self._shown[1:])


class StatusLine(Horizontal):
    """The status bar, rebuilt from its parts whenever one changes."""

    def __init__(self) -> None:
        super().__init__(id="status-bar")
        self.filter = ""
        self.suggestion = ""
        self.selected = 0
        self.saving = ""
        self.message = ""
        self.position = ""
        self.hint = ""
        self._timer: Timer | None = None

    def compose(self):
        yield Static(id="status", markup=False)
        yield ProgressBar(id="progress", show_eta=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False

    def say(self, message: str, seconds: float | None = None) -> None:
        """A short message, gone after `seconds` (MESSAGE_SECONDS unless told; 0 keeps it until
        the next one)."""
        seconds = MESSAGE_SECONDS if seconds is None else seconds
        self.message = message
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if message and seconds:
            self._timer = self.set_timer(seconds, self._expire)
        self.redraw()

    def _expire(self) -> None:
        self.message = ""
        self._timer = None
        self.redraw()

    def show_progress(self, done: int | None, total: int = 0) -> None:
        bar = self.query_one(ProgressBar)
        bar.display = done is not None
        if done is not None:
            bar.update(total=total, progress=done)

    def redraw(self) -> None:
        parts = [p for p in (self.filter, self.suggestion) if p]
        if self.selected:
            parts.append(f"{self.selected} selected")
        if self.saving:
            parts.append(self.saving)
        if self.message:
            parts.append(self.message)
        text = "  ·  ".join(parts) or self.hint
        self.query_one("#status", Static).update(plain(f" {text}" + (f"   {self.position}" if self.position else "")))

    @property
    def text(self) -> str:
        return str(self.query_one("#status", Static).render())
