"""Child process for test_ui_sessions_fit.py: a PC with two screens (a 1366×768 laptop
and a 1024×768 projector beside it, set up by the parent through Qt's offscreen
platform configuration). It starts the group quiz as a leader does and prints where
each window is, one ``name screen x y width height`` line per window, then ``FITS`` or
``SCROLLS`` for the projected question.

    python sessions_screens_child.py DATA_DIR
"""

import datetime
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow

from skillsapp.content.install import ensure_bundled_content
from skillsapp.paths import DataPaths
from skillsapp.settings import Settings
from skillsapp.storage import open_store
from skillsapp.ui.sessions.sessions import SessionsPage
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.tasks import ImmediateRunner


def where(name: str, widget) -> None:
    box = widget.frameGeometry()
    print(name, widget.screen().name(), box.x(), box.y(), box.width(), box.height(), flush=True)


def main() -> None:
    app = QApplication(sys.argv[:1])
    paths = DataPaths(Path(sys.argv[1]))
    paths.ensure()
    context = AppContext(paths, Settings(text_size="largest"))
    context.set_store(open_store(paths))
    ensure_bundled_content(context.store)
    context.tasks = ImmediateRunner()
    session = context.store.sessions.create(
        datetime.date(2026, 12, 8), "Nhà văn hóa thôn Đông", "", "lua-dao", ""
    )
    window = QMainWindow()
    page = SessionsPage(context)
    window.setCentralWidget(page)
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    window.activateWindow()
    app.processEvents()
    page.show_session(session.id)
    page.present_quiz()
    for _ in range(3):
        app.processEvents()
    where("leader", window)
    where("projector", page.presentation)
    print("SCROLLS" if page.presentation.scrolls() else "FITS", flush=True)
    page.presentation.close()
    context.store.close()


if __name__ == "__main__":
    main()
