"""What the parser produces: plain data, independent of the database and of the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentKind = Literal["notice", "main", "attachment"]


@dataclass
class Node:
    """A numbered heading with its text and sub-headings, or an unnumbered paragraph.

    A node with children is a section; one without is a clause. Unnumbered paragraphs have
    label "" and title "". `line` is the 1-based source line, kept for debugging and for
    `outline`.
    """

    label: str
    title: str
    text: str = ""
    children: list[Node] = field(default_factory=list)
    line: int = 0
    rows: list[list[str]] | None = None  # a table: its rows of cells; `text` renders them
    pages: tuple[int, int] | None = None  # first and last page it stands on (PDF)

    def to_json(self) -> dict:
        data = {
            "label": self.label,
            "title": self.title,
            "text": self.text,
            "line": self.line,
            "children": [child.to_json() for child in self.children],
        }
        if self.rows is not None:
            data["rows"] = self.rows
        if self.pages is not None:
            data["pages"] = list(self.pages)
        return data


@dataclass
class ParsedDocument:
    """One document unit of a file: a covering notice, the main document or an attachment."""

    kind: DocumentKind
    label: str = ""  # 附件1, 附表2 … for attachments
    title: str = ""
    doc_number: str | None = None  # 文号
    issuer: str | None = None
    date: str | None = None  # ISO 8601, yyyy-mm-dd
    recipients: str | None = None  # 主送
    cc: str | None = None  # 抄送
    province: str | None = None
    region: str | None = None
    disclosure: str | None = None  # （此件公开发布）
    line: int = 0
    nodes: list[Node] = field(default_factory=list)
    untitled: bool = False  # the title is the opening words of the text: the document has none

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "date": self.date,
            "recipients": self.recipients,
            "cc": self.cc,
            "province": self.province,
            "region": self.region,
            "disclosure": self.disclosure,
            "untitled": self.untitled,
            "line": self.line,
            "nodes": [node.to_json() for node in self.nodes],
        }


@dataclass
class Decision:
    """A source line the parser treated specially, what it became and why: removed as noise or
    metadata (`kept` False: nothing disappears silently), or kept as a heading, a title or a
    table of contents entry. `outline --explain` prints them; users attach them to a report
    of a wrong parse."""

    line: int
    text: str
    reason: str  # what the line became: "heading", "page number", "文号", "table of contents" …
    detail: str = ""  # why: "depth 2, （一） sequence, after （三）"
    kept: bool = False

    def to_json(self) -> dict:
        return {"line": self.line, "text": self.text, "reason": self.reason, "detail": self.detail,
                "kept": self.kept}


@dataclass
class ParsedFile:
    file: str
    encoding: str
    documents: list[ParsedDocument]
    decisions: list[Decision] = field(default_factory=list)
    format: str = "text"
    reader: str = "text"
    info: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def dropped(self) -> list[Decision]:
        """The lines removed from the text, with the reason."""
        return [d for d in self.decisions if not d.kept]

    def to_json(self, explain: bool = False) -> dict:
        data = {
            "file": self.file,
            "format": self.format,
            "reader": self.reader,
            "encoding": self.encoding,
            "warnings": self.warnings,
            "documents": [doc.to_json() for doc in self.documents],
            "dropped": [{"line": d.line, "text": d.text, "reason": d.reason} for d in self.dropped],
        }
        if explain:
            data["explain"] = [d.to_json() for d in self.decisions]
        return data
