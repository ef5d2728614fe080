"""The `policy-review` command as a user runs it: its output and exit code. Most tests call
main(argv) in this process with the output captured (fast); the few marked slow run the
installed script as a real process, for what only a process shows.

Every run gets POLICY_REVIEW_DB and POLICY_REVIEW_CONFIG pointing into a temporary folder (a
real process also HOME and the XDG folders), so the user's real database and config are never
touched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sample_db import SAMPLE_DIR, sample_files
from store.db import Store
from store.model import Node
from store.normalize import fold
from store.parse import parse_file
from tests._store_helpers import CliRun, run_cli

SCRIPT = Path(sys.executable).with_name("policy-review")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "tui.cli"]
XINZHOU = SAMPLE_DIR / "xinzhou-business-environment-2021.txt"


def isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_REVIEW")}
    env.update({
        "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"), "POLICY_REVIEW_DB": str(home / "default.db"),
        "POLICY_REVIEW_CONFIG": str(home / "config.toml"), "POLICY_REVIEW_USER": "测试员",
        "COLUMNS": "200",
    })
    return env


def run_process(home: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env or isolated_env(home),
                            timeout=120, cwd=home)
    # No command ever shows a traceback, whatever it is given.
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def run(home: Path, *args: str, env: dict | None = None, answer: str | None = None) -> CliRun:
    """The command in this process (tests._store_helpers.run_cli), in the same isolated
    environment as a real process gets."""
    values = {k: v for k, v in (env or isolated_env(home)).items() if k.startswith("POLICY_REVIEW")}
    return run_cli(home, *args, env=values, answer=answer)


def one_line_error(result: CliRun | subprocess.CompletedProcess, starts: str) -> None:
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"policy-review: error: {starts}"), lines[0]


def leaves(nodes: list[Node]) -> int:
    return sum(leaves(n.children) if n.children else 1 for n in nodes)


def clause_count(path: Path) -> int:
    return sum(leaves(doc.nodes) for doc in parse_file(path).documents)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli-home")


@pytest.fixture(scope="module")
def db(home) -> Path:
    """A database with the samples imported through the command line; read-only afterwards."""
    path = home / "samples.db"
    result = run(home, "import", "--db", str(path), "--no-keywords", *map(str, sample_files()))
    assert result.returncode == 0, result.stderr
    return path


# --------------------------------------------------------------------------- import


@pytest.mark.slow
def test_import_prints_one_line_per_file_and_a_summary(tmp_path):
    """The installed script, as a real process."""
    paths = sample_files()
    result = run_process(tmp_path, "import", "--db", str(tmp_path / "r.db"), "--no-keywords", *map(str, paths))
    assert result.returncode == 0
    expected = []
    for path in paths:
        documents = len(parse_file(path).documents)
        expected.append(f"{path}: imported {clause_count(path)} clauses in {documents} documents")
    assert result.stdout.splitlines() == expected
    assert result.stderr.splitlines() == [f"{len(paths)} files: {len(paths)} imported"]

    again = run_process(tmp_path, "import", "--db", str(tmp_path / "r.db"), "--no-keywords", *map(str, paths))
    assert again.returncode == 0
    assert again.stdout.splitlines() == [f"{path}: unchanged" for path in paths]
    assert again.stderr.splitlines() == [f"{len(paths)} files: {len(paths)} unchanged"]


def test_import_refused_file_exits_1_and_the_others_are_imported(tmp_path):
    picture = tmp_path / "scan.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    missing = tmp_path / "missing.txt"
    db = tmp_path / "r.db"
    result = run(tmp_path, "import", "--db", str(db), "--no-keywords", str(picture), str(XINZHOU), str(missing))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{XINZHOU}: imported {clause_count(XINZHOU)} clauses in 2 documents"]
    assert result.stderr.splitlines() == [
        f"{picture}: refused: a PNG image: it holds no text; OCR it first",
        f"{missing}: refused: no such file or folder",
        "3 files: 1 imported, 2 refused",
    ]
    stats = json.loads(run(tmp_path, "stats", "--db", str(db), "--json").stdout)
    assert (stats["sources"], stats["documents"], stats["clauses"]) == (1, 2, clause_count(XINZHOU))


@pytest.mark.slow
def test_import_json_and_keywords(tmp_path):
    result = run(tmp_path, "import", "--db", str(tmp_path / "r.db"), "--json", str(XINZHOU))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["summary"] == {"imported": 1, "replaced": 0, "unchanged": 0, "skipped": 0, "refused": 0,
                               "cancelled": 0}
    [entry] = data["results"]
    assert (entry["path"], entry["status"], entry["documents"], entry["clauses"]) == (
        str(XINZHOU), "imported", 2, clause_count(XINZHOU))
    # Keywords were extracted for every clause (no --no-keywords).
    assert data["keywords"] == clause_count(XINZHOU)


def test_import_unknown_province_is_a_one_line_error(tmp_path):
    one_line_error(run(tmp_path, "import", "--db", str(tmp_path / "r.db"), "--province", "火星", str(XINZHOU)),
                   "unknown province '火星'")


def test_import_province_override(tmp_path):
    db = tmp_path / "r.db"
    assert run(tmp_path, "import", "--db", str(db), "--no-keywords", "--province", "辽宁", str(XINZHOU)).returncode == 0
    stats = json.loads(run(tmp_path, "stats", "--db", str(db), "--json").stdout)
    assert [(p["province"], p["region"]) for p in stats["per_province"]] == [("辽宁省", None)]


# --------------------------------------------------------------------------- outline


def _check_node(node: dict) -> None:
    assert set(node) >= {"label", "title", "text", "children"}
    for child in node["children"]:
        _check_node(child)


def test_outline_json_is_exactly_one_object(home):
    result = run(home, "outline", "--json", str(XINZHOU))
    assert result.returncode == 0 and result.stderr == ""
    data = json.loads(result.stdout)  # the whole of stdout: one JSON document
    assert set(data) >= {"file", "encoding", "documents"}
    assert (data["file"], data["encoding"]) == (str(XINZHOU), "utf-8")
    for doc in data["documents"]:
        assert set(doc) >= {"kind", "label", "title", "doc_number", "issuer", "date", "province", "region", "nodes"}
        for node in doc["nodes"]:
            _check_node(node)
    notice, main = data["documents"]
    assert (notice["kind"], notice["title"]) == ("notice", "关于印发忻州市“十四五”“六最”营商环境建设规划的通知")
    assert (main["kind"], main["title"], main["doc_number"], main["issuer"], main["date"]) == (
        "main", "忻州市“十四五”“六最”营商环境建设规划", "忻政发〔2021〕21号", "忻州市人民政府", "2021-10-21")
    assert (main["province"], main["region"]) == ("山西省", "忻州市")
    chapters = [(n["label"], n["title"]) for n in main["nodes"] if n["label"]]
    assert chapters == [("第一章", "规划背景"), ("第二章", "总体要求"),
                        ("第三章", "聚焦服务市场主体 打造“六最”营商环境"), ("第四章", "构建制度支撑体系"),
                        ("第五章", "保障措施")]
    # The command prints what the library parses.
    assert data == json.loads(json.dumps(parse_file(XINZHOU).to_json(), ensure_ascii=False))


def test_outline_unknown_province_is_a_one_line_error(home):
    one_line_error(run(home, "outline", "--province", "火星", str(XINZHOU)), "unknown province '火星'")


def test_outline_plain_and_province_override(home):
    result = run(home, "outline", "--province", "全国", str(XINZHOU))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"{XINZHOU} (text, utf-8)"
    assert "[main] 忻州市“十四五”“六最”营商环境建设规划  忻政发〔2021〕21号 · 忻州市人民政府 · 2021-10-21 · 全国" in lines
    assert "  第一章规划背景" in lines


@pytest.mark.parametrize("make,starts", [
    (lambda d: d / "missing.txt", "{path}: no such file"),
    (lambda d: d, "{path}: is a folder, not a file"),
    (lambda d: (d / "empty.txt", (d / "empty.txt").write_bytes(b""))[0], "{path}: empty file"),
    (lambda d: (d / "doc.pdf", (d / "doc.pdf").write_bytes(b"%PDF-1.4\n"))[0], "{path}: truncated PDF"),
])
def test_outline_of_a_bad_file_is_a_one_line_error(tmp_path, make, starts):
    path = make(tmp_path)
    one_line_error(run(tmp_path, "outline", "--json", str(path)), starts.format(path=path))


# --------------------------------------------------------------------------- stats, show


def test_stats_json(home, db):
    result = run(home, "stats", "--db", str(db), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    parses = [parse_file(path) for path in sample_files()]
    assert data["sources"] == 5
    assert data["documents"] == sum(len(p.documents) for p in parses)
    assert data["clauses"] == sum(leaves(d.nodes) for p in parses for d in p.documents)
    assert data["provinces"] == len({d.province for p in parses for d in p.documents})
    assert data["annotated_clauses"] == 0


def _search(home, db, *args) -> dict:
    result = run(home, "search", "--db", str(db), "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_show_a_clause(home, db):
    hit = _search(home, db, "营改增", "--limit", "1")["results"][0]
    result = run(home, "show", "--db", str(db), "--json", str(hit["clause_id"]))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert (data["clause_id"], data["title"], data["text"]) == (hit["clause_id"], hit["title"], hit["text"])
    assert (data["province"], data["document"]) == ("辽宁省", "辽宁省降低实体经济企业成本工作实施方案")
    assert data["status"] == "unreviewed" and data["tags"] == []
    plain = run(home, "show", "--db", str(db), str(hit["clause_id"]))
    assert plain.returncode == 0
    assert "《辽宁省降低实体经济企业成本工作实施方案》" in plain.stdout
    assert hit["text"].splitlines()[0] in plain.stdout


def test_show_unknown_clause_is_a_one_line_error(home, db):
    one_line_error(run(home, "show", "--db", str(db), "99999999"), "no clause with id 99999999")


@pytest.mark.parametrize("text", ["abc", "5_0", " 5", "٥", "+5"])
def test_an_id_is_plain_digits_and_anything_else_a_one_line_error(home, db, text):
    """int() reads 5_0 as 50 and ٥ as 5: an id is what it looks like, or refused."""
    one_line_error(run(home, "show", "--db", str(db), text), f"argument CLAUSE_ID: not a number: {text!r}")


# --------------------------------------------------------------------------- search


def test_search_json_shape_and_matches(home, db):
    data = _search(home, db, "社保")
    assert set(data) == {"query", "total", "results"}
    assert data["query"] == "社保"
    assert data["total"] == len(data["results"]) > 0
    keys = {"clause_id", "province", "region", "document", "path", "title", "text", "matches"}
    for hit in data["results"]:
        assert set(hit) >= keys
        assert set(hit["matches"]) == {"title", "text"}
        assert hit["matches"]["text"] or hit["matches"]["title"]
        for field in ("title", "text"):
            for start, end in hit["matches"][field]:
                assert fold(hit[field][start:end]) == "社保"


def test_search_traditional_query_finds_simplified_text_and_back(home, db):
    simplified = _search(home, db, "税费")
    traditional = _search(home, db, "稅費")
    assert simplified["total"] == traditional["total"] > 0
    provinces = {hit["province"] for hit in simplified["results"]}
    assert "上海市" in provinces and "辽宁省" in provinces  # the Shanghai sample is in traditional characters


def test_search_plain_prints_one_line_per_clause(home, db):
    total = _search(home, db, "降低 province:辽宁")["total"]
    result = run(home, "search", "--db", str(db), "降低 province:辽宁")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == total > 1
    assert all("辽宁省" in line and "《辽宁省降低实体经济企业成本工作实施方案》" in line and "降低" in line
               for line in lines)
    assert result.stderr.splitlines() == [f"{total} clauses match"]


def test_search_limit(home, db):
    full = _search(home, db, "企业")
    limited = run(home, "search", "--db", str(db), "--limit", "3", "企业")
    assert len(limited.stdout.splitlines()) == 3
    assert limited.stderr.splitlines() == [f"{full['total']} clauses match (showing 3; --limit 0 for all)"]


@pytest.mark.parametrize("query,starts", [
    ('"降低 社保', "unbalanced quote"),
    ("-", "a lone '-' needs a word after it"),
    ("社保 |", "'|' needs a word on each side"),
    ("status:done", ""),
])
def test_malformed_query_is_a_one_line_error(home, db, query, starts):
    for args in (["--json"], []):
        one_line_error(run(home, "search", "--db", str(db), *args, "--", query), starts)


# --------------------------------------------------------------------------- databases


@pytest.mark.slow
def test_default_database_is_created_with_the_samples(tmp_path):
    env = isolated_env(tmp_path)
    default = tmp_path / "fresh" / "policy-review.db"
    env["POLICY_REVIEW_DB"] = str(default)
    assert not default.exists()
    assert run_process(tmp_path, "search", "税", env=env).returncode == 0
    assert default.exists()
    result = run_process(tmp_path, "stats", "--json", env=env)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert Path(data["database"]) == default
    assert data["sources"] == 5
    assert data["clauses"] == sum(clause_count(path) for path in sample_files())
    # The second run finds it and does not import again.
    again = json.loads(run_process(tmp_path, "stats", "--json", env=env).stdout)
    assert (again["documents"], again["clauses"]) == (data["documents"], data["clauses"])


def test_importing_into_a_new_default_database_imports_only_your_files(tmp_path):
    env = isolated_env(tmp_path)
    default = tmp_path / "fresh" / "policy-review.db"
    env["POLICY_REVIEW_DB"] = str(default)
    assert run(tmp_path, "import", "--no-keywords", str(XINZHOU), env=env).returncode == 0
    data = json.loads(run(tmp_path, "stats", "--json", env=env).stdout)
    assert (data["sources"], data["clauses"]) == (1, clause_count(XINZHOU))  # no samples mixed in


def test_explicit_db_is_never_seeded(tmp_path):
    db = tmp_path / "mine.db"
    assert run(tmp_path, "import", "--no-keywords", str(XINZHOU), "--db", str(db)).returncode == 0
    data = json.loads(run(tmp_path, "stats", "--db", str(db), "--json").stdout)
    assert (data["sources"], data["clauses"]) == (1, clause_count(XINZHOU))  # the one file, no samples
    assert not (tmp_path / "default.db").exists()


def test_a_file_that_is_not_a_database_is_a_one_line_error(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("这不是数据库\n" * 200, encoding="utf-8")
    one_line_error(run(tmp_path, "stats", "--db", str(notes)), f"{notes}: not a policy-review database")
    one_line_error(run(tmp_path, "search", "--db", str(tmp_path), "税"), f"{tmp_path}: is a folder")


def test_a_mistyped_database_path_is_an_error_not_a_new_database(tmp_path):
    typo = tmp_path / "tpyo.db"
    for args in (["search", "税"], ["stats"], ["show", "1"], ["tag", "1", "--add", "x"], ["export", "-o", "n.md",
                                                                                         "--query", "税"]):
        one_line_error(run(tmp_path, *args, "--db", str(typo)), f"{typo}: no such database")
    assert not typo.exists()


@pytest.mark.parametrize("args", [
    ["show", "99999999999999999999"], ["search", "税", "--limit", "99999999999999999999"],
    ["tag", "99999999999999999999", "--add", "x"], ["annotations", "attach", "1", "-5"],
])
def test_numbers_out_of_range_are_one_line_errors(tmp_path, args):
    one_line_error(run(tmp_path, *args, "--db", str(tmp_path / "x.db")), "argument")
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("size", ["nan", "inf", "-1", "0"])
def test_max_size_must_be_a_positive_number(tmp_path, size):
    one_line_error(run(tmp_path, "import", "--max-size", size, str(XINZHOU), "--db", str(tmp_path / "x.db")),
                   "--max-size must be a positive number")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop its own rights")
def test_a_read_only_database_is_refused_in_one_line(tmp_path):
    db = tmp_path / "ro" / "review.db"
    db.parent.mkdir()
    assert run(tmp_path, "import", "--no-keywords", str(XINZHOU), "--db", str(db)).returncode == 0
    db.chmod(0o444)
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--inh-caps=-all"]
    result = subprocess.run([*drop, *COMMAND, "tag", "1", "--add", "x", "--db", str(db)], capture_output=True,
                            text=True, env=isolated_env(tmp_path), timeout=60)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "readonly" in result.stderr or "read-only" in result.stderr


# --------------------------------------------------------------------------- conventions


@pytest.mark.parametrize("args,starts", [
    (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
    (["search"], "the following arguments are required: QUERY"),
    (["search", "税", "--bogus"], "unrecognized arguments: --bogus"),
    (["tags", "color", "重点"], "the following arguments are required: color"),
    (["import", "--max-size", "big", "x.txt"], "argument --max-size: invalid float value: 'big'"),
])
def test_usage_errors_are_one_line_with_exit_1(tmp_path, args, starts):
    result = run(tmp_path, *args)
    one_line_error(result, starts)
    assert "--help" in result.stderr


def test_version(tmp_path):
    result = run(tmp_path, "--version")
    assert (result.returncode, result.stdout) == (0, f"policy-review {_installed_version()}\n")


def _installed_version() -> str:
    from importlib import metadata

    return metadata.version("policy-review")


def test_a_leading_dash_is_a_word_in_a_query_and_a_tag(tmp_path, db):
    everything = _search(tmp_path, db, "province:辽宁")["total"]
    with_word = _search(tmp_path, db, "公积金 province:辽宁")["total"]
    assert 0 < with_word < everything
    for args in (["-公积金", "province:辽宁"], ["-公积金 province:辽宁"], ["--", "-公积金 province:辽宁"]):
        assert _search(tmp_path, db, *args)["total"] == everything - with_word
    copy = tmp_path / "tags.db"
    shutil.copy(db, copy)
    clause = _search(tmp_path, copy, "营改增", "--limit", "1")["results"][0]["clause_id"]
    assert run(tmp_path, "tag", str(clause), "--add", "-neg", "--db", str(copy)).returncode == 0
    assert run(tmp_path, "tag", str(clause), "--add", "-o", "--db", str(copy)).returncode == 0  # -o is not tag's
    shown = json.loads(run(tmp_path, "show", str(clause), "--json", "--db", str(copy)).stdout)
    assert shown["tags"] == ["-neg", "-o"]


def test_search_prints_a_snippet_around_the_match_and_full_the_clause(tmp_path, db):
    [hit] = _search(tmp_path, db, "水利建设基金")["results"]
    assert hit["text"].index("水利建设基金") > 40  # far into a long clause
    short = run(tmp_path, "search", "水利建设基金", "--db", str(db)).stdout.strip()
    full = run(tmp_path, "search", "水利建设基金", "--full", "--db", str(db)).stdout.strip()
    assert "水利建设基金" in short and hit["text"][:40] not in short and "…" in short
    assert len(short) < len(full)
    assert full.endswith(hit["text"].replace("\n", " "))


def test_stats_on_a_missing_database_says_so_and_creates_none(tmp_path):
    default = tmp_path / "nothing-here" / "policy-review.db"
    env = {**isolated_env(tmp_path), "POLICY_REVIEW_DB": str(default)}
    one_line_error(run(tmp_path, "stats", env=env), f"no database yet at {default}")
    assert not default.exists() and not default.parent.exists()


def test_exporting_no_clause_is_refused_and_writes_nothing(tmp_path, db):
    note = tmp_path / "empty.md"
    one_line_error(run(tmp_path, "export", "-o", str(note), "--query", "量子纠缠", "--db", str(db)),
                   "nothing to export: no clause fits --query '量子纠缠'")
    assert not note.exists()


def test_max_size_is_reported_in_real_units(tmp_path):
    size = XINZHOU.stat().st_size
    result = run(tmp_path, "import", "--max-size", "0.01", str(XINZHOU), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (f"{XINZHOU}: refused: too large: {size / 1024:.1f} KB (limit 10.2 KB); "
                                             "split it into one file per document")


@pytest.mark.parametrize("size", ["1e308", "4097"])
def test_an_absurd_max_size_is_a_one_line_error(tmp_path, size):
    one_line_error(run(tmp_path, "import", "--max-size", size, str(XINZHOU), "--db", str(tmp_path / "x.db")),
                   "--max-size must be a positive number of MB, at most 2048")


def test_a_tag_color_must_be_a_color(tmp_path, db):
    copy = tmp_path / "colors.db"
    shutil.copy(db, copy)
    clause = _search(tmp_path, copy, "营改增", "--limit", "1")["results"][0]["clause_id"]
    run(tmp_path, "tag", str(clause), "--add", "重点", "--db", str(copy))
    one_line_error(run(tmp_path, "tags", "color", "重点", "notacolor", "--db", str(copy)), "not a color: 'notacolor'")
    assert run(tmp_path, "tags", "color", "重点", "#ff8800", "--db", str(copy)).returncode == 0
    assert run(tmp_path, "tags", "color", "重点", "nope", "--db", str(copy)).returncode == 1
    with Store(copy) as store:
        assert store.conn.execute("SELECT color FROM tags WHERE name = '重点'").fetchone()[0] == "#ff8800"


@pytest.mark.parametrize("query,starts", [
    ('province:""', "'province:' needs a value"),
    ('tag:""', "'tag:' needs a value"),
    ("的" * 10_000, "the query is 10,000 characters long; at most 100"),
])
def test_more_malformed_queries_are_one_line_errors(tmp_path, db, query, starts):
    one_line_error(run(tmp_path, "search", "--db", str(db), "--", query), starts)


@pytest.mark.parametrize("query", ["a-b", "2099-2100年"])
def test_a_query_with_a_dash_that_finds_nothing_is_not_an_error(tmp_path, db, query):
    result = run(tmp_path, "search", "--db", str(db), query)
    assert (result.returncode, result.stdout, result.stderr.splitlines()[0]) == (0, "", "0 clauses match")


# --------------------------------------------------------------------------- folder imports


def _many_files(root: Path, n: int) -> list[Path]:
    """n small distinct policy files (the Xinzhou sample's notice, numbered)."""
    root.mkdir()
    notice = XINZHOU.read_text(encoding="utf-8").split("忻州市“十四五”“六最”营商环境建设规划\n")[0]
    paths = []
    for i in range(n):
        path = root / f"{i:03}.txt"
        path.write_text(notice.replace("忻州市人民政府", f"忻州市人民政府（第{i}号）", 1), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.slow
def test_a_big_folder_is_counted_and_confirmed_first(tmp_path):
    root = tmp_path / "home"
    _many_files(root, 41)
    db = tmp_path / "r.db"
    one_line_error(run(tmp_path, "import", str(root), "--no-keywords", "--db", str(db)),
                   f"41 files to import from {root}: add --yes to confirm")
    assert not db.exists()
    declined = run(tmp_path, "import", str(root), "--no-keywords", "--db", str(db), answer="n\n")
    assert (declined.returncode, declined.stdout, declined.stderr) == (
        0, "", f"41 files to import from {root}. Import them all? [y/N] nothing imported\n")
    assert not db.exists()
    accepted = run(tmp_path, "import", str(root), "--no-keywords", "--db", str(db), answer="y\n")
    assert accepted.returncode == 0 and accepted.stderr.endswith("41 files: 41 imported\n")
    again = run(tmp_path, "import", str(root), "--no-keywords", "--yes", "--db", str(db))
    assert again.returncode == 0 and again.stderr == "41 files: 41 unchanged\n"


def test_a_full_disk_names_the_file_and_the_summary_follows(tmp_path, monkeypatch):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(XINZHOU.read_bytes())
    second.write_bytes((SAMPLE_DIR / "jilin-supply-side-reform-2016.txt").read_bytes())
    import tui.commands

    real_open = tui.commands.open_store

    def nearly_full(args, **kwargs):  # room for Xinzhou (17 pages of 16 KB), not for Jilin (42 more)
        store = real_open(args, **kwargs)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 25}")
        return store

    monkeypatch.setattr(tui.commands, "open_store", nearly_full)
    result = run(tmp_path, "import", str(first), str(second), "--no-keywords", "--db", str(tmp_path / "r.db"))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{first}: imported")
    assert result.stderr.splitlines() == [f"{second}: refused: disk full", "2 files: 1 imported, 1 refused"]


@pytest.mark.slow
def test_ctrl_c_cancels_an_import_keeping_the_files_done(tmp_path):
    """A real process and a real SIGINT, sent once the first file is reported."""
    import signal

    root = tmp_path / "folder"
    paths = _many_files(root, 30)
    db = tmp_path / "r.db"
    process = subprocess.Popen([*COMMAND, "import", str(root), "--no-keywords", "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=isolated_env(tmp_path))
    first = process.stdout.readline()
    assert first.startswith(f"{paths[0]}: imported"), first
    process.send_signal(signal.SIGINT)
    rest, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    done = [first, *rest.splitlines()]
    lines = err.splitlines()
    assert lines[0].startswith("cancelling: the file being imported is left out")
    cancelled = [line for line in lines if line.endswith(": cancelled; not imported")]
    assert len(cancelled) == 1
    assert lines[-1].startswith(f"{len(done) + 1} files: {len(done)} imported, 1 cancelled; import cancelled, "
                                f"{30 - len(done) - 1} files not started")
    with Store(db) as store:
        assert store.conn.execute("SELECT count(DISTINCT source_path) FROM documents").fetchone()[0] == len(done)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
