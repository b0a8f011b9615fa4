"""The main window on the small screens of commune PCs: it fits, it opens where it was left,
it hides the staff areas from residents, and it asks before leaving a contest attempt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from ui_helpers import make_context

from skillsapp.i18n import _
from skillsapp.settings import TEXT_SIZES, load_settings
from skillsapp.ui.common.fields import ComboBox, DateEdit, SpinBox
from skillsapp.ui.common.widgets import MIN_TARGET, OptionButton, TaskPage, big_button
from skillsapp.ui.shell import theme
from skillsapp.ui.shell.app import apply_look, prepare_context
from skillsapp.ui.shell.fonts import load_bundled_font
from skillsapp.ui.shell.main_window import AREAS, MainWindow

LEFT = Qt.MouseButton.LeftButton
ALT = Qt.KeyboardModifier.AltModifier
LOCK = "Bạn đang làm bài thi. Rời khỏi bài?"


@pytest.fixture
def look():
    """Apply a text size and contrast to the whole app; the app's look is put back after."""
    app = QApplication.instance()
    font, sheet = app.font(), app.styleSheet()
    family, _problem = load_bundled_font()

    def apply(context) -> None:
        apply_look(app, context, family)

    yield apply
    app.setFont(font)
    app.setStyleSheet(sheet)


@pytest.fixture
def context(tmp_path, qtbot):
    context = make_context(tmp_path)
    yield context
    context.store.close()


def quiet(window: MainWindow) -> None:
    window.ask_on_close = False  # a test that failed while locked must not hang on a question


def open_window(qtbot, context) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window, before_close_func=quiet)
    window.resize(1024, 720)
    window.show()
    window.activateWindow()
    # Alt+N shortcuts reach only the active window.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def answer_next_dialog(choice: str, seen: list[str]) -> None:
    """Answer the next question the window asks, the way a resident would: ``choice`` is
    "stay" (click the stay button), "escape" (press Esc) or "leave". The texts shown go in
    ``seen``; if no question comes within 5 s, nothing is answered."""
    from skillsapp.ui.shell.leave import LeaveDialog

    timer = QTimer()
    timer.setInterval(10)
    tries = [500]

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        tries[0] -= 1
        if not isinstance(dialog, LeaveDialog) or not dialog.isVisible():
            if tries[0] <= 0:
                timer.stop()
            return
        timer.stop()
        seen.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        seen.append(f"buttons: {dialog.stay_button.text()} | {dialog.leave_button.text()}")
        if choice == "escape":
            from PySide6.QtTest import QTest

            QTest.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            button = dialog.stay_button if choice == "stay" else dialog.leave_button
            assert button.height() >= MIN_TARGET
            button.click()

    timer.timeout.connect(answer)
    timer.start()
    _timers.append(timer)


_timers: list[QTimer] = []  # kept alive until they stop


# --- fit --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", TEXT_SIZES)
def test_window_fits_1024x720_at_every_text_size(qtbot, context, look, size):
    context.settings.text_size = size
    context.settings.show_staff_areas = True
    look(context)
    window = open_window(qtbot, context)
    for area in [*AREAS, "progress"]:
        window.show_area(getattr(area, "key", area))
        qtbot.wait(1)
    window.show_area("home")
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 720, (size, hint)
    window.resize(1024, 720)
    qtbot.wait(1)
    assert window.height() == 720
    # Every navigation button is whole and inside the rail without scrolling, big enough
    # for an unsteady hand, and its label is not cut.
    viewport = window.nav.viewport()
    for button in window.nav.all_buttons():
        if not button.isVisibleTo(window):
            continue
        top = button.mapTo(viewport, QPoint(0, 0)).y()
        assert top >= 0 and top + button.height() <= viewport.height(), button.text()
        assert button.height() >= MIN_TARGET, button.text()
        text_width = button.fontMetrics().horizontalAdvance(button.text())
        assert text_width + 28 < button.width(), button.text()
    # Even a short window (1024×600 at the largest text) shows the whole rail.
    window.resize(1024, 600)
    qtbot.wait(1)
    last = window.nav.about_button
    assert last.mapTo(viewport, QPoint(0, last.height())).y() <= viewport.height()


def test_navigation_refits_when_the_text_size_changes(qtbot, tmp_path, look):
    from skillsapp.ui.shell.app import Launcher
    from skillsapp.ui.shell.tasks import ImmediateRunner

    context = prepare_context(str(tmp_path / "data"), None, print)
    context.tasks = ImmediateRunner()
    context.settings.text_size = "normal"
    launcher = Launcher(QApplication.instance(), context, show_error=print)
    window = launcher.window
    qtbot.addWidget(window, before_close_func=quiet)
    window.resize(1024, 720)
    window.show()
    qtbot.waitUntil(window.isVisible)
    narrow = window.nav.width()
    context.update_settings(text_size="largest", show_staff_areas=True)
    qtbot.wait(1)
    assert window.nav.width() > narrow
    viewport = window.nav.viewport()
    for button in window.nav.all_buttons():
        text_width = button.fontMetrics().horizontalAdvance(button.text())
        assert text_width + 28 < button.width(), button.text()
        bottom = button.mapTo(viewport, QPoint(0, button.height())).y()
        assert bottom <= viewport.height(), button.text()


def test_first_run_opens_maximised_then_where_it_was_left(qtbot, tmp_path):
    data = str(tmp_path / "data")
    context = prepare_context(data, None, print)
    assert context.settings.window_geometry == ""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show_fitted()
    qtbot.waitUntil(window.isVisible)
    assert window.isMaximized()
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()

    window.showNormal()
    window.setGeometry(40, 50, 700, 520)
    qtbot.wait(1)
    window.close()
    saved = load_settings(context.paths.settings).settings
    assert saved.window_geometry  # written to disk when the window closed

    again = MainWindow(prepare_context(data, None, print))
    qtbot.addWidget(again)
    again.show_fitted()
    qtbot.waitUntil(again.isVisible)
    assert not again.isMaximized()
    assert (again.width(), again.height()) == (700, 520)


def test_window_saved_on_a_bigger_screen_opens_within_this_one(qtbot, tmp_path):
    data = str(tmp_path / "data")
    context = prepare_context(data, None, print)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.setGeometry(-500, 3000, 2600, 1900)  # a big monitor elsewhere
    window.close()

    again = MainWindow(prepare_context(data, None, print))
    qtbot.addWidget(again)
    again.show_fitted()
    qtbot.waitUntil(again.isVisible)
    available = again.screen().availableGeometry()
    assert again.isMaximized()  # it was bigger than this screen: it fills this one
    assert again.width() <= available.width() and again.height() <= available.height()


def test_small_window_left_off_this_screen_comes_back_on_it(qtbot, tmp_path):
    data = str(tmp_path / "data")
    context = prepare_context(data, None, print)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.setGeometry(-900, 2500, 600, 450)  # on a second monitor that is gone now
    window.close()

    again = MainWindow(prepare_context(data, None, print))
    qtbot.addWidget(again)
    again.show_fitted()
    qtbot.waitUntil(again.isVisible)
    available = again.screen().availableGeometry()
    assert not again.isMaximized() and (again.width(), again.height()) == (600, 450)
    assert available.contains(again.geometry()), (again.geometry(), available)


def test_unreadable_saved_geometry_opens_maximised(qtbot, tmp_path):
    context = prepare_context(str(tmp_path / "data"), None, print)
    context.settings.window_geometry = "not base64 at all!"
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show_fitted()
    qtbot.waitUntil(window.isVisible)
    assert window.isMaximized()


# --- staff areas ------------------------------------------------------------------------


def test_staff_areas_hidden_from_residents_until_turned_on(qtbot, context):
    window = open_window(qtbot, context)
    shown = [k for k, b in window._nav_buttons.items() if b.isVisibleTo(window)]
    assert shown == ["home", "lessons", "practice", "contests", "sessions"]
    qtbot.keyClick(window, Qt.Key.Key_6, ALT)  # Quản lý's key does nothing
    qtbot.keyClick(window, Qt.Key.Key_7, ALT)
    assert window.current_area() == "home"
    context.navigate.emit("manage", None)
    assert window.current_area() == "home"

    context.update_settings(show_staff_areas=True)
    assert window._nav_buttons["manage"].isVisibleTo(window)
    assert window._nav_buttons["manage"].toolTip() == "Quản lý (Alt+6)"
    assert window._nav_buttons["sync"].toolTip() == "Đồng bộ (Alt+7)"
    assert window._nav_buttons["sessions"].toolTip() == "Buổi sinh hoạt (Alt+5)"
    qtbot.keyClick(window, Qt.Key.Key_7, ALT)
    assert window.current_area() == "sync"

    # Turned off while open: the area closes and the resident is back home.
    context.update_settings(show_staff_areas=False)
    assert window.current_area() == "home"
    assert not window._nav_buttons["sync"].isVisibleTo(window)
    assert window._nav_buttons["home"].isChecked()


def test_organiser_sign_in_shows_staff_areas_and_sign_out_hides_them(qtbot, context):
    window = open_window(qtbot, context)
    context.set_organiser("tổ trưởng")
    assert window._nav_buttons["sync"].isVisibleTo(window)
    qtbot.mouseClick(window._nav_buttons["manage"], LEFT)
    assert window.current_area() == "manage"
    context.set_organiser(None)
    assert not window._nav_buttons["manage"].isVisibleTo(window)
    assert window.current_area() == "home"


# --- navigation lock --------------------------------------------------------------------


def test_locked_navigation_asks_and_staying_keeps_the_area(qtbot, context):
    window = open_window(qtbot, context)
    qtbot.mouseClick(window._nav_buttons["contests"], LEFT)
    context.lock_navigation(LOCK)

    seen: list[str] = []
    answer_next_dialog("stay", seen)
    qtbot.mouseClick(window._nav_buttons["lessons"], LEFT)
    assert LOCK in seen[0]
    assert seen[1] == "buttons: Ở lại làm bài | Rời khỏi"
    assert window.current_area() == "contests"
    assert window._nav_buttons["contests"].isChecked()
    assert not window._nav_buttons["lessons"].isChecked()

    seen.clear()
    window.activateWindow()  # offscreen, nothing gives it back after the dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    answer_next_dialog("escape", seen)  # Esc is "stay" too
    qtbot.keyClick(window, Qt.Key.Key_2, ALT)
    assert LOCK in seen[0] and window.current_area() == "contests"
    assert window._nav_buttons["contests"].isChecked()

    # Clicking the area one is already in asks nothing.
    seen.clear()
    qtbot.mouseClick(window._nav_buttons["contests"], LEFT)
    assert seen == [] and window.current_area() == "contests"

    seen.clear()
    answer_next_dialog("leave", seen)
    context.navigate.emit("home", None)
    assert LOCK in seen[0] and window.current_area() == "home"
    assert window._nav_buttons["home"].isChecked()

    context.unlock_navigation()
    seen.clear()
    qtbot.mouseClick(window._nav_buttons["lessons"], LEFT)
    assert seen == [] and window.current_area() == "lessons"


def test_closing_during_an_attempt_asks_and_says_answers_are_saved(qtbot, context):
    window = open_window(qtbot, context)
    qtbot.mouseClick(window._nav_buttons["contests"], LEFT)
    context.lock_navigation(LOCK)
    seen: list[str] = []
    answer_next_dialog("stay", seen)
    window.close()
    assert window.isVisible()
    assert LOCK in seen[0] and "đã được lưu" in seen[0] and "làm tiếp" in seen[0]
    assert seen[1] == "buttons: Ở lại làm bài | Đóng ứng dụng"

    seen.clear()
    answer_next_dialog("leave", seen)
    window.close()
    assert not window.isVisible()
    assert context.settings.window_geometry  # still remembered


@pytest.mark.parametrize(
    ("screen", "question", "note", "stay"),
    [
        (
            "phone game",
            "A phone game is running. End it and leave?",
            "The answers so far are saved. Phones can no longer join or answer.",
            "Keep the game going",
        ),
        (
            "contest editor",
            "Leave without saving the changes to this contest?",
            "The changes you made here are not saved yet.",
            "Stay and keep editing",
        ),
    ],
)
def test_closing_elsewhere_says_what_that_screen_keeps(
    qtbot, context, screen, question, note, stay
):
    """Before, every lock closed with the contest attempt's words: "Ở lại làm bài" and
    "your answers are saved, continue the attempt later", even for unsaved contest edits."""
    window = open_window(qtbot, context)
    context.lock_navigation(_(question), note=_(note), stay=_(stay))
    seen: list[str] = []
    answer_next_dialog("stay", seen)
    window.close()
    assert window.isVisible()
    assert _(note) in seen[0] and "làm tiếp" not in seen[0]
    assert seen[1] == f"buttons: {_(stay)} | Đóng ứng dụng"
    assert "làm bài" not in seen[1]
    context.unlock_navigation()
    window.close()


# --- theme ------------------------------------------------------------------------------


def _form() -> tuple[QWidget, dict[str, QWidget]]:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    combo = QComboBox()
    combo.addItems(["Hà Nội", "Huế", "Thành phố Hồ Chí Minh"])
    parts = {
        "line": QLineEdit("Nguyễn Thị Lan"),
        "combo": combo,
        "spin": QSpinBox(),
        "date": QDateEdit(),
        "button": QPushButton("Lưu"),
        "big": big_button("Bắt đầu", primary=True),
    }
    for part in parts.values():
        layout.addWidget(part)
    return holder, parts


@pytest.mark.parametrize("size", ["normal", "largest"])
def test_every_field_and_button_is_a_big_target(qtbot, context, look, size):
    context.settings.text_size = size
    look(context)
    holder, parts = _form()
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitUntil(holder.isVisible)
    for name, part in parts.items():
        assert part.height() >= MIN_TARGET, name
    combo = parts["combo"]
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    rows = [view.visualRect(combo.model().index(i, 0)).height() for i in range(combo.count())]
    combo.hidePopup()
    assert min(rows) >= MIN_TARGET, rows


def test_scroll_bar_is_wide_enough_to_grab(qtbot, context, look):
    look(context)
    page = TaskPage()
    for n in range(40):
        page.body.addWidget(QLabel(f"Dòng {n}"))
    page.add_action(big_button("Trang sau", primary=True))
    qtbot.addWidget(page)
    page.resize(800, 400)
    page.show()
    qtbot.waitUntil(page.isVisible)
    bar = page.scroll.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible)
    assert bar.width() >= 16
    handle = bar.style().subControlRect(
        bar.style().ComplexControl.CC_ScrollBar,
        _scroll_option(bar),
        bar.style().SubControl.SC_ScrollBarSlider,
        bar,
    )
    assert handle.height() >= MIN_TARGET and handle.width() >= 12


def test_page_down_turns_a_long_task_screen_whatever_has_the_focus(qtbot, context, look):
    """The scroll area takes no focus (Tab never stops on it, where no ring shows), so
    Page Down and Page Up, from the button in the action bar, turn the text above it."""
    look(context)
    page = TaskPage()
    for n in range(60):
        page.body.addWidget(QLabel(f"Dòng {n}: chỉ có chữ, không có nút nào"))
    forward = page.add_action(big_button("Trang sau", primary=True))
    qtbot.addWidget(page)
    page.resize(800, 400)
    page.show()
    qtbot.waitExposed(page)
    forward.setFocus()
    bar = page.scroll.verticalScrollBar()
    assert not page.scroll.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert bar.value() == 0 and bar.maximum() > bar.pageStep()
    qtbot.keyClick(forward, Qt.Key.Key_PageDown)
    assert bar.value() == bar.pageStep() and page.focusWidget() is forward
    qtbot.keyClick(forward, Qt.Key.Key_PageDown)
    qtbot.keyClick(forward, Qt.Key.Key_PageUp)
    assert bar.value() == bar.pageStep()
    qtbot.keyClick(forward, Qt.Key.Key_PageUp)
    assert bar.value() == 0


def _wheel(widget, notches: int) -> None:
    """The mouse wheel turned over the middle of ``widget`` (down for positive notches),
    as the window system delivers it (so it travels on to the parents the field leaves it to)."""
    window = widget.window()
    middle = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    QTest.wheelEvent(window.windowHandle(), QPointF(middle), QPoint(0, -120 * notches))
    QApplication.processEvents()


@pytest.mark.parametrize("make", [SpinBox, DateEdit, ComboBox], ids=lambda f: f.__name__)
def test_a_field_on_a_task_screen_never_changes_behind_the_residents_back(
    qtbot, context, look, make
):
    """Page Down in a date, number or choice field turns the page (Qt would step the value
    by ten, or move to another choice), and the wheel over a field scrolls the page; the
    arrows still change the value."""
    look(context)
    page = TaskPage()
    for n in range(30):
        page.body.addWidget(QLabel(f"Dòng {n}: chữ để trang phải cuộn"))
    field = make()
    if isinstance(field, ComboBox):
        field.addItems([f"Chủ đề {n}" for n in range(20)])
        field.setCurrentIndex(10)
    elif isinstance(field, SpinBox):
        field.setRange(0, 100)
        field.setValue(50)
    else:
        field.setDate(QDate(2026, 12, 3))
        field.setDisplayFormat("dd/MM/yyyy")
    page.body.insertWidget(1, field)
    other = page.add_action(big_button("Lưu", primary=True))
    qtbot.addWidget(page)
    page.resize(800, 400)
    page.show()
    qtbot.waitExposed(page)

    def value():
        return field.currentIndex() if isinstance(field, ComboBox) else field.text()

    before = value()
    bar = page.scroll.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > bar.pageStep()

    field.setFocus()
    if isinstance(field, DateEdit):
        field.setCurrentSection(DateEdit.Section.MonthSection)
    qtbot.keyClick(field, Qt.Key.Key_PageDown)
    assert value() == before and bar.value() == bar.pageStep()
    qtbot.keyClick(field, Qt.Key.Key_PageUp)
    assert value() == before and bar.value() == 0

    # The wheel over the field, while the focus is on the Save button: the page scrolls.
    other.setFocus()
    _wheel(field, 1)
    assert value() == before and bar.value() > 0 and other.hasFocus()
    bar.setValue(0)

    # Nor in the field that has the focus (the page scrolls it under the pointer too);
    # its own keys still change it.
    field.setFocus()
    _wheel(field, 1)
    assert value() == before and bar.value() > 0
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert value() != before


def _scroll_option(bar):
    from PySide6.QtWidgets import QStyleOptionSlider

    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    return option


@pytest.mark.parametrize("high_contrast", [False, True])
def test_action_bar_reads_as_a_bar(qtbot, context, look, high_contrast):
    context.settings.high_contrast = high_contrast
    look(context)
    palette = theme.palette_for(high_contrast)
    page = TaskPage()
    page.body.addWidget(QLabel("Nội dung"))
    page.add_action(big_button("Trang sau", primary=True))
    qtbot.addWidget(page)
    page.resize(700, 400)
    page.show()
    qtbot.waitUntil(page.isVisible)
    image = page.action_bar.grab().toImage()
    assert image.pixelColor(image.width() // 2, 0) == QColor(palette.border)  # its top line
    assert image.pixelColor(5, image.height() // 2) == QColor(palette.panel)


@pytest.mark.parametrize("high_contrast", [False, True])
def test_focused_option_does_not_look_chosen(qtbot, context, look, high_contrast):
    context.settings.high_contrast = high_contrast
    look(context)
    palette = theme.palette_for(high_contrast)
    holder = QWidget()
    layout = QVBoxLayout(holder)
    focused, chosen, plain = (OptionButton(i, f"Đáp án {i + 1}") for i in range(3))
    for option in (focused, chosen, plain):
        layout.addWidget(option)
    qtbot.addWidget(holder)
    holder.resize(600, 300)
    holder.show()
    qtbot.waitUntil(holder.isVisible)
    holder.activateWindow()
    chosen.setChecked(True)
    focused.setFocus()
    qtbot.waitUntil(focused.hasFocus)

    def inside(option) -> QColor:  # a point inside the border, right of the text
        image = option.grab().toImage()
        return image.pixelColor(image.width() - 20, image.height() // 2)

    def top_edge(option) -> list[QColor]:
        image = option.grab().toImage()
        return [image.pixelColor(x, 1) for x in range(20, image.width() - 20)]

    assert inside(chosen) == QColor(palette.chosen)  # a chosen answer is filled
    assert inside(focused) == inside(plain) == QColor(palette.panel)  # focus is no fill
    # The focus ring is dashed: its edge has gaps, unlike a chosen answer's solid border.
    edge = top_edge(focused)
    assert QColor(palette.focus) in edge and len(set(c.name() for c in edge)) > 1
    assert len(set(c.name() for c in top_edge(chosen))) == 1
    assert QColor(palette.chosen) != QColor(palette.panel)


# --- about ------------------------------------------------------------------------------


def test_about_fits_a_small_screen_at_the_largest_text(qtbot, context, look):
    from skillsapp.ui.shell.about import AboutDialog

    context.settings.text_size = "largest"
    look(context)
    dialog = AboutDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() - 40 and dialog.height() <= screen.height() - 60
    # On a 1024×768 screen it can be made that small; the text then scrolls above Close.
    assert dialog.minimumSizeHint().width() <= 1024 - 40
    assert dialog.minimumSizeHint().height() <= 768 - 60
    assert str(context.paths.logs) in dialog.text()
    details = dialog.details
    # Nothing scrolls sideways; the whole text is shown without scrolling when it fits.
    assert not details.horizontalScrollBar().isVisible()
    close = dialog.findChildren(QPushButton)[0]
    assert close.height() >= MIN_TARGET
