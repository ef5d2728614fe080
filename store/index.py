"""The clause search index (FTS5 table clause_index): adding, removing and rebuilding rows.

The table is contentless, so a row can only be removed by giving the exact tokens it was
inserted with; they are recomputed from the stored title and text with store.normalize, and
the index is rebuilt whenever the tokenisation changes (db.index_version)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from store.normalize import search_forms, spaced

_COLUMNS = "title, text, title_alt, text_alt"


def forms(title: str, text: str) -> tuple[str, str, str, str]:
    """The four indexed forms of a clause: title and text folded, and their character-by-
    character conversions where those differ (see normalize.search_forms)."""
    title_form, title_alt = search_forms(title)
    text_form, text_alt = search_forms(text)
    return title_form, text_form, title_alt, text_alt


def _tokens(rows: Iterable[tuple[int, str, str]]) -> list[tuple]:
    return [(key, *map(spaced, forms(title, text))) for key, title, text in rows]


def add(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index clauses given as (sort_key, title, text)."""
    conn.executemany(f"INSERT INTO clause_index (rowid, {_COLUMNS}) VALUES (?, ?, ?, ?, ?)", _tokens(rows))


def tokens(clause_forms: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    """What a clause's forms are indexed as: one token per character."""
    return tuple(map(spaced, clause_forms))  # type: ignore[return-value]


def add_tokens(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str, str]]) -> None:
    """Index clauses given as (sort_key, *tokens(forms(title, text))): a bulk import computes
    them in the worker process that parsed the file, along with the clause keys."""
    conn.executemany(f"INSERT INTO clause_index (rowid, {_COLUMNS}) VALUES (?, ?, ?, ?, ?)", rows)


def remove_tokens(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str, str]]) -> None:
    """Take clauses given as add_tokens takes them out of the index (a contentless table's
    row is deleted with the tokens it was inserted with)."""
    conn.executemany(
        f"INSERT INTO clause_index (clause_index, rowid, {_COLUMNS}) VALUES ('delete', ?, ?, ?, ?, ?)", rows)


def rebuild(conn: sqlite3.Connection, batch: int = 20_000) -> int:
    """Re-index every clause (inside the caller's transaction). Returns the number indexed."""
    conn.execute("INSERT INTO clause_index (clause_index) VALUES ('delete-all')")
    done = 0
    last = -1
    while True:
        rows = conn.execute("SELECT sort_key, title, text FROM clauses WHERE sort_key > ? ORDER BY sort_key LIMIT ?",
                            (last, batch)).fetchall()
        if not rows:
            return done
        add(conn, rows)
        done += len(rows)
        last = rows[-1][0]
