"""Noise that web pages, converters and PDF viewers add to policy text, removed in a way that
keeps the meaning: pinyin annotations, lost bullets, navigation and "related articles"
boilerplate, page numbers and tables of contents."""

from __future__ import annotations

import html
import re
from functools import lru_cache

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
PINYIN_RE = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（]\s*[a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*\s*[)）]"
)
"""調(diào) → 調: a parenthesised syllable with a tone mark right after a Chinese character.
Toneless Latin in brackets is kept: it may be real text (an English name, a footnote mark)."""

_LOST_BULLET_RE = re.compile(r"^[?？]{1,3}(?=[\u3400-\u9fff“（(])")
"""Bullets (■ ◆ ●) that a wrong encoding turned into question marks at the start of a line."""

_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
"""Zero-width spaces and joiners, direction marks, the BOM and soft hyphens: never text, and
they hide the start of a line (‍第一条 is not recognised as an article)."""
MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}[ \t]+")
"""## 第一章 总则 in a Markdown file: the marks are markup, the words are the heading."""
_CONTROL_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]")
"""Terminal escape sequences and control characters: never text, and unsafe to display."""
_UNSEEN_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f]")
"""Either kind: one search tells whether a line needs cleaning at all."""

TRAILING_LIST_MARKERS = {
    "热门推荐", "熱門推薦", "最新文章", "相关文章", "相關文章", "相关阅读", "相關閱讀", "推荐阅读",
    "推薦閱讀", "相关推荐", "相關推薦", "猜你喜欢", "猜你喜歡", "热点推荐", "熱點推薦", "相关新闻",
    "相關新聞", "延伸阅读", "延伸閱讀", "热点新闻", "热门文章", "相关链接", "相關鏈接",
}
"""Headers of link lists: the short lines that follow them are titles of other pages."""

BOILERPLATE_LINES = TRAILING_LIST_MARKERS | {
    # navigation and page furniture of government and news sites
    "上一篇", "下一篇", "返回顶部", "返回頂部", "打印本页", "打印本頁", "关闭窗口", "關閉窗口",
    "【打印】", "【关闭】", "【關閉】", "[打印]", "[关闭]", "打印", "关闭", "分享到", "分享到：",
    "网站地图", "網站地圖", "扫一扫", "掃一掃", "扫一扫在手机打开当前页", "附件下载", "附件下載",
    "【字体：大 中 小】", "字号：大 中 小", "【字号：大 中 小】", "收藏", "我要纠错", "责任编辑",
}
"""Whole lines that are never document text."""

_BOILERPLATE_PREFIX_RE = re.compile(
    r"^(?:【?字[体号體號][:：]|来源[:：]|來源[:：]|发布时间[:：]|發佈時間[:：]|发布日期[:：]|浏览次数|瀏覽次數|"
    r"阅读次数|点击[数量率]|點擊|责任编辑[:：]|責任編輯[:：]|编辑[:：]|作者[:：]|信息来源[:：]|"
    r"当前位置|當前位置|您当前的位置|您的位置|首页\s*[>＞»›]|首頁\s*[>＞»›]|版权所有|版權所有|"
    r"Copyright|©|主办单位[:：]|主辦單位[:：]|承办单位[:：]|网站标识码|ICP备|京ICP|[京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新]ICP)",
    re.IGNORECASE,
)

_NAV_RE = re.compile(r"^[^。，,；;]{1,40}(?:\s*[>＞»›]\s*[^。，,；;]{1,40}){2,}$")
"""Breadcrumbs: 首页 > 政务公开 > 政策文件."""

_LINK_TRAIL_RE = re.compile(r"^\[[^\]]+\]\([^)]*\)\s*(?:>>|»|›|>)\s*\S{1,40}$")
"""[大萌法律读本](../duben) >> 2021-行政处罚法: a trail made of a Markdown link."""
_URL_LINE_RE = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.IGNORECASE)

_SITE_NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z]{2,10}(?:网|網|网站|網站|门户网站|門戶網站)$")
"""A lone site name such as 思而思學網 at the top of a copied page."""

_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－−_~～·•\s]*[0-9０-９]{1,4}[-—–－−_~～·•\s]*"
    r"|第\s*[0-9０-９]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|[0-9０-９]{1,4}\s*/\s*[0-9０-９]{1,4}"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)

_DOT_LEADER_RE = re.compile(r"(?:[.．。…·•‥_\-—]\s*){4,}\s*[0-9０-９]{1,4}\s*$|…{2,}\s*[0-9０-９]{1,4}\s*$")
TOC_HEADER_RE = re.compile(r"^目[\s\u3000]*(?:[录錄]|次)$")
_SEPARATOR_RE = re.compile(r"^(?:[-—–=＝*＊_~～·•.。…\s]{3,}|[-—–=＝*＊_~～·•|｜/\\])$")


_ENTITY_RE = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|[a-zA-Z]{2,8});")
_TAG_RE = re.compile(r"</?(?:p|div|span|br|strong|b|i|em|u|font|a|h[1-6]|center|sup|sub|section|table|tr|td|th)\b[^<>]{0,200}>",
                     re.IGNORECASE)
_ATTRIBUTES_RE = re.compile(r"\{[.#]?[a-z-]+(?:=[\"'][^\"'{}]*[\"'])?(?:\s+[.#]?[a-z-]+(?:=[\"'][^\"'{}]*[\"'])?)*\}\s*$")
"""{align="center"}: attributes of a Markdown paragraph."""


def clean_line(raw: str) -> str:
    """Strip a line of whitespace of every kind (em spaces, no-break spaces), invisible
    characters, control codes, Markdown heading marks, lost bullets and pinyin annotations."""
    line = raw.strip()
    if _UNSEEN_RE.search(line):
        line = _CONTROL_RE.sub("", _INVISIBLE_RE.sub("", line)).strip()
    if "(" in line or "（" in line:
        line = PINYIN_RE.sub("", line)
    if line[:1] in "?？":
        line = _LOST_BULLET_RE.sub("", line)
    return line


def has_markup(line: str) -> bool:
    """Whether a line holds what an HTML or Markdown converter leaves: entities (&emsp;), inline
    tags (<strong>), attribute lists ({align="center"})."""
    return ("&" in line and bool(_ENTITY_RE.search(line)) or "<" in line and bool(_TAG_RE.search(line))
            or line[-1:] == "}" and bool(_ATTRIBUTES_RE.search(line)))


def without_markup(line: str) -> str:
    line = html.unescape(_TAG_RE.sub("", line)) if "&" in line or "<" in line else line
    return _ATTRIBUTES_RE.sub("", line).strip()


def is_indented(raw: str) -> bool:
    """Whether a raw line starts with whitespace of any kind (the 　　 that indents a paragraph)."""
    return bool(raw) and (raw[0].isspace() or bool(_INVISIBLE_RE.match(raw)))


@lru_cache(maxsize=4096)  # a line is asked about at several stages of the parse
def noise_reason(line: str) -> str | None:
    """Why a cleaned line is noise, or None when it is text. Lines over 60 characters can
    only be a table of contents entry, a rule or a breadcrumb trail; the other checks are
    skipped for them (most lines of a document are long)."""
    short = len(line) <= 60
    if short and line in BOILERPLATE_LINES:
        return "boilerplate"
    if short and _PAGE_NUMBER_RE.match(line):
        return "page number"
    if _SEPARATOR_RE.match(line):
        return "separator"
    if (short or line[-1].isdigit()) and _DOT_LEADER_RE.search(line):
        return "table of contents"
    if short and (_BOILERPLATE_PREFIX_RE.match(line) or _SITE_NAME_RE.match(line)):
        return "boilerplate"
    if (">" in line or "＞" in line or "»" in line or "›" in line) and (_NAV_RE.match(line) or _LINK_TRAIL_RE.match(line)):
        return "navigation"
    if short and _URL_LINE_RE.match(line):
        return "link"
    return None


def is_link_title(line: str) -> bool:
    """A line in a "related articles" list: short, no sentence inside."""
    return len(line) <= 40 and "。" not in line[:-1]
