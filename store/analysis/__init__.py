"""Who does what by when: the agencies, targets and validity of clauses, found at import.

Found per document as its file is prepared (`analyse_clauses`, from the text alone, in a bulk
import's worker processes) and stored with it (`store_found`, in the importer's transaction),
so a re-import recomputes everything and a failed import leaves nothing; each
kind has its module (agencies, targets, validity) and the tables are written and read in
one place (store/analysis/tables.py). Stdlib only: no jieba, nothing heavy.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the extractors compile many patterns: loaded when a document is analysed,
    # not by the app's start, which needs only store.analysis.validity
    from store.analysis.agencies import Mention
    from store.analysis.targets import Target

Found = tuple[list[tuple[str, "Mention"]], list["Target"]]
"""One clause's findings: its agencies [(full name, mention)] and its targets."""


def analyse_clauses(province: str, region: str | None, issued: str | None,
                    clauses: list[tuple[str, str, list | None]]) -> list[Found]:
    """The agencies and targets of a document's clauses (title, text, table rows), from the
    text alone: a bulk import runs this in its worker processes."""
    from store.analysis import agencies, targets

    first_leads = agencies.first_leads(text for _t, text, _r in clauses)
    found = []
    for title, text, rows in clauses:
        mentions = agencies.extract(title, text, rows, first_leads)
        found.append(([(agencies.full_name(m.name, province, region), m) for m in mentions],
                      targets.extract(title, text, issued)))
    return found


def store_found(conn: sqlite3.Connection, document_id: int, clause_ids: list[int], first_key: int,
                found: list[Found], stated_validity: str | None) -> None:
    """Store what analyse_clauses found for a just inserted document's clauses (ids and
    found in reading order; a clause's sort key is first_key | its ordinal) and its validity
    as stated."""
    from store.analysis import tables, validity

    tables.store_document(conn, document_id, [(clause_id, first_key | ordinal, named, clause_targets)
                                              for ordinal, (clause_id, (named, clause_targets))
                                              in enumerate(zip(clause_ids, found, strict=True))],
                          validity.normalise(stated_validity), replace=False)


def analyse_document(conn: sqlite3.Connection, document_id: int) -> None:
    """Find and store again the agencies and targets of a stored document's clauses and its
    validity as its site states it (replacing what an earlier analysis stored)."""
    from store.analysis import tables, validity

    province, region, issued, stated = conn.execute(
        "SELECT province, region, date, validity FROM documents WHERE id = ?", (document_id,)).fetchone()
    clauses = conn.execute("SELECT id, sort_key, title, text, rows FROM clauses WHERE document_id = ? ORDER BY ordinal",
                           (document_id,)).fetchall()
    found = analyse_clauses(province, region, issued,
                            [(title, text, json.loads(rows) if rows else None) for _i, _k, title, text, rows in clauses])
    tables.store_document(conn, document_id, [(clause_id, key, named, clause_targets) for (clause_id, key, *_rest),
                                              (named, clause_targets) in zip(clauses, found)],
                          validity.normalise(stated))


def analyse_all(conn: sqlite3.Connection) -> int:
    """Analyse every document again (a database made before the analysis existed, or after
    the extractors changed). Returns the number of documents."""
    ids = [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY id")]
    for document_id in ids:
        analyse_document(conn, document_id)
    return len(ids)
