"""Reading ../shared/seeds/EXPECTED/*.outline files (copied to tests/fixtures/expected) and
comparing a parse with them by the rules of their README."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from store.model import Node, ParsedFile
from store.normalize import to_simplified

EXPECTED_DIR = Path(__file__).parent / "fixtures" / "expected"
_PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


def comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _PINYIN.sub("", text)
    text = re.sub(r"\s+", "", text)
    return to_simplified(text)


@dataclass
class ExpectedDocument:
    label: str
    title: str
    optional: bool
    rows: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Expected:
    meta: dict[str, str]
    documents: list[ExpectedDocument]


def load(name: str) -> Expected:
    meta: dict[str, str] = {}
    documents: list[ExpectedDocument] = []
    for line in (EXPECTED_DIR / f"{name}.outline").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            m = re.match(r"#(\w+):\s*(.*)", line)
            if m:
                meta[m.group(1)] = m.group(2).strip()
            continue
        if not line.strip():
            continue
        depth, label, title, _source_line = line.split("\t")
        if depth == "0":
            optional = "covering notice" in title or "optional" in title
            documents.append(ExpectedDocument(label, title, optional))
        else:
            documents[-1].rows.append((int(depth), label, title))
    return Expected(meta, documents)


def heading_rows(nodes: list[Node], depth: int = 1, max_depth: int = 2) -> list[tuple[int, str, str]]:
    rows = []
    for node in nodes:
        if not (node.label or node.title):
            continue
        rows.append((depth, node.label, node.title))
        if depth < max_depth:
            rows.extend(heading_rows(node.children, depth + 1, max_depth))
    return rows


def title_matches(expected: str, actual: str) -> bool:
    return comparable(actual).startswith(comparable(expected)[:6])


def compare(expected: Expected, parsed: ParsedFile) -> list[str]:
    """Differences between the expected outline and the parse, as readable lines."""
    problems: list[str] = []
    docs = list(parsed.documents)
    position = 0
    for exp in expected.documents:
        match = None
        for index in range(position, len(docs)):
            doc = docs[index]
            if comparable(doc.label) == comparable(exp.label) and (
                exp.optional or title_matches(exp.title, doc.title)
            ):
                match = index
                break
            if not exp.optional:
                problems.append(f"unexpected document {doc.label!r} {doc.title!r} before {exp.title!r}")
        if match is None:
            if not exp.optional:
                problems.append(f"missing document {exp.label!r} {exp.title!r}")
            continue
        doc = docs[match]
        position = match + 1
        if exp.optional and not exp.rows:
            continue
        actual = heading_rows(doc.nodes)
        exp_keys = [(d, comparable(label)) for d, label, _ in exp.rows]
        act_keys = [(d, comparable(label)) for d, label, _ in actual]
        if exp_keys != act_keys:
            problems.append(f"{exp.title}: heading rows differ:\n  expected {exp_keys}\n  actual   {act_keys}")
            continue
        for (_depth, label, title), (_, _, got) in zip(exp.rows, actual):
            if not title_matches(title, got):
                problems.append(f"{exp.title}: {label} title {got!r} does not begin with {title[:6]!r}")
    return problems


def expected_value(meta: dict[str, str], key: str) -> str | None:
    """The value the parser must find, or None when the README marks it as not in the text."""
    value = meta.get(key)
    if value is None or "not in the text" in value:
        return None
    if key == "date":
        m = re.search(r"\((\d{4}-\d{2}-\d{2})\)", value)
        return m.group(1) if m else value
    if key == "title":
        return re.sub(r"\s*\(\+.*\)$", "", value)
    return value
