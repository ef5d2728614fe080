"""Who does what by when, on real text: the agencies, targets and deadlines found at import
against labels written by hand by reading the documents (tests/fixtures/analysis/labels.txt),
full names, layouts, re-import, and validity with its history, undo and exchange."""

from __future__ import annotations

import collections
import json
import shutil
from pathlib import Path

import pytest

from store import annotations, browse
from store.analysis import agencies, tables, targets, validity
from store.db import Store
from store.importer import import_paths
from tests.analysis_labels import ROOT, find_clause, load_labels


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """Every labelled document imported into one store, as a reviewer would."""
    documents = load_labels()
    store = Store(tmp_path_factory.mktemp("labelled") / "labelled.db")
    results = import_paths(store, [ROOT / d.path for d in documents])
    assert all(r.ok for r in results), [r.message for r in results]
    yield store, documents
    store.close()


def _clauses_of(conn, path: Path) -> list[browse.Clause]:
    ids = [row[0] for row in conn.execute("SELECT id FROM documents WHERE source_path = ?", (str(path.resolve()),))]
    return [c for i in ids for c in browse.clauses_page(conn, i, 0, 1 << 30, limit=1 << 30)]


def _scores(store, documents):
    agency = collections.Counter()
    target = collections.Counter()
    counted = collections.Counter()
    for document in documents:
        clauses = _clauses_of(store.conn, ROOT / document.path)
        for label in document.clauses:
            clause = find_clause(clauses, label.prefix)
            if label.agencies is not None:
                found = {(a.written, a.role) for a in tables.agencies_of(store.conn, clause.id)}
                agency["found"] += len(found)
                agency["right"] += len(found & label.agencies)
                agency["labelled"] += len(label.agencies)
                counted["clauses with agencies"] += bool(label.agencies)
            if label.targets is not None:
                stored = tables.targets_of(store.conn, clause.id)
                found = collections.Counter(t.value_text or "-" for t in stored)
                wanted = collections.Counter(value for value, _deadline in label.targets)
                target["found"] += sum(found.values())
                target["right"] += sum((found & wanted).values())
                target["labelled"] += sum(wanted.values())
                pairs = collections.Counter((t.value_text or "-", t.deadline or "-") for t in stored)
                target["deadline right"] += sum((pairs & collections.Counter(label.targets)).values())
                counted["targets"] += len(label.targets)
    return agency, target, counted


def test_the_labelled_set_is_large_enough(labelled):
    _agency, _target, counted = _scores(*labelled)
    assert counted["clauses with agencies"] >= 150
    assert counted["targets"] >= 150


def test_agencies_precision_and_recall_against_the_labels(labelled):
    agency, _target, _counted = _scores(*labelled)
    assert agency["right"] / agency["found"] >= 0.95
    assert agency["right"] / agency["labelled"] >= 0.95


def test_targets_precision_recall_and_deadlines_against_the_labels(labelled):
    _agency, target, _counted = _scores(*labelled)
    assert target["right"] / target["found"] >= 0.90
    assert target["right"] / target["labelled"] >= 0.90
    assert target["deadline right"] / target["right"] >= 0.95


def test_names_relative_to_the_issuer_get_their_full_name_and_count_once(labelled):
    store, _documents = labelled
    counts = {(a.name, a.province): a for a in tables.agency_counts(store.conn)}
    liaoning = counts[("辽宁省财政厅", "辽宁省")]
    assert (liaoning.lead, liaoning.partner) == (11, 6)  # （牵头单位：省财政厅…）in 11 measures, a partner in 6
    assert ("吉林省财政厅", "吉林省") in counts and ("包头市工信局", "内蒙古自治区") in counts
    assert not any(name.startswith("省") for name, _p in counts)
    assert "人民银行沈阳分行" in {name for name, _p in counts}  # not relative: as written
    assert agencies.full_name("自治区财政厅", "内蒙古自治区", None) == "内蒙古自治区财政厅"
    assert agencies.full_name("市财政局", "上海市", None) == "上海市财政局"


def test_agencies_on_a_line_of_their_own_in_a_table_column_and_in_running_text(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("\n".join([
        "山西省推进重点工作实施方案", "",
        "一、加强统筹协调",
        "建立工作推进机制，定期调度工作进展。",
        "牵头单位：省发展改革委",
        "配合单位：省财政厅、省统计局",
        "二、优化营商环境",
        "由省政务服务管理局负责，省市场监管局配合，2017年底前完成。",
        "三、培育市场主体",
        "全省新增市场主体10万户以上，各有关部门积极配合。",
    ]) + "\n", encoding="utf-8")
    with Store(tmp_path / "db.db") as store:
        import_paths(store, [path])
        found = {}
        for clause_id, title in store.conn.execute("SELECT id, title FROM clauses"):
            found[title] = {(a.name, a.written, a.role) for a in tables.agencies_of(store.conn, clause_id)}
    assert found["加强统筹协调"] == {("山西省发展改革委", "省发展改革委", "lead"), ("山西省财政厅", "省财政厅", "partner"),
                                 ("山西省统计局", "省统计局", "partner")}
    assert found["优化营商环境"] == {("山西省政务服务管理局", "省政务服务管理局", "lead"),
                                 ("山西省市场监管局", "省市场监管局", "partner")}
    assert found["培育市场主体"] == set()  # 各有关部门 names no agency
    rows = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "建设数据平台", "省大数据局", "省财政厅、省通信管理局", "2022年底前"]]
    assert agencies.extract("", "", rows) == [agencies.Mention("省大数据局", "lead"), agencies.Mention("省财政厅", "partner"),
                                              agencies.Mention("省通信管理局", "partner")]


@pytest.mark.parametrize("text, document_date, expected", [
    ("到2018年年底，通过发行地方政府债券置换全省政府债务1600亿元。", "2016-04-12", [("1600亿元", "2018", "置换")]),
    ("社会物流总费用占社会物流总额的比重由目前的4．9%降低0．5个百分点左右。", None, [("0.5个百分点", None, "降低")]),
    ("失业保险单位缴费费率由2%降至1%。", None, [("1%", None, "降至")]),
    ("力争3年内实现全覆盖。", "2016-11-08", [("", "2019-11-08", None)]),
    ("2016年5月底前出台实施细则。", "2016-04-12", [("", "2016-05", None)]),
    ("从2016年起，3年内原则上停止审批新建煤矿项目。", None, [("", "2018", None)]),
    ("（6月底完成，牵头考核单位：市审批服务局）", "2022-04-14", [("", "2022-06", None)]),
    ("根据《国务院办公厅关于2016年重点工作的通知》（国办发〔2016〕42号）精神，现提出如下意见。", "2016-06-01", []),
    ("第十二条 县级以上人民政府应当于2015年9月1日发布公告。", "2016-06-01", []),
    ("对年产30万吨以下的煤矿全部关停，企业级平台省级给予一次性奖补100万元。", None, []),
    ("高一学生参加考试的科目原则上不超过4科，最低首付款比例为20%。", None, []),
    ("产能现状：截至2015年底，全省共有各类煤矿154处。其中，120万吨以上的煤矿22处。主要目标：到2020年压减产能300万吨。",
     None, [("300万吨", "2020", "压减")]),
])
def test_targets_and_what_is_no_target(text, document_date, expected):
    found = [(t.value_text, t.deadline, t.direction) for t in targets.extract("", text, document_date)]
    assert found == expected


def test_reimport_recomputes_the_analysis(tmp_path):
    path = tmp_path / "liaoning.txt"
    shutil.copy(ROOT / "sample_db" / "liaoning-enterprise-costs-2016.txt", path)
    with Store(tmp_path / "db.db") as store:
        import_paths(store, [path])
        before = {a.name: a.lead for a in tables.agency_counts(store.conn)}
        path.write_text(path.read_text(encoding="utf-8").replace("牵头单位：省住房城乡建设厅；",
                                                                "牵头单位：省审计厅；"), encoding="utf-8")
        import_paths(store, [path])
        after = {a.name: a.lead for a in tables.agency_counts(store.conn)}
        orphans = store.conn.execute("SELECT count(*) FROM clause_agencies WHERE clause_id NOT IN "
                                     "(SELECT id FROM clauses)").fetchone()[0]
    assert after["辽宁省审计厅"] == 1 and after["辽宁省住房城乡建设厅"] == before["辽宁省住房城乡建设厅"] - 1
    assert orphans == 0


# --------------------------------------------------------------------------- validity

INFO_PAGE = """<html><head><meta charset="utf-8"><title>关于印发某某市扶持措施的通知</title></head><body>
<table><tr><td>有 效 性</td><td>已失效</td><td>成文日期</td><td>2015年3月5日</td></tr></table>
<div id="zoom"><p>各县（市、区）人民政府：</p>
<p>一、加大扶持力度。到2016年底，全市新增企业1000家。（牵头单位：市财政局）</p>
<p>二、优化服务。市政务服务中心负责。</p>
<p style="text-align:right">某某市人民政府办公室<br>2015年3月5日</p></div></body></html>"""


@pytest.fixture
def site_store(tmp_path):
    path = tmp_path / "notice.html"
    path.write_text(INFO_PAGE, encoding="utf-8")
    with Store(tmp_path / "db.db") as store:
        import_paths(store, [path])
        yield store, path


def _ids(store, query: str) -> set[int]:
    from store.search import matching_ids

    return set(matching_ids(store.conn, query))


def test_validity_from_the_site_is_shown_and_filtered(site_store):
    store, _path = site_store
    everything = {row[0] for row in store.conn.execute("SELECT id FROM clauses")}
    assert _ids(store, "valid:no") == everything and _ids(store, "valid:yes") == set()
    first = min(everything)
    assert validity.clause_validity(store.conn, first) == validity.Validity("失效", source="site")


def test_a_reviewer_sets_a_document_and_a_clause_and_undoes_both(sample_paths, tmp_path):
    with Store(tmp_path / "db.db") as store:
        import_paths(store, sample_paths)
        document = browse.documents(store.conn)[1]
        clause = browse.clauses_page(store.conn, document.id, 0, 0)[0]
        validity.set_document(store, document.id, "已废止", "甲", reason="被新方案取代")
        assert _ids(store, "valid:no") == {c.id for c in browse.clauses_page(store.conn, document.id, 0, 1 << 30,
                                                                             limit=1 << 30)}
        annotations.set_validity(store, [clause.id], "现行有效", "甲", reference="〔2021〕21号 第十二条")
        assert clause.id not in _ids(store, "valid:no")
        assert validity.clause_validity(store.conn, clause.id).describe() == "现行有效（〔2021〕21号 第十二条）"
        assert [h["field"] for h in annotations.history_for(store.conn, clause.id)] == ["validity"]
        assert "validity" in validity.undo(store, "甲")  # the clause's, the later change
        assert validity.clause_validity(store.conn, clause.id).status == "已废止"
        assert "document" in validity.undo(store, "甲")
        assert _ids(store, "valid:no") == set()
        assert [h["origin"] for h in validity.document_history(store.conn, document.id)] == ["edit", "undo"]


def test_validity_survives_reimport_and_travels_in_the_exchange(sample_paths, tmp_path):
    with Store(tmp_path / "a.db") as first:
        import_paths(first, sample_paths)
        document = browse.documents(first.conn)[1]
        clause = browse.clauses_page(first.conn, document.id, 3, 3)[0]
        validity.set_document(first, document.id, "已修改", "甲")
        annotations.set_validity(first, [clause.id], "已废止", "甲", reason="已被取代", reference="〔2021〕21号")
        import_paths(first, [Path(document.source_path)])  # unchanged: nothing to redo
        records = json.loads(json.dumps(annotations.export_records(first.conn)))
    with Store(tmp_path / "b.db") as second:
        import_paths(second, sample_paths)
        annotations.import_records(second, records, "乙")
        other = next(d for d in browse.documents(second.conn) if d.title == document.title and d.kind == document.kind)
        assert validity.document_validity(second.conn, other.id).status == "已修改"
        moved = next(c for c in browse.clauses_page(second.conn, other.id, 0, 1 << 30, limit=1 << 30) if c.key == clause.key)
        assert validity.clause_validity(second.conn, moved.id) == validity.Validity("已废止", "已被取代", "〔2021〕21号",
                                                                                   "clause")
