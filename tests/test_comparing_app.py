"""Comparing provinces in the app, driven with Pilot: c lists the focused clause's
counterparts, enter shows one side by side (n/N step, space selects), C opens the coverage
grid (enter filters the panes to a cell), saved queries in the command palette."""

from __future__ import annotations

import pytest

from store import selection, topics
from store.db import Store
from tests.tui_helpers import filter_for, make_app, press_on_clause, screen_text, settle, type_text
from tui.similar_screen import SideBySideScreen, SimilarScreen
from tui import grid_screen
from tui.grid_screen import GridScreen

pytestmark = pytest.mark.usefixtures("app_env")

LIAONING = "严格执行全省企业失业保险单位缴费费率由2%降至1%"
SHANGHAI_LAND = "實行工業用地彈性年限出讓"


async def open_similar(pilot, app, phrase: str) -> SimilarScreen:
    await press_on_clause(pilot, app, phrase, "c")
    assert isinstance(app.screen, SimilarScreen)
    return app.screen


async def test_c_lists_the_counterparts_in_other_provinces_and_a_adds_its_own(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        screen = await open_similar(pilot, app, LIAONING)
        assert screen.matches and {m.province for m in screen.matches} <= {"吉林省", "甘肃省", "上海市", "山西省"}
        text = screen_text(app)
        assert "Similar to 《辽宁省降低实体经济企业成本工作实施方案》，五、（十九）" in text
        assert "in other provinces" in text and "吉林" in text and "related" in text
        await pilot.press("a")
        await settle(pilot, app)
        assert "in every other document" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is app.main


async def test_side_by_side_marks_what_each_adds_and_steps_through_the_counterparts(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        screen = await open_similar(pilot, app, SHANGHAI_LAND)
        first = screen.matches[0]
        await pilot.press("enter")
        await settle(pilot, app)
        pair = app.screen
        assert isinstance(pair, SideBySideScreen)
        text = screen_text(app)
        assert f"1/{len(screen.matches)}" in text and "上海 ↔" in text
        assert "實行工業用地" in text  # Shanghai's clause as written, on the left
        assert "both say" in text and "marked: what only that side says" in text
        assert pair.comparison.right.text.endswith(first.text[-10:])
        assert any(not shared for _p, shared in pair.comparison.left.pieces)  # something is marked
        if len(screen.matches) > 1:
            await pilot.press("n")
            await settle(pilot, app)
            assert pair.index == 1 and f"2/{len(screen.matches)}" in screen_text(app)
            await pilot.press("N")
            await settle(pilot, app)
            assert pair.index == 0
        await pilot.press("tab")  # the counterpart's side
        await pilot.press("space")
        await settle(pilot, app)
        with Store(db) as store:
            assert selection.selected_ids(store.conn) == {first.clause_id}
        assert "✓ selected" in screen_text(app)
        await pilot.press("escape", "escape")
        await settle(pilot, app)
        assert app.screen is app.main and app.main.clauses.selected == {first.clause_id}


@pytest.mark.slow
async def test_side_by_side_compares_jieba_words_once_they_come(db, tmp_path):
    """jieba loads in a helper process when the view opens: first characters, then words;
    the numbers and departments that differ are called out."""
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await open_similar(pilot, app, LIAONING)
        await pilot.press("enter")
        pair = app.screen
        for _ in range(100):
            await settle(pilot, app)
            if pair.by_words:
                break
            await pilot.pause(0.1)
        assert pair.by_words
        text = screen_text(app)
        assert "of the words;" in text
        assert "numbers that differ — 辽宁: " in text and "departments that differ" in text


async def test_c_without_a_clause_says_so(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.places.focus()
        await filter_for(pilot, app, "province:北京")  # no document there: no clause
        await pilot.press("c")
        await settle(pilot, app)
        assert app.screen is app.main
        assert "no clause to compare" in screen_text(app)


async def test_the_grid_shows_who_has_no_such_policy_and_enter_filters_to_a_cell(db, tmp_path):
    with Store(db) as store:
        topics.save(store, "社保", "社保 | 养老保险", "审阅人甲")
        topics.save(store, "用地", "用地", "审阅人甲")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 44)) as pilot:
        await settle(pilot, app)
        await pilot.press("C")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, GridScreen)
        text = screen_text(app)
        assert "社保" in text and "用地" in text and "北京" in text and "新疆" in text
        assert "no clause — 社保: 上海" in text
        table = screen.query_one("#grid-table")
        shanghai = next(i for i, (province, _d) in enumerate(screen.rows) if province == "上海市")
        column = 2 + [t.name for t in screen.topics].index("社保")  # after the province and its documents
        table.cursor_coordinate = (shanghai, column)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is app.main
        assert app.main.filter.text == "province:上海 社保 | 养老保险"
        assert app.main.filter.total == 0


async def test_e_in_the_grid_exports_the_column_with_the_grid(db, tmp_path):
    from tui.export_dialog import ExportDialog

    with Store(db) as store:
        topics.save(store, "社保", "社保 | 养老保险", "审阅人甲")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 44)) as pilot:
        await settle(pilot, app)
        await pilot.press("C")
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, ExportDialog)
        assert "clauses on 社保 with the grid" in screen_text(app)


async def test_the_grid_adds_and_saves_a_query_column(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 44)) as pilot:
        await settle(pilot, app)
        await pilot.press("C")
        await settle(pilot, app)
        assert "no topics yet" in screen_text(app)
        await pilot.press("a")
        await type_text(pilot, "电价 | 用电")
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert [t.name for t in screen.topics] == ["电价 | 用电"]
        assert screen.coverage is not None and "电价 | 用电" in screen_text(app)
        screen.query_one("#grid-table").cursor_coordinate = (0, 2)
        await pilot.press("s")
        await type_text(pilot, "电价")
        await pilot.press("enter")
        await settle(pilot, app)
        with Store(db) as store:
            assert topics.saved_query(store.conn, "电价").query == "电价 | 用电"
        assert [t.kind for t in screen.topics] == ["saved"]
        await pilot.press("d")
        await settle(pilot, app)
        assert "辽宁省降低实体经济企业成本工作实施方案" in screen_text(app)  # a row for each document


async def test_saved_queries_are_in_the_palette_and_a_filter_is_saved(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "融资担保")
        grid_screen.ask_to_save_filter(app.main)
        await settle(pilot, app)
        await type_text(pilot, "担保")
        await pilot.press("enter")
        await settle(pilot, app)
        with Store(db) as store:
            assert topics.saved_query(store.conn, "担保").query == "融资担保"
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await type_text(pilot, "filter")
        await settle(pilot, app)
        assert "filter: 担保" in screen_text(app)


async def test_untrusted_text_in_the_views_is_shown_not_obeyed(db, tmp_path):
    with Store(db) as store:
        topics.save(store, "[bold]粗[/] \x1b]2;x\x07", "社保", "审阅人甲")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 44)) as pilot:
        await settle(pilot, app)
        await pilot.press("C")
        await settle(pilot, app)
        text = screen_text(app)
        assert "[bold]粗[/]" in text and "\x1b" not in text
