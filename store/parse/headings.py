"""Stage 5, headings: the nested tree of numbered headings and their clauses of one unit."""

from __future__ import annotations

from dataclasses import dataclass

from store.model import Node
from store.parse import numbering
from store.parse.paragraphs import Para
from store.parse.shapes import clean_title

_CONNECTIVE_END = tuple("的和与及或并且以对为在向之等暨、，“《（(—-")
"""A heading line ending with one of these was broken over lines: 构建以快速响应为基础的 /
常态化政企联系制度体系."""


ARTICLE_STYLES = ("chapter:条", "chapter:款")
"""Articles of regulations have no title: the words after 第三条 are the article's text."""


@dataclass
class _Open:
    style: str
    number: int
    node: Node
    numbers: tuple[int, ...] = ()
    part: bool = False  # 总则/附则: numbered headings after it are its children


class HeadingTree:
    """Builds the node tree of one unit, learning the depth of each numbering style."""

    def __init__(self) -> None:
        self.levels: dict[str, int] = {}
        self.last_number: dict[str, int] = {}
        self.stack: list[_Open] = []
        self.roots: list[Node] = []
        self.following: dict[int, list[tuple[int, str]]] = {}
        """id(heading node) → the (line, paragraph) that follow it up to the next heading."""
        self.own_text: dict[int, str] = {}
        """id(heading node) → the text on its own line after the label, as printed."""

    def build(self, paras: list[Para]) -> list[Node]:
        # Where each numbered line is, to tell a gap in a list from a body line (see _fits_after).
        self._numbered: dict[tuple[str, int], list[int]] = {}
        for position, para in enumerate(paras):
            cand = numbering.match(para.text) if para.role == "body" else None
            if cand is not None:
                self._numbered.setdefault((cand.style, cand.number), []).append(position)
        index = 0
        while index < len(paras):
            self._position = index
            para = paras[index]
            if para.role == "attachment_list":
                run = [para.text]
                while index + 1 < len(paras) and paras[index + 1].role == "attachment_list":
                    index += 1
                    run.append(paras[index].text)
                self._close_all()
                self.roots.append(Node("", "", "\n".join(run), line=para.line))
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
            node = Node("", keyword, line=para.line)
            self._close_all()
            self.roots.append(node)
            self.stack.append(_Open("keyword", 0, node, part=numbering.KEYWORD_HEADINGS[keyword] == "part"))
            return node, False
        cand = numbering.match(text)
        if cand is None or not self._plausible(cand):
            return None
        position = self._fit(cand)
        if position is None:
            return None
        del self.stack[position:]
        node = Node(cand.label, "", line=para.line)
        rest, took_following = cand.rest, False
        if not rest and following is not None and following.role == "body" and not numbering.match(following.text):
            rest, took_following = following.text, True
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
        self.levels.setdefault(cand.style, len(self.stack))
        self.last_number[cand.style] = cand.number
        return node, took_following

    @staticmethod
    def _plausible(cand: numbering.Candidate) -> bool:
        rest = cand.rest
        if cand.style == "arabic_space":  # only a short heading on its own line
            return 0 < len(rest) <= 30 and not any(p in rest for p in "。，；,;")
        # "1. 5亿元" or "一、二" fragments are not headings.
        return not rest or rest[0] not in "，,。、；;）)％%"

    def _fit(self, cand: numbering.Candidate) -> int | None:
        """The stack position at which the candidate becomes a heading, or None."""
        # A sibling of an open heading of the same style: the number must continue.
        for pos in range(len(self.stack) - 1, -1, -1):
            entry = self.stack[pos]
            if entry.style == cand.style:
                if self._fits_after(cand, entry.number) and self._decimal_prefix_ok(cand, pos, entry):
                    return pos
                return None
        # A keyword aside (前言) is closed by the first numbered heading.
        if self.stack and self.stack[-1].style == "keyword" and not self.stack[-1].part:
            depth_cap = len(self.stack) - 1
        else:
            depth_cap = len(self.stack)
        last = self.last_number.get(cand.style)
        starts_new = cand.number == 1 or (last is not None and self._fits_after(cand, last))
        if not starts_new:
            return None
        if cand.style in self.levels:
            level = self.levels[cand.style]
            position = min(depth_cap, level - 1)
            # Never under a heading whose style sits deeper than this one.
            while position > 0 and self.levels.get(self.stack[position - 1].style, 0) >= level:
                position -= 1
        else:
            position = depth_cap
        if cand.style.startswith("decimal") and not self._decimal_parent_ok(cand, position):
            return None
        return position

    def _fits_after(self, cand: numbering.Candidate, previous: int) -> bool:
        """Whether the number continues a list that stopped at `previous`: the next number, or
        (an item deleted or mistyped in the source) one or two numbers further when the list
        goes on from there later in the text and the skipped numbers never show up."""
        if cand.number == previous + 1:
            return True
        if not previous + 1 < cand.number <= previous + 3:
            return False
        later = self._numbered.get((cand.style, cand.number + 1), [])
        skipped = any(p > self._position for n in range(previous + 1, cand.number)
                      for p in self._numbered.get((cand.style, n), []))
        return not skipped and any(p > self._position for p in later)

    def _decimal_prefix_ok(self, cand, pos, entry) -> bool:
        return not cand.numbers or cand.numbers[:-1] == entry.numbers[:-1]

    def _decimal_parent_ok(self, cand, position: int) -> bool:
        """1.2 must sit under heading 1 (or 1.x.y under 1.x), and start at .1 when new."""
        if position == 0:
            return cand.numbers[-1] == 1 or len(cand.numbers) == 2
        parent = self.stack[position - 1]
        prefix = cand.numbers[:-1]
        if parent.numbers:
            return parent.numbers == prefix
        return prefix[-1] == parent.number if prefix else True

    # -- tree

    def _paragraph(self, para: Para) -> None:
        if self.stack and not self._after_item_list():
            self.following.setdefault(id(self.stack[-1].node), []).append((para.line, para.text))
        elif len(self.stack) >= 2:
            self.stack[-2].node.children.append(Node("", "", para.text, line=para.line))
        else:
            self.roots.append(Node("", "", para.text, line=para.line))

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
            intro = ([self.own_text.get(id(parent), "")] + [t for _, t in self.following.get(id(parent), [])])[-1]
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

    def _close_all(self) -> None:
        self.stack.clear()

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
            if node.children:
                intro = ([Node("", "", node.text, line=node.line)] if node.text else [])
                intro += [Node("", "", text, line=line) for line, text in paras]
                node.text = ""
                node.children[:0] = intro
                self._finish(node.children)
            else:
                parts = ([node.text] if node.text else []) + [text for _, text in paras]
                node.text = "\n".join(parts)
