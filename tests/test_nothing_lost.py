"""Nothing lost, nothing injected, nothing frozen, in the app: writes wait for another
program's lock in the background (with "saving…") and go in; a note changed meanwhile keeps
both versions; a folder import shows its count and asks, skips hidden folders and can be
cancelled; a document's file can be removed (its annotations kept as orphans); control
characters are shown as symbols in every widget."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from store import annotations, browse, importer
from store.db import Store
from store.importer import CONFIRM_ABOVE
from store.note_edits import SEPARATOR, save_note_edit
from store.removal import remove, removal_for_document
from tests.tui_helpers import make_app, screen_text, settle, type_text

pytestmark = pytest.mark.usefixtures("app_env")

DOCUMENT = "河南省人民政府关于加强耕地保护的通知\n\n一、总体要求\n严格落实耕地保护制度{n}。\n二、工作措施\n加强用途管制{n}。\n"


def write_documents(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n:03d}.txt"
        path.write_text(DOCUMENT.format(n=n), encoding="utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- writes under a lock


async def test_an_edit_while_another_program_writes_waits_visibly_and_is_saved(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        clause = app.main.clauses.current()
        other = sqlite3.connect(db, timeout=1, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            started = time.perf_counter()
            await pilot.press("s")
            # The screen is not frozen: waiting on the lock would hold it for the 30 s busy timeout.
            assert time.perf_counter() - started < 5
            await pilot.pause(0.6)
            assert "saving the status…" in app.main.status.text
            await pilot.press("j")  # still answering keys
            assert app.main.clauses.cursor == 1
        finally:
            other.execute("COMMIT")
            other.close()
        await settle(pilot, app)
        deadline = time.monotonic() + 5
        while app.saver.pending and time.monotonic() < deadline:
            await pilot.pause(0.1)
        await settle(pilot, app)
        with Store(db) as store:
            assert annotations.annotation_for(store.conn, clause.id).status == "reviewed"
        assert "saving" not in app.main.status.text


async def test_a_note_changed_meanwhile_keeps_both_versions(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.main.clauses.focus()
        clause = app.main.clauses.current()
        await pilot.press("a")
        await type_text(pilot, "我的意见")
        with Store(db) as other:  # the command line, meanwhile
            annotations.set_note(other, clause.id, "他人的意见", "李审")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        with Store(db) as store:
            note = annotations.annotation_for(store.conn, clause.id).note
        assert note == "他人的意见" + SEPARATOR + "我的意见"
        assert "changed meanwhile by 李审" in app.main.status.text


def test_save_note_edit_detects_a_change_and_keeps_both(tmp_db):
    clause_id = tmp_db.conn.execute("SELECT min(id) FROM clauses").fetchone()[0]
    edit = save_note_edit(tmp_db, clause_id, "甲", "a", based_on="")
    assert edit.changed and edit.theirs is None and edit.saved == "甲"
    annotations.set_note(tmp_db, clause_id, "乙", "b")
    edit = save_note_edit(tmp_db, clause_id, "甲，补充", "a", based_on="甲")
    assert edit.theirs == "乙" and edit.by == "b" and edit.saved == "乙" + SEPARATOR + "甲，补充"
    # Clearing a note someone else has just written keeps theirs.
    annotations.set_note(tmp_db, clause_id, "丙", "b")
    edit = save_note_edit(tmp_db, clause_id, "", "a", based_on=edit.saved)
    assert not edit.changed and edit.saved == "丙"


# --------------------------------------------------------------------------- importing


async def test_a_large_folder_is_counted_and_confirmed_before_importing(db, tmp_path):
    folder = tmp_path / "many"
    write_documents(folder, CONFIRM_ABOVE + 5)
    write_documents(folder / ".hidden", 3)
    app = make_app(db, tmp_path)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#import-path").value = str(folder)
        await pilot.press("enter")
        await settle(pilot, app)
        question = app.screen.question
        assert question.startswith(f"Import {CONFIRM_ABOVE + 5} files from {folder}?") and "1 hidden" in question
        await pilot.press("n")
        await settle(pilot, app)
        with Store(db) as store:
            assert not store.conn.execute("SELECT count(*) FROM documents WHERE province = '河南省'").fetchone()[0]
        # The folder is offered again next time, and this time the import goes ahead.
        await pilot.press("i")
        await pilot.pause()
        assert app.screen.query_one("#import-path").value == ""
        app.screen.query_one("#import-path").value = str(folder)
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        assert f"import finished: {CONFIRM_ABOVE + 5} imported" in app.main.status.text


async def test_ctrl_c_cancels_a_running_import(db, tmp_path, monkeypatch):
    folder = tmp_path / "slow"
    write_documents(folder, 8)
    real_import = importer.import_file

    def slow_import(*args, **kw):
        time.sleep(0.15)
        return real_import(*args, **kw)

    monkeypatch.setattr(importer, "import_file", slow_import)
    app = make_app(db, tmp_path)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot, app)
        app.main.start_import(str(folder))
        for _ in range(50):
            await pilot.pause(0.05)
            if "importing 2/8" in app.main.status.text:
                break
        await pilot.press("ctrl+c")
        await settle(pilot, app)
        assert "import cancelled" in app.main.status.text
        with Store(db) as store:
            imported = store.conn.execute("SELECT count(DISTINCT source_path) FROM documents "
                                          "WHERE province = '河南省'").fetchone()[0]
        assert 2 <= imported < 8
        assert app.is_running


# --------------------------------------------------------------------------- removing


def test_removing_a_file_keeps_its_annotations_as_orphans_until_it_comes_back(tmp_db, sample_paths):
    doc = next(d for d in browse.documents(tmp_db.conn, "辽宁省") if d.kind == "main")
    clause_id = tmp_db.conn.execute("SELECT min(id) FROM clauses WHERE document_id = ?", (doc.id,)).fetchone()[0]
    annotations.set_note(tmp_db, clause_id, "要点", "a")
    removal = removal_for_document(tmp_db.conn, doc.id)
    assert removal.annotated == 1 and len(removal.documents) >= 1
    assert remove(tmp_db, removal, "a").clauses == removal.clauses
    assert not browse.documents(tmp_db.conn, "辽宁省")
    assert [o.note for o in annotations.orphans(tmp_db.conn)] == ["要点"]
    importer.import_paths(tmp_db, [Path(removal.source_path)])
    assert not annotations.orphans(tmp_db.conn)


async def test_D_removes_the_documents_file_after_asking(db, tmp_path):
    app = make_app(db, tmp_path)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot, app)
        document = app.main.sections.current().document
        await pilot.press("D")
        await pilot.pause()
        text = screen_text(app)
        assert "Remove " in text and Path(document.source_path).name in text
        await pilot.press("n")
        await settle(pilot, app)
        assert browse.document(app.store.conn, document.id) is not None
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        assert browse.document(app.store.conn, document.id) is None
        assert "removed" in app.main.status.text
        assert document.province not in [p.province for p in browse.places(app.store.conn)] or \
            app.main.sections.current().document.id != document.id


# --------------------------------------------------------------------------- control characters


async def test_control_characters_are_visible_in_every_widget(db, tmp_path):
    evil_tag = "\x1b]0;owned\x07标签"
    with Store(db) as store:
        clause_id = store.conn.execute("SELECT min(id) FROM clauses").fetchone()[0]
        annotations.add_tags(store, [clause_id], ["重点"], "x")
        # Written as another program (an older version, a JSONL import) might have.
        store.conn.execute("UPDATE tags SET name = ? WHERE name = '重点'", (evil_tag,))
        annotations.set_note(store, clause_id, "注\x1b[2J意", "x")
        orphan = store.conn.execute("SELECT min(id) FROM clauses WHERE id > ?", (clause_id,)).fetchone()[0]
        annotations.set_note(store, orphan, "孤\x9b31m儿", "x")
        store.conn.execute("UPDATE annotations SET clause_id = NULL, text_snapshot = '旧\x1b[1m文' "
                           "WHERE clause_id = ?", (orphan,))
    app = make_app(db, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screens = []
        await pilot.press("T")  # the tags view
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("escape")
        app.main.action_orphans()  # the orphans dialog
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("escape")
        app.main.clauses.focus()
        await pilot.press("t")  # the tag completion suggestion
        await type_text(pilot, "\x1b")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("t")
        app.screen.query_one("#tag-input").value = "␛"
        await settle(pilot, app)
        screens.append(screen_text(app))
        await pilot.press("escape")
        from store import selection

        app.saver.save("sel", selection.toggle, clause_id)
        await settle(pilot, app)
        await pilot.press("e")  # the export preview
        await settle(pilot, app)
        preview = app.screen.query_one("#export-preview")
        preview.scroll_end(animate=False)
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("escape")
        for text in screens:
            assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
        assert "␛]0;owned␇标签" in screens[0]
        assert "孤�31m儿" in screens[1] and "旧␛[1m文" in screens[1]
        assert "]0;owned" in screens[2]
        assert "␛]0;owned" in screens[3] or "注␛[2J意" in screens[3]
