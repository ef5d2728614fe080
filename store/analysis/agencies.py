"""Who leads a measure and who works with it: the agencies a clause names as lead
(牵头单位：…, X牵头, 由X负责, 责任单位：… when it is the only role given) and as partners
(配合单位：…, Y配合, Z按职责分工负责), in parentheses after the measure, on a line of their own
or in a table's columns.

A name relative to its issuer (省财政厅 in a Liaoning document, 市审批服务局 in a Baotou one) is
also known under its full name (辽宁省财政厅), so that agencies of different provinces stay
apart and the same agency is counted once. Generic collectives (各地区, 国务院相关部门, 有关单位)
name no agency and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD, PARTNER = "lead", "partner"

_LEAD_LABELS = ("牵头考核单位", "牵头单位", "牵头部门", "主责单位", "主责部门", "主办单位", "牵头")
_PARTNER_LABELS = ("配合单位", "配合部门", "协办单位", "参与单位", "协同单位", "协助单位")
_ONE_ROLE_LABELS = ("责任单位", "责任部门", "负责单位", "实施单位", "承办单位")
_LABEL_RE = re.compile("(" + "|".join(_LEAD_LABELS + _PARTNER_LABELS + _ONE_ROLE_LABELS) + ")[：:]")
_LABEL_ROLE = {**{k: LEAD for k in _LEAD_LABELS}, **{k: PARTNER for k in _PARTNER_LABELS},
               **{k: None for k in _ONE_ROLE_LABELS}}

_FIRST_LEADS_RE = re.compile(r"(列|排)(在)?第一(位)?(的|者)?(为|是)牵头")
"""A document's convention that the first agency of each list leads (列第一的为牵头单位，下同)."""

_SUFFIXES = ("委员会", "办公室", "工作组", "领导小组", "小组", "管委会", "中心支行", "分行", "支行", "中心",
             "总队", "支队", "公司", "集团", "政府", "厅", "局", "委", "办", "部", "署", "会", "院", "行",
             "所", "站", "处", "室", "旗", "科协", "残联", "海关", "分局")
_GENERIC_START = ("各", "有关", "相关", "其他", "其它", "所属", "本级", "同级", "县级", "市级", "省级", "属地",
                  "基层", "主管", "本地", "当地", "专人", "地方政府")
_GENERIC_PARTS = ("相关部门", "有关部门", "各部门", "各地区", "有关单位", "相关单位", "成员单位", "责任部门",
                  "职能部门", "牵头部门", "配合部门", "负责人", "负责同志", "主要领导", "部门（单位）")
_BARE_GOVERNMENT_RE = re.compile(r"^[省市县区乡镇州]?(（[^）]*）|〔[^〕]*〕|\([^)]*\))?(人民)?政府$")
_NAME_RE = re.compile(r"^[\u4e00-\u9fff（）()〔〕·]{2,32}$")

_ROLE_WORDS = (  # the word after a list, longest first, and the role it gives
    ("按职责分工负责", PARTNER), ("按职责分工落实", PARTNER), ("分工负责", PARTNER), ("牵头负责", LEAD),
    ("牵头落实", LEAD), ("牵头", LEAD), ("配合", PARTNER), ("参与", PARTNER), ("协助", PARTNER), ("负责", None),
)
_PAREN_RE = re.compile(r"[（(]([^（）()]{2,600})[）)]")
_SEGMENT_SPLIT = re.compile(r"[，,；;。]")
_LIST_SPLIT = re.compile(r"[、，,/]|及|以及")
_INLINE_RE = re.compile(
    r"(?:^|(?<=[，。；：:\s“”（）]))(由)?([\u4e00-\u9fff（）〔〕、]{2,80}?)"
    r"(按职责分工负责|分工负责|牵头负责|牵头落实|牵头|配合|负责)(?!人|同志|制|任|总责|考核单位|单位|部门)")


@dataclass(frozen=True)
class Mention:
    name: str  # as written: 省财政厅
    role: str  # lead | partner


def is_agency(name: str) -> bool:
    """A named body: a name of Chinese characters ending as bodies end (厅, 局, 委, 办, 部 …),
    not a collective (各地区, 国务院相关部门) or a bare 市政府."""
    if not _NAME_RE.match(name) or not name.endswith(_SUFFIXES):
        return False
    if name.startswith(_GENERIC_START) or any(part in name for part in _GENERIC_PARTS):
        return False
    return not _BARE_GOVERNMENT_RE.match(name)


def _names(text: str) -> list[str]:
    """The agencies of a list (省财政厅、省物价局；… 等国务院相关部门及各地区): 等 ends the named
    part of an item, generic items go."""
    names = []
    for item in _LIST_SPLIT.split(text):
        item = re.sub(r"\s+", "", item)
        item = item.split("等")[0].strip("“”\"'：:")
        if is_agency(item) and item not in names:
            names.append(item)
    return names


def _assign(names: list[str], role: str | None, first_leads: bool, found: list[Mention]) -> None:
    """A list's role: given, else lead (the only role given); with the document's convention
    that the first one leads, the others of a list that does not say are partners."""
    for position, name in enumerate(names):
        if role == LEAD:  # 牵头 says so for every one of them
            given = LEAD
        elif role is None or first_leads and role == PARTNER:
            given = LEAD if not first_leads or position == 0 else PARTNER
        else:
            given = role
        found.append(Mention(name, given))


def _labelled(text: str, found: list[Mention]) -> None:
    """牵头单位：A、B；配合单位：C — in parentheses, on a line of their own, anywhere."""
    matches = list(_LABEL_RE.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = re.split(r"[；;。）)\n]", text[match.end():end], maxsplit=1)[0]
        role = _LABEL_ROLE[match.group(1)]
        for name in _names(body):
            found.append(Mention(name, role or LEAD))


def _segment_role(segment: str) -> tuple[str, str | None] | None:
    """(the list, its role) of a piece of an attribution: "A、B牵头" → ("A、B", lead)."""
    for word, role in _ROLE_WORDS:
        if segment.endswith(word):
            return segment[: -len(word)], role
    return None


def _parenthesised(text: str, first_leads: bool, found: list[Mention]) -> None:
    """（A牵头，B、C按职责分工负责）, （A负责）, （A、B等负责）."""
    for match in _PAREN_RE.finditer(text):
        inner = match.group(1)
        if _LABEL_RE.search(inner):
            continue
        for segment in _SEGMENT_SPLIT.split(inner):
            parsed = _segment_role(segment.strip())
            if parsed:
                _assign(_names(parsed[0]), parsed[1], first_leads, found)


def _inline(text: str, found: list[Mention]) -> None:
    """由A负责, A牵头, B配合 in running text: the words before the role word must be agencies
    (积极配合, 专人负责 and 对…负责 name none)."""
    if "负责" not in text and "牵头" not in text and "配合" not in text:
        return  # most clauses: the pattern's lazy scan is the costliest part of the analysis
    outside = _PAREN_RE.sub(lambda m: "（" + "　" * len(m.group(1)) + "）", text)
    for match in _INLINE_RE.finditer(outside):
        by, words, role_word = match.groups()
        role = dict(_ROLE_WORDS)[role_word]
        if by is None and "由" in words:
            words = words.rsplit("由", 1)[1]
        names = _names(words)
        if names and "".join(names) == re.sub(r"[、及等]|以及", "", words).split("等")[0][: len("".join(names))]:
            for name in names:
                found.append(Mention(name, role or LEAD))


def _table(rows: list[list[str]], first_leads: bool, found: list[Mention]) -> None:
    """A table with 牵头单位 / 责任单位 / 配合单位 columns: each row's cells in those columns."""
    if not rows:
        return
    header = [re.sub(r"\s+", "", cell) for cell in rows[0]]
    columns = []
    for index, cell in enumerate(header):
        for label, role in _LABEL_ROLE.items():
            if label in cell:
                columns.append((index, role))
                break
    for row in rows[1:] if columns else []:
        for index, role in columns:
            if index < len(row):
                _assign(_names(row[index]), role, first_leads and role is None, found)


def extract(title: str, text: str, rows: list[list[str]] | None = None, first_leads: bool = False) -> list[Mention]:
    """The agencies a clause names, each once per role, in the order they are named.
    `first_leads`: the document says that the first of each list leads."""
    whole = f"{title}\n{text}" if title else text
    found: list[Mention] = []
    _labelled(whole, found)
    _parenthesised(whole, first_leads, found)
    _inline(whole, found)
    if rows:
        _table(rows, first_leads, found)
    return list(dict.fromkeys(found))


def first_leads(texts) -> bool:
    """Whether a document says that the first agency of each list leads."""
    return any(_FIRST_LEADS_RE.search(text) for text in texts)


def full_name(name: str, province: str | None, region: str | None) -> str:
    """The name as it is known outside its document: 省财政厅 of a Liaoning document is
    辽宁省财政厅, 市工信局 of a Baotou one 包头市工信局; other names stay as written."""
    from store import regions

    if province in (None, regions.NATIONAL, regions.UNKNOWN):
        return name
    if name.startswith("自治区") and province.endswith("自治区"):
        return province + name[3:]
    if name.startswith("省") and province.endswith("省"):
        return province + name[1:]
    if name.startswith("市"):
        if region and region.endswith("市"):
            return region + name[1:]
        if not region and province.endswith("市"):  # 北京市, 上海市: the city is the province
            return province + name[1:]
    if name.startswith("州") and region and region.endswith("州"):
        return region + name[1:]
    return name
