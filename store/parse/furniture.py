"""What wraps a document when it was copied from a web site or a database, recognised by its
shape: a database export's header block (【法宝引证码】, 【发布部门】 …), Markdown front matter
and site containers (`::: tip`, `@tab`, link rows), the page's own title line with the site's
name, the navigation above the document and the site footer below it.

Each finder returns the indexes of the lines it takes (with the reason) and the metadata they
state, so that the lines stage can drop them and record why.
"""

from __future__ import annotations

import re

from store.parse import patterns

EXPORT_LABELS = {
    "法宝引证码": None, "标题": "title", "標題": "title", "发布部门": "issuer", "發布部門": "issuer",
    "制定机关": "issuer", "发文机关": "issuer", "发文字号": "doc_number", "發文字號": "doc_number",
    "文号": "doc_number", "发布日期": "date", "發布日期": "date", "公布日期": "date", "批准日期": None,
    "实施日期": "in_force", "施行日期": "in_force", "實施日期": "in_force", "时效性": "validity",
    "時效性": "validity", "效力级别": None, "效力級別": None, "法规类别": None, "法規類別": None,
    "效力位阶": None, "类别": None, "来源": None, "唯一标识": None,
}
"""Labels of the header block that law databases (北大法宝, 法律之星, 国家法律法规数据库) put
above the text, and the field each gives."""

_EXPORT_RE = re.compile(r"^[【\[]\s*([\u4e00-\u9fff\s]{2,12}?)\s*[】\]]\s*[:：]?\s*(.*)$")
_EXPORT_LINK_RE = re.compile(r"^(?:原文链接|原文鏈接|原文地址|来源链接|链接地址)\s*[:：]")

_CONTAINER_RE = re.compile(r"^:{3,}\s*(\w*)\s*(.*)$")
_MARKUP_RE = re.compile(r"^(?:@tab\b.*|\[\[toc\]\]|<!--.*-->|!\[[^\]]*\]\([^)]*\))$", re.IGNORECASE)
_LINK_RE = re.compile(r"\[[^\]]*\]\([^)]*\)")
_NAVIGATION_BOXES = ("目录", "目次", "目錄", "tabs", "toc", "原文链接", "原文鏈接", "相关链接", "相關鏈接", "参考链接")

_SITE_SUFFIXES = (
    "人民政府", "人民政府网", "政府网", "政府網", "门户网站", "門戶網站", "网站", "網站", "政务公开", "政務公開",
    "政务网", "政務網", "信息公开", "信息公開", "政府门户", "中国政府网", "政府信息公开", "官网", "官網", "网",
    "網", "公众网", "政务服务网", "人大网", "人大網", "法规库", "数据库", "資料庫", "资料库", "法規資料庫",
)
_TITLE_SEPARATORS = re.compile(r"\s*(?:\||｜|_|＿|\s-\s|\s－\s|－－|——|\s—\s|(?<=[\u4e00-\u9fff])-(?=[\u4e00-\u9fff]))\s*")
_WORDS_SEPARATOR = re.compile(r"[ \t\u3000]+")

FOOTER_MARKERS = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|【?返回顶部】?|【?关闭本页】?|【?关闭窗口】?|【?打印本页】?|扫一扫|掃一掃|"
    r"网站地图|網站地圖|主办[:：]|主辦[:：]|主办单位|版权所有|版權所有|Copyright|ICP备|网站标识码|关联稿件|相关稿件|"
    r"相关链接|相關鏈接|分享到|【?打印】?【)",
    re.IGNORECASE,
)
"""Lines that only a site's footer holds: after the first of them, the rest of the page is the
footer when it is all short lines."""

_BRACKETED_BUTTONS_RE = re.compile(r"^(?:\s*[【\[][^】\]]{1,8}[】\]])+\s*$")
"""【返回顶部】【关闭本页】, [打印] [关闭]: buttons of a page."""

_EMPTY_LABEL_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[:：]$")
"""附件：, 关联稿件：: a field label with nothing after it (the page's empty slots)."""

BREADCRUMB_RE = re.compile(r"^(?:您?当前(?:的)?位置|當前位置|您的位置|所在位置)\s*[:：]?|^首[页頁]\s*[>＞»›]")
_WEB_META_LABELS = r"发布日期|發佈日期|发布时间|發佈時間|发文日期|修正日期|日期|时间|来源|來源|信息来源|作者|访问量|浏览次数|点击数|阅读次数"
WEB_META_RE = re.compile(rf"^(?:{_WEB_META_LABELS})\s*[:：]")
WEB_META_FIELD_RE = re.compile(rf"({_WEB_META_LABELS})\s*[:：]")


def export_header(lines: list[str], info: dict[str, str]) -> dict[int, str]:
    """The header block of a database export: 【发布部门】广东省人民政府 … and 原文链接 lines,
    wherever they stand among the first lines (and the same labels at the end of the file)."""
    taken: dict[int, str] = {}
    for index, line in enumerate(lines):
        if not line:
            continue
        if _EXPORT_LINK_RE.match(line):
            taken[index] = "export header"
            continue
        m = _EXPORT_RE.match(line) if line[0] in "【[" else None
        if m is None:
            continue
        label = "".join(m.group(1).split())
        if label not in EXPORT_LABELS:
            continue
        key, value = EXPORT_LABELS[label], m.group(2).strip()
        if key and value:
            if key == "date":
                value = patterns.parse_date(value) or patterns.iso_date(value) or value
            info.setdefault(key, value)
        taken[index] = "export header"
    return taken


_ASCII_FIELD_RE = re.compile(r"^[A-Za-z][A-Za-z ()\-]{1,30}:\s*\S")
_CODE_RE = re.compile(r"[{};=]|\bfunction\b|\bvar\b|\bconst\b|=>|\bwindow\.|\bdocument\.")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def crawl_residue(lines: list[str], info: dict[str, str]) -> dict[int, str]:
    """What a crawler or a tag stripper leaves: `Source: URL` / `Fetched: …` fields above the
    text, and the CSS and script lines of the page (no Chinese, code punctuation)."""
    taken: dict[int, str] = {}
    for index, line in enumerate(lines):
        if not line or _CJK_RE.search(line):
            continue
        if index < 12 and _ASCII_FIELD_RE.match(line):
            url = re.search(r"https?://\S+", line)
            if url and line.lower().startswith(("source", "url")):
                info.setdefault("url", url.group(0))
            taken[index] = "page information"
        elif _CODE_RE.search(line):
            taken[index] = "script"
    return taken


def front_matter(lines: list[str], info: dict[str, str]) -> dict[int, str]:
    """Markdown front matter: `---`, `key: value` lines, `---` at the top of the file. Its
    title, date and author become fields (the author of a law site's page is the issuer)."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or lines[first] != "---":
        return {}
    end = next((i for i in range(first + 1, min(len(lines), first + 60)) if lines[i] in ("---", "...")), None)
    if end is None:
        return {}
    for line in lines[first + 1:end]:
        m = re.match(r"^(title|date|author|source|publisher)\s*:\s*(.+)$", line)
        if m:
            value = m.group(2).strip().strip("'\"")
            key = {"title": "title", "date": "front_date", "author": "author", "publisher": "author",
                   "source": "author"}[m.group(1)]
            info.setdefault(key, patterns.iso_date(value) or value if key == "front_date" else value)
    return {i: "front matter" for i in range(first, end + 1)}


def site_markup(lines: list[str]) -> dict[int, str]:
    """Markup of documentation sites (VuePress, Markdown): container fences, tabs, link rows;
    the lines inside a container that is a contents box or a list of links."""
    taken: dict[int, str] = {}
    inside_navigation = False
    for index, line in enumerate(lines):
        if not line:
            continue
        container = _CONTAINER_RE.match(line)
        if container:
            title = (container.group(1) + container.group(2)).lower()
            if inside_navigation and not container.group(1):
                inside_navigation = False
            elif container.group(1):
                inside_navigation = inside_navigation or any(word in title for word in _NAVIGATION_BOXES)
            taken[index] = "markup"
            continue
        if inside_navigation:
            taken[index] = "table of contents"
        elif _MARKUP_RE.match(line) or ("](" in line and not _LINK_RE.sub("", line).strip(" -*\u2003\u3000|")):
            taken[index] = "markup"
    return taken


def page_title(lines: list[str], info: dict[str, str]) -> dict[int, str]:
    """A saved page's own title line, `万载县人民政府 | 万载县2015年…统计公报` or
    `… - 某某市人民政府`: the part that is not the site's name is the document's title."""
    for index, line in enumerate(lines[:8]):
        if not line:
            continue
        parts = [p for p in _TITLE_SEPARATORS.split(line) if p]
        if len(parts) < 2:
            words = [p for p in _WORDS_SEPARATOR.split(line) if p]
            parts = words if len(words) >= 3 else parts  # 江西省人民政府 政策文件 <title>
        if len(parts) < 2:
            return {}
        site = [p for p in parts if p.endswith(_SITE_SUFFIXES) and len(p) <= 20]
        rest = [p for p in parts if p not in site]
        if not site or not rest:
            return {}
        title = max(rest, key=len)
        info.setdefault("page_title", title)
        # The page's title line may come again below (a tab's caption, a print header).
        return {i: "page title" for i in range(index, min(len(lines), index + 30))
                if i == index or lines[i] == line}
    return {}


HEADER_LINES = 400
"""How far down a saved page its navigation may reach (portals put a hundred links first)."""


def page_header(lines: list[str], taken: dict[int, str]) -> dict[int, str]:
    """The navigation above the document on a saved page: everything up to a breadcrumb
    trail (您当前的位置：…) and the short lines after it, up to the document's title."""
    crumb = next((i for i, line in enumerate(lines[:HEADER_LINES]) if line and BREADCRUMB_RE.match(line)), None)
    if crumb is None:
        return {}
    above = [line for i, line in enumerate(lines[:crumb]) if line and i not in taken]
    if any(len(line) > 60 or "。" in line for line in above):
        return {}
    found = {i: "navigation" for i, line in enumerate(lines[:crumb + 1]) if line and i not in taken}
    # The trail goes on over the next lines: 网站首页>数据开放>…, or 首页 / > 政府信息公开目录 / …
    # after a bare 当前位置：, each on its own line.
    bare = lines[crumb].rstrip().endswith(("：", ":"))
    index, pieces = crumb + 1, 0
    while index < len(lines):
        line = lines[index]
        if line and not (_is_trail(line) or bare and pieces == 0 and len(line) <= 8 and "。" not in line):
            break
        if line:
            found[index] = "navigation"
            pieces += 1
        index += 1
    return found


def _is_trail(line: str) -> bool:
    """A piece of a breadcrumb trail: 网站首页>数据开放>…, or > 政策文件 on a line of its own."""
    return len(line) <= 80 and any(sep in line for sep in (">", "＞", "»", "›")) and "。" not in line


def page_footer(lines: list[str], taken: dict[int, str]) -> dict[int, str]:
    """The site's footer below the document: from the first footer marker (上一篇, 【返回顶部】,
    网站地图 …) after which every line is short, to the end; with the empty slots just above it
    (附件：, 关联稿件：)."""
    start = None
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line or index in taken:
            continue
        if len(line) > 60 or "。" in line[:-1]:
            break
        if FOOTER_MARKERS.match(line) or _BRACKETED_BUTTONS_RE.match(line):
            start = index
    if start is None:
        return {}
    index = start - 1
    while index >= 0 and (not lines[index] or _EMPTY_LABEL_RE.match(lines[index])
                          or _BRACKETED_BUTTONS_RE.match(lines[index]) or index in taken):
        index -= 1
    return {i: "site footer" for i in range(index + 1, len(lines)) if lines[i] and i not in taken}
