"""The Word (.docx) reader: the body's paragraphs, tables and text boxes in reading order,
with Word's automatic numbering rendered as the text Word shows.

Headers, footers, footnotes, comments and deleted text are not the document's text; field
instructions (PAGE, MERGEFIELD …) are dropped and their results kept. Read with the
standard library's zipfile and ElementTree: no dependency.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
import zlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from store.errors import InputError
from store.readers.base import Block, Source
from store.readers.tables import table_blocks

_MAIN_NS = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
            "http://purl.oclc.org/ooxml/wordprocessingml/main")  # transitional, strict
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MAX_PART = 64 * 1024 * 1024
"""A part larger than this when unpacked is a zip bomb, not a document."""

_TITLE_HALF_POINTS = 36  # 小二 (18 pt) and up
_TITLE_SEARCH_PARAGRAPHS = 5


def read(data: bytes) -> Source:
    """Read a .docx. Raises InputError for a damaged file or one without text."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError("damaged Word document: not a readable zip file") from None
    if "word/document.xml" not in names:
        raise InputError("not a Word document: the zip holds no word/document.xml")
    root = _part(archive, "word/document.xml")
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace not in _MAIN_NS:
        raise InputError("not a Word document: word/document.xml is not WordprocessingML")
    w = f"{{{namespace}}}"
    styles = _Styles(_part(archive, "word/styles.xml") if "word/styles.xml" in names else None, w)
    numbering = _Numbering(_part(archive, "word/numbering.xml") if "word/numbering.xml" in names else None,
                           styles, w)
    body = root.find(f"{w}body")
    reader = _Body(w, styles, numbering)
    if body is not None:
        try:
            reader.blocks_of(body)
        except RecursionError:  # only a made-up file nests content controls or tables this deep
            raise InputError("damaged Word document: its content is nested too deeply to read") from None
    blocks = reader.blocks
    if not any(block.text.strip() for block in blocks):
        if reader.images:
            raise InputError("Word file holds only images: no text; OCR it first")
        raise InputError("Word document with no text")
    _mark_title(blocks, reader.title_candidates)
    return Source(blocks, "docx", f"xml.etree (Python {sys.version.split()[0]})", "utf-8", paragraphs=True)


def _part(archive: zipfile.ZipFile, name: str) -> ET.Element:
    if archive.getinfo(name).file_size > _MAX_PART:
        raise InputError(f"damaged Word document: {name} unpacks to more than {_MAX_PART // 2**20} MB")
    try:
        return ET.fromstring(archive.read(name))
    except ET.ParseError:
        raise InputError(f"damaged Word document: {name} is not well-formed XML") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise InputError(f"damaged Word document: cannot unpack {name}") from None
    except RuntimeError:  # zipfile's "encrypted, password required"
        raise InputError("encrypted Word document: open it in Word and save it without a password") from None


# ------------------------------------------------------------------------------ styles


def _first_child(elements: list[ET.Element | None], tag: str) -> ET.Element | None:
    """The first `tag` child of the first element that has one."""
    for element in elements:
        found = element.find(tag) if element is not None else None
        if found is not None:
            return found
    return None


def _flag(element: ET.Element | None, w: str) -> bool | None:
    """A Word on/off property: present means on unless w:val says 0/false/off."""
    if element is None:
        return None
    return element.get(f"{w}val", "true").lower() not in ("0", "false", "off", "none")


@dataclass
class _Style:
    name: str
    based_on: str | None
    ppr: ET.Element | None
    rpr: ET.Element | None


class _Styles:
    """Paragraph and character properties as the style hierarchy gives them."""

    def __init__(self, root: ET.Element | None, w: str):
        self.w = w
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.default_rpr: ET.Element | None = None
        self._paragraph_cache: dict[tuple[str | None, str], ET.Element | None] = {}
        self._run_cache: dict[tuple[tuple[str | None, ...], str], ET.Element | None] = {}
        if root is None:
            return
        defaults = root.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")
        self.default_rpr = defaults
        for style in root.iter(f"{w}style"):
            style_id = style.get(f"{w}styleId")
            if not style_id:
                continue
            name = style.find(f"{w}name")
            based = style.find(f"{w}basedOn")
            self.styles[style_id] = _Style(
                (name.get(f"{w}val") if name is not None else "") or "",
                based.get(f"{w}val") if based is not None else None,
                style.find(f"{w}pPr"), style.find(f"{w}rPr"))
            if style.get(f"{w}type") == "paragraph" and style.get(f"{w}default") in ("1", "true", "on"):
                self.default_paragraph = style_id

    def chain(self, style_id: str | None) -> list[_Style]:
        """The style and the styles it is based on, nearest first."""
        out, seen = [], set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            out.append(style)
            style_id = style.based_on
        return out

    def paragraph(self, style_id: str | None, tag: str) -> ET.Element | None:
        """The nearest pPr child `tag` in the paragraph style's chain."""
        key = (style_id, tag)
        if key not in self._paragraph_cache:
            self._paragraph_cache[key] = _first_child(
                [style.ppr for style in self.chain(style_id or self.default_paragraph)], f"{self.w}{tag}")
        return self._paragraph_cache[key]

    def run(self, rpr: ET.Element | None, style_ids: tuple[str | None, ...], tag: str) -> ET.Element | None:
        """The nearest rPr child `tag`: the run's own, its character style's, the paragraph
        style's, the document default."""
        found = rpr.find(f"{self.w}{tag}") if rpr is not None else None
        if found is not None:
            return found
        key = (style_ids, tag)
        if key not in self._run_cache:
            rprs = [style.rpr for style_id in style_ids for style in self.chain(style_id)] + [self.default_rpr]
            self._run_cache[key] = _first_child(rprs, f"{self.w}{tag}")
        return self._run_cache[key]

    def role(self, style_id: str | None) -> str | None:
        """"title" or "heading" for Word's Title and Heading N styles (and styles based on
        them); names are Word's English built-in names, or Chinese ones in WPS files."""
        for style in self.chain(style_id or self.default_paragraph):
            name = style.name.strip().lower()
            if name in ("title", "标题"):
                return "title"
            if re.fullmatch(r"(heading|标题)\s*[1-9]", name):
                return "heading"
        return None


# ------------------------------------------------------------------------------ numbering


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "tab"
    restart: int | None = None  # lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False  # isLgl: every level shown as decimal
    style: str | None = None  # pStyle: the paragraph style linked to this level
    indent: ET.Element | None = None  # the level's w:ind, between the paragraph's and its style's


def _level(lvl: ET.Element, w: str, base: _Level | None = None) -> _Level:
    level = _Level(**vars(base)) if base else _Level()
    start = lvl.find(f"{w}start")
    if start is not None:
        level.start = _int(start.get(f"{w}val"), 1)
    for tag, attr in (("numFmt", "fmt"), ("lvlText", "text"), ("suff", "suffix"), ("pStyle", "style")):
        el = lvl.find(f"{w}{tag}")
        if el is not None:
            setattr(level, attr, el.get(f"{w}val") or "")
    indent = lvl.find(f"{w}pPr/{w}ind")
    if indent is not None:
        level.indent = indent
    restart = lvl.find(f"{w}lvlRestart")
    if restart is not None:
        level.restart = _int(restart.get(f"{w}val"), None)
    level.legal = bool(_flag(lvl.find(f"{w}isLgl"), w))
    return level


def _int(value: str | None, default):
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class _Numbering:
    """Word's list numbering (numbering.xml): each numbered paragraph's label as Word shows
    it. Counters belong to the abstract list, so two w:num of one abstractNum continue each
    other, as in Word; a num's startOverride restarts a level where that num is first used."""

    def __init__(self, root: ET.Element | None, styles: _Styles, w: str):
        self.w = w
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum numStyleLink → style id
        # numId → (abstractNumId, the levels it redefines, the levels it restarts at a number)
        self.nums: dict[str, tuple[str, dict, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(f"{w}abstractNum"):
            abstract_id = abstract.get(f"{w}abstractNumId")
            self.abstract[abstract_id] = {_int(lvl.get(f"{w}ilvl"), 0): _level(lvl, w)
                                          for lvl in abstract.findall(f"{w}lvl")}
            link = abstract.find(f"{w}numStyleLink")
            if link is not None:
                self.style_links[abstract_id] = link.get(f"{w}val")
        for num in root.iter(f"{w}num"):
            ref = num.find(f"{w}abstractNumId")
            if ref is None:
                continue
            abstract_id = ref.get(f"{w}val")
            overrides: dict[int, ET.Element] = {}
            starts: dict[int, int] = {}
            for override in num.findall(f"{w}lvlOverride"):
                ilvl = _int(override.get(f"{w}ilvl"), 0)
                start = override.find(f"{w}startOverride")
                if start is not None:
                    starts[ilvl] = _int(start.get(f"{w}val"), 1)
                lvl = override.find(f"{w}lvl")
                if lvl is not None:
                    overrides[ilvl] = lvl
            self.nums[num.get(f"{w}numId")] = (abstract_id, overrides, starts)
        for num_id, (abstract_id, overrides, starts) in list(self.nums.items()):
            levels = self.abstract.get(self._resolve(abstract_id), {})
            changed = {i: _level(lvl, w, levels.get(i)) for i, lvl in overrides.items()}
            self.nums[num_id] = (abstract_id, changed, starts)

    def _resolve(self, abstract_id: str) -> str:
        """The abstract list that holds the levels: through a numbering style link
        (numStyleLink → the style's numPr → its num's abstractNum)."""
        for _ in range(5):
            link = self.style_links.get(abstract_id)
            num_pr = self.styles.paragraph(link, "numPr") if link else None
            num_id = num_pr.find(f"{self.w}numId") if num_pr is not None else None
            if num_id is None or num_id.get(f"{self.w}val") not in self.nums:
                break
            abstract_id = self.nums[num_id.get(f"{self.w}val")][0]
        return abstract_id

    def label(self, num_id: str | None, ilvl: int | None, style_id: str | None) -> tuple[str, str, _Level] | None:
        """(label, separator, level) for a paragraph in list num_id at level ilvl (None: the
        level linked to the paragraph's style, else 0), counting it."""
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        abstract_id, overrides, starts = self.nums[num_id]
        abstract_id = self._resolve(abstract_id)
        levels = {**self.abstract.get(abstract_id, {}), **overrides}
        if ilvl is None:
            ilvl = next((i for i, level in levels.items() if style_id and level.style == style_id), 0)
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for restarted in starts:
                counters.pop(restarted, None)

        def start(i: int) -> int:
            return starts.get(i, levels[i].start if i in levels else 1)

        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start(ilvl)
        for deeper in [i for i in counters if i > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            return _bullet(level.text), _SUFFIX.get(level.suffix, "\t"), level

        def number(match: re.Match) -> str:
            i = int(match.group(1)) - 1
            value = counters.get(i, start(i) - 1)
            fmt = "decimal" if level.legal and i != ilvl else (levels[i].fmt if i in levels else "decimal")
            return format_number(value, fmt)

        text = re.sub(r"%([1-9])", number, level.text)
        return text, _SUFFIX.get(level.suffix, "\t"), level


_SUFFIX = {"tab": "\t", "space": " ", "nothing": ""}


def _bullet(text: str) -> str:
    """A bullet as its character; symbol-font bullets are private-use codes: show •."""
    return "".join("•" if "\ue000" <= ch <= "\uf8ff" else ch for ch in text) or "•"


_DIGITS = "〇一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"
_CELESTIAL = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = [chr(0x2460 + i) for i in range(20)] + [chr(0x3251 + i) for i in range(15)] + [chr(0x32B1 + i)
                                                                                            for i in range(15)]


def _chinese(n: int, digits: str = "零一二三四五六七八九", units: str = "十百千", japanese: bool = False) -> str:
    """Chinese counting (一, 十, 十一, 二十, 一百零一, 一千零一十); Japanese counting drops 一
    before 十/百/千 and never writes 零 (百一)."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = _chinese(low, digits, units, japanese) if low else ""
        gap = digits[0] if low and low < 1000 and not japanese else ""
        return _chinese(high, digits, units, japanese) + "万" + gap + rest
    out, zero = [], False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit, n = divmod(n, power)
        if digit:
            if zero and out and not japanese:
                out.append(digits[0])
            zero = False
            skip_one = digit == 1 and unit and (japanese or (unit == units[0] and not out))
            out.append(("" if skip_one else digits[digit]) + unit)
        elif out:
            zero = True
    return "".join(out)


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's number formats (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese(n)
    if fmt == "japaneseCounting":
        return _chinese(n, japanese=True)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _LEGAL, "拾佰仟")
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return _chinese(n, _LEGAL_TRADITIONAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_DIGITS[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _CELESTIAL[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _ZODIAC[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle") \
            and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


# ------------------------------------------------------------------------------ the body


@dataclass
class _Paragraph:
    lines: list[str]
    style: set[str]
    size: int  # largest run size, half-points
    boxes: list[Block] = field(default_factory=list)  # text boxes anchored in the paragraph


class _Body:
    """Walks the body in reading order into blocks."""

    def __init__(self, w: str, styles: _Styles, numbering: _Numbering):
        self.w = w
        self.styles = styles
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.images = 0
        self.fields: list[bool] = []  # open fields: True once past their instruction
        self.title_candidates: list[tuple[int, int, int, bool]] = []  # (first block, blocks, size, centred)

    # ------------------------------------------------------------------ block level

    def blocks_of(self, container: ET.Element) -> None:
        w = self.w
        for child in self._block_children(container):
            if child.tag == f"{w}p":
                self._emit_paragraph(child)
            elif child.tag == f"{w}tbl":
                self._emit_table(child)

    def _block_children(self, container: ET.Element):
        """Paragraphs and tables, looking through content controls, custom XML, tracked
        insertions and alternate content (its first choice only: the fallback repeats it)."""
        w = self.w
        for child in container:
            tag = child.tag
            if tag in (f"{w}p", f"{w}tbl"):
                yield child
            elif tag == f"{w}sdt":
                content = child.find(f"{w}sdtContent")
                if content is not None:
                    yield from self._block_children(content)
            elif tag in (f"{w}customXml", f"{w}ins", f"{w}moveTo", f"{w}smartTag"):
                yield from self._block_children(child)
            elif tag == f"{_MC}AlternateContent":
                yield from self._block_children(_chosen(child))

    def _emit_paragraph(self, p: ET.Element) -> None:
        """The paragraph's lines (a line break starts a new block, as in a web page), then
        the text boxes anchored in it. Empty paragraphs give no block."""
        para = self._paragraph(p)
        first = len(self.blocks)
        for text in para.lines:
            if text.strip():
                self.blocks.append(Block(text, len(self.blocks) + 1, style=frozenset(para.style)))
        count = len(self.blocks) - first
        if count and len(self.title_candidates) < _TITLE_SEARCH_PARAGRAPHS and "red" not in para.style:
            self.title_candidates.append((first, count, para.size, "center" in para.style))
        for box in para.boxes:
            box.line = len(self.blocks) + 1
            self.blocks.append(box)

    def _emit_table(self, tbl: ET.Element) -> None:
        rows, caption_rows, single = self._table(tbl)
        if single is not None:  # a one-cell table: a box around paragraphs
            self.blocks_of(single)
            return
        self.blocks.extend(table_blocks(rows, caption_rows, len(self.blocks) + 1))

    # ------------------------------------------------------------------ paragraphs

    def _paragraph(self, p: ET.Element) -> _Paragraph:
        w = self.w
        ppr = p.find(f"{w}pPr")
        style_el = ppr.find(f"{w}pStyle") if ppr is not None else None
        style_id = style_el.get(f"{w}val") if style_el is not None else None

        def prop(tag: str) -> ET.Element | None:
            own = ppr.find(f"{w}{tag}") if ppr is not None else None
            return own if own is not None else self.styles.paragraph(style_id, tag)

        state = _Runs(self, style_id)
        state.walk(p)
        text = "".join(state.parts)
        label = self._label(ppr, style_id)
        if label:
            text = label[0] + label[1] + text
        lines = text.split("\n")
        style: set[str] = {"numbered"} if label else set()  # the label is Word's numbering, not typed
        role = self.styles.role(style_id)
        outline = prop("outlineLvl")
        if role:
            style.add(role)
        elif outline is not None and _int(outline.get(f"{w}val"), 9) < 9:
            style.add("heading")
        jc = prop("jc")
        align = jc.get(f"{w}val") if jc is not None else ""
        if align == "center":
            style.add("center")
        elif align in ("right", "end"):
            style.add("right")
        if state.runs and all(state.bold):
            style.add("bold")
        if state.runs and all(state.red):
            style.add("red")
        if self._indented(ppr, label[2].indent if label else None, style_id):
            style.add("indent")
        return _Paragraph(lines, style, max(state.sizes, default=0), state.boxes)

    def _label(self, ppr: ET.Element | None, style_id: str | None) -> tuple[str, str, _Level] | None:
        """The paragraph's list label: its own numPr, else its style's (numId and ilvl each
        from the nearest that gives it)."""
        w = self.w
        own = ppr.find(f"{w}numPr") if ppr is not None else None
        inherited = self.styles.paragraph(style_id, "numPr")
        sources = [el for el in (own, inherited) if el is not None]
        num = next((el.find(f"{w}numId") for el in sources if el.find(f"{w}numId") is not None), None)
        lvl = next((el.find(f"{w}ilvl") for el in sources if el.find(f"{w}ilvl") is not None), None)
        if num is None:
            return None
        ilvl = _int(lvl.get(f"{w}val"), 0) if lvl is not None else None
        return self.numbering.label(num.get(f"{w}val"), ilvl, style_id)

    def _indented(self, ppr: ET.Element | None, list_indent: ET.Element | None, style_id: str | None) -> bool:
        """A first-line indent, as the nearest of the paragraph, its list level and its
        styles sets it: in characters (firstLineChars/hangingChars) where not zero, else in
        twips (firstLine/hanging)."""
        w = self.w
        elements = [ppr.find(f"{w}ind") if ppr is not None else None, list_indent]
        elements += [s.ppr.find(f"{w}ind") if s.ppr is not None else None
                     for s in self.styles.chain(style_id or self.styles.default_paragraph)]
        chars = twips = None
        for ind in elements:
            if ind is None:
                continue
            if chars is None and (ind.get(f"{w}firstLineChars") or ind.get(f"{w}hangingChars")) is not None:
                chars = _int(ind.get(f"{w}firstLineChars"), 0) - _int(ind.get(f"{w}hangingChars"), 0)
            if twips is None and (ind.get(f"{w}firstLine") or ind.get(f"{w}hanging")) is not None:
                twips = _int(ind.get(f"{w}firstLine"), 0) - _int(ind.get(f"{w}hanging"), 0)
        return chars > 0 if chars else (twips or 0) > 0

    # ------------------------------------------------------------------ tables

    def _table(self, tbl: ET.Element) -> tuple[list[list[str]], int, ET.Element | None]:
        """Rows with merged cells once (a gridSpan's text in its first column, a vMerge
        continuation empty), the number of leading caption rows, and the cell of a table
        that has only one."""
        w = self.w
        grid = tbl.find(f"{w}tblGrid")
        width = len(grid.findall(f"{w}gridCol")) if grid is not None else 0
        rows: list[list[str]] = []
        spans: list[int | None] = []  # the span of a row that is a single cell
        cells_seen: list[ET.Element] = []
        for tr in self._children(tbl, "tr"):
            row: list[str] = []
            tr_pr = tr.find(f"{w}trPr")
            before = tr_pr.find(f"{w}gridBefore") if tr_pr is not None else None
            if before is not None:
                row.extend([""] * _int(before.get(f"{w}val"), 0))
            cells = list(self._children(tr, "tc"))
            for tc in cells:
                cells_seen.append(tc)
                tc_pr = tc.find(f"{w}tcPr")
                span_el = tc_pr.find(f"{w}gridSpan") if tc_pr is not None else None
                span = max(1, min(_int(span_el.get(f"{w}val"), 1) if span_el is not None else 1, 1000))
                merge = tc_pr.find(f"{w}vMerge") if tc_pr is not None else None
                if merge is not None and merge.get(f"{w}val", "continue") != "restart":
                    row.extend([""] * span)
                    continue
                row.append(self._cell_text(tc))
                row.extend([""] * (span - 1))
            rows.append(row)
            spans.append(len(row) if len(cells) == 1 and before is None else None)
        if len(cells_seen) == 1:
            return [], 0, cells_seen[0]
        width = max([width] + [len(row) for row in rows])
        caption_rows = 0
        while caption_rows < len(rows) - 1 and spans[caption_rows] == width and width >= 2:
            caption_rows += 1
        return rows, caption_rows, None

    def _children(self, element: ET.Element, tag: str):
        """The rows of a table or the cells of a row (`tag`), looking through content
        controls and custom XML around them."""
        w = self.w
        for child in element:
            if child.tag == f"{w}{tag}":
                yield child
            elif child.tag in (f"{w}sdt", f"{w}customXml"):
                content = child.find(f"{w}sdtContent") if child.tag == f"{w}sdt" else child
                if content is not None:
                    yield from self._children(content, tag)

    def _cell_text(self, tc: ET.Element) -> str:
        """The cell's paragraphs, one a line; a table nested in it, its rows as lines."""
        lines: list[str] = []
        for child in self._block_children(tc):
            if child.tag == f"{self.w}p":
                para = self._paragraph(child)
                lines.extend(line for line in para.lines if line.strip())
                lines.extend(box.text for box in para.boxes)
            else:
                rows, _caption_rows, single = self._table(child)
                if single is not None:
                    lines.append(self._cell_text(single))
                else:
                    lines.extend(" ".join(cell.replace("\n", " ") for cell in row if cell) for row in rows)
        return "\n".join(line for line in lines if line.strip())


def _chosen(alternate: ET.Element) -> ET.Element:
    choice = alternate.find(f"{_MC}Choice")
    if choice is None:
        choice = alternate.find(f"{_MC}Fallback")
    return choice if choice is not None else ET.Element("empty")


class _Runs:
    """The text of one paragraph's runs, with what the runs say about bold and size. Field
    state lives on the body: a field may span paragraphs."""

    def __init__(self, body: _Body, style_id: str | None):
        self.body = body
        self.w = body.w
        self.style_id = style_id or body.styles.default_paragraph
        self.parts: list[str] = []
        self.bold: list[bool] = []
        self.red: list[bool] = []
        self.sizes: list[int] = []
        self.boxes: list[Block] = []
        self.runs = 0

    def walk(self, element: ET.Element) -> None:
        w = self.w
        for child in element:
            tag = child.tag
            if tag == f"{w}r":
                self._run(child)
            elif tag in (f"{w}del", f"{w}moveFrom", f"{w}pPr", f"{w}rPr"):
                continue
            elif tag == f"{_MC}AlternateContent":
                self.walk(_chosen(child))
            elif tag == f"{w}sdt":
                content = child.find(f"{w}sdtContent")
                if content is not None:
                    self.walk(content)
            else:  # hyperlink, ins, smartTag, fldSimple (its runs are the result), customXml …
                self.walk(child)

    def _visible(self) -> bool:
        return all(self.body.fields)

    def _run(self, r: ET.Element) -> None:
        w = self.w
        rpr = r.find(f"{w}rPr")
        char_style = rpr.find(f"{w}rStyle") if rpr is not None else None
        style_ids = (char_style.get(f"{w}val") if char_style is not None else None, self.style_id)
        hidden = _flag(self.body.styles.run(rpr, style_ids, "vanish"), w)
        text: list[str] = []
        for child in r:
            tag = child.tag
            if tag == f"{w}fldChar":
                kind = child.get(f"{w}fldCharType")
                if kind == "begin":
                    self.body.fields.append(False)
                elif kind == "separate" and self.body.fields:
                    self.body.fields[-1] = True
                elif kind == "end" and self.body.fields:
                    self.body.fields.pop()
            elif not self._visible() or hidden:
                continue
            elif tag == f"{w}t":
                text.append(child.text or "")
            elif tag in (f"{w}tab", f"{w}ptab"):
                text.append("\t")
            elif tag in (f"{w}br", f"{w}cr"):
                text.append("\n")
            elif tag == f"{w}noBreakHyphen":
                text.append("-")
            elif tag == f"{w}sym":
                char = chr(int(child.get(f"{w}char", "20"), 16)) if re.fullmatch(
                    r"[0-9A-Fa-f]{1,5}", child.get(f"{w}char", "")) else ""
                text.append(_bullet(char) if char else "")
            elif tag in (f"{w}drawing", f"{w}pict", f"{w}object"):
                self._graphic(child)
            elif tag == f"{_MC}AlternateContent":
                for inner in _chosen(child):
                    if inner.tag in (f"{w}drawing", f"{w}pict", f"{w}object"):
                        self._graphic(inner)
        joined = "".join(text)
        if not joined:
            return
        self.parts.append(joined)
        if joined.strip():
            self.runs += 1
            styles = self.body.styles
            self.bold.append(bool(_flag(styles.run(rpr, style_ids, "b"), w)))
            size = styles.run(rpr, style_ids, "sz")
            self.sizes.append(_int(size.get(f"{w}val"), 0) if size is not None else 0)
            color = styles.run(rpr, style_ids, "color")
            self.red.append(_is_red(color.get(f"{w}val", "") if color is not None else ""))

    def _graphic(self, element: ET.Element) -> None:
        """A picture, or a text box whose paragraphs follow the paragraph it is anchored in."""
        boxes = list(_text_boxes(element, self.w))
        if not boxes:
            self.body.images += 1
            return
        for box in boxes:
            inner = _Body(self.w, self.body.styles, self.body.numbering)
            inner.blocks_of(box)
            self.boxes.extend(inner.blocks)
            self.body.images += inner.images


def _is_red(color: str) -> bool:
    """The red of a 版头: FF0000 and its darker shades (C00000)."""
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
        return False
    red, green, blue = (int(color[i:i + 2], 16) for i in (0, 2, 4))
    return red >= 0xB0 and green <= 0x50 and blue <= 0x50


def _text_boxes(element: ET.Element, w: str):
    """The w:txbxContent elements in a drawing, not those nested inside another."""
    for child in element:
        if child.tag == f"{w}txbxContent":
            yield child
        elif child.tag == f"{_MC}AlternateContent":
            yield from _text_boxes(_chosen(child), w)
        else:
            yield from _text_boxes(child, w)


def _mark_title(blocks: list[Block], candidates: list[tuple[int, int, int, bool]]) -> None:
    """Without a Title style, the first large centred paragraph among the first few (the red
    版头 aside) is the title, and so are the paragraphs right after it in the same size (a
    title in two)."""
    if any("title" in block.style for block in blocks):
        return
    title_size, end = None, None
    for first, count, size, centred in candidates:
        if title_size is None and not (centred and size >= _TITLE_HALF_POINTS):
            continue
        if title_size is not None and not (centred and size == title_size and first == end):
            break
        title_size, end = size, first + count
        for block in blocks[first:end]:
            block.style = block.style | {"title"}
