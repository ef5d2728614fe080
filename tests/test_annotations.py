"""Tags, notes and statuses: read back as written, with a history that is never rewritten,
undo, tag management, durability against a killed process and a second writer, following
clauses through re-imports, and exchange between databases."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from store import annotations
from store.annotations import (
    add_tags, annotation_for, attach_orphan, delete_tag, export_records, history_for, import_records, list_tags,
    orphans, remove_tags, rename_tag, set_note, set_status, set_tag_color, undo,
)
from store.db import Store
from store.errors import NotFoundError, PolicyReviewError
from store.importer import import_paths
from store.search import search
from tests._store_helpers import (
    REPO, SAMPLE, SAMPLES, assert_one_line_error, cli_env, clause_with, run_cli, samples_store,
)

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")


def tagged(conn, tag: str) -> set[int]:
    return {hit.clause_id for hit in search(conn, f'tag:"{tag}"', limit=1 << 62).hits}


def some_clauses(conn, n: int, offset: int = 0) -> list[int]:
    """n clauses from different places of the samples (every 37th, in reading order)."""
    ids = [row[0] for row in conn.execute("SELECT id FROM clauses ORDER BY sort_key")]
    return ids[offset::37][:n]


# --------------------------------------------------------------------------- reading back, history


def test_status_note_and_tags_read_back_with_history(tmp_db):
    conn = tmp_db.conn
    clause = clause_with(conn, "全面推开营改增试点，确保所有行业税负只减不增")
    assert annotation_for(conn, clause) is None
    assert set_status(tmp_db, [clause], "flagged", "alice") == 1
    assert set_note(tmp_db, clause, "口径与国家文件不一致？\n再核对", "alice") is True
    assert add_tags(tmp_db, [clause], ["重点", "税费"], "alice") == 2
    assert set_status(tmp_db, [clause], "adopted", "bob") == 1

    ann = annotation_for(conn, clause)
    assert (ann.status, ann.note, ann.tags) == ("adopted", "口径与国家文件不一致？\n再核对", ["税费", "重点"])
    assert ann.author == "bob" and STAMP.match(ann.updated_at)
    assert "全面推开营改增试点" in ann.text_snapshot and ann.path == "二、（四）"

    history = history_for(conn, clause)
    assert [(h["field"], h["before"], h["after"], h["author"]) for h in history] == [
        ("status", "unreviewed", "flagged", "alice"),
        ("note", "", "口径与国家文件不一致？\n再核对", "alice"),
        ("tag", None, "重点", "alice"),
        ("tag", None, "税费", "alice"),
        ("status", "flagged", "adopted", "bob"),
    ]
    assert all(STAMP.match(h["at"]) for h in history)

    # writing the same value again changes nothing and adds no history
    assert set_status(tmp_db, [clause], "adopted", "bob") == 0
    assert set_note(tmp_db, clause, "口径与国家文件不一致？\n再核对", "bob") is False
    assert add_tags(tmp_db, [clause], ["重点"], "bob") == 0
    assert len(history_for(conn, clause)) == 5

    assert remove_tags(tmp_db, [clause], ["税费"], "bob") == 1
    assert annotation_for(conn, clause).tags == ["重点"]
    assert history_for(conn, clause)[-1] == {**history_for(conn, clause)[-1], "field": "tag", "before": "税费",
                                              "after": None, "author": "bob"}


def test_author_comes_from_policy_review_user(monkeypatch):
    monkeypatch.setenv("POLICY_REVIEW_USER", "李审")
    assert annotations.reviewer_name() == "李审"
    assert annotations.reviewer_name("配置里的名字") == "配置里的名字"
    monkeypatch.delenv("POLICY_REVIEW_USER")
    assert annotations.reviewer_name()  # the OS user, never empty


def test_the_command_line_records_policy_review_user(tmp_path, tmp_db):
    clause = some_clauses(tmp_db.conn, 1)[0]
    result = run_cli(tmp_path, "status", clause, "reviewed", "--db", tmp_db.path, user="王五")
    assert result.returncode == 0, result.stderr
    assert [(h["after"], h["author"]) for h in history_for(tmp_db.conn, clause)] == [("reviewed", "王五")]


def test_unknown_clause_and_status_are_clear_errors_and_write_nothing(tmp_db):
    conn = tmp_db.conn
    good = some_clauses(conn, 2)
    with pytest.raises(NotFoundError, match="no clause with id 999999"):
        set_status(tmp_db, [good[0], 999999], "flagged", "alice")
    with pytest.raises(NotFoundError, match="no clause with id 999999"):
        add_tags(tmp_db, [good[1], 999999], ["重点"], "alice")
    with pytest.raises(NotFoundError, match="no clause with id 999999"):
        set_note(tmp_db, 999999, "x", "alice")
    with pytest.raises(NotFoundError, match="unknown status 'done': use one of unreviewed, reviewed, flagged, adopted"):
        set_status(tmp_db, good, "done", "alice")
    with pytest.raises(PolicyReviewError, match="a tag needs a name"):
        add_tags(tmp_db, good, ["  "], "alice")
    # the good clauses of the refused batches were not touched either
    assert annotation_for(conn, good[0]) is None and annotation_for(conn, good[1]) is None
    assert conn.execute("SELECT count(*) FROM history").fetchone()[0] == 0


@pytest.mark.parametrize("args, needle", [
    (["tag", "999999", "--add", "重点"], "no clause with id 999999"),
    (["note", "999999", "文字"], "no clause with id 999999"),
    (["status", "999999", "reviewed"], "no clause with id 999999"),
    (["status", "1", "bogus"], "unknown status 'bogus'"),
    (["tag", "1"], "--add TAG"),
    (["tags", "rename", "没有的标签", "新"], "no tag named '没有的标签'"),
    (["annotations", "attach", "999", "1"], "no annotation with id 999"),
])
def test_command_line_errors_are_one_line(tmp_path, tmp_db, args, needle):
    result = run_cli(tmp_path, *args, "--db", tmp_db.path)
    assert_one_line_error(result, needle)


# --------------------------------------------------------------------------- undo


def test_undo_reverts_the_last_batch_of_the_author(tmp_db):
    conn = tmp_db.conn
    a, b, c, d = some_clauses(conn, 4)
    set_status(tmp_db, [a], "reviewed", "alice")
    set_note(tmp_db, a, "第一稿", "alice")
    add_tags(tmp_db, [a, b, c], ["重点", "待核实"], "alice")  # one batch over three clauses
    add_tags(tmp_db, [d], ["别人的"], "bob")  # another reviewer's later batch is not alice's to undo

    message = undo(tmp_db, "alice")
    assert message.startswith("undid 6 changes (tag)")
    assert tagged(conn, "重点") == set() and tagged(conn, "待核实") == set()
    assert tagged(conn, "别人的") == {d}
    assert annotation_for(conn, a).note == "第一稿"

    assert undo(tmp_db, "alice").startswith("undid 1 change (note)")
    assert annotation_for(conn, a).note == ""
    assert annotation_for(conn, a).status == "reviewed"
    assert undo(tmp_db, "alice").startswith("undid 1 change (status)")
    assert annotation_for(conn, a).status == "unreviewed"
    assert undo(tmp_db, "alice") is None
    # the undone edits stay in the history, with the undo itself
    fields = [(h["field"], h["origin"]) for h in history_for(conn, a)]
    assert ("status", "edit") in fields and ("status", "undo") in fields and ("note", "undo") in fields


def test_undo_leaves_alone_what_someone_else_changed_since(tmp_db):
    conn = tmp_db.conn
    a, b = some_clauses(conn, 2)
    set_status(tmp_db, [a, b], "reviewed", "alice")
    set_status(tmp_db, [a], "flagged", "bob")
    message = undo(tmp_db, "alice")
    assert "1 left alone because they were changed since" in message
    assert annotation_for(conn, a).status == "flagged"  # bob's change stays
    assert annotation_for(conn, b).status == "unreviewed"  # alice's own is undone
    assert undo(tmp_db, "bob").startswith("undid 1 change")
    assert annotation_for(conn, a).status == "reviewed"


# --------------------------------------------------------------------------- tags


def test_rename_reaches_every_clause(tmp_db):
    conn = tmp_db.conn
    first, second = some_clauses(conn, 3), some_clauses(conn, 2, offset=5)
    add_tags(tmp_db, first, ["降成本"], "alice")
    add_tags(tmp_db, second, ["降成本"], "bob")
    assert rename_tag(tmp_db, "降成本", "降低成本", "alice") == 5
    assert tagged(conn, "降低成本") == set(first + second)
    assert tagged(conn, "降成本") == set()
    assert [(name, n) for name, _color, n in list_tags(conn)] == [("降低成本", 5)]
    for clause in first + second:
        assert annotation_for(conn, clause).tags == ["降低成本"]
        assert history_for(conn, clause)[-1]["before"] == "降成本"
    with pytest.raises(NotFoundError, match="no tag named '降成本'"):
        rename_tag(tmp_db, "降成本", "别的", "alice")


def test_rename_into_an_existing_tag_merges_them(tmp_db):
    conn = tmp_db.conn
    a, b, c = some_clauses(conn, 3)
    add_tags(tmp_db, [a, b], ["社保"], "alice")
    add_tags(tmp_db, [b, c], ["社会保险"], "alice")
    set_tag_color(tmp_db, "社会保险", "green")
    assert rename_tag(tmp_db, "社保", "社会保险", "alice") == 2
    assert tagged(conn, "社会保险") == {a, b, c}
    assert list_tags(conn) == [("社会保险", "green", 3)]
    assert annotation_for(conn, b).tags == ["社会保险"]


def test_delete_a_tag_and_undo_brings_it_back(tmp_db):
    conn = tmp_db.conn
    clauses = some_clauses(conn, 4)
    add_tags(tmp_db, clauses[:3], ["待删"], "alice")
    add_tags(tmp_db, clauses[3:], ["留着"], "alice")
    assert delete_tag(tmp_db, "待删", "alice") == 3
    assert tagged(conn, "待删") == set()
    assert [name for name, _c, _n in list_tags(conn)] == ["留着"]
    assert undo(tmp_db, "alice").startswith("undid 3 changes (tag)")
    assert tagged(conn, "待删") == set(clauses[:3])
    assert dict((name, n) for name, _c, n in list_tags(conn)) == {"待删": 3, "留着": 1}
    with pytest.raises(NotFoundError):
        delete_tag(tmp_db, "没有", "alice")


def test_undoing_a_rename_or_a_delete_keeps_the_tags_color(tmp_db):
    conn = tmp_db.conn
    ids = [row[0] for row in conn.execute("SELECT id FROM clauses ORDER BY id LIMIT 3")]
    add_tags(tmp_db, ids, ["重点"], "alice")
    annotations.set_tag_color(tmp_db, "重点", "red")
    annotations.rename_tag(tmp_db, "重点", "关注", "alice")
    annotations.undo(tmp_db, "alice")
    assert annotations.list_tags(conn) == [("重点", "red", 3)]  # no stray 关注 left behind
    annotations.delete_tag(tmp_db, "重点", "alice")
    assert annotations.list_tags(conn) == []
    annotations.undo(tmp_db, "alice")
    assert annotations.list_tags(conn) == [("重点", "red", 3)]
    add_tags(tmp_db, ids[:1], ["其他"], "alice")
    annotations.rename_tag(tmp_db, "重点", "其他", "alice")  # a merge
    annotations.undo(tmp_db, "alice")
    assert dict((n, (c, k)) for n, c, k in annotations.list_tags(conn)) == {"重点": ("red", 3), "其他": (None, 1)}


def test_tag_colors_and_counts(tmp_db):
    conn = tmp_db.conn
    a, b, c = some_clauses(conn, 3)
    add_tags(tmp_db, [a, b, c], ["重点"], "alice")
    add_tags(tmp_db, [a], ["存疑", "B类"], "alice")
    set_tag_color(tmp_db, "重点", "#ff8800")
    set_tag_color(tmp_db, "存疑", "red")
    set_tag_color(tmp_db, "存疑", None)
    assert list_tags(conn) == [("B类", None, 1), ("存疑", None, 1), ("重点", "#ff8800", 3)]
    assert {name: color for name, color, _n in annotations.list_tags(conn)}["重点"] == "#ff8800"
    with pytest.raises(NotFoundError, match="no tag named '没有'"):
        set_tag_color(tmp_db, "没有", "red")
    remove_tags(tmp_db, [a, b, c], ["重点"], "alice")
    assert ("重点", "#ff8800", 0) in list_tags(conn)  # an unused tag keeps its color


def test_tags_commands(tmp_path, tmp_db):
    a, b = some_clauses(tmp_db.conn, 2)
    assert run_cli(tmp_path, "tag", a, b, "--add", "重点", "--db", tmp_db.path).returncode == 0
    assert run_cli(tmp_path, "tags", "rename", "重点", "要点", "--db", tmp_db.path).returncode == 0
    listing = run_cli(tmp_path, "tags", "list", "--db", tmp_db.path)
    assert listing.returncode == 0 and listing.stdout.split() == ["要点", "2"]
    refused = run_cli(tmp_path, "tags", "delete", "要点", "--db", tmp_db.path)
    assert_one_line_error(refused, "--yes")
    assert tagged(tmp_db.conn, "要点") == {a, b}
    assert run_cli(tmp_path, "tags", "delete", "要点", "--yes", "--db", tmp_db.path).returncode == 0
    assert tagged(tmp_db.conn, "要点") == set()
    assert run_cli(tmp_path, "undo", "--db", tmp_db.path).returncode == 0
    assert tagged(tmp_db.conn, "要点") == {a, b}


# --------------------------------------------------------------------------- durability

WRITER = """
import sys, time
from pathlib import Path
from store.db import Store
from store import annotations
db, name, ids, count, go = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3].split(',')], int(sys.argv[4]), sys.argv[5]
shared = ids[0]
store = Store(db, create=False)
print("ready", flush=True)
while go != "-" and not Path(go).exists():
    time.sleep(0.005)
for i in range(count):
    clause = ids[1 + i % (len(ids) - 1)]
    annotations.add_tags(store, [clause], [f"{name}{i}"], name)
    print(f"ack tag {i} {clause}", flush=True)
    annotations.set_note(store, shared, f"{name} {i}", name)
    print(f"ack note {i}", flush=True)
    annotations.set_status(store, [shared], ("reviewed", "flagged", "adopted")[i % 3], name)
    print(f"ack status {i}", flush=True)
print("done", flush=True)
"""


def start_writer(db: Path, name: str, ids: list[int], count: int, go: str = "-") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), name, ",".join(map(str, ids)), str(count), go],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=cli_env(db.parent),
    )


def acknowledged_tags(lines: list[str]) -> list[tuple[int, int]]:
    return [(int(parts[2]), int(parts[3])) for parts in (line.split() for line in lines) if parts[:2] == ["ack", "tag"]]


def test_acknowledged_writes_survive_sigkill(tmp_path):
    db = tmp_path / "killed.db"
    store = samples_store(db)
    ids = some_clauses(store.conn, 8)
    store.close()
    writer = start_writer(db, "w", ids, 100_000)
    lines: list[str] = []
    try:
        while len(acknowledged_tags(lines)) < 40:
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
            lines.append(line)
        os.kill(writer.pid, signal.SIGKILL)  # mid-run: it keeps writing until killed
        lines.extend(writer.stdout.read().splitlines())
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert "done" not in lines

    store = Store(db)
    conn = store.conn
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    acked = acknowledged_tags(lines)
    assert len(acked) >= 40
    for i, clause in acked:
        assert f"w{i}" in annotation_for(conn, clause).tags, i
    notes = [int(line.split()[2]) for line in lines if line.startswith("ack note")]
    shared = annotation_for(conn, ids[0])
    # the last acknowledged note, or the one written just after it before the kill
    assert shared.note in (f"w {notes[-1]}", f"w {notes[-1] + 1}")
    history_notes = [h["after"] for h in history_for(conn, ids[0]) if h["field"] == "note"]
    assert [f"w {i}" for i in notes] == history_notes[:len(notes)]
    store.close()


def test_two_writers_at_once_lose_nothing(tmp_path):
    db = tmp_path / "shared.db"
    store = samples_store(db)
    clauses = some_clauses(store.conn, 9)
    store.close()
    shared, mine, yours = clauses[0], clauses[1:5], clauses[5:9]
    go = tmp_path / "go"
    count = 150
    alice = start_writer(db, "alice", [shared, *mine], count, str(go))
    bob = start_writer(db, "bob", [shared, *yours], count, str(go))
    for process in (alice, bob):  # both have the database open: start them at once
        assert process.stdout.readline() == "ready\n", process.stderr.read()
    go.touch()
    outputs = [process.communicate(timeout=120) for process in (alice, bob)]
    for process, (out, err) in zip((alice, bob), outputs):
        assert process.returncode == 0, err
        assert "locked" not in err and err.strip() == ""
        assert out.splitlines()[-1] == "done"

    store = Store(db)
    conn = store.conn
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for name, own in (("alice", mine), ("bob", yours)):
        for i in range(count):
            clause = own[i % len(own)]
            assert f"{name}{i}" in annotation_for(conn, clause).tags
    history = history_for(conn, shared)
    notes = [(h["author"], h["after"]) for h in history if h["field"] == "note"]
    assert sorted(notes) == sorted([("alice", f"alice {i}") for i in range(count)] +
                                   [("bob", f"bob {i}") for i in range(count)])
    statuses = [h for h in history if h["field"] == "status"]
    assert {h["author"] for h in statuses} == {"alice", "bob"}
    # the history of the shared status is a chain: each entry starts where the last ended
    for earlier, later in zip(statuses, statuses[1:]):
        assert later["before"] == earlier["after"]
    assert annotation_for(conn, shared).status == statuses[-1]["after"]
    store.close()


# --------------------------------------------------------------------------- re-import

NUMERALS = "一二三四五六七八九"


def chinese_number(n: int) -> str:
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[units - 1] if units else "")


def revised_liaoning(original: str) -> str:
    """The Liaoning plan as a revision would print it: item (五) reworded slightly, item
    (十三) dropped and every later item renumbered, so (二十七) becomes (二十六)."""
    lines = original.split("\n")
    (gone,) = [i for i, line in enumerate(lines) if "（十三）引导企业利用境外低成本资金" in line]
    del lines[gone]
    text = "\n".join(lines)
    assert "加强协调配合，落实好研发费用加计扣除政策" in text
    text = text.replace("加强协调配合，落实好研发费用加计扣除政策", "进一步加强协调配合，切实落实研发费用加计扣除政策")
    numbers = {chinese_number(n): n for n in range(1, 50)}

    def renumber(match: re.Match) -> str:
        n = numbers[match.group(2)]
        return f"{match.group(1)}（{chinese_number(n - 1)}）" if n > 13 else match.group(0)

    return re.sub(r"(?m)^([ \t\u3000]*)（([一二三四五六七八九十]+)）", renumber, text)


def imported_copy_of_liaoning(tmp_path):
    """A copy of the Liaoning sample in tmp_path, imported into a new database there: a file
    a test can revise and import again. Returns (path, original text, store)."""
    source = tmp_path / "辽宁-降成本.txt"
    original = SAMPLE["liaoning"].read_text(encoding="utf-8")
    source.write_text(original, encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    assert import_paths(store, [source])[0].status == "imported"
    return source, original, store


def test_annotations_follow_their_clauses_through_a_revision(tmp_path):
    source, original, store = imported_copy_of_liaoning(tmp_path)
    conn = store.conn
    unchanged = clause_with(conn, "全面推开营改增试点，确保所有行业税负只减不增")
    reworded = clause_with(conn, "落实研发费用加计扣除政策，执行修订后的节能环保专用设备税收优惠目录")
    removed = clause_with(conn, "引导企业利用境外低成本资金")
    moved = clause_with(conn, "规范机场铁路港口收费项目")
    notes = {unchanged: "不变", reworded: "措辞微调", removed: "被删除", moved: "编号变了"}
    for clause, note in notes.items():
        set_note(store, clause, note, "alice")
        add_tags(store, [clause], ["跟踪"], "alice")
    set_status(store, [removed, moved], "flagged", "alice")
    assert annotation_for(conn, moved).path == "七、（二十七）"

    revised = revised_liaoning(original)
    assert "（二十六）规范机场铁路港口收费项目" in revised and "引导企业利用境外低成本资金" not in revised
    source.write_text(revised, encoding="utf-8")
    result = import_paths(store, [source])[0]
    assert result.status == "replaced", result.message
    assert (result.reattached, result.orphaned) == (3, 1)
    assert "1 annotation left as orphans" in result.message

    by_note = {ann.note: ann for ann in annotations.all_annotations(conn)}
    assert set(by_note) == set(notes.values())  # nothing dropped
    texts = {cid: (path, title + text) for cid, path, title, text in conn.execute(
        "SELECT id, path, title, text FROM clauses")}
    assert "全面推开营改增试点，确保所有行业税负只减不增" in texts[by_note["不变"].clause_id][1]
    assert texts[by_note["措辞微调"].clause_id][1].count("进一步加强协调配合，切实落实") == 1
    assert texts[by_note["编号变了"].clause_id][0] == "七、（二十六）"
    assert "规范机场铁路港口收费项目" in texts[by_note["编号变了"].clause_id][1]
    assert by_note["编号变了"].status == "flagged" and by_note["编号变了"].tags == ["跟踪"]
    assert by_note["编号变了"].path == "七、（二十六）"

    (orphan,) = orphans(conn)
    assert orphan.note == "被删除" and orphan.clause_id is None
    assert orphan.status == "flagged" and orphan.tags == ["跟踪"]
    assert "引导企业利用境外低成本资金" in orphan.text_snapshot
    assert tagged(conn, "跟踪") == {by_note[n].clause_id for n in ("不变", "措辞微调", "编号变了")}

    # re-attached by hand to another clause; one that has an annotation is refused
    target = clause_with(conn, "稳妥推进民营银行设立，发展中小金融机构")
    with pytest.raises(PolicyReviewError, match="has an annotation already"):
        attach_orphan(store, orphan.id, by_note["不变"].clause_id, "alice")
    attach_orphan(store, orphan.id, target, "alice")
    assert orphans(conn) == []
    assert annotation_for(conn, target).note == "被删除"
    assert tagged(conn, "跟踪") >= {target}
    with pytest.raises(PolicyReviewError, match="is attached to clause"):
        attach_orphan(store, orphan.id, target, "alice")

    # importing the original again brings the orphan's clause back, and nothing is lost
    source.write_text(original, encoding="utf-8")
    assert import_paths(store, [source])[0].status == "replaced"
    assert {ann.note for ann in annotations.all_annotations(conn)} == set(notes.values())
    store.close()


def test_a_new_title_or_doc_number_keeps_the_annotations(tmp_path):
    """A revision that renames the document (a new title, a 文号 added) changes its identity;
    its annotations still follow their clauses."""
    source, original, store = imported_copy_of_liaoning(tmp_path)
    conn = store.conn
    clause = clause_with(conn, "全面推开营改增试点，确保所有行业税负只减不增")
    set_note(store, clause, "跟踪营改增", "alice")
    old_identity = annotation_for(conn, clause).key.split("/")[0]
    renamed = original.replace("辽宁省降低实体经济企业成本工作实施方案", "辽宁省降低实体经济企业成本工作方案（修订）")
    source.write_text("辽政发〔2017〕3号\n" + renamed, encoding="utf-8")
    result = import_paths(store, [source])[0]
    assert result.status == "replaced" and result.orphaned == 0
    (ann,) = annotations.all_annotations(conn)
    assert ann.note == "跟踪营改增" and ann.clause_id is not None
    assert "全面推开营改增试点" in conn.execute("SELECT title FROM clauses WHERE id = ?", (ann.clause_id,)).fetchone()[0]
    assert not ann.key.startswith(old_identity)
    assert ann.document_title == "辽宁省降低实体经济企业成本工作方案（修订）"
    store.close()


def test_the_selection_follows_its_clauses_through_a_revision(tmp_path):
    from store import selection

    source, original, store = imported_copy_of_liaoning(tmp_path)
    conn = store.conn
    reworded = clause_with(conn, "落实研发费用加计扣除政策，执行修订后的节能环保专用设备税收优惠目录")
    moved = clause_with(conn, "规范机场铁路港口收费项目")
    removed = clause_with(conn, "引导企业利用境外低成本资金")
    for clause in (reworded, moved, removed):
        selection.toggle(store, clause)
    revised = revised_liaoning(original).replace("辽宁省降低实体经济企业成本工作实施方案", "辽宁省降低实体经济企业成本工作方案")
    source.write_text(revised, encoding="utf-8")
    result = import_paths(store, [source])[0]
    assert "1 selected clause no longer found" in result.message
    chosen = {conn.execute("SELECT path FROM clauses WHERE id = ?", (cid,)).fetchone()[0]
              for cid in selection.selected_ids(conn)}
    assert chosen == {"二、（五）", "七、（二十六）"}  # the reworded one, and the renumbered one
    store.close()


def test_the_orphans_command_lists_them(tmp_path):
    source, original, store = imported_copy_of_liaoning(tmp_path)
    removed = clause_with(store.conn, "引导企业利用境外低成本资金")
    set_note(store, removed, "会变成孤儿", "alice")
    source.write_text(revised_liaoning(original), encoding="utf-8")
    import_paths(store, [source])
    store.close()
    result = run_cli(tmp_path, "annotations", "orphans", "--json", "--db", tmp_path / "db.sqlite")
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert record["clause_id"] is None and record["note"] == "会变成孤儿" and record["path"] == "三、（十三）"
    # as lines: each orphan with the text it was written on, to re-attach it by hand
    first, second = run_cli(tmp_path, "annotations", "orphans", "--db", tmp_path / "db.sqlite").stdout.splitlines()
    assert "orphan" in first and "会变成孤儿" in first
    assert second.startswith("      was: 引导企业利用境外低成本资金，提高企业跨境贸易本币结算比例 在合理调控外债规模")


# --------------------------------------------------------------------------- exchange


@pytest.fixture
def two_databases(tmp_path):
    """Two reviewers' databases of the same documents, imported in different orders (so the
    clause ids differ)."""
    ours = samples_store(tmp_path / "ours.db")
    theirs = Store(tmp_path / "theirs.db")
    assert all(r.status == "imported" for r in import_paths(theirs, list(reversed(SAMPLES))))
    yield ours, theirs
    ours.close()
    theirs.close()


PHRASES = ["全面推开营改增试点，确保所有行业税负只减不增", "今年企業繳納的職工社會保險費率下調",
           "推行企业开办“0.5天”“零成本”", "完善住房公积金制度，规范和阶段性适当降低企业住房公积金缴存比例"]


def test_export_and_import_round_trip(two_databases):
    ours, theirs = two_databases
    a, b, c, d = (clause_with(ours.conn, p) for p in PHRASES)
    assert (a, b, c, d) != tuple(clause_with(theirs.conn, p) for p in PHRASES)
    add_tags(ours, [a, b], ["重点"], "alice")
    add_tags(ours, [c], ["营商", "待核实"], "alice")
    set_note(ours, b, "上海的表述用繁体", "alice")
    set_status(ours, [a], "adopted", "alice")
    set_status(ours, [d], "flagged", "alice")

    records = json.loads("[" + ",".join(annotations.write_jsonl(export_records(ours.conn)).splitlines()) + "]")
    report = import_records(theirs, records, "bob")
    assert (report.created, report.merged, report.orphaned, report.conflicts) == (4, 0, 0, [])

    def state(store, phrase):
        ann = annotation_for(store.conn, clause_with(store.conn, phrase))
        return (ann.tags, ann.note, ann.status) if ann else None

    for phrase in PHRASES:
        assert state(theirs, phrase) == state(ours, phrase), phrase
    assert state(theirs, PHRASES[1]) == (["重点"], "上海的表述用繁体", "unreviewed")
    # the history came along
    b_theirs = clause_with(theirs.conn, PHRASES[1])
    assert ("note", "alice") in {(h["field"], h["author"]) for h in history_for(theirs.conn, b_theirs)}

    # importing the same file again changes nothing
    again = import_records(theirs, records, "bob")
    assert (again.created, again.merged, again.conflicts) == (0, 4, [])
    for phrase in PHRASES:
        assert state(theirs, phrase) == state(ours, phrase)


def test_conflicting_edits_are_reported_and_both_kept(two_databases):
    ours, theirs = two_databases
    mine = clause_with(ours.conn, PHRASES[0])
    yours = clause_with(theirs.conn, PHRASES[0])
    set_note(theirs, yours, "bob 的看法", "bob")
    set_status(theirs, [yours], "reviewed", "bob")
    set_note(ours, mine, "alice 的看法", "alice")
    set_status(ours, [mine], "reviewed", "alice")  # the same value: no conflict
    records = export_records(ours.conn)
    records[0]["updated_at"] = "2999-01-01T00:00:00+0000"  # alice's is newer
    report = import_records(theirs, records, "bob")
    assert report.merged == 1 and len(report.conflicts) == 1
    assert "note" in report.conflicts[0] and "bob 的看法" in report.conflicts[0] and "alice 的看法" in report.conflicts[0]
    assert annotation_for(theirs.conn, yours).note == "alice 的看法"
    notes = {(h["author"], h["after"]) for h in history_for(theirs.conn, yours) if h["field"] == "note"}
    assert {("bob", "bob 的看法"), ("alice", "alice 的看法")} <= notes

    # an older incoming edit is reported too, and the local value stays
    set_note(ours, mine, "alice 的旧看法", "alice")
    older = export_records(ours.conn)
    older[0]["updated_at"] = "2000-01-01T00:00:00+0000"
    report = import_records(theirs, older, "bob")
    assert len(report.conflicts) == 1
    assert annotation_for(theirs.conn, yours).note == "alice 的看法"
    notes = [h["after"] for h in history_for(theirs.conn, yours) if h["field"] == "note"]
    assert "alice 的旧看法" in notes


def test_newer_is_decided_across_time_zones(two_databases):
    ours, theirs = two_databases
    yours = clause_with(theirs.conn, PHRASES[0])
    set_note(theirs, yours, "本地", "bob")
    theirs.conn.execute("UPDATE annotations SET updated_at = '2024-05-01T10:00:00+0800'")  # 02:00 UTC
    record = {"key": annotation_for(theirs.conn, yours).key, "note": "伦敦", "status": "unreviewed", "tags": [],
              "author": "eve", "updated_at": "2024-05-01T09:00:00+0100"}  # 08:00 UTC: newer
    import_records(theirs, [record], "bob")
    assert annotation_for(theirs.conn, yours).note == "伦敦"


def test_undo_after_importing_someone_elses_history(two_databases):
    """An undo recorded in the other database does not mark a local batch as undone: once the
    import is undone, the next undo is bob's own last change."""
    ours, theirs = two_databases
    set_status(ours, [clause_with(ours.conn, PHRASES[0])], "flagged", "alice")
    assert undo(ours, "alice")
    set_note(ours, clause_with(ours.conn, PHRASES[0]), "alice 的备注", "alice")
    mine = clause_with(theirs.conn, PHRASES[1])
    set_status(theirs, [mine], "reviewed", "bob")  # bob's batch 1, alice undid her batch 1
    import_records(theirs, export_records(ours.conn), "bob")
    assert undo(theirs, "bob").startswith("undid the annotation import")
    assert undo(theirs, "bob").startswith("undid 1 change (status)")
    assert annotation_for(theirs.conn, mine).status == "unreviewed"


def test_import_into_a_revised_version_of_the_document(tmp_path):
    """Alice reviewed the plan as first published, Bob has the revision where items moved
    up a number: her annotations land on the same wording, never on whatever clause now has
    the old number, and the one whose clause is gone stays an orphan."""
    original = SAMPLE["liaoning"].read_text(encoding="utf-8")
    first, revised = tmp_path / "first.txt", tmp_path / "revised.txt"
    first.write_text(original, encoding="utf-8")
    revised.write_text(revised_liaoning(original), encoding="utf-8")
    alice, bob = Store(tmp_path / "alice.db"), Store(tmp_path / "bob.db")
    import_paths(alice, [first])
    import_paths(bob, [revised])
    road = clause_with(alice.conn, "合理确定公路运输收费标准")
    assert annotation_for(alice.conn, road) is None
    set_note(alice, road, "公路收费", "alice")  # 七、（二十六） here, 七、（二十五） in the revision
    set_note(alice, clause_with(alice.conn, "引导企业利用境外低成本资金"), "境外资金", "alice")  # gone
    set_note(alice, clause_with(alice.conn, "落实研发费用加计扣除政策，执行修订后"), "研发费用", "alice")  # reworded
    report = import_records(bob, export_records(alice.conn), "bob")
    assert (report.created, report.orphaned) == (3, 1)
    notes = {ann.note: ann.clause_id for ann in annotations.all_annotations(bob.conn)}
    assert notes["公路收费"] == clause_with(bob.conn, "合理确定公路运输收费标准")
    assert notes["研发费用"] == clause_with(bob.conn, "落实研发费用加计扣除政策，执行修订后")
    assert notes["境外资金"] is None
    assert annotation_for(bob.conn, clause_with(bob.conn, "规范机场铁路港口收费项目")) is None
    alice.close()
    bob.close()


def test_unknown_keys_become_orphans_and_bad_records_are_refused(two_databases):
    ours, theirs = two_databases
    record = {"key": "0123456789abcdef/二、（九十九）/deadbeef", "document": "不存在的文件", "path": "二、（九十九）",
              "tags": ["外来"], "note": "找不到条款", "status": "flagged"}
    report = import_records(theirs, [record], "bob")
    assert (report.created, report.orphaned) == (1, 1)
    (orphan,) = orphans(theirs.conn)
    assert (orphan.note, orphan.status, orphan.tags, orphan.document_title) == ("找不到条款", "flagged", ["外来"],
                                                                                "不存在的文件")
    with pytest.raises(PolicyReviewError, match="record 2: not a policy-review annotation"):
        import_records(theirs, [record, {"note": "no key"}], "bob")
    with pytest.raises(PolicyReviewError, match="record 1: not a policy-review annotation"):
        import_records(theirs, [{"key": "x/y/z", "status": "bogus"}], "bob")
    for wrong in ({"tags": "重点项目"}, {"tags": [1, 2]}, {"note": ["a"]},
                  {"history": [{"field": "note", "before": {"a": 1}}]}, {"history": "x"}):
        with pytest.raises(PolicyReviewError, match="record 1: not a policy-review annotation"):
            import_records(theirs, [{**record, **wrong}], "bob")
    assert len(orphans(theirs.conn)) == 1  # the refused batches wrote nothing


def test_annotations_export_and_import_commands(tmp_path, two_databases):
    ours, theirs = two_databases
    a, b = clause_with(ours.conn, PHRASES[0]), clause_with(ours.conn, PHRASES[2])
    add_tags(ours, [a, b], ["重点"], "alice")
    set_note(ours, b, "营商环境", "alice")
    out = tmp_path / "alice.jsonl"
    result = run_cli(tmp_path, "annotations", "export", "-o", out, "--db", ours.path)
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line)["key"] for line in lines)

    again = run_cli(tmp_path, "annotations", "export", "-o", out, "--db", ours.path)
    assert_one_line_error(again, "exists already", "--force")
    assert run_cli(tmp_path, "annotations", "export", "-o", out, "--force", "--db", ours.path).returncode == 0

    result = run_cli(tmp_path, "annotations", "import", out, "--db", theirs.path, user="bob")
    assert result.returncode == 0, result.stderr
    assert "0 merged, 2 new" in result.stderr
    assert tagged(theirs.conn, "重点") == {clause_with(theirs.conn, PHRASES[0]), clause_with(theirs.conn, PHRASES[2])}
    assert annotation_for(theirs.conn, clause_with(theirs.conn, PHRASES[2])).note == "营商环境"

    broken = tmp_path / "broken.jsonl"
    broken.write_text(lines[0] + "\n{not json\n", encoding="utf-8")
    assert_one_line_error(run_cli(tmp_path, "annotations", "import", broken, "--db", theirs.path), "broken.jsonl:2")
    assert_one_line_error(run_cli(tmp_path, "annotations", "import", tmp_path / "missing.jsonl", "--db", theirs.path),
                          "no such file")


# --------------------------------------------------------------------------- merging, copies, undo


@pytest.mark.parametrize("one_file", [True, False])
def test_the_newest_value_wins_in_every_order(tmp_path, one_file):
    import itertools

    store = samples_store(tmp_path / "db.sqlite")
    clause = clause_with(store.conn, PHRASES[0])
    set_status(store, [clause], "reviewed", "bob")  # the annotation exists, its note is empty
    key = annotation_for(store.conn, clause).key
    store.close()
    records = {name: {"key": key, "note": f"note {name}", "author": name, "updated_at": at}
               for name, at in (("B", "2029-01-01T00:00:00+0000"), ("A", "2030-01-01T00:00:00+0000"),
                                ("C", "2029-06-01T00:00:00+0800"))}
    for order in itertools.permutations("BAC"):
        copy = tmp_path / f"{''.join(order)}.sqlite"
        shutil.copy(tmp_path / "db.sqlite", copy)
        with Store(copy) as store:
            if one_file:
                import_records(store, [records[name] for name in order], "bob")
            else:
                for name in order:
                    import_records(store, [records[name]], "bob")
            ann = annotation_for(store.conn, clause)
            assert (ann.note, ann.author, ann.updated_at) == ("note A", "A", "2030-01-01T00:00:00+0000"), order


def _two_copies(folder: Path, order: list[str]) -> Store:
    """A database holding the Xinzhou plan twice, from two files of the same name in two
    folders (one has a line more at the end, so its bytes differ), imported in the given
    order of folders."""
    text = SAMPLE["xinzhou"].read_text(encoding="utf-8")
    for name, extra in (("甲本", ""), ("乙本", "\n\n")):
        (folder / name).mkdir(parents=True)
        (folder / name / "忻州规划.txt").write_text(text + extra, encoding="utf-8")
    store = Store(folder / "db.sqlite")
    results = import_paths(store, [folder / name / "忻州规划.txt" for name in order])
    assert [r.status for r in results] == ["imported"] * 2
    return store


def _by_copy(store: Store, phrase: str) -> dict[str, int]:
    """The clause holding the phrase in each copy, by the copy's folder."""
    rows = store.conn.execute(
        """SELECT d.source_path, c.id FROM clauses c JOIN documents d ON d.id = c.document_id
           WHERE instr(c.title || c.text, ?)""", (phrase,)).fetchall()
    return {Path(source).parent.name: clause for source, clause in rows}


def test_two_copies_of_one_document_keep_their_own_annotations_through_an_exchange(tmp_path):
    ours = _two_copies(tmp_path / "ours", ["甲本", "乙本"])
    theirs = _two_copies(tmp_path / "theirs", ["乙本", "甲本"])
    phrase = "推行企业开办“0.5天”“零成本”"
    mine = _by_copy(ours, phrase)
    assert len(mine) == 2
    assert len({ours.conn.execute("SELECT key FROM clauses WHERE id = ?", (c,)).fetchone() for c in mine.values()}) == 1
    set_note(ours, mine["甲本"], "甲本的备注", "alice")
    set_note(ours, mine["乙本"], "乙本的备注", "alice")
    add_tags(ours, [mine["乙本"]], ["乙本"], "alice")
    records = export_records(ours.conn)
    assert sorted(r["source"] for r in records) == ["ours/乙本/忻州规划.txt", "ours/甲本/忻州规划.txt"]

    report = import_records(theirs, records, "bob")
    assert (report.created, report.merged, report.conflicts) == (2, 0, [])
    yours = _by_copy(theirs, phrase)
    assert annotation_for(theirs.conn, yours["甲本"]).note == "甲本的备注"
    b = annotation_for(theirs.conn, yours["乙本"])
    assert (b.note, b.tags) == ("乙本的备注", ["乙本"])

    history = theirs.conn.execute("SELECT count(*) FROM history").fetchone()[0]
    for _ in range(3):  # replaying changes nothing, and reports nothing
        again = import_records(theirs, records, "bob")
        assert (again.created, again.merged, again.conflicts) == (0, 2, [])
    assert theirs.conn.execute("SELECT count(*) FROM history").fetchone()[0] == history
    assert import_records(ours, records, "alice").conflicts == []  # into the database they came from, too
    ours.close()
    theirs.close()


def test_replaying_an_older_conflicting_record_reports_it_once(two_databases):
    ours, theirs = two_databases
    set_note(theirs, clause_with(theirs.conn, PHRASES[0]), "bob 的看法", "bob")
    set_note(ours, clause_with(ours.conn, PHRASES[0]), "alice 的看法", "alice")
    records = export_records(ours.conn)
    records[0]["updated_at"] = "2000-01-01T00:00:00+0000"  # older than bob's
    assert len(import_records(theirs, records, "bob").conflicts) == 1
    history = theirs.conn.execute("SELECT count(*) FROM history").fetchone()[0]
    assert import_records(theirs, records, "bob").conflicts == []
    assert theirs.conn.execute("SELECT count(*) FROM history").fetchone()[0] == history
    assert annotation_for(theirs.conn, clause_with(theirs.conn, PHRASES[0])).note == "bob 的看法"


def test_an_annotation_import_is_one_undoable_step_and_leaves_your_own_undo(two_databases):
    ours, theirs = two_databases
    for phrase in PHRASES:
        add_tags(ours, [clause_with(ours.conn, phrase)], ["外来"], "alice")
    set_note(ours, clause_with(ours.conn, PHRASES[1]), "alice 的备注", "alice")
    bobs = clause_with(theirs.conn, PHRASES[1])
    set_status(theirs, [bobs], "flagged", "bob")  # bob's own edit, before the import
    set_note(theirs, bobs, "bob 的备注", "bob")
    records = export_records(ours.conn)
    records[1]["updated_at"] = "2999-01-01T00:00:00+0000"  # alice's note wins over bob's
    before = {p: annotation_for(theirs.conn, clause_with(theirs.conn, p)) for p in PHRASES}
    report = import_records(theirs, records, "bob")
    assert (report.created, report.merged) == (3, 1)
    assert annotation_for(theirs.conn, bobs).note == "alice 的备注"

    message = undo(theirs, "bob")
    assert message == "undid the annotation import: 3 annotations it created removed, 2 changes reverted"
    after = {p: annotation_for(theirs.conn, clause_with(theirs.conn, p)) for p in PHRASES}
    assert {p: a and (a.tags, a.note, a.status) for p, a in after.items()} == {
        p: a and (a.tags, a.note, a.status) for p, a in before.items()}
    assert [name for name, _c, _n in list_tags(theirs.conn)] == []  # the imported tag went with it
    # bob's own edits are still his to undo, last first
    assert undo(theirs, "bob").startswith("undid 1 change (note)")
    assert annotation_for(theirs.conn, bobs).note == ""
    assert undo(theirs, "bob").startswith("undid 1 change (status)")
    assert undo(theirs, "bob") is None


def test_the_cli_says_how_to_undo_an_import_and_refuses_deep_nesting(tmp_path, two_databases):
    ours, theirs = two_databases
    add_tags(ours, [clause_with(ours.conn, PHRASES[0])], ["重点"], "alice")
    exported = tmp_path / "a.jsonl"
    exported.write_text(annotations.write_jsonl(export_records(ours.conn)), encoding="utf-8")
    result = run_cli(tmp_path, "annotations", "import", exported, "--db", theirs.path, user="bob")
    assert result.stderr.splitlines() == [
        "0 merged, 1 new (0 without their clause: see `policy-review annotations orphans`), 0 conflicts; "
        "`policy-review undo` undoes the import"]
    assert run_cli(tmp_path, "undo", "--db", theirs.path, user="bob").stderr.startswith("undid the annotation import")
    nested = tmp_path / "nested.jsonl"
    nested.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert_one_line_error(run_cli(tmp_path, "annotations", "import", nested, "--db", theirs.path),
                          "nested.jsonl:1: nested too deeply to be an annotation")


def test_a_note_changed_meanwhile_is_not_overwritten_and_both_are_kept(tmp_path, tmp_db):
    """The note editor opened on "初稿"; meanwhile the command line saved another note."""
    clause = clause_with(tmp_db.conn, PHRASES[0])
    set_note(tmp_db, clause, "初稿", "alice")
    assert run_cli(tmp_path, "note", clause, "命令行改的", "--db", tmp_db.path, user="bob").returncode == 0
    with pytest.raises(annotations.ChangedMeanwhile) as caught:
        set_note(tmp_db, clause, "编辑器里写的", "alice", expected="初稿")
    assert (caught.value.saved, caught.value.yours) == ("命令行改的", "编辑器里写的")
    assert "changed meanwhile" in str(caught.value)
    assert annotation_for(tmp_db.conn, clause).note == "命令行改的"
    assert set_note(tmp_db, clause, caught.value.both, "alice", expected=caught.value.saved)
    assert annotation_for(tmp_db.conn, clause).note == "命令行改的\n\n编辑器里写的"
    # the same edit made elsewhere, or no change meanwhile: saved without a fuss
    assert set_note(tmp_db, clause, "命令行改的\n\n编辑器里写的", "alice", expected="初稿") is False
    assert set_note(tmp_db, clause, "定稿", "alice", expected="命令行改的\n\n编辑器里写的")
