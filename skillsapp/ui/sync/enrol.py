"""Connecting this PC to the provincial server, once: the address and the enrolment
code the organiser gives, a name so the organiser can tell the PCs apart, and a
certificate file only when the province uses its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from skillsapp.errors import AppError, ValidationError
from skillsapp.i18n import _
from skillsapp.sync.runner import clean_server_url, enrol
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.manage.common import BusyBar, Field, Reflow, message_label, say
from skillsapp.ui.shell.context import AppContext


def line_edit(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


class EnrolScreen(TaskPage):
    """``enrolled(url)`` once the server accepted the code; ``back`` to leave."""

    enrolled = Signal(str)
    back = Signal()

    def __init__(self, context: AppContext, choose_ca_file: Callable[[], Path | None]) -> None:
        super().__init__()
        self.context = context
        self.choose_ca_file = choose_ca_file
        self.ca_file = context.settings.ca_bundle or ""
        page = self
        page.body.addWidget(heading(_("Connect this PC to the province")))
        page.body.addWidget(
            paragraph(
                _(
                    "The organiser gives you the server address and an enrolment code. "
                    "This is done once on each PC; after that, results are sent by themselves."
                )
            )
        )
        self.url = line_edit(context.settings.server_url, "https://")
        self.url_field = Field(
            _("Server address"), self.url, hint=_("For example: https://kns.tinh.gov.vn")
        )
        self.code = line_edit()
        self.code_field = Field(_("Enrolment code"), self.code)
        self.name = line_edit()
        self.name_field = Field(
            _("A name for this PC"),
            self.name,
            hint=_("Where it stands, for example: East village community hall."),
        )
        self.ca_label = QLabel()
        self.ca_label.setWordWrap(True)
        self.ca_button = big_button(
            _("Choose file…"), accessible=_("Choose the province's certificate file")
        )
        self.ca_button.clicked.connect(self.pick_ca_file)
        self.ca_clear = big_button(_("Remove"), accessible=_("Remove the certificate file"))
        self.ca_clear.clicked.connect(lambda: self.set_ca_file(""))
        self.ca_field = Field(_("Province's certificate file (only if the organiser gave you one)"))
        self.ca_field.layout().insertWidget(1, self.ca_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.ca_button)
        buttons.addWidget(self.ca_clear)
        buttons.addStretch(1)
        self.ca_field.layout().insertLayout(2, buttons)
        # A readable line length: fields as wide as the window are hard to follow.
        form = QWidget()
        form.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 56)
        column = QVBoxLayout(form)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        column.addWidget(self.url_field)
        column.addWidget(Reflow([self.code_field, self.name_field], spacing=24))
        column.addWidget(self.ca_field)
        page.body.addWidget(form)
        for edit in (self.url, self.code, self.name):
            edit.returnPressed.connect(self.submit)

        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.connect_button = self.add_action(big_button(_("Connect"), primary=True))
        self.connect_button.clicked.connect(self.submit)
        self.busy = BusyBar()
        page.body.addWidget(self.busy)
        self.error = message_label()
        page.body.addWidget(self.error)
        page.body.addStretch(1)
        self.set_ca_file(self.ca_file)
        self.setFocusProxy(self.url if not self.url.text() else self.code)

    def set_ca_file(self, path: str) -> None:
        self.ca_file = path
        self.ca_label.setText(
            Path(path).name if path else _("No file: the usual certificates are used.")
        )
        self.ca_label.setToolTip(path)
        self.ca_clear.setVisible(bool(path))

    def pick_ca_file(self) -> None:
        chosen = self.choose_ca_file()
        if chosen is not None:
            self.set_ca_file(str(chosen))

    def _clear_errors(self) -> None:
        for field in (self.url_field, self.code_field, self.name_field):
            field.show_error("")
        say(self.error, "")

    def submit(self) -> None:
        if not self.connect_button.isEnabled():
            return
        self._clear_errors()
        problems: list[tuple[Field, QLineEdit, str]] = []
        url = ""
        try:
            url = clean_server_url(self.url.text())
        except ValidationError as exc:
            problems.append((self.url_field, self.url, str(exc)))
        code, name = self.code.text().strip(), self.name.text().strip()
        if not code:
            problems.append(
                (self.code_field, self.code, _("Type the enrolment code from the organiser."))
            )
        if not name:
            problems.append(
                (
                    self.name_field,
                    self.name,
                    _("Type a name for this PC, for example where it stands."),
                )
            )
        for field, _edit, message in problems:
            field.show_error(message)
        if problems:
            problems[0][1].setFocus()
            return
        self.url.setText(url)
        store, ca_file = self.context.store, self.ca_file

        def work(_progress):
            worker = store.for_thread()
            try:
                return enrol(worker, url, code, name, ca_file or None)
            finally:
                worker.close()

        self._set_busy(True)
        self.context.tasks.start(work, lambda _settings: self._done(url, ca_file), self._failed)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.connect_button, self.back_button, self.ca_button, self.ca_clear):
            widget.setEnabled(not busy)
        if busy:
            self.busy.start(_("Connecting to the province's server…"))
        else:
            self.busy.stop()

    def _done(self, url: str, ca_file: str) -> None:
        self._set_busy(False)
        self.code.clear()
        self.context.update_settings(server_url=url, ca_bundle=ca_file)
        self.enrolled.emit(url)

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, AppError):
            say(self.error, str(error), good=False)
        else:
            say(self.error, _("Could not connect: something unexpected went wrong."), good=False)
        self.connect_button.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape and self.back_button.isEnabled():
            self.back.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        super().keyPressEvent(event)


def ask_ca_file(parent: QWidget) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Choose the province's certificate file"),
        str(Path.home()),
        _("Certificate files (*.pem *.crt *.cer);;All files (*)"),
    )
    return Path(chosen) if chosen else None
