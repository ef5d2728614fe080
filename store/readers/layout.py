"""Fixed-layout pages (PDF, OFD) as the blocks the parser reads: characters with positions
clustered into visual lines by baseline, running headers, footers and page numbers removed,
and what the layout shows of each line's role (a first-line indent, the right margin reached,
centred, red, bold, the largest type) given as style hints.

A format's reader supplies, per page, its characters as dicts with `text`, `x0`, `x1`,
`size`, `baseline` (distance from the top of the page), `fontname`, `color` (the fill, a
tuple of 0–1 values, RGB or CMYK) and optionally `bold`, and its tables' rows. Lines are
built from baselines rather than glyph boxes, which some fonts report shifted by half a line
(Founder's E-BZ punctuation) or of another height for digits set in another font (the
〔2020〕2号 of a 文号).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from store.errors import InputError
from store.readers.base import Block

CJK_PUNCTUATION = "，。、；：？！（）《》“”‘’〔〕【】—…·「」"
"""What Chinese prose is punctuated with: 5–10% of a document's characters are these."""

MIN_TEXT_CHARS = 20
"""A page with fewer characters than this holds no text worth reading (a page number, a stamp)."""

# --------------------------------------------------------------------------- unusable pages


@dataclass
class PageKind:
    number: int
    chars: int
    image_share: float
    garbled: bool

    @property
    def image_only(self) -> bool:
        return self.chars < MIN_TEXT_CHARS and self.image_share >= 0.1

    @property
    def ocr_layer(self) -> bool:
        """Text under a picture of the whole page: a scan with OCR output behind it."""
        return self.chars >= MIN_TEXT_CHARS and self.image_share >= 0.9

    @property
    def has_text(self) -> bool:
        return self.chars >= MIN_TEXT_CHARS


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


_LEADERS_RE = re.compile(r"[.·…_\-—]{3,}")


def is_symbol_soup(text: str) -> bool:
    """Fonts without a ToUnicode map come out as their glyph codes: "!"#$%&'()*+…" where the
    page shows Chinese (CJK under a quarter of the characters, ASCII symbols over 15%). The
    dot leaders of a table of contents are no sign of it."""
    text = _LEADERS_RE.sub("", text)
    if len(text) < 30:
        return False
    cjk = sum(map(is_cjk, text))
    symbols = sum(1 for ch in text if ch.isascii() and not ch.isalnum())
    return cjk < 0.25 * len(text) and symbols > 0.15 * len(text)


def _is_unpunctuated(text: str) -> bool:
    """Chinese prose is punctuated and cites numbers; a text layer of hundreds of Chinese
    characters without one digit or punctuation mark (full or half width) has its digits and
    punctuation mapped to wrong characters (员 for 1, 袁 for ，) by a broken ToUnicode map."""
    cjk = sum(map(is_cjk, text))
    if cjk < 300:
        return False
    marks = sum(1 for ch in text if ch in CJK_PUNCTUATION or ch.isdigit() or ch in ",.;:()")
    return marks < 0.002 * len(text)


def refuse_unreadable(kinds: list[PageKind], text: str, what: str) -> None:
    """Scans and garbled text layers are refused whole (`what` names the format: "PDF");
    an odd image page is only warned about."""
    shown = [k for k in kinds if k.has_text or k.image_only]
    if not shown:
        raise InputError(f"{what} without a text layer: its pages hold no text; OCR it first")
    scanned = [k for k in shown if k.image_only or k.ocr_layer]
    if len(scanned) >= 0.5 * len(shown):
        if any(k.ocr_layer for k in scanned):
            raise InputError(f"scanned {what}: its text is an unchecked OCR layer under page images; "
                             "correct the OCR and import the text")
        raise InputError(f"scanned {what}: no text layer; OCR it first")
    with_text = [k for k in kinds if k.has_text]
    if sum(k.garbled for k in with_text) >= 0.3 * len(with_text):
        raise InputError(f"garbled {what} text layer: its fonts have no Unicode map, the text comes out as "
                         "symbols; OCR it or get a copy saved with Unicode text")
    if _is_unpunctuated(text):
        raise InputError(f"garbled {what} text layer: its digits and punctuation come out as wrong Chinese "
                         "characters (a broken font map); OCR it or get another copy")


def image_only_warnings(kinds: list[PageKind]) -> list[str]:
    return [f"page {k.number} is an image without text (a scan or a picture): its content is not imported"
            for k in kinds if k.image_only]


# --------------------------------------------------------------------------- characters → lines


@dataclass
class Line:
    """A visual line: characters on one baseline, left to right."""

    text: str
    x0: float
    x1: float
    top: float
    baseline: float
    size: float
    bold: bool
    red: bool
    style: set[str] = field(default_factory=set)


_BOLD_FONT_RE = re.compile(r"bold|heavy|black|semibold|demi|(?<!ya)hei|fzht|黑体|黑", re.IGNORECASE)
"""黑体 (SimHei, 方正黑体 FZHTK …) is how Chinese documents set headings; YaHei is a UI font."""


def _is_bold(char: dict) -> bool:
    return char.get("bold") or bool(_BOLD_FONT_RE.search(char.get("fontname", "")))


def _is_red(color) -> bool:
    """The 版头's red, in whatever colour space the file states it (RGB or CMYK)."""
    if not isinstance(color, (tuple, list)) or not all(isinstance(v, (int, float)) for v in color):
        return False
    if len(color) == 3:
        r, g, b = color
        return r >= 0.6 and g <= 0.35 and b <= 0.35
    if len(color) == 4:
        c, m, y, k = color
        return c <= 0.25 and m >= 0.6 and y >= 0.5 and k <= 0.35
    return False


def _baseline(char: dict) -> float:
    """Distance of the character's baseline from the top of the page."""
    return char["baseline"]


def build_lines(chars: list[dict]) -> list[Line]:
    """Cluster characters into lines by baseline; runs of small characters (superscript and
    subscript numbers, 注 marks) join the line they stand by."""
    if not chars:
        return []
    sizes = sorted(c["size"] for c in chars)
    typical = sizes[len(sizes) // 2]
    groups = _by_baseline([c for c in chars if c["size"] >= 0.75 * typical])
    for small in _by_baseline([c for c in chars if c["size"] < 0.75 * typical]):
        host = next((group for group in groups if _stands_by(small, group)), None)
        if host is None:
            groups.append(small)
        else:
            host.extend(small)
    lines = [line for line in (_line_of(group) for group in groups) if line.text]
    lines.sort(key=lambda line: line.baseline)
    return lines


def _by_baseline(chars: list[dict]) -> list[list[dict]]:
    groups: list[list[dict]] = []
    for char in sorted(chars, key=_baseline):
        if groups:
            reference = groups[-1][0]
            if abs(_baseline(char) - _baseline(reference)) <= 0.3 * max(char["size"], reference["size"]):
                groups[-1].append(char)
                continue
        groups.append([char])
    return groups


def _stands_by(small: list[dict], group: list[dict]) -> bool:
    """Whether small characters are raised or lowered next to (or inside) this line."""
    head = group[0]
    base, size = _baseline(head), head["size"]
    return (base - 0.8 * size <= _baseline(small[0]) <= base + 0.45 * size
            and min(c["x0"] for c in group) - size <= min(c["x0"] for c in small)
            and max(c["x1"] for c in small) <= max(c["x1"] for c in group) + size)


def _line_of(group: list[dict]) -> Line:
    group.sort(key=lambda c: c["x0"])
    text: list[str] = []
    prev = None
    overprinted = 0
    shown = []
    spaced = False
    for char in group:
        glyph = char["text"]
        if glyph.isspace():
            spaced = True
            continue
        if prev is not None and glyph == prev["text"] and abs(char["x0"] - prev["x0"]) < 0.3 * (char["x1"] - char["x0"]):
            overprinted += 1  # the same glyph printed twice, slightly shifted: fake bold
            continue
        if prev is not None and (spaced or char["x0"] - prev["x1"] > _space_gap(prev, char)):
            text.append(" ")
        text.append(glyph)
        shown.append(char)
        prev = char
        spaced = False
    if not shown:
        return Line("", 0, 0, 0, 0, 0, False, False)
    weights = Counter(round(c["size"], 1) for c in shown)
    size = max(weights, key=lambda s: (weights[s], s))
    bold = overprinted >= len(shown) / 2 or sum(map(_is_bold, shown)) > len(shown) / 2
    red = sum(_is_red(c.get("color")) for c in shown) > len(shown) / 2
    main = [c for c in shown if c["size"] >= 0.75 * size] or shown
    return Line("".join(text), shown[0]["x0"], shown[-1]["x1"], min(_baseline(c) - 0.85 * c["size"] for c in main),
                 sum(map(_baseline, main)) / len(main), size, bold, red)


def _space_gap(prev: dict, char: dict) -> float:
    """How wide a gap must be to be a space: a fifth of the type size between Latin letters or
    digits, half of it elsewhere (justified Chinese spreads its characters apart)."""
    size = min(prev["size"], char["size"])
    latin = prev["text"].isascii() and prev["text"].isalnum() and char["text"].isascii() and char["text"].isalnum()
    return (0.2 if latin else 0.5) * size


_LETTER_SPACED_RE = re.compile(r"^[^\x00-\x7f](?: [^\x00-\x7f])+$")
"""危 险 废 物: a label spread over its cell one character at a time."""


def cell_text(lines: list[Line]) -> str:
    """The lines of a table cell as one string: wrapped Chinese joins without a space, header
    labels set one character per line (事项 / 类别) join into a word, and so do labels spread
    over the cell's width (危 险 废 物)."""
    text = ""
    for line in lines:
        piece = line.text.replace(" ", "") if _LETTER_SPACED_RE.match(line.text) else line.text
        if text and not (_is_wide(text[-1]) or _is_wide(piece[0]) or text[-1] in "/-"):
            text += " "
        text += piece
    return text


def _is_wide(ch: str) -> bool:
    return not ch.isascii()


# --------------------------------------------------------------------------- pages


@dataclass
class Table:
    rows: list[list[str]]
    x0: float
    x1: float
    top: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[Table]
    sizes: Counter[float]  # type sizes of all the page's characters, tables included
    printed: str | None = None


def _middle(char: dict) -> tuple[float, float]:
    """Where a character stands (x, y), from its baseline: the glyph boxes of some fonts
    (Founder's E-BZ punctuation) are shifted by half a line."""
    return (char["x0"] + char["x1"]) / 2, _baseline(char) - 0.35 * char["size"]


class Placed:
    """A page's characters sorted by height, to find those inside many boxes (a table's
    cells) without looking at every character for each."""

    def __init__(self, chars: list[dict]) -> None:
        middles = sorted((_middle(c)[::-1], index) for index, c in enumerate(chars))  # by y, then x
        self.chars = [chars[index] for _point, index in middles]
        self.ys = [point[0] for point, _index in middles]
        self.xs = [point[1] for point, _index in middles]

    def within(self, box: tuple[float, float, float, float]) -> list[dict]:
        """The characters that stand inside a box (x0, top, x1, bottom)."""
        x0, top, x1, bottom = box
        first, last = bisect.bisect_left(self.ys, top), bisect.bisect_right(self.ys, bottom)
        return [self.chars[i] for i in range(first, last) if x0 <= self.xs[i] <= x1]


# --------------------------------------------------------------------------- running heads, page numbers

_BAND = 0.15
"""Running headers and footers stand in the top and bottom 15% of the page."""

_ROMAN_RE = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.IGNORECASE)
_DASHES = "-—－–~·•―_"
_PAGE_NUMBER_RES = (
    re.compile(rf"^[{_DASHES}]*(\d{{1,4}})[{_DASHES}]*$"),
    re.compile(r"^第(\d{1,4})页(?:[/，,]?共\d{1,4}页)?$"),
    re.compile(r"^共\d{1,4}页[，,]?第(\d{1,4})页$"),
    re.compile(r"^(\d{1,4})/\d{1,4}$"),
    re.compile(r"^[Pp](?:age|\.)?(\d{1,4})(?:of\d{1,4})?$"),
    re.compile(rf"^[{_DASHES}]*([ivxlcdmIVXLCDM]{{1,7}}|[Ⅰ-Ⅻⅰ-ⅻ])[{_DASHES}]*$"),
)


def page_number(text: str) -> str | None:
    """The printed page number a footer or header line consists of (`- 3 -`, `— 3 —`,
    `第3页`, `3/10`, `II`), or None."""
    compact = re.sub(r"\s", "", text)
    for pattern in _PAGE_NUMBER_RES:
        m = pattern.match(compact)
        if m and (not m.group(1).isascii() or not m.group(1).isalpha() or _ROMAN_RE.match(m.group(1))):
            return m.group(1)
    return None


def printed_pages_text(printed: dict[int, str]) -> str:
    """The printed page numbers as compact JSON: runs of pages numbered in step as ranges
    ({"1-31": "8-38"}), other pages one by one ({"2": "II"})."""
    runs: list[list] = []
    for physical in sorted(printed):
        label = printed[physical]
        last = runs[-1] if runs else None
        if (last and label.isdigit() and isinstance(last[2], int)
                and physical == last[1] + 1 and int(label) == last[2] + (physical - last[0])):
            last[1] = physical
        else:
            runs.append([physical, physical, int(label) if label.isdigit() else label])
    mapping = {}
    for first, last, label in runs:
        if first == last:
            mapping[str(first)] = str(label)
        else:
            mapping[f"{first}-{last}"] = f"{label}-{label + last - first}"
    return json.dumps(mapping, ensure_ascii=False, separators=(",", ":"))


def printed_page(printed_pages: str, physical: int) -> str | None:
    """The number printed on a physical page (1-based), from Source.info["printed_pages"]."""
    for pages, labels in json.loads(printed_pages or "{}").items():
        first, _, last = pages.partition("-")
        if int(first) <= physical <= int(last or first):
            return str(int(labels.partition("-")[0]) + physical - int(first)) if last else labels
    return None


def _in_band(line: Line, page: Page) -> bool:
    return line.baseline <= _BAND * page.height or line.top >= (1 - _BAND) * page.height


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s", "", text))


def remove_furniture(pages: list[Page]) -> None:
    """Drop page numbers in the top and bottom bands (keeping each page's printed number) and
    lines there that repeat, digits aside, on at least half of the pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_furniture_key(line.text) for line in page.lines if _in_band(line, page)})
    needed = max(2, math.ceil(len(pages) / 2))
    for page in pages:
        kept = []
        for line in page.lines:
            if _in_band(line, page):
                number = page_number(line.text)
                if number is not None:
                    page.printed = page.printed or number
                    continue
                if len(pages) > 1 and seen[_furniture_key(line.text)] >= needed:
                    continue
            kept.append(line)
        page.lines = kept


# --------------------------------------------------------------------------- layout hints


@dataclass
class _Frame:
    """The text block of pages of one size: where body lines start and end."""

    left: float
    right: float


def _frames(pages: list[Page]) -> dict[tuple[int, int], _Frame]:
    """The left and right edge of the text block for each page size (portrait and landscape
    pages of one file have different blocks): the outermost positions many lines share."""
    edges: dict[tuple[int, int], tuple[Counter, Counter, int]] = {}
    for page in pages:
        key = (round(page.width), round(page.height))
        lefts, rights, count = edges.get(key, (Counter(), Counter(), 0))
        for line in page.lines:
            lefts[round(line.x0)] += 1
            rights[round(line.x1)] += 1
        for table in page.tables:  # a table spans the text block: as many votes as it has rows
            lefts[round(table.x0)] += len(table.rows)
            rights[round(table.x1)] += len(table.rows)
        edges[key] = (lefts, rights, count + len(page.lines) + sum(len(t.rows) for t in page.tables))
    frames = {}
    for key, (lefts, rights, count) in edges.items():
        floor = max(2, 0.1 * count)
        common_lefts = [x for x, n in lefts.items() if _near_count(lefts, x) >= floor] or list(lefts) or [0]
        common_rights = [x for x, n in rights.items() if _near_count(rights, x) >= floor] or list(rights) or [key[0]]
        frames[key] = _Frame(min(common_lefts), max(common_rights))
    return frames


def _near_count(counter: Counter, x: int) -> int:
    return counter[x - 1] + counter[x] + counter[x + 1]


def mark_styles(pages: list[Page]) -> None:
    frames = _frames(pages)
    sizes: Counter[float] = Counter()
    for page in pages:
        sizes.update(page.sizes)
    body_size = max(sizes, key=sizes.get) if sizes else 0
    for page in pages:
        frame = frames[(round(page.width), round(page.height))]
        width = frame.right - frame.left
        for line in page.lines:
            em = line.size or 1
            left_gap, right_gap = line.x0 - frame.left, frame.right - line.x1
            if right_gap <= 0.9 * em:
                line.style.add("continues")
            if left_gap > 2.8 * em and right_gap > 1.5 * em and abs(left_gap - right_gap) <= max(1.5 * em, 0.03 * width):
                line.style.add("center")
            elif 1.2 * em <= left_gap <= 2.8 * em:
                line.style.add("indent")
            elif left_gap > 0.45 * width and right_gap < left_gap / 3:
                line.style.add("right")
            if line.bold:
                line.style.add("bold")
            if line.red:
                line.style.add("red")
    first = [line for page in pages[:2] for line in page.lines if not line.red and sum(map(is_cjk, line.text)) >= 2]
    if first:
        largest = max(line.size for line in first)
        if largest >= 1.15 * body_size:
            for line in first:
                if line.size >= largest - 0.6:
                    line.style.add("title")


FOOTER_LINE_MAX = 12
"""Characters in a line between a table at the foot of one page and its rest at the top of
the next: a page number (— 3 —, 第3页), a running head or a 续表 caption, never a sentence."""

_CONTINUED_CAPTION_RE = re.compile(r"^续表\s*[0-9０-９A-Za-z.\-—]*$")


def laid_out(pages: list[Page], title: str | None, date: str | None, page_count: int) -> tuple[list[Block], dict]:
    """What a reader of laid-out pages ends with: running heads and page numbers removed,
    styles marked, the blocks, and what the file says of itself (its stated title when its
    first page shows it, its date, the numbers printed on its pages, its number of pages)."""
    remove_furniture(pages)
    mark_styles(pages)
    info: dict[str, str] = {}
    shown = title_if_shown(title, " ".join(line.text for line in pages[0].lines) if pages else "")
    if shown:
        info["title"] = shown
    stated = iso_date(date)
    if stated:
        info["date"] = stated
    printed = {page.number: page.printed for page in pages if page.printed}
    if printed:
        info["printed_pages"] = printed_pages_text(printed)
    info["pages"] = str(page_count)
    return to_blocks(pages), info


def to_blocks(pages: list[Page]) -> list[Block]:
    """The lines and tables of the pages in reading order."""
    blocks: list[Block] = []
    for page in pages:
        items: list[tuple[float, Line | Table]] = [(line.baseline, line) for line in page.lines]
        items += [(table.top, table) for table in page.tables]
        items.sort(key=lambda item: item[0])
        for _position, item in items:
            if isinstance(item, Table):
                rows = [list(row) for row in item.rows]
                blocks.append(Block(_table_text(rows), 0, page.number, rows=rows))
            else:
                blocks.append(Block(item.text, 0, page.number, style=frozenset(item.style)))
    blocks = _tables_run_on(blocks)
    for number, block in enumerate(blocks, 1):
        block.line = number
    return blocks


def _table_text(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(row) for row in rows)


def _tables_run_on(blocks: list[Block]) -> list[Block]:
    """A table cut by a page break (the same columns at the top of the next page, with only
    a page number, a running head or a 续表 caption between, and its header not printed again)
    is one table: its rows mean nothing apart. A table that repeats its header on each page
    stays a table a page, each cited by its page."""
    out: list[Block] = []
    last_table: int | None = None  # its index in out
    for block in blocks:
        if block.rows is not None and block.rows and last_table is not None:
            table = out[last_table]
            between = out[last_table + 1:]
            if block.page != (table.last_page or table.page) and len(block.rows[0]) == len(table.rows[0]) \
                    and block.rows[0] != table.rows[0] \
                    and all(len(b.text) <= FOOTER_LINE_MAX and b.rows is None for b in between):
                table.rows.extend(block.rows)
                table.text = _table_text(table.rows)
                table.last_page = block.page
                out[last_table + 1:] = [b for b in between if not _CONTINUED_CAPTION_RE.match(b.text.strip())]
                continue
        if block.rows is not None:
            last_table = len(out)
        elif len(block.text) > FOOTER_LINE_MAX:
            last_table = None
        out.append(block)
    return out


# --------------------------------------------------------------------------- metadata


def title_if_shown(title: str | None, first_page_text: str) -> str | None:
    """A title from the file's metadata, only where the first page shows it: metadata titles
    are often a file name ("Microsoft Word - 部令第15号附件.doc"), a placeholder (标题) or the
    author's name."""
    if not title:
        return None
    title = re.sub(r"^Microsoft Word - |\.(docx?|wps)$", "", title.strip())
    compact = re.sub(r"\s", "", title)
    return title if len(compact) >= 4 and compact in re.sub(r"\s", "", first_page_text) else None


def iso_date(text: str | None) -> str | None:
    """yyyy-mm-dd from a metadata date: PDF's D:20201130101604+08'00' or OFD's 2020-08-17."""
    m = re.search(r"(\d{4})-?(\d{2})-?(\d{2})", text or "")
    if m and 1990 <= int(m.group(1)) <= 2100 and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None
