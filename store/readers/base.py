"""What a reader hands to the parser: the blocks of one source file, with what its format knows.

Every format (plain text, web page, Word, PDF …) is read into the same shape, so that one
parsing core (store/parse) decides on titles, headings and metadata for all of them. A reader
knows its format's furniture (a web page's navigation, a PDF's running headers, Word's
automatic numbering) and removes or renders it; it never decides what is a heading.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """One line of a text file or a PDF page, or one paragraph of a Word file or web page.

    `text` is as the reader found it (a text reader keeps leading spaces, which tell an
    indented paragraph). `line` is the block's 1-based position in the source: the line number
    of a text file, the paragraph number of a Word file. A table is one block whose `rows` hold
    its cells (merged cells once) and whose `text` is the rows joined with tabs and newlines.
    `style` carries what the format shows of a line's role: "bold", "center", "right" (a
    signature's alignment), "heading" (a heading style or tag), "title" (a title style, or the
    largest type on the first page), "red" (版头), "indent" (a first-line indent: a new
    paragraph starts here), "continues" (the line runs to the right margin of a PDF page or a
    page ends inside the sentence: the paragraph goes on in the next block), "numbered" (its
    label is Word's automatic numbering, which a list that restarts may get wrong).
    """

    text: str
    line: int
    page: int | None = None
    rows: list[list[str]] | None = None
    style: frozenset[str] = frozenset()
    last_page: int | None = None  # a table that runs over pages: the page it ends on

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass
class Source:
    """A file read by its format's reader, ready for the parser.

    `paragraphs` says whether each block is already a whole paragraph (Word, web pages): the
    parser then never joins two blocks, as it must for the hard-wrapped lines of a PDF or a
    pasted text. `info` holds metadata the format itself states (a web page's information
    table: title, doc_number, issuer, date, validity; the page's URL), which the parser uses
    where the text says nothing else. `warnings` are worth telling the user but no reason to
    refuse the file (an image-only page in a PDF).
    """

    blocks: list[Block]
    format: str  # a key of store.readers.FORMATS: "text", "html", "docx" …
    reader: str  # what read it, with its version: "text", "selectolax 1.0.2"
    encoding: str = ""
    sha256: str = ""
    paragraphs: bool = False
    info: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
