"""The reviewer's selection of clauses: kept in the database, so it survives a restart and
can be exported from the command line (`policy-review export --selection`); and the scope
rules of the app's bulk actions and export (what they apply to, and how to say so)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store import browse, search
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


# --------------------------------------------------------------------------- what actions apply to


@dataclass
class Shown:
    """The clauses the app's clause pane shows without a filter: a range of one document."""

    document: browse.Document
    first: int
    last: int
    section_path: str | None = None


def n_clauses(n: int) -> str:
    """"1 clause", "2 clauses"."""
    return f"{n} clause{'s' * (n != 1)}"


def target_ids(conn: sqlite3.Connection, query: search.Query | None,
               focused: browse.Clause | None) -> tuple[list[int], str]:
    """The clauses an action (tag, status) applies to, and how to say so: the selection as
    far as the filter shows it (never a hidden clause), else the focused clause."""
    selected = selected_ids(conn)
    if selected:
        ids = sorted(selected)
        if query is None:
            return ids, f"{len(ids)} selected clause{'s' * (len(ids) != 1)}"
        shown = search.matching_ids(conn, query, ids)
        hidden = len(ids) - len(shown)
        description = f"{len(shown)} selected clause{'s' * (len(shown) != 1)}"
        if hidden:
            description += f" ({hidden} hidden by the filter left alone)"
        return shown, description
    if focused is None:
        return [], "no clause"
    return [focused.id], f"clause {browse.display_path(focused.path) or focused.id}"


def export_scope(conn: sqlite3.Connection, query: search.Query | None, filter_text: str,
                 shown: Shown | None) -> tuple[list[int], str, str]:
    """What the app's export takes: the selection (as the filter shows it), else what the
    filter shows, else the clauses in the clause pane. Returns (ids, what the dialog says,
    what the note says)."""
    if selected_ids(conn):
        ids, description = target_ids(conn, query, None)
        scope = "已选条款" + (f"（检索：{filter_text}）" if query is not None else "")
        return ids, description, scope
    if query is not None:
        ids = search.matching_ids(conn, query)
        return ids, f"{n_clauses(len(ids))} shown by the filter “{filter_text}”", f"检索：{filter_text}"
    if shown is None or shown.last < shown.first:
        return [], "nothing", ""
    ids = [row[0] for row in conn.execute(
        "SELECT id FROM clauses WHERE document_id = ? AND ordinal BETWEEN ? AND ? ORDER BY ordinal",
        (shown.document.id, shown.first, shown.last))]
    where = f"《{shown.document.display_title}》"
    if shown.section_path:
        where += f" {browse.display_path(shown.section_path)}"
    return ids, f"{n_clauses(len(ids))} of {where}", where
