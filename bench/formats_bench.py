#!/usr/bin/env python3
"""Format readers benchmark: how long reading a received file takes, per format.

    python bench/formats_bench.py [--reps 3]

PDF, old Word/WPS and OFD (this part): every fixture in tests/fixtures/formats of the format
is read with store.readers.read_path, in this process, after start-up: the reader's libraries
are imported and one small file of each format read before timing, so the figures are what a
folder import pays per file. Medians of --reps runs. Files the reader refuses (scans, garbled
text layers) are timed too: a refusal should be fast.

* pdf: seconds per file (wall and CPU) and per page; the 30-page target is pdf1 (33 pages)
  in ≤ 5 s;
* pdf_cold_s: the first PDF (pdf2, 3 pages) in a new interpreter, imports included;
* doc: milliseconds per file; ofd: milliseconds per file.

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
from store.readers import read_path  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "formats"


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
    return figures


def bench_pdf_cold() -> float:
    """The first PDF in a new interpreter: Python start, imports, reading pdf2."""
    code = ("import time; t = time.perf_counter(); from store.readers import read_path; "
            f"read_path({str(next(FIXTURES.glob('pdf2_*')))!r}); print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    return float(done.stdout.strip())


def bench_by_file(pattern: str, label: str, reps: int) -> dict:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    figures = {
        "pdf": bench_pdf(args.reps),
        "pdf_cold_s": round(bench_pdf_cold(), 3),
        "doc": bench_by_file("doc*.doc", "DOC", args.reps),
        "ofd": bench_by_file("ofd*.ofd", "OFD", args.reps),
    }
    print(f"first PDF in a new process (imports included): {figures['pdf_cold_s']:.2f} s")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
