"""Stage 2, paragraphs: the lines of a paragraph that a PDF viewer or a web page broke
apart, joined again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.model import Decision
from store.parse import numbering
from store.parse.lines import Line
from store.parse.shapes import (
    ATTACHMENT_RE,
    DOC_TYPE_SUFFIXES,
    TERMINAL,
    cell_width,
    hard_wrap_width,
    is_metadata_line,
)


@dataclass
class Para:
    """A paragraph: one or more source lines joined."""

    line: int
    text: str
    indented: bool = False
    role: str = "body"  # body | header | attachment_list | fragment (of another text, above the title)
    last_line: str = ""  # the last source line joined, to tell whether it was full
    page: int | None = None  # the page it starts on (PDF), and the page it ends on
    last_page: int | None = None
    rows: list[list[str]] | None = None  # a table
    style: frozenset[str] = frozenset()
    caption: str = ""  # a table's 表N caption, printed above it


def wrap_width_of(lines: list[Line]) -> int | None:
    """The width at which the text was hard-wrapped (a PDF's text layer, a paste from it)."""
    return hard_wrap_width([line.text for line in lines if line.text and line.rows is None])


def assemble(lines: list[Line], joined: bool = True, wrap_width: int | None = None) -> list[Para]:
    """Join the lines of a paragraph that a PDF viewer or a web page broke apart (a PDF's at
    `wrap_width`); with `joined` False (a reader that gives whole paragraphs), never join."""
    texts = [line.text for line in lines if line.text and line.rows is None]
    wrap_width = wrap_width if joined else None
    indented_style = bool(texts) and sum(1 for line in lines if line.text and line.indented) >= 0.5 * len(texts)
    laid_out = joined and _has_layout(lines)
    paras: list[Para] = []
    previous: Line | None = None
    previous_blank = True
    for line in lines:
        if not line.text and line.rows is None:
            previous_blank = True
            continue
        if line.rows is not None:
            paras.append(Para(line.number, line.text, page=line.page, last_page=line.last_page or line.page,
                              rows=line.rows))
        elif paras and paras[-1].rows is None and (
                _runs_on(previous, paras[-1], line) if laid_out else joined and _continues(
                    paras[-1], line.text, line.indented, wrap_width, indented_style, previous_blank)):
            paras[-1].text += line.text
            paras[-1].last_line = line.text
            paras[-1].last_page = line.page
        else:
            paras.append(Para(line.number, line.text, line.indented, last_line=line.text, page=line.page,
                              last_page=line.page, style=line.style))
        previous, previous_blank = line, False
    return paras


_STARTS_PARAGRAPH = frozenset({"indent", "center", "right", "title"})


def _has_layout(lines: list[Line]) -> bool:
    """Whether the reader saw the page (a PDF): which lines reach the right margin and which
    start with a first-line indent. Then those, not the lengths of the lines, tell paragraphs."""
    texts = [line for line in lines if line.text and line.rows is None]
    return bool(texts) and any("continues" in line.style for line in texts) \
        and sum(1 for line in texts if "indent" in line.style) >= 0.05 * len(texts)


def _runs_on(previous: Line | None, para: Para, line: Line) -> bool:
    """A line that reached the right margin goes on in the next, unless the next starts a
    paragraph of its own (GB/T 9704 indents every paragraph's first line by two characters);
    a centred line still ends a bracket left open (an adoption note under a law's title)."""
    if previous is None or "continues" not in previous.style or previous.rows is not None:
        return False
    if {"center", "right", "title"} & previous.style:
        return False
    if line.style & _STARTS_PARAGRAPH and not ("center" in line.style and _open_bracket(para.text)):
        return False
    return not (is_metadata_line(line.text) or is_metadata_line(previous.text))


def _open_bracket(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")") or text.count("《") > text.count("》")


TABLE_CAPTION_RE = re.compile(r"^(?:续)?表\s*[0-9０-９一二三四五六七八九十]+(?:[-－.．][0-9０-９]+)?(?=[\s：:　]|$)[^。；]{0,60}$")
"""表1 禁燃区内禁止燃用的燃料组合类别, 表 3-2 …, 续表1: the caption GB/T 9704 documents print
above a table (附表N is an attachment, not a caption)."""


def captions_on_tables(paras: list[Para], decisions: list[Decision]) -> list[Para]:
    """A 表N caption right above a table is the table's title, not a clause of its own."""
    out: list[Para] = []
    for para in paras:
        previous = out[-1] if out else None
        if para.rows is not None and previous is not None and previous.rows is None \
                and previous.role == "body" and TABLE_CAPTION_RE.match(previous.text):
            para.caption = previous.text
            out.pop()
            decisions.append(Decision(previous.line, previous.text, "table caption",
                                      "a 表N line right above a table: the table's title", kept=True))
        out.append(para)
    return out


CELL_RUN_MIN = 8
CELL_MAX_LENGTH = 40
_NUMERIC_CELL_RE = re.compile(r"^[-+]?[0-9０-９][0-9０-９.,，%％‰\-—~～/:：()（）年月日万亿元个小时天]*$|^[-—/]$")


def join_table_cells(paras: list[Para], decisions: list[Decision]) -> list[Para]:
    """A table that a converter flattened one cell per line (a web page or Word file saved as
    text) is one clause: a run of short lines, many of them numbers, joined one cell a line.
    Numbered cells inside it ((1), 1) are not headings."""
    out: list[Para] = []
    index = 0
    while index < len(paras):
        end = index
        while end < len(paras) and _is_cell(paras[end]):
            end += 1
        run = paras[index:end]
        numeric = sum(1 for p in run if _NUMERIC_CELL_RE.match(p.text))
        long_cells = sum(1 for p in run if len(p.text) > 20)
        if len(run) >= CELL_RUN_MIN and numeric >= 0.3 * len(run) and long_cells <= 0.25 * len(run):
            decisions.append(Decision(run[0].line, run[0].text, "table", f"{len(run)} cells one per line, joined",
                                      kept=True))
            text = "\n".join(p.text for p in run)
            out.append(Para(run[0].line, text, last_line=run[-1].text, page=run[0].page, last_page=run[-1].last_page))
            index = end
        else:
            out.append(paras[index])
            index += 1
    return out


def _is_cell(para: Para) -> bool:
    text = para.text
    if para.rows is not None or para.role != "body" or len(text) > CELL_MAX_LENGTH or "。" in text[:-1] \
            or text.endswith(("：", ":", "；")) or ATTACHMENT_RE.match(text) or numbering.keyword_heading(text):
        return False
    cand = numbering.match(text)
    return cand is None or cand.style not in numbering.RANKS


_AMBIGUOUS_AFTER_WRAP = ("arabic_space", "arabic_half_paren")
"""Numbering styles that a hard-wrapped line can begin with in the middle of a sentence
(…增长 / 2 个百分点); every other style at the start of a line starts a paragraph."""


def _continues(prev: Para, text: str, indented: bool, wrap_width: int | None,
               indented_style: bool, after_blank: bool) -> bool:
    last = prev.text[-1]
    if last in TERMINAL or last in "：:":
        return False
    if last in "，,、" and not after_blank and not numbering.match(text):
        # A line ending with a comma stops in the middle of a sentence, in any kind of copy:
        # 主送 broken over two lines (…各直属机构， / 各大企业，各高等院校：).
        return not (is_metadata_line(text) or is_metadata_line(prev.text))
    if wrap_width:
        # A PDF copy: a full line that does not end a sentence goes on on the next line.
        if cell_width(prev.last_line) < 0.85 * wrap_width or prev.text.endswith(DOC_TYPE_SUFFIXES):
            return False
        candidate = numbering.match(text)
        if candidate and (candidate.style not in _AMBIGUOUS_AFTER_WRAP
                          or cell_width(text) < 0.6 * wrap_width and not any(p in text for p in "，。；,;")):
            return False  # (1  总体要求: a short line, no sentence: a heading, not a wrapped 2 个百分点)
    elif not (indented_style and not indented and not after_blank and prev.indented and len(prev.text) >= 20):
        # Web copies: one line per paragraph, indented; only a line that is not indented and
        # follows a sentence cut in the middle is the rest of that sentence.
        return False
    elif numbering.match(text):
        return False
    return not (is_metadata_line(text) or is_metadata_line(prev.text))
