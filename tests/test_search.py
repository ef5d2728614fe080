"""Keyword search: the index must find exactly the clauses a plain scan of the folded text
finds (100 % recall and precision), in reading order, with highlight spans in the original
text, and stay right through import, re-import and deletion.

The scan these tests compare with is written out here (tests/_store_helpers.scan_term):
fold the clause's title and text and the term, and look for the term as a substring.
"""

from __future__ import annotations

import json
import random
import sqlite3
import unicodedata

import pytest

from store import annotations, browse, regions
from store.db import TOKENIZER, Store, document_key_range
from store.errors import QueryError
from store.importer import delete_document, import_paths
from store.normalize import _FOLD, fold, fold_with_offsets
from store.search import (
    count, counts_by_document, highlight, matching_ids, matching_keys, neighbour, parse_query, search,
)
from tests._store_helpers import (
    SAMPLE, all_clauses, assert_one_line_error, run_cli, samples_store, scan, scan_term, searchable,
)

EVERYTHING = 1 << 62


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The samples, imported once for the read-only tests of this module."""
    store = samples_store(tmp_path_factory.mktemp("search") / "samples.db")
    yield store
    store.close()


def found(conn, query: str) -> set[int]:
    result = search(conn, query, limit=EVERYTHING)
    ids = [hit.clause_id for hit in result.hits]
    assert len(ids) == len(set(ids)), "a clause came out twice"
    assert result.total == len(ids)
    return set(ids)


def ids_where(conn, sql: str, *params) -> set[int]:
    return {row[0] for row in conn.execute(
        f"SELECT c.id FROM clauses c JOIN documents d ON d.id = c.document_id WHERE {sql}", params)}


def province_ids(conn, province: str) -> set[int]:
    return ids_where(conn, "d.province = ?", province)


# --------------------------------------------------------------------------- the tokenizer


def test_every_character_fold_keeps_is_one_index_token_of_itself():
    """The index and the scan can only agree if SQLite's tokenizer leaves every character
    that fold() produces as one token equal to itself (no merging, splitting or folding of
    its own, e.g. ς → σ), for every assigned code point (and every 37th unassigned or
    private-use one, which fold keeps as they are)."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize=\"{TOKENIZER}\")")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    points = [c for c in range(0x110000)
              if unicodedata.category(chr(c)) not in ("Cn", "Co", "Cs") or (c % 37 == 0 and not 0xD800 <= c <= 0xDFFF)]
    kept = sorted({_FOLD[c] for c in points if _FOLD[c] is not None})
    assert len(kept) > 100_000
    conn.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", enumerate(kept))
    tokens: dict[int, list[str]] = {}
    for term, row in conn.execute("SELECT term, doc FROM v"):
        tokens.setdefault(row, []).append(term)
    wrong = [(hex(ord(ch)), tokens.get(i)) for i, ch in enumerate(kept) if tokens.get(i) != [ch]]
    assert wrong == []


def test_fold_is_per_character_and_keeps_no_whitespace():
    folded, offsets = fold_with_offsets("上海市  職工社保費率下調\u30002.5％（試行）\n")
    assert folded == "上海市职工社保费率下调2.5%(试行)"
    assert len(offsets) == len(folded)


# --------------------------------------------------------------------------- recall and precision

CLASSES = {
    "one character": ["税", "费", "地", "率", "。", "、"],
    "two characters": ["社保", "公积金", "融资", "牵头", "成本", "降低"],
    "longer phrases": ["降低实体经济企业成本", "供给侧结构性改革", "“三去一降一补”", "住房公积金缴存比例",
                       "牵头单位：省财政厅", "营商环境"],
    "digits and Chinese": ["2020年", "25%", "2.5", "〔2016〕", "2016", "135亿元", "1天办"],
    "traditional spellings": ["稅費", "調整", "牽頭部門", "職工社會保險費率", "供給側結構性改革"],
    "full-width forms": ["２０２０年", "２５％", "（牵头单位", "(牵头", "２．５"],
    "whitespace inside": ['"社保 缴费"', '"推进 300项"', '"稅　費"', '"2 0 2 0 年"'],
}


@pytest.mark.parametrize("term", [t for terms in CLASSES.values() for t in terms])
def test_index_finds_exactly_what_a_scan_finds(db, term):
    expected = scan_term(db.conn, term.strip('"'))
    assert expected, f"{term} should occur in the samples"
    assert found(db.conn, term) == expected


def test_traditional_and_simplified_find_each_other(db):
    conn = db.conn
    shanghai = province_ids(conn, "上海市")
    traditional = found(conn, "稅費")
    simplified = found(conn, "税费")
    assert traditional == simplified
    # both spellings are really in the sources, and both kinds of clause are found
    assert any("稅費" in text for cid, _t, text in all_clauses(conn) if cid in shanghai)
    assert traditional & shanghai and traditional - shanghai
    assert all("税费" not in title + text for cid, title, text in all_clauses(conn) if cid in traditional & shanghai)


def test_simplified_term_finds_text_that_had_pinyin_annotations(db):
    """The Shanghai page was copied with readings after characters, 調(diào)整: the stored
    text has 調整, and 调整 finds it."""
    assert "調(diào)整" in SAMPLE["shanghai"].read_text(encoding="utf-8")
    conn = db.conn
    hits = found(conn, "调整") & province_ids(conn, "上海市")
    assert hits
    texts = {cid: title + text for cid, title, text in all_clauses(conn)}
    assert all("調整" in texts[cid] for cid in hits)
    assert found(conn, "調整") == found(conn, "调整")


def test_full_width_and_half_width_are_the_same(db):
    conn = db.conn
    assert found(conn, "２０２０") == found(conn, "2020") != set()
    # Jilin writes 25％, Shanghai 25%: either spelling finds both
    percent = found(conn, "25%")
    assert percent == found(conn, "２５％")
    assert percent & province_ids(conn, "吉林省") and percent & province_ids(conn, "上海市")
    # Liaoning writes （牵头单位, Shanghai (牽頭部門
    paren = found(conn, "(牵头")
    assert paren == found(conn, "（牵头")
    assert paren & province_ids(conn, "辽宁省") and paren & province_ids(conn, "上海市")


def test_whitespace_in_the_text_or_the_term_is_ignored(db):
    conn = db.conn
    # Shanghai has 推進 300項 with a space
    spaced_clauses = {cid for cid, _t, text in all_clauses(conn) if "推進 300項" in text}
    assert spaced_clauses
    assert spaced_clauses <= found(conn, "推进300项")
    assert found(conn, '"推进 300 项"') == found(conn, "推进300项")


def derived_terms(conn, seed: int, clauses: int, per_length: dict[int, int]) -> list[str]:
    """Substrings of randomly chosen clause texts: every distinct 1- and 2-character one,
    and some longer ones."""
    rng = random.Random(seed)
    rows = rng.sample(all_clauses(conn), clauses)
    by_length: dict[int, set[str]] = {n: set() for n in per_length}
    for _cid, title, text in rows:
        for source in (title, text):
            for n in per_length:
                for i in range(len(source) - n + 1):
                    piece = source[i:i + n]
                    if piece.strip() and '"' not in piece and fold(piece):
                        by_length[n].add(piece)
    terms = []
    for n, wanted in per_length.items():
        pool = sorted(by_length[n])
        terms.extend(pool if len(pool) <= wanted else rng.sample(pool, wanted))
    return terms


def test_hundreds_of_derived_terms_agree_with_the_scan(db):
    conn = db.conn
    terms = derived_terms(conn, seed=20240501, clauses=12, per_length={1: 10_000, 2: 700, 3: 150, 6: 150})
    assert len(terms) > 1000
    forms = [(cid, searchable(title, text)) for cid, title, text in all_clauses(conn)]
    wrong = []
    for term in terms:
        wanted = fold(term)
        expected = {cid for cid, texts in forms if any(wanted in form for form in texts)}
        got = found(conn, f'"{term}"')
        if got != expected:
            wrong.append((term, len(got), len(expected)))
    assert wrong == []


def test_terms_that_look_like_syntax_are_just_text(db):
    conn = db.conn
    for term in ["(", "：", ":", "*", "-", "NOT", "AND", "“", "+"]:
        assert found(conn, f'"{term}"') == scan_term(conn, term), term


# --------------------------------------------------------------------------- the query language


def test_and_or_not(db):
    conn = db.conn
    tax, social, fund = scan_term(conn, "税"), scan_term(conn, "社保"), scan_term(conn, "公积金")
    assert tax & social and tax - social and social - fund and fund - social
    assert found(conn, "税 社保") == tax & social
    assert found(conn, "社保 | 公积金") == social | fund
    assert found(conn, "税 社保 | 公积金") == tax & (social | fund)
    assert found(conn, "税 -社保") == tax - social
    assert found(conn, "社保 -税 -公积金") == social - tax - fund


def test_a_query_of_only_negations(db):
    conn = db.conn
    everything = {cid for cid, _t, _x in all_clauses(conn)}
    tax, social = scan_term(conn, "税"), scan_term(conn, "社保")
    assert found(conn, "-税") == everything - tax
    assert found(conn, "-税 -社保") == everything - tax - social
    assert found(conn, '-"社保"') == everything - social


def test_a_quoted_phrase_is_one_term(db):
    conn = db.conn
    phrase = found(conn, '"降低 成本"')
    words = found(conn, "降低 成本")
    assert phrase == scan_term(conn, "降低成本") != set()
    assert phrase < words  # the words apart match more


def test_query_and_scan_agree_on_combinations(db):
    for query in ["税 社保", "社保 | 公积金", "税 -社保", "-税", '"降低 成本" 企业', "稅費 | 融资 -牵头", "2020年 -２０２５"]:
        assert found(db.conn, query) == scan(db.conn, query), query


def test_province_and_document_filters(db):
    conn = db.conn
    liaoning = province_ids(conn, "辽宁省")
    shanxi = province_ids(conn, "山西省")
    xinzhou = ids_where(conn, "d.region = ?", "忻州市")
    business = ids_where(conn, "instr(d.title, ?)", "营商")
    assert liaoning and shanxi and xinzhou and business
    assert found(conn, "province:辽宁") == liaoning
    assert found(conn, "province:辽宁省") == liaoning
    assert found(conn, "province:山西") == shanxi
    assert found(conn, "province:忻州") == xinzhou
    assert found(conn, "doc:营商") == business
    tax = scan_term(conn, "税")
    assert found(conn, "province:辽宁 税") == tax & liaoning != set()
    assert found(conn, "税 province:忻州") == tax & xinzhou != set()
    assert found(conn, "doc:营商 税") == tax & business != set()
    assert found(conn, "-province:辽宁 税") == tax - liaoning
    jilin = province_ids(conn, "吉林省")
    social = scan_term(conn, "社保")
    assert found(conn, "province:辽宁 | province:吉林 社保") == (liaoning | jilin) & social != set()
    assert found(conn, "province:西藏") == set()


def test_tag_and_status_filters_after_annotating(tmp_db):
    conn = tmp_db.conn
    tax = sorted(scan_term(conn, "税"))
    social = sorted(scan_term(conn, "社保"))
    annotations.add_tags(tmp_db, tax[:5], ["重点"], "alice")
    annotations.add_tags(tmp_db, social[:3], ["重点", "待 核实"], "alice")
    annotations.set_status(tmp_db, tax[3:8], "flagged", "alice")
    annotations.set_status(tmp_db, social[:2], "reviewed", "alice")
    key = set(tax[:5]) | set(social[:3])
    flagged = set(tax[3:8]) - set(social[:2])
    reviewed = set(social[:2])
    everything = {cid for cid, _t, _x in all_clauses(conn)}
    assert found(conn, "tag:重点") == key
    assert found(conn, 'tag:"待 核实"') == set(social[:3])
    assert found(conn, "tag:重点 社保") == key & set(social)
    assert found(conn, "-tag:重点 税") == set(tax) - key
    assert found(conn, "status:flagged") == flagged
    assert found(conn, "status:flag") == flagged  # a prefix is enough
    assert found(conn, "status:reviewed") == reviewed
    assert found(conn, "status:unreviewed") == everything - flagged - reviewed
    assert found(conn, "status:flagged | tag:重点") == flagged | key
    assert found(conn, "tag:没有这个") == set()


# --------------------------------------------------------------------------- order, totals, paging


def reading_order(conn, ids: set[int]) -> list[int]:
    rows = conn.execute(
        "SELECT c.id, d.province, c.document_id, c.ordinal FROM clauses c JOIN documents d ON d.id = c.document_id"
    ).fetchall()
    chosen = [r for r in rows if r[0] in ids]
    chosen.sort(key=lambda r: (regions.province_rank(r[1]), r[2], r[3]))
    return [r[0] for r in chosen]


def test_results_come_in_reading_order(db):
    conn = db.conn
    for query in ["税", "企业 -税", "province:山西 | 社保", "tag:x | 融资"]:
        hits = search(conn, query, limit=EVERYTHING).hits
        assert [h.clause_id for h in hits] == reading_order(conn, {h.clause_id for h in hits}), query
    provinces = [h.province for h in search(conn, "税", limit=EVERYTHING).hits]
    ranks = [regions.province_rank(p) for p in provinces]
    assert ranks == sorted(ranks) and len(set(provinces)) >= 4


def test_paging_continues_where_the_last_page_ended(db):
    conn = db.conn
    everything = [h.clause_id for h in search(conn, "企业", limit=EVERYTHING).hits]
    pages, after = [], None
    while True:
        page = search(conn, "企业", limit=25, after=after).hits
        if not page:
            break
        pages.extend(h.clause_id for h in page)
        after = page[-1].sort_key
    assert len(everything) > 100
    assert pages == everything


def test_total_and_capped_count(db):
    conn = db.conn
    n = len(scan_term(conn, "企业"))
    assert n > 50
    first = search(conn, "企业", limit=10)
    assert len(first.hits) == 10 and first.total == n and not first.capped
    assert first.total_label == str(n)
    capped = search(conn, "企业", limit=10, count_cap=50)
    assert capped.capped and capped.total == 50 and capped.total_label == "50+"
    exact = search(conn, "企业", limit=10, count_cap=n)
    assert not exact.capped and exact.total == n
    assert count(conn, "企业 -税") == (len(scan_term(conn, "企业") - scan_term(conn, "税")), False)
    assert count(conn, "province:辽宁", cap=5) == (5, True)
    assert search(conn, "没有这样的词组啊").total == 0


def test_key_range_limits_to_one_document(db):
    conn = db.conn
    document = conn.execute("SELECT id, province FROM documents WHERE title LIKE '%营商环境建设规划' "
                            "AND kind = 'main'").fetchone()

    result = search(conn, "税", limit=EVERYTHING, key_range=document_key_range(document[1], document[0]))
    assert {h.clause_id for h in result.hits} == scan_term(conn, "税") & ids_where(conn, "d.id = ?", document[0])
    assert result.total == len(result.hits) > 0


def test_counts_per_document_and_next_match(db):
    """What the panes show: matches per document, the matches inside one document, and
    n / N jumping from match to match across documents."""
    conn = db.conn
    document_of = dict(conn.execute("SELECT id, document_id FROM clauses"))
    key_of = dict(conn.execute("SELECT id, sort_key FROM clauses"))
    for query in ["税", "社保 | 公积金 -province:吉林", "-税", "province:忻州"]:
        ids = found(conn, query)
        expected: dict[int, int] = {}
        for cid in ids:
            expected[document_of[cid]] = expected.get(document_of[cid], 0) + 1
        assert counts_by_document(conn, query) == expected, query
        keys = sorted(key_of[cid] for cid in ids)
        walked, key = [], -1
        while (key := neighbour(conn, query, key)) is not None:
            walked.append(key)
        assert walked == keys, query
        assert neighbour(conn, query, keys[-1] + 1, forward=False) == keys[-1]
        busiest = max(expected, key=expected.get)
        province = conn.execute("SELECT province FROM documents WHERE id = ?", (busiest,)).fetchone()[0]

        inside = matching_keys(conn, query, document_key_range(province, busiest))
        assert inside == sorted(key_of[cid] for cid in ids if document_of[cid] == busiest)


def test_rank_returns_the_same_clauses_in_another_order(db):
    conn = db.conn
    plain = [h.clause_id for h in search(conn, "企业 成本", limit=EVERYTHING).hits]
    ranked = search(conn, "企业 成本", limit=EVERYTHING, rank=True)
    assert sorted(plain) == sorted(h.clause_id for h in ranked.hits)
    assert ranked.total == len(plain) > 20
    assert [h.clause_id for h in ranked.hits] != plain


def test_search_command_rank_and_json(tmp_path, db):
    plain = run_cli(tmp_path, "search", "企业 成本", "--json", "--limit", "0", "--db", db.path)
    ranked = run_cli(tmp_path, "search", "企业 成本", "--json", "--limit", "0", "--rank", "--db", db.path)
    assert plain.returncode == ranked.returncode == 0, plain.stderr + ranked.stderr
    plain_ids = [r["clause_id"] for r in json.loads(plain.stdout)["results"]]
    ranked_ids = [r["clause_id"] for r in json.loads(ranked.stdout)["results"]]
    assert plain_ids == reading_order(db.conn, found(db.conn, "企业 成本"))
    assert sorted(ranked_ids) == sorted(plain_ids) and ranked_ids != plain_ids
    for result in json.loads(plain.stdout)["results"][:20]:
        text = result["text"]
        covered = {i for a, b in result["matches"]["text"] for i in range(a, b) if fold(text[i])}
        assert covered == occurrences(text, "企业") | occurrences(text, "成本")


# --------------------------------------------------------------------------- highlight positions


def occurrences(text: str, term: str) -> set[int]:
    """Positions of original characters inside folded occurrences of the folded term."""
    folded, offsets = fold_with_offsets(text)
    wanted = fold(term)
    covered: set[int] = set()
    start = folded.find(wanted)
    while start >= 0:
        covered.update(offsets[start:start + len(wanted)])
        start = folded.find(wanted, start + 1)
    return covered


def check_spans(text: str, spans: list[list[int]], term: str) -> None:
    wanted = fold(term)
    covered = set()
    for start, end in spans:
        piece = fold(text[start:end])
        # a span starts and ends on a match (touching matches are merged into one span)
        assert piece.startswith(wanted) and piece.endswith(wanted), (text[start:end], term)
        assert text[start].strip() and text[end - 1].strip()
        covered.update(i for i in range(start, end) if fold(text[i]))
    assert covered == occurrences(text, term)


@pytest.mark.parametrize("term", ["税费", "稅費", "调整", "2020", "２５％", "推进300项", "(牵头", "企业成本", "费"])
def test_match_positions_are_in_the_original_text(db, term):
    hits = search(db.conn, term, limit=EVERYTHING).hits
    assert hits
    for hit in hits:
        check_spans(hit.title, hit.matches["title"], term)
        check_spans(hit.text, hit.matches["text"], term)
        assert hit.matches["title"] or hit.matches["text"]


def test_a_simplified_term_highlights_traditional_text_and_spans_spaces(db):
    hits = search(db.conn, "税费 | 推进300项", limit=EVERYTHING).hits
    marked = {hit.text[a:b] for hit in hits for a, b in hit.matches["text"]}
    assert "稅費" in marked and "税费" in marked
    assert "推進 300項" in marked
    assert highlight("推進 300項目", ["推进300项"]) == [[0, 7]]
    assert highlight("稅費稅費", ["税费"]) == [[0, 4]]
    assert highlight("无关", ["税费"]) == []


def test_negated_terms_are_not_highlighted(db):
    for hit in search(db.conn, "企业 -税", limit=20).hits:
        assert all("税" not in fold(hit.text[a:b]) for a, b in hit.matches["text"])
        assert hit.matches["text"] or hit.matches["title"]


# --------------------------------------------------------------------------- the index over time

CHECK_TERMS = ["税", "社保", "公积金", "融资", "稅費", "2020年", "实体经济", "独角兽", "蜂鸟计划", "鲸落行动", "企业"]


def assert_index_matches_scan(store, extra: list[str] = ()) -> None:
    conn = store.conn
    forms = [(cid, searchable(title, text)) for cid, title, text in all_clauses(conn)]
    for term in [*CHECK_TERMS, *extra]:
        wanted = fold(term)
        expected = {cid for cid, texts in forms if any(wanted in form for form in texts)}
        assert set(matching_ids(conn, f'"{term}"')) == expected, term
        assert count(conn, f'"{term}"') == (len(expected), False), term
    conn.execute("INSERT INTO clause_index (clause_index, rank) VALUES ('integrity-check', 1)")
    everything = {cid for cid, _t, _x in all_clauses(conn)}
    assert found(conn, "-税") == everything - scan_term(conn, "税")


def test_index_through_import_reimport_and_delete(tmp_path):
    store = samples_store(tmp_path / "db.sqlite")
    extra = derived_terms(store.conn, seed=7, clauses=4, per_length={1: 60, 2: 60, 4: 30})
    assert_index_matches_scan(store, extra)

    # a copy of a sample with a word of its own, as another file
    original = SAMPLE["liaoning"].read_text(encoding="utf-8").replace("开展降低实体经济企业成本工作", "开展鲸落行动", 1)
    assert "鲸落行动" in original
    copy = tmp_path / "liaoning.txt"
    copy.write_text(original, encoding="utf-8")
    assert import_paths(store, [copy])[0].status == "imported"
    assert found(store.conn, "鲸落行动")
    assert_index_matches_scan(store, extra)

    # re-import the same path with changed wording: the old words leave the index
    changed = original.replace("降低实体经济企业成本工作实施方案", "降低实体经济企业成本蜂鸟计划实施方案", 1)
    changed = changed.replace("全面推开营改增试点", "全面推开独角兽试点")
    assert changed.count("蜂鸟计划") == 1 and "独角兽" in changed
    copy.write_text(changed, encoding="utf-8")
    assert import_paths(store, [copy])[0].status == "replaced"
    assert found(store.conn, "独角兽")
    assert_index_matches_scan(store, extra)

    # delete documents inside a transaction, as the app does
    ids = [row[0] for row in store.conn.execute("SELECT id FROM documents WHERE source_path = ?",
                                                 (str(copy.resolve()),))]
    assert ids
    with store.transaction() as conn:
        for document_id in ids:
            delete_document(conn, document_id)
    assert not found(store.conn, "独角兽") and not found(store.conn, "鲸落行动")
    assert_index_matches_scan(store, extra)

    # a failed deletion leaves the index as it was
    sample_doc = store.conn.execute("SELECT id FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    before = found(store.conn, "税")
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            delete_document(conn, sample_doc)
            raise RuntimeError("crash midway")
    assert found(store.conn, "税") == before
    assert_index_matches_scan(store, extra)
    store.close()


# --------------------------------------------------------------------------- malformed queries


@pytest.mark.parametrize("query, hint", [
    ('"降低 社保', 'close the phrase with "'),
    ('税 "', 'close the phrase with "'),
    ("-", "needs a word after it"),
    ("税 -", "needs a word after it"),
    ("社保 |", "'|' needs a word on each side"),
    ("| 社保", "'|' needs a word on each side"),
    ("社保 || 公积金", "'|' needs a word on each side"),
    ("status:bogus", "use one of unreviewed, reviewed, flagged, adopted"),
    ("province:", "province:辽宁"),
    ('province:""', "province:辽宁"),
    ('doc:" "', "doc:营商"),
    ("的" * 101, "the query is 101 characters long; at most 100 are searched"),
    ('""', "put words inside the quotes"),
    ('社"保', "a quote must start a phrase"),
    ("-社保 | 公积金", "write -A -B"),
])
def test_malformed_queries_say_what_is_wrong(db, query, hint):
    with pytest.raises(QueryError) as caught:
        search(db.conn, query)
    message = str(caught.value)
    assert hint in message and "\n" not in message


def test_a_malformed_query_on_the_command_line_is_one_line(tmp_path, db):
    result = run_cli(tmp_path, "search", '"降低 社保', "--db", db.path)
    assert_one_line_error(result, "unbalanced quote")


def test_parse_query_keeps_the_structure():
    query = parse_query('税 社保 | 公积金 -"降低 成本" province:辽宁')
    assert [len(g.terms) for g in query.groups] == [1, 2, 1, 1]
    assert [g.negated for g in query.groups] == [False, False, True, False]
    assert query.positive_text_terms == ["税", "社保", "公积金"]
    assert query.groups[2].terms[0].value == "降低成本"


# --------------------------------------------------------------------------- looser suggestions


def test_suggestion_splits_a_phrase_that_finds_nothing(db):
    from store.words import suggestion

    conn = db.conn
    assert search(conn, "降低社保费率").total == 0
    offered = suggestion("降低社保费率", conn)
    assert offered is not None
    words = offered.split()
    assert len(words) > 1 and "".join(words) == "降低社保费率"
    assert search(conn, offered).total > 0
    # without a database: jieba's words, still a split of the phrase
    unchecked = suggestion("降低社保费率")
    assert unchecked and len(unchecked.split()) > 1 and "".join(unchecked.split()) == "降低社保费率"
    # other parts of the query are kept
    assert suggestion("降低社保费率 province:辽宁", conn).endswith("province:辽宁")
    # nothing to suggest: the query has hits, is one character, or has no phrase to split
    assert search(conn, "降低企业成本").total > 0
    assert suggestion("降低企业成本", conn) is None
    assert suggestion("税") is None and suggestion("税", conn) is None
    assert suggestion("province:辽宁") is None
    assert suggestion("完全没有的词语组合啊", conn) is None


@pytest.mark.parametrize("query", ["a-b", "2099-2100年", "营改增-公积金试点", '"降低|社保费率"'])
def test_a_suggestion_is_always_a_valid_query(db, query):
    """jieba gives '-' and '|' as words of their own: the suggestion leaves punctuation out
    and quotes what would read as syntax, instead of offering a query that is an error."""
    from store.words import suggestion

    assert search(db.conn, query).total == 0
    offered = suggestion(query)
    if offered is not None:
        parse_query(offered)  # does not raise
        assert not any(word in ("-", "|") for word in offered.split())


def test_a_suggestion_has_a_bounded_number_of_words(db):
    from store.words import MAX_SUGGESTED_WORDS, suggestion

    long_phrase = "降低社保费率加快用地审批减轻物流负担优化营商环境扩大有效投资培育新兴产业"  # 36 characters
    assert search(db.conn, long_phrase).total == 0
    assert suggestion(long_phrase) is None  # more than MAX_SUGGESTED_WORDS words
    assert suggestion("的" * 100, db.conn) is None  # one word, repeated
    assert len(suggestion("降低社保费率").split()) <= MAX_SUGGESTED_WORDS


def test_snippet_keeps_the_match_and_moves_its_spans():
    from store.search import snippet

    text = "甲" * 100 + "水利建设基金" + "乙" * 100
    start = text.index("水利建设基金")
    shown, spans = snippet(text, [[start, start + 6]], width=40)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) == 42
    [[a, b]] = spans
    assert shown[a:b] == "水利建设基金"
    assert snippet("短文本", [[0, 1]], width=40) == ("短文本", [[0, 1]])
    head, _ = snippet(text, [], width=40)  # no match in the text (it was in the title): the start
    assert head == "甲" * 40 + "…"


def test_any_piece_of_a_traditional_clause_finds_it(tmp_path):
    """OpenCC converts by context (資金鍊斷裂 → 资金链断裂, but 鍊 alone → 炼): a piece of the
    clause as written, and the simplified phrase, both find it."""
    source = tmp_path / "繁體.txt"
    source.write_text("關於防範企業資金鍊斷裂風險的通知\n一、防止企業資金鍊斷裂風險，加強監測。\n二、其他事項。\n",
                      encoding="utf-8")
    store = Store(tmp_path / "t.db")
    import_paths(store, [source])
    (clause_id,) = [cid for cid, _title, text in all_clauses(store.conn) if "資金鍊" in text or "資金鍊" in _title]
    for term in ("鍊斷裂", "鍊", "資金鍊", "资金链", "链断裂", "資金鍊斷裂"):
        hits = search(store.conn, term, limit=10).hits
        assert [h.clause_id for h in hits] == [clause_id], term
        spans = hits[0].matches["title"] + hits[0].matches["text"]
        assert spans, term  # and the match is highlighted where it is
    assert set(matching_ids(store.conn, '"鍊"')) == scan_term(store.conn, "鍊")
    store.close()


# --------------------------------------------------------------------------- who does what by when


def _analysed_by_scan(conn) -> dict[int, tuple[set[tuple[str, str]], set[int]]]:
    """Every clause's (full agency names with roles, years its targets are due), found by
    running the extractors over the clause again: what lead:, agency: and due: must agree with."""
    from store.analysis import agencies, targets

    result = {}
    for document_id, province, region, issued in conn.execute("SELECT id, province, region, date FROM documents"):
        rows = conn.execute("SELECT id, title, text, rows FROM clauses WHERE document_id = ?", (document_id,)).fetchall()
        first_leads = agencies.first_leads(text for _i, _t, text, _r in rows)
        for clause_id, title, text, table in rows:
            named = {(agencies.full_name(m.name, province, region), m.role)
                     for m in agencies.extract(title, text, json.loads(table) if table else None, first_leads)}
            result[clause_id] = (named, {t.due_year for t in targets.extract(title, text, issued) if t.due_year})
    return result


@pytest.mark.parametrize("query, wanted", [
    ("lead:财政", lambda named, due: any("财政" in name and role == "lead" for name, role in named)),
    ("agency:财政", lambda named, due: any("财政" in name for name, _role in named)),
    ("lead:人民银行", lambda named, due: any("人民银行" in name and role == "lead" for name, role in named)),
    ("agency:辽宁省", lambda named, due: any("辽宁省" in name for name, _role in named)),
    ("due:2018", lambda named, due: 2018 in due),
    ("due:<2020", lambda named, due: any(year < 2020 for year in due)),
    ("due:>=2020", lambda named, due: any(year >= 2020 for year in due)),
])
def test_analysis_filter_words_find_exactly_what_a_scan_finds(db, query, wanted):
    scanned = _analysed_by_scan(db.conn)
    expected = {clause_id for clause_id, (named, due) in scanned.items() if wanted(named, due)}
    assert expected, query
    assert found(db.conn, query) == expected
    tax = scan_term(db.conn, "税")
    assert found(db.conn, f"{query} 税") == expected & tax
    assert found(db.conn, f"-{query}") == set(scanned) - expected
    assert found(db.conn, f"{query} | 税") == expected | tax
    liaoning = province_ids(db.conn, "辽宁省")
    assert found(db.conn, f"{query} province:辽宁") == expected & liaoning


def test_valid_agrees_with_a_scan_of_each_clause_status(tmp_db):
    from store.analysis import validity

    conn = tmp_db.conn
    documents = browse.documents(conn)
    validity.set_document(tmp_db, documents[1].id, "已废止", "甲")
    validity.set_document(tmp_db, documents[2].id, "已修改", "甲")
    some = browse.clauses_page(conn, documents[1].id, 0, 1)
    annotations.set_validity(tmp_db, [some[0].id], "现行有效", "甲")
    statuses = {cid: validity.clause_validity(conn, cid).status for cid, *_ in all_clauses(conn)}
    assert found(conn, "valid:no") == {c for c, s in statuses.items() if s in validity.NOT_IN_FORCE} != set()
    assert found(conn, "valid:yes") == {c for c, s in statuses.items() if s == "现行有效"} == {some[0].id}
    assert found(conn, "valid:amended") == {c for c, s in statuses.items() if s == "已修改"} != set()
    assert found(conn, "valid:unknown") == {c for c, s in statuses.items() if s is None}
    assert found(conn, "valid:no 税") == found(conn, "valid:no") & scan_term(conn, "税")


@pytest.mark.parametrize("query, hint", [("due:soon", "due:2018"), ("valid:maybe", "valid: is yes, no"),
                                         ("lead:", "lead:财政")])
def test_malformed_analysis_words_say_what_is_wrong(db, query, hint):
    with pytest.raises(QueryError, match=hint):
        parse_query(query)
