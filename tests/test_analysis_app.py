"""The agencies and targets views and the validity badge, driven with Pilot as a reviewer
would; SVG snapshots of both views."""

from __future__ import annotations

import pytest

from store import browse
from store.analysis import tables, validity
from store.db import Store
from store.search import count
from tests.tui_helpers import make_app, screen_text, settle
from tui.agencies_screen import AgenciesScreen
from tui.targets_screen import TargetsScreen

pytestmark = pytest.mark.usefixtures("app_env")

SIZE = (120, 36)


async def test_the_agencies_view_counts_and_enter_filters_to_the_agency(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("A")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, AgenciesScreen)
        with Store(db) as store:
            expected = tables.agency_counts(store.conn)
        assert [(r.name, r.lead, r.partner) for r in screen.rows] == [(r.name, r.lead, r.partner) for r in expected]
        text = screen_text(app)
        assert "吉林省发展改革委" in text and "辽宁省财政厅" in text and "省份" in text
        await pilot.press("j", "enter")  # the second agency: 吉林省财政厅
        await settle(pilot, app)
        assert app.screen is app.main
        assert app.main.filter.text == 'agency:"吉林省财政厅"'
        with Store(db) as store:
            matches = count(store.conn, 'agency:"吉林省财政厅"')[0]
        assert matches == expected[1].lead + expected[1].partner
        assert f"{matches} matches" in app.main.status.text


async def test_the_targets_view_sorts_shows_a_timeline_and_goes_to_the_clause(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("W")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, TargetsScreen)
        deadlines = [t.deadline for t in screen.targets if t.deadline]
        assert deadlines == sorted(deadlines) and len(screen.targets) > 100
        assert "2018 █" in screen_text(app)  # the timeline
        await pilot.press("v")
        values = [t.value for t in screen.targets if t.value is not None]
        assert values == sorted(values, reverse=True) and screen.targets[0].value == values[0]
        await pilot.press("p")
        keys = [t.sort_key for t in screen.targets]
        assert keys == sorted(keys)
        await pilot.press("v")
        wanted = screen.targets[0]
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is app.main
        assert app.main.clauses.current().id == wanted.clause_id
        assert wanted.value_text in app.main.clauses.current().text.translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))


async def test_a_document_no_longer_in_force_wears_a_badge(db, tmp_path):
    with Store(db) as store:
        document = next(d for d in browse.documents(store.conn) if d.province == "山西省" and d.kind == "main")
        validity.set_document(store, document.id, "已废止", "审阅人甲", reason="被新条例取代")
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("l", "l")
        await settle(pilot, app)
        text = screen_text(app)
        assert "✗已废止" in text
        assert "【已废止（被新条例取代）】" in text  # the citation line


async def test_views_and_words_are_in_the_palette_and_help(db, tmp_path):
    from tui.palette import ACTIONS

    assert {"view('agencies')", "view('targets')"} <= {action for _name, _help, action in ACTIONS}
    app = make_app(db, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot, app)
        assert "lead:财政" in screen_text(app)
        assert {"agencies-view", "targets-view"} <= {b.id for b in app.screen.bindings}


def test_snapshot_of_the_agencies_view(snap_compare, sample_db_file, tmp_path):
    async def opened(pilot) -> None:
        pilot.app.main.filter_bar.cursor_blink = False
        await settle(pilot, pilot.app)
        await pilot.press("A")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(sample_db_file, tmp_path), terminal_size=SIZE, run_before=opened)


def test_snapshot_of_the_targets_view(snap_compare, sample_db_file, tmp_path):
    async def opened(pilot) -> None:
        pilot.app.main.filter_bar.cursor_blink = False
        await settle(pilot, pilot.app)
        await pilot.press("W")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(sample_db_file, tmp_path), terminal_size=SIZE, run_before=opened)


async def test_table_cells_are_shown_as_written_never_as_markup():
    from textual.app import App

    from tests.test_app import MARKUP
    from tui.table_pane import Column, TableHeader, TablePane

    class Tables(App):
        CSS = "TablePane { height: 1fr; }"

        def compose(self):
            table = TablePane([Column("机构[b]"), Column("牵头", 6, right=True)])
            yield TableHeader(table)
            yield table

    app = Tables()
    async with app.run_test(size=(80, 12)) as pilot:
        app.query_one(TablePane).set_rows([(cell, "1") for cell in MARKUP])
        await pilot.pause()
        text = screen_text(app)
    assert "机构[b]" in text and "[bold]粗体[/bold]" in text and "[@click=app.quit]退出[/]" in text
    assert "␛[31m红色␛[0m" in text and "\x1b" not in text
