"""The filter bar: an Input with the reviewer's earlier filters on ↑/↓ (kept across
sessions) and tab to take the looser query the status bar suggests."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

HISTORY_SIZE = 100


class FilterBar(Input):
    BINDINGS = [
        Binding("up", "history(-1)", "Earlier filter", id="filter-earlier", show=False),
        Binding("down", "history(1)", "Later filter", id="filter-later", show=False),
        Binding("tab", "take_suggestion", "Take the suggestion", id="filter-take-suggestion", show=False),
    ]

    class TakeSuggestion(Message):
        """Tab: replace the filter with the suggested looser query."""

    def __init__(self, history: list[str]) -> None:
        super().__init__(id="filter-input", select_on_focus=False,
                         placeholder="filter: 税 社保 | 公积金 -住房 province:辽宁 tag:重点 status:flagged")
        self.history = history[-HISTORY_SIZE:]
        self._browsing: int | None = None  # index into history while ↑/↓ walk it
        self._typed = ""

    def open(self, text: str) -> None:
        """Show the bar with `text`, the cursor at its end (typing refines, not replaces)."""
        self.display = True
        self._browsing = None
        self.value = text
        self.cursor_position = len(text)
        self.focus()

    def remember(self, text: str) -> list[str]:
        """Add a filter to the history (once, as the most recent); returns the history."""
        text = text.strip()
        if text:
            self.history = [h for h in self.history if h != text][-(HISTORY_SIZE - 1):] + [text]
        self._browsing = None
        return self.history

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._browsing is None:
            if step > 0:
                return
            self._typed = self.value
            index = len(self.history)
        else:
            index = self._browsing
        index += step
        if index >= len(self.history):
            self._browsing = None
            self.value = self._typed
        else:
            self._browsing = max(0, index)
            self.value = self.history[self._browsing]
        self.cursor_position = len(self.value)

    def action_take_suggestion(self) -> None:
        self.post_message(self.TakeSuggestion())
