#!/usr/bin/env python3
"""Import benchmark: parse + store throughput, and how long importing the samples takes.

    python bench/import_bench.py [--files 40] [--file-mb 0.5] [--seed S] [--reps 3] [--keep]

(a) Throughput. A synthetic corpus is written to a temporary folder: --files files of about
    --file-mb MB each, every one a concatenation of copies of the five sample documents
    (sample_db/*.txt) in a random order, each copy with its years shifted and a few body
    paragraphs swapped, so that no two files have the same sha256 (the importer would skip a
    duplicate as "unchanged"). It is imported with store.importer.import_paths into a fresh
    Store (keyword extraction is not part of the importer: nothing to skip) → import_mb_s.
    The same texts go through store.parse.parse_text alone → parse_mb_s. MB are the files'
    UTF-8 bytes (10^6). The importer is single-threaded, so this is one core's throughput;
    cpu_* figures use process CPU time, which another busy process on the machine disturbs
    less than wall time. A second, smaller corpus keeps each sample at its natural size
    (one document per file, years shifted) → natural_import_mb_s, to show that the big
    files do not hide a size effect.
(b) Start-up path. The five samples (0.33 MB) imported into a fresh database
    * in-process: in a new interpreter, timed from after its module imports (Store creation
      + import_paths; OpenCC's tables are loaded on the first fold, inside the timing)
      → samples_inprocess_s; the same again in that process, into another fresh database
      → samples_inprocess_warm_s;
    * as the command `policy-review import sample_db --db tmp.db --no-keywords`, wall time
      of the whole process (interpreter start, imports, import) → samples_cli_s;
    * keyword extraction alone, `policy-review keywords --db tmp.db`, on that database
      (jieba's dictionary load included) → keywords_cli_s.
    Medians of --reps runs, each into a new database. python_start_s is a bare
    `python -c pass`, for scale.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sample_db import sample_files  # noqa: E402
from store.db import Store  # noqa: E402
from store.importer import import_paths  # noqa: E402
from store.parse import parse_text  # noqa: E402

_YEAR_RE = re.compile(r"(19|20)(\d\d)(?=年)")


def _vary(text: str, rng: random.Random, copy: int) -> str:
    """One copy of a sample: years shifted by `copy` (dates stay dates), and two pairs of
    adjacent plain body paragraphs swapped (headings and short lines are left in place, so the
    outline is the same)."""
    shift = copy % 9 + 1
    text = _YEAR_RE.sub(lambda m: f"{int(m.group(1) + m.group(2)) + shift}", text)
    lines = text.split("\n")
    body = [i for i in range(len(lines) - 1)
            if len(lines[i].strip()) > 60 and len(lines[i + 1].strip()) > 60
            and not re.match(r"\s*[（(]?[一二三四五六七八九十0-9０-９]+[、.．）)]", lines[i])
            and not re.match(r"\s*[（(]?[一二三四五六七八九十0-9０-９]+[、.．）)]", lines[i + 1])]
    for i in rng.sample(body, min(2, len(body))):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "\n".join(lines)


def make_big_corpus(folder: Path, files: int, file_mb: float, seed: int) -> list[Path]:
    rng = random.Random(seed)
    samples = [p.read_text(encoding="utf-8") for p in sample_files()]
    target = int(file_mb * 1_000_000)
    paths, seen, copy = [], set(), 0
    for n in range(files):
        parts, size = [], 0
        while size < target:
            copy += 1
            text = _vary(rng.choice(samples), rng, copy)
            parts.append(text)
            size += len(text.encode("utf-8"))
        data = "\n\n".join(parts).encode("utf-8")
        assert hashlib.sha256(data).hexdigest() not in seen
        seen.add(hashlib.sha256(data).hexdigest())
        path = folder / f"big-{n:03d}.txt"
        path.write_bytes(data)
        paths.append(path)
    return paths


def make_natural_corpus(folder: Path, copies: int, seed: int) -> list[Path]:
    rng = random.Random(seed + 1)
    paths = []
    for c in range(copies):
        for sample in sample_files():
            path = folder / f"{sample.stem}-{c:02d}.txt"
            path.write_text(_vary(sample.read_text(encoding="utf-8"), rng, c), encoding="utf-8")
            paths.append(path)
    return paths


# --------------------------------------------------------------------------- the issue's corpus

CORPUS_VERSION = 1
"""Bumped when the generated corpus changes: a kept corpus of another version is made again."""

_CN = "一二三四五六七八九十"


def _chinese(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    if n < 20:
        return "十" + _CN[n - 11]
    tens, ones = divmod(n, 10)
    return _CN[tens - 1] + "十" + (_CN[ones - 1] if ones else "")


def corpus_sentences() -> list[str]:
    """Sentences of the samples (pinyin glosses removed): none that reads as a heading, and
    no line without an end of sentence (a title would begin a document of its own)."""
    found = []
    for path in sample_files():
        text = re.sub(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]", "", path.read_text(encoding="utf-8"))
        for piece in re.split(r"(?<=[。；！？])|\n", text):
            piece = piece.strip(" \u3000?")
            if (12 <= len(piece) <= 160 and piece[-1] in "。；！？"
                    and not re.match(r"^[（(]?[一二三四五六七八九十\d]+[、.．)）]", piece)):
                found.append(piece)
    return found


def corpus_document(n: int, rng: random.Random, pool: list[str], to_traditional) -> str:
    """File n of the issue's corpus: a provincial 实施意见 with its 文号, recipients, an opening
    paragraph, five chapters (一、) of ten sections (（一）) of twenty items (1.), and a
    signature: 1,001 clauses, about 236 KB. An item is one or two sentences of the samples;
    15 % of the items are in traditional characters."""
    from store import regions

    province = regions.PROVINCES[n % CORPUS_PROVINCES]
    year = 2016 + n % 9
    lines = [f"{province}人民政府关于推进第{n + 1}批重点工作的实施意见", "",
             f"{regions.short_name(province)}政发〔{year}〕{n % 97 + 1}号", "",
             "各市人民政府，省政府各部门：",
             "　　" + rng.choice(pool) + rng.choice(pool) + "现提出如下意见。"]
    for i in range(1000):
        if i % 200 == 0:
            chapter = i // 200 + 1
            lines.append(f"　　{_chinese(chapter)}、重点任务第{chapter}部分")
        if i % 20 == 0:
            section = i % 200 // 20 + 1
            lines.append(f"　　（{_chinese(section)}）工作要求第{section}项")
        text = "".join(rng.choice(pool) for _ in range(2 if rng.random() < 0.49 else 1))
        text = text.lstrip("0123456789.．、%％ ")  # "3.2020年…" would read as heading 3.2
        if rng.random() < 0.15:
            text = to_traditional.convert(text)
        lines.append(f"　　{i % 20 + 1}.{text}")
    lines += ["", f"{province}人民政府", f"{year}年{n % 12 + 1}月{n % 28 + 1}日", ""]
    return "\n".join(lines)


CORPUS_PROVINCES = 31


def make_issue_corpus(folder: Path, files: int, seed: int) -> list[Path]:
    """The corpus of issue 11 (1,000 files: 1,001,000 clauses, about 236 MB, 31 provinces),
    kept in `folder` and made again only when its files, seed or version differ."""
    import opencc

    stamp = folder / "corpus.json"
    wanted = {"version": CORPUS_VERSION, "files": files, "seed": seed}
    paths = [folder / f"policy-{n:05d}.txt" for n in range(files)]
    if stamp.exists() and json.loads(stamp.read_text()) == wanted and all(p.exists() for p in paths):
        return paths
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    pool, to_traditional = corpus_sentences(), opencc.OpenCC("s2t")
    for n, path in enumerate(paths):
        path.write_text(corpus_document(n, rng, pool, to_traditional), encoding="utf-8")
    stamp.write_text(json.dumps(wanted))
    return paths


def timed(fn):
    gc.collect()
    w, c = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - w, time.process_time() - c, value


def import_throughput(folder: Path, db: Path) -> dict:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    store = Store(db)
    wall, cpu, results = timed(lambda: import_paths(store, [folder]))
    store.close()
    refused = [r for r in results if not r.ok]
    if refused:
        print(f"  warning: {len(refused)} refused, e.g. {refused[0].path}: {refused[0].message}")
    unchanged = [r for r in results if r.status == "unchanged"]
    assert not unchanged, "corpus files must all differ"
    return {"wall": wall, "cpu": cpu, "files": len(results), "documents": sum(r.documents for r in results),
            "clauses": sum(r.clauses for r in results)}


def parse_throughput(paths: list[Path]) -> dict:
    texts = [p.read_text(encoding="utf-8") for p in paths]
    wall, cpu, parsed = timed(lambda: [parse_text(t, file=str(p)) for t, p in zip(texts, paths)])
    return {"wall": wall, "cpu": cpu, "documents": sum(len(f.documents) for f in parsed)}


def cli(args: list[str], cwd: Path) -> float:
    exe = shutil.which("policy-review", path=str(Path(sys.executable).parent)) or shutil.which("policy-review")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "tui.cli", *args]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"import_bench: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    return elapsed


def samples_inprocess(db: Path) -> int:
    """Child mode: the five samples into a fresh database, timed after the imports above."""
    def run(path: Path) -> float:
        t = time.perf_counter()
        store = Store(path)
        results = import_paths(store, sample_files())
        store.close()
        elapsed = time.perf_counter() - t
        assert all(r.status == "imported" for r in results), [r.message for r in results]
        return elapsed

    first = run(db)
    again = run(db.with_name(db.stem + "-again.db"))
    print(json.dumps({"first": first, "again": again}))
    return 0


def corpus_import(folder: Path, db: Path) -> dict:
    """`policy-review import FOLDER --db DB --yes --json` as a new process: its wall time, its
    JSON (results, phase times, CPU of its own and of its workers)."""
    exe = shutil.which("policy-review", path=str(Path(sys.executable).parent)) or shutil.which("policy-review")
    cmd = [exe] if exe else [sys.executable, "-m", "tui.cli"]
    started = time.perf_counter()
    proc = subprocess.run([*cmd, "import", str(folder), "--db", str(db), "--yes", "--json"], cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"import_bench: import failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    return {"wall": wall, **json.loads(proc.stdout)}


def database_mb(db: Path) -> float:
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists()) / 1e6


def run_corpus(args) -> dict:
    """--corpus N: the issue's corpus imported end to end into a new database (keywords
    included), then imported again (every file unchanged)."""
    folder = REPO / "bench" / "out" / f"corpus-{args.corpus}"
    db = args.db or REPO / "bench" / "out" / f"corpus-{args.corpus}.db"
    print(f"making the corpus in {folder} (kept for the next run)…", flush=True)
    paths = make_issue_corpus(folder, args.corpus, args.seed)
    text_mb = sum(p.stat().st_size for p in paths) / 1e6
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    load = os.getloadavg()
    print(f"corpus: {len(paths)} files, {text_mb:.1f} MB; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    first = corpus_import(folder, db)
    summary, seconds = first["summary"], first["seconds"]
    clauses = sum(r["clauses"] for r in first["results"])
    size = database_mb(db)
    print(f"import: {first['wall']:.1f} s wall ({seconds['files']:.1f} s for the files, "
          f"{seconds.get('keywords', 0):.1f} s for keywords left over), {summary['imported']} files imported, "
          f"{clauses:,} clauses ({clauses / first['wall']:,.0f} clauses/s, {text_mb / first['wall']:.2f} MB/s), "
          f"{first['keywords']:,} given keywords; CPU {seconds['cpu']:.1f} s in the importing process + "
          f"{seconds['cpu_workers']:.1f} s in its workers ({(seconds['cpu'] + seconds['cpu_workers']) / first['wall']:.2f} "
          f"cores busy)")
    print(f"database: {size:.1f} MB = {size / text_mb:.2f} × the text")
    again = corpus_import(folder, db)
    unchanged = again["summary"]["unchanged"]
    print(f"import again: {again['wall']:.1f} s wall, {unchanged} files unchanged")
    load_after = os.getloadavg()
    result = {
        "files": len(paths),
        "clauses": clauses,
        "text_mb": round(text_mb, 1),
        "wall_s": round(first["wall"], 1),
        "phases_s": {phase: round(value, 1) for phase, value in seconds.items() if not phase.startswith("cpu")},
        "cpu_s": round(seconds["cpu"], 1),
        "cpu_workers_s": round(seconds["cpu_workers"], 1),
        "cores_busy": round((seconds["cpu"] + seconds["cpu_workers"]) / first["wall"], 2),
        "clauses_per_s": round(clauses / first["wall"]),
        "mb_per_s": round(text_mb / first["wall"], 2),
        "keywords": first["keywords"],
        "db_mb": round(size, 1),
        "db_ratio": round(size / text_mb, 2),
        "reimport_s": round(again["wall"], 1),
        "reimport_unchanged": unchanged,
        "load_before": round(load[0], 2),
        "load_after": round(load_after[0], 2),
    }
    targets = [
        f"import ≤ 90 s: {'yes' if result['wall_s'] <= 90 else 'NO'} ({result['wall_s']} s)",
        f"import again ≤ 10 s: {'yes' if result['reimport_s'] <= 10 else 'NO'} ({result['reimport_s']} s)",
        f"database ≤ 3 × the text: {'yes' if result['db_ratio'] <= 3 else 'NO'} ({result['db_ratio']})",
    ]
    print("targets: " + "; ".join(targets))
    return result


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) == 3 and sys.argv[1] == "--samples-inprocess":
        return samples_inprocess(Path(sys.argv[2]))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=40, help="files in the throughput corpus (default 40)")
    ap.add_argument("--file-mb", type=float, default=0.5, help="size of each file in MB (default 0.5)")
    ap.add_argument("--natural-copies", type=int, default=6,
                    help="copies of the five samples at their own size (default 6 = 30 files)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=3, help="runs of the start-up measurements (default 3)")
    ap.add_argument("--dir", type=Path, help="work folder (default: a new temporary folder, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--corpus", type=int, metavar="N",
                    help="instead: the issue's corpus of N files of 1,001 clauses (1000: 236 MB) imported end to end")
    ap.add_argument("--db", type=Path, help="with --corpus: the database (default bench/out/corpus-N.db)")
    args = ap.parse_args(argv)
    if args.corpus:
        print(json.dumps(run_corpus(args)))
        return 0

    work = args.dir or Path(tempfile.mkdtemp(prefix="policy-review-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    big_dir, natural_dir = work / "big", work / "natural"
    for d in (big_dir, natural_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    try:
        big = make_big_corpus(big_dir, args.files, args.file_mb, args.seed)
        natural = make_natural_corpus(natural_dir, args.natural_copies, args.seed)
        big_mb = sum(p.stat().st_size for p in big) / 1e6
        natural_mb = sum(p.stat().st_size for p in natural) / 1e6
        print(f"corpus: {len(big)} files, {big_mb:.1f} MB (copies of the samples, years shifted); "
              f"natural: {len(natural)} files, {natural_mb:.1f} MB")

        # warm up: modules, OpenCC tables, regex caches (what every import pays once per process)
        warm = Store(":memory:")
        import_paths(warm, [sample_files()[0]])
        warm.close()

        parse = parse_throughput(big)
        print(f"parse only (store.parse.parse_text): {parse['wall']:.2f} s wall = {big_mb / parse['wall']:.2f} MB/s, "
              f"{big_mb / parse['cpu']:.2f} MB/s of CPU time; {parse['documents']} documents")
        imp = import_throughput(big_dir, work / "big.db")
        print(f"import (store.importer.import_paths, fresh Store): {imp['wall']:.2f} s wall = "
              f"{big_mb / imp['wall']:.2f} MB/s, {big_mb / imp['cpu']:.2f} MB/s of CPU time; "
              f"{imp['files']} files, {imp['documents']} documents, {imp['clauses']} clauses "
              f"({imp['clauses'] / imp['wall']:,.0f} clauses/s)")
        nat = import_throughput(natural_dir, work / "natural.db")
        print(f"import, natural-size files: {nat['wall']:.2f} s wall = {natural_mb / nat['wall']:.2f} MB/s, "
              f"{natural_mb / nat['cpu']:.2f} MB/s of CPU time; {nat['clauses']} clauses")

        # (b) the five samples after start-up: each run in a new interpreter, timed from after
        # its module imports (what the app's import dialog or `import` pays once started)
        samples_mb = sum(p.stat().st_size for p in sample_files()) / 1e6
        inproc, inproc_again = [], []
        for i in range(args.reps):
            out = subprocess.run(
                [sys.executable, __file__, "--samples-inprocess", str(work / f"samples-inproc-{i}.db")],
                stdout=subprocess.PIPE, text=True, check=True,
            ).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            inproc.append(figures["first"])
            inproc_again.append(figures["again"])
        print(f"samples in-process ({samples_mb:.2f} MB; new interpreter, modules imported, then Store + "
              f"import_paths): " + ", ".join(f"{t * 1000:.0f}" for t in inproc) + " ms; a second time in the "
              "same process (OpenCC and caches warm): " + ", ".join(f"{t * 1000:.0f}" for t in inproc_again) + " ms")

        cli_import, cli_keywords = [], []
        for i in range(args.reps):
            db = work / f"samples-cli-{i}.db"
            cli_import.append(cli(["import", "sample_db", "--db", str(db), "--no-keywords"], REPO))
            cli_keywords.append(cli(["keywords", "--db", str(db)], REPO))
        print("`policy-review import sample_db --db tmp.db --no-keywords`: "
              + ", ".join(f"{t * 1000:.0f}" for t in cli_import) + " ms wall")
        print("`policy-review keywords --db tmp.db`: " + ", ".join(f"{t * 1000:.0f}" for t in cli_keywords) + " ms wall")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        python_start = time.perf_counter() - t

        result = {
            "import_mb_s": round(big_mb / imp["wall"], 2),
            "import_cpu_mb_s": round(big_mb / imp["cpu"], 2),
            "parse_mb_s": round(big_mb / parse["wall"], 2),
            "parse_cpu_mb_s": round(big_mb / parse["cpu"], 2),
            "natural_import_mb_s": round(natural_mb / nat["wall"], 2),
            "corpus_mb": round(big_mb, 2),
            "corpus_files": len(big),
            "clauses": imp["clauses"],
            "samples_inprocess_s": round(statistics.median(inproc), 3),
            "samples_inprocess_warm_s": round(statistics.median(inproc_again), 3),
            "samples_cli_s": round(statistics.median(cli_import), 3),
            "keywords_cli_s": round(statistics.median(cli_keywords), 3),
            "python_start_s": round(python_start, 3),
        }
        targets = [
            f"import ≥ 2 MB/s: {'yes' if result['import_mb_s'] >= 2 else 'NO'} ({result['import_mb_s']})",
            f"samples in-process < 1 s: {'yes' if result['samples_inprocess_s'] < 1 else 'NO'} "
            f"({result['samples_inprocess_s']} s)",
            f"samples command < 1 s: {'yes' if result['samples_cli_s'] < 1 else 'NO'} ({result['samples_cli_s']} s)",
        ]
        print("targets: " + "; ".join(targets))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
