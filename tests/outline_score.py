"""Scoring a parse against expected outlines by the rules of ../shared/tools/score_outline.py
(the reference; this is the same arithmetic, in-process, so that the suite needs no ../shared).

An expected outline (tests/fixtures/corpus/*/EXPECTED/<file>.outline) lists a file's document
units and the first two levels of each unit's heading tree, written by reading the text; see
tests/fixtures/corpus/devcorpus/README.md. Units are matched in order by title prefix or label,
heading rows by a longest common subsequence on (depth, label); a title is right when the
parser's begins with the expected one's first six characters; metadata counts the 文号, date and
issuer the text states.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from store.normalize import to_simplified
from store.parse import parse_file

BRACKETS = str.maketrans("﹝﹞[]【】", "〔〕〔〕〔〕")
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
UNSTATED = ("not in the text", "inferred", "推断")


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return to_simplified(re.sub(r"\s+", "", PINYIN.sub("", text)))


@dataclass
class FileScore:
    name: str
    expected: list[int] = field(default_factory=lambda: [0, 0])  # rows at depth 1, 2
    got: list[int] = field(default_factory=lambda: [0, 0])
    hit: list[int] = field(default_factory=lambda: [0, 0])
    titles: list[int] = field(default_factory=lambda: [0, 0])  # right, compared
    meta: list[int] = field(default_factory=lambda: [0, 0])  # found, stated
    units: tuple[int, int] = (0, 0)  # matched, expected
    missing: list[tuple[int, str]] = field(default_factory=list)
    extra: list[tuple[int, str]] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.name}: d1 {self.hit[0]}/{self.expected[0]} (got {self.got[0]}) "
                f"d2 {self.hit[1]}/{self.expected[1]} (got {self.got[1]}) units {self.units[0]}/{self.units[1]} "
                f"meta {self.meta[0]}/{self.meta[1]} missing {self.missing[:6]} extra {self.extra[:6]}")


@dataclass
class SetScore:
    files: list[FileScore]

    def _f1(self, depth: int) -> float:
        hit = sum(f.hit[depth] for f in self.files)
        got = sum(f.got[depth] for f in self.files)
        expected = sum(f.expected[depth] for f in self.files)
        precision = hit / got if got else 0.0
        recall = hit / expected if expected else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def depth1(self) -> float:
        return self._f1(0)

    @property
    def depth2(self) -> float:
        return self._f1(1)

    @property
    def titles(self) -> float:
        compared = sum(f.titles[1] for f in self.files)
        return sum(f.titles[0] for f in self.files) / compared if compared else 0.0

    @property
    def metadata(self) -> float:
        stated = sum(f.meta[1] for f in self.files)
        return sum(f.meta[0] for f in self.files) / stated if stated else 0.0

    def summary(self) -> str:
        return (f"d1 F1={self.depth1:.3f} d2 F1={self.depth2:.3f} titles={self.titles:.3f} "
                f"meta={self.metadata:.3f}")


def read_expected(path: Path) -> tuple[dict[str, str], list[dict]]:
    meta: dict[str, str] = {}
    units: list[dict] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            m = re.match(r"#(\w+):\s*(.*)", line)
            if m:
                meta[m.group(1)] = m.group(2)
            continue
        depth, label, title = (line.split("\t") + ["", "", ""])[:3]
        if depth == "0":
            units.append({"label": label, "title": title, "rows": []})
        elif units:
            units[-1]["rows"].append((int(depth), norm(label), norm(title)))
    return meta, units


def flatten(nodes: list[dict], depth: int = 1, out: list | None = None) -> list[tuple[int, str, str]]:
    out = [] if out is None else out
    for node in nodes:
        label, kids = node.get("label") or "", node.get("children") or []
        if label or kids:
            if depth <= 2:
                out.append((depth, norm(label), norm(node.get("title") or "")))
            flatten(kids, depth + 1, out)
    return out


def lcs(a: list[tuple], b: list[tuple]) -> list[tuple[int, int]]:
    ka, kb = [x[:2] for x in a], [x[:2] for x in b]
    n, m = len(ka), len(kb)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if ka[i] == kb[j] else max(table[i + 1][j], table[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if ka[i] == kb[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def match_units(units: list[dict], docs: list[dict]) -> dict[int, int]:
    mapping, start = {}, 0
    for ui, unit in enumerate(units):
        title, label = norm(unit["title"]), norm(unit["label"])
        for di in range(start, len(docs)):
            doc = docs[di]
            got_title, got_label = norm(doc.get("title")), norm(doc.get("label"))
            key = title[:8]
            if (key and "covering" not in unit["title"] and (key in got_title or got_title[:8] and got_title[:8] in title)) \
                    or (label and label == got_label):
                mapping[ui] = di
                start = di + 1
                break
    return mapping


def score_file(expected_path: Path, source: Path) -> FileScore:
    meta, units = read_expected(expected_path)
    docs = parse_file(source).to_json()["documents"]
    score = FileScore(source.name)
    mapping = match_units(units, docs)
    for ui, unit in enumerate(units):
        rows = unit["rows"]
        for depth, label, _ in rows:
            if label:  # unnumbered parts (前言, 附则) count only when found
                score.expected[depth - 1] += 1
        if ui not in mapping:
            continue
        got = flatten(docs[mapping[ui]]["nodes"])
        for depth, *_ in got:
            score.got[depth - 1] += 1
        pairs = lcs(rows, got)
        for i, j in pairs:
            score.hit[rows[i][0] - 1] += 1
            if not rows[i][1]:
                score.expected[rows[i][0] - 1] += 1
            score.titles[1] += 1
            if not rows[i][2] or got[j][2].startswith(rows[i][2][:6]):
                score.titles[0] += 1
        found = {pair[0] for pair in pairs}
        taken = {pair[1] for pair in pairs}
        score.missing += [rows[i][:2] for i in range(len(rows)) if i not in found]
        score.extra += [got[j][:2] for j in range(len(got)) if j not in taken]
    for di, doc in enumerate(docs):  # structure in documents that match no expected unit is noise
        if di not in mapping.values():
            for depth, *_ in flatten(doc["nodes"]):
                score.got[depth - 1] += 1
    score.meta = _metadata(meta, docs)
    score.units = (len(mapping), len(units))
    return score


def _metadata(meta: dict[str, str], docs: list[dict]) -> list[int]:
    found = stated = 0
    for key in ("doc_number", "date", "issuer"):
        value = meta.get(key, "")
        if not value or any(word in value for word in UNSTATED):
            continue
        if key == "date":
            m = re.search(r"(\d{4}-\d{2}-\d{2})", value)
            if not m:
                continue
            want = m.group(1)
        else:
            want = norm(re.split(r" \(|（", value)[0]).translate(BRACKETS)
        stated += 1
        if key == "issuer":  # joint issuers are printed with 、, spaces or line breaks
            want = re.sub(r"[、，,;；]", "", want)
        for doc in docs:
            got = norm(str(doc.get(key) or "")).translate(BRACKETS)
            if key == "issuer":
                got = re.sub(r"[、，,;；]", "", got)
            if got == want or (key == "issuer" and len(got) >= 2 and (want in got or got in want)):
                found += 1
                break
    return [found, stated]


def score_set(folder: Path) -> SetScore:
    files = []
    for expected in sorted((folder / "EXPECTED").glob("*.outline")):
        source = folder / expected.name[: -len(".outline")]
        if source.exists():
            files.append(score_file(expected, source))
    return SetScore(files)
