"""Dialogs and secondary screens: yes/no and one-line questions, a choice of keys, help,
a clause's details and the orphaned annotations. Untrusted text is always shown through
`plain()` (a Content without markup, control characters made visible) or `safe_text()`.

Screens never import the app or the main screen: what they need is given to them, and
writes go through `self.app.saver`."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store import annotations, browse
from store.db import Store
from store.untrusted import visible
from tui.keys import keys_of, user_keymap
from tui.render import plain

QUERY_HELP = """\
Filter (/) — every clause whose title or text contains the words, as you type:
  税 社保            both words (AND)            社保 | 公积金      either (OR)
  -住房              without                     "降低 社保"        a phrase
  province:辽宁      province or city            doc:营商           document title
  tag:重点           a tag                       status:flagged     unreviewed/reviewed/flagged/adopted
  lead:财政          a lead agency               agency:财政        lead or partner
  due:2018           a target due in 2018        due:<2020          due before 2020 (>, <=, >= too)
  valid:no           not in force (已废止, 失效, 尚未生效); valid:yes, valid:amended, valid:unknown
Matching ignores spaces, full/half width and traditional/simplified (稅費 = 税费).
In the filter bar: ↑/↓ earlier filters, tab takes the suggestion; enter keeps the filter and jumps
to the first match; esc clears it; n/N next/previous match (match 9/58), wrapping around."""


def safe_text(text: str, style: str = "") -> Text:
    """A rich Text of untrusted text (OptionList prompts, tables), control characters visible."""
    return Text(visible(text), style=style)


class Dialog(ModalScreen):
    """A modal with Esc to close."""

    BINDINGS = [Binding("escape", "close", "Close", id="dialog-close")]

    def action_close(self) -> None:
        self.dismiss(None)

    def keymap(self) -> dict[str, str]:
        return user_keymap(self)


# --------------------------------------------------------------------------- small dialogs


class ConfirmDialog(Dialog):
    """Yes or no. Returns True for yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(plain(self.question))
            yield Static(plain("y yes · n no", "dim"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ChoiceDialog(Dialog):
    """A question answered with one key: returns the value of the key pressed, or None."""

    def __init__(self, question: str, choices: list[tuple[str, str, str]]) -> None:
        """`choices` are (key, what it does, value)."""
        super().__init__()
        self.question = question
        self.choices = {key: value for key, _does, value in choices}
        self.hint = " · ".join(f"{key} {does}" for key, does, _value in choices) + " · esc cancels"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(plain(self.question))
            yield Static(plain(self.hint, "dim"))

    def on_key(self, event) -> None:
        if event.character in self.choices:
            event.stop()
            self.dismiss(self.choices[event.character])


class PromptDialog(Dialog):
    """One line of input. Returns the text, or None on Esc."""

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(plain(self.question))
            yield Input(value=visible(self.value), placeholder=self.placeholder, id="prompt-input",
                        select_on_focus=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


# --------------------------------------------------------------------------- help


class HelpScreen(Dialog):
    """The keys (as the keymap has them, with their ids) and the filter language."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help-close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Static(plain("policy-review — help (esc closes, ↓ scrolls)", "bold"), classes="dialog-title")
            yield Static(plain(QUERY_HELP))
            yield Static(self._keys_table())
            yield Static(plain("Keys can be remapped by id in the config file ([keymap] section, e.g. tag = \"T\"); "
                               "ctrl+p opens the command palette (jump to a province, document or clause; import; "
                               "export; orphans; theme)."), classes="dim")

    def _keys_table(self) -> Table:
        keymap = self.keymap()
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("key")
        table.add_column("does")
        table.add_column("id", style="dim")
        for binding in self.bindings:
            table.add_row(Text(", ".join(keys_of(binding, keymap))), Text(binding.tooltip or binding.description),
                          Text(binding.id or ""))
        table.add_row(Text("enter"), Text("open a clause's details / fold a section"), Text(""))
        table.add_row(Text("ctrl+p"), Text("command palette"), Text(""))
        return table


# --------------------------------------------------------------------------- clause details


class ClauseScreen(Dialog):
    """Everything about one clause: citation, full text, annotations, keywords, history, and
    where it comes from (the source file and line)."""

    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="clause-close")]

    def __init__(self, store: Store, clause_id: int) -> None:
        super().__init__()
        self.store, self.clause_id = store, clause_id

    def compose(self) -> ComposeResult:
        conn = self.store.conn
        clause = browse.clause(conn, self.clause_id)
        document = browse.document(conn, clause.document_id)
        cite = browse.citation(conn, self.clause_id)
        ann = annotations.annotation_for(conn, self.clause_id)
        with VerticalScroll(classes="dialog tall", id="clause-body"):
            yield Static(plain(str(cite), "bold"), classes="dialog-title")
            if clause.label or clause.title:
                yield Static(plain(clause.label + clause.title, "bold"))
            yield Static(plain(clause.reading_text))
            status = ann.status if ann else "unreviewed"
            tags = "  ".join(f"#{t}" for t in ann.tags) if ann and ann.tags else "-"
            yield Static(plain(f"status: {status}   tags: {tags}"), classes="meta")
            yield from _analysis_lines(conn, self.clause_id)
            if ann and ann.note:
                yield Static(plain(f"note: {ann.note}"), classes="meta")
            words = browse.keywords(conn, self.clause_id)
            if words:
                yield Static(plain("keywords: " + " ".join(words)), classes="dim")
            history = annotations.history_for(conn, self.clause_id)
            if history:
                yield Static(plain("history", "bold"))
                for entry in history:
                    yield Static(plain(f"{entry['at']}  {entry['author']}  {entry['field']}: "
                                       f"{entry['before'] or '—'} → {entry['after'] or '—'}  ({entry['origin']})"),
                                 classes="dim")
            yield Static(plain(f"source: {document.source_place(clause)}"), classes="dim", id="clause-source")
            yield Static(plain(f"clause id {clause.id} · key {clause.key}"), classes="dim")


def _analysis_lines(conn, clause_id: int):
    """Validity, agencies and targets of a clause, for its details."""
    from store.analysis import tables, validity

    status = validity.clause_validity(conn, clause_id)
    if status.status:
        where = {"clause": "the clause's own", "reviewer": "set for the document", "site": "as its site states it"}
        yield Static(plain(f"validity: {status.describe()}  ({where[status.source]})"), classes="meta",
                     id="clause-validity")
    named = tables.agencies_of(conn, clause_id)
    for role, word in (("lead", "lead"), ("partner", "partners")):
        names = [a.name for a in named if a.role == role]
        if names:
            yield Static(plain(f"{word}: " + "、".join(names)), classes="meta")
    for target in tables.targets_of(conn, clause_id):
        yield Static(plain(f"target: {target.what}  {target.deadline or 'no deadline'}"
                           + (f"（{target.deadline_text}）" if target.deadline_text else "")), classes="dim")


# --------------------------------------------------------------------------- orphans


class OrphansScreen(Dialog):
    """Annotations whose clause disappeared in a re-import or a removal. Enter re-attaches
    the highlighted one to the clause that was focused when this screen opened."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="orphans-close"),
                Binding("j", "cursor('down')", "Down", id="orphans-down", show=False),
                Binding("k", "cursor('up')", "Up", id="orphans-up", show=False)]

    def __init__(self, store: Store, author: str, target_clause: int | None) -> None:
        super().__init__()
        self.store, self.author, self.target = store, author, target_clause

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tall"):
            yield Static(plain("Orphaned annotations", "bold"), classes="dialog-title")
            target = browse.citation(self.store.conn, self.target) if self.target else None
            hint = f"enter attaches to {target}" if target else "focus a clause first to attach an orphan to it"
            yield Static(plain(hint, "dim"))
            yield OptionList(id="orphans-list")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        items = annotations.orphans(self.store.conn)
        for ann in items:
            prompt = safe_text(f"《{ann.document_title}》{browse.display_path(ann.path)}  {ann.status}")
            if ann.tags:
                prompt.append(visible("  " + " ".join(f"#{t}" for t in ann.tags)))
            if ann.note:
                prompt.append(visible("  ✎ " + ann.note.replace("\n", " ")[:40]))
            prompt.append(visible("\n" + ann.text_snapshot.replace("\n", " ")[:80]), style="dim")
            option_list.add_option(Option(prompt, id=str(ann.id)))
        if not items:
            option_list.add_option(Option(plain("no orphans: every annotation is on its clause"), disabled=True))
        option_list.focus()

    def action_cursor(self, direction: str) -> None:
        option_list = self.query_one(OptionList)
        option_list.action_cursor_down() if direction == "down" else option_list.action_cursor_up()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if not event.option.id or not self.target:
            return
        self.app.saver.save("attaching the annotation", annotations.attach_orphan, int(event.option.id), self.target,
                            self.author, done=lambda _result: self.dismiss(True))
