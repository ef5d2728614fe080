"""Keywords per clause (jieba TF-IDF), extracted without loading jieba.analyse's TextRank
model: they must be exactly what jieba.analyse.extract_tags gives."""

from __future__ import annotations

import json

from store.words import KEYWORDS_PER_CLAUSE, extract_keywords, fill_keywords


def test_keywords_are_jieba_tfidf_keywords(tmp_db):
    import jieba.analyse

    rows = tmp_db.conn.execute("SELECT title, text FROM clauses ORDER BY id LIMIT 60").fetchall()
    for title, text in rows:
        content = f"{title}\n{text}"
        expected = [(word, round(weight, 4)) for word, weight in
                    jieba.analyse.extract_tags(content, topK=KEYWORDS_PER_CLAUSE, withWeight=True)]
        assert extract_keywords(content) == expected


def test_fill_keywords_covers_every_clause_once(tmp_db):
    total = tmp_db.conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    seen = []
    assert fill_keywords(tmp_db, batch=100, progress=lambda done, of: seen.append((done, of))) == total
    assert seen[-1] == (total, total)
    stored = dict(tmp_db.conn.execute("SELECT clause_id, keywords FROM clause_keywords").fetchall())
    assert len(stored) == total
    for clause_id, title, text in tmp_db.conn.execute("SELECT id, title, text FROM clauses"):
        words = [word for word, _weight in json.loads(stored[clause_id])]
        assert len(words) <= KEYWORDS_PER_CLAUSE
        assert all(word in f"{title}\n{text}" for word in words)  # words of the clause itself
    assert fill_keywords(tmp_db) == 0  # nothing left to do
