"""Dialogs and secondary screens: help, tags, notes, clause details, tags view, orphans,
export and import. Untrusted text is always shown through `plain()` (a Content without
markup) or with markup=False."""

from __future__ import annotations

import re
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Markdown, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from store import annotations, browse
from store import export as export_store
from store.db import Store
from store.errors import PolicyReviewError
from tui.colors import safe_color
from tui.render import plain

QUERY_HELP = """\
Filter (/) — every clause whose title or text contains the words, as you type:
  税 社保            both words (AND)            社保 | 公积金      either (OR)
  -住房              without                     "降低 社保"        a phrase
  province:辽宁      province or city            doc:营商           document title
  tag:重点           a tag                       status:flagged     unreviewed/reviewed/flagged/adopted
Matching ignores spaces, full/half width and traditional/simplified (稅費 = 税费).
Enter keeps the filter and jumps to the first match; Esc clears it; n/N next/previous match."""


class Dialog(ModalScreen):
    """A modal with Esc to close."""

    BINDINGS = [Binding("escape", "close", "Close", id="dialog-close")]

    def action_close(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- help


class HelpScreen(Dialog):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Static(plain("policy-review — help (esc closes, ↓ scrolls)", "bold"), classes="dialog-title")
            yield Static(plain(QUERY_HELP))
            yield Static(self._keys_table())
            yield Static(plain("Keys can be remapped by id in the config file ([keymap] section, e.g. tag = \"T\"); "
                               "ctrl+p opens the command palette (jump to a province, document or clause; import; "
                               "export; orphans; theme)."), classes="dim")

    def _keys_table(self) -> Table:
        from tui.app import PolicyReviewApp
        from tui.panes import LinePane

        keymap = getattr(self.app, "_keymap", {})
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("key")
        table.add_column("does")
        table.add_column("id", style="dim")
        rows = [*LinePane.BINDINGS, *PolicyReviewApp.BINDINGS]
        for binding in rows:
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            shown = ", ".join(_key_name(k) for k in keys.split(","))
            table.add_row(Text(shown), Text(binding.tooltip or binding.description), Text(binding.id or ""))
        table.add_row(Text("enter"), Text("open a clause's details / fold a section"), Text(""))
        table.add_row(Text("ctrl+p"), Text("command palette"), Text(""))
        return table


def _key_name(key: str) -> str:
    return {"question_mark": "?", "slash": "/", "space": "space", "shift+tab": "shift+tab"}.get(key.strip(), key.strip())


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


class PromptDialog(Dialog):
    """One line of input. Returns the text, or None on Esc."""

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(plain(self.question))
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class TagDialog(Dialog):
    """Add tags (with completion from existing ones) and remove them with a leading '-'.
    Returns (to add, to remove)."""

    def __init__(self, description: str, existing: list[str], current: list[str]) -> None:
        super().__init__()
        self.description, self.existing, self.current = description, existing, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(f"Tag {self.description}", "bold"), classes="dialog-title")
            if self.current:
                yield Static(plain("now: " + "  ".join(f"#{t}" for t in self.current)))
            yield Input(placeholder="tags, separated by commas; -tag removes", id="tag-input",
                        suggester=SuggestFromList(self.existing + [f"-{t}" for t in self.current],
                                                  case_sensitive=False))
            yield Static(plain("enter applies · tab completes · esc cancels", "dim"))
            if self.existing:
                yield Static(plain("existing: " + "  ".join(self.existing[:40])), classes="dim")

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        add, remove = [], []
        for part in re.split(r"[,，、;；]", event.value):
            name = " ".join(part.split())
            if not name:
                continue
            if name.startswith("-") and len(name) > 1:
                remove.append(name[1:].strip())
            else:
                add.append(name)
        self.dismiss((add, remove) if add or remove else None)


class NoteDialog(Dialog):
    """The note of a clause in a TextArea. ctrl+s saves; Esc saves too when something was
    typed, so closing never loses a note."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note-save"),
        Binding("escape", "save", "Save and close", id="note-close"),
    ]

    def __init__(self, citation: str, note: str, saved: str | None = None) -> None:
        """`note` is the text to edit; `saved` the note on record, if that differs (a draft
        the database refused earlier)."""
        super().__init__()
        self.citation, self.note = citation, note
        self.saved = note if saved is None else saved

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tall"):
            yield Static(plain(f"Note on {self.citation}", "bold"), classes="dialog-title")
            yield TextArea(self.note, id="note-area", soft_wrap=True)
            yield Static(plain("ctrl+s or esc saves · an empty note clears it", "dim"))

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip("\n")
        self.dismiss(text if text != self.saved else None)


# --------------------------------------------------------------------------- clause details


class ClauseScreen(Dialog):
    """Everything about one clause: citation, full text, annotations, keywords, history."""

    BINDINGS = [Binding("escape,q,enter", "close", "Close", id="clause-close")]

    def __init__(self, store: Store, clause_id: int) -> None:
        super().__init__()
        self.store, self.clause_id = store, clause_id

    def compose(self) -> ComposeResult:
        conn = self.store.conn
        clause = browse.clause(conn, self.clause_id)
        cite = browse.citation(conn, self.clause_id)
        ann = annotations.annotation_for(conn, self.clause_id)
        with VerticalScroll(classes="dialog tall", id="clause-body"):
            yield Static(plain(str(cite), "bold"), classes="dialog-title")
            if clause.label or clause.title:
                yield Static(plain(clause.label + clause.title, "bold"))
            yield Static(plain(clause.text))
            status = ann.status if ann else "unreviewed"
            tags = "  ".join(f"#{t}" for t in ann.tags) if ann and ann.tags else "-"
            yield Static(plain(f"status: {status}   tags: {tags}"), classes="meta")
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
            yield Static(plain(f"clause id {clause.id} · key {clause.key}"), classes="dim")


# --------------------------------------------------------------------------- tags view


class TagsScreen(Dialog):
    """Tags with their counts: enter filters by a tag; r renames (or merges into an existing
    tag), d deletes after confirmation, c sets a color."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="tags-close"),
        Binding("r", "rename", "Rename/merge", id="tags-rename"),
        Binding("d", "delete", "Delete", id="tags-delete"),
        Binding("c", "color", "Color", id="tags-color"),
    ]

    def __init__(self, store: Store, author: str) -> None:
        super().__init__()
        self.store, self.author = store, author

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tall"):
            yield Static(plain("Tags", "bold"), classes="dialog-title")
            yield OptionList(id="tags-list")
            yield Static(plain("enter filter by tag · r rename/merge · d delete · c color · esc close", "dim"),
                         id="tags-hint")

    def on_mount(self) -> None:
        self._load()

    def _load(self, keep: str | None = None) -> None:
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        tags = annotations.list_tags(self.store.conn)
        for name, color, count in tags:
            prompt = Text(f"#{name}", style=safe_color(color) or "")
            prompt.append(f"  {count} clause{'s' * (count != 1)}", style="dim")
            option_list.add_option(Option(prompt, id=name))
        if not tags:
            option_list.add_option(Option(plain("no tags yet: press t on a clause"), id="", disabled=True))
        option_list.highlighted = 0 if tags else None
        for index, (name, _c, _n) in enumerate(tags):
            if name == keep:
                option_list.highlighted = index
        option_list.focus()

    def _current(self) -> str | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id or None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)

    def action_rename(self) -> None:
        tag = self._current()
        if not tag:
            return

        def done(new: str | None) -> None:
            if new and new.strip() and new.strip() != tag:
                ok, _n = self.app.write(annotations.rename_tag, self.store, tag, new.strip(), self.author)
                self._load(new.strip() if ok else tag)

        self.app.push_screen(PromptDialog(f"Rename #{tag} (an existing name merges the two)", tag), done)

    def action_delete(self) -> None:
        tag = self._current()
        if not tag:
            return
        count = dict((n, c) for n, _col, c in annotations.list_tags(self.store.conn)).get(tag, 0)

        def done(yes: bool | None) -> None:
            if yes and self.app.write(annotations.delete_tag, self.store, tag, self.author)[0]:
                self.notify(f"deleted #{tag} (u undoes)", markup=False)
                self._load()

        self.app.push_screen(ConfirmDialog(f"Delete #{tag} from {count} clause{'s' * (count != 1)}?"), done)

    def action_color(self) -> None:
        tag = self._current()
        if not tag:
            return

        def done(color: str | None) -> None:
            if color is None:
                return
            if color.strip() and safe_color(color.strip()) is None:
                self.notify(f"not a color: {color}", severity="error", markup=False)
                return
            self.app.write(annotations.set_tag_color, self.store, tag, color.strip() or None)
            self._load(tag)

        self.app.push_screen(PromptDialog(f"Color of #{tag} (red, green, #ff8800; empty clears)"), done)


# --------------------------------------------------------------------------- orphans


class OrphansScreen(Dialog):
    """Annotations whose clause disappeared in a re-import. Enter re-attaches the
    highlighted one to the clause that was focused when this screen opened."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="orphans-close")]

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
            prompt = Text(f"《{ann.document_title}》{browse.display_path(ann.path)}  {ann.status}")
            if ann.tags:
                prompt.append("  " + " ".join(f"#{t}" for t in ann.tags))
            if ann.note:
                prompt.append("  ✎ " + ann.note.replace("\n", " ")[:40])
            prompt.append("\n" + ann.text_snapshot.replace("\n", " ")[:80], style="dim")
            option_list.add_option(Option(prompt, id=str(ann.id)))
        if not items:
            option_list.add_option(Option(plain("no orphans: every annotation is on its clause"), disabled=True))
        option_list.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if not event.option.id or not self.target:
            return
        if self.app.write(annotations.attach_orphan, self.store, int(event.option.id), self.target, self.author)[0]:
            self.dismiss(True)


# --------------------------------------------------------------------------- export


class ExportDialog(Dialog):
    """Export to a Markdown briefing note: the path pre-filled in the last-used folder, a
    preview, Enter writes (after confirmation if the file exists)."""

    BINDINGS = [
        Binding("escape", "close", "Cancel", id="export-cancel"),
        Binding("ctrl+s", "write", "Write", id="export-write"),
    ]

    def __init__(self, store: Store, clause_ids: list[int], description: str, scope: str, reviewer: str,
                 folder: Path, filter_text: str | None) -> None:
        super().__init__()
        self.store = store
        self.spec = export_store.ExportSpec(clause_ids=clause_ids, reviewer=reviewer, filter_description=scope)
        self.description = description
        self.folder = folder if folder.is_dir() else Path.cwd()
        self.filter_text = filter_text

    def compose(self) -> ComposeResult:
        name = export_store.suggested_file_name(export_store.ExportSpec(query=self.filter_text))
        with Vertical(classes="dialog tall", id="export-body"):
            yield Static(plain(f"Export {self.description}", "bold"), classes="dialog-title")
            with Horizontal(classes="row"):
                yield Label(plain("file "))
                yield Input(str(self.folder / name), id="export-path")
            with Horizontal(classes="row"):
                yield Label(plain("title "))
                yield Input(placeholder="政策条款摘编", id="export-title")
                yield Select([("by province", "province"), ("by document", "document"), ("by tag", "tag")],
                             value="province", allow_blank=False, id="export-group")
            with VerticalScroll(id="export-preview"):
                yield Markdown(id="export-markdown")
            yield Static(plain("enter or ctrl+s writes · esc cancels", "dim"))

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()
        self._preview()

    @on(Input.Changed, "#export-title")
    @on(Select.Changed, "#export-group")
    def _options_changed(self) -> None:
        self._preview()

    def _current_spec(self) -> export_store.ExportSpec:
        self.spec.title = self.query_one("#export-title", Input).value.strip() or None
        self.spec.group_by = str(self.query_one("#export-group", Select).value)
        return self.spec

    @work(exclusive=True, group="preview")
    async def _preview(self) -> None:
        note = export_store.render(self.store.conn, self._current_spec())
        await self.query_one("#export-markdown", Markdown).update(note.markdown)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        path = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        if not path.name or path.is_dir():
            self.notify("give a file name", severity="error")
            return
        if path.suffix.lower() not in (".md", ".markdown", ".txt"):
            path = path.with_name(path.name + ".md")
        if path.exists():
            self.app.push_screen(ConfirmDialog(f"{path} exists. Overwrite it?"),
                                 lambda yes: self._write(path, force=True) if yes else None)
        else:
            self._write(path, force=False)

    def _write(self, path: Path, force: bool) -> None:
        try:
            note = export_store.render(self.store.conn, self._current_spec())
            export_store.write_note(path, note.markdown, force=force)
        except PolicyReviewError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.write(self.store.set_state, "export_dir", str(path.resolve().parent))
        self.dismiss(str(path))


# --------------------------------------------------------------------------- import


class ImportDialog(Dialog):
    """Ask for a file or folder to import; the import itself runs in the background."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(plain("Import a file or folder of policy documents", "bold"), classes="dialog-title")
            yield Input(placeholder="path, e.g. ~/Downloads/policies", id="import-path", value=str(Path.cwd()) + "/")
            yield Static(plain("folders are searched for .txt and .md files · enter imports · esc cancels", "dim"))
            yield Static(id="import-error", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not path.exists():
            self.query_one("#import-error", Static).update(plain(f"{path}: no such file or folder", "red"))
            return
        self.dismiss(str(path))
