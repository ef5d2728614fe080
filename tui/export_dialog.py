"""The export dialog: a Markdown briefing note of the chosen clauses, the path pre-filled
in the last-used folder, a preview rendered in the background, Enter writes (asking first
when the file exists)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Markdown, Select, Static

from store import export as export_store
from store.db import Store
from store.errors import PolicyReviewError
from store.selection import n_clauses
from store.untrusted import visible
from tui.keys import hint
from tui.render import plain
from tui.screens import ConfirmDialog, Dialog


class ExportDialog(Dialog):
    BINDINGS = [
        Binding("escape", "close", "Cancel", id="export-cancel"),
        Binding("ctrl+s", "write", "Write", id="export-write"),
    ]

    def __init__(self, db_path: Path, clause_ids: list[int], description: str, scope: str, reviewer: str,
                 folder: Path, filter_text: str | None, grid_topics: list[str] | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.spec = export_store.ExportSpec(clause_ids=clause_ids, reviewer=reviewer, filter_description=scope,
                                            grid_topics=grid_topics or [])
        self.description = description
        self.folder = folder if folder.is_dir() else Path.cwd()
        self.filter_text = filter_text

    def compose(self) -> ComposeResult:
        name = export_store.suggested_file_name(export_store.ExportSpec(query=self.filter_text))
        with Vertical(classes="dialog tall", id="export-body"):
            yield Static(plain(f"Export {self.description}", "bold"), classes="dialog-title")
            with Horizontal(classes="row"):
                yield Label(plain("file "))
                yield Input(str(self.folder / name), id="export-path", select_on_focus=False)
            with Horizontal(classes="row"):
                yield Label(plain("title "))
                yield Input(placeholder="政策条款摘编", id="export-title")
                yield Select([("by province", "province"), ("by document", "document"), ("by tag", "tag"),
                              ("side by side with counterparts", "counterparts")],
                             value="province", allow_blank=False, id="export-group")
            yield Static(plain(f"preparing the preview of {n_clauses(len(self.spec.clause_ids))}…", "dim"),
                         id="export-progress")
            with VerticalScroll(id="export-preview"):
                yield Markdown(id="export-markdown")
            keys = hint(self.BINDINGS, self.keymap(), ("export-write", "writes"), ("export-cancel", "cancels"))
            yield Static(plain(f"enter or {keys}", "dim"))

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

    def _render_note(self, spec: export_store.ExportSpec) -> export_store.Note:
        """In a worker: its own connection (the screen's is the UI thread's)."""
        with Store(self.db_path) as store:
            return export_store.render(store.conn, spec)

    def _preview(self) -> None:
        self.query_one("#export-progress", Static).display = True
        self._render_preview(self._current_spec())

    @work(thread=True, exclusive=True, group="export-preview", exit_on_error=False, description="the preview")
    def _render_preview(self, spec: export_store.ExportSpec) -> None:
        try:
            markdown = self._render_note(spec).markdown
        except (PolicyReviewError, sqlite3.Error) as exc:
            markdown = f"(no preview: {exc})"
        self.app.call_from_thread(self._show_preview, markdown)

    async def _show_preview(self, markdown: str) -> None:
        self.query_one("#export-progress", Static).display = False
        await self.query_one("#export-markdown", Markdown).update(visible(markdown))

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
                                 lambda yes: self._write(path, True, self._current_spec()) if yes else None)
        else:
            self._write(path, False, self._current_spec())

    @work(thread=True, exclusive=True, group="export-write", exit_on_error=False, description="writing the note")
    def _write(self, path: Path, force: bool, spec: export_store.ExportSpec) -> None:
        try:
            note = self._render_note(spec)
            export_store.write_note(path, note.markdown, force=force)
        except PolicyReviewError as exc:
            self.app.call_from_thread(self.notify, visible(str(exc)), severity="error", markup=False)
            return
        self.app.call_from_thread(self._written, path)

    def _written(self, path: Path) -> None:
        self.app.saver.save("the export folder", Store.set_state, "export_dir", str(path.resolve().parent))
        self.dismiss(str(path))
