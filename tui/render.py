"""Turning clause text into terminal lines: CJK-aware wrapping and styled spans.

Lines are built from plain strings with explicit (start, end, style) spans and turned into
segments directly, so text from a document is never parsed as markup: "[bold]" or "[/]" in
a clause shows as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.content import Content, Span
from textual.strip import Strip

from store.untrusted import CONTROL_RE, visible

NO_BREAK_BEFORE = set("，。、；：？！）」』》〕】”’…—·%％,.;:?!)]}")
"""Closing punctuation never starts a line (Chinese line-breaking rules, 避头尾)."""
NO_BREAK_AFTER = set("（「『《〔【“‘([{")
"""Opening punctuation never ends a line."""


@lru_cache(maxsize=4096)
def _width(ch: str) -> int:
    return get_character_cell_size(ch)


def cell_width(text: str) -> int:
    return sum(_width(ch) for ch in text)


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """[start, end) character offsets of the lines of `text` wrapped at `width` cells.

    A line breaks between any two Chinese characters, but not inside a run of Latin letters
    or digits (unless the run is longer than a line), not before closing punctuation and
    not after opening punctuation. Newlines in the text always break.
    """
    width = max(width, 4)
    lines: list[tuple[int, int]] = []
    start = 0
    for paragraph in text.split("\n"):
        end_of_paragraph = start + len(paragraph)
        line_start = start
        used = 0
        index = start
        while index < end_of_paragraph:
            ch = text[index]
            w = _width(ch)
            if used + w > width and index > line_start:
                cut = _break_point(text, line_start, index)
                lines.append((line_start, cut))
                line_start = cut
                used = sum(_width(c) for c in text[cut:index])
                continue
            used += w
            index += 1
        lines.append((line_start, end_of_paragraph))
        start = end_of_paragraph + 1
    return lines


def _break_point(text: str, line_start: int, index: int) -> int:
    """Where to end a line that would overflow at `index`."""
    cut = index
    # Latin words and numbers stay whole: go back to the start of the run.
    if _is_word_char(text[cut]) and _is_word_char(text[cut - 1]):
        back = cut
        while back > line_start and _is_word_char(text[back - 1]):
            back -= 1
        if back > line_start:
            cut = back
    # Closing punctuation is not left at the start of the next line; opening punctuation
    # is not left at the end of this one.
    for _ in range(2):
        if cut - 1 > line_start and (text[cut] in NO_BREAK_BEFORE or text[cut - 1] in NO_BREAK_AFTER):
            cut -= 1
    while cut < index and text[cut] == " ":  # a space at a break is swallowed
        cut += 1
    return cut if cut > line_start else index


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "._-/%")


@dataclass
class StyledLine:
    """One terminal line: plain text plus (start, end, style) spans, later spans on top."""

    text: str
    spans: list[tuple[int, int, Style]] = field(default_factory=list)

    def add(self, text: str, style: Style | None = None) -> StyledLine:
        if text:
            start = len(self.text)
            self.text += text
            if style is not None:
                self.spans.append((start, len(self.text), style))
        return self

    def slice(self, start: int, end: int) -> StyledLine:
        spans = [(max(s, start) - start, min(e, end) - start, st) for s, e, st in self.spans if s < end and e > start]
        return StyledLine(self.text[start:end], spans)

    def to_strip(self, base: Style, width: int) -> Strip:
        """Segments for this line on `base`, padded or cropped to `width` cells."""
        if CONTROL_RE.search(self.text):
            self.text = visible(self.text)
        cuts = sorted({0, len(self.text), *(p for s, e, _ in self.spans for p in (s, e))})
        segments = []
        for a, b in zip(cuts, cuts[1:]):
            if a >= b:
                continue
            style = base
            for s, e, span_style in self.spans:
                if s <= a and b <= e:
                    style = style + span_style
            segments.append(Segment(self.text[a:b], style))
        return Strip(segments).adjust_cell_length(width, base)


def wrap_line(line: StyledLine, width: int) -> list[StyledLine]:
    return [line.slice(start, end) for start, end in wrap_offsets(line.text, width)]


def plain(text: str, style: str = "") -> Content:
    """A Content of untrusted text, never parsed as markup, control characters made visible."""
    text = visible(text)
    return Content(text, spans=[Span(0, len(text), style)] if style and text else [])


def truncate(text: str, width: int) -> str:
    """Cut text to at most `width` cells, ending with … when cut."""
    if cell_width(text) <= width:
        return text
    used, out = 0, []
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"

