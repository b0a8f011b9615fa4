"""Icons from qtawesome's Font Awesome 5 Solid set.

qtawesome's default instance loads every bundled icon font (about 17 MB of
memory); we use one set, so we load only that one, once, after the first paint.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon

_font = None
PREFIX = "fa5s"
_FONT_FILES = (
    PREFIX,
    "fontawesome5-solid-webfont-5.15.4.ttf",
    "fontawesome5-solid-webfont-charmap-5.15.4.json",
)


def icon(name: str, color: str, color_on: str | None = None) -> QIcon:
    """``icon("fa5s.home", "#000")``: a Font Awesome 5 Solid icon in ``color``
    (``color_on`` for a checked button, e.g. the selected area)."""
    global _font
    if _font is None:
        from qtawesome.iconic_font import IconicFont

        _font = IconicFont(_FONT_FILES)
    if color_on:
        return _font.icon(name, color=color, color_on=color_on, color_on_active=color_on)
    return _font.icon(name, color=color)
