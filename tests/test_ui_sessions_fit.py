"""Group sessions on the screens a commune really has: a 1024×768 projector and an old
1024×768 monitor, at the largest text. Nothing is cut or off-screen, the projected text
is as large as fits and never tiny, and the leader's forms never save on a stray Enter."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import ui_helpers
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from skillsapp.flows.group_session import group_quiz_questions
from skillsapp.settings import TEXT_SIZES
from skillsapp.ui.common.widgets import MIN_TARGET
from skillsapp.ui.sessions.checkin import CheckInScreen
from skillsapp.ui.sessions.form import NewSessionForm
from skillsapp.ui.sessions.group_quiz import QuizProjection
from skillsapp.ui.sessions.hub import SessionHub
from skillsapp.ui.sessions.presentation import (
    LARGEST_POINT_SIZE,
    MIN_POINT_SIZE,
    LessonPresentation,
    point_sizes,
)
from skillsapp.ui.sessions.quiz_control import QuizControl
from skillsapp.ui.sessions.report import SessionReportScreen
from skillsapp.ui.sessions.sessions import SessionsPage
from skillsapp.ui.shell.theme import presentation_point_size, style_sheet

ui_context = ui_helpers.ui_context

PROJECTOR = (1024, 768)
# What the main window leaves a screen of the area at 1024×768: the navigation takes
# up to 200 px of the width, the title bar and task bar about 130 px of the height.
AREA = (824, 640)
WIDE_AREA = (1166, 640)  # the same at 1366×768
LEFT = Qt.MouseButton.LeftButton

LONG_QUESTION = (
    "Một người gọi điện tự xưng là công an phường, nói rằng bạn liên quan đến một vụ án "
    "rửa tiền và yêu cầu bạn chuyển tiền vào một tài khoản tạm giữ để phục vụ điều tra. "
    "Bạn nên làm gì?"
)
LONG_OPTIONS = (
    "Chuyển tiền ngay để chứng minh mình vô tội",
    "Cúp máy, gọi lại số điện thoại chính thức của công an phường hoặc gọi 113 để hỏi",
    "Đọc mã OTP cho người đó để họ kiểm tra tài khoản của bạn",
    "Gửi ảnh thẻ căn cước qua Zalo cho người đó để họ xác minh",
)
LONG_EXPLANATION = (
    "Công an không bao giờ yêu cầu người dân chuyển tiền qua điện thoại hay đọc mã OTP. "
    "Khi nhận cuộc gọi như vậy, hãy bình tĩnh cúp máy, không làm theo, rồi gọi lại số chính "
    "thức của công an phường, đến trực tiếp trụ sở, hoặc gọi 113. Báo số điện thoại lừa đảo "
    "qua tổng đài 156 hoặc nhắn tin tới 5656 để người khác không bị lừa. Hãy kể cho người "
    "thân, nhất là ông bà, cha mẹ, về kiểu lừa đảo này."
)


@pytest.fixture(params=TEXT_SIZES)
def sized(request, ui_context, qtbot):
    """Each text size, applied as the app applies it (the app's style sheet)."""
    ui_context.settings.text_size = request.param
    app = QApplication.instance()
    before = app.styleSheet()
    app.setStyleSheet(style_sheet(ui_context.settings.text_scale, False))
    yield ui_context
    app.setStyleSheet(before)


@pytest.fixture
def largest(ui_context, qtbot):
    """The largest text size, applied as the app applies it (the app's style sheet)."""
    ui_context.settings.text_size = "largest"
    app = QApplication.instance()
    before = app.styleSheet()
    app.setStyleSheet(style_sheet(ui_context.settings.text_scale, False))
    yield ui_context
    app.setStyleSheet(before)


def problems(window: QWidget) -> list[str]:
    """What a user would see wrong: a control or text outside the window or outside the
    visible part of its scroll area, a label's text cut, a click target under 44 px."""
    QApplication.processEvents()  # as on screen: the layouts have done their work
    found = []
    frame = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() == 0:
            continue
        if not isinstance(widget, QLabel | QAbstractButton | QComboBox | QLineEdit | QSpinBox):
            continue
        if isinstance(widget.parent(), QAbstractButton | QAbstractSpinBox | QComboBox):
            continue  # the parts of a WrapButton, a spin box or a list: the whole is checked
        name = f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r:.60}"
        box = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        area = _scroll_area_of(widget, window)
        if area is None:
            if not frame.contains(box):
                found.append(f"{name} is outside the window: {box} not in {frame}")
        else:
            viewport = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
            if box.width() > viewport.width():
                found.append(f"{name} is wider than its scroll area")
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                if widget.heightForWidth(widget.width()) > widget.height() + 1:
                    found.append(f"{name} is cut at the bottom")
            else:
                metrics = widget.fontMetrics()
                needed = metrics.boundingRect(QRect(0, 0, 10_000, 10_000), 0, widget.text())
                if needed.width() > widget.contentsRect().width() + 1:
                    found.append(f"{name} is cut at the side")
        target = isinstance(widget, QAbstractButton | QComboBox | QLineEdit | QSpinBox)
        if target and widget.height() < MIN_TARGET:
            found.append(f"{name} is {widget.height()} px high")
        if isinstance(widget, QComboBox) and _combo_cut(widget):
            found.append(f"{name} is too narrow for {widget.currentText()!r}")
    return found


def _combo_cut(combo: QComboBox) -> bool:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) > field.width()


def _scroll_area_of(widget: QWidget, window: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def show_at(qtbot, widget: QWidget, size: tuple[int, int]) -> None:
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()
    assert widget.size().toTuple() == size, "the window grew past the screen"


def make_session(context):
    return context.store.sessions.create(
        datetime.date(2026, 12, 8), "Nhà văn hóa thôn Đông", "Tổ CNSCĐ thôn Đông", "lua-dao", "Bình"
    )


@pytest.fixture
def projection(sized, qtbot):
    window = QuizProjection(sized)
    qtbot.addWidget(window)
    show_at(qtbot, window, PROJECTOR)
    return window


def explanation_size(window: QuizProjection) -> float:
    return window.explanation.font().pointSizeF()


def test_projected_quiz_fits_a_1024x768_projector_at_every_text_size(
    sized, projection, qtbot, tmp_path
):
    question = group_quiz_questions(sized.store, make_session(sized))[0]
    long = dataclasses.replace(
        question, text=LONG_QUESTION, options=LONG_OPTIONS, explanation=LONG_EXPLANATION
    )
    for item in (question, long):
        projection.show_question(item, 0, 5)
        projection.grab().save(str(tmp_path / f"question-{item.id}.png"))
        assert problems(projection) == []
        assert not projection.scrolls() and not projection.more_hint.isVisible()
        assert projection.body_point_size >= MIN_POINT_SIZE

        projection.show_answer(item, [1, 14, 0, 2])
        projection.grab().save(str(tmp_path / f"answer-{item.id}.png"))
        assert problems(projection) == []
        assert not projection.scrolls()
        assert projection.explanation.isVisible()
        assert projection.explanation.text() == item.explanation
        assert explanation_size(projection) >= MIN_POINT_SIZE
        right = [r for r in projection.rows if r.property("result") == "right"]
        assert right and all(r.isVisible() for r in right)
        chart = QRect(projection.chart.mapTo(projection, QPoint(0, 0)), projection.chart.size())
        assert projection.rect().contains(chart) and chart.height() >= 200


def test_projected_text_is_as_large_as_fits_whatever_the_pcs_text_size(ui_context, qtbot):
    ui_context.settings.text_size = "normal"  # the PC's; the room reads from afar
    window = QuizProjection(ui_context)
    qtbot.addWidget(window)
    show_at(qtbot, window, PROJECTOR)
    question = group_quiz_questions(ui_context.store, make_session(ui_context))[0]
    short = dataclasses.replace(
        question,
        text="Mã OTP là gì?",
        options=("Mã khuyến mãi", "Mã xác thực", "Mật khẩu", "Số thẻ"),
    )
    window.show_question(short, 0, 5)
    assert window.body_point_size == LARGEST_POINT_SIZE
    assert window.body_point_size > presentation_point_size(ui_context.settings.text_scale)
    assert problems(window) == []
    # A longer one is set smaller, as large as still fits.
    window.show_question(
        dataclasses.replace(question, text=LONG_QUESTION, options=LONG_OPTIONS), 0, 5
    )
    assert MIN_POINT_SIZE <= window.body_point_size < LARGEST_POINT_SIZE
    sizes = point_sizes(LARGEST_POINT_SIZE)
    larger = sizes[sizes.index(window.body_point_size) - 1]
    window.apply_point_size(larger)
    window.layout().activate()
    assert not window._fits()  # one step larger would not have fitted


def test_an_explanation_too_long_for_the_screen_scrolls_and_says_so(largest, qtbot):
    projection = QuizProjection(largest)
    qtbot.addWidget(projection)
    show_at(qtbot, projection, PROJECTOR)
    question = group_quiz_questions(largest.store, make_session(largest))[0]
    very_long = dataclasses.replace(question, explanation=" ".join([LONG_EXPLANATION] * 3))
    projection.show_question(very_long, 0, 5)
    projection.show_answer(very_long, [0, 3, 0, 0])
    # Never below the smallest size readable from the back of the hall: it scrolls instead.
    assert projection.body_point_size == MIN_POINT_SIZE
    assert explanation_size(projection) >= MIN_POINT_SIZE
    assert projection.scrolls() and projection.more_hint.isVisible()
    bar = projection.scroll_area.verticalScrollBar()
    qtbot.keyClick(projection, Qt.Key.Key_Down)
    assert bar.value() > 0
    for _press in range(20):
        qtbot.keyClick(projection, Qt.Key.Key_Down)
    assert bar.value() == bar.maximum() and not projection.more_hint.isVisible()


def test_projected_lesson_fits_a_1024x768_projector_at_every_text_size(sized, qtbot):
    lesson = next(item for item in sized.store.content.lessons() if item.topic == "lua-dao")
    show = LessonPresentation(sized, lesson)
    qtbot.addWidget(show)
    show_at(qtbot, show, PROJECTOR)
    for index in range(show.total):
        show.show_page(index)
        assert problems(show) == [], f"part {index + 1}"
        assert show.body_point_size >= MIN_POINT_SIZE
        bar = show.view.verticalScrollBar()
        # Either the part fits or the room is told there is more.
        assert bar.maximum() == 0 or show.more_hint.isVisible()
    show.close()


@pytest.mark.parametrize("area", [AREA, WIDE_AREA], ids=["1024x768", "1366x768"])
def test_session_screens_fit_at_every_text_size(sized, qtbot, area):
    session = make_session(sized)
    page = SessionsPage(sized)
    qtbot.addWidget(page)
    show_at(qtbot, page, area)
    assert page.minimumSizeHint().width() <= area[0]

    def check(kind) -> QWidget:
        QApplication.processEvents()
        screen = page.current_screen() or page.stack.currentWidget()
        if kind is not None:
            assert isinstance(screen, kind)
        assert screen.minimumSizeHint().width() <= area[0], type(screen).__name__
        assert problems(page) == [], type(screen).__name__
        return screen

    check(None)  # the list
    page.show_new()
    check(NewSessionForm)
    page.show_session(session.id)
    check(SessionHub)
    page.show_check_in()
    screen = check(CheckInScreen)
    # "Năm sinh: không ghi" was cut: the label and the choice are now whole.
    assert screen.year_label.text() == "Năm sinh:" and screen.year.currentText() == "không ghi"
    assert screen.year_label.isVisible() and screen.year.isVisible()
    page.show_report()
    report = check(SessionReportScreen)
    qtbot.mouseClick(report.end_button, LEFT)
    check(SessionReportScreen)
    page.show_session(session.id)
    page.present_quiz()
    control = check(QuizControl)
    control.reveal()
    check(QuizControl)
    page.presentation.close()


def test_enter_in_the_date_or_topic_never_saves_and_a_saved_session_can_be_corrected(
    ui_context, qtbot
):
    page = SessionsPage(ui_context)
    qtbot.addWidget(page)
    show_at(qtbot, page, AREA)
    qtbot.mouseClick(page.new_button, LEFT)
    form = page.current_screen()
    form.place.setFocus()
    form.place.insert("Nhà văn hóa thôn Đông")
    for field in (form.date, form.topic):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert page.current_screen() is form and ui_context.store.sessions.all() == []
    qtbot.mouseClick(form.create_button, LEFT)
    (session,) = ui_context.store.sessions.all()
    hub = page.current_screen()
    assert isinstance(hub, SessionHub) and hub.edit_button.isVisible()

    # Correct the place (typed over the saved one) and the date; going back first saves nothing.
    qtbot.mouseClick(hub.edit_button, LEFT)
    edit = page.current_screen()
    assert isinstance(edit, NewSessionForm) and edit.place.text() == "Nhà văn hóa thôn Đông"
    assert edit.topic.currentData() == session.topic
    edit.place.selectAll()
    edit.place.insert("Hội trường xã")
    qtbot.mouseClick(edit.cancel_button, LEFT)
    assert ui_context.store.sessions.get(session.id).place == "Nhà văn hóa thôn Đông"
    qtbot.mouseClick(page.current_screen().edit_button, LEFT)
    edit = page.current_screen()
    edit.place.setFocus()
    edit.place.selectAll()
    edit.place.insert("Hội trường xã")
    edit.date.setDate(edit.date.date().addDays(-1))
    qtbot.keyClick(edit.topic, Qt.Key.Key_Return)  # chooses, does not save
    assert ui_context.store.sessions.get(session.id).place == "Nhà văn hóa thôn Đông"
    qtbot.keyClick(edit.place, Qt.Key.Key_Return)
    saved = ui_context.store.sessions.get(session.id)
    assert saved.place == "Hội trường xã" and saved.held_on == datetime.date(2026, 12, 7)
    assert len(ui_context.store.sessions.all()) == 1  # corrected, not a second session
    hub = page.current_screen()
    assert isinstance(hub, SessionHub) and "Hội trường xã" in hub.details.text()

    # Once the quiz was played the topic stays; once ended, the details stay.
    question = group_quiz_questions(ui_context.store, saved)[0]
    ui_context.store.sessions.record_quiz(session.id, question.id, [1, 0, 0, 0])
    qtbot.mouseClick(hub.edit_button, LEFT)
    edit = page.current_screen()
    assert not edit.topic.isEnabled() and edit.topic_note.isVisible()
    qtbot.mouseClick(edit.cancel_button, LEFT)
    ui_context.store.sessions.close(session.id)
    page.show_session(session.id)
    assert not page.current_screen().edit_button.isVisible()


def test_the_quiz_as_the_leader_starts_it_fits_the_projector(largest, qtbot):
    """Built before it is shown, then shown full screen and moved to a 1024×768 projector."""
    session = make_session(largest)
    page = SessionsPage(largest)
    qtbot.addWidget(page)
    show_at(qtbot, page, AREA)
    page.show_session(session.id)
    page.present_quiz()
    projection = page.presentation
    assert projection.isFullScreen()
    assert problems(projection) == [] and not projection.scrolls()
    projection.showNormal()
    projection.resize(*PROJECTOR)
    assert problems(projection) == [] and not projection.scrolls()
    page.current_screen().reveal()
    assert problems(projection) == [] and not projection.scrolls()
    assert projection.body_point_size >= MIN_POINT_SIZE
    projection.close()


TWO_SCREENS = {
    "synchronousWindowSystemEvents": False,
    "windowFrameMargins": False,
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96},
        {"name": "projector", "x": 1366, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96},
    ],
}


def test_with_a_projector_beside_the_laptop_the_quiz_goes_to_the_projector(tmp_path):
    """The counting stays on the laptop only if the projected window is on the projector."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(TWO_SCREENS))
    child = Path(__file__).with_name("sessions_screens_child.py")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        PYTHONPATH=os.pathsep.join([str(child.parent.parent), os.environ.get("PYTHONPATH", "")]),
    )
    done = subprocess.run(
        [sys.executable, str(child), str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    assert "leader laptop 0 0 1366 768" in lines
    assert "projector projector 1366 0 1024 768" in lines
    assert "FITS" in lines


def test_enter_in_the_year_list_chooses_and_never_checks_in(ui_context, qtbot):
    page = SessionsPage(ui_context)
    qtbot.addWidget(page)
    show_at(qtbot, page, AREA)
    session = make_session(ui_context)
    page.show_session(session.id)
    page.show_check_in()
    screen = page.current_screen()
    screen.name.setFocus()
    screen.name.insert("Bùi Văn Tâm")
    screen.year.setFocus()
    qtbot.keyClick(screen.year, Qt.Key.Key_Down)  # the next year in the list
    qtbot.keyClick(screen.year, Qt.Key.Key_Return)
    assert ui_context.store.sessions.attendees(session.id) == []
    assert screen.name.text() == "Bùi Văn Tâm" and screen.year.currentData() is not None
    year = screen.year.currentData()
    qtbot.keyClick(screen.name, Qt.Key.Key_Return)  # Enter in the name adds the person
    ((_id, name),) = ui_context.store.sessions.attendees(session.id)
    assert name == "Bùi Văn Tâm"
    assert ui_context.store.profiles.list("tam")[0].birth_year == year
