"""What a reviewer reaches for, driven with Pilot: copying a clause, its source file, n/N
with the match number and wrapping, jumping back, the filter's history, H, tags with
completion, the palette's jumps past the filter, the note editor's keys, short-lived
messages, hints that follow the keymap, the config's theme."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from store import annotations, browse
from store.db import Store
from store.search import search
from tests.tui_helpers import filter_for, make_app, screen_text, settle, type_text
from tui import sharing

pytestmark = pytest.mark.usefixtures("app_env")


def status(app) -> str:
    return app.main.status.text


# --------------------------------------------------------------------------- copy, source


async def test_y_copies_the_citation_the_text_or_both(db, tmp_path, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        clause = app.main.clauses.current()
        cite = str(browse.citation(app.store.conn, clause.id))
        await pilot.press("y", "c")
        assert app.clipboard == cite
        assert "copied the citation" in status(app) and "OSC 52" in status(app)
        await pilot.press("y", "t")
        assert app.clipboard.startswith(clause.text[:20])
        await pilot.press("y", "b")
        assert clause.text[:20] in app.clipboard and app.clipboard.endswith(cite)


def test_a_terminal_known_to_ignore_osc52_is_named():
    assert "not copied" in sharing.copied_message("citation", {"TERM_PROGRAM": "Apple_Terminal"})
    assert "set-clipboard" in sharing.copied_message("citation", {"TMUX": "/tmp/tmux-0/default,1,0"})


def test_the_source_opens_at_the_clause_line_in_the_pager_or_editor(tmp_path):
    path = tmp_path / "a.txt"
    assert sharing.source_command(path, 12, {"PAGER": "less -R"}) == ["less", "-R", "+12", str(path)]
    assert sharing.source_command(path, 12, {"EDITOR": "vim"}) == ["vim", "+12", str(path)]
    assert sharing.source_command(path, None, {"PAGER": "less"}) == ["less", str(path)]


async def test_the_details_show_the_source_file_and_line(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        clause = app.main.clauses.current()
        document = browse.document(app.store.conn, clause.document_id)
        app.main.clauses.focus()
        await pilot.press("enter")
        await pilot.pause()
        source = str(app.screen.query_one("#clause-source").render())
        assert source == f"source: {document.source_path}, line {clause.line}"
        assert Path(document.source_path).name.endswith(".txt")


async def test_o_without_a_terminal_to_hand_over_says_where_the_source_is(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("o")
        assert "the source is" in status(app) and "line" in status(app)


# --------------------------------------------------------------------------- n/N and jumps


async def test_n_shows_the_match_number_and_wraps_around(db, tmp_path):
    with Store(db) as store:
        hits = search(store.conn, "社保", limit=1000).hits
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "社保")
        await pilot.press("n")
        assert f"match 2/{len(hits)}" in status(app)
        for _ in range(len(hits) - 2):
            await pilot.press("n")
        assert f"match {len(hits)}/{len(hits)}" in status(app)
        await pilot.press("n")
        assert app.main.clauses.current().id == hits[0].clause_id
        assert f"match 1/{len(hits)}" in status(app) and "wrapped around to the first match" in status(app)
        await pilot.press("N")
        assert app.main.clauses.current().id == hits[-1].clause_id and "wrapped around to the last" in status(app)


async def test_ctrl_o_jumps_back_and_ctrl_n_forward(db, tmp_path):
    with Store(db) as store:
        hits = search(store.conn, "公积金", limit=1000).hits
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        start = app.main.clauses.current().id
        await filter_for(pilot, app, "公积金")  # enter jumps to the first match
        assert app.main.clauses.current().id == hits[0].clause_id
        await pilot.press("n")
        assert app.main.clauses.current().id == hits[1].clause_id
        await pilot.press("ctrl+o")
        assert app.main.clauses.current().id == hits[0].clause_id
        await pilot.press("escape")  # without the filter, back to where the reviewer started
        await settle(pilot, app)
        await pilot.press("ctrl+o")
        assert app.main.clauses.current().id == start
        await pilot.press("ctrl+n")
        assert app.main.clauses.current().id == hits[0].clause_id


# --------------------------------------------------------------------------- the filter bar


async def test_the_filter_history_survives_a_restart_and_slash_refines(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "社保")
        await pilot.press("slash")
        bar = app.main.filter_bar
        assert bar.value == "社保" and bar.cursor_position == 2 and bar.selection.is_empty
        await type_text(pilot, " 降低")  # refines: typed after what is there
        await settle(pilot, app)
        assert bar.value == "社保 降低"
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("q")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        await pilot.press("up")
        assert app.main.filter_bar.value == "社保 降低"
        await pilot.press("up")
        assert app.main.filter_bar.value == "社保"
        await pilot.press("down", "down")
        assert app.main.filter_bar.value == ""


@pytest.mark.slow
async def test_tab_in_the_filter_bar_takes_the_jieba_suggestion(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        await type_text(pilot, "降低企业融资成本和物流")
        await settle(pilot, app)
        suggestion = app.main.filter.suggestion
        assert suggestion and " " in suggestion
        assert f"try: {suggestion}" in status(app)
        await pilot.press("tab")
        await settle(pilot, app)
        assert app.main.filter_bar.value == suggestion
        assert app.main.filter.total > 0


async def test_H_says_it_is_on_and_hides_sections_without_matches(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "煤炭")
        sections = app.main.sections
        before = [row for row in sections.rows if not row.is_document]
        assert any(sections.matches_in(row) == 0 for row in before)
        await pilot.press("H")
        await settle(pilot, app)
        assert "with matches" in screen_text(app)
        after = [row for row in sections.rows if not row.is_document]
        assert after and all(sections.matches_in(row) for row in after)
        await pilot.press("H")
        await settle(pilot, app)
        assert "with matches" not in screen_text(app).split("\n")[0]


# --------------------------------------------------------------------------- tags


async def test_tab_takes_the_tag_completion_also_after_a_comma(db, tmp_path):
    with Store(db) as store:
        annotations.add_tags(store, [1], ["重点关注", "税费"], "x")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        clause = app.main.clauses.current()
        await pilot.press("t")
        await type_text(pilot, "重")
        await settle(pilot, app)
        await pilot.press("tab")
        assert app.screen.query_one("#tag-input").value == "重点关注"
        await type_text(pilot, ",税")
        await settle(pilot, app)
        await pilot.press("tab", "enter")
        await settle(pilot, app)
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).tags == ["税费", "重点关注"]
            assert "重" not in [name for name, _c, _n in annotations.list_tags(store.conn)]


async def test_the_tags_view_moves_with_j_k_and_keeps_a_renamed_tag_under_the_cursor(db, tmp_path):
    with Store(db) as store:
        annotations.add_tags(store, [1], ["甲", "乙", "丙"], "x")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("T")
        await pilot.pause()
        option_list = app.screen.query_one("#tags-list")
        assert option_list.highlighted == 0
        await pilot.press("j")
        assert option_list.highlighted == 1
        await pilot.press("k", "j")
        renamed = option_list.get_option_at_index(1).id
        await pilot.press("r")
        await pilot.pause()
        box = app.screen.query_one("#prompt-input")
        box.value = "戊己"
        await pilot.press("enter")
        await settle(pilot, app)
        option_list = app.screen.query_one("#tags-list")
        assert option_list.get_option_at_index(option_list.highlighted).id == "戊己"
        assert renamed not in [o.id for o in option_list.options]


async def test_tag_colors_show_in_the_clause_pane(db, tmp_path):
    with Store(db) as store:
        annotations.add_tags(store, [1], ["重点"], "x")
        annotations.set_tag_color(store, "重点", "#ff0000")
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.browser.go_to_clause(browse.clause(app.store.conn, 1).sort_key, focus=False)
        await settle(pilot, app)
        pane = app.main.clauses
        tag = [segment for y in range(pane.size.height) for segment in pane.render_line(y) if segment.text == "#重点"]
        # Red (lightened on the cursor row where it must stay legible).
        color = tag[0].style.color.get_truecolor()
        assert color.red == 255 and color.green < 160 and color.blue < 160


# --------------------------------------------------------------------------- the palette


async def test_a_palette_jump_the_filter_hides_clears_it_and_says_so(db, tmp_path):
    with Store(db) as store:
        hidden = search(store.conn, "-社保 煤炭", limit=1).hits[0]
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "社保")
        app.main.go_to_clause(hidden.sort_key)
        await settle(pilot, app)
        assert app.main.filter.query is None
        assert app.main.clauses.current().id == hidden.clause_id
        assert "filter “社保” cleared" in status(app)


async def test_a_palette_jump_to_a_place_H_hides_turns_H_off(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "煤炭")
        await pilot.press("H")
        await settle(pilot, app)
        empty = next(p for p in browse.places(app.store.conn)
                     if not search(app.store.conn, f"煤炭 province:{p.name}", limit=1).hits)
        assert not app.main.browser.shows_place(empty.province, empty.region)
        app.main.go_to_place(empty.province, empty.region)
        await settle(pilot, app)
        assert app.main.places.current().name == empty.name
        assert "H off" in status(app)


async def test_the_palette_names_untitled_notices_and_keeps_clause_lines_whole(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await type_text(pilot, "印发通知")
        await pilot.pause(0.5)
        text = screen_text(app)
        assert "《》" not in text and "印发通知" in text


# --------------------------------------------------------------------------- notes


async def test_esc_in_the_note_editor_cancels_and_asks_when_changed(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        clause = app.main.clauses.current()
        await pilot.press("a")
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert app.screen is app.main
        await pilot.press("a")
        await type_text(pilot, "草稿")
        await pilot.press("escape")
        await pilot.pause()
        assert "Discard the changes" in screen_text(app)
        await pilot.press("n")  # keep editing
        await type_text(pilot, "二")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).note == "草稿二"
        await pilot.press("a")
        await type_text(pilot, "改")
        await pilot.press("escape", "y")
        await settle(pilot, app)
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).note == "草稿二"


# --------------------------------------------------------------------------- messages, hints, config


async def test_messages_go_away_by_themselves(db, tmp_path, monkeypatch):
    monkeypatch.setattr("tui.status.MESSAGE_SECONDS", 1.5)  # long enough to be seen on a busy machine
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await filter_for(pilot, app, "社保")
        await pilot.press("escape")
        await settle(pilot, app)
        assert "filter cleared" in status(app)
        await pilot.pause(2.5)
        assert "filter cleared" not in status(app)


async def test_hints_follow_the_keymap(db, tmp_path):
    app = make_app(db, tmp_path, keymap={"filter": "f", "tag": "T", "tags-view": "ctrl+t", "note-save": "ctrl+w"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert status(app).startswith(" f filter") and "T tag" in status(app)
        app.main.clauses.focus()
        await pilot.press("a")
        await pilot.pause()
        assert "ctrl+w saves" in screen_text(app)


async def test_the_config_theme_wins_over_the_remembered_one(db, tmp_path):
    with Store(db) as store:
        store.set_state("theme", "gruvbox")
    app = make_app(db, tmp_path, theme="nord")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert app.theme == "nord"


async def test_counts_of_one_are_singular(db, tmp_path):
    with Store(db) as store:
        hit = search(store.conn, "融资担保", limit=1).hits[0]
        store.set_state("export_dir", str(tmp_path))
        from store import selection

        selection.toggle(store, hit.clause_id)
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        text = screen_text(app)
        assert "1 selected clause" in text and "1 selected clauses" not in text and "1 clauses" not in text


async def test_the_position_state_is_json_with_the_focus(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        await pilot.press("q")
    with Store(db) as store:
        saved = json.loads(store.get_state("position"))
    assert saved["focus"] == "clauses" and saved["clause_id"]
    assert os.environ["POLICY_REVIEW_USER"] == "审阅人甲"


async def test_the_import_dialog_completes_paths(tmp_path):
    from tui.import_dialog import PathSuggester

    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "辽宁方案.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    suggester = PathSuggester()
    assert await suggester.get_suggestion(f"{tmp_path}/po") == f"{tmp_path}/policies/"
    assert await suggester.get_suggestion(f"{tmp_path}/policies/辽") == f"{tmp_path}/policies/辽宁方案.txt"
    assert await suggester.get_suggestion(f"{tmp_path}/.h") == f"{tmp_path}/.hidden/"
    assert await suggester.get_suggestion(f"{tmp_path}/zz") is None


async def test_a_huge_paste_into_the_filter_is_refused_with_a_reason(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        app.main.filter_bar.value = "的" * 10_000
        await settle(pilot, app)
        assert "at most 500 characters" in status(app)
        assert app.is_running
