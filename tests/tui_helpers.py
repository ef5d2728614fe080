"""Helpers for driving the app in tests: a database with the samples, the screen as text."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from sample_db import sample_files
from store.db import Store
from store.importer import import_paths
from tui.app import PolicyReviewApp
from tui.config import Config


def make_db(path: Path, files: list[Path] | None = None) -> Path:
    with Store(path) as store:
        import_paths(store, files if files is not None else sample_files())
    return path


def make_app(db: Path, tmp_path: Path, **config) -> PolicyReviewApp:
    return PolicyReviewApp(db, config=Config(tmp_path / "config.toml", **config))


def screen_text(app: PolicyReviewApp) -> str:
    """What a person sees on the screen, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None,
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def settle(pilot, app: PolicyReviewApp) -> None:
    """Let workers finish and the screen catch up."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)


async def filter_for(pilot, app: PolicyReviewApp, query: str) -> None:
    """Type a filter as a reviewer does (/, the words, enter) and wait for its results."""
    await pilot.press("slash")
    await type_text(pilot, query)
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)


def long_document(path: Path, clauses: int, per_section: int = 100) -> Path:
    """A policy document with `clauses` numbered items under （N） sections under 一、 parts:
    a long pane to jump around in."""
    lines = ["辽宁省关于推进重点工作的实施意见", ""]
    for i in range(clauses):
        if i % (per_section * 10) == 0:
            lines.append(f"{'一二三四五六七八九十'[(i // (per_section * 10)) % 10]}、第{i // (per_section * 10) + 1}部分重点任务")
        if i % per_section == 0:
            lines.append(f"（{i // per_section + 1}）工作要求第{i // per_section + 1}项")
        lines.append(f"{i % per_section + 1}.第{i + 1}条 加强统筹协调，落实降低企业成本各项政策，提高服务效率和水平。")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def segments_contrast(pane, rows) -> list[tuple[float, str]]:
    """(contrast ratio, text) of every piece of text drawn on the pane's given rows."""
    from tui.colors import contrast

    found = []
    for y in rows:
        for segment in pane.render_line(y):
            style = segment.style
            if segment.text.strip() and style is not None and style.color is not None and style.bgcolor is not None:
                found.append((contrast(tuple(style.color.get_truecolor()), tuple(style.bgcolor.get_truecolor())),
                              segment.text))
    return found


def cursor_rows(pane) -> list[int]:
    pane.render_line(0)  # builds the frame
    return [y for y, (index, _line) in enumerate(pane._frame) if index == pane.cursor]


async def press_on_clause(pilot, app: PolicyReviewApp, phrase: str, key: str) -> None:
    """Move the clause pane to the one clause whose text holds `phrase`, focus it, press a key."""
    from store import browse
    from tests._store_helpers import clause_with

    clause = browse.clause(app.store.conn, clause_with(app.store.conn, phrase))
    app.main.go_to_clause(clause.sort_key)
    app.main.clauses.focus()
    await settle(pilot, app)
    await pilot.press(key)
    await settle(pilot, app)
