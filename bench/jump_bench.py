"""Benchmark of jumps in long panes (issue 12: any jump, at any size, in ≤ 100 ms).

    python bench/jump_bench.py [--clauses 2000 5000] [--sections 5940] [--runs 5]

For each size, builds (in a temporary folder, through the real importer) one document of N
numbered clauses under （N） sections, and one of --sections sections, then in the running
app (Pilot, 120×36) times each jump from the key press until the screen has been drawn
again: G, g, a page down, and n / N between matches at opposite ends of the document, in
the clause pane; G and g in the documents pane over the section tree. The figure is the
CPU time the app spent
work), and, for comparison, the wall time of the same press less that of a key bound to
nothing (Pilot's own overhead, about 70 ms here). Prints the median and the worst of
--runs, and one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def chinese(n: int) -> str:
    digits = "一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else digits[tens - 1]) + "十" if tens else "") + (digits[ones - 1] if ones else "")


def build(folder: Path, clauses: int, sections: int) -> Path:
    from store.db import Store
    from store.importer import import_paths

    lines = ["辽宁省关于推进重点工作的实施意见", ""]
    for i in range(clauses):
        if i % 100 == 0:
            lines.append(f"（{i // 100 + 1}）工作要求第{i // 100 + 1}项")
        marker = "跳转标记" if i in (0, clauses - 1) else "加强统筹协调"
        lines.append(f"{i % 100 + 1}.第{i + 1}条 {marker}，落实降低企业成本各项政策，提高服务效率和水平。")
    (folder / "long.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Chapters of 98 subsections: 60 chapters make 60 + 60 × 98 = 5,940 sections.
    lines = ["吉林省关于推进重点工作的指导意见", ""]
    chapter = made = 0
    while made < sections:
        chapter += 1
        lines.append(f"第{chinese(chapter)}章 第{chapter}部分重点任务")
        made += 1
        for sub in range(1, min(98, sections - made) + 1):
            lines.append(f"（{chinese(sub)}）工作要求第{sub}项")
            lines.append(f"1.第{chapter}章第{sub}项的内容，落实各项政策。")
            made += 1
    (folder / "sections.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "jump.db"
    with Store(db) as store:
        import_paths(store, [folder / "long.txt", folder / "sections.txt"])
    return db


async def measure(db: Path, runs: int) -> dict[str, list[float]]:
    from store import browse
    from tui.app import PolicyReviewApp
    from tui.config import Config

    times: dict[str, list[float]] = {}
    app = PolicyReviewApp(db, config=Config(Path("/nonexistent/config.toml")))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main

        async def press(*keys: str) -> tuple[float, float]:
            wall, cpu = time.perf_counter(), time.thread_time()
            await pilot.press(*keys)
            main.screen._on_timer_update()  # draw what changed, as the next frame does
            return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000

        baseline = statistics.median([(await press("x"))[0] for _ in range(5)])  # x is bound to nothing

        async def timed(name: str, *keys: str) -> None:
            wall, cpu = await press(*keys)
            times.setdefault(name, []).append(cpu)
            times.setdefault(f"{name} (wall − Pilot)", []).append(max(0.0, wall - baseline))

        documents = {d.title: d for d in browse.documents(app.store.conn)}
        long_doc = next(d for t, d in documents.items() if t.startswith("辽宁"))
        tree_doc = next(d for t, d in documents.items() if t.startswith("吉林"))
        for _ in range(runs):
            main.browser.go_to_document(long_doc.id)
            main.sections.set_cursor(main.sections._row_of_document(long_doc.id))
            await pilot.pause()
            main.clauses.focus()
            await pilot.pause()
            await timed("clauses: G", "G")
            await timed("clauses: g", "g")
            await timed("clauses: page down", "pagedown")
            await pilot.press("g")
        main.apply_filter("跳转标记")
        await app.workers.wait_for_complete()
        await pilot.pause()
        main.clauses.focus()
        await pilot.pause()
        for _ in range(runs):
            await timed("n (first → last)", "n")
            await timed("N (last → first)", "N")
        await pilot.press("escape")
        main.browser.go_to_document(tree_doc.id)
        await pilot.pause()
        main.sections.focus()
        await pilot.pause()
        for _ in range(runs):
            await timed("sections: G", "G")
            await timed("sections: g", "g")
        app.exit()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--sections", type=int, default=5940)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    figures = {}
    for clauses in args.clauses:
        with tempfile.TemporaryDirectory(prefix="pr-jump-") as folder:
            db = build(Path(folder), clauses, args.sections)
            times = asyncio.run(measure(db, args.runs))
        print(f"{clauses} clauses in one document, {args.sections} sections in another:")
        for name, values in times.items():
            print(f"  {name:34} median {statistics.median(values):6.1f} ms   worst {max(values):6.1f} ms")
        figures[str(clauses)] = {name: round(max(values), 1) for name, values in times.items() if "wall" not in name}
    worst = max(v for by_name in figures.values() for v in by_name.values())
    print(f"worst jump (CPU): {worst:.1f} ms (target ≤ 100)")
    print(json.dumps({"sections": args.sections, "worst_ms": worst, "worst_by_size": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
