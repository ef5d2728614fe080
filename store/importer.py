"""Importing files into the store: one transaction per file, so a failure leaves the
database as it was, and annotations follow their clauses when a document is re-imported."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Generator, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from store import analysis, annotations, index, regions, similar, words
from store.db import MAX_CLAUSES_PER_DOCUMENT, Store, describe, now, sort_key
from store.errors import InputError, PolicyReviewError
from store.model import Node, ParsedDocument, ParsedFile
from store.normalize import fold
from store.parse import parse_source
from store.readers import FOLDER_SUFFIXES, FORMATS, MAX_BYTES, read_bytes, read_data
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
    keywords: int = 0  # clauses whose keywords were extracted as they were imported

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


BULK_BYTES = 4_000_000
"""An import of at least this much (the files' sizes added up) is a bulk import: the files
are read, parsed and prepared in worker processes, one per core, while this process writes
what they give back. Below it, starting the workers (about half a second) is not worth it."""


def bulk_workers(plan: ImportPlan) -> int:
    """Worker processes for an import of this plan: one per core for a bulk import, none
    (everything in this process) for a small one or on a single core."""
    cores = os.cpu_count() or 1
    files = plan.files
    if cores < 2 or len(files) < 2:
        return 0
    return min(cores, len(files)) if sum(map(file_size, files)) >= BULK_BYTES else 0


def file_size(path: Path) -> int:
    """Its size in bytes, 0 when it cannot be read (the import says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def import_paths(
    store: Store,
    paths: Iterable[Path] | ImportPlan,
    province: str | None = None,
    max_bytes: int = MAX_BYTES,
    on_start: Callable[[Path, int, int], None] | None = None,
    on_result: Callable[[ImportResult, int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    keywords: bool = False,
    workers: int | None = None,
) -> list[ImportResult]:
    """Import files and folders (or a plan made by plan_folder_import, after the user saw
    it) one file, one transaction, at a time, in the plan's order. `on_start(path, index,
    total)` and `on_result(result, done, total)` report progress. When `cancelled()` becomes
    true the file being imported is left out (its result says "cancelled", and is the last
    one) and the files imported before it stay.

    With `keywords`, each clause's keywords are extracted as its file is prepared (else
    they are left for store.words.fill_keywords). `workers` worker processes read and parse
    the files (None: bulk_workers decides; 0: this process does everything)."""
    plan = paths if isinstance(paths, ImportPlan) else plan_folder_import(paths)
    if workers is None:
        workers = bulk_workers(plan)
    items = plan.items
    prepared = (_prepared_by_workers(store, items, province, max_bytes, keywords, workers) if workers > 0
                else (None for _item in items))
    results = []
    workers_lost = False  # a worker died (out of memory, a reader's crash): the rest is done here
    try:
        for position, item in enumerate(items):
            ready = None
            if not workers_lost:
                try:
                    ready = next(prepared)
                except BrokenProcessPool:
                    workers_lost = True
            if isinstance(item, ImportResult):
                result = item
            else:
                if on_start:
                    on_start(item, position, len(items))
                try:
                    if ready is None:
                        result = import_file(store, item, province=province, max_bytes=max_bytes,
                                             cancelled=cancelled, keywords=keywords)
                    else:
                        check_cancelled = _cancel_check(item, cancelled)
                        result = _store_result(store, _wait(ready, check_cancelled), province, check_cancelled)
                except ImportCancelled:
                    result = ImportResult(str(item), "cancelled", "cancelled; not imported")
                except BrokenProcessPool:
                    workers_lost = True
                    result = ImportResult(str(item), "refused", "the worker process reading it stopped (out of "
                                          "memory?); the other files are imported without workers")
            results.append(result)
            if on_result:
                on_result(result, position + 1, len(items))
            if result.status == "cancelled":
                break
    finally:
        prepared.close()  # stops the workers: nothing more is wanted
    return results


def _wait(ready: Callable[..., PreparedFile | ImportResult],
          check_cancelled: Callable[[], None]) -> PreparedFile | ImportResult:
    """A worker's result, cancel asked about meanwhile (a large PDF can take a while)."""
    while True:
        check_cancelled()
        try:
            return ready(timeout=0.2)
        except TimeoutError:
            continue


def summarize(results: list[ImportResult]) -> tuple[dict[str, int], str]:
    """Files per outcome, and the same as a line: "3 imported, 1 refused"."""
    counts = {"imported": 0, "replaced": 0, "unchanged": 0, "skipped": 0, "refused": 0, "cancelled": 0}
    for result in results:
        counts[result.status] += 1
    return counts, ", ".join(f"{n} {status}" for status, n in counts.items() if n)


def import_file(store: Store, path: Path, province: str | None = None, max_bytes: int = MAX_BYTES,
                cancelled: Callable[[], bool] | None = None, keywords: bool = False) -> ImportResult:
    """Import one file; never raises for bad input: the result says why it was refused. A
    full disk refuses the file too (the next one may fit); other database errors (locked,
    read-only) are raised, since every file would meet them. Raises ImportCancelled when
    `cancelled()` is true at a check between the steps or just before the commit."""
    check_cancelled = _cancel_check(path, cancelled)
    prepared = prepare_file(path, province, max_bytes, keywords, lambda sha, source: _same_content(
        store.conn, sha, source), check_cancelled)
    return _store_result(store, prepared, province, check_cancelled)


def _cancel_check(path: Path, cancelled: Callable[[], bool] | None) -> Callable[[], None]:
    def check_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled(str(path))

    return check_cancelled


def _store_result(store: Store, prepared: PreparedFile | ImportResult, province: str | None,
                  check_cancelled: Callable[[], None]) -> ImportResult:
    """The prepared file stored (a result as it is)."""
    if isinstance(prepared, ImportResult):
        return prepared
    try:
        return _store_prepared(store, prepared, province, check_cancelled)
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_FULL":
            raise
        return ImportResult(prepared.path, "refused", describe(exc))


# --------------------------------------------------------------------------- preparing a file
# Everything an import computes from a file that needs no database: read, parsed, cleaned, and
# turned into rows (clause keys, index tokens, keywords). In a bulk import this runs in a worker
# process; the rows come back to be written.


@dataclass
class PreparedDocument:
    """A document's rows, all but the ids the database gives them."""

    values: dict[str, object]
    """Its `documents` row: column → value (the file's path and sha256 and the time of the
    import are added when it is written)."""
    sections: list[tuple]
    """(parent: position in this list or None, depth, ordinal, label, title, path,
    first_clause, last_clause, line), parents before their children."""
    clauses: list[tuple]
    """(section: position in `sections` or None, *CLAUSE_COLUMNS), in reading order."""
    tokens: list[tuple[str, str, str, str]]
    """Each clause's index tokens (store.index.tokens), in the same order."""
    found: list[analysis.Found]
    """Each clause's agencies and targets (store.analysis), in the same order."""
    terms: list[str]
    """Each clause's row of the similarity index (store.similar.index_terms), in the same order."""


CLAUSE_COLUMNS = ("label", "title", "text", "path", "key", "line", "page_first", "page_last", "rows", "keywords")


@dataclass
class PreparedFile:
    path: str  # as given: what results name
    source: str  # resolved: documents.source_path
    sha: str
    documents: list[PreparedDocument]
    keywords: bool  # whether its clauses' keywords were extracted
    format_note: str  # what the result's message says of the format (_format_note)


def prepare_file(path: Path, province: str | None, max_bytes: int, keywords: bool,
                 same_content: Callable[[str, str], tuple | None],
                 check_cancelled: Callable[[], None]) -> PreparedFile | ImportResult:
    """Read, parse and prepare one file, or the result that says why not (refused, or
    unchanged: `same_content(sha256, source path)` names a stored file with the same bytes)."""
    source = str(path.resolve())
    try:
        check_cancelled()
        if _NOT_UTF8_RE.search(source):
            raise InputError("the file name is not valid UTF-8: rename it (convmv -f gbk -t utf-8 converts "
                             "GBK names from Windows archives)")
        place = _place(province) if province is not None else None  # before anything is read
        _check_size(path, max_bytes)
        data = read_data(path, max_bytes)
        sha = hashlib.sha256(data).hexdigest()
        unchanged = _unchanged(path, source, same_content(sha, source), place)
        if unchanged:
            return unchanged
        check_cancelled()
        parsed = parse_source(read_bytes(data, path.suffix), file=str(path), province=province)
        if not any(_count_clauses(doc.nodes) for doc in parsed.documents):
            raise InputError("no text left after removing boilerplate")
        _clean_text(parsed)
        documents = _prepare_documents(parsed, source, keywords)
        check_cancelled()
        return PreparedFile(str(path), source, sha, documents, keywords, _format_note(parsed))
    except PolicyReviewError as exc:
        return ImportResult(str(path), "refused", str(exc))
    except (UnicodeError, ValueError, RecursionError) as exc:  # a parser bug must not abort a batch
        return ImportResult(str(path), "refused", f"could not be parsed ({type(exc).__name__}: {exc})")


def _unchanged(path: Path, source: str, same: tuple | None, place: regions.Place | None) -> ImportResult | None:
    """The result for a file whose bytes are stored already (`same`: that file's path,
    province and region), unless it is to go under another place now."""
    if same and (place is None or (place.province, place.region) == (same[1], same[2])):
        where = "" if same[0] == source else f" (same content as {same[0]})"
        return ImportResult(str(path), "unchanged", f"unchanged{where}")
    return None


def _same_content(conn: sqlite3.Connection, sha: str, source: str) -> tuple | None:
    return conn.execute(
        "SELECT source_path, province, region FROM documents WHERE source_sha256 = ? "
        "ORDER BY source_path = ? DESC LIMIT 1",
        (sha, source),
    ).fetchone()


def _check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file over the limit before reading it, in the units the user thinks in."""
    size = file_size(path)  # 0 when it cannot be read: read_data says why
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


def _prepare_documents(parsed: ParsedFile, source: str, keywords: bool) -> list[PreparedDocument]:
    main_title = next((d.title for d in parsed.documents if d.kind == "main" and d.title), Path(source).stem)
    info = parsed.info
    documents = []
    for part, doc in enumerate(parsed.documents):
        identity = document_identity(doc, main_title)
        sections: list[tuple] = []
        leaves: list[tuple] = []
        _flatten(doc.nodes, None, "", 1, sections, leaves)
        if len(leaves) > MAX_CLAUSES_PER_DOCUMENT:
            raise InputError(f"too many clauses in one document ({len(leaves)})")
        keywords_found = (words.clause_keywords([words.keyword_text(node.title, node.text) for _s, node, _p in leaves])
                 if keywords else [None] * len(leaves))
        clauses, tokens, terms = [], [], []
        for (section, node, path), clause_words in zip(leaves, keywords_found):
            clause_forms = index.forms(node.title, node.text)
            terms.append(similar.index_terms(clause_forms[0], clause_forms[1]))
            pages = node.pages or (None, None)
            clauses.append((section, node.label, node.title, node.text, path,
                            clause_key(identity, path, clause_forms[0], clause_forms[1]), node.line, pages[0],
                            pages[1], json.dumps(node.rows, ensure_ascii=False) if node.rows is not None else None,
                            clause_words))
            tokens.append(index.tokens(clause_forms))
        values = {
            "encoding": parsed.encoding, "part": part, "kind": doc.kind, "label": doc.label, "title": doc.title,
            "doc_number": doc.doc_number, "issuer": doc.issuer, "date": doc.date, "recipients": doc.recipients,
            "cc": doc.cc, "disclosure": doc.disclosure, "province": doc.province or regions.UNKNOWN,
            "region": doc.region, "identity": identity, "clause_count": len(clauses), "format": parsed.format,
            "reader": parsed.reader, "source_url": info.get("url"), "untitled": int(doc.untitled),
            "validity": info.get("validity") if part == 0 else None, "page_labels": info.get("printed_pages"),
        }
        found = analysis.analyse_clauses(values["province"], doc.region, doc.date,
                                         [(node.title, node.text, node.rows) for _s, node, _p in leaves])
        documents.append(PreparedDocument(values, sections, clauses, tokens, found, terms))
    return documents


def _flatten(nodes: list[Node], parent: int | None, parent_path: str, depth: int, sections: list[tuple],
             leaves: list[tuple]) -> None:
    """Sections as they are met (parents first), each with the range of clause ordinals of
    its subtree; leaves become clauses in reading order: (section, node, path)."""
    paragraph = 0
    used: set[str] = set()
    for node in nodes:
        if node.children:
            path = _unique(parent_path + (node.label or node.title), used)
            position, first = len(sections), len(leaves)
            sections.append(None)  # its place, parents before children
            _flatten(node.children, position, path, depth + 1, sections, leaves)
            sections[position] = (parent, depth, position, node.label, node.title, path, first, len(leaves) - 1,
                                  node.line)
        else:
            if node.label or node.title:
                path = _unique(parent_path + (node.label or node.title), used)
            else:
                paragraph += 1
                path = _unique(f"{parent_path}¶{paragraph}", used)
            leaves.append((parent, node, path))


def _unique(path: str, used: set[str]) -> str:
    candidate, n = path, 1
    while candidate in used:
        n += 1
        candidate = f"{path}#{n}"
    used.add(candidate)
    return candidate


def _count_clauses(nodes: list[Node]) -> int:
    return sum(_count_clauses(n.children) if n.children else 1 for n in nodes)


def document_identity(doc: ParsedDocument, main_title: str) -> str:
    """Stable across re-imports and databases: title, 文号, kind and attachment label."""
    title = doc.title or f"{doc.kind}:{main_title}"
    basis = "|".join([fold(title), fold(doc.doc_number or ""), doc.kind, fold(doc.label)])
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def clause_key(identity: str, path: str, folded_title: str, folded_text: str) -> str:
    """document identity / clause path / hash of the folded title and text."""
    digest = hashlib.sha1(f"{folded_title}\n{folded_text}".encode("utf-8")).hexdigest()[:8]
    return f"{identity}/{path}/{digest}"


# --------------------------------------------------------------------------- worker processes


def _prepared_by_workers(store: Store, items: list, province: str | None, max_bytes: int, keywords: bool,
                         workers: int) -> Generator[Callable[[], PreparedFile | ImportResult] | None, None, None]:
    """For each item of the plan in turn: None for a result already known, else a call that
    waits for the file's PreparedFile (or result) from the workers. A few files ahead are
    given out, so that the workers keep parsing while this process writes. Closing the
    generator stops the workers, after the files they are on."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import resource_tracker

    known: dict[str, list[tuple]] = {}
    for sha, *row in store.conn.execute("SELECT source_sha256, source_path, province, region FROM documents"):
        known.setdefault(sha, []).append(tuple(row))
    # multiprocessing's helper process is given sys.stderr, which must be a real file: in the
    # app it is Textual's capture of what is printed
    with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
        resource_tracker.ensure_running()
    # spawn, not fork: the app imports from a thread, and a forked copy of a threaded process
    # can inherit a lock another thread held
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(known,))
    ahead = 2 * workers + 1
    given: list = []  # per item: its future, None once handed on (or for a result known already)
    try:
        for position in range(len(items)):
            for item in items[len(given):position + 1 + ahead]:
                given.append(None if isinstance(item, ImportResult) else
                             pool.submit(_prepare_in_worker, item, province, max_bytes, keywords))
            future, given[position] = given[position], None
            yield None if future is None else future.result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_KNOWN: dict[str, list[tuple]] = {}
"""In a worker: the files stored when the import began (sha256 → path, province, region)."""


def _start_worker(known: dict[str, list[tuple]]) -> None:
    """A worker leaves Ctrl-C to the importing process (which cancels the import), writes
    nothing on the terminal (the app may be drawing there; its errors travel back with its
    results), and ends as soon as that process is gone (killed: nothing would take what it
    prepares)."""
    import multiprocessing
    import signal
    import threading
    from multiprocessing.connection import wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    _KNOWN.update(known)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (wait([parent.sentinel]), os._exit(1)), daemon=True).start()


def _prepare_in_worker(path: Path, province: str | None, max_bytes: int, keywords: bool) -> PreparedFile | ImportResult:
    return prepare_file(path, province, max_bytes, keywords, _known_content, lambda: None)


def _known_content(sha: str, source: str) -> tuple | None:
    rows = _KNOWN.get(sha)
    if not rows:
        return None
    return next((row for row in rows if row[0] == source), rows[0])


# --------------------------------------------------------------------------- storing a file


def _store_prepared(store: Store, prepared: PreparedFile, province: str | None,
                    check_cancelled: Callable[[], None]) -> ImportResult:
    """One transaction: the file's old documents replaced by the new ones, annotations and
    the selection re-attached."""
    source, sha = prepared.source, prepared.sha
    with store.transaction() as conn:
        # Read again under the write lock: a file of the same import may have brought these bytes.
        unchanged = _unchanged(Path(prepared.path), source, _same_content(conn, sha, source),
                               _place(province) if province is not None else None)
        if unchanged:
            return unchanged
        old = conn.execute("SELECT id, part, kind, label, identity FROM documents WHERE source_path = ?",
                           (source,)).fetchall()
        old_ids = [row[0] for row in old]
        saved_selection = _selected_clauses(conn, old_ids)
        for document_id in old_ids:
            delete_document(conn, document_id)
        ids, total = [], 0
        stamp = now()
        for doc in prepared.documents:
            document_id, count = _insert_document(conn, doc, source, sha, stamp)
            ids.append(document_id)
            total += count
        renamed = _renamed_identities(conn, old, ids)
        reattached, orphaned = annotations.reattach(conn, ids, renamed)
        lost_selection = _restore_selection(conn, saved_selection, ids, renamed)
        check_cancelled()  # the last moment the file can still be left out
    status = "replaced" if old_ids else "imported"
    message = (f"{'re-imported' if old_ids else 'imported'} {total} clause{'s' * (total != 1)} in {len(ids)} "
               f"document{'s' * (len(ids) != 1)}{prepared.format_note}")
    if orphaned:
        message += f"; {orphaned} annotation{'s' * (orphaned != 1)} left as orphans"
    if lost_selection:
        message += f"; {lost_selection} selected clause{'s' * (lost_selection != 1)} no longer found"
    return ImportResult(prepared.path, status, message, len(ids), total, ids, reattached, orphaned,
                        total if prepared.keywords else 0)


def _format_note(parsed: ParsedFile) -> str:
    """What the per-file line says of the file's format: ' (PDF document, 33 pages)'."""
    if parsed.format == "text":
        return ""
    pages = parsed.info.get("pages")
    what = FORMATS[parsed.format].description
    warnings = "; " + "; ".join(parsed.warnings) if parsed.warnings else ""
    return f" ({what}, {pages} page{'s' * (pages != '1')}{warnings})" if pages else f" ({what}{warnings})"


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


def _insert_document(conn: sqlite3.Connection, doc: PreparedDocument, source: str, sha: str,
                     stamp: str) -> tuple[int, int]:
    """Write one prepared document: its row, sections, clauses and index rows. Returns its
    id and number of clauses. Per-document work that needs the ids (rows of other tables
    keyed by the document or its clauses) belongs here; what can be computed from the text
    alone belongs in _prepare_documents, which a bulk import runs in its workers."""
    columns = ", ".join(doc.values)
    cursor = conn.execute(
        f"INSERT INTO documents (source_path, source_sha256, imported_at, {columns}) "
        f"VALUES (?, ?, ?{', ?' * len(doc.values)})",
        (source, sha, stamp, *doc.values.values()),
    )
    document_id = cursor.lastrowid
    section_ids: list[int] = []
    for parent, *section in doc.sections:
        section_ids.append(conn.execute(
            """INSERT INTO sections (document_id, parent_id, depth, ordinal, label, title, path, first_clause,
                   last_clause, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (document_id, None if parent is None else section_ids[parent], *section),
        ).lastrowid)
    first_key = sort_key(doc.values["province"], document_id, 0)
    conn.executemany(
        f"""INSERT INTO clauses (document_id, section_id, ordinal, sort_key, {', '.join(CLAUSE_COLUMNS)})
           VALUES (?, ?, ?, ?{', ?' * len(CLAUSE_COLUMNS)})""",
        [(document_id, None if section is None else section_ids[section], ordinal, first_key | ordinal, *rest)
         for ordinal, (section, *rest) in enumerate(doc.clauses)],
    )
    index.add_tokens(conn, [(first_key | ordinal, *tokens) for ordinal, tokens in enumerate(doc.tokens)])
    clause_ids = [row[0] for row in conn.execute("SELECT id FROM clauses WHERE document_id = ? ORDER BY ordinal",
                                                 (document_id,))]
    analysis.store_found(conn, document_id, clause_ids, first_key, doc.found, doc.values["validity"])
    similar.add_rows(conn, clause_ids, [(first_key | ordinal, terms) for ordinal, terms in enumerate(doc.terms)])
    return document_id, len(doc.clauses)


def delete_document(conn: sqlite3.Connection, document_id: int) -> None:
    """Remove a document, its sections and clauses and their rows of the search and similarity
    indexes. Annotations stay (their clause_id becomes NULL) until re-attached or listed as orphans."""
    tokens, terms = [], []
    for key, title, text, held in conn.execute(
            """SELECT c.sort_key, c.title, c.text, r.clause_id IS NOT NULL FROM clauses c
               LEFT JOIN similar_rows r ON r.clause_id = c.id WHERE c.document_id = ?""", (document_id,)):
        clause_forms = index.forms(title, text)  # folded once for both indexes
        tokens.append((key, *index.tokens(clause_forms)))
        if held:
            terms.append((key, similar.index_terms(clause_forms[0], clause_forms[1])))
    index.remove_tokens(conn, tokens)
    similar.remove_rows(conn, terms)
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
