"""Icons from the Font Awesome 5 Solid font that the qtawesome package ships.

The glyphs are drawn the way qtawesome draws them (the glyph at 7/8 of the icon's height,
centred, in the given colour; grey when disabled), but without importing qtawesome: its
import pulls in qtpy, which loads PySide6's OpenGL modules and wraps every Qt enum, and
costs about 15 MiB of memory and 0.3–0.6 s (measured with tests/bench/startup.py
--verbose). Only the font and its name-to-character map are read, once, on first use.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QIconEngine, QPainter, QPixmap

PREFIX = "fa5s"
FONT_FILE = "fontawesome5-solid-webfont-5.15.4.ttf"
CHARMAP_FILE = "fontawesome5-solid-webfont-charmap-5.15.4.json"
DISABLED = QColor(150, 150, 150, 150)

_glyphs: tuple[str, dict[str, int]] | None = None  # (font family, icon name -> code point)


def font_folder() -> Path:
    """qtawesome's fonts folder, found without importing qtawesome (in the packaged build
    the files sit under qtawesome/fonts beside the app, see packaging/skillsapp.spec)."""
    spec = importlib.util.find_spec("qtawesome")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0]) / "fonts"
    return Path(getattr(sys, "_MEIPASS", ".")) / "qtawesome" / "fonts"


def _load(folder: Path | None = None) -> tuple[str, dict[str, int]]:
    global _glyphs
    if _glyphs is None:
        folder = folder or font_folder()
        font_id = QFontDatabase.addApplicationFont(str(folder / FONT_FILE))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise FileNotFoundError(f"icon font not found or unreadable: {folder / FONT_FILE}")
        charmap = json.loads((folder / CHARMAP_FILE).read_text(encoding="utf-8"))
        _glyphs = (families[0], {name: int(code, 16) for name, code in charmap.items()})
    return _glyphs


class GlyphEngine(QIconEngine):
    """Paints one glyph at any size: ``color`` normally, ``color_on`` when checked."""

    def __init__(self, family: str, char: str, color: QColor, color_on: QColor) -> None:
        super().__init__()
        self.family, self.char, self.color, self.color_on = family, char, color, color_on

    def paint(self, painter: QPainter, rect: QRect, mode, state) -> None:
        if mode == QIcon.Mode.Disabled:
            colour = DISABLED
        else:
            colour = self.color_on if state == QIcon.State.On else self.color
        font = QFont()
        font.setFamily(self.family)
        font.setStyleName("Solid")
        font.setPixelSize(round(0.875 * rect.height()))
        painter.save()
        painter.setPen(colour)
        painter.setFont(font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self.char)
        painter.restore()

    def pixmap(self, size: QSize, mode, state) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap


def icon(name: str, color: str, color_on: str | None = None) -> QIcon:
    """``icon("fa5s.home", "#000")``: a Font Awesome 5 Solid icon in ``color``
    (``color_on`` for a checked button, e.g. the selected area)."""
    prefix, _dot, glyph = name.partition(".")
    family, charmap = _load()
    if prefix != PREFIX or glyph not in charmap:
        raise ValueError(f"unknown icon {name!r}: only {PREFIX}.* names of Font Awesome 5 Solid")
    off = QColor(color)
    return QIcon(GlyphEngine(family, chr(charmap[glyph]), off, QColor(color_on or color)))
