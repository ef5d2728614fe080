"""The app built to stay easy to change: a light start-up, every key remappable by id, no
import cycle between the app and its screens, no class past a few hundred lines."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

from textual.binding import Binding

import tui

TUI = Path(tui.__file__).parent
APP_MODULES = sorted(m.name for m in pkgutil.iter_modules([str(TUI)]) if m.name not in ("cli", "commands"))
MAX_CLASS_LINES = 400


def test_starting_the_app_loads_neither_the_importer_nor_jieba_nor_markdown():
    probe = ("import sys, tui.app\n"
             "print(sorted(m for m in ('store.importer', 'store.parse', 'markdown_it', 'jieba', 'sqlite_utils',"
             " 'textual.widgets._text_area') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_binding_has_an_id():
    missing = []
    for name in APP_MODULES:
        module = importlib.import_module(f"tui.{name}")
        for _cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and not binding.id:
                    missing.append(f"{cls.__name__}: {binding.key}")
    assert not missing


def _imports(path: Path) -> set[str]:
    """Modules a file imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_screens_and_widgets_never_import_the_app_or_the_main_screen():
    for name in APP_MODULES:
        if name in ("app", "main_screen"):
            continue
        imported = _imports(TUI / f"{name}.py")
        assert not imported & {"tui.app", "tui.main_screen"}, name
    assert "tui.app" not in _imports(TUI / "main_screen.py")


def test_no_class_is_longer_than_a_few_hundred_lines():
    long = []
    for name in APP_MODULES:
        tree = ast.parse((TUI / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno > MAX_CLASS_LINES:
                long.append(f"{name}.{node.name}: {node.end_lineno - node.lineno} lines")
    assert not long
