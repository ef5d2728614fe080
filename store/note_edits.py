"""Saving a note edited in the app, when the note may have changed meanwhile (from the
command line or another instance of the app): neither version is lost."""

from __future__ import annotations

from dataclasses import dataclass

from store import annotations
from store.db import Store, now

SEPARATOR = "\n——\n"
"""Between the version found in the database and the one just written, when both are kept."""


@dataclass
class NoteEdit:
    changed: bool
    saved: str  # the note as it now is
    theirs: str | None = None  # the other version, when the note had changed meanwhile
    by: str | None = None  # who changed it meanwhile


def save_note_edit(store: Store, clause_id: int, note: str, author: str, based_on: str) -> NoteEdit:
    """Save `note`, written from `based_on` (the note when editing began). If the note is no
    longer `based_on`, someone changed it meanwhile: the note keeps both, theirs first, and
    the result says so (when one of the two is empty, the other is the note). The check and
    the write are one transaction, so no change can slip in between."""
    stamp = now()
    with store.transaction() as conn:
        (clause_id,) = annotations._check_clauses(conn, [clause_id])
        ann_id, _status, current = annotations._ensure(conn, clause_id, author, stamp)
        by = conn.execute("SELECT author FROM annotations WHERE id = ?", (ann_id,)).fetchone()[0]
        theirs = None
        if current != based_on and current != note:
            theirs = current
            note = SEPARATOR.join(part for part in (current, note) if part.strip())
        if current == note:
            return NoteEdit(False, current, theirs, by if theirs is not None else None)
        conn.execute("UPDATE annotations SET note = ? WHERE id = ?", (note, ann_id))
        annotations._log(conn, ann_id, "note", current, note, author, stamp, annotations._batch(conn))
        annotations._touch(conn, ann_id, author, stamp)
    return NoteEdit(True, note, theirs, by if theirs is not None else None)
