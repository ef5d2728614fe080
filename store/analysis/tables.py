"""The analysis tables (docs/schema.md): written here and only here, and read for the views,
the commands, the filter and the briefing notes."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from store.analysis.agencies import LEAD, Mention
from store.analysis.targets import Target
from store.normalize import fold


def store_document(conn: sqlite3.Connection, document_id: int,
                   found: list[tuple[int, int, list[tuple[str, Mention]], list[Target]]],
                   validity_status: str | None, replace: bool = True) -> None:
    """Replace a document's agencies and targets (`replace` False: a document just inserted,
    which has none yet). `found`: per clause (id, sort key, [(full name, mention)], targets)."""
    if replace:
        conn.execute("DELETE FROM clause_agencies WHERE clause_id IN (SELECT id FROM clauses WHERE document_id = ?)",
                     (document_id,))
        conn.execute("DELETE FROM targets WHERE clause_id IN (SELECT id FROM clauses WHERE document_id = ?)",
                     (document_id,))
    ids: dict[str, int] = {}
    agency_rows, target_rows = [], []
    for clause_id, key, named, found_targets in found:
        for full, mention in named:
            if full not in ids:
                conn.execute("INSERT OR IGNORE INTO agencies (name, folded) VALUES (?, ?)", (full, fold(full)))
                ids[full] = conn.execute("SELECT id FROM agencies WHERE name = ?", (full,)).fetchone()[0]
            agency_rows.append((clause_id, ids[full], mention.role, key, mention.name))
        target_rows.extend((clause_id, key, t.subject, t.value, t.value_text, t.unit, t.direction, t.deadline,
                            t.due_year, t.deadline_text, t.start, t.end) for t in found_targets)
    conn.executemany("INSERT OR IGNORE INTO clause_agencies (clause_id, agency_id, role, sort_key, written) "
                     "VALUES (?, ?, ?, ?, ?)", agency_rows)
    conn.executemany("""INSERT INTO targets (clause_id, sort_key, subject, value, value_text, unit, direction,
                            deadline, due_year, deadline_text, span_start, span_end)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", target_rows)
    conn.execute("UPDATE documents SET validity_status = ? WHERE id = ?", (validity_status, document_id))


# --------------------------------------------------------------------------- reading


@dataclass
class AgencyCount:
    agency_id: int
    name: str  # full name
    province: str  # of the documents that name it
    lead: int  # clauses naming it as lead
    partner: int


def agency_counts(conn: sqlite3.Connection, province: str | None = None) -> list[AgencyCount]:
    """Agencies with their number of clauses as lead and as partner, per province (the
    province of the documents: sort keys say it), most clauses first. Read from
    agency_totals, which triggers on clause_agencies keep (a cascade from a removed document
    too)."""
    sql = "SELECT agency_id, province_rank, lead, partner FROM agency_totals WHERE lead + partner > 0"
    params: list = []
    if province is not None:
        from store import regions

        sql += " AND province_rank = ?"
        params.append(regions.province_rank(province))
    counted = conn.execute(sql, params).fetchall()
    names = dict(conn.execute("SELECT id, name FROM agencies"))
    provinces = {rank: name for name, rank in conn.execute("SELECT name, rank FROM provinces")}
    rows = [AgencyCount(agency_id, names[agency_id], provinces.get(rank, "?"), lead, partner)
            for agency_id, rank, lead, partner in counted]
    rows.sort(key=lambda a: (-(a.lead + a.partner), a.name, a.province))
    return rows


def matching_agency_ids(conn: sqlite3.Connection, words: str) -> list[int]:
    """Agencies whose full name contains the words (folded: 財政 finds 财政)."""
    wanted = fold(words)
    return [row[0] for row in conn.execute("SELECT id, folded FROM agencies") if wanted in row[1]]


@dataclass
class ClauseAgency:
    name: str  # full name
    written: str
    role: str


def agencies_of(conn: sqlite3.Connection, clause_id: int) -> list[ClauseAgency]:
    rows = conn.execute("""SELECT a.name, ca.written, ca.role FROM clause_agencies ca JOIN agencies a ON a.id = ca.agency_id
                           WHERE ca.clause_id = ? ORDER BY ca.role != ?, a.name""", (clause_id, LEAD)).fetchall()
    return [ClauseAgency(*row) for row in rows]


@dataclass
class StoredTarget:
    id: int
    clause_id: int
    sort_key: int
    subject: str
    value: float | None
    value_text: str
    unit: str
    direction: str | None
    deadline: str | None
    due_year: int | None
    deadline_text: str
    span_start: int
    span_end: int
    province: str = ""
    document: str = ""
    path: str = ""

    @property
    def what(self) -> str:
        """The target as a reviewer reads it: 压减炼铁产能 120万吨, or the time limit's action."""
        return f"{self.subject} {self.value_text}".strip() if self.value_text else self.subject


_TARGET_COLUMNS = """t.id, t.clause_id, t.sort_key, t.subject, t.value, t.value_text, t.unit, t.direction, t.deadline,
                     t.due_year, t.deadline_text, t.span_start, t.span_end"""


def targets_of(conn: sqlite3.Connection, clause_id: int) -> list[StoredTarget]:
    return [StoredTarget(*row) for row in conn.execute(
        f"SELECT {_TARGET_COLUMNS} FROM targets t WHERE t.clause_id = ? ORDER BY t.span_start", (clause_id,))]


def due_years(conn: sqlite3.Connection, province: str | None = None) -> tuple[dict[int, int], int]:
    """How many targets fall due each year, and how many there are in all (the timeline)."""
    where, params = "", []
    if province is not None:
        from store.db import province_key_range

        where, params = " WHERE sort_key BETWEEN ? AND ?", list(province_key_range(province))
    rows = conn.execute(f"SELECT due_year, count(*) FROM targets{where} GROUP BY due_year", params).fetchall()
    return {year: n for year, n in rows if year is not None}, sum(n for _y, n in rows)


def targets_list(conn: sqlite3.Connection, province: str | None = None, due: int | None = None,
                 clause_ids: list[int] | None = None, limit: int | None = None) -> list[StoredTarget]:
    """Targets in reading order with their province, document and clause path; only those
    of a province, due in a year or of some clauses when asked."""
    where, params = [], []
    if province is not None:
        from store.db import province_key_range

        where.append("t.sort_key BETWEEN ? AND ?")
        params.extend(province_key_range(province))
    if due is not None:
        where.append("t.due_year = ?")
        params.append(due)
    if clause_ids is not None:  # any number of them, as one JSON parameter, read through targets_clause
        where.append("t.clause_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(clause_ids))
    sql = (f"""SELECT {_TARGET_COLUMNS}, d.province, d.title, c.path FROM targets t
               JOIN clauses c ON c.id = t.clause_id JOIN documents d ON d.id = c.document_id"""
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY t.sort_key, t.span_start")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [StoredTarget(*row) for row in conn.execute(sql, params)]
