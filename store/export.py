"""Briefing notes: the chosen clauses as a Markdown document, quoted exactly, with their
citations and the reviewer's tags, status and notes.

Clause text is escaped so that it renders as written in any CommonMark renderer (a clause
that starts with "1." or holds `*`, `_`, `<b>` or `[x](y)` is still just text). A user
template (docs/export.md) can change the layout; the values it receives are escaped already,
each for the place it goes: a one-line field never holds a line break (a carriage return in
a note would start a heading), and no control character reaches the note.
"""

from __future__ import annotations

import re
import sqlite3
import string
import time
from dataclasses import dataclass, field
from pathlib import Path

from store import annotations, browse
from store.errors import PolicyReviewError
from store.files import write_atomic
from store.search import Group, Query, Term, matching_ids, parse_query
from store.untrusted import cleaned, visible

STATUS_LABELS = {"unreviewed": "未审", "reviewed": "已审", "flagged": "存疑", "adopted": "采纳"}
NO_TAG = "（无标签）"


@dataclass
class ExportSpec:
    """What to export and how. Explicit clause_ids (the app's selection or filter) win;
    otherwise selection/query/tags/status are combined (all must hold)."""

    clause_ids: list[int] | None = None
    selection: bool = False
    query: str | None = None
    tags: list[str] = field(default_factory=list)
    status: str | None = None
    group_by: str = "province"
    title: str | None = None
    reviewer: str = ""
    date: str | None = None
    filter_description: str | None = None
    targets: bool = False  # add a table of the clauses' targets and deadlines
    grid_topics: list[str] = field(default_factory=list)  # a coverage grid of these topics (store/grid.py)
    counterparts: int = 0  # with group_by "counterparts": each clause's best counterparts added


@dataclass
class Note:
    markdown: str
    clause_count: int
    document_count: int


# --------------------------------------------------------------------------- escaping

_ALWAYS = re.compile(r"([\\`*_\[\]<>|~&$])")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
"""What CommonMark (\\n, \\r) or Python's splitlines take for the end of a line."""
_LINE_START = re.compile(r"^([ \t]*)([#+\-=>]|\d{1,9}(?=[.)]))")


def escape(text: str) -> str:
    """Markdown-escape text as one line that renders exactly as written: line breaks become
    spaces, control characters visible symbols."""
    text = _ALWAYS.sub(r"\\\1", visible(_LINE_BREAK.sub(" ", text)))
    match = _LINE_START.match(text)
    if match:
        lead, token = match.groups()
        if token.isdigit():  # "1." or "1)" would start an ordered list
            end = len(lead) + len(token)
            text = text[:end] + "\\" + text[end:]
        else:
            text = f"{lead}\\{text[len(lead):]}"
    return text.replace("\t", " ")


def quote(text: str) -> str:
    """A blockquote of the text, one quoted paragraph per line of the original."""
    lines = [escape(line.strip()) for line in text.splitlines() if line.strip()]
    return "\n>\n".join(f"> {line}" for line in lines) if lines else ">"


def quote_table(heading: str, rows: list[list[str]]) -> str:
    """A table clause quoted as a Markdown table, its first row the header (as tables in
    policy documents are printed), under its heading if it has one."""
    width = max(len(row) for row in rows)
    cells = [[escape(cell) or " " for cell in row] + [" "] * (width - len(row)) for row in rows]
    table = [cells[0], ["---"] * width, *cells[1:]]
    lines = ([f"> {escape(heading)}", ">"] if heading else []) + [f"> | {' | '.join(row)} |" for row in table]
    return "\n".join(lines)


# --------------------------------------------------------------------------- choosing clauses


def choose_clauses(conn: sqlite3.Connection, spec: ExportSpec) -> list[int]:
    if spec.clause_ids is not None:
        return list(spec.clause_ids)
    # Built as a parsed query, not as text: a tag may hold a quote or a space.
    query = parse_query(spec.query) if spec.query else Query("")
    query.groups.extend(Group([Term("tag", annotations.check_tag(tag))]) for tag in spec.tags)
    if spec.status:
        query.groups.append(Group([Term("status", annotations.check_status(spec.status))]))
    if not spec.selection and query.is_empty:
        raise PolicyReviewError("say what to export: --selection, --query Q, --tag T or --status S")
    ids = None
    if not query.is_empty:
        ids = matching_ids(conn, query)
    if spec.selection:
        selected = [row[0] for row in conn.execute("SELECT clause_id FROM selection")]
        ids = selected if ids is None else [i for i in ids if i in set(selected)]
    return ids or []


# --------------------------------------------------------------------------- rendering

DEFAULT_TEMPLATE = """<!-- note -->
# $title

- 日期：$date
- 审阅人：$reviewer
- 范围：$filter
- 条款数：$count

$summary_table

$grid

$body
<!-- group -->
$heading $group
<!-- document -->
$heading 《$document》

$document_meta
<!-- clause -->
$heading $path

$quote

— $citation

$annotation_lines
"""


@dataclass
class Template:
    note: string.Template
    group: string.Template
    document: string.Template
    clause: string.Template


def parse_template(text: str) -> Template:
    parts = {"note": "", "group": "", "document": "", "clause": ""}
    current = None
    for line in text.splitlines(keepends=True):
        marker = re.fullmatch(r"\s*<!--\s*(note|group|document|clause)\s*-->\s*", line)
        if marker:
            current = marker.group(1)
            continue
        if current is None:
            if line.strip():
                raise PolicyReviewError("a template starts with a <!-- note --> line (see docs/export.md)")
            continue
        parts[current] += line
    if "$body" not in parts["note"] and "${body}" not in parts["note"]:
        raise PolicyReviewError("the <!-- note --> part of a template must contain $body")
    defaults = parse_template(DEFAULT_TEMPLATE) if text is not DEFAULT_TEMPLATE else None
    for name in ("group", "document", "clause"):
        if not parts[name].strip():
            if defaults is None:
                raise PolicyReviewError(f"the default template lacks its {name} part")
            parts[name] = getattr(defaults, name).template
    return Template(*(string.Template(parts[name]) for name in ("note", "group", "document", "clause")))


def load_template(path: Path) -> Template:
    try:
        return parse_template(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyReviewError(f"{path}: no such template file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyReviewError(f"{path}: cannot read the template ({exc})") from None


@dataclass
class _Item:
    clause: browse.Clause
    document: browse.Document
    ann: annotations.Annotation | None
    cited: str  # the document as named in citations (browse.cited_name)


def render(conn: sqlite3.Connection, spec: ExportSpec, template: Template | None = None) -> Note:
    template = template or parse_template(DEFAULT_TEMPLATE)
    if spec.group_by not in GROUPINGS:
        raise PolicyReviewError(f"--group-by is {', '.join(GROUPINGS[:-1])} or {GROUPINGS[-1]}")
    grid = _grid(conn, spec.grid_topics) if spec.grid_topics else ""
    clause_ids = choose_clauses(conn, spec)
    if spec.group_by == "counterparts":
        groups = comparison_groups(conn, clause_ids, spec.counterparts)
        clause_ids = [member for group in groups for member, _score in group]
    items = _items(conn, clause_ids)
    if spec.group_by == "counterparts":
        by_id = {item.clause.id: item for item in items}
        body = _render_comparisons([[(by_id[i], score) for i, score in group] for group in groups], template)
        items = list(by_id.values())
    else:
        body = _render_groups(items, spec.group_by, template)
    values = {
        "title": escape(spec.title or "政策条款摘编"),
        "date": escape(spec.date or time.strftime("%Y-%m-%d")),
        "reviewer": escape(spec.reviewer or "—"),
        "filter": escape(spec.filter_description or _describe(spec)),
        "count": str(len(items)),
        "summary_table": _summary_table(items) + (_targets_table(conn, items) if spec.targets else ""),
        "grid": grid,
        "body": body.rstrip() + "\n",
    }
    markdown = cleaned(template.note.safe_substitute(values))  # the template's own text too
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return Note(markdown, len(items), len({i.document.id for i in items}))


GROUPINGS = ("province", "document", "tag", "counterparts")


def _items(conn: sqlite3.Connection, clause_ids: list[int]) -> list[_Item]:
    """The clauses with their documents and annotations, in reading order."""
    clauses = browse.clauses_by_ids(conn, clause_ids)
    docs = {d.id: d for d in (browse.document(conn, i) for i in {c.document_id for c in clauses}) if d}
    anns = annotations.annotations_for(conn, [c.id for c in clauses])
    cited = {doc_id: browse.cited_name(conn, doc) for doc_id, doc in docs.items()}
    return [_Item(c, docs[c.document_id], anns.get(c.id), cited[c.document_id]) for c in clauses]


def _describe(spec: ExportSpec) -> str:
    parts = []
    if spec.clause_ids is not None:
        parts.append("指定条款")
    if spec.selection:
        parts.append("已选条款")
    if spec.query:
        parts.append(f"检索：{spec.query}")
    parts.extend(f"标签：{t}" for t in spec.tags)
    if spec.status:
        parts.append(f"状态：{STATUS_LABELS.get(spec.status, spec.status)}")
    return "；".join(parts) or "全部"


def _place(document: browse.Document) -> str:
    return f"{document.province} {document.region}" if document.region else document.province


def _summary_table(items: list[_Item]) -> str:
    if not items:
        return "（没有符合条件的条款）"
    rows: dict[tuple[str, int], list] = {}
    for item in items:
        key = (_place(item.document), item.document.id)
        rows.setdefault(key, [item.document, 0])[1] += 1
    lines = ["| 省份 | 文件 | 条款数 |", "| --- | --- | ---: |"]
    for (place, _), (document, n) in rows.items():
        lines.append(f"| {escape(place)} | {escape(document.display_title)} | {n} |")
    return "\n".join(lines)


def _targets_table(conn: sqlite3.Connection, items: list[_Item]) -> str:
    """The exported clauses' targets and time limits, by deadline (those without one last)."""
    from store.analysis import tables

    found = tables.targets_list(conn, clause_ids=[i.clause.id for i in items])
    if not found:
        return "\n\n（所选条款没有量化目标或时限）"
    cited = {i.clause.id: i for i in items}
    found.sort(key=lambda t: (t.deadline is None, t.deadline or "", t.sort_key, t.span_start))
    lines = ["", "", "| 时限 | 目标 | 条款 |", "| --- | --- | --- |"]
    for target in found:
        item = cited[target.clause_id]
        where = f"《{item.document.display_title}》{browse.display_path(item.clause.path)}"
        lines.append(f"| {escape(target.deadline or '—')} | {escape(target.what)} | {escape(where)} |")
    return "\n".join(lines)


def _render_groups(items: list[_Item], group_by: str, template: Template) -> str:
    out: list[str] = []
    if group_by == "tag":
        tags = sorted({t for i in items for t in (i.ann.tags if i.ann else [])}) + [NO_TAG]
        for tag in tags:
            members = [i for i in items if (tag in i.ann.tags if i.ann and i.ann.tags else tag == NO_TAG)]
            if members:
                out.append(template.group.safe_substitute(heading="##", group=escape(tag)))
                out.append(_render_documents(members, template, "###"))
        return "\n".join(out)
    if group_by == "document":
        return _render_documents(items, template, "##")
    provinces: dict[str, list[_Item]] = {}
    for item in items:
        provinces.setdefault(_place(item.document), []).append(item)
    for place, members in provinces.items():
        out.append(template.group.safe_substitute(heading="##", group=escape(place)))
        out.append(_render_documents(members, template, "###"))
    return "\n".join(out)


def _render_documents(items: list[_Item], template: Template, heading: str) -> str:
    out: list[str] = []
    seen: dict[int, list[_Item]] = {}
    for item in items:
        seen.setdefault(item.document.id, []).append(item)
    clause_heading = heading + "#"
    for members in seen.values():
        document = members[0].document
        meta = " · ".join(escape(x) for x in (document.doc_number, document.issuer, document.date,
                                             _place(document)) if x)
        out.append(template.document.safe_substitute(
            heading=heading, document=escape(document.display_title), document_meta=meta))
        for item in members:
            out.append(_render_clause(item, template, clause_heading))
    return "\n".join(out)


def _render_clause(item: _Item, template: Template, heading: str) -> str:
    clause, document, ann = item.clause, item.document, item.ann
    path = browse.display_path(clause.path)
    citation = "，".join(escape(p) for p in browse.Citation.of(item.cited, document, clause).parts())
    tags = ann.tags if ann else []
    status = ann.status if ann else "unreviewed"
    note = ann.note if ann else ""
    tag_text = "、".join(escape(t) for t in tags)
    lines = []
    if tags:
        lines.append(f"标签：{tag_text}")
    if status != "unreviewed":
        lines.append(f"状态：{STATUS_LABELS[status]}")
    if note:
        lines.append("备注：" + "<br>".join(escape(part) for part in note.splitlines() if part.strip()))
    annotation_lines = "\n".join(f"- {line}" for line in lines)
    heading_line = clause.label + clause.title
    rows = clause.rows
    if rows:
        quoted_text = quote_table(heading_line, rows)
    else:
        quoted_text = quote(clause.full_text)
    return template.clause.safe_substitute(
        heading=heading,
        path=escape(path or "（正文）"),
        label=escape(clause.label),
        title=escape(clause.title),
        quote=quoted_text,
        text=escape(clause.text),
        citation=citation,
        document=escape(document.display_title),
        doc_number=escape(document.doc_number or ""),
        date=escape(document.date or ""),
        issuer=escape(document.issuer or ""),
        province=escape(document.province),
        region=escape(document.region or ""),
        tags=tag_text,
        status=STATUS_LABELS[status],
        note=escape(note),
        annotation_lines=annotation_lines,
        clause_id=str(clause.id),
    )


def suggested_file_name(spec: ExportSpec) -> str:
    stamp = spec.date or time.strftime("%Y-%m-%d")
    base = spec.title or (spec.query and f"检索-{spec.query}") or "briefing"
    base = re.sub(r'[\\/:*?"<>|\s]+', "-", base).strip("-")[:40] or "briefing"
    return f"{base}-{stamp}.md"


def write_note(path: Path, markdown: str, force: bool = False) -> None:
    write_atomic(path, markdown, force=force)


# --------------------------------------------------------------------------- comparison tables

KIND_LABELS = {"near-copy": "照搬", "adapted": "改写", "related": "相关"}


def comparison_groups(conn: sqlite3.Connection, clause_ids: list[int], counterparts: int = 0) -> list[list[tuple]]:
    """The clauses grouped with their counterparts: clauses that list each other among their
    similar clauses (store/similar.py, every other document) are one group, in reading order
    of each group's first clause; with `counterparts`, each clause's best counterparts that
    were not chosen join its group. Each member comes with its similarity to the group's
    first clause (None for that one)."""
    from store import similar

    chosen = [c.id for c in browse.clauses_by_ids(conn, list(dict.fromkeys(clause_ids)))]
    order = {cid: position for position, cid in enumerate(chosen)}
    parent = {cid: cid for cid in chosen}

    def root(cid: int) -> int:
        while parent[cid] != cid:
            parent[cid] = parent[parent[cid]]
            cid = parent[cid]
        return cid

    added: dict[int, int] = {}  # counterpart → the chosen clause it was added for
    for cid in chosen:
        matches = similar.similar(conn, cid, limit=20, all_documents=True)
        for match in matches:
            if match.clause_id in parent:
                a, b = root(cid), root(match.clause_id)
                if a != b:
                    parent[max(a, b, key=order.get)] = min(a, b, key=order.get)
        for match in [m for m in matches if m.clause_id not in parent][:counterparts]:
            added.setdefault(match.clause_id, cid)
    members: dict[int, list[int]] = {}
    for cid in chosen:
        members.setdefault(root(cid), []).append(cid)
    for extra, owner in added.items():
        members[root(owner)].append(extra)
    groups = []
    for first in sorted(members, key=order.get):
        scores = similar.similarity(conn, first, members[first][1:])
        groups.append([(first, None)] + [(cid, scores.get(cid, 0.0)) for cid in members[first][1:]])
    return groups


def _render_comparisons(groups: list[list[tuple[_Item, float | None]]], template: Template) -> str:
    """One table per group: where each clause stands, its text, its numbers and deadlines,
    and how like the group's first clause it is."""
    from store.compare import dates, numbers

    out = []
    for group in groups:
        first = group[0][0].clause
        name = first.title or first.text[:24]
        out.append(template.group.safe_substitute(heading="##", group=escape(f"比较：{name}")))
        lines = ["| 省份 | 条款 | 条文 | 数字与期限 | 相似度 |", "| --- | --- | --- | --- | --- |"]
        for item, score in group:
            clause = item.clause
            citation = "，".join(escape(p) for p in browse.Citation.of(item.cited, item.document, clause).parts()[:2])
            text = "<br>".join(escape(line) for line in (clause.label + clause.title, clause.text) if line.strip())
            figures = escape("、".join(numbers(clause.text) + dates(clause.text))) or "—"
            likeness = "—" if score is None else f"{score:.2f} {KIND_LABELS[_kind(score)]}"
            lines.append(f"| {escape(_place(item.document))} | {citation} | {text} | {figures} | {likeness} |")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def _kind(score: float) -> str:
    from store.similar import label

    return label(score)


# --------------------------------------------------------------------------- the coverage grid


def _grid(conn: sqlite3.Connection, names: list[str]) -> str:
    from store import grid, topics

    return grid_markdown(grid.coverage(conn, [topics.topic(conn, name) for name in names]))


def grid_markdown(coverage) -> str:
    """The coverage grid as a Markdown table of the provinces that have documents, a topic a
    province has no clause on written **0**; the provinces without documents are named after
    it."""
    head = ["省份", "文件", *(t.name for t in coverage.topics)]
    lines = ["| " + " | ".join(escape(h) for h in head) + " |", "| --- | ---: |" + " ---: |" * len(coverage.topics)]
    for row in coverage.rows:
        if row.documents:
            cells = ["**0**" if n == 0 else str(n) for n in row.counts]
            lines.append(f"| {escape(row.short_name)} | {len(row.documents)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("**0**：已有文件，但无相关条款。")
    missing = [row.short_name for row in coverage.rows if not row.documents]
    if missing:
        lines.append(f"未导入文件的省份：{escape('、'.join(missing))}。")
    return "\n".join(lines)
