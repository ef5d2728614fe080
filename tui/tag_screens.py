"""Tagging: the tag dialog (completion from existing tags, after each comma too) and the
tags view (counts, rename/merge, delete, color)."""

from __future__ import annotations

import re

from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store import annotations
from store.db import Store
from store.untrusted import visible
from tui.colors import safe_color
from tui.keys import hint
from tui.render import plain
from tui.screens import ConfirmDialog, Dialog, PromptDialog, safe_text

SEPARATORS = re.compile(r"[,，、;；]")


def split_tags(text: str) -> tuple[list[str], list[str]]:
    """"重点, -税费" → (to add, to remove)."""
    add, remove = [], []
    for part in SEPARATORS.split(text):
        name = " ".join(part.split())
        if not name:
            continue
        if name.startswith("-") and len(name) > 1:
            remove.append(name[1:].strip())
        else:
            add.append(name)
    return add, remove


class TagSuggester(Suggester):
    """Completes the tag being typed, the last one after a comma: "税费, 重" → "税费, 重点"."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = [visible(t) for t in tags]

    async def get_suggestion(self, value: str) -> str | None:
        pieces = SEPARATORS.split(value)
        word = pieces[-1].lstrip().removeprefix("-")
        if not word:
            return None
        for tag in self.tags:
            if tag.startswith(word) and tag != word:
                return value + tag[len(word):]
        return None


class TagDialog(Dialog):
    """Add tags and remove them with a leading '-'. Returns (to add, to remove)."""

    BINDINGS = [Binding("tab", "complete", "Complete", id="tag-complete", show=False)]

    def __init__(self, description: str, existing: list[str], current: list[str]) -> None:
        super().__init__()
        self.description, self.existing, self.current = description, existing, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(f"Tag {self.description}", "bold"), classes="dialog-title")
            if self.current:
                yield Static(plain("now: " + "  ".join(f"#{t}" for t in self.current)))
            yield Input(placeholder="tags, separated by commas; -tag removes", id="tag-input",
                        suggester=TagSuggester(self.existing))
            keys = hint(self.BINDINGS + Dialog.BINDINGS, self.keymap(), ("tag-complete", "completes"),
                        ("dialog-close", "cancels"))
            yield Static(plain(f"enter applies · {keys}", "dim"), id="tag-hint")
            if self.existing:
                yield Static(plain("existing: " + "  ".join(self.existing[:40])), classes="dim")

    def action_complete(self) -> None:
        """Tab takes the completion shown (and never leaves the box)."""
        box = self.query_one("#tag-input", Input)
        if box.cursor_at_end:
            box.action_cursor_right()

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        add, remove = split_tags(event.value)
        self.dismiss((add, remove) if add or remove else None)


class TagsScreen(Dialog):
    """Tags with their counts: enter filters by a tag; r renames (or merges into an existing
    tag), d deletes after confirmation, c sets a color."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="tags-close"),
        Binding("r", "rename", "Rename/merge", id="tags-rename"),
        Binding("d", "delete", "Delete", id="tags-delete"),
        Binding("c", "color", "Color", id="tags-color"),
        Binding("j", "cursor('down')", "Down", id="tags-down", show=False),
        Binding("k", "cursor('up')", "Up", id="tags-up", show=False),
    ]

    def __init__(self, store: Store, author: str) -> None:
        super().__init__()
        self.store, self.author = store, author

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tall"):
            yield Static(plain("Tags", "bold"), classes="dialog-title")
            yield OptionList(id="tags-list")
            keys = hint(self.BINDINGS, self.keymap(), ("tags-rename", "rename/merge"), ("tags-delete", "delete"),
                        ("tags-color", "color"), ("tags-close", "close"))
            yield Static(plain(f"enter filter by tag · {keys}", "dim"), id="tags-hint")

    def on_mount(self) -> None:
        self._load()

    def _load(self, keep: str | None = None) -> None:
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        tags = annotations.list_tags(self.store.conn)
        for name, color, count in tags:
            color = safe_color(color)
            prompt = safe_text(f"#{name}", style=Style(color=color) if color else "")
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

    def action_cursor(self, direction: str) -> None:
        option_list = self.query_one(OptionList)
        option_list.action_cursor_down() if direction == "down" else option_list.action_cursor_up()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)

    def action_rename(self) -> None:
        tag = self._current()
        if not tag:
            return

        def done(new: str | None) -> None:
            name = " ".join((new or "").split())
            if name and name != tag:
                self.app.saver.save("renaming the tag", annotations.rename_tag, tag, name, self.author,
                                    done=lambda _n: self._load(name), failed=lambda _why: self._load(tag))

        self.app.push_screen(PromptDialog(f"Rename #{tag} (an existing name merges the two)", tag), done)

    def action_delete(self) -> None:
        tag = self._current()
        if not tag:
            return
        count = dict((n, c) for n, _col, c in annotations.list_tags(self.store.conn)).get(tag, 0)

        def deleted(_result) -> None:
            self.notify(visible(f"deleted #{tag} (u undoes)"), markup=False)
            self._load()

        def done(yes: bool | None) -> None:
            if yes:
                self.app.saver.save("deleting the tag", annotations.delete_tag, tag, self.author, done=deleted)

        self.app.push_screen(ConfirmDialog(f"Delete #{tag} from {count} clause{'s' * (count != 1)}?"), done)

    def action_color(self) -> None:
        tag = self._current()
        if not tag:
            return

        def done(color: str | None) -> None:
            if color is None:
                return
            if color.strip() and safe_color(color.strip()) is None:
                self.notify(visible(f"not a color: {color}"), severity="error", markup=False)
                return
            self.app.saver.save("coloring the tag", annotations.set_tag_color, tag, color.strip() or None,
                                done=lambda _r: self._load(tag))

        self.app.push_screen(PromptDialog(f"Color of #{tag} (red, green, #ff8800; empty clears)"), done)
