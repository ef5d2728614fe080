"""The hand-written labels of tests/fixtures/analysis/labels.txt, and the clauses they name.

A clause is named by the beginning of its label, title and text as printed (（四）全面推开营改增试点):
the labels say nothing of how the extractors work, only what a reader finds in the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "fixtures" / "analysis" / "labels.txt"


@dataclass
class ClauseLabel:
    prefix: str
    agencies: set[tuple[str, str]] | None = field(default_factory=set)  # None: not labelled
    targets: list[tuple[str, str]] | None = field(default_factory=list)  # (value or "-", deadline or "-")


@dataclass
class DocumentLabels:
    path: str
    clauses: list[ClauseLabel] = field(default_factory=list)


def load_labels(path: Path = LABELS) -> list[DocumentLabels]:
    documents: list[DocumentLabels] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "file":
            documents.append(DocumentLabels(rest))
        elif word == "clause":
            documents[-1].clauses.append(ClauseLabel(rest))
        else:
            clause = documents[-1].clauses[-1]
            if word in ("lead", "partner"):
                clause.agencies.update((name, word) for name in rest.split())
            elif word == "agencies":
                clause.agencies = None if rest == "?" else set()
            elif word == "target":
                value, deadline = rest.split()
                clause.targets.append((value, deadline))
            elif word == "targets":
                clause.targets = None if rest == "?" else []
            else:
                raise ValueError(f"{path}:{number}: unknown label line {raw!r}")
    return documents


def printed(label: str, title: str, text: str) -> str:
    """A clause as the labels name it: its label, title and text as printed."""
    return f"{label}{title}{' ' if title else ''}{text}".strip()


def find_clause(clauses, prefix: str):
    """The one clause (of objects with label, title, text) that begins with the prefix."""
    found = [c for c in clauses if printed(c.label, c.title, c.text).startswith(prefix)]
    if len(found) != 1:
        raise LookupError(f"{len(found)} clauses begin with {prefix!r}")
    return found[0]
