"""Text from outside (clause text, titles, tags, notes, author and file names) shown safely.

Such text may hold ESC sequences or other control characters that would retitle the terminal,
clear the screen or move the cursor if printed raw. Every line the CLI prints and every widget
the app draws passes untrusted text through `visible` first.
"""

from __future__ import annotations

import re

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL, and the C1 controls (U+0080–U+009F, CSI among them)."""


def visible(text: str) -> str:
    """Control characters as visible symbols: ESC as ␛, NUL as ␀, DEL as ␡, a C1 control as �."""
    if not CONTROL_RE.search(text):
        return text
    return CONTROL_RE.sub(_symbol, text)


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"
