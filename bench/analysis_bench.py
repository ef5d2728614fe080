"""Benchmark of who-does-what-by-when at scale (issue 14's targets).

    python bench/analysis_bench.py [--clauses 1000000] [--db PATH] [--runs 5]

Uses the database of bench/tui_bench.py (bench/out/tui-N.db: generated documents made of the
samples' sentences, the samples' （牵头单位：…） and targets among them, imported through the
real importer, which now analyses each document). A database built before schema 4 is
analysed when it is first opened (the migration does it); to build it anew, delete it.

Prints the import's extra cost per clause, the time the agencies view takes to open (the
counts query, and in the running app from the key to the rows drawn), and `lead:` filters
(a page of results with their count, and the counts per document the panes show); target
≤ 200 ms for both. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEAD_QUERIES = ["lead:财政", "lead:发展改革委", "lead:人民银行", "agency:国资委", "lead:财政 税", "due:<2020"]


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def view_opens(db: Path, runs: int) -> float:
    """From A in the running app (its action, as the key runs it) until the agencies' rows
    are drawn. (Pilot's press also waits for the app to fall idle, some 200 ms more of
    nothing on screen changing.)"""
    from tests.tui_helpers import make_app
    from tui.agencies_screen import AgenciesScreen
    from tui.table_pane import TablePane

    app = make_app(db, Path("/nonexistent"))
    times = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.5)
        for _ in range(runs):
            started = time.perf_counter()
            app.main.action_view("agencies")
            while not (isinstance(app.screen, AgenciesScreen) and app.screen.rows):
                await asyncio.sleep(0.002)
            await asyncio.sleep(0)
            app.screen.query_one(TablePane).render_line(0)  # the first row drawn, as the next frame does
            times.append(time.perf_counter() - started)
            await pilot.press("escape")
            await pilot.pause()
    return statistics.median(times) * 1000


def analysis_cost(clauses: int = 20_000) -> float:
    """Microseconds the analysis adds to each imported clause (the samples' texts)."""
    import json as json_module

    from store.analysis import agencies, targets
    from store.readers import read_path
    from store.parse import parse_source
    from sample_db import sample_files

    texts = []
    for path in sample_files():
        parsed = parse_source(read_path(path, 50 << 20), file=str(path))
        stack = [n for d in parsed.documents for n in d.nodes]
        while stack:
            node = stack.pop()
            stack.extend(node.children) if node.children else texts.append((node.title, node.text, node.rows))
    started = time.perf_counter()
    done = 0
    while done < clauses:
        for title, text, rows in texts:
            agencies.extract(title, text, json_module.loads(json_module.dumps(rows)) if rows else None)
            targets.extract(title, text, "2016-04-12")
            done += 1
    return (time.perf_counter() - started) / done * 1e6


def main() -> None:
    from bench.tui_bench import arguments, database

    args = arguments(__doc__.splitlines()[0])
    db = database(args)
    from store.analysis import tables
    from store.db import Store
    from store.search import counts_by_document, search

    started = time.perf_counter()
    store = Store(db)  # migrates (and analyses) a database of an earlier schema
    opened = time.perf_counter() - started
    conn = store.conn
    clauses = conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    named = conn.execute("SELECT count(*) FROM clause_agencies").fetchone()[0]
    found_targets = conn.execute("SELECT count(*) FROM targets").fetchone()[0]
    print(f"{db}: {clauses:,} clauses, {named:,} agency mentions, {found_targets:,} targets (opened in {opened:.1f} s)")
    per_clause = analysis_cost()
    print(f"analysis at import: {per_clause:.0f} µs per clause")
    counts_ms = timed(lambda: tables.agency_counts(conn), args.runs)
    rows = len(tables.agency_counts(conn))
    print(f"agencies view counts: {counts_ms:.0f} ms for {rows} agency rows (target ≤ 200)")
    view_ms = asyncio.run(view_opens(db, args.runs))
    print(f"agencies view opens in the app: {view_ms:.0f} ms (target ≤ 200)")
    figures = {}
    for query in LEAD_QUERIES:
        page = timed(lambda: search(conn, query, limit=100, count_cap=1000), args.runs)
        per_document = timed(lambda: counts_by_document(conn, query), args.runs)
        total = search(conn, query, limit=1).total
        figures[query] = {"page_ms": round(page, 1), "per_document_ms": round(per_document, 1), "matches": total}
        print(f"{query:<16} page of 100 with its count {page:6.1f} ms · counts per document {per_document:6.1f} ms "
              f"· {total:,} matches (target ≤ 200)")
    store.close()
    print(json.dumps({"clauses": clauses, "agency_mentions": named, "targets": found_targets,
                      "analysis_us_per_clause": round(per_clause, 1), "agency_counts_ms": round(counts_ms, 1),
                      "agencies_view_ms": round(view_ms, 1), "filters": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
