"""File text → document units → nested numbered nodes → clauses.

The parser is written for the conventions of Chinese official documents, not for particular
files:

* a file may hold a covering notice (主送, 现将《X》印发给你们, issuer and date), the document X
  it covers, and attachments (附件1 …), each a unit with its own numbering;
* heading styles (第X章, 一、, （一）, 1., （1）, ①, 1.1 …) sit at different depths in different
  documents, so the depth of a style is learned per unit by order of first appearance;
* a numbered line is a heading only where its number continues the sequence at its level, so
  a body line that merely starts with a number is not one;
* noise is removed where it keeps the meaning (pinyin, boilerplate, page numbers, TOC), and
  every other piece of text lands in exactly one node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from store import cleanup, metadata, numbering, regions
from store.errors import InputError
from store.model import DroppedLine, Node, ParsedDocument, ParsedFile
from store.normalize import fold
from store.textfile import MAX_BYTES, read_source

TERMINAL = "。！？；!?;"
"""Punctuation that ends a sentence: a line ending with one is not continued on the next."""

DOC_TYPE_SUFFIXES = (
    "方案", "意见", "意見", "规划", "規劃", "通知", "办法", "辦法", "条例", "條例", "规定", "規定",
    "细则", "細則", "决定", "決定", "纲要", "綱要", "计划", "計劃", "措施", "规则", "規則", "公告",
    "通告", "批复", "批復", "报告", "報告", "指引", "指南", "制度", "章程", "清单", "清單", "目录",
    "目錄", "标准", "標準", "要点", "要點", "意见稿", "征求意见稿", "函", "令", "决议", "決議",
    "规范", "規範", "导则", "導則", "说明", "說明", "名单", "名單", "行动", "行動", "工程", "实施方案",
)

_CONNECTIVE_END = tuple("的和与及或并且以对为在向之等暨、，“《（(—-")
"""A heading line ending with one of these was broken over lines: 构建以快速响应为基础的 /
常态化政企联系制度体系."""

ARTICLE_STYLES = ("chapter:条", "chapter:款")
"""Articles of regulations have no title: the words after 第三条 are the article's text."""

_ATTACHMENT_RE = re.compile(
    r"^(附\s*(?:件|表|录|錄))\s*([0-9０-９]{1,3}|[一二三四五六七八九十]{1,3})?\s*([:：])?\s*(.*)$"
)
_LIST_ITEM_RE = re.compile(r"^(?:[0-9０-９]{1,3}\s*[.．、]|[（(][0-9０-９]{1,3}[)）])")
_REFERENCE_RE = re.compile(r"《([^《》]{4,80})》")


@dataclass
class Para:
    """A paragraph: one or more source lines joined."""

    line: int
    text: str
    indented: bool = False
    role: str = "body"  # body | header | attachment_list
    last_line: str = ""  # the last source line joined, to tell whether it was full


@dataclass
class _Unit:
    kind: str
    paras: list[Para]
    label: str = ""
    title: str = ""
    line: int = 0


def parse_file(path: Path, province: str | None = None, max_bytes: int = MAX_BYTES) -> ParsedFile:
    """Read, decode and parse a file. Raises store.errors.InputError for what is not text,
    its message naming the file."""
    try:
        _raw, text, encoding = read_source(Path(path), max_bytes)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    return parse_text(text, file=str(path), encoding=encoding, province=province)


def parse_text(text: str, file: str = "", encoding: str = "utf-8", province: str | None = None) -> ParsedFile:
    if province and regions.place_from_name(province) is None:
        raise InputError(f"unknown province {province!r}: use a name such as 辽宁, 辽宁省, 忻州 or 全国")
    dropped: list[DroppedLine] = []
    info: dict[str, str] = {}
    lines = _clean_lines(text, dropped, info)
    paras = _assemble_paragraphs(lines)
    units = _split_units(paras, dropped)
    documents = [_build_document(unit, dropped) for unit in units if unit.paras or unit.title]
    _apply_info_table(documents, info)
    _share_metadata(documents)
    _assign_places(documents, units, province)
    dropped.sort(key=lambda d: d.line)
    return ParsedFile(file=file, encoding=encoding, documents=documents, dropped=dropped)


# --------------------------------------------------------------------------- lines


INFO_TABLE_LINES = 30
"""The information table of a government site (索引号, 发文机关 …) is above the document."""


def _clean_lines(text: str, dropped: list[DroppedLine], info: dict[str, str]) -> list[tuple[int, str, bool]]:
    """(line number, cleaned text, indented) for every line that is not noise; blank lines
    are kept as "" because they separate paragraphs. Fields of a site's information table
    go into `info`."""
    raw_lines = text.replace("\ufeff", "").splitlines()
    cleaned = [cleanup.clean_line(raw) for raw in raw_lines]
    out: list[tuple[int, str, bool]] = []
    toc_end = _table_of_contents_end(cleaned)
    in_link_list = False
    for index, (raw, line) in enumerate(zip(raw_lines, cleaned)):
        number = index + 1
        if not line:
            out.append((number, "", False))
            continue
        if index in toc_end:
            dropped.append(DroppedLine(number, line, "table of contents"))
            continue
        if in_link_list:
            if cleanup.is_link_title(line) and not numbering.match(line):
                dropped.append(DroppedLine(number, line, "boilerplate"))
                continue
            in_link_list = False
        if line in cleanup.TRAILING_LIST_MARKERS:
            in_link_list = True
        fields = metadata.info_table_fields(line) if index < INFO_TABLE_LINES else None
        if fields is not None:
            for key, value in fields.items():
                info.setdefault(key, value)
            dropped.append(DroppedLine(number, line, "information table"))
            continue
        reason = cleanup.noise_reason(line)
        if reason:
            dropped.append(DroppedLine(number, line, reason))
            continue
        indented = raw[:1] in (" ", "\t", "\u3000", "\xa0")
        out.append((number, line, indented))
    return out


def _table_of_contents_end(lines: list[str]) -> set[int]:
    """Indexes of the lines of a table of contents: 目录 and the entries after it, up to the
    line where the first entry reappears as the real heading."""
    skip: set[int] = set()
    for start, line in enumerate(lines):
        if not cleanup.TOC_HEADER_RE.match(line):
            continue
        entries = []
        index = start + 1
        while index < len(lines):
            entry = lines[index]
            if entry:
                key = _toc_key(entry)
                if entries and key == entries[0]:
                    break
                if not (numbering.match(entry) or numbering.keyword_heading(_toc_key(entry))
                        or re.search(r"[0-9０-９]\s*$", entry)) or "。" in entry:
                    break
                entries.append(key)
            index += 1
        if entries and index < len(lines) and _toc_key(lines[index]) == entries[0]:
            skip.update(range(start, index))
    return skip


def _toc_key(line: str) -> str:
    line = re.sub(r"(?:[.．。…·•‥_\-—\s]*)[0-9０-９]{1,4}\s*$", "", line)
    return re.sub(r"[\s\u3000]+", "", line)


def _cell_width(text: str) -> int:
    """Display width, near enough: CJK characters take three UTF-8 bytes and two cells."""
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


def _assemble_paragraphs(lines: list[tuple[int, str, bool]]) -> list[Para]:
    """Join the lines of a paragraph that a PDF viewer or a web page broke apart."""
    texts = [text for _, text, _ in lines if text]
    wrap_width = _hard_wrap_width(texts)
    indented_style = bool(texts) and sum(1 for _, t, ind in lines if t and ind) >= 0.5 * len(texts)
    paras: list[Para] = []
    previous_blank = True
    for number, text, indented in lines:
        if not text:
            previous_blank = True
            continue
        if paras and _continues(paras[-1], text, indented, wrap_width, indented_style, previous_blank):
            paras[-1].text += text
            paras[-1].last_line = text
        else:
            paras.append(Para(number, text, indented, last_line=text))
        previous_blank = False
    return paras


def _hard_wrap_width(texts: list[str]) -> int | None:
    """The width at which a PDF copy wraps its lines, if most lines end there."""
    if len(texts) < 8:
        return None
    widths = [_cell_width(t) for t in texts]
    counts: dict[int, int] = {}
    for w in widths:
        if w >= 40:
            counts[w] = counts.get(w, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda w: sum(counts.get(v, 0) for v in range(w - 3, w + 1)))
    near = sum(1 for w in widths if best - 4 <= w <= best + 1)
    unterminated = sum(1 for t, w in zip(texts, widths) if best - 4 <= w <= best + 1 and t[-1] not in TERMINAL)
    if near >= 0.35 * len(widths) and unterminated >= 0.5 * near:
        return best
    return None


def _is_metadata_line(text: str) -> bool:
    return bool(
        metadata.DATE_LINE_RE.match(text) or metadata.is_org_line(text) or metadata.RED_HEADER_RE.match(text)
        or metadata.is_doc_number_line(text) or metadata.DISCLOSURE_RE.match(text)
        or metadata.CC_RE.match(text) or _ATTACHMENT_RE.match(text) and len(text) < 60
    )


def _continues(prev: Para, text: str, indented: bool, wrap_width: int | None,
               indented_style: bool, after_blank: bool) -> bool:
    last = prev.text[-1]
    if last in TERMINAL or last in "：:":
        return False
    if last in "，,、" and not after_blank and not numbering.match(text):
        # A line ending with a comma stops in the middle of a sentence, in any kind of copy:
        # 主送 broken over two lines (…各直属机构， / 各大企业，各高等院校：).
        return not (_is_metadata_line(text) or _is_metadata_line(prev.text))
    if wrap_width:
        # A PDF copy: a full line that does not end a sentence goes on on the next line.
        if _cell_width(prev.last_line) < 0.85 * wrap_width or prev.text.endswith(DOC_TYPE_SUFFIXES):
            return False
        candidate = numbering.match(text)
        if candidate and candidate.style in ("chapter:章", "chapter:节", "chapter:条", "cn", "cn_paren"):
            return False
    elif not (indented_style and not indented and not after_blank and prev.indented and len(prev.text) >= 20):
        # Web copies: one line per paragraph, indented; only a line that is not indented and
        # follows a sentence cut in the middle is the rest of that sentence.
        return False
    elif numbering.match(text):
        return False
    return not (_is_metadata_line(text) or _is_metadata_line(prev.text))


# --------------------------------------------------------------------------- units


def _split_units(paras: list[Para], dropped: list[DroppedLine]) -> list[_Unit]:
    """Covering notice, main document and attachments, in reading order."""
    attachment_starts = _attachment_starts(paras)
    first_end = attachment_starts[0][0] if attachment_starts else len(paras)
    units = _split_notice(paras[:first_end])
    for n, (start, label, inline_title) in enumerate(attachment_starts):
        end = attachment_starts[n + 1][0] if n + 1 < len(attachment_starts) else len(paras)
        body = paras[start + 1:end]
        title, consumed = (inline_title, 0) if inline_title else _take_title(body)
        label_text = paras[start].text
        if inline_title and label_text.endswith(inline_title):
            label_text = label_text[: len(label_text) - len(inline_title)].rstrip()  # the title is kept
        dropped.append(DroppedLine(paras[start].line, label_text, "attachment label"))
        units.append(_Unit("attachment", body[consumed:], label=label, title=title, line=paras[start].line))
    return units


def _attachment_starts(paras: list[Para]) -> list[tuple[int, str, str]]:
    """(paragraph index, label, title on the same line) of each attachment. The list of
    attachments in a notice (附件：1.… 2.…) is marked as such, not taken as a start."""
    markers = []
    for index, para in enumerate(paras):
        if len(para.text) > 80:
            continue
        m = _ATTACHMENT_RE.match(para.text)
        if m:
            word, number, colon, rest = m.groups()
            word = re.sub(r"\s+", "", word)
            markers.append((index, word + (number or ""), bool(colon), rest.strip()))
    starts = []
    for pos, (index, label, colon, rest) in enumerate(markers):
        later = markers[pos + 1:]
        next_text = paras[index + 1].text if index + 1 < len(paras) else ""
        body = paras[index + 1:later[0][0] if later else len(paras)]
        listed = (
            any(m[1] == label or (rest and fold(m[3]) == fold(rest)) for m in later)
            or (colon and label in ("附件", "附表", "附录") and _LIST_ITEM_RE.match(next_text or ""))
            or bool(_LIST_ITEM_RE.match(rest))
            # 附件：X followed by nothing but the signature is the note of the attachments
            # (附件说明) above it; the attachment itself was not copied.
            or colon and all(_is_metadata_line(p.text) or metadata.PRINTED_RE.match(p.text) for p in body)
        )
        if listed:
            _mark_attachment_list(paras, index)
            continue
        if rest and "。" in rest:
            continue
        if index + 1 >= len(paras) and not rest:
            continue
        starts.append((index, label, rest))
    return starts


def _mark_attachment_list(paras: list[Para], index: int) -> None:
    paras[index].role = "attachment_list"
    for para in paras[index + 1:]:
        if _LIST_ITEM_RE.match(para.text) and len(para.text) <= 80 and "。" not in para.text[:-1]:
            para.role = "attachment_list"
        else:
            break


def _split_notice(paras: list[Para]) -> list[_Unit]:
    """Split the part before the attachments into a covering notice (or news wrapper) and the
    document it covers, found by the title the notice quotes: 现将《X》印发给你们."""
    for ref_index, para in enumerate(paras[:40]):
        for ref in _REFERENCE_RE.finditer(para.text):
            title = ref.group(1)
            key = fold(title)
            if len(key) < 6:
                continue
            found = _find_title(paras, ref_index, key, para.text, ref.end())
            if not found:
                continue
            start, span, glued_prefix = found
            notice = paras[:start]
            if glued_prefix is not None:
                notice = notice + [Para(paras[start].line, glued_prefix, paras[start].indented)]
            title_text = "".join(p.text for p in paras[start:start + span])
            if glued_prefix is not None:
                title_text = paras[start].text[len(glued_prefix):]
            main = _Unit("main", paras[start + span:], title=title_text.strip(), line=paras[start].line)
            notice_line = notice[0].line if notice else 0
            notice_title = _take_notice_title(notice)
            return [_Unit("notice", notice, title=notice_title, line=notice_line), main]
    paras = list(paras)
    first_line = paras[0].line if paras else 0
    title, _ = _take_title(paras, allow_header=True)
    return [_Unit("main", paras, title=title, line=first_line)]


def _find_title(paras: list[Para], ref_index: int, key: str, ref_text: str, ref_end: int):
    """Where the quoted title stands on its own: a paragraph, a few short lines joined, or
    glued to the end of the notice line itself. Returns (index, paragraphs used, glued prefix)."""
    glued = _glued_title(ref_text[ref_end:], key)
    if glued is not None:
        return ref_index, 1, ref_text[: ref_end + glued]
    for start in range(ref_index + 1, min(len(paras), ref_index + 60)):
        joined = ""
        for span in range(1, 4):
            if start + span > len(paras):
                break
            piece = paras[start + span - 1].text
            if span > 1 and (len(piece) > 40 or "。" in piece):
                break
            joined += piece
            folded = fold(joined)
            if _same_title(folded, key):
                # （2021—2025年） on the line under the title belongs to it even when the
                # notice quotes the title without it.
                if start + span < len(paras) and _PERIOD_NOTE_RE.match(paras[start + span].text) \
                        and not _TRAILING_NOTE_RE.search(folded):
                    span += 1
                return start, span, None
            if not key.startswith(folded):
                break
        glued = _glued_title(paras[start].text, key)
        if glued is not None:
            return start, 1, paras[start].text[:glued]
    return None


_PERIOD_NOTE_RE = re.compile(r"^[（(][^（）()]{0,16}(?:年|试行|暂行|修订|征求意见稿)[^（）()]{0,4}[)）]$")
"""（2021—2025年）, （试行）: a note that ends a document title."""
_TRAILING_NOTE_RE = re.compile(r"\([^()]{1,20}\)$")


def _same_title(folded: str, key: str) -> bool:
    """Whether a folded title is the quoted one, allowing the period or status note that a
    notice often leaves out of its quotation: 《X规划》 for X规划（2021—2025年）."""
    return folded == key or _TRAILING_NOTE_RE.sub("", folded) == key or folded == _TRAILING_NOTE_RE.sub("", key)


def _glued_title(text: str, key: str) -> int | None:
    """The offset at which `text` ends with the title after a finished sentence (甘肃 sample:
    …认真贯彻落实。甘肃省工业领域去产能去库存降成本实施方案)."""
    stripped = text.rstrip()
    for cut in range(len(stripped) - 1, -1, -1):
        if stripped[cut] in TERMINAL:
            tail = stripped[cut + 1:]
            if tail and _same_title(fold(tail), key):
                return cut + 1
            return None
    return None


def _is_title_like(text: str) -> bool:
    return (
        len(text) <= 80 and "。" not in text and not text.endswith(("：", ":", "；", "，"))
        and not numbering.match(text) and not _is_metadata_line(text)
        and not metadata.is_recipients_line(text)
    )


def _take_title(paras: list[Para], allow_header: bool = False) -> tuple[str, int]:
    """The title at the top of a unit (possibly broken over short lines) and how many
    paragraphs it used. With allow_header, header lines (版头, 文号, issuer) before it are
    marked as such and stay in place for metadata extraction, and the title paragraphs are
    removed from the list."""
    index = 0
    if allow_header:
        while index < len(paras) and index < 6 and _is_metadata_line(paras[index].text) \
                and not _ATTACHMENT_RE.match(paras[index].text):
            index += 1
    title, end = _title_lines(paras, index)
    if not title:
        return "", 0
    if allow_header and not _looks_like_document_title(title) and not _starts_body(paras[end:]):
        return "", 0
    if not allow_header:
        return title, end
    for para in paras[:index]:
        para.role = "header"
    del paras[index:end]
    return title, 0


def _title_lines(paras: list[Para], index: int) -> tuple[str, int]:
    """A title starting at paras[index]: one line, or up to three short lines that together
    end like a document title (四川省人民政府关于加快推进 / 新型城镇化建设的实施意见)."""
    if index >= len(paras) or not _is_title_like(paras[index].text):
        return "", index
    joined = ""
    for end in range(index, min(len(paras), index + 3)):
        piece = paras[end].text
        if end > index and (not _is_title_like(piece) or len(piece) > 40):
            break
        joined += piece
        if joined.endswith(DOC_TYPE_SUFFIXES):
            if end + 1 < len(paras) and _PERIOD_NOTE_RE.match(paras[end + 1].text):
                return joined + paras[end + 1].text, end + 2  # …规划 / （2021—2025年）
            return joined, end + 1
    return paras[index].text, index + 1


def _looks_like_document_title(text: str) -> bool:
    return text.endswith(DOC_TYPE_SUFFIXES) or _is_notice_title_start(text)


def _is_notice_title_start(text: str) -> bool:
    """关于印发… or an issuer followed by 关于: 浙江省人民政府办公厅关于印发…"""
    position = text.find("关于")
    if position < 0:
        position = text.find("關於")
    return 0 <= position <= 20


def _starts_body(paras: list[Para]) -> bool:
    """Whether what follows a candidate title looks like a document body."""
    for para in paras[:3]:
        if numbering.match(para.text) or len(para.text) > 40 or metadata.is_recipients_line(para.text):
            return True
    return False


def _take_notice_title(paras: list[Para]) -> str:
    """The notice's own title (关于印发…的通知, often broken over lines) or a news headline,
    removed from `paras`; header lines such as 文号 before it stay for metadata."""
    index = 0
    while index < len(paras) and index < 6 and _is_metadata_line(paras[index].text):
        index += 1
    if index >= len(paras):
        return ""
    first = paras[index].text
    if not _is_title_like(first) or metadata.is_recipients_line(first):
        return ""
    title = first
    used = index + 1
    if _is_notice_title_start(first):
        while used < len(paras) and used - index < 4 and not title.endswith(DOC_TYPE_SUFFIXES):
            nxt = paras[used].text
            if not _is_title_like(nxt) or len(nxt) > 40:
                break
            title += nxt
            used += 1
    # The title line is removed from the unit; header lines before it are kept in place.
    for para in paras[:index]:
        para.role = "header"
    del paras[index:used]
    return title


# --------------------------------------------------------------------------- documents


def _build_document(unit: _Unit, dropped: list[DroppedLine]) -> ParsedDocument:
    doc = ParsedDocument(kind=unit.kind, label=unit.label, title=clean_title(unit.title), line=unit.line)
    body = _extract_metadata(doc, unit.paras, dropped)
    doc.nodes = _HeadingTree().build(body)
    return doc


_QUOTE_SPACE_RE = re.compile(r"\s+(?=[“”\"《》（）])|(?<=[“”\"《》（）])\s+")


def clean_title(title: str) -> str:
    """Spaces that web pages leave around quotes and brackets (“僵尸企业 ” → “僵尸企业”) and
    that typesetting puts inside short headings (总　　则 → 总则)."""
    title = title.strip()
    if " " in title or "\u3000" in title or "\t" in title:
        title = _QUOTE_SPACE_RE.sub("", title)
        compact = "".join(title.split())
        if len(compact) <= 4:
            return compact
    return title


def _extract_metadata(doc: ParsedDocument, paras: list[Para], dropped: list[DroppedLine]) -> list[Para]:
    """Take header and footer lines out of the body into the document's metadata."""
    body: list[Para] = []
    seen_body = False
    index = 0
    while index < len(paras):
        para = paras[index]
        text = para.text
        reason = None
        if para.role == "body" and seen_body and _plainly_body(text):
            body.append(para)
            index += 1
            continue
        if para.role == "attachment_list":
            body.append(para)
            seen_body = True
            index += 1
            continue
        if metadata.is_doc_number_line(text) and (not seen_body or para.role == "header"):
            doc.doc_number = doc.doc_number or metadata.find_doc_number(text)
            leftover = metadata.DOC_NUMBER_RE.sub("", text).strip()
            if leftover and metadata.is_org_line(leftover):
                doc.issuer = doc.issuer or leftover
            reason = "文号"
        elif not seen_body and (issuer := metadata.red_header_issuer(text)):
            doc.issuer = doc.issuer or issuer
            reason = "版头"
        elif not seen_body and doc.recipients is None and metadata.is_recipients_line(text):
            doc.recipients = doc.recipients or text.rstrip("：:").strip()
            reason = "主送"
        elif metadata.DISCLOSURE_RE.match(text):
            doc.disclosure = text
            reason = "disclosure"
        elif metadata.CC_RE.match(text):
            cc = text
            while "。" not in cc and index + 1 < len(paras) and len(paras[index + 1].text) < 60 \
                    and not numbering.match(paras[index + 1].text):
                index += 1
                dropped.append(DroppedLine(paras[index].line, paras[index].text, "抄送"))
                cc += paras[index].text
            doc.cc = metadata.clean_cc(cc)
            reason = "抄送"
        elif metadata.PRINTED_RE.match(text):
            reason = "版记"
        elif (pair := metadata.split_org_date(text)) is not None:
            doc.issuer, doc.date = doc.issuer or pair[0], doc.date or pair[1]
            reason = "issuer and date"
        elif metadata.DATE_LINE_RE.match(text) and (not seen_body or _is_signature_position(paras, index)):
            doc.date = doc.date or metadata.parse_date(text)
            reason = "date"
        elif metadata.MONTH_LINE_RE.match(text) and not seen_body:
            reason = "date"
        elif metadata.is_org_line(text) and (
            para.role == "header" or not seen_body and index + 1 < len(paras) and _is_header_follower(paras[index + 1].text)
            or _next_is_date(paras, index)
        ):
            # Joint issuers (联合发文) sign one under the other above the date.
            names = [text]
            while _next_is_date(paras, index) and not metadata.DATE_LINE_RE.match(paras[index + 1].text):
                dropped.append(DroppedLine(para.line, text, "issuer"))
                index += 1
                para, text = paras[index], paras[index].text
                names.append(text)
            doc.issuer = doc.issuer or "、".join(name.replace(" ", "").replace("\u3000", "") for name in names)
            reason = "issuer"
        if reason:
            dropped.append(DroppedLine(para.line, text, reason))
        else:
            if not seen_body and doc.date is None and metadata.HISTORY_RE.match(text):
                doc.date = metadata.parse_date(text)  # kept as text too: the revision history
            body.append(para)
            seen_body = True
        index += 1
    return body


def _plainly_body(text: str) -> bool:
    """A long paragraph that none of the header or footer patterns can match (they are all
    short, or start with 抄送/（, or end with a colon or 印发): skip the checks."""
    return len(text) > 60 and not text.startswith(("抄", "（", "(")) and not text.endswith(("：", ":", "印发"))


def _is_header_follower(text: str) -> bool:
    return bool(metadata.is_doc_number_line(text) or _looks_like_document_title(text)
                or metadata.is_recipients_line(text))


def _next_is_date(paras: list[Para], index: int) -> bool:
    """Whether a date line follows, directly or after the names of joint issuers."""
    following = index + 1
    while following < len(paras) and following - index <= 6 and metadata.is_org_line(paras[following].text):
        following += 1
    return following < len(paras) and bool(metadata.DATE_LINE_RE.match(paras[following].text))


def _is_signature_position(paras: list[Para], index: int) -> bool:
    """A date line after an issuer line, or closing the unit."""
    prev = paras[index - 1].text if index else ""
    return metadata.is_org_line(prev) or index >= len(paras) - 3


# --------------------------------------------------------------------------- headings


@dataclass
class _Open:
    style: str
    number: int
    node: Node
    numbers: tuple[int, ...] = ()
    part: bool = False  # 总则/附则: numbered headings after it are its children


class _HeadingTree:
    """Builds the node tree of one unit, learning the depth of each numbering style."""

    def __init__(self) -> None:
        self.levels: dict[str, int] = {}
        self.last_number: dict[str, int] = {}
        self.stack: list[_Open] = []
        self.roots: list[Node] = []
        self.following: dict[int, list[tuple[int, str]]] = {}
        """id(heading node) → the (line, paragraph) that follow it up to the next heading."""
        self.own_text: dict[int, str] = {}
        """id(heading node) → the text on its own line after the label, as printed."""

    def build(self, paras: list[Para]) -> list[Node]:
        # Where each numbered line is, to tell a gap in a list from a body line (see _fits_after).
        self._numbered: dict[tuple[str, int], list[int]] = {}
        for position, para in enumerate(paras):
            cand = numbering.match(para.text) if para.role == "body" else None
            if cand is not None:
                self._numbered.setdefault((cand.style, cand.number), []).append(position)
        index = 0
        while index < len(paras):
            self._position = index
            para = paras[index]
            if para.role == "attachment_list":
                run = [para.text]
                while index + 1 < len(paras) and paras[index + 1].role == "attachment_list":
                    index += 1
                    run.append(paras[index].text)
                self._close_all()
                self.roots.append(Node("", "", "\n".join(run), line=para.line))
                index += 1
                continue
            following = paras[index + 1] if index + 1 < len(paras) else None
            heading = self._heading(para, following)
            if heading is None:
                self._paragraph(para)
                index += 1
                continue
            node, took_following = heading
            index += took_following
            # A heading broken over lines: join the short rest.
            while (not node.text and node.title.endswith(_CONNECTIVE_END) and index + 1 < len(paras)
                   and len(paras[index + 1].text) <= 30 and not numbering.match(paras[index + 1].text)
                   and "。" not in paras[index + 1].text[:-1]):
                index += 1
                self._set_title(node, node.title + paras[index].text)
            index += 1
        self._finish(self.roots)
        return self.roots

    # -- classification

    def _heading(self, para: Para, following: Para | None) -> tuple[Node, bool] | None:
        """The heading node a paragraph opens, if it is one, and whether it took the next
        paragraph as its text (第三条 alone on its line)."""
        text = para.text
        keyword = numbering.keyword_heading(text) if len(text) <= 8 else None
        if keyword:
            node = Node("", keyword, line=para.line)
            self._close_all()
            self.roots.append(node)
            self.stack.append(_Open("keyword", 0, node, part=numbering.KEYWORD_HEADINGS[keyword] == "part"))
            return node, False
        cand = numbering.match(text)
        if cand is None or not self._plausible(cand):
            return None
        position = self._fit(cand)
        if position is None:
            return None
        del self.stack[position:]
        node = Node(cand.label, "", line=para.line)
        rest, took_following = cand.rest, False
        if not rest and following is not None and following.role == "body" and not numbering.match(following.text):
            rest, took_following = following.text, True
        if cand.style in ARTICLE_STYLES:
            node.text = rest.strip()  # 第三条 has no title: what follows it is its text
        else:
            self._set_title(node, rest)
        self.own_text[id(node)] = rest.strip()
        if self.stack:
            self.stack[-1].node.children.append(node)
        else:
            self.roots.append(node)
        self.stack.append(_Open(cand.style, cand.number, node, cand.numbers))
        self.levels.setdefault(cand.style, len(self.stack))
        self.last_number[cand.style] = cand.number
        return node, took_following

    @staticmethod
    def _plausible(cand: numbering.Candidate) -> bool:
        rest = cand.rest
        if cand.style == "arabic_space":  # only a short heading on its own line
            return 0 < len(rest) <= 30 and not any(p in rest for p in "。，；,;")
        # "1. 5亿元" or "一、二" fragments are not headings.
        return not rest or rest[0] not in "，,。、；;）)％%"

    def _fit(self, cand: numbering.Candidate) -> int | None:
        """The stack position at which the candidate becomes a heading, or None."""
        # A sibling of an open heading of the same style: the number must continue.
        for pos in range(len(self.stack) - 1, -1, -1):
            entry = self.stack[pos]
            if entry.style == cand.style:
                if self._fits_after(cand, entry.number) and self._decimal_prefix_ok(cand, pos, entry):
                    return pos
                return None
        # A keyword aside (前言) is closed by the first numbered heading.
        if self.stack and self.stack[-1].style == "keyword" and not self.stack[-1].part:
            depth_cap = len(self.stack) - 1
        else:
            depth_cap = len(self.stack)
        last = self.last_number.get(cand.style)
        starts_new = cand.number == 1 or (last is not None and self._fits_after(cand, last))
        if not starts_new:
            return None
        if cand.style in self.levels:
            level = self.levels[cand.style]
            position = min(depth_cap, level - 1)
            # Never under a heading whose style sits deeper than this one.
            while position > 0 and self.levels.get(self.stack[position - 1].style, 0) >= level:
                position -= 1
        else:
            position = depth_cap
        if cand.style.startswith("decimal") and not self._decimal_parent_ok(cand, position):
            return None
        return position

    def _fits_after(self, cand: numbering.Candidate, previous: int) -> bool:
        """Whether the number continues a list that stopped at `previous`: the next number, or
        (an item deleted or mistyped in the source) one or two numbers further when the list
        goes on from there later in the text and the skipped numbers never show up."""
        if cand.number == previous + 1:
            return True
        if not previous + 1 < cand.number <= previous + 3:
            return False
        later = self._numbered.get((cand.style, cand.number + 1), [])
        skipped = any(p > self._position for n in range(previous + 1, cand.number)
                      for p in self._numbered.get((cand.style, n), []))
        return not skipped and any(p > self._position for p in later)

    def _decimal_prefix_ok(self, cand, pos, entry) -> bool:
        return not cand.numbers or cand.numbers[:-1] == entry.numbers[:-1]

    def _decimal_parent_ok(self, cand, position: int) -> bool:
        """1.2 must sit under heading 1 (or 1.x.y under 1.x), and start at .1 when new."""
        if position == 0:
            return cand.numbers[-1] == 1 or len(cand.numbers) == 2
        parent = self.stack[position - 1]
        prefix = cand.numbers[:-1]
        if parent.numbers:
            return parent.numbers == prefix
        return prefix[-1] == parent.number if prefix else True

    # -- tree

    def _paragraph(self, para: Para) -> None:
        if self.stack and not self._after_item_list():
            self.following.setdefault(id(self.stack[-1].node), []).append((para.line, para.text))
        elif len(self.stack) >= 2:
            self.stack[-2].node.children.append(Node("", "", para.text, line=para.line))
        else:
            self.roots.append(Node("", "", para.text, line=para.line))

    def _after_item_list(self) -> bool:
        """Whether the open heading is the last item of an enumeration introduced by a colon
        (应当具备下列条件： （一）…； （二）…。), so that a paragraph after it is the next
        paragraph (款) of the enclosing heading, not part of the last item."""
        top = self.stack[-1]
        if top.style == "keyword":
            return False
        if len(self.stack) >= 2:
            parent = self.stack[-2].node
            siblings = parent.children
            intro = ([self.own_text.get(id(parent), "")] + [t for _, t in self.following.get(id(parent), [])])[-1]
        else:
            siblings = self.roots
            first_item = next((i for i, n in enumerate(siblings) if n.label), len(siblings))
            intro = siblings[first_item - 1].text if first_item and not siblings[first_item - 1].label else ""
        if not intro.endswith(("：", ":")):
            return False
        items = [n for n in siblings if n.label]
        if len(items) < 2 or items[-1] is not top.node:
            return False
        endings = []
        for item in items:
            own = self.own_text.get(id(item), "")
            if item.children or id(item) in self.following or not own or own[-1] not in "；;。" \
                    or "。" in own[:-1]:
                return False
            endings.append(own[-1])
        return any(e in "；;" for e in endings)

    def _close_all(self) -> None:
        self.stack.clear()

    @staticmethod
    def _set_title(node: Node, rest: str) -> None:
        """Run-in headings: the title runs to the first 。 and the rest is the text."""
        rest = rest.strip()
        cut = rest.find("。")
        if 0 <= cut < len(rest) - 1:
            node.title, node.text = clean_title(rest[:cut]), rest[cut + 1:].strip()
        else:
            node.title, node.text = clean_title(rest.rstrip("。：:；;，, \u3000")), ""

    def _finish(self, nodes: list[Node]) -> None:
        """Give each heading its following paragraphs: as its text when it is a clause, as
        unnumbered clauses before its sub-headings when it is a section."""
        for node in nodes:
            paras = self.following.get(id(node), [])
            if node.children:
                intro = ([Node("", "", node.text, line=node.line)] if node.text else [])
                intro += [Node("", "", text, line=line) for line, text in paras]
                node.text = ""
                node.children[:0] = intro
                self._finish(node.children)
            else:
                parts = ([node.text] if node.text else []) + [text for _, text in paras]
                node.text = "\n".join(parts)


# --------------------------------------------------------------------------- places


def _apply_info_table(documents: list[ParsedDocument], info: dict[str, str]) -> None:
    """What the site's information table says fills what the text itself did not."""
    if not info or not documents:
        return
    first = documents[0]
    for name in ("doc_number", "issuer", "date"):
        if info.get(name) and getattr(first, name) is None:
            setattr(first, name, info[name])
    if info.get("title") and not first.title:
        first.title = clean_title(info["title"])


def _share_metadata(documents: list[ParsedDocument]) -> None:
    """A covering notice's 文号, issuer, date, 主送 and 抄送 belong to the document it covers
    too, and attachments inherit them for their citations."""
    notice = next((d for d in documents if d.kind == "notice"), None)
    main = next((d for d in documents if d.kind == "main"), None)
    if notice and main:
        for name in ("doc_number", "issuer", "date", "recipients", "cc", "disclosure"):
            if getattr(main, name) is None and getattr(notice, name) is not None:
                setattr(main, name, getattr(notice, name))
            if getattr(notice, name) is None and getattr(main, name) is not None:
                setattr(notice, name, getattr(main, name))
    source = main or notice
    if source:
        for doc in documents:
            if doc.kind == "attachment":
                for name in ("doc_number", "issuer", "date"):
                    if getattr(doc, name) is None:
                        setattr(doc, name, getattr(source, name))


def _assign_places(documents: list[ParsedDocument], units: list[_Unit], override: str | None) -> None:
    if override:
        place = regions.place_from_name(override)
        for doc in documents:
            doc.province, doc.region = (place.province, place.region) if place else (override, None)
        return
    found: list[regions.Place | None] = []
    for doc in documents:
        place = None
        for text in (doc.issuer, doc.title):
            if text and (place := regions.locate(text)):
                break
        if place is None and doc.doc_number:
            place = regions.province_from_doc_number(doc.doc_number)
        found.append(place)
    file_place = next((p for p in found if p is not None), None)
    if file_place is None:
        mentions = regions.count_mentions("\n".join(_all_text(doc.nodes) for doc in documents))
        top = mentions.most_common(1)
        if top and top[0][1] >= 2:
            file_place = regions.Place(top[0][0], None)
    main_place = next((p for d, p in zip(documents, found) if d.kind == "main" and p), None)
    for doc, place in zip(documents, found):
        place = place or main_place or file_place
        # An attachment titled without a place belongs where its document belongs.
        if doc.kind == "attachment" and main_place and place and place.province != main_place.province \
                and not (doc.issuer and regions.locate(doc.issuer)):
            place = main_place
        doc.province = place.province if place else regions.UNKNOWN
        doc.region = place.region if place else None


def _all_text(nodes: list[Node]) -> str:
    parts = []
    for node in nodes:
        parts.append(node.title)
        parts.append(node.text)
        parts.append(_all_text(node.children))
    return "\n".join(parts)
