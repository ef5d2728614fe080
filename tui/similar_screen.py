"""Comparing provinces: the clauses most similar to the focused one (c on the main screen),
and a clause side by side with one of them.

Both screens read in workers, each with its own connection (the similarity search takes up
to a few hundred milliseconds on a large database), and draw untrusted text as Content.
The side-by-side view marks what each clause adds character by character at once, and word
by word when jieba's words come back from a helper process (tui/segmenter.py), which is
started when the first pair is shown and stopped when the list of similar clauses closes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content, Span
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from store import browse, regions, selection, similar
from store.compare import Comparison, Side, compare
from store.db import Store
from store.errors import PolicyReviewError
from store.normalize import fold
from store.untrusted import visible
from tui.keys import hint, user_keymap
from tui.render import plain, truncate
from tui.segmenter import WordCutter, fill_keywords_in_subprocess

LIMIT = 20
"""Similar clauses listed (the CLI's --limit is 10 by default; the list scrolls)."""

KIND_STYLES = {"near-copy": "bold $error", "adapted": "bold $warning", "related": "$text-muted"}

SIMILAR_BINDINGS = [
    Binding("escape,q", "close", "Back", id="similar-close", tooltip="back to the panes"),
    Binding("a", "toggle_scope", "All documents", id="similar-scope",
            tooltip="other provinces only, or every other document (its own province's too)"),
    Binding("j", "cursor('down')", "Down", id="similar-down", show=False),
    Binding("k", "cursor('up')", "Up", id="similar-up", show=False),
]

PAIR_BINDINGS = [
    Binding("escape,q", "close", "Back", id="pair-close", tooltip="back to the list of similar clauses"),
    Binding("n", "step(1)", "Next", id="pair-next", tooltip="the next counterpart"),
    Binding("N", "step(-1)", "Previous", id="pair-previous", tooltip="the previous counterpart"),
    Binding("space", "toggle_select", "Select", id="pair-select",
            tooltip="select or unselect the focused side for the briefing note"),
    Binding("tab,h,l", "switch_side", "Other side", id="pair-side", show=False,
            tooltip="focus the other clause"),
]


def open_view(main) -> None:
    """c on the main screen: the similar clauses of the focused clause."""
    clause = main.clauses.current()
    if clause is None:
        main.say("no clause to compare: move to a clause first")
        return
    main.app.push_screen(SimilarScreen(main.db_path, clause.id), lambda _result: main.annotations_changed(""))


def _place(province: str, region: str | None) -> str:
    return region or regions.short_name(province)


_HELPERS_STARTED: set[Path] = set()
"""Databases for which this app started the helper that fills the index: once is enough."""


@dataclass
class _Pair:
    """What the side-by-side view draws of one pair, read in a worker."""

    index: int  # of the counterpart in the list
    left: browse.Clause
    right: browse.Clause
    left_cite: str
    right_cite: str
    own: browse.Document  # the left clause's
    selected: set[int]  # the ids of the two that are selected


def _read_pair(conn, index: int, left_id: int, right_id: int) -> _Pair | None:
    left, right = browse.clause(conn, left_id), browse.clause(conn, right_id)
    if left is None or right is None:  # removed meanwhile by another program
        return None
    chosen = selection.selected_ids(conn)
    return _Pair(index, left, right, str(browse.citation(conn, left_id)), str(browse.citation(conn, right_id)),
                 browse.document(conn, left.document_id), {i for i in (left_id, right_id) if i in chosen})


class SimilarScreen(Screen):
    """The clauses most like one clause, best first: in other provinces, or (a) in every
    other document. Enter shows the highlighted one side by side with it."""

    BINDINGS = SIMILAR_BINDINGS

    def __init__(self, db_path: Path, clause_id: int) -> None:
        super().__init__()
        self.db_path, self.clause_id = db_path, clause_id
        self.all_documents = False
        self.matches: list[similar.Match] = []
        self.cutter = WordCutter()

    def compose(self) -> ComposeResult:
        yield Static(id="similar-title", classes="screen-title")
        yield Static(id="similar-clause")
        yield OptionList(id="similar-list")
        yield Static(id="similar-hint", classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        self._search()

    def _scope(self) -> str:
        return "every other document" if self.all_documents else "other provinces"

    def _search(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_option(Option(plain("looking for similar clauses…", "dim"), disabled=True))
        keys = hint(self.BINDINGS, user_keymap(self), ("similar-scope", "other provinces / all documents"),
                    ("similar-close", "back"))
        self.query_one("#similar-hint", Static).update(plain(f"enter side by side · {keys}", "dim"))
        self._find(self.all_documents)

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False, description="looking for similar clauses")
    def _find(self, all_documents: bool) -> None:
        note, found, problem, cite, text = "", [], "", "", ""
        try:
            with Store(self.db_path, create=False) as store:
                clause = browse.clause(store.conn, self.clause_id)
                if clause is None:
                    raise PolicyReviewError("this clause is no longer in the database")
                cite, text = str(browse.citation(store.conn, self.clause_id)), clause.full_text
                missing = similar.pending(store.conn)
                if missing and not store.read_only and missing <= similar.QUICK_FILL:
                    similar.fill(store)
                elif missing and not store.read_only:
                    if self.db_path not in _HELPERS_STARTED:
                        _HELPERS_STARTED.add(self.db_path)
                        fill_keywords_in_subprocess(self.db_path)  # indexes them first, then keywords
                    note = f"{missing} clauses are still being indexed: look again in a minute"
                found = similar.similar(store.conn, self.clause_id, limit=LIMIT, all_documents=all_documents)
        except (PolicyReviewError, sqlite3.Error) as exc:
            problem = str(exc)
        self.app.call_from_thread(self._show, found, problem, all_documents, note, cite, text)

    def _show(self, found: list[similar.Match], problem: str, all_documents: bool, note: str, cite: str,
              text: str) -> None:
        if all_documents != self.all_documents:
            return  # the scope was toggled meanwhile: its own search is under way
        self.query_one("#similar-title", Static).update(
            plain(f"Similar to {cite} — in {self._scope()}" if cite else "Similar clauses", "bold"))
        self.query_one("#similar-clause", Static).update(plain(truncate(" ".join(text.split()), 400)))
        self.matches = found
        options = self.query_one(OptionList)
        options.clear_options()
        for index, match in enumerate(found):
            options.add_option(Option(self._prompt(match), id=str(index)))
        if not found:
            message = problem or f"no similar clause in {self._scope()}"
            options.add_option(Option(plain(message, "dim"), disabled=True))
        if note:
            options.add_option(Option(plain(note, "dim"), disabled=True))
        options.highlighted = 0 if found else None
        options.focus()

    @staticmethod
    def _prompt(match: similar.Match) -> Content:
        head = f"{match.score:.2f} {match.kind:<9} "
        where = f"{_place(match.province, match.region)} {match.document_name} {browse.display_path(match.path)} "
        heading = " ".join((match.label + match.title).split())
        text = " ".join(match.text.split())
        line = visible(head + where + heading)
        body = visible("\n    " + truncate(text, 100))
        spans = [Span(0, len(head), KIND_STYLES[match.kind]), Span(len(head), len(head) + len(visible(where)), "bold"),
                 Span(len(line), len(line) + len(body), "$text-muted")]
        return Content(line + body, spans=spans)

    def action_toggle_scope(self) -> None:
        self.all_documents = not self.all_documents
        self._search()

    def action_cursor(self, direction: str) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if direction == "down" else options.action_cursor_up()

    @on(OptionList.OptionSelected, "#similar-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.push_screen(SideBySideScreen(self.db_path, self.clause_id, self.matches, int(event.option.id),
                                                  self.cutter))

    def action_close(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.cutter.close()


class SideBySideScreen(Screen):
    """A clause and one counterpart: what both say, what each adds (marked), the numbers,
    dates and departments that differ, and how alike they are. n/N step through the
    counterparts; space selects the focused side for the briefing note."""

    BINDINGS = PAIR_BINDINGS

    def __init__(self, db_path: Path, clause_id: int, matches: list[similar.Match], index: int,
                 cutter: WordCutter) -> None:
        super().__init__()
        self.db_path, self.clause_id, self.matches, self.index, self.cutter = db_path, clause_id, matches, index, cutter
        self.pair: _Pair | None = None
        self.comparison: Comparison | None = None
        self.by_words = False

    def compose(self) -> ComposeResult:
        yield Static(id="pair-heading", classes="screen-title")
        with Horizontal(id="pair-sides"):
            with VerticalScroll(id="pair-left", classes="pair-side"):
                yield Static(id="pair-left-cite", classes="pair-cite")
                yield Static(id="pair-left-text")
            with VerticalScroll(id="pair-right", classes="pair-side"):
                yield Static(id="pair-right-cite", classes="pair-cite")
                yield Static(id="pair-right-text")
        yield Static(id="pair-differences")
        yield Static(id="pair-hint", classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        keys = hint(self.BINDINGS, user_keymap(self), ("pair-next", "next"), ("pair-previous", "previous"),
                    ("pair-select", "select the focused side"), ("pair-side", "other side"), ("pair-close", "back"))
        self.query_one("#pair-hint", Static).update(plain(keys, "dim"))
        self.query_one("#pair-left").focus()
        self._load(self.index)

    @work(thread=True, exclusive=True, group="pair", exit_on_error=False, description="reading the pair")
    def _load(self, index: int) -> None:
        try:
            with Store(self.db_path, create=False) as store:
                pair = _read_pair(store.conn, index, self.clause_id, self.matches[index].clause_id)
        except (PolicyReviewError, sqlite3.Error) as exc:
            pair = str(exc)
        self.app.call_from_thread(self._show_pair, pair)

    def _show_pair(self, pair: _Pair | str | None) -> None:
        if isinstance(pair, _Pair) and pair.index != self.index:
            return  # stepped on meanwhile: that pair's own read is under way
        if not isinstance(pair, _Pair):
            self.query_one("#pair-heading", Static).update(
                plain(pair or "this clause is no longer in the database", "bold"))
            return
        self.pair = pair
        left, right = pair.left.full_text, pair.right.full_text
        self.comparison = compare(left, right)
        self.by_words = False
        self._draw()
        self._cut_words(self.index, left, right)

    @work(thread=True, exclusive=True, group="pair-words", exit_on_error=False, description="cutting words")
    def _cut_words(self, index: int, left: str, right: str) -> None:
        words = self.cutter.cut([fold(left), fold(right)])
        if words is not None:
            self.app.call_from_thread(self._words_ready, index, left, right, words)

    def _words_ready(self, index: int, left: str, right: str, words: list[list[str]]) -> None:
        if index != self.index:
            return
        try:
            self.comparison = compare(left, right, words=(words[0], words[1]))
        except ValueError:  # the helper cut something else than the text asked about
            return
        self.by_words = True
        self._draw()

    def _draw(self) -> None:
        pair = self.pair
        match = self.matches[pair.index]
        own = pair.own
        heading = (f"{self.index + 1}/{len(self.matches)} · {match.score:.2f} {match.kind} · "
                   f"{_place(own.province, own.region)} ↔ {_place(match.province, match.region)}")
        self.query_one("#pair-heading", Static).update(Content(heading, spans=[Span(0, len(heading), "bold")]))
        for side, clause, cite, marked, style in (
                ("left", pair.left, pair.left_cite, self.comparison.left, "on $error-muted"),
                ("right", pair.right, pair.right_cite, self.comparison.right, "on $success-muted")):
            mark = "✓ selected · " if clause.id in pair.selected else ""
            self.query_one(f"#pair-{side}-cite", Static).update(plain(mark + cite, "bold"))
            self.query_one(f"#pair-{side}-text", Static).update(_marked(marked, style))
        self.query_one("#pair-differences", Static).update(self._differences(own, match))

    def _differences(self, own: browse.Document, match: similar.Match) -> Content:
        comparison = self.comparison
        here, there = _place(own.province, own.region), _place(match.province, match.region)
        unit = "words" if self.by_words else "characters (words once jieba is loaded)"
        lines = [f"both say {comparison.shared:.0%} of the {unit}; marked: what only that side says"]
        for name, difference in (("numbers", comparison.numbers), ("dates and deadlines", comparison.dates),
                                 ("departments", comparison.agencies)):
            if difference:
                lines.append(f"{name} that differ — {here}: {'、'.join(difference.left) or '—'} · "
                             f"{there}: {'、'.join(difference.right) or '—'}")
        return plain("\n".join(lines))

    def action_step(self, step: int) -> None:
        self.index = (self.index + step) % len(self.matches)
        self._load(self.index)

    def action_switch_side(self) -> None:
        target = "#pair-right" if self.focused is self.query_one("#pair-left") else "#pair-left"
        self.query_one(target).focus()

    def action_toggle_select(self) -> None:
        pair = self.pair
        if pair is None:
            return
        clause = pair.right if self.focused is self.query_one("#pair-right") else pair.left
        self.app.saver.save("the selection", selection.toggle, clause.id,
                            done=lambda on: self._selection_changed(pair, clause, on))

    def _selection_changed(self, pair: _Pair, clause: browse.Clause, on: bool) -> None:
        (pair.selected.add if on else pair.selected.discard)(clause.id)
        self.notify(visible(("selected " if on else "unselected ") + browse.display_path(clause.path)), markup=False)
        if pair is self.pair:
            self._draw()

    def action_close(self) -> None:
        self.dismiss(None)


def _marked(side: Side, style: str) -> Content:
    """The clause as written, what only it says on `style`."""
    text, spans, position = "", [], 0
    for piece, shared in side.pieces:
        shown = visible(piece)
        if not shared:
            spans.append(Span(position, position + len(shown), style))
        text += shown
        position += len(shown)
    return Content(text, spans=spans)
