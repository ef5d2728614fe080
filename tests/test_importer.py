"""Importing files into the store: what lands in the database matches the parse, re-imports
replace or skip, and a failure half-way leaves the database exactly as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import store.importer as importer
from sample_db import SAMPLE_DIR
from store.db import Store
from store.importer import import_file, import_paths, plan_folder_import
from store.model import Node
from store.normalize import fold
from store.parse import parse_file
from store.search import search

MANIFEST = json.loads((SAMPLE_DIR / "manifest.json").read_text(encoding="utf-8"))

OLD_VERSION = """某某市人民政府关于加快发展现代物流业的实施意见

各县（市、区）人民政府，市政府各部门：
　　为加快发展现代物流业，现提出如下意见。
　　一、总体要求
　　（一）指导思想。以降本增效为核心，推动物流业与制造业深度融合。
　　（二）发展目标。到2025年，全市社会物流总费用与地区生产总值的比率降至13%以下。
　　二、重点任务
　　（三）建设冷链物流枢纽。支持建设骆驼湾冷链物流园，完善冷链仓储设施。
　　（四）发展多式联运。推动公铁水联运，降低企业运输成本。
"""
NEW_VERSION = OLD_VERSION.replace(
    "（三）建设冷链物流枢纽。支持建设骆驼湾冷链物流园，完善冷链仓储设施。",
    "（三）建设航空物流枢纽。支持建设鹭鸶岭航空货运站，完善航空货运设施。",
)


def leaves(nodes: list[Node]) -> int:
    return sum(leaves(n.children) if n.children else 1 for n in nodes)


def sections(nodes: list[Node]) -> int:
    return sum(1 + sections(n.children) for n in nodes if n.children)


def snapshot(store: Store) -> dict:
    """Everything an import could change, in a comparable form."""
    conn = store.conn
    return {
        "documents": conn.execute("SELECT * FROM documents ORDER BY id").fetchall(),
        "sections": conn.execute("SELECT * FROM sections ORDER BY id").fetchall(),
        "clauses": conn.execute("SELECT * FROM clauses ORDER BY id").fetchall(),
        "searches": {q: [h.clause_id for h in search(conn, q, limit=10_000).hits]
                     for q in ("降低", "冷链", "航空", "稅", "社保 | 公积金")},
    }


def scan(store: Store, word: str) -> list[int]:
    """Clause ids containing a word, by reading every clause (no index)."""
    term = fold(word)
    return [cid for cid, title, text in store.conn.execute("SELECT id, title, text FROM clauses ORDER BY sort_key")
            if term in fold(title) or term in fold(text)]


def found(store: Store, word: str) -> list[int]:
    result = search(store.conn, word, limit=100_000)
    ids = [hit.clause_id for hit in result.hits]
    assert result.total == len(ids)
    return ids


# --------------------------------------------------------------------------- samples


def test_samples_land_as_parsed(tmp_db, sample_paths):
    conn = tmp_db.conn
    for path in sample_paths:
        parsed = parse_file(path)
        rows = conn.execute(
            """SELECT id, kind, label, title, province, region, doc_number, issuer, date, clause_count
               FROM documents WHERE source_path = ? ORDER BY part""",
            (str(path.resolve()),),
        ).fetchall()
        assert len(rows) == len(parsed.documents)
        for row, doc in zip(rows, parsed.documents):
            document_id, kind, label, title, province, region, doc_number, issuer, date, clause_count = row
            assert (kind, label, title) == (doc.kind, doc.label, doc.title)
            assert (province, region, doc_number, issuer, date) == (
                doc.province, doc.region, doc.doc_number, doc.issuer, doc.date)
            assert clause_count == leaves(doc.nodes)
            stored = conn.execute("SELECT count(*) FROM clauses WHERE document_id = ?", (document_id,)).fetchone()[0]
            assert stored == leaves(doc.nodes)
            stored_sections = conn.execute("SELECT count(*) FROM sections WHERE document_id = ?",
                                           (document_id,)).fetchone()[0]
            assert stored_sections == sections(doc.nodes)


def test_samples_are_filed_under_their_provinces(tmp_db):
    conn = tmp_db.conn
    for entry in MANIFEST["documents"]:
        path = str((SAMPLE_DIR / entry["file"]).resolve())
        provinces = {row[0] for row in conn.execute("SELECT province FROM documents WHERE source_path = ?", (path,))}
        assert provinces == {entry["province"]}
    regions = set(conn.execute("SELECT DISTINCT region FROM documents WHERE region IS NOT NULL").fetchall())
    assert regions == {("忻州市",)}


def test_clause_text_is_stored_in_reading_order(tmp_db):
    """The first clauses of 辽宁 are its first paragraphs and run-in headings, in order."""
    path = SAMPLE_DIR / "liaoning-enterprise-costs-2016.txt"
    main = next(d for d in parse_file(path).documents if d.kind == "main")
    expected = []

    def walk(nodes):
        for node in nodes:
            if node.children:
                walk(node.children)
            else:
                expected.append((node.label, node.title, node.text))

    walk(main.nodes)
    stored = tmp_db.conn.execute(
        """SELECT c.label, c.title, c.text FROM clauses c JOIN documents d ON d.id = c.document_id
           WHERE d.source_path = ? AND d.kind = 'main' ORDER BY c.sort_key""",
        (str(path.resolve()),),
    ).fetchall()
    assert stored == expected


@pytest.mark.parametrize("word", ["降低", "社保", "稅費", "营商环境", "2016", "“三去一降一补”"])
def test_search_index_agrees_with_a_plain_scan(tmp_db, word):
    assert found(tmp_db, word) == scan(tmp_db, word)
    assert found(tmp_db, word)


# --------------------------------------------------------------------------- re-import


def test_reimporting_an_unchanged_file_changes_nothing(tmp_db, sample_paths):
    before = snapshot(tmp_db)
    results = import_paths(tmp_db, sample_paths)
    assert [r.status for r in results] == ["unchanged"] * len(sample_paths)
    assert all(r.message == "unchanged" for r in results)
    assert snapshot(tmp_db) == before


def test_same_content_under_another_name_is_reported_unchanged(tmp_db, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes((SAMPLE_DIR / "gansu-industrial-capacity-2016.txt").read_bytes())
    before = snapshot(tmp_db)
    result = import_file(tmp_db, copy)
    assert result.status == "unchanged"
    assert "same content as" in result.message and "gansu-industrial-capacity-2016.txt" in result.message
    assert snapshot(tmp_db) == before


def test_reimporting_a_changed_file_replaces_its_documents(empty_db, tmp_path):
    path = tmp_path / "物流.txt"
    path.write_text(OLD_VERSION, encoding="utf-8")
    first = import_file(empty_db, path)
    assert first.status == "imported"
    old_count = empty_db.conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    assert len(found(empty_db, "骆驼湾")) == 1 and found(empty_db, "鹭鸶岭") == []

    path.write_text(NEW_VERSION, encoding="utf-8")
    second = import_file(empty_db, path)
    assert second.status == "replaced"
    assert second.message.startswith("re-imported")
    conn = empty_db.conn
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == len(parse_file(path).documents)
    # The old clauses are gone, not kept beside the new ones.
    assert conn.execute("SELECT count(*) FROM clauses").fetchone()[0] == old_count
    assert scan(empty_db, "骆驼湾") == [] and len(scan(empty_db, "鹭鸶岭")) == 1
    # The index follows: a word only in the old version finds nothing, one only in the new
    # version finds its clause, and a word in both finds each clause once.
    assert found(empty_db, "骆驼湾") == []
    assert found(empty_db, "冷链") == []
    assert found(empty_db, "鹭鸶岭") == scan(empty_db, "鹭鸶岭") != []
    assert found(empty_db, "多式联运") == scan(empty_db, "多式联运")
    assert len(found(empty_db, "多式联运")) == 1
    assert found(empty_db, "物流") == scan(empty_db, "物流")


def test_reimport_with_another_province_is_not_skipped(empty_db, tmp_path):
    path = tmp_path / "物流.txt"
    path.write_text(OLD_VERSION, encoding="utf-8")
    assert import_file(empty_db, path).status == "imported"
    assert import_file(empty_db, path, province="山西").status == "replaced"
    assert set(empty_db.conn.execute("SELECT province, region FROM documents")) == {("山西省", None)}
    # Asking again for the same province is a no-op; a city of it is a change.
    assert import_file(empty_db, path, province="山西省").status == "unchanged"
    assert import_file(empty_db, path, province="忻州").status == "replaced"
    assert set(empty_db.conn.execute("SELECT province, region FROM documents")) == {("山西省", "忻州市")}


def test_province_override(empty_db):
    path = SAMPLE_DIR / "liaoning-enterprise-costs-2016.txt"
    result = import_file(empty_db, path, province="忻州")
    assert result.status == "imported"
    assert set(empty_db.conn.execute("SELECT province, region FROM documents")) == {("山西省", "忻州市")}


def test_unknown_province_is_refused(empty_db):
    result = import_file(empty_db, SAMPLE_DIR / "liaoning-enterprise-costs-2016.txt", province="火星")
    assert result.status == "refused" and "unknown province" in result.message
    assert empty_db.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


# --------------------------------------------------------------------------- failures


def _explode(*args, **kwargs):
    raise RuntimeError("disk on fire")


def test_failure_in_the_middle_of_an_import_changes_nothing(tmp_db, tmp_path, monkeypatch):
    """annotations.reattach runs after the documents, sections, clauses and index rows are
    inserted: failing there must roll all of them back."""
    path = tmp_path / "物流.txt"
    path.write_text(OLD_VERSION, encoding="utf-8")
    before = snapshot(tmp_db)
    inserted = []
    real_insert = importer._insert_document

    def spying_insert(*args, **kwargs):
        result = real_insert(*args, **kwargs)
        inserted.append(result)
        return result

    monkeypatch.setattr(importer, "_insert_document", spying_insert)
    monkeypatch.setattr(importer.annotations, "reattach", _explode)
    with pytest.raises(RuntimeError):
        import_file(tmp_db, path)
    assert inserted and inserted[0][1] > 0  # rows had been written before the failure
    assert snapshot(tmp_db) == before
    assert found(tmp_db, "骆驼湾") == []


def test_failure_while_replacing_keeps_the_old_version(empty_db, tmp_path, monkeypatch):
    path = tmp_path / "物流.txt"
    path.write_text(OLD_VERSION, encoding="utf-8")
    import_file(empty_db, path)
    before = snapshot(empty_db)
    path.write_text(NEW_VERSION, encoding="utf-8")
    monkeypatch.setattr(importer.annotations, "reattach", _explode)
    with pytest.raises(RuntimeError):
        import_file(empty_db, path)
    assert snapshot(empty_db) == before
    assert len(found(empty_db, "骆驼湾")) == 1 and found(empty_db, "鹭鸶岭") == []


def test_a_parser_error_refuses_the_file_and_the_batch_goes_on(empty_db, tmp_path, monkeypatch):
    bad = tmp_path / "a-bad.txt"
    bad.write_text(OLD_VERSION, encoding="utf-8")
    good = tmp_path / "b-good.txt"
    good.write_text(NEW_VERSION, encoding="utf-8")
    real_parse = importer.parse_source

    def fragile_parse(text, **kwargs):
        if kwargs.get("file", "").endswith("a-bad.txt"):
            raise ValueError("unexpected shape")
        return real_parse(text, **kwargs)

    monkeypatch.setattr(importer, "parse_source", fragile_parse)
    results = import_paths(empty_db, [tmp_path])
    assert [(Path(r.path).name, r.status) for r in results] == [("a-bad.txt", "refused"), ("b-good.txt", "imported")]
    assert "could not be parsed" in results[0].message
    assert found(empty_db, "骆驼湾") == [] and len(found(empty_db, "鹭鸶岭")) == 1


# --------------------------------------------------------------------------- paths


def test_folders_are_walked_recursively_for_readable_files(empty_db, tmp_path):
    root = tmp_path / "policies"
    (root / "2016" / "辽宁").mkdir(parents=True)
    (root / "2021").mkdir()
    (root / "2016" / "辽宁" / "costs.txt").write_bytes((SAMPLE_DIR / "liaoning-enterprise-costs-2016.txt").read_bytes())
    (root / "2021" / "xinzhou.md").write_bytes((SAMPLE_DIR / "xinzhou-business-environment-2021.txt").read_bytes())
    (root / "2021" / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "2021" / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / "2021" / ".draft.txt").write_text("草稿", encoding="utf-8")
    (root / "README").write_text("说明", encoding="utf-8")

    assert [p.relative_to(root).as_posix() for p in plan_folder_import([root]).files] == [
        "2016/辽宁/costs.txt", "2021/notes.docx", "2021/scan.pdf", "2021/xinzhou.md"]
    results = import_paths(empty_db, [root])
    assert [r.status for r in results] == ["imported", "refused", "refused", "imported"]
    assert results[1].message == "damaged Word document: not a readable zip file"
    assert results[2].message.startswith("truncated PDF")
    provinces = {row[0] for row in empty_db.conn.execute("SELECT province FROM documents")}
    assert provinces == {"辽宁省", "山西省"}


def test_a_file_named_explicitly_is_read_whatever_its_suffix(empty_db, tmp_path):
    path = tmp_path / "policy.text-copy"
    path.write_text(OLD_VERSION, encoding="utf-8")
    assert [r.status for r in import_paths(empty_db, [path])] == ["imported"]


def test_missing_paths_and_bad_files_are_refused_and_the_others_imported(empty_db, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(OLD_VERSION, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    boiler = tmp_path / "boilerplate.txt"
    boiler.write_text("首页 > 政务公开 > 政策文件\n上一篇\n下一篇\n返回顶部\n", encoding="utf-8")
    results = import_paths(empty_db, [tmp_path / "missing.txt", empty, boiler, good])
    assert [(r.status, r.message) for r in results[:3]] == [
        ("refused", "no such file or folder"),
        ("refused", "empty file: 0 bytes"),
        ("refused", "no text left after removing boilerplate"),
    ]
    assert results[3].status == "imported"
    assert empty_db.conn.execute("SELECT count(DISTINCT source_path) FROM documents").fetchone()[0] == 1


def _policy_folder(root: Path) -> Path:
    """A folder as a reviewer keeps one, next to what a checkout or a home folder holds."""
    (root / "2016").mkdir(parents=True)
    (root / "2016" / "costs.txt").write_bytes((SAMPLE_DIR / "liaoning-enterprise-costs-2016.txt").read_bytes())
    for hidden in (".venv/lib/jieba", ".git", ".cache"):
        (root / hidden).mkdir(parents=True)
        (root / hidden / "dict.txt").write_text("的 100 uj\n", encoding="utf-8")
    return root


def test_a_folder_import_skips_hidden_folders(empty_db, tmp_path):
    root = _policy_folder(tmp_path / "policies")
    plan = plan_folder_import([root])
    assert [p.relative_to(root).as_posix() for p in plan.files] == ["2016/costs.txt"]
    assert plan.problems == [] and not plan.needs_confirmation


def test_a_folder_import_never_follows_a_link_out_of_the_folder(empty_db, tmp_path):
    root = _policy_folder(tmp_path / "policies")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text(OLD_VERSION, encoding="utf-8")
    (root / "out.txt").symlink_to(outside / "secret.txt")
    (root / "outdir").symlink_to(outside, target_is_directory=True)
    (root / "inside.txt").symlink_to(root / "2016" / "costs.txt")
    (root / "broken.txt").symlink_to(tmp_path / "gone.txt")
    results = import_paths(empty_db, [root])
    by_name = {Path(r.path).name: (r.status, r.message) for r in results}
    assert by_name["out.txt"] == ("skipped", f"a link to a file outside {root}: not followed")
    assert by_name["outdir"] == ("skipped", f"a link to a folder outside {root}: not followed")
    assert by_name["broken.txt"] == ("refused", "broken link")
    # a link inside the folder is read (and found to be the same file)
    assert (by_name["inside.txt"][0], by_name["costs.txt"][0]) == ("imported", "unchanged")
    assert found(empty_db, "骆驼湾") == []  # nothing of the linked file outside


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="root reads every folder")
def test_a_folder_that_cannot_be_read_is_named(tmp_path):
    root = _policy_folder(tmp_path / "policies")
    locked = root / "2017"
    locked.mkdir()
    (locked / "plan.txt").write_text(OLD_VERSION, encoding="utf-8")
    locked.chmod(0)
    try:
        probe = ("import json, sys\nfrom store.importer import plan_folder_import\n"
                 "plan = plan_folder_import([sys.argv[1]])\n"
                 "print(json.dumps([[str(p), None] for p in plan.files] + [[r.path, r.message] for r in plan.problems]))")
        command = [sys.executable, "-c", probe, str(root)]
        if os.geteuid() == 0:  # drop the right to read every folder
            command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps=-all", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)
    finally:
        locked.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[str(root / "2016" / "costs.txt"), None],
                                       [str(locked), "folder cannot be read (Permission denied)"]]


def test_a_big_folder_needs_confirmation(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for n in range(importer.CONFIRM_ABOVE):
        (root / f"{n:02}.txt").write_text(OLD_VERSION.replace("骆驼湾", f"骆驼湾{n}"), encoding="utf-8")
    assert not plan_folder_import([root]).needs_confirmation
    (root / "one-more.txt").write_text(NEW_VERSION, encoding="utf-8")
    plan = plan_folder_import([root])
    assert plan.needs_confirmation and len(plan.files) == importer.CONFIRM_ABOVE + 1
    assert not plan_folder_import(plan.files).needs_confirmation  # files named one by one: the user chose them


def test_cancelling_keeps_the_files_done_and_leaves_the_current_one_out(empty_db, tmp_path):
    names = ["a.txt", "b.txt", "c.txt"]
    for n, name in enumerate(names):
        (tmp_path / name).write_text(OLD_VERSION.replace("骆驼湾", f"骆驼湾{n}"), encoding="utf-8")
    checks = []

    def cancelled() -> bool:  # asked between the steps of a file: say yes in the middle of b.txt
        checks.append(len(checks))
        return len(checks) > 6

    results = import_paths(empty_db, [tmp_path / n for n in names], cancelled=cancelled)
    assert [(Path(r.path).name, r.status) for r in results] == [("a.txt", "imported"), ("b.txt", "cancelled")]
    assert [len(found(empty_db, f"骆驼湾{n}")) for n in range(3)] == [1, 0, 0]
    assert empty_db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cancelling_at_the_last_moment_rolls_the_file_back(empty_db, tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text(OLD_VERSION, encoding="utf-8")
    written = []
    real_reattach = importer.annotations.reattach

    def reattach(*args):  # the last step inside the transaction: rows are written by now
        written.append(True)
        return real_reattach(*args)

    monkeypatch.setattr(importer.annotations, "reattach", reattach)
    [result] = import_paths(empty_db, [path], cancelled=lambda: bool(written))
    assert result.status == "cancelled" and written
    assert empty_db.conn.execute("SELECT count(*) FROM clauses").fetchone()[0] == 0


def test_a_full_disk_refuses_the_file_and_the_batch_goes_on(empty_db, tmp_path):
    big, small = tmp_path / "a-big.txt", tmp_path / "b-small.txt"
    big.write_bytes((SAMPLE_DIR / "jilin-supply-side-reform-2016.txt").read_bytes())
    small.write_text(OLD_VERSION, encoding="utf-8")
    pages = empty_db.conn.execute("PRAGMA page_count").fetchone()[0]
    empty_db.conn.execute(f"PRAGMA max_page_count = {pages + 6}")  # room for the small one only
    results = import_paths(empty_db, [big, small])
    assert [(r.status, r.message) for r in results] == [
        ("refused", "disk full"), ("imported", "imported 5 clauses in 1 document")]
    assert empty_db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(found(empty_db, "骆驼湾")) == 1 and found(empty_db, "供给侧") == []


def test_a_file_name_that_is_not_utf8_is_refused_with_a_reason(empty_db, tmp_path):
    name = os.fsdecode("福建省".encode("gbk") + b".txt")  # as unpacked from a Windows zip
    (tmp_path / name).write_text(OLD_VERSION, encoding="utf-8")
    [result] = import_paths(empty_db, [tmp_path])
    assert (result.status, result.message) == (
        "refused", "the file name is not valid UTF-8: rename it (convmv -f gbk -t utf-8 converts GBK names from "
                   "Windows archives)")
