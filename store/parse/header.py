"""Stage 4, metadata: the header and footer lines of each unit (版头, 文号, 主送, signature,
抄送, 版记) taken out of its body into the document's fields, and the fields shared between
the units of one file."""

from __future__ import annotations

from store.model import Decision, ParsedDocument
from store.parse import numbering, patterns
from store.parse.paragraphs import Para
from store.parse.shapes import clean_title, looks_like_document_title


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
        elif not seen_body and (issuer := patterns.red_header_issuer(text)):
            doc.issuer = doc.issuer or issuer
            reason = "版头"
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
        elif patterns.is_org_line(text) and (
            para.role == "header" or not seen_body and index + 1 < len(paras) and _is_header_follower(paras[index + 1].text)
            or _next_is_date(paras, index)
        ):
            # Joint issuers (联合发文) sign one under the other above the date.
            names = [text]
            while _next_is_date(paras, index) and not patterns.DATE_LINE_RE.match(paras[index + 1].text):
                dropped.append(Decision(para.line, text, "issuer"))
                index += 1
                para, text = paras[index], paras[index].text
                names.append(text)
            doc.issuer = doc.issuer or "、".join(name.replace(" ", "").replace("\u3000", "") for name in names)
            reason = "issuer"
        if reason:
            dropped.append(Decision(para.line, text, reason))
        else:
            if not seen_body and doc.date is None and patterns.HISTORY_RE.match(text):
                doc.date = patterns.parse_date(text)  # kept as text too: the revision history
            body.append(para)
            seen_body = True
        index += 1
    return body


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
    while following < len(paras) and following - index <= 6 and patterns.is_org_line(paras[following].text):
        following += 1
    return following < len(paras) and bool(patterns.DATE_LINE_RE.match(paras[following].text))


def _is_signature_position(paras: list[Para], index: int) -> bool:
    """A date line after an issuer line, or closing the unit."""
    prev = paras[index - 1].text if index else ""
    return patterns.is_org_line(prev) or index >= len(paras) - 3


def apply_info_table(documents: list[ParsedDocument], info: dict[str, str]) -> None:
    """What the site's information table says fills what the text itself did not."""
    if not info or not documents:
        return
    first = documents[0]
    for name in ("doc_number", "issuer", "date"):
        if info.get(name) and getattr(first, name) is None:
            setattr(first, name, info[name])
    if info.get("title") and not first.title:
        first.title = clean_title(info["title"])


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
