"""The layering the project relies on: store/ never loads textual (it is the library the CLI,
the tests and outside tools use), jieba is loaded only when words are segmented, and the
command line starts without the app."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import store

STORE_MODULES = sorted(f"store.{m.name}" for m in pkgutil.iter_modules(store.__path__))


def loaded_after(code: str) -> set[str]:
    """Top-level packages in sys.modules after running `code` in a fresh interpreter."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_every_store_module_is_listed():
    assert {"store.parse", "store.db", "store.importer", "store.search", "store.words"} <= set(STORE_MODULES)


@pytest.fixture(scope="module")
def after_importing_store() -> set[str]:
    return loaded_after("\n".join(f"import {name}" for name in STORE_MODULES))


def test_store_does_not_load_textual(after_importing_store):
    assert "textual" not in after_importing_store


def test_store_does_not_load_jieba_until_words_are_segmented(after_importing_store):
    assert "jieba" not in after_importing_store
    # The probe can see jieba: segmenting words loads it.
    assert "jieba" in loaded_after("from store.words import segment\nsegment('降低社保费率')")


def test_the_probe_sees_textual_when_it_is_loaded():
    assert "textual" in loaded_after("import textual.app")


def test_cli_starts_without_textual():
    loaded = loaded_after("import tui.cli\ntui.cli.build_parser()")
    assert "textual" not in loaded and "jieba" not in loaded


def test_cli_commands_module_does_not_load_textual():
    """tui.commands is imported by every command; only opening the app may load textual."""
    loaded = loaded_after("import tui.cli, tui.commands")
    assert "textual" not in loaded and "jieba" not in loaded


def test_parsing_and_importing_do_not_load_textual_or_jieba(tmp_path):
    code = (
        "from pathlib import Path\n"
        "from sample_db import sample_files\n"
        "from store.db import Store\n"
        "from store.importer import import_paths\n"
        "from store.search import search\n"
        f"s = Store(Path({str(tmp_path / 'a.db')!r}))\n"
        "import_paths(s, sample_files())\n"
        "assert search(s.conn, '税费').total > 0\n"
    )
    loaded = loaded_after(code)
    assert "textual" not in loaded and "jieba" not in loaded


def test_the_commands_do_not_import_the_parser():
    """tui.cli imports tui.commands to run a command; tui.commands must not import tui.cli
    back (the exit statuses they share live in tui.exit_status)."""
    import ast
    from pathlib import Path

    import tui

    tree = ast.parse((Path(tui.__file__).parent / "commands.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert "tui.exit_status" in imported and "tui.cli" not in imported
