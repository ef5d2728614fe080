"""Removing what was imported: a source file's documents with their sections, clauses and
index rows. Their annotations are kept as orphans (re-attached when the file is imported
again), never dropped."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store.db import Store
from store.importer import delete_document


@dataclass
class Removal:
    """What removing a document's source file takes away."""

    source_path: str
    document_ids: list[int]
    titles: list[str]
    clauses: int
    annotations: int  # annotations that become orphans
    selected: int  # selected clauses that leave the selection


def removal_of(conn: sqlite3.Connection, document_id: int) -> Removal | None:
    """The removal of the file a document came from (every document of that file: a notice,
    the main document and its attachments are imported, and removed, together)."""
    row = conn.execute("SELECT source_path FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        return None
    source = row[0]
    documents = conn.execute("SELECT id, title, label, kind FROM documents WHERE source_path = ? ORDER BY id",
                             (source,)).fetchall()
    ids = [d[0] for d in documents]
    marks = ",".join("?" * len(ids))
    clauses, annotated, selected = conn.execute(
        f"""SELECT count(*), count(a.id), count(s.clause_id) FROM clauses c
            LEFT JOIN annotations a ON a.clause_id = c.id LEFT JOIN selection s ON s.clause_id = c.id
            WHERE c.document_id IN ({marks})""",
        ids,
    ).fetchone()
    titles = [title or label or kind for _id, title, label, kind in documents]
    return Removal(source, ids, titles, clauses, annotated, selected)


def remove(store: Store, removal: Removal) -> int:
    """Remove the documents in one transaction; returns how many clauses went."""
    with store.transaction() as conn:
        gone = 0
        for document_id in removal.document_ids:
            row = conn.execute("SELECT clause_count FROM documents WHERE id = ?", (document_id,)).fetchone()
            if row is None:
                continue  # removed meanwhile by another process
            delete_document(conn, document_id)
            gone += row[0]
    return gone
