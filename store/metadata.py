"""Recognising the header and footer lines of an official document: 文号, issuer, date,
主送, 抄送 and the disclosure note (GB/T 9704 版头 and 版记)."""

from __future__ import annotations

import re

from store.numbering import chinese_to_int

_CN_DATE_DIGIT = "〇○零Ｏ0O一二三四五六七八九"
_ARABIC_DATE = r"([0-9０-９]{4})\s*年\s*([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日"
_CHINESE_DATE = rf"([{_CN_DATE_DIGIT}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日"
DATE_RE = re.compile(f"{_ARABIC_DATE}|{_CHINESE_DATE}")

DATE_LINE_RE = re.compile(
    rf"^[（(]?\s*(?:{_ARABIC_DATE}|{_CHINESE_DATE})\s*(?:印发|发布|公布|施行|起施行|通过)?\s*[)）]?$"
)
MONTH_LINE_RE = re.compile(r"^[（(]?\s*(?:[0-9０-９]{4}|[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*[)）]?$")
"""2021年10月 under a plan's title: the month of publication, not text."""

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

DOC_NUMBER_RE = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*([〔［\[﹝【(（])\s*((?:19|20)[0-9]{2}|(?:19|20)[０-９]{2}|[０-９]{4})\s*([〕］\]﹞】)）])\s*(第?\s*[0-9０-９]{1,5}\s*号)"
)
"""忻政发〔2021〕21号, 国办发[2019]3号, 吉政发﹝2016﹞12号 …"""

ORG_SUFFIXES = (
    "人民政府", "人民政府办公厅", "人民政府办公室", "办公厅", "办公室", "委员会", "常委会",
    "管委会", "管理委员会", "领导小组", "政府", "厅", "局", "委", "部", "院", "署", "总局",
    "中心", "协会", "银行", "支行", "分行", "人民法院", "人民检察院", "联合会", "小组",
    "人民政府辦公廳", "辦公廳", "辦公室", "委員會", "管委會", "領導小組", "總局", "聯合會",
)
_ORG_RE = re.compile(r"^[\u4e00-\u9fff（）()、\s]{2,40}$")

RECIPIENT_HINTS = ("各", "人民政府", "政府", "部门", "单位", "委", "办", "局", "厅", "管委会", "有关")
DISCLOSURE_RE = re.compile(r"^[（(]\s*此件[^)）]{0,20}[)）]$")
CC_RE = re.compile(r"^抄\s*送\s*[:：]")
HISTORY_RE = re.compile(r"^[（(][^（）()]*(?:通过|修正|修订|公布|发布|批准)[^（）()]*[)）]$")
"""（二〇〇四年六月二十六日…会议通过　根据…修正）under a regulation's title."""
PRINTED_RE = re.compile(rf"^.{{0,40}}?(?:{_ARABIC_DATE}|{_CHINESE_DATE})\s*印\s*发$")
"""版记: 忻州市人民政府办公室 2021年10月22日印发."""


def parse_date(text: str) -> str | None:
    """The first full date in text as ISO yyyy-mm-dd: 2016年11月8日 and 二〇〇四年六月二十六日."""
    m = DATE_RE.search(text)
    if not m:
        return None
    if m.group(1):
        y, mo, d = (int(g.translate(_FULLWIDTH)) for g in m.group(1, 2, 3))
    else:
        year = m.group(4).translate(str.maketrans("○零ＯO0", "〇〇〇〇〇"))
        y = chinese_to_int(year)
        mo, d = chinese_to_int(m.group(5)), chinese_to_int(m.group(6))
        if y is None or mo is None or d is None:
            return None
    if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2200):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def find_doc_number(text: str) -> str | None:
    m = DOC_NUMBER_RE.search(text)
    if not m:
        return None
    prefix, _open, year, _close, number = m.groups()
    # Keep the brackets as printed but drop stray spaces: 忻政发〔2021〕21号.
    return re.sub(r"\s+", "", m.group(0))


def is_doc_number_line(line: str) -> bool:
    if len(line) > 45:
        return False
    m = DOC_NUMBER_RE.search(line)
    return bool(m) and len(line) - (m.end() - m.start()) <= 12


RED_HEADER_RE = re.compile(r"^([\u4e00-\u9fff（）()、\s]{2,40}?)\s*文\s*件$")
"""版头: 浙江省人民政府办公厅文件 above the 文号."""


def red_header_issuer(line: str) -> str | None:
    m = RED_HEADER_RE.match(line)
    if m and is_org_line(m.group(1)):
        return re.sub(r"\s+", "", m.group(1))
    return None


def is_org_line(line: str) -> bool:
    """A line that is only the name of an issuing body: 辽宁省人民政府, 忻州市人民政府办公室."""
    if not _ORG_RE.match(line) or "，" in line or "。" in line:
        return False
    compact = re.sub(r"\s+", "", line)
    return any(compact.endswith(suffix) for suffix in ORG_SUFFIXES) and len(compact) <= 30


def split_org_date(line: str) -> tuple[str, str] | None:
    """辽宁省人民政府　2016年11月8日 on one line → (issuer, date)."""
    m = DATE_RE.search(line)
    if not m or m.end() != len(line.rstrip()):
        return None
    head = line[: m.start()].strip(" \t\u3000")
    if head and is_org_line(head):
        date = parse_date(line)
        if date:
            return head, date
    return None


def is_recipients_line(line: str) -> bool:
    """主送: 各市人民政府，省政府各厅委、各直属机构： — organisations, ending with a colon."""
    if not line.endswith(("：", ":")) or "。" in line or len(line) > 300:
        return False
    body = line[:-1]
    if len(body) < 2:
        return False
    return any(hint in body for hint in RECIPIENT_HINTS) and not body.startswith(("附件", "抄送"))


def clean_cc(text: str) -> str:
    body = CC_RE.sub("", text).strip()
    body = re.sub(r"\s+", "", body)
    return body.rstrip("。.")
