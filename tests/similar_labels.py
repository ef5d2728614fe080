"""The labelled set of similar clauses (tests/fixtures/similar/pairs.json, written by reading
the samples) resolved against a database, and the two figures it is held to: how often an
expected counterpart is among the first three similar clauses, and how often none of the
first three is unrelated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from store import similar
from store.db import Store
from store.importer import import_paths
from store.normalize import fold

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "tests" / "fixtures" / "similar" / "pairs.json"


def load() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def build(path: Path, labels: dict) -> Store:
    """The samples and the distractor documents, imported into a new database."""
    files = sorted({REPO / file for file, _document in labels["documents"].values()})
    files += [REPO / file for file in labels["distractors"] if REPO / file not in files]
    store = Store(path)
    results = import_paths(store, files)
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    similar.fill(store)
    return store


@dataclass
class Resolver:
    """Clause ids of the references "ALIAS piece of its title or text" and "ALIAS @path"."""

    store: Store
    labels: dict

    def __post_init__(self) -> None:
        self._documents: dict[str, int] = {}
        for alias, (file, unit) in self.labels["documents"].items():
            source = str((REPO / file).resolve())
            column, value = ("kind", unit) if unit in ("main", "notice") else ("label", unit)
            rows = self.store.conn.execute(f"SELECT id FROM documents WHERE source_path = ? AND {column} = ?",
                                           (source, value)).fetchall()
            assert len(rows) == 1, (alias, rows)
            self._documents[alias] = rows[0][0]

    def clauses(self, reference: str) -> list[int]:
        alias, _, what = reference.partition(" ")
        rows = self.store.conn.execute("SELECT id, path, title, text FROM clauses WHERE document_id = ?",
                                       (self._documents[alias],)).fetchall()
        if what.startswith("@"):
            found = [cid for cid, path, _t, _x in rows if path.startswith(what[1:])]
        else:
            wanted = fold(what)
            found = [cid for cid, _p, title, text in rows if wanted in fold(title) + "\n" + fold(text)]
            assert len(found) == 1, (reference, found)
        assert found, reference
        return found

    def clause(self, reference: str) -> int:
        return self.clauses(reference)[0]


@dataclass
class Outcome:
    clause: str
    top: list[int]
    found: bool  # an expected counterpart among the first three
    clean: bool  # none of the first three unrelated


def evaluate(store: Store, labels: dict, top: int = 3) -> list[Outcome]:
    resolver = Resolver(store, labels)
    groups = [*labels["families"].values(), *labels["themes"].values()]
    families = [{cid for ref in members for cid in resolver.clauses(ref)} for members in groups]
    outcomes = []
    for item in labels["clauses"]:
        clause = resolver.clause(item["clause"])
        expected = {resolver.clause(ref) for ref in item["counterparts"]}
        related = set().union(*(family for family in families if clause in family))
        shown = [m.clause_id for m in similar.similar(store.conn, clause, limit=top)]
        outcomes.append(Outcome(item["clause"], shown, bool(expected & set(shown)),
                                all(cid in expected or cid in related for cid in shown)))
    return outcomes
