"""Untrusted text never drives the terminal: a document, a file name, a tag, a note or an
exchanged annotation holding ESC sequences, NUL or C1 controls is stored and printed with
those characters made visible (␛, ␀, �), by every command, and never written raw."""

from __future__ import annotations

import json
import re

import pytest

from store.annotations import annotation_for, import_records, set_note
from store.db import Store
from store.untrusted import cleaned, one_line, visible
from tests._store_helpers import SAMPLE, clause_with, run_cli

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What must never be printed: C0 (but tab and newline), DEL and C1."""

RETITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
CSI_CLEAR = "\x9b2J"  # the same as one C1 character


def poisoned_liaoning(tmp_path):
    """The Liaoning sample with control characters in its title, in the title of clause (五)
    and in the text of clause (四) (C1 controls: the parser itself drops ESC sequences and
    most C0 controls), under a file name that holds an ESC sequence."""
    text = SAMPLE["liaoning"].read_text(encoding="utf-8")
    text = text.replace("　　辽宁省降低实体经济企业成本工作实施方案\n", "　　辽宁省降低实体经济企业成本工作实施方案\x9b\n", 1)
    text = text.replace("（五）落实研发费用加计扣除政策，", "（五）落实研发费用加计扣除政策\x9b0m，", 1)
    text = text.replace("纳入抵扣范围。", f"纳入抵扣范围。{CSI_CLEAR}", 1)
    path = tmp_path / f"辽宁{CLEAR}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def assert_nothing_raw(*outputs: str) -> None:
    for output in outputs:
        assert not RAW_CONTROL.search(output), repr(output[:300])


def test_visible_and_cleaned():
    assert visible(f"a{CLEAR}b\x00c\x9bd\x7f\ud800\n\t") == "a␛[2Jb␀c\ufffdd␡\ufffd\n\t"
    assert len(visible(RETITLE + CSI_CLEAR)) == len(RETITLE + CSI_CLEAR)  # highlight offsets stay right
    assert one_line("a\nb\x1b") == "a␊b␛"
    assert cleaned("ok\r# INJECTED\r\nnext\x1b") == "ok\n# INJECTED\nnext␛"
    assert cleaned(cleaned(RETITLE)) == cleaned(RETITLE)


def test_a_poisoned_document_is_stored_and_printed_visibly(tmp_path):
    path = poisoned_liaoning(tmp_path)
    db = tmp_path / "r.db"
    imported = run_cli(tmp_path, "import", "--no-keywords", path, "--db", db)
    assert imported.returncode == 0, imported.stderr
    assert "辽宁␛[2J.txt: imported" in imported.stdout

    with Store(db) as store:
        rows = store.conn.execute("SELECT title FROM documents UNION ALL SELECT title || text FROM clauses").fetchall()
        assert_nothing_raw(*(r[0] for r in rows))
        clause = clause_with(store.conn, "纳入抵扣范围。")
        stored = store.conn.execute("SELECT text FROM clauses WHERE id = ?", (clause,)).fetchone()[0]
        assert "纳入抵扣范围。\ufffd2J（牵头单位" in stored
        assert clause_with(store.conn, "落实研发费用加计扣除政策\ufffd0m，执行修订后")
        title = store.conn.execute("SELECT title FROM documents WHERE kind = 'main'").fetchone()[0]
        assert title == "辽宁省降低实体经济企业成本工作实施方案\ufffd"

    outputs = [imported.stdout, imported.stderr]
    for args in (["search", "营改增"], ["search", "营改增", "--full"], ["search", "营改增", "--json"],
                 ["show", clause], ["show", clause, "--json"], ["stats"], ["outline", path]):
        result = run_cli(tmp_path, *args, "--db", db) if args[0] != "outline" else run_cli(tmp_path, *args)
        assert result.returncode == 0, (args, result.stderr)
        outputs += [result.stdout, result.stderr]
    assert_nothing_raw(*outputs)
    assert any("纳入抵扣范围。\ufffd2J" in output for output in outputs[2:])


def test_outline_shows_a_poisoned_file_visibly(tmp_path):
    """outline prints the parse, which is not cleaned: the printing makes it safe."""
    path = poisoned_liaoning(tmp_path)
    plain, as_json = run_cli(tmp_path, "outline", path), run_cli(tmp_path, "outline", path, "--json")
    assert_nothing_raw(plain.stdout, as_json.stdout)
    assert "（五）落实研发费用加计扣除政策\ufffd0m" in plain.stdout
    assert json.loads(as_json.stdout)["documents"][1]["title"] == "辽宁省降低实体经济企业成本工作实施方案\x9b"


def test_tags_notes_and_authors_are_cleaned_on_the_way_in_and_printed_visibly(tmp_path, tmp_db):
    clause = clause_with(tmp_db.conn, "全面推开营改增试点，确保所有行业税负只减不增")
    db = tmp_db.path
    author = f"eve{RETITLE}"
    assert run_cli(tmp_path, "tag", clause, "--add", f"重点{CLEAR}", "--db", db, user=author).returncode == 0
    assert run_cli(tmp_path, "note", clause, f"注意{CSI_CLEAR}\x00", "--db", db, user=author).returncode == 0
    ann = annotation_for(tmp_db.conn, clause)
    assert (ann.tags, ann.note, ann.author) == (["重点␛[2J"], "注意\ufffd2J␀", "eve␛]0;pwned␇")
    outputs = []
    for args in (["tags"], ["show", clause], ["annotations", "list"], ["annotations", "list", "--json"],
                 ["tags", "delete", f"缺{CLEAR}"]):
        result = run_cli(tmp_path, *args, "--db", db)
        outputs += [result.stdout, result.stderr]
    assert_nothing_raw(*outputs)
    assert "重点␛[2J" in outputs[0]
    assert outputs[-1].startswith("policy-review: error: no tag named")


def test_exchanged_annotations_are_cleaned(tmp_path, tmp_db):
    clause = clause_with(tmp_db.conn, "全面推开营改增试点，确保所有行业税负只减不增")
    set_note(tmp_db, clause, "本地", "bob")
    key = annotation_for(tmp_db.conn, clause).key
    records = [
        {"key": key, "note": f"他人{CLEAR}", "tags": [f"外来{RETITLE}"], "author": f"mallory{CSI_CLEAR}",
         "updated_at": "2999-01-01T00:00:00+0000", "history": [{"field": "note", "after": f"旧{CLEAR}"}]},
        {"key": "0123456789abcdef/一、/deadbeef", "document": f"无此文件{CLEAR}", "text": f"旧条款{RETITLE}",
         "note": "孤儿"},
    ]
    import_records(tmp_db, records, "bob")
    rows = tmp_db.conn.execute(
        """SELECT note || author || document_title || text_snapshot FROM annotations
           UNION ALL SELECT name FROM tags UNION ALL SELECT coalesce(after, '') || author FROM history""").fetchall()
    assert_nothing_raw(*(r[0] for r in rows))
    assert annotation_for(tmp_db.conn, clause).note == "他人␛[2J"
    orphans = run_cli(tmp_path, "annotations", "orphans", "--db", tmp_db.path)
    assert_nothing_raw(orphans.stdout, orphans.stderr)
    assert "无此文件␛[2J" in orphans.stdout and "旧条款␛]0;pwned␇" in orphans.stdout


def test_errors_and_import_lines_show_file_names_visibly(tmp_path):
    missing = tmp_path / f"缺{RETITLE}.txt"
    result = run_cli(tmp_path, "import", missing, "--db", tmp_path / "r.db")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path}/缺␛]0;pwned␇.txt: refused: no such file or folder"
    error = run_cli(tmp_path, "outline", missing)
    assert error.stderr.startswith(f"policy-review: error: {tmp_path}/缺␛]0;pwned␇.txt")
    assert_nothing_raw(result.stdout, result.stderr, error.stderr)


def test_json_escapes_c1_controls_and_keeps_chinese(tmp_path):
    path = poisoned_liaoning(tmp_path)
    result = run_cli(tmp_path, "outline", path, "--json")
    assert "\\u009b2J" in result.stdout and "辽宁省" in result.stdout and "\\u8fbd" not in result.stdout
    assert_nothing_raw(result.stdout)


@pytest.mark.parametrize("note", ["\ud800", "a\udcffb"])
def test_a_lone_surrogate_in_a_note_is_stored_as_a_replacement_character(tmp_path, tmp_db, note):
    clause = clause_with(tmp_db.conn, "全面推开营改增试点，确保所有行业税负只减不增")
    result = run_cli(tmp_path, "note", clause, note, "--db", tmp_db.path)
    assert result.returncode == 0 and result.stderr == "note saved\n"
    assert annotation_for(tmp_db.conn, clause).note == note.replace("\ud800", "\ufffd").replace("\udcff", "\ufffd")
    records = [{"key": annotation_for(tmp_db.conn, clause).key, "note": "x\ud800y", "updated_at": "2999-01-01T00:00:00+0000"}]
    import_records(tmp_db, records, "bob")
    assert annotation_for(tmp_db.conn, clause).note == "x\ufffdy"
