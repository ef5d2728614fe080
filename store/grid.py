"""The coverage grid: provinces (rows) against topics (columns, store/topics.py), each cell the
number of clauses that match. Its point is to show who has no such policy, so every
mainland province has a row, those without a document say so, and each document's own
counts are there too (a document without a match is as telling as a province)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from store import regions
from store.search import counts_by_document
from store.topics import Topic

NO_DOCUMENTS = None
"""A cell of a province without documents: nothing to count, unlike 0."""

MAINLAND = frozenset(regions.PROVINCES[:31])
"""The 31 provincial-level divisions of the mainland: a row each, documents or not (全国,
台湾, 香港, 澳门 and 未知 get one when they have documents)."""


@dataclass
class DocumentRow:
    document_id: int
    title: str  # as displayed (browse.Document.display_title)
    clauses: int
    counts: list[int]


@dataclass
class ProvinceRow:
    province: str
    short_name: str
    documents: list[DocumentRow]
    counts: list[int | None]  # per topic; NO_DOCUMENTS for a province without documents

    @property
    def clauses(self) -> int:
        return sum(d.clauses for d in self.documents)


@dataclass
class Grid:
    topics: list[Topic]
    rows: list[ProvinceRow]

    def empty_provinces(self, column: int) -> list[str]:
        """Provinces with documents but no match for a topic."""
        return [row.short_name for row in self.rows if row.documents and not row.counts[column]]

    def to_json(self) -> dict:
        return {
            "topics": [t.to_json() for t in self.topics],
            "provinces": [
                {"province": row.province, "documents": len(row.documents), "clauses": row.clauses,
                 "counts": row.counts,
                 "per_document": [{"document_id": d.document_id, "title": d.title, "clauses": d.clauses,
                                   "counts": d.counts} for d in row.documents]}
                for row in self.rows
            ],
        }


def cell_query(province: str, topic: Topic) -> str:
    """The filter of one cell: the topic's query within the province."""
    return f"province:{regions.short_name(province)} {topic.query}"


def coverage(conn: sqlite3.Connection, topics: list[Topic]) -> Grid:
    """Count every topic in every document, one pass over each topic's matches."""
    from store import browse

    documents = browse.documents(conn)
    per_topic = [counts_by_document(conn, topic.query) for topic in topics]
    by_province: dict[str, list[DocumentRow]] = {}
    for document in documents:
        by_province.setdefault(document.province, []).append(DocumentRow(
            document.id, document.display_title, document.clause_count,
            [counts.get(document.id, 0) for counts in per_topic]))
    rows = []
    for province in (regions.NATIONAL, *regions.PROVINCES, regions.UNKNOWN):
        held = by_province.get(province, [])
        if held or province in MAINLAND:
            counts = [sum(column) for column in zip(*(d.counts for d in held))] if held else \
                [NO_DOCUMENTS] * len(topics)
            rows.append(ProvinceRow(province, regions.short_name(province), held, counts))
    return Grid(topics, rows)
