"""Save a PNG of the main window (offscreen or under Xvfb): python tools/screenshot.py OUT.png [area]"""

from __future__ import annotations

import sys
import tempfile

from PySide6.QtWidgets import QApplication

from skillsapp.ui.app import Launcher, prepare_context


def main() -> int:
    out = sys.argv[1]
    area = sys.argv[2] if len(sys.argv) > 2 else "home"
    app = QApplication(sys.argv[:1])
    context = prepare_context(tempfile.mkdtemp(prefix="kns-shot-"), None, print)
    launcher = Launcher(app, context, show_error=print)
    launcher.window.resize(1280, 800)
    launcher.window.show()
    launcher.open_store()
    launcher.window.show_area(area)
    app.processEvents()
    launcher.window.grab().save(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
