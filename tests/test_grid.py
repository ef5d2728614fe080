"""Saved queries and the coverage grid (store/topics.py, store/grid.py), their commands
(`policy-review queries`, `grid`, `similar`), their place in the annotations exchange and in
briefing notes."""

from __future__ import annotations

import json

import pytest

from store import annotations, export, grid, similar, topics
from store.annotations import add_tags
from store.db import Store
from store.errors import NotFoundError, PolicyReviewError, QueryError
from store.importer import import_paths
from store.search import count
from tests._store_helpers import SAMPLES, assert_one_line_error, clause_with, run_cli

TOPICS = ["社保 | 养老保险", "用地", "电价", "融资担保"]


def row(coverage: grid.Grid, short_name: str) -> grid.ProvinceRow:
    return next(r for r in coverage.rows if r.short_name == short_name)


# --------------------------------------------------------------------------- saved queries


def test_a_filter_is_saved_under_a_name_and_kept(tmp_db):
    saved = topics.save(tmp_db, " 社保 ", "社保  |  养老保险", "alice")
    assert (saved.name, saved.query, saved.author) == ("社保", "社保 | 养老保险", "alice")
    again = topics.save(tmp_db, "社保", "社保 | 社会保险", "bob")  # the same name: replaced
    assert [q.query for q in topics.saved_queries(tmp_db.conn)] == ["社保 | 社会保险"]
    assert again.created_at == saved.created_at
    topics.delete(tmp_db, "社保")
    assert topics.saved_queries(tmp_db.conn) == []
    with pytest.raises(NotFoundError):
        topics.delete(tmp_db, "社保")


def test_a_saved_query_named_with_a_control_character_is_found_by_that_name(tmp_db):
    saved = topics.save(tmp_db, "c\x1bd", "社保", "alice")
    assert "\x1b" not in saved.name and topics.saved_query(tmp_db.conn, "c\x1bd") == saved
    assert topics.topic(tmp_db.conn, "c\x1bd").kind == "saved"
    topics.delete(tmp_db, "c\x1bd")
    assert topics.saved_queries(tmp_db.conn) == []


@pytest.mark.parametrize("name, query, message", [
    ("", "社保", "needs a name"),
    ("x" * 41, "社保", "at most 40"),
    ("社保", '"社保', "unbalanced quote"),
    ("社保", "   ", "needs words"),
])
def test_a_bad_saved_query_is_refused_with_a_reason(tmp_db, name, query, message):
    with pytest.raises((PolicyReviewError, QueryError), match=message):
        topics.save(tmp_db, name, query, "alice")
    assert topics.saved_queries(tmp_db.conn) == []


def test_a_topic_is_a_saved_query_a_tag_or_a_query(tmp_db):
    topics.save(tmp_db, "社保", "社保 | 养老保险", "alice")
    add_tags(tmp_db, [clause_with(tmp_db.conn, "全面推开营改增试点，确保所有行业税负只减不增")], ["重点 税"], "alice")
    assert topics.topic(tmp_db.conn, "社保") == topics.Topic("社保", "社保 | 养老保险", "saved")
    assert topics.topic(tmp_db.conn, "重点 税") == topics.Topic("重点 税", 'tag:"重点 税"', "tag")
    assert topics.topic(tmp_db.conn, "电价 | 用电") == topics.Topic("电价 | 用电", "电价 | 用电", "query")
    assert [t.kind for t in topics.default_topics(tmp_db.conn)] == ["saved", "tag"]


# --------------------------------------------------------------------------- the grid


def test_every_mainland_province_has_a_row_and_empty_cells_are_zero(tmp_db):
    chosen = [topics.topic(tmp_db.conn, q) for q in TOPICS]
    coverage = grid.coverage(tmp_db.conn, chosen)
    assert len([r for r in coverage.rows if r.province != "全国"]) == 31
    assert row(coverage, "北京").counts == [None] * 4  # no documents: nothing to count
    shanghai = row(coverage, "上海")
    assert shanghai.counts[0] == 0  # 社會保險 in Shanghai's text: no 社保, no 养老保险
    assert "上海" in coverage.empty_provinces(0)
    for r in coverage.rows:  # each cell is what the filter of the cell finds
        for topic, n in zip(chosen, r.counts):
            if n is not None:
                assert n == count(tmp_db.conn, grid.cell_query(r.province, topic))[0]
    jilin = row(coverage, "吉林")
    assert sum(d.counts[1] for d in jilin.documents) == jilin.counts[1]
    assert any(d.counts[3] == 0 for d in jilin.documents)  # a document without a match shows as one


def test_a_tag_topic_counts_the_tagged_clauses(tmp_db):
    clause = clause_with(tmp_db.conn, "全面推开营改增试点，确保所有行业税负只减不增")
    add_tags(tmp_db, [clause], ["重点"], "alice")
    coverage = grid.coverage(tmp_db.conn, [topics.topic(tmp_db.conn, "重点")])
    assert row(coverage, "辽宁").counts == [1] and row(coverage, "吉林").counts == [0]


def test_the_grid_command(tmp_path, tmp_db):
    db = tmp_db.path
    assert run_cli(tmp_path, "queries", "save", "社保", "社保", "|", "养老保险", "--db", db).returncode == 0
    result = run_cli(tmp_path, "grid", "--topic", "社保", "--topic", "用地", "--db", db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["省份", "社保", "用地"]
    assert any(line.split() == ["北京", "—", "—"] for line in lines)
    assert any(line.split()[:2] == ["上海", "0"] for line in lines)
    assert "no clause on 社保 in: 上海" in result.stderr
    data = json.loads(run_cli(tmp_path, "grid", "--topic", "社保", "--json", "--db", db).stdout)
    assert data["topics"] == [{"name": "社保", "query": "社保 | 养老保险", "kind": "saved"}]
    liaoning = next(p for p in data["provinces"] if p["province"] == "辽宁省")
    assert liaoning["counts"] == [sum(d["counts"][0] for d in liaoning["per_document"])]
    markdown = run_cli(tmp_path, "grid", "--markdown", "--db", db).stdout  # every saved query and tag
    assert markdown.startswith("| 省份 | 文件 | 社保 |") and "| 上海 | 2 | **0** |" in markdown
    assert_one_line_error(run_cli(tmp_path, "grid", "--topic", '"社保', "--db", db), "unbalanced quote")


def test_the_grid_needs_topics(tmp_path, tmp_db):
    assert_one_line_error(run_cli(tmp_path, "grid", "--db", tmp_db.path), "say which topics")


def test_the_queries_command(tmp_path, tmp_db):
    db = tmp_db.path
    run_cli(tmp_path, "queries", "save", "用地", "用地", "|", "土地", "--db", db)
    listed = run_cli(tmp_path, "queries", "--db", db)
    assert listed.stdout.startswith("用地  用地 | 土地  (tester, ")
    assert json.loads(run_cli(tmp_path, "queries", "list", "--json", "--db", db).stdout)[0]["query"] == "用地 | 土地"
    assert run_cli(tmp_path, "queries", "delete", "用地", "--db", db).returncode == 0
    assert_one_line_error(run_cli(tmp_path, "queries", "delete", "用地", "--db", db), "no saved query named")


# --------------------------------------------------------------------------- exchange and notes


def test_saved_queries_travel_in_the_annotations_exchange(tmp_path, tmp_db):
    topics.save(tmp_db, "社保", "社保 | 养老保险", "alice")
    records = export_and_read(tmp_db)
    assert {"kind": "saved_query", "name": "社保", "query": "社保 | 养老保险", "author": "alice"}.items() <= \
        records[-1].items()
    with Store(tmp_path / "theirs.db") as theirs:
        import_paths(theirs, SAMPLES)
        topics.save(theirs, "用地", "用地", "bob")
        report = annotations.import_records(theirs, records, "bob")
        assert report.queries == 1
        assert [q.name for q in topics.saved_queries(theirs.conn)] == ["用地", "社保"]
        assert annotations.import_records(theirs, records, "bob").queries == 0  # the same again: nothing new
        newer = dict(records[-1], query="社保 | 社会保险", updated_at="2999-01-01T00:00:00+0000")
        older = dict(records[-1], query="养老", updated_at="2000-01-01T00:00:00+0000")
        annotations.import_records(theirs, [older], "bob")
        assert topics.saved_query(theirs.conn, "社保").query == "社保 | 养老保险"  # the older one lost
        annotations.import_records(theirs, [newer], "bob")
        assert topics.saved_query(theirs.conn, "社保").query == "社保 | 社会保险"
        with pytest.raises(PolicyReviewError, match="record 1: .*must parse|record 1: .*unbalanced"):
            annotations.import_records(theirs, [dict(records[-1], query='"社保')], "bob")


def export_and_read(store: Store) -> list[dict]:
    return [json.loads(line) for line in annotations.write_jsonl(annotations.export_records(store.conn)).splitlines()]


def test_a_briefing_note_holds_the_grid_and_comparison_tables(tmp_db):
    similar.fill(tmp_db)
    conn = tmp_db.conn
    liaoning = clause_with(conn, "严格执行全省企业失业保险单位缴费费率由2%降至1%")
    jilin = clause_with(conn, "将失业保险基金支持企业稳岗政策实施范围")
    tax = clause_with(conn, "全面推开营改增试点，确保所有行业税负只减不增")
    note = export.render(conn, export.ExportSpec(clause_ids=[tax, jilin, liaoning], group_by="counterparts",
                                                 grid_topics=["社保 | 养老保险", "用地"])).markdown
    assert "| 省份 | 文件 | 社保 \\| 养老保险 | 用地 |" in note
    assert "| 上海 | 2 | **0** | 8 |" in note and "未导入文件的省份：北京、天津" in note
    tables = note.split("## 比较：")[1:]
    assert len(tables) == 2  # the two 稳岗/社保 clauses in one table, 营改增 in its own
    social = next(t for t in tables if "稳岗" in t)
    assert social.count("\n| 辽宁省 |") == 1 and social.count("\n| 吉林省 |") == 1
    assert "2%、1%、0．5%、50%" in social  # Liaoning's numbers, in its row
    assert any(label in social for label in ("相关", "改写", "照搬"))
    with_counterparts = export.render(conn, export.ExportSpec(clause_ids=[tax], group_by="counterparts",
                                                              counterparts=2)).markdown
    assert with_counterparts.count("\n| 吉林省 |") >= 1  # Jilin's 营改增 came along


def test_export_command_takes_the_grid_and_counterparts(tmp_path, tmp_db):
    out = tmp_path / "note.md"
    result = run_cli(tmp_path, "export", "-o", out, "--query", "营改增", "--group-by", "counterparts",
                     "--grid", "用地", "--db", tmp_db.path)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "## 比较：" in text and "| 省份 | 文件 | 用地 |" in text


def test_similar_command(tmp_path, tmp_db):
    clause = clause_with(tmp_db.conn, "严格执行全省企业失业保险单位缴费费率由2%降至1%")
    result = run_cli(tmp_path, "similar", clause, "--db", tmp_db.path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("similar to 《辽宁省降低实体经济企业成本工作实施方案》，五、（十九）")
    assert "吉林省" in result.stdout and "辽宁省" not in result.stdout
    data = json.loads(run_cli(tmp_path, "similar", clause, "--json", "--limit", "3", "--all-documents",
                              "--db", tmp_db.path).stdout)
    assert data["scope"] == "documents" and 0 < len(data["similar"]) <= 3
    assert {"clause_id", "score", "kind", "province", "document", "path", "text"} <= data["similar"][0].keys()
    assert_one_line_error(run_cli(tmp_path, "similar", "999999", "--db", tmp_db.path), "no clause with id 999999")
    assert_one_line_error(run_cli(tmp_path, "similar", "x", "--db", tmp_db.path), "not a number")
