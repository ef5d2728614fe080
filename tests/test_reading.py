"""Reading in the app: the focused clause legible in every theme, dim text readable in light
themes, resizing re-wraps at once, narrow terminals keep every pane reachable, the section
tree lists the headings whose text became clauses, and a jump to the end of a long pane
lands there."""

from __future__ import annotations

import pytest

from store.db import Store
from tui.colors import contrast
from tui.render import StyledLine
from tests.tui_helpers import (cursor_rows, filter_for, long_document, make_app, make_db, screen_text,
                               segments_contrast, settle)

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_cursor_row_and_matches_on_it_are_legible(db, tmp_path, theme):
    """The cursor is a tint: text, match highlights and badges on it keep 4.5:1 contrast."""
    with Store(db) as store:
        from store import annotations
        from store.search import search

        first = search(store.conn, "营商", limit=1).hits[0]
        annotations.set_status(store, [first.clause_id], "reviewed", "x")
        annotations.add_tags(store, [first.clause_id], ["重点"], "x")
    app = make_app(db, tmp_path, theme=theme)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "营商")
        pane = app.main.clauses
        assert pane.has_focus and pane.current().id == first.clause_id
        rows = cursor_rows(pane)
        drawn = segments_contrast(pane, rows)
        texts = "".join(text for _c, text in drawn)
        assert "营商" in texts and "已审" in texts and "#重点" in texts
        assert min(c for c, _t in drawn) >= 4.5, sorted(drawn)[:3]
        # A match off the cursor row, drawn as the pane draws it.
        line = StyledLine("优化营商环境", [(2, 4, "pane--match")])
        strip = line.to_strip(pane._row_style(False), 20, pane.style_of)
        match = next(segment for segment in strip if segment.text == "营商")
        assert contrast(match.style.color.get_truecolor(), match.style.bgcolor.get_truecolor()) >= 4.5


async def test_every_theme_keeps_the_cursor_row_legible(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "营商")
        pane = app.main.clauses
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            drawn = segments_contrast(pane, cursor_rows(pane))
            assert drawn and min(c for c, _t in drawn) >= 4.5, (theme, sorted(drawn)[:3])


async def test_light_theme_counts_and_meta_lines_are_readable(db, tmp_path):
    app = make_app(db, tmp_path, theme="textual-light")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        for pane in (app.main.places, app.main.sections):
            drawn = segments_contrast(pane, range(pane.size.height))
            assert min(c for c, _t in drawn) >= 3, (pane.id, sorted(drawn)[:3])
        meta = [c for c, t in segments_contrast(app.main.sections, range(10)) if "〔2021〕" in t]
        assert meta and min(meta) >= 3


async def test_enlarging_the_terminal_rewraps_and_refills_at_once(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(100, 12)) as pilot:
        await settle(pilot, app)
        app.main.sections.focus()
        await pilot.press("G")  # the documents pane scrolled to its end
        await pilot.pause()
        narrow_lines = [line for _i, line in app.main.clauses._frame]
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        text = screen_text(app)
        wide_lines = [line for _i, line in app.main.clauses._build_frame()]
        assert max(len(line.text) for line in wide_lines) > max(len(line.text) for line in narrow_lines) + 10
        # No blank space under the documents: the pane scrolled back up to fill itself.
        sections = app.main.sections
        assert sections.top == 0 or len(sections._build_frame()) == sections.size.height - 0
        first_document = app.main.sections.rows[0].document.display_title[:6]
        assert first_document in text


async def test_at_60_columns_every_pane_is_reachable(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot, app)
        app.main.places.focus()
        await pilot.pause()
        assert all(pane.size.width >= 12 for pane in app.main.browser.panes())
        await pilot.press("l", "l")
        await pilot.pause()
        clauses = app.main.clauses
        assert app.focused is clauses and clauses.size.width >= 45  # the left panes are strips
        assert app.main.places.size.width <= 4 and app.main.sections.size.width <= 4
        text = screen_text(app)
        assert clauses.current().text[:6] in text.replace("\n", "").replace("│", "").replace(" ", "")
        await pilot.press("h")
        await pilot.pause()
        assert app.focused is app.main.sections and app.main.sections.size.width >= 18
        assert clauses.size.width >= 24  # still on screen


async def test_the_section_tree_shows_headings_that_became_clauses(db, tmp_path):
    """Jilin's 一、 has text only: it is a clause, and the tree shows it before 二、, as it
    shows （一） before （二） and （三）."""
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        from store import browse

        main = next(d for d in browse.documents(app.store.conn, "吉林省") if d.kind == "main")
        app.main.browser.go_to_document(main.id)
        await settle(pilot, app)
        labels = [row.label for row in app.main.sections.rows if row.document.id == main.id and not row.is_document]
        assert labels[0].startswith("一、充分认识")
        assert labels.index("二、推进供给侧结构性改革的总体要求") < labels.index("（一）指导思想") < labels.index("（二）基本原则")
        # Moving onto such a row shows that clause.
        sections = app.main.sections
        sections.focus()
        sections.set_cursor(next(i for i, r in enumerate(sections.rows) if r.label.startswith("一、充分认识")))
        await pilot.pause()
        assert app.main.clauses.item_count() == 1
        assert app.main.clauses.current().label == "一、"


async def test_G_in_a_long_pane_lands_on_the_last_clause(tmp_path):
    db = make_db(tmp_path / "long.db", [long_document(tmp_path / "long.txt", 3000)])
    app = make_app(db, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        clauses = app.main.clauses
        sections = app.main.sections
        sections.focus()
        sections.set_cursor(0)  # the whole document: 3,000 clauses in the clause pane
        await pilot.pause()
        assert clauses.item_count() == 3000
        clauses.focus()
        await pilot.press("G")
        assert clauses.cursor == 2999
        text = screen_text(app)
        assert "第3000条" in text
        await pilot.press("g")
        assert clauses.cursor == 0 and "第1条" in screen_text(app)
        await pilot.press("pagedown")
        assert clauses.cursor > 0
