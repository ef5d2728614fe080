#!/usr/bin/env python3
"""Annotation exchange benchmark: `annotations import` of a large export, between databases
that hold every document twice (two copies of one source, in two files).

    python bench/annotations_bench.py [--variants 47] [--keep]

1. Corpus (not timed): --variants versions of each of the five samples (each document's
   title given a suffix, so each version is another document; where a title is not found as
   written, the first line, and those versions share their keys), each written twice: copy-a
   as it is, copy-b with two more line ends (other bytes, the same document identity and
   clause keys). --variants 47 gives about 40,000 clauses.
2. Two databases (not timed): "ours" imports copy-a then copy-b, "theirs" copy-b then copy-a
   (other clause ids). In ours every clause gets a tag, every other clause a status, and the
   clauses of copy-b a second tag, so that the two copies' annotations differ.
3. Timed: export_records(ours) → `export_s`; import_records(theirs, records) → `import_s`
   (every record new); the same records again → `replay_s` (every record merged, nothing
   changes). Then every annotation of theirs is checked against its record: on the clause
   of the same file (`misplaced` counts those that are not), no conflict reported, no
   history row added by the replay.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sample_db import sample_files  # noqa: E402
from store import annotations  # noqa: E402
from store.db import Store  # noqa: E402
from store.importer import import_paths  # noqa: E402
from store.parse import parse_file  # noqa: E402


def write_corpus(folder: Path, variants: int) -> tuple[list[Path], list[Path]]:
    copy_a, copy_b = [], []
    for sample in sample_files():
        text = sample.read_text(encoding="utf-8")
        titles = [d.title for d in parse_file(sample).documents if d.title]
        for n in range(variants):
            version = text
            for title in titles:
                version = version.replace(title, f"{title}（第{n + 1}版）", 1)
            if version == text:  # titles not found as written (Shanghai's carry pinyin): the first line
                head, _, rest = text.partition("\n")
                version = f"{head}（第{n + 1}版）\n{rest}"
            for copies, suffix, extra in ((copy_a, "a", ""), (copy_b, "b", "\n\n")):
                path = folder / f"copy-{suffix}" / f"{sample.stem}-{n:03}.txt"
                path.parent.mkdir(exist_ok=True)
                path.write_text(version + extra, encoding="utf-8")
                copies.append(path)
    return copy_a, copy_b


def build(path: Path, first: list[Path], second: list[Path]) -> Store:
    store = Store(path)
    for results in (import_paths(store, first), import_paths(store, second)):
        refused = [r for r in results if r.status != "imported"]
        assert not refused, refused[:3]
    return store


def annotate(store: Store) -> None:
    ids = [row[0] for row in store.conn.execute("SELECT id FROM clauses ORDER BY id")]
    in_b = [row[0] for row in store.conn.execute(
        "SELECT c.id FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.source_path LIKE '%/copy-b/%'")]
    annotations.add_tags(store, ids, ["审阅"], "alice")
    annotations.add_tags(store, in_b, ["乙本"], "alice")
    annotations.set_status(store, ids[::2], "reviewed", "alice")


def misplaced(theirs: Store) -> int:
    """Annotations of theirs whose clause is not in the copy their tags say (乙本 = copy-b)."""
    return theirs.conn.execute(
        """SELECT count(*) FROM annotations a JOIN clauses c ON c.id = a.clause_id
           JOIN documents d ON d.id = c.document_id
           WHERE (d.source_path LIKE '%/copy-b/%') != EXISTS (
               SELECT 1 FROM annotation_tags at JOIN tags t ON t.id = at.tag_id
               WHERE at.annotation_id = a.id AND t.name = '乙本')""").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=47)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="policy-review-annotations-"))
    try:
        copy_a, copy_b = write_corpus(folder, args.variants)
        started = time.perf_counter()
        ours = build(folder / "ours.db", copy_a, copy_b)
        theirs = build(folder / "theirs.db", copy_b, copy_a)
        annotate(ours)
        clauses = ours.conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
        print(f"corpus: {len(copy_a) + len(copy_b)} files, {clauses:,} clauses per database "
              f"(built and annotated in {time.perf_counter() - started:.1f} s)")

        t = time.perf_counter()
        records = annotations.export_records(ours.conn)
        export_s = time.perf_counter() - t
        t = time.perf_counter()
        report = annotations.import_records(theirs, records, "bob")
        import_s = time.perf_counter() - t
        history = theirs.conn.execute("SELECT count(*) FROM history").fetchone()[0]
        t = time.perf_counter()
        replay = annotations.import_records(theirs, records, "bob")
        replay_s = time.perf_counter() - t
        added = theirs.conn.execute("SELECT count(*) FROM history").fetchone()[0] - history
        figures = {
            "records": len(records),
            "export_s": round(export_s, 2),
            "import_s": round(import_s, 2),
            "import_ms_per_record": round(1000 * import_s / len(records), 3),
            "replay_s": round(replay_s, 2),
            "created": report.created,
            "conflicts": len(report.conflicts),
            "replay_merged": replay.merged,
            "replay_conflicts": len(replay.conflicts),
            "replay_history_rows": added,
            "misplaced": misplaced(theirs),
            "orphaned": report.orphaned,
        }
        print(f"export {export_s:.2f} s, import {import_s:.2f} s "
              f"({figures['import_ms_per_record']} ms a record), replay {replay_s:.2f} s")
        print(f"{report.created:,} created, {figures['misplaced']} on the wrong copy, {report.orphaned} orphaned; "
              f"replay: {replay.merged:,} merged, {len(replay.conflicts)} conflicts, {added} history rows added")
        ours.close()
        theirs.close()
        print(json.dumps(figures))
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
