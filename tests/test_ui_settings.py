"""The settings dialog: the way in for staff while Quản lý and Đồng bộ are hidden,
and a dialog that fits a 1024×768 screen at the largest text size."""

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit
from ui_helpers import make_context

from skillsapp.i18n import _
from skillsapp.settings import load_settings
from skillsapp.ui.common.widgets import MIN_TARGET
from skillsapp.ui.manage.sign_in import OrganiserSignInDialog
from skillsapp.ui.shell.settings_dialog import SettingsDialog

LEFT = Qt.MouseButton.LeftButton
NAME, PASSWORD = "to-truong", "mat-khau-dai"


@pytest.fixture
def context(tmp_path, qtbot):
    made = make_context(tmp_path)
    yield made
    made.store.close()


def type_into(widget, text):
    """Select what the field holds and type ``text`` over it, key by key."""
    widget.setFocus()
    widget.selectAll()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def open_settings(qtbot, context):
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def sign_in_from(qtbot, dialog, fill):
    """Click "Sign in as staff" and let ``fill(form)`` work the sign-in dialog it opens."""
    seen = {}

    def work():
        form_dialog = QApplication.activeModalWidget()
        assert isinstance(form_dialog, OrganiserSignInDialog)
        seen["form"] = form_dialog.form
        fill(form_dialog)
        if form_dialog.isVisible():
            seen["left_open"] = True
            form_dialog.reject()

    QTimer.singleShot(0, work)
    qtbot.mouseClick(dialog.sign_in_button, LEFT)
    return seen


def test_a_resident_cannot_make_the_first_organiser_without_the_code(qtbot, context):
    dialog = open_settings(qtbot, context)
    assert dialog.organiser_label.text() == _("No organiser is signed in.")
    assert not dialog.show_staff.isEnabled() and dialog.show_staff_note.isVisible()

    def without_code(form_dialog):
        form = form_dialog.form
        type_into(form.code, "12345678")
        type_into(form.username, "toi-la-chu")
        type_into(form.password, PASSWORD)
        type_into(form.again, PASSWORD)
        qtbot.keyClick(form.again, Qt.Key.Key_Return)
        assert form.code_field.error.text().startswith(
            _("This computer has no setup code that still works.")
        )

    seen = sign_in_from(qtbot, dialog, without_code)
    assert seen["left_open"]
    assert not context.store.organisers.exist()
    assert context.organiser is None and not context.staff_areas_visible()


def test_with_the_code_the_organiser_signs_in_and_turns_staff_areas_on(qtbot, context):
    code, _expires = context.store.organisers.issue_setup_code(context.now())
    dialog = open_settings(qtbot, context)

    def with_code(form_dialog):
        form = form_dialog.form
        type_into(form.code, "99")  # a wrong code first: a clear message, the form stays
        type_into(form.username, NAME)
        type_into(form.password, PASSWORD)
        type_into(form.again, PASSWORD)
        qtbot.mouseClick(form.create_button, LEFT)
        assert form.code_field.error.text() == _(
            "This setup code is not right. Check it and type it again."
        )
        assert form_dialog.isVisible() and form.password.text() == PASSWORD
        type_into(form.code, f"{code[:4]} {code[4:]}")
        qtbot.keyClick(form.again, Qt.Key.Key_Return)
        assert not form_dialog.isVisible()

    seen = sign_in_from(qtbot, dialog, with_code)
    assert "left_open" not in seen
    assert context.organiser == NAME and context.staff_areas_visible()
    assert dialog.organiser_label.text() == _("Signed in as {name}").format(name=NAME)
    assert dialog.sign_out_button.isVisible() and not dialog.sign_in_button.isVisible()
    assert dialog.show_staff.isEnabled()
    qtbot.mouseClick(dialog.show_staff, LEFT, pos=QPoint(10, dialog.show_staff.height() // 2))
    assert dialog.show_staff.isChecked()
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), LEFT)
    assert load_settings(context.paths.settings).settings.show_staff_areas

    # Signing out keeps the areas on (the organiser chose so), but the option is locked again.
    context.set_organiser(None)
    assert context.staff_areas_visible()
    again = open_settings(qtbot, context)
    assert again.show_staff.isChecked() and not again.show_staff.isEnabled()
    again.show_staff.setChecked(False)  # even if it could be unticked, OK does not save it
    again.accept()
    assert load_settings(context.paths.settings).settings.show_staff_areas


def test_turning_the_staff_areas_off_needs_a_signed_in_organiser(qtbot, context):
    code, _expires = context.store.organisers.issue_setup_code(context.now())
    context.store.organisers.create(NAME, PASSWORD, setup_code=code, now=context.now())
    context.update_settings(show_staff_areas=True)
    dialog = open_settings(qtbot, context)
    assert not dialog.show_staff.isEnabled()

    def sign_in(form_dialog):
        form = form_dialog.form
        type_into(form.username, NAME)
        type_into(form.password, "doan-sai-roi")
        qtbot.keyClick(form.password, Qt.Key.Key_Return)
        assert form.error.text() == _("The user name or password is not right.")
        type_into(form.password, PASSWORD)
        qtbot.keyClick(form.password, Qt.Key.Key_Return)

    sign_in_from(qtbot, dialog, sign_in)
    assert context.organiser == NAME
    qtbot.mouseClick(dialog.show_staff, LEFT, pos=QPoint(10, dialog.show_staff.height() // 2))
    assert not dialog.show_staff.isChecked()
    qtbot.mouseClick(dialog.sign_out_button, LEFT)
    assert context.organiser is None and not dialog.show_staff.isEnabled()
    dialog.accept()  # signed out before OK: the choice is not saved
    assert load_settings(context.paths.settings).settings.show_staff_areas
    context.set_organiser(NAME)
    dialog = open_settings(qtbot, context)
    dialog.show_staff.setChecked(False)
    dialog.accept()
    assert not load_settings(context.paths.settings).settings.show_staff_areas
    context.set_organiser(None)
    assert not context.staff_areas_visible()


def test_enter_in_the_language_list_chooses_and_does_not_close(qtbot, context):
    dialog = open_settings(qtbot, context)
    dialog.language.setFocus()
    qtbot.keyClick(dialog.language, Qt.Key.Key_Return)
    assert dialog.isVisible()
    view = dialog.language.view()
    qtbot.waitUntil(view.isVisible)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert dialog.isVisible() and dialog.language.currentData() == "en"
    assert context.settings.language == "vi"  # nothing saved before OK


@pytest.mark.parametrize("size", ["normal", "largest"])
def test_the_dialog_fits_1024_by_768_at_every_text_size(qtbot, context, size):
    from skillsapp.ui.shell.app import apply_look

    app = QApplication.instance()
    context.settings.text_size = size
    apply_look(app, context, None)
    try:
        dialog = SettingsDialog(context)
        qtbot.addWidget(dialog)
        dialog.resize(min(dialog.width(), 1024), min(dialog.height(), 768))
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.minimumSizeHint().height() <= 700
        assert dialog.width() <= 1024 and dialog.height() <= 768
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert dialog.rect().contains(ok.geometry().translated(dialog.buttons.pos()))
        controls = [
            *dialog.findChildren(QAbstractButton),
            *dialog.findChildren(QComboBox),
            *dialog.findChildren(QLineEdit),
        ]
        for control in controls:
            if control.isVisible():
                assert control.height() >= MIN_TARGET, control
    finally:
        context.settings.text_size = "large"
        apply_look(app, context, None)


def test_signing_in_or_out_in_settings_updates_the_manage_area(qtbot, context):
    from skillsapp.ui.manage.gate import ManagePage

    page = ManagePage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.stack.currentWidget() is page.setup_screen
    code, _expires = context.store.organisers.issue_setup_code(context.now())
    context.store.organisers.create(NAME, PASSWORD, setup_code=code, now=context.now())
    context.set_organiser(NAME)  # what the sign-in dialog in Settings does
    assert page.setup_screen is None and page.stack.currentWidget() is page.menu
    assert page.top.isVisible()
    dialog = open_settings(qtbot, context)
    qtbot.mouseClick(dialog.sign_out_button, LEFT)
    assert page.menu is None and page.stack.currentWidget() is page.sign_in_screen
    assert not page.top.isVisible()


def test_every_password_lost_a_setup_code_adds_one_more_account(qtbot, context):
    code, _expires = context.store.organisers.issue_setup_code(context.now())
    context.store.organisers.create(NAME, PASSWORD, setup_code=code, now=context.now())
    dialog = open_settings(qtbot, context)

    def no_code_yet(form_dialog):
        assert not form_dialog.form.code_button.isVisible()  # nothing to offer without a code

    sign_in_from(qtbot, dialog, no_code_yet)
    code, _expires = context.store.organisers.issue_setup_code(context.now())  # --recover

    def with_code(form_dialog):
        assert form_dialog.form.code_button.isVisible()
        qtbot.mouseClick(form_dialog.form.code_button, LEFT)
        form = form_dialog.form
        assert form.back_button.isVisible()
        qtbot.mouseClick(form.back_button, LEFT)  # changed their mind: back to signing in
        assert form_dialog.form.username.isVisible()
        qtbot.mouseClick(form_dialog.form.code_button, LEFT)
        form = form_dialog.form
        type_into(form.code, code)
        type_into(form.username, "pho-to")
        type_into(form.password, "mat-khau-moi")
        type_into(form.again, "mat-khau-moi")
        qtbot.keyClick(form.again, Qt.Key.Key_Return)

    seen = sign_in_from(qtbot, dialog, with_code)
    assert "left_open" not in seen
    assert context.organiser == "pho-to"
    assert context.store.organisers.usernames() == ["pho-to", NAME]
