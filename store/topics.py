"""Saved queries (a filter given a name and kept: 社保 = `社保 | 养老保险`) and the topics of the
coverage grid: a saved query, a tag, or a query written out.

Saved queries live in the database (table saved_queries), are listed in the app's command
palette and travel in the annotations exchange (store/annotations.py) with their author and
time, the newer version of a name winning as for annotations.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store.db import Store, now
from store.errors import NotFoundError, PolicyReviewError
from store.search import parse_query
from store.untrusted import cleaned

MAX_NAME = 40


@dataclass
class SavedQuery:
    name: str
    query: str
    author: str
    created_at: str
    updated_at: str

    def to_json(self) -> dict:
        return {"name": self.name, "query": self.query, "author": self.author, "created_at": self.created_at,
                "updated_at": self.updated_at}


def _stored_name(name: str) -> str:
    """A saved query's name as stored and looked up: spaces collapsed, control characters visible."""
    return cleaned(" ".join(name.split()))


def check_name(name: str) -> str:
    """A saved query's name as stored, or why it cannot be one."""
    checked = _stored_name(name)
    if not checked:
        raise PolicyReviewError("a saved query needs a name")
    if len(checked) > MAX_NAME:
        raise PolicyReviewError(f"a saved query's name is at most {MAX_NAME} characters")
    return checked


def check_query(query: str) -> str:
    """A query as stored: it must parse (the message says why not) and not be empty."""
    text = cleaned(" ".join(query.split()))
    if parse_query(text).is_empty:
        raise PolicyReviewError("a saved query needs words to look for, e.g. 社保 | 养老保险")
    return text


_COLUMNS = "name, query, author, created_at, updated_at"


def saved_queries(conn: sqlite3.Connection) -> list[SavedQuery]:
    return [SavedQuery(*row) for row in conn.execute(f"SELECT {_COLUMNS} FROM saved_queries ORDER BY name")]


def saved_query(conn: sqlite3.Connection, name: str) -> SavedQuery | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM saved_queries WHERE name = ?", (_stored_name(name),)).fetchone()
    return SavedQuery(*row) if row else None


def save(store: Store, name: str, query: str, author: str) -> SavedQuery:
    """Keep a query under a name (replacing what the name held). Names are told apart
    without regard to case: 'PPP' and 'ppp' are one."""
    name, query = check_name(name), check_query(query)
    stamp = now()
    with store.transaction() as conn:
        conn.execute(
            """INSERT INTO saved_queries (name, query, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET query = excluded.query, author = excluded.author,
               updated_at = excluded.updated_at""",
            (name, query, cleaned(author), stamp, stamp))
    return saved_query(store.conn, name)


def delete(store: Store, name: str) -> None:
    with store.transaction() as conn:
        if not conn.execute("DELETE FROM saved_queries WHERE name = ?", (_stored_name(name),)).rowcount:
            raise NotFoundError(f"no saved query named {name!r}")


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class Topic:
    """A column of the coverage grid."""

    name: str  # as shown: the saved query's or the tag's name, or the query itself
    query: str  # what it matches, in the query language
    kind: str  # saved | tag | query

    def to_json(self) -> dict:
        return {"name": self.name, "query": self.query, "kind": self.kind}


def tag_query(tag: str) -> str:
    return 'tag:"' + tag.replace('"', '""') + '"'


def topic(conn: sqlite3.Connection, name_or_query: str) -> Topic:
    """A saved query of that name, else a tag of that name, else the text as a query
    (which must parse)."""
    wanted = " ".join(name_or_query.split())
    if not wanted:
        raise PolicyReviewError("a topic needs a name or a query")
    found = saved_query(conn, wanted)
    if found:
        return Topic(found.name, found.query, "saved")
    row = conn.execute("SELECT name FROM tags WHERE name = ? COLLATE NOCASE", (wanted,)).fetchone()
    if row:
        return Topic(row[0], tag_query(row[0]), "tag")
    return Topic(wanted, check_query(wanted), "query")


def default_topics(conn: sqlite3.Connection) -> list[Topic]:
    """The grid's columns when none are given: every saved query, then every tag."""
    topics = [Topic(q.name, q.query, "saved") for q in saved_queries(conn)]
    topics += [Topic(name, tag_query(name), "tag") for (name,) in conn.execute("SELECT name FROM tags ORDER BY name")]
    return topics


def check_record(record: dict) -> SavedQuery:
    """A saved query as the annotations exchange carries it, checked like one typed."""
    fields = {}
    for name in ("name", "query", "author", "created_at", "updated_at"):
        value = record.get(name)
        if not isinstance(value, str):
            raise PolicyReviewError(f"a saved query's '{name}' must be a string")
        fields[name] = cleaned(value)
    fields["name"] = check_name(fields["name"])
    fields["query"] = check_query(fields["query"])
    return SavedQuery(**fields)
