"""The organiser's sign-in: making the first organiser account with the setup code, the
sign-in form, and the dialog Settings → For staff opens them in."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.storage.organisers import MIN_PASSWORD, SETUP_CODE_DIGITS
from skillsapp.ui.common.widgets import TaskPage, big_button, heading, paragraph
from skillsapp.ui.manage.common import Field, message_label, say
from skillsapp.ui.shell.context import AppContext


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(200)
    return edit


class AccountSetupScreen(TaskPage):
    """First use: make the first organiser account, with the setup code from the installer."""

    created = Signal(str)
    back = Signal()  # only offered when accounts exist (a code to get back in)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.body.addWidget(heading(_("Set up the organiser account")))
        self.body.addWidget(
            paragraph(
                _(
                    "The Manage area is for the people who organise lessons and contests. "
                    "Residents do not need it. Choose a user name and a password that only "
                    "organisers know. The password needs at least {n} characters; write it "
                    "down and keep it somewhere safe."
                ).format(n=MIN_PASSWORD)
            )
        )
        self.code = QLineEdit()
        self.code.setMaxLength(20)
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.code_field = Field(
            _("Setup code"),
            self.code,
            hint=_(
                "{n} digits, shown when the app was installed on this computer. To get a new "
                "one, run “skillsapp organiser setup-code” on this computer."
            ).format(n=SETUP_CODE_DIGITS),
        )
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.username_field = Field(_("User name"), self.username)
        self.password = _password_edit()
        self.password_field = Field(
            _("Password"),
            self.password,
            hint=_("At least {n} characters.").format(n=MIN_PASSWORD),
        )
        self.again = _password_edit()
        self.again_field = Field(_("The same password again"), self.again)
        for field in self._fields():
            self.body.addWidget(field)
        self.body.addStretch(1)
        self.create_button = big_button(_("Create the account"), primary=True)
        self.create_button.clicked.connect(self.create)
        self.add_action(self.create_button)
        self.back_button = big_button(_("Back"))
        self.back_button.clicked.connect(self.back)
        self.back_button.setVisible(context.store.organisers.exist())
        self.add_action(self.back_button, left=True)
        self.code.returnPressed.connect(self.username.setFocus)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self.create)
        self.setFocusProxy(self.code)

    def _fields(self) -> tuple[Field, ...]:
        return (self.code_field, self.username_field, self.password_field, self.again_field)

    def create(self) -> None:
        for field in self._fields():
            field.show_error("")
        name, password = self.username.text().strip(), self.password.text()
        if len(password) >= MIN_PASSWORD and password != self.again.text():
            self.again_field.show_error(_("The two passwords are not the same. Type them again."))
            self.again.clear()
            self.again.setFocus()
            return
        try:
            self.context.store.organisers.create(
                name, password, setup_code=self.code.text(), now=self.context.now()
            )
        except ValidationError as exc:
            field, edit = {
                "username": (self.username_field, self.username),
                "setup_code": (self.code_field, self.code),
            }.get(exc.field, (self.password_field, self.password))
            field.show_error(str(exc))
            edit.setFocus()
            edit.selectAll()
            # After the error line is laid out, so it is in view too.
            QTimer.singleShot(0, self.scroll, lambda: self.scroll.ensureWidgetVisible(field))
            return
        self.code.clear()
        self.password.clear()
        self.again.clear()
        self.created.emit(name.lower())


class SignInScreen(TaskPage):
    signed_in = Signal(str)
    # "I have a setup code": every password forgotten, a code from the command line adds one.
    use_code = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.body.addWidget(heading(_("Sign in to manage")))
        self.body.addWidget(
            paragraph(
                _(
                    "This is for organisers. If you came here to learn or take part in a "
                    "contest, you do not need to sign in."
                )
            )
        )
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.body.addWidget(Field(_("User name"), self.username))
        self.password = _password_edit()
        self.body.addWidget(Field(_("Password"), self.password))
        self.error = message_label()
        self.body.addWidget(self.error)
        self.body.addStretch(1)
        self.code_button = big_button(_("I have a setup code"))
        self.code_button.clicked.connect(self.use_code)
        self.add_action(self.code_button)
        self.sign_in_button = big_button(_("Sign in"), primary=True)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.add_action(self.sign_in_button)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.sign_in)
        self.setFocusProxy(self.username)
        self.offer_code()

    def offer_code(self) -> None:
        """Show "I have a setup code" only while one made on the command line can be used."""
        self.code_button.setVisible(
            self.context.store.organisers.setup_code_pending(self.context.now())
        )

    def sign_in(self) -> None:
        name, password = self.username.text().strip().lower(), self.password.text()
        self.password.clear()
        if not name or not self.context.store.organisers.verify(name, password):
            say(self.error, _("The user name or password is not right."), good=False)
            self.password.setFocus()
            return
        say(self.error, "")
        self.username.clear()
        self.signed_in.emit(name)

    def reset(self) -> None:
        self.username.clear()
        self.password.clear()
        say(self.error, "")
        self.offer_code()


class OrganiserSignInDialog(QDialog):
    """Sign in as an organiser from Settings, where a resident never sees Quản lý.

    Shows the first-account form (with the setup code) while this computer has no
    organiser, the sign-in form after that. Success calls ``context.set_organiser``.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Sign in as staff"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.form: AccountSetupScreen | SignInScreen
        if context.store.organisers.exist():
            self.show_sign_in()
        else:
            self.show_setup()
        fit_dialog(self, 760, 720)

    def show_setup(self) -> None:
        form = AccountSetupScreen(self.context)
        form.created.connect(self._done)
        form.back.connect(self.show_sign_in)
        self._show(form)

    def show_sign_in(self) -> None:
        form = SignInScreen(self.context)
        form.signed_in.connect(self._done)
        form.use_code.connect(self.show_setup)
        self._show(form)

    def _show(self, form: AccountSetupScreen | SignInScreen) -> None:
        close_button = big_button(_("Close"))
        close_button.clicked.connect(self.reject)
        form.add_action(close_button, left=True)
        for button in form.action_bar.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter in a field moves on; it never closes this
        if self.stack.count():
            old = self.stack.widget(0)
            self.stack.removeWidget(old)
            old.deleteLater()
        self.form = form
        self.close_button = close_button
        self.stack.addWidget(form)
        form.setFocus()

    def _done(self, name: str) -> None:
        self.context.set_organiser(name)
        self.accept()


def fit_dialog(dialog: QDialog, width: int, height: int) -> None:
    """Open at about ``width``×``height``, never larger than the screen it shows on."""
    screen = (dialog.parentWidget() or dialog).screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    dialog.resize(min(width, room.width() - 40), min(height, room.height() - 60))
