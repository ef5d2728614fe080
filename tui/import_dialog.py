"""The import dialog: a file or folder, with its path completed as it is typed (tab takes
the completion). Returns the path; what it holds is planned and confirmed afterwards."""

from __future__ import annotations

import os
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tui.keys import hint
from tui.render import plain
from tui.screens import Dialog


class PathSuggester(Suggester):
    """Completes the last part of a path from the folder's entries (hidden ones only when a
    dot was typed); a folder gets its slash."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        folder, _, start = value.rpartition("/")
        where = Path(os.path.expanduser(folder or ".") if folder or not value.startswith("/") else "/")
        try:
            names = sorted(entry.name + ("/" if entry.is_dir() else "") for entry in os.scandir(where)
                           if entry.name.startswith(start) and (start.startswith(".") or not entry.name.startswith(".")))
        except OSError:
            return None
        names = [n for n in names if n != start]
        return value + names[0][len(start):] if names else None


class ImportDialog(Dialog):
    """Ask for a file or folder to import."""

    BINDINGS = [Binding("tab", "complete", "Complete", id="import-complete", show=False)]

    def __init__(self, initial: str = "") -> None:
        """`initial`: the folder of the last import, offered again."""
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(plain("Import a file or folder of policy documents", "bold"), classes="dialog-title")
            yield Input(placeholder="path, e.g. ~/Downloads/policies", id="import-path", suggester=PathSuggester(),
                        value=self.initial, select_on_focus=False)
            keys = hint(self.BINDINGS + Dialog.BINDINGS, self.keymap(), ("import-complete", "completes"),
                        ("dialog-close", "cancels"))
            yield Static(plain(f"folders are searched for text files (hidden folders skipped) · {keys} · "
                               "enter imports", "dim"))
            yield Static(id="import-error", markup=False)

    def action_complete(self) -> None:
        box = self.query_one("#import-path", Input)
        if box.cursor_at_end:
            box.action_cursor_right()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        path = Path(text).expanduser()
        if not text:
            self.query_one("#import-error", Static).update(plain("type the path of a file or folder", "red"))
            return
        if not path.exists():
            self.query_one("#import-error", Static).update(plain(f"{path}: no such file or folder", "red"))
            return
        self.dismiss(str(path))
