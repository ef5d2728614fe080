"""The OFD reader (GB/T 33190, the national fixed-layout format): a zip of XML pages whose
text objects carry their characters, positions, sizes, fonts and colours.

OFD.xml names the document (DocRoot), Document.xml lists the pages (BaseLoc) and their
templates, each page's Content.xml holds layers of TextObject elements: a Boundary (x y w h,
in millimetres, origin top left), a Size, an optional CTM, and TextCode runs whose X/Y give
the first character's baseline and DeltaX the advances of the next ones ("g 3 5.57" repeats
an advance). The characters are placed on the page and handed to the same layout logic as a
PDF's: lines by baseline, running heads and page numbers removed, style hints. Only the
standard library is needed.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections import Counter
from xml.etree import ElementTree

from store.errors import InputError
from store.readers.base import Source
from store.readers.layout import (
    MIN_TEXT_CHARS,
    Page,
    PageKind,
    build_lines,
    image_only_warnings,
    is_symbol_soup,
    laid_out,
    refuse_unreadable,
)

_PT_PER_MM = 72 / 25.4
_MAX_PART = 64 * 1024 * 1024
"""Largest XML part read: a page is a few hundred KB; more is a zip bomb or not an OFD."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, name: str):
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element, name: str):
    return [c for c in element if _local(c.tag) == name]


def _numbers(text: str | None) -> list[float]:
    try:
        return [float(v) for v in (text or "").split()]
    except ValueError:
        return []


def _deltas(text: str | None) -> list[float]:
    """DeltaX / DeltaY: advances, where "g n v" stands for n advances of v."""
    tokens = (text or "").split()
    out: list[float] = []
    index = 0
    try:
        while index < len(tokens):
            if tokens[index] == "g" and index + 2 < len(tokens):
                out.extend([float(tokens[index + 2])] * int(tokens[index + 1]))
                index += 3
            else:
                out.append(float(tokens[index]))
                index += 1
    except ValueError:
        return out
    return out


def _color(element) -> tuple[float, ...] | None:
    """A FillColor's Value: "255 0 0" or "#ee #20 #25" (hexadecimal), as 0–1 values."""
    fill = _child(element, "FillColor")
    if fill is None:
        return None
    values = []
    for token in (fill.get("Value") or "").split():
        try:
            values.append(int(token[1:], 16) if token.startswith("#") else float(token))
        except ValueError:
            return None
    return tuple(v / 255 for v in values) or None


class _Package:
    """The zip's parts by normalised name: producers differ in case (DOC_0/Doc_0) and in
    slashes (Windows back slashes)."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            names = self.zip.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            raise InputError("damaged or truncated OFD file: it is not a readable zip; "
                             "download or copy it again") from None
        self.names = {self._key(name): name for name in names}

    @staticmethod
    def _key(name: str) -> str:
        return name.replace("\\", "/").lstrip("/").lower()

    def xml(self, name: str):
        real = self.names.get(self._key(posixpath.normpath(name)))
        if real is None:
            return None
        try:
            info = self.zip.getinfo(real)
            if info.file_size > _MAX_PART:
                raise InputError(f"OFD part too large: {real} ({info.file_size // 1_048_576} MB)")
            return ElementTree.fromstring(self.zip.read(real))
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            raise InputError("damaged or truncated OFD file: a part cannot be unpacked; "
                             "download or copy it again") from None
        except ElementTree.ParseError:
            raise InputError("damaged or encrypted OFD file: a page is not readable XML; "
                             "export it as PDF first") from None


def _resolve(base_dir: str, location: str) -> str:
    location = location.replace("\\", "/")
    return location.lstrip("/") if location.startswith("/") else posixpath.join(base_dir, location)


def _fonts(package: _Package, document, doc_dir: str) -> dict[str, tuple[str, bool]]:
    """Font ID → (name, bold) from the public and document resources."""
    fonts = {}
    common = _child(document, "CommonData")
    for kind in ("PublicRes", "DocumentRes"):
        for ref in _children(common, kind) if common is not None else []:
            res = package.xml(_resolve(doc_dir, ref.text or ""))
            if res is None:
                continue
            for group in _children(res, "Fonts"):
                for font in _children(group, "Font"):
                    name = font.get("FontName") or font.get("FamilyName") or ""
                    fonts[font.get("ID", "")] = (name, font.get("Bold") == "true")
    return fonts


class _PageReader:
    """The characters and image coverage of one page (its templates included)."""

    def __init__(self, fonts: dict[str, tuple[str, bool]]) -> None:
        self.fonts = fonts
        self.chars: list[dict] = []
        self.image_area = 0.0

    def walk(self, element) -> None:
        for child in element:
            name = _local(child.tag)
            if name == "TextObject":
                self._text_object(child)
            elif name == "ImageObject":
                box = _numbers(child.get("Boundary"))
                if len(box) == 4:
                    self.image_area += box[2] * box[3]
            elif name in ("Layer", "PageBlock", "Content"):
                self.walk(child)

    def _text_object(self, obj) -> None:
        box = _numbers(obj.get("Boundary"))
        if len(box) != 4 or obj.get("Fill") == "false" and obj.get("Stroke") != "true":
            return  # no place on the page, or drawn invisibly (an OCR layer's text)
        ctm = _numbers(obj.get("CTM")) or [1, 0, 0, 1, 0, 0]
        if len(ctm) != 6 or abs(ctm[1]) > 1e-6 or abs(ctm[2]) > 1e-6 or ctm[0] <= 0 or ctm[3] <= 0:
            return  # rotated or mirrored text: seals, watermarks, vertical notes
        scale = (ctm[0] * ctm[3]) ** 0.5
        size = float(obj.get("Size") or 0) * scale
        if size <= 0:
            return
        fontname, bold = self.fonts.get(obj.get("Font", ""), ("", False))
        weight = obj.get("Weight") or ""
        bold = bold or weight.isdigit() and int(weight) >= 700
        color = _color(obj)
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
            for index, ch in enumerate(text):
                glyph = size / scale * (0.5 if ch.isascii() else 1.0)  # the character's own width
                advance = dx[index] if index < len(dx) else glyph
                left = box[0] + ctm[0] * x + ctm[4]
                baseline = box[1] + ctm[3] * y + ctm[5]
                width = ctm[0] * (min(advance, glyph) if advance > 0 else glyph)
                self.chars.append({
                    "text": ch, "x0": left * _PT_PER_MM, "x1": (left + width) * _PT_PER_MM,
                    "size": size * _PT_PER_MM, "baseline": baseline * _PT_PER_MM, "fontname": fontname,
                    "bold": bold, "color": color,
                })
                x += advance
                y += dy[index] if index < len(dy) else 0.0


def read(data: bytes) -> Source:
    """An OFD document's text as one block per visual line, each with its page."""
    package = _Package(data)
    root = package.xml("OFD.xml")
    body = _child(root, "DocBody") if root is not None else None
    doc_root = _child(body, "DocRoot") if body is not None else None
    if doc_root is None or not (doc_root.text or "").strip():
        raise InputError("not an OFD document: the zip has no OFD.xml naming a document")
    doc_path = _resolve("", doc_root.text.strip())
    document = package.xml(doc_path)
    if document is None:
        raise InputError(f"damaged OFD file: its document part {doc_path} is missing; export it as PDF first")
    doc_dir = posixpath.dirname(doc_path)
    fonts = _fonts(package, document, doc_dir)
    common = _child(document, "CommonData")
    default_box = _page_box(_child(common, "PageArea") if common is not None else None)
    templates = {}
    for template in _children(common, "TemplatePage") if common is not None else []:
        templates[template.get("ID", "")] = _resolve(doc_dir, template.get("BaseLoc", ""))
    pages_element = _child(document, "Pages")
    entries = _children(pages_element, "Page") if pages_element is not None else []
    if not entries:
        raise InputError("empty OFD document: it has no pages")
    kinds, pages, texts = [], [], []
    for number, entry in enumerate(entries, 1):
        page_xml = package.xml(_resolve(doc_dir, entry.get("BaseLoc", "")))
        if page_xml is None:
            raise InputError(f"damaged OFD file: page {number} is missing; export it as PDF first")
        box = _page_box(_child(page_xml, "Area")) or default_box or [0, 0, 210, 297]
        reader = _PageReader(fonts)
        for use in _children(page_xml, "Template"):
            template = package.xml(templates.get(use.get("TemplateID", ""), ""))
            if template is not None:
                reader.walk(_child(template, "Content") or template)
        content = _child(page_xml, "Content")
        if content is not None:
            reader.walk(content)
        text = "".join(c["text"] for c in reader.chars if not c["text"].isspace())
        # OFD draws an OCR layer invisibly (skipped above): visible text over a picture of the
        # page is a form on its background, so pictures only count on pages without text
        image_share = 0.0 if len(text) >= MIN_TEXT_CHARS else min(1.0, reader.image_area / max(1.0, box[2] * box[3]))
        kinds.append(PageKind(number, len(text), image_share, is_symbol_soup(text)))
        texts.append(text)
        if kinds[-1].has_text:
            sizes = Counter(round(c["size"], 1) for c in reader.chars if not c["text"].isspace())
            pages.append(Page(number, box[2] * _PT_PER_MM, box[3] * _PT_PER_MM, build_lines(reader.chars), [], sizes))
    refuse_unreadable(kinds, "".join(texts), "OFD")
    doc_info = _child(body, "DocInfo")
    blocks, info = laid_out(pages, _doc_info_text(doc_info, "Title"), _doc_info_text(doc_info, "CreationDate"),
                            len(entries))
    return Source(blocks, "ofd", "OFD (GB/T 33190) text objects", paragraphs=False, info=info,
                  warnings=image_only_warnings(kinds))


def _page_box(area) -> list[float] | None:
    """A PageArea's or a page's Area's PhysicalBox (x y w h, mm)."""
    physical = _child(area, "PhysicalBox") if area is not None else None
    box = _numbers(physical.text if physical is not None else None)
    return box if len(box) == 4 and box[2] > 0 and box[3] > 0 else None


def _doc_info_text(doc_info, tag: str) -> str | None:
    """A field of the file's DocInfo (the title or date it states of itself)."""
    field = _child(doc_info, tag) if doc_info is not None else None
    return field.text if field is not None else None

