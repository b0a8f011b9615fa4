"""Qt's own strings (dialog buttons, text menus) in the active language.

Qt ships no Vietnamese catalog, so ``locales/qt/qtbase_vi.qm`` is ours
(compiled from ``qtbase_vi.ts`` with ``pyside6-lrelease``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from skillsapp.paths import locales_dir

_installed: list[QTranslator] = []


def install_qt_translations(language: str) -> bool:
    """Load Qt's catalog for ``language``; returns True when one was found."""
    app = QCoreApplication.instance()
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language == "en":
        return True
    translator = QTranslator()
    found = translator.load(f"qtbase_{language}", str(locales_dir() / "qt"))
    if not found:
        found = translator.load(
            f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        )
    if found:
        app.installTranslator(translator)
        _installed.append(translator)
    return found
