"""The one registry of source formats: suffixes, magic bytes, readers and refusal messages.

A file's format is told by its bytes first (a `.wps` may be a Word 97 file, a `.cn` download a
web page) and by its suffix only where the bytes say nothing. Each readable format has a
module with `read(data: bytes) -> Source`, imported only when a file of that format comes
(web and PDF libraries are not loaded to read a text file). Everything else is refused with
a message that says what the file is and how to proceed.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path

from store.errors import InputError
from store.readers.base import Block, Source

__all__ = ["Block", "Source", "Format", "FORMATS", "FOLDER_SUFFIXES", "MAX_BYTES", "sniff", "what_it_is", "read_bytes",
           "read_data", "read_path"]

MAX_BYTES = 20 * 1024 * 1024
"""Largest file accepted by default. The longest real policy documents are a few MB as PDF;
anything larger is almost always a wrong file (a database dump, a concatenated corpus)."""


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    suffixes: tuple[str, ...] = ()
    module: str | None = None  # the reader: a module with read(data) -> Source
    refusal: str | None = None  # why a file of this format is not imported (no reader)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", "plain text", (".txt", ".text", ".md"), "store.readers.text"),
    Format("html", "web page", (".html", ".htm", ".shtml", ".xhtml", ".mht"), "store.readers.html"),
    Format("docx", "Word document", (".docx", ".docm", ".wpsx"), "store.readers.docx"),
    Format("doc", "old Word or WPS document", (".doc", ".wps", ".dot"), "store.readers.doc"),
    Format("pdf", "PDF document", (".pdf",), "store.readers.pdf"),
    Format("ofd", "OFD document", (".ofd",), "store.readers.ofd"),
    Format("zip", "ZIP archive", (".zip",), refusal="unpack it and import the files inside"),
    Format("office", "spreadsheet or presentation", (".xls", ".xlsx", ".ppt", ".pptx", ".et", ".dps"),
           refusal="policy documents are imported from text, web pages, Word and PDF files"),
    Format("image", "image", (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"),
           refusal="it holds no text; OCR it first"),
    Format("sqlite", "SQLite database", (".db", ".sqlite"), refusal="it is a database, not a document"),
    Format("archive", "compressed archive", (".gz", ".bz2", ".xz", ".7z", ".rar", ".tar"),
           refusal="unpack it and import the files inside"),
    Format("rtf", "RTF document", (".rtf",), refusal="save it as .docx or plain text first"),
)}

FOLDER_SUFFIXES = frozenset(s for f in FORMATS.values() if f.module for s in f.suffixes)
"""Files taken from a folder: those of the formats that can be read. A file named on the
command line is read whatever its name."""

_MAGIC = (
    (b"%PDF", "pdf", None),
    (b"\x89PNG", "image", "a PNG image"),
    (b"\xff\xd8\xff", "image", "a JPEG image"),
    (b"GIF8", "image", "a GIF image"),
    (b"II*\x00", "image", "a TIFF image"),
    (b"MM\x00*", "image", "a TIFF image"),
    (b"SQLite format 3\x00", "sqlite", "an SQLite database"),
    (b"\x1f\x8b", "archive", "a gzip archive"),
    (b"BZh", "archive", "a bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive", "a 7-Zip archive"),
    (b"Rar!", "archive", "a RAR archive"),
    (b"{\\rtf", "rtf", None),
)


def what_it_is(data: bytes, suffix: str = "") -> tuple[Format, str]:
    """The format of these bytes and how to name it to the user ("a PNG image")."""
    head = data[:4096]
    for magic, name, what in _MAGIC:
        if head.startswith(magic):
            return FORMATS[name], what or _with_article(FORMATS[name].description)
    fmt = sniff(data, suffix)
    return fmt, _with_article(fmt.description)


def sniff(data: bytes, suffix: str = "") -> Format:
    """The format of these bytes: magic bytes first, then what the start of a text says. The
    suffix only decides between a web page and a text that begins with markup."""
    head = data[:4096]
    for magic, name, _what in _MAGIC:
        if head.startswith(magic):
            return FORMATS[name]
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind == "zip":  # a damaged or fake .docx or .ofd (cut short, no content): its reader says why
            kind = next((name for name in ("docx", "ofd") if suffix.lower() in FORMATS[name].suffixes), kind)
        return FORMATS[kind]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # a .doc cut short may have lost the directory that names its streams: its reader
        # tells what is wrong with it
        word = _ole_has_word_stream(data) or suffix.lower() in FORMATS["doc"].suffixes
        return FORMATS["doc" if word else "office"]
    if b"%PDF-" in head[:1024]:  # a few bytes of junk before the header still open in viewers
        return FORMATS["pdf"]
    if _looks_like_html(head) or suffix.lower() in FORMATS["html"].suffixes and b"<" in head[:64]:
        return FORMATS["html"]
    return FORMATS["text"]


def _zip_kind(data: bytes) -> str:
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    if any(n.startswith(("xl/", "ppt/")) for n in names):
        return "office"
    return "zip"


def _ole_has_word_stream(data: bytes) -> bool:
    """Word and WPS text documents hold a stream named WordDocument (its directory entry is
    UTF-16); spreadsheets and presentations do not."""
    return "WordDocument".encode("utf-16-le") in data


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<!-- saved from url", b"<?xml")) and b"<html" in head.lower():
        return True
    lowered = head.lower()
    return start.startswith(b"<") and (b"<body" in lowered or b"<head" in lowered)


def read_bytes(data: bytes, suffix: str = "") -> Source:
    """Read bytes of any format into a Source. Raises InputError with the reason."""
    if not data:
        raise InputError("empty file: 0 bytes")
    fmt, what = what_it_is(data, suffix)
    if fmt.module is None:
        reason = fmt.refusal or "it cannot be read"
        raise InputError(f"{what}: {reason}")
    source = importlib.import_module(fmt.module).read(data)
    source.sha256 = hashlib.sha256(data).hexdigest()
    return source


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiouAEIOU' else 'a'} {noun}"


def read_path(path: Path, max_bytes: int = MAX_BYTES) -> Source:
    """Read a file of any format into a Source. Errors are InputError, one line each."""
    return read_bytes(read_data(path, max_bytes), Path(path).suffix)


def read_data(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A file's bytes, for read_bytes: the importer hashes them first, and reads no further a
    file it has already imported. Errors are InputError, one line each."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError("is a folder, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"too large: {size / 1_048_576:.1f} MB (limit {max_bytes / 1_048_576:.0f} MB); "
                "split it into one file per document"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
