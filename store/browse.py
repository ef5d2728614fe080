"""Read queries behind the panes and the `show`/`stats` commands: provinces and regions,
documents, section trees, pages of clauses, and citations.

Everything pages through SQL by sort key, so no caller ever holds every clause of a large
database in memory.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from store.db import Store, document_key_range


@dataclass
class Place:
    province: str
    region: str | None
    documents: int
    clauses: int

    @property
    def name(self) -> str:
        return self.region or self.province


@dataclass
class Document:
    id: int
    kind: str
    label: str
    title: str
    doc_number: str | None
    issuer: str | None
    date: str | None
    province: str
    region: str | None
    clause_count: int
    source_path: str
    recipients: str | None = None
    cc: str | None = None
    encoding: str = ""
    imported_at: str = ""
    format: str = "text"
    reader: str = "text"
    source_url: str | None = None
    untitled: bool = False  # the title is the opening words of its text
    validity: str | None = None
    page_labels: str | None = None  # a PDF's printed page numbers (store.readers.layout)

    @property
    def display_title(self) -> str:
        """Notices often have no title of their own: name them after what they cover, or by
        their opening words."""
        if self.title:
            title = f"（无标题）{self.title}" if self.untitled else self.title
            return f"{self.label} {title}" if self.label else title
        return {"notice": "（印发通知）", "attachment": self.label or "（附件）"}.get(self.kind, "（无标题）")

    def pages(self, clause: Clause) -> str | None:
        """Where a clause stands in a PDF, as its pages are numbered in print: 第5页, 第5–6页."""
        if clause.page_first is None:
            return None
        first, last = (self._printed(n) for n in (clause.page_first, clause.page_last or clause.page_first))
        return f"第{first}页" if first == last else f"第{first}–{last}页"

    def source_place(self, clause: Clause) -> str:
        """Where in the source file a clause is, for checking it against the original:
        'plan.pdf, 第5页 (PDF document)', 'notice.txt, line 12'."""
        from store.readers import FORMATS

        where = [self.source_path]
        pages = self.pages(clause)
        if pages:
            where.append(pages)
        elif clause.line:
            where.append(f"line {clause.line}")
        kind = FORMATS[self.format].description if self.format in FORMATS else self.format
        return ", ".join(where) + ("" if self.format == "text" else f" ({kind}, read by {self.reader})")

    def _printed(self, physical: int) -> str:
        from store.readers.layout import printed_page

        return printed_page(self.page_labels, physical) or str(physical) if self.page_labels else str(physical)

    @property
    def key_range(self) -> tuple[int, int]:
        return document_key_range(self.province, self.id)


@dataclass
class Section:
    id: int
    document_id: int
    parent_id: int | None
    depth: int
    label: str
    title: str
    path: str
    first_clause: int
    last_clause: int


@dataclass
class Clause:
    id: int
    document_id: int
    section_id: int | None
    ordinal: int
    sort_key: int
    label: str
    title: str
    text: str
    path: str
    key: str
    line: int | None = None  # in the source file, counted from 1, when the reader knows it
    page_first: int | None = None  # the PDF pages it stands on (physical, counted from 1)
    page_last: int | None = None
    rows_json: str | None = None  # a table: its rows of cells, as JSON

    @property
    def rows(self) -> list[list[str]] | None:
        """A table clause's rows of cells (the text renders them too)."""
        return json.loads(self.rows_json) if self.rows_json else None

    @property
    def full_text(self) -> str:
        """Its heading (label and title) and its text, a line each: what is copied, quoted
        and compared."""
        return "\n".join(part for part in (self.label + self.title, self.text) if part)

    @property
    def reading_text(self) -> str:
        """The text as a reader sees it: a table's cells apart by │, a row to a line (the
        stored text keeps tabs, which a terminal expands unpredictably), without the empty
        cells a merged cell leaves at the end of a row."""
        rows = self.rows
        if not rows:
            return self.text
        lines = []
        for row in rows:
            cells = [" ".join(cell.split()) for cell in row]
            while len(cells) > 1 and not cells[-1]:
                cells.pop()
            lines.append(" │ ".join(cells))
        return "\n".join(lines)


@dataclass
class HeadingClause:
    """A clause that stands where a heading stands: a numbered item directly under the
    document or under a section that also has subsections (一、 whose text became a clause,
    beside 二、 and 三、 that have subsections). The section tree lists these too."""

    ordinal: int
    section_id: int | None
    label: str
    title: str


_DOCUMENT_COLUMNS = """id, kind, label, title, doc_number, issuer, date, province, region, clause_count, source_path,
                       recipients, cc, encoding, imported_at, format, reader, source_url, untitled, validity,
                       page_labels"""
_CLAUSE_COLUMNS = ("id, document_id, section_id, ordinal, sort_key, label, title, text, path, key, line, page_first, "
                   "page_last, rows")


def display_path(path: str) -> str:
    """二、（四） as printed; ¶3 (the third unnumbered paragraph) as 第3段; no trailing period
    from a label such as 6. (第三章第二节6, not 第三章第二节6.)."""
    if "¶" in path:
        head, _, number = path.rpartition("¶")
        path = f"{head}第{number.split('#')[0]}段"
    return path.rstrip(".．")


def places(conn: sqlite3.Connection) -> list[Place]:
    """Provinces in reading order, each followed by its regions, with document and clause
    counts; only places that have documents."""
    rows = conn.execute(
        """SELECT d.province, d.region, count(*), sum(d.clause_count) FROM documents d
           JOIN provinces p ON p.name = d.province GROUP BY d.province, d.region
           ORDER BY p.rank, d.region IS NOT NULL, d.region"""
    ).fetchall()
    result: list[Place] = []
    totals: dict[str, Place] = {}
    for province, region, docs, clauses in rows:
        top = totals.get(province)
        if top is None:
            top = totals[province] = Place(province, None, 0, 0)
            result.append(top)
        top.documents += docs
        top.clauses += clauses or 0
        if region:
            result.append(Place(province, region, docs, clauses or 0))
    return result


def documents(conn: sqlite3.Connection, province: str | None = None, region: str | None = None) -> list[Document]:
    sql = f"SELECT {_DOCUMENT_COLUMNS} FROM documents"
    params: list = []
    if province is not None:
        sql += " WHERE province = ?"
        params.append(province)
        if region is not None:
            sql += " AND region = ?"
            params.append(region)
    sql += " ORDER BY id"
    return [Document(*row) for row in conn.execute(sql, params)]


def document(conn: sqlite3.Connection, document_id: int) -> Document | None:
    row = conn.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (document_id,)).fetchone()
    return Document(*row) if row else None


def sections(conn: sqlite3.Connection, document_id: int) -> list[Section]:
    """The section tree of a document, flattened in reading order (parents first)."""
    return [Section(*row) for row in conn.execute(
        """SELECT id, document_id, parent_id, depth, label, title, path, first_clause, last_clause
           FROM sections WHERE document_id = ? ORDER BY ordinal""",
        (document_id,),
    )]


def heading_clauses(conn: sqlite3.Connection, document_id: int, sections: list[Section]) -> list[HeadingClause]:
    """The document's HeadingClauses, given its sections (from `sections`)."""
    if not sections:
        return []
    parents = {s.parent_id for s in sections}  # None among them: the document has top-level sections
    return [HeadingClause(*row) for row in conn.execute(
        "SELECT ordinal, section_id, label, title FROM clauses WHERE document_id = ? AND label != '' ORDER BY ordinal",
        (document_id,),
    ) if row[1] in parents]


def clause(conn: sqlite3.Connection, clause_id: int) -> Clause | None:
    row = conn.execute(f"SELECT {_CLAUSE_COLUMNS} FROM clauses WHERE id = ?", (clause_id,)).fetchone()
    return Clause(*row) if row else None


def clause_by_key(conn: sqlite3.Connection, sort_key: int) -> Clause | None:
    row = conn.execute(f"SELECT {_CLAUSE_COLUMNS} FROM clauses WHERE sort_key = ?", (sort_key,)).fetchone()
    return Clause(*row) if row else None


def clauses_page(conn: sqlite3.Connection, document_id: int, first: int, last: int,
                 offset: int = 0, limit: int = 200) -> list[Clause]:
    """Clauses `first`..`last` (ordinals) of a document, a page at a time."""
    return [Clause(*row) for row in conn.execute(
        f"""SELECT {_CLAUSE_COLUMNS} FROM clauses WHERE document_id = ? AND ordinal BETWEEN ? AND ?
            ORDER BY ordinal LIMIT ? OFFSET ?""",
        (document_id, first, last, limit, offset),
    )]


def clauses_by_sort_keys(conn: sqlite3.Connection, keys: list[int]) -> list[Clause]:
    """Clauses for sort keys (as found by a search), in reading order."""
    return _clauses_where_in(conn, "sort_key", keys)


def clauses_by_ids(conn: sqlite3.Connection, clause_ids: list[int]) -> list[Clause]:
    """Clauses in reading order, whatever the order of the ids."""
    return _clauses_where_in(conn, "id", clause_ids)


def _clauses_where_in(conn: sqlite3.Connection, column: str, values: list[int]) -> list[Clause]:
    """Clauses whose `column` is among `values`, in reading order; asked 500 at a time to stay
    under SQLite's limit on parameters."""
    result: list[Clause] = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        marks = ",".join("?" * len(chunk))
        result.extend(Clause(*row) for row in conn.execute(
            f"SELECT {_CLAUSE_COLUMNS} FROM clauses WHERE {column} IN ({marks})", chunk))
    result.sort(key=lambda c: c.sort_key)
    return result


@dataclass
class Citation:
    document: str  # as cited: 《title》, or 《main title》附件4《title》 for an attachment
    doc_number: str | None
    date: str | None
    issuer: str | None
    province: str
    region: str | None
    path: str
    pages: str | None = None  # 第5–6页, for a PDF

    @classmethod
    def of(cls, cited: str, document: Document, clause: Clause) -> Citation:
        return cls(cited, document.doc_number, document.date, document.issuer, document.province, document.region,
                   display_path(clause.path), document.pages(clause))

    def parts(self) -> list[str]:
        """What a citation says, in order: the document, the clause's place in it (and its
        pages in a PDF), the 文号 and the date (the issuer is in the 文号). The app, `show` and
        the briefing notes all cite this way."""
        place = "，".join(p for p in (self.path, self.pages) if p)
        return [p for p in (self.document, place, self.doc_number, self.date) if p]

    def __str__(self) -> str:
        return "，".join(self.parts())


def citation(conn: sqlite3.Connection, clause_id: int) -> Citation | None:
    found = clause(conn, clause_id)
    if found is None:
        return None
    doc = document(conn, found.document_id)
    return Citation.of(cited_name(conn, doc), doc, found)


def cited_name(conn: sqlite3.Connection, doc: Document) -> str:
    """How a document is named in a citation: 《title》; an attachment or a covering notice
    also names the document it belongs to (《main title》附件4《title》)."""
    named = f"《{doc.display_title}》" if not doc.untitled else doc.display_title  # （无标题）its first words
    if doc.kind == "main":
        return named
    row = conn.execute(
        "SELECT title FROM documents WHERE source_path = ? AND kind = 'main' AND title != '' AND untitled = 0 "
        "LIMIT 1", (doc.source_path,),
    ).fetchone()
    if row is None:
        return named
    own = doc.title and not doc.untitled
    if doc.kind == "attachment":
        return f"《{row[0]}》{doc.label}《{doc.title}》" if own else f"《{row[0]}》{doc.label}"
    return f"《{doc.title}》" if own else f"《{row[0]}》印发通知"


def keywords(conn: sqlite3.Connection, clause_id: int) -> list[str]:
    row = conn.execute("SELECT keywords FROM clauses WHERE id = ?", (clause_id,)).fetchone()
    return row[0].split() if row and row[0] else []


def stats(store: Store) -> dict:
    conn = store.conn
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    tables = {table.name: table.count for table in store.db.tables
              if table.name in ("documents", "sections", "clauses", "tags")}
    size = 0
    for suffix in ("", "-wal"):
        path = store.path.with_name(store.path.name + suffix)
        if path.exists():
            size += path.stat().st_size
    return {
        "database": str(store.path),
        "schema_version": store.schema_version(),
        "index_version": store.get_meta("index_version"),
        "provinces": one("SELECT count(DISTINCT province) FROM documents"),
        "documents": tables["documents"],
        "sources": one("SELECT count(DISTINCT source_path) FROM documents"),
        "sections": tables["sections"],
        "clauses": tables["clauses"],
        "annotated_clauses": one("SELECT count(*) FROM annotations WHERE clause_id IS NOT NULL"),
        "orphaned_annotations": one("SELECT count(*) FROM annotations WHERE clause_id IS NULL"),
        "tags": tables["tags"],
        "selected_clauses": one("SELECT count(*) FROM selection"),
        "clauses_without_keywords": one("SELECT count(*) FROM clauses WHERE keywords IS NULL"),
        "size_bytes": size,
        "per_province": [
            {"province": p.province, "region": p.region, "documents": p.documents, "clauses": p.clauses}
            for p in places(conn)
        ],
    }
