"""Tag colors, used by the command line and the app: free text from the user, so only
colors rich understands are applied (and nothing here imports textual)."""

from __future__ import annotations


def safe_color(color: str | None) -> str | None:
    if not color:
        return None
    from rich.color import Color, ColorParseError

    try:
        Color.parse(color)
    except ColorParseError:
        return None
    return color
