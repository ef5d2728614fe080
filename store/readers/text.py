"""The plain-text reader: encoding detection, and refusal of bytes that are not text."""

from __future__ import annotations

import codecs
import re

from store.errors import InputError
from store.readers.base import Block, Source

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _is_plausible_text(text: str) -> bool:
    """Text that decodes is not necessarily text: GB18030 accepts most byte soup. Real
    documents are nearly all CJK, ASCII, whitespace and punctuation."""
    return _text_ratio(text) >= 0.95


def _text_ratio(text: str) -> float:
    """The share of characters that real documents are made of."""
    if not text:
        return 1.0
    good = 0
    for ch in text:
        o = ord(ch)
        if (
            0x20 <= o < 0x7F
            or ch in "\n\r\t\f"
            or 0x4E00 <= o <= 0x9FFF
            or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF
            or 0x2000 <= o <= 0x206F
            or 0x3400 <= o <= 0x4DBF
            or 0xA0 <= o <= 0x17F
            or 0x2460 <= o <= 0x24FF
            or 0x3200 <= o <= 0x33FF
        ):
            good += 1
    return good / len(text)


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    return len(_CONTROL_RE.findall(text)) / max(1, len(text))


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises InputError with the reason when it is not text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError as exc:
                raise InputError(f"cannot decode as {name} despite its byte-order mark: {exc.reason}") from None
            return _check_text(text, "utf-8" if name == "utf-8-sig" else name, bom=True)
    if b"\x00" in data:
        # UTF-16 without a BOM: zero bytes are the high bytes of ASCII characters and the low
        # bytes of U+3000 (the ideographic space that indents Chinese paragraphs), so their
        # positions do not tell the byte order. Decoded the wrong way round, CJK text scatters
        # over the whole of Unicode; decoded the right way, it is nearly all CJK and ASCII.
        best = None
        for name in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            ratio = _text_ratio(text)
            if best is None or ratio > best[0]:
                best = (ratio, text, name)
        if best and best[0] >= 0.95:
            return _check_text(best[1], best[2])
        raise InputError("not a text file: it contains binary data (NUL bytes)")
    try:
        return _check_text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    for name in ("gbk", "gb18030"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _is_plausible_text(text):
            return _check_text(text, name)
    raise InputError("cannot decode: not UTF-8, UTF-16 or GB18030/GBK text")


def _check_text(text: str, encoding: str, bom: bool = False) -> tuple[str, str]:
    if _control_ratio(text) > 0.05:
        raise InputError("not a text file: it is full of control characters")
    if not text.strip():
        raise InputError("empty file: it holds no text")
    return text, (f"{encoding} (BOM)" if bom and encoding == "utf-8" else encoding)


def read(data: bytes) -> Source:
    """The plain-text reader: one block per line, leading spaces kept (they mark indented
    paragraphs in web copies)."""
    text, encoding = decode(data)
    return source_from_text(text, encoding)


def source_from_text(text: str, encoding: str = "utf-8") -> Source:
    lines = text.replace("\ufeff", "").splitlines()
    return Source([Block(line, number) for number, line in enumerate(lines, 1)], "text", "text", encoding)
