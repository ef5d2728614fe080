"""Stage 4, metadata: the header and footer lines of each unit (版头, 文号, 主送, signature,
抄送, 版记) taken out of its body into the document's fields, and the fields shared between
the units of one file."""

from __future__ import annotations

from store.model import Decision, ParsedDocument
from store.normalize import fold
from store.parse import numbering, patterns
from store.parse.paragraphs import Para
from store.parse.shapes import (
    clean_title,
    is_bracketed_note,
    is_standard_cover_line,
    looks_like_document_title,
)


def extract_metadata(doc: ParsedDocument, paras: list[Para], dropped: list[Decision]) -> list[Para]:
    """Take header and footer lines out of the body into the document's patterns."""
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
        if para.role == "fragment":  # the end of another text, glued above this one's title
            body.append(para)
            index += 1
            continue
        if para.role == "attachment_list":
            body.append(para)
            seen_body = True
            index += 1
            continue
        if patterns.is_doc_number_line(text) and (not seen_body or para.role == "header"):
            doc.doc_number = doc.doc_number or patterns.find_doc_number(text)
            leftover = patterns.DOC_NUMBER_RE.sub("", text).strip()
            if leftover and patterns.is_org_line(leftover):
                doc.issuer = doc.issuer or leftover
            reason = "文号"
        elif not seen_body and is_standard_cover_line(text):
            number = patterns.STANDARD_NUMBER_RE.match(text)
            if number:
                doc.doc_number = doc.doc_number or number.group(1)
            reason = "standard cover"
        elif (dates := patterns.STANDARD_DATES_RE.match(text)) is not None:
            doc.date = doc.date or patterns.iso_date(dates.group(1))
            reason = "date"
        elif (issued := patterns.ISSUED_BY_RE.match(text)) and not seen_body and _is_org_name(issued.group(1)):
            names = ["".join(issued.group(1).split())]
            while index + 1 < len(paras) and patterns.is_org_line(paras[index + 1].text):
                dropped.append(Decision(para.line, text, "issuer"))
                index += 1
                para, text = paras[index], paras[index].text
                names.append("".join(text.split()))
            doc.issuer = doc.issuer or "、".join(names)
            reason = "issuer"
        elif not seen_body and (issuer := patterns.red_header_issuer(text)):
            doc.issuer = doc.issuer or issuer
            reason = "版头"
        elif not seen_body and (decree := patterns.DECREE_HEADER_RE.match(text)) \
                and patterns.is_org_line(decree.group(1)):
            doc.issuer = doc.issuer or decree.group(1)
            following = paras[index + 1].text if index + 1 < len(paras) else ""
            if patterns.DECREE_SEQUENCE_RE.match(following):
                doc.doc_number = doc.doc_number or _decree_number(text, following)
                dropped.append(Decision(para.line, text, "令"))
                index += 1
                para, text = paras[index], following
            reason = "令号" if doc.doc_number else "令"
        elif not seen_body and patterns.DECREE_SEQUENCE_RE.match(text) \
                and (decree := patterns.DECREE_HEADER_RE.match(doc.title)):
            doc.issuer = doc.issuer or decree.group(1)  # the decree's head is the unit's title
            doc.doc_number = doc.doc_number or _decree_number(doc.title, text)
            reason = "令号"
        elif patterns.SIGNATORY_RE.match(text) and _next_is_date(paras, index):
            reason = "signature"
        elif not seen_body and doc.recipients is None and patterns.is_recipients_line(text):
            doc.recipients = doc.recipients or text.rstrip("：:").strip()
            reason = "主送"
        elif patterns.DISCLOSURE_RE.match(text):
            doc.disclosure = text
            reason = "disclosure"
        elif patterns.CC_RE.match(text):
            cc = text
            while "。" not in cc and index + 1 < len(paras) and len(paras[index + 1].text) < 60 \
                    and not numbering.match(paras[index + 1].text):
                index += 1
                dropped.append(Decision(paras[index].line, paras[index].text, "抄送"))
                cc += paras[index].text
            doc.cc = patterns.clean_cc(cc)
            reason = "抄送"
        elif patterns.PRINTED_RE.match(text):
            reason = "版记"
        elif (pair := patterns.split_org_date(text)) is not None:
            doc.issuer, doc.date = doc.issuer or pair[0], doc.date or pair[1]
            reason = "issuer and date"
        elif patterns.DATE_LINE_RE.match(text) and (not seen_body or _is_signature_position(paras, index)):
            doc.date = doc.date or patterns.parse_date(text)
            reason = "date"
        elif patterns.MONTH_LINE_RE.match(text) and not seen_body:
            reason = "date"
        elif patterns.SEAL_RE.match(text) and _next_is_date(paras, index - 1):
            reason = "seal"
        elif len(text) <= 24 and index + 1 < len(paras) and not patterns.is_org_line(text) \
                and patterns.is_org_line(text + paras[index + 1].text) and _next_is_date(paras, index + 1):
            # A signature broken over two lines: 国务院应对新型冠状病毒肺炎 / 疫情联防联控机制综合组.
            doc.issuer = doc.issuer or text + paras[index + 1].text
            dropped.append(Decision(para.line, text, "issuer", "a name broken over two lines"))
            index += 1
            para, text = paras[index], paras[index].text
            reason = "issuer"
        elif patterns.is_org_line(text) and (
            para.role == "header" or not seen_body and index + 1 < len(paras) and _is_header_follower(paras[index + 1].text)
            or _next_is_date(paras, index)
            or not seen_body and index + 1 < len(paras) and patterns.MONTH_LINE_RE.match(paras[index + 1].text)
        ):  # (a cover page names its issuer above the month of publication)
            # Joint issuers (联合发文) sign one under the other above the date.
            names = [text]
            while _next_is_date(paras, index) and not patterns.DATE_LINE_RE.match(paras[index + 1].text):
                dropped.append(Decision(para.line, text, "issuer"))
                index += 1
                para, text = paras[index], paras[index].text
                names.append(text)
            doc.issuer = doc.issuer or "、".join(n for name in names for n in patterns.org_names(name))
            reason = "issuer"
        elif is_bracketed_note(text) and index >= len(paras) - 3 and patterns.is_org_line(text[1:-1]):
            doc.issuer = doc.issuer or text[1:-1].strip()  # （万载县统计局）closing a bulletin
            reason = "issuer"
        if reason:
            dropped.append(Decision(para.line, text, reason))
        else:
            if not seen_body and patterns.HISTORY_RE.match(text):
                _take_history(doc, text)  # kept as text too: the revision history
            body.append(para)
            seen_body = True
        index += 1
    return body


def _is_org_name(text: str) -> bool:
    return patterns.is_org_line("".join(text.split()))


def _decree_number(head: str, sequence: str) -> str:
    """国家安全生产监督管理总局令 / 第85号 → 国家安全生产监督管理总局令第85号."""
    number = patterns.DECREE_SEQUENCE_RE.match(sequence).group(1).translate(numbering.FULLWIDTH_DIGITS)
    return f"{''.join(head.split())}第{number}号"


def _take_history(doc: ParsedDocument, note: str) -> None:
    """What the note under a law's title says: adopted by which body, on which date, under
    which decree number (（2000年11月7日国务院令[第296号]发布 …）)."""
    doc.date = doc.date or patterns.parse_date(note)
    doc.doc_number = doc.doc_number or patterns.decree_number(note)
    doc.issuer = doc.issuer or patterns.adopting_body(note)


def _plainly_body(text: str) -> bool:
    """A long paragraph that none of the header or footer patterns can match (they are all
    short, or start with 抄送/（, or end with a colon or 印发): skip the checks."""
    return len(text) > 60 and not text.startswith(("抄", "（", "(")) and not text.endswith(("：", ":", "印发"))


def _is_header_follower(text: str) -> bool:
    return bool(patterns.is_doc_number_line(text) or looks_like_document_title(text)
                or patterns.is_recipients_line(text))


def _next_is_date(paras: list[Para], index: int) -> bool:
    """Whether a date line follows, directly or after the names of joint issuers."""
    following = index + 1
    while following < len(paras) and following - index <= 6 and (
            patterns.is_org_line(paras[following].text) or patterns.SEAL_RE.match(paras[following].text)):
        following += 1
    return following < len(paras) and bool(patterns.DATE_LINE_RE.match(paras[following].text))


def _is_signature_position(paras: list[Para], index: int) -> bool:
    """A date line after an issuer line or the signature of an office holder, or closing the unit."""
    prev = paras[index - 1].text if index else ""
    return patterns.is_org_line(prev) or bool(patterns.SIGNATORY_RE.match(prev)) or index >= len(paras) - 3


def apply_info(documents: list[ParsedDocument], info: dict[str, str]) -> None:
    """What the file states outside the text (a site's information table, a database
    export's header, front matter, the page's own title and dates) fills what the text itself
    did not say, for the file's first document."""
    if not documents:
        return
    first = documents[0]
    title = info.get("title") or info.get("page_title")
    # A decree's head (江西省人民政府令) names no document: the page's title names what it decrees,
    # unless it is the title of the document the decree issues.
    others = {fold(doc.title) for doc in documents[1:]}
    if title and (not first.title or patterns.DECREE_HEADER_RE.match(first.title) and fold(title) not in others):
        first.title = clean_title(title)
    for name in ("doc_number", "issuer", "date"):
        if getattr(first, name) is None and info.get(name):
            setattr(first, name, info[name])
    first.issuer = first.issuer or info.get("author") or _source_issuer(info.get("source"))
    front_date = info.get("front_date")
    if front_date and (first.date is None or front_date in _dates_stated(first)):
        first.date = front_date  # the page's date of the version, confirmed by the text
    first.date = first.date or info.get("published")


def _source_issuer(source: str | None) -> str | None:
    return source if source and patterns.is_org_line(source) else None


def _dates_stated(doc: ParsedDocument) -> set[str]:
    """The dates a document's opening note states (adopted, amended …)."""
    first = next((n for n in doc.nodes if not n.label and n.text), None)
    if first is None or not patterns.HISTORY_RE.match(first.text.split("\n")[0]):
        return set()
    return {d for d in (patterns.parse_date(m.group(0)) for m in patterns.DATE_RE.finditer(first.text)) if d}


def name_untitled(documents: list[ParsedDocument], first_lines: list[str]) -> None:
    """A document with no title is named by the words it begins with, and its issuer read
    off a notice title where the text names no other (or only one relative to its place:
    省政府办公厅 in a site's table, 江西省人民政府办公厅 in the title)."""
    for doc, first_line in zip(documents, first_lines):
        if not doc.title and first_line:
            doc.title, doc.untitled = _opening_words(first_line), True
        if (doc.issuer is None or patterns.is_relative_name(doc.issuer)) and doc.title:
            doc.issuer = patterns.title_issuer(doc.title) or doc.issuer


UNTITLED_NAME_LENGTH = 30


def _opening_words(text: str) -> str:
    """The first words of a text, up to its first sentence mark, as a name for it."""
    cut = min((i for i in (text.find(mark) for mark in "，。；：,;:") if i > 0), default=len(text))
    words = text[:cut].strip()
    return words if len(words) <= UNTITLED_NAME_LENGTH else words[:UNTITLED_NAME_LENGTH] + "…"


def share_metadata(documents: list[ParsedDocument]) -> None:
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
