"""Stage 1, lines: the source's blocks cleaned of what is never text (pinyin annotations,
control codes, site boilerplate, page numbers, tables of contents); a site's information table
is read into fields on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.model import Decision
from store.parse import furniture, noise, numbering, pagenumbers, patterns, shapes
from store.parse.shapes import hard_wrap_width
from store.readers.base import Block

INFO_TABLE_LINES = 400
"""The information table of a government site (索引号, 发文机关 …) is above the document."""


def _value_below(lines: list[str], index: int) -> int | None:
    """The line holding the value of a label that stands alone (a table copied cell by cell).
    A label with nothing after it (主题词：) may stand right above the document's own first
    line: a value is taken only where it has the shape the label calls for."""
    below = next((i for i in range(index + 1, min(len(lines), index + 3)) if lines[i]), None)
    if below is None or patterns.info_table_fields(lines[below]) is not None or len(lines[below]) > 80 \
            or furniture.WEB_META_RE.match(lines[below]):
        return None  # the next label, not a value
    value = lines[below]
    key = "date" if "日期" in lines[index] else patterns.info_label_key(lines[index])
    if key == "date":
        return below if patterns.parse_date(value) or patterns.iso_date(value) else None
    if key == "doc_number":
        return below if patterns.DOC_NUMBER_RE.search(value) or patterns.DECREE_NUMBER_RE.search(value) \
            or "号" in value else None
    if key == "issuer":
        return below if patterns.is_org_line(value) else None
    if key == "title":
        return below
    if len(value.split()) >= 3 or "\\" in value:
        return below  # a list of subject words or categories: 农业　粮食　应急预案△　函
    starts_document = (patterns.DECREE_HEADER_RE.match(value) or patterns.RED_HEADER_RE.match(value)
                       or patterns.is_org_line(value) or shapes.looks_like_document_title(value))
    return None if starts_document else below


@dataclass
class Line:
    """A cleaned line (or a reader's whole paragraph, or a table) that is not noise; an empty
    text is a blank line, which separates paragraphs."""

    number: int
    text: str
    indented: bool = False
    page: int | None = None
    rows: list[list[str]] | None = None
    style: frozenset[str] = frozenset()
    last_page: int | None = None  # a table that runs over pages: the page it ends on


def clean_lines(blocks: list[Block], dropped: list[Decision], info: dict[str, str]) -> list[Line]:
    """Every block that is not noise, cleaned. What the furniture around the document states
    (an export header, front matter, a site's information table) goes into `info`."""
    cleaned = [noise.clean_line(block.text) if block.rows is None else block.text for block in blocks]
    _without_markdown_marks(cleaned)
    _without_converter_markup(cleaned)
    standalone = {i: _page_value(line) for i, line in enumerate(cleaned)
                  if line and noise.noise_reason(line) == "page number"}
    # Pieces of lines that a PDF's text layer ran together: (block index, text, starts a piece).
    pieces = _without_glued_page_numbers(cleaned, blocks, standalone, dropped)
    texts = [text for _owner, text, _cut in pieces]
    taken = _furniture(texts, info)
    toc = _table_of_contents(texts, taken)
    out: list[Line] = []
    in_link_list = False
    for index, (owner, line, cut) in enumerate(pieces):
        block = blocks[owner]
        number = block.line
        if block.rows is not None:
            out.append(Line(number, line, page=block.page, rows=block.rows, style=block.style,
                            last_page=block.last_page))
            continue
        if not line:
            out.append(Line(number, ""))
            continue
        reason = taken.get(index) or toc.get(index)
        if reason:
            dropped.append(Decision(number, line, reason))
            continue
        if in_link_list:
            if noise.is_link_title(line) and not numbering.match(line):
                dropped.append(Decision(number, line, "boilerplate"))
                continue
            in_link_list = False
        if line in noise.TRAILING_LIST_MARKERS:
            in_link_list = True
        fields = patterns.info_table_fields(line) if index < INFO_TABLE_LINES else None
        if fields is not None:
            for key, value in fields.items():
                info.setdefault(key, value)
            caption = _caption_above(out)
            if caption is not None:  # 基本信息, 文件信息: the table's caption
                dropped.append(Decision(caption.number, caption.text, "information table", "its caption"))
                out.remove(caption)
            dropped.append(Decision(number, line, "information table"))
            value_at = _value_below(texts, index) if line.endswith(("：", ":")) else None
            if value_at is not None:  # 发文字号： with its value on the line below
                for key, value in patterns.info_table_fields(line + texts[value_at]).items():
                    info.setdefault(key, value)
                taken[value_at] = "information table"
            continue
        if len(line) <= 60 and furniture.WEB_META_RE.match(line):
            below = _value_below(texts, index) if line.endswith(("：", ":")) else None
            _web_meta(line + (texts[below] if below is not None else ""), info)
            if below is not None:
                taken[below] = "page information"
            dropped.append(Decision(number, line, "page information"))
            continue
        reason = noise.noise_reason(line)
        if reason:
            dropped.append(Decision(number, line, reason))
            continue
        out.append(Line(number, line, noise.is_indented(block.text) or cut, block.page, style=block.style))
    return out


def _caption_above(out: list[Line]) -> Line | None:
    """The line just above the first field of an information table when it is a caption:
    a few characters, no punctuation (基本信息, 文件信息, 索引信息)."""
    last = next((line for line in reversed(out) if line.text), None)
    if last is not None and len(last.text) <= 6 and last.text.endswith(("信息", "属性", "概况")):
        return last
    return None


def _furniture(lines: list[str], info: dict[str, str]) -> dict[int, str]:
    """Line index → reason, for the lines that wrap the document rather than belong to it."""
    taken: dict[int, str] = {}
    taken.update(furniture.front_matter(lines, info))
    taken.update(furniture.crawl_residue(lines, info))
    taken.update(furniture.export_header(lines, info))
    taken.update(furniture.site_markup(lines))
    taken.update(furniture.page_title(lines, info))
    taken.update(furniture.page_header(lines, taken))
    taken.update(furniture.page_footer(lines, taken))
    return taken


_GLUED_PART_HEADING_RE = re.compile(
    r"^(.*?[0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月(?:\s*[0-9０-９]{1,2}\s*日)?)[\s\u3000]+"
    r"((?:前|序|引|导)[\s\u3000]*言|目[\s\u3000]*[录錄])$"
)

_GLUED_CONTENTS_RE = re.compile(r"^(.{4,}?)[\s\u3000]*(目[\s\u3000]*[录錄])$")


def _glued_part_heading(line: str, following: list[str]) -> tuple[str, str] | None:
    """A heading a PDF's text layer ran into the end of the line before it: 2021 年 9 月 前    言
    (a cover's date, then the preface's heading), …会议批准目 录 (the contents follow)."""
    m = _GLUED_PART_HEADING_RE.match(line)
    if m:
        return m.group(1), m.group(2)
    m = _GLUED_CONTENTS_RE.match(line)
    if m and not noise.TOC_HEADER_RE.match(line):
        if sum(1 for entry in following if entry and noise.noise_reason(entry) == "table of contents") >= 2:
            return m.group(1), m.group(2)
    return None


MARKDOWN_MIN_HEADINGS = 3


MARKUP_MIN_LINES = 5


def _without_converter_markup(lines: list[str]) -> None:
    """In a text made from HTML or Markdown by a careless converter (several lines holding
    &emsp;, <strong> or {align=…}), the markup goes; in any other text it is text as written."""
    marked = [i for i, line in enumerate(lines) if line and noise.has_markup(line)]
    if len(marked) >= MARKUP_MIN_LINES:
        for i in marked:
            lines[i] = noise.without_markup(lines[i])


_MARKDOWN_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def _without_markdown_marks(lines: list[str]) -> None:
    """In a Markdown file (front matter, several `#` heading lines, or a `# title` opening the
    file) the `#` marks and the `**` of bold text go (a crawler's `**发布日期**: 2022年1月`
    is then a field like any other); in any other text they are text as written."""
    marked = [i for i, line in enumerate(lines) if line[:1] == "#" and noise.MARKDOWN_HEADING_RE.match(line)]
    first = next((i for i, line in enumerate(lines) if line), None)
    front_matter = first is not None and lines[first] == "---"
    if len(marked) >= MARKDOWN_MIN_HEADINGS or marked and (front_matter or marked[0] == first):
        for i in marked:
            lines[i] = noise.MARKDOWN_HEADING_RE.sub("", lines[i])
        for i, line in enumerate(lines):
            if "**" in line:
                lines[i] = _MARKDOWN_BOLD_RE.sub(r"\1", line)


def _page_value(line: str) -> int:
    digits = re.findall(r"[0-9０-９]+", line)
    return int(digits[0].translate(numbering.FULLWIDTH_DIGITS)) if digits else -1


def _without_glued_page_numbers(lines: list[str], blocks: list[Block], standalone: dict[int, int],
                                dropped: list[Decision]) -> list[tuple[int, str, bool]]:
    """The lines as pieces (block index, text, whether the piece was cut from the line before):
    page numbers glued to text (PDF text layers) removed, a line cut where a heading followed
    its page number, and a heading run into the end of the line before it set apart."""
    found = pagenumbers.find(lines, standalone) if standalone or _may_hold_glued_page_numbers(lines) else []
    by_line: dict[int, list[pagenumbers.Glued]] = {}
    for glued in found:
        by_line.setdefault(glued.index, []).append(glued)
    pieces: list[tuple[int, str, bool]] = []
    longest = max((len(line) for line in lines), default=0)
    one_line_document = longest >= RUN_TOGETHER_MIN_LENGTH and longest > 0.5 * sum(len(line) for line in lines)
    for index, line in enumerate(lines):
        parts = [line]
        if index in by_line:
            parts, cut = [""], 0
            for glued in sorted(by_line[index], key=lambda g: g.start):
                dropped.append(Decision(blocks[index].line, line[glued.start:glued.end], "page number",
                                        "glued to the text; part of the file's page sequence"))
                parts[-1] += line[cut:glued.start]
                if glued.splits:
                    parts.append("")
                cut = glued.end
            parts[-1] += line[cut:]
            parts = [part.strip() for part in parts if part.strip()] or [""]
        if parts[-1] and parts[-1][-1] in "言录錄" and (heading := _glued_part_heading(parts[-1], lines[index + 1:index + 6])):
            parts[-1:] = list(heading)
        parts = [piece for part in parts for piece in _run_together(part, one_line_document)]
        pieces.extend((index, part, n > 0) for n, part in enumerate(parts))
    return pieces


LOST_BREAKS_MIN_LENGTH = 300
_INDENT_RUN_RE = re.compile(r"[\u3000]{2,}|(?<=[。；：:！？])[ \t\xa0]{2,}")
_SPACED_HEADING_RE = re.compile(rf"[\u3000 \t]{{2,}}(?=第[{numbering.CN_NUMERAL}0-9０-９]{{1,6}}(?:编|章|节|条))")
"""第一章　总则　　第一条 …: a chapter's heading and its first article on one line."""


RUN_TOGETHER_MIN_LENGTH = 1500
INLINE_MIN_HEADINGS = 3
_INLINE_HEADING_RE = re.compile(
    rf"(?<=[。；！？）”])([{numbering.CN_NUMERAL}]{{1,3}})、"
    rf"|(?<=[。；！？）”\u4e00-\u9fff])（([{numbering.CN_NUMERAL}]{{1,4}})）"
)


def _cut_at_inline_headings(line: str) -> list[str]:
    """A document whose line breaks were all lost (一、…。（一）…。（二）… on one line of
    thousands of characters) is cut before its headings. Only numbers that continue their
    sequence count: 一、 then 二、, （一） then （二） (or a new （一） after a new 一、), so a 一、
    inside a sentence (多报合一、信息共享) stays where it is."""
    cuts: list[int] = []
    next_section, next_item, restart = 1, 1, False
    for m in _INLINE_HEADING_RE.finditer(line):
        number = numbering.chinese_to_int(m.group(1) or m.group(2))
        if m.group(1) and number == next_section:
            cuts.append(m.start())
            next_section += 1
            restart = True
        elif m.group(2) and (number == next_item or number == 1 and cuts and restart):
            cuts.append(m.start())
            next_item = number + 1
            restart = False
        else:
            continue
    if len(cuts) < INLINE_MIN_HEADINGS:
        return [line]
    bounds = [0, *cuts, len(line)]
    return [line[a:b].strip() for a, b in zip(bounds, bounds[1:]) if line[a:b].strip()]


def _run_together(line: str, one_line_document: bool) -> list[str]:
    """Lines a crawler or a copy ran together: a whole document on one line whose paragraphs
    are told apart only by the 　　 that indents each (a long line only: 总　　则 and 局长
    杨焕宁 keep their spaces) or not at all (`one_line_document`: the line holds most of the
    file), a title with its 文号 after it, a signature at the end of the last sentence."""
    if len(line) >= LOST_BREAKS_MIN_LENGTH:
        parts = [part.strip() for part in _INDENT_RUN_RE.split(line) if part.strip()]
        if len(parts) > 1:
            return parts
    if line.find("第", 1) > 0 and (m := numbering.match(line)) and m.style in numbering.RANKS:
        parts = [part.strip() for part in _SPACED_HEADING_RE.split(line) if part.strip()]
        if len(parts) > 1:
            return parts
    if one_line_document and len(line) >= RUN_TOGETHER_MIN_LENGTH:
        parts = _cut_at_inline_headings(line)
        if len(parts) > 1:
            return parts
    if len(line) <= 120 and "号" in line[-3:]:
        split = _title_and_doc_number(line)
        if split:
            return list(split)
    if len(line) >= 20 and line[-1] in "）)日" and "年" in line[-SIGNATURE_TAIL:] and (signed := _signature_at_end(line)):
        return signed
    return [line]


def _title_and_doc_number(line: str) -> tuple[str, str] | None:
    """…的通知 国能综通安全〔2021〕108号, …的通知国办发〔2020〕43号: a title with its 文号 after it."""
    m = patterns.DOC_NUMBER_RE.search(line)
    if not m or m.end() != len(line.rstrip()):
        return None
    head = line[:m.start()]
    # The 文号's own letters (国办发) begin after the title's last document-type word.
    for cut in range(m.start(1) + len(m.group(1)) - 1, m.start(1) - 1, -1):
        title = (head + m.group(1)[:cut - m.start(1)]).rstrip(" \t\xa0\u3000")
        if title.endswith(shapes.DOC_TYPE_SUFFIXES) and shapes.looks_like_document_title(title) and len(title) >= 6:
            return title, line[len(head) + cut - m.start(1):].strip()
    title = head.rstrip(" \t\xa0\u3000")
    if head != title and shapes.looks_like_document_title(title):
        return title, line[m.start():].strip()
    return None


SIGNATURE_TAIL = 50
"""The date of a signature run into a last sentence stands in the line's last characters
(its 年, then 月日 and a disclosure note of up to 20): lines without one are not tried."""
_SIGNATURE_AT_END_RE = re.compile(
    rf"^(?P<text>.*[。！？])\s*(?P<issuer>[\u4e00-\u9fff、]{{2,40}}?)\s*(?P<date>{patterns.DATE_RE.pattern})"
    rf"\s*(?P<note>[（(]此件[^）)]{{0,20}}[）)])?$"
)


def _signature_at_end(line: str) -> list[str] | None:
    """…请结合实际认真贯彻落实。国务院办公厅2020年11月1日（此件公开发布）: the signature, date and
    disclosure note of a notice run into its last sentence."""
    m = _SIGNATURE_AT_END_RE.match(line)
    if not m or not patterns.is_org_line(m.group("issuer")):
        return None
    return [part for part in m.group("text", "issuer", "date", "note") if part]


_RANK_HEADING_RE = re.compile(rf"第[{numbering.CN_NUMERAL}]+(?:编|章|节|条)")
_GLUED_START_HINT_RE = re.compile(rf"[0-9]{{1,4}}(?=[\u4e00-\u9fff])(?![{pagenumbers.NOT_AFTER_DIGITS}])")


def _glued_heading_hints(text: str) -> int:
    """第X章 run into 1 to 4 digits (a page number) that follow other text: 12第三章."""
    hints = 0
    for m in _RANK_HEADING_RE.finditer(text):  # looked for from 第, which the search finds fast
        start = m.start()
        while start > 0 and m.start() - start < 4 and "0" <= text[start - 1] <= "9":
            start -= 1
        if start < m.start() and start > 0 and not text[start - 1].isdigit():
            hints += 1
    return hints


def _may_hold_glued_page_numbers(lines: list[str]) -> bool:
    """Text taken from a PDF's text layer: most lines cut at one width, or page numbers run
    into headings here and there. Only there are page numbers glued to the text (a web
    copy's lines are whole paragraphs), and only there are they looked for."""
    starts = sum(1 for line in lines if line[:1].isascii() and line[:1].isdigit() and _GLUED_START_HINT_RE.match(line))
    if _glued_heading_hints("\n".join(lines)) + starts >= pagenumbers.MIN_CHAIN:
        return True
    return hard_wrap_width([line for line in lines if line]) is not None


def _web_meta(line: str, info: dict[str, str]) -> None:
    """发布日期：2017-05-15 10:49:00, 来源：某某局 on a saved page (several may share a line): the
    publication date and the source, fallbacks for a document that states neither."""
    fields = list(furniture.WEB_META_FIELD_RE.finditer(line))
    for n, m in enumerate(fields):
        end = fields[n + 1].start() if n + 1 < len(fields) else len(line)
        label, value = m.group(1), re.sub(r"[【\[].*$", "", line[m.end():end]).strip()
        if not value:
            continue
        if "日期" in label or "时间" in label:
            date = patterns.parse_date(value) or patterns.iso_date(value)
            if date:
                info.setdefault("published", date)
        elif "来源" in label or "來源" in label or label == "作者":
            info.setdefault("source", value)


TOC_SPAN = 600
"""How far after 目录 its first entry may reappear as the real heading (the 目录 of a long law)."""


def _table_of_contents(lines: list[str], taken: dict[int, str]) -> dict[int, str]:
    """The lines of every table of contents: 目录 (目次) and its entries, with or without dot
    leaders and page numbers, indented or split over lines, at the top or in an attachment.
    An entry is recognised because the same heading comes again in the body: the contents
    run from 目录 to where its first entry reappears."""
    found: dict[int, str] = {}
    for start, line in enumerate(lines):
        if not line or not noise.TOC_HEADER_RE.match(line) or start in found:
            continue
        entries = [i for i in range(start + 1, min(len(lines), start + TOC_SPAN))
                   if lines[i] and i not in taken and noise.noise_reason(lines[i]) not in ("separator", "page number")]
        if not entries:
            continue
        first = toc_key(lines[entries[0]])
        end = next((i for i in entries[1:] if toc_key(lines[i]) == first), None)
        if end is None:
            end = _end_of_listed_entries(lines, entries)
        span = [i for i in entries if i < end] if end is not None else []
        if span and all(len(lines[i]) <= 80 and "。" not in lines[i][:-1] for i in span):
            found[start] = "table of contents"
            found.update((i, "table of contents") for i in span)
    return found


def _end_of_listed_entries(lines: list[str], entries: list[int]) -> int | None:
    """Without a reappearing first entry, the contents are the run of lines that each end
    with a page number or are numbered headings; they end at the first line that is not."""
    end = None
    for i in entries:
        entry = lines[i]
        if "。" in entry or not (numbering.match(entry) or numbering.keyword_heading(toc_key(entry))
                                 or re.search(r"[0-9０-９]\s*$", entry)):
            break
        end = i + 1
    return end if end is not None and end - entries[0] >= 2 else None


def toc_key(line: str) -> str:
    line = re.sub(r"(?:[.．。…·•‥_\-—\s]*)[0-9０-９]{1,4}\s*$", "", line)
    return re.sub(r"[\s\u3000]+", "", line)
