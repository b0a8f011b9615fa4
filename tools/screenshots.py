"""Screenshots of the main screens as a commune PC shows them, for the README and for
looking at what users see.

    python tools/screenshots.py docs/screenshots --xvfb          # both sizes, no window manager
    python tools/screenshots.py docs/screenshots --xvfb --wm     # both sizes, under openbox

``--xvfb`` starts a virtual X screen of each size in turn (Xvfb, and openbox with ``--wm``),
and runs this script on it with the real xcb platform: a 1366×768 laptop at the default
text size, and a 1024×768 monitor at the largest. The files say the size and text size:
``home-1366x768-large.png``, ``home-1024x768-largest.png``. Under a window manager the
picture is the whole screen (title bar, what is cut off at the bottom edge); without one, the
window fills the screen as a maximised window would.

Without ``--xvfb`` it shoots on the current display (or offscreen) at one size::

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py /tmp/shots --size 1024x768 --text-size largest

It builds a throwaway installation (the bundled pack, four learners, one with some progress,
an organiser, a group session) and walks the real screens through their public methods.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOW = datetime.datetime(2026, 12, 8, 2, 30, tzinfo=datetime.UTC)  # round "tuần 1" is open
# A fresh install before the sample contest's first round: only the trial contest is open.
BEFORE_FIRST_ROUND = datetime.datetime(2026, 12, 2, 2, 30, tzinfo=datetime.UTC)
# The screens a commune PC has, and the text size to show on each.
CONFIGURATIONS = (((1366, 768), "large"), ((1024, 768), "largest"))
DISPLAY = ":57"  # the virtual screen's number; --display changes it
LEARNERS = ("Nguyễn Thị Lan", "Trần Văn Ba", "Lê Thị Hoa", "Phạm Văn Tư")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="docs/screenshots", help="folder for the PNGs")
    parser.add_argument("--xvfb", action="store_true", help="run on virtual screens of each size")
    parser.add_argument("--wm", action="store_true", help="with --xvfb: under openbox")
    parser.add_argument("--display", default=DISPLAY, help="with --xvfb: the X display to use")
    parser.add_argument("--size", help="WIDTHxHEIGHT of the screen (default: the screen's own)")
    parser.add_argument("--text-size", default="large", help="normal, large, larger or largest")
    return parser.parse_args(argv)


# --- the virtual screens ----------------------------------------------------------------


def wait_for_display(display: str, seconds: float = 10.0) -> None:
    socket = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
    deadline = time.monotonic() + seconds
    while not socket.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"Xvfb did not start on {display}")
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_on_virtual_screens(args: argparse.Namespace) -> int:
    """Each configuration on its own Xvfb screen (and openbox), one after the other."""
    if shutil.which("Xvfb") is None:
        print("Xvfb is not installed (apt-get install xvfb).", file=sys.stderr)
        return 2
    if args.wm and shutil.which("openbox") is None:
        print("openbox is not installed (apt-get install openbox).", file=sys.stderr)
        return 2
    failures = 0
    for (width, height), text_size in CONFIGURATIONS:
        server = subprocess.Popen(
            ["Xvfb", args.display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        helpers: list[subprocess.Popen] = []
        try:
            wait_for_display(args.display)
            env = dict(os.environ, DISPLAY=args.display, QT_QPA_PLATFORM="xcb")
            if args.wm:
                helpers.append(
                    subprocess.Popen(
                        ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                    )
                )
                time.sleep(1.0)  # openbox takes over the screen before the window maps
            command = [sys.executable, __file__, args.out, "--size", f"{width}x{height}"]
            command += ["--text-size", text_size]
            failures += subprocess.call(command, env=env) != 0
        finally:
            for helper in helpers:
                stop(helper)
            stop(server)
    return 1 if failures else 0


# --- the screens ----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.xvfb:
        return run_on_virtual_screens(args)
    from PySide6.QtCore import QRect
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    from skillsapp.engine.registration import Registration
    from skillsapp.flows import contest as contest_flow
    from skillsapp.ui.shell.app import Launcher, prepare_context
    from skillsapp.ui.shell.tasks import ImmediateRunner

    screen = app.primaryScreen()
    if args.size:
        width, height = (int(n) for n in args.size.lower().split("x"))
    else:
        width, height = screen.size().width(), screen.size().height()
    real_screen = QApplication.platformName() == "xcb"
    suffix = f"{width}x{height}-{args.text_size}"

    context = prepare_context(tempfile.mkdtemp(prefix="kns-shots-"), "vi", print)
    assert context is not None
    context.settings.text_size = args.text_size
    context.tasks = ImmediateRunner()
    clock = {"now": NOW}
    context.clock = lambda: clock["now"]
    launcher = Launcher(app, context, show_error=print)

    def window():
        return launcher.window  # rebuilt when the language changes

    window().show()
    window().showMaximized()  # what the app does on a first run
    window().load_icons()
    launcher.open_store()  # also installs the bundled pack (at once, with ImmediateRunner)
    QTest.qWait(300)
    area = screen.availableGeometry() if real_screen else QRect(0, 0, width, height)
    frame = window().frameGeometry()
    if (
        not real_screen
        or abs(frame.width() - area.width()) > 40
        or frame.height() < area.height() - 80
    ):
        # No window manager maximised it: fill the screen as a maximised window would.
        window().showNormal()
        window().setGeometry(area)
    store = context.store

    def shot(name: str) -> None:
        QTest.qWait(200 if real_screen else 20)
        path = out / f"{name}-{suffix}.png"
        # On a real screen, the whole screen: what a window taller than it loses is not there.
        picture = screen.grabWindow(0) if real_screen else window().grab(QRect(0, 0, width, height))
        picture.save(str(path))
        print("saved", path, f"(window {window().width()}x{window().height()})")

    for name in LEARNERS:
        store.profiles.create(name, birth_year=1960)
    window().show_area("home")
    window().page("home").show_chooser()  # the list is read when it is shown
    shot("home")

    learner = store.profiles.list("lan")[0]
    lessons = store.content.lessons()
    for lesson in lessons[:3]:
        store.progress.quiz_result(learner.id, lesson.id, 100.0, passed=True)
    store.progress.reading_at(learner.id, lessons[3].id, 1)
    context.set_profile(learner)
    window().show_area("home")
    shot("welcome")

    window().show_area("lessons")
    shot("lessons")
    lessons_page = window().page("lessons")
    lessons_page.open_lesson(lessons[4].id)
    shot("lesson-reader")
    lessons_page.start_quiz(lessons[4])
    shot("practice-question")
    lessons_page.practice.choose(0)
    lessons_page.practice.submit_answer()
    shot("practice-feedback")
    window().show_area("practice")
    shot("practice")

    clock["now"] = BEFORE_FIRST_ROUND
    window().show_area("contests")
    window().page("contests").show_list()
    shot("contests-before-first-round")
    clock["now"] = NOW
    window().page("contests").show_list()
    shot("contests")
    contests_page = window().page("contests")
    contest = store.content.contest("tim-hieu-chuyen-doi-so-2026")
    round_ = contest.round("tuan-1")
    contests_page.show_registration(contest, round_)
    shot("contest-registration")
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
    context.unlock_navigation()
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
    window().show_area("sessions", session.id)
    shot("session")
    phone_game_shots(window().page("sessions"), shot, screen, out, suffix, real_screen)

    window().show_area("manage")
    shot("manage")
    window().show_area("sync")
    shot("sync")
    window().show_area("progress")
    shot("progress")
    context.update_settings(high_contrast=True)
    window().show_area("home")
    shot("high-contrast")
    context.update_settings(high_contrast=False)
    store.close()
    return 0


def phone_game_shots(page, shot, screen, out: Path, suffix: str, real_screen: bool) -> None:
    """The phone game: its start screen, then a real server on a free port with four
    phones joined; the leader's screen and the projector in each step."""
    import socket

    from PySide6.QtTest import QTest

    page.show_phone_start()
    start = page.current_screen()
    start.wifi_name.setText("Nhà văn hóa thôn Đông")
    start.wifi_password.setText("thondong2026")
    start.leaderboard.setChecked(True)
    shot("phone-start")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        start.port.setValue(probe.getsockname()[1])
    start.start()
    control = page.current_screen()
    projection = page.presentation
    game = control.game
    players = [game.join(name) for name in LEARNERS]
    control.poll()

    def projector(name: str) -> None:
        projection.present()
        QTest.qWait(300 if real_screen else 20)
        path = out / f"{name}-{suffix}.png"
        picture = screen.grabWindow(0) if real_screen else projection.grab()
        picture.save(str(path))
        print("saved", path, f"(projector {projection.width()}x{projection.height()})")
        projection.hide()  # the leader's screen under it, for the next shot

    def leader(name: str) -> None:
        projection.hide()
        shot(name)

    projector("phone-projector-lobby")
    leader("phone-leader-lobby")
    control.forward()
    question = game.snapshot().question
    for number, player in enumerate(players[:3]):
        right = question.correct[0]
        game.answer(player.id, question.id, [right if number < 2 else (right + 1) % 4])
    control.poll()
    projector("phone-projector-question")
    leader("phone-leader-question")
    control.forward()
    projector("phone-projector-revealed")
    leader("phone-leader-revealed")
    control.toggle_board()
    projector("phone-projector-leaderboard")
    control.end()
    projector("phone-projector-end")
    control.finished.emit()  # back to the session: the server has stopped


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
