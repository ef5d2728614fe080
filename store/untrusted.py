"""Text from outside (clause text, titles, tags, notes, author and file names) shown safely.

Such text may hold ESC sequences or other control characters that would retitle the terminal,
clear the screen or move the cursor if printed raw. Every line the CLI prints and every widget
the app draws passes untrusted text through `visible` first; what is imported or typed is
stored `cleaned`, so the database itself holds no control characters.
"""

from __future__ import annotations

import re

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 controls but tab and newline, DEL, the C1 controls (U+0080–U+009F, CSI among them), and
lone surrogates (a file name that is not UTF-8, a JSON "\\ud800"), which cannot be printed or
stored at all."""

_LINE_BREAK_RE = re.compile(r"\r\n?")


def visible(text: str) -> str:
    """Control characters as visible symbols: ESC as ␛, NUL as ␀, DEL as ␡, a C1 control or
    a lone surrogate as �. One character for one, so highlight offsets stay right."""
    if not CONTROL_RE.search(text):
        return text
    return CONTROL_RE.sub(_symbol, text)


def one_line(text: str) -> str:
    """`visible`, and a line break as ␊: for a file name or a tag on a line of its own."""
    return visible(text).replace("\n", "\u240a")


def cleaned(text: str) -> str:
    """Text from outside as it is stored: line breaks as \\n (a carriage return would start a
    new line in a terminal or in Markdown), every other control character visible."""
    return visible(_LINE_BREAK_RE.sub("\n", text)) if CONTROL_RE.search(text) else text


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"
