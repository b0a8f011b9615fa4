"""Registering for a contest with real hands: pickers, Enter in every field, coming
back later to complete the registration, and what the round export then shows."""

import csv
import datetime
import logging

import ui_helpers
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from test_ui_contests import CONTEST, LEFT, ROUND, open_page, register_directly

from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _
from skillsapp.reports.round_export import export_round
from skillsapp.storage.registrations import RegistrationNotSaved
from skillsapp.ui.common.pickers import PickerField
from skillsapp.ui.contest.registration import RegistrationScreen
from skillsapp.ui.contest.rules import RulesScreen

ui_context = ui_helpers.ui_context
AFTER = datetime.datetime(2026, 12, 20, tzinfo=datetime.UTC)  # round tuan-1 has closed
ID_NUMBER = "001162012345"
PHONE = "0912345678"


def open_form(qtbot, context) -> tuple:
    page = open_page(qtbot, context)
    qtbot.mouseClick(page.round_buttons[(CONTEST, ROUND)], LEFT)
    form = page.current_screen()
    assert isinstance(form, RegistrationScreen)
    return page, form


def pick(qtbot, picker: PickerField, typed: str) -> None:
    """Click the field, type to find, Enter: the way a resident picks."""
    qtbot.mouseClick(picker, LEFT)
    qtbot.keyClicks(picker.dialog.search, typed)
    qtbot.keyClick(picker.dialog.search, Qt.Key.Key_Return)
    assert picker.dialog is None


def type_vietnamese(edit: QLineEdit, text: str) -> None:
    """Vietnamese as an input method commits it (QTest can only type ASCII keys)."""
    edit.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def saved(context):
    return context.store.registrations.for_profile(context.profile.id, CONTEST)


def play_the_round(context, registration) -> None:
    contest = context.store.content.contest(CONTEST)
    now = ui_helpers.FIXED_NOW
    attempt = contest_flow.start_attempt(
        context.store, registration, contest, contest.round(ROUND), now, seed=3
    )
    attempt.answer(0, [0], now + datetime.timedelta(seconds=20), elapsed_ms=20_000)
    attempt.set_prediction(5)
    attempt.submit(now + datetime.timedelta(minutes=3))


def test_register_without_id_and_phone_then_come_back_complete_it_and_be_eligible(
    qtbot, ui_context, tmp_path
):
    context = ui_context
    page, form = open_form(qtbot, context)
    assert form.year.value() == 1962  # from the profile
    pick(qtbot, form.day, "3")
    pick(qtbot, form.month, "5")
    pick(qtbot, form.province, "ha noi")
    pick(qtbot, form.commune, "ba dinh")
    type_vietnamese(form.village_edit, "Tổ dân phố 5")
    pick(qtbot, form.group, "nguoi dan")
    qtbot.mouseClick(form.save_button, LEFT)
    first = saved(context)
    assert first is not None and not first.complete
    assert (first.id_number, first.phone, first.commune_code) == (None, None, "00004")
    note = form.prize_note.text()
    assert _("Personal identification number") in note and _("Mobile phone number") in note

    qtbot.mouseClick(form.continue_button, LEFT)
    rules = page.current_screen()
    assert isinstance(rules, RulesScreen)
    assert rules.registration_button.text() == _("Complete my registration")
    qtbot.mouseClick(rules.registration_button, LEFT)

    # Coming back: the form shows what was saved.
    again = page.current_screen()
    assert isinstance(again, RegistrationScreen) and again is not form
    assert again.name_edit.text() == "Nguyễn Thị Lan"
    assert (again.day.value(), again.month.value(), again.year.value()) == (3, 5, 1962)
    assert again.province.text() == "Thành phố Hà Nội"
    assert again.commune.text() == "Phường Ba Đình"
    assert again.village_edit.text() == "Tổ dân phố 5"
    assert again.group.value() == "Người dân"
    assert again.id_edit.text() == "" and again.phone_edit.text() == ""

    # Changing a saved value: select what is there and type over it.
    qtbot.mouseClick(again.village_edit, LEFT)
    qtbot.keyClick(again.village_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(again.village_edit, "Thon 3")
    assert again.village_edit.text() == "Thon 3"
    qtbot.mouseClick(again.id_edit, LEFT)
    qtbot.keyClicks(again.id_edit, ID_NUMBER)
    qtbot.mouseClick(again.phone_edit, LEFT)
    qtbot.keyClicks(again.phone_edit, "0912 345 678")
    qtbot.keyClick(again.phone_edit, Qt.Key.Key_Return)  # on to the next field, not a save
    assert saved(context).id_number is None
    assert QApplication.focusWidget() is again.province, QApplication.focusWidget().accessibleName()
    qtbot.mouseClick(again.save_button, LEFT)

    completed = saved(context)
    assert completed.id == first.id
    assert (completed.id_number, completed.phone, completed.complete) == (ID_NUMBER, PHONE, True)
    assert (completed.village, completed.commune_code) == ("Thon 3", "00004")
    assert again.prize_note.text() == _("Your registration is complete: you can win a prize.")
    assert again.id_edit.placeholderText() == _("Saved: {number}. Leave empty to keep it.").format(
        number="001******345"
    )
    assert ID_NUMBER not in again.saved_details.text()

    # The round's export says the entrant is eligible for a prize.
    play_the_round(context, completed)
    (book_path,) = export_round(
        context.store, CONTEST, ROUND, "xlsx", tmp_path / "vong-1.xlsx", AFTER
    )
    book = load_workbook(book_path, read_only=True)
    entrants = list(book["Người dự thi"].values)
    header, row = entrants[0], entrants[1]
    assert len(entrants) == 2
    assert row[header.index("Họ và tên")] == "Nguyễn Thị Lan"
    assert row[header.index("Điện thoại")] == "091****678"
    assert row[-1] == _("yes")
    ranking = list(book["Xếp hạng"].values)
    assert ranking[1][9] == _("yes")
    export_round(context.store, CONTEST, ROUND, "csv", tmp_path / "vong-1", AFTER)
    with open(tmp_path / "vong-1-xep-hang.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][1] == "Nguyễn Thị Lan" and rows[1][9] == _("yes")


def test_enter_in_any_field_chooses_or_moves_on_and_never_saves(qtbot, ui_context):
    context = ui_context
    page, form = open_form(qtbot, context)
    fields = [w for w in form.order if w is not form.save_button]
    assert len(fields) == 10
    for widget in fields:
        if not widget.isEnabled():
            continue
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Return)
        if isinstance(widget, PickerField):
            # Enter opens the list; Enter in the list chooses its first row.
            dialog = widget.dialog
            assert dialog is not None and dialog.isVisible(), widget.title
            first = dialog.visible_labels()[0] if widget.value() is None else widget.text()
            qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
            assert widget.dialog is None and widget.text() == first
            assert QApplication.focusWidget() is widget
        else:
            assert isinstance(widget, QLineEdit)
            after = form.order[form.order.index(widget) + 1]
            assert QApplication.focusWidget() is after, widget.accessibleName()
        assert saved(context) is None
        assert form.stack.currentWidget() is form.form_page
    # The commune became choosable once Enter had chosen a province.
    assert form.province.value() is not None and form.commune.isEnabled()
    form.commune.setFocus()
    qtbot.keyClick(form.commune, Qt.Key.Key_Return)
    qtbot.keyClick(form.commune.dialog.search, Qt.Key.Key_Return)
    assert form.commune.value() is not None
    assert saved(context) is None
    # Esc in a list closes the list only, never the form with what was typed.
    chosen = form.province.value()
    qtbot.keyClick(form.province, Qt.Key.Key_Return)
    qtbot.keyClicks(form.province.dialog.search, "ca mau")
    qtbot.keyClick(form.province.dialog.search, Qt.Key.Key_Escape)
    assert form.province.dialog is None and form.province.value() == chosen
    assert page.current_screen() is form
    # Only Enter on the focused Save button saves.
    form.save_button.setFocus()
    qtbot.keyClick(form.save_button, Qt.Key.Key_Return)
    assert saved(context) is not None


def test_an_id_already_registered_is_the_only_already_registered_message(qtbot, ui_context):
    context = ui_context
    neighbour = context.store.profiles.create("Trần Văn Bình")
    lan = context.profile
    context.set_profile(neighbour)
    register_directly(context, full_name="Trần Văn Bình", id_number=ID_NUMBER)
    context.set_profile(lan)
    _page, form = open_form(qtbot, context)
    pick(qtbot, form.day, "3")
    pick(qtbot, form.month, "5")
    qtbot.keyClicks(form.id_edit, ID_NUMBER)
    qtbot.mouseClick(form.save_button, LEFT)
    error = form.fields["id_number"].error
    assert error.isVisible()
    assert error.text() == _(
        "This identification number is already registered for this contest on this computer."
    )
    assert saved(context) is None


def test_another_database_error_is_said_plainly_and_logged_without_personal_data(
    qtbot, ui_context, caplog
):
    context = ui_context
    context.store.db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON registrations "
        "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
    )
    caplog.set_level(logging.ERROR)
    _page, form = open_form(qtbot, context)
    pick(qtbot, form.day, "3")
    pick(qtbot, form.month, "5")
    qtbot.keyClicks(form.id_edit, ID_NUMBER)
    qtbot.keyClicks(form.phone_edit, PHONE)
    qtbot.mouseClick(form.save_button, LEFT)
    assert saved(context) is None
    assert not form.fields["id_number"].error.isVisible()
    assert form.summary.isVisible()
    assert "already registered" not in form.summary.text()
    assert form.summary.text() == str(RegistrationNotSaved())
    assert form.stack.currentWidget() is form.form_page
    assert form.id_edit.text() == "001 162 012345"  # nothing typed is lost
    assert "refused by a test trigger" in caplog.text
    for private in ("Nguyễn Thị Lan", ID_NUMBER, PHONE):
        assert private not in caplog.text
