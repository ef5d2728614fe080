"""Helpers shared by test_search, test_annotations, test_export and test_cli: databases of
the sample documents, a plain scan to compare the index with, and running the command line
(in this process, with its output captured, or as a real process) with a clean environment."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from sample_db import sample_files
from store.db import Store
from store.importer import import_paths
from store.normalize import fold, search_forms
from store.search import parse_query, scan_matches
from tui.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sample_files()
SAMPLE = {path.stem.split("-")[0]: path for path in SAMPLES}
"""liaoning, gansu, shanghai, jilin, xinzhou → the sample file."""


def samples_store(path: Path) -> Store:
    """A new database at `path` with the five samples imported."""
    store = Store(path)
    results = import_paths(store, SAMPLES)
    assert [r.status for r in results] == ["imported"] * len(SAMPLES), [r.message for r in results]
    return store


def all_clauses(conn) -> list[tuple[int, str, str]]:
    return conn.execute("SELECT id, title, text FROM clauses").fetchall()


def scan(conn, query: str) -> set[int]:
    """The clauses a text-only query must find, by folding every clause and looking."""
    parsed = parse_query(query)
    return {cid for cid, title, text in all_clauses(conn) if scan_matches(title, text, parsed)}


def searchable(title: str, text: str) -> list[str]:
    """The forms of a clause a term is looked for in: its folded title and text, and their
    character-by-character conversions where OpenCC's phrase conversion differs."""
    return [form for form in (*search_forms(title), *search_forms(text)) if form]


def scan_term(conn, term: str) -> set[int]:
    """Clauses whose folded title or text contains the folded term, written out without the
    search module: the definition the index is held to."""
    wanted = fold(term)
    return {cid for cid, title, text in all_clauses(conn) if any(wanted in form for form in searchable(title, text))}


def clause_with(conn, phrase: str, document_title_part: str = "") -> int:
    """The id of the one clause whose text holds `phrase` exactly (asserting there is one)."""
    rows = conn.execute(
        """SELECT c.id FROM clauses c JOIN documents d ON d.id = c.document_id
           WHERE instr(c.title || c.text, ?) AND instr(d.title, ?) ORDER BY c.sort_key""",
        (phrase, document_title_part),
    ).fetchall()
    assert len(rows) == 1, f"{phrase!r} is in {len(rows)} clauses, expected exactly one"
    return rows[0][0]


def cli_env(tmp_path: Path, user: str = "tester") -> dict[str, str]:
    """An environment that never touches the user's own database or config."""
    env = dict(os.environ)
    env.update(_isolated(tmp_path, user))
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("NO_COLOR", None)
    return env


def _isolated(tmp_path: Path, user: str) -> dict[str, str]:
    return {"POLICY_REVIEW_USER": user, "POLICY_REVIEW_CONFIG": str(tmp_path / "no-config.toml"),
            "POLICY_REVIEW_DB": str(tmp_path / "not-the-default.db")}


@dataclass
class CliRun:
    """What a command printed and returned, like subprocess.CompletedProcess."""

    returncode: int
    stdout: str
    stderr: str


class _Terminal(io.StringIO):
    """Typed answers on a stdin that says it is a terminal (for confirmation questions)."""

    def isatty(self) -> bool:
        return True


@contextmanager
def _environment(values: dict[str, str]):
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli(tmp_path: Path, *args, user: str = "tester", answer: str | None = None,
            env: dict[str, str] | None = None) -> CliRun:
    """`policy-review ARGS…` run in this process: main(argv) with stdout and stderr captured.
    `answer` is typed on a terminal when the command asks a question; without it, stdin is
    not a terminal. `env` replaces the isolated environment's variables."""
    out, err = io.StringIO(), io.StringIO()
    stdin = _Terminal(answer) if answer is not None else io.StringIO("")
    saved_stdin = sys.stdin
    with _environment(env or _isolated(tmp_path, user)), redirect_stdout(out), redirect_stderr(err):
        sys.stdin = stdin
        try:
            code = main([str(a) for a in args])
        finally:
            sys.stdin = saved_stdin
    result = CliRun(code, out.getvalue(), err.getvalue())
    assert "Traceback" not in result.stderr, result.stderr
    return result


def run_cli_process(tmp_path: Path, *args: str, user: str = "tester", timeout: float = 120,
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`policy-review ARGS…` in a fresh interpreter: for what only a real process shows
    (signals, the installed script, output to a pipe)."""
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env or cli_env(tmp_path, user),
        timeout=timeout, stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def assert_one_line_error(result: CliRun | subprocess.CompletedProcess, *needles: str) -> str:
    """Exit status 1, a single 'policy-review: error: …' line on stderr, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("policy-review: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]
