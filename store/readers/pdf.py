"""The PDF reader: the text layer line by line with its page, its running headers, footers and
page numbers removed, its tables as rows, and what the layout tells of each line's role.

Two libraries, for what each does best: pypdfium2 (C, about 150 pages/s) looks at every page
first and refuses what has no usable text (scans, garbled text layers, encrypted or damaged
files) before anything slow runs; pdfplumber (pdfminer) then reads the characters with their
fonts, sizes, colours and positions, and finds ruled tables. pdfminer carries the predefined
CJK CMaps, so text in a non-embedded font (GBK-EUC-H, UniGB-UCS2-H) comes out as Chinese.

Lines are built from characters by baseline, not by the glyph boxes the libraries report: a
文号's digits in another font (〔2020〕2号) have other boxes but the same baseline.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter

from store.errors import InputError
from store.readers.base import Source
from store.readers.layout import (
    Page,
    PageKind,
    Placed,
    Table,
    build_lines,
    cell_text,
    image_only_warnings,
    is_symbol_soup,
    laid_out,
    refuse_unreadable,
)

ENCRYPTED = "encrypted PDF: it needs a password to open; save or print an unprotected copy first"

# --------------------------------------------------------------------------- triage


def _triage(data: bytes) -> list[PageKind]:
    """Every page's character count, image coverage and whether its text is garbled, from
    pypdfium2; files that cannot be opened or read, and scans and garbled text layers, are
    refused (InputError)."""
    import pypdfium2

    if b"%%EOF" not in data[-8192:]:
        # a download or copy cut short: viewers may repair the rest, but pages are missing
        raise InputError("truncated PDF: the file ends before its end marker; download or copy it again")
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(ENCRYPTED) from None
        raise InputError("damaged PDF: it cannot be opened; download it again or print it to a new PDF") from None
    texts: list[str] = []
    try:
        kinds = [_page_kind(document, index, texts) for index in range(len(document))]
    except pypdfium2.PdfiumError:
        raise InputError("damaged PDF: a page cannot be read; download it again or print it to a new PDF") from None
    finally:
        document.close()
    refuse_unreadable(kinds, "".join(texts), "PDF")
    return kinds


def _page_kind(document, index: int, texts: list[str]) -> PageKind:
    """How much text and picture a page shows; its text is added to `texts`."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        text = re.sub(r"\s", "", textpage.get_text_range())
        textpage.close()
        covered = 0.0
        box = [ctypes.c_float() for _ in range(4)]
        for position in range(pdfium_c.FPDFPage_CountObjects(page)):
            obj = pdfium_c.FPDFPage_GetObject(page, position)
            if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
                continue
            pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in box))
            left, bottom, right, top = (v.value for v in box)
            covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
    finally:
        page.close()
    texts.append(text)
    return PageKind(index + 1, len(text), min(1.0, covered / max(1.0, width * height)), is_symbol_soup(text))


# --------------------------------------------------------------------------- pages


def _direction(char: dict) -> int:
    """The way a character's text runs, in degrees counter-clockwise (0 for upright text)."""
    a, b = char["matrix"][0], char["matrix"][1]
    return round(math.degrees(math.atan2(b, a)) / 90) % 4 * 90


def _read_page(page, number: int) -> Page:
    """A page's lines and ruled tables; a table's characters are not read again as lines.
    Text is read in the direction most of the page's characters run: a page printed sideways
    (a landscape table on a portrait page) reads like any other; text running across the
    main direction (a seal's rim, a watermark, a vertical margin note) is left out."""
    width, height = float(page.width), float(page.height)
    running = [(char, _direction(char)) for char in page.chars]
    directions = Counter(direction for char, direction in running if not char["text"].isspace())
    turn = directions.most_common(1)[0][0] if directions else 0
    angle = math.radians(turn)
    cos, sin = round(math.cos(angle)), round(math.sin(angle))
    corners = [(x * cos + y * sin, -x * sin + y * cos) for x in (0, width) for y in (0, height)]
    left, top = min(u for u, _v in corners), max(v for _u, v in corners)
    chars = []
    for char, direction in running:
        if direction != turn:
            continue
        x, y = char["matrix"][4], char["matrix"][5]  # the glyph's origin on its baseline, y up
        start = x * cos + y * sin - left if turn else char["x0"]
        # turned a quarter, the glyph box's height is its advance, its width the type size
        advance, size = ((char["x1"] - char["x0"], char["size"]) if turn in (0, 180)
                         else (char["bottom"] - char["top"], char["x1"] - char["x0"]))
        chars.append({"text": char["text"], "x0": start, "x1": start + advance, "size": size,
                      "baseline": top - (-x * sin + y * cos), "fontname": char["fontname"],
                      "color": char.get("non_stroking_color")})
    if turn in (90, 270):
        width, height = height, width
    chars = [c for c in chars if 0 <= (c["x0"] + c["x1"]) / 2 <= width and 0 <= c["baseline"] <= height + c["size"]]
    sizes = Counter(round(c["size"], 1) for c in chars if not c["text"].isspace())
    tables: list[Table] = []
    if turn == 0 and (page.rects or page.lines):  # the table finder works on upright pages
        placed = Placed(chars)
        taken: set[int] = set()
        for found in page.find_tables():
            inside = placed.within(found.bbox)
            table = _table_of(found, Placed(inside))
            if table is not None:
                taken.update(id(c) for c in inside)
                tables.append(table)
        chars = [c for c in chars if id(c) not in taken]
    return Page(number, width, height, build_lines(chars), tables, sizes)


def _table_of(found, inside: Placed) -> Table | None:
    """A ruled table's rows, each cell's text once (the cells a merged cell covers are empty);
    None for a frame around text (one column), which is read as lines."""
    rows = []
    for row in found.rows:
        cells = ["" if cell is None else cell_text(build_lines(inside.within(cell))) for cell in row.cells]
        if any(cells):
            rows.append(cells)
    if not rows or max(sum(1 for cell in row if cell) for row in rows) < 2:
        return None
    x0, top, x1, _bottom = found.bbox
    return Table(rows, x0, x1, top)


# --------------------------------------------------------------------------- metadata


def _info_string(value) -> str | None:
    """A document-information string: pdfminer leaves undecodable ones as bytes or as
    `<hex>` (GBK written without an encoding marker)."""
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str) and re.fullmatch(r"<[0-9A-Fa-f\s]+>", value.strip()):
        raw = bytes.fromhex(re.sub(r"[<>\s]", "", value))
    elif isinstance(value, str):
        return value.replace("\x00", "").strip() or None
    else:
        return None
    for codec in ("utf-16", "utf-8", "gb18030"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if text.isprintable():
            return text.strip() or None
    return None


# --------------------------------------------------------------------------- the reader


def _reader_name() -> str:
    import pdfplumber

    return f"pdfplumber {pdfplumber.__version__}"


def read(data: bytes) -> Source:
    """A text-layer PDF as one block per visual line (and one per table), each with its page."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    kinds = _triage(data)
    warnings = image_only_warnings(kinds)
    pages: list[Page] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            meta = dict(pdf.metadata or {})
            for kind, page in zip(kinds, pdf.pages):
                if kind.has_text:
                    pages.append(_read_page(page, kind.number))
                page.close()
    except PDFPasswordIncorrect:
        raise InputError(ENCRYPTED) from None
    except Exception as exc:  # pdfminer raises many kinds on broken streams
        if isinstance(exc, InputError):
            raise
        raise InputError(f"damaged PDF: {type(exc).__name__} while reading its pages; "
                         "print it to a new PDF and import that") from None
    blocks, info = laid_out(pages, _info_string(meta.get("Title")),
                            _info_string(meta.get("CreationDate")) or _info_string(meta.get("ModDate")), len(kinds))
    if not blocks:
        raise InputError("PDF without a text layer: its pages hold no text; OCR it first")
    return Source(blocks, "pdf", _reader_name(), paragraphs=False, info=info, warnings=warnings)


