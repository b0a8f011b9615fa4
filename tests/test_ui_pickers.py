"""The searchable picker as elderly hands use it: click anywhere, type without
diacritics, arrows, Enter, Esc; rows and buttons big enough to hit."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from skillsapp import geography
from skillsapp.ui.common.pickers import PickerField, PickerItem
from skillsapp.ui.common.widgets import MIN_TARGET

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def province_field(qtbot):
    window = QWidget()
    box = QVBoxLayout(window)
    field = PickerField("Tỉnh, thành phố", "Chọn tỉnh, thành phố")
    field.set_items([PickerItem(p.name, p.code) for p in geography.provinces_by_name()])
    box.addWidget(field)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    yield field
    window.close()


def commune_field(qtbot, province="01"):
    field = PickerField("Xã, phường", "Chọn xã, phường")
    field.set_items([PickerItem(c.name, c.code) for c in geography.communes(province)])
    qtbot.addWidget(field)
    field.resize(900, 80)
    field.show()
    return field


def test_a_click_anywhere_on_the_field_opens_the_list_and_ba_dinh_finds_phuong_ba_dinh(qtbot):
    field = commune_field(qtbot)
    assert field.height() >= MIN_TARGET
    # Far from any arrow: the left edge of the field.
    qtbot.mouseClick(field, LEFT, pos=QPoint(10, field.height() // 2))
    dialog = field.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.search, "ba dinh")
    assert dialog.visible_labels() == ["Phường Ba Đình"]
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert field.dialog is None
    assert field.value() == "00004"
    assert field.text() == "Phường Ba Đình"


def test_list_rows_and_buttons_are_at_least_44_px(qtbot, province_field):
    dialog = province_field.open_list()
    qtbot.waitExposed(dialog)
    rows = [dialog.list.visualItemRect(dialog.list.item(i)) for i in range(3)]
    assert all(rect.height() >= MIN_TARGET for rect in rows)
    assert dialog.search.height() >= MIN_TARGET
    assert dialog.cancel_button.height() >= MIN_TARGET
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()


def test_provinces_are_listed_in_vietnamese_alphabetical_order(province_field):
    dialog = province_field.open_list()
    labels = dialog.visible_labels()
    assert labels[:4] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng"]
    assert labels.index("Điện Biên") > labels.index("Cao Bằng")
    assert labels.index("Thành phố Hà Nội") < labels.index("Hà Tĩnh")
    dialog.reject()


def test_keyboard_type_on_the_field_filter_arrows_enter(qtbot, province_field):
    province_field.setFocus()
    changes = []
    province_field.changed.connect(changes.append)
    # A letter typed on the closed field opens the list with that letter in the search.
    qtbot.keyClicks(province_field, "d")
    dialog = province_field.dialog
    assert dialog.search.text() == "d"
    qtbot.keyClicks(dialog.search, "ong")
    assert dialog.search.text() == "dong"
    assert dialog.visible_labels() == ["Đồng Nai", "Đồng Tháp", "Lâm Đồng"]
    assert dialog.list.currentItem().text() == "Đồng Nai"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    assert dialog.list.currentItem().text() == "Đồng Tháp"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Enter)
    assert province_field.current_label() == "Đồng Tháp"
    assert changes == [province_field.value()]
    assert QApplication.focusWidget() is province_field


def test_escape_cancels_and_keeps_the_value(qtbot, province_field):
    province_field.set_value("01")
    province_field.setFocus()
    qtbot.keyClick(province_field, Qt.Key.Key_Return)
    dialog = province_field.dialog
    assert dialog.list.currentItem().text() == "Thành phố Hà Nội"  # opens at the value
    qtbot.keyClicks(dialog.search, "ca mau")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)
    assert province_field.dialog is None
    assert province_field.value() == "01"


def test_searching_for_nothing_real_says_so_and_enter_picks_nothing(qtbot, province_field):
    dialog = province_field.open_list()
    qtbot.keyClicks(dialog.search, "zzz")
    assert dialog.visible_labels() == []
    assert dialog.nothing.isVisible()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert province_field.dialog is dialog and province_field.value() is None
    dialog.reject()


def test_new_items_drop_a_value_that_is_no_longer_there(qtbot):
    field = commune_field(qtbot)
    assert field.set_value("00004")
    assert not field.set_value("99999")
    changes = []
    field.changed.connect(changes.append)
    field.set_items([PickerItem(c.name, c.code) for c in geography.communes("04")])
    assert field.value() is None and changes == [None]
    assert field.text() == "Chọn xã, phường"
