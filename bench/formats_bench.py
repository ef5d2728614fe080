#!/usr/bin/env python3
"""Format readers benchmark: how long reading a received file takes, per format, after start-up.

    python bench/formats_bench.py [--reps 20] [--only html,docx,pdf,doc,ofd]

Every real file of tests/fixtures/formats is read in this process after a first untimed read of
its format (library imports, first calls, PDF CMaps), so the figures are what a folder import
pays per file. Each format has its own section (a function below, registered in SECTIONS):

* html, docx: read_bytes → read_ms, and read + the whole parse → parse_ms (medians of --reps,
  wall time); targets a web page ≤ 50 ms, a .docx ≤ 100 ms; the reader's library import time
  and installed size are measured in new interpreters (`python -X importtime`);
* pdf: seconds per file (wall and CPU) and per page (medians of at most 3 runs); the 30-page
  target is pdf1 (33 pages) in ≤ 5 s; pdf_cold_s is the first PDF in a new interpreter,
  imports included; files the reader refuses (scans, garbled layers) are timed too;
* doc, ofd: milliseconds per file.

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

from store.errors import InputError  # noqa: E402
from store.parse import parse_source  # noqa: E402
from store.readers import read_bytes, read_path  # noqa: E402

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


# ------------------------------------------------------------------------------ PDF, old Word, OFD


def _timed(path: Path, reps: int) -> tuple[float, float, str, int]:
    """Median wall and CPU seconds to read a file, what came of it, and its page count. CPU
    time is the figure another busy process on the machine disturbs less."""
    walls, cpus = [], []
    outcome, pages = "read", 0
    for _ in range(reps):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            source = read_path(path)
            pages = int(source.info.get("pages", 0))
        except InputError as exc:
            outcome = f"refused: {str(exc).split(':')[0]}"
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), outcome, pages


def bench_pdf(reps: int) -> dict:
    reps = min(reps, 3)  # the civil code alone takes 20 s a read
    read_path(next(FIXTURES.glob("pdf2_*")))  # start-up: libraries imported, CMaps loaded once
    figures = {}
    print("PDF")
    for path in sorted(FIXTURES.glob("pdf*.pdf"), key=lambda p: int(p.name[3:].split("_")[0])):
        seconds, cpu, outcome, pages = _timed(path, reps)
        per_page = seconds / pages if pages else None
        name = path.name.split("_")[0]
        figures[name] = {"s": round(seconds, 3), "cpu_s": round(cpu, 3), "pages": pages,
                         "s_per_page": round(per_page, 4) if per_page else None, "outcome": outcome}
        print(f"  {path.name:52} {seconds:6.2f} s (cpu {cpu:6.2f})  {pages:4} pages  "
              f"{per_page * 1000 if per_page else 0:5.0f} ms/page  {outcome}")
    figures["cold_s"] = round(bench_pdf_cold(), 3)
    print(f"  first PDF in a new process (imports included): {figures['cold_s']:.2f} s")
    return figures


def bench_pdf_cold() -> float:
    """The first PDF in a new interpreter: Python start, imports, reading pdf2."""
    code = ("import time; t = time.perf_counter(); from store.readers import read_path; "
            f"read_path({str(next(FIXTURES.glob('pdf2_*')))!r}); print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    return float(done.stdout.strip())


def _bench_by_file(pattern: str, label: str, reps: int) -> dict:
    paths = sorted(FIXTURES.glob(pattern))
    read_path(paths[0])  # start-up
    figures = {}
    print(label)
    for path in paths:
        seconds, cpu, outcome, _pages = _timed(path, reps)
        figures[path.name.split("_")[0]] = {"ms": round(seconds * 1000, 1), "cpu_ms": round(cpu * 1000, 1),
                                            "outcome": outcome}
        print(f"  {path.name:52} {seconds * 1000:6.1f} ms (cpu {cpu * 1000:6.1f})  {outcome}")
    return figures


def bench_doc(reps: int) -> dict:
    return _bench_by_file("doc*.doc", "old Word .doc (store.readers.doc)", reps)


def bench_ofd(reps: int) -> dict:
    return _bench_by_file("ofd*.ofd", "OFD (store.readers.ofd)", reps)


SECTIONS = {"html": bench_html, "docx": bench_docx, "pdf": bench_pdf, "doc": bench_doc, "ofd": bench_ofd}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ", ".join(SECTIONS))
    args = parser.parse_args()
    figures = {name: SECTIONS[name](args.reps) for name in args.only.split(",") if name in SECTIONS}
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
