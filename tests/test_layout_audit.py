"""Every screen on a commune PC: 1366×768 and 1024×768, every text size.

Each case opens one screen (or one state of it: the reader's last page, the practice
feedback, the attempt's review…) in the real main window, lays it out at each screen size and
asks :func:`layout_audit.audit` what a resident would meet: the window larger than the
screen, a button out of sight, a target under 44 px, cut text, English left on screen.

The window gets 720 px of height on a 768 px screen (a taskbar and a title bar take the
rest: the issue's limit for the window's minimum height); projector windows are full screen.
On failure the screenshots, with the faulty widgets outlined in red, are written to
``$SKILLSAPP_AUDIT_DIR`` (or a temporary folder) and the message says where.

One window is built per text size and every screen is opened in it in turn, as a user
would move through the app, so the whole audit stays well under two minutes.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from layout_audit import Problem, audit, save_screenshot, settle
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from ui_helpers import FIXED_NOW, ManualClock

from skillsapp.content.install import ensure_bundled_content
from skillsapp.engine.registration import Registration
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _
from skillsapp.paths import DataPaths
from skillsapp.settings import TEXT_SIZES, Settings
from skillsapp.storage import open_store

SCREENS = ((1366, 768), (1024, 768))
WINDOW_HEIGHT = 720  # of a 768 px screen, after the taskbar and the title bar
CONTEST = "tim-hieu-chuyen-doi-so-2026"
ROUND = "tuan-1"
LESSON = "lua-dao"
ORGANISER, PASSWORD = "to-truong", "mat-khau-dai"
LAN, BA, HOA, TU = "Nguyễn Thị Lan", "Trần Văn Ba", "Lê Thị Hoa", "Phạm Văn Tư"


# --- the installation and the window --------------------------------------------------


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    """A data folder with the bundled pack installed, copied for each text size."""
    root = tmp_path_factory.mktemp("audit-template") / "data"
    paths = DataPaths(root)
    paths.ensure()
    store = open_store(paths)
    ensure_bundled_content(store)
    store.close()
    return root


@dataclass
class Env:
    """One installation and its main window at one text size."""

    text_size: str
    root: Path
    app: QApplication
    context: object = None
    window: object = None
    extra: dict[str, object] = field(default_factory=dict)
    others: list[Env] = field(default_factory=list)

    def build(self) -> Env:
        from skillsapp.ui.shell.app import apply_look
        from skillsapp.ui.shell.context import AppContext
        from skillsapp.ui.shell.fonts import load_bundled_font
        from skillsapp.ui.shell.main_window import MainWindow
        from skillsapp.ui.shell.tasks import ImmediateRunner
        from skillsapp.ui.shell.translations import install_qt_translations

        paths = DataPaths(self.root)
        context = AppContext(paths, Settings(text_size=self.text_size))
        context.tasks = ImmediateRunner()
        context.clock = ManualClock(FIXED_NOW)
        family, _problem = load_bundled_font()
        install_qt_translations(context.settings.language)  # as the Launcher does
        apply_look(self.app, context, family)
        context.set_store(open_store(paths))
        self.context = context
        self.window = MainWindow(context)
        self.window.show()
        self.window.load_icons()
        return self

    @property
    def store(self):
        return self.context.store

    def fresh(self, template: Path) -> Env:
        """A second installation with nobody in it yet (first use), next to this one."""
        root = self.root.parent / "first-use" / "data"
        shutil.copytree(template, root)
        other = Env(self.text_size, root, self.app).build()
        self.others.append(other)
        return other

    def profile(self, name: str):
        found = [p for p in self.store.profiles.list() if p.display_name == name]
        return found[0] if found else self.store.profiles.create(name, birth_year=1962)

    def learner(self, name: str):
        profile = self.profile(name)
        if self.context.profile is None or self.context.profile.id != profile.id:
            self.context.set_profile(profile)
        return profile

    def go(self, area: str, argument: object = None) -> QWidget:
        self.context.unlock_navigation()  # an attempt left open must not ask before leaving
        self.window.show_area(area, argument)
        return self.window.page(area)

    def close(self) -> None:
        for env in [self, *self.others]:
            sessions = env.window.page("sessions")
            if sessions.presentation is not None:
                sessions.presentation.close()
            env.context.unlock_navigation()
            for timer in env.window.findChildren(QTimer):
                timer.stop()  # the countdowns must not read a closed store
            env.window.close()
            env.window.deleteLater()
            env.store.close()
        QApplication.processEvents()


@pytest.fixture(scope="module", params=TEXT_SIZES)
def env(request, template, qapp, tmp_path_factory):
    font = qapp.font()
    root = tmp_path_factory.mktemp(f"audit-{request.param}") / "data"
    shutil.copytree(template, root)
    made = Env(request.param, root, qapp).build()
    made.extra["template"] = template
    yield made
    made.close()
    from skillsapp.ui.shell.translations import install_qt_translations

    qapp.setStyleSheet("")  # the next tests expect Qt's own look and strings
    qapp.setFont(font)
    install_qt_translations("en")


# --- the states -----------------------------------------------------------------------
# Each opener puts one screen in one state and returns what to audit: the main window,
# a dialog or a projector window (then "kind" tells how it is sized).


@dataclass(frozen=True)
class Shown:
    widget: QWidget
    kind: str = "window"  # "window", "dialog" or "projector"


def contest(env: Env):
    found = env.store.content.contest(CONTEST)
    return found, found.round(ROUND)


ID_NUMBERS = {LAN: "001162012345", BA: "001062012346", HOA: "001162012347", TU: "001062012348"}


def registered(env: Env, name: str):
    profile = env.learner(name)
    key = f"registration:{name}"
    if key not in env.extra:
        chosen, _round = contest(env)
        outcome = contest_flow.register(
            env.store,
            profile.id,
            chosen,
            Registration(
                name,
                datetime.date(1962, 5, 17),
                ID_NUMBERS[name],
                "0912345678",
                "01",
                "00070",
                "Tổ dân phố 5",
                None,
            ),
            FIXED_NOW.date(),
        )
        assert outcome.errors == [], outcome.errors
        env.extra[key] = outcome.registration
    return env.extra[key]


def running_attempt(env: Env):
    """Trần Văn Ba's attempt, started once and left unfinished."""
    registration = registered(env, BA)
    if "attempt" not in env.extra:
        chosen, round_ = contest(env)
        env.extra["attempt"] = contest_flow.start_attempt(
            env.store, registration, chosen, round_, FIXED_NOW, seed=7
        )
    return env.extra["attempt"]


def attempt_screen(env: Env):
    from skillsapp.ui.contest.attempt import AttemptScreen

    attempt = running_attempt(env)
    page = env.go("contests")
    screen = page.current_screen()
    if not isinstance(screen, AttemptScreen):
        page.show_attempt(attempt)
        screen = page.current_screen()
    screen.show_question(0)
    return screen


def home(env: Env, name: str | None = None):
    if name is None:
        env.context.set_profile(None)
    else:
        env.learner(name)
    return env.go("home")


def first_use(env: Env) -> Env:
    """An installation nobody has used yet: no learner, no organiser."""
    if "fresh" not in env.extra:
        env.extra["fresh"] = env.fresh(env.extra["template"])
    return env.extra["fresh"]


def home_empty(env: Env) -> Shown:
    other = first_use(env)
    other.go("home")
    return Shown(other.window)


def home_profiles(env: Env) -> Shown:
    for name in (LAN, BA, HOA, TU):
        env.profile(name)
    page = home(env)
    page.show_chooser()
    return Shown(env.window)


def new_profile(env: Env) -> Shown:
    home(env).show_new_profile()
    return Shown(env.window)


def welcome(env: Env) -> Shown:
    home(env, LAN)
    return Shown(env.window)


def progress(env: Env) -> Shown:
    env.learner(LAN)
    env.go("progress")
    return Shown(env.window)


def lessons(env: Env) -> Shown:
    env.learner(LAN)
    env.go("lessons").show_library()
    return Shown(env.window)


def reader_at(where: Callable[[int], int]) -> Callable[[Env], Shown]:
    def open_reader(env: Env) -> Shown:
        env.learner(LAN)
        page = env.go("lessons")
        page.open_lesson(LESSON)
        page.reader.show_page(where(page.reader.total))
        return Shown(env.window)

    return open_reader


def practice_question(env: Env) -> Shown:
    env.learner(LAN)
    page = env.go("lessons")
    page.start_quiz(env.store.content.lesson(LESSON))
    return Shown(env.window)


def practice_feedback(env: Env) -> Shown:
    practice_question(env)
    quiz = env.window.page("lessons").practice
    quiz.choose(0)
    quiz.submit_answer()
    return Shown(env.window)


def practice_overview(env: Env) -> Shown:
    env.learner(LAN)
    env.go("practice").show_overview()
    return Shown(env.window)


def contests(env: Env) -> Shown:
    env.learner(LAN)
    env.go("contests").show_list()
    return Shown(env.window)


def registration(env: Env) -> Shown:
    env.learner(TU)
    page = env.go("contests")
    page.show_registration(*contest(env))
    return Shown(env.window)


def registration_edit(env: Env) -> Shown:
    saved = registered(env, LAN)
    page = env.go("contests")
    page.show_registration(*contest(env), saved)
    return Shown(env.window)


def rules(env: Env) -> Shown:
    saved = registered(env, LAN)
    page = env.go("contests")
    page.show_rules(*contest(env), saved)
    return Shown(env.window)


def attempt(env: Env) -> Shown:
    attempt_screen(env)
    return Shown(env.window)


def attempt_step(step: str) -> Callable[[Env], Shown]:
    def open_step(env: Env) -> Shown:
        getattr(attempt_screen(env), step)()
        return Shown(env.window)

    return open_step


def result(env: Env) -> Shown:
    if "result" not in env.extra:
        registration_ = registered(env, HOA)
        chosen, round_ = contest(env)
        done = contest_flow.start_attempt(
            env.store, registration_, chosen, round_, FIXED_NOW, seed=3
        )
        for index in range(done.total):
            slot = done.slots[index]
            question = done.questions[slot.question_id]
            done.answer(index, [slot.option_order.index(question.correct[0])], FIXED_NOW)
        done.set_prediction(3)
        env.extra["result"] = done.submit(FIXED_NOW + datetime.timedelta(minutes=9))
    env.learner(HOA)
    env.go("contests").show_result(env.extra["result"])
    return Shown(env.window)


def resume(env: Env) -> Shown:
    running_attempt(env)
    env.learner(BA)
    page = env.go("contests")
    page.show_list()
    assert page.resume_offers, "the unfinished attempt is offered"
    return Shown(env.window)


def session_id(env: Env) -> str:
    if "session" not in env.extra:
        lesson = env.store.content.lesson(LESSON)
        session = env.store.sessions.create(
            FIXED_NOW.date(),
            "Nhà văn hóa thôn Đông",
            "Tổ công nghệ số thôn Đông",
            lesson.topic,
            "Trần Văn Bình",
        )
        for name in (LAN, BA, HOA):
            env.store.sessions.check_in(session.id, env.profile(name).id)
        env.extra["session"] = session.id
    return env.extra["session"]


def sessions(env: Env) -> Shown:
    session_id(env)
    env.go("sessions").show_list()
    return Shown(env.window)


def session_step(step: str) -> Callable[[Env], Shown]:
    def open_step(env: Env) -> Shown:
        page = env.go("sessions", session_id(env))
        if step:
            getattr(page, step)()
        return Shown(env.window)

    return open_step


def session_new(env: Env) -> Shown:
    env.go("sessions").show_new()
    return Shown(env.window)


def projector(step: str) -> Callable[[Env], Shown]:
    def open_projector(env: Env) -> Shown:
        page = env.go("sessions", session_id(env))
        if step == "lesson":
            page.present_lesson(env.store.content.lesson(LESSON))
        else:
            page.present_quiz()
            control = page.screen  # the leader's counting screen, in the main window
            if step in ("revealed", "leader-revealed"):
                control.entries[0].set_value(3)
                control.entries[1].set_value(12)
                control.reveal()
            if step.startswith("leader"):
                return Shown(env.window)
        return Shown(page.presentation, "projector")

    return open_projector


def phone_game(step: str) -> Callable[[Env], Shown]:
    """A phone game of the session, started from its start screen on a real server (the
    PC's likeliest network, a free port) with a Wi-Fi; one phone joined and answered."""

    def open_game(env: Env) -> Shown:
        import socket

        page = env.go("sessions", session_id(env))
        page.show_phone_start()
        if step == "start":
            return Shown(env.window)
        start = page.screen
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            start.port.setValue(probe.getsockname()[1])
        if step != "lobby-plain":
            start.wifi_name.setText("Nhà văn hóa thôn Đông")
            start.wifi_password.setText("matkhau123")
        start.leaderboard.setChecked(True)
        start.start()
        control = page.screen
        assert type(control).__name__ == "PhoneGameControl", start.error.text()
        game = control.game
        player = game.join("Nguyễn Thị Lan")
        control.poll()
        if step in ("question", "revealed", "board", "end", "leader-revealed"):
            control.forward()
            question = game.snapshot().question
            game.answer(player.id, question.id, [question.correct[0]])
            control.poll()
        if step in ("revealed", "board", "end", "leader-revealed"):
            control.forward()
        if step == "board":
            control.toggle_board()
        if step == "end":
            control.end()
        if step.startswith("leader"):
            return Shown(env.window)
        return Shown(page.presentation, "projector")

    return open_game


def signed_in(env: Env):
    if not env.store.organisers.exist():
        code, _expires = env.store.organisers.issue_setup_code()
        env.store.organisers.create(ORGANISER, PASSWORD, setup_code=code)
    page = env.go("manage")
    if not page.signed_in:
        form = page.sign_in_screen
        form.username.setText(ORGANISER)
        form.password.setText(PASSWORD)
        form.sign_in()
        assert page.signed_in, form.error.text()
    return page


def manage_setup(env: Env) -> Shown:
    other = first_use(env)
    other.go("manage")
    return Shown(other.window)


def manage_sign_in(env: Env) -> Shown:
    if not env.store.organisers.exist():
        code, _expires = env.store.organisers.issue_setup_code()
        env.store.organisers.create(ORGANISER, PASSWORD, setup_code=code)
    page = env.go("manage")
    if page.signed_in:
        page.sign_out()
    return Shown(env.window)


def manage_menu(env: Env) -> Shown:
    signed_in(env).show_menu()
    return Shown(env.window)


def manage_screen(key: str, then: Callable[[Env, QWidget], None] | None = None):
    def open_screen(env: Env) -> Shown:
        page = signed_in(env)
        page.show_screen(key)
        if then is not None:
            then(env, page.current_screen())
        return Shown(env.window)

    return open_screen


def new_contest(env: Env, area) -> None:
    area.show_editor(None)


def edit_contest(env: Env, area) -> None:
    area.show_editor(contest(env)[0])


def round_results(env: Env, area) -> None:
    result(env)  # someone took part, so the table has a row
    signed_in(env).show_screen("contests")
    env.window.page("manage").current_screen().show_round(*contest(env))


def sync_screen(which: str) -> Callable[[Env], Shown]:
    def open_screen(env: Env) -> Shown:
        page = env.go("sync")
        page.show_screen(getattr(page, which))
        return Shown(env.window)

    return open_screen


def settings_dialog(env: Env) -> Shown:
    from skillsapp.ui.shell.settings_dialog import SettingsDialog

    dialog = SettingsDialog(env.context, env.window)
    env.extra.setdefault("dialogs", []).append(dialog)
    dialog.show()
    return Shown(dialog, "dialog")


def about_dialog(env: Env) -> Shown:
    from skillsapp.ui.shell.about import AboutDialog

    dialog = AboutDialog(env.context, env.window)
    env.extra.setdefault("dialogs", []).append(dialog)
    dialog.show()
    return Shown(dialog, "dialog")


STATES: dict[str, Callable[[Env], Shown]] = {
    "home-empty": home_empty,
    "home-profiles": home_profiles,
    "new-profile": new_profile,
    "home-welcome": welcome,
    "progress": progress,
    "lessons": lessons,
    "reader-first": reader_at(lambda total: 0),
    "reader-middle": reader_at(lambda total: total // 2),
    "reader-last": reader_at(lambda total: total - 1),
    "practice-question": practice_question,
    "practice-feedback": practice_feedback,
    "practice-overview": practice_overview,
    "contests": contests,
    "registration": registration,
    "registration-edit": registration_edit,
    "rules": rules,
    "attempt": attempt,
    "prediction": attempt_step("show_prediction"),
    "review": attempt_step("show_review"),
    "confirm": attempt_step("show_confirm"),
    "result": result,
    "resume": resume,
    "sessions": sessions,
    "session-new": session_new,
    "session-hub": session_step(""),
    "check-in": session_step("show_check_in"),
    "session-report": session_step("show_report"),
    "projector-lesson": projector("lesson"),
    "projector-quiz": projector("quiz"),
    "projector-quiz-revealed": projector("revealed"),
    "quiz-leader": projector("leader"),
    "quiz-leader-revealed": projector("leader-revealed"),
    "phone-start": phone_game("start"),
    "phone-projector-lobby": phone_game("lobby"),
    "phone-projector-lobby-plain": phone_game("lobby-plain"),
    "phone-projector-question": phone_game("question"),
    "phone-projector-revealed": phone_game("revealed"),
    "phone-projector-board": phone_game("board"),
    "phone-projector-end": phone_game("end"),
    "phone-leader": phone_game("leader"),
    "phone-leader-revealed": phone_game("leader-revealed"),
    "manage-setup": manage_setup,
    "manage-sign-in": manage_sign_in,
    "manage-menu": manage_menu,
    "manage-contests": manage_screen("contests"),
    "contest-editor-new": manage_screen("contests", new_contest),
    "contest-editor": manage_screen("contests", edit_contest),
    "manage-round": manage_screen("contests", round_results),
    "manage-organisers": manage_screen("organisers"),
    "manage-certificates": manage_screen("certificates"),
    "manage-targets": manage_screen("targets"),
    "manage-content": manage_screen("content"),
    "sync": sync_screen("overview"),
    "sync-enrol": sync_screen("enrol_screen"),
    "sync-usb": sync_screen("usb_screen"),
    "settings": settings_dialog,
    "about": about_dialog,
}


# --- laying out and reporting --------------------------------------------------------------


def place(shown: Shown, width: int, height: int) -> QRect:
    """Size the widget as it would be on a ``width``×``height`` screen; returns the part
    of it that is on screen."""
    widget = shown.widget
    widget.setWindowState(Qt.WindowState.WindowNoState)
    available = height if shown.kind == "projector" else WINDOW_HEIGHT
    if shown.kind == "dialog":
        settle(widget)
        hint = widget.sizeHint().expandedTo(widget.minimumSize())
        widget.resize(min(hint.width(), width), min(hint.height(), available))
    else:
        widget.resize(width, available)
    settle(widget)
    return QRect(0, 0, width, available)


def audit_dir() -> Path:
    chosen = os.environ.get("SKILLSAPP_AUDIT_DIR")
    if chosen:
        return Path(chosen)
    return Path(tempfile.gettempdir()) / "skillsapp-layout-audit"


def check(env: Env, name: str) -> list[str]:
    for width, height in SCREENS:  # from an earlier run: it would show a problem fixed since
        (audit_dir() / f"{name}-{width}x{height}-{env.text_size}.png").unlink(missing_ok=True)
    shown = STATES[name](env)
    settle(shown.widget)
    lines: list[str] = []
    try:
        for width, height in SCREENS:
            visible = place(shown, width, height)
            problems: list[Problem] = audit(shown.widget, visible)
            if problems:
                label = f"{name}-{width}x{height}-{env.text_size}"
                path = save_screenshot(
                    shown.widget, problems, visible, audit_dir() / f"{label}.png"
                )
                lines.append(f"{label}: {len(problems)} problem(s), screenshot {path}")
                lines.extend(f"    {problem}" for problem in problems)
    finally:
        for dialog in env.extra.pop("dialogs", []):
            dialog.close()
            dialog.deleteLater()
        if shown.kind == "projector":
            shown.widget.close()
    return lines


@pytest.mark.parametrize("name", list(STATES))
def test_screen_fits_small_commune_screens(env, name):
    lines = check(env, name)
    assert not lines, "\n" + "\n".join(lines)


def test_the_audit_sees_each_kind_of_problem(qtbot):
    """The checks themselves: a fitting screen passes, each fault is named."""
    from PySide6.QtWidgets import QDateEdit, QLabel, QPushButton

    from skillsapp.ui.common.fields import DateEdit
    from skillsapp.ui.common.widgets import TaskPage, big_button, paragraph

    page = TaskPage()
    qtbot.addWidget(page)
    page.body.addWidget(paragraph("Hãy chọn tên của bạn. " * 5))
    page.add_action(big_button("Trang sau", primary=True))
    page.resize(600, 400)
    page.show()
    settle(page)
    assert audit(page, QRect(0, 0, 600, 400)) == []

    small = QPushButton("Lưu", page.content)
    # 30 px high whatever the app's style sheet says
    small.setStyleSheet("QPushButton { min-height: 30px; max-height: 30px; padding: 0px; }")
    page.body.addWidget(small)
    cut = QLabel("Một dòng chữ rất dài không xuống dòng " * 4, page.content)
    page.body.addWidget(cut)
    english = QLabel(_("Settings"), page.content)  # translated: fine
    english_left = QLabel("Settings", page.content)  # the msgid as it is: not fine
    page.body.addWidget(english)
    page.body.addWidget(english_left)
    below = QPushButton("Nộp bài", page)
    below.setGeometry(10, 390, 200, 56)  # half below the edge, not in the scroll area
    below.show()
    qt_date = QDateEdit(page.content)  # Page Down would move its month by ten
    page.body.addWidget(qt_date)
    calm_date = DateEdit(page.content)
    page.body.addWidget(calm_date)
    settle(page)
    found = {(p.kind, p.widget.split(" ", 1)[0]) for p in audit(page, QRect(0, 0, 600, 400))}
    assert ("keys", "QDateEdit") in found and ("keys", "DateEdit") not in found
    found = {(p.kind, p.widget.split(" ", 1)[-1]) for p in audit(page, QRect(0, 0, 600, 400))}
    assert ("small", "'Lưu'") in found
    assert ("cut", repr(cut.text()[:60]) + "…") in found
    assert ("english", "'Settings'") in found
    assert ("outside", "'Nộp bài'") in found
    assert ("english", repr(_("Settings"))) not in found
    assert not any(kind == "focus" for kind, _w in found)  # the page's own area takes none


def test_the_audit_fails_a_scroll_area_that_tab_stops_on(qtbot):
    """A scroll area that takes the focus itself shows no ring: Shift+Tab from a page's
    first field used to land there (the phone game's start screen), and the focus
    vanished. Every screen's audit checks for one."""
    from PySide6.QtWidgets import QScrollArea

    from skillsapp.ui.common.widgets import TaskPage, big_button

    page = TaskPage()
    qtbot.addWidget(page)
    page.body.addWidget(big_button("Một"))
    page.body.addWidget(QScrollArea(page.content))  # Qt's default: it takes Tab
    page.resize(600, 400)
    page.show()
    settle(page)
    found = [p for p in audit(page, QRect(0, 0, 600, 400)) if p.kind == "focus"]
    assert len(found) == 1 and found[0].widget.startswith("QScrollArea")


def test_the_audit_fails_a_page_that_makes_the_whole_area_scroll(qtbot, tmp_path):
    """The window's safety-net scroll area hides an oversized page; the audit must not."""
    from ui_helpers import make_context

    from skillsapp.ui.common.widgets import TaskPage, big_button
    from skillsapp.ui.shell.main_window import MainWindow

    ui_context = make_context(tmp_path)

    tall = TaskPage()
    tall.body.addWidget(big_button("Một"))
    tall.content.setMinimumHeight(200)
    tall.setMinimumHeight(900)  # as a page that stacks fixed-size parts would
    tall.add_action(big_button("Nộp bài", primary=True))
    window = MainWindow(ui_context, pages={"home": lambda _context: tall})
    window.ask_on_close = False
    qtbot.addWidget(window)
    window.resize(1024, 720)
    window.show()
    settle(window)
    found = [p for p in audit(window, QRect(0, 0, 1024, 720)) if "whole page" in p.detail]
    assert found, [str(p) for p in audit(window, QRect(0, 0, 1024, 720))]
    ui_context.store.close()
