"""Fixtures for the tests that drive the app: a private config and data folder, and a
private copy of the sample database. Imported by those test modules (not every test needs
an app)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.db import Store
from tests.tui_helpers import make_db


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICY_REVIEW_USER", "审阅人甲")
    monkeypatch.setenv("POLICY_REVIEW_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def sample_db_file(tmp_path_factory) -> Path:
    return make_db(tmp_path_factory.mktemp("samples") / "samples.db")


@pytest.fixture
def db(sample_db_file, tmp_path) -> Path:
    """A private copy of the sample database (tests write to it)."""
    target = tmp_path / "review.db"
    with Store(sample_db_file) as source:
        source.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target.write_bytes(sample_db_file.read_bytes())
    return target
