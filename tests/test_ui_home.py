"""Choosing or creating a learner profile, the welcome screen and the certificate."""

import datetime

import pytest
import ui_helpers
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import FIXED_NOW, assert_in_view, make_context

from skillsapp.engine.registration import Registration
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _
from skillsapp.storage.progress import DONE
from skillsapp.ui.contest.attempt import AttemptScreen, leave_question
from skillsapp.ui.contest.result import ResultScreen
from skillsapp.ui.contest.resume import submitted_message
from skillsapp.ui.learner.home import HomePage
from skillsapp.ui.learner.progress import ProgressPage
from skillsapp.ui.shell.main_window import MainWindow

largest_text = ui_helpers.largest_text
CONTEST = "tim-hieu-chuyen-doi-so-2026"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def context(tmp_path, qtbot):
    context = make_context(tmp_path)
    yield context
    context.store.close()


@pytest.fixture
def home(context, qtbot):
    page = HomePage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    return page


def test_new_learner_creates_a_profile_with_a_few_clicks(home, context, qtbot):
    assert home.stack.currentWidget() is home.chooser
    assert home.chooser.empty.isVisible()
    qtbot.mouseClick(home.chooser.new_button, Qt.MouseButton.LeftButton)
    form = home.new_profile
    assert home.stack.currentWidget() is form
    form.name.setText(
        "  Nguyễn   Thị Lan "
    )  # QTest cannot type Vietnamese letters; a keyboard layout would
    assert form.year.set_value(1962)
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert context.profile is not None and context.profile.display_name == "Nguyễn Thị Lan"
    assert context.store.profiles.get(context.profile.id).birth_year == 1962
    assert home.stack.currentWidget() is home.welcome
    assert home.welcome.greeting.text() == "Chào Nguyễn Thị Lan!"
    lessons = len(context.store.content.lessons())
    status = home.welcome.status.text()
    assert f"0/{lessons}" in status or f"0 trên {lessons}" in status


def test_empty_name_is_refused_in_place(home, context, qtbot):
    qtbot.mouseClick(home.chooser.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(home.new_profile.save, Qt.MouseButton.LeftButton)
    assert home.new_profile.error.text() == "Vui lòng nhập tên."
    assert context.profile is None and context.store.profiles.list() == []


def test_choosing_an_existing_learner_and_switching(home, context, qtbot):
    context.store.profiles.create("Trần Văn Ba")
    context.store.profiles.create("Lê Thị Tư")
    home.show_chooser()
    names = [b.text() for b in home.chooser.buttons]
    assert names == ["Lê Thị Tư", "Trần Văn Ba"]
    qtbot.mouseClick(home.chooser.buttons[1], Qt.MouseButton.LeftButton)
    assert context.profile.display_name == "Trần Văn Ba"
    qtbot.mouseClick(home.welcome.switch_button, Qt.MouseButton.LeftButton)
    assert context.profile is None and home.stack.currentWidget() is home.chooser


def test_profile_with_pin_asks_for_it(home, context, qtbot):
    context.store.profiles.create("Bác Hai", pin="2468")
    home.show_chooser()
    qtbot.mouseClick(home.chooser.buttons[0], Qt.MouseButton.LeftButton)
    assert home.stack.currentWidget() is home.pin
    qtbot.keyClicks(home.pin.pin, "1111")
    qtbot.keyClick(home.pin.pin, Qt.Key.Key_Return)
    assert context.profile is None and "không đúng" in home.pin.error.text()
    qtbot.keyClicks(home.pin.pin, "2468")
    qtbot.keyClick(home.pin.pin, Qt.Key.Key_Return)
    assert context.profile.display_name == "Bác Hai"


def test_search_appears_with_many_learners_and_ignores_accents(home, context, qtbot):
    for name in ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lân"]:
        context.store.profiles.create(name)
    home.show_chooser()
    assert home.chooser.search.isVisible()
    qtbot.keyClicks(home.chooser.search, "lan")
    assert [b.text() for b in home.chooser.buttons] == ["Lân"]


def test_certificate_after_all_lessons(context, qtbot):
    profile = context.store.profiles.create("Nguyễn Thị Lan")
    context.set_profile(profile)
    page = ProgressPage(context)
    qtbot.addWidget(page)
    page.open()
    assert not page.certificate_button.isEnabled()
    for lesson in context.store.content.lessons():
        context.store.progress.quiz_result(profile.id, lesson.id, 100.0, passed=True)
    assert all(p.status == DONE for p in context.store.progress.all_lessons(profile.id).values())
    page.open()
    assert page.certificate_button.isEnabled()
    qtbot.mouseClick(page.certificate_button, Qt.MouseButton.LeftButton)
    pdf = context.paths.exports / "chung-nhan-nguyen-thi-lan.pdf"
    assert pdf.is_file() and str(pdf) in page.result.text()
    text = " ".join(page_.extract_text() for page_ in PdfReader(pdf).pages)
    assert "Nguyễn Thị Lan" in text
    assert "VNeID và định danh điện tử" in text
    assert "GIẤY CHỨNG NHẬN" in text


def test_new_learner_can_say_where_they_live(home, context, qtbot):
    qtbot.mouseClick(home.chooser.new_button, Qt.MouseButton.LeftButton)
    form = home.new_profile
    form.name.setText("Đỗ Văn Minh")
    assert not form.commune.isEnabled()  # a commune only after its province
    # Real hands: Enter on the province opens its list (never saves), "ha noi" finds Hà Nội.
    form.province.setFocus()
    qtbot.keyClick(form.province, Qt.Key.Key_Return)
    assert context.profile is None and form.province.dialog is not None
    qtbot.keyClicks(form.province.dialog.search, "ha noi")
    assert form.province.dialog.visible_labels() == ["Thành phố Hà Nội"]
    qtbot.keyClick(form.province.dialog.search, Qt.Key.Key_Return)
    assert form.province.value() == "01" and form.commune.isEnabled()
    form.commune.open_list("ba dinh")
    assert form.commune.dialog.visible_labels() == ["Phường Ba Đình"]
    qtbot.keyClick(form.commune.dialog.search, Qt.Key.Key_Return)
    assert context.profile is None  # choosing never submits the form
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    saved = context.store.profiles.get(context.profile.id)
    assert (saved.province_code, saved.commune_code) == ("01", "00004")


def test_an_empty_home_puts_the_focus_on_i_am_new_so_enter_starts(home, context, qtbot):
    home.chooser.refresh()
    assert (
        home.chooser.new_button.hasFocus() or QApplication.focusWidget() is home.chooser.new_button
    )
    qtbot.keyClick(home.chooser.new_button, Qt.Key.Key_Return)
    assert home.stack.currentWidget() is home.new_profile


def start_contest_attempt(context, profile):
    """Register ``profile`` and start an attempt in the open round, as the contest screens do."""
    contest = context.store.content.contest(CONTEST)
    entry = Registration(
        full_name=profile.display_name,
        date_of_birth=datetime.date(1962, 5, 3),
        id_number=None,
        phone=None,
        province_code=None,
        commune_code=None,
        village=None,
        participant_group=None,
    )
    outcome = contest_flow.register(context.store, profile.id, contest, entry, FIXED_NOW.date())
    return contest_flow.start_attempt(
        context.store, outcome.registration, contest, contest.round("tuan-1"), FIXED_NOW, seed=7
    )


def restart(context, tmp_path, qtbot, minutes: float) -> tuple[object, MainWindow]:
    """Close the app (or lose power) and start it again ``minutes`` later, on the same data."""
    context.store.close()
    later = make_context(tmp_path)
    later.clock.advance(minutes=minutes)
    window = MainWindow(later)
    # The window is closed at teardown, perhaps mid-attempt: no question may block the test.
    window.ask_on_close = False
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return later, window


def choose_learner(window, qtbot, name: str):
    home = window.page("home")
    assert window.current_area() == "home" and home.stack.currentWidget() is home.chooser
    button = next(b for b in home.chooser.buttons if b.text() == name)
    qtbot.mouseClick(button, LEFT)
    assert home.stack.currentWidget() is home.welcome
    return home.welcome


def test_restart_shows_the_unfinished_attempt_first_and_one_click_continues_it(
    context, tmp_path, qtbot
):
    lan = context.store.profiles.create("Nguyễn Thị Lan", birth_year=1962)
    context.store.profiles.create("Trần Văn Ba")
    attempt = start_contest_attempt(context, lan)
    for index in range(3):
        attempt.answer(index, [index], FIXED_NOW + datetime.timedelta(minutes=index))
    context, window = restart(context, tmp_path, qtbot, minutes=7.8)  # 7:48 after the start

    welcome = choose_learner(window, qtbot, "Nguyễn Thị Lan")
    assert len(welcome.resume_offers) == 1
    offer = welcome.resume_offers[0]
    assert offer.isVisible()
    # First on the page: above the greeting and the lessons.
    assert offer.geometry().top() < welcome.greeting.geometry().top()
    assert offer.remaining.text() == _("You have {time} left to continue.").format(time="07:12")
    context.clock.advance(seconds=2)
    offer.tick()  # the clock ran on while the home page was shown
    assert offer.remaining.text() == _("You have {time} left to continue.").format(time="07:10")

    assert offer.resume_button.hasFocus()
    qtbot.mouseClick(offer.resume_button, LEFT)
    assert window.current_area() == "contests"
    screen = window.page("contests").current_screen()
    assert isinstance(screen, AttemptScreen) and screen.isVisible()
    assert screen.attempt.record.id == attempt.record.id
    assert screen.countdown.text() == "07:10"
    assert screen.answers == {0: (0,), 1: (1,), 2: (2,)}
    assert screen.progress.text() == _("Question {number} of {total}").format(number=4, total=20)
    qtbot.mouseClick(screen.map.cells[1], LEFT)
    assert [b.isChecked() for b in screen.option_buttons][:3] == [False, True, False]
    assert context.navigation_lock == leave_question()


def test_an_attempt_whose_time_ran_out_while_closed_is_submitted_and_home_says_so(
    context, tmp_path, qtbot
):
    lan = context.store.profiles.create("Nguyễn Thị Lan", birth_year=1962)
    attempt = start_contest_attempt(context, lan)
    slot = attempt.slots[0]
    right = [slot.option_order.index(i) for i in attempt.questions[slot.question_id].correct]
    attempt.answer(0, right, FIXED_NOW)
    context, window = restart(context, tmp_path, qtbot, minutes=40)

    welcome = choose_learner(window, qtbot, "Nguyễn Thị Lan")
    record = context.store.attempts.get(attempt.record.id)
    # Submitted at once, stamped at the moment its time ran out (so it counts in its round).
    assert record.submitted and record.submitted_at == attempt.record.deadline_at
    assert welcome.resume_offers == []
    notice = welcome.submitted_notices[0]
    assert notice.isVisible()
    assert notice.text.text() == submitted_message(context.store, record)
    assert "1/20" in notice.text.text()
    assert context.navigation_lock is None
    qtbot.mouseClick(notice.result_button, LEFT)
    assert window.current_area() == "contests"
    result = window.page("contests").current_screen()
    assert isinstance(result, ResultScreen) and result.score.text() == "1/20"
    window.show_area("home")
    assert welcome.submitted_notices == []  # told once, then out of the way


def test_time_running_out_while_the_home_page_shows_the_card_submits_it(context, tmp_path, qtbot):
    lan = context.store.profiles.create("Nguyễn Thị Lan", birth_year=1962)
    attempt = start_contest_attempt(context, lan)
    context, window = restart(context, tmp_path, qtbot, minutes=14)
    welcome = choose_learner(window, qtbot, "Nguyễn Thị Lan")
    offer = welcome.resume_offers[0]
    assert offer.timer.isActive()  # counting down on screen
    context.clock.advance(minutes=1, seconds=1)
    offer.tick()
    assert welcome.resume_offers == []
    assert context.store.attempts.get(attempt.record.id).submitted
    assert welcome.submitted_notices[0].isVisible()
    qtbot.mouseClick(welcome.submitted_notices[0].ok_button, LEFT)
    assert welcome.submitted_notices == []


def test_a_new_learner_starts_and_a_returning_one_continues(home, context, qtbot):
    qtbot.mouseClick(home.chooser.new_button, LEFT)
    qtbot.keyClicks(home.new_profile.name, "Tran Van Ba")
    qtbot.keyClick(home.new_profile.name, Qt.Key.Key_Return)
    welcome = home.welcome
    first = context.store.content.lessons()[0]
    assert welcome.continue_button.text() == _("Start: {lesson}").format(lesson=first.title)
    assert welcome.continue_button.text().startswith("Bắt đầu")
    assert "Học tiếp" not in welcome.continue_button.text()
    start_contest_attempt(context, context.profile)  # a contest is not a lesson begun
    home.open()
    assert len(welcome.resume_offers) == 1
    assert welcome.continue_button.text().startswith("Bắt đầu")
    context.store.progress.reading_at(context.profile.id, first.id, 2)  # read two pages
    home.open()
    assert welcome.continue_button.text() == _("Continue: {lesson}").format(lesson=first.title)
    assert welcome.continue_button.text().startswith("Học tiếp")


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_new_profile_buttons_sit_apart_in_view_at_the_largest_text(
    context, qtbot, largest_text, size
):
    home = HomePage(context)
    qtbot.addWidget(home)
    home.resize(*size)
    home.show()
    assert_in_view(home.chooser.new_button, home)
    qtbot.mouseClick(home.chooser.new_button, LEFT)
    form = home.new_profile
    qtbot.waitUntil(lambda: form.save.isVisible())
    assert_in_view(form.save, home)
    assert_in_view(form.back_button, home)
    assert not form.save.geometry().intersects(form.back_button.geometry())
    assert form.content.width() <= form.scroll.viewport().width()  # nothing cut on the right
    qtbot.mouseClick(form.save, LEFT)  # no name yet: the error shows, the buttons stay
    assert form.error.text() and form.error.visibleRegion().boundingRect().height() > 0
    qtbot.mouseClick(form.back_button, LEFT)
    assert home.stack.currentWidget() is home.chooser
