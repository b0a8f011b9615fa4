"""The bundled Vietnamese font, loaded before any window is shown.

Without it, a PC with no fonts shows every Vietnamese letter as a box.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase

from skillsapp.i18n import _
from skillsapp.paths import font_dir

log = logging.getLogger(__name__)

FAMILY = "Be Vietnam Pro"
FACES = ("Regular", "SemiBold", "Bold")


def font_folder() -> Path:
    return font_dir()


def load_bundled_font(folder: Path | None = None) -> tuple[str | None, str | None]:
    """Register the font faces. Returns (family, problem message or None)."""
    folder = folder or font_folder()
    loaded = 0
    for face in FACES:
        path = folder / f"BeVietnamPro-{face}.ttf"
        if path.exists() and QFontDatabase.addApplicationFont(str(path)) >= 0:
            loaded += 1
    if loaded == 0:
        log.warning("bundled font not found in %s", folder)
        return None, _(
            "The Vietnamese font was not found in {folder}. Text may show as boxes; "
            "reinstall Kỹ Năng Số to fix this."
        ).format(folder=folder)
    return FAMILY, None
