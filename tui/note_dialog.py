"""The note editor: ctrl+s saves, Esc cancels (asking first when something was changed)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from store.untrusted import visible
from tui.keys import hint
from tui.render import plain
from tui.screens import ConfirmDialog, Dialog


class NoteDialog(Dialog):
    """The note of a clause in a TextArea. Returns the text to save, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note-save"),
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
    ]

    def __init__(self, citation: str, note: str, saved: str) -> None:
        """`note` is the text to edit; `saved` the note on record (they differ when a draft
        the database refused earlier is offered again)."""
        super().__init__()
        self.citation = citation
        self.note = visible(note)  # control characters are shown, and saved, as symbols
        self.saved = saved

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tall"):
            yield Static(plain(f"Note on {self.citation}", "bold"), classes="dialog-title")
            yield TextArea(self.note, id="note-area", soft_wrap=True)
            keys = hint(self.BINDINGS, self.keymap(), ("note-save", "saves"), ("note-cancel", "cancels"))
            yield Static(plain(f"{keys} · an empty note clears it", "dim"), id="note-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def _text(self) -> str:
        return self.query_one(TextArea).text.strip("\n")

    def action_save(self) -> None:
        text = self._text()
        self.dismiss(text if text != self.saved else None)

    def action_cancel(self) -> None:
        if self._text() == self.note.strip("\n"):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard the changes to this note?"), answered)
