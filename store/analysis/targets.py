"""Which numbers a clause promises by which date: quantitative targets (480亿元, 2.5个百分点,
300万吨, 1%) with the direction where stated (达到, 降至, 压减, 以上) and their deadline, and
time limits (2017年底前完成…, 5月底完成) that no number goes with.

A deadline is a date or a year: 到2020年 and 2020年底前 are 2020, 2016年5月底前 is 2016-05,
2016年6月1日前 2016-06-01, 5月底 a month of the document's year, 3年内 and 用2－3年时间 count
from the document's date (from 2016 when it says 从2016年起). A target takes the deadline
stated before it in its paragraph (one that a list item （1） or 1． set goes with that item
only; one after 其中 only to the end of its sentence), else the one in parentheses that
closes its clause (（6月底完成，牵头考核单位：…）).

A number that is no target is left out: a 文号 or a title (《…2016年…》, 〔2016〕), a date of
issue or of something past (截至2015年底, 2020年9月11日), a start (从2018年起), an article or
list number, a threshold or a condition (30万吨以下的煤矿, 对…高于12%的), a starting value
(由2%降至1%), a rule's limit (不超过4科, 最低首付比例为20%), a subsidy or a fee (给予奖补100万元).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_FULL = tuple(zip("０１２３４５６７８９．％－～", "0123456789.%-~"))
_FULL_RE = re.compile("[０-９．％－～]")


def _ascii_digits(text: str) -> str:
    """Full-width digits and signs as ASCII, one character for one, so positions stay put
    (str.replace of the few there are: several times faster than str.translate)."""
    for wide, narrow in _FULL:
        if wide in text:
            text = text.replace(wide, narrow)
    return text

_CHINESE_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBER = r"(?:\d+|[一二两三四五六七八九十])"

_PLANS = {"十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}

# -- deadlines

# Each pattern that opens with an optional part opens with a lookahead of the characters a
# match can start with: the regex engine then skips the other positions at once (3-4x faster).
_DATE_RE = re.compile(
    r"(?=[到至在于12])(?P<to>到|至|在|于)?(?P<year>20\d\d|19\d\d)年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})[日号])?)?"
    r"(?P<end>底|末|年底|年末|中旬|上旬|下旬|份)?(?P<before>前|以前|之前|底前)?")
_MONTH_RE = re.compile(r"(?=\d)(?<![\d年月])(?P<month>\d{1,2})月(?P<end>底|末|份|中旬|上旬|下旬)?(?P<before>前|以前|之前)?"
                       r"(?P<done>完成|取得|实现|建成|上线|启动)?")
_THIS_YEAR_RE = re.compile(r"(?P<which>今年|本年|当年|明年|年底前|年内)")
_PERIOD_RE = re.compile(
    rf"(?=[用经利再力未在\d一二两三四五六七八九十])(?P<lead>用|经过|利用|再用|再利用|力争|未来|在)?(?P<low>{_NUMBER})(?:[-~—至到](?P<high>{_NUMBER}))?年"
    r"(?P<tail>左右时间|左右|时间|内|努力)?")
_PLAN_RE = re.compile(r"(?=[“\"十])[“\"]?(十[二三四五]五)[”\"]?(?:末|期间|时期|期末)")
_START_RE = re.compile(r"(?:从|自)(?P<year>20\d\d)年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?(?:起|开始)")

# -- quantities

_UNITS = ("个百分点", "百分点", "%", "‰", "亿千瓦", "万千瓦", "千瓦", "亿斤", "万斤", "万吨", "吨", "万亩", "亩",
          "公里", "千米", "万平方米", "平方米", "万人次", "人次", "万人", "万名", "万户", "万家", "万个", "万台",
          "亿元", "万元", "元/年", "元", "亿", "人", "名", "家", "户", "个", "项", "所", "条", "座", "处", "台", "场",
          "套", "辆", "兆", "倍", "件", "批")
_QUANTITY_RE = re.compile(
    r"(?P<number>\d+(?:\.\d+)?(?:[-~](?:\d+(?:\.\d+)?))?)(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + r")"
    r"(?P<after>以上|以下|及以上|及以下|以内|左右)?")
_NOT_UNIT_AFTER = {"个": ("月", "工作日", "小时", "方面", "百分点"), "家": ("庭",), "人": ("民", "员", "才", "口"),
                   "名": ("单",), "处": ("置", "理", "罚"), "场": ("所", "景", "地"), "件": ("事",),
                   "条": ("件", "例"), "种": ("类",), "所": ("有", "在"), "亿": ("斤", "元", "千瓦")}
_DIRECTIONS = ("提高到", "提升到", "增加到", "增长到", "扩大到", "扩大至", "降低到", "下降到", "降至", "降到",
               "控制在", "保持在", "稳定在", "不低于", "不少于", "达到", "超过", "突破", "减少", "降低", "下降",
               "压减", "削减", "化解", "淘汰", "退出", "新增", "增加", "增长", "提高", "提升", "完成", "建成",
               "建设", "培育", "形成", "打造", "置换", "处置", "累计", "引进", "发布", "遴选", "实现", "达")
_LIMIT_WORDS = ("不超过", "不得超过", "不高于", "最高", "最低", "最长", "首付", "计征", "预征", "收费", "罚款",
                "奖补", "补贴", "补助", "贴息", "奖励", "资助", "去年", "上年")
_STATE_WORDS = ("现有", "目前", "已有", "已经", "原有", "现在")
"""Words of how things are: a number after them is no target unless a verb of change stands
between (由目前的4.9%降低0.5个百分点: 0.5 is one, 4.9 is not)."""
_CONDITION_START = ("对", "凡", "对于", "针对")
_ENUMERATION_RE = re.compile(r"(?=[（(\d])(?:^|(?<=[。；;\s]))(?:[（(]\d{1,2}[）)]|\d{1,2}[．.、](?!\d))")
_PHRASE_END = "，,；;。：:\n"
_SENTENCE_END = "。；;\n"


@dataclass
class Target:
    subject: str  # what it is about: a short phrase before the number
    value: float | None  # None for a time limit without a number
    value_text: str  # as written, normalised: 480亿元, 2-3个; "" for a time limit
    unit: str
    direction: str | None  # 达到, 降至, 以上 … where stated
    deadline: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    deadline_text: str  # the words that set it: 到2018年年底, 3年内, 5月底
    start: int  # the span of text it came from, in the clause's text as given
    end: int

    @property
    def due_year(self) -> int | None:
        return int(self.deadline[:4]) if self.deadline else None


@dataclass
class _Deadline:
    start: int
    end: int
    value: str
    text: str
    scope_end: int  # where it stops applying
    used: bool = False


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _CHINESE_NUMBERS[word]


def _add_years(issued: date, years: int) -> str:
    try:
        return issued.replace(year=issued.year + years).isoformat()
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28).isoformat()


def _issued(document_date: str | None) -> date | None:
    try:
        return date.fromisoformat(document_date) if document_date else None
    except ValueError:
        return None


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    return any(a <= position < b for a, b in spans)


_PROTECTED_RE = re.compile(r"(?=[《〔\[（(\d])(?:《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|（\d{4}[-—－~至]\d{4}年?）|"
                           r"\(\d{4}[-—－~至]\d{4}年?\)|\d{4}[-—~至]\d{4}年)")


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans no target or deadline comes from: titles in 《》, 文号 brackets, year ranges."""
    return [m.span() for m in _PROTECTED_RE.finditer(text)]


def _deadlines(text: str, issued: date | None, opening: int, protected: list[tuple[int, int]]) -> list[_Deadline]:
    found: list[_Deadline] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: str | None, words: str) -> None:
        if value is None or _inside(protected, start) or _inside(taken, start):
            return
        taken.append((start, end))
        found.append(_Deadline(start, end, value, words, len(text)))

    starts = {m.start("year") - (2 if text[m.start():m.start() + 1] in "从自" else 0): m for m in _START_RE.finditer(text)}
    for m in _START_RE.finditer(text):
        taken.append(m.span())
    for m in _DATE_RE.finditer(text):
        year, month, day = int(m["year"]), m["month"], m["day"]
        after = text[m.end():m.end() + 2]
        before = text[max(0, m.start() - 3):m.start()]
        if after[:1] in ("起", "度", "版", "第", "至", "-", "—") or after.startswith(("以来", "以后", "开始")):
            continue
        if "截" in text[max(0, m.start() - 2):m.start() + 1] or "自" in before[-1:] or "从" in before[-1:]:
            continue
        if issued and year < issued.year and not m["to"]:
            continue
        if day and not m["before"]:  # a date that says when something happened, not by when
            continue
        if not (m["to"] or m["end"] or m["before"] or month or after[:1] not in ("，", ",", "、")):
            continue
        value = f"{year}"
        if month and not m["end"] in ("年底", "年末"):
            value = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
        add(m.start(), m.end(), value, m.group())
    year = issued.year if issued else None
    for m in _MONTH_RE.finditer(text):
        if year is None or not (m["end"] or m["before"] or m["done"]) or text[max(0, m.start() - 2):m.start()] == "每年":
            continue
        if not 1 <= int(m["month"]) <= 12:
            continue
        add(m.start(), m.end() - len(m["done"] or ""), f"{year}-{int(m['month']):02d}",
            m.group()[:len(m.group()) - len(m["done"] or "")])
    for m in _PERIOD_RE.finditer(text):
        if not (m["tail"] or m["lead"] in ("用", "经过", "利用", "再用", "再利用", "未来")):
            continue
        if m["tail"] is None and m["lead"] == "力争" or text[m.end():m.end() + 1] in ("期", "级", "来"):
            continue
        if m["lead"] == "在" and m["tail"] != "内":
            continue
        years = _number(m["high"] or m["low"])
        start_match = next((s for p, s in starts.items() if 0 <= m.start() - s.end() <= 6), None)
        if start_match is not None and not start_match["month"]:
            value = str(int(start_match["year"]) + years - 1)
        elif start_match is not None:
            begun = date(int(start_match["year"]), int(start_match["month"]), int(start_match["day"] or 1))
            value = _add_years(begun, years)
        elif issued is not None:
            value = _add_years(issued, years)
        else:
            continue
        add(m.start(), m.end(), value, m.group())
    for m in _THIS_YEAR_RE.finditer(text):
        if year is None or text[max(0, m.start() - 1):m.start()] in ("每", "同", "两", "一", "几", "多") or \
                text[max(0, m.start() - 1):m.start()].isdigit():
            continue
        which = m["which"]
        add(m.start(), m.end(), str(year + 1 if which == "明年" else year), which)
    for m in _PLAN_RE.finditer(text):
        add(m.start(), m.end(), str(_PLANS[m.group(1)]), m.group())
    found.sort(key=lambda d: d.start)
    _scope(text, found, opening)
    return found


def _scope(text: str, deadlines: list[_Deadline], opening: int) -> None:
    """How far each deadline applies: to the end of its paragraph, or of its list item
    （1）/1．, or, after 其中, of its sentence."""
    items = [m.start() for m in _ENUMERATION_RE.finditer(text)]
    for deadline in deadlines:
        line_end = text.find("\n", deadline.start)
        end = line_end if line_end >= 0 else len(text)
        if 0 <= deadline.start - opening <= 1:  # 到2023年，… opening the clause: its goals, on every line
            end = len(text)
        next_item = next((p for p in items if p > deadline.start), None)
        if next_item is not None and next_item < end:
            end = next_item
        if text[max(0, deadline.start - 3):deadline.start].endswith("其中"):
            sentence_end = min((i for i in (text.find(c, deadline.end) for c in _SENTENCE_END) if i >= 0),
                               default=len(text))
            end = min(end, sentence_end)
        deadline.scope_end = end


_PHRASE_END_RE = re.compile("[" + re.escape(_PHRASE_END) + "]")
_SENTENCE_END_RE = re.compile("[" + re.escape(_SENTENCE_END) + "]")
_ANYTHING_RE = re.compile(r"[0-9０-９]|年|五")
"""A clause without digits, 年 or a plan (十三五) holds no target: most are read no further."""


@lru_cache(maxsize=4)
def _ends(text: str) -> tuple[list[int], list[int]]:
    """Where the phrases and the sentences of a text end, found once per text."""
    return ([m.start() for m in _PHRASE_END_RE.finditer(text)],
            [m.start() for m in _SENTENCE_END_RE.finditer(text)])


def _phrase(text: str, start: int, end: int) -> tuple[int, int]:
    ends = _ends(text)[0]
    before, after = bisect_left(ends, start), bisect_left(ends, end)
    return (ends[before - 1] + 1 if before else 0), (ends[after] if after < len(ends) else len(text))


_STATE_SENTENCE = ("截至", "截止", "现状", "共有")
"""A sentence that says how things stand (产能现状：截至2015年底，全省共有各类煤矿154处…), and the
其中 sentence after it, hold no target."""


def _describes_the_present(text: str, position: int) -> bool:
    ends = _ends(text)[1]
    at = bisect_left(ends, position)
    start = ends[at - 1] + 1 if at else 0
    sentence = text[start:position]
    if any(word in sentence for word in _STATE_SENTENCE):
        return True
    if sentence.lstrip().startswith("其中") and start > 1:
        return _describes_the_present(text, start - 1)
    return False


_STARTING_VALUE_RE = re.compile(r"(由|从)(目前的?|现在的?)?$")
_MEASURED_BY_RE = re.compile(r"按[^，。；]*的$")
_NUMBER_OF_RE = re.compile(r"\d+(?:\.\d+)?%?的")
_COMPARED_RE = re.compile(r"(高于|低于|超过|大于|小于)$")
_LEADING_WORDS_RE = re.compile(r"^(力争|确保|争取|全省|全市|其中|并|要|将|使|到)+")
_CLOSING_BRACKETS_RE = re.compile(r"[（(][^（）()]*[）)]\s*$")


def _is_target(text: str, m: re.Match) -> bool:
    start, end = m.start(), m.end()
    unit, after = m["unit"], m["after"]
    following = text[m.end("unit"):m.end("unit") + 3]
    if any(following.startswith(word) for word in _NOT_UNIT_AFTER.get(unit, ())):
        return False
    if start and (text[start - 1].isdigit() or text[start - 1] in ".第"):
        return False
    if after in ("以上", "以下", "及以上", "及以下"):
        nxt = text[end:end + 1]
        if nxt and nxt not in _PHRASE_END + "）)、 　和与":
            return False  # 30万吨以下的煤矿, 66人以上超大班额: a threshold
    if after is None and unit not in ("%", "个百分点") and text[end:end + 2] in ("以下",):
        return False
    left, right = _phrase(text, start, end)
    phrase = text[left:right]
    before = text[left:start]
    if _describes_the_present(text, start):
        return False
    if any(word in phrase for word in _LIMIT_WORDS):
        return False
    for word in _STATE_WORDS:
        at = before.rfind(word)
        if at >= 0 and not any(verb in before[at:] for verb in _DIRECTIONS[:-1]):
            return False
    if _STARTING_VALUE_RE.search(before) or _MEASURED_BY_RE.search(before):
        return False
    if phrase.startswith(_CONDITION_START) and "的" in text[end:right]:
        return False
    if _NUMBER_OF_RE.match(text, start, right) and phrase.startswith(_CONDITION_START):
        return False
    if text[end:end + 1] == "的" and _COMPARED_RE.search(before):
        return False
    return True


def _direction(text: str, m: re.Match) -> str | None:
    left, _right = _phrase(text, m.start(), m.end())
    before = text[left:m.start()]
    for word in _DIRECTIONS:
        at = before.rfind(word)
        if at >= 0 and len(before) - at - len(word) <= 12:
            return word
    return m["after"] if m["after"] in ("以上", "以下", "以内") else None


def _subject(text: str, m: re.Match, deadlines: list[_Deadline]) -> str:
    left, _right = _phrase(text, m.start(), m.end())
    words = text[left:m.start()]
    for deadline in deadlines:
        words = words.replace(deadline.text, "")
    words = _LEADING_WORDS_RE.sub("", words.strip(" 　“”"))
    return words[-24:]


def _trailing_deadline(text: str, deadlines: list[_Deadline]) -> _Deadline | None:
    """A deadline in the parentheses that close the clause: （6月底完成，牵头考核单位：…）."""
    tail = _CLOSING_BRACKETS_RE.search(text.rstrip())
    if not tail:
        return None
    return next((d for d in deadlines if tail.start() <= d.start < tail.end()), None)


def extract(title: str, text: str, document_date: str | None = None) -> list[Target]:
    """The targets and time limits of a clause, in the order they stand; their spans are in
    its title and text joined by a line break (or its text alone when it has no title)."""
    text = f"{title}\n{text}" if title else text
    if not _ANYTHING_RE.search(text):
        return []
    if _FULL_RE.search(text):
        text = _ascii_digits(text)
    opening = len(title) + 1 if title else 0
    opening += len(text) - opening - len(text[opening:].lstrip(" 　\n"))
    issued = _issued(document_date)
    protected = _protected(text)
    deadlines = _deadlines(text, issued, opening, protected)
    protected = protected + [(d.start, d.end) for d in deadlines]
    trailing = _trailing_deadline(text, deadlines)
    targets = []
    for m in _QUANTITY_RE.finditer(text):
        if _inside(protected, m.start()) or not _is_target(text, m):
            continue
        governing = None
        for deadline in deadlines:
            if deadline.start < m.start() <= deadline.scope_end:
                governing = deadline
        governing = governing or trailing
        number = m["number"]
        value = float(number.split("-")[0].split("~")[0]) if number else None
        if governing is not None:
            governing.used = True
        targets.append(Target(_subject(text, m, deadlines), value, number + m["unit"], m["unit"], _direction(text, m),
                              governing.value if governing else None, governing.text if governing else "",
                              m.start(), m.end()))
    for deadline in deadlines:
        if not deadline.used:
            left, _right = _phrase(text, deadline.start, deadline.end)
            ends = [i for i in (text.find(c, deadline.end) for c in _PHRASE_END + "（(") if i >= 0]
            action = text[deadline.end:min(ends, default=len(text))].strip(" ，,、:：")
            targets.append(Target(action[:24] or text[left:deadline.start].strip()[-24:],
                                  None, "", "", None, deadline.value, deadline.text, deadline.start, deadline.end))
    targets.sort(key=lambda t: t.start)
    return targets
