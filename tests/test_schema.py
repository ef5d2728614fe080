"""Migrations: a database made by an older policy-review opens in this one with nothing lost."""

from __future__ import annotations

import json
import sqlite3

from store import browse
from store.db import MIGRATIONS, SCHEMA_VERSION, Store, _statements, index_version, now


def _schema_2(path) -> None:
    """A database as policy-review made it at schema 2: one document, three clauses, keywords
    as JSON for two of them (one with none found), and the index on clause keys."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for version in (1, 2):
        for statement in _statements(MIGRATIONS[version]):
            conn.execute(statement)
    Store._seed_places(conn)
    conn.execute("INSERT INTO meta VALUES ('index_version', ?)", (index_version(),))
    conn.execute("""INSERT INTO documents (id, source_path, source_sha256, encoding, part, kind, title, province,
                        identity, clause_count, imported_at) VALUES (1, '/a.txt', 'x', 'utf-8', 0, 'main', '通知',
                        '山西省', 'abc', 3, ?)""", (now(),))
    conn.executemany("""INSERT INTO clauses (id, document_id, ordinal, sort_key, label, title, text, path, key)
                        VALUES (?, 1, ?, ?, '', '', ?, ?, ?)""",
                     [(n, n - 1, n, text, f"¶{n}", f"abc/¶{n}/0") for n, text in
                      ((1, "降低企业社保缴费比例"), (2, "。"), (3, "完善融资担保体系"))])
    conn.executemany("INSERT INTO clause_keywords (clause_id, keywords) VALUES (?, ?)",
                     [(1, json.dumps([["社保", 1.2], ["缴费", 0.9], ["降低", 0.5]], ensure_ascii=False)), (2, "[]")])
    conn.execute("PRAGMA user_version = 2")
    conn.execute("COMMIT")
    conn.close()


def test_schema_2_keywords_become_words_of_the_clause_and_the_key_index_goes(tmp_path):
    path = tmp_path / "old.db"
    _schema_2(path)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        conn = store.conn
        assert [browse.keywords(conn, n) for n in (1, 2, 3)] == [["社保", "缴费", "降低"], [], []]
        assert conn.execute("SELECT id, keywords FROM clauses ORDER BY id").fetchall() == [
            (1, "社保 缴费 降低"), (2, ""), (3, None)]  # 3 had none extracted: still to do
        assert browse.stats(store)["clauses_without_keywords"] == 1
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "clause_keywords" not in names and "clauses_key" not in names
        assert "clauses_without_keywords" in names
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_schema_4_database_made_while_version_3_was_reserved_gets_its_keywords_column(tmp_path):
    """For a while version 3 was empty: databases went from 2 to 4 keeping the keywords table."""
    path = tmp_path / "v4.db"
    _schema_2(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for statement in _statements(MIGRATIONS[4]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    conn.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert [browse.keywords(store.conn, n) for n in (1, 2, 3)] == [["社保", "缴费", "降低"], [], []]
        assert browse.stats(store)["clauses_without_keywords"] == 1
        names = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "clause_keywords" not in names and "similar_index" in names


def test_the_index_version_names_the_installed_opencc():
    """Read from the .dist-info folder's name (cheap at start-up): the same as importlib.metadata
    says, or every database's index would be rebuilt as made another way."""
    from importlib import metadata

    assert f"/opencc-{metadata.version('opencc')}/" in index_version()
