"""Child process for test_ui_contests.py: the real contest screens, offscreen,
answering questions through the UI until the parent SIGKILLs it.

    python ui_crash_child.py DATA_DIR PROFILE_ID NOW_ISO

It opens the Contests area, clicks the open round, starts the attempt and then
presses number keys and Enter like a person would. Before each key press it prints
``WILL <index> <positions>`` and, once the screen's save has returned,
``ACK <index> <positions>`` (the shown positions now chosen), flushing each line.
"""

import datetime
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from skillsapp.paths import DataPaths  # noqa: E402
from skillsapp.settings import Settings  # noqa: E402
from skillsapp.storage import open_store  # noqa: E402
from skillsapp.ui.contest.attempt import NUMBER_KEYS  # noqa: E402
from skillsapp.ui.contest.contests import ContestsPage  # noqa: E402
from skillsapp.ui.shell.context import AppContext  # noqa: E402

KEY_FOR = {position: key for key, position in NUMBER_KEYS.items()}


def positions(screen, index: int) -> str:
    chosen = screen.answers.get(index, ())
    return ",".join(map(str, chosen)) or "-"


def main() -> None:
    data_dir, profile_id, now_iso = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    now = datetime.datetime.fromisoformat(now_iso)
    app = QApplication(sys.argv[:1])
    paths = DataPaths(data_dir)
    context = AppContext(paths, Settings())
    context.clock = lambda: now
    context.set_store(open_store(paths))
    context.set_profile(context.store.profiles.get(profile_id))
    page = ContestsPage(context)
    page.resize(1280, 800)
    page.show()
    QTest.mouseClick(next(iter(page.round_buttons.values())), Qt.MouseButton.LeftButton)
    QTest.mouseClick(page.current_screen().start_button, Qt.MouseButton.LeftButton)
    screen = page.current_screen()
    print(f"ATTEMPT {screen.attempt.record.id}", flush=True)
    step = 0
    while True:
        index = screen.index
        options = len(screen.option_buttons)
        position = (step * 3 + index) % options
        print(f"WILL {index} {position}", flush=True)
        QTest.keyClick(screen, KEY_FOR[position])
        print(f"ACK {index} {positions(screen, index)}", flush=True)
        if index == screen.total - 1:
            screen.show_question(0)
        else:
            QTest.keyClick(screen, Qt.Key.Key_Return)
        app.processEvents()
        step += 1


if __name__ == "__main__":
    main()
