"""The old Word and WPS reader (.doc, .wps: Word 97–2003 binary files), reading the file's
piece table itself.

The converters that exist fail on what government offices send: antiword prints nothing for
WPS-saved files, catdoc drops text that spans two pieces (the 2019 of 2019年7月3日) and loses
the 文号 of OA-generated files, which is a MERGEFIELD result. The format is documented
([MS-DOC]): the File Information Block (FIB) points to the piece table (CLX) in the table
stream, the pieces give the text as UTF-16 or as 8-bit characters; paragraph properties
(alignment, style, list membership, table cells) sit in PAPX pages, list definitions (LST,
LFO) give the numbering (第一章, 第一节) that Word draws but never stores as text, and text
boxes (where some offices put the 版头 and the 文号) are a story of their own, anchored in the
main text.

Where the file cannot be read that way (Word 6/95, damaged structures), antiword or
LibreOffice is used if installed; otherwise the file is refused with what to do.
"""

from __future__ import annotations

import bisect
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from store.errors import InputError
from store.readers.base import Block, Source
from store.readers.listnumbers import NFC_NAMES, format_number

SAVE_AS_DOCX = "old Word/WPS file could not be read; save it as .docx"
TRUNCATED = "truncated Word file: it ends before its last part; download or copy it again"
DAMAGED = "damaged Word file: its structure is broken; open it in Word or WPS and save it as .docx"


class _Unreadable(Exception):
    """The file's structures are not what this reader understands: try a converter."""


# --------------------------------------------------------------------------- the FIB


@dataclass
class _Fib:
    """What this reader uses of the File Information Block at the start of WordDocument."""

    table_stream: str
    text_length: int  # ccpText: characters of the main document (headers, notes follow it)
    textbox_start: int  # where the text-box story begins: after notes, headers, comments
    textbox_length: int  # ccpTxbx
    fe_language: int  # lidFE: the East Asian language, which names the 8-bit codepage
    places: list[tuple[int, int]]  # fibRgFcLcb: (offset, length) pairs in the table stream

    def blob(self, table: bytes, index: int) -> bytes:
        if index >= len(self.places):
            return b""
        offset, length = self.places[index]
        return table[offset:offset + length] if length else b""


_STSHF, _PLCF_BTE_PAPX, _CLX, _PLC_SPA_MOM, _PLCF_TXBX_TXT, _PLF_LST, _PLF_LFO = 1, 13, 33, 40, 56, 73, 74
"""Indexes in fibRgFcLcb of the structures this reader uses."""


def _fib(word: bytes) -> _Fib:
    if len(word) < 64:
        raise InputError(TRUNCATED)
    (ident,) = struct.unpack_from("<H", word, 0)
    if ident != 0xA5EC:
        raise _Unreadable("not a Word 97–2003 file (Word 6/95 or older)")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100 or flags & 0x8000:
        raise InputError("encrypted Word file: it needs a password to open; save an unprotected copy first")
    pos = 32
    (csw,) = struct.unpack_from("<H", word, pos)
    rg_w = struct.unpack_from(f"<{csw}H", word, pos + 2)
    pos += 2 + 2 * csw
    (cslw,) = struct.unpack_from("<H", word, pos)
    rg_lw = struct.unpack_from(f"<{cslw}i", word, pos + 2)
    pos += 2 + 4 * cslw
    (cb,) = struct.unpack_from("<H", word, pos)
    pairs = struct.unpack_from(f"<{2 * cb}I", word, pos + 2)
    main, footnotes, headers, comments, endnotes, textboxes = (rg_lw[i] for i in (3, 4, 5, 7, 8, 9))
    return _Fib("1Table" if flags & 0x0200 else "0Table", main, main + footnotes + headers + comments + endnotes,
                textboxes, rg_w[13] if len(rg_w) > 13 else 0, list(zip(pairs[0::2], pairs[1::2])))


_CODEPAGES = {0x0804: "gb18030", 0x1004: "gb18030", 0x0404: "cp950", 0x0C04: "cp950", 0x1404: "cp950",
              0x0411: "cp932", 0x0412: "cp949"}


# --------------------------------------------------------------------------- the text


@dataclass
class _Piece:
    cp: int
    cp_end: int
    fc: int  # byte offset of the piece's first character in WordDocument
    compressed: bool

    def fc_of(self, cp: int) -> int:
        return self.fc + (cp - self.cp) * (1 if self.compressed else 2)


def _pieces(clx: bytes) -> list[_Piece]:
    """The piece table (PlcPcd), after the property groups (Prc) that may precede it."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:
        (size,) = struct.unpack_from("<h", clx, pos + 1)
        pos += 3 + size
    if pos >= len(clx) or clx[pos] != 0x02:
        raise _Unreadable("no piece table")
    (length,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5:pos + 5 + length]
    count = (len(plc) - 4) // 12
    if count <= 0:
        raise _Unreadable("empty piece table")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    pieces = []
    for index in range(count):
        (fc,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)
        compressed = bool(fc & 0x40000000)
        fc &= 0x3FFFFFFF
        pieces.append(_Piece(cps[index], cps[index + 1], fc // 2 if compressed else fc, compressed))
    return pieces


def _text(word: bytes, pieces: list[_Piece], length: int, codepage: str | None) -> str:
    """The main document's characters: UTF-16 pieces as they are, 8-bit pieces as Windows-1252
    (the format's definition) unless they only make sense in the East Asian codepage."""
    out = []
    for piece in pieces:
        if piece.cp >= length:
            break
        count = min(piece.cp_end, length) - piece.cp
        if piece.compressed:
            raw = word[piece.fc:piece.fc + count]
            out.append(_decode_8bit(raw, codepage))
        else:
            raw = word[piece.fc:piece.fc + 2 * count]
            out.append(raw.decode("utf-16-le", errors="replace"))
        if len(raw) < (count if piece.compressed else 2 * count):
            raise InputError(TRUNCATED)
    return "".join(out)


def _decode_8bit(raw: bytes, codepage: str | None) -> str:
    if codepage and any(b >= 0x80 for b in raw):
        try:
            return raw.decode(codepage)
        except UnicodeDecodeError:
            pass
    return raw.decode("cp1252", errors="replace")


# --------------------------------------------------------------------------- paragraph properties


@dataclass
class _Props:
    """What a paragraph's properties (its own and its style's) say."""

    istd: int = 0
    list_format: int | None = None  # ilfo: 1-based index of the LFO; 0 = explicitly no numbering
    level: int | None = None  # ilvl
    align: int | None = None  # jc: 0 left, 1 center, 2 right, 3 justify
    outline: int | None = None  # 0–8 for heading levels, 9 body text
    in_table: bool = False
    row_end: bool = False


def _sprms(grpprl: bytes):
    """(opcode, operand) of each property modifier in a group."""
    pos = 0
    while pos + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, pos)
        pos += 2
        spra = sprm >> 13
        if spra in (0, 1):
            size = 1
        elif spra in (2, 4, 5):
            size = 2
        elif spra == 3:
            size = 4
        elif spra == 7:
            size = 3
        elif sprm in (0xD608, 0xD606):  # sprmTDefTable, sprmTDefTable10: a 2-byte length
            if pos + 2 > len(grpprl):
                return
            size = struct.unpack_from("<H", grpprl, pos)[0] - 1
            pos += 2
        elif sprm == 0xC615:  # sprmPChgTabs: length 255 means a longer form; stop there
            if pos >= len(grpprl) or grpprl[pos] == 255:
                return
            size = grpprl[pos]
            pos += 1
        else:
            if pos >= len(grpprl):
                return
            size = grpprl[pos]
            pos += 1
        yield sprm, grpprl[pos:pos + size]
        pos += size


def _apply(props: _Props, sprms: Iterable[tuple[int, bytes]]) -> None:
    """Apply a grpprl's property modifiers (as _sprms reads them) to the properties."""
    for sprm, operand in sprms:
        if not operand:
            continue
        if sprm == 0x460B and len(operand) >= 2:  # sprmPIlfo
            props.list_format = struct.unpack_from("<h", operand)[0]
        elif sprm == 0x260A:  # sprmPIlvl
            props.level = operand[0] & 0x0F
        elif sprm in (0x2403, 0x2461):  # sprmPJc80, sprmPJc
            props.align = operand[0]
        elif sprm == 0x2640:  # sprmPOutLvl
            props.outline = operand[0]
        elif sprm == 0x2416:  # sprmPFInTable
            props.in_table = bool(operand[0])
        elif sprm in (0x2417, 0x244C):  # sprmPFTtp, sprmPFInnerTtp
            props.row_end = bool(operand[0])
        elif sprm == 0x6649 and len(operand) >= 4:  # sprmPItap: table depth
            props.in_table = struct.unpack_from("<i", operand)[0] > 0


@dataclass
class _Style:
    name: str
    sti: int  # the built-in style it is (1–9: heading 1–9)
    base: int  # istdBase: the style it inherits from (0x0FFF: none)
    papx: bytes


def _styles(stsh: bytes) -> list[_Style | None]:
    """The style sheet (STSH): each paragraph style's name, built-in identity, base and
    paragraph properties."""
    if len(stsh) < 6:
        return []
    (cb_stshi,) = struct.unpack_from("<H", stsh, 0)
    cstd, cb_base = struct.unpack_from("<HH", stsh, 2)
    pos = 2 + cb_stshi
    styles: list[_Style | None] = []
    for _ in range(cstd):
        if pos + 2 > len(stsh):
            break
        (cb_std,) = struct.unpack_from("<H", stsh, pos)
        std = stsh[pos + 2:pos + 2 + cb_std]
        pos += 2 + cb_std
        if cb_std == 0 or len(std) < 10:
            styles.append(None)
            continue
        word0, word1, word2 = struct.unpack_from("<HHH", std, 0)
        sti, stk, base, cupx = word0 & 0x0FFF, word1 & 0x000F, word1 >> 4, word2 & 0x000F
        at = cb_base
        name = ""
        if at + 2 <= len(std):
            (cch,) = struct.unpack_from("<H", std, at)
            name = std[at + 2:at + 2 + 2 * cch].decode("utf-16-le", errors="replace")
            at += 2 + 2 * cch + 2
        papx = b""
        if stk == 1 and cupx >= 1 and at + 2 <= len(std):  # a paragraph style: UpxPapx comes first
            (cb_upx,) = struct.unpack_from("<H", std, at)
            papx = std[at + 4:at + 2 + cb_upx]  # after the istd it repeats
        styles.append(_Style(name, sti, base, papx))
    return styles


def _style_props(styles: list[_Style | None], istd: int, depth: int = 0) -> _Props:
    style = styles[istd] if 0 <= istd < len(styles) else None
    if style is None or depth > 10:
        return _Props()
    props = _style_props(styles, style.base, depth + 1) if style.base != 0x0FFF else _Props()
    _apply(props, _sprms(style.papx))
    if 1 <= style.sti <= 9 and props.outline is None:
        props.outline = style.sti - 1
    return props


class _Paragraphs:
    """Paragraph properties by the file position of the paragraph mark: the PAPX runs of the
    formatted disk pages (FKP) listed in PlcBtePapx."""

    def __init__(self, word: bytes, plc: bytes, styles: list[_Style | None], data: bytes) -> None:
        self.starts: list[int] = []
        self.runs: list[tuple[int, int, bytes]] = []  # (fc_start, fc_end, grpprl with istd)
        self.styles = styles
        self.data = data
        count = (len(plc) - 4) // 8
        if count <= 0:
            return
        pages = struct.unpack_from(f"<{count}I", plc, 4 * (count + 1))
        runs = []
        for pn in pages:
            page = word[(pn & 0x3FFFFF) * 512:(pn & 0x3FFFFF) * 512 + 512]
            if len(page) < 512:
                continue
            crun = page[511]
            fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
            for index in range(crun):
                offset = page[4 * (crun + 1) + 13 * index] * 2
                grpprl = b""
                if offset:
                    cb = page[offset]
                    if cb:
                        grpprl = page[offset + 1:offset + 1 + 2 * cb - 1]
                    else:
                        cb = page[offset + 1]
                        grpprl = page[offset + 2:offset + 2 + 2 * cb]
                runs.append((fcs[index], fcs[index + 1], grpprl))
        runs.sort()
        self.runs = runs
        self.starts = [run[0] for run in runs]

    def at(self, fc: int) -> _Props:
        index = bisect.bisect_right(self.starts, fc) - 1
        if index < 0 or not (self.runs[index][0] <= fc < self.runs[index][1]):
            return _Props()
        grpprl = self.runs[index][2]
        if len(grpprl) < 2:
            return _Props()
        (istd,) = struct.unpack_from("<H", grpprl, 0)
        props = _style_props(self.styles, istd)
        props.istd = istd
        sprms = list(_sprms(grpprl[2:]))
        _apply(props, sprms)
        for sprm, operand in sprms:
            if sprm == 0x6646 and len(operand) == 4:  # sprmPHugePapx: the rest is in the Data stream
                (offset,) = struct.unpack_from("<I", operand)
                if offset + 2 <= len(self.data):
                    (size,) = struct.unpack_from("<H", self.data, offset)
                    _apply(props, _sprms(self.data[offset + 2:offset + 2 + size]))
        return props


# --------------------------------------------------------------------------- lists


@dataclass
class _Level:
    start: int
    fmt: str
    template: str  # xst: the label with level placeholders \x00 … \x08
    follow: str  # what comes after the label: a tab, a space or nothing
    legal: bool = False  # fLegal: all levels as decimals (1.1.1)
    restart_after: int | None = None  # restart only after levels up to this one (None: any, -1: never)


@dataclass
class _List:
    lsid: int
    levels: list[_Level]


@dataclass
class _ListFormat:
    """An LFO: which list a paragraph's ilfo refers to, with its per-level overrides."""

    lsid: int
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


def _level(data: bytes, pos: int) -> tuple[_Level, int]:
    """An LVL: its fixed part (LVLF), its property groups, then its label template."""
    start, nfc, flags = struct.unpack_from("<iBB", data, pos)
    follow = data[pos + 15]
    cb_chpx, cb_papx, restart_lim = data[pos + 24], data[pos + 25], data[pos + 26]
    pos += 28 + cb_papx + cb_chpx
    (cch,) = struct.unpack_from("<H", data, pos)
    template = data[pos + 2:pos + 2 + 2 * cch].decode("utf-16-le", errors="replace")
    if not flags & 0x08:  # fNoRestart clear: restarts after any higher level
        restart_after = None
    else:
        restart_after = restart_lim - 1 if restart_lim else -1
    level = _Level(start, NFC_NAMES.get(nfc, "decimal"), template, {0: "\t", 1: " "}.get(follow, ""),
                   bool(flags & 0x04), restart_after)
    return level, pos + 2 + 2 * cch


def _list_definitions(table: bytes, fib: _Fib) -> dict[int, _List]:
    """The lists (LSTF in PlfLst, their LVLs right after it) by list id."""
    lists: dict[int, _List] = {}
    if len(fib.places) <= _PLF_LST or not fib.places[_PLF_LST][1]:
        return lists
    offset, length = fib.places[_PLF_LST]
    (count,) = struct.unpack_from("<h", table, offset)
    pos = offset + length
    for index in range(count):
        at = offset + 2 + 28 * index
        (lsid,) = struct.unpack_from("<i", table, at)
        levels = []
        for _ in range(1 if table[at + 26] & 0x01 else 9):  # fSimpleList: one level
            level, pos = _level(table, pos)
            levels.append(level)
        lists[lsid] = _List(lsid, levels)
    return lists


def _list_formats(table: bytes, fib: _Fib) -> list[_ListFormat]:
    """The list formats (LFO in PlfLfo, their LFOData after them) that paragraphs name by
    1-based index (ilfo)."""
    formats: list[_ListFormat] = []
    if len(fib.places) <= _PLF_LFO or not fib.places[_PLF_LFO][1]:
        return formats
    offset, _length = fib.places[_PLF_LFO]
    (count,) = struct.unpack_from("<i", table, offset)
    pos = offset + 4 + 16 * count
    for index in range(count):
        at = offset + 4 + 16 * index
        lfo = _ListFormat(struct.unpack_from("<i", table, at)[0])
        pos += 4  # LFOData.cp
        for _ in range(table[at + 12]):  # clfolvl: the levels it overrides
            start, flags = struct.unpack_from("<iI", table, pos)
            pos += 8
            if flags & 0x10:  # fStartAt
                lfo.start_overrides[flags & 0x0F] = start
            if flags & 0x20:  # fFormatting: a whole level follows
                level, pos = _level(table, pos)
                lfo.level_overrides[flags & 0x0F] = level
        formats.append(lfo)
    return formats


class _Numbering:
    """Counts list items as Word does and renders each numbered paragraph's label."""

    def __init__(self, lists: dict[int, _List], formats: list[_ListFormat]) -> None:
        self.lists = lists
        self.formats = formats
        self.counters: dict[int, list[int | None]] = {}
        self.started: set[int] = set()

    def label(self, props: _Props) -> str:
        ilfo = props.list_format
        if not ilfo or ilfo < 1 or ilfo > len(self.formats):
            return ""
        lfo = self.formats[ilfo - 1]
        lst = self.lists.get(lfo.lsid)
        if lst is None:
            return ""
        level_number = min(props.level or 0, len(lst.levels) - 1)
        levels = [lfo.level_overrides.get(n, level) for n, level in enumerate(lst.levels)]
        levels = [replace(level, start=lfo.start_overrides[n]) if n in lfo.start_overrides else level
                  for n, level in enumerate(levels)]
        counters = self.counters.setdefault(lfo.lsid, [None] * len(levels))
        if ilfo not in self.started:  # a list format that restarts the list does so at its first item
            self.started.add(ilfo)
            for n in lfo.start_overrides:
                if n < len(counters):
                    counters[n] = None
        level = levels[level_number]
        current = counters[level_number]
        counters[level_number] = level.start if current is None else current + 1
        for deeper in range(level_number + 1, len(levels)):
            limit = levels[deeper].restart_after
            if limit is None or level_number <= limit:
                counters[deeper] = None
        if level.fmt in ("bullet", "none"):
            return ""
        label = []
        for ch in level.template:
            if ord(ch) < 9:
                n = ord(ch)
                value = counters[n] if counters[n] is not None else levels[n].start
                label.append(str(value) if level.legal and n != level_number else format_number(value, levels[n].fmt))
            else:
                label.append(ch)
        text = "".join(label)
        return text + (" " if text and level.follow else "")


# --------------------------------------------------------------------------- fields and blocks


_DROPPED_CONTROLS = dict.fromkeys([*range(0x09), *range(0x0E, 0x13), *range(0x16, 0x1E), 0x1F])
"""Anchors of pictures (0x01) and drawn objects (0x08), note references and separators, the
optional hyphen (0x1F): nothing a reader sees as text."""


class _FieldFilter:
    """Keeps a field's result and drops its instruction: 0x13 begins a field, 0x14 separates
    instruction from result, 0x15 ends it (fields nest)."""

    def __init__(self) -> None:
        self.stack: list[bool] = []  # per open field: whether its result has begun

    def keep(self, ch: str) -> bool:
        """Whether the character is text the reader sees (a paragraph mark inside a field's
        instruction is not)."""
        if ch == "\x13":
            self.stack.append(False)
            return False
        if ch == "\x14":
            if self.stack:
                self.stack[-1] = True
            return False
        if ch == "\x15":
            if self.stack:
                self.stack.pop()
            return False
        return all(self.stack)


def _clean(text: str) -> str:
    text = text.replace("\t", " ").replace("\x1e", "-").replace("\xa0", " ")
    return text.translate(_DROPPED_CONTROLS)


@dataclass
class _Para:
    text: str
    props: _Props
    mark: str


def _blocks(paras: list[_Para]) -> list[Block]:
    """Paragraphs as blocks; table cells (\\x07 marks) gathered into rows, rows into one
    table block. Manual line and page breaks inside a paragraph end its block too."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []

    def flush_table() -> None:
        nonlocal rows
        if rows and max(sum(1 for cell in r if cell) for r in rows) < 2:
            for cell_text in (cell for r in rows for cell in r if cell):  # a frame around text
                blocks.append(Block(cell_text, len(blocks) + 1))
        elif rows:
            width = max(len(r) for r in rows)
            grid = [r + [""] * (width - len(r)) for r in rows]
            blocks.append(Block("\n".join("\t".join(r) for r in grid), len(blocks) + 1, rows=grid))
        rows = []

    for para in paras:
        if para.mark == "\x07" or (para.props.in_table and para.mark == "\r"):
            if para.mark == "\x07" and para.props.row_end:
                rows.append(row)
                row = []
                continue
            cell.append(_clean(para.text).replace("\x0b", " ").replace("\x0c", " ").strip())
            if para.mark == "\x07":
                row.append(" ".join(part for part in cell if part))
                cell = []
            continue
        if row or cell:  # a table whose row ends were not marked: its cells as one row
            if cell:
                row.append(" ".join(part for part in cell if part))
            rows.append(row)
            row, cell = [], []
        flush_table()
        style = _style_of(para.props)
        for piece in _clean(para.text).replace("\x0c", "\x0b").split("\x0b"):
            blocks.append(Block(piece.strip(), len(blocks) + 1, style=style))
    if row or cell:
        rows.append(row + ([" ".join(cell)] if cell else []))
    flush_table()
    return blocks


def _style_of(props: _Props) -> frozenset[str]:
    style = set()
    if props.align == 1:
        style.add("center")
    elif props.align == 2:
        style.add("right")
    if props.outline is not None and 0 <= props.outline <= 8:
        style.add("heading")
    return frozenset(style)


# --------------------------------------------------------------------------- the reader


def _read_word97(data: bytes) -> Source:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise InputError(TRUNCATED if "incomplete" in str(exc) else DAMAGED) from None
    try:
        if not ole.exists("WordDocument"):
            raise InputError("not a Word document: an Office file without a Word text stream (a spreadsheet "
                             "or presentation?); save the document as .docx or plain text")
        try:
            streams = {name: _whole_stream(ole, name) for name in ("WordDocument", "0Table", "1Table", "Data")
                       if ole.exists(name)}
        except (OSError, ValueError, struct.error, IndexError) as exc:
            raise InputError(TRUNCATED if "incomplete" in str(exc) else DAMAGED) from None
    finally:
        ole.close()
    word = streams["WordDocument"]
    try:
        fib = _fib(word)
    except struct.error:
        raise InputError(DAMAGED) from None
    table = streams.get(fib.table_stream, b"")
    objects = streams.get("Data", b"")
    if not table:
        raise _Unreadable("no table stream")
    try:
        pieces = _pieces(fib.blob(table, _CLX))
        end = fib.textbox_start + fib.textbox_length if fib.textbox_length else fib.text_length
        text = _text(word, pieces, end, _CODEPAGES.get(fib.fe_language))
        styles = _styles(fib.blob(table, _STSHF))
        story = _Story(text, pieces, _Paragraphs(word, fib.blob(table, _PLCF_BTE_PAPX), styles, objects),
                       _Numbering(_list_definitions(table, fib), _list_formats(table, fib)))
        boxes = _text_boxes(fib, table)
    except (struct.error, IndexError, ValueError) as exc:
        raise _Unreadable(str(exc)) from None
    paras = []
    for mark, para in story.paragraphs(0, fib.text_length):
        while boxes and boxes[0][0] <= mark:  # a text box before the paragraph it is anchored in
            _anchor, box_start, box_end = boxes.pop(0)
            paras.extend(box_para for _mark, box_para in story.paragraphs(box_start, box_end))
        paras.append(para)
    blocks = _blocks(paras)
    if not any(block.text for block in blocks):
        raise InputError("empty Word document: it holds no text")
    return Source(blocks, "doc", f"olefile {olefile.__version__} (piece table)", paragraphs=True)


class _Story:
    """Paragraphs of a range of the document's characters (the main text, a text box), with
    fields reduced to their results and list labels rendered."""

    def __init__(self, text: str, pieces: list[_Piece], properties: _Paragraphs, numbering: _Numbering) -> None:
        self.text = text
        self.pieces = pieces
        self.starts = [piece.cp for piece in pieces]
        self.properties = properties
        self.numbering = numbering

    def paragraphs(self, start: int, end: int) -> list[tuple[int, _Para]]:
        """(position of its mark, paragraph) of each paragraph in text[start:end]."""
        out = []
        fields = _FieldFilter()
        kept: list[str] = []
        for cp in range(start, min(end, len(self.text))):
            ch = self.text[cp]
            if not fields.keep(ch):
                continue
            if ch not in "\r\x07":
                kept.append(ch)
                continue
            piece = self.pieces[bisect.bisect_right(self.starts, cp) - 1]
            props = self.properties.at(piece.fc_of(cp))
            line = "".join(kept)
            label = self.numbering.label(props) if line.strip() else ""
            out.append((cp, _Para(label + line.lstrip() if label else line, props, ch)))
            kept = []
        if kept:
            out.append((end, _Para("".join(kept), _Props(), "")))
        return out


def _text_boxes(fib: _Fib, table: bytes) -> list[tuple[int, int, int]]:
    """(anchor position in the main text, start, end) of each text box's characters, in
    anchor order. Text boxes hold what Word lays out freely: a 版头 and 文号, sometimes. A
    box's shape (FSPA in PlcSpaMom) and its text (FTXBXS in PlcftxbxTxt) share an id."""
    if not fib.textbox_length:
        return []
    shapes, texts = fib.blob(table, _PLC_SPA_MOM), fib.blob(table, _PLCF_TXBX_TXT)
    count = (len(shapes) - 4) // 30
    anchors = {}
    if count > 0:
        cps = struct.unpack_from(f"<{count + 1}I", shapes, 0)
        for index in range(count):
            (spid,) = struct.unpack_from("<i", shapes, 4 * (count + 1) + 26 * index)
            anchors[spid] = cps[index]
    boxes = []
    count = (len(texts) - 4) // 26
    if count > 0:
        cps = struct.unpack_from(f"<{count + 1}I", texts, 0)
        for index in range(count - 1):  # the last entry closes the story
            (lid,) = struct.unpack_from("<i", texts, 4 * (count + 1) + 22 * index + 14)
            boxes.append((anchors.get(lid, 0), fib.textbox_start + cps[index], fib.textbox_start + cps[index + 1]))
    return sorted(boxes)


def _whole_stream(ole, name: str) -> bytes:
    """A stream's bytes; a file cut short gives fewer than its directory declares."""
    content = ole.openstream(name).read()
    if len(content) < ole.get_size(name):
        raise InputError(TRUNCATED)
    return content


def _convert(data: bytes) -> Source | None:
    """The text from antiword or LibreOffice where one is installed, else None."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.doc"
        path.write_bytes(data)
        commands = []
        if shutil.which("antiword"):
            commands.append(("antiword", ["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)], None))
        office = shutil.which("soffice") or shutil.which("libreoffice")
        if office:
            commands.append(("LibreOffice", [office, "--headless", "--convert-to", "txt:Text (encoded):UTF8",
                                             "--outdir", folder, str(path)], Path(folder) / "document.txt"))
        for name, command, output in commands:
            try:
                done = subprocess.run(command, capture_output=True, timeout=120, check=False)
            except (OSError, subprocess.TimeoutExpired):
                continue
            raw = output.read_bytes() if output and output.exists() else done.stdout
            text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
            if done.returncode == 0 and text.strip():
                lines = [line.strip() for line in text.splitlines()]
                blocks = [Block(line, number) for number, line in enumerate(lines, 1)]
                return Source(blocks, "doc", name, paragraphs=True)
    return None


def read(data: bytes) -> Source:
    """An old Word or WPS file as one block per paragraph (tables as rows)."""
    try:
        return _read_word97(data)
    except _Unreadable as exc:
        converted = _convert(data)
        if converted is not None:
            return converted
        raise InputError(f"{SAVE_AS_DOCX} ({exc})") from None
