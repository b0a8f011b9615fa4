"""The "Manage" area: organisers only.

The first time, the first organiser account is made here (or from Settings → For
staff), with the setup code that only the installer or the command line shows;
after that a sign-in form guards the area. Signing in lasts until "Sign out" or
until the window closes; signing out (here or in Settings) removes every organiser
screen, so nothing is left behind for the next person at the shared PC.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.i18n import _
from skillsapp.ui.common.widgets import TaskPage, WrapButton, big_button, heading, paragraph
from skillsapp.ui.learner.gate import WaitingScreen
from skillsapp.ui.manage.sign_in import AccountSetupScreen, SignInScreen
from skillsapp.ui.shell.context import AppContext


class OrganiserMenu(TaskPage):
    """What an organiser can do, one big button each; the list scrolls on a short screen."""

    chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.action_bar.hide()  # every choice is in the list itself
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
            # Wrapping: a long entry at the largest text must not widen the menu past the screen.
            button = WrapButton(text)
            if not self.buttons:
                button.setObjectName("primary")
            button.setAccessibleName(text)
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
        self.sign_in_screen: SignInScreen | None = None
        self.menu: OrganiserMenu | None = None
        self.screen: QWidget | None = None  # an organiser screen after the menu
        self.waiting = WaitingScreen(_("Manage"))
        self.stack.addWidget(self.waiting)
        context.store_opened.connect(self.refresh)
        # Signing in or out may happen here or in Settings: follow the context either way.
        context.organiser_changed.connect(self._organiser_changed)
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
            self.setup_screen.created.connect(self.context.set_organiser)
            self.setup_screen.back.connect(self._show_sign_in)
            self.stack.addWidget(self.setup_screen)
        self.stack.setCurrentWidget(self.setup_screen)
        self.setup_screen.setFocus()

    def _show_sign_in(self) -> None:
        if self.sign_in_screen is None:
            self.sign_in_screen = SignInScreen(self.context)
            self.sign_in_screen.signed_in.connect(self.context.set_organiser)
            self.sign_in_screen.use_code.connect(self._show_setup)
            self.stack.addWidget(self.sign_in_screen)
        self.sign_in_screen.offer_code()
        self.stack.setCurrentWidget(self.sign_in_screen)
        self.sign_in_screen.setFocus()

    def _organiser_changed(self) -> None:
        name = self.context.organiser
        if name is None:
            self._signed_out()
            return
        if self.setup_screen is not None:  # the first account exists now
            self.stack.removeWidget(self.setup_screen)
            self.setup_screen.deleteLater()
            self.setup_screen = None
        self.signed_in_label.setText(_("Signed in as {name}").format(name=name))
        self.top.setVisible(True)
        if self.screen is None:
            self.show_menu()

    def sign_out(self) -> None:
        self.context.set_organiser(None)

    def _signed_out(self) -> None:
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
