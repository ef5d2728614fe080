"""Importing files into the store: one transaction per file, so a failure leaves the
database as it was, and annotations follow their clauses when a document is re-imported."""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from store import annotations, index, regions
from store.db import MAX_CLAUSES_PER_DOCUMENT, Store, now, sort_key
from store.errors import InputError, PolicyReviewError
from store.model import Node, ParsedDocument, ParsedFile
from store.normalize import fold
from store.parse import parse_source
from store.readers import FOLDER_SUFFIXES, MAX_BYTES, read_path


@dataclass
class ImportResult:
    path: str
    status: str  # imported | replaced | unchanged | refused
    message: str = ""
    documents: int = 0
    clauses: int = 0
    document_ids: list[int] = field(default_factory=list)
    reattached: int = 0
    orphaned: int = 0

    @property
    def ok(self) -> bool:
        return self.status != "refused"


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | tuple[Path, str]]:
    """Files to import, folders walked recursively in name order; a missing path is yielded
    as (path, reason) so that it is reported with the others."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in FOLDER_SUFFIXES and not child.name.startswith("."):
                    yield child
        elif path.exists():
            yield path
        else:
            yield (path, "no such file or folder")


def import_paths(
    store: Store,
    paths: Iterable[Path],
    province: str | None = None,
    max_bytes: int = MAX_BYTES,
    on_start: Callable[[Path, int, int], None] | None = None,
    on_result: Callable[[ImportResult, int, int], None] | None = None,
) -> list[ImportResult]:
    """Import files and folders one file (one transaction) at a time. `on_start(path,
    index, total)` and `on_result(result, done, total)` report progress."""
    items = list(expand_paths(paths))
    results = []
    for position, item in enumerate(items):
        if isinstance(item, tuple):
            result = ImportResult(str(item[0]), "refused", item[1])
        else:
            if on_start:
                on_start(item, position, len(items))
            result = import_file(store, item, province=province, max_bytes=max_bytes)
        results.append(result)
        if on_result:
            on_result(result, position + 1, len(items))
    return results


def summarize(results: list[ImportResult]) -> tuple[dict[str, int], str]:
    """Files per outcome, and the same as a line: "3 imported, 1 refused"."""
    counts = {"imported": 0, "replaced": 0, "unchanged": 0, "refused": 0}
    for result in results:
        counts[result.status] += 1
    return counts, ", ".join(f"{n} {status}" for status, n in counts.items() if n)


def import_file(store: Store, path: Path, province: str | None = None, max_bytes: int = MAX_BYTES) -> ImportResult:
    """Import one file; never raises for bad input: the result says why it was refused."""
    source = str(path.resolve())
    try:
        place = _place(province) if province is not None else None  # before anything is read
        source_data = read_path(path, max_bytes)
        sha = source_data.sha256
        same = store.conn.execute(
            "SELECT source_path, province, region FROM documents WHERE source_sha256 = ? "
            "ORDER BY source_path = ? DESC LIMIT 1",
            (sha, source),
        ).fetchone()
        if same and (place is None or (place.province, place.region) == (same[1], same[2])):
            where = "" if same[0] == source else f" (same content as {same[0]})"
            return ImportResult(str(path), "unchanged", f"unchanged{where}")
        parsed = parse_source(source_data, file=str(path), province=province)
        if not any(_count_clauses(doc.nodes) for doc in parsed.documents):
            raise InputError("no text left after removing boilerplate")
        return _store_parsed(store, parsed, source, sha)
    except PolicyReviewError as exc:
        return ImportResult(str(path), "refused", str(exc))
    except (UnicodeError, ValueError, RecursionError) as exc:  # a parser bug must not abort a batch
        return ImportResult(str(path), "refused", f"could not be parsed ({type(exc).__name__}: {exc})")


def _place(name: str) -> regions.Place:
    place = regions.place_from_name(name)
    if place is None:
        raise InputError(f"unknown province {name!r}")
    return place


def _store_parsed(store: Store, parsed: ParsedFile, source: str, sha: str) -> ImportResult:
    with store.transaction() as conn:
        old = conn.execute("SELECT id, part, kind, label, identity FROM documents WHERE source_path = ?",
                           (source,)).fetchall()
        old_ids = [row[0] for row in old]
        saved_selection = _selected_clauses(conn, old_ids)
        for document_id in old_ids:
            delete_document(conn, document_id)
        main_title = next((d.title for d in parsed.documents if d.kind == "main" and d.title), Path(source).stem)
        ids, total = [], 0
        stamp = now()
        for part, doc in enumerate(parsed.documents):
            document_id, count = _insert_document(conn, doc, part, source, sha, parsed.encoding, main_title, stamp)
            ids.append(document_id)
            total += count
        renamed = _renamed_identities(conn, old, ids)
        reattached, orphaned = annotations.reattach(conn, ids, renamed)
        lost_selection = _restore_selection(conn, saved_selection, ids, renamed)
    status = "replaced" if old_ids else "imported"
    message = f"{'re-imported' if old_ids else 'imported'} {total} clauses in {len(ids)} document{'s' * (len(ids) != 1)}"
    if orphaned:
        message += f"; {orphaned} annotation{'s' * (orphaned != 1)} left as orphans"
    if lost_selection:
        message += f"; {lost_selection} selected clause{'s' * (lost_selection != 1)} no longer found"
    return ImportResult(str(parsed.file), status, message, len(ids), total, ids, reattached, orphaned)


def _renamed_identities(conn: sqlite3.Connection, old: list[tuple], new_ids: list[int]) -> dict[str, str]:
    """Old identity → new identity of the documents of a re-imported file whose title or 文号
    changed: the same unit (kind and attachment label, else position) in the new version."""
    new = [conn.execute("SELECT part, kind, label, identity FROM documents WHERE id = ?", (i,)).fetchone()
           for i in new_ids]
    renamed = {}
    for _id, part, kind, label, identity in old:
        same = [n for n in new if (n[1], n[2]) == (kind, label)] or [n for n in new if n[0] == part]
        if len(same) == 1 and same[0][3] != identity:
            renamed[identity] = same[0][3]
    return renamed


def document_identity(doc: ParsedDocument, main_title: str) -> str:
    """Stable across re-imports and databases: title, 文号, kind and attachment label."""
    title = doc.title or f"{doc.kind}:{main_title}"
    basis = "|".join([fold(title), fold(doc.doc_number or ""), doc.kind, fold(doc.label)])
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def clause_key(identity: str, path: str, folded_title: str, folded_text: str) -> str:
    """document identity / clause path / hash of the folded title and text."""
    digest = hashlib.sha1(f"{folded_title}\n{folded_text}".encode("utf-8")).hexdigest()[:8]
    return f"{identity}/{path}/{digest}"


def _insert_document(conn: sqlite3.Connection, doc: ParsedDocument, part: int, source: str, sha: str,
                     encoding: str, main_title: str, stamp: str) -> tuple[int, int]:
    identity = document_identity(doc, main_title)
    province = doc.province or regions.UNKNOWN
    cursor = conn.execute(
        """INSERT INTO documents (source_path, source_sha256, encoding, part, kind, label, title, doc_number,
               issuer, date, recipients, cc, disclosure, province, region, identity, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (source, sha, encoding, part, doc.kind, doc.label, doc.title, doc.doc_number, doc.issuer, doc.date,
         doc.recipients, doc.cc, doc.disclosure, province, doc.region, identity, stamp),
    )
    document_id = cursor.lastrowid
    clauses: list[tuple] = []
    _flatten(conn, document_id, doc.nodes, None, "", 1, clauses, itertools.count())
    if len(clauses) > MAX_CLAUSES_PER_DOCUMENT:
        raise InputError(f"too many clauses in one document ({len(clauses)})")
    rows, indexed = [], []
    for ordinal, (section_id, label, title, text, path, line) in enumerate(clauses):
        key = sort_key(province, document_id, ordinal)
        clause_forms = index.forms(title, text)
        rows.append((document_id, section_id, ordinal, key, label, title, text, path,
                     clause_key(identity, path, clause_forms[0], clause_forms[1]), line))
        indexed.append((key, *clause_forms))
    conn.executemany(
        """INSERT INTO clauses (document_id, section_id, ordinal, sort_key, label, title, text, path, key, line)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )
    index.add_forms(conn, indexed)
    conn.execute("UPDATE documents SET clause_count = ? WHERE id = ?", (len(rows), document_id))
    return document_id, len(rows)


def _flatten(conn: sqlite3.Connection, document_id: int, nodes: list[Node], parent_id: int | None,
             parent_path: str, depth: int, clauses: list[tuple], section_ordinals: Iterator[int]) -> None:
    """Sections get rows as they are met (their clause range filled in afterwards); leaves
    become clauses in reading order."""
    paragraph = 0
    used: set[str] = set()
    for node in nodes:
        if node.children:
            path = _unique(parent_path + (node.label or node.title), used)
            first = len(clauses)
            cursor = conn.execute(
                """INSERT INTO sections (document_id, parent_id, depth, ordinal, label, title, path, first_clause,
                       last_clause, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (document_id, parent_id, depth, next(section_ordinals), node.label, node.title, path, first, first,
                 node.line),
            )
            section_id = cursor.lastrowid
            _flatten(conn, document_id, node.children, section_id, path, depth + 1, clauses, section_ordinals)
            conn.execute("UPDATE sections SET last_clause = ? WHERE id = ?", (len(clauses) - 1, section_id))
        else:
            if node.label or node.title:
                path = _unique(parent_path + (node.label or node.title), used)
            else:
                paragraph += 1
                path = _unique(f"{parent_path}¶{paragraph}", used)
            clauses.append((parent_id, node.label, node.title, node.text, path, node.line))


def _unique(path: str, used: set[str]) -> str:
    candidate, n = path, 1
    while candidate in used:
        n += 1
        candidate = f"{path}#{n}"
    used.add(candidate)
    return candidate


def _count_clauses(nodes: list[Node]) -> int:
    return sum(_count_clauses(n.children) if n.children else 1 for n in nodes)


def delete_document(conn: sqlite3.Connection, document_id: int) -> None:
    """Remove a document, its sections and clauses and their index rows. Annotations stay
    (their clause_id becomes NULL) until re-attached or listed as orphans."""
    index.remove(conn, conn.execute("SELECT sort_key, title, text FROM clauses WHERE document_id = ?",
                                    (document_id,)).fetchall())
    conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))


def _selected_clauses(conn: sqlite3.Connection, document_ids: list[int]) -> list[tuple]:
    """The selected clauses of these documents, as references for annotations.match_clauses."""
    if not document_ids:
        return []
    marks = ",".join("?" * len(document_ids))
    return [(clause_id, key, identity, path, annotations.snapshot(title, text))
            for clause_id, key, identity, path, title, text in conn.execute(
                f"""SELECT c.id, c.key, d.identity, c.path, c.title, c.text FROM selection s
                    JOIN clauses c ON c.id = s.clause_id JOIN documents d ON d.id = c.document_id
                    WHERE c.document_id IN ({marks})""",
                document_ids,
            )]


def _restore_selection(conn: sqlite3.Connection, selected: list[tuple], document_ids: list[int],
                       renamed: dict[str, str]) -> int:
    """Select again, in the new version, the clauses that were selected. Returns how many
    could not be found."""
    if not selected:
        return 0
    found = annotations.match_clauses(conn, selected, document_ids, renamed)
    conn.executemany("INSERT OR IGNORE INTO selection (clause_id) VALUES (?)", [(row[0],) for row in found.values()])
    return len(selected) - len(found)
