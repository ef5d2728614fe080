"""Page numbers that a PDF's text layer glued to the text: `1中华人民共和国民法典`,
`意思表示2第三节…`, `制定本法。8第二条…`, `…的规定。244`.

A number glued to text is a page number when it belongs to the file's sequence of page
numbers: values that rise by one (now and then two or three, where a page had none) through the
file, a page's worth of lines apart. Numbers that merely stand next to text (2015年, 第3条, 12亿元)
do not form such a chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.parse import numbering

_HEADING_AHEAD = (rf"第[{numbering.CN_NUMERAL}]{{1,8}}(?:分编|编|章|节|条)|[（(][{numbering.CN_NUMERAL}]{{1,4}}[)）]"
                  rf"|[{numbering.CN_NUMERAL}]{{1,4}}、")
NOT_AFTER_DIGITS = "年月日号期届次万亿千百元角分倍个户人家名次项件台辆套吨米亩斤克度时天岁所座条只股%％‰.．:：/-—~～"

_LEADING_RE = re.compile(rf"^([0-9]{{1,4}})(?=[\u4e00-\u9fff（“《])(?![{NOT_AFTER_DIGITS}])")
_LABEL_BEFORE = "件表录錄图圖第篇卷期号號版条款项级級类類组組批次段页頁章节編编"
"""附件1, 表2, 第3: a number after these words is a label, not a page number."""
_TRAILING_RE = re.compile(rf"(?<=[\u4e00-\u9fff。；：！？）”》、])(?<![{_LABEL_BEFORE}])([0-9]{{1,4}})$")
_LEADING_SPACED_RE = re.compile(rf"^([0-9]{{1,4}})[ \u3000](?=[\u4e00-\u9fff（“《—A-Z])(?![{NOT_AFTER_DIGITS}])")
MAX_PAGE_SPREAD = 0.35
"""How unevenly the page numbers written apart from the text may stand (a page is one length
of lines, give or take a table or a heading)."""
_DIGITS_BEFORE_NUMBERING_RE = re.compile(r"^([0-9]{2,8})(?=(?:[.．][0-9]|、|[.．](?![0-9])))")
"""7910.1 推动…, 14822、术语: a page number run into a heading numbered with digits (10.1, 22、)."""
_AFTER_SENTENCE_RE = re.compile(rf"(?<=[。；！？])([0-9]{{1,4}})(?=[\u4e00-\u9fff（“《])(?![{NOT_AFTER_DIGITS}])")
_MIDDLE_RE = re.compile(rf"(?<=[\u4e00-\u9fff。；：！？）”》])(?<![{_LABEL_BEFORE}])([0-9]{{1,4}})(?={_HEADING_AHEAD})")

MIN_CHAIN = 3
MIN_LINES_PER_PAGE = 3
MAX_STEP = 20
"""Pages whose number was lost (a page of a table, a number the text layer lacks) leave gaps
in the sequence: up to this many pages, provided the lines between hold that many pages."""


@dataclass(frozen=True)
class Glued:
    """A page number found glued to a line: where, and whether the line goes on after it."""

    index: int  # line index
    start: int  # character offsets of the digits
    end: int
    value: int
    splits: bool = False  # a heading follows it: the line is cut there
    spaced: bool = False  # a space between it and the text (17 附录 A …): a heading's number looks the same


def find(lines: list[str], standalone: dict[int, int]) -> list[Glued]:
    """The glued page numbers of these lines. `standalone` maps the index of a line that is
    only a page number to its value: those are links of the chain too."""
    candidates: list[tuple[int, int, Glued | None]] = [(i, v, None) for i, v in standalone.items()]
    for index, line in enumerate(lines):
        if not line or not _has_digit(line):
            continue
        m = _DIGITS_BEFORE_NUMBERING_RE.match(line) if line[0].isdigit() else None
        if m:  # every split of the digits is a candidate; the page sequence picks one
            digits = m.group(1)
            for k in range(1, min(4, len(digits) - 2) + 1):
                if digits[k] != "0":  # the heading's own number keeps two digits or more: 10.1, 22、
                    glued = Glued(index, 0, k, int(digits[:k]))
                    candidates.append((index, glued.value, glued))
        seen: set[int] = set()
        for regex in _regexes_for(line):
            for m in regex.finditer(line):
                if m.start(1) in seen:
                    continue
                seen.add(m.start(1))
                glued = Glued(index, m.start(1), m.end(1), int(m.group(1)), splits=regex is _MIDDLE_RE)
                candidates.append((index, glued.value, glued))
        if line[0].isdigit() and (m := _LEADING_SPACED_RE.match(line)):
            glued = Glued(index, 0, m.end(1), int(m.group(1)), spaced=True)
            candidates.append((index, glued.value, glued))
    if len(candidates) < MIN_CHAIN:
        return []
    candidates.sort(key=lambda c: (c[0], c[2].start if c[2] else -1))
    chain = _longest_chain(candidates)
    if any(c[2] is not None and c[2].spaced for c in chain) and not _evenly_spaced(chain):
        # "1 总体要求 … 2 基础工作": headings numbered with a space also rise one by one, but
        # not a page apart each time.
        chain = _longest_chain([c for c in candidates if c[2] is None or not c[2].spaced])
    if len(chain) < MIN_CHAIN:
        return []
    return [c[2] for c in chain if c[2] is not None]


def _evenly_spaced(chain: list[tuple[int, int, Glued | None]]) -> bool:
    """Whether the links of a chain stand about a page's worth of lines apart, page after page."""
    gaps = [(b[0] - a[0]) / (b[1] - a[1]) for a, b in zip(chain, chain[1:])]
    if len(gaps) < MIN_CHAIN:
        return False
    mean = sum(gaps) / len(gaps)
    spread = (sum((g - mean) ** 2 for g in gaps) / len(gaps)) ** 0.5
    return spread <= MAX_PAGE_SPREAD * mean


_DIGIT_RE = re.compile(r"[0-9]")
_INSIDE_RE = re.compile(r"[\u4e00-\u9fff。；：！？）”》][0-9]")


def _regexes_for(line: str) -> list[re.Pattern[str]]:
    """Only the patterns that can match this line: most lines hold a number somewhere, few
    hold one where a page number could be glued."""
    found = []
    if line[0].isdigit():
        found.append(_LEADING_RE)
    if _INSIDE_RE.search(line):
        found += [_MIDDLE_RE, _AFTER_SENTENCE_RE]
    if line[-1].isdigit():
        found.append(_TRAILING_RE)
    return found


def _has_digit(line: str) -> bool:
    return _DIGIT_RE.search(line) is not None


def _longest_chain(candidates: list[tuple[int, int, Glued | None]]) -> list[tuple[int, int, Glued | None]]:
    """The longest run of candidates whose values rise from one to the next by a page or a
    few, at least a few lines a page apart: dynamic programming over the values seen so far."""
    best: dict[int, tuple[int, int]] = {}  # value → (chain length, candidate position) ending there
    back: list[int | None] = [None] * len(candidates)
    lengths = [1] * len(candidates)
    for position, (line, value, _glued) in enumerate(candidates):
        for step in range(1, MAX_STEP + 1):
            previous = best.get(value - step)
            if previous and candidates[previous[1]][0] <= line - MIN_LINES_PER_PAGE * step \
                    and previous[0] + 1 > lengths[position]:
                lengths[position], back[position] = previous[0] + 1, previous[1]
        if value not in best or lengths[position] >= best[value][0]:
            best[value] = (lengths[position], position)
    end = max(range(len(candidates)), key=lengths.__getitem__)
    chain = []
    position: int | None = end
    while position is not None:
        chain.append(candidates[position])
        position = back[position]
    return chain[::-1]
