"""Screenshots of every main screen, for the README and for looking at what users see.

    xvfb-run -s "-screen 0 1280x800x24" python tools/screenshots.py docs/screenshots
    QT_QPA_PLATFORM=offscreen python tools/screenshots.py docs/screenshots   # no X server

It builds a throwaway installation (the bundled pack, a learner with some
progress, an organiser, a group session), walks the real screens through their
public methods and saves one PNG per screen at 1280x800.
"""

from __future__ import annotations

import datetime
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

NOW = datetime.datetime(2026, 12, 8, 2, 30, tzinfo=datetime.UTC)  # round "tuần 1" is open


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    from skillsapp.content.install import ensure_bundled_content
    from skillsapp.ui.shell.app import Launcher, prepare_context
    from skillsapp.ui.shell.tasks import ImmediateRunner

    context = prepare_context(tempfile.mkdtemp(prefix="kns-shots-"), "vi", print)
    assert context is not None
    context.tasks = ImmediateRunner()
    context.clock = lambda: NOW
    launcher = Launcher(app, context, show_error=print)
    window = launcher.window
    window.resize(1280, 800)
    window.show()
    window.load_icons()
    launcher.open_store()
    store = context.store
    ensure_bundled_content(store)

    def shot(name: str) -> None:
        for _ in range(3):
            app.processEvents()
        window.grab().save(str(out / f"{name}.png"))
        print("saved", out / f"{name}.png")

    for name in ("Nguyễn Thị Lan", "Trần Văn Ba", "Lê Thị Hoa", "Phạm Văn Tư"):
        store.profiles.create(name, birth_year=1960)
    window.show_area("home")
    shot("home")

    learner = store.profiles.list("lan")[0]
    lessons = store.content.lessons()
    for lesson in lessons[:3]:
        store.progress.quiz_result(learner.id, lesson.id, 100.0, passed=True)
    store.progress.reading_at(learner.id, lessons[3].id, 1)
    context.set_profile(learner)
    window.show_area("home")
    shot("welcome")

    window.show_area("lessons")
    shot("lessons")
    lessons_page = window.page("lessons")
    lessons_page.open_lesson(lessons[4].id)
    shot("lesson-reader")
    lessons_page.start_quiz(lessons[4])
    quiz_page = lessons_page.practice
    shot("practice-question")
    if hasattr(quiz_page, "choose"):
        quiz_page.choose(0)
    window.show_area("practice")
    shot("practice")

    window.show_area("contests")
    shot("contests")
    contests_page = window.page("contests")
    contest = store.content.contests()[0]
    round_ = contest.round("tuan-1")
    contests_page.show_registration(contest, round_)
    shot("contest-registration")
    from skillsapp.engine.registration import Registration
    from skillsapp.flows import contest as contest_flow

    outcome = contest_flow.register(
        store,
        learner.id,
        contest,
        Registration(
            "Nguyễn Thị Lan",
            datetime.date(1962, 5, 17),
            "001162012345",
            "0912345678",
            "01",
            "00070",
            "Tổ dân phố 5",
            None,
        ),
        NOW.date(),
    )
    registration = outcome.registration
    contests_page.show_rules(contest, round_, registration)
    shot("contest-rules")
    attempt = contest_flow.start_attempt(store, registration, contest, round_, NOW, seed=7)
    contests_page.show_attempt(attempt)
    shot("contest-question")
    for index in range(attempt.total):
        slot = attempt.slots[index]
        question = attempt.questions[slot.question_id]
        attempt.answer(index, [slot.option_order.index(question.correct[0])], NOW)
    attempt.set_prediction(3)
    record = attempt.submit(NOW + datetime.timedelta(minutes=9))
    contests_page.show_result(record)
    shot("contest-result")

    session = store.sessions.create(
        NOW.date(),
        "Nhà văn hóa thôn Đông",
        "Tổ công nghệ số thôn Đông",
        lessons[4].topic,
        "Trần Văn Ba",
    )
    for profile in store.profiles.list()[:3]:
        store.sessions.check_in(session.id, profile.id)
    window.show_area("sessions")
    window.page("sessions").show_session(session.id)
    shot("session")

    window.show_area("manage")
    shot("manage")
    window.show_area("sync")
    shot("sync")
    window.show_area("progress")
    shot("progress")
    context.update_settings(high_contrast=True)
    window = launcher.window
    window.show_area("home")
    shot("high-contrast")
    context.update_settings(high_contrast=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
