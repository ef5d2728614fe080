"""Benchmark of the app on a large database (the TUI issue's targets).

    python bench/tui_bench.py --clauses 1000000 [--db PATH] [--runs 5]

1. Builds (once; kept at --db) a database of generated policy documents: numbered sections
   (一、 （一） 1.) with clauses made of sample sentences, 15% in traditional characters,
   spread over provinces, imported through the real importer.
2. Time to the first screen: `policy-review --db PATH` started as a process, headless, until
   its three panes have been drawn; beside a bare Textual app (Header, Label, Footer) started
   the same way in the same run. Median of --runs.
3. Filter keystroke → updated panes: typing filters in the running app (Pilot) and timing
   each keystroke until the panes show its results (the fast part: status bar, open
   document, clause pane) and until every count is in (provinces, documents).

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = ["辽宁省", "吉林省", "山西省", "甘肃省", "上海市", "浙江省", "广东省", "四川省", "河南省", "湖北省"]
CN = "一二三四五六七八九十"
QUERIES = ["税", "社保", "融资担保", "企业", "公积金", "降低成本", "2020年", "营商环境", "用地", "产能"]


def sentences() -> list[str]:
    from sample_db import sample_files

    found = []
    for path in sample_files():
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]", "", text)
        for piece in re.split(r"(?<=[。；！？])|\n", text):
            piece = piece.strip(" \u3000?")
            if 12 <= len(piece) <= 160 and not re.match(r"^[（(]?[一二三四五六七八九十\d]+[、.．)）]", piece):
                found.append(piece)
    return found


def chinese(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    if n < 20:
        return "十" + CN[n - 11]
    tens, ones = divmod(n, 10)
    return CN[tens - 1] + "十" + (CN[ones - 1] if ones else "")


def build(db: Path, clauses: int, seed: int = 7, provinces: list[str] = PROVINCES) -> None:
    import opencc

    from store.db import Store
    from store.importer import import_paths

    rng = random.Random(seed)
    pool = sentences()
    to_traditional = opencc.OpenCC("s2t")
    per_doc = 2000
    folder = Path(tempfile.mkdtemp(prefix="pr-bench-docs-"))
    made = 0
    number = 0
    while made < clauses:
        number += 1
        province = provinces[number % len(provinces)]
        lines = [f"{province}关于推进第{number}批重点工作的实施意见", ""]
        count = min(per_doc, clauses - made)
        chapter = section = 0
        for i in range(count):
            if i % 200 == 0:
                chapter += 1
                section = 0
                lines.append(f"{chinese(chapter)}、重点任务第{chapter}部分")
            if i % 20 == 0:
                section += 1
                lines.append(f"（{chinese(section)}）工作要求第{section}项")
                item = 0
            item += 1
            text = "".join(rng.choice(pool) for _ in range(rng.choice((1, 1, 2))))
            text = text.lstrip("0123456789.．、%％ ")  # "3.2020年…" would read as heading 3.2
            if rng.random() < 0.15:
                text = to_traditional.convert(text)
            lines.append(f"{item}.{text}")
        (folder / f"doc{number:05d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        made += count
    started = time.perf_counter()
    with Store(db) as store:
        store.conn.execute("PRAGMA synchronous = OFF")
        results = import_paths(store, [folder])
    elapsed = time.perf_counter() - started
    total = sum(r.clauses for r in results)
    print(f"built {db}: {total} clauses in {len(results)} files, {elapsed:.1f} s ({total / elapsed:,.0f} clauses/s)")


FIRST_SCREEN = r"""
import sys, time
start = float(sys.argv[1])
from tui.app import PolicyReviewApp
from tui.config import Config
from pathlib import Path
app = PolicyReviewApp(sys.argv[2], config=Config(Path("/nonexistent/config.toml")))
def ready():
    print(time.time() - start, flush=True)
    app.exit()
app.call_after_refresh(lambda: app.call_after_refresh(ready))
app.run(headless=True)
"""

BARE = r"""
import sys, time
start = float(sys.argv[1])
from textual.app import App
from textual.widgets import Footer, Header, Label
class Bare(App):
    def compose(self):
        yield Header()
        yield Label("hello")
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(lambda: self.call_after_refresh(self.ready))
    def ready(self):
        print(time.time() - start, flush=True)
        self.exit()
Bare().run(headless=True)
"""


def first_screen(script: str, *args: str) -> float:
    # Bytecode caching on, as in an installed copy (both apps are measured the same way).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", script, repr(time.time()), *args], capture_output=True, text=True,
                          cwd=ROOT, env=env)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return float(done.stdout.strip().splitlines()[-1])


async def keystrokes(db: Path) -> tuple[list[float], list[float]]:
    """Per keystroke: ms until the panes show its results, and until every count is in."""
    from tui.app import PolicyReviewApp
    from tui.config import Config

    fast: list[float] = []
    full: list[float] = []
    app = PolicyReviewApp(db, config=Config(Path("/nonexistent/config.toml")))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        main, state = app.main, app.main.filter
        for query in QUERIES:
            main.action_filter()
            main.filter_bar.value = ""
            await app.workers.wait_for_complete()
            await pilot.pause()
            for length in range(1, len(query) + 1):
                generation = state.generation + 1
                started = time.perf_counter()
                seen_fast = seen_full = None
                main.filter_bar.value = query[:length]  # as a keystroke does: Input.Changed
                while seen_full is None:
                    await asyncio.sleep(0.001)
                    if seen_fast is None and state.shown_generation >= generation:
                        main._on_timer_update()  # draw what changed, as the next frame does
                        seen_fast = time.perf_counter()
                    if state.counted_generation >= generation:
                        main._on_timer_update()
                        seen_full = time.perf_counter()
                        seen_fast = seen_fast or seen_full
                    if time.perf_counter() - started > 30:
                        raise SystemExit(f"no result for {query[:length]!r}")
                fast.append((seen_fast - started) * 1000)
                full.append((seen_full - started) * 1000)
        app.exit()
    return fast, full


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 2 else values[0]


def arguments(description: str) -> argparse.Namespace:
    """--clauses, --db and --runs, as this benchmark and those on its database take them."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--clauses", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def database(args: argparse.Namespace) -> Path:
    """--db, else bench/out/tui-N.db, built first when it is not there yet."""
    db = args.db or ROOT / "bench" / "out" / f"tui-{args.clauses}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        build(db, args.clauses)
    return db


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    db = database(args)
    app_times = [first_screen(FIRST_SCREEN, str(db)) for _ in range(args.runs)]
    bare_times = [first_screen(BARE) for _ in range(args.runs)]
    app_s, bare_s = statistics.median(app_times), statistics.median(bare_times)
    print(f"first screen: app {app_s * 1000:.0f} ms, bare Textual app {bare_s * 1000:.0f} ms "
          f"(ratio {app_s / bare_s:.2f}; target ≤ 2)")
    fast, full = asyncio.run(keystrokes(db))
    print(f"filter keystroke → panes updated: p50 {statistics.median(fast):.1f} ms, p95 {p95(fast):.1f} ms "
          f"(target ≤ 100); → all counts in: p50 {statistics.median(full):.1f} ms, p95 {p95(full):.1f} ms")
    from store.db import Store

    with Store(db) as store:
        clauses = store.conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    print(json.dumps({
        "clauses": clauses,
        "first_screen_ms": round(app_s * 1000, 1),
        "bare_textual_ms": round(bare_s * 1000, 1),
        "first_screen_ratio": round(app_s / bare_s, 2),
        "keystroke_p50_ms": round(statistics.median(fast), 1),
        "keystroke_p95_ms": round(p95(fast), 1),
        "all_counts_p95_ms": round(p95(full), 1),
        "keystrokes": len(fast),
    }))


if __name__ == "__main__":
    main()
