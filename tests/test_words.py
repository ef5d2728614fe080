"""Keywords per clause: jieba's TF-IDF (its IDF table, its stop words, its ranking) on
rjieba's segmentation, which agrees with jieba's own keywords on nearly every clause."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench.keywords_bench import TOP, agreement, clause_texts, real_documents
from store.words import KEYWORDS_PER_CLAUSE, clause_keywords, extract_keywords, fill_keywords, keyword_text


def _clauses(store, limit: int = 200) -> list[str]:
    return [keyword_text(title, text) for title, text in
            store.conn.execute("SELECT title, text FROM clauses ORDER BY id LIMIT ?", (limit,))]


def test_keywords_are_jieba_tfidf_of_the_segmentation(tmp_db):
    """jieba.analyse.extract_tags itself, given rjieba's words, ranks and weighs them the same."""
    import jieba.analyse
    import rjieba

    tfidf = jieba.analyse.TFIDF()
    tfidf.tokenizer = SimpleNamespace(cut=rjieba.cut)
    for content in _clauses(tmp_db, 60):
        expected = [(word, round(weight, 4)) for word, weight in
                    tfidf.extract_tags(content, topK=KEYWORDS_PER_CLAUSE, withWeight=True)]
        assert extract_keywords(content) == expected


def test_clauses_cut_together_get_the_keywords_each_gets_alone(tmp_db):
    texts = _clauses(tmp_db)
    assert clause_keywords(texts) == [" ".join(word for word, _weight in extract_keywords(t)) for t in texts]
    # nothing that can be a keyword (no text, punctuation, single characters): an empty list
    assert clause_keywords(["", "。", "第一条", "的 了 和"])[:2] == ["", ""]
    assert clause_keywords(["的 了 和", "降低企业成本"])[0] == ""


@pytest.mark.slow
def test_keywords_agree_with_jiebas_on_real_documents():
    """The samples and the real documents of tests/fixtures/corpus (bench/keywords_bench.py
    prints the figures: 0.990 of jieba's top five are among ours, 97 % of the lists are the
    same)."""
    figures = agreement(clause_texts(real_documents()))
    assert figures["clauses"] > 5000
    assert figures[f"top{TOP}_overlap"] >= 0.98
    assert figures["identical_share"] >= 0.95


def test_fill_keywords_covers_every_clause_once(tmp_db):
    total = tmp_db.conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    seen = []
    assert fill_keywords(tmp_db, batch=100, progress=lambda done, of: seen.append((done, of))) == total
    assert seen[-1] == (total, total)
    stored = tmp_db.conn.execute("SELECT keywords, title, text FROM clauses").fetchall()
    assert len(stored) == total
    for words, title, text in stored:
        assert words is not None
        assert len(words.split()) <= KEYWORDS_PER_CLAUSE
        assert all(word in f"{title}\n{text}" for word in words.split())  # words of the clause itself
    assert sum(bool(words) for words, _title, _text in stored) > total * 0.9
    assert fill_keywords(tmp_db) == 0  # nothing left to do
