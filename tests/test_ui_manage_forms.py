"""Quản lý forms driven the way real hands do: Enter in a drop-down or a number box
chooses and never saves, typing into a field that already holds something, changing
what was saved and saving again, going back without saving."""

import datetime

import pytest
from PySide6.QtCore import Qt
from test_ui_manage import NAME, PASSWORD, click, new_contest_editor, open_area, show, type_into
from ui_helpers import make_context

from skillsapp.i18n import _
from skillsapp.ui.manage.gate import ManagePage
from skillsapp.ui.manage.people import OrganisersScreen

RETURN = Qt.Key.Key_Return


@pytest.fixture
def context(tmp_path, qtbot):
    made = make_context(tmp_path)
    yield made
    made.store.close()


@pytest.fixture
def signed_in(context, qtbot):
    """The Quản lý area with an organiser signed in through the form."""
    code, _expires = context.store.organisers.issue_setup_code()
    context.store.organisers.create(NAME, PASSWORD, setup_code=code)
    page = show(qtbot, ManagePage(context))
    type_into(qtbot, page.sign_in_screen.username, NAME)
    type_into(qtbot, page.sign_in_screen.password, PASSWORD)
    qtbot.keyClick(page.sign_in_screen.password, RETURN)
    assert context.organiser == NAME
    return page


def _local(contests, title):
    return [c for c in contests if c.title == title]


def test_enter_in_a_drop_down_or_number_box_never_saves_the_contest(signed_in, context, qtbot):
    before = len(context.store.content.contests())
    area, editor = new_contest_editor(qtbot, signed_in)
    type_into(qtbot, editor.title, "Thi tháng Mười hai")
    type_into(qtbot, editor.minutes, "12")
    qtbot.keyClick(editor.minutes, RETURN)
    assert editor.minutes.value() == 12
    editor.counting.setFocus()
    qtbot.keyClick(editor.counting, Qt.Key.Key_Down)  # the next choice, as on a keyboard
    qtbot.keyClick(editor.counting, RETURN)
    assert editor.counting.currentData() == "first"
    click(qtbot, editor.add_quota_button)
    quota = editor.quota_rows[0]
    type_into(qtbot, quota.count, "3")
    qtbot.keyClick(quota.count, Qt.Key.Key_Enter)
    qtbot.keyClick(editor.round_rows[0].opens, RETURN)
    assert area.current_screen() is editor  # still on the form
    assert len(context.store.content.contests()) == before
    assert not editor.summary.isVisible()

    click(qtbot, editor.save_button)  # the lines must add up to the questions: refused
    assert editor.quota_error.isVisible() and area.current_screen() is editor
    click(qtbot, quota.remove_button)
    editor.save_button.setFocus()
    qtbot.keyClick(editor.save_button, RETURN)  # Enter on the focused button saves
    (saved,) = _local(context.store.content.contests(), "Thi tháng Mười hai")
    assert saved.rules.time_limit_minutes == 12 and saved.rules.counting == "first"
    assert saved.rules.quotas == ()


def test_change_a_saved_contest_and_save_it_again_twice(signed_in, context, qtbot):
    area, editor = new_contest_editor(qtbot, signed_in)
    type_into(qtbot, editor.title, "Thi xã An Khánh")
    type_into(qtbot, editor.round_rows[0].title, "Tuần đầu")
    click(qtbot, editor.save_button)
    (first,) = _local(context.store.content.contests(), "Thi xã An Khánh")

    # Back to it: add to the title already there, a limit a day, and a second round.
    click(qtbot, area.list.cards[first.id].edit_button)
    editor = area.current_screen()
    editor.title.setFocus()
    qtbot.keyClick(editor.title, Qt.Key.Key_End)
    for char in " 2026":
        qtbot.keyClick(editor.title, char)
    type_into(qtbot, editor.per_day, "2")
    click(qtbot, editor.add_round_button)
    type_into(qtbot, editor.round_rows[1].title, "Tuần hai")
    click(qtbot, editor.save_button)
    second = context.store.content.contest(first.id)
    assert second.title == "Thi xã An Khánh 2026"
    assert second.rules.attempts_per_day == 2
    assert [r.title for r in second.rounds] == ["Tuần đầu", "Tuần hai"]
    assert second.rounds[0] == first.rounds[0]  # the first round untouched
    assert second.rounds[1].opens_at == first.rounds[0].closes_at
    assert area.list.notice.text() == _("Saved “{title}”.").format(title=second.title)

    # And once more: the second round moves a day later, the first one goes.
    click(qtbot, area.list.cards[first.id].edit_button)
    editor = area.current_screen()
    assert editor.title.text() == second.title and editor.per_day.value() == 2
    later = editor.round_rows[1].closes.dateTime().addDays(1)
    editor.round_rows[1].closes.setDateTime(later)
    click(qtbot, editor.round_rows[0].remove_button)
    click(qtbot, editor.save_button)
    third = context.store.content.contest(first.id)
    assert [r.title for r in third.rounds] == ["Tuần hai"]
    assert third.rounds[0].closes_at - second.rounds[1].closes_at == datetime.timedelta(days=1)
    assert len(_local(context.store.content.contests(), second.title)) == 1


def test_going_back_without_saving_keeps_what_was_saved(signed_in, context, qtbot):
    area, editor = new_contest_editor(qtbot, signed_in)
    type_into(qtbot, editor.title, "Thi giữ nguyên")
    click(qtbot, editor.save_button)
    (saved,) = _local(context.store.content.contests(), "Thi giữ nguyên")

    click(qtbot, area.list.cards[saved.id].edit_button)
    editor = area.current_screen()
    type_into(qtbot, editor.title, "Tên đổi rồi bỏ")
    type_into(qtbot, editor.minutes, "99")
    click(qtbot, editor.back_button)
    assert area.current_screen() is None
    assert context.store.content.contest(saved.id) == saved

    click(qtbot, area.list.cards[saved.id].edit_button)
    editor = area.current_screen()
    assert editor.title.text() == "Thi giữ nguyên"  # the form shows what is saved
    type_into(qtbot, editor.title, "Lại đổi rồi bỏ")
    qtbot.keyClick(editor.title, Qt.Key.Key_Escape)
    assert area.current_screen() is None
    assert context.store.content.contest(saved.id) == saved


def test_change_a_saved_target_and_enter_never_saves(signed_in, context, qtbot):
    screen = open_area(qtbot, signed_in, "targets")
    year = screen.year.value()
    screen.province.setFocus()
    qtbot.keyClick(screen.province, RETURN)  # Enter on the picker opens its list, never saves
    assert screen.province.dialog is not None
    qtbot.keyClicks(screen.province.dialog.search, "ha noi")
    qtbot.keyClick(screen.province.dialog.search, RETURN)  # picks Hà Nội
    assert screen.province.value() == "01" and screen.commune.isEnabled()
    assert not screen.message.isVisible() and not screen.commune_field.error.isVisible()
    screen.province.set_value("01")
    screen.commune.set_value("00070")
    type_into(qtbot, screen.target, "10")
    qtbot.keyClick(screen.target, RETURN)
    assert not screen.message.isVisible()
    assert context.store.targets.progress(year, []) == []  # nothing saved by Enter
    click(qtbot, screen.save_button)
    assert [r.target for r in context.store.targets.progress(year, [])] == [10]

    # Another commune, then back: its saved target comes back into the box.
    screen.commune.set_value("00004")
    screen.commune.set_value("00070")
    assert screen.target.value() == 10
    type_into(qtbot, screen.target, "15")
    click(qtbot, screen.save_button)
    rows = context.store.targets.progress(year, [])
    assert [(r.commune_code, r.target) for r in rows] == [("00070", 15)]
    assert len(screen.chart.bars) == 1
    qtbot.keyClick(screen, Qt.Key.Key_Escape)  # Esc goes back to the menu
    assert signed_in.current_screen() is None


def test_add_an_organiser_with_the_keyboard_only(context, qtbot):
    code, _expires = context.store.organisers.issue_setup_code()
    context.store.organisers.create(NAME, PASSWORD, setup_code=code)
    screen = show(qtbot, OrganisersScreen(context))
    screen.activateWindow()
    screen.setFocus()
    qtbot.waitUntil(screen.username.hasFocus)
    for edit, text in (
        (screen.username, "pho-to"),
        (screen.password, "mat-khau-moi"),
        (screen.again, "mat-khau-moi"),
    ):
        assert edit.hasFocus()
        qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, RETURN)
    assert context.store.organisers.verify("pho-to", "mat-khau-moi")
    assert screen.username.text() == "" and "pho-to" in screen.names.text()


def test_an_unsaved_contest_asks_before_the_window_leaves_it(signed_in, context, qtbot):
    area, editor = new_contest_editor(qtbot, signed_in)
    assert context.navigation_lock is None  # nothing typed yet: nothing to lose
    type_into(qtbot, editor.title, "Thi chưa lưu")
    assert context.navigation_lock == editor.leave_question  # the window asks first
    click(qtbot, editor.save_button)
    assert context.navigation_lock is None

    (saved,) = _local(context.store.content.contests(), "Thi chưa lưu")
    click(qtbot, area.list.cards[saved.id].edit_button)
    editor = area.current_screen()
    assert context.navigation_lock is None  # opening is not changing
    click(qtbot, editor.add_round_button)
    assert context.navigation_lock == editor.leave_question
    click(qtbot, editor.back_button)  # going back on purpose drops the change
    assert context.navigation_lock is None
    assert context.store.content.contest(saved.id) == saved

    click(qtbot, area.list.cards[saved.id].edit_button)
    type_into(qtbot, area.current_screen().minutes, "20")
    assert context.navigation_lock is not None
    click(qtbot, signed_in.sign_out_button)  # signing out removes the screen
    qtbot.waitUntil(lambda: context.navigation_lock is None)
