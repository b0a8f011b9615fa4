"""Icons are drawn from the Font Awesome font without importing qtawesome."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon

from skillsapp.ui.shell.icons import icon


def colours(pixmap) -> set[str]:
    image = pixmap.toImage()
    found = set()
    for x in range(image.width()):
        for y in range(image.height()):
            colour = image.pixelColor(x, y)
            if colour.alpha() == 255:
                found.add(colour.name())
    return found


def test_the_glyph_is_drawn_in_its_colour_and_the_checked_colour(qapp):
    made = icon("fa5s.home", "#123456", color_on="#ff0000")
    assert colours(made.pixmap(QSize(48, 48))) == {"#123456"}
    checked = made.pixmap(QSize(48, 48), QIcon.Mode.Normal, QIcon.State.On)
    assert colours(checked) == {"#ff0000"}
    disabled = made.pixmap(QSize(48, 48), QIcon.Mode.Disabled, QIcon.State.Off)
    assert colours(disabled) == set()  # half-transparent grey, no solid pixel


def test_the_picture_is_the_one_qtawesome_draws(qapp):
    import qtawesome

    for name in ("fa5s.home", "fa5s.trophy", "fa5s.sync-alt"):
        ours = icon(name, "#1a5fb4").pixmap(QSize(40, 40)).toImage()
        theirs = qtawesome.icon(name, color=QColor("#1a5fb4")).pixmap(QSize(40, 40)).toImage()
        assert ours == theirs, name


def test_an_unknown_icon_name_says_which(qapp):
    with pytest.raises(ValueError, match="fa5s.no-such-icon"):
        icon("fa5s.no-such-icon", "#000")
    with pytest.raises(ValueError, match="mdi.home"):
        icon("mdi.home", "#000")


def test_making_icons_does_not_import_qtawesome_or_opengl():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from skillsapp.ui.shell.icons import icon\n"
        "icon('fa5s.home', '#000').pixmap(32, 32)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('qtawesome', 'qtpy', 'PySide6.QtOpenGL'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.stdout.strip() == "[]"


def test_the_packaged_build_finds_the_font_beside_the_app(tmp_path, monkeypatch):
    """PyInstaller copies qtawesome/fonts into the bundle without the qtawesome module."""
    from skillsapp.ui.shell import icons

    real = icons.importlib.util.find_spec
    monkeypatch.setattr(
        icons.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "qtawesome" else real(name, *a),
    )
    monkeypatch.setattr(icons.sys, "_MEIPASS", str(tmp_path), raising=False)
    assert icons.font_folder() == tmp_path / "qtawesome" / "fonts"
    monkeypatch.setattr(icons, "_glyphs", None)
    with pytest.raises(FileNotFoundError, match="fontawesome5-solid"):
        icons._load()  # and says which file is missing when it is not there
