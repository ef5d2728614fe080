"""Benchmark of comparing provinces (issue 15): similar clauses and the coverage grid on a
large database.

    python bench/similar_bench.py --clauses 1000000 [--db PATH] [--queries 200] [--seed 1]

1. Builds (once; kept at --db, default bench/out/similar-N.db) the documents of
   bench/tui_bench.py (sample sentences under 一、 / （一） / 1. sections, 15% traditional)
   spread over the 31 mainland provinces, imported through the real importer (which fills the
   similarity index with each file).
2. Similar clauses: `store.similar.similar(conn, id, limit=10)` for --queries clauses picked
   at random, on a new connection, after an untimed pass over 20 others; p50, p95, max. The
   same for a quarter of them with all_documents=True.
3. Coverage grid: `store.grid.coverage` of the 31 provinces against 8 saved queries, the first
   run and the median and max of 5 more.

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tui_bench import p95  # noqa: E402

TOPICS = {"社保": "社保 | 养老保险", "用地": "用地", "电价": "电价", "融资担保": "融资担保", "税费": "税 | 费",
          "稳岗": "稳岗", "产能": "产能 -钢铁", "营商环境": "营商环境"}


def build(db: Path, clauses: int) -> float:
    """The tui benchmark's documents over the 31 mainland provinces; returns the seconds of
    their import (the similarity index included)."""
    import tui_bench

    from store import regions

    started = time.perf_counter()
    tui_bench.build(db, clauses, provinces=list(regions.PROVINCES[:31]))
    return time.perf_counter() - started


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    db = args.db or ROOT / "bench" / "out" / f"similar-{args.clauses}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    built = build(db, args.clauses) if not db.exists() else None

    from store import grid, similar, topics
    from store.db import Store

    with Store(db) as store:
        for name, query in TOPICS.items():
            if topics.saved_query(store.conn, name) is None:
                topics.save(store, name, query, "bench")
    with Store(db) as store:
        conn = store.conn
        ids = [row[0] for row in conn.execute("SELECT id FROM clauses")]
        rng = random.Random(args.seed)
        picked = rng.sample(ids, args.queries + 20)
        warm, chosen = picked[:20], picked[20:]
        for clause_id in warm:
            similar.similar(conn, clause_id)
        times, found = [], []
        for clause_id in chosen:
            ms, matches = timed(lambda: similar.similar(conn, clause_id, limit=10))
            times.append(ms)
            found.append(len(matches))
        everywhere = [timed(lambda: similar.similar(conn, clause_id, limit=10, all_documents=True))[0]
                      for clause_id in chosen[: max(1, args.queries // 4)]]
        print(f"similar, top 10 of {len(ids):,} clauses: p50 {statistics.median(times):.1f} ms, "
              f"p95 {p95(times):.1f} ms, max {max(times):.1f} ms (target p95 ≤ 300); "
              f"{statistics.mean(found):.1f} listed on average")
        print(f"similar, every other document: p50 {statistics.median(everywhere):.1f} ms, "
              f"p95 {p95(everywhere):.1f} ms")

        chosen_topics = [topics.topic(conn, name) for name in TOPICS]
        first_ms, coverage = timed(lambda: grid.coverage(conn, chosen_topics))
        runs = [timed(lambda: grid.coverage(conn, chosen_topics))[0] for _ in range(5)]
        provinces = sum(1 for row in coverage.rows if row.documents)
        print(f"grid of {len(coverage.rows)} provinces ({provinces} with documents) × {len(chosen_topics)} topics: "
              f"first {first_ms:.0f} ms, then median {statistics.median(runs):.0f} ms, max {max(runs):.0f} ms "
              "(target ≤ 1000)")
        index_mb = conn.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'similar_index%'"
                                ).fetchone()[0] / 1e6
        print(f"similarity index: {index_mb:.1f} MB")
    figures = {
        "clauses": len(ids),
        "queries": len(times),
        "similar_p50_ms": round(statistics.median(times), 1),
        "similar_p95_ms": round(p95(times), 1),
        "similar_max_ms": round(max(times), 1),
        "similar_all_documents_p95_ms": round(p95(everywhere), 1),
        "grid_provinces": len(coverage.rows),
        "grid_topics": len(chosen_topics),
        "grid_first_ms": round(first_ms, 1),
        "grid_median_ms": round(statistics.median(runs), 1),
        "grid_max_ms": round(max(runs), 1),
        "similar_index_mb": round(index_mb, 1),
    }
    if built is not None:
        figures["import_s"] = round(built, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
