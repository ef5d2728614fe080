"""The reviewer's selection of clauses: kept in the database, so it survives a restart and
can be exported from the command line (`policy-review export --selection`)."""

from __future__ import annotations

import sqlite3

from store import search
from store.db import Store


def selected_ids(conn: sqlite3.Connection) -> set[int]:
    return {row[0] for row in conn.execute("SELECT clause_id FROM selection")}


def toggle(store: Store, clause_id: int) -> bool:
    """Select or unselect a clause; returns whether it is selected now."""
    with store.transaction() as conn:
        if conn.execute("DELETE FROM selection WHERE clause_id = ?", (clause_id,)).rowcount:
            return False
        conn.execute("INSERT INTO selection (clause_id) VALUES (?)", (clause_id,))
        return True


def add_matching(store: Store, query: str | search.Query) -> int:
    """Select every clause the filter shows (never hidden ones); returns how many were added."""
    ids = search.matching_ids(store.conn, query)
    return _add(store, ids)


def add_range(store: Store, document_id: int, first: int, last: int) -> int:
    ids = [row[0] for row in store.conn.execute(
        "SELECT id FROM clauses WHERE document_id = ? AND ordinal BETWEEN ? AND ?", (document_id, first, last))]
    return _add(store, ids)


def _add(store: Store, ids: list[int]) -> int:
    with store.transaction() as conn:
        before = conn.execute("SELECT count(*) FROM selection").fetchone()[0]
        conn.executemany("INSERT OR IGNORE INTO selection (clause_id) VALUES (?)", [(i,) for i in ids])
        return conn.execute("SELECT count(*) FROM selection").fetchone()[0] - before


def clear(store: Store) -> int:
    with store.transaction() as conn:
        return conn.execute("DELETE FROM selection").rowcount
