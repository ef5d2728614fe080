#!/usr/bin/env python3
"""Search benchmark: how fast the filter bar's query is on a large store, against the floor
(the same FTS5 MATCH run as bare SQL) and against ripgrep on a text dump.

    python bench/search_bench.py --clauses 1000000 [--db PATH] [--keep] [--seed S]

1. Corpus (not timed): the five sample documents (sample_db/*.txt) are split into sentences
   at 。；！？ and line ends; a clause is 1–3 sentences drawn at random (about 55 characters
   on average), 15 % of clauses are turned into traditional characters with OpenCC s2t, and
   some get a short sentence as title. Clauses are grouped into documents of 200–2000
   clauses spread over nine provinces.
2. Build (timed, build_s): a fresh database made by store.db.Store (the app's schema,
   tokenizer and pragmas); documents, clauses and clause_index rows inserted the way
   store.importer._insert_document does (sort keys from store.db.sort_key, title and text
   folded once with store.normalize.fold, clause keys from store.importer.clause_key, index
   rows through store.index.tokens and add_tokens, i.e. the spaced search forms of title and text), but in
   bulk: one transaction per batch of whole documents, executemany. No sections, no keywords.
   build_s includes folding, the inserts, the commits and the final WAL checkpoint.
3. Queries (on a new connection, after one untimed pass over the mix): a fixed mix, run
   --reps times in rotation:
   * p50/p95/max_ms: store.search.search(conn, q, limit=100, count_cap=1000), as the
     filter bar asks for a first page and a capped count;
   * fts_floor_p95_ms: the same MATCH strings as bare SQL on clause_index (first 100
     rowids + count capped at 1001), built like store.search: phrases of folded characters;
   * ripgrep_p95_ms: `rg -c -F` on a dump of the same clauses (title and text, original
     characters), one per line, wall time of the command (null when rg is not installed).
     For an AND / NOT query rg gets the first positive term only, for an OR group every
     alternative (-e A -e B): rg does less work than the app there.
   "queries" in the JSON is the number of timed calls (mix size × reps); index_mb is the
   FTS5 index's pages (dbstat), the whole file's size is printed above the JSON.
   Printed apart, not in the JSON: the untimed first pass, a field query (province:), a
   zero-hit phrase of common characters, the key_range form of the province query,
   counts_by_document, and the TUI filter worker's sequence (new Store, capped count, the
   open document's keys, then the uncapped per-document counts).

The last line printed is one JSON object with the figures. The options under "experiments"
change the build (page size, pragmas, FTS5 settings, pipelining, the fold/spaced proposal)
to measure what store/ could change; without them the build is what the app does.
--build-only stops after the build (no JSON); --explain and --profile show query plans and a
cProfile of search().
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import math
import os
import pstats
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import queue as queue_mod
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from store import regions  # noqa: E402
from store import search as search_store  # noqa: E402
from store.db import Store, sort_key  # noqa: E402
from store.importer import clause_key  # noqa: E402
from store import index as store_index  # noqa: E402
from store import normalize  # noqa: E402
from store.normalize import fold, spaced  # noqa: E402

SAMPLE_DIR = REPO / "sample_db"
DEFAULT_DIR = Path(tempfile.gettempdir()) / "policy-review-bench"

PROVINCES = ["全国", "辽宁省", "吉林省", "上海市", "甘肃省", "山西省", "广东省", "浙江省", "四川省"]
TRADITIONAL_SHARE = 0.15
TITLE_SHARE = 0.15
SENTENCES_PER_CLAUSE = ((1, 0.80), (2, 0.15), (3, 0.05))
DOC_SIZE = (200, 2000)

QUERY_MIX: dict[str, list[str]] = {
    "1-char": ["税", "费", "地", "企", "金"],
    "2-char": ["社保", "融资", "公积", "产能", "用地"],
    "4-char": ["降低成本", "营商环境", "技术改造", "融资担保"],
    "multi": ["税 社保", "社保 | 公积金", "企业 -税", "2020年", "25%", '"降低 成本"', "用地 | 用电 -税",
              "钢铁 煤炭 产能"],
}
EXTRA_QUERIES = [
    "province:辽宁 税",  # a field term: the joined WHERE path of store.search
    "成本企业降低",  # common characters in an order that (almost) never occurs: whole doclists read
]
LIMIT, COUNT_CAP = 100, 1000

FLOOR_PAGE_SQL = "SELECT rowid FROM clause_index WHERE clause_index MATCH ? ORDER BY rowid LIMIT 100"
FLOOR_COUNT_SQL = "SELECT count(*) FROM (SELECT rowid FROM clause_index WHERE clause_index MATCH ? LIMIT 1001)"


# --------------------------------------------------------------------------- corpus


def sample_sentences() -> list[str]:
    sentences = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for piece in re.findall(r"[^。；！？\n]+[。；！？]?", text):
            piece = piece.strip().strip("\u3000").strip()
            if len(piece) >= 2:
                sentences.append(piece)
    return sentences


def make_corpus(n: int, seed: int) -> list[dict]:
    """Documents: {id, province, title, identity, clauses: [(title, text)]}."""
    rng = random.Random(seed)
    sentences = sample_sentences()
    short = [s for s in sentences if len(s) <= 16]
    counts, weights = zip(*SENTENCES_PER_CLAUSE)
    clauses = []
    for k in rng.choices(counts, weights, k=n):
        text = "".join(rng.choice(sentences) for _ in range(k))
        title = rng.choice(short) if rng.random() < TITLE_SHARE else ""
        clauses.append([title, text])
    # 15 % traditional, converted in a few big calls (lines never contain "\n").
    import opencc

    s2t = opencc.OpenCC("s2t")
    chosen = rng.sample(range(n), int(n * TRADITIONAL_SHARE))
    for start in range(0, len(chosen), 20000):
        part = chosen[start:start + 20000]
        texts = s2t.convert("\n".join(clauses[i][1] for i in part)).split("\n")
        titles = s2t.convert("\n".join(clauses[i][0] for i in part)).split("\n")
        assert len(texts) == len(part) == len(titles)
        for i, text, title in zip(part, texts, titles):
            clauses[i] = [title, text]
    documents, pos, doc_id = [], 0, 0
    while pos < n:
        size = min(rng.randint(*DOC_SIZE), n - pos)
        doc_id += 1
        province = rng.choice(PROVINCES)
        title = f"{regions.short_name(province)}关于降低实体经济企业成本的实施意见（基准{doc_id}）"
        identity = hashlib.sha1(f"bench|{doc_id}".encode()).hexdigest()[:16]
        documents.append({"id": doc_id, "province": province, "title": title, "identity": identity,
                          "clauses": clauses[pos:pos + size]})
        pos += size
    return documents


# --------------------------------------------------------------------------- proposals
# Faster, equivalent versions of store/normalize.py's fold and spaced, measured with
# --fast-fold. They are checked against the app's functions on the corpus before use (same
# output, string for string).

FOLD = {"fold": fold}


class _Fast:
    changes: re.Pattern[str] | None = None


def _fold_changes() -> re.Pattern[str]:
    """Characters that fold's per-character table changes or drops (BMP, computed once in about
    0.1 s; every astral character is passed to the table)."""
    if _Fast.changes is None:
        table = normalize._FOLD
        changed = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and table[c] != chr(c)]
        _Fast.changes = re.compile(
            "[" + "".join(re.escape(chr(c)) for c in changed) + "\U00010000-\U0010FFFF]")
    return _Fast.changes


def _fold_char(m: re.Match, _table=normalize._FOLD) -> str:
    return _table[ord(m.group())] or ""


def fast_fold(text: str) -> str:
    """normalize.fold: only the few characters that change are looked up (a regex over the
    set of changing characters), instead of str.translate's lookup of every character."""
    return normalize.to_simplified(_fold_changes().sub(_fold_char, text))


def fast_spaced(folded: str) -> str:
    """normalize.spaced: ' '.join(s) builds a str object per character; replace does not."""
    return folded.replace("", " ")[1:-1]


def check_proposals(documents: list[dict]) -> str:
    strings = [x for d in documents for clause in d["clauses"] for x in clause if x]
    strings = strings[:: max(1, len(strings) // 200000)]  # at most ~200,000 of them
    strings += [" 降低　社保 费率 ", "\u200b税\t費", "ＡＢＣ２５％", "破坏土地 關於", "𠀀𝐀 x"]
    for x in strings:
        assert fast_fold(x) == fold(x), x
        assert fast_spaced(fold(x)) == spaced(fold(x)), x
    FOLD["fold"] = fast_fold
    store_index.spaced = fast_spaced  # store.index.tokens looks it up at each call
    return f"checked equal to the app's on {len(strings)} strings"


# --------------------------------------------------------------------------- build


def _forms(title: str, text: str) -> tuple[str, str, str, str]:
    """store.index.forms, or with --fast-fold the proposal's fold (without the alternate
    forms of traditional text, which the proposal does not cover)."""
    if FOLD["fold"] is fold:
        return store_index.forms(title, text)
    return FOLD["fold"](title), FOLD["fold"](text), "", ""


def _rows(documents: list[dict], stamp: str) -> tuple[list, list, list]:
    """Rows for documents, clauses and the index, as store.importer._insert_document makes
    them: the search forms computed once, clause key from them, index rows given to
    store.index.tokens (which spaces them)."""
    doc_rows, clause_rows, folded_rows = [], [], []
    for doc in documents:
        doc_id, province, identity = doc["id"], doc["province"], doc["identity"]
        doc_rows.append((doc_id, f"bench://{doc_id:06d}.txt", hashlib.sha256(identity.encode()).hexdigest(),
                         "utf-8", 0, "main", "", doc["title"], None, None, None, None, None, None, province,
                         None, identity, len(doc["clauses"]), stamp))
        for ordinal, (title, text) in enumerate(doc["clauses"]):
            key = sort_key(province, doc_id, ordinal)
            forms = _forms(title, text)
            path = f"¶{ordinal + 1}"
            clause_rows.append((doc_id, None, ordinal, key, "", title, text, path,
                                clause_key(identity, path, forms[0], forms[1]), None))
            folded_rows.append((key, *forms))
    return doc_rows, clause_rows, folded_rows


def _batches(documents: list[dict], batch_clauses: int):
    batch, size = [], 0
    for doc in documents:
        batch.append(doc)
        size += len(doc["clauses"])
        if size >= batch_clauses:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


DOCUMENT_SQL = """INSERT INTO documents (id, source_path, source_sha256, encoding, part, kind, label, title,
    doc_number, issuer, date, recipients, cc, disclosure, province, region, identity, clause_count, imported_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
CLAUSE_SQL = """INSERT INTO clauses (document_id, section_id, ordinal, sort_key, label, title, text, path, key, line)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def _insert(store: Store, rows: tuple[list, list, list]) -> None:
    doc_rows, clause_rows, folded_rows = rows
    with store.transaction() as conn:
        conn.executemany(DOCUMENT_SQL, doc_rows)
        conn.executemany(CLAUSE_SQL, clause_rows)
        store_index.add_tokens(conn, [(key, *store_index.tokens(forms)) for key, *forms in folded_rows])


_PIPELINE_BATCHES: list[list[dict]] = []


def _process_rows(i: int, stamp: str) -> tuple[list, list, list]:
    """In the worker process: the rows of batch i, index rows already spaced."""
    doc_rows, clause_rows, folded_rows = _rows(_PIPELINE_BATCHES[i], stamp)
    spaced_ = store_index.spaced
    return doc_rows, clause_rows, [(key, *map(spaced_, forms)) for key, *forms in folded_rows]


def _insert_spaced(store: Store, rows: tuple[list, list, list]) -> None:
    """_insert for index rows spaced already: what store.index.add_tokens does."""
    doc_rows, clause_rows, index_rows = rows
    with store.transaction() as conn:
        conn.executemany(DOCUMENT_SQL, doc_rows)
        conn.executemany(CLAUSE_SQL, clause_rows)
        conn.executemany("INSERT INTO clause_index (rowid, title, text, title_alt, text_alt) VALUES (?, ?, ?, ?, ?)",
                         index_rows)


def build(store: Store, documents: list[dict], args) -> dict:
    """Fill the store; returns timings. --pipeline thread: the rows of the next batch are made
    in a thread while SQLite inserts (sqlite3 releases the GIL inside sqlite3_step);
    --pipeline process: made (folded and spaced) in a forked worker process and pickled back."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    prepare_s = insert_s = 0.0
    prepared = None
    if args.prepare_first:  # rows folded and spaced before the clock starts: SQLite's share alone
        _PIPELINE_BATCHES[:] = list(_batches(documents, args.batch))
        prepared = [_process_rows(i, stamp) for i in range(len(_PIPELINE_BATCHES))]
        _PIPELINE_BATCHES.clear()
    t0, cpu0 = time.perf_counter(), time.process_time()
    if prepared is not None:
        for rows in prepared:
            t = time.perf_counter()
            _insert_spaced(store, rows)
            insert_s += time.perf_counter() - t
    elif args.pipeline == "thread":
        q: queue_mod.Queue = queue_mod.Queue(maxsize=2)

        def produce():
            for batch in _batches(documents, args.batch):
                q.put(_rows(batch, stamp))
            q.put(None)

        thread = threading.Thread(target=produce, daemon=True)
        thread.start()
        while True:
            t = time.perf_counter()
            rows = q.get()
            prepare_s += time.perf_counter() - t  # time spent waiting for rows
            if rows is None:
                break
            t = time.perf_counter()
            _insert(store, rows)
            insert_s += time.perf_counter() - t
        thread.join()
    elif args.pipeline == "process":
        import functools
        import multiprocessing

        _PIPELINE_BATCHES[:] = list(_batches(documents, args.batch))
        with multiprocessing.get_context("fork").Pool(1) as pool:
            results = pool.imap(functools.partial(_process_rows, stamp=stamp), range(len(_PIPELINE_BATCHES)))
            while True:
                t = time.perf_counter()
                rows = next(results, None)
                prepare_s += time.perf_counter() - t  # waiting for rows + unpickling
                if rows is None:
                    break
                t = time.perf_counter()
                _insert_spaced(store, rows)
                insert_s += time.perf_counter() - t
        _PIPELINE_BATCHES.clear()
    else:
        for batch in _batches(documents, args.batch):
            t = time.perf_counter()
            rows = _rows(batch, stamp)
            t1 = time.perf_counter()
            _insert(store, rows)
            prepare_s += t1 - t
            insert_s += time.perf_counter() - t1
    t = time.perf_counter()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint_s = time.perf_counter() - t
    build_s = time.perf_counter() - t0
    build_cpu_s = time.process_time() - cpu0
    optimize_s = None
    if args.optimize:
        t = time.perf_counter()
        with store.transaction() as conn:
            conn.execute("INSERT INTO clause_index (clause_index) VALUES ('optimize')")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        optimize_s = time.perf_counter() - t
    return {"build_s": build_s, "build_cpu_s": build_cpu_s, "prepare_s": prepare_s, "insert_s": insert_s,
            "checkpoint_s": checkpoint_s, "optimize_s": optimize_s}


def apply_experiments(store: Store, args) -> list[str]:
    """Build settings that are not the app's (for measuring suggestions)."""
    applied = []
    for pragma in args.pragma:
        store.conn.execute(f"PRAGMA {pragma}")
        applied.append(f"PRAGMA {pragma}")
    for setting in args.fts:
        name, value = setting.split("=", 1)
        with store.transaction() as conn:
            conn.execute("INSERT INTO clause_index (clause_index, rank) VALUES (?, ?)", (name, int(value)))
        applied.append(f"fts5 {name}={value}")
    return applied


def restore_after_experiments(store: Store, args) -> None:
    # A bulk build may switch the journal off; the app opens the file in WAL mode again.
    if any(p.replace(" ", "").lower().startswith("journal_mode") for p in args.pragma):
        store.conn.execute("PRAGMA journal_mode = WAL")


# --------------------------------------------------------------------------- sizes


def sizes(path: Path, conn: sqlite3.Connection) -> dict:
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    db_bytes = sum(p.stat().st_size for p in files if p.exists())
    index_bytes = conn.execute(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'clause_index%'"
    ).fetchone()[0]
    clauses_bytes = conn.execute(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = 'clauses' OR name LIKE 'sqlite_autoindex_clauses%'"
        " OR name LIKE 'clauses_%'"
    ).fetchone()[0]
    # one clause_index_idx row per leaf page boundary of each segment: distinct segids = segments
    segments = conn.execute("SELECT count(DISTINCT segid) FROM clause_index_idx").fetchone()[0]
    return {"db_mb": db_bytes / 1e6, "index_mb": index_bytes / 1e6, "clauses_mb": clauses_bytes / 1e6,
            "segments": segments}


# --------------------------------------------------------------------------- queries


def match_string(query: str) -> str:
    """The MATCH expression store.search builds for a text-only query: each term a phrase of
    its folded characters, OR groups in parentheses, AND between groups, NOT for '-'."""
    parsed = search_store.parse_query(query)
    positive, negative = [], []
    for group in parsed.groups:
        if not group.is_text:
            raise ValueError(f"{query!r}: the floor handles text terms only")
        phrases = ['"' + " ".join(t.value).replace('"', '""') + '"' for t in group.terms]
        expr = " OR ".join(phrases)
        expr = f"({expr})" if len(phrases) > 1 else expr
        (negative if group.negated else positive).append(expr)
    if not positive:
        raise ValueError(f"{query!r}: needs a positive term")
    return " AND ".join(positive) + "".join(f" NOT {n}" for n in negative)


def rg_terms(query: str) -> list[str]:
    """What rg is asked for: the first positive group (all its alternatives)."""
    parsed = search_store.parse_query(query)
    group = next(g for g in parsed.groups if not g.negated)
    return [t.value for t in group.terms]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def time_app(conn: sqlite3.Connection, queries: list[str], reps: int) -> tuple[list[float], dict[str, list]]:
    samples, per_query = [], {q: [] for q in queries}
    for _ in range(reps):
        for q in queries:
            t = time.perf_counter()
            result = search_store.search(conn, q, limit=LIMIT, count_cap=COUNT_CAP)
            elapsed = time.perf_counter() - t
            samples.append(elapsed)
            per_query[q].append((elapsed, result.total_label, len(result.hits)))
    return samples, per_query


def time_filter_worker(path: Path, queries: list[str], reps: int) -> tuple[list[float], list[float]]:
    """What tui/app.py's filter worker does per keystroke: a new Store, the capped count and
    the open document's matching keys (first message), then the per-document counts, which
    are not capped (second message). Returns (first, complete) times."""
    from store.db import document_key_range

    probe = Store(path, create=False)
    province, doc_id = probe.conn.execute("SELECT province, id FROM documents ORDER BY id LIMIT 1").fetchone()
    probe.close()
    key_range = document_key_range(province, doc_id)
    first, complete = [], []
    for _ in range(reps):
        for q in queries:
            t = time.perf_counter()
            store = Store(path, create=False)
            parsed = search_store.parse_query(q)
            search_store.count(store.conn, parsed, cap=COUNT_CAP)
            search_store.matching_keys(store.conn, parsed, key_range)
            first.append(time.perf_counter() - t)
            search_store.counts_by_document(store.conn, parsed)
            store.close()
            complete.append(time.perf_counter() - t)
    return first, complete


def time_floor(conn: sqlite3.Connection, queries: list[str], reps: int) -> tuple[list[float], dict[str, list]]:
    matches = {q: match_string(q) for q in queries}
    samples, per_query = [], {q: [] for q in queries}
    for _ in range(reps):
        for q in queries:
            t = time.perf_counter()
            conn.execute(FLOOR_PAGE_SQL, (matches[q],)).fetchall()
            n = conn.execute(FLOOR_COUNT_SQL, (matches[q],)).fetchone()[0]
            elapsed = time.perf_counter() - t
            samples.append(elapsed)
            per_query[q].append((elapsed, n))
    return samples, per_query


def write_dump(documents: list[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for doc in documents:
            for title, text in doc["clauses"]:
                f.write(f"{title} {text}\n" if title else f"{text}\n")


def time_ripgrep(rg: str, dump: Path, queries: list[str], reps: int) -> tuple[list[float], dict[str, list]]:
    samples, per_query = [], {q: [] for q in queries}
    for _ in range(reps):
        for q in queries:
            cmd = [rg, "--no-config", "-c", "-F"]
            for term in rg_terms(q):
                cmd += ["-e", term]
            cmd.append(str(dump))
            t = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            elapsed = time.perf_counter() - t
            samples.append(elapsed)
            per_query[q].append((elapsed, proc.stdout.strip() or "0"))
    return samples, per_query


def explain(conn: sqlite3.Connection, query: str) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement store.search.search runs for the query."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        search_store.search(conn, query, limit=LIMIT, count_cap=COUNT_CAP)
    finally:
        conn.set_trace_callback(None)
    lines = []
    for sql in statements:
        if sql.startswith("--"):  # SQLite's own (PRAGMA data_version)
            continue
        lines.append("  SQL: " + " ".join(sql.split()))
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
            lines.append(f"    plan: {row[3]}")
    return lines


def profile(conn: sqlite3.Connection, query: str, n: int = 20) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        search_store.search(conn, query, limit=LIMIT, count_cap=COUNT_CAP)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(18)
    return buf.getvalue()


# --------------------------------------------------------------------------- main


def prepare_path(path: Path, reuse: bool) -> bool:
    """True when an existing bench database is reused. Refuses to overwrite anything that is
    not a database this benchmark made."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        marker = conn.execute("SELECT value FROM meta WHERE key = 'bench_corpus'").fetchone()
        conn.close()
    except sqlite3.DatabaseError:
        marker = None
    if not marker:
        sys.exit(f"search_bench: {path} exists and is not a benchmark database; choose another --db")
    if reuse:
        return True
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists():
            p.unlink()
    return False


def long_query_lines(conn, reps: int) -> list[str]:
    """The longest query accepted (store.search.MAX_QUERY_LENGTH characters of 的, a phrase no
    clause holds) and what the command line does with it: the search, then the suggestion
    step (jieba loaded before the clock starts); and how fast a longer one is refused."""
    from store.errors import QueryError
    from store.words import segment, suggestion

    longest = "的" * search_store.MAX_QUERY_LENGTH
    segment("预热")  # jieba's dictionary, loaded once per process, is not the suggestion's cost
    lines = []
    for what, action in (("search", lambda: search_store.search(conn, longest, limit=LIMIT)),
                         ("suggestion", lambda: suggestion(longest, conn, found_nothing=True))):
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            action()
            times.append(time.perf_counter() - t)
        lines.append(f"  {what} of the longest query ({len(longest)} × 的): p50 {ms(percentile(times, 50))} ms, "
                     f"max {ms(max(times))} ms")
    t = time.perf_counter()
    try:
        search_store.search(conn, "的" * 10_000)
    except QueryError as exc:
        lines.append(f"  10,000 × 的 refused in {ms(time.perf_counter() - t)} ms: {exc}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clauses", type=int, required=True, metavar="N")
    ap.add_argument("--db", type=Path, metavar="PATH",
                    help=f"database to build (default {DEFAULT_DIR}/search-N.db; removed unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the database (and the rg dump) afterwards")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=5, help="repetitions of the query mix (default 5)")
    ap.add_argument("--batch", type=int, default=50000, metavar="N",
                    help="clauses per transaction, whole documents (default 50000)")
    ap.add_argument("--no-fresh", action="store_true", help="skip the tui filter worker figures")
    ex = ap.add_argument_group("experiments (not what the app does)")
    ex.add_argument("--reuse", action="store_true", help="query an existing --keep database without rebuilding")
    ex.add_argument("--pragma", action="append", default=[], metavar="P",
                    help="extra PRAGMA for the build, e.g. 'cache_size=-262144' (repeatable)")
    ex.add_argument("--fts", action="append", default=[], metavar="NAME=V",
                    help="FTS5 setting before the build, e.g. automerge=8, pgsz=4000, crisismerge=64")
    ex.add_argument("--page-size", type=int, metavar="BYTES",
                    help="create the database file with this page size (the app uses SQLite's 4096)")
    ex.add_argument("--optimize", action="store_true", help="run FTS5 'optimize' after the build (timed apart)")
    ex.add_argument("--pipeline", choices=["thread", "process"],
                    help="make the rows of the next batch in a thread / a worker process while SQLite inserts")
    ex.add_argument("--prepare-first", action="store_true",
                    help="fold and space all rows before timing: build_s is then SQLite's work alone")
    ex.add_argument("--fast-fold", action="store_true",
                    help="build with the proposed faster normalize.fold/spaced (checked equal first)")
    ex.add_argument("--build-only", action="store_true", help="stop after the build (no queries, no JSON)")
    ex.add_argument("--explain", action="store_true", help="print EXPLAIN QUERY PLAN of the app's statements")
    ex.add_argument("--profile", metavar="QUERY", help="cProfile store.search.search for one query")
    args = ap.parse_args(argv)

    n = args.clauses
    path = args.db or DEFAULT_DIR / f"search-{n}.db"
    reused = prepare_path(path, args.reuse)

    t = time.perf_counter()
    documents = make_corpus(n, args.seed)
    corpus_s = time.perf_counter() - t
    total_chars = sum(len(title) + len(text) for d in documents for title, text in d["clauses"])
    print(f"corpus: {n} clauses in {len(documents)} documents, {len(PROVINCES)} provinces, "
          f"{total_chars / n:.1f} characters per clause on average, {TRADITIONAL_SHARE:.0%} traditional "
          f"(generated in {corpus_s:.1f} s, not timed)")

    if args.fast_fold:
        print(f"experiment: proposed fold/spaced ({check_proposals(documents)})")

    timings: dict = {"build_s": None}
    if args.page_size and not reused:
        # an empty file with that page size; Store then creates the schema in it
        with sqlite3.connect(path) as raw:
            raw.execute(f"PRAGMA page_size = {int(args.page_size)}")
            raw.execute("VACUUM")
    store = Store(path)
    if not reused:
        store.set_meta(store.conn, "bench_corpus", json.dumps({"clauses": n, "seed": args.seed}))
        applied = apply_experiments(store, args)
        if args.page_size:
            applied.insert(0, f"page_size={store.conn.execute('PRAGMA page_size').fetchone()[0]}")
        if applied:
            print("experiment settings: " + "; ".join(applied))
        gc.disable()  # the corpus is millions of objects: no collector passes while timing
        try:
            timings = build(store, documents, args)
        finally:
            gc.enable()
        restore_after_experiments(store, args)
        os.sync()  # not timed: write the built file out, so that queries do not wait behind writeback
        rate = n / timings["build_s"]
        print(f"build: {timings['build_s']:.2f} s = {rate:,.0f} clauses/s, CPU {timings['build_cpu_s']:.2f} s "
              f"in this process "
              f"(rows made {timings['prepare_s']:.2f} s"
              f"{' waiting for the ' + args.pipeline if args.pipeline else ''}, inserts+commits {timings['insert_s']:.2f} s"
              f"{'' if args.pipeline or args.prepare_first else ' incl. spacing in store.index.tokens'}, "
              f"checkpoint {timings['checkpoint_s']:.2f} s; {args.batch} clauses per transaction)")
        if timings["optimize_s"] is not None:
            print(f"fts5 optimize: {timings['optimize_s']:.2f} s (not in build_s)")
    else:
        print(f"reusing {path} (build not timed)")
    store.close()
    if args.build_only:
        store = Store(path, create=False)
        size = sizes(path, store.conn)
        store.close()
        print(f"size: database {size['db_mb']:.1f} MB (FTS index {size['index_mb']:.1f} MB), "
              f"{size['segments']} FTS5 segments")
        if not args.keep:
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
        return 0

    store = Store(path, create=False)
    conn = store.conn
    size = sizes(path, conn)
    print(f"size: database {size['db_mb']:.1f} MB (FTS index {size['index_mb']:.1f} MB, clauses table+indexes "
          f"{size['clauses_mb']:.1f} MB), {size['segments']} FTS5 segments")

    queries = [q for group in QUERY_MIX.values() for q in group]
    # The corpus is millions of Python objects that the app would not hold: collect once and
    # freeze them, so that no collector pass over them lands inside a timed query.
    gc.collect()
    gc.freeze()
    # One untimed pass first: the first query of each kind after opening reads the FTS
    # structure and its doclists' first pages into this connection's cache. Reported apart.
    first_pass, first_per_query = time_app(conn, queries, 1)
    slowest_first = max(queries, key=lambda q: first_per_query[q][0][0])

    app_samples, app_per_query = time_app(conn, queries, args.reps)
    floor_samples, floor_per_query = time_floor(conn, queries, args.reps)

    rg = shutil.which("rg")
    rg_samples, rg_per_query = None, None
    dump = Path(f"{path}.dump.txt")
    if rg:
        write_dump(documents, dump)
        subprocess.run([rg, "--no-config", "-c", "-F", "税", str(dump)], stdout=subprocess.DEVNULL)  # page cache
        rg_samples, rg_per_query = time_ripgrep(rg, dump, queries, args.reps)
        print(f"ripgrep dump: {dump.stat().st_size / 1e6:.1f} MB")
    else:
        print("ripgrep: rg is not installed (Debian package ripgrep): ripgrep_p95_ms is null")

    print(f"\n{'query':<16} {'app p50':>8} {'app max':>8} {'floor p50':>9} {'rg p50':>8}   hits (count capped at {COUNT_CAP})")
    for kind, group in QUERY_MIX.items():
        for q in group:
            app = [s[0] for s in app_per_query[q]]
            floor = [s[0] for s in floor_per_query[q]]
            rg_p50 = f"{ms(percentile([s[0] for s in rg_per_query[q]], 50)):>8.2f}" if rg_per_query else f"{'-':>8}"
            rg_hits = f", rg lines {rg_per_query[q][0][1]}" if rg_per_query else ""
            print(f"{q:<16} {ms(percentile(app, 50)):>8.2f} {ms(max(app)):>8.2f} {ms(percentile(floor, 50)):>9.2f} "
                  f"{rg_p50}   {app_per_query[q][0][1]} ({kind}{rg_hits})")

    extra_lines = []
    for q in EXTRA_QUERIES:
        _, per = time_app(conn, [q], args.reps)
        times = [s[0] for s in per[q]]
        extra_lines.append(f"  search {q!r}: p50 {ms(percentile(times, 50))} ms, max {ms(max(times))} ms, "
                           f"hits {per[q][0][1]}")
    from store.db import province_key_range

    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        result = search_store.search(conn, "税", limit=LIMIT, count_cap=COUNT_CAP,
                                     key_range=province_key_range("辽宁省"))
        times.append(time.perf_counter() - t)
    extra_lines.append(f"  search '税' with key_range=province_key_range('辽宁省') (what province:辽宁 could compile to): "
                       f"p50 {ms(percentile(times, 50))} ms, max {ms(max(times))} ms, hits {result.total_label}")
    for q in ["企", "社保", "降低成本"]:
        times = []
        for _ in range(args.reps):
            t = time.perf_counter()
            counts = search_store.counts_by_document(conn, q)
            times.append(time.perf_counter() - t)
        extra_lines.append(f"  counts_by_document {q!r} (the filter's second, uncapped pass): "
                           f"p50 {ms(percentile(times, 50))} ms, max {ms(max(times))} ms, "
                           f"{sum(counts.values())} matches in {len(counts)} documents")
    extra_lines.extend(long_query_lines(conn, args.reps))
    if not args.no_fresh:
        first, complete = time_filter_worker(path, queries, max(1, args.reps // 2))
        extra_lines.append(
            f"  tui filter worker (new Store, count capped at {COUNT_CAP}, open document's keys): "
            f"p50 {ms(percentile(first, 50))} ms, p95 {ms(percentile(first, 95))} ms, max {ms(max(first))} ms; "
            f"+ counts_by_document (uncapped): p50 {ms(percentile(complete, 50))} ms, "
            f"p95 {ms(percentile(complete, 95))} ms, max {ms(max(complete))} ms")
    extra_lines.insert(0, f"  first, untimed pass over the mix after opening the database: p50 "
                          f"{ms(percentile(first_pass, 50))} ms, max {ms(max(first_pass))} ms ({slowest_first})")
    print("\nnot in the JSON:")
    print("\n".join(extra_lines))

    if args.explain:
        for q in ["税", "降低成本", "企业 -税", "province:辽宁 税"]:
            print(f"\nEXPLAIN {q!r}:")
            print("\n".join(explain(conn, q)))
    if args.profile:
        print(f"\ncProfile of 20 × search({args.profile!r}):")
        print(profile(conn, args.profile))
    store.close()

    result = {
        "clauses": n,
        "queries": len(app_samples),
        "p50_ms": ms(percentile(app_samples, 50)),
        "p95_ms": ms(percentile(app_samples, 95)),
        "max_ms": ms(max(app_samples)),
        "fts_floor_p95_ms": ms(percentile(floor_samples, 95)),
        "ripgrep_p95_ms": ms(percentile(rg_samples, 95)) if rg_samples else None,
        "index_mb": round(size["index_mb"], 1),
        "build_s": round(timings["build_s"], 2) if timings["build_s"] is not None else None,
    }
    targets = []
    if result["p95_ms"] is not None:
        targets.append(f"p95 ≤ 50 ms: {'yes' if result['p95_ms'] <= 50 else 'NO'}")
        targets.append(f"p95 ≤ 3× floor ({3 * result['fts_floor_p95_ms']:.1f} ms): "
                       f"{'yes' if result['p95_ms'] <= 3 * result['fts_floor_p95_ms'] else 'NO'}")
        if result["ripgrep_p95_ms"] is not None:
            targets.append(f"p95 below ripgrep's: {'yes' if result['p95_ms'] < result['ripgrep_p95_ms'] else 'NO'}")
        if result["build_s"]:
            rate = n / result["build_s"]
            targets.append(f"build ≥ 50,000 clauses/s: {'yes' if rate >= 50000 else 'NO'} ({rate:,.0f})")
    print(f"\nqueries: {len(queries)} × {args.reps} reps; targets (stated for N = 1,000,000): " + "; ".join(targets))

    if not args.keep:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), dump):
            if p.exists():
                p.unlink()
    else:
        print(f"kept {path}" + (f" and {dump}" if dump.exists() else ""))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
