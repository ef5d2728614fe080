"""Helpers shared by the format readers' tests (test_readers_*.py): the real files in
tests/fixtures/formats (copied byte for byte from ../shared/formats) by their short name (pdf2,
doc1, ofd1), each read once, and the one-line refusal every bad file gets."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from store.errors import InputError
from store.readers import Source, read_bytes, read_path

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def fixture(prefix: str) -> Path:
    (path,) = FORMATS.glob(f"{prefix}_*")
    return path


@cache
def read(prefix: str) -> Source:
    return read_path(fixture(prefix))


def block(source: Source, text: str):
    """The one block with this text."""
    (found,) = [b for b in source.blocks if b.text == text]
    return found


def refusal(data: bytes, suffix: str) -> str:
    """The message a file with these bytes and this suffix is refused with: one line."""
    with pytest.raises(InputError) as info:
        read_bytes(data, suffix)
    message = str(info.value)
    assert message and "\n" not in message, message
    return message
