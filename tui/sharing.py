"""Getting a clause out of the app: its citation and text to the clipboard (OSC 52, which
works over SSH, with a word when the terminal is known to ignore it), and its source file
opened at its line in the reviewer's pager or editor."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from store import browse


def copy_texts(clause: browse.Clause, citation: browse.Citation | None) -> dict[str, str]:
    text = clause.full_text
    cited = str(citation) if citation else ""
    return {"citation": cited, "text": text, "both": f"{text}\n——{cited}" if cited else text}


def copied_message(what: str, env: Mapping[str, str]) -> str:
    """What to say after a copy: where the terminal is known not to take OSC 52, say so."""
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return "not copied: macOS Terminal ignores the clipboard sequence (OSC 52); iTerm2, kitty or WezTerm take it"
    said = f"copied the {what} to the clipboard"
    if env.get("TMUX"):
        return said + " (inside tmux it needs `set -g set-clipboard on`)"
    return said + " (through the terminal: OSC 52; a terminal that ignores it copies nothing)"


def source_command(path: Path, line: int | None, env: Mapping[str, str]) -> list[str] | None:
    """$PAGER, else $EDITOR, else less, with +LINE (which less, vi, nano and emacs take)."""
    program = env.get("PAGER") or env.get("EDITOR") or shutil.which("less")
    if not program:
        return None
    command = shlex.split(program)
    return [*command, f"+{line}", str(path)] if line else [*command, str(path)]


def open_source(app, path: Path, line: int | None, env: Mapping[str, str]) -> str:
    """Open the source with the terminal handed over to the program; returns what to say."""
    from textual.app import SuspendNotSupported

    if not path.is_file():
        return f"the source file is gone: {path}"
    command = source_command(path, line, env)
    if command is None:
        return "set $PAGER or $EDITOR to open the source file"
    try:
        with app.suspend():
            subprocess.run(command, check=False)
    except SuspendNotSupported:
        return f"cannot hand the terminal to another program here; the source is {path}" + (
            f", line {line}" if line else "")
    except OSError as exc:
        return f"could not run {command[0]}: {exc.strerror}"
    return f"source: {path}" + (f", line {line}" if line else "")


def ask_to_copy(screen) -> None:
    """y: which of the focused clause's citation, text or both to copy."""
    from tui.screens import ChoiceDialog

    clause = screen.clauses.current()
    if clause is None:
        screen.say("no clause to copy")
        return
    texts = copy_texts(clause, browse.citation(screen.store.conn, clause.id))

    def chosen(what: str | None) -> None:
        if what:
            screen.app.copy_to_clipboard(texts[what])
            screen.say(copied_message(what, os.environ), seconds=8)

    screen.app.push_screen(ChoiceDialog("Copy the focused clause's…", [
        ("c", "citation", "citation"), ("t", "text", "text"), ("b", "both", "both"), ("y", "both", "both")]), chosen)
