"""Keyword search over clauses: every clause whose title or text contains the terms, in
reading order, with the match positions in the original text.

The index (table clause_index) holds the folded text (store.normalize.fold) spaced one
character per token, so a term is an FTS5 phrase of its characters: exact substring matching
for terms of any length (税, 社保, 2020年, 25%), with no word segmentation to miss words inside
longer words. Its rowid is the clause's sort key, so matches come out in reading order and the
first page costs a few index reads however many clauses match.

Query language (documented in README and on the app's help screen):
    税 社保          both terms (AND)
    社保 | 公积金     either (OR binds tighter than AND: 税 社保 | 公积金 = 税 AND (社保 OR 公积金))
    -公积金          not
    "降低 社保"      a phrase with spaces kept together (spaces are ignored in matching anyway);
                    two quotes inside a phrase stand for one: tag:"a""b" is the tag a"b
    province:辽宁    province or region starting with 辽宁 (province:忻州, province:全国)
    doc:营商         document title containing 营商
    tag:重点  status:flagged   annotations
    lead:财政  agency:财政      a lead agency / any agency (lead or partner) whose name contains 财政
    due:2018  due:<2020        a target or time limit due in 2018 / before 2020 (also >, <=, >=)
    valid:no                   not in force (已废止, 失效, 尚未生效); valid:yes, valid:amended,
                               valid:unknown, or a status (valid:已废止)
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from store.db import STATUSES, province_key_range
from store.errors import QueryError
from store.normalize import fold, fold_with_offsets, search_forms

FIELDS = ("province", "doc", "tag", "status", "lead", "agency", "due", "valid")
DEFAULT_PAGE = 100
MAX_QUERY_LENGTH = 100
"""Longer queries are refused: every character is a token of a phrase, so the cost grows with
the length (a pasted page of 10,000 characters took 33 s; 100 × 的, the worst case, takes
0.35 s at 100,000 clauses, bench/README.md), and a hundred characters find any clause."""


@dataclass(frozen=True)
class Term:
    kind: str  # text | province | doc | tag | status
    value: str  # folded for text terms


@dataclass
class Group:
    """Alternatives joined by |; the group matches when any of them does."""

    terms: list[Term]
    negated: bool = False

    @property
    def is_text(self) -> bool:
        return all(t.kind == "text" for t in self.terms)


@dataclass
class Query:
    source: str
    groups: list[Group] = field(default_factory=list)

    @property
    def positive_text_terms(self) -> list[str]:
        """The words to highlight."""
        return [t.value for g in self.groups if not g.negated for t in g.terms if t.kind == "text"]

    @property
    def is_empty(self) -> bool:
        return not self.groups


# --------------------------------------------------------------------------- parsing

_TOKEN_RE = re.compile(r'\s+|\||-?(?:\w+:)?"(?:[^"]|"")*"(?!")|-?(?:\w+:)?"(?:[^"]|"")*$|[^\s|]+')


def parse_query(text: str) -> Query:
    """Parse the query language; raises QueryError with a message for the user."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is {len(text):,} characters long; at most {MAX_QUERY_LENGTH} are searched: "
                         "search for a shorter piece of it")
    query = Query(text)
    tokens = [t for t in _TOKEN_RE.findall(text.replace("\u3000", " ")) if not t.isspace()]
    pending: list[tuple[Term, bool]] = []
    expect_term = True
    for token in tokens:
        if token == "|":
            if expect_term or not pending:
                raise QueryError("'|' needs a word on each side, e.g. 社保 | 公积金")
            expect_term = True
            continue
        term, negated = _term(token)
        if not expect_term:  # a new AND group begins
            query.groups.append(_group(pending))
            pending = []
        pending.append((term, negated))
        expect_term = False
    if pending:
        if expect_term:
            raise QueryError("'|' needs a word on each side, e.g. 社保 | 公积金")
        query.groups.append(_group(pending))
    elif tokens:
        raise QueryError("'|' needs a word on each side, e.g. 社保 | 公积金")
    return query


def _group(pending: list[tuple[Term, bool]]) -> Group:
    negations = {negated for _, negated in pending}
    if len(pending) > 1 and True in negations:
        raise QueryError("'-' cannot be used inside '|' alternatives: write -A -B to exclude both")
    return Group([term for term, _ in pending], negated=pending[0][1])


def _term(token: str) -> tuple[Term, bool]:
    negated = token.startswith("-")
    if negated:
        token = token[1:]
        if not token:
            raise QueryError("a lone '-' needs a word after it, e.g. -公积金")
    kind = "text"
    m = re.match(r"(\w+):(.*)$", token, re.S)
    if m and m.group(1).lower() in FIELDS:
        kind, token = m.group(1).lower(), m.group(2)
        if not token:
            raise QueryError(f"'{kind}:' needs a value, e.g. {_FIELD_EXAMPLES[kind]}")
    if token.startswith('"'):
        inner = token[1:-1]
        if len(token) < 2 or not token.endswith('"') or inner.replace('""', "").count('"'):
            raise QueryError('unbalanced quote: close the phrase with " (write "" for a quote inside it)')
        token = inner.replace('""', '"')
        if kind != "text" and not token.strip():  # province:"" is as empty as province:
            raise QueryError(f"'{kind}:' needs a value, e.g. {_FIELD_EXAMPLES[kind]}")
    elif '"' in token:
        raise QueryError('a quote must start a phrase: "降低 社保"')
    if kind == "text":
        value = fold(token)
        if not value:
            raise QueryError("an empty phrase \"\" matches nothing: put words inside the quotes")
        return Term("text", value), negated
    if kind == "status":
        return Term("status", _status(token)), negated
    if kind == "due":
        return Term("due", _due(token)), negated
    if kind == "valid":
        return Term("valid", _valid(token)), negated
    return Term(kind, token.strip()), negated


_FIELD_EXAMPLES = {"province": "province:辽宁", "doc": "doc:营商", "tag": "tag:重点", "status": "status:flagged",
                   "lead": "lead:财政", "agency": "agency:财政", "due": "due:2018 or due:<2020", "valid": "valid:no"}
_DUE_RE = re.compile(r"(<=|>=|<|>|=)?(\d{4})")
_VALID_WORDS = {"no": "no", "yes": "yes", "amended": "amended", "unknown": "unknown", "否": "no", "是": "yes"}


def _due(value: str) -> str:
    """due:2018, due:<2020 … as "<op><year>"."""
    match = _DUE_RE.fullmatch(value.strip())
    if not match:
        raise QueryError(f"due: takes a year, e.g. due:2018, due:<2020 or due:>=2021 (not {value!r})")
    return (match.group(1) or "=") + match.group(2)


def _valid(value: str) -> str:
    word = _VALID_WORDS.get(value.strip().lower())
    if word:
        return word
    from store.analysis import validity

    try:
        return validity.check(value)
    except Exception:
        raise QueryError(f"valid: is yes, no, amended, unknown or a status such as 已废止 (not {value!r})") from None


def _status(value: str) -> str:
    candidates = [s for s in STATUSES if s.startswith(value.lower())]
    if len(candidates) != 1:
        raise QueryError(f"unknown status {value!r}: use one of {', '.join(STATUSES)}")
    return candidates[0]


# --------------------------------------------------------------------------- SQL


def _phrase(value: str) -> str:
    return '"' + " ".join(value).replace('"', '""') + '"'


@dataclass
class _Compiled:
    fts: str | None  # MATCH expression driving the scan, in rowid (reading) order
    where: list[str]
    params: list
    key_range: tuple[int, int] | None = None  # sort keys of the one province a query names


def _compile(conn: sqlite3.Connection, query: Query) -> _Compiled:
    positive_fts = []
    negative_fts = []
    where: list[str] = []
    params: list = []
    key_range = None
    for group in query.groups:
        if group.is_text:
            expr = " OR ".join(_phrase(t.value) for t in group.terms)
            expr = f"({expr})" if len(group.terms) > 1 else expr
            (negative_fts if group.negated else positive_fts).append(expr)
            continue
        if not group.negated and len(group.terms) == 1 and group.terms[0].kind == "province":
            # Sort keys are grouped by province: one province is a range of the index, read
            # directly rather than filtered row by row (3 ms instead of 55 ms at 1M clauses).
            places = _matching_places(conn, group.terms[0].value)
            provinces = {province for province, _region in places}
            if len(provinces) == 1:
                key_range = _intersect(key_range, province_key_range(provinces.pop()))
                if all(region is None for _province, region in places):
                    continue
        parts = []
        for term in group.terms:
            sql, term_params = _term_sql(conn, term)
            parts.append(sql)
            params.extend(term_params)
        sql = "(" + " OR ".join(parts) + ")"
        where.append(f"NOT {sql}" if group.negated else sql)
    fts = None
    if positive_fts:
        fts = " AND ".join(positive_fts) + "".join(f" NOT {n}" for n in negative_fts)
    elif negative_fts:
        where.append("c.sort_key NOT IN (SELECT rowid FROM clause_index WHERE clause_index MATCH ?)")
        params.append(" OR ".join(negative_fts))
    return _Compiled(fts, where, params, key_range)


def _intersect(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return a or b
    return max(a[0], b[0]), min(a[1], b[1])  # may be empty (low > high): then nothing matches


def _term_sql(conn: sqlite3.Connection, term: Term) -> tuple[str, list]:
    if term.kind == "text":
        return "c.sort_key IN (SELECT rowid FROM clause_index WHERE clause_index MATCH ?)", [_phrase(term.value)]
    if term.kind == "province":
        places = _matching_places(conn, term.value)
        if not places:
            return "0", []
        parts, params = [], []
        for province, region in places:
            if region is None:
                parts.append("d.province = ?")
                params.append(province)
            else:
                parts.append("(d.province = ? AND d.region = ?)")
                params.extend([province, region])
        return "(" + " OR ".join(parts) + ")", params
    if term.kind == "doc":
        wanted = fold(term.value)
        ids = [row[0] for row in conn.execute("SELECT id, title FROM documents") if wanted in fold(row[1])]
        if not ids:
            return "0", []
        return f"c.document_id IN ({','.join(str(i) for i in ids)})", []
    if term.kind == "tag":
        return (
            """EXISTS (SELECT 1 FROM annotations a JOIN annotation_tags at ON at.annotation_id = a.id
               JOIN tags t ON t.id = at.tag_id WHERE a.clause_id = c.id AND t.name = ? COLLATE NOCASE)""",
            [term.value],
        )
    if term.kind == "status":
        return "coalesce((SELECT a.status FROM annotations a WHERE a.clause_id = c.id), 'unreviewed') = ?", [term.value]
    if term.kind in ("lead", "agency"):
        from store.analysis.tables import matching_agency_ids

        ids = matching_agency_ids(conn, term.value)
        if not ids:
            return "0", []
        role = " AND role = 'lead'" if term.kind == "lead" else ""
        return (f"c.sort_key IN (SELECT sort_key FROM clause_agencies WHERE agency_id IN "
                f"({','.join(str(i) for i in ids)}){role})", [])
    if term.kind == "due":
        op, year = term.value[:-4], int(term.value[-4:])
        return f"c.sort_key IN (SELECT sort_key FROM targets WHERE due_year {op} ?)", [year]
    if term.kind == "valid":
        from store.analysis import validity

        effective = validity.EFFECTIVE_SQL
        if term.value == "no":
            return f"{effective} IN ({','.join('?' * len(validity.NOT_IN_FORCE))})", list(validity.NOT_IN_FORCE)
        if term.value == "unknown":
            return f"{effective} IS NULL", []
        status = {"yes": validity.IN_FORCE, "amended": validity.AMENDED}.get(term.value, term.value)
        return f"{effective} = ?", [status]
    raise AssertionError(term.kind)


def _matching_places(conn: sqlite3.Connection, prefix: str) -> list[tuple[str, str | None]]:
    """Provinces (or regions) whose name, short name or region name starts with the prefix,
    among those that have documents."""
    wanted = fold(prefix)
    places = []
    for province, short, region in conn.execute(
        """SELECT DISTINCT d.province, p.short_name, d.region FROM documents d
           JOIN provinces p ON p.name = d.province"""
    ):
        if fold(province).startswith(wanted) or fold(short).startswith(wanted):
            places.append((province, None))
        elif region and fold(region).startswith(wanted):
            places.append((province, region))
    return list(dict.fromkeys(places))


# --------------------------------------------------------------------------- running


@dataclass
class Hit:
    clause_id: int
    sort_key: int
    document_id: int
    province: str
    region: str | None
    document: str
    doc_number: str | None
    date: str | None
    path: str
    label: str
    title: str
    text: str
    matches: dict[str, list[list[int]]]

    def to_json(self) -> dict:
        return {
            "clause_id": self.clause_id,
            "province": self.province,
            "region": self.region,
            "document": self.document,
            "path": self.path,
            "title": self.title,
            "text": self.text,
            "matches": self.matches,
        }


@dataclass
class SearchResult:
    query: str
    total: int
    capped: bool
    hits: list[Hit]
    suggestion: str | None = None

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.capped else str(self.total)


_HIT_COLUMNS = """c.id, c.sort_key, c.document_id, d.province, d.region, d.title, d.doc_number, d.date,
                  c.path, c.label, c.title, c.text"""


def _from_where(compiled: _Compiled, after: int | None, key_range: tuple[int, int] | None) -> tuple[str, list]:
    where = list(compiled.where)
    params: list = []
    key = "f.rowid" if compiled.fts else "c.sort_key"
    if compiled.fts:
        source = "clause_index f JOIN clauses c ON c.sort_key = f.rowid JOIN documents d ON d.id = c.document_id"
        where.insert(0, "clause_index MATCH ?")
        params.append(compiled.fts)
    else:
        source = "clauses c JOIN documents d ON d.id = c.document_id"
    params.extend(compiled.params)
    if after is not None:
        where.append(f"{key} > ?")
        params.append(after)
    key_range = _intersect(compiled.key_range, key_range)
    if key_range is not None:
        where.append(f"{key} BETWEEN ? AND ?")
        params.extend(key_range)
    sql = f"FROM {source}" + (f" WHERE {' AND '.join(where)}" if where else "")
    return sql, params


def search(
    conn: sqlite3.Connection,
    query: str | Query,
    limit: int = DEFAULT_PAGE,
    after: int | None = None,
    rank: bool = False,
    count_cap: int | None = None,
    key_range: tuple[int, int] | None = None,
) -> SearchResult:
    """A page of matching clauses in reading order (or by relevance with rank=True), their
    total (capped at count_cap when given, shown as "1000+") and highlight positions.

    `after` continues from a sort key (keyset paging); `key_range` limits the search to a
    span of sort keys, such as one document or province."""
    parsed = parse_query(query) if isinstance(query, str) else query
    compiled = _compile(conn, parsed)
    from_where, params = _from_where(compiled, after, key_range)
    if rank and compiled.fts:
        order = "ORDER BY f.rank, f.rowid"
    else:
        order = f"ORDER BY {'f.rowid' if compiled.fts else 'c.sort_key'}"
    rows = conn.execute(f"SELECT {_HIT_COLUMNS} {from_where} {order} LIMIT ?", [*params, limit]).fetchall()
    terms = parsed.positive_text_terms
    hits = [
        Hit(*row[:12], matches={"title": highlight(row[10], terms), "text": highlight(row[11], terms)})
        for row in rows
    ]
    total, capped = count(conn, parsed, cap=count_cap, key_range=key_range, _compiled=compiled)
    return SearchResult(parsed.source, total, capped, hits)


def count(conn: sqlite3.Connection, query: str | Query, cap: int | None = None,
          key_range: tuple[int, int] | None = None, _compiled: _Compiled | None = None) -> tuple[int, bool]:
    """(number of matching clauses, whether it was capped)."""
    parsed = parse_query(query) if isinstance(query, str) else query
    compiled = _compiled or _compile(conn, parsed)
    if compiled.fts and not compiled.where:
        # Count from the index alone: no join needed.
        sql = "SELECT rowid FROM clause_index WHERE clause_index MATCH ?"
        params: list = [compiled.fts]
        key_range = _intersect(compiled.key_range, key_range)
        if key_range:
            sql += " AND rowid BETWEEN ? AND ?"
            params.extend(key_range)
    else:
        from_where, params = _from_where(compiled, None, key_range)
        sql = f"SELECT 1 {from_where}"
    if cap is None:
        return conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0], False
    n = conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*params, cap + 1]).fetchone()[0]
    return (cap, True) if n > cap else (n, False)


def counts_by_document(conn: sqlite3.Connection, query: str | Query,
                       key_range: tuple[int, int] | None = None) -> dict[int, int]:
    """Matching clauses per document (optionally only in a range of sort keys, such as one
    province), for the counts in the province and section panes."""
    parsed = parse_query(query) if isinstance(query, str) else query
    compiled = _compile(conn, parsed)
    if compiled.fts and not compiled.where:
        low, high = _intersect(compiled.key_range, key_range) or (0, (1 << 63) - 1)
        rows = conn.execute(
            "SELECT (rowid >> 24) & 4294967295, count(*) FROM clause_index WHERE clause_index MATCH ? "
            "AND rowid BETWEEN ? AND ? GROUP BY 1",
            [compiled.fts, low, high],
        )
    else:
        from_where, params = _from_where(compiled, None, key_range)
        rows = conn.execute(f"SELECT c.document_id, count(*) {from_where} GROUP BY c.document_id", params)
    return dict(rows.fetchall())


def matching_keys(conn: sqlite3.Connection, query: str | Query, key_range: tuple[int, int]) -> list[int]:
    """Sort keys of the matches inside a range (one document): the section pane counts its
    nodes from these, and n/N jump through them."""
    parsed = parse_query(query) if isinstance(query, str) else query
    compiled = _compile(conn, parsed)
    from_where, params = _from_where(compiled, None, key_range)
    key = "f.rowid" if compiled.fts else "c.sort_key"
    return [row[0] for row in conn.execute(f"SELECT {key} {from_where} ORDER BY {key}", params)]


def matching_ids(conn: sqlite3.Connection, query: str | Query, among: list[int] | None = None) -> list[int]:
    """Ids of the matching clauses in reading order, optionally only those among `among`
    (what a bulk action on the selection may touch while a filter hides the rest)."""
    parsed = parse_query(query) if isinstance(query, str) else query
    compiled = _compile(conn, parsed)
    from_where, params = _from_where(compiled, None, None)
    key = "f.rowid" if compiled.fts else "c.sort_key"
    if among is None:
        return [row[0] for row in conn.execute(f"SELECT c.id {from_where} ORDER BY {key}", params)]
    wanted = set(among)
    return [row[0] for row in conn.execute(f"SELECT c.id {from_where} ORDER BY {key}", params) if row[0] in wanted]


def neighbour(conn: sqlite3.Connection, query: str | Query, key: int, forward: bool = True) -> int | None:
    """The sort key of the next (or previous) match after `key`, across documents: n / N."""
    parsed = parse_query(query) if isinstance(query, str) else query
    compiled = _compile(conn, parsed)
    column = "f.rowid" if compiled.fts else "c.sort_key"
    from_where, params = _from_where(compiled, None, None)
    joiner = " AND " if " WHERE " in from_where else " WHERE "
    op, order = (">", "ASC") if forward else ("<", "DESC")
    row = conn.execute(
        f"SELECT {column} {from_where}{joiner}{column} {op} ? ORDER BY {column} {order} LIMIT 1", [*params, key]
    ).fetchone()
    return row[0] if row else None


def highlight(text: str, terms: list[str]) -> list[list[int]]:
    """[start, end) spans in the original text where any folded term occurs (in either search
    form), merged; a simplified term is found in traditional text, and spaces inside a match
    are spanned."""
    if not terms or not text:
        return []
    folded, offsets = fold_with_offsets(text)
    alternate = search_forms(text)[1]
    spans = []
    for form in (folded, alternate) if alternate else (folded,):
        for term in terms:
            start = form.find(term)
            while start >= 0:
                spans.append([offsets[start], offsets[start + len(term) - 1] + 1])
                start = form.find(term, start + 1)
    spans.sort()
    merged: list[list[int]] = []
    for span in spans:
        if merged and span[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(span)
    return merged


def snippet(text: str, spans: list[list[int]], width: int = 60) -> tuple[str, list[list[int]]]:
    """About `width` characters of a text around its first match, with … where it was cut,
    and the match spans moved to fit: what `search` prints of a long clause."""
    if len(text) <= width:
        return text, spans
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 3, len(text) - width))
    end = start + width
    lead = "…" if start else ""
    shown = lead + text[start:end] + ("…" if end < len(text) else "")
    shift = len(lead) - start
    moved = [[max(a, start) + shift, min(b, end) + shift] for a, b in spans if a < end and b > start]
    return shown, moved


def scan_matches(title: str, text: str, query: Query) -> bool:
    """The meaning of a query's text terms, stated plainly as a scan: what the index must
    agree with, clause for clause (the recall and precision tests use it)."""
    forms = [form for form in (*search_forms(title), *search_forms(text)) if form]

    def has(term: Term) -> bool:
        return any(term.value in form for form in forms)

    for group in query.groups:
        if not group.is_text:
            raise ValueError("scan_matches handles text terms only")
        found = any(has(t) for t in group.terms)
        if found == group.negated:
            return False
    return True
