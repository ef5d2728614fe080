"""Helpers shared by the tests of the format readers (test_readers_*.py): the real files in
tests/fixtures/formats, copied byte for byte from ../shared/formats, and the one-line refusal
every bad file gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import InputError
from store.readers import read_bytes

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def refusal(data: bytes, suffix: str) -> str:
    """The message a file with these bytes and this suffix is refused with: one line."""
    with pytest.raises(InputError) as info:
        read_bytes(data, suffix)
    message = str(info.value)
    assert message and "\n" not in message, message
    return message
