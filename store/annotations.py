"""Tags, notes and review status on clauses, with a history that is never rewritten.

Every change is its own transaction and is appended to `history` (who, when, before, after)
in a numbered batch, so `undo` can revert the last batch and two reviewers' edits of the same
field both stay on record. Annotations are keyed by clause identity (document identity, clause
path, text hash) rather than by row id, so they survive re-imports: `reattach` finds their
clause again, and what cannot be found stays as an orphan, never dropped.
"""

from __future__ import annotations

import difflib
import getpass
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from store import topics
from store.analysis.validity import history_value
from store.db import STATUSES, Store, now
from store.errors import NotFoundError, PolicyReviewError
from store.untrusted import cleaned


@dataclass
class Annotation:
    id: int
    clause_id: int | None
    key: str
    document_title: str
    path: str
    text_snapshot: str
    note: str
    status: str
    author: str
    updated_at: str
    validity: str | None = None  # the clause's own status (store.analysis.validity)
    tags: list[str] = field(default_factory=list)


class ChangedMeanwhile(PolicyReviewError):
    """A note was changed by someone else (the command line, another instance of the app)
    since the editor opened it: nothing was saved. Carries both versions, so that the editor
    can show them and keep both."""

    def __init__(self, clause_id: int, saved: str, yours: str) -> None:
        super().__init__(f"the note of clause {clause_id} was changed meanwhile; yours was not saved")
        self.clause_id, self.saved, self.yours = clause_id, saved, yours

    @property
    def both(self) -> str:
        """The two versions in one note, the saved one first: a way to keep both."""
        return f"{self.saved}\n\n{self.yours}" if self.saved else self.yours


@dataclass
class ImportReport:
    merged: int = 0
    created: int = 0
    orphaned: int = 0
    conflicts: list[str] = field(default_factory=list)
    queries: int = 0  # saved queries added or brought up to date


SAVED_QUERY = "saved_query"
"""The `kind` of an exchanged record that is a saved query (store/topics.py), not an annotation."""


def reviewer_name(configured: str | None = None) -> str:
    """The name recorded with each change: the config file's reviewer, else
    $POLICY_REVIEW_USER, else the OS user."""
    if configured:
        return cleaned(configured)
    env = os.environ.get("POLICY_REVIEW_USER")
    if env:
        return cleaned(env)
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "reviewer"


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise NotFoundError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
    return status


def check_tag(tag: str) -> str:
    """A tag name as stored: spaces collapsed, control characters visible."""
    name = cleaned(" ".join(tag.split()))
    if not name:
        raise PolicyReviewError("a tag needs a name")
    if len(name) > 60:
        raise PolicyReviewError("a tag name is at most 60 characters")
    return name


# --------------------------------------------------------------------------- reading

_SELECT = """SELECT a.id, a.clause_id, a.key, a.document_title, a.path, a.text_snapshot, a.note, a.status,
                    a.author, a.updated_at, a.validity FROM annotations a"""


def _annotation(conn: sqlite3.Connection, row) -> Annotation:
    ann = Annotation(*row)
    ann.tags = [r[0] for r in conn.execute(
        "SELECT t.name FROM annotation_tags at JOIN tags t ON t.id = at.tag_id WHERE at.annotation_id = ? ORDER BY t.name",
        (ann.id,),
    )]
    return ann


def annotation_for(conn: sqlite3.Connection, clause_id: int) -> Annotation | None:
    row = conn.execute(f"{_SELECT} WHERE a.clause_id = ?", (clause_id,)).fetchone()
    return _annotation(conn, row) if row else None


def annotations_for(conn: sqlite3.Connection, clause_ids: Sequence[int]) -> dict[int, Annotation]:
    """Annotations of many clauses at once, for a page of the clause pane."""
    result: dict[int, Annotation] = {}
    ids = list(clause_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"{_SELECT} WHERE a.clause_id IN ({marks})", chunk).fetchall()
        if not rows:
            continue
        by_id = {row[0]: Annotation(*row) for row in rows}
        amarks = ",".join("?" * len(by_id))
        for ann_id, name in conn.execute(
            f"SELECT at.annotation_id, t.name FROM annotation_tags at JOIN tags t ON t.id = at.tag_id "
            f"WHERE at.annotation_id IN ({amarks}) ORDER BY t.name",
            list(by_id),
        ):
            by_id[ann_id].tags.append(name)
        for ann in by_id.values():
            result[ann.clause_id] = ann
    return result


def all_annotations(conn: sqlite3.Connection) -> list[Annotation]:
    rows = conn.execute(f"{_SELECT} ORDER BY a.clause_id IS NULL, a.id").fetchall()
    return [_annotation(conn, row) for row in rows]


def orphans(conn: sqlite3.Connection) -> list[Annotation]:
    rows = conn.execute(f"{_SELECT} WHERE a.clause_id IS NULL ORDER BY a.id").fetchall()
    return [_annotation(conn, row) for row in rows]


def history_for(conn: sqlite3.Connection, clause_id: int) -> list[dict]:
    rows = conn.execute(
        """SELECT h.field, h.before, h.after, h.author, h.at, h.origin FROM history h
           JOIN annotations a ON a.id = h.annotation_id WHERE a.clause_id = ? ORDER BY h.id""",
        (clause_id,),
    ).fetchall()
    return [dict(zip(("field", "before", "after", "author", "at", "origin"), row)) for row in rows]


def list_tags(conn: sqlite3.Connection) -> list[tuple[str, str | None, int]]:
    """(name, color, number of clauses) for every tag, by name."""
    return conn.execute(
        """SELECT t.name, t.color, count(at.annotation_id) FROM tags t
           LEFT JOIN annotation_tags at ON at.tag_id = t.id GROUP BY t.id ORDER BY t.name"""
    ).fetchall()


# --------------------------------------------------------------------------- writing


def _check_clauses(conn: sqlite3.Connection, clause_ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(int(c) for c in clause_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found = {row[0] for row in conn.execute(f"SELECT id FROM clauses WHERE id IN ({marks})", chunk)}
        missing = [c for c in chunk if c not in found]
        if missing:
            raise NotFoundError(f"no clause with id {missing[0]}")
    return ids


def _ensure(conn: sqlite3.Connection, clause_id: int, author: str, stamp: str) -> tuple[int, str, str]:
    """The annotation of a clause, created on first use: (id, status, note)."""
    row = conn.execute("SELECT id, status, note FROM annotations WHERE clause_id = ?", (clause_id,)).fetchone()
    if row:
        return row
    clause = conn.execute(
        """SELECT c.key, d.identity, d.title, c.path, c.title, c.text FROM clauses c
           JOIN documents d ON d.id = c.document_id WHERE c.id = ?""",
        (clause_id,),
    ).fetchone()
    key, identity, doc_title, path, title, text = clause
    cursor = conn.execute(
        """INSERT INTO annotations (clause_id, key, document_identity, document_title, path, text_snapshot,
               author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (clause_id, key, identity, doc_title, path, snapshot(title, text), author, stamp, stamp),
    )
    return cursor.lastrowid, "unreviewed", ""


def snapshot(title: str, text: str) -> str:
    """A clause as one text: what similarity is measured on when a clause is looked for again."""
    return f"{title}\n{text}" if title else text


def _batch(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM history").fetchone()[0]


def _log(conn, annotation_id, field_name, before, after, author, stamp, batch, origin="edit") -> None:
    conn.execute(
        """INSERT INTO history (annotation_id, field, before, after, author, at, origin, batch)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (annotation_id, field_name, before, after, author, stamp, origin, batch),
    )


def _touch(conn, annotation_id, author, stamp) -> None:
    conn.execute("UPDATE annotations SET author = ?, updated_at = ? WHERE id = ?", (author, stamp, annotation_id))


def set_status(store: Store, clause_ids: Iterable[int], status: str, author: str) -> int:
    """Set the review status of clauses; returns how many changed."""
    check_status(status)
    stamp = now()
    changed = 0
    with store.transaction() as conn:
        ids = _check_clauses(conn, clause_ids)
        batch = _batch(conn)
        for clause_id in ids:
            ann_id, before, _note = _ensure(conn, clause_id, author, stamp)
            if before == status:
                continue
            conn.execute("UPDATE annotations SET status = ? WHERE id = ?", (status, ann_id))
            _log(conn, ann_id, "status", before, status, author, stamp, batch)
            _touch(conn, ann_id, author, stamp)
            changed += 1
    return changed


def set_note(store: Store, clause_id: int, note: str, author: str, expected: str | None = None) -> bool:
    """Set a clause's note (control characters made visible); returns whether it changed.
    `expected` is the note as the editor showed it: when the saved note is another one by
    now (and not already the new one), ChangedMeanwhile is raised and nothing is written."""
    note = cleaned(note)
    stamp = now()
    with store.transaction() as conn:
        (clause_id,) = _check_clauses(conn, [clause_id])
        ann_id, _status, before = _ensure(conn, clause_id, author, stamp)
        if before == note:
            return False
        if expected is not None and before != cleaned(expected):
            raise ChangedMeanwhile(clause_id, before, note)
        conn.execute("UPDATE annotations SET note = ? WHERE id = ?", (note, ann_id))
        _log(conn, ann_id, "note", before, note, author, stamp, _batch(conn))
        _touch(conn, ann_id, author, stamp)
    return True


def set_validity(store: Store, clause_ids: Iterable[int], status: str | None, author: str, reason: str = "",
                 reference: str = "") -> int:
    """Give clauses their own validity (None clears it: the document's applies again), with
    a reason and a reference (被〔2021〕21号 第十二条 取代); returns how many changed."""
    from store.analysis import validity

    status = validity.check(status) if status else None
    reason, reference, stamp = cleaned(reason), cleaned(reference), now()
    after = history_value(status, reason, reference)
    changed = 0
    with store.transaction() as conn:
        ids = _check_clauses(conn, clause_ids)
        batch = _batch(conn)
        for clause_id in ids:
            ann_id, _status, _note = _ensure(conn, clause_id, author, stamp)
            before = history_value(*conn.execute(
                "SELECT validity, validity_reason, validity_reference FROM annotations WHERE id = ?", (ann_id,)).fetchone())
            if before == after:
                continue
            _write_validity(conn, ann_id, after)
            _log(conn, ann_id, "validity", before, after, author, stamp, batch)
            _touch(conn, ann_id, author, stamp)
            changed += 1
    return changed


def _write_validity(conn: sqlite3.Connection, ann_id: int, state: str | None) -> None:
    value = json.loads(state) if state else {"status": None, "reason": "", "reference": ""}
    conn.execute("UPDATE annotations SET validity = ?, validity_reason = ?, validity_reference = ? WHERE id = ?",
                 (value["status"], value["reason"], value["reference"], ann_id))


def _tag_id(conn: sqlite3.Connection, name: str, create: bool = True) -> int | None:
    row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
    if row:
        return row[0]
    if not create:
        return None
    return conn.execute("INSERT INTO tags (name) VALUES (?)", (name,)).lastrowid


def add_tags(store: Store, clause_ids: Iterable[int], tags: Iterable[str], author: str) -> int:
    """Add tags to clauses (creating the tags on the fly); returns how many links were new."""
    names = [check_tag(t) for t in tags]
    stamp = now()
    added = 0
    with store.transaction() as conn:
        ids = _check_clauses(conn, clause_ids)
        batch = _batch(conn)
        for name in names:
            tag_id = _tag_id(conn, name)
            for clause_id in ids:
                ann_id, _s, _n = _ensure(conn, clause_id, author, stamp)
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", (ann_id, tag_id)
                )
                if cursor.rowcount:
                    _log(conn, ann_id, "tag", None, name, author, stamp, batch)
                    _touch(conn, ann_id, author, stamp)
                    added += 1
    return added


def remove_tags(store: Store, clause_ids: Iterable[int], tags: Iterable[str], author: str) -> int:
    names = [check_tag(t) for t in tags]
    stamp = now()
    removed = 0
    with store.transaction() as conn:
        ids = _check_clauses(conn, clause_ids)
        batch = _batch(conn)
        for name in names:
            tag_id = _tag_id(conn, name, create=False)
            if tag_id is None:
                continue
            for clause_id in ids:
                row = conn.execute("SELECT id FROM annotations WHERE clause_id = ?", (clause_id,)).fetchone()
                if not row:
                    continue
                cursor = conn.execute(
                    "DELETE FROM annotation_tags WHERE annotation_id = ? AND tag_id = ?", (row[0], tag_id)
                )
                if cursor.rowcount:
                    _log(conn, row[0], "tag", name, None, author, stamp, batch)
                    _touch(conn, row[0], author, stamp)
                    removed += 1
    return removed


def rename_tag(store: Store, old: str, new: str, author: str) -> int:
    """Rename a tag everywhere; when `new` exists already, the two are merged. Returns the
    number of clauses that carried `old`."""
    old, new = check_tag(old), check_tag(new)
    stamp = now()
    with store.transaction() as conn:
        old_id = _tag_id(conn, old, create=False)
        if old_id is None:
            raise NotFoundError(f"no tag named {old!r}")
        if old == new:
            return 0
        new_id = _tag_id(conn, new, create=False)
        annotation_ids = [r[0] for r in conn.execute(
            "SELECT annotation_id FROM annotation_tags WHERE tag_id = ?", (old_id,))]
        batch = _batch(conn)
        if new_id is None:  # the same tag row, renamed: it keeps its color
            conn.execute("UPDATE tags SET name = ? WHERE id = ?", (new, old_id))
            for ann_id in annotation_ids:
                _log(conn, ann_id, "tag", old, new, author, stamp, batch)
        else:
            for ann_id in annotation_ids:
                had_new = conn.execute(
                    "SELECT 1 FROM annotation_tags WHERE annotation_id = ? AND tag_id = ?", (ann_id, new_id)
                ).fetchone()
                conn.execute("DELETE FROM annotation_tags WHERE annotation_id = ? AND tag_id = ?", (ann_id, old_id))
                if had_new:
                    _log(conn, ann_id, "tag", old, None, author, stamp, batch)
                else:
                    conn.execute("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", (ann_id, new_id))
                    _log(conn, ann_id, "tag", old, new, author, stamp, batch)
            _log_color(conn, annotation_ids, old_id, author, stamp, batch)
            conn.execute("DELETE FROM tags WHERE id = ?", (old_id,))
        for ann_id in annotation_ids:
            _touch(conn, ann_id, author, stamp)
        return len(annotation_ids)


def delete_tag(store: Store, name: str, author: str) -> int:
    """Delete a tag from every clause (each removal stays in the history, so undo brings it
    back). Returns the number of clauses that carried it."""
    name = check_tag(name)
    stamp = now()
    with store.transaction() as conn:
        tag_id = _tag_id(conn, name, create=False)
        if tag_id is None:
            raise NotFoundError(f"no tag named {name!r}")
        annotation_ids = [r[0] for r in conn.execute(
            "SELECT annotation_id FROM annotation_tags WHERE tag_id = ?", (tag_id,))]
        batch = _batch(conn)
        for ann_id in annotation_ids:
            _log(conn, ann_id, "tag", name, None, author, stamp, batch)
            _touch(conn, ann_id, author, stamp)
        _log_color(conn, annotation_ids, tag_id, author, stamp, batch)
        conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
        return len(annotation_ids)


def _log_color(conn, annotation_ids: list[int], tag_id: int, author: str, stamp: str, batch: int) -> None:
    """Remember the color of a tag that goes away, so that undo brings it back colored."""
    name, color = conn.execute("SELECT name, color FROM tags WHERE id = ?", (tag_id,)).fetchone()
    if color and annotation_ids:
        _log(conn, annotation_ids[0], "tag-color", name, color, author, stamp, batch)


def set_tag_color(store: Store, name: str, color: str | None) -> None:
    with store.transaction() as conn:
        cursor = conn.execute("UPDATE tags SET color = ? WHERE name = ?", (color, check_tag(name)))
        if not cursor.rowcount:
            raise NotFoundError(f"no tag named {name!r}")


_UNDONE_BATCHES = "SELECT CAST(before AS INTEGER) FROM history WHERE field = 'undo' AND origin = 'undo'"


def undo(store: Store, author: str) -> str | None:
    """Revert the last batch of changes made by `author` that is not yet undone: one edit, or
    one `annotations import` as a whole (annotations it created go again). A field changed by
    someone else since is left alone (and said so). Returns a description, or None when there
    is nothing to undo."""
    stamp = now()
    with store.transaction() as conn:
        row = conn.execute(
            f"""SELECT max(batch) FROM history WHERE author = ?
                AND (origin = 'edit' OR (origin = 'import' AND field = 'import'))
                AND batch NOT IN ({_UNDONE_BATCHES})""",
            (author,),
        ).fetchone()
        if row[0] is None:
            return None
        batch = row[0]
        entries = conn.execute(
            "SELECT id, annotation_id, field, before, after, origin FROM history WHERE batch = ? ORDER BY id DESC",
            (batch,),
        ).fetchall()
        imported = any(e[2] == "import" and e[5] == "import" for e in entries)
        new_batch = _batch(conn)
        reverted, skipped = 0, 0
        renamed_tags: set[tuple[str, str]] = set()
        created = [e[1] for e in entries if e[2] == "created"]
        removed = _remove_created(conn, batch, created)
        skipped += len(created) - len(removed)
        for _id, ann_id, field_name, before, after, origin in entries:
            if field_name in ("tag-color", "import", "created") or origin in ("conflict", "imported-history"):
                continue
            if ann_id in removed:
                continue
            if not conn.execute("SELECT 1 FROM annotations WHERE id = ?", (ann_id,)).fetchone():
                skipped += 1
                continue
            if _revert(conn, ann_id, field_name, before, after):
                _log(conn, ann_id, field_name, after, before, author, stamp, new_batch, origin="undo")
                _touch(conn, ann_id, author, stamp)
                reverted += 1
                if field_name == "tag" and before is not None and after is not None:
                    renamed_tags.add((before, after))
            else:
                skipped += 1
        _restore_tags(conn, renamed_tags, [(e[3], e[4]) for e in entries if e[2] == "tag-color"])
        if imported:
            _drop_unused_tags(conn, {e[4] for e in entries if e[2] == "tag" and e[4] is not None})
        survivor = next((e[1] for e in entries if e[1] not in removed), None)
        if survivor is not None:
            _log(conn, survivor, "undo", str(batch), None, author, stamp, new_batch, origin="undo")
    if imported:
        message = (f"undid the annotation import: {len(removed)} annotation{'s' * (len(removed) != 1)} it created "
                   f"removed, {reverted} change{'s' * (reverted != 1)} reverted")
    else:
        fields = sorted({e[2] for e in entries if e[2] != "tag-color"})
        message = f"undid {reverted} change{'s' * (reverted != 1)} ({', '.join(fields)})"
    if skipped:
        message += f"; {skipped} left alone because they were changed since"
    return message


def _remove_created(conn: sqlite3.Connection, batch: int, annotation_ids: list[int]) -> set[int]:
    """Delete the annotations an undone import created, unless someone changed them since
    (their history then goes on past the import). Returns the ids removed."""
    removed = set()
    for ann_id in annotation_ids:
        later = conn.execute("SELECT 1 FROM history WHERE annotation_id = ? AND batch > ? LIMIT 1",
                             (ann_id, batch)).fetchone()
        if later is None:
            conn.execute("DELETE FROM annotations WHERE id = ?", (ann_id,))
            removed.add(ann_id)
    return removed


def _drop_unused_tags(conn: sqlite3.Connection, names: set[str]) -> None:
    """Tags an undone import brought that are left on no clause and have no color."""
    for name in names:
        conn.execute("""DELETE FROM tags WHERE name = ? AND color IS NULL
                        AND NOT EXISTS (SELECT 1 FROM annotation_tags WHERE tag_id = tags.id)""", (name,))


def _restore_tags(conn: sqlite3.Connection, renamed: set[tuple[str, str]], colors: list[tuple[str, str]]) -> None:
    """After undoing a rename, the new name that is left on no clause goes, its color back to
    the old name; after undoing a deletion or a merge, the old tag gets its color back."""
    for old, new in renamed:
        row = conn.execute("SELECT id, color FROM tags WHERE name = ?", (new,)).fetchone()
        if row is None or conn.execute("SELECT 1 FROM annotation_tags WHERE tag_id = ?", (row[0],)).fetchone():
            continue
        conn.execute("DELETE FROM tags WHERE id = ?", (row[0],))
        if row[1]:
            conn.execute("UPDATE tags SET color = ? WHERE name = ? AND color IS NULL", (row[1], old))
    for name, color in colors:
        conn.execute("UPDATE tags SET color = ? WHERE name = ? AND color IS NULL", (color, name))


def _revert(conn: sqlite3.Connection, ann_id: int, field_name: str, before, after) -> bool:
    if field_name == "validity":
        current = history_value(*conn.execute(
            "SELECT validity, validity_reason, validity_reference FROM annotations WHERE id = ?", (ann_id,)).fetchone())
        if current != after:
            return False
        _write_validity(conn, ann_id, before)
        return True
    if field_name in ("status", "note"):
        current = conn.execute(f"SELECT {field_name} FROM annotations WHERE id = ?", (ann_id,)).fetchone()[0]
        if current != after:
            return False
        conn.execute(f"UPDATE annotations SET {field_name} = ? WHERE id = ?", (before, ann_id))
        return True
    if field_name == "tag":
        if after is not None:
            tag_id = _tag_id(conn, after, create=False)
            if tag_id is None:
                return False
            conn.execute("DELETE FROM annotation_tags WHERE annotation_id = ? AND tag_id = ?", (ann_id, tag_id))
        if before is not None:
            conn.execute("INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
                         (ann_id, _tag_id(conn, before)))
        return True
    return False


# --------------------------------------------------------------------------- re-attachment

PATH_SIMILARITY = 0.6
"""Same document and same clause path: re-attached when the texts are at least this similar."""
TEXT_SIMILARITY = 0.8
"""Same document, another path (the numbering moved): re-attached only when this similar."""


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < TEXT_SIMILARITY * 0.5 or matcher.quick_ratio() < PATH_SIMILARITY * 0.8:
        return 0.0
    return matcher.ratio()


def reattach(conn: sqlite3.Connection, document_ids: Sequence[int],
             renamed: dict[str, str] | None = None) -> tuple[int, int]:
    """After an import: give the unattached annotations of these documents their clause
    again (see match_clauses). `renamed` maps the identities of replaced documents to those
    of their new versions (a new title or 文号 changes a document's identity). Returns
    (re-attached, still orphaned). Runs inside the import's transaction."""
    if not document_ids:
        return 0, 0
    renamed = renamed or {}
    marks = ",".join("?" * len(document_ids))
    identities = {r[0] for r in conn.execute(f"SELECT DISTINCT identity FROM documents WHERE id IN ({marks})",
                                             list(document_ids))}
    wanted = sorted(identities | set(renamed))
    pending = conn.execute(
        f"SELECT id, key, document_identity, path, text_snapshot FROM annotations "
        f"WHERE clause_id IS NULL AND document_identity IN ({','.join('?' * len(wanted))}) ORDER BY id",
        wanted,
    ).fetchall()
    if not pending:
        return 0, 0
    free = "AND c.id NOT IN (SELECT clause_id FROM annotations WHERE clause_id IS NOT NULL)"
    matches = match_clauses(conn, pending, document_ids, renamed, free)
    stamp = now()
    batch = _batch(conn)
    keys = {ann_id: key for ann_id, key, *_ in pending}
    for ann_id, row in matches.items():
        _attach(conn, ann_id, row, keys[ann_id], stamp, batch, "reattach")
    return len(matches), len(pending) - len(matches)


SOURCE_PARTS = 3
"""How much of a file's path an exchanged record names (its folder's folder, its folder, its
name): enough to tell two copies of a document apart, not the rest of a reviewer's paths."""


def match_clauses(conn: sqlite3.Connection, references: Sequence[tuple], document_ids: Sequence[int],
                  renamed: dict[str, str], condition: str = "",
                  sources: dict[object, str] | None = None, shared: bool = False) -> dict[object, tuple]:
    """Find clauses again after a re-import. `references` are (reference id, clause key,
    document identity, path, text) of clauses as they were; the result maps reference ids
    to rows (id, key, identity, path, title, text, document title, source path) of clauses of
    the given documents: first every exact key, then the same path with similar text, then
    very similar text anywhere in the same document. A clause is given to one reference at
    most, and exact keys go first, so an older reference never takes a clause another one
    owns. Two copies of one document (two files) have the same keys: `sources` (reference id
    → the end of the path of the file it came from) picks the copy of the same file first. With `shared`,
    several references may get the same clause (records to merge into one annotation): a
    clause already given is then only the last choice, not excluded."""
    if not references or not document_ids:
        return {}
    marks = ",".join("?" * len(document_ids))
    clauses = conn.execute(
        f"""SELECT c.id, c.key, d.identity, c.path, c.title, c.text, d.title, d.source_path FROM clauses c
            JOIN documents d ON d.id = c.document_id WHERE c.document_id IN ({marks}) {condition}
            ORDER BY c.sort_key""",
        list(document_ids),
    ).fetchall()
    tails = {row[0]: PurePath(row[7]).parts for row in clauses} if sources else {}
    by_key = _grouped(clauses, lambda row: row[1], tails)
    by_path = _grouped(clauses, lambda row: (row[2], row[3]), tails)
    taken: set[int] = set()
    matches: dict[object, tuple] = {}
    sources = sources or {}

    def identity_now(identity: str) -> str:
        return renamed.get(identity, identity)

    def first_open(rows) -> tuple | None:
        row = next((r for r in rows if r[0] not in taken), None)
        return row if row is not None or not shared or not rows else rows[0]

    def free(groups: dict, key, ref) -> tuple | None:
        """The row for a reference: the one from its own file first (the longest common end
        of the paths), then one not taken yet."""
        wanted = PurePath(sources[ref]).parts if ref in sources else ()
        for n in range(min(len(wanted), SOURCE_PARTS), 0, -1):
            row = first_open(groups.get((key, wanted[-n:]), ()))
            if row is not None:
                return row
        return first_open(groups.get(key, ()))

    for ref, key, identity, _path, _text in references:
        current_key = identity_now(identity) + key[len(identity):] if key.startswith(identity) else key
        row = free(by_key, current_key, ref)
        if row:
            matches[ref] = row
            taken.add(row[0])
    for ref, _key, identity, path, text in references:
        if ref in matches:
            continue
        identity = identity_now(identity)
        row = free(by_path, (identity, path), ref)
        if not (row and _similarity(text, snapshot(row[4], row[5])) >= PATH_SIMILARITY):
            row, best = None, TEXT_SIMILARITY
            for candidate in clauses:  # the most similar; the first in reading order on a tie
                if candidate[2] != identity or (candidate[0] in taken and not shared):
                    continue
                score = _similarity(text, snapshot(candidate[4], candidate[5]))
                if score > best or row is None and score >= best:
                    row, best = candidate, score
        if row is not None:
            matches[ref] = row
            taken.add(row[0])
    return matches


def _grouped(rows: list[tuple], key_of, tails: dict[int, tuple[str, ...]]) -> dict:
    """Rows by key, and by (key, an end of their file's path of 1 to SOURCE_PARTS components),
    so that the copy of a reference's own file is looked up, not searched for."""
    groups: dict = {}
    for row in rows:
        key = key_of(row)
        groups.setdefault(key, []).append(row)
        parts = tails.get(row[0], ())
        for n in range(1, min(len(parts), SOURCE_PARTS) + 1):
            groups.setdefault((key, parts[-n:]), []).append(row)
    return groups


def _attach(conn, ann_id, clause_row, old_key, stamp, batch, origin) -> None:
    clause_id, key, identity, path, title, text, doc_title = clause_row[:7]
    conn.execute(
        """UPDATE annotations SET clause_id = ?, key = ?, document_identity = ?, path = ?, text_snapshot = ?,
               document_title = ? WHERE id = ?""",
        (clause_id, key, identity, path, snapshot(title, text), doc_title, ann_id),
    )
    if key != old_key:
        _log(conn, ann_id, "clause", old_key, key, "policy-review", stamp, batch, origin=origin)


def attach_orphan(store: Store, annotation_id: int, clause_id: int, author: str) -> None:
    """Re-attach an orphan by hand to a clause that has no annotation yet."""
    stamp = now()
    with store.transaction() as conn:
        row = conn.execute("SELECT key, clause_id FROM annotations WHERE id = ?", (annotation_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no annotation with id {annotation_id}")
        if row[1] is not None:
            raise PolicyReviewError(f"annotation {annotation_id} is attached to clause {row[1]} already")
        _check_clauses(conn, [clause_id])
        if conn.execute("SELECT 1 FROM annotations WHERE clause_id = ?", (clause_id,)).fetchone():
            raise PolicyReviewError(f"clause {clause_id} has an annotation already")
        clause = conn.execute(f"{_CLAUSE_ROW} WHERE c.id = ?", (clause_id,)).fetchone()
        conn.execute("UPDATE annotations SET document_identity = ? WHERE id = ?", (clause[2], annotation_id))
        _attach(conn, annotation_id, clause, row[0], stamp, _batch(conn), "attach")
        _touch(conn, annotation_id, author, stamp)


# --------------------------------------------------------------------------- exchange


def export_records(conn: sqlite3.Connection) -> list[dict]:
    """One record per annotation, orphans included (clause_id null). `source` is the end of
    the path of the file the clause was imported from (its folder, their folder, its name):
    it tells two copies of one document apart, without the rest of the reviewer's paths."""
    sources = dict(conn.execute(
        """SELECT a.id, d.source_path FROM annotations a JOIN clauses c ON c.id = a.clause_id
           JOIN documents d ON d.id = c.document_id"""))
    records = []
    for ann in all_annotations(conn):
        history = [
            dict(zip(("field", "before", "after", "author", "at", "origin"), row))
            for row in conn.execute(
                "SELECT field, before, after, author, at, origin FROM history WHERE annotation_id = ? ORDER BY id",
                (ann.id,),
            )
        ]
        record = {
            "clause_id": ann.clause_id,
            "key": ann.key,
            "document": ann.document_title,
            "path": ann.path,
            "text": ann.text_snapshot,
            "tags": ann.tags,
            "note": ann.note,
            "status": ann.status,
            "author": ann.author,
            "updated_at": ann.updated_at,
            "history": history,
        }
        if ann.id in sources:
            record["source"] = "/".join(PurePath(sources[ann.id]).parts[-SOURCE_PARTS:])
        if ann.validity:
            reason, reference = conn.execute(
                "SELECT validity_reason, validity_reference FROM annotations WHERE id = ?", (ann.id,)).fetchone()
            record["validity"] = {"status": ann.validity, "reason": reason, "reference": reference}
        records.append(record)
    records.extend({"kind": SAVED_QUERY, **query.to_json()} for query in topics.saved_queries(conn))
    from store.analysis import validity

    return records + validity.export_records(conn)


def _split_key(key: str) -> tuple[str, str]:
    identity, _, rest = key.partition("/")
    path = rest.rsplit("/", 1)[0] if "/" in rest else rest
    return identity, path


def import_records(store: Store, records: Iterable[dict], author: str) -> ImportReport:
    """Merge annotations exported from another database, found by clause key (and the file
    they came from, for two copies of one document). Where both sides changed the same
    field, the newer value wins, whatever the order of the records or of the imports, and
    both are kept in the history. Importing the same records again changes nothing. The
    whole import is one batch that `undo` by `author` reverts in one step. Every record is
    checked before anything is written: a bad one refuses the file."""
    from store.analysis import validity

    records = list(records)
    documents = [r for r in records if isinstance(r, dict) and r.get("kind") == validity.DOCUMENT_RECORD]
    checked, saved = [], []
    for number, record in enumerate(records, 1):
        if isinstance(record, dict) and record.get("kind") == validity.DOCUMENT_RECORD:
            continue
        try:
            if isinstance(record, dict) and record.get("kind") == SAVED_QUERY:
                saved.append(topics.check_record(record))
            else:
                checked.append(_checked_record(record))
        except PolicyReviewError as exc:
            raise PolicyReviewError(f"record {number}: not a policy-review annotation ({exc})") from None
    report = ImportReport()
    stamp = now()
    author = cleaned(author)
    with store.transaction() as conn:
        batch = _batch(conn)
        clauses = _clauses_for_records(conn, checked)
        touched: list[int] = []
        for number, record in enumerate(checked):
            ann_id = _merge_record(conn, record, clauses.get(number), author, stamp, batch, report)
            if ann_id is not None:
                touched.append(ann_id)
        try:
            validity.import_records(conn, documents, author)
        except PolicyReviewError as exc:
            raise PolicyReviewError(f"a document's validity: not a policy-review record ({exc})") from None
        if touched and conn.execute("SELECT 1 FROM history WHERE batch = ? LIMIT 1", (batch,)).fetchone():
            _log(conn, touched[0], "import", f"{len(checked)} records", None, author, stamp, batch, origin="import")
        report.queries = _merge_saved_queries(conn, saved)
    return report


def _merge_saved_queries(conn: sqlite3.Connection, incoming: list[topics.SavedQuery]) -> int:
    """Saved queries from another database: a new name is added; a name both have takes the
    newer query (as annotations' fields do). Returns how many were added or changed."""
    changed = 0
    for query in incoming:
        row = conn.execute("SELECT query, updated_at FROM saved_queries WHERE name = ?", (query.name,)).fetchone()
        if row is None:
            conn.execute("INSERT INTO saved_queries (name, query, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                         (query.name, query.query, query.author, query.created_at, query.updated_at))
        elif row[0] != query.query and _newer(query.updated_at, row[1]):
            conn.execute("UPDATE saved_queries SET query = ?, author = ?, updated_at = ? WHERE name = ?",
                         (query.query, query.author, query.updated_at, query.name))
        else:
            continue
        changed += 1
    return changed


def _merge_record(conn, record: dict, clause: tuple | None, author: str, stamp: str, batch: int,
                  report: ImportReport) -> int | None:
    key, status, note, incoming_at = record["key"], record["status"], record["note"], record["updated_at"]
    incoming_author = record["author"] or author
    if clause is not None:
        existing = conn.execute("SELECT id, status, note, updated_at FROM annotations WHERE clause_id = ?",
                                (clause[0],)).fetchone()
    else:
        existing = conn.execute(
            "SELECT id, status, note, updated_at FROM annotations WHERE clause_id IS NULL AND key = ?",
            (key,)).fetchone()
    if existing is None:
        identity, path = _split_key(key)
        cursor = conn.execute(
            """INSERT INTO annotations (clause_id, key, document_identity, document_title, path,
                   text_snapshot, note, status, author, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (clause[0] if clause else None, clause[1] if clause else key, identity,
             clause[6] if clause else record["document"], clause[3] if clause else path,
             snapshot(clause[4], clause[5]) if clause else record["text"], note, status, incoming_author,
             stamp, incoming_at or stamp),
        )
        ann_id = cursor.lastrowid
        _log(conn, ann_id, "created", None, key, author, stamp, batch, origin="import")
        report.created += 1
        if clause is None:
            report.orphaned += 1
    else:
        ann_id, local_status, local_note, local_at = existing
        report.merged += 1
        newer = _newer(incoming_at, local_at)
        applied = False
        for field_name, local, incoming, default in (("status", local_status, status, "unreviewed"),
                                                     ("note", local_note, note, "")):
            if local == incoming or incoming == default:
                continue
            if local != default:
                if not newer and _recorded(conn, ann_id, field_name, incoming):
                    continue  # this older value was met and reported before: a replay
                report.conflicts.append(f"{key} {field_name}: {local!r} here, {incoming!r} imported")
                _log(conn, ann_id, field_name, None, local, author, stamp, batch, origin="conflict")
                if not newer:
                    _log(conn, ann_id, field_name, None, incoming, incoming_author, incoming_at or stamp, batch,
                         origin="conflict")
                    continue
            conn.execute(f"UPDATE annotations SET {field_name} = ? WHERE id = ?", (incoming, ann_id))
            _log(conn, ann_id, field_name, local, incoming, incoming_author, stamp, batch, origin="import")
            applied = True
        if applied and newer:  # the annotation is now as recent as what was imported
            conn.execute("UPDATE annotations SET author = ?, updated_at = ? WHERE id = ?",
                         (incoming_author, incoming_at, ann_id))
    _merge_validity(conn, ann_id, record["validity"], incoming_at, incoming_author, stamp, batch)
    for name in record["tags"]:
        cursor = conn.execute("INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
                              (ann_id, _tag_id(conn, name)))
        if cursor.rowcount:
            _log(conn, ann_id, "tag", None, name, incoming_author, stamp, batch, origin="import")
    _merge_history(conn, ann_id, record["history"], batch)
    return ann_id


def _merge_validity(conn, ann_id: int, incoming: str | None, incoming_at: str, author: str, stamp: str,
                    batch: int) -> None:
    """A clause's validity from another database: taken when it is newer than this one's
    annotation, or when this one has none."""
    if incoming is None:
        return
    local_at, *local = conn.execute("SELECT updated_at, validity, validity_reason, validity_reference FROM annotations "
                                    "WHERE id = ?", (ann_id,)).fetchone()
    before = history_value(*local)
    if before == incoming or (before is not None and not _newer(incoming_at, local_at)):
        return
    _write_validity(conn, ann_id, incoming)
    _log(conn, ann_id, "validity", before, incoming, author, stamp, batch, origin="import")


def _recorded(conn: sqlite3.Connection, ann_id: int, field_name: str, value: str) -> bool:
    """Whether this value of the field is on record already as an imported conflict (in a
    batch not undone since)."""
    return conn.execute(
        f"""SELECT 1 FROM history WHERE annotation_id = ? AND field = ? AND after = ? AND origin = 'conflict'
            AND batch NOT IN ({_UNDONE_BATCHES}) LIMIT 1""",
        (ann_id, field_name, value),
    ).fetchone() is not None


def _clauses_for_records(conn: sqlite3.Connection, records: list[dict]) -> dict[int, tuple]:
    """The clause each record belongs to (record index → clause row), found as after a
    re-import (match_clauses) among the documents of its identity, one document identity at a
    time: the clauses of a document are read once, however many records it has. A record
    without text (written by hand) can only be matched by key or path."""
    by_identity: dict[str, list[int]] = {}
    for number, record in enumerate(records):
        by_identity.setdefault(_split_key(record["key"])[0], []).append(number)
    found: dict[int, tuple] = {}
    for identity, numbers in by_identity.items():
        document_ids = [row[0] for row in conn.execute("SELECT id FROM documents WHERE identity = ?", (identity,))]
        if not document_ids:
            continue
        with_text = [n for n in numbers if records[n]["text"]]
        references = [(n, records[n]["key"], identity, _split_key(records[n]["key"])[1], records[n]["text"])
                      for n in with_text]
        found.update(match_clauses(conn, references, document_ids, {},
                                   sources={n: records[n]["source"] for n in with_text}, shared=True))
        for n in numbers:
            if n in found or records[n]["text"]:
                continue
            key, path = records[n]["key"], _split_key(records[n]["key"])[1]
            row = conn.execute(f"{_CLAUSE_ROW} WHERE c.key = ? OR (d.identity = ? AND c.path = ?) "
                               "ORDER BY c.key = ? DESC", (key, identity, path, key)).fetchone()
            if row is not None:
                found[n] = row
    return found


_CLAUSE_ROW = """SELECT c.id, c.key, d.identity, c.path, c.title, c.text, d.title, d.source_path FROM clauses c
                 JOIN documents d ON d.id = c.document_id"""


def _newer(stamp: str, than: str) -> bool:
    """Whether one time stamp (db.now(): local time with its UTC offset) is later than
    another: compared as instants, so reviewers in other time zones are ordered right."""
    try:
        return datetime.strptime(stamp, _STAMP) > datetime.strptime(than, _STAMP)
    except ValueError:
        return stamp > than


_STAMP = "%Y-%m-%dT%H:%M:%S%z"


_HISTORY_FIELDS = ("field", "before", "after", "author", "at", "origin")


def _checked_record(record) -> dict:
    """The fields of an exchanged record, with their types checked and their text cleaned of
    control characters (store.untrusted.cleaned): a file edited by hand or written by another
    tool must be refused with a reason, not half imported, and cannot drive a terminal."""
    if not isinstance(record, dict):
        raise PolicyReviewError("expected a JSON object")
    if not isinstance(record.get("key"), str) or not record["key"]:
        raise PolicyReviewError("'key' must be a non-empty string")
    checked: dict = {"key": cleaned(record["key"])}
    for name in ("status", "note", "updated_at", "author", "text", "document", "source"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise PolicyReviewError(f"'{name}' must be a string")
        checked[name] = cleaned(value or "")
    checked["status"] = check_status(checked["status"] or "unreviewed")
    checked["validity"] = _checked_validity(record.get("validity"))
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise PolicyReviewError("'tags' must be a list of strings")
    checked["tags"] = [check_tag(t) for t in tags]
    history = record.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(entry, dict) and all(entry.get(k) is None or isinstance(entry.get(k), str) for k in _HISTORY_FIELDS)
        for entry in history
    ):
        raise PolicyReviewError("'history' must be a list of objects with string fields")
    checked["history"] = [{k: None if entry.get(k) is None else cleaned(entry[k]) for k in _HISTORY_FIELDS}
                          for entry in history]
    return checked


def _checked_validity(value) -> str | None:
    if value is None:
        return None
    from store.analysis import validity

    if not isinstance(value, dict) or not all(isinstance(value.get(k, ""), str) for k in ("status", "reason", "reference")):
        raise PolicyReviewError("'validity' must be an object of strings")
    return history_value(validity.check(value["status"]), cleaned(value.get("reason", "")),
                           cleaned(value.get("reference", ""))) if value.get("status") else None


def _merge_history(conn: sqlite3.Connection, ann_id: int, entries: list[dict], batch: int) -> None:
    """Bring the other database's history along, without duplicating what is already here."""
    if not entries:
        return
    have = set(conn.execute("SELECT field, before, after, author, at FROM history WHERE annotation_id = ?",
                            (ann_id,)).fetchall())
    for entry in entries:
        row = (entry["field"] or "", entry["before"], entry["after"], entry["author"] or "", entry["at"] or "")
        if row in have or not row[0]:
            continue
        have.add(row)
        conn.execute(
            """INSERT INTO history (annotation_id, field, before, after, author, at, origin, batch)
               VALUES (?, ?, ?, ?, ?, ?, 'imported-history', ?)""",
            (ann_id, *row, batch),
        )


def write_jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
