"""The app: the database connection, the reviewer's config (name, theme, keymap), the one
writer (tui/saving.py) and the screens. The panes and their keys are the main screen's
(tui/main_screen.py); new views come as screens of their own.

jieba never loads in this process (its dictionary would freeze the screen for a second):
keywords and looser queries are computed in helper processes.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import App
from textual.worker import Worker, WorkerState

from store import annotations
from store.db import Store
from store.untrusted import visible
from tui.config import Config, load_config
from tui.main_screen import MainScreen
from tui.saving import Saver

QUIT_WAIT = 2.0
"""Seconds quitting waits for the remembered position to be written (a lock held by another
program must not keep the app open)."""


class PolicyReviewApp(App):
    """policy-review: review Chinese policy documents clause by clause."""

    CSS_PATH = "app.tcss"
    TITLE = "policy-review"

    def __init__(self, db_path: Path | str, config: Config | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.config = config or load_config()
        self.store = Store(self.db_path)
        self.author = annotations.reviewer_name(self.config.reviewer)
        self.saver = Saver(self, self.db_path)
        self.main = MainScreen(self.store, self.db_path)

    @property
    def user_keymap(self) -> dict[str, str]:
        return self.config.keymap

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        # The config file's theme wins; without one, the theme last chosen in the app.
        theme = self.config.theme or self.store.get_state("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        self.push_screen(self.main)

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted and theme != self.config.theme:
            self.saver.save("the theme", Store.set_state, "theme", theme)

    # -- writes

    @on(Saver.Saved)
    def _saved(self, message: Saver.Saved) -> None:
        if not self.main.is_attached:
            return  # the app is closing: the write is in, and there is nothing left to redraw
        self.main.own_write_done()
        if message.write.done:
            message.write.done(message.result)

    @on(Saver.Refused)
    def _refused(self, message: Saver.Refused) -> None:
        reason = visible(f"{message.write.what} was not saved: {message.reason}")
        self.main.say(reason, seconds=10)
        self.notify(reason, severity="error", markup=False)
        if message.write.failed:
            message.write.failed(message.reason)

    @on(Saver.Waiting)
    def _waiting(self, message: Saver.Waiting) -> None:
        self.main.show_saving(message.what)

    def quit_when_saved(self, position: str) -> None:
        """Remember the position, then quit once every write is in (or after QUIT_WAIT if
        only the position is still waiting for a lock)."""
        self.saver.save("the position", Store.set_state, "position", position, done=lambda _r: self._exit_if_saved(),
                        failed=lambda _why: self.exit())
        self.set_timer(QUIT_WAIT, self._exit_if_only_position)

    def _exit_if_saved(self) -> None:
        if not self.saver.pending:
            self.exit()

    def _exit_if_only_position(self) -> None:
        if self.saver.pending <= 1:
            self.exit()

    # -- workers

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed worker is reported: a line in the status bar."""
        if event.state == WorkerState.ERROR:
            self.main.say(visible(f"{event.worker.description} failed: {event.worker.error}"), seconds=10)

    def on_unmount(self) -> None:
        self.saver.close()
        self.store.close()
