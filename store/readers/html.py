"""The web-page reader: a page saved from a government site → the document's paragraphs and
tables, and what the page's information table and <meta> tags say about it.

The document is taken from the container government sites put it in (`#zoom`, `.TRS_Editor`
…), else from the block that holds most paragraph text; navigation, share bars, footers and
hidden copies around it never reach the parser. The page's title goes into `info["title"]`
(the parser uses it when the body has no title line of its own), never into the blocks.
"""

from __future__ import annotations

import codecs
import html as html_entities
import re
from dataclasses import dataclass, field

from store.errors import InputError
from store.readers.base import Block, Source
from store.readers.tables import table_blocks

CONTAINERS = (
    "#UCAP-CONTENT", ".pages_content", ".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR", "#zoom", "#zoomcon",
    ".article-content", ".article_content", "#content", "article",
)
"""Where government sites put the document, most specific first."""

_MIN_CONTAINER_TEXT = 20

_DROPPED_TAGS = ["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
                 "select", "button", "textarea", "input", "nav", "footer", "aside", "head"]
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "section", "article", "main", "header", "center", "pre", "address", "figure", "figcaption", "hr",
    "form", "fieldset", "legend", "tr", "td", "th", "caption", "tbody", "thead", "tfoot", "body",
})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BOLD_TAGS = frozenset({"strong", "b"})

# ------------------------------------------------------------------------------ decoding

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_WESTERN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"})


def decode(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding it was read with: a byte-order mark, else the charset
    the page declares, else UTF-8 or GB18030, whichever decodes. Every GB charset is read as
    GB18030, its superset (pages labelled gb2312 use characters outside it)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    declared = _codec(_META_CHARSET_RE.search(data[:16384]))
    if declared and declared not in _WESTERN:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # a wrong label: find the real encoding below
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    name = declared or "utf-8"
    return data.decode(name, "replace"), name


def _codec(match: re.Match | None) -> str | None:
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    if label.startswith("gb") or label in ("x-gbk", "cp936", "windows-936", "euc-cn", "csgb2312"):
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


# ------------------------------------------------------------------------------ the reader


def read(data: bytes) -> Source:
    """Read a saved web page. Raises InputError when the page holds no document text."""
    import selectolax
    from selectolax.lexbor import LexborHTMLParser

    text, encoding = decode(data)
    tree = LexborHTMLParser(text)
    info = _page_info(tree, text)
    _drop_hidden(tree)
    _replace_written_values(tree)
    tree.strip_tags(_DROPPED_TAGS)
    body = tree.body
    if body is None:  # a frameset: the text is in other files
        raise InputError("web page with no document text")
    container = _container(body)
    for key, value in _info_table(body, container).items():
        info.setdefault(key, value)
    _fill_from_meta(info)
    writer = _Writer()
    writer.walk(container)
    writer.flush()
    blocks = writer.blocks
    if not writer.prose:  # nothing, or only links (a menu, an index page)
        raise InputError("web page with no document text")
    return Source(blocks, "html", f"selectolax {selectolax.__version__}", encoding, paragraphs=True,
                  info={key: value for key, value in info.items() if value and not key.startswith("meta:")})


def _drop_hidden(tree) -> None:
    """Remove hidden elements (the duplicate copies some sites keep): the outermost ones,
    which takes the others with them. An element that holds most of the page's text (a
    `<body style="visibility: hidden">` that the page's script reveals) is the page itself."""
    page_text = _text_length(tree.body) if tree.body is not None else 0
    hidden = [node for node in tree.css("[hidden], [style]")
              if _is_hidden(node) and _text_length(node) <= page_text / 2]
    ids = {node.mem_id for node in hidden}
    for node in [node for node in hidden if not _within(node.parent, ids)]:
        node.decompose()


def _within(node, ids: set[int]) -> bool:
    """Whether the node (None: no node) or one of its ancestors is one of these."""
    while node is not None:
        if node.mem_id in ids:
            return True
        node = node.parent
    return False


def _is_hidden(node) -> bool:
    attrs = node.attributes
    if "hidden" in attrs:
        return True
    style = (attrs.get("style") or "").lower().replace(" ", "")
    return "display:none" in style or "visibility:hidden" in style


# ------------------------------------------------------------------------------ metadata

_SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_TITLE_SPLIT_RE = re.compile(r"\s*[|｜_]\s*|\s+[-—–]+\s+|--+")
_SITE_NAME_RE = re.compile(r"(人民政府|政府网|网站|门户|政务公开|信息公开|政府信息公开|中国政府网)$|^中国\S{2,4}$")


def _page_info(tree, text: str) -> dict[str, str]:
    """What the page says about itself: its address, its title and the <meta> tags the
    information table falls back on (kept under "meta:" keys until then)."""
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if name and content:
            meta.setdefault(name, content)
    info: dict[str, str] = {}
    saved = _SAVED_FROM_RE.search(text[:4096])
    canonical = tree.css_first("link[rel=canonical]")
    for url in (saved.group(1) if saved else None,
                canonical.attributes.get("href") if canonical else None,
                meta.get("url"), meta.get("og:url")):
        if url and url.startswith(("http://", "https://")):
            info["url"] = url
            break
    title_node = tree.css_first("title")
    title = meta.get("articletitle") or _page_title(title_node.text() if title_node else "", meta)
    if title:
        info["title"] = title
    for key in ("pubdate", "contentsource"):
        if meta.get(key):
            info[f"meta:{key}"] = meta[key]
    return info


def _page_title(title: str, meta: dict[str, str]) -> str:
    """The document's name in <title>, without the site and column names around it
    (`… - 某某市人民政府`, `…_政务公开`, `江西省人民政府 政策文件 …`)."""
    title = " ".join(title.split())
    names = [meta.get(key, "") for key in ("sitename", "columnname") if meta.get(key)]
    parts = [part for part in _TITLE_SPLIT_RE.split(title)
             if part and part not in names and not _SITE_NAME_RE.search(part)]
    if not parts:
        return ""
    best = max(parts, key=len)
    for name in names:
        if best.startswith(name + " "):
            best = best[len(name) + 1:]
    return best.strip()


def _fill_from_meta(info: dict[str, str]) -> None:
    """The <meta> tags fill what the information table did not say. The date falls back on
    the page's publication date (发布日期), which a page shows when it has no 成文日期."""
    pubdate = _iso_date(info.pop("meta:pubdate", ""))
    source = info.pop("meta:contentsource", "")
    info.setdefault("published", pubdate)
    visible_source = info.pop("source", "")
    info.setdefault("issuer", visible_source or source)
    info.setdefault("date", info["published"])


_LABELS = {
    "索引号": "index_no",
    "发文机关": "issuer", "发布机构": "issuer", "发文单位": "issuer", "发文机构": "issuer", "制发机关": "issuer",
    "发布单位": "issuer", "来源": "source", "信息来源": "source", "文章来源": "source",
    "发文字号": "doc_number", "文号": "doc_number", "发文号": "doc_number",
    "成文日期": "date", "发文日期": "date", "印发日期": "date", "成文时间": "date",
    "发布日期": "published", "发布时间": "published", "公开日期": "published",
    "主题分类": "topic", "分类": "topic",
    "有效性": "validity", "时效性": "validity", "效力状态": "validity",
    "标题": "title", "名称": "title",
}
_OTHER_LABELS = (
    "组配分类", "体裁分类", "服务对象", "主题词", "关键词", "公开方式", "公开范围", "公开时限", "公开形式",
    "访问量", "浏览次数", "浏览量", "点击数", "浏览字号", "字号", "字体", "作者", "责任编辑", "编辑", "生效日期",
    "废止日期", "所属机构", "统一编号", "登记号",
)
_LABEL_RE = re.compile(
    r"[\[【]?\s*(" + "|".join(r"[\s\u3000\xa0]*".join(label)
                              for label in sorted([*_LABELS, *_OTHER_LABELS], key=len, reverse=True))
    + r")\s*(?:([\]】])\s*[:：]?|[:：])"
)
_BARE_LABEL_RE = re.compile(r"^[\[【]?\s*(" + "|".join(r"\s*".join(label) for label in _LABELS) + r")\s*[\]】]?\s*$")
_DATE_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")
_NO_VALUE = frozenset({"无", "暂无", "-", "—", "/", "null", "none"})
_MAX_INFO_TEXT = 800


def _label_key(label: str) -> str | None:
    return _LABELS.get("".join(label.split()))


def _info_table(body, container) -> dict[str, str]:
    """The fields of the page's information table (索引号, 发文机关, 文号, 成文日期 …), in
    whatever layout: label and value in one cell or in neighbouring cells, `[发文字号]`,
    letter-spaced labels, values split over spans. The table is removed from the page, so
    that none of its cells reach the document's blocks.

    Outside the document container, a label's table is the largest block around it that is
    still short. Inside it (some sites put the table above the text) only a list, table or
    line with two labelled fields counts, one of them a 索引号, 文号, 发文机关 or date, and
    never a bare label cell: a data table with a 名称 column is the document's."""
    found: dict[int, tuple[object, bool]] = {}
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        inside = _contains(container, node)
        if not _starts_with_label(node.text_content or "", bare=not inside):
            continue
        block = _inner_info_block(node, container) if inside else _outer_info_block(node, container)
        if block is not None:
            found.setdefault(block.mem_id, (block, inside))
    blocks = [(b, inside) for b, inside in found.values()
              if not any(_contains(o, b) for o, _ in found.values() if o is not b)]
    info: dict[str, str] = {}
    for block, inside in blocks:
        fields = _fields(_segments(block), bare=not inside)
        if inside and (len(fields) < 2 or not fields.keys() & _DOCUMENT_FIELDS):
            continue
        for key, value in fields.items():
            info.setdefault(key, value)
        block.decompose()
    return info


_DOCUMENT_FIELDS = frozenset({"index_no", "doc_number", "issuer", "date"})


def _outer_info_block(node, container):
    block = node.parent
    while (block.parent is not None and block.parent.tag not in ("body", "html")
           and not _contains(block.parent, container)
           and len(block.parent.text()) <= _MAX_INFO_TEXT):
        block = block.parent
    return block


def _inner_info_block(node, container):
    """Inside the container: the label's list or table if it is short, else its line."""
    line = None
    block = node.parent
    while block is not None and block.mem_id != container.mem_id:
        if line is None and block.tag in _BLOCK_TAGS:
            line = block
        if block.tag in ("table", "dl", "ul", "ol"):
            return block if len(block.text()) <= _MAX_INFO_TEXT else line
        block = block.parent
    return line


def _starts_with_label(text: str, bare: bool) -> bool:
    text = text.strip()
    if not text or len(text) > 200:
        return False
    m = _LABEL_RE.match(text)
    return bool(m and _label_key(m.group(1))) or bare and bool(_BARE_LABEL_RE.match(text))


def _contains(outer, inner) -> bool:
    return _within(inner, {outer.mem_id})


def _segments(block) -> list[str]:
    """The block's text cut at its cells and block elements, not at its inline elements."""
    writer = _Writer(plain=True)
    writer.walk(block)
    writer.flush()
    return [b.text for b in writer.blocks]


def _fields(segments: list[str], bare: bool) -> dict[str, str]:
    """Label → value over a block's segments; with `bare`, a cell holding only a label has
    its value in the next cell."""
    fields: dict[str, str] = {}
    pending: str | None = None  # a label whose value is the next segment
    for segment in segments:
        text = " ".join(segment.split())
        label_cell = _BARE_LABEL_RE.match(text) if bare else None
        if label_cell:
            pending = _label_key(label_cell.group(1))
            continue
        matches = [m for m in _LABEL_RE.finditer(text)]
        if pending and (not matches or matches[0].start() > 0):
            _store(fields, pending, text[:matches[0].start()] if matches else text)
        pending = None
        for n, m in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
            key = _label_key(m.group(1))
            value = text[m.end():end]
            if key and value.strip():
                _store(fields, key, value)
            elif key:
                pending = key
    return fields


def _store(fields: dict[str, str], key: str, value: str) -> None:
    value = value.split("【")[0].strip(" \t\u3000|｜:：")
    if key in ("date", "published"):
        value = _iso_date(value)
    if value and value.lower() not in _NO_VALUE:
        fields.setdefault(key, value)


def _iso_date(text: str) -> str:
    m = _DATE_RE.search(text.translate(_FULLWIDTH_DIGITS))
    if not m:
        return ""
    year, month, day = (int(g) for g in m.groups())
    if not (1900 <= year <= 2200 and 1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# ------------------------------------------------------------------------------ script-written values

_WRITE_RE = re.compile(
    r"""document\.write(?:ln)?\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z_$][\w$]*))\s*\)""")
_TAG_RE = re.compile(r"<[^>]*>")


def _replace_written_values(tree) -> None:
    """Sites that print a field with a script (`document.write(wh)`) show its value; put the
    value in the script's place before scripts are dropped."""
    for script in tree.css("script"):
        code = script.text() or ""
        if "document.write" not in code:
            continue
        value = _written_text(code)
        if value:
            script.replace_with(value)


def _written_text(code: str) -> str:
    literals, variables = [], []
    for m in _WRITE_RE.finditer(code):
        if m.group(3):
            assigned = re.search(r"\b%s\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)')" % re.escape(m.group(3)),
                                 code)
            if assigned:
                variables.append(assigned.group(1) if assigned.group(1) is not None else assigned.group(2))
        else:
            literals.append(m.group(1) if m.group(1) is not None else m.group(2))
    texts = [_js_string_text(s) for s in (variables or literals)]
    return "".join(t for t in texts if t)


def _js_string_text(literal: str) -> str:
    try:
        literal = literal.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        pass
    return html_entities.unescape(_TAG_RE.sub("", literal)).strip()


# ------------------------------------------------------------------------------ the document container


def _container(body):
    """The element that holds the document: a known container, else the densest block."""
    for selector in CONTAINERS:
        candidates = body.css(selector)
        if candidates:
            best = max(candidates, key=_text_length)
            if _text_length(best) >= _MIN_CONTAINER_TEXT:
                return best
    return _densest(body)


def _text_length(node) -> int:
    return len("".join(node.text().split()))


def _densest(body):
    """The element whose own paragraphs hold the most text outside links: the parent of the
    nearest block ancestor of each text, scored by that text's length."""
    scores: dict[int, list] = {}
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        length = len("".join((node.text_content or "").split()))
        if length < 2:
            continue
        paragraph, in_link = node.parent, False
        while paragraph is not None and paragraph.tag not in _BLOCK_TAGS:
            in_link = in_link or paragraph.tag == "a"
            paragraph = paragraph.parent
        if paragraph is None or in_link:
            continue
        holder = paragraph.parent if paragraph.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td") \
            and paragraph.parent is not None else paragraph
        entry = scores.setdefault(holder.mem_id, [holder, 0])
        entry[1] += length
    if not scores:
        return body
    return _whole_word_document(max(scores.values(), key=lambda entry: entry[1])[0])


_WORD_SECTION_RE = re.compile(r"WordSection\d+", re.I)


def _whole_word_document(holder):
    """A document saved from Word as HTML comes in sections (`<div class="WordSection1">`,
    `style="page: WordSection2"`: one per page setup, an attachment's table often its own):
    the densest one is a part, the element holding them all is the document."""
    def is_section(node) -> bool:
        attrs = node.attributes
        return bool(_WORD_SECTION_RE.search(f"{attrs.get('class') or ''} {attrs.get('style') or ''}"))

    node = holder
    while node is not None and not is_section(node):
        node = node.parent
    if node is None or node.parent is None:
        return holder
    parent = node.parent
    while parent.parent is not None and parent.tag != "body" \
            and not any(is_section(child) and child.mem_id != node.mem_id for child in parent.iter()):
        parent = parent.parent
    return parent if any(is_section(child) and child.mem_id != node.mem_id for child in parent.iter()) else holder


# ------------------------------------------------------------------------------ blocks


@dataclass
class _Context:
    align: str = ""
    bold: bool = False
    link: bool = False
    heading: str = ""
    size: float = 0.0  # font size in points, where the page says


@dataclass
class _Piece:
    text: str
    context: _Context


_STYLE_ALIGN_RE = re.compile(r"text-align\s*:\s*(\w+)", re.I)
_STYLE_SIZE_RE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(px|pt)", re.I)
_STYLE_BOLD_RE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
_FONT_SIZES = {"1": 7.5, "2": 10, "3": 12, "4": 13.5, "5": 18, "6": 24, "7": 36}
_TITLE_POINTS = 18.0  # 小二 and up: a title; 公文 body text is 三号, 16 pt
_TITLE_SEARCH_BLOCKS = 3
_SPACE_RUN_RE = re.compile(r"[ \t\r\n\f]+")
_CJK_BREAK_RE = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])[ \t\f]*[\r\n][ \t\r\n\f]*"
                           r"(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")
_FURNITURE_RE = re.compile(
    r"^(?:[【\[]?(?:字体|字号|浏览字号)[:：]?[【\[]?大[】\]]?[【\[]?中[】\]]?[【\[]?小[】\]]?[】\]]?"
    r"|[【\[]?(?:打印本页|打印|关闭窗口|关闭|收藏|返回顶部|返回|打印正文|我要纠错)[】\]]?"
    r"|扫一扫在手机打开当前页|分享到[:：]?.*|上一篇[:：].*|下一篇[:：].*)+$")
_RELATED_RE = re.compile(r"^(相关解读|相关链接|相关阅读|相关文件|相关新闻|相关稿件|延伸阅读)[:：]?")


@dataclass
class _Writer:
    """Walks the DOM into paragraphs: one block per block element or <br>-separated line,
    with the style hints the markup gives. `plain` (for the information table) gives bare
    text segments, furniture included."""

    plain: bool = False
    blocks: list[Block] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    related: bool = False  # inside a 相关解读 list of links
    title_size: float = 0.0  # of the title's first line: a title broken over lines keeps it
    prose: int = 0  # characters of text outside links in the blocks

    def walk(self, node, context: _Context | None = None) -> None:
        """The node's content, depth first. A loop over a stack, not recursion: pages with
        thousands of unclosed tags nest deeper than Python's recursion limit."""
        stack = [(node.iter(include_text=True), context or _Context(), False)]
        while stack:
            children, context, block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if block:
                    self.flush()
                continue
            tag = child.tag
            if tag == "-text":
                if child.text_content:
                    self.pieces.append(_Piece(child.text_content, context))
            elif tag == "br":
                self.flush()
            elif tag == "table" and not self.plain and _is_data_table(child):
                self.flush()
                rows, caption_rows = _table_rows(child)
                self.blocks.extend(table_blocks(rows, caption_rows, len(self.blocks) + 1))
                self.prose += sum(len(cell) for row in rows for cell in row)
            elif tag in _BLOCK_TAGS or tag == "table":
                self.flush()
                stack.append((child.iter(include_text=True), _element_context(child, context, block=True), True))
            elif tag not in ("-comment", "img"):
                stack.append((child.iter(include_text=True), _element_context(child, context, block=False), False))

    def flush(self) -> None:
        pieces, self.pieces = self.pieces, []
        raw = "".join(piece.text for piece in pieces)
        text = _SPACE_RUN_RE.sub(" ", _CJK_BREAK_RE.sub("", raw)).replace("\xa0", " ").lstrip(" ").rstrip()
        if not text.strip():
            return
        if self.plain:
            self.blocks.append(Block(text, len(self.blocks) + 1))
            return
        if self._is_furniture(text, pieces):
            return
        self.prose += sum(len(p.text.strip()) for p in pieces if not p.context.link)
        self.blocks.append(Block(text, len(self.blocks) + 1, style=self._style(pieces)))

    def _is_furniture(self, text: str, pieces: list[_Piece]) -> bool:
        """Font-size switches, print and close buttons, 相关解读 links: the page's, not the
        document's."""
        compact = "".join(text.split())
        if _FURNITURE_RE.match(compact):
            return True
        linked = sum(len("".join(p.text.split())) for p in pieces if p.context.link)
        all_links = linked >= 0.8 * len(compact)
        if _RELATED_RE.match(compact):
            self.related = all_links or len(compact) <= 8 or linked >= 0.5 * len(compact)
            return self.related
        if self.related and all_links:
            return True
        self.related = False
        return False

    def _style(self, pieces: list[_Piece]) -> frozenset[str]:
        visible = [p for p in pieces if p.text.strip()] or pieces
        first = visible[0].context
        style = set()
        if first.align in ("center", "right"):
            style.add(first.align)
        if all(p.context.bold for p in visible):
            style.add("bold")
        top = len(self.blocks) < _TITLE_SEARCH_BLOCKS and all("title" in b.style for b in self.blocks)
        size = max(p.context.size for p in visible)
        if first.heading:
            style.add("title" if top and first.heading in ("h1", "h2") else "heading")
        elif top and first.align == "center" and size >= _TITLE_POINTS and size == (self.title_size or size):
            style.add("title")
            self.title_size = size
        return frozenset(style)


def _element_context(node, context: _Context, block: bool) -> _Context:
    tag = node.tag
    attrs = node.attributes
    css = attrs.get("style") or ""
    align = context.align
    if block:
        m = _STYLE_ALIGN_RE.search(css)
        value = (m.group(1) if m else attrs.get("align") or "").lower()
        if tag == "center":
            value = "center"
        if value:
            align = value if value in ("center", "right") else ""
    size = context.size
    m = _STYLE_SIZE_RE.search(css)
    if m:
        number = float(m.group(1))
        size = number * 0.75 if m.group(2).lower() == "px" else number
    elif tag == "font" and attrs.get("size") in _FONT_SIZES:
        size = _FONT_SIZES[attrs["size"]]
    return _Context(
        align=align,
        bold=context.bold or tag in _BOLD_TAGS or tag in _HEADING_TAGS or bool(_STYLE_BOLD_RE.search(css)),
        link=context.link or tag == "a",
        heading=tag if tag in _HEADING_TAGS else context.heading,
        size=size,
    )


# ------------------------------------------------------------------------------ tables

_MAX_SPAN = 100
_MAX_LAYOUT_CELL = 1500


def _own_rows(table) -> list:
    rows = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child.iter() if row.tag == "tr")
    return rows


def _cells(row) -> list:
    return [cell for cell in row.iter() if cell.tag in ("td", "th")]


def _is_data_table(table) -> bool:
    """A table of data, kept as rows; else a layout table (the page laid out in cells, a box
    around the text), whose cells are read as paragraphs."""
    if len(table.css("table")) > 1:  # the table itself and a nested one
        return False
    rows = _own_rows(table)
    if sum(1 for row in rows if len(_cells(row)) >= 2) < 2:
        return False
    return all(len(cell.text()) <= _MAX_LAYOUT_CELL for row in rows for cell in _cells(row))


def _span(cell, name: str) -> int:
    try:
        value = int((cell.attributes.get(name) or "1").strip())
    except ValueError:
        return 1
    return min(max(value, 1), _MAX_SPAN)


def _table_rows(table) -> tuple[list[list[str]], int]:
    """The table's rows, merged cells once (text in the first position they cover), and how
    many leading rows are a single cell across the table (its caption)."""
    rows = _own_rows(table)
    grid: dict[tuple[int, int], str] = {}
    single: list[tuple[int, int]] = []  # (row, colspan) of rows that are one cell
    caption = table.css_first("caption")
    for r, row in enumerate(rows):
        c = 0
        cells = _cells(row)
        for cell in cells:
            while (r, c) in grid:
                c += 1
            colspan, rowspan = _span(cell, "colspan"), min(_span(cell, "rowspan"), len(rows) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = ""
            grid[(r, c)] = _cell_text(cell)
            c += colspan
        if len(cells) == 1:
            single.append((r, c))
    width = max((c for _r, c in grid), default=-1) + 1
    out = [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]
    caption_rows = 0
    while caption_rows < len(single) and single[caption_rows] == (caption_rows, width) and width >= 2:
        caption_rows += 1
    if caption is not None and caption.text().strip():
        out.insert(0, [_cell_text(caption)] + [""] * (width - 1))
        caption_rows += 1
    return out, caption_rows


def _cell_text(cell) -> str:
    return "\n".join(_segments(cell))
