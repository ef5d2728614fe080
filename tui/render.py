"""Turning clause text into terminal lines: CJK-aware wrapping and styled spans.

Lines are built from plain strings with explicit (start, end, style) spans and turned into
segments directly, so text from a document is never parsed as markup: "[bold]" or "[/]" in
a clause shows as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rich.cells import get_character_cell_size
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.content import Content, Span
from textual.strip import Strip

from store.untrusted import CONTROL_RE, visible
from tui.colors import legible_color

NO_BREAK_BEFORE = set("，。、；：？！）」』》〕】”’…—·%％,.;:?!)]}")
"""Closing punctuation never starts a line (Chinese line-breaking rules, 避头尾)."""
NO_BREAK_AFTER = set("（「『《〔【“‘([{")
"""Opening punctuation never ends a line."""


@lru_cache(maxsize=4096)
def _width(ch: str) -> int:
    return get_character_cell_size(ch)


def cell_width(text: str) -> int:
    return sum(_width(ch) for ch in text)


def wrap_offsets(text: str, width: int, keep: list[tuple[int, int]] | None = None,
                 hanging: int = 0) -> list[tuple[int, int]]:
    """[start, end) character offsets of the lines of `text` wrapped at `width` cells (the
    lines after the first of a paragraph at `width - hanging`, for their indent).

    A line breaks between any two Chinese characters, but not inside a run of Latin letters
    or digits with the punctuation that closes it (比例为20％ keeps 20％ whole), not inside a
    `keep` range (a badge, a tag), not before closing punctuation and not after opening
    punctuation, unless the piece is longer than a line. Newlines in the text always break.
    """
    width = max(width, 4)
    rest_width = max(4, width - hanging)
    keep = keep or []
    lines: list[tuple[int, int]] = []
    start = 0
    for paragraph in text.split("\n"):
        end_of_paragraph = start + len(paragraph)
        line_start = start
        room = width
        used = 0
        index = start
        while index < end_of_paragraph:
            w = _width(text[index])
            if used + w > room and index > line_start:
                cut = _break_point(text, line_start, index, keep)
                lines.append((line_start, cut))
                line_start = cut
                room = rest_width
                used = cell_width(text[cut:index])
                continue
            used += w
            index += 1
        lines.append((line_start, end_of_paragraph))
        start = end_of_paragraph + 1
    return lines


def _break_point(text: str, line_start: int, index: int, keep: list[tuple[int, int]]) -> int:
    """Where to end a line that would overflow at `index`: each rule may move the break
    back, and moving it may bring another rule into play, so they are applied until none
    moves it. A piece that cannot be kept whole is broken where the line is full."""
    cut = index
    for _ in range(16):
        before = cut
        for low, high in keep:
            if low < cut < high:
                cut = low
        if _is_word_char(text[cut]) and _is_word_char(text[cut - 1]):
            while cut > line_start and _is_word_char(text[cut - 1]):
                cut -= 1
        if cut > line_start and (text[cut] in NO_BREAK_BEFORE or text[cut - 1] in NO_BREAK_AFTER):
            cut -= 1
        if cut <= line_start:
            return index
        if cut == before:
            break
    while cut < index and text[cut] == " ":  # a space at a break is swallowed
        cut += 1
    return cut


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "._-/%")


@dataclass
class StyledLine:
    """One terminal line: plain text plus (start, end, style) spans, later spans on top, and
    the ranges that wrapping keeps whole (badges, tags)."""

    text: str
    spans: list[tuple[int, int, Style | str]] = field(default_factory=list)
    keep: list[tuple[int, int]] = field(default_factory=list)

    def add(self, text: str, style: Style | str | None = None, whole: bool = False) -> StyledLine:
        if text:
            start = len(self.text)
            self.text += text
            if style is not None:
                self.spans.append((start, len(self.text), style))
            if whole:
                self.keep.append((start, len(self.text)))
        return self

    def slice(self, start: int, end: int) -> StyledLine:
        spans = [(max(s, start) - start, min(e, end) - start, st) for s, e, st in self.spans if s < end and e > start]
        return StyledLine(self.text[start:end], spans)

    def indented(self, prefix: str) -> StyledLine:
        shift = len(prefix)
        return StyledLine(prefix + self.text, [(s + shift, e + shift, st) for s, e, st in self.spans])

    def to_strip(self, base: Style, width: int, resolve: Callable[[str], Style] | None = None,
                 legible: bool = False) -> Strip:
        """Segments for this line on `base`, padded or cropped to `width` cells. A span's style
        is a rich Style or the name of one, looked up with `resolve` (so that one line can be
        drawn on the cursor row and off it). Text on a span with a background, and with
        `legible` all text, gets a color readable on its background, whatever the theme."""
        if CONTROL_RE.search(self.text):
            self.text = visible(self.text)
        cuts = sorted({0, len(self.text), *(p for s, e, _ in self.spans for p in (s, e))})
        segments = []
        for a, b in zip(cuts, cuts[1:]):
            if a >= b:
                continue
            style = base
            shaded = legible
            for s, e, span_style in self.spans:
                if s <= a and b <= e:
                    layer = resolve(span_style) if isinstance(span_style, str) else span_style
                    shaded = shaded or layer.bgcolor is not None
                    style = style + layer
            segments.append(Segment(self.text[a:b], readable(style) if shaded else style))
        return Strip(segments).adjust_cell_length(width, base)


def wrap_line(line: StyledLine, width: int, hanging: str = "") -> list[StyledLine]:
    """The line wrapped at `width` cells, the lines after the first indented by `hanging`."""
    offsets = wrap_offsets(line.text, width, line.keep, cell_width(hanging))
    lines = [line.slice(start, end) for start, end in offsets]
    return lines[:1] + [piece.indented(hanging) for piece in lines[1:]] if hanging else lines


@lru_cache(maxsize=1024)
def readable(style: Style) -> Style:
    """`style` with its text color changed, if needed, to one with a contrast of at least
    4.5:1 (WCAG AA) against its background."""
    if style.color is None or style.bgcolor is None:
        return style
    foreground = style.color.get_truecolor()
    background = style.bgcolor.get_truecolor()
    better = legible_color(tuple(foreground), tuple(background))
    if better == tuple(foreground):
        return style
    return style + Style(color=RichColor.from_rgb(*better))


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

