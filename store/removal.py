"""Removing what was imported: every document of one imported file, with its sections,
clauses, keywords and index rows, in one transaction.

A file is the unit, as it is for import: re-importing a path replaces all of its documents,
and an unchanged file is recognised by its bytes, so a file's covering notice could not be
brought back on its own. Annotations are never dropped: they become orphans (`annotations
orphans`) and are re-attached when the document is imported again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from store import annotations, browse
from store.db import Store, now
from store.errors import NotFoundError, PolicyReviewError
from store.importer import delete_document
from store.normalize import fold


@dataclass
class Removal:
    """One imported file and what removing it takes away."""

    source_path: str
    documents: list[browse.Document]
    annotated: int  # annotations of its clauses, which become orphans

    @property
    def clauses(self) -> int:
        return sum(d.clause_count for d in self.documents)

    def describe(self) -> str:
        """'a.txt: 2 documents, 57 clauses, 3 annotated' for a confirmation question."""
        n, c = len(self.documents), self.clauses
        text = f"{self.source_path}: {n} document{'s' * (n != 1)}, {c} clause{'s' * (c != 1)}"
        if self.annotated:
            text += f", {self.annotated} annotated (their annotations are kept as orphans)"
        return text


def removal_for(conn: sqlite3.Connection, what: str) -> Removal:
    """The imported file `what` names: its path (as given or as stored), a document id, or
    words of a document title found in one file only. Raises NotFoundError, or a
    PolicyReviewError when the words fit documents of several files."""
    given = Path(what).expanduser()
    for candidate in dict.fromkeys((what, str(given.absolute()), _resolved(given))):
        if candidate and conn.execute("SELECT 1 FROM documents WHERE source_path = ?", (candidate,)).fetchone():
            return _removal(conn, candidate)
    if what.isascii() and what.isdigit():
        return removal_for_document(conn, int(what))
    wanted = fold(what)
    if not wanted:
        raise NotFoundError("say which file or document to remove")
    sources = list(dict.fromkeys(doc.source_path for doc in browse.documents(conn)
                                 if wanted in fold(doc.display_title)))
    if not sources:
        raise NotFoundError(f"no imported file or document matches {what!r}")
    if len(sources) > 1:
        names = ", ".join(Path(s).name for s in sources[:3]) + (", …" if len(sources) > 3 else "")
        raise PolicyReviewError(f"{what!r} matches documents of {len(sources)} files ({names}): give the file's path")
    return _removal(conn, sources[0])


def removal_for_document(conn: sqlite3.Connection, document_id: int) -> Removal:
    """The file a document came from (the app's remove key, on the document under the
    cursor): removing it removes the file's other documents too."""
    row = conn.execute("SELECT source_path FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no document with id {document_id}")
    return _removal(conn, row[0])


def remove(store: Store, removal: Removal, author: str) -> Removal:
    """Remove the file's documents as they are now (another process may have re-imported it
    since `removal` was made), in one transaction; each annotation that becomes an orphan gets
    a history entry. Returns what was removed."""
    with store.transaction() as conn:
        current = _removal(conn, removal.source_path)
        annotated = conn.execute(
            f"""SELECT a.id, a.key FROM annotations a JOIN clauses c ON c.id = a.clause_id
                WHERE c.document_id IN ({','.join('?' * len(current.documents))})""",
            [d.id for d in current.documents],
        ).fetchall()
        for document in current.documents:
            delete_document(conn, document.id)
        stamp = now()
        batch = annotations._batch(conn)
        conn.executemany(
            """INSERT INTO history (annotation_id, field, before, after, author, at, origin, batch)
               VALUES (?, 'clause', ?, NULL, ?, ?, 'remove', ?)""",
            [(ann_id, key, author, stamp, batch) for ann_id, key in annotated],
        )
    return current


def _removal(conn: sqlite3.Connection, source_path: str) -> Removal:
    documents = [browse.document(conn, row[0]) for row in conn.execute(
        "SELECT id FROM documents WHERE source_path = ? ORDER BY part", (source_path,))]
    if not documents:
        raise NotFoundError(f"{source_path}: not imported (any more)")
    marks = ",".join("?" * len(documents))
    annotated = conn.execute(
        f"SELECT count(*) FROM annotations a JOIN clauses c ON c.id = a.clause_id WHERE c.document_id IN ({marks})",
        [d.id for d in documents],
    ).fetchone()[0]
    return Removal(source_path, documents, annotated)


def _resolved(path: Path) -> str | None:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return None
