"""The search form of text: what "ignoring whitespace, full-/half-width forms and
traditional/simplified differences" means, in one place.

`fold(text)` maps every character of `text` to at most one character (never more), so a
position in the folded string maps back to exactly one position in the original. This is what
lets the app highlight 稅費 in a traditional clause when the reviewer typed 税费.

OpenCC is loaded on first use (12 ms), and only strings holding a traditional character are
converted: OpenCC also rewrites some simplified phrases (破坏土地 → 破坯土地), which would make
a simplified clause unfindable by its own words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_DROPPED_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs"}

_TOKENIZER_FOLDS = {"ς": "σ", "\u0345": "ι", "\ufffe": "\ufffd", "\uffff": "\ufffd"}
"""The only characters that SQLite's unicode61 tokenizer turns into another token than
themselves (checked over every code point by tests/test_search.py): folded the same way
here, so that the index and a plain scan of fold() agree on them too. The index tokens do
not change, so databases indexed before need no rebuild."""


class _FoldTable(dict):
    """str.translate table built lazily, one entry per distinct character seen."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        if ch.isspace() or unicodedata.category(ch) in _DROPPED_CATEGORIES:
            value = None
        else:
            value = unicodedata.normalize("NFKC", ch)
            if len(value) != 1:
                value = ch
            lowered = value.lower()
            value = lowered if len(lowered) == 1 else value
            value = _TOKENIZER_FOLDS.get(value, value)
        self[code] = value
        return value


_FOLD = _FoldTable()

_MAY_FOLD_RE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff、。“”‘’《》〈〉【】—…·a-z0-9!-@\[-`{-~]")
"""A character that fold may change: any but those it keeps as they are, which most Chinese
text is made of (CJK ideographs and their punctuation, lower-case ASCII letters, digits and
punctuation; tests/test_normalize.py checks every one)."""

_FREQUENT = "，：；（）！？％\u3000 \t\n"
"""Characters of Chinese text that fold changes (full-width punctuation, which NFKC makes
ASCII; the spaces it drops), replaced one by one before the table is looked up."""


@lru_cache(maxsize=1)
def _frequent_folds() -> tuple[tuple[str, str], ...]:
    return tuple((ch, _FOLD[ord(ch)] or "") for ch in _FREQUENT)


def _fold_characters(text: str) -> str:
    """text.translate(_FOLD), two to three times faster on Chinese text: str.translate makes
    an int object per character to look it up, so the frequent changes are made with
    str.replace, and the table is looked up only when some other character may change."""
    for old, new in _frequent_folds():
        if old in text:
            text = text.replace(old, new)
    return text.translate(_FOLD) if _MAY_FOLD_RE.search(text) else text


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> tuple[re.Pattern[str], dict[int, str]]:
    """Characters that OpenCC changes on their own, as a detector and a fallback table."""
    ranges = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
    chars = [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]
    converted = _opencc().convert("\n".join(chars)).split("\n")
    table = {}
    if len(converted) == len(chars):
        table = {ord(a): b for a, b in zip(chars, converted) if a != b and len(b) == 1}
    pattern = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")
    return pattern, table


def to_simplified(text: str) -> str:
    """Traditional → simplified, same length; simplified characters are never rewritten."""
    pattern, table = _traditional()
    if not pattern.search(text):
        return text
    converted = _opencc().convert(text)
    if len(converted) != len(text):
        return text.translate(table)
    if converted == text.translate(table):  # the usual case: nothing beyond the character table
        return converted
    # Accept a phrase-level rewrite only for characters that are traditional on their own:
    # 破坏土地 next to a traditional word must not become 破坯土地.
    return "".join(
        new if new == old or ord(old) in table else old for old, new in zip(text, converted)
    )


def fold(text: str) -> str:
    """The search form: NFKC per character, lower case, no whitespace or invisible
    characters, simplified."""
    return to_simplified(_fold_characters(text))


def search_forms(text: str) -> tuple[str, str]:
    """(fold(text), its character-by-character conversion when that differs, else "").

    OpenCC converts traditional text by context: 資金鍊斷裂 becomes 资金链断裂, but 鍊 alone
    becomes 炼, so the query 鍊斷裂 (炼断裂) would miss the clause it was copied from. A clause
    whose two conversions differ is indexed under both, so that any piece of it finds it."""
    base = _fold_characters(text)
    folded = to_simplified(base)
    pattern, table = _traditional()
    if folded == base or not pattern.search(base):
        return folded, ""
    by_character = base.translate(table)
    return folded, (by_character if by_character != folded else "")


def fold_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """fold(text) and, for each of its characters, the index of the original character."""
    folded = fold(text)
    if len(folded) == len(text):  # nothing dropped: positions are the same
        return folded, range(len(text))
    offsets = [index for index, ch in enumerate(text) if _FOLD[ord(ch)] is not None]
    if len(folded) != len(offsets):  # cannot happen: fold never changes lengths per char
        raise AssertionError("fold changed the length of the text")
    return folded, offsets


def spaced(folded: str) -> str:
    """One token per character for the FTS5 index: '税费' → '税 费' (str.replace rather than
    ' '.join, which makes an object per character: 4× faster)."""
    return folded.replace("", " ")[1:-1]
