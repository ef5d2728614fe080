"""Importing files into the store: one transaction per file, so a failure leaves the
database as it was, and annotations follow their clauses when a document is re-imported."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from store import annotations, index, regions, similar
from store.db import MAX_CLAUSES_PER_DOCUMENT, Store, describe, now, sort_key
from store.errors import InputError, PolicyReviewError
from store.model import Node, ParsedDocument, ParsedFile
from store.normalize import fold
from store.parse import parse_source
from store.readers import FOLDER_SUFFIXES, MAX_BYTES, read_path
from store.untrusted import cleaned

_NOT_UTF8_RE = re.compile("[\udc80-\udcff]")
"""How Python shows the bytes of a file name that is not UTF-8 (surrogateescape)."""


CONFIRM_ABOVE = 40
"""A folder import of more files than this is shown to the user and confirmed first: a folder
picked by mistake (the home folder, a checkout with its .venv) can hold thousands."""


class ImportCancelled(Exception):
    """Raised inside an import when its `cancelled` callback says so: the current file's
    transaction is rolled back, the files done before it stay."""


@dataclass
class ImportResult:
    path: str
    status: str  # imported | replaced | unchanged | skipped | refused | cancelled
    message: str = ""
    documents: int = 0
    clauses: int = 0
    document_ids: list[int] = field(default_factory=list)
    reattached: int = 0
    orphaned: int = 0

    @property
    def ok(self) -> bool:
        return self.status not in ("refused", "cancelled")


@dataclass
class ImportPlan:
    """What an import of some paths would read, found before anything is read: the files in
    import order, and, in their place among them, what cannot be imported (an unreadable
    folder, a link out of the folder given, a missing path) as ImportResults."""

    items: list[Path | ImportResult] = field(default_factory=list)
    from_folders: int = 0  # files found by walking folders (not named one by one)
    hidden: int = 0  # hidden files and folders (.git, .venv) left out

    @property
    def files(self) -> list[Path]:
        return [item for item in self.items if isinstance(item, Path)]

    @property
    def problems(self) -> list[ImportResult]:
        return [item for item in self.items if isinstance(item, ImportResult)]

    @property
    def needs_confirmation(self) -> bool:
        """Whether to show the number of files and ask before importing them."""
        return self.from_folders > CONFIRM_ABOVE


def plan_folder_import(paths: Iterable[Path]) -> ImportPlan:
    """The files an import of `paths` takes: a file as named, whatever its name; a folder
    walked (each folder's files, then its subfolders, in name order) for the formats that
    can be read, skipping hidden files and hidden folders (.git, .venv, caches), never
    following a link out of it (a link to a folder inside it is not followed either: what it
    points to is walked anyway), and naming every folder that cannot be read (a file that
    cannot be read is named when it is imported)."""
    plan = ImportPlan()
    for path in map(Path, paths):
        if path.is_dir():
            found, hidden = _walk(path, plan.items)
            plan.from_folders += found
            plan.hidden += hidden
        elif path.exists():
            plan.items.append(path)
        else:
            plan.items.append(ImportResult(str(path), "refused", "broken link" if path.is_symlink()
                                           else "no such file or folder"))
    return plan


def _walk(root: Path, items: list) -> tuple[int, int]:
    """Walk a folder into `items`: (files found, hidden files and folders left out)."""
    top = root.resolve()
    found = hidden = 0

    def unreadable(exc: OSError) -> None:
        items.append(ImportResult(exc.filename or str(root), "refused",
                                  f"folder cannot be read ({exc.strerror or exc})"))

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        for name in sorted(subfolders):
            sub = here / name
            if sub.is_symlink() and not _inside(sub, top):
                items.append(ImportResult(str(sub), "skipped", f"a link to a folder outside {root}: not followed"))
        hidden += sum(1 for n in subfolders if n.startswith(".")) + sum(1 for n in names if n.startswith("."))
        subfolders[:] = sorted(n for n in subfolders if not n.startswith(".") and not (here / n).is_symlink())
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in FOLDER_SUFFIXES:
                continue
            if path.is_symlink() and not path.exists():
                items.append(ImportResult(str(path), "refused", "broken link"))
            elif path.is_symlink() and not _inside(path, top):
                items.append(ImportResult(str(path), "skipped", f"a link to a file outside {root}: not followed"))
            else:
                items.append(path)
                found += 1
    return found, hidden


def _inside(link: Path, top: Path) -> bool:
    try:
        return link.resolve().is_relative_to(top)
    except (OSError, RuntimeError):  # a loop of links
        return False


def import_paths(
    store: Store,
    paths: Iterable[Path] | ImportPlan,
    province: str | None = None,
    max_bytes: int = MAX_BYTES,
    on_start: Callable[[Path, int, int], None] | None = None,
    on_result: Callable[[ImportResult, int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ImportResult]:
    """Import files and folders (or a plan made by plan_folder_import, after the user saw
    it) one file, one transaction, at a time. `on_start(path, index, total)` and
    `on_result(result, done, total)` report progress. When `cancelled()` becomes true the file
    being imported is left out (its result says "cancelled", and is the last one) and the
    files imported before it stay."""
    plan = paths if isinstance(paths, ImportPlan) else plan_folder_import(paths)
    items = plan.items
    results = []
    for position, item in enumerate(items):
        if isinstance(item, ImportResult):
            result = item
        else:
            if on_start:
                on_start(item, position, len(items))
            try:
                result = import_file(store, item, province=province, max_bytes=max_bytes, cancelled=cancelled)
            except ImportCancelled:
                result = ImportResult(str(item), "cancelled", "cancelled; not imported")
        results.append(result)
        if on_result:
            on_result(result, position + 1, len(items))
        if result.status == "cancelled":
            break
    return results


def summarize(results: list[ImportResult]) -> tuple[dict[str, int], str]:
    """Files per outcome, and the same as a line: "3 imported, 1 refused"."""
    counts = {"imported": 0, "replaced": 0, "unchanged": 0, "skipped": 0, "refused": 0, "cancelled": 0}
    for result in results:
        counts[result.status] += 1
    return counts, ", ".join(f"{n} {status}" for status, n in counts.items() if n)


def import_file(store: Store, path: Path, province: str | None = None, max_bytes: int = MAX_BYTES,
                cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Import one file; never raises for bad input: the result says why it was refused. A
    full disk refuses the file too (the next one may fit); other database errors (locked,
    read-only) are raised, since every file would meet them. Raises ImportCancelled when
    `cancelled()` is true at a check between the steps or just before the commit."""
    source = str(path.resolve())

    def check_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled(str(path))

    try:
        check_cancelled()
        if _NOT_UTF8_RE.search(source):
            raise InputError("the file name is not valid UTF-8: rename it (convmv -f gbk -t utf-8 converts "
                             "GBK names from Windows archives)")
        place = _place(province) if province is not None else None  # before anything is read
        _check_size(path, max_bytes)
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
        check_cancelled()
        parsed = parse_source(source_data, file=str(path), province=province)
        if not any(_count_clauses(doc.nodes) for doc in parsed.documents):
            raise InputError("no text left after removing boilerplate")
        _clean_text(parsed)
        check_cancelled()
        return _store_parsed(store, parsed, source, sha, check_cancelled)
    except PolicyReviewError as exc:
        return ImportResult(str(path), "refused", str(exc))
    except (UnicodeError, ValueError, RecursionError) as exc:  # a parser bug must not abort a batch
        return ImportResult(str(path), "refused", f"could not be parsed ({type(exc).__name__}: {exc})")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_FULL":
            raise
        return ImportResult(str(path), "refused", describe(exc))


def _check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file over the limit before reading it, in the units the user thinks in."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_path says why
    if size > max_bytes and path.is_file():
        limit = _size_text(max_bytes).replace(".0 ", " ")
        raise InputError(f"too large: {_size_text(size)} (limit {limit}); split it into one file per document")


def _size_text(size: int) -> str:
    """50.0 MB, 5.2 KB, 312 bytes."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


_DOCUMENT_TEXT = ("label", "title", "doc_number", "issuer", "date", "recipients", "cc", "disclosure", "region")


def _clean_text(parsed: ParsedFile) -> None:
    """Control characters in what a file says (a C1 control in a title or a clause) made
    visible before they are stored: nothing read from the database can drive a terminal
    (store.untrusted.cleaned)."""
    for doc in parsed.documents:
        for name in _DOCUMENT_TEXT:
            value = getattr(doc, name)
            if value:
                setattr(doc, name, cleaned(value))
        nodes = list(doc.nodes)
        while nodes:
            node = nodes.pop()
            node.label, node.title, node.text = cleaned(node.label), cleaned(node.title), cleaned(node.text)
            if node.rows is not None:
                node.rows = [[cleaned(cell) for cell in row] for row in node.rows]
            nodes.extend(node.children)


def _place(name: str) -> regions.Place:
    place = regions.place_from_name(name)
    if place is None:
        raise InputError(f"unknown province {name!r}")
    return place


def _store_parsed(store: Store, parsed: ParsedFile, source: str, sha: str,
                  check_cancelled: Callable[[], None]) -> ImportResult:
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
            document_id, count = _insert_document(conn, doc, part, source, sha, parsed, main_title, stamp)
            ids.append(document_id)
            total += count
        renamed = _renamed_identities(conn, old, ids)
        reattached, orphaned = annotations.reattach(conn, ids, renamed)
        lost_selection = _restore_selection(conn, saved_selection, ids, renamed)
        check_cancelled()  # the last moment the file can still be left out
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
                     parsed: ParsedFile, main_title: str, stamp: str) -> tuple[int, int]:
    identity = document_identity(doc, main_title)
    province = doc.province or regions.UNKNOWN
    info = parsed.info
    cursor = conn.execute(
        """INSERT INTO documents (source_path, source_sha256, encoding, part, kind, label, title, doc_number,
               issuer, date, recipients, cc, disclosure, province, region, identity, imported_at, format, reader,
               source_url, untitled, validity, page_labels)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (source, sha, parsed.encoding, part, doc.kind, doc.label, doc.title, doc.doc_number, doc.issuer, doc.date,
         doc.recipients, doc.cc, doc.disclosure, province, doc.region, identity, stamp, parsed.format,
         parsed.reader, info.get("url"), int(doc.untitled), info.get("validity") if part == 0 else None,
         info.get("printed_pages")),
    )
    document_id = cursor.lastrowid
    clauses: list[tuple] = []
    _flatten(conn, document_id, doc.nodes, None, "", 1, clauses, itertools.count())
    if len(clauses) > MAX_CLAUSES_PER_DOCUMENT:
        raise InputError(f"too many clauses in one document ({len(clauses)})")
    rows, indexed = [], []
    for ordinal, (section_id, node, path) in enumerate(clauses):
        key = sort_key(province, document_id, ordinal)
        clause_forms = index.forms(node.title, node.text)
        pages = node.pages or (None, None)
        rows.append((document_id, section_id, ordinal, key, node.label, node.title, node.text, path,
                     clause_key(identity, path, clause_forms[0], clause_forms[1]), node.line, pages[0], pages[1],
                     json.dumps(node.rows, ensure_ascii=False) if node.rows is not None else None))
        indexed.append((key, *clause_forms))
    conn.executemany(
        """INSERT INTO clauses (document_id, section_id, ordinal, sort_key, label, title, text, path, key, line,
               page_first, page_last, rows)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
            clauses.append((parent_id, node, path))


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
    """Remove a document, its sections and clauses and their rows of the search and similarity
    indexes. Annotations stay (their clause_id becomes NULL) until re-attached or listed as orphans."""
    index.remove(conn, conn.execute("SELECT sort_key, title, text FROM clauses WHERE document_id = ?",
                                    (document_id,)).fetchall())
    similar.remove(conn, document_id)
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
