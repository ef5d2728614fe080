"""Similar clauses (store/similar.py): the counterparts of a measure in other provinces, and
the similarity index kept right through re-import, removal and old databases."""

from __future__ import annotations

import pytest

from store import removal, similar
from store.db import Store
from store.errors import PolicyReviewError
from store.importer import import_paths
from tests import similar_labels
from tests._store_helpers import SAMPLE, clause_with

LIAONING_SOCIAL_INSURANCE = "严格执行全省企业失业保险单位缴费费率由2%降至1%"
JILIN_STABLE_JOBS = "将失业保险基金支持企业稳岗政策实施范围"


@pytest.fixture
def indexed(tmp_db):
    """The samples as imported: the import indexed every clause for similar clauses."""
    conn = tmp_db.conn
    assert similar.pending(conn) == 0 and similar.fill(tmp_db) == 0
    assert conn.execute("SELECT count(*) FROM similar_rows").fetchone()[0] == \
        conn.execute("SELECT count(*) FROM clauses").fetchone()[0] > 0
    assert postings(conn) == expected_postings(conn)
    return tmp_db


def postings(conn) -> int:
    """Rows of the similarity index: one per bigram of each clause indexed."""
    return conn.execute("SELECT coalesce(sum(doc), 0) FROM similar_terms").fetchone()[0]


def expected_postings(conn) -> int:
    return sum(len(similar.clause_terms(title, text)) for title, text in conn.execute(
        "SELECT title, text FROM clauses c JOIN similar_rows r ON r.clause_id = c.id"))


def provinces(matches) -> set[str]:
    return {m.province for m in matches}


def test_a_measure_finds_its_counterparts_in_other_provinces_best_first(indexed):
    conn = indexed.conn
    clause = clause_with(conn, LIAONING_SOCIAL_INSURANCE)
    matches = similar.similar(conn, clause)
    assert clause_with(conn, JILIN_STABLE_JOBS) in [m.clause_id for m in matches[:3]]
    assert "辽宁省" not in provinces(matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(0 < m.score <= 1 and m.kind in ("near-copy", "adapted", "related") for m in matches)
    jilin = next(m for m in matches if m.clause_id == clause_with(conn, JILIN_STABLE_JOBS))
    assert jilin.document_name == "附件4《关于降成本的实施意见》"  # an attachment named by its label too


def test_traditional_text_meets_its_simplified_counterpart(indexed):
    """Shanghai's 實施意見 is in traditional characters; Liaoning's land measure is found
    from it, and it from Liaoning's."""
    conn = indexed.conn
    shanghai = clause_with(conn, "實行工業用地彈性年限出讓")
    liaoning = clause_with(conn, "积极推进工业用地长期租赁、先租后让、租让结合供应")
    assert liaoning in [m.clause_id for m in similar.similar(conn, shanghai)[:3]]
    assert shanghai in [m.clause_id for m in similar.similar(conn, liaoning)[:3]]


def test_all_documents_adds_the_same_province_but_never_the_same_document(indexed):
    """Jilin's guiding opinions sum up its 附件4 measure by measure: in all documents the
    attachment's own clause is the nearest; the opinions themselves never appear."""
    conn = indexed.conn
    summary = clause_with(conn, "把试点范围扩展至建筑业、房地产业、金融业和生活性服务业。落实高新技术企业减税政策")
    own_document = conn.execute("SELECT document_id FROM clauses WHERE id = ?", (summary,)).fetchone()[0]
    assert "吉林省" not in provinces(similar.similar(conn, summary))
    everywhere = similar.similar(conn, summary, all_documents=True)
    assert everywhere[0].province == "吉林省"
    assert own_document not in {m.document_id for m in everywhere}


def test_copies_are_near_copies_whatever_their_numbers_and_departments(tmp_path):
    """The same measure in another province with other numbers and other departments in
    charge: a near-copy (responsible units and numbers are not what a measure is)."""
    first = tmp_path / "liaoning.txt"
    first.write_text("辽宁省降低企业成本实施方案\n\n一、降低企业社保缴费比例\n严格执行全省企业失业保险单位缴费费率由2%降至1%的政策，"
                     "对不裁员、少裁员的企业给予稳岗补贴。（牵头单位：省人力资源社会保障厅；配合单位：省财政厅）\n", encoding="utf-8")
    second = tmp_path / "gansu.txt"
    second.write_text("甘肃省降低企业成本实施方案\n\n一、降低企业社保缴费比例\n严格执行全省企业失业保险单位缴费费率由3%降至1.5%的政策，"
                      "对不裁员、少裁员的企业给予稳岗补贴。（责任单位：省人社厅、省发展改革委）\n", encoding="utf-8")
    with Store(tmp_path / "copies.db") as store:
        import_paths(store, [first, second])
        similar.fill(store)
        clause = clause_with(store.conn, "由2%降至1%")
        [match] = similar.similar(store.conn, clause)
        assert (match.province, match.kind) == ("甘肃省", "near-copy")
        assert match.score > 0.9


def test_a_clause_with_no_counterpart_lists_nothing_weak(indexed):
    """The covering notice of Xinzhou's plan (印发给你们) has no measure to compare."""
    conn = indexed.conn
    unrelated = clause_with(conn, "“六最”营商环境建设规划》印发给你们")
    assert all(m.score >= similar.MINIMUM for m in similar.similar(conn, unrelated))
    with pytest.raises(PolicyReviewError, match="no clause with id 999999"):
        similar.similar(conn, 999999)


def test_clauses_missing_from_the_index_wait_for_the_fill_and_a_search_says_so(tmp_db):
    conn = tmp_db.conn
    clause = clause_with(conn, LIAONING_SOCIAL_INSURANCE)
    total = conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    with tmp_db.transaction() as tx:  # as a database indexed another way is left for the fill
        assert similar.rebuild(tx) == total
    assert similar.pending(conn) == total
    with pytest.raises(PolicyReviewError, match=f"{total} clauses are not in the similarity index yet"):
        similar.similar(conn, clause)
    assert similar.fill(tmp_db, batch=100) == total and similar.pending(conn) == 0
    assert similar.fill(tmp_db) == 0
    assert similar.similar(conn, clause)


def test_reimport_and_removal_keep_the_index_right(tmp_path, indexed):
    conn = indexed.conn
    assert postings(conn) == expected_postings(conn)
    copy = tmp_path / "jilin.txt"
    text = SAMPLE["jilin"].read_text(encoding="utf-8")
    copy.write_text(text + "\n", encoding="utf-8")  # other bytes: a second copy, not "unchanged"
    import_paths(indexed, [copy])
    assert similar.pending(conn) == 0
    clause = clause_with(conn, LIAONING_SOCIAL_INSURANCE)
    before = [m.province for m in similar.similar(conn, clause)].count("吉林省")

    copy.write_text(text.replace("稳岗", "稳就业"), encoding="utf-8")
    [result] = import_paths(indexed, [copy])  # the old version's rows leave, the new ones enter
    assert result.status == "replaced"
    assert postings(conn) == expected_postings(conn) and similar.pending(conn) == 0
    found = {m.clause_id for m in similar.similar(conn, clause, limit=50)}
    assert found <= {row[0] for row in conn.execute("SELECT id FROM clauses")}

    removal.remove(indexed, removal.removal_for(conn, str(copy)), "tester")
    removal.remove(indexed, removal.removal_for(conn, str(SAMPLE["jilin"])), "tester")
    assert postings(conn) == expected_postings(conn)
    assert before and "吉林省" not in provinces(similar.similar(conn, clause, limit=50))


def test_a_database_made_before_the_index_gets_it(tmp_path, indexed):
    path = indexed.path
    conn = indexed.conn
    clause = clause_with(conn, LIAONING_SOCIAL_INSURANCE)
    expected = [m.clause_id for m in similar.similar(conn, clause)]
    with indexed.transaction() as tx:  # as schema 2 left it: no similarity index, no saved queries
        for table in ("similar_terms", "similar_index", "similar_rows", "saved_queries"):
            tx.execute(f"DROP TABLE {table}")
        tx.execute("DELETE FROM meta WHERE key = 'similar_version'")
        tx.execute("PRAGMA user_version = 4")
    indexed.close()
    with Store(path) as reopened:
        assert reopened.schema_version() == 5
        assert similar.pending(reopened.conn) == reopened.conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
        similar.fill(reopened)
        assert [m.clause_id for m in similar.similar(reopened.conn, clause)] == expected


def test_another_way_of_indexing_empties_the_index_for_the_fill(indexed):
    path = indexed.path
    with indexed.transaction() as tx:
        tx.execute("UPDATE meta SET value = 'bigrams-v0' WHERE key = 'similar_version'")
    indexed.close()
    with Store(path) as reopened:
        assert postings(reopened.conn) == 0
        assert similar.pending(reopened.conn) == reopened.conn.execute("SELECT count(*) FROM clauses").fetchone()[0]


@pytest.mark.slow
def test_the_labelled_counterparts_are_found_and_nothing_unrelated_is_shown(tmp_path):
    """The labelled set (written by reading the samples): for 90% of its clauses an expected
    counterpart is among the first three listed, and for 90% none of the first three is
    unrelated; beside the samples, documents of other areas are imported as distractors."""
    labels = similar_labels.load()
    assert len(labels["clauses"]) >= 60
    with similar_labels.build(tmp_path / "labelled.db", labels) as store:
        outcomes = similar_labels.evaluate(store, labels)
    found = sum(o.found for o in outcomes) / len(outcomes)
    clean = sum(o.clean for o in outcomes) / len(outcomes)
    missed = [o.clause for o in outcomes if not o.found]
    unrelated = [o.clause for o in outcomes if not o.clean]
    assert found >= 0.9, (found, missed)
    assert clean >= 0.9, (clean, unrelated)
