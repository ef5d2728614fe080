"""Shared fixtures: the sample files and databases on temporary paths. Kept small and generic;
fixtures that only one test module needs live in that module."""

from __future__ import annotations

from pathlib import Path

import pytest

from sample_db import sample_files
from store.db import Store
from store.importer import import_paths

pytest_plugins = ["tests.app_fixtures"]  # the app's fixtures: app_env, sample_db_file, db


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    """The five sample documents, in manifest order."""
    return sample_files()


@pytest.fixture
def empty_db(tmp_path: Path):
    """A new, empty database in the test's temporary folder."""
    store = Store(tmp_path / "empty.db")
    yield store
    store.close()


@pytest.fixture
def tmp_db(tmp_path: Path, sample_paths: list[Path]):
    """A database in the test's temporary folder with the five samples imported (no keywords)."""
    store = Store(tmp_path / "samples.db")
    results = import_paths(store, sample_paths)
    assert [r.status for r in results] == ["imported"] * len(sample_paths), [r.message for r in results]
    yield store
    store.close()
