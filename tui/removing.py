"""D: removing the focused document's file from the database, after saying what goes (its
documents and clauses) and what stays (its annotations, as orphans until it comes back)."""

from __future__ import annotations

from pathlib import Path

from store.errors import NotFoundError
from store.selection import n_clauses
from tui.screens import ConfirmDialog


def ask_to_remove(screen) -> None:
    from store.removal import remove, removal_for_document  # the importer: loaded when first needed

    row = screen.sections.current()
    try:
        removal = removal_for_document(screen.store.conn, row.document.id) if row else None
    except NotFoundError:
        removal = None
    if removal is None:
        screen.say("no document to remove")
        return
    name = Path(removal.source_path).name
    parts = len(removal.documents)
    titles = "、".join(d.display_title for d in removal.documents[:3]) + ("…" if parts > 3 else "")
    question = (f"Remove {name} from the database: {parts} document{'s' * (parts != 1)} ({titles}), "
                f"{n_clauses(removal.clauses)}?")
    if removal.annotated:
        question += (f" Their {removal.annotated} annotations are kept as orphans, and come back if the "
                     "file is imported again.")

    def removed(done) -> None:
        screen.refresh_everything()
        screen.say(f"removed {name} ({n_clauses(done.clauses)})")

    def answered(yes: bool | None) -> None:
        if yes:
            screen.app.saver.save("the removal", remove, removal, screen.app.author, done=removed)

    screen.app.push_screen(ConfirmDialog(question), answered)
