"""UI responsiveness: a scripted 30-question contest on screen, with a 10,000-question
bank installed.

    QT_QPA_PLATFORM=offscreen python tests/bench/ui.py

Prints the time from a key press to the next question being painted (median and
worst; target median <= 50 ms) and the longest stretch the UI thread was busy
in one go, including starting the attempt (target <= 100 ms). The busy time is
measured by a 1 ms heartbeat timer on the UI thread: a gap between two beats is
time the thread spent on something else. Not a test: it prints figures.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from content import write_pack  # noqa: E402

NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)


class Heartbeat:
    """Records the longest gap between beats of a 1 ms timer on the UI thread."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self.beat)
        self.last = 0
        self.gaps: list[tuple[int, str]] = []
        self.label = ""

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.timer.start()

    def beat(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append((now - self.last, self.label))
        self.last = now

    def longest(self) -> tuple[int, str]:
        return max(self.gaps, default=(0, ""))


def pump(app: QApplication, milliseconds: int = 5) -> None:
    deadline = time.perf_counter() + milliseconds / 1000
    while time.perf_counter() < deadline:
        app.processEvents()


def main() -> int:
    app = QApplication(sys.argv[:1])
    from skillsapp.content.install import ensure_bundled_content, install_pack
    from skillsapp.engine.registration import Registration
    from skillsapp.flows import contest as contest_flow
    from skillsapp.ui.contest.attempt import AttemptScreen
    from skillsapp.ui.contest.contests import ContestsPage
    from skillsapp.ui.shell.app import apply_look
    from skillsapp.ui.shell.context import AppContext
    from skillsapp.ui.shell.fonts import load_bundled_font
    from skillsapp.ui.shell.tasks import ImmediateRunner

    work = Path(tempfile.mkdtemp(prefix="kns-bench-ui-"))
    pack = write_pack(work / "pack")
    (pack / "contests").mkdir()
    (pack / "contests" / "thi.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "thi-30-cau",
                "title": "Thi 30 câu",
                "rules": {
                    "questions_per_attempt": 30,
                    "time_limit_minutes": 30,
                    "attempts_per_day": None,
                    "quotas": [{"topic": f"chu-de-{i:02d}", "count": 3} for i in range(10)],
                },
                "rounds": [
                    {
                        "id": "r1",
                        "title": "Vòng 1",
                        "opens": "2026-12-01T00:00:00+07:00",
                        "closes": "2026-12-31T00:00:00+07:00",
                    }
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    from skillsapp.paths import DataPaths
    from skillsapp.settings import Settings
    from skillsapp.storage import open_store

    paths = DataPaths(work / "data")
    paths.ensure()
    store = open_store(paths)
    ensure_bundled_content(store)
    install_pack(store, pack)
    print(f"installed questions: {store.content.question_count():,}")
    store.close()

    # As at a real start: open the store (a fresh connection, empty caches).
    context = AppContext(paths, Settings())
    context.tasks = ImmediateRunner()
    context.clock = lambda: NOW
    family, _problem = load_bundled_font()
    apply_look(app, context, family)
    context.set_store(open_store(paths))
    store = context.store
    from skillsapp.ui.shell.app import warm_question_bank

    warm_question_bank(context)  # as the app does after start, in a worker thread
    profile = store.profiles.create("Người đo")
    context.set_profile(profile)
    contest = store.content.contest("thi-30-cau")
    outcome = contest_flow.register(
        store,
        profile.id,
        contest,
        Registration("Nguyễn Văn Đo", None, None, None, None, None, None, None),
        NOW.date(),
    )
    page = ContestsPage(context)
    page.resize(1280, 800)
    page.show()
    pump(app, 50)

    beat = Heartbeat()
    beat.start()
    beat.label = "start the attempt (draw from the bank)"
    attempt = contest_flow.start_attempt(
        store, outcome.registration, contest, contest.round("r1"), NOW
    )
    page.show_attempt(attempt)
    pump(app, 30)
    screen = page.current_screen()
    assert isinstance(screen, AttemptScreen), screen
    timings = []
    for index in range(screen.total):
        beat.label = f"question {index + 1}"
        expected = screen.progress.text()
        started = time.perf_counter()
        QTest.keyClick(screen, Qt.Key.Key_1)
        QTest.keyClick(screen, Qt.Key.Key_Return)
        if index < screen.total - 1:
            screen.repaint()  # paint now: the figure is press-to-painted
            while screen.progress.text() == expected:
                app.processEvents()
            timings.append(time.perf_counter() - started)
        pump(app, 20)
    beat.timer.stop()
    gap, label = beat.longest()
    print(
        f"questions shown: {len(timings) + 1}; answers saved: {len(store.attempts.answers(attempt.record.id))}"
    )
    print(
        f"key press to next question painted: median {statistics.median(timings) * 1000:.1f} ms, "
        f"worst {max(timings) * 1000:.1f} ms (target median <= 50 ms)"
    )
    print(f"longest busy stretch on the UI thread: {gap} ms during '{label}' (target <= 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
