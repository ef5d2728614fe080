"""Stage 3, units: the covering notice, the document it covers and the attachments, each
with its title, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.model import Decision
from store.normalize import fold
from store.parse import numbering, patterns
from store.parse.paragraphs import Para
from store.parse.shapes import (
    ATTACHMENT_RE,
    DOC_TYPE_SUFFIXES,
    LIST_ITEM_RE,
    TERMINAL,
    is_attachment_label,
    is_bracketed_note,
    is_metadata_line,
    is_notice_title_start,
    is_period_note,
    looks_like_document_title,
)

_REFERENCE_RE = re.compile(r"《([^《》]{4,80})》")
_NESTED_QUOTES = str.maketrans("〈〉", "《》")


def title_key(title: str) -> str:
    """A title as compared with another: folded, and a title quoted inside a quoted title
    (《关于对接〈协定〉的意见》) written as when it stands alone (关于对接《协定》的意见)."""
    return fold(title).translate(_NESTED_QUOTES)


@dataclass
class Unit:
    kind: str
    paras: list[Para]
    label: str = ""
    title: str = ""
    line: int = 0
    first_line: str = ""  # what the unit's text begins with: its name when it has no title


def split_units(paras: list[Para], dropped: list[Decision]) -> list[Unit]:
    """Covering notice, main document and attachments, in reading order."""
    paras = _without_repeated_title(paras, dropped)
    attachment_starts = _attachment_starts(paras)
    first_end = attachment_starts[0][0] if attachment_starts else len(paras)
    units = _split_notice(paras[:first_end], dropped)
    for n, (start, label, inline_title) in enumerate(attachment_starts):
        end = attachment_starts[n + 1][0] if n + 1 < len(attachment_starts) else len(paras)
        body = paras[start + 1:end]
        title, consumed = (inline_title, 0) if inline_title else _take_title(body)
        label_text = paras[start].text
        if inline_title and label_text.endswith(inline_title):
            label_text = label_text[: len(label_text) - len(inline_title)].rstrip()  # the title is kept
        dropped.append(Decision(paras[start].line, label_text, "attachment label"))
        units.append(Unit("attachment", body[consumed:], label=label, title=title, line=paras[start].line))
    for unit in units:
        unit.first_line = next((p.text for p in unit.paras if p.rows is None), "")
        if unit.title:
            dropped.append(Decision(unit.line, unit.title[:80], "title", _KIND_NAMES[unit.kind], kept=True))
    return units


_KIND_NAMES = {"notice": "of the covering notice (or decree)", "main": "of the document",
               "attachment": "of an attachment"}


REPEATED_TITLE_WINDOW = 12
"""How many paragraphs from the top a title printed twice may stand (a page's heading and the
document's own title line; a database export's title field and the text's title)."""


def _without_repeated_title(paras: list[Para], dropped: list[Decision]) -> list[Para]:
    """A title line printed twice in a row near the top is one title."""
    for index in range(min(len(paras) - 1, REPEATED_TITLE_WINDOW)):
        first, second = paras[index], paras[index + 1]
        if 6 <= len(first.text) <= 2 * TITLE_MAX and title_key(first.text) == title_key(second.text) \
                and _is_title_like(first.text):
            dropped.append(Decision(second.line, second.text, "duplicate title", "the title printed again"))
            return paras[:index + 1] + paras[index + 2:]
    return paras


def _attachment_starts(paras: list[Para]) -> list[tuple[int, str, str]]:
    """(paragraph index, label, title on the same line) of each attachment. The list of
    attachments in a notice (附件：1.… 2.…) is marked as such, not taken as a start."""
    markers = []
    for index, para in enumerate(paras):
        if len(para.text) > 80:
            continue
        m = ATTACHMENT_RE.match(para.text) if is_attachment_label(para.text) else None
        if m:
            word, number, colon, rest = m.groups()
            label = re.sub(r"\s+", "", word + (number or "")).replace("－", "-").replace("—", "-").replace("–", "-")
            markers.append((index, label, bool(colon), rest.strip()))
    starts = []
    for pos, (index, label, colon, rest) in enumerate(markers):
        later = markers[pos + 1:]
        next_text = paras[index + 1].text if index + 1 < len(paras) else ""
        body = paras[index + 1:later[0][0] if later else len(paras)]
        listed = (
            any(m[1] == label or (rest and fold(m[3]) == fold(rest)) for m in later)
            or (colon and label in ("附件", "附表", "附录") and LIST_ITEM_RE.match(next_text or ""))
            or bool(LIST_ITEM_RE.match(rest))
            # 附件：X followed by nothing but the signature is the note of the attachments
            # (附件说明) above it; the attachment itself was not copied.
            or colon and _only_signature(body)
        )
        # 附件： / its title on the next line / the signature: the attachment itself is not here.
        named_above_signature = colon and not rest and body and _is_title_like(body[0].text) \
            and len(body) > 1 and _only_signature(body[1:])
        if listed or named_above_signature:
            _mark_attachment_list(paras, index)
            if named_above_signature:
                body[0].role = "attachment_list"
            continue
        if rest and "。" in rest:
            continue
        if index + 1 >= len(paras) and not rest:
            continue
        starts.append((index, label, rest))
    return starts


def _only_signature(paras: list[Para]) -> bool:
    return all(is_metadata_line(p.text) or patterns.PRINTED_RE.match(p.text) for p in paras)


def _mark_attachment_list(paras: list[Para], index: int) -> None:
    paras[index].role = "attachment_list"
    for para in paras[index + 1:]:
        if LIST_ITEM_RE.match(para.text) and len(para.text) <= 80 and "。" not in para.text[:-1]:
            para.role = "attachment_list"
        else:
            break


_ISSUING_TITLE_RE = re.compile(
    r"关于(?:印发|转发|发布|公布|颁布|下发|修订印发)[《〈]?(.{4,80}?)[》〉]?的(?:通知|函|决定|公告|通告|批复|通报)$"
)
"""关于印发X的通知: the notice names the document X it covers, in 《》 or not."""
_ISSUING_TITLE_START_RE = re.compile(r"^.{0,30}关于(?:印发|转发|发布|公布|颁布|下发|修订印发)")


QUOTING_PARAGRAPHS = 80
"""How many paragraphs from the top a covering notice may quote the document it covers in."""


def _titles_named(paras: list[Para]):
    """(paragraph index, its text, a document title it names, where the name ends) for the
    titles the first paragraphs quote (现将《X》印发给你们) and the one a notice's own title names
    (关于印发X的通知, over up to three short lines)."""
    for index, para in enumerate(paras[:QUOTING_PARAGRAPHS]):
        for ref in _REFERENCE_RE.finditer(para.text):
            yield index, para.text, ref.group(1), ref.end()
    for index in range(min(len(paras), 8)):
        joined = ""
        for para in paras[index:index + 3]:
            joined += para.text
            m = _ISSUING_TITLE_RE.search(joined)
            if m:
                yield index, "", m.group(1), 0
                return


def _split_notice(paras: list[Para], dropped: list[Decision]) -> list[Unit]:
    """Split the part before the attachments into a covering notice (or news wrapper) and the
    document it covers, found by the title the notice names: 现将《X》印发给你们, 关于印发X的通知."""
    for ref_index, text, title, ref_end in _titles_named(paras):
        key = title_key(title)
        found = _find_title(paras, ref_index, key, text, ref_end) if len(key) >= 6 else None
        if not found:
            continue
        start, span, glued_prefix = found
        notice = paras[:start]
        if glued_prefix is not None:
            notice = notice + [Para(paras[start].line, glued_prefix, paras[start].indented)]
        title_text = "".join(p.text for p in paras[start:start + span])
        if glued_prefix is not None:
            title_text = paras[start].text[len(glued_prefix):]
        mains = _documents_covered(paras, start, span, title_text.strip(), ref_index)
        notice_line = notice[0].line if notice else 0
        notice_title = _take_notice_title(notice, dropped)
        return [Unit("notice", notice, title=notice_title, line=notice_line), *mains]
    paras = list(paras)
    first_line = paras[0].line if paras else 0
    title, _ = _take_title(paras, allow_header=True)
    return [Unit("main", paras, title=title, line=first_line)]


def _documents_covered(paras: list[Para], start: int, span: int, title: str, ref_index: int) -> list[Unit]:
    """The documents a notice covers, from the first one's title on: a notice may issue two
    (印发《A》和《B》的通知), each then standing under its own title, in the order named."""
    units = [Unit("main", paras[start + span:], title=title, line=paras[start].line)]
    named = dict.fromkeys(title_key(t) for _i, _text, t, _end in _titles_named(paras))
    named.pop(title_key(title), None)
    for key in named:
        current = units[-1]
        found = _find_title(current.paras, -1, key, "", 0) if len(key) >= 6 else None
        if found and found[2] is None:
            at, length, _ = found
            rest = current.paras
            title_text = "".join(p.text for p in rest[at:at + length]).strip()
            current.paras = rest[:at]
            units.append(Unit("main", rest[at + length:], title=title_text, line=rest[at].line))
    return units


def _find_title(paras: list[Para], ref_index: int, key: str, ref_text: str, ref_end: int):
    """Where the quoted title stands on its own: a paragraph, a few short lines joined, or
    glued to the end of the notice line itself. Returns (index, paragraphs used, glued prefix)."""
    glued = _glued_title(ref_text[ref_end:], key)
    if glued is not None:
        return ref_index, 1, ref_text[: ref_end + glued]
    for start in range(ref_index + 1, min(len(paras), ref_index + 60)):
        if paras[start].role == "attachment_list":
            continue  # the title named in the list of attachments, not the attachment itself
        joined = ""
        for span in range(1, 4):
            if start + span > len(paras):
                break
            piece = paras[start + span - 1].text
            if span > 1 and (len(piece) > 40 or "。" in piece):
                break
            joined += piece
            if _longer_than_title(joined, key):
                break  # folding it (the costly part) could not make it the title
            folded = title_key(joined)
            if _same_title(folded, key):
                # （2021—2025年） on the line under the title belongs to it even when the
                # notice quotes the title without it.
                if start + span < len(paras) and is_period_note(paras[start + span].text) \
                        and not _TRAILING_NOTE_RE.search(folded):
                    span += 1
                return start, span, None
            if not key.startswith(folded):
                break
        glued = _glued_title(paras[start].text, key)
        if glued is not None:
            return start, 1, paras[start].text[:glued]
    return None


_TRAILING_NOTES_RE = re.compile(r"(?:[（(][^（）()]{1,20}[)）])+$")
"""（2021 年-2035 年）（草案） after a title."""
_TRAILING_NOTE_RE = re.compile(r"\([^()]{1,20}\)$")


def _same_title(folded: str, key: str) -> bool:
    """Whether a folded title is the quoted one, allowing the period or status note that a
    notice often leaves out of its quotation: 《X规划》 for X规划（2021—2025年）."""
    return folded == key or _TRAILING_NOTE_RE.sub("", folded) == key or folded == _TRAILING_NOTE_RE.sub("", key)


TITLE_NOTE_MAX = 40
"""Longest period or status note a quoted title may leave out (（2021—2025年）, （试行）)."""


def _longer_than_title(text: str, key: str) -> bool:
    """Whether text is too long to be the folded title `key` (folding only drops spaces and
    invisible characters, and the title may carry a note the quotation left out)."""
    return len(text) > len(key) + TITLE_NOTE_MAX and len("".join(text.split())) > len(key) + TITLE_NOTE_MAX


def _glued_title(text: str, key: str) -> int | None:
    """The offset at which `text` ends with the title after a finished sentence (甘肃 sample:
    …认真贯彻落实。甘肃省工业领域去产能去库存降成本实施方案)."""
    stripped = text.rstrip()
    for cut in range(len(stripped) - 1, -1, -1):
        if stripped[cut] in TERMINAL:
            tail = stripped[cut + 1:]
            if tail and not _longer_than_title(tail, key) and _same_title(title_key(tail), key):
                return cut + 1
            return None
    return None


TITLE_MAX = 80
"""The longest line taken for a title, but for a notice's (issuer + 关于 + … + 的通知), which
can run to twice that when a long issuer issues a long-named document."""


def _is_title_like(text: str) -> bool:
    long_notice = len(text) <= 2 * TITLE_MAX and is_notice_title_start(text) and text.endswith(DOC_TYPE_SUFFIXES)
    return (
        (len(text) <= TITLE_MAX or long_notice) and "。" not in text and not text.endswith(("：", ":", "；", "，"))
        and not is_bracketed_note(text) and not numbering.match(text) and not is_metadata_line(text)
        and not patterns.is_recipients_line(text)
    )


def _take_title(paras: list[Para], allow_header: bool = False) -> tuple[str, int]:
    """The title at the top of a unit (possibly broken over short lines) and how many
    paragraphs it used. With allow_header, header lines (版头, 文号, issuer) before it are
    marked as such and stay in place for metadata extraction, and the title paragraphs are
    removed from the list."""
    index = 0
    if allow_header:
        while index < len(paras) and index < 6 and is_metadata_line(paras[index].text) \
                and not ATTACHMENT_RE.match(paras[index].text):
            index += 1
    title, end = _title_lines(paras, index)
    if not title and allow_header and index < len(paras) and _cut_glued_title(paras, index):
        index += 1  # the end of another text glued before the title (a concatenated PDF)
        title, end = _title_lines(paras, index)
    if not title:
        return "", 0
    if allow_header and not looks_like_document_title(_TRAILING_NOTES_RE.sub("", title)) \
            and not _starts_body(paras[end:]):
        return "", 0
    if not allow_header:
        return title, end
    if title.startswith(("关于", "關於")) and index and patterns.is_org_line(paras[index - 1].text):
        index -= 1  # the issuers on the line above 关于…: part of the title
        title = paras[index].text + title
    for para in paras[:index]:
        para.role = "header"
    del paras[index:end]
    return title, 0


def _continues_title(line: str) -> bool:
    """…第十四个五年规划 / 和二〇三五年远景目标纲要: a title goes on after a document-type word
    when the next short line begins with a conjunction and ends like a title."""
    return line.startswith(("和", "及", "与", "暨", "以及")) and len(line) <= 30 and line.endswith(DOC_TYPE_SUFFIXES) \
        and _is_title_like(line)


def _cut_glued_title(paras: list[Para], index: int) -> bool:
    """A title that starts after the last sentence of the text above it on the same line
    (…起施行。 上海市国民经济和社会发展第十四个五年规划 / 和二〇三五年远景目标纲要): cut the
    paragraph there, the title starting a paragraph of its own."""
    para = paras[index]
    cut = max(para.text.rfind(mark) for mark in TERMINAL) + 1
    tail = para.text[cut:].strip()
    if cut <= 0 or len(tail) < 6 or not _is_title_like(tail):
        return False
    joined = tail
    for following in paras[index + 1:index + 3]:
        if joined.endswith(DOC_TYPE_SUFFIXES) and not _continues_title(following.text) \
                or not _is_title_like(following.text) or len(following.text) > 40:
            break
        joined += following.text
    if not joined.endswith(DOC_TYPE_SUFFIXES):
        return False
    head = Para(para.line, para.text[:cut].strip(), para.indented, role="fragment",
                last_line=para.text[:cut].strip(), page=para.page, last_page=para.page)
    para.text = tail
    paras.insert(index, head)
    return True


_CENTRED = frozenset({"center", "title"})


def _title_lines(paras: list[Para], index: int) -> tuple[str, int]:
    """A title starting at paras[index]: one line, or up to four short lines that together
    end like a document title (四川省人民政府关于加快推进 / 新型城镇化建设的实施意见; a cover
    page's title set over several lines)."""
    if index >= len(paras) or not _is_title_like(_without_page_number(paras[index].text)):
        return "", index
    if _CENTRED & paras[index].style:
        # A title set centred over lines (Word, PDF): the centred lines that follow are its rest,
        # whatever word they end with (新冠肺炎聚集性疫情 / 调查与分析方法).
        end = index + 1
        while end < len(paras) and end - index < 4 and _CENTRED & paras[end].style \
                and (_is_title_like(paras[end].text) or is_period_note(paras[end].text)) and len(paras[end].text) <= 40:
            end += 1
        return "".join(p.text for p in paras[index:end]), end
    joined = ""
    for end in range(index, min(len(paras), index + 4)):
        piece = paras[end].text
        if end > index and (not _is_title_like(piece) or len(piece) > 40):
            break
        joined += _without_page_number(piece) if end == index else piece
        if joined.endswith(DOC_TYPE_SUFFIXES) and not (end + 1 < len(paras) and _continues_title(paras[end + 1].text)):
            end += 1
            while end < len(paras) and end - index < 6 and is_period_note(paras[end].text):
                joined += paras[end].text  # …规划 / （2021—2035年） / （草案）
                end += 1
            return joined, end
    return paras[index].text, index + 1


_LEADING_PAGE_NUMBER_RE = re.compile(
    r"^(?:[0-9]{1,4}[ \u3000]+|[IVXⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]{1,5}(?![类級级期型号])|[!-/:-@\[-`{-~ ]{2,12})(?=[\u4e00-\u9fff])"
)
"""31 北京市…规划, II浙江省…规划, + #! +北京市…规划: the page number of a PDF page or of a
front-matter page, or the symbols a decorative font left, glued to the first line of a title."""


def _without_page_number(line: str) -> str:
    stripped = _LEADING_PAGE_NUMBER_RE.sub("", line)
    return stripped if stripped != line and stripped.endswith(DOC_TYPE_SUFFIXES) else line


def _starts_body(paras: list[Para]) -> bool:
    """Whether what follows a candidate title looks like a document body."""
    for para in paras[:3]:
        if numbering.match(para.text) or len(para.text) > 40 or patterns.is_recipients_line(para.text):
            return True
    return False


NOTICE_TITLE_WINDOW = 4
"""How many paragraphs into a notice its 关于… title may start (after a page heading, the
names of its issuers)."""


def _take_notice_title(paras: list[Para], dropped: list[Decision]) -> str:
    """The notice's own title (关于印发…的通知, often broken over lines, its issuers sometimes on
    a line of their own above it) or a news headline, removed from `paras`; header lines such
    as 文号 before it stay for the metadata stage, a page heading before it is dropped."""
    index = 0
    while index < len(paras) and index < 6 and is_metadata_line(paras[index].text) \
            and not is_notice_title_start(paras[index].text):
        index += 1
    if index >= len(paras):
        return ""
    headings: list[Para] = []
    about = next((i for i in range(index, min(len(paras), index + NOTICE_TITLE_WINDOW))
                  if is_notice_title_start(paras[i].text) and _is_title_like(paras[i].text)), None)
    if about is not None:
        start = about - 1 if about > index and patterns.is_org_line(paras[about - 1].text) else about
        headings = [para for para in paras[index:start] if _is_title_like(para.text)]
        index = start
    elif not _is_title_like(paras[index].text) or patterns.is_recipients_line(paras[index].text):
        return ""
    title, used = _joined_title(paras, index)
    for para in paras[:index]:
        if para not in headings:
            para.role = "header"  # kept in place for the metadata stage
    for para in headings:
        dropped.append(Decision(para.line, para.text, "page title", "a heading above the notice's title"))
    paras[:used] = [para for para in paras[:index] if para not in headings]
    return title


def _joined_title(paras: list[Para], index: int) -> tuple[str, int]:
    """A notice title from paras[index], joined over the short lines that complete it (an
    issuers' line, 关于印发…, …的通知); returns it and the index after its last line."""
    title = paras[index].text
    used = index + 1
    if is_notice_title_start(title) or patterns.is_org_line(title):
        while used < len(paras) and used - index < 4 and not title.endswith(DOC_TYPE_SUFFIXES):
            nxt = paras[used].text
            if not (_is_title_like(nxt) or patterns.is_org_line(title) and is_notice_title_start(nxt)) or len(nxt) > 40:
                break
            title += nxt
            used += 1
        # 关于印发…方案 / （第九版）的通知: a document-type word inside the title, not its end.
        while used < len(paras) and used - index < 4 and _ISSUING_TITLE_START_RE.match(title) \
                and not _ISSUING_TITLE_RE.search(title) and _ISSUING_TITLE_RE.search(title + paras[used].text):
            title += paras[used].text
            used += 1
    return title, used
