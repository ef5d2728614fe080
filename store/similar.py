"""Similar clauses in other documents: the counterparts of a measure in another province's
plan, best first, each with a similarity between 0 and 1 and a label (near-copy, adapted,
related).

The similarity index (table similar_index) holds each clause's distinct character bigrams
(of its folded title and text, store.normalize: so 稅費 in Shanghai's traditional text meets
税费 in Liaoning's), one token each, in a contentless FTS5 table with detail=none: a rowid
list per bigram, under the clause's sort key as in clause_index. A document's rows enter it
in the transaction that imports the document (made with the file: store.importer) and
leave it in the one that removes or re-imports it, so it is right through both;
similar_rows lists the clauses it holds, and `fill` indexes those it lacks (a database made
before the index, or when the way of indexing changed).

Finding the counterparts of a clause:
1. Its bigrams' document frequencies (the fts5vocab table similar_terms), giving each a weight
   idf = ln(N / df): 融资担保's bigrams weigh more than 企业's.
2. Its rarest bigrams (PROBES of those found where the search looks, bounded by POSTINGS):
   their rowid lists give the candidates, each scored by the weight of the probes it holds
   (other provinces only, or every other document: sort keys begin with the province and the
   document, so this is a range test in the index).
3. The best CANDIDATES are compared with the clause (`score`): the weighted cosine of their
   bigrams, with a little of their titles' and raised when the headings above them are alike.
4. Listed are those at least MINIMUM similar and SHOWN_SHARE of the best.
"""

from __future__ import annotations

import heapq
import math
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from store.db import Store, document_key_range, index_version, province_key_range
from store.errors import NotFoundError, PolicyReviewError
from store.normalize import fold

SCHEME = "bigrams-v1"
PROBES = 48
"""Rarest bigrams (with a match where the search looks) whose rowid lists are read to find
candidates: enough to meet a counterpart that shares only a part of the clause, few enough
to read at 1,000,000 clauses in time."""
MIN_PROBES = 8
POSTINGS = 40_000
"""After MIN_PROBES probes, no more once their lists would hold more than POSTINGS rows in
all: a large corpus of like documents (every bigram in thousands of clauses) is searched in
bounded time, and a common bigram (企业, 发展) is never a probe. It still counts in the
exact comparison."""
CANDIDATES = 100
"""Candidates compared exactly, the best by probe score."""

TITLE = 0.15
CONTEXT = 0.5
SHORT = 0.3
"""The parts of `score`: how much the titles count, how much alike headings raise it, and
how short a counterpart may be (its weight at least this share of the clause's)."""

MINIMUM = 0.05
SHOWN_SHARE = 0.7
"""What is listed: at least MINIMUM similar, and at least SHOWN_SHARE of the best match (a
clause whose best counterpart scores 0.6 lists no 0.1 after it). These and the parts of
`score` were chosen by trying them on the labelled set of tests/fixtures/similar (so it is
not an unseen test of them; its two halves, the Liaoning and Jilin 附件4 clauses and the
others, score alike): the expected counterpart among the first three for 90.6% of its 138
clauses, none of the first three unrelated for 90.6%."""

NEAR_COPY = 0.7
ADAPTED = 0.3
LABELS = (("near-copy", NEAR_COPY), ("adapted", ADAPTED), ("related", 0.0))
"""Labels by similarity: near-copy (the same text, numbers and a few words changed),
adapted (a sentence or more taken over), related (the same measure in other words)."""

QUICK_FILL = 5000
"""Clauses missing from the index (a database made before it) that the app indexes itself
before a search (about a second); more are left to the helper process that fills the index
and extracts keywords (`policy-review keywords`)."""

_RUN_RE = re.compile(r"[^\W\d_]+")
"""Letters: punctuation, symbols and digits end a run of text, and bigrams never span them.
Numbers say how much, not what (the side-by-side view compares them)."""

_ASIDE_RE = re.compile(r"\([^()]*(?:单位|部门)[^()]*:[^()]*\)|《[^《》]*》")
"""In folded text, what says who carries a measure out or where it comes from, not what it
is: （牵头单位：省财政厅；配合单位：…） and the titles of documents cited (《…的意见》).
Left out, or two measures of the same departments, or citing the same document, would look
alike."""


def version() -> str:
    """How the index is made (meta similar_version): when it changes, the index is emptied
    and filled again."""
    return f"{SCHEME}/{index_version()}"


def bigrams(*folded: str) -> set[str]:
    """The distinct character bigrams of folded texts (of each run of letters)."""
    found: set[str] = set()
    for text in folded:
        for run in _RUN_RE.findall(_ASIDE_RE.sub(" ", text)):
            found.update(map(str.__add__, run, run[1:]))  # 30% faster than slicing, on long clauses
    return found


def clause_terms(title: str, text: str) -> set[str]:
    """The bigrams of a clause as stored: of its folded title and text."""
    return bigrams(fold(title), fold(text))


def index_terms(folded_title: str, folded_text: str) -> str:
    """A clause's row of the index, from its folded title and text. The order of the tokens
    does not matter (no positions are kept), so a row is deleted with its set of bigrams
    however the set was iterated."""
    return " ".join(bigrams(folded_title, folded_text))


def _row(key: int, title: str, text: str) -> tuple[int, str]:
    return key, index_terms(fold(title), fold(text))


def add_rows(conn: sqlite3.Connection, clause_ids: list[int], rows: list[tuple[int, str]]) -> None:
    """Index clauses (inside the caller's transaction): their ids, and their rows as
    (sort key, index_terms). The importer's rows are made with the file, in a bulk import by
    its worker processes, so the index is whole when the import ends."""
    conn.executemany("INSERT INTO similar_index (rowid, terms) VALUES (?, ?)", rows)
    conn.executemany("INSERT INTO similar_rows (clause_id) VALUES (?)", [(clause_id,) for clause_id in clause_ids])


def remove_rows(conn: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
    """Take clauses out of the index (inside the caller's transaction, before they are
    deleted), given as (sort key, index_terms) of the clauses it holds: a contentless table's
    row is deleted with the tokens it was inserted with, recomputed the same way."""
    conn.executemany("INSERT INTO similar_index (similar_index, rowid, terms) VALUES ('delete', ?, ?)", rows)


def rebuild(conn: sqlite3.Connection) -> int:
    """Empty the index (inside the caller's transaction), for `fill` to fill again: what it
    holds was made another way. Returns the number of clauses taken out."""
    conn.execute("INSERT INTO similar_index (similar_index) VALUES ('delete-all')")
    return conn.execute("DELETE FROM similar_rows").rowcount


def pending(conn: sqlite3.Connection) -> int:
    """Clauses not in the index yet (imported since the last fill)."""
    return conn.execute("SELECT count(*) FROM clauses c LEFT JOIN similar_rows r ON r.clause_id = c.id "
                        "WHERE r.clause_id IS NULL").fetchone()[0]


def fill(store: Store, batch: int = 2000, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every clause not in the index yet, a batch per transaction (an interrupted fill
    loses nothing done before it). Returns the number indexed.

    An import indexes its own clauses; what is left is a database's older clauses, filled by
    `policy-review keywords` (and the app's helper process that runs it) and, when few,
    before `policy-review similar` and the app's list of similar clauses search."""
    total = pending(store.conn)
    done, last = 0, 0
    while done < total:
        rows = store.conn.execute(
            """SELECT c.id, c.sort_key, c.title, c.text FROM clauses c LEFT JOIN similar_rows r ON r.clause_id = c.id
               WHERE c.id > ? AND r.clause_id IS NULL ORDER BY c.id LIMIT ?""", (last, batch)).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        with store.transaction() as conn:
            # Under the write lock, those another process filled meanwhile are left out.
            held = {row[0] for row in conn.execute(
                f"SELECT clause_id FROM similar_rows WHERE clause_id IN ({','.join('?' * len(rows))})",
                [row[0] for row in rows])}
            fresh = [row for row in rows if row[0] not in held]
            add_rows(conn, [row[0] for row in fresh], [_row(key, title, text) for _cid, key, title, text in fresh])
        done += len(rows)
        if progress:
            progress(done, total)
    return done


# --------------------------------------------------------------------------- finding


def label(similarity: float) -> str:
    """near-copy, adapted or related."""
    return next(name for name, bound in LABELS if similarity >= bound)


@dataclass
class Match:
    clause_id: int
    sort_key: int
    document_id: int
    province: str
    region: str | None
    document: str  # the document's title as stored
    path: str
    label: str  # of the clause: （四）
    title: str
    text: str
    score: float
    document_name: str = ""  # as lists show it (_document_name)

    @property
    def kind(self) -> str:
        return label(self.score)

    def to_json(self) -> dict:
        return {"clause_id": self.clause_id, "score": round(self.score, 3), "kind": self.kind,
                "province": self.province, "region": self.region, "document_id": self.document_id,
                "document": self.document, "document_name": self.document_name, "path": self.path, "title": self.title, "text": self.text}


@dataclass
class _Clause:
    """What the comparison looks at: the bigrams of a clause, of its title, and of the
    headings it stands under (its sections' titles, from the nearest up)."""

    terms: set[str]
    title: set[str]
    headings: set[str]


@dataclass
class _Source:
    document_id: int
    province: str
    clause: _Clause


def similar(conn: sqlite3.Connection, clause_id: int, limit: int = 10, all_documents: bool = False,
            minimum: float | None = None) -> list[Match]:
    """The clauses most similar to a clause, best first: in other provinces (or, with
    all_documents, in every other document). Listed are those at least `minimum` similar,
    by default MINIMUM and at least SHOWN_SHARE of the best one's similarity."""
    source = _source(conn, clause_id)
    if not source.clause.terms:
        return []
    weights, frequencies = _weights(conn, source.clause.terms)

    scope = (document_key_range(source.province, source.document_id) if all_documents
             else province_key_range(source.province))
    scores = _candidates(conn, source.clause.terms, weights, frequencies, scope)
    best = heapq.nlargest(CANDIDATES, scores.items(), key=lambda item: (item[1], -item[0]))
    compared = _compare(conn, source, weights, [key for key, _score in best])
    ranked = sorted(((score, key) for key, score in compared.items()), key=lambda item: (-item[0], item[1]))
    if minimum is None:
        minimum = max(MINIMUM, SHOWN_SHARE * ranked[0][0]) if ranked else MINIMUM
    return _matches(conn, [(score, key) for score, key in ranked if score >= minimum][:limit])


def similarity(conn: sqlite3.Connection, clause_id: int, others: list[int]) -> dict[int, float]:
    """How similar each of the other clauses is to a clause, scored as `similar` scores its
    candidates (for clauses it may not list: a briefing note's comparison groups)."""
    source = _source(conn, clause_id)
    if not source.clause.terms or not others:
        return {}
    weights, _frequencies = _weights(conn, source.clause.terms)
    ids = dict(conn.execute(f"SELECT sort_key, id FROM clauses WHERE id IN ({','.join('?' * len(others))})", others))
    return {ids[key]: value for key, value in _compare(conn, source, weights, list(ids)).items()}


def _candidates(conn: sqlite3.Connection, terms: set[str], weights: dict[str, float], frequencies: dict[str, int],
                scope: tuple[int, int]) -> dict[int, float]:
    """Sort keys of clauses that hold the clause's rarest bigrams, with the weight of those they
    hold. A bigram found only where the search does not look (the clause's own province: a
    plan and its attachments share their words) is passed over, not counted as a probe; the
    lists read stop at POSTINGS rows (after the first MIN_PROBES probes)."""
    probes = sorted((t for t in terms if frequencies[t] >= 2), key=lambda t: (frequencies[t], t))
    scores: dict[int, float] = {}
    productive = read = 0
    low, high = scope
    for term in probes:
        if productive >= MIN_PROBES and read + frequencies[term] > POSTINGS:
            break
        weight = weights[term]
        keys = conn.execute("SELECT group_concat(rowid) FROM similar_index WHERE similar_index MATCH ? "
                            "AND (rowid < ? OR rowid > ?)", ('"' + term + '"', low, high)).fetchone()[0]
        read += frequencies[term]
        if keys:
            productive += 1
            for key in map(int, keys.split(",")):
                scores[key] = scores.get(key, 0.0) + weight
        if productive == PROBES:
            break
    return scores


def _source(conn: sqlite3.Connection, clause_id: int) -> _Source:
    row = conn.execute(
        """SELECT c.document_id, d.province, c.section_id, c.title, c.text FROM clauses c
           JOIN documents d ON d.id = c.document_id WHERE c.id = ?""",
        (clause_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no clause with id {clause_id}")
    document_id, province, section_id, title, text = row
    return _Source(document_id, province, _described(title, text, _headings(conn, [section_id]).get(section_id, set())))


def _described(title: str, text: str, headings: set[str]) -> _Clause:
    folded_title = fold(title)
    return _Clause(bigrams(folded_title, fold(text)), bigrams(folded_title), headings)


def _headings(conn: sqlite3.Connection, section_ids: Iterable[int | None]) -> dict[int, set[str]]:
    """The bigrams of the titles of each section and of the sections above it."""
    sections: dict[int, tuple[int | None, str]] = {}
    wanted = {i for i in section_ids if i is not None}
    while wanted:
        listed = sorted(wanted)
        for start in range(0, len(listed), 500):
            chunk = listed[start:start + 500]
            sections.update((sid, (parent, title)) for sid, parent, title in conn.execute(
                f"SELECT id, parent_id, title FROM sections WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        wanted = {parent for parent, _title in sections.values() if parent is not None and parent not in sections}
    result: dict[int, set[str]] = {}
    for sid in {i for i in section_ids if i is not None}:
        titles, current = [], sid
        while current is not None and current in sections:
            parent, title = sections[current]
            titles.append(fold(title))
            current = parent
        result[sid] = bigrams(*titles)
    return result


def _weights(conn: sqlite3.Connection, terms: set[str]) -> tuple[dict[str, float], dict[str, int]]:
    """idf weights and document frequencies of the clause's bigrams."""
    total = conn.execute("SELECT coalesce(sum(clause_count), 0) FROM documents").fetchone()[0]
    frequencies = dict.fromkeys(terms, 1)
    listed = sorted(terms)
    for start in range(0, len(listed), 500):
        chunk = listed[start:start + 500]
        frequencies.update(conn.execute(
            f"SELECT term, doc FROM similar_terms WHERE term IN ({','.join('?' * len(chunk))})", chunk))
    if len(terms) > 1 and all(n == 1 for n in frequencies.values()) and total > 1:
        _check_filled(conn)
    return {t: math.log((total + 1) / n) for t, n in frequencies.items()}, frequencies


def _check_filled(conn: sqlite3.Connection) -> None:
    """None of the clause's bigrams is in the index: say so if clauses are missing from it."""
    missing = pending(conn)
    if missing:
        raise PolicyReviewError(f"{missing} clauses are not in the similarity index yet: `policy-review keywords` "
                                "indexes them (where the database can be written)")


def _compare(conn: sqlite3.Connection, source: _Source, weights: dict[str, float],
             keys: list[int]) -> dict[int, float]:
    """The similarity of each candidate to the clause."""
    rows = []
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        rows += conn.execute(f"SELECT sort_key, title, text, section_id FROM clauses WHERE sort_key IN "
                             f"({','.join('?' * len(chunk))})", chunk).fetchall()
    headings = _headings(conn, [row[3] for row in rows])
    mean = sum(weights.values()) / len(weights)
    return {key: score(source.clause, _described(title, text, headings.get(section_id, set())), weights, mean)
            for key, title, text, section_id in rows}


def score(clause: _Clause, other: _Clause, weights: dict[str, float], mean: float) -> float:
    """The similarity of two clauses, from 0 to 1: the weighted cosine of their bigrams, a
    little of it their titles' (a shared title says the measure is the same; different titles
    say it may not be), raised by up to CONTEXT when the headings they stand under are alike
    (the counterpart of a measure stands under the same heading: 降低企业人工成本)."""
    similarity = _cosine(clause.terms, other.terms, weights, mean, floor=SHORT)
    if clause.title and other.title:
        similarity = (similarity + TITLE * _cosine(clause.title, other.title, weights, mean)) / (1 + TITLE)
    if clause.headings and other.headings:
        similarity *= 1 + CONTEXT * _cosine(clause.headings, other.headings, weights, mean)
    return min(1.0, similarity)


def _cosine(ours: set[str], theirs: set[str], weights: dict[str, float], mean: float, floor: float = 0.0) -> float:
    """Weighted cosine of two bigram sets. Weights are known for the clause's own bigrams;
    those only the other has are taken at the clause's mean weight. The other's weight is
    at least `floor` times ours: a short clause made of a few of our words (一、总体要求, a
    law's 商标) is not a counterpart."""
    own = sum(weights.get(t, mean) for t in ours)
    shared = sum(weights.get(t, mean) for t in ours & theirs)
    other = max(shared + mean * len(theirs - ours), floor * own)
    return shared / math.sqrt(own * other) if own and other else 0.0


def _matches(conn: sqlite3.Connection, ranked: list[tuple[float, int]]) -> list[Match]:
    if not ranked:
        return []
    by_key = {row[1]: row for row in conn.execute(
        f"""SELECT c.id, c.sort_key, c.document_id, d.province, d.region, d.title, c.path, c.label, c.title, c.text
            FROM clauses c JOIN documents d ON d.id = c.document_id
            WHERE c.sort_key IN ({','.join('?' * len(ranked))})""", [key for _score, key in ranked])}
    from store import browse

    names = {doc_id: _document_name(browse.document(conn, doc_id)) for doc_id in {row[2] for row in by_key.values()}}
    return [Match(*row, score=score, document_name=names[row[2]])
            for score, key in ranked if (row := by_key.get(key)) is not None]


def _document_name(doc) -> str:
    """How a list of matches names a document: 《title》, 附件4《title》, or （无标题）and its
    opening words when it has no title of its own."""
    if doc.title and not doc.untitled:
        return f"{doc.label}《{doc.title}》"
    return doc.display_title
