"""Shapes of lines that several stages need to recognise: sentence ends, document-type
endings of titles, attachment labels, header and footer lines of an official document."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from store.parse import patterns

TERMINAL = "。！？；!?;"
"""Punctuation that ends a sentence: a line ending with one is not continued on the next."""


DOC_TYPE_SUFFIXES = (
    "方案", "意见", "意見", "规划", "規劃", "通知", "办法", "辦法", "条例", "條例", "规定", "規定",
    "细则", "細則", "决定", "決定", "纲要", "綱要", "计划", "計劃", "措施", "规则", "規則", "公告",
    "通告", "批复", "批復", "报告", "報告", "指引", "指南", "制度", "章程", "清单", "清單", "目录",
    "目錄", "标准", "標準", "要点", "要點", "意见稿", "征求意见稿", "函", "令", "决议", "決議",
    "规范", "規範", "导则", "導則", "说明", "說明", "名单", "名單", "行动", "行動", "工程", "实施方案",
)


ATTACHMENT_RE = re.compile(
    r"^(附\s*(?:件|表|录|錄))\s*([0-9０-９]{1,3}(?:\s*[-－—–]\s*[0-9０-９]{1,3}){0,2}|[一二三四五六七八九十]{1,3})?"
    r"(?!\s*[A-Za-zＡ-Ｚ])\s*([:：])?\s*(.*)$"
)
"""附件1, 附件4-1 (an attachment of attachment 4), 附件3-2-1 (of 3-2), 附表, 附录: the label that starts an attachment.
附录A (a lettered appendix of a guide or a standard) is a part of the document, not one."""


LIST_ITEM_RE = re.compile(r"^(?:[0-9０-９]{1,3}(?:[-－][0-9０-９]{1,3})*\s*[.．、]|[（(][0-9０-９]{1,3}[)）])")
"""An item of a list of attachments: 1. 2、 (3), 10-1. (attachment 1 of attachment 10)."""


def is_standard_cover_line(text: str) -> bool:
    """The lines of a standard's cover above its title: codes, its kind, its number, what it replaces."""
    return len(text) <= 40 and bool(
        patterns.STANDARD_CODE_RE.match(text) or patterns.STANDARD_KIND_RE.match(text)
        or patterns.STANDARD_NUMBER_RE.match(text) or patterns.REPLACES_RE.match(text))


def is_attachment_label(text: str) -> bool:
    """附件1, 附件：, 附件2 某某登记表; not 附件4-2。公共卫生人员… (a wrapped line that refers to it)."""
    m = ATTACHMENT_RE.match(text)
    rest = m.group(4) if m else ""
    return bool(m) and not (rest and rest[0] in "。，、；）)") and "。" not in rest[:-1]


def cell_width(text: str) -> int:
    """Display width, near enough: CJK characters take three UTF-8 bytes and two cells."""
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


@lru_cache(maxsize=4096)  # asked of each line and again of it as the next line's previous one
def is_metadata_line(text: str) -> bool:
    return bool(
        patterns.DATE_LINE_RE.match(text) or patterns.is_org_line(text) or patterns.RED_HEADER_RE.match(text)
        or is_standard_cover_line(text)
        or patterns.is_doc_number_line(text) or patterns.DISCLOSURE_RE.match(text)
        or patterns.CC_RE.match(text) or is_attachment_label(text) and len(text) < 60
    )


PERIOD_NOTE_RE = re.compile(
    r"^[（(][^（）()]{0,16}(?:年|版|试行|暂行|修订|征求意见稿|草案|送审稿|讨论稿|代拟稿|修订稿)[^（）()]{0,4}[)）]$"
)
"""（2021—2025年）, （试行）, （第八版）: a note that ends a document title (a full date in
brackets is a date line, not such a note)."""


def is_period_note(text: str) -> bool:
    return bool(PERIOD_NOTE_RE.match(text)) and not patterns.DATE_LINE_RE.match(text)


def is_bracketed_note(text: str) -> bool:
    """A whole line in brackets: （2018年1月2日）, （…会议通过）, （此件公开发布）, （万载县统计局）."""
    return text[:1] in "（(" and text[-1:] in "）)"


def looks_like_document_title(text: str) -> bool:
    return text.endswith(DOC_TYPE_SUFFIXES) or is_notice_title_start(text)


def is_notice_title_start(text: str) -> bool:
    """关于印发… or an issuer followed by 关于: 浙江省人民政府办公厅关于印发…, also a long one
    (安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室关于…)."""
    position = text.find("关于")
    if position < 0:
        position = text.find("關於")
    return 0 <= position <= 20 or 20 < position <= 45 and patterns.is_org_line(text[:position])


_QUOTE_SPACE_RE = re.compile(r"\s+(?=[“”\"《》（）])|(?<=[“”\"《》（）])\s+")


_LETTER_SPACED_RE = re.compile(r"^[\u3400-\u9fff“”《》（）、]([\s\u3000]+[\u3400-\u9fff“”《》（）、])+$")
"""关 于 印 发 … 的 通 知: a title typeset with a space after every character."""
_SPACED_RUN_RE = re.compile(r"(?:[\u3400-\u9fff][ \u3000]){3,}[\u3400-\u9fff](?![\u3400-\u9fff])")
"""国 家 粮 食 应 急 预 案 的 函 within a title whose other line is set normally."""


def clean_title(title: str) -> str:
    """Spaces that web pages leave around quotes and brackets (“僵尸企业 ” → “僵尸企业”) and
    that typesetting puts inside short headings (总　　则 → 总则) or whole titles (关 于 …)."""
    title = title.strip()
    if " " in title or "\u3000" in title or "\t" in title:
        title = _QUOTE_SPACE_RE.sub("", title)
        compact = "".join(title.split())
        if len(compact) <= 4 or _LETTER_SPACED_RE.match(title):
            return compact
        title = _SPACED_RUN_RE.sub(lambda m: "".join(m.group().split()), title)
    return title


def hard_wrap_width(texts: list[str]) -> int | None:
    """The width at which a PDF copy wraps its lines, if most lines end there."""
    if len(texts) < 8:
        return None
    widths = [cell_width(t) for t in texts]
    counts = Counter(w for w in widths if w >= 40)
    if not counts:
        return None
    best = max(counts, key=lambda w: counts[w] + counts[w - 1] + counts[w - 2] + counts[w - 3])
    near = sum(1 for w in widths if best - 4 <= w <= best + 1)
    unterminated = sum(1 for t, w in zip(texts, widths) if best - 4 <= w <= best + 1 and t[-1] not in TERMINAL)
    if near >= 0.35 * len(widths) and unterminated >= 0.5 * near:
        return best
    return None
