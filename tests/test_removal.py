"""Removing what was imported: `policy-review remove` takes a file's documents away after a
confirmation; their annotations stay as orphans and come back when the file is imported
again."""

from __future__ import annotations

import pytest

from store import removal
from store.annotations import add_tags, annotation_for, orphans, set_note
from store.errors import NotFoundError, PolicyReviewError
from store.importer import import_paths
from store.search import search
from tests._store_helpers import SAMPLE, assert_one_line_error, clause_with, run_cli

XINZHOU = SAMPLE["xinzhou"]


def sources(store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT DISTINCT source_path FROM documents")}


def test_remove_by_path_keeps_annotations_as_orphans_until_the_file_comes_back(tmp_path, tmp_db):
    conn = tmp_db.conn
    clause = clause_with(conn, "推行企业开办“0.5天”“零成本”")
    set_note(tmp_db, clause, "营商环境的亮点", "alice")
    add_tags(tmp_db, [clause], ["营商"], "alice")
    conn.execute("INSERT INTO selection (clause_id) VALUES (?)", (clause,))
    documents = conn.execute("SELECT count(*) FROM documents WHERE source_path = ?", (str(XINZHOU),)).fetchone()[0]

    result = run_cli(tmp_path, "remove", XINZHOU, "--yes", "--db", tmp_db.path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(f"removed {XINZHOU}: {documents} documents, ")
    assert str(XINZHOU) not in sources(tmp_db)
    assert search(conn, "零成本").total == 0
    [orphan] = orphans(conn)
    assert (orphan.note, orphan.tags) == ("营商环境的亮点", ["营商"])
    assert conn.execute("SELECT count(*) FROM selection").fetchone()[0] == 0
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    [again] = import_paths(tmp_db, [XINZHOU])
    assert again.status == "imported" and again.reattached == 1
    back = clause_with(conn, "推行企业开办“0.5天”“零成本”")
    assert annotation_for(conn, back).note == "营商环境的亮点"
    assert orphans(conn) == []


def test_remove_by_document_id_or_title_words(tmp_db):
    conn = tmp_db.conn
    liaoning = str(SAMPLE["liaoning"])
    main_id = conn.execute("SELECT id FROM documents WHERE source_path = ? AND kind = 'main'", (liaoning,)).fetchone()[0]
    by_id = removal.removal_for(conn, str(main_id))
    by_words = removal.removal_for(conn, "降低实体经济企业成本")
    assert by_id.source_path == by_words.source_path == liaoning
    assert [d.kind for d in by_id.documents] == ["notice", "main"]  # the file goes as a whole
    assert removal.removal_for_document(conn, main_id).source_path == liaoning
    removed = removal.remove(tmp_db, by_id, "alice")
    assert removed.clauses == by_id.clauses > 40 and liaoning not in sources(tmp_db)


def test_what_cannot_be_told_apart_or_found_is_an_error(tmp_db):
    with pytest.raises(PolicyReviewError, match=r"'实施' matches documents of [2-5] files \(.*\): give the file's path"):
        removal.removal_for(tmp_db.conn, "实施")
    with pytest.raises(NotFoundError, match="no imported file or document matches '量子'"):
        removal.removal_for(tmp_db.conn, "量子")
    with pytest.raises(NotFoundError, match="no document with id 99999"):
        removal.removal_for(tmp_db.conn, "99999")


def test_remove_asks_first(tmp_path, tmp_db):
    before = sources(tmp_db)
    refused = run_cli(tmp_path, "remove", XINZHOU, "--db", tmp_db.path)
    assert_one_line_error(refused, f"removing {XINZHOU}: 2 documents", "add --yes to confirm")
    declined = run_cli(tmp_path, "remove", XINZHOU, "--db", tmp_db.path, answer="n\n")
    assert declined.returncode == 0 and declined.stderr.endswith("[y/N] nothing removed\n")
    assert sources(tmp_db) == before
    accepted = run_cli(tmp_path, "remove", XINZHOU, "--db", tmp_db.path, answer="y\n")
    assert accepted.returncode == 0 and sources(tmp_db) == before - {str(XINZHOU)}
    assert_one_line_error(run_cli(tmp_path, "remove", XINZHOU, "--yes", "--db", tmp_db.path),
                          "no imported file or document matches")
