"""Heading numbering conventions of Chinese official documents (GB/T 9704 and common
practice): which numbering style a line starts with, and its number.

The parser decides elsewhere whether a candidate is really a heading (whether it fits the
sequence at its level); this module only recognises the shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from store.readers.listnumbers import chinese_counting

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "一二三四五六七八九十百千零〇○两"

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_PAREN_DIGITS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def chinese_to_int(text: str) -> int | None:
    """一 → 1, 十一 → 11, 二十 → 20, 一百零五 → 105, 二〇二一 → 2021 (digit by digit)."""
    if not text:
        return None
    if all(ch in _CN_DIGITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def renumbered(cand: Candidate, number: int) -> Candidate:
    """The same heading under another number, written as it was (第一章 → 第八章, 第1条 → 第8条)."""
    arabic = any(ch.isdigit() for ch in cand.label)
    word = cand.style.split(":", 1)[1] if ":" in cand.style else ""
    label = f"第{number if arabic else chinese_counting(number)}{word}" if word else cand.label
    return Candidate(cand.style, number, label, cand.rest, cand.numbers)


def to_int(token: str) -> int | None:
    token = token.translate(FULLWIDTH_DIGITS)
    if token.isdigit():
        return int(token)
    return chinese_to_int(token)


FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_LETTERS = str.maketrans("ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class Candidate:
    """A line that starts like a heading: its style, number, printed label and the rest."""

    style: str
    number: int
    label: str
    rest: str
    numbers: tuple[int, ...] = ()  # all components of a 1.2.3 number


_D = r"[0-9０-９]"
_CN = f"[{CN_NUMERAL}]"
_SPACE = r"[ \t\u3000\xa0]*"

_UNITS = "万亿千百元角分倍个户人家名次项件台辆套吨米亩斤克度时天年岁所座条只股"
"""Units of measure right after a number: 2.1万亿元 and 2.5万平方米 are amounts, not 2.1/2.5."""

_RANK_WORDS = "分编|分編|编|編|篇|部分|章|节|節|条|條|款"
_TRADITIONAL_RANKS = {"分編": "分编", "編": "编", "節": "节", "條": "条"}
"""第一編, 第三節, 第 41-1 條 in traditional texts: the same ranks."""

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 第一编 / 第一分编 / 第1章 / 第一部分 … ; 条 is the article of regulations.
    ("rank", re.compile(rf"^(第{_SPACE}(?:{_CN}+|{_D}+){_SPACE}(?:-{_SPACE}{_D}+{_SPACE})?({_RANK_WORDS}))(?=[ \t\u3000\xa0:：、]|$|[^\x00-\x7f])")),
    # 一、 一. 一．
    ("cn", re.compile(rf"^({_CN}{{1,4}}){_SPACE}[、.．]")),
    # （一） (一)
    ("cn_paren", re.compile(rf"^[（(]{_SPACE}({_CN}{{1,4}}){_SPACE}[)）]")),
    # 1.1 / 1.1.1 (two or more components), not a decimal amount such as 2.69 or 2.1万亿元
    ("decimal", re.compile(rf"^({_D}{{1,2}}(?:[.．]{_D}{{1,2}}){{1,3}})(?![0-9０-９.．%％‰{_UNITS}])")),
    # 1. 1． (not 1.5)
    ("arabic_dot", re.compile(rf"^({_D}{{1,3}}){_SPACE}[.．](?![0-9０-９])")),
    # 1、
    ("arabic_dun", re.compile(rf"^({_D}{{1,3}}){_SPACE}、")),
    # （1） (1)
    ("arabic_paren", re.compile(rf"^[（(]{_SPACE}({_D}{{1,3}}){_SPACE}[)）]")),
    # 1） 1)  (half-bracket, common in pasted text)
    ("arabic_half_paren", re.compile(rf"^({_D}{{1,3}})[)）]")),
    # 1 建设背景 (a number, a space, a short heading: plans numbered 1 / 1.1 / 1.1.1)
    ("arabic_space", re.compile(rf"^({_D}{{1,2}})[ \u3000\xa0]+(?=[\u4e00-\u9fff])")),
    ("circled", re.compile(rf"^([{_CIRCLED}])")),
    ("paren_digit", re.compile(rf"^([{_PAREN_DIGITS}])")),
    # 附录A 名词解释: a lettered appendix of a guide or a standard, a part of the document.
    ("appendix", re.compile(r"^附[ \t\u3000]*录[ \t\u3000]*([A-ZＡ-Ｚ])(?![A-Za-z.．])")),
    # A.1, B.2.3: the sections of appendix A, B.
    ("lettered", re.compile(rf"^([A-Z](?:[.．]{_D}{{1,2}}){{1,3}})(?![0-9０-９.．%％])")),
    # 专栏3 重大工程: a box of a plan, numbered through the document, set inside a section.
    ("box", re.compile(rf"^专栏{_SPACE}({_D}{{1,3}}|{_CN}{{1,3}})(?![0-9０-９{CN_NUMERAL}])")),
]

_RANK_RE = re.compile(rf"第{_SPACE}({_CN}+|{_D}+){_SPACE}(?:-{_SPACE}({_D}+){_SPACE})?({_RANK_WORDS})")

RANKS = {"rank:编": 0, "rank:篇": 0, "rank:部分": 0, "rank:分编": 1, "rank:章": 2, "rank:节": 3, "rank:条": 4,
         "rank:款": 5}
"""The statutory ranks in their fixed order, 编 > 分编 > 章 > 节 > 条 > 款 (篇 and 部分 are the parts of
plans, at the top like 编): a 条 inside a 节 is below the 节 even where other chapters have none.
Every other style (一、 （一） 1. （1） …) is the GB/T 9704 family, whose depths are learned per
document."""

KEYWORD_HEADINGS = {
    # Unnumbered parts that behave like chapters: numbered headings after them are children.
    "总则": "part", "分则": "part", "附则": "part", "總則": "part", "附則": "part",
    # Unnumbered parts that precede or follow the numbered ones: siblings of the top level.
    "前言": "aside", "序言": "aside", "引言": "aside", "导言": "aside", "導言": "aside",
    "概述": "aside", "结语": "aside", "结束语": "aside", "結語": "aside", "結束語": "aside",
    "总论": "aside", "總論": "aside", "序": "aside",
}


def keyword_heading(text: str) -> str | None:
    """前言, 总则 … alone on a line (spaces inside allowed: 前　言)."""
    compact = "".join(text.split())
    return compact if compact in KEYWORD_HEADINGS else None


def _patterns_for(first: str) -> list[tuple[str, re.Pattern[str]]]:
    """Only the patterns that can match a line starting with this character."""
    if first == "第":
        return _BY_START["第"]
    if first in "（(":
        return _BY_START["("]
    if first in "0123456789０１２３４５６７８９":
        return _BY_START["0"]
    if first in CN_NUMERAL:
        return _BY_START["一"]
    if first in _CIRCLED or first in _PAREN_DIGITS:
        return _BY_START["①"]
    if first == "专":
        return _BY_START["专"]
    if first == "附":
        return _BY_START["附"]
    if "A" <= first <= "Z":
        return _BY_START["A"]
    return []


_BY_START = {
    "第": [p for p in _PATTERNS if p[0] == "rank"],
    "(": [p for p in _PATTERNS if p[0] in ("cn_paren", "arabic_paren")],
    "0": [p for p in _PATTERNS if p[0] in ("decimal", "arabic_dot", "arabic_dun", "arabic_half_paren", "arabic_space")],
    "一": [p for p in _PATTERNS if p[0] == "cn"],
    "①": [p for p in _PATTERNS if p[0] in ("circled", "paren_digit")],
    "专": [p for p in _PATTERNS if p[0] == "box"],
    "附": [p for p in _PATTERNS if p[0] == "appendix"],
    "A": [p for p in _PATTERNS if p[0] == "lettered"],
}


@lru_cache(maxsize=8192)
def match(text: str) -> Candidate | None:
    """Recognise the numbering at the start of a line (already stripped). Every stage asks
    about the same paragraphs, so the answers are kept."""
    if not text or text[0] not in _STARTS:
        return None
    for style, pattern in _patterns_for(text[0]):
        m = pattern.match(text)
        if not m:
            continue
        if style == "rank":
            cm = _RANK_RE.match(m.group(1))
            number = to_int(cm.group(1))
            if number is None:
                continue
            label = _SPACES_RE.sub("", m.group(1))
            # 第一章：总则 loses its colon; 第四条 …下列条件： keeps the one that ends its text.
            rest = text[m.end():].lstrip(" \t\u3000\xa0:：").rstrip(" \t\u3000\xa0")
            word = _TRADITIONAL_RANKS.get(cm.group(3), cm.group(3))
            # 第41-1條, inserted after 第41條 by an amendment: numbered 41 again, with its sub-number.
            numbers = (number, int(cm.group(2).translate(FULLWIDTH_DIGITS))) if cm.group(2) else ()
            return Candidate(f"rank:{word}", number, label, rest, numbers)
        token = m.group(1)
        if style in ("appendix", "lettered"):
            parts = tuple(ord(p.translate(_FULLWIDTH_LETTERS)) - 64 if p[0].isalpha() else int(p)
                          for p in re.split(r"[.．]", token.translate(FULLWIDTH_DIGITS)))
            name = "appendix" if style == "appendix" else f"lettered{len(parts)}"
            label = f"附录{token}" if style == "appendix" else token
            return Candidate(name, parts[-1], label, text[m.end():].strip(" \t\u3000:："), parts)
        if style == "decimal":
            parts = tuple(int(p.translate(FULLWIDTH_DIGITS)) for p in re.split(r"[.．]", token))
            return Candidate(f"decimal{len(parts)}", parts[-1], token, text[m.end():].strip(), parts)
        if style in ("circled", "paren_digit"):
            alphabet = _CIRCLED if style == "circled" else _PAREN_DIGITS
            number = alphabet.index(token) + 1
        else:
            number = to_int(token)
        if number is None or number == 0:
            continue
        label = _SPACES_RE.sub("", m.group(0))
        return Candidate(style, number, label, text[m.end():].strip())
    return None


_SPACES_RE = re.compile(r"[ \t\u3000\xa0]+")
_STARTS = frozenset("第（(专附ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789０１２３４５６７８９" + CN_NUMERAL + _CIRCLED
                    + _PAREN_DIGITS)
