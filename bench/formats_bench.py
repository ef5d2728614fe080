#!/usr/bin/env python3
"""Format readers benchmark: milliseconds per file for each real file in tests/fixtures/formats.

    python bench/formats_bench.py [--reps 20] [--only html,docx]

Each format has its own section (a function below, registered in SECTIONS). A section reads
every file of its format with store.readers.read_bytes once untimed (library imports and first
calls), then --reps times → read_ms (median); the same bytes through the whole parse
(read_bytes + store.parse.parse_source) → parse_ms (median). Wall time, one core. Targets
(issue 10, after start-up): a web page ≤ 50 ms, a .docx ≤ 100 ms.

The start-up a format adds is measured apart, in new interpreters: the median over 5 runs of
the time to import the reader's library (`python -X importtime`, cumulative µs of the
top-level module) → import_ms, and the size of its installed files → install_mb.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from store.parse import parse_source  # noqa: E402
from store.readers import read_bytes  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "formats"


def time_files(pattern: str, reps: int) -> list[dict]:
    """read_ms and parse_ms (medians) for each file matching pattern."""
    rows = []
    for path in sorted(FIXTURES.glob(pattern)):
        data = path.read_bytes()
        source = read_bytes(data, path.suffix)  # untimed: imports, first calls
        parse_source(source, file=path.name)
        reads, parses = [], []
        for _ in range(reps):
            start = time.perf_counter()
            source = read_bytes(data, path.suffix)
            middle = time.perf_counter()
            parse_source(source, file=path.name)
            end = time.perf_counter()
            reads.append((middle - start) * 1000)
            parses.append((end - start) * 1000)
        rows.append({"file": path.name, "kb": round(len(data) / 1024, 1), "blocks": len(source.blocks),
                     "read_ms": round(statistics.median(reads), 2), "parse_ms": round(statistics.median(parses), 2)})
    return rows


def import_cost(module: str, distribution: str | None) -> dict:
    """Import time of a library in a new interpreter, and the size of its installed files
    (none for the standard library's)."""
    times = []
    for _ in range(5):
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                                capture_output=True, text=True, check=True)
        line = next(line for line in reversed(result.stderr.splitlines()) if line.rstrip().endswith(f" {module}"))
        times.append(int(line.split("|")[1]) / 1000)
    from importlib.metadata import distribution as dist

    files = (dist(distribution).files or []) if distribution else []
    size = sum((f.locate().stat().st_size for f in files if Path(f.locate()).is_file()), 0)
    return {"module": module, "import_ms": round(statistics.median(times), 1), "install_mb": round(size / 1e6, 1)}


def print_rows(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"  {'file':<56} {'KB':>7} {'blocks':>6} {'read ms':>8} {'+parse ms':>9}")
    for row in rows:
        print(f"  {row['file']:<56} {row['kb']:>7} {row['blocks']:>6} {row['read_ms']:>8} {row['parse_ms']:>9}")


# ------------------------------------------------------------------------------ web pages and Word


def bench_html(reps: int) -> dict:
    rows = time_files("html*", reps)
    print_rows("web pages (store.readers.html, target ≤ 50 ms)", rows)
    cost = import_cost("selectolax.lexbor", "selectolax")
    print(f"  start-up: import selectolax.lexbor {cost['import_ms']} ms, installed {cost['install_mb']} MB")
    return {"files": rows, "dependency": cost, "max_parse_ms": max(r["parse_ms"] for r in rows)}


def bench_docx(reps: int) -> dict:
    rows = time_files("docx*", reps)
    print_rows("Word .docx (store.readers.docx, target ≤ 100 ms)", rows)
    cost = import_cost("xml.etree.ElementTree", None)
    print(f"  start-up: import xml.etree.ElementTree {cost['import_ms']} ms (standard library: nothing installed)")
    return {"files": rows, "dependency": cost, "max_parse_ms": max(r["parse_ms"] for r in rows)}


SECTIONS = {"html": bench_html, "docx": bench_docx}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ", ".join(SECTIONS))
    args = parser.parse_args()
    figures = {name: SECTIONS[name](args.reps) for name in args.only.split(",") if name in SECTIONS}
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
