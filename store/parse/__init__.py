"""The parse: a source's blocks → document units → nested numbered nodes → clauses.

It is written for the conventions of Chinese official documents (GB/T 9704 and common
practice), not for particular files, as a pipeline of stages, one module each, every stage
taking the previous one's output:

1. `lines`: blocks cleaned of noise (pinyin, control codes, boilerplate, page numbers,
   tables of contents); a site's information table read into fields;
2. `paragraphs`: lines broken apart by a PDF viewer or a web page joined again;
3. `units`: the covering notice, the document it covers and the attachments, with titles;
4. `header`: 版头, 文号, 主送, signature, 抄送 and 版记 taken into each document's fields;
5. `headings`: the tree of numbered headings, ranks (编 > 分编 > 章 > 节 > 条) fixed, the
   GB/T 9704 family (一、 → （一） → 1. → （1）) learned per unit;
6. `places`: the province and region of each document.

Formats are read by store.readers into the same blocks; every decision a stage takes about a
line is recorded (`outline --explain`).
"""

from __future__ import annotations

from pathlib import Path

from store import regions
from store.errors import InputError
from store.model import Decision, ParsedDocument, ParsedFile
from store.parse.header import (
    apply_info,
    extract_metadata,
    name_untitled,
    share_metadata,
)
from store.parse.headings import HeadingTree
from store.parse.lines import clean_lines
from store.parse.paragraphs import assemble, captions_on_tables, join_table_cells, wrap_width_of
from store.parse.places import assign_places
from store.parse.shapes import clean_title
from store.parse.units import Unit, split_units
from store.readers import MAX_BYTES, Source, read_path
from store.readers.text import source_from_text


def parse_file(path: Path, province: str | None = None, max_bytes: int = MAX_BYTES) -> ParsedFile:
    """Read a file of any format and parse it. Raises store.errors.InputError for what cannot
    be read, its message naming the file."""
    try:
        source = read_path(Path(path), max_bytes)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    return parse_source(source, file=str(path), province=province)


def parse_text(text: str, file: str = "", encoding: str = "utf-8", province: str | None = None) -> ParsedFile:
    """Parse text already decoded (a paste, a test)."""
    return parse_source(source_from_text(text, encoding), file=file, province=province)


def parse_source(source: Source, file: str = "", province: str | None = None) -> ParsedFile:
    if province and regions.place_from_name(province) is None:
        raise InputError(f"unknown province {province!r}: use a name such as 辽宁, 辽宁省, 忻州 or 全国")
    decisions: list[Decision] = []
    info = dict(source.info)
    lines = clean_lines(source.blocks, decisions, info)
    wrap_width = wrap_width_of(lines) if not source.paragraphs else None
    paras = assemble(lines, not source.paragraphs, wrap_width)
    paras = captions_on_tables(join_table_cells(paras, decisions), decisions)
    # Only a PDF's text runs a heading into the end of the sentence before it.
    from_pdf = source.format == "pdf" or wrap_width is not None or any(d.reason == "page number" for d in decisions)
    units = split_units(paras, decisions)
    units = [unit for unit in units if unit.paras or unit.title]
    documents = [_build_document(unit, decisions, from_pdf) for unit in units]
    apply_info(documents, info)
    name_untitled(documents, [unit.first_line for unit in units])
    share_metadata(documents)
    assign_places(documents, units, province)
    decisions.sort(key=lambda d: d.line)
    return ParsedFile(file=file, encoding=source.encoding, documents=documents, decisions=decisions,
                      format=source.format, reader=source.reader, info=info, warnings=list(source.warnings))


def _build_document(unit: Unit, decisions: list[Decision], from_pdf: bool) -> ParsedDocument:
    doc = ParsedDocument(kind=unit.kind, label=unit.label, title=clean_title(unit.title), line=unit.line)
    body = extract_metadata(doc, unit.paras, decisions)
    doc.nodes = HeadingTree(decisions, run_in_headings=from_pdf).build(body)
    return doc
