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
