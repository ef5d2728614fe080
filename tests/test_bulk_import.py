"""A bulk import (files read, parsed and prepared in worker processes, written here) stores
exactly what importing the files one by one stores, and keeps the importer's promises:
each file in one transaction, unchanged files skipped, annotations re-attached, cancel, and
after a kill at any moment every file fully in or fully out."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sample_db import sample_files
from store import annotations
from store.db import Store
from store.importer import BULK_BYTES, bulk_workers, import_paths, plan_folder_import
from store.search import search

pytestmark = pytest.mark.slow  # each import starts worker processes (about a second)

REPO = Path(__file__).resolve().parent.parent


def write_copies(folder: Path, copies: int) -> list[Path]:
    """Copies of the five samples, each with its own bytes (line ends added at the end)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(copies):
        for sample in sample_files():
            path = folder / f"{n:02d}-{sample.name}"
            path.write_text(sample.read_text(encoding="utf-8") + "\n" * (n + 1), encoding="utf-8")
            paths.append(path)
    return paths


def contents(store: Store) -> dict:
    """What an import wrote, without the time it was written."""
    conn = store.conn
    columns = [row[1] for row in conn.execute("PRAGMA table_info(documents)") if row[1] != "imported_at"]
    return {
        "documents": conn.execute(f"SELECT {', '.join(columns)} FROM documents ORDER BY id").fetchall(),
        "sections": conn.execute("SELECT * FROM sections ORDER BY id").fetchall(),
        "clauses": conn.execute("SELECT * FROM clauses ORDER BY id").fetchall(),
        "agencies": conn.execute("SELECT * FROM clause_agencies ORDER BY clause_id, agency_id, role").fetchall(),
        "targets": conn.execute("SELECT * FROM targets ORDER BY id").fetchall(),
        "similar": conn.execute("SELECT (SELECT count(*) FROM similar_rows), "
                                "(SELECT coalesce(sum(doc), 0) FROM similar_terms)").fetchone(),
        "searches": {q: [hit.clause_id for hit in search(conn, q, limit=100_000).hits]
                     for q in ("降低", "社保 | 公积金", "稅費", "2016年", "-企业 成本")},
    }


def test_a_bulk_import_stores_what_importing_one_file_at_a_time_stores(tmp_path):
    paths = write_copies(tmp_path / "docs", 2)
    with Store(tmp_path / "one.db") as one, Store(tmp_path / "bulk.db") as bulk:
        one_by_one = import_paths(one, paths, keywords=True, workers=0)
        in_bulk = import_paths(bulk, paths, keywords=True, workers=2)
        assert [(r.path, r.status, r.message, r.clauses, r.keywords) for r in in_bulk] == \
               [(r.path, r.status, r.message, r.clauses, r.keywords) for r in one_by_one]
        assert all(r.status == "imported" and r.keywords == r.clauses > 0 for r in in_bulk)
        assert contents(bulk) == contents(one)
        assert len(contents(bulk)["agencies"]) > 100 and len(contents(bulk)["targets"]) > 100
        assert contents(bulk)["similar"][0] == len(contents(bulk)["clauses"])
        assert bulk.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_bulk_import_is_chosen_for_a_large_plan_on_several_cores(tmp_path):
    small = plan_folder_import(write_copies(tmp_path / "small", 1))
    assert bulk_workers(small) == 0
    large = plan_folder_import([tmp_path / "large"] if write_copies(tmp_path / "large", 15) else [])
    assert sum(p.stat().st_size for p in large.files) >= BULK_BYTES
    assert bulk_workers(large) == (min(os.cpu_count() or 1, len(large.files)) if (os.cpu_count() or 1) > 1 else 0)


def test_reimporting_in_bulk_skips_unchanged_files_and_reattaches_annotations(tmp_path):
    paths = write_copies(tmp_path / "docs", 2)
    db = Store(tmp_path / "r.db")
    import_paths(db, paths, workers=2)
    clause_id, before = db.conn.execute(
        "SELECT c.id, c.text FROM clauses c JOIN documents d ON d.id = c.document_id "
        "WHERE d.source_path = ? AND c.text LIKE '%社保%' ORDER BY c.sort_key LIMIT 1",
        (str(paths[0].resolve()),)).fetchone()
    annotations.set_note(db, clause_id, "check the rate", "tester")
    changed = paths[0].read_text(encoding="utf-8").replace(before, before + "（修订）")
    paths[0].write_text(changed, encoding="utf-8")
    duplicate = tmp_path / "docs" / "zz-copy.txt"
    duplicate.write_bytes(paths[1].read_bytes())
    results = import_paths(db, [tmp_path / "docs"], workers=2)
    statuses = {Path(r.path).name: (r.status, r.message) for r in results}
    assert statuses[paths[0].name][0] == "replaced"
    assert statuses["zz-copy.txt"] == ("unchanged", f"unchanged (same content as {paths[1].resolve()})")
    assert [s for name, (s, _m) in statuses.items() if name not in (paths[0].name, "zz-copy.txt")] == \
           ["unchanged"] * (len(paths) - 1)
    [note] = [a for a in annotations.all_annotations(db.conn) if a.note == "check the rate"]
    assert note.clause_id is not None
    assert db.conn.execute("SELECT text FROM clauses WHERE id = ?", (note.clause_id,)).fetchone()[0].endswith("（修订）")
    db.close()


def test_the_same_bytes_twice_in_one_bulk_import_are_stored_once(tmp_path):
    paths = write_copies(tmp_path / "docs", 1)
    twin = tmp_path / "docs" / "zz-twin.txt"
    twin.write_bytes(paths[0].read_bytes())
    with Store(tmp_path / "t.db") as db:
        results = import_paths(db, [tmp_path / "docs"], workers=2)
        assert [r.status for r in results].count("imported") == len(paths)
        assert results[-1].message == f"unchanged (same content as {paths[0].resolve()})"


def test_cancelling_a_bulk_import_keeps_the_files_done(tmp_path):
    paths = write_copies(tmp_path / "docs", 3)
    done = []
    with Store(tmp_path / "c.db") as db:
        results = import_paths(db, paths, workers=2, on_result=lambda r, n, total: done.append(n),
                               cancelled=lambda: len(done) >= 4)
        assert [r.status for r in results] == ["imported"] * 4 + ["cancelled"]
        stored = {row[0] for row in db.conn.execute("SELECT DISTINCT source_path FROM documents")}
        assert stored == {str(p.resolve()) for p in paths[:4]}
        assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_file_a_worker_cannot_read_is_refused_and_the_others_imported(tmp_path):
    paths = write_copies(tmp_path / "docs", 1)
    (tmp_path / "docs" / "b-picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "docs" / "c-empty.txt").write_bytes(b"")
    with Store(tmp_path / "b.db") as db:
        results = {Path(r.path).name: r for r in import_paths(db, [tmp_path / "docs"], workers=2)}
        assert results["b-picture.txt"].status == results["c-empty.txt"].status == "refused"
        assert "PNG" in results["b-picture.txt"].message
        assert [results[p.name].status for p in paths] == ["imported"] * len(paths)


KILLED_IMPORT = """
import sys
from pathlib import Path
from store.db import Store
from store.importer import import_paths

if __name__ == "__main__":
    with Store(sys.argv[1]) as store:
        import_paths(store, [Path(sys.argv[2])], keywords=True, workers=2,
                     on_result=lambda result, done, total: print(done, flush=True))
"""


def test_a_bulk_import_killed_at_any_moment_leaves_each_file_fully_in_or_out(tmp_path):
    paths = write_copies(tmp_path / "docs", 4)
    expected = {}
    with Store(tmp_path / "whole.db") as whole:
        for result in import_paths(whole, paths, workers=0):
            expected[str(Path(result.path).resolve())] = result.clauses
    script = tmp_path / "killed_import.py"
    script.write_text(KILLED_IMPORT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    partly = 0
    for after, pause in ((0, 0.0), (2, 0.013), (7, 0.002), (13, 0.031), (18, 0.007)):
        db = tmp_path / f"killed-{after}.db"
        process = subprocess.Popen([sys.executable, str(script), str(db), str(tmp_path / "docs")], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for _ in range(after):  # files stored so far; then a moment into the next one
            process.stdout.readline()
        time.sleep(pause)
        workers = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        made = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'clause_index'").fetchone()[0]
        stored = dict(conn.execute("SELECT d.source_path, count(c.id) FROM documents d LEFT JOIN clauses c "
                                   "ON c.document_id = d.id GROUP BY d.source_path")) if made else {}
        assert all(stored[path] == expected[path] for path in stored), (after, stored)
        if made:
            assert conn.execute("SELECT count(*) FROM clause_index").fetchone()[0] == sum(stored.values())
        conn.close()
        partly += 0 < len(stored) < len(paths)
        _wait_gone(workers)  # the workers stop when the importing process is gone
    assert partly >= 3


def test_the_database_can_be_read_and_annotated_while_a_bulk_import_runs_in_another_process(tmp_path):
    paths = write_copies(tmp_path / "docs", 6)
    db = tmp_path / "shared.db"
    with Store(db) as store:
        import_paths(store, sample_files(), workers=0)
    script = tmp_path / "import_in_background.py"
    script.write_text(KILLED_IMPORT, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), str(db), str(tmp_path / "docs")],
                               env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        process.stdout.readline()  # the first file of the import is in
        with Store(db) as store:  # what the app does meanwhile: read, search, annotate
            hits = search(store.conn, "社保", limit=10).hits
            assert hits
            annotations.set_note(store, hits[0].clause_id, "read during the import", "tester")
            during = store.conn.execute("SELECT count(DISTINCT source_path) FROM documents").fetchone()[0]
        assert process.wait(timeout=120) == 0
    finally:
        process.kill()
    with Store(db) as store:
        after = store.conn.execute("SELECT count(DISTINCT source_path) FROM documents").fetchone()[0]
        assert during < after == 5 + len(paths)
        assert [a.note for a in annotations.all_annotations(store.conn)] == ["read during the import"]


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def _wait_gone(pids: list[int], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    for pid in pids:
        while Path(f"/proc/{pid}").exists() and "(Z)" not in _state(pid):
            assert time.monotonic() < deadline, f"worker {pid} still running"
            time.sleep(0.1)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:4].replace(" ", "(") + ")"
    except OSError:
        return "(Z)"


@pytest.mark.usefixtures("app_env")
async def test_the_app_imports_a_large_folder_in_workers_with_its_rate_and_time_left(db, tmp_path):
    from tests.tui_helpers import make_app, settle

    folder = tmp_path / "corpus"
    paths = write_copies(folder, 15)
    app = make_app(db, tmp_path)
    seen = []
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot, app)
        app.main.start_import(str(folder))
        await settle(pilot, app)
        await pilot.press("y")  # more files than CONFIRM_ABOVE: asked first
        for _ in range(600):
            await pilot.pause(0.05)
            seen.append(app.main.status.text)
            if "import finished" in seen[-1]:
                break
        assert f"import finished: {len(paths)} imported" in seen[-1]
        assert any("importing" in text and "MB/s" in text and "left" in text for text in seen)
        assert app.is_running
    with Store(db) as store:
        missing = store.conn.execute("SELECT count(*) FROM clauses c JOIN documents d ON d.id = c.document_id "
                                     "WHERE d.source_path LIKE ? AND c.keywords IS NULL", (f"{folder}%",)).fetchone()
        assert missing[0] == 0  # extracted by the workers, as the files were imported


def test_a_worker_that_dies_costs_at_most_its_file_and_the_rest_is_imported_here(tmp_path):
    import multiprocessing

    paths = write_copies(tmp_path / "docs", 2)
    killed = []

    def kill_a_worker(_path, position, _total):
        if position == 0:
            workers = multiprocessing.active_children()
            assert workers
            os.kill(workers[0].pid, signal.SIGKILL)  # as the kernel's OOM killer would
            killed.append(workers[0].pid)

    with Store(tmp_path / "k.db") as store:
        results = import_paths(store, paths, workers=2, on_start=kill_a_worker)
        assert killed and len(results) == len(paths)
        lost = [r for r in results if r.status == "refused"]
        assert len(lost) <= 1 and all("worker process reading it stopped" in r.message for r in lost)
        imported = [r for r in results if r.status == "imported"]
        assert len(imported) == len(paths) - len(lost) >= len(paths) - 1
        stored = {row[0] for row in store.conn.execute("SELECT DISTINCT source_path FROM documents")}
        assert stored == {str(Path(r.path).resolve()) for r in imported}
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
