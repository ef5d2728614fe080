"""SVG snapshots of the main screens (pytest-textual-snapshot). After an intended change of
the look, review the new screens with `pytest tests/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui_helpers import make_app, make_db, settle

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICY_REVIEW_USER", "reviewer")
    monkeypatch.setenv("POLICY_REVIEW_CONFIG", str(tmp_path / "config.toml"))


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    return make_db(tmp_path_factory.mktemp("snap") / "samples.db")


async def _ready(pilot) -> None:
    pilot.app.main.filter_bar.cursor_blink = False
    await settle(pilot, pilot.app)


def test_empty_database(snap_compare, tmp_path):
    assert snap_compare(make_app(tmp_path / "empty.db", tmp_path), terminal_size=SIZE, run_before=_ready)


def test_samples(snap_compare, samples, tmp_path):
    assert snap_compare(make_app(samples, tmp_path), terminal_size=SIZE, run_before=_ready)


def test_samples_in_80_by_24(snap_compare, samples, tmp_path):
    assert snap_compare(make_app(samples, tmp_path), terminal_size=(80, 24), run_before=_ready)


def test_active_filter(snap_compare, samples, tmp_path):
    async def filtered(pilot) -> None:
        await _ready(pilot)
        await pilot.press("slash", "社", "保")
        await settle(pilot, pilot.app)
        await pilot.press("enter")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(samples, tmp_path), terminal_size=SIZE, run_before=filtered)


def test_help(snap_compare, samples, tmp_path):
    async def help_screen(pilot) -> None:
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(samples, tmp_path), terminal_size=SIZE, run_before=help_screen)


def test_60_columns_with_the_clause_pane_focused(snap_compare, samples, tmp_path):
    async def narrow(pilot) -> None:
        await _ready(pilot)
        await pilot.press("l", "l")
        await pilot.pause()

    assert snap_compare(make_app(samples, tmp_path), terminal_size=(60, 24), run_before=narrow)


def test_light_theme_with_a_filter(snap_compare, samples, tmp_path):
    async def filtered(pilot) -> None:
        await _ready(pilot)
        await pilot.press("slash", "营", "商")
        await settle(pilot, pilot.app)
        await pilot.press("enter")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(samples, tmp_path, theme="textual-light"), terminal_size=SIZE, run_before=filtered)
