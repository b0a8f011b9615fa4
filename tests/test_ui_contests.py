"""The Contests area as a resident meets it: register, read the rules, answer with
the keyboard and mouse, watch the countdown, review, submit, see the result, and
pick the attempt up again after the app was closed or the PC lost power."""

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import ui_helpers
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from skillsapp.engine.personal_numbers import check_id_number
from skillsapp.engine.registration import Registration
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _, ngettext
from skillsapp.storage import open_store
from skillsapp.ui.contest.attempt import AttemptScreen, leave_question
from skillsapp.ui.contest.contests import ContestsPage
from skillsapp.ui.contest.registration import RegistrationScreen
from skillsapp.ui.contest.result import ResultScreen
from skillsapp.ui.contest.resume import submitted_message
from skillsapp.ui.contest.rules import RulesScreen

FIXED_NOW = ui_helpers.FIXED_NOW
ui_context = ui_helpers.ui_context  # the fixture: the bundled pack and a learner chosen
largest_text = ui_helpers.largest_text
assert_in_view = ui_helpers.assert_in_view

CONTEST = "tim-hieu-chuyen-doi-so-2026"
ROUND = "tuan-1"
LEFT = Qt.MouseButton.LeftButton
CHILD = Path(__file__).with_name("ui_crash_child.py")
KEYS = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5, Qt.Key.Key_6]


def open_page(qtbot, context) -> ContestsPage:
    page = ContestsPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    return page


def visible_texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


def question_label(index: int, total: int = 20) -> str:
    return _("Question {number} of {total}").format(number=index + 1, total=total)


def register_directly(context, **values):
    contest = context.store.content.contest(CONTEST)
    entry = Registration(
        full_name=values.get("full_name", "Nguyễn Thị Lan"),
        date_of_birth=values.get("date_of_birth", datetime.date(1962, 5, 3)),
        id_number=values.get("id_number"),
        phone=values.get("phone"),
        province_code=None,
        commune_code=None,
        village=None,
        participant_group=None,
    )
    outcome = contest_flow.register(
        context.store, context.profile.id, contest, entry, FIXED_NOW.date()
    )
    assert outcome.errors == []
    return outcome.registration


def start_through_ui(qtbot, context) -> tuple[ContestsPage, AttemptScreen]:
    page = open_page(qtbot, context)
    qtbot.mouseClick(page.round_buttons[(CONTEST, ROUND)], LEFT)
    rules = page.current_screen()
    assert isinstance(rules, RulesScreen)
    qtbot.mouseClick(rules.start_button, LEFT)
    screen = page.current_screen()
    assert isinstance(screen, AttemptScreen)
    return page, screen


def right_positions(attempt, index) -> list[int]:
    slot = attempt.slots[index]
    question = attempt.questions[slot.question_id]
    return [slot.option_order.index(i) for i in question.correct]


def saved_answers(context, screen) -> dict[int, tuple[int, ...]]:
    """What is on disk, read back through a fresh view of the attempt."""
    record = context.store.attempts.get(screen.attempt.record.id)
    return contest_flow.load_attempt(context.store, record).chosen_positions()


@pytest.fixture(autouse=True)
def fixed_draw(monkeypatch):
    """Attempts started through the screens draw with a known seed: with seed 6 the
    first eight questions have one answer and questions 9, 14 and 15 have several.
    A random seed made the multi-answer test fail when a draw had no such question."""
    monkeypatch.setattr(contest_flow.secrets, "randbits", lambda _bits: 6)


def test_register_with_a_wrong_id_then_play_to_the_result(qtbot, ui_context):
    context = ui_context
    page = open_page(qtbot, context)
    assert _("Choose an open round to register and take part.") in visible_texts(page)
    assert QApplication.focusWidget() is page.round_buttons[(CONTEST, ROUND)]
    qtbot.mouseClick(page.round_buttons[(CONTEST, ROUND)], LEFT)
    form = page.current_screen()
    assert isinstance(form, RegistrationScreen)
    # Prefilled from the profile: the name and the year of birth.
    assert form.name_edit.text() == "Nguyễn Thị Lan"
    assert form.year.value() == 1962
    for picker, typed in ((form.day, "3"), (form.month, "5")):
        qtbot.keyClicks(picker, typed)  # a digit on the field opens its list, filtered
        qtbot.keyClick(picker.dialog.search, Qt.Key.Key_Return)
    assert (form.day.value(), form.month.value()) == (3, 5)
    # A number whose 4th digit says "born in the 2000s": shown grouped, refused with its reason.
    qtbot.keyClicks(form.id_edit, "001262012345")
    assert form.id_edit.text() == "001 262 012345"
    qtbot.keyClicks(form.id_edit, "9x")  # a 13th digit and a letter are not taken
    assert form.id_edit.text() == "001 262 012345"
    qtbot.mouseClick(form.save_button, LEFT)
    error = form.fields["id_number"].error
    assert error.isVisible()
    assert error.objectName() == "bad"
    assert error.text() == check_id_number("001262012345", datetime.date(1962, 5, 3))
    assert "1962" in error.text()
    assert not form.fields["full_name"].error.isVisible()
    assert QApplication.focusWidget() is form.id_edit
    assert context.store.registrations.for_profile(context.profile.id, CONTEST) is None

    form.id_edit.selectAll()
    qtbot.keyClick(form.id_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(form.id_edit, "001162012345")
    qtbot.keyClicks(form.phone_edit, "0912 345 678")
    qtbot.mouseClick(form.save_button, LEFT)
    assert not error.isVisible()
    details = form.saved_details.text()
    assert "001******345" in details and "001162012345" not in details
    assert "0912345678" not in details
    saved = context.store.registrations.for_profile(context.profile.id, CONTEST)
    assert (saved.id_number, saved.phone, saved.complete) == ("001162012345", "0912345678", False)
    # The commune is missing, so the person is told they cannot win a prize yet.
    assert _("Commune or ward") in form.prize_note.text()

    qtbot.mouseClick(form.continue_button, LEFT)
    rules = page.current_screen()
    assert isinstance(rules, RulesScreen)
    text = " ".join(label.text() for label in rules.rule_labels)
    assert "20" in text and "15" in text
    assert rules.start_button.isEnabled()
    qtbot.mouseClick(rules.start_button, LEFT)

    screen = page.current_screen()
    assert isinstance(screen, AttemptScreen)
    assert screen.countdown.text() == "15:00"
    assert screen.countdown.objectName() == "countdown"
    for index in range(screen.total):
        assert screen.progress.text() == question_label(index, screen.total)
        shown = screen.attempt.shown(index)
        assert screen.multi_hint.isVisibleTo(screen) == (
            shown.multi and "chọn tất cả" not in shown.question.text.lower()
        )
        for position in right_positions(screen.attempt, index):
            qtbot.keyClick(screen, KEYS[position])
        context.clock.advance(seconds=20)
        qtbot.keyClick(screen, Qt.Key.Key_Return)
    # After the last question: the prediction, made with +/- buttons, read back, confirmed.
    prediction = screen.prediction_view
    assert screen.views.currentWidget() is prediction
    assert prediction.question.text() == _(
        "In your opinion, how many people will answer every question in this round correctly?"
    )
    assert prediction.value() is None
    for step in (10, 10, 1):
        qtbot.mouseClick(prediction.step_buttons[step], LEFT)
    qtbot.mouseClick(prediction.step_buttons[-1], LEFT)
    assert prediction.value() == 20
    qtbot.mouseClick(prediction.next_button, LEFT)
    assert prediction.read_back.text() == ngettext(
        "Your guess: {n} person", "Your guess: {n} people", 20
    ).format(n=20)
    assert context.store.attempts.get(screen.attempt.record.id).prediction is None
    qtbot.keyClick(screen, Qt.Key.Key_Return)  # "Yes, save it" has the focus
    review = screen.review_view
    assert screen.views.currentWidget() is review
    assert review.summary.text() == _("You have answered every question.")
    assert review.unanswered_buttons == []
    qtbot.mouseClick(review.submit_button, LEFT)
    assert screen.views.currentWidget() is screen.confirm_view
    qtbot.mouseClick(screen.confirm_view.yes_button, LEFT)

    result = page.current_screen()
    assert isinstance(result, ResultScreen)
    assert result.score.text() == "20/20"
    assert result.duration.text().endswith("06:40")
    assert result.rank.text() == _("Your rank: waiting for sync.")
    record = context.store.attempts.get(screen.attempt.record.id)
    assert record.submitted and record.score == 20 and record.prediction == 20
    qtbot.mouseClick(result.back_button, LEFT)
    assert page.current_screen() is None
    # One attempt a day: the rules now say so and the start button is off.
    qtbot.mouseClick(page.round_buttons[(CONTEST, ROUND)], LEFT)
    rules = page.current_screen()
    assert not rules.start_button.isEnabled()
    assert rules.reason.text() == "Bạn đã dùng hết lượt thi hôm nay. Mời bạn quay lại vào ngày mai."


def test_countdown_turns_urgent_and_submits_at_zero(qtbot, ui_context):
    register_directly(ui_context)
    page, screen = start_through_ui(qtbot, ui_context)
    qtbot.keyClick(screen, Qt.Key.Key_1)
    ui_context.clock.advance(minutes=13, seconds=30)
    screen.timer.timeout.emit()
    assert screen.countdown.text() == "01:30"
    assert screen.countdown.property("urgent") == "false"
    ui_context.clock.advance(seconds=31)
    screen.timer.timeout.emit()
    assert screen.countdown.text() == "00:59"
    assert screen.countdown.property("urgent") == "true"
    assert page.current_screen() is screen
    ui_context.clock.advance(seconds=59)
    screen.timer.timeout.emit()
    result = page.current_screen()
    assert isinstance(result, ResultScreen)
    assert result.message.text() == "Đã hết giờ. Bài làm của bạn đã được nộp."
    assert result.duration.text().endswith("15:00")
    assert not screen.timer.isActive()
    record = ui_context.store.attempts.get(screen.attempt.record.id)
    assert record.submitted and len(ui_context.store.attempts.answers(record.id)) == 1


def test_answering_after_the_time_is_up_goes_to_the_result(qtbot, ui_context):
    register_directly(ui_context)
    page, screen = start_through_ui(qtbot, ui_context)
    ui_context.clock.advance(minutes=16)  # the timer has not ticked yet (e.g. a sleeping PC)
    qtbot.keyClick(screen, Qt.Key.Key_2)
    result = page.current_screen()
    assert isinstance(result, ResultScreen)
    assert result.message.text() == "Đã hết giờ. Bài làm của bạn đã được nộp."
    assert ui_context.store.attempts.answers(screen.attempt.record.id) == {}


def test_question_map_review_and_confirm(qtbot, ui_context):
    register_directly(ui_context)
    page, screen = start_through_ui(qtbot, ui_context)
    qtbot.keyClick(screen, Qt.Key.Key_1)  # question 1
    qtbot.mouseClick(screen.map.cells[2], LEFT)
    assert screen.progress.text() == question_label(2)
    qtbot.mouseClick(screen.option_buttons[1], LEFT)
    assert saved_answers(ui_context, screen) == {0: (0,), 2: (1,)}
    cells = screen.map.cells
    assert [cells[i].property("answered") for i in range(4)] == ["true", "false", "true", "false"]
    assert cells[2].property("current") == "true"
    assert cells[1].accessibleName() == _("Question {number}, {state}").format(
        number=2, state=_("not answered")
    )
    # Back to question 1 through the map: the saved choice is shown.
    qtbot.mouseClick(cells[0], LEFT)
    assert screen.progress.text() == question_label(0)
    assert [b.isChecked() for b in screen.option_buttons][:2] == [True, False]
    assert not screen.previous_button.isEnabled()
    # Another choice replaces a single answer and adds to a multi-answer one.
    qtbot.keyClick(screen, Qt.Key.Key_3)
    multi = screen.attempt.shown(0).multi
    assert saved_answers(ui_context, screen)[0] == ((0, 2) if multi else (2,))

    qtbot.mouseClick(screen.review_button, LEFT)
    qtbot.keyClicks(screen.prediction_view.number, "3")
    qtbot.mouseClick(screen.prediction_view.next_button, LEFT)
    qtbot.mouseClick(screen.prediction_view.yes_button, LEFT)
    review = screen.review_view
    assert review.summary.text() == _("You have answered {answered} of {total} questions.").format(
        answered=2, total=20
    )
    numbers = [b.text() for b in review.unanswered_buttons][:3]
    assert numbers == [_("Question {number}").format(number=n) for n in (2, 4, 5)]
    assert len(review.unanswered_buttons) == 18
    qtbot.mouseClick(review.unanswered_buttons[2], LEFT)
    assert screen.views.currentWidget() is screen.question_view
    assert screen.progress.text() == question_label(4)

    qtbot.mouseClick(screen.review_button, LEFT)
    qtbot.keyClick(screen, Qt.Key.Key_Return)  # prediction: go on
    qtbot.mouseClick(review.submit_button, LEFT)
    confirm = screen.confirm_view
    assert confirm.warning.text() == ngettext(
        "{n} question is not answered yet.", "{n} questions are not answered yet.", 18
    ).format(n=18)
    # Enter presses the focused button: on "No, go back" it never submits.
    confirm.no_button.setFocus()
    print("FOCUS", QApplication.focusWidget(), confirm.no_button, QApplication.activeWindow())
    qtbot.keyClick(confirm.no_button, Qt.Key.Key_Return)
    assert screen.views.currentWidget() is review
    qtbot.mouseClick(review.submit_button, LEFT)
    qtbot.mouseClick(confirm.no_button, LEFT)
    assert screen.views.currentWidget() is review
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert screen.views.currentWidget() is screen.question_view
    assert not ui_context.store.attempts.get(screen.attempt.record.id).submitted


def test_multi_answer_questions_toggle_each_choice(qtbot, ui_context):
    register_directly(ui_context)
    page, screen = start_through_ui(qtbot, ui_context)
    index = next(i for i in range(screen.total) if screen.attempt.shown(i).multi)
    qtbot.mouseClick(screen.map.cells[index], LEFT)
    qtbot.keyClick(screen, Qt.Key.Key_1)
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert saved_answers(ui_context, screen)[index] == (0, 1)
    qtbot.keyClick(screen, Qt.Key.Key_1)
    assert saved_answers(ui_context, screen)[index] == (1,)
    assert [b.isChecked() for b in screen.option_buttons][:2] == [False, True]


def test_resume_after_the_app_was_restarted(qtbot, ui_context):
    context = ui_context
    register_directly(context)
    page, screen = start_through_ui(qtbot, context)
    attempt_id = screen.attempt.record.id
    chosen = {}
    for index in range(3):
        qtbot.keyClick(screen, KEYS[index])
        chosen[index] = (index,)
        context.clock.advance(minutes=2)
        qtbot.keyClick(screen, Qt.Key.Key_Return)
    # The app closes; later it starts again on the same data.
    page.close()
    page.deleteLater()
    context.store.close()
    context.store = open_store(context.paths)
    context.clock.advance(minutes=1, seconds=48)  # 7:48 since the start
    page = open_page(qtbot, context)
    assert len(page.resume_offers) == 1
    offer = page.resume_offers[0]
    assert offer.remaining.text() == _("You have {time} left to continue.").format(time="07:12")
    qtbot.mouseClick(offer.resume_button, LEFT)
    screen = page.current_screen()
    assert isinstance(screen, AttemptScreen) and screen.attempt.record.id == attempt_id
    assert screen.countdown.text() == "07:12"
    assert screen.answers == chosen
    assert screen.progress.text() == question_label(3)  # the first unanswered question
    qtbot.mouseClick(screen.map.cells[1], LEFT)
    assert [b.isChecked() for b in screen.option_buttons][:3] == [False, True, False]


def test_attempt_that_ran_out_while_closed_is_reported(qtbot, ui_context):
    registration = register_directly(ui_context)
    contest = ui_context.store.content.contest(CONTEST)
    attempt = contest_flow.start_attempt(
        ui_context.store, registration, contest, contest.round(ROUND), FIXED_NOW, seed=7
    )
    attempt.answer(0, right_positions(attempt, 0), FIXED_NOW)
    ui_context.clock.advance(minutes=40)
    page = open_page(qtbot, ui_context)
    assert page.resume_offers == []
    notice = page.submitted_notices[0]
    record = ui_context.store.attempts.get(attempt.record.id)
    assert record.submitted
    assert notice.text.text() == submitted_message(ui_context.store, record)
    assert "1/20" in notice.text.text()
    qtbot.mouseClick(notice.result_button, LEFT)
    result = page.current_screen()
    assert isinstance(result, ResultScreen) and result.score.text() == "1/20"
    qtbot.mouseClick(result.back_button, LEFT)
    assert page.submitted_notices == []


def test_without_a_learner_the_page_sends_people_home(qtbot, ui_context):
    ui_context.set_profile(None)
    page = open_page(qtbot, ui_context)
    assert page.round_buttons == {}
    with qtbot.waitSignal(ui_context.navigate) as signal_:
        qtbot.mouseClick(page.home_button, LEFT)
    assert signal_.args == ["home", None]


def test_commune_is_found_by_typing_without_accents(qtbot, ui_context):
    page = open_page(qtbot, ui_context)
    qtbot.mouseClick(page.round_buttons[(CONTEST, ROUND)], LEFT)
    form = page.current_screen()
    assert not form.commune.isEnabled()
    qtbot.mouseClick(form.province, LEFT)
    qtbot.keyClicks(form.province.dialog.search, "ha noi")
    qtbot.keyClick(form.province.dialog.search, Qt.Key.Key_Return)
    assert form.province.value() == "01"
    assert form.commune.isEnabled()
    qtbot.mouseClick(form.commune, LEFT)
    qtbot.keyClicks(form.commune.dialog.search, "hoan kiem")
    assert form.commune.dialog.visible_labels()[0] == "Phường Hoàn Kiếm"
    qtbot.keyClick(form.commune.dialog.search, Qt.Key.Key_Return)
    assert form.commune.text() == "Phường Hoàn Kiếm"
    assert form.entry()[0].commune_code == "00070"
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert page.current_screen() is None


def test_sigkilled_app_offers_the_acknowledged_answers_again(qtbot, ui_context):
    context = ui_context
    register_directly(context)
    context.store.close()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join([str(CHILD.parent.parent), os.environ.get("PYTHONPATH", "")]),
    )
    child = subprocess.Popen(
        [
            sys.executable,
            str(CHILD),
            str(context.paths.root),
            context.profile.id,
            FIXED_NOW.isoformat(),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    acked: dict[int, str] = {}
    pending: dict[int, str] = {}
    attempt_id = None

    def note(line: str) -> None:
        nonlocal attempt_id
        kind, *rest = line.split()
        if kind == "ATTEMPT":
            attempt_id = rest[0]
        elif kind == "WILL":
            pending[int(rest[0])] = rest[1]
        elif kind == "ACK":
            acked[int(rest[0])] = rest[1]
            pending.pop(int(rest[0]), None)

    try:
        assert child.stdout is not None
        acks = 0
        while acks < 5 and (line := child.stdout.readline()):
            note(line)
            acks += line.startswith("ACK")
        os.kill(child.pid, signal.SIGKILL)
        for line in child.stdout.read().splitlines():
            note(line)
        errors = child.stderr.read() if child.stderr else ""
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, errors
    assert attempt_id is not None and len(acked) >= 5

    context.store = open_store(context.paths)
    context.clock.advance(minutes=1)
    page = open_page(qtbot, context)
    assert len(page.resume_offers) == 1
    assert page.resume_offers[0].remaining.text() == _("You have {time} left to continue.").format(
        time="14:00"
    )
    qtbot.mouseClick(page.resume_offers[0].resume_button, LEFT)
    screen = page.current_screen()
    assert screen.attempt.record.id == attempt_id
    restored = {i: ",".join(map(str, p)) for i, p in screen.answers.items()}
    for index, value in acked.items():
        if index in pending:  # killed between the key press and its acknowledgement
            continue
        assert restored.get(index, "-") == value, index


def test_navigation_is_locked_during_an_attempt_and_freed_after_submitting(qtbot, ui_context):
    context = ui_context
    register_directly(context)
    changes = []
    context.navigation_lock_changed.connect(lambda: changes.append(context.navigation_lock))
    page, screen = start_through_ui(qtbot, context)
    assert context.navigation_lock == leave_question()
    assert "bài thi" in context.navigation_lock  # asked in plain Vietnamese
    qtbot.keyClick(screen, Qt.Key.Key_1)
    qtbot.mouseClick(screen.review_button, LEFT)  # "Nộp bài" opens the review first
    if screen.views.currentWidget() is screen.prediction_view:
        qtbot.keyClicks(screen.prediction_view.number, "3")
        qtbot.mouseClick(screen.prediction_view.next_button, LEFT)
        qtbot.mouseClick(screen.prediction_view.yes_button, LEFT)
    assert screen.views.currentWidget() is screen.review_view
    assert context.navigation_lock is not None  # still answering until confirmed
    qtbot.mouseClick(screen.review_view.submit_button, LEFT)
    qtbot.mouseClick(screen.confirm_view.yes_button, LEFT)
    assert isinstance(page.current_screen(), ResultScreen)
    assert context.navigation_lock is None
    assert changes == [leave_question(), None]


def test_leaving_an_attempt_asks_first_and_keeps_it_open(qtbot, ui_context):
    context = ui_context
    register_directly(context)
    page, screen = start_through_ui(qtbot, context)
    qtbot.keyClick(screen, Qt.Key.Key_2)
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    qtbot.mouseClick(screen.leave_button, LEFT)
    assert screen.views.currentWidget() is screen.leave_view
    assert page.current_screen() is screen and context.navigation_lock is not None
    # Enter means "keep answering": the safe choice, back at the same question.
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert screen.views.currentWidget() is screen.question_view
    assert screen.progress.text() == question_label(1)
    qtbot.keyClick(screen, Qt.Key.Key_Escape)  # Escape asks too
    assert screen.views.currentWidget() is screen.leave_view
    qtbot.mouseClick(screen.leave_view.leave_button, LEFT)
    assert page.current_screen() is None
    assert context.navigation_lock is None
    record = context.store.attempts.get(screen.attempt.record.id)
    assert not record.submitted
    # The list offers it again, with the answer kept.
    assert len(page.resume_offers) == 1
    qtbot.mouseClick(page.resume_offers[0].resume_button, LEFT)
    again = page.current_screen()
    assert again.answers == {0: (1,)}
    assert context.navigation_lock == leave_question()


def test_showing_another_area_leaves_the_attempt_open(qtbot, ui_context):
    """The window asked (its job) and the learner chose another area: the clock stops on
    screen, the lock is freed and the attempt can be continued later."""
    from skillsapp.ui.shell.main_window import MainWindow

    context = ui_context
    register_directly(context)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.show_area("contests")
    page = window.page("contests")
    qtbot.mouseClick(page.round_buttons[(CONTEST, ROUND)], LEFT)
    qtbot.mouseClick(page.current_screen().start_button, LEFT)
    screen = page.current_screen()
    assert isinstance(screen, AttemptScreen) and context.navigation_lock
    window.show_area("home")
    assert not screen.timer.isActive()
    assert context.navigation_lock is None
    assert not context.store.attempts.get(screen.attempt.record.id).submitted
    assert len(window.page("home").welcome.resume_offers) == 1  # offered first at home
    window.show_area("contests")
    assert page.current_screen() is None and len(page.resume_offers) == 1


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_attempt_actions_stay_in_view_at_the_largest_text(qtbot, ui_context, largest_text, size):
    context = ui_context
    register_directly(context)
    page = open_page(qtbot, context)
    page.resize(*size)
    qtbot.mouseClick(page.round_buttons[(CONTEST, ROUND)], LEFT)
    rules = page.current_screen()
    qtbot.waitUntil(lambda: rules.start_button.isVisible())
    assert_in_view(rules.start_button, page)
    assert_in_view(rules.back_button, page)
    qtbot.mouseClick(rules.start_button, LEFT)
    screen = page.current_screen()
    for index in (0, 8):  # a plain question, then one with several answers and long options
        qtbot.mouseClick(screen.map.cells[index], LEFT)
        for widget in (
            screen.previous_button,
            screen.review_button,
            screen.next_button,
            screen.leave_button,
        ):
            assert_in_view(widget, page)
        assert_in_view(screen.countdown, page, target=False)
        # The question and its options scroll above the bar instead of pushing it away.
        scroll = screen.question_page.scroll
        assert scroll.isAncestorOf(screen.question_text)
        assert all(scroll.isAncestorOf(b) for b in screen.option_buttons)
        assert all(b.height() >= 44 for b in screen.option_buttons)
        assert screen.question_page.content.width() <= scroll.viewport().width()
    # The map is reachable: scroll to it and use it.
    scroll.ensureWidgetVisible(screen.map.cells[-1])
    qtbot.mouseClick(screen.map.cells[-1], LEFT)
    assert screen.progress.text() == question_label(screen.total - 1)
    screen.show_review()
    assert_in_view(screen.review_view.submit_button, page)
    assert_in_view(screen.review_view.back_button, page)
    qtbot.mouseClick(screen.review_view.submit_button, LEFT)
    assert_in_view(screen.confirm_view.yes_button, page)
    qtbot.mouseClick(screen.confirm_view.yes_button, LEFT)
    assert_in_view(page.current_screen().back_button, page)
