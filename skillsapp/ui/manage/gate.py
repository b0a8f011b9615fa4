"""The "Manage" area: organisers only.

The first time, the first organiser account is made here; after that a sign-in
form guards the area. Signing in lasts until "Sign out" or until the window
closes; signing out removes every organiser screen, so nothing is left behind
for the next person at the shared PC.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.storage.organisers import MIN_PASSWORD
from skillsapp.ui.common.widgets import Page, big_button, heading, paragraph, scroll_page
from skillsapp.ui.learner.gate import WaitingScreen
from skillsapp.ui.manage.common import Field, message_label, say
from skillsapp.ui.shell.context import AppContext


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(200)
    return edit


class AccountSetupScreen(Page):
    """First use: make the first organiser account."""

    created = Signal(str)

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
        for field in (self.username_field, self.password_field, self.again_field):
            self.body.addWidget(field)
        self.create_button = big_button(_("Create the account"), primary=True)
        self.create_button.setAutoDefault(True)
        self.create_button.clicked.connect(self.create)
        self.body.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self.create)
        self.body.addStretch(1)
        self.setFocusProxy(self.username)

    def create(self) -> None:
        for field in (self.username_field, self.password_field, self.again_field):
            field.show_error("")
        name, password = self.username.text().strip(), self.password.text()
        if len(password) >= MIN_PASSWORD and password != self.again.text():
            self.again_field.show_error(_("The two passwords are not the same. Type them again."))
            self.again.clear()
            self.again.setFocus()
            return
        try:
            self.context.store.organisers.create(name, password)
        except ValidationError as exc:
            field = self.username_field if exc.field == "username" else self.password_field
            field.show_error(str(exc))
            (self.username if exc.field == "username" else self.password).setFocus()
            return
        self.password.clear()
        self.again.clear()
        self.created.emit(name.lower())


class SignInScreen(Page):
    signed_in = Signal(str)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.body.addWidget(heading(_("Sign in to manage")))
        self.body.addWidget(
            paragraph(
                _(
                    "This area is for organisers. If you came here to learn or take part in a "
                    "contest, choose Lessons or Contests on the left."
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
        self.sign_in_button = big_button(_("Sign in"), primary=True)
        self.sign_in_button.setAutoDefault(True)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.body.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.sign_in)
        self.body.addStretch(1)
        self.setFocusProxy(self.username)

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


class OrganiserMenu(Page):
    """What an organiser can do, one big button each."""

    chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.body.addWidget(heading(_("Manage")))
        self.body.addWidget(paragraph(_("What do you want to do?")))
        self.buttons: dict[str, QWidget] = {}
        for key, text, note in (
            (
                "contests",
                _("Contests and results"),
                _("Make a contest, open or close rounds, see rankings and export results."),
            ),
            (
                "content",
                _("Content packs"),
                _("Install a new pack of lessons and questions, or a newer version."),
            ),
            (
                "targets",
                _("Targets"),
                _("Set how many residents of each commune should finish the lessons."),
            ),
            (
                "certificates",
                _("Certificates of the basic programme"),
                _("One PDF with a certificate for each resident who finished every lesson."),
            ),
            (
                "organisers",
                _("Organiser accounts"),
                _("Let another organiser sign in with their own name and password."),
            ),
        ):
            button = big_button(text, primary=not self.buttons)
            button.clicked.connect(lambda _checked=False, k=key: self.chosen.emit(k))
            self.buttons[key] = button
            self.body.addWidget(button)
            self.body.addWidget(paragraph(note, muted=True))
        self.body.addStretch(1)
        self.setFocusProxy(self.buttons["contests"])


class ManagePage(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top = QWidget()
        bar = QHBoxLayout(self.top)
        bar.setContentsMargins(32, 12, 32, 0)
        self.signed_in_label = QLabel()
        self.signed_in_label.setObjectName("muted")
        bar.addWidget(self.signed_in_label, 1)
        self.sign_out_button = big_button(_("Sign out"))
        self.sign_out_button.clicked.connect(self.sign_out)
        bar.addWidget(self.sign_out_button)
        self.top.setVisible(False)
        outer.addWidget(self.top)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.setup_screen: AccountSetupScreen | None = None
        self.setup_scroll: QWidget | None = None
        self.sign_in_screen: SignInScreen | None = None
        self.menu: OrganiserMenu | None = None
        self.screen: QWidget | None = None  # an organiser screen after the menu
        self.waiting = WaitingScreen(_("Manage"))
        self.stack.addWidget(self.waiting)
        context.store_opened.connect(self.refresh)
        self.refresh()

    # --- who is here ------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.context.organiser is not None

    def open(self, _argument: object = None) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self.context.store is None:
            self.stack.setCurrentWidget(self.waiting)
        elif self.signed_in:
            if self.screen is None:
                self.show_menu()
        elif not self.context.store.organisers.exist():
            self._show_setup()
        else:
            self._show_sign_in()

    def _show_setup(self) -> None:
        if self.setup_screen is None:
            self.setup_screen = AccountSetupScreen(self.context)
            self.setup_screen.created.connect(self._signed_in)
            self.setup_scroll = scroll_page(self.setup_screen)
            self.stack.addWidget(self.setup_scroll)
        self.stack.setCurrentWidget(self.setup_scroll)
        self.setup_screen.setFocus()

    def _show_sign_in(self) -> None:
        if self.sign_in_screen is None:
            self.sign_in_screen = SignInScreen(self.context)
            self.sign_in_screen.signed_in.connect(self._signed_in)
            self.stack.addWidget(self.sign_in_screen)
        self.stack.setCurrentWidget(self.sign_in_screen)
        self.sign_in_screen.setFocus()

    def _signed_in(self, name: str) -> None:
        self.context.set_organiser(name)
        if self.setup_scroll is not None:  # the first account exists now
            self.stack.removeWidget(self.setup_scroll)
            self.setup_scroll.deleteLater()
            self.setup_scroll = self.setup_screen = None
        self.signed_in_label.setText(_("Signed in as {name}").format(name=name))
        self.top.setVisible(True)
        self.show_menu()

    def sign_out(self) -> None:
        self.context.set_organiser(None)
        self._drop_screen()
        if self.menu is not None:
            self.stack.removeWidget(self.menu)
            self.menu.deleteLater()
            self.menu = None
        self.top.setVisible(False)
        self.signed_in_label.clear()
        if self.sign_in_screen is not None:
            self.sign_in_screen.reset()
        self.refresh()

    # --- organiser screens ----------------------------------------------------------------

    def show_menu(self) -> None:
        if not self.signed_in:
            return
        self._drop_screen()
        if self.menu is None:
            self.menu = OrganiserMenu()
            self.menu.chosen.connect(self.show_screen)
            self.stack.addWidget(self.menu)
        self.stack.setCurrentWidget(self.menu)
        self.menu.setFocus()

    def show_screen(self, key: str) -> None:
        if not self.signed_in:
            return
        if key == "contests":
            from skillsapp.ui.manage.contests import ContestsArea

            screen: QWidget = ContestsArea(self.context)
        elif key == "content":
            from skillsapp.ui.manage.content import ContentScreen

            screen = ContentScreen(self.context)
        elif key == "targets":
            from skillsapp.ui.manage.targets import TargetsScreen

            screen = TargetsScreen(self.context)
        elif key == "certificates":
            from skillsapp.ui.manage.people import CertificatesScreen

            screen = CertificatesScreen(self.context)
        elif key == "organisers":
            from skillsapp.ui.manage.people import OrganisersScreen

            screen = OrganisersScreen(self.context)
        else:
            raise ValueError(key)
        screen.back.connect(self.show_menu)  # type: ignore[attr-defined]
        self._drop_screen()
        self.screen = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        screen.setFocus()

    def current_screen(self) -> QWidget | None:
        return self.screen

    def _drop_screen(self) -> None:
        if self.screen is None:
            return
        self.stack.removeWidget(self.screen)
        self.screen.hide()
        self.screen.deleteLater()
        self.screen = None
