"""SVG snapshots of the comparison views: the similar clauses of a clause, a pair side by
side (compared by character: the helper process that brings jieba's words is kept out, so
the screen does not depend on when it answers) and the coverage grid. After an intended
change of the look, review them with `pytest tests/test_comparing_snapshots.py --snapshot-update`."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import topics
from store.db import Store
from tests.tui_helpers import make_app, make_db, press_on_clause, settle
from tui.segmenter import WordCutter

SIZE = (120, 36)
LIAONING = "严格执行全省企业失业保险单位缴费费率由2%降至1%"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICY_REVIEW_USER", "reviewer")
    monkeypatch.setenv("POLICY_REVIEW_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr(WordCutter, "cut", lambda self, texts: None)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    path = make_db(tmp_path_factory.mktemp("snap") / "samples.db")
    with Store(path) as store:
        topics.save(store, "社保", "社保 | 养老保险", "reviewer")
        topics.save(store, "用地", "用地", "reviewer")
        topics.save(store, "融资担保", "融资担保", "reviewer")
    return path


async def _on_clause(pilot) -> None:
    pilot.app.main.filter_bar.cursor_blink = False
    await settle(pilot, pilot.app)
    await press_on_clause(pilot, pilot.app, LIAONING, "c")


def test_similar_clauses(snap_compare, samples, tmp_path):
    assert snap_compare(make_app(samples, tmp_path), terminal_size=SIZE, run_before=_on_clause)


def test_side_by_side(snap_compare, samples, tmp_path):
    async def pair(pilot) -> None:
        await _on_clause(pilot)
        await pilot.press("enter")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(samples, tmp_path), terminal_size=SIZE, run_before=pair)


def test_coverage_grid(snap_compare, samples, tmp_path):
    async def grid(pilot) -> None:
        pilot.app.main.filter_bar.cursor_blink = False
        await settle(pilot, pilot.app)
        await pilot.press("C")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(samples, tmp_path), terminal_size=(120, 40), run_before=grid)
