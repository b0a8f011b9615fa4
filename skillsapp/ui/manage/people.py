"""Organiser screens about people: more organiser accounts, and certificates for
everyone who completed the basic programme."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QProgressBar

from skillsapp.errors import ValidationError
from skillsapp.i18n import _, ngettext
from skillsapp.storage.organisers import MIN_PASSWORD
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.manage.common import Field, breakable
from skillsapp.ui.shell.context import AppContext


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(200)
    return edit


class _Leaving(TaskPage):
    """Esc goes back; Enter presses the focused button (Qt only does that in dialogs)."""

    back = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        super().keyPressEvent(event)


class OrganisersScreen(_Leaving):
    """Several organisers may share a PC; each has their own user name and password."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.body.addWidget(heading(_("Organiser accounts")))
        self.names = paragraph("")
        self.body.addWidget(self.names)
        self.body.addWidget(heading(_("Add an organiser"), level=2))
        self.username = QLineEdit()
        self.password = _password()
        self.again = _password()
        self.body.addWidget(Field(_("User name"), self.username))
        self.body.addWidget(
            Field(
                _("Password"),
                self.password,
                hint=_("At least {n} characters.").format(n=MIN_PASSWORD),
            )
        )
        self.body.addWidget(Field(_("The same password again"), self.again))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        self.body.addStretch(1)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.add_button = self.add_action(big_button(_("Add the organiser"), primary=True))
        self.add_button.clicked.connect(self.add)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.again.setFocus)
        self.again.returnPressed.connect(self.add)
        self.setFocusProxy(self.username)
        self.refresh()

    def refresh(self) -> None:
        names = self.context.store.organisers.usernames()
        self.names.setText(_("Organisers on this computer: {names}").format(names=", ".join(names)))

    def add(self) -> None:
        if self.password.text() != self.again.text():
            self._say(_("The two passwords are not the same. Type them again."), good=False)
            return
        try:
            self.context.store.organisers.create(self.username.text(), self.password.text())
        except ValidationError as exc:
            self._say(str(exc), good=False)
            return
        self._say(
            _("{name} can now sign in to Manage.").format(
                name=self.username.text().strip().lower()
            ),
            True,
        )
        for edit in (self.username, self.password, self.again):
            edit.clear()
        self.refresh()

    def _say(self, text: str, good: bool) -> None:
        self.message.setObjectName("good" if good else "bad")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)


class CertificatesScreen(_Leaving):
    """One PDF with a certificate page for each resident who finished every lesson."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.body.addWidget(heading(_("Certificates of the basic programme")))
        self.count = paragraph("")
        self.body.addWidget(self.count)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.body.addWidget(self.busy)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        self.body.addStretch(1)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.make_button = self.add_action(big_button(_("Make the PDF"), primary=True))
        self.make_button.clicked.connect(self.make)
        self.setFocusProxy(self.make_button)
        # Tests replace this; it returns the file to write, or None when cancelled.
        self.choose_path: Callable[[str], Path | None] = self._ask_path
        self.refresh()

    def refresh(self) -> None:
        from skillsapp.flows.summary import programme_completers

        self.people = programme_completers(self.context.store)
        self.count.setText(
            ngettext(
                "{n} resident on this computer has finished every lesson.",
                "{n} residents on this computer have finished every lesson.",
                len(self.people),
            ).format(n=len(self.people))
        )
        self.make_button.setEnabled(bool(self.people))

    def _ask_path(self, suggested: str) -> Path | None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save the PDF report"), suggested, _("PDF files (*.pdf)")
        )
        return Path(name) if name else None

    def make(self) -> None:
        suggested = str(self.context.paths.exports / "chung-nhan-hoan-thanh.pdf")
        target = self.choose_path(suggested)
        if target is None:
            return
        people = [(p.name, p.lessons) for p in self.people]
        issued: datetime.date = self.context.now().date()
        self.make_button.setEnabled(False)
        self.busy.setVisible(True)

        def work(_progress):
            from skillsapp.reports.certificate import programme_certificates

            return programme_certificates(target, people, issued)

        def done(path) -> None:
            self.busy.setVisible(False)
            self.make_button.setEnabled(True)
            self.message.setObjectName("good")
            self.message.setText(
                breakable(
                    _("Your certificate is saved in {path}. You can print it.").format(path=path)
                )
            )

        def failed(exc: Exception) -> None:
            self.busy.setVisible(False)
            self.make_button.setEnabled(True)
            self.message.setObjectName("bad")
            self.message.setText(str(exc))

        self.context.tasks.start(work, done, failed)
