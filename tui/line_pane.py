"""`LinePane`: the list widget behind the three panes.

It draws only the lines on screen (render_line), asking its items for their lines as
needed, so a pane over a million clauses costs what the screen shows, and every move of
the cursor (G, a page, a jump from n or the palette) looks at the items on screen only.
Textual's OptionList, DataTable and Tree measure every row up front (12–16 s at 100,000
rows), which is why they are not used here.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.color import Color as RichColor
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui.colors import legible_color
from tui.render import StyledLine

MIN_SECONDARY_CONTRAST = 3.0
"""Dim text (counts, meta lines) stays this readable on its background."""


class LinePane(Widget, can_focus=True):
    """A vertical list of items of one or more lines, with a cursor, drawn line by line."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", id="cursor-down", show=False,
                tooltip="move down (through a long clause, a screen at a time)"),
        Binding("k,up", "cursor_up", "Up", id="cursor-up", show=False, tooltip="move up"),
        Binding("g,home", "cursor_first", "Top", id="top", show=False, tooltip="first item"),
        Binding("G,end", "cursor_last", "Bottom", id="bottom", show=False, tooltip="last item"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", id="page-down", show=False, tooltip="a page down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", id="page-up", show=False, tooltip="a page up"),
    ]
    COMPONENT_CLASSES = {
        "pane--cursor", "pane--cursor-blurred", "pane--dim", "pane--match", "pane--accent", "pane--mark",
        "pane--badge", "pane--title", "pane--validity",
    }

    cursor: reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the item under the cursor."""

    class ItemMessage(Message):
        """Something happened to an item of a pane (matched by @on with the pane's id)."""

        def __init__(self, pane: LinePane, index: int) -> None:
            super().__init__()
            self.pane = pane
            self.index = index

        @property
        def control(self) -> LinePane:
            return self.pane

    class CursorMoved(ItemMessage):
        """The cursor moved to another item: the panes to the right follow at once."""

    class Activated(ItemMessage):
        """Enter (or a double click) on an item."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.top = 0
        self.skip = 0  # lines of the top item scrolled away: reading a clause taller than the pane
        self._lines_cache: OrderedDict[tuple, list[StyledLine]] = OrderedDict()
        self._frame: list[tuple[int, StyledLine]] | None = None
        self._frame_size: tuple[int, int] = (0, 0)
        self._row_styles: tuple[Style, Style] = (Style(), Style())
        self._palettes: dict[tuple[str, bool], Style] = {}

    # -- to implement

    def item_count(self) -> int:
        return 0

    def item_lines(self, index: int, width: int) -> list[StyledLine]:
        return []

    def item_key(self, index: int) -> object:
        """What the rendering of an item depends on besides its index and the width."""
        return None

    def empty_message(self) -> str:
        return ""

    # -- styles

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self.invalidate(), init=False)

    def on_focus(self) -> None:
        self.invalidate(keep_lines=True)

    def on_blur(self) -> None:
        self.invalidate(keep_lines=True)

    def _row_background(self, on_cursor: bool) -> Color:
        background = self.background_colors[1]
        if on_cursor:
            name = "pane--cursor" if self.has_focus else "pane--cursor-blurred"
            background = background + self.get_component_styles(name).background
        return background

    def style_on(self, name: str, on_cursor: bool = False) -> Style:
        """A component style as a rich Style, its colors blended onto the row they are drawn
        on. (Textual's get_component_rich_style drops the alpha: `$accent 22%` would come
        out as solid accent.)"""
        key = (name, on_cursor)
        style = self._palettes.get(key)
        if style is None:
            styles = self.get_component_styles(name)
            background = self._row_background(on_cursor)
            bgcolor = None
            if styles.has_rule("background"):
                background = background + styles.background
                bgcolor = background.rich_color
            color = None
            if styles.has_rule("color"):
                fg = styles.color
                blended = background + (background.get_contrast_text(fg.a) if fg.auto else fg)
                # Dimmed is fine, unreadable is not: at least 3:1 in every theme.
                color = RichColor.from_rgb(*legible_color(blended.rgb, background.rgb, MIN_SECONDARY_CONTRAST))
            style = self._palettes[key] = Style(color=color, bgcolor=bgcolor) + styles.text_style
        return style

    def style_of(self, name: str) -> Style:
        """A component style off the cursor row."""
        return self.style_on(name)

    def _row_style(self, on_cursor: bool) -> Style:
        base = self.rich_style
        if not on_cursor:
            return base
        name = "pane--cursor" if self.has_focus else "pane--cursor-blurred"
        styles = self.get_component_styles(name)
        return base + Style(bgcolor=self._row_background(True).rich_color) + styles.text_style

    def invalidate(self, keep_lines: bool = False) -> None:
        """Something changed: rebuild the frame (and the item lines unless told not to)."""
        if not keep_lines:
            self._lines_cache.clear()
        self._palettes.clear()
        self._frame = None
        self.refresh()

    # -- cursor

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.item_count() - 1)) if self.item_count() else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self._frame = None
        self.refresh()
        self.announce_cursor()

    def announce_cursor(self) -> None:
        """Post CursorMoved from the pane's own turn. A message made while a parent handles
        another has that parent as its sender, and Textual stops it there: the screen would
        never hear that the clause pane changed when a province or a document did."""
        self.call_later(lambda: self.post_message(self.CursorMoved(self, self.cursor)))

    def set_cursor(self, index: int, announce: bool = True) -> None:
        if announce:
            self.cursor = index
        else:
            self.set_reactive(LinePane.cursor, self.validate_cursor(index))
            self._scroll_to_cursor()
            self.invalidate(keep_lines=True)

    def action_cursor_down(self) -> None:
        """Down one item, or, inside an item taller than the pane, down one screen of it."""
        height = self._height()
        if self.top == self.cursor and self.item_count() and len(self.lines_of(self.cursor)) - self.skip > height:
            self.skip += max(1, height - 2)
            self.invalidate(keep_lines=True)
        elif self.cursor < self.item_count() - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        if self.top == self.cursor and self.skip > 0:
            self.skip = max(0, self.skip - max(1, self._height() - 2))
            self.invalidate(keep_lines=True)
        elif self.cursor > 0:
            self.cursor -= 1

    def action_cursor_first(self) -> None:
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self.cursor = max(0, self.item_count() - 1)

    def action_page_down(self) -> None:
        self.cursor = min(self.item_count() - 1, self.cursor + max(1, self._visible_items() - 1))

    def action_page_up(self) -> None:
        self.cursor = max(0, self.cursor - max(1, self._visible_items() - 1))

    def key_enter(self, event: events.Key) -> None:
        event.stop()  # handled here: left to bubble, it would close the details screen it opens
        if self.item_count():
            self.post_message(self.Activated(self, self.cursor))

    # -- layout

    def _width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def lines_of(self, index: int) -> list[StyledLine]:
        width = self._width()
        key = (index, width, self.item_key(index))
        lines = self._lines_cache.get(key)
        if lines is None:
            lines = self.item_lines(index, width) or [StyledLine("")]
            self._lines_cache[key] = lines
            if len(self._lines_cache) > 2000:
                self._lines_cache.popitem(last=False)
        return lines

    def _visible_items(self) -> int:
        height, used, index = self._height(), 0, self.top
        while index < self.item_count() and used < height:
            used += len(self.lines_of(index))
            index += 1
        return max(1, index - self.top)

    def _scroll_to_cursor(self) -> None:
        """Move the top just enough to show the cursor's item (its start, when it is taller
        than the pane), looking only at the items that end up on screen: a jump from the
        first to the 5,000th clause costs what a step of one does."""
        self.skip = 0
        count = self.item_count()
        if not count:
            self.top = 0
            return
        if not self.size.height:  # not laid out yet: on_resize scrolls once the height is known
            self.top = min(self.top, self.cursor)
            return
        cursor = self.cursor
        if cursor <= self.top:
            self.top = cursor
            return
        height = self._height()
        # The highest top that still shows the cursor's item whole: walk up from it.
        used, first = len(self.lines_of(cursor)), cursor
        while first > self.top and used + len(self.lines_of(first - 1)) <= height:
            first -= 1
            used += len(self.lines_of(first))
        self.top = first

    def _fill_from_top(self) -> None:
        """After the pane grew: bring items back above the top rather than leave blank
        lines under the last one (the cursor staying on screen)."""
        height = self._height()
        used, index = 0, self.top
        while index < self.item_count() and used < height:
            used += len(self.lines_of(index))
            index += 1
        if index < self.item_count():
            return
        used -= self.skip
        while self.top > 0 and used + len(self.lines_of(self.top - 1)) <= height:
            self.top -= 1
            used += len(self.lines_of(self.top))
            self.skip = 0

    def on_resize(self) -> None:
        self._lines_cache.clear()
        self._scroll_to_cursor()
        self._fill_from_top()
        self._frame = None
        self.refresh()

    def _build_frame(self) -> list[tuple[int, StyledLine]]:
        frame: list[tuple[int, StyledLine]] = []
        height = self._height()
        index = self.top
        while index < self.item_count() and len(frame) < height:
            lines = self.lines_of(index)
            if index == self.top:
                lines = lines[self.skip:]
            frame.extend((index, line) for line in lines)
            index += 1
        return frame[:height]

    def render_line(self, y: int) -> Strip:
        width = self._width()
        size = (width, self._height())
        if self._frame is None or self._frame_size != size:
            # A new size may be drawn before on_resize runs: never draw the old wrapping.
            if self._frame_size != size:
                self._frame_size = size
                self._fill_from_top()
            self._frame = self._build_frame()
            self._row_styles = (self._row_style(False), self._row_style(True))  # once per frame, not per line
        base, cursor_row = self._row_styles
        if not self.item_count():
            message = self.empty_message() if y == 1 else ""
            line = StyledLine(" ").add(message, "pane--dim") if message else StyledLine("")
            return line.to_strip(base, width, self.style_of)
        if y >= len(self._frame):
            return Strip.blank(width, base)
        index, line = self._frame[y]
        if index == self.cursor:
            strip = line.to_strip(cursor_row, width, self._cursor_style, legible=True)
        else:
            strip = line.to_strip(base, width, self.style_of)
        return strip.apply_meta({"item": index})

    def _cursor_style(self, name: str) -> Style:
        return self.style_on(name, on_cursor=True)

    # -- mouse

    def on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("item") if event.style else None
        if index is not None:
            self.focus()
            if index == self.cursor and event.chain >= 2:
                self.post_message(self.Activated(self, index))
            else:
                self.cursor = index

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        if self.top < self.item_count() - 1:
            self.top += 1
            self.skip = 0
            if self.cursor < self.top:
                self.set_cursor(self.top)
            self.invalidate(keep_lines=True)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        if self.skip:
            self.skip = 0
            self.invalidate(keep_lines=True)
        elif self.top > 0:
            self.top -= 1
            if self.cursor >= self.top + self._visible_items():
                self.set_cursor(self.top + self._visible_items() - 1)
            self.invalidate(keep_lines=True)
