"""Tables as Word and web pages hold them, turned into blocks the same way for both.

A merged cell appears once: its text stands in its first (top-left) position and the other
positions it covers are empty, so every row has the table's width. Rows that are one cell
across the whole table at its top are the table's caption (a title typed into the table,
`附件1：…职位表`) and become paragraphs before it.
"""

from __future__ import annotations

import re

from store.readers.base import Block

_CJK_EDGE_RE = re.compile(r"(?<=[\u3400-\u9fff])\n(?=[\u3400-\u9fff])")


def cell_line(cell: str) -> str:
    """A cell's text on one line: its lines (paragraphs inside the cell) run together where
    both sides are Chinese (a heading wrapped as 职位/名称), else with a space."""
    return _CJK_EDGE_RE.sub("", cell).replace("\n", " ")


def table_blocks(rows: list[list[str]], caption_rows: int, line: int) -> list[Block]:
    """The blocks of one table, numbered from `line`: its leading caption rows as paragraphs,
    then the table itself (if any row is left). Empty rows are dropped."""
    blocks = []
    for row in rows[:caption_rows]:
        text = next((cell for cell in row if cell.strip()), "")
        for part in text.split("\n"):
            if part.strip():
                blocks.append(Block(part, line + len(blocks)))
    body = [row for row in rows[caption_rows:] if any(cell.strip() for cell in row)]
    if body:
        width = max(len(row) for row in body)
        body = [row + [""] * (width - len(row)) for row in body]
        text = "\n".join("\t".join(cell_line(cell) for cell in row) for row in body)
        blocks.append(Block(text, line + len(blocks), rows=body))
    return blocks
