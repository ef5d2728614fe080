"""The three-pane app driven with Pilot, as a reviewer would: every key of the issue, the
filter, the panes following each other, annotations, export, and text that looks like markup."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from store import annotations, browse, selection
from store.db import Store
from store.search import search
from tests.tui_helpers import filter_for, make_app, make_db, screen_text, settle, type_text

pytestmark = pytest.mark.usefixtures("app_env")


def place_names(app) -> list[str]:
    return [row.place.region or row.place.province for row in app.main.places.rows]


async def test_first_screen_shows_provinces_documents_and_clauses(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        with Store(db) as store:
            expected = [p.region or p.province for p in browse.places(store.conn)]
        assert place_names(app) == expected
        assert expected[0] == "山西省" and "忻州市" in expected  # cities nested under their province
        text = screen_text(app)
        assert "Provinces" in text and "Documents" in text and "Clauses" in text
        assert "忻州" in text
        assert app.main.sections.current().document.province == "山西省"
        assert app.main.clauses.item_count() > 0


async def test_moving_in_a_pane_updates_the_panes_to_its_right(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.places.focus()
        while app.main.places.current().province != "辽宁省":
            await pilot.press("j")
        await pilot.pause()
        document = app.main.sections.current().document
        assert document.province == "辽宁省"
        assert "辽宁" in screen_text(app)
        # The line under the panes cites the clause now shown, not the one before the move.
        await settle(pilot, app)
        shown = browse.document(app.main.store.conn, app.main.clauses.current().document_id)
        cited, hints = screen_text(app).splitlines()[-3:-1]
        assert shown.province == "辽宁省" and f"《{shown.display_title}" in cited
        assert hints.rstrip().endswith(f"1/{app.main.clauses.item_count()}")
        await pilot.press("l")  # into the documents
        assert app.focused is app.main.sections
        await pilot.press("j", "j")  # down to the plan, which opens into its sections
        await pilot.pause()
        row = app.main.sections.current()
        assert row.document.title == "辽宁省降低实体经济企业成本工作实施方案"
        # Moving on a section shows the clauses of that section only.
        while app.main.sections.current().section is None or app.main.sections.current().section.label != "二、":
            await pilot.press("j")
        await pilot.pause()
        labels = [app.main.clauses.source.get(i).label for i in range(app.main.clauses.item_count())]
        assert labels == ["（四）", "（五）", "（六）", "（七）"]
        await pilot.press("l")
        assert app.focused is app.main.clauses
        await pilot.press("G")
        assert app.main.clauses.current().label == "（七）"
        await pilot.press("g")
        assert app.main.clauses.current().label == "（四）"
        await pilot.press("h")
        assert app.focused is app.main.sections
        await pilot.press("tab")
        assert app.focused is app.main.clauses
        await pilot.press("tab")
        assert app.focused is app.main.places


async def test_filter_as_you_type_counts_panes_and_enter_escape(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        assert app.main.filter_bar.has_focus
        await type_text(pilot, "社保")
        await settle(pilot, app)
        with Store(db) as store:
            result = search(store.conn, "社保", limit=10_000)
        assert app.main.filter.total_label == str(result.total)
        assert f"filter: 社保  {result.total} matches" in screen_text(app)
        # Province counts while filtering: provinces without matches are dimmed, with 0.
        counts = {row.place.region or row.place.province: row.matches for row in app.main.places.rows}
        by_province: dict[str, int] = {}
        for hit in result.hits:
            by_province[hit.province] = by_province.get(hit.province, 0) + 1
        for province, n in by_province.items():
            assert counts[province] == n
        assert counts["上海市"] == by_province.get("上海市", 0)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.focused is app.main.clauses
        first = app.main.clauses.current()
        assert first.id == result.hits[0].clause_id
        # Every clause the pane shows matches while the filter is on.
        for i in range(app.main.clauses.item_count()):
            clause = app.main.clauses.source.get(i)
            assert "社保" in clause.title + clause.text
        await pilot.press("n")
        assert app.main.clauses.current().id == result.hits[1].clause_id
        await pilot.press("N")
        assert app.main.clauses.current().id == result.hits[0].clause_id
        for _ in range(len(result.hits) - 1):
            await pilot.press("n")
        assert app.main.clauses.current().id == result.hits[-1].clause_id  # across documents and provinces
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.main.filter.query is None
        assert "filter:" not in screen_text(app)


async def test_filter_traditional_text_found_by_simplified_terms(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "税费")
        provinces = {row.place.province for row in app.main.places.rows if row.matches}
        assert "上海市" in provinces  # the Shanghai sample is in traditional characters: 稅費
        app.main.browser.go_to_place("上海市", None)
        await settle(pilot, app)
        with Store(db) as store:
            expected = [h for h in search(store.conn, "税费", limit=1000).hits if h.province == "上海市"]
        assert expected and "稅費" in expected[0].text


async def test_H_hides_places_and_documents_without_matches(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "煤炭")
        with Store(db) as store:
            provinces = {h.province for h in search(store.conn, "煤炭", limit=1000).hits}
        assert len(provinces) < len(app.main.places.rows)  # some places have no match, dimmed
        await pilot.press("H")
        await settle(pilot, app)
        assert {row.place.province for row in app.main.places.rows} == provinces
        assert all(row.matches for row in app.main.places.rows)
        assert all(app.main.sections.matches_in(row) for row in app.main.sections.rows if row.section is None)
        await pilot.press("H")
        await settle(pilot, app)
        assert {row.place.province for row in app.main.places.rows} > provinces


async def test_arrow_keys_move_like_hjkl(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.places.focus()
        await pilot.press("down")
        assert app.main.places.cursor == 1
        await pilot.press("up")
        assert app.main.places.cursor == 0
        await pilot.press("right")
        assert app.focused is app.main.sections
        await pilot.press("right")
        assert app.focused is app.main.clauses
        await pilot.press("end")
        assert app.main.clauses.cursor == app.main.clauses.item_count() - 1
        await pilot.press("home", "left")
        assert app.main.clauses.cursor == 0 and app.focused is app.main.sections


async def test_malformed_filter_says_why_and_keeps_running(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        await type_text(pilot, '"降低')
        await settle(pilot, app)
        assert "unbalanced quote" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "-")
        await settle(pilot, app)
        assert "lone '-'" in screen_text(app)


async def test_selection_space_v_and_V_and_it_survives_a_restart(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        first = app.main.clauses.current()
        await pilot.press("space")
        assert app.main.clauses.cursor == min(1, app.main.clauses.item_count() - 1)
        assert first.id in app.main.clauses.selected
        assert "1 selected" in screen_text(app)
        await filter_for(pilot, app, "公积金")
        await pilot.press("v")
        await settle(pilot, app)
        with Store(db) as store:
            matches = {h.clause_id for h in search(store.conn, "公积金", limit=1000).hits}
            chosen = selection.selected_ids(store.conn)
        assert chosen == matches | {first.id}
        await pilot.press("q")
    with Store(db) as store:
        assert selection.selected_ids(store.conn) == matches | {first.id}
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert app.main.clauses.selected == matches | {first.id}
        await pilot.press("V")
        assert not app.main.clauses.selected
    with Store(db) as store:
        assert not selection.selected_ids(store.conn)


async def test_tag_note_status_undo_keys(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        clause = app.main.clauses.current()
        await pilot.press("t")
        await type_text(pilot, "重点, 税费")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("a")
        await type_text(pilot, "核实数据")
        await pilot.press("ctrl+s")
        await pilot.pause()
        with Store(db) as store:
            ann = annotations.annotation_for(store.conn, clause.id)
        assert sorted(ann.tags) == ["税费", "重点"]
        assert ann.status == "reviewed"
        assert ann.note == "核实数据"
        assert ann.author == "审阅人甲"
        text = screen_text(app)
        assert "#重点" in text and "已审" in text
        await pilot.press("s")
        await pilot.press("s")
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).status == "adopted"
        await pilot.press("u")
        await pilot.pause()
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).status == "flagged"
        # Removing a tag with a leading '-'.
        await pilot.press("t")
        await type_text(pilot, "-税费")
        await pilot.press("enter")
        await pilot.pause()
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).tags == ["重点"]
            history = annotations.history_for(store.conn, clause.id)
        assert {h["field"] for h in history} >= {"tag", "status", "note"}


async def test_bulk_status_applies_to_the_selection_the_filter_shows_only(db, tmp_path):
    with Store(db) as store:
        visible = search(store.conn, "社保", limit=1000).hits
        hidden = search(store.conn, "-社保 煤炭", limit=1).hits[0]
        selection.toggle(store, visible[0].clause_id)
        selection.toggle(store, visible[1].clause_id)
        selection.toggle(store, hidden.clause_id)
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "社保")
        await pilot.press("s")
        await pilot.pause()
        assert "hidden by the filter" in screen_text(app)
    with Store(db) as store:
        statuses = {cid: (annotations.annotation_for(store.conn, cid) or None)
                    for cid in (visible[0].clause_id, visible[1].clause_id, hidden.clause_id)}
    assert statuses[visible[0].clause_id].status == "reviewed"
    assert statuses[visible[1].clause_id].status == "reviewed"
    assert statuses[hidden.clause_id] is None


async def test_tags_view_lists_counts_and_filters_by_tag(db, tmp_path):
    with Store(db) as store:
        ids = [h.clause_id for h in search(store.conn, "公积金", limit=3).hits]
        annotations.add_tags(store, ids, ["住房"], "审阅人甲")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("T")
        await pilot.pause()
        assert "#住房" in screen_text(app) and f"{len(ids)} clauses" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.main.filter.text == 'tag:"住房"'
        assert app.main.filter.total_label == str(len(ids))


async def test_export_dialog_writes_the_note(db, tmp_path):
    with Store(db) as store:
        store.set_state("export_dir", str(tmp_path))
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "公积金")
        await pilot.press("e")
        await settle(pilot, app)
        text = screen_text(app)
        assert "shown by the filter" in text
        path_box = app.screen.query_one("#export-path")
        assert Path(path_box.value).parent == tmp_path  # the last-used folder
        path_box.value = str(tmp_path / "公积金.md")
        await pilot.press("enter")
        await settle(pilot, app)
        assert (tmp_path / "公积金.md").exists()
        note = (tmp_path / "公积金.md").read_text(encoding="utf-8")
        with Store(db) as store:
            hits = search(store.conn, "公积金", limit=1000).hits
        assert f"条款数：{len(hits)}" in note
        # A second export to the same file asks before overwriting.
        await pilot.press("e")
        await settle(pilot, app)
        app.screen.query_one("#export-path").value = str(tmp_path / "公积金.md")
        await pilot.press("enter")
        await pilot.pause()
        assert "Overwrite" in screen_text(app)
        await pilot.press("n")
        await pilot.press("escape")


async def test_help_screen_lists_the_keys_and_their_ids(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 70)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for words in ("toggle-select", "cycle-status", "next-match", "province:辽宁"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert "toggle-select" not in screen_text(app)


async def test_keymap_from_config_remaps_a_binding(db, tmp_path):
    app = make_app(db, tmp_path, keymap={"cycle-status": "x"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        clause = app.main.clauses.current()
        await pilot.press("x")
        await pilot.pause()
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).status == "reviewed"


async def test_command_palette_jumps_to_a_document(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "去杠杆")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.main.sections.current().document.title == "关于去杠杆的实施意见"


async def test_position_and_theme_are_remembered(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.browser.go_to_document(next(d.id for d in browse.documents(app.store.conn) if d.title == "关于去库存的实施意见"))
        await settle(pilot, app)
        app.main.clauses.focus()
        await pilot.press("j", "j")
        clause_id = app.main.clauses.current().id
        app.theme = "gruvbox"
        await pilot.press("q")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert app.theme == "gruvbox"
        assert app.main.clauses.current().id == clause_id
        assert app.focused is app.main.clauses


async def test_changes_from_the_command_line_show_up(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        clause = app.main.clauses.current()
        done = subprocess.run([sys.executable, "-m", "tui.cli", "status", str(clause.id), "flagged", "--db", str(db)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        app.main._poll_changes()
        await settle(pilot, app)
        assert "存疑" in screen_text(app)


async def test_import_from_the_app_runs_in_the_background(db, tmp_path):
    doc = tmp_path / "新文件.txt"
    doc.write_text("河南省人民政府关于加强耕地保护的通知\n\n一、总体要求\n严格落实耕地保护制度。\n二、工作措施\n"
                   "加强用途管制。\n", encoding="utf-8")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.start_import(str(doc))
        await settle(pilot, app)
        assert "import finished: 1 imported" in screen_text(app)
        assert "河南省" in place_names(app)


MARKUP = ["[bold]粗体[/bold]", "见附件[/]", "[link=http://x]链接[/link]", "[@click=app.quit]退出[/]",
          "\x1b[31m红色\x1b[0m", "[/", "条款[/"]


async def test_text_that_looks_like_markup_is_shown_literally(tmp_path):
    doc = tmp_path / "[red]文件[b].txt"
    lines = ["关于[bold]标记[/]测试的实施方案", ""]
    for number, item in enumerate(MARKUP, 1):
        lines.append(f"{'一二三四五六七'[number - 1]}、{item}标题")
        lines.append(f"正文{item}内容。")
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = make_db(tmp_path / "markup.db", [doc])
    with Store(db) as store:
        clause_ids = [row[0] for row in store.conn.execute("SELECT id FROM clauses")]
        annotations.add_tags(store, clause_ids[:1], ["[b]标签[/]"], "x")
        annotations.set_note(store, clause_ids[0], "[/]备注", "x")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.main.sections.focus()
        for _ in range(12):
            await pilot.press("j")
            await pilot.pause()
        text = screen_text(app)
        assert "[bold]标记[/]" in text
        app.main.clauses.focus()
        for _ in range(len(MARKUP)):
            await pilot.press("j")
        await pilot.press("enter")  # the clause details
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("slash")
        await type_text(pilot, "[/")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        text = screen_text(app)
        assert "见附件[/]" in text or "条款[/" in text
        await pilot.press("T")
        await pilot.pause()
        assert "#[b]标签[/]" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await type_text(pilot, "标记")
        await pilot.pause(0.5)
        assert "[bold]标记[/]" in screen_text(app)
        await pilot.press("escape")
        # A file name with brackets, in the status bar after an import from the app.
        other = tmp_path / "[bold]另一个[@click=app.quit].txt"
        other.write_text("第一段正文。\n第二段正文。\n", encoding="utf-8")
        app.main.start_import(str(other))
        await settle(pilot, app)
        assert "import finished" in screen_text(app)
        assert app.is_running


async def test_empty_database_says_how_to_import(tmp_path):
    app = make_app(tmp_path / "empty.db", tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "no documents" in text
        assert "Import documents" in text
        await pilot.press("j", "l", "space", "t", "s", "e", "n", "slash")
        await type_text(pilot, "税")
        await settle(pilot, app)
        assert app.is_running


async def test_works_in_80_by_24(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "Provinces" in text and "Clauses" in text
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("e")
        await settle(pilot, app)
        await pilot.press("escape")
        assert app.is_running


def test_position_state_is_json(db, tmp_path):
    """The remembered position is plain JSON in app_state, readable by outside tools."""
    with Store(db) as store:
        store.set_state("position", json.dumps({"province": "吉林省", "region": None}))
        assert json.loads(store.get_state("position"))["province"] == "吉林省"
