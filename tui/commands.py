"""What each `policy-review` command does: thin wrappers that call store/ and print.

Untrusted text (clause text, titles, tags, notes, file names) is printed as rich `Text`, never
as markup, and every line goes through `emit`, which makes control characters visible; JSON
goes through `emit_json`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import sqlite3
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.text import Text

from store import annotations, browse
from store.db import Store, default_db_path, describe
from store.errors import NotFoundError, PolicyReviewError
from store.untrusted import one_line, visible
from tui.colors import safe_color
from tui.exit_status import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK

MATCH_STYLE = "bold black on yellow"
SNIPPET_WIDTH = 60
"""Characters of a clause `search` prints around the first match (`--full` prints it all)."""

MAX_SIZE_MB = 2048
"""The largest --max-size: a file is read into memory whole."""


# --------------------------------------------------------------------------- output

_consoles: dict[bool, Console] = {}


def console(stderr: bool = False) -> Console:
    """A console on the current stdout or stderr (made again when a test redirects them, so
    that colors are decided for the stream written to)."""
    stream = sys.stderr if stderr else sys.stdout
    current = _consoles.get(stderr)
    if current is None or current.file is not stream:
        current = _consoles[stderr] = Console(file=stream, highlight=False, soft_wrap=True)
    return current


def emit(line: Text | str, stderr: bool = False) -> None:
    """Print a line of output, control characters in it made visible (they would otherwise
    retitle the terminal or clear the screen). `visible` keeps lengths, so styles stay put."""
    if isinstance(line, str):
        line = Text(line)
    safe = Text(visible(line.plain), style=line.style, end=line.end)
    safe.spans = list(line.spans)
    console(stderr).print(safe)


def tell(line: Text | str) -> None:
    """A message for the user rather than output: on stderr."""
    emit(line, stderr=True)


def emit_json(data) -> None:
    """One JSON document on stdout: Chinese written as Chinese; C1 controls, DEL and lone
    surrogates, which ensure_ascii=False would write raw, escaped like ASCII control
    characters are."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    sys.stdout.write(_JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


_JSON_UNSAFE_RE = re.compile(r"[\x7f-\x9f\ud800-\udfff]")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def confirm(question: str, refusal: str, yes: bool) -> bool:
    """Whether to go on with something that cannot be undone: --yes, else the user's answer
    on a terminal; without a terminal to ask on, an error that says to add --yes."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise PolicyReviewError(f"{refusal}: add --yes to confirm")
    print(visible(question) + " [y/N] ", end="", file=sys.stderr, flush=True)  # stdout is for output
    return input().strip().lower() in ("y", "yes")


# --------------------------------------------------------------------------- database


def open_store(args: argparse.Namespace, create: bool = False, seed: bool = True) -> Store:
    """The database of --db, else the default one; the default one is created with the
    sample corpus on first use, so a newcomer sees documents at once (not by `stats`, which
    says there is none instead, nor by `import`, which creates it with only what it imports:
    seed=False). A --db that does not exist is created only by `import` and by opening the
    app (create=True): a mistyped path is an error, not a new empty database."""
    if getattr(args, "db", None):
        if not create and not Path(args.db).exists():
            raise NotFoundError(f"{args.db}: no such database (create one with `policy-review import PATH --db {args.db}`)")
        return Store(args.db)
    path = default_db_path()
    fresh = not path.exists()
    if fresh and not seed and not create:
        raise NotFoundError(f"no database yet at {path}: `policy-review` opens the app on the sample documents, "
                            "`policy-review import PATH` imports yours")
    store = Store(path)
    if fresh and seed:
        seed_samples(store)
    return store


def seed_samples(store: Store) -> None:
    """Import the sample corpus; its keywords are extracted by a background process, so that
    loading jieba does not delay the first screen."""
    from sample_db import sample_files
    from store.importer import import_paths
    from tui.segmenter import fill_keywords_in_subprocess

    import_paths(store, sample_files())
    fill_keywords_in_subprocess(store.path)


def _author() -> str:
    from tui.config import load_config

    return annotations.reviewer_name(load_config().reviewer)


def _writable(store: Store) -> Store:
    if store.read_only:
        raise PolicyReviewError(f"cannot save: {store.path} is read-only ({store.read_only_reason})")
    return store


# --------------------------------------------------------------------------- app


def open_app(args: argparse.Namespace) -> int:
    with open_store(args, create=True) as store:
        path = store.path
    from tui.app import PolicyReviewApp

    PolicyReviewApp(path).run()
    return EXIT_OK


# --------------------------------------------------------------------------- import


class CancelOnInterrupt:
    """Ctrl-C during an import: the first one lets the file being imported be left out and
    stops there (the files done stay); a second one stops at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous = None

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, _signum, _frame) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)
        tell(Text("cancelling: the file being imported is left out (Ctrl-C again to stop at once)", style="yellow"))

    def __enter__(self) -> CancelOnInterrupt:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        signal.signal(signal.SIGINT, self._previous)


def _max_bytes(megabytes: float) -> int:
    if not (math.isfinite(megabytes) and 0 < megabytes <= MAX_SIZE_MB):
        raise PolicyReviewError(f"--max-size must be a positive number of MB, at most {MAX_SIZE_MB}")
    return max(1, int(megabytes * 1_048_576))


def cmd_import(args: argparse.Namespace) -> int:
    from store.importer import file_size, import_paths, plan_folder_import, summarize
    from store.words import fill_keywords

    started_at = time.perf_counter()
    max_bytes = _max_bytes(args.max_size)
    province = args.province
    if province:
        from store import regions

        if regions.place_from_name(province) is None:
            raise PolicyReviewError(f"unknown province {province!r}: use a name such as 辽宁, 辽宁省, 忻州 or 全国")
    plan = plan_folder_import(args.paths)
    if plan.needs_confirmation:
        folders = ", ".join(str(p) for p in args.paths if p.is_dir())
        question = f"{len(plan.files)} files to import from {folders}. Import them all?"
        if not confirm(question, f"{len(plan.files)} files to import from {folders}", args.yes):
            tell("nothing imported")
            return EXIT_OK
    seconds = {"plan": time.perf_counter() - started_at}
    with open_store(args, create=True, seed=False) as store:
        _writable(store)
        sizes = {str(path): file_size(path) for path in plan.files}
        files_started = time.perf_counter()
        progress = _progress("importing", total=sum(sizes.values()), unit="bytes")

        def started(path: Path, index: int, total: int) -> None:
            if progress:
                progress.update(progress.task_ids[0], description=f"{index + 1}/{total} {_short(one_line(path.name))}")

        def finished(result, done: int, total: int) -> None:
            if progress:
                progress.advance(progress.task_ids[0], sizes.get(result.path, 0))
            if not args.json:
                line = Text(one_line(result.path))
                line.append(": ")
                if result.ok:
                    line.append(result.message if result.status != "skipped" else f"skipped: {result.message}")
                else:
                    line.append(result.message if result.status == "cancelled" else f"refused: {result.message}",
                                style="red")
                emit(line, stderr=not result.ok)

        with CancelOnInterrupt() as cancel:
            results = import_paths(store, plan, province=province, max_bytes=max_bytes, on_start=started,
                                   on_result=finished, cancelled=cancel, keywords=not args.no_keywords)
        if progress:
            progress.stop()
        seconds["files"] = time.perf_counter() - files_started
        counts, summary = summarize(results)
        not_started = len(plan.items) - len(results)
        keywords_done, keywords_failed = sum(r.keywords for r in results), None
        if not args.no_keywords and not counts["cancelled"] and (counts["imported"] or counts["replaced"]):
            keywords_started = time.perf_counter()
            try:
                keywords_done += _with_progress("extracting keywords", fill_keywords, store)
            except sqlite3.Error as exc:
                keywords_failed = describe(exc)
            seconds["keywords"] = time.perf_counter() - keywords_started
    seconds["total"] = time.perf_counter() - started_at
    cpu = os.times()
    seconds["cpu"], seconds["cpu_workers"] = cpu.user + cpu.system, cpu.children_user + cpu.children_system
    summary = summary or "nothing to import"
    if args.json:
        emit_json({
            "results": [
                {"path": r.path, "status": r.status, "message": r.message, "documents": r.documents,
                 "clauses": r.clauses, "reattached": r.reattached, "orphaned": r.orphaned}
                for r in results
            ],
            "summary": counts,
            "not_started": not_started,
            "keywords": keywords_done,
            "seconds": {phase: round(value, 3) for phase, value in seconds.items()},
        })
    else:
        line = f"{_plural(len(results), 'file')}: {summary}"
        if counts["cancelled"]:
            line += f"; import cancelled, {_plural(not_started, 'file')} not started (run it again to go on)"
        tell(line)
        if keywords_failed:
            tell(f"keywords not extracted: {keywords_failed} (`policy-review keywords` extracts them later)")
    if counts["cancelled"]:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if counts["refused"] or keywords_failed else EXIT_OK


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _progress(description: str, total: float | None = None, unit: str = "clauses"):
    """A progress bar on a terminal (stderr) with the rate and the time left, nothing when
    output is piped. `unit` is "bytes" (shown in MB) or what the counts count."""
    err = console(stderr=True)
    if not err.is_terminal:
        return None
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f} {unit}/s" if task.speed else "", style="progress.data.speed")

    counted = [DownloadColumn(), TransferSpeedColumn()] if unit == "bytes" else [MofNCompleteColumn(), Rate()]
    progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(), *counted,
                        TimeRemainingColumn(), TextColumn("left, taken"), TimeElapsedColumn(), console=err,
                        transient=True)
    progress.add_task(description, total=total)
    progress.start()
    return progress


# --------------------------------------------------------------------------- remove


def cmd_remove(args: argparse.Namespace) -> int:
    from store import removal

    with open_store(args) as store:
        _writable(store)
        found = removal.removal_for(store.conn, args.what)
        if not confirm(f"Remove {found.describe()}?", f"removing {found.describe()}", args.yes):
            tell("nothing removed")
            return EXIT_OK
        done = removal.remove(store, found, _author())
    tell(f"removed {done.describe()}")
    if done.annotated:
        tell("`policy-review annotations orphans` lists the orphans; importing the file again re-attaches them")
    return EXIT_OK


# --------------------------------------------------------------------------- outline


def cmd_outline(args: argparse.Namespace) -> int:
    from store.parse import parse_file

    parsed = parse_file(args.file, province=args.province)
    if args.json:
        emit_json(parsed.to_json(explain=args.explain))
        return EXIT_OK
    emit(Text(f"{parsed.file} ({parsed.format}, {parsed.encoding or parsed.reader})", style="bold"))
    for warning in parsed.warnings:
        tell(Text(f"warning: {warning}", style="yellow"))
    for doc in parsed.documents:
        head = Text(f"[{doc.kind}] ", style="cyan")
        head.append(" ".join(x for x in (doc.label, doc.title or "（无标题）") if x), style="bold")
        meta = [x for x in (doc.doc_number, doc.issuer, doc.date, doc.region or doc.province) if x]
        if meta:
            head.append("  " + " · ".join(meta), style="dim")
        emit(head)
        _print_nodes(doc.nodes, 1)
    if args.explain:
        _print_decisions(parsed.decisions)
    return EXIT_OK


def _print_decisions(decisions) -> None:
    """Each line the parser treated specially: its number, what it became, why, its text."""
    emit(Text("\nwhat the parser made of the lines it treated specially:", style="bold"))
    width = max((len(str(d.line)) for d in decisions), default=1)
    for d in decisions:
        line = Text(f"{d.line:>{width}}  ", style="dim")
        line.append(d.reason, style="cyan" if d.kept else "yellow")
        if d.detail:
            line.append(f" ({one_line(d.detail)})")
        line.append("  " + one_line(d.text[:60]), style="dim")
        emit(line)


def _print_nodes(nodes, depth: int) -> None:
    paragraphs = 0
    for node in nodes:
        if not (node.label or node.title):
            paragraphs += 1
            continue
        if paragraphs:
            emit(Text("  " * depth + f"… {_plural(paragraphs, 'paragraph')}", style="dim"))
            paragraphs = 0
        line = Text("  " * depth)
        line.append(one_line(node.label), style="bold")
        line.append(one_line(node.title))
        if not node.children and node.text:
            line.append(f"  ({len(node.text)} chars)", style="dim")
        emit(line)
        _print_nodes(node.children, depth + 1)
    if paragraphs:
        emit(Text("  " * depth + f"… {_plural(paragraphs, 'paragraph')}", style="dim"))


# --------------------------------------------------------------------------- stats, show


def cmd_stats(args: argparse.Namespace) -> int:
    with open_store(args, seed=False) as store:
        data = browse.stats(store)
    if args.json:
        emit_json(data)
        return EXIT_OK
    emit(f"database: {data['database']} ({data['size_bytes'] / 1_048_576:.1f} MB)")
    for key in ("provinces", "documents", "sources", "sections", "clauses", "annotated_clauses",
                "orphaned_annotations", "tags", "selected_clauses", "clauses_without_keywords"):
        emit(f"{key.replace('_', ' ')}: {data[key]}")
    for place in data["per_province"]:
        name = f"  {place['region']}" if place["region"] else place["province"]
        emit(f"  {name}: {_plural(place['documents'], 'document')}, {_plural(place['clauses'], 'clause')}")
    return EXIT_OK


def _clause_or_fail(store: Store, clause_id: int) -> browse.Clause:
    found = browse.clause(store.conn, clause_id)
    if found is None:
        raise NotFoundError(f"no clause with id {clause_id}")
    return found


def cmd_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        clause = _clause_or_fail(store, args.clause_id)
        cite = browse.citation(store.conn, clause.id)
        document = browse.document(store.conn, clause.document_id)
        ann = annotations.annotation_for(store.conn, clause.id)
        data = {
            "clause_id": clause.id,
            "key": clause.key,
            "province": cite.province,
            "region": cite.region,
            "document_id": document.id,
            "document": document.display_title,
            "source_path": document.source_path,
            "source_url": document.source_url,
            "format": document.format,
            "reader": document.reader,
            "pages": document.pages(clause),
            "line": clause.line,
            "citation": str(cite),
            "doc_number": cite.doc_number,
            "issuer": cite.issuer,
            "date": cite.date,
            "path": cite.path,
            "label": clause.label,
            "title": clause.title,
            "text": clause.text,
            "rows": clause.rows,
            "keywords": browse.keywords(store.conn, clause.id),
            "tags": ann.tags if ann else [],
            "note": ann.note if ann else "",
            "status": ann.status if ann else "unreviewed",
            "history": annotations.history_for(store.conn, clause.id),
        }
    if args.json:
        emit_json(data)
        return EXIT_OK
    emit(Text(str(cite), style="bold"))
    heading = Text(clause.label, style="bold")
    heading.append(clause.title)
    if clause.label or clause.title:
        emit(heading)
    emit(clause.reading_text)
    emit(Text(f"status: {data['status']}   tags: {', '.join(one_line(t) for t in data['tags']) or '-'}", style="dim"))
    if data["note"]:
        emit(f"note: {data['note']}")
    if data["keywords"]:
        emit(Text(f"keywords: {' '.join(data['keywords'])}", style="dim"))
    emit(Text(f"source: {document.source_place(clause)}", style="dim"))
    for entry in data["history"]:
        emit(Text(f"  {entry['at']} {entry['author']}: {entry['field']} {entry['before']!r} → {entry['after']!r}",
                  style="dim"))
    return EXIT_OK


# --------------------------------------------------------------------------- search


def cmd_search(args: argparse.Namespace) -> int:
    from store.search import parse_query, search, snippet

    query = parse_query(" ".join(args.query))  # a malformed or too long query: refused before opening the database
    with open_store(args) as store:
        limit = args.limit or 1 << 62
        result = search(store.conn, query, limit=limit, rank=args.rank)
        if result.total == 0:
            from store.words import suggestion

            result.suggestion = suggestion(query, store.conn, found_nothing=True)
    if args.json:
        data = {"query": result.query, "total": result.total, "results": [h.to_json() for h in result.hits]}
        if result.suggestion:
            data["suggestion"] = result.suggestion
        emit_json(data)
        return EXIT_OK
    for hit in result.hits:
        line = Text()
        line.append(f"{hit.clause_id:>6} ", style="dim")
        line.append(f"{hit.region or hit.province} ", style="cyan")
        line.append(f"《{one_line(hit.document)}》 ", style="bold")
        line.append(browse.display_path(hit.path) + " ", style="magenta")
        line.append_text(_highlighted(hit.title.replace("\n", " "), hit.matches["title"]))
        if hit.title:
            line.append(" ")
        text, spans = hit.text.replace("\n", " "), hit.matches["text"]
        if not args.full:
            text, spans = snippet(text, spans, SNIPPET_WIDTH)
        line.append_text(_highlighted(text, spans))
        emit(line)
    shown = len(result.hits)
    summary = f"{result.total} clause matches" if result.total == 1 else f"{result.total} clauses match"
    if shown < result.total:
        summary += f" (showing {shown}; --limit 0 for all)"
    tell(Text(summary, style="dim"))
    if result.suggestion:
        tell(f"no match for the phrase; try the words apart: policy-review search '{result.suggestion}'")
    return EXIT_OK


def _highlighted(text: str, spans: list[list[int]]) -> Text:
    result = Text(visible(text))
    for start, end in spans:
        result.stylize(MATCH_STYLE, start, end)
    return result


def cmd_keywords(args: argparse.Namespace) -> int:
    from store.words import fill_keywords

    with open_store(args) as store:
        _writable(store)
        indexed = _fill_similarity(store)
        if indexed:
            tell(f"{_plural(indexed, 'clause')} indexed for similar clauses")
        done = _with_progress("extracting keywords", fill_keywords, store)
    tell(f"keywords extracted for {_plural(done, 'clause')}")
    return EXIT_OK


# --------------------------------------------------------------------------- comparing provinces


def cmd_similar(args: argparse.Namespace) -> int:
    from store import similar

    with open_store(args) as store:
        clause = _clause_or_fail(store, args.clause_id)
        if not store.read_only and similar.pending(store.conn):
            _fill_similarity(store)
        cite = browse.citation(store.conn, clause.id)
        matches = similar.similar(store.conn, clause.id, limit=args.limit or 1 << 62, all_documents=args.all_documents)
    scope = "every other document" if args.all_documents else "other provinces"
    if args.json:
        emit_json({"clause_id": clause.id, "citation": str(cite), "province": cite.province,
                   "scope": "documents" if args.all_documents else "provinces",
                   "similar": [m.to_json() for m in matches]})
        return EXIT_OK
    tell(Text(f"similar to {cite} (clause {clause.id}), in {scope}:", style="dim"))
    for match in matches:
        line = Text(f"{match.clause_id:>6} ", style="dim")
        line.append(f"{match.score:.2f} {match.kind:<9} ", style="bold" if match.kind != "related" else "")
        line.append(f"{match.region or match.province} ", style="cyan")
        line.append(f"{one_line(match.document_name)} ", style="bold")
        line.append(browse.display_path(match.path) + " ", style="magenta")
        heading = one_line(match.title)
        line.append(heading + " " if heading else "")
        text = one_line(match.text)
        line.append(text[:SNIPPET_WIDTH] + ("…" if len(text) > SNIPPET_WIDTH else ""))
        emit(line)
    if not matches:
        tell(f"no similar clause in {scope}" + ("" if args.all_documents else " (--all-documents looks in its own too)"))
    return EXIT_OK


def cmd_grid(args: argparse.Namespace) -> int:
    from store import grid, topics

    with open_store(args) as store:
        chosen = [topics.topic(store.conn, t) for t in args.topic] or topics.default_topics(store.conn)
        if not chosen:
            raise PolicyReviewError("say which topics: --topic 社保 --topic '用地 | 土地' (or save queries: "
                                    "policy-review queries save NAME QUERY)")
        coverage = grid.coverage(store.conn, chosen)
    if args.json:
        emit_json(coverage.to_json())
        return EXIT_OK
    if args.markdown:
        from store.export import grid_markdown

        for line in grid_markdown(coverage).splitlines():
            emit(line)
        return EXIT_OK
    _print_grid(coverage, args.documents)
    return EXIT_OK


def _print_grid(coverage, by_document: bool) -> None:
    """The grid as aligned columns: a province without documents dim with —, a topic a
    province has no clause on in red."""
    from rich.cells import cell_len

    names = [one_line(t.name) for t in coverage.topics]
    rows: list[tuple[str, list[int | None], str]] = []
    for row in coverage.rows:
        rows.append((row.short_name, row.counts, "" if row.documents else "dim"))
        if by_document:
            rows.extend((f"  {one_line(d.title)}", d.counts, "dim") for d in row.documents)
    first = max(cell_len(label) for label, _c, _s in [("省份", [], ""), *rows])
    widths = [max(cell_len(name), 3) for name in names]

    def padded(text: str, width: int, right: bool = True) -> str:
        gap = " " * max(0, width - cell_len(text))
        return gap + text if right else text + gap

    head = Text(padded("省份", first, right=False), style="bold")
    for name, width in zip(names, widths):
        head.append("  " + padded(name, width), style="bold")
    emit(head)
    for label, counts, style in rows:
        line = Text(padded(label, first, right=False), style=style)
        for n, width in zip(counts, widths):
            line.append("  ")
            line.append(padded("—" if n is None else str(n), width),
                        style="dim" if n is None else "bold red" if n == 0 else "")
        emit(line)
    for column, topic in enumerate(coverage.topics):
        empty = coverage.empty_provinces(column)
        if empty:
            tell(Text(f"no clause on {one_line(topic.name)} in: {'、'.join(empty)}", style="dim"))


def cmd_queries(args: argparse.Namespace) -> int:
    from store import topics

    with open_store(args) as store:
        action = args.queries_command
        if action == "list":
            saved = topics.saved_queries(store.conn)
            if args.json:
                emit_json([q.to_json() for q in saved])
                return EXIT_OK
            for query in saved:
                line = Text(one_line(query.name), style="bold")
                line.append(f"  {one_line(query.query)}")
                line.append(f"  ({one_line(query.author)}, {query.updated_at})", style="dim")
                emit(line)
            if not saved:
                tell("no saved queries yet: policy-review queries save 社保 '社保 | 养老保险'")
        elif action == "save":
            saved = topics.save(_writable(store), args.name, " ".join(args.query), _author())
            tell(f"saved {saved.name!r}: {saved.query}")
        elif action == "delete":
            topics.delete(_writable(store), args.name)
            tell(f"deleted the saved query {args.name!r}")
    return EXIT_OK


def _with_progress(description: str, fill, store: Store) -> int:
    """`fill(store, progress=…)` (the keywords, the similarity index) with a progress bar in
    clauses on a terminal; returns what it returns."""
    progress = _progress(description, unit="clauses")
    try:
        return fill(store, progress=(lambda d, t: progress.update(progress.task_ids[0], completed=d, total=t))
                    if progress else None)
    finally:
        if progress:
            progress.stop()


def _fill_similarity(store: Store) -> int:
    """Index the clauses the similarity index lacks."""
    from store import similar

    return _with_progress("indexing for similar clauses", similar.fill, store)


# --------------------------------------------------------------------------- annotations


def cmd_tag(args: argparse.Namespace) -> int:
    if not args.add and not args.remove:
        raise PolicyReviewError("say what to do: --add TAG and/or --remove TAG")
    with open_store(args) as store:
        author = _author()
        added = annotations.add_tags(store, args.clause_ids, args.add, author) if args.add else 0
        removed = annotations.remove_tags(store, args.clause_ids, args.remove, author) if args.remove else 0
    tell(f"{_plural(added, 'tag')} added, {removed} removed")
    return EXIT_OK


def cmd_note(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        changed = annotations.set_note(store, args.clause_id, args.text, _author())
    tell("note saved" if changed else "note unchanged")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    annotations.check_status(args.status)
    with open_store(args) as store:
        changed = annotations.set_status(store, args.clause_ids, args.status, _author())
    tell(f"status set to {args.status} on {_plural(changed, 'clause')}")
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    from store.analysis import validity

    with open_store(args) as store:
        message = validity.undo(store, _author())
    tell(message or "nothing to undo")
    return EXIT_OK


def cmd_tags(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        return _tags_action(store, args)


def _tags_action(store: Store, args: argparse.Namespace) -> int:
    author = _author()
    action = args.tags_command
    if action == "list":
        for name, color, count in annotations.list_tags(store.conn):
            line = Text(one_line(name), style=safe_color(color) or "")
            line.append(f"  {count}", style="dim")
            emit(line)
    elif action == "rename":
        n = annotations.rename_tag(store, args.old, args.new, author)
        tell(f"renamed {args.old!r} to {args.new!r} on {_plural(n, 'clause')}")
    elif action == "delete":
        count = dict((name, n) for name, _c, n in annotations.list_tags(store.conn)).get(annotations.check_tag(args.name))
        if count is None:
            raise NotFoundError(f"no tag named {args.name!r}")
        if not confirm(f"Remove tag {args.name!r} from {_plural(count, 'clause')}?",
                       f"deleting {args.name!r} removes it from {_plural(count, 'clause')}", args.yes):
            tell("kept")
            return EXIT_OK
        n = annotations.delete_tag(store, args.name, author)
        tell(f"deleted {args.name!r} from {_plural(n, 'clause')} (policy-review undo brings it back)")
    elif action == "color":
        color = args.color.strip()
        if color and safe_color(color) is None:
            raise PolicyReviewError(f"not a color: {color!r} (a name such as red or green, or #ff8800; '' clears)")
        annotations.set_tag_color(store, args.name, color or None)
    return EXIT_OK


def cmd_annotations(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        return _annotations_action(store, args)


def _annotations_action(store: Store, args: argparse.Namespace) -> int:
    action = args.annotations_command
    if action in ("list", "orphans"):
        items = annotations.orphans(store.conn) if action == "orphans" else annotations.all_annotations(store.conn)
        if args.json:
            emit_json([_annotation_json(a) for a in items])
            return EXIT_OK
        for ann in items:
            line = Text(f"{ann.id:>5} ", style="dim")
            line.append(f"clause {ann.clause_id}" if ann.clause_id else "orphan", style="cyan" if ann.clause_id else "red")
            line.append(f"  《{one_line(ann.document_title)}》{browse.display_path(ann.path)}  ")
            line.append(ann.status, style="bold")
            if ann.tags:
                line.append("  #" + " #".join(one_line(t) for t in ann.tags))
            if ann.note:
                line.append("  " + one_line(ann.note.replace("\n", " ")[:60]))
            emit(line)
            if ann.clause_id is None:  # what it was written on, to re-attach it by hand
                old = ann.text_snapshot.replace("\n", " ")
                emit(Text(f"      was: {old[:200] + '…' if len(old) > 200 else old}", style="dim"))
        if not items:
            tell("no orphaned annotations" if action == "orphans" else "no annotations yet")
        return EXIT_OK
    if action == "export":
        from store.files import write_atomic

        records = annotations.export_records(store.conn)
        write_atomic(args.output, annotations.write_jsonl(records), force=args.force)
        tell(f"wrote {_plural(len(records), 'annotation')} to {args.output}")
        return EXIT_OK
    if action == "import":
        records = _read_jsonl(args.file)
        report = annotations.import_records(store, records, _author())
        tell(f"{report.merged} merged, {report.created} new ({report.orphaned} without their clause: "
             f"see `policy-review annotations orphans`), {_plural(len(report.conflicts), 'conflict')}"
             + (f", {report.queries} saved quer{'ies' if report.queries != 1 else 'y'} added or updated"
                if report.queries else "")
             + ("; `policy-review undo` undoes the import" if report.merged or report.created else ""))
        for conflict in report.conflicts:
            tell(f"  conflict: {conflict} (both kept in the history)")
        return EXIT_OK
    if action == "attach":
        annotations.attach_orphan(store, args.annotation_id, args.clause_id, _author())
        tell(f"annotation {args.annotation_id} attached to clause {args.clause_id}")
        return EXIT_OK
    raise PolicyReviewError(f"unknown action {action!r}")


def _annotation_json(ann: annotations.Annotation) -> dict:
    return {"id": ann.id, "clause_id": ann.clause_id, "key": ann.key, "document": ann.document_title,
            "path": ann.path, "text": ann.text_snapshot, "tags": ann.tags, "note": ann.note, "status": ann.status,
            "author": ann.author, "updated_at": ann.updated_at}


def _read_jsonl(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise PolicyReviewError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyReviewError(f"{path}: cannot read ({exc})") from None
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PolicyReviewError(f"{path}:{number}: not JSON ({exc.msg})") from None
        except RecursionError:
            raise PolicyReviewError(f"{path}:{number}: nested too deeply to be an annotation") from None
        if not isinstance(record, dict):
            raise PolicyReviewError(f"{path}:{number}: expected one JSON object per line")
        records.append(record)
    return records


# --------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    from store import export

    spec = export.ExportSpec(
        selection=args.selection, query=args.query, tags=args.tag, status=args.status,
        group_by=args.group_by, title=args.title, reviewer=_author(), targets=args.targets, grid_topics=args.grid,
        counterparts=args.counterparts,
    )
    template = export.load_template(args.template) if args.template else None
    with open_store(args) as store:
        if args.group_by == "counterparts" and not store.read_only:
            from store.similar import pending

            if pending(store.conn):
                _fill_similarity(store)
        note = export.render(store.conn, spec, template=template)
    if not note.clause_count:
        raise PolicyReviewError(f"nothing to export: no clause fits {_export_scope(args)}; {args.output} not written")
    export.write_note(args.output, note.markdown, force=args.force)
    tell(f"wrote {_plural(note.clause_count, 'clause')} to {args.output}")
    return EXIT_OK


def _export_scope(args: argparse.Namespace) -> str:
    """The options that chose the clauses, as typed: `--selection --tag 税费`."""
    parts = ["--selection"] if args.selection else []
    parts += [f"--query {args.query!r}"] if args.query else []
    parts += [f"--tag {tag!r}" for tag in args.tag]
    parts += [f"--status {args.status}"] if args.status else []
    return " ".join(parts)


# --------------------------------------------------------------------------- who does what by when


def _province_arg(name: str | None) -> str | None:
    if name is None:
        return None
    from store import regions

    place = regions.place_from_name(name)
    if place is None:
        raise PolicyReviewError(f"unknown province {name!r}")
    return place.province


def cmd_agencies(args: argparse.Namespace) -> int:
    from store.analysis import tables

    province = _province_arg(args.province)
    with open_store(args) as store:
        rows = tables.agency_counts(store.conn, province)
    if args.json:
        emit_json({"agencies": [{"agency": r.name, "province": r.province, "lead": r.lead, "partner": r.partner}
                                for r in rows]})
        return EXIT_OK
    for row in rows:
        line = Text(f"{row.lead:>5} lead {row.partner:>5} partner  ", style="dim")
        line.append(f"{row.province} ", style="cyan")
        line.append(row.name, style="bold")
        emit(line)
    tell(f"{len(rows)} agenc{'y' if len(rows) == 1 else 'ies'}" if rows else "no agencies found (none named as lead or partner)")
    return EXIT_OK


def cmd_targets(args: argparse.Namespace) -> int:
    from store.analysis import tables

    province = _province_arg(args.province)
    with open_store(args) as store:
        rows = tables.targets_list(store.conn, province, args.due)
    if args.json:
        emit_json({"targets": [{"clause_id": t.clause_id, "province": t.province, "document": t.document,
                                "path": browse.display_path(t.path), "subject": t.subject, "value": t.value,
                                "value_text": t.value_text, "unit": t.unit, "direction": t.direction,
                                "deadline": t.deadline, "deadline_text": t.deadline_text,
                                "span": [t.span_start, t.span_end]} for t in rows]})
        return EXIT_OK
    for t in rows:
        line = Text(f"{t.clause_id:>6} ", style="dim")
        line.append(f"{t.deadline or '—':<10} ", style="magenta")
        line.append(f"{t.province} ", style="cyan")
        line.append(one_line(t.what), style="bold")
        line.append(f"  《{one_line(t.document)}》{browse.display_path(t.path)}", style="dim")
        emit(line)
    tell(_plural(len(rows), "target") if rows else "no targets found")
    return EXIT_OK


def cmd_validity(args: argparse.Namespace) -> int:
    from store.analysis import validity

    status = None if args.status.strip().lower() in ("clear", "none", "-") else validity.check(args.status)
    what = args.what.strip()
    with open_store(args) as store:
        author = _author()
        if what.lower().startswith("doc:"):
            document_id = _id_in(what[4:])
            changed = validity.set_document(store, document_id, status, author, args.reason, args.reference)
            target = f"document {document_id}"
        else:
            clause_id = _id_in(what)
            changed = annotations.set_validity(store, [clause_id], status, author, args.reason, args.reference)
            target = f"clause {clause_id}"
    shown = status or "as its document (or site) says"
    tell(f"{target}: {shown}" + ("" if changed else " (unchanged)") + ("; `policy-review undo` undoes it" if changed else ""))
    return EXIT_OK


def _id_in(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 1 << 63:
        raise PolicyReviewError(f"not a clause id or doc:ID: {visible(text)!r}")
    return int(text)
