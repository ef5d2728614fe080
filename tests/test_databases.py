"""Databases that are not ours, or not writable: another program's SQLite file is refused
without being touched; a database the user cannot write opens read-only, where browsing,
search and export work and every edit says why it cannot be saved. And the database read
by outside tools as docs/schema.md shows."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store import annotations, browse, export, selection
from store.db import DatabaseError, Store
from store.search import search
from tests._store_helpers import REPO, assert_one_line_error, clause_with, cli_env, run_cli, samples_store


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _foreign(path: Path, user_version: int = 0) -> Path:
    """Another program's database, in a folder of its own."""
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('张三', '123')")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("user_version", [0, 1, -1])
def test_a_foreign_database_is_refused_without_being_touched(tmp_path, user_version):
    path = _foreign(tmp_path / "other" / "contacts.db", user_version)
    before = _files(path.parent)
    for args in (["stats"], ["search", "税"], ["import", str(REPO / "sample_db")]):
        assert_one_line_error(run_cli(tmp_path, *args, "--db", path),
                              f"{path}: an SQLite database, but not one of policy-review")
    with pytest.raises(DatabaseError, match="not one of policy-review"):
        Store(path)
    assert _files(path.parent) == before  # no -wal or -shm file, not a byte changed
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


@pytest.fixture(scope="module")
def read_only_db(tmp_path_factory):
    """The samples with one annotation, opened read-only."""
    path = tmp_path_factory.mktemp("ro") / "review.db"
    with samples_store(path) as store:
        clause = clause_with(store.conn, "全面推开营改增试点，确保所有行业税负只减不增")
        annotations.add_tags(store, [clause], ["重点"], "alice")
    store = Store(path, read_only=True)
    yield store, clause
    store.close()


def test_a_read_only_database_can_be_browsed_searched_and_exported(tmp_path, read_only_db):
    store, clause = read_only_db
    assert store.read_only
    assert search(store.conn, "营改增").total > 0
    assert str(browse.citation(store.conn, clause)).startswith("《辽宁省降低实体经济企业成本工作实施方案》，二、（四）")
    note = export.render(store.conn, export.ExportSpec(tags=["重点"]))
    assert note.clause_count == 1
    export.write_note(tmp_path / "note.md", note.markdown)
    assert "全面推开营改增试点" in (tmp_path / "note.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("edit", [
    lambda s, c: annotations.set_note(s, c, "不能保存", "bob"),
    lambda s, c: annotations.add_tags(s, [c], ["新"], "bob"),
    lambda s, c: annotations.undo(s, "alice"),
    lambda s, c: selection.toggle(s, c),
])
def test_every_edit_of_a_read_only_database_says_why_it_cannot_be_saved(read_only_db, edit):
    store, clause = read_only_db
    with pytest.raises(DatabaseError, match=f"cannot save: {store.path} is read-only \\(opened read-only\\)"):
        edit(store, clause)
    assert annotations.annotation_for(store.conn, clause).tags == ["重点"]


def test_the_apps_remembered_state_is_not_remembered_in_a_read_only_database(read_only_db):
    store, _clause = read_only_db
    store.set_state("theme", "gruvbox")  # quitting the app must not fail on it
    assert store.get_state("theme") is None


UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--inh-caps=-all"]


def _as_user(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """policy-review as a user without root's right to write anything."""
    command = [sys.executable, "-m", "tui.cli", *args]
    if os.geteuid() == 0:
        command = [*UNPRIVILEGED, *command]
    done = subprocess.run(command, capture_output=True, text=True, env=cli_env(tmp_path), timeout=120, cwd=REPO)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="needs setpriv to drop root's rights")
@pytest.mark.parametrize("locked", ["file", "folder"])
def test_a_database_the_user_cannot_write_opens_read_only(tmp_path, locked):
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "review.db"
    with samples_store(db) as store:
        clause = clause_with(store.conn, "全面推开营改增试点，确保所有行业税负只减不增")
        annotations.add_tags(store, [clause], ["重点"], "alice")
    (db if locked == "file" else folder).chmod(0o555 if locked == "folder" else 0o444)
    before = _files(folder)
    try:
        found = _as_user(tmp_path, "search", "营改增", "--json", "--db", str(db))
        assert found.returncode == 0 and json.loads(found.stdout)["total"] > 0
        shown = _as_user(tmp_path, "show", str(clause), "--json", "--db", str(db))
        assert json.loads(shown.stdout)["tags"] == ["重点"]
        note = tmp_path / "note.md"
        exported = _as_user(tmp_path, "export", "-o", str(note), "--tag", "重点", "--db", str(db))
        assert exported.returncode == 0 and note.exists()
        reason = "the file is not writable" if locked == "file" else "its folder is not writable"
        for edit in (["tag", str(clause), "--add", "新"], ["note", str(clause), "x"], ["undo"],
                     ["import", str(REPO / "sample_db")]):
            refused = _as_user(tmp_path, *edit, "--db", str(db))
            assert_one_line_error(refused, f"cannot save: {db} is read-only ({reason})")
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert _files(folder)["review.db"] == before["review.db"]


# --------------------------------------------------------------------------- outside tools


def _sqlite_utils(*args: str) -> str:
    done = subprocess.run([str(Path(sys.executable).with_name("sqlite-utils")), *args], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_the_documented_sqlite_utils_examples_work(tmp_path):
    """docs/schema.md shows how to read the database with the sqlite-utils CLI: every `$
    sqlite-utils …` line there runs, on a database of the samples, and gives what it says."""
    db = tmp_path / "policy-review.db"
    with samples_store(db) as store:
        annotations.add_tags(store, [clause_with(store.conn, "全面推开营改增试点，确保")], ["重点"], "alice")
        clauses, documents = store.conn.execute(
            "SELECT (SELECT count(*) FROM clauses), (SELECT count(*) FROM documents)").fetchone()
    doc = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    examples = [shlex.split(line.strip()[2:]) for line in doc.splitlines() if line.strip().startswith("$ sqlite-utils ")]
    program = str(Path(sys.executable).with_name("sqlite-utils"))
    outputs = []
    for argv in examples:
        done = subprocess.run([program, *(str(db) if a == "policy-review.db" else a for a in argv[1:])],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (argv, done.stderr)
        outputs.append(json.loads(done.stdout))
    tables, rows, tags, agencies, due = outputs
    with Store(db) as store:
        from store.analysis import tables as analysis_tables

        top = analysis_tables.agency_counts(store.conn)[0]
        years, _total = analysis_tables.due_years(store.conn)
    assert agencies[0] == {"name": top.name, "role": "lead", "clauses": top.lead} and top.name == "吉林省发展改革委"
    assert {row["due_year"]: row["count(*)"] for row in due if row["due_year"]} == years
    counts = {t["table"]: t["count"] for t in tables}
    assert (counts["clauses"], counts["documents"]) == (clauses, documents)
    assert "辽宁省降低实体经济企业成本工作实施方案" in {row["title"] for row in rows}
    assert tags == [{"tag": "重点", "clauses": 1}]
