"""Colors: tag colors given by the user, and text kept readable on its background. Used by
the command line and the app, so nothing here imports textual."""

from __future__ import annotations

RGB = tuple[int, int, int]

MIN_CONTRAST = 4.5
"""WCAG AA for body text."""


def safe_color(color: str | None) -> str | None:
    """The color if rich understands it (tag colors are free text from the user), else None."""
    if not color:
        return None
    from rich.color import Color, ColorParseError

    try:
        Color.parse(color)
    except ColorParseError:
        return None
    return color


def luminance(rgb: RGB) -> float:
    """Relative luminance (WCAG 2)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """Contrast ratio between two colors, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def legible_color(foreground: RGB, background: RGB, minimum: float = MIN_CONTRAST) -> RGB:
    """`foreground`, or the nearest color towards white or black (whichever the background
    needs) that reaches `minimum` contrast on `background`: the hue is kept as far as it can
    be. Any background has a color that reaches 4.5."""
    if contrast(foreground, background) >= minimum:
        return foreground
    white, black = (255, 255, 255), (0, 0, 0)
    target = white if contrast(white, background) >= contrast(black, background) else black
    for step in range(1, 21):
        share = step / 20
        mixed = tuple(round(f + (t - f) * share) for f, t in zip(foreground, target))
        if contrast(mixed, background) >= minimum:
            return mixed  # type: ignore[return-value]
    return target
