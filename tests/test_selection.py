"""The scope rules of the app's bulk actions and export (store.selection.target_ids and
export_scope): the selection as far as the filter shows it, else the focused clause, the
filter's clauses, or the clauses the pane shows."""

from __future__ import annotations

from store import browse, selection
from store.search import matching_ids, parse_query
from store.selection import Shown, export_scope, target_ids
from tests._store_helpers import clause_with


def test_the_focused_clause_without_a_selection(tmp_db):
    conn = tmp_db.conn
    focused = browse.clause(conn, clause_with(conn, "全面推开营改增试点，确保所有行业税负只减不增"))
    assert target_ids(conn, None, focused) == ([focused.id], "clause 二、（四）")
    assert target_ids(conn, None, None) == ([], "no clause")


def test_the_selection_as_far_as_the_filter_shows_it(tmp_db):
    conn = tmp_db.conn
    shown = clause_with(conn, "全面推开营改增试点，确保所有行业税负只减不增")
    hidden = clause_with(conn, "推行企业开办“0.5天”“零成本”")
    selection.toggle(tmp_db, shown)
    selection.toggle(tmp_db, hidden)
    focused = browse.clause(conn, hidden)
    assert target_ids(conn, None, focused) == (sorted([shown, hidden]), "2 selected clauses")
    query = parse_query("营改增")
    assert target_ids(conn, query, focused) == ([shown], "1 selected clause (1 hidden by the filter left alone)")
    ids, description, scope = export_scope(conn, query, "营改增", None)
    assert (ids, scope) == ([shown], "已选条款（检索：营改增）")


def test_export_takes_the_filter_then_the_pane(tmp_db):
    conn = tmp_db.conn
    query = parse_query("社保")
    ids, description, scope = export_scope(conn, query, "社保", None)
    assert ids == matching_ids(conn, query) and len(ids) > 1
    assert (description, scope) == (f"{len(ids)} clauses shown by the filter “社保”", "检索：社保")
    document = next(d for d in browse.documents(conn) if d.title == "辽宁省降低实体经济企业成本工作实施方案")
    section = next(s for s in browse.sections(conn, document.id) if s.path == "二、")
    pane = Shown(document, section.first_clause, section.last_clause, section.path)
    ids, description, scope = export_scope(conn, None, "", pane)
    assert len(ids) == section.last_clause - section.first_clause + 1 == 4
    assert (description, scope) == ("4 clauses of 《辽宁省降低实体经济企业成本工作实施方案》 二、",
                                    "《辽宁省降低实体经济企业成本工作实施方案》 二、")
    assert export_scope(conn, None, "", None) == ([], "nothing", "")
