"""The prediction field: empty at first, typed digits are the number, read back
before it is saved, and an empty box says what to do."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from skillsapp.i18n import _
from skillsapp.ui.contest.prediction import PredictionView, read_back

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def view(qtbot):
    widget = PredictionView("full_score_count")
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.focus()
    return widget


def test_typing_25_gives_25_and_it_is_read_back_before_saving(qtbot, view):
    assert view.number.text() == "" and view.value() is None
    qtbot.keyClicks(view.number, "25")
    assert view.value() == 25
    confirmed = []
    view.confirmed.connect(confirmed.append)
    qtbot.mouseClick(view.next_button, LEFT)
    assert view.stack.currentWidget() is view.confirm_page
    assert view.read_back.text() == read_back(25)
    assert confirmed == []  # nothing saved before the person says it is right
    assert view.yes_button.text() == _("Yes, save it")
    assert view.change_button.text() == _("Change it")
    qtbot.mouseClick(view.yes_button, LEFT)
    assert confirmed == [25]


def test_read_back_in_vietnamese_says_nguoi():
    # The suite runs in Vietnamese (tests/conftest.py).
    assert read_back(25) == "Bạn dự đoán: 25 người"
    assert read_back(1200) == "Bạn dự đoán: 1.200 người"


def test_only_digits_go_in(qtbot, view):
    qtbot.keyClicks(view.number, "1a2,5 x")
    assert view.number.text() == "125"
    qtbot.keyClicks(view.number, "9999")  # six digits at most
    assert view.number.text() == "125999"


def test_empty_says_what_to_do_and_does_not_go_on(qtbot, view):
    confirmed = []
    view.confirmed.connect(confirmed.append)
    qtbot.mouseClick(view.next_button, LEFT)
    assert view.problem.isVisible()
    assert view.stack.currentWidget() is view.entry_page
    assert QApplication.focusWidget() is view.number
    qtbot.keyClicks(view.number, "7")
    assert not view.problem.isVisible()
    assert confirmed == []


def test_change_it_goes_back_and_typing_replaces_the_number(qtbot, view):
    view.set_value(25)
    view.focus()
    qtbot.keyClick(view.number, Qt.Key.Key_Return)  # Enter in the box: on to the read-back
    assert view.stack.currentWidget() is view.confirm_page
    assert QApplication.focusWidget() is view.yes_button
    qtbot.keyClick(view.yes_button, Qt.Key.Key_Escape)  # Esc: back to the number
    assert view.stack.currentWidget() is view.entry_page
    qtbot.mouseClick(view.next_button, LEFT)
    qtbot.mouseClick(view.change_button, LEFT)
    assert view.stack.currentWidget() is view.entry_page
    qtbot.keyClicks(view.number, "30")
    assert view.value() == 30


def test_plus_and_minus_work_from_empty_and_never_go_below_zero(qtbot, view):
    qtbot.mouseClick(view.step_buttons[10], LEFT)
    assert view.value() == 10
    qtbot.keyClick(view.number, Qt.Key.Key_Plus)
    assert view.value() == 11
    for _step in range(3):
        qtbot.mouseClick(view.step_buttons[-10], LEFT)
    assert view.value() == 0
