"""What each `policy-review` command does: thin wrappers that call store/ and print.

Untrusted text (clause text, titles, tags, file names) is printed as rich `Text`, never
as markup.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from store import annotations, browse
from store.db import Store, default_db_path
from store.errors import NotFoundError, PolicyReviewError
from store.untrusted import visible
from tui.cli import EXIT_FAILED, EXIT_OK
from tui.colors import safe_color

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

MATCH_STYLE = "bold black on yellow"


# --------------------------------------------------------------------------- database


def open_store(args: argparse.Namespace, create: bool = False) -> Store:
    """The database of --db, else the default one; the default one is created with the
    sample corpus on first use, so a newcomer sees documents at once. A --db that does not
    exist is created only by `import` and by opening the app (create=True): a mistyped path
    is an error, not a new empty database."""
    if getattr(args, "db", None):
        if not create and not Path(args.db).exists():
            raise NotFoundError(f"{args.db}: no such database (create one with `policy-review import PATH --db {args.db}`)")
        return Store(args.db)
    path = default_db_path()
    fresh = not path.exists()
    store = Store(path)
    if fresh:
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


# --------------------------------------------------------------------------- app


def open_app(args: argparse.Namespace) -> int:
    store = open_store(args, create=True)
    path = store.path
    store.close()
    from tui.app import PolicyReviewApp

    PolicyReviewApp(path).run()
    return EXIT_OK


# --------------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    from store.importer import import_paths, summarize
    from store.words import fill_keywords

    if not (math.isfinite(args.max_size) and args.max_size > 0):
        raise PolicyReviewError("--max-size must be a positive number of MB")
    province = args.province
    if province:
        from store import regions

        if regions.place_from_name(province) is None:
            raise PolicyReviewError(f"unknown province {province!r}: use a name such as 辽宁, 辽宁省, 忻州 or 全国")
    store = open_store(args, create=True)
    progress = _progress(None, "importing")

    def started(path: Path, index: int, total: int) -> None:
        if progress:
            progress.update(progress.task_ids[0], description=_short(path.name), completed=index, total=total)

    def finished(result, done: int, total: int) -> None:
        if progress:
            progress.update(progress.task_ids[0], completed=done, total=total)
        if not args.json:
            line = Text()
            line.append(result.path)
            line.append(": ")
            line.append(result.message if result.ok else f"refused: {result.message}",
                        style=None if result.ok else "red")
            (out if result.ok else err).print(line)

    results = import_paths(store, args.paths, province=province, max_bytes=int(args.max_size * 1_048_576),
                           on_start=started, on_result=finished)
    if progress:
        progress.stop()
    counts, summary = summarize(results)
    keywords_done = 0
    if not args.no_keywords and (counts["imported"] or counts["replaced"]):
        kw_progress = _progress(None, "extracting keywords")
        keywords_done = fill_keywords(store, progress=(lambda d, t: kw_progress.update(
            kw_progress.task_ids[0], completed=d, total=t)) if kw_progress else None)
        if kw_progress:
            kw_progress.stop()
    summary = summary or "nothing to import"
    if args.json:
        out.print_json(json.dumps({
            "results": [
                {"path": r.path, "status": r.status, "message": r.message, "documents": r.documents,
                 "clauses": r.clauses, "reattached": r.reattached, "orphaned": r.orphaned}
                for r in results
            ],
            "summary": counts,
            "keywords": keywords_done,
        }, ensure_ascii=False))
    else:
        err.print(Text(f"{len(results)} file{'s' * (len(results) != 1)}: {summary}"))
    return EXIT_FAILED if counts["refused"] else EXIT_OK


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _progress(total: int | None, description: str):
    """A progress bar on a terminal (stderr), nothing when output is piped."""
    if not err.is_terminal:
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, transient=True)
    progress.add_task(description, total=total)
    progress.start()
    return progress


# --------------------------------------------------------------------------- outline


def cmd_outline(args: argparse.Namespace) -> int:
    from store.parse import parse_file

    parsed = parse_file(args.file, province=args.province)
    if args.json:
        print(json.dumps(parsed.to_json(explain=args.explain), ensure_ascii=False, indent=1))
        return EXIT_OK
    out.print(Text(visible(f"{parsed.file} ({parsed.format}, {parsed.encoding or parsed.reader})"), style="bold"))
    for warning in parsed.warnings:
        out.print(Text(visible(f"warning: {warning}"), style="yellow"))
    for doc in parsed.documents:
        head = Text(f"[{doc.kind}] ", style="cyan")
        head.append(" ".join(x for x in (doc.label, doc.title or "（无标题）") if x), style="bold")
        meta = [x for x in (doc.doc_number, doc.issuer, doc.date, doc.region or doc.province) if x]
        if meta:
            head.append("  " + " · ".join(meta), style="dim")
        out.print(head)
        _print_nodes(doc.nodes, 1)
    if args.explain:
        _print_decisions(parsed.decisions)
    return EXIT_OK


def _print_decisions(decisions) -> None:
    """Each line the parser treated specially: its number, what it became, why, its text."""
    out.print(Text("\nwhat the parser made of the lines it treated specially:", style="bold"))
    width = max((len(str(d.line)) for d in decisions), default=1)
    for d in decisions:
        line = Text(f"{d.line:>{width}}  ", style="dim")
        line.append(d.reason, style="cyan" if d.kept else "yellow")
        if d.detail:
            line.append(f" ({visible(d.detail)})")
        line.append("  " + visible(d.text[:60]), style="dim")
        out.print(line)


def _print_nodes(nodes, depth: int) -> None:
    paragraphs = 0
    for node in nodes:
        if not (node.label or node.title):
            paragraphs += 1
            continue
        if paragraphs:
            out.print(Text("  " * depth + f"… {paragraphs} paragraph{'s' * (paragraphs != 1)}", style="dim"))
            paragraphs = 0
        line = Text("  " * depth)
        line.append(node.label, style="bold")
        line.append(node.title)
        if not node.children and node.text:
            line.append(f"  ({len(node.text)} chars)", style="dim")
        out.print(line)
        _print_nodes(node.children, depth + 1)
    if paragraphs:
        out.print(Text("  " * depth + f"… {paragraphs} paragraph{'s' * (paragraphs != 1)}", style="dim"))


# --------------------------------------------------------------------------- stats, show


def cmd_stats(args: argparse.Namespace) -> int:
    store = open_store(args)
    data = browse.stats(store)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return EXIT_OK
    out.print(Text(f"database: {data['database']} ({data['size_bytes'] / 1_048_576:.1f} MB)"))
    for key in ("provinces", "documents", "sources", "sections", "clauses", "annotated_clauses",
                "orphaned_annotations", "tags", "selected_clauses", "clauses_without_keywords"):
        out.print(Text(f"{key.replace('_', ' ')}: {data[key]}"))
    for place in data["per_province"]:
        name = f"  {place['region']}" if place["region"] else place["province"]
        out.print(Text(f"  {name}: {place['documents']} documents, {place['clauses']} clauses"))
    return EXIT_OK


def _clause_or_fail(store: Store, clause_id: int) -> browse.Clause:
    found = browse.clause(store.conn, clause_id)
    if found is None:
        raise NotFoundError(f"no clause with id {clause_id}")
    return found


def cmd_show(args: argparse.Namespace) -> int:
    store = open_store(args)
    clause = _clause_or_fail(store, args.clause_id)
    cite = browse.citation(store.conn, clause.id)
    document = browse.document(store.conn, clause.document_id)
    ann = annotations.annotation_for(store.conn, clause.id)
    data = {
        "clause_id": clause.id,
        "key": clause.key,
        "province": cite.province,
        "region": cite.region,
        "document": document.display_title,
        "citation": str(cite),
        "doc_number": cite.doc_number,
        "issuer": cite.issuer,
        "date": cite.date,
        "path": cite.path,
        "label": clause.label,
        "title": clause.title,
        "text": clause.text,
        "keywords": browse.keywords(store.conn, clause.id),
        "tags": ann.tags if ann else [],
        "note": ann.note if ann else "",
        "status": ann.status if ann else "unreviewed",
        "history": annotations.history_for(store.conn, clause.id),
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return EXIT_OK
    out.print(Text(str(cite), style="bold"))
    heading = Text(clause.label, style="bold")
    heading.append(clause.title)
    if clause.label or clause.title:
        out.print(heading)
    out.print(Text(clause.text))
    out.print(Text(f"status: {data['status']}   tags: {', '.join(data['tags']) or '-'}", style="dim"))
    if data["note"]:
        out.print(Text(f"note: {data['note']}"))
    if data["keywords"]:
        out.print(Text(f"keywords: {' '.join(data['keywords'])}", style="dim"))
    for entry in data["history"]:
        out.print(Text(f"  {entry['at']} {entry['author']}: {entry['field']} {entry['before']!r} → {entry['after']!r}",
                       style="dim"))
    return EXIT_OK


# --------------------------------------------------------------------------- search


def cmd_search(args: argparse.Namespace) -> int:
    from store.search import search

    store = open_store(args)
    limit = args.limit or 1 << 62
    result = search(store.conn, args.query, limit=limit, rank=args.rank)
    if result.total == 0:
        from store.words import suggestion

        result.suggestion = suggestion(args.query, store.conn)
    if args.json:
        data = {"query": result.query, "total": result.total, "results": [h.to_json() for h in result.hits]}
        if result.suggestion:
            data["suggestion"] = result.suggestion
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return EXIT_OK
    for hit in result.hits:
        line = Text()
        line.append(f"{hit.clause_id:>6} ", style="dim")
        line.append(f"{hit.region or hit.province} ", style="cyan")
        line.append(f"《{hit.document}》 ", style="bold")
        line.append(browse.display_path(hit.path) + " ", style="magenta")
        line.append_text(_highlighted(hit.title, hit.matches["title"]))
        if hit.title:
            line.append(" ")
        line.append_text(_highlighted(hit.text.replace("\n", " "), hit.matches["text"]))
        out.print(line)
    shown = len(result.hits)
    summary = f"{result.total} clause matches" if result.total == 1 else f"{result.total} clauses match"
    if shown < result.total:
        summary += f" (showing {shown}; --limit 0 for all)"
    err.print(Text(summary, style="dim"))
    if result.suggestion:
        err.print(Text(f"no match for the phrase; try the words apart: policy-review search '{result.suggestion}'"))
    return EXIT_OK


def _highlighted(text: str, spans: list[list[int]]) -> Text:
    result = Text(text)
    for start, end in spans:
        result.stylize(MATCH_STYLE, start, end)
    return result


def cmd_keywords(args: argparse.Namespace) -> int:
    from store.words import fill_keywords

    store = open_store(args)
    progress = _progress(None, "extracting keywords")
    done = fill_keywords(store, progress=(lambda d, t: progress.update(progress.task_ids[0], completed=d, total=t))
                         if progress else None)
    if progress:
        progress.stop()
    err.print(Text(f"keywords extracted for {done} clause{'s' * (done != 1)}"))
    return EXIT_OK


# --------------------------------------------------------------------------- annotations


def cmd_tag(args: argparse.Namespace) -> int:
    if not args.add and not args.remove:
        raise PolicyReviewError("say what to do: --add TAG and/or --remove TAG")
    store = open_store(args)
    author = _author()
    added = annotations.add_tags(store, args.clause_ids, args.add, author) if args.add else 0
    removed = annotations.remove_tags(store, args.clause_ids, args.remove, author) if args.remove else 0
    err.print(Text(f"{added} tag{'s' * (added != 1)} added, {removed} removed"))
    return EXIT_OK


def cmd_note(args: argparse.Namespace) -> int:
    store = open_store(args)
    changed = annotations.set_note(store, args.clause_id, args.text, _author())
    err.print(Text("note saved" if changed else "note unchanged"))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    annotations.check_status(args.status)
    store = open_store(args)
    changed = annotations.set_status(store, args.clause_ids, args.status, _author())
    err.print(Text(f"status set to {args.status} on {changed} clause{'s' * (changed != 1)}"))
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    store = open_store(args)
    message = annotations.undo(store, _author())
    err.print(Text(message or "nothing to undo"))
    return EXIT_OK


def cmd_tags(args: argparse.Namespace) -> int:
    store = open_store(args)
    author = _author()
    action = args.tags_command
    if action == "list":
        for name, color, count in annotations.list_tags(store.conn):
            line = Text(name, style=safe_color(color))
            line.append(f"  {count}", style="dim")
            out.print(line)
    elif action == "rename":
        n = annotations.rename_tag(store, args.old, args.new, author)
        err.print(Text(f"renamed {args.old!r} to {args.new!r} on {n} clause{'s' * (n != 1)}"))
    elif action == "delete":
        count = dict((name, n) for name, _c, n in annotations.list_tags(store.conn)).get(args.name)
        if count is None:
            raise NotFoundError(f"no tag named {args.name!r}")
        if not args.yes:
            if not sys.stdin.isatty():
                raise PolicyReviewError(f"deleting {args.name!r} removes it from {count} clauses: add --yes to confirm")
            answer = input(f"Remove tag {args.name!r} from {count} clauses? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                err.print(Text("kept"))
                return EXIT_OK
        n = annotations.delete_tag(store, args.name, author)
        err.print(Text(f"deleted {args.name!r} from {n} clause{'s' * (n != 1)} (policy-review undo brings it back)"))
    elif action == "color":
        annotations.set_tag_color(store, args.name, args.color or None)
    return EXIT_OK


def cmd_annotations(args: argparse.Namespace) -> int:
    store = open_store(args)
    action = args.annotations_command
    if action in ("list", "orphans"):
        items = annotations.orphans(store.conn) if action == "orphans" else annotations.all_annotations(store.conn)
        if args.json:
            print(json.dumps([_annotation_json(a) for a in items], ensure_ascii=False, indent=1))
            return EXIT_OK
        for ann in items:
            line = Text(f"{ann.id:>5} ", style="dim")
            line.append(f"clause {ann.clause_id}" if ann.clause_id else "orphan", style="cyan" if ann.clause_id else "red")
            line.append(f"  《{ann.document_title}》{browse.display_path(ann.path)}  ")
            line.append(ann.status, style="bold")
            if ann.tags:
                line.append("  #" + " #".join(ann.tags))
            if ann.note:
                line.append("  " + ann.note.replace("\n", " ")[:60])
            out.print(line)
        if not items:
            err.print(Text("no orphaned annotations" if action == "orphans" else "no annotations yet"))
        return EXIT_OK
    if action == "export":
        from store.files import write_atomic

        records = annotations.export_records(store.conn)
        write_atomic(args.output, annotations.write_jsonl(records), force=args.force)
        err.print(Text(f"wrote {len(records)} annotation{'s' * (len(records) != 1)} to {args.output}"))
        return EXIT_OK
    if action == "import":
        records = _read_jsonl(args.file)
        report = annotations.import_records(store, records, _author())
        err.print(Text(f"{report.merged} merged, {report.created} new ({report.orphaned} without their clause: "
                       f"see `policy-review annotations orphans`), {len(report.conflicts)} conflicts"))
        for conflict in report.conflicts:
            err.print(Text(f"  conflict: {conflict} (both kept in the history)"))
        return EXIT_OK
    if action == "attach":
        annotations.attach_orphan(store, args.annotation_id, args.clause_id, _author())
        err.print(Text(f"annotation {args.annotation_id} attached to clause {args.clause_id}"))
        return EXIT_OK
    raise PolicyReviewError(f"unknown action {action!r}")


def _annotation_json(ann: annotations.Annotation) -> dict:
    return {"id": ann.id, "clause_id": ann.clause_id, "key": ann.key, "document": ann.document_title,
            "path": ann.path, "tags": ann.tags, "note": ann.note, "status": ann.status, "author": ann.author,
            "updated_at": ann.updated_at}


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
        if not isinstance(record, dict):
            raise PolicyReviewError(f"{path}:{number}: expected one JSON object per line")
        records.append(record)
    return records


# --------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    from store import export

    store = open_store(args)
    spec = export.ExportSpec(
        selection=args.selection, query=args.query, tags=args.tag, status=args.status,
        group_by=args.group_by, title=args.title, reviewer=_author(),
    )
    template = export.load_template(args.template) if args.template else None
    note = export.render(store.conn, spec, template=template)
    export.write_note(args.output, note.markdown, force=args.force)
    err.print(Text(f"wrote {note.clause_count} clause{'s' * (note.clause_count != 1)} to {args.output}"))
    return EXIT_OK
