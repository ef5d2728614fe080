"""Who does what by when: the agencies, targets and validity of clauses, found at import.

One call per imported document (`analyse_document`, from the importer's insert, inside its
transaction), so a re-import recomputes everything and a failed import leaves nothing; each
kind has its module (agencies, targets, validity) and the tables are written and read in
one place (store/analysis/tables.py). Stdlib only: no jieba, nothing heavy.
"""

from __future__ import annotations

import json
import sqlite3

from store.analysis import agencies, tables, targets, validity


def analyse_document(conn: sqlite3.Connection, document_id: int) -> None:
    """Find and store the agencies and targets of a document's clauses and its validity as
    its site states it (replacing what an earlier analysis stored)."""
    province, region, issued, stated = conn.execute(
        "SELECT province, region, date, validity FROM documents WHERE id = ?", (document_id,)).fetchone()
    clauses = conn.execute("SELECT id, sort_key, title, text, rows FROM clauses WHERE document_id = ? ORDER BY ordinal",
                           (document_id,)).fetchall()
    first_leads = agencies.first_leads(text for _i, _k, _t, text, _r in clauses)
    found = []
    for clause_id, key, title, text, rows in clauses:
        mentions = agencies.extract(title, text, json.loads(rows) if rows else None, first_leads)
        named = [(agencies.full_name(m.name, province, region), m) for m in mentions]
        found.append((clause_id, key, named, targets.extract(title, text, issued)))
    tables.store_document(conn, document_id, found, validity.normalise(stated))


def analyse_all(conn: sqlite3.Connection) -> int:
    """Analyse every document again (a database made before the analysis existed, or after
    the extractors changed). Returns the number of documents."""
    ids = [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY id")]
    for document_id in ids:
        analyse_document(conn, document_id)
    return len(ids)
