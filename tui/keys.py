"""Keys as the reviewer has them: bindings remapped by id in the config file's [keymap],
shown the way they are typed. The help screen, the status bar's hints and the dialogs'
hints all say keys through here, so they follow the user's keymap."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.keys import format_key

NAMES = {"enter": "enter", "space": "space", "escape": "esc"}


def shown_key(key: str) -> str:
    key = key.strip()
    return NAMES.get(key) or format_key(key)


def keys_of(binding: Binding, keymap: dict[str, str]) -> list[str]:
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [shown_key(k) for k in keys.split(",") if k.strip()]


def key_for(bindings: Iterable[Binding], keymap: dict[str, str], binding_id: str) -> str:
    """The first key of the binding with this id (what a hint names)."""
    for binding in bindings:
        if binding.id == binding_id:
            keys = keys_of(binding, keymap)
            return keys[0] if keys else "?"
    raise KeyError(binding_id)


def user_keymap(screen) -> dict[str, str]:
    """The user's keymap (binding id → keys) for a screen's hints: the app's config, none
    when the screen runs under another app (tests)."""
    return getattr(screen.app, "user_keymap", {})


def hint(bindings: Iterable[Binding], keymap: dict[str, str], *items: tuple[str, str]) -> str:
    """"/ filter · space select …" from (binding id, what it does) pairs."""
    bindings = list(bindings)
    return " · ".join(f"{key_for(bindings, keymap, binding_id)} {does}" for binding_id, does in items)


MAIN_BINDINGS = [
    Binding("q", "quit", "Quit", id="quit", tooltip="quit (the position is remembered)"),
    Binding("question_mark", "help", "Help", id="help", tooltip="this help"),
    Binding("slash", "filter", "Filter", id="filter", tooltip="filter clauses as you type"),
    Binding("n", "step_match(True)", "Next", id="next-match", tooltip="next matching clause (wraps around)"),
    Binding("N", "step_match(False)", "Prev", id="previous-match", show=False,
            tooltip="previous matching clause"),
    Binding("ctrl+o,grave_accent", "jump_back", "Back", id="jump-back", show=False,
            tooltip="back to where you were before a jump (n, N, palette, enter)"),
    Binding("ctrl+n", "jump_forward", "Forward", id="jump-forward", show=False,
            tooltip="forward again after a jump back"),
    Binding("h,left", "pane(-1)", "Left pane", id="pane-left", show=False, tooltip="pane to the left"),
    Binding("l,right", "pane(1)", "Right pane", id="pane-right", show=False, tooltip="pane to the right"),
    Binding("tab", "cycle_pane(1)", "Next pane", id="next-pane", show=False, tooltip="next pane"),
    Binding("shift+tab", "cycle_pane(-1)", "Previous pane", id="previous-pane", show=False,
            tooltip="previous pane"),
    Binding("space", "toggle_select", "Select", id="toggle-select",
            tooltip="select or unselect the clause, move down"),
    Binding("v", "select_shown", "Select shown", id="select-shown", show=False,
            tooltip="select every clause the filter shows (the section without a filter)"),
    Binding("V", "clear_selection", "Clear selection", id="clear-selection", show=False,
            tooltip="clear the selection"),
    Binding("t", "tag", "Tag", id="tag", tooltip="tag the selection or the clause (-tag removes)"),
    Binding("a", "note", "Note", id="note", tooltip="write the clause's note"),
    Binding("s", "cycle_status", "Status", id="cycle-status",
            tooltip="cycle status: unreviewed → reviewed → flagged → adopted"),
    Binding("u", "undo", "Undo", id="undo", show=False, tooltip="undo your last annotation change"),
    Binding("y", "copy", "Copy", id="copy", show=False,
            tooltip="copy the clause's citation, text or both (through the terminal, OSC 52)"),
    Binding("o", "open_source", "Source", id="open-source", show=False,
            tooltip="open the source file at the clause's line ($PAGER, else $EDITOR)"),
    Binding("e", "export", "Export", id="export", tooltip="export a Markdown briefing note"),
    Binding("i", "import", "Import", id="import", show=False, tooltip="import a file or folder"),
    Binding("ctrl+c", "cancel_import", "Cancel import", id="cancel-import", show=False,
            tooltip="cancel the running import (the files done stay)"),
    Binding("D", "remove", "Remove", id="remove", show=False,
            tooltip="remove the document's file from the database (asks first)"),
    Binding("T", "tags_view", "Tags", id="tags-view", show=False,
            tooltip="tags: counts, rename, merge, delete, color"),
    Binding("A", "view('agencies')", "Agencies", id="agencies-view", show=False,
            tooltip="agencies: clauses as lead and as partner, per province (enter filters)"),
    Binding("W", "view('targets')", "Targets", id="targets-view", show=False,
            tooltip="targets and deadlines: a table by deadline, province or value, a timeline (enter goes there)"),
    Binding("c", "view('similar')", "Similar", id="similar-clauses",
            tooltip="the clauses of other provinces most like this one, and one side by side"),
    Binding("C", "view('grid')", "Coverage", id="coverage-grid", show=False,
            tooltip="coverage grid: clauses on each topic (saved query, tag) in each province"),
    Binding("H", "hide_empty", "Hide empty", id="hide-empty", show=False,
            tooltip="hide places, documents and sections without matches"),
    Binding("escape", "clear_filter", "Clear filter", id="clear-filter", show=False,
            tooltip="clear the filter"),
]
"""The main screen's keys, as data: each has an id the config file's [keymap] remaps."""
