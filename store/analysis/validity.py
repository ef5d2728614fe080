"""Whether a text is still in force: a document's status (现行有效, 已修改, 已废止, 失效,
尚未生效) as its web page's information table states it, else as a reviewer set it; a
clause's own status with a reason and a reference (被〔2021〕21号 第十二条 取代).

A reviewer's document status is kept by document identity, so it survives re-imports; its
changes are kept in validity_history (with the last annotation history row at the time, so
that `undo` here takes whichever was the reviewer's last change); a clause's status lives on its annotation
(store.annotations.set_validity), with the annotations' history, re-attachment and exchange.
What a clause is shown as: its own status, else its document's (the reviewer's, else the
site's).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from store.db import Store, now
from store.errors import NotFoundError, PolicyReviewError
from store.untrusted import cleaned

IN_FORCE, AMENDED, REPEALED, EXPIRED, NOT_YET = "现行有效", "已修改", "已废止", "失效", "尚未生效"
STATUSES = (IN_FORCE, AMENDED, REPEALED, EXPIRED, NOT_YET)
NOT_IN_FORCE = (REPEALED, EXPIRED, NOT_YET)
"""What `valid:no` finds."""

_ALIASES = {
    "in-force": IN_FORCE, "valid": IN_FORCE, "yes": IN_FORCE, "有效": IN_FORCE, "现行": IN_FORCE,
    "amended": AMENDED, "修改": AMENDED, "已修订": AMENDED, "修订": AMENDED, "部分失效": AMENDED,
    "repealed": REPEALED, "废止": REPEALED, "已废除": REPEALED,
    "expired": EXPIRED, "已失效": EXPIRED, "失效": EXPIRED, "无效": EXPIRED, "已过期": EXPIRED,
    "pending": NOT_YET, "未生效": NOT_YET, "尚未施行": NOT_YET, "未施行": NOT_YET,
}


def normalise(stated: str | None) -> str | None:
    """A status as a site words it (有效, 已失效, 部分失效, 尚未施行) as one of STATUSES."""
    if not stated:
        return None
    text = "".join(stated.split())
    if text in STATUSES:
        return text
    if text in _ALIASES:
        return _ALIASES[text]
    for word, status in (("尚未", NOT_YET), ("未生效", NOT_YET), ("废止", REPEALED), ("失效", EXPIRED),
                         ("修改", AMENDED), ("修订", AMENDED), ("有效", IN_FORCE)):
        if word in text:
            return status
    return None


def check(status: str) -> str:
    """A status as the user typed it (现行有效, 已废止, repealed …), or a clear error."""
    found = normalise(status) or _ALIASES.get(status.strip().lower())
    if found is None:
        raise PolicyReviewError(f"unknown validity {status!r}: use one of {', '.join(STATUSES)} "
                                "(or in-force, amended, repealed, expired, pending)")
    return found


@dataclass
class Validity:
    status: str | None
    reason: str = ""
    reference: str = ""
    source: str = ""  # clause | reviewer | site: where the status comes from

    def warning(self) -> str:
        """What the citation line says of a clause that is not simply in force, else ''."""
        return self.describe() if self.status and self.status != IN_FORCE else ""

    def describe(self) -> str:
        """已废止（被〔2021〕21号 第十二条 取代：reason） — for details and citations."""
        if not self.status:
            return ""
        extra = "：".join(p for p in (self.reference, self.reason) if p)
        return f"{self.status}（{extra}）" if extra else self.status


EFFECTIVE_SQL = """coalesce((SELECT a.validity FROM annotations a WHERE a.clause_id = c.id),
                            (SELECT v.status FROM document_validity v WHERE v.identity = d.identity),
                            d.validity_status)"""
"""A clause's status in SQL (over clauses c joined with documents d): the filter's valid:."""


def document_validity(conn: sqlite3.Connection, document_id: int) -> Validity:
    row = conn.execute(
        """SELECT v.status, v.reason, v.reference, d.validity_status FROM documents d
           LEFT JOIN document_validity v ON v.identity = d.identity WHERE d.id = ?""", (document_id,)).fetchone()
    if row is None:
        return Validity(None)
    if row[0]:
        return Validity(row[0], row[1], row[2], "reviewer")
    return Validity(row[3], source="site") if row[3] else Validity(None)


def clause_validity(conn: sqlite3.Connection, clause_id: int) -> Validity:
    row = conn.execute("SELECT validity, validity_reason, validity_reference FROM annotations WHERE clause_id = ?",
                       (clause_id,)).fetchone()
    if row and row[0]:
        return Validity(row[0], row[1], row[2], "clause")
    document_id = conn.execute("SELECT document_id FROM clauses WHERE id = ?", (clause_id,)).fetchone()
    return document_validity(conn, document_id[0]) if document_id else Validity(None)


def history_value(status: str | None, reason: str = "", reference: str = "") -> str | None:
    """A validity as one history value (of a document here, of a clause in store.annotations)."""
    return json.dumps({"status": status, "reason": reason, "reference": reference}, ensure_ascii=False) \
        if status else None


def set_document(store: Store, document_id: int, status: str | None, author: str, reason: str = "",
                 reference: str = "") -> bool:
    """Set (or, with None, clear) a reviewer's status of a document; returns whether it changed."""
    status = check(status) if status else None
    reason, reference, stamp = cleaned(reason), cleaned(reference), now()
    with store.transaction() as conn:
        row = conn.execute("SELECT identity FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {document_id}")
        return _write_document(conn, row[0], status, reason, reference, author, stamp, "edit")


def _write_document(conn, identity: str, status, reason, reference, author, stamp, origin) -> bool:
    old = conn.execute("SELECT status, reason, reference FROM document_validity WHERE identity = ?",
                       (identity,)).fetchone()
    before = history_value(*old) if old else None
    after = history_value(status, reason, reference)
    if before == after:
        return False
    if status:
        conn.execute("""INSERT INTO document_validity (identity, status, reason, reference, author, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(identity) DO UPDATE SET status = excluded.status,
                        reason = excluded.reason, reference = excluded.reference, author = excluded.author,
                        updated_at = excluded.updated_at""", (identity, status, reason, reference, author, stamp))
    else:
        conn.execute("DELETE FROM document_validity WHERE identity = ?", (identity,))
    conn.execute("""INSERT INTO validity_history (identity, before, after, author, at, origin, after_history)
                    VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM history))""",
                 (identity, before, after, author, stamp, origin))
    return True


def document_history(conn: sqlite3.Connection, document_id: int) -> list[dict]:
    return [dict(zip(("before", "after", "author", "at", "origin"), row)) for row in conn.execute(
        """SELECT h.before, h.after, h.author, h.at, h.origin FROM validity_history h
           JOIN documents d ON d.identity = h.identity WHERE d.id = ? ORDER BY h.id""", (document_id,))]


def undo(store: Store, author: str) -> str | None:
    """Undo the reviewer's last change, whether of an annotation or of a document's validity
    (the later of the two)."""
    from store import annotations

    conn = store.conn
    mine = conn.execute("""SELECT id, identity, before, after, after_history FROM validity_history
                           WHERE author = ? AND origin = 'edit' AND undone = 0 ORDER BY id DESC LIMIT 1""",
                        (author,)).fetchone()
    last_annotation = conn.execute(
        f"""SELECT max(id) FROM history WHERE author = ? AND origin IN ('edit', 'import')
            AND batch NOT IN ({annotations._UNDONE_BATCHES})""", (author,)).fetchone()[0]
    if mine is None or (last_annotation is not None and last_annotation > mine[4]):
        return annotations.undo(store, author)
    history_id, identity, before, after, _after_history = mine
    with store.transaction() as conn:
        current = conn.execute("SELECT status, reason, reference FROM document_validity WHERE identity = ?",
                               (identity,)).fetchone()
        if (history_value(*current) if current else None) != after:
            conn.execute("UPDATE validity_history SET undone = 1 WHERE id = ?", (history_id,))
            return "the document's validity was changed by someone else since: left alone"
        state = json.loads(before) if before else {"status": None, "reason": "", "reference": ""}
        _write_document(conn, identity, state["status"], state["reason"], state["reference"], author, now(), "undo")
        conn.execute("UPDATE validity_history SET undone = 1 WHERE id = ?", (history_id,))
    return f"undid the document's validity ({state['status'] or 'as its site states it'})"


# --------------------------------------------------------------------------- exchange

DOCUMENT_RECORD = "document-validity"


def export_records(conn: sqlite3.Connection) -> list[dict]:
    """One record per document a reviewer gave a status, for the annotations exchange."""
    records = []
    for identity, status, reason, reference, author, updated_at in conn.execute(
            "SELECT identity, status, reason, reference, author, updated_at FROM document_validity ORDER BY identity"):
        title = conn.execute("SELECT title FROM documents WHERE identity = ? LIMIT 1", (identity,)).fetchone()
        records.append({"kind": DOCUMENT_RECORD, "key": identity, "document": title[0] if title else "",
                        "status": status, "reason": reason, "reference": reference, "author": author,
                        "updated_at": updated_at})
    return records


def import_records(conn: sqlite3.Connection, records: list[dict], author: str) -> int:
    """Merge exchanged document statuses inside the annotation import's transaction: the newer
    one wins. Returns how many changed."""
    changed = 0
    for record in records:
        for name in ("key", "status", "reason", "reference", "author", "updated_at"):
            if record.get(name) is not None and not isinstance(record[name], str):
                raise PolicyReviewError(f"'{name}' must be a string")
        status = check(record["status"]) if record.get("status") else None
        local = conn.execute("SELECT updated_at FROM document_validity WHERE identity = ?", (record["key"],)).fetchone()
        if local and local[0] >= (record.get("updated_at") or ""):
            continue
        if _write_document(conn, cleaned(record["key"]), status, cleaned(record.get("reason") or ""),
                           cleaned(record.get("reference") or ""), cleaned(record.get("author") or author),
                           record.get("updated_at") or now(), "import"):
            changed += 1
    return changed
