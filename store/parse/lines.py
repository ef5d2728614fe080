"""Stage 1, lines: the source's blocks cleaned of what is never text (pinyin annotations,
control codes, site boilerplate, page numbers, tables of contents); a site's information table
is read into fields on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.model import Decision
from store.parse import noise, numbering, patterns
from store.readers.base import Block

INFO_TABLE_LINES = 30
"""The information table of a government site (索引号, 发文机关 …) is above the document."""


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


def clean_lines(blocks: list[Block], dropped: list[Decision], info: dict[str, str]) -> list[Line]:
    """Every block that is not noise, cleaned. Fields of a site's information table go into
    `info`."""
    cleaned = [noise.clean_line(block.text) if block.rows is None else block.text for block in blocks]
    out: list[Line] = []
    toc_end = _table_of_contents_end(cleaned)
    in_link_list = False
    for index, (block, line) in enumerate(zip(blocks, cleaned)):
        number = block.line
        if block.rows is not None:
            out.append(Line(number, line, page=block.page, rows=block.rows, style=block.style))
            continue
        if not line:
            out.append(Line(number, ""))
            continue
        if index in toc_end:
            dropped.append(Decision(number, line, "table of contents"))
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
            dropped.append(Decision(number, line, "information table"))
            continue
        reason = noise.noise_reason(line)
        if reason:
            dropped.append(Decision(number, line, reason))
            continue
        indented = block.text[:1] in (" ", "\t", "\u3000", "\xa0")
        out.append(Line(number, line, indented, block.page, style=block.style))
    return out


def _table_of_contents_end(lines: list[str]) -> set[int]:
    """Indexes of the lines of a table of contents: 目录 and the entries after it, up to the
    line where the first entry reappears as the real heading."""
    skip: set[int] = set()
    for start, line in enumerate(lines):
        if not noise.TOC_HEADER_RE.match(line):
            continue
        entries = []
        index = start + 1
        while index < len(lines):
            entry = lines[index]
            if entry:
                key = toc_key(entry)
                if entries and key == entries[0]:
                    break
                if not (numbering.match(entry) or numbering.keyword_heading(toc_key(entry))
                        or re.search(r"[0-9０-９]\s*$", entry)) or "。" in entry:
                    break
                entries.append(key)
            index += 1
        if entries and index < len(lines) and toc_key(lines[index]) == entries[0]:
            skip.update(range(start, index))
    return skip


def toc_key(line: str) -> str:
    line = re.sub(r"(?:[.．。…·•‥_\-—\s]*)[0-9０-９]{1,4}\s*$", "", line)
    return re.sub(r"[\s\u3000]+", "", line)
