"""Two clauses side by side: what both say and what each adds, and the numbers, dates and
departments that differ.

The texts are compared in their folded form (store.normalize: Shanghai's 稅費 is Liaoning's
税费), a word at a time when the caller has them cut into words (jieba, in a helper process:
tui/segmenter.py), else a character at a time; the result is marked on the texts as written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from store.normalize import fold, fold_with_offsets


@dataclass
class Side:
    """One clause as written, cut into pieces that the other clause has too (shared) or not."""

    text: str
    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (text, shared)

    @property
    def added(self) -> str:
        """What only this side says, its pieces joined by …"""
        return "…".join(piece for piece, shared in self.pieces if not shared and piece.strip(_QUIET))


@dataclass
class Difference:
    """Items of one kind (numbers, dates, departments) that only one side has."""

    left: list[str]
    right: list[str]

    def __bool__(self) -> bool:
        return bool(self.left or self.right)


@dataclass
class Comparison:
    left: Side
    right: Side
    shared: float  # share of the two texts' words (or characters) that both have
    numbers: Difference
    dates: Difference
    agencies: Difference


_TOKEN_RE = re.compile(r"\d+(?:\.\d+)*|[a-z]+|.", re.S)
"""Without words: a number or a Latin word is one token, any other character one each (2% and
1.9% differ; they do not share a 1)."""

_QUIET = " \u3000\n，。；、：,.;:！？!?（）()《》“”\"'"


def compare(left: str, right: str, words: tuple[Sequence[str], Sequence[str]] | None = None,
            agencies: Callable[[str], list[str]] | None = None) -> Comparison:
    """Compare two clause texts. `words` are the folded texts cut into words (what jieba's
    cut gives for fold(left) and fold(right), every character kept); without them the texts
    are compared a character at a time. `agencies` lists the departments a text names (by
    default those in its responsible-unit brackets, responsible_units)."""
    agencies = agencies or responsible_units
    left_folded, left_offsets = fold_with_offsets(left)
    right_folded, right_offsets = fold_with_offsets(right)
    left_words = _whole_numbers(words[0]) if words else _TOKEN_RE.findall(left_folded)
    right_words = _whole_numbers(words[1]) if words else _TOKEN_RE.findall(right_folded)
    if "".join(left_words) != left_folded or "".join(right_words) != right_folded:
        raise ValueError("the words must be the folded texts, every character kept")
    matcher = difflib.SequenceMatcher(None, left_words, right_words, autojunk=False)
    left_shared = [False] * len(left_words)
    right_shared = [False] * len(right_words)
    shortest = 1 if words else 2  # one character in common inside a change says nothing
    for block in matcher.get_matching_blocks():
        if block.size < shortest:
            continue
        for i in range(block.size):
            left_shared[block.a + i] = right_shared[block.b + i] = True
    counted = [w for w in left_words + right_words if w.strip(_QUIET)]
    shared = [w for w, s in zip(left_words + right_words, left_shared + right_shared) if s and w.strip(_QUIET)]
    return Comparison(
        Side(left, _pieces(left, left_offsets, left_words, left_shared)),
        Side(right, _pieces(right, right_offsets, right_words, right_shared)),
        len(shared) / len(counted) if counted else 1.0,
        _difference(numbers(left), numbers(right)),
        _difference(dates(left), dates(right)),
        _difference(agencies(left), agencies(right)),
    )


def _whole_numbers(words: Sequence[str]) -> list[str]:
    """Words with a number cut apart joined again (jieba cuts 0.5 into 0 . 5)."""
    joined: list[str] = []
    for word in words:
        if joined and _NUMBER_PART_RE.fullmatch(word) and _NUMBER_PART_RE.fullmatch(joined[-1]):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


_NUMBER_PART_RE = re.compile(r"[\d.]+")


def _pieces(text: str, offsets: Sequence[int], words: list[str], shared: list[bool]) -> list[tuple[str, bool]]:
    """The text as written in runs of shared and unshared words. A character that folding
    drops (a space) goes with the run before it; punctuation never starts a difference."""
    marks = [True] * len(text)
    position = 0
    for word, is_shared in zip(words, shared):
        for i in range(position, position + len(word)):
            marks[offsets[i]] = is_shared or not word.strip(_QUIET)
        position += len(word)
    pieces: list[tuple[str, bool]] = []
    for ch, mark in zip(text, marks):
        if pieces and pieces[-1][1] == mark:
            pieces[-1] = (pieces[-1][0] + ch, mark)
        else:
            pieces.append((ch, mark))
    return pieces


def _difference(left: list[str], right: list[str]) -> Difference:
    """What each side has that the other has not, compared folded, in the order written."""
    left_folded, right_folded = {fold(x) for x in left}, {fold(x) for x in right}
    return Difference([x for x in left if fold(x) not in right_folded],
                      [x for x in right if fold(x) not in left_folded])


# --------------------------------------------------------------------------- numbers and dates

_NUMBER = r"\d+(?:\.\d+)?"
_SMALL = "一二两三四五六七八九十"
_DATE_RE = re.compile(
    rf"\d{{4}}年(?:\d{{1,2}}月(?:\d{{1,2}}日)?|\d{{1,2}}月份)?(?:年底|年末|底|末|前|起|以来|以前|以后|内)*"
    rf"|(?:{_NUMBER}|[{_SMALL}]+)(?:[-—至到](?:{_NUMBER}|[{_SMALL}]+))?个?(?:年|月|工作日|日|天|周)(?:以?内|时间|左右)"
    rf"|年内|年底前|“十[一二三四五六七八九]五”(?:期间|末|初)"
)
"""Dates and deadlines, in folded text: 2016年5月1日起, 2017年3月底前, 2018年年底, 两年内,
3—5年时间, 60日内, “十三五”末."""

_UNITS = ("万亿元", "亿元", "万元", "元", "亿斤", "万吨", "吨", "千瓦时", "千伏", "公里", "平方米", "平米", "立方米",
          "个百分点", "百分点", "%", "‰", "倍", "项", "个", "户", "家", "人", "名", "条", "处", "座", "类", "批",
          "分", "次", "工种", "亩", "公顷")
_AMOUNT_RE = re.compile(rf"{_NUMBER}(?:[-—~至到]{_NUMBER})?(?:{'|'.join(map(re.escape, _UNITS))})?")


def dates(text: str) -> list[str]:
    """The dates and deadlines a text names, as written, each once."""
    return _found(text, _DATE_RE)


def numbers(text: str) -> list[str]:
    """The amounts, rates and counts a text names (dates and deadlines left out, see
    `dates`), as written, each once: 2%, 0.5%, 50%, 3万元, 480亿元, 18项. A bare number of
    one or two digits is left out (第3, 1.的 item numbers): with a measure word it counts."""
    return _found(text, _AMOUNT_RE, blank=_DATE_RE, keep=lambda value: not re.fullmatch(r"\d{1,2}", value))


def _found(text: str, pattern: re.Pattern, blank: re.Pattern | None = None, keep=lambda _value: True) -> list[str]:
    """Matches of a pattern in the folded text (full-width digits, 個百分點 and spaces folded
    away), returned as written in the text."""
    folded, offsets = fold_with_offsets(text)
    if blank is not None:
        folded = blank.sub(lambda m: "\0" * len(m.group()), folded)
    found = []
    for match in pattern.finditer(folded):
        if not keep(match.group()):
            continue
        found.append(text[offsets[match.start()]:offsets[match.end() - 1] + 1])
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------- departments

_UNITS_RE = re.compile(r"[（(]\s*(?:牵头|责任|主责|配合|协办|主办|牽頭|責任|配合)?(?:单位|部门|單位|部門)\s*[:：](.*?)[）)]",
                       re.S)
_UNIT_SPLIT_RE = re.compile(r"[、，,；;]|(?:牵头|责任|配合|协办|牽頭)?(?:单位|部门|單位|部門)\s*[:：]")


def responsible_units(text: str) -> list[str]:
    """The departments a clause names in its responsible-unit brackets: （牵头单位：省财政厅；
    配合单位：省地税局、省国税局） → 省财政厅, 省地税局, 省国税局. The seam for a fuller
    department finder: compare() takes any function of this shape."""
    found: list[str] = []
    for match in _UNITS_RE.finditer(text):
        for part in _UNIT_SPLIT_RE.split(match.group(1)):
            name = part.strip(" \u3000。").removesuffix("等有关单位").removesuffix("等单位").removesuffix("等")
            if name:
                found.append(name)
    return list(dict.fromkeys(found))
