"""Stage 5, headings: the nested tree of numbered headings and their clauses of one unit.

Two kinds of numbering meet in Chinese official documents:

* the statutory ranks 编 > 分编 > 章 > 节 > 条 (and 篇, 部分 at the top of plans): a fixed order,
  so a 条 inside a 节 sits below the 节 even where other chapters have no 节;
* the GB/T 9704 family 一、 → （一） → 1. → （1） (and ①, 1.1 …), whose depths differ from one
  document to the next and are learned per unit, below the statutory heading they stand in.

A numbered line is a heading only where its number continues the sequence at its level, so a
body line that merely starts with a number is not one. Unnumbered parts (前言, 总则, 附则, 结语)
stand at the top, siblings of the top-ranked headings. Every decision is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.model import Decision, Node
from store.parse import numbering
from store.parse.paragraphs import Para
from store.parse.shapes import clean_title

_CONNECTIVE_END = tuple("的和与及或并且以对为在向之等暨、，“《（(—-")
"""A heading line ending with one of these was broken over lines: 构建以快速响应为基础的 /
常态化政企联系制度体系."""

ARTICLE_STYLES = ("rank:条", "rank:款")
"""Articles of regulations have no title: the words after 第三条 are the article's text."""

_NOTES_LABEL_RE = re.compile(r"^(?:注|说明|備註|备注|填表说明|注释)[ \t\u3000]*[:：]?$")
_NOTE_STYLES = ("arabic_dot", "arabic_dun", "arabic_paren", "arabic_half_paren", "circled", "paren_digit", "arabic_space")

GB_ORDER = {"cn": 0, "cn_paren": 1, "arabic_dot": 2, "arabic_dun": 2, "arabic_paren": 3, "paren_digit": 3,
            "arabic_half_paren": 4, "circled": 5}
"""The GB/T 9704 levels in their conventional order (一、 → （一） → 1. → （1） → ①)."""

_MIDLINE_RANK_RE = re.compile(
    rf"(?<=[。；！？!?;])[ \t\u3000]*(?=第[{numbering.CN_NUMERAL}0-9０-９]{{1,6}}(?:编|分编|章|节|条))"
)
"""A statutory heading run into the end of the previous sentence (text taken from a PDF)."""


@dataclass
class _Open:
    style: str
    number: int
    node: Node
    numbers: tuple[int, ...] = ()
    part: bool = False  # 总则/附则: lower-ranked headings after it are its children

    @property
    def rank(self) -> int | None:
        return numbering.RANKS.get(self.style)


class HeadingTree:
    """Builds the node tree of one unit."""

    def __init__(self, decisions: list[Decision] | None = None, run_in_headings: bool = True) -> None:
        self.decisions = decisions if decisions is not None else []
        self.run_in_headings = run_in_headings
        """Whether an article may begin in the middle of a paragraph (text from a PDF)."""
        self.levels: dict[tuple[str | None, str], int] = {}
        """(style of the statutory heading a run of the GB family stands in, style) → depth in that run."""
        self.last_number: dict[str, int] = {}
        self.stack: list[_Open] = []
        self.roots: list[Node] = []
        self.following: dict[int, list[Para]] = {}
        """id(heading node) → the paragraphs that follow it up to the next heading."""
        self.own_text: dict[int, str] = {}
        """id(heading node) → the text on its own line after the label, as printed."""
        self.top_rank: int | None = None
        """The highest statutory rank that opens a sequence in this unit (第一章 → 章)."""
        self.in_notes = False

    def build(self, paras: list[Para]) -> list[Node]:
        if self.run_in_headings:
            paras = self._split_midline_headings(paras)
        # Where each numbered line is, to tell a gap in a list from a body line (see _fits_after).
        self._numbered: dict[tuple[str, int], list[int]] = {}
        for position, para in enumerate(paras):
            cand = numbering.match(para.text) if para.role == "body" and para.rows is None else None
            if cand is not None:
                self._numbered.setdefault((cand.style, cand.number), []).append(position)
                rank = numbering.RANKS.get(cand.style)
                if rank is not None and cand.number == 1 and (self.top_rank is None or rank < self.top_rank):
                    self.top_rank = rank
        index = 0
        while index < len(paras):
            self._position = index
            para = paras[index]
            if para.role == "attachment_list":
                run = [para]
                while index + 1 < len(paras) and paras[index + 1].role == "attachment_list":
                    index += 1
                    run.append(paras[index])
                self.stack.clear()
                self.roots.append(Node("", "", "\n".join(p.text for p in run), line=para.line, pages=_pages(run)))
                index += 1
                continue
            if para.rows is not None:
                self._paragraph(para)
                index += 1
                continue
            following = paras[index + 1] if index + 1 < len(paras) else None
            heading = self._heading(para, following)
            if heading is None:
                self._paragraph(para)
                index += 1
                continue
            node, took_following = heading
            index += took_following
            # A heading broken over lines: join the short rest.
            while (not node.text and node.title.endswith(_CONNECTIVE_END) and index + 1 < len(paras)
                   and len(paras[index + 1].text) <= 30 and not numbering.match(paras[index + 1].text)
                   and "。" not in paras[index + 1].text[:-1]):
                index += 1
                self._set_title(node, node.title + paras[index].text)
            index += 1
        self._finish(self.roots)
        return self.roots

    # -- classification

    def _heading(self, para: Para, following: Para | None) -> tuple[Node, bool] | None:
        """The heading node a paragraph opens, if it is one, and whether it took the next
        paragraph as its text (第三条 alone on its line)."""
        text = para.text
        keyword = numbering.keyword_heading(text) if len(text) <= 8 else None
        if keyword:
            node = Node("", keyword, line=para.line, pages=_pages([para]))
            self.stack.clear()
            self.roots.append(node)
            part = numbering.KEYWORD_HEADINGS[keyword] == "part"
            self.stack.append(_Open("keyword", 0, node, part=part))
            self._note(para, "heading", f"depth 1: unnumbered {'part' if part else 'aside'} {keyword}")
            return node, False
        if _NOTES_LABEL_RE.match(text):
            self.in_notes = True  # 注： then 1. 2. …: the notes under a table or form
            return None
        cand = numbering.match(text)
        if cand is None:
            return None
        if self.in_notes and cand.style in _NOTE_STYLES:
            self._note(para, "text", f"{cand.label} numbers a note, under 注：")
            return None
        self.in_notes = False
        if not self._plausible(cand):
            self._note(para, "text", f"starts like {cand.label} but what follows is no heading")
            return None
        position, why = self._fit(cand)
        if position is None and "numbered" in para.style and cand.style in numbering.RANKS:
            # Word numbered it, and a list that restarts prints 第一章 again where the
            # document goes on: the heading takes the next number of its sequence.
            last = self.last_number.get(cand.style)
            if last is not None and cand.number <= last:
                cand = numbering.renumbered(cand, last + 1)
                position, why = self._fit(cand)
                why = f"renumbered: Word's list restarted ({why})"
        if position is None:
            self._note(para, "text", f"starts like {cand.label} but {why}")
            return None
        del self.stack[position:]
        node = Node(cand.label, "", line=para.line, pages=_pages([para]))
        rest, took_following = cand.rest, False
        if not rest and following is not None and following.role == "body" and following.rows is None \
                and not numbering.match(following.text):
            rest, took_following = following.text, True
            node.pages = _pages([para, following])
        if cand.style in ARTICLE_STYLES:
            node.text = rest.strip()  # 第三条 has no title: what follows it is its text
        else:
            self._set_title(node, rest)
        self.own_text[id(node)] = rest.strip()
        if self.stack:
            self.stack[-1].node.children.append(node)
        else:
            self.roots.append(node)
        self.stack.append(_Open(cand.style, cand.number, node, cand.numbers))
        if cand.style not in numbering.RANKS:
            owner = self._run_start()
            self.levels.setdefault((self._owner_style(owner), cand.style), len(self.stack) - owner)
        self.last_number[cand.style] = cand.number
        self._note(para, "heading", f"depth {len(self.stack)}: {cand.label} {why}")
        return node, took_following

    @staticmethod
    def _plausible(cand: numbering.Candidate) -> bool:
        rest = cand.rest
        if cand.style == "arabic_space":  # only a short heading on its own line, not a table row
            return 0 < len(rest) <= 30 and not any(p in rest for p in "。，；,;%％") and len(rest.split()) <= 2
        # "1. 5亿元" or "一、二" fragments are not headings.
        return not rest or rest[0] not in "，,。、；;）)％%"

    def _fit(self, cand: numbering.Candidate) -> tuple[int | None, str]:
        """The stack position at which the candidate becomes a heading (or None), and why."""
        rank = numbering.RANKS.get(cand.style)
        if rank is not None:
            return self._fit_ranked(cand, rank)
        if cand.style == "box":
            return self._fit_box(cand)
        if cand.style == "appendix":
            return self._fit_appendix(cand)
        return self._fit_learned(cand)

    def _fit_appendix(self, cand: numbering.Candidate) -> tuple[int | None, str]:
        """Appendix A, B …: at the top of the document, after its body, lettered in order."""
        last = self.last_number.get("appendix")
        if cand.number == 1 or last is not None and cand.number == last + 1:
            return 0, "an appendix"
        return None, "its letter does not follow the appendix before it"

    def _fit_box(self, cand: numbering.Candidate) -> tuple[int | None, str]:
        """A box (专栏) stands inside the section it is printed in and closes only the box
        before it; its number runs through the document."""
        last = self.last_number.get("box")
        if not (cand.number == 1 or last is not None and self._fits_after(cand, last)):
            return None, "its number does not continue the boxes before it"
        box = next((pos for pos in range(len(self.stack) - 1, -1, -1) if self.stack[pos].style == "box"), None)
        if box is not None:
            return box, f"a box after 专栏{last}"
        return len(self.stack), "a box inside the section above"

    def _fit_ranked(self, cand: numbering.Candidate, rank: int) -> tuple[int | None, str]:
        """A statutory heading closes the open headings of its rank and below and stands under
        the nearest higher-ranked one (or a GB/T 9704 section that holds articles)."""
        position = len(self.stack)
        for pos in range(len(self.stack) - 1, -1, -1):
            entry = self.stack[pos]
            if entry.style == "keyword":
                child = entry.part and self.top_rank is not None and rank > self.top_rank
                position = pos + 1 if child else pos
                break
            if entry.rank is None:
                continue  # a GB/T 9704 heading: kept as the parent unless a ranked one above closes
            if entry.style == cand.style:
                if self._fits_after(cand, entry.number):
                    return pos, f"continues {entry.node.label}"
                return None, f"does not continue {entry.node.label}"
            if entry.rank >= rank:
                position = pos  # a lower or equal rank closes
                continue
            break
        last = self.last_number.get(cand.style)
        if cand.number == 1:
            return position, "starts its sequence"
        if last is not None and self._fits_after(cand, last):
            return position, f"continues the numbering after {last}"
        return None, "neither starts nor continues a sequence"

    def _fit_learned(self, cand: numbering.Candidate) -> tuple[int | None, str]:
        # A sibling of an open heading of the same style: the number must continue.
        for pos in range(len(self.stack) - 1, -1, -1):
            entry = self.stack[pos]
            if entry.style == cand.style:
                if self._fits_after(cand, entry.number) and self._decimal_prefix_ok(cand, entry):
                    return pos, f"continues {entry.node.label}"
                return None, f"does not continue {entry.node.label}"
        last = self.last_number.get(cand.style)
        if cand.number == 1:
            why = "starts a list"
        elif last is not None and self._fits_after(cand, last):
            why = f"continues the numbering after {last}"
        else:
            return None, "neither starts nor continues a list"
        start = self._run_start()
        if start == len(self.stack) == 1 and self.stack[0].style == "keyword" and not self.stack[0].part:
            start = 0  # a numbered heading closes an aside (前言, 结语); after 总则 or 附则 it is the part's section
            position = 0
        else:
            level = self.levels.get((self._owner_style(start), cand.style))
            position = len(self.stack) if level is None else min(len(self.stack), start + level - 1)
            # Never under a heading whose style sits deeper in the run than this one.
            owner = self._owner_style(start)
            while level is not None and position > start and \
                    self.levels.get((owner, self.stack[position - 1].style), 0) >= level:
                position -= 1
            position = self._in_conventional_order(cand.style, position)
        if cand.style.startswith(("decimal", "lettered")) and not self._decimal_parent_ok(cand, position):
            return None, "its number does not match the heading above"
        return position, why

    def _in_conventional_order(self, style: str, position: int) -> int:
        """Where a 一、 → （一） → 1. → （1） → ① heading stands is learned from the document, but
        it does not close a heading of an earlier level in that order standing right above it:
        1. after （一） belongs to it, even where 1. came directly under 一、 earlier on."""
        order = GB_ORDER.get(style)
        if order is None:
            return position
        while position < len(self.stack) and GB_ORDER.get(self.stack[position].style, order) < order:
            position += 1
        return position

    def _run_start(self) -> int:
        """Where the innermost run of GB/T 9704 headings starts: after the innermost statutory
        heading, unnumbered part or box."""
        for pos in range(len(self.stack) - 1, -1, -1):
            if self.stack[pos].rank is not None or self.stack[pos].style in ("keyword", "box", "appendix"):
                return pos + 1
        return 0

    def _owner_style(self, start: int) -> str | None:
        return self.stack[start - 1].style if start else None

    def _fits_after(self, cand: numbering.Candidate, previous: int) -> bool:
        """Whether the number continues a list that stopped at `previous`: the next number, or
        (an item deleted or mistyped in the source) one or two numbers further when the list
        goes on from there later in the text and the skipped numbers never show up."""
        if cand.number == previous + 1 or cand.numbers and cand.style in numbering.RANKS and cand.number == previous:
            return True  # the next number, or an article inserted after it (第41-1條)
        if not previous + 1 < cand.number <= previous + 3:
            return False
        later = self._numbered.get((cand.style, cand.number + 1), [])
        skipped = any(p > self._position for n in range(previous + 1, cand.number)
                      for p in self._numbered.get((cand.style, n), []))
        return not skipped and any(p > self._position for p in later)

    @staticmethod
    def _decimal_prefix_ok(cand: numbering.Candidate, entry: _Open) -> bool:
        return not cand.numbers or cand.numbers[:-1] == entry.numbers[:-1]

    def _decimal_parent_ok(self, cand: numbering.Candidate, position: int) -> bool:
        """1.2 must sit under heading 1 (or 1.x.y under 1.x), and start at .1 when new."""
        if position == 0:
            return cand.numbers[-1] == 1 or len(cand.numbers) == 2
        parent = self.stack[position - 1]
        prefix = cand.numbers[:-1]
        if parent.numbers:
            return parent.numbers == prefix
        return prefix[-1] == parent.number if prefix else True

    def _split_midline_headings(self, paras: list[Para]) -> list[Para]:
        """A paragraph in which, after a sentence, the next article or chapter begins (text
        from a PDF whose line breaks were lost) is cut there. Only a number that continues its
        sequence exactly counts: 第二条 right after the end of 第一条's sentence."""
        out: list[Para] = []
        expected: dict[str, int] = {}
        for para in paras:
            pieces = [para]
            if para.role == "body" and para.rows is None and "第" in para.text[1:]:
                own = numbering.match(para.text)
                if own is not None and own.style in numbering.RANKS:
                    expected[own.style] = own.number + 1
                pieces = self._cut_at_next_heading(para, expected)
            for piece in pieces:
                cand = numbering.match(piece.text) if piece.rows is None else None
                if cand is not None and cand.style in numbering.RANKS:
                    expected[cand.style] = cand.number + 1
            out.extend(pieces)
        return out

    def _cut_at_next_heading(self, para: Para, expected: dict[str, int]) -> list[Para]:
        text = para.text
        for m in _MIDLINE_RANK_RE.finditer(text, 1):
            cand = numbering.match(text[m.end():])
            if cand is None or cand.style not in ARTICLE_STYLES + ("rank:章", "rank:节") \
                    or expected.get(cand.style) != cand.number:
                continue
            self._note(para, "split", f"{cand.label} begins after the end of a sentence")
            head = Para(para.line, text[:m.start()], para.indented, para.role, last_line=text[:m.start()],
                        page=para.page, last_page=para.page, style=para.style)
            tail = Para(para.line, text[m.end():], para.indented, para.role, last_line=para.last_line,
                        page=para.last_page, last_page=para.last_page)
            expected[cand.style] = cand.number + 1
            return [head, *self._cut_at_next_heading(tail, expected)]
        return [para]

    # -- tree

    def _paragraph(self, para: Para) -> None:
        if self.stack and not self._after_item_list():
            self.following.setdefault(id(self.stack[-1].node), []).append(para)
        elif len(self.stack) >= 2:
            self.stack[-2].node.children.append(_clause(para))
        else:
            self.roots.append(_clause(para))

    def _after_item_list(self) -> bool:
        """Whether the open heading is the last item of an enumeration introduced by a colon
        (应当具备下列条件： （一）…； （二）…。), so that a paragraph after it is the next
        paragraph (款) of the enclosing heading, not part of the last item."""
        top = self.stack[-1]
        if top.style == "keyword":
            return False
        if len(self.stack) >= 2:
            parent = self.stack[-2].node
            siblings = parent.children
            intro = ([self.own_text.get(id(parent), "")] + [p.text for p in self.following.get(id(parent), [])])[-1]
        else:
            siblings = self.roots
            first_item = next((i for i, n in enumerate(siblings) if n.label), len(siblings))
            intro = siblings[first_item - 1].text if first_item and not siblings[first_item - 1].label else ""
        if not intro.endswith(("：", ":")):
            return False
        items = [n for n in siblings if n.label]
        if len(items) < 2 or items[-1] is not top.node:
            return False
        endings = []
        for item in items:
            own = self.own_text.get(id(item), "")
            if item.children or id(item) in self.following or not own or own[-1] not in "；;。" \
                    or "。" in own[:-1]:
                return False
            endings.append(own[-1])
        return any(e in "；;" for e in endings)

    @staticmethod
    def _set_title(node: Node, rest: str) -> None:
        """Run-in headings: the title runs to the first 。 and the rest is the text."""
        rest = rest.strip()
        cut = rest.find("。")
        if 0 <= cut < len(rest) - 1:
            node.title, node.text = clean_title(rest[:cut]), rest[cut + 1:].strip()
        else:
            node.title, node.text = clean_title(rest.rstrip("。：:；;，, \u3000")), ""

    def _finish(self, nodes: list[Node]) -> None:
        """Give each heading its following paragraphs: as its text when it is a clause, as
        unnumbered clauses before its sub-headings when it is a section."""
        for node in nodes:
            paras = self.following.get(id(node), [])
            if node.children or not node.label and node.title and paras:  # 前言, 结语: a part of paragraphs
                intro = ([Node("", "", node.text, line=node.line, pages=node.pages)] if node.text else [])
                intro += [_clause(p) for p in paras]
                node.text = ""
                node.children[:0] = intro
                self._finish(node.children)
            elif paras and len(paras) == 1 and paras[0].rows is not None and not paras[0].caption and not node.text:
                node.text, node.rows = paras[0].text, paras[0].rows
                node.pages = _span(node.pages, _pages(paras))
            else:
                tables = [p for p in paras if p.rows is not None]
                if tables:  # a table stays a clause of its own, after the heading's text
                    node.children = [Node("", "", node.text, line=node.line, pages=node.pages)] if node.text else []
                    node.children += [_clause(p) for p in paras]
                    node.text = ""
                    continue
                parts = ([node.text] if node.text else []) + [p.text for p in paras]
                node.text = "\n".join(parts)
                node.pages = _span(node.pages, _pages(paras))

    def _note(self, para: Para, what: str, why: str) -> None:
        self.decisions.append(Decision(para.line, para.text[:80], what, why, kept=True))


def _clause(para: Para) -> Node:
    return Node("", para.caption, para.text, line=para.line, rows=para.rows, pages=_pages([para]))


def _pages(paras: list[Para]) -> tuple[int, int] | None:
    """The pages these paragraphs stand on, where the reader knows pages (PDF)."""
    if not paras or paras[0].page is None and paras[-1].last_page is None and len(paras) <= 2:
        return None
    first = next((p.page for p in paras if p.page is not None), None)
    last = next((p.last_page or p.page for p in reversed(paras) if (p.last_page or p.page) is not None), None)
    return (first, last) if first is not None and last is not None else None


def _span(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])
