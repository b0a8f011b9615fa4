"""Copying the waiting results to a USB stick, for a PC without Internet: the
organiser imports the file on the provincial server. The results stay queued here
until an online sync confirms them, so copying twice does no harm."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from skillsapp.errors import AppError
from skillsapp.i18n import _, format_datetime, format_number, ngettext
from skillsapp.sync.runner import status
from skillsapp.sync.transfer import SUFFIX, default_file_name, export_transfer, last_transfer
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.manage.common import BusyBar, Field, Reflow, breakable, message_label, say
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.sync.enrol import line_edit


def waiting_text(pending: int) -> str:
    if pending == 0:
        return _("No results are waiting to be sent.")
    return ngettext(
        "{n} result is waiting to be sent to the province.",
        "{n} results are waiting to be sent to the province.",
        pending,
    ).format(n=format_number(pending))


class UsbScreen(TaskPage):
    """Writes a transfer file where ``choose_path(suggested_name)`` says; ``back`` to leave."""

    back = Signal()
    exported = Signal(int)

    def __init__(self, context: AppContext, choose_path: Callable[[str], Path | None]) -> None:
        super().__init__()
        self.context = context
        self.choose_path = choose_path
        self.enrolled = False
        page = self
        page.body.addWidget(heading(_("Copy results to a USB stick")))
        page.body.addWidget(
            paragraph(
                _(
                    "Where there is no Internet, copy the waiting results into a file on a USB stick "
                    "and give it to the organiser, who imports it on the province's server. "
                    "The results also stay on this PC and are sent again safely when it is online."
                )
            )
        )
        self.waiting = heading("", level=2)
        page.body.addWidget(self.waiting)
        self.code = line_edit()
        self.code_field = Field(
            _("Enrolment code (if the organiser gave you one)"),
            self.code,
            hint=_(
                "This PC is not connected to the province's server yet. With a code, the server "
                "connects it when the organiser imports the file."
            ),
        )
        self.name = line_edit()
        self.name_field = Field(
            _("A name for this PC"),
            self.name,
            hint=_("Where it stands, for example: East village community hall."),
        )
        # Only before enrolment: then the file can carry the code.
        self.enrol_fields = Reflow([self.code_field, self.name_field], spacing=24)
        self.enrol_fields.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 56)
        page.body.addWidget(self.enrol_fields)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.copy_button = self.add_action(
            big_button(_("Choose where to save, and copy"), primary=True)
        )
        self.copy_button.clicked.connect(self.export)
        self.busy = BusyBar()
        page.body.addWidget(self.busy)
        self.result = message_label()
        page.body.addWidget(self.result)
        self.last = paragraph("", muted=True)
        page.body.addWidget(self.last)
        page.body.addStretch(1)
        self.setFocusProxy(self.copy_button)

    def refresh(self) -> None:
        store = self.context.store
        if store is None:
            return
        state = status(store)
        self.enrolled = state.enrolled
        self.waiting.setText(waiting_text(state.pending))
        self.waiting.setAccessibleName(self.waiting.text())
        self.enrol_fields.setVisible(not state.enrolled)
        previous = last_transfer(store)
        if previous is None or self.result.isVisibleTo(self):
            # Just copied: the message above already says where the file went.
            self.last.setVisible(False)
        else:
            self.last.setText(
                breakable(
                    ngettext(
                        "Last copied on {when}: {n} result, to {file}.",
                        "Last copied on {when}: {n} results, to {file}.",
                        previous.records,
                    ).format(
                        when=format_datetime(previous.at),
                        n=format_number(previous.records),
                        file=previous.file,
                    )
                )
            )
            self.last.setVisible(True)

    def export(self) -> None:
        if not self.copy_button.isEnabled() or self.context.store is None:
            return
        now = self.context.now()
        target = self.choose_path(default_file_name(now))
        if target is None:
            return
        if not target.suffix:
            target = target.with_suffix(SUFFIX)
        store = self.context.store
        code = "" if self.enrolled else self.code.text().strip()
        name = self.name.text().strip()

        def work(_progress):
            worker = store.for_thread()
            try:
                return export_transfer(
                    worker, target, now, device_name=name, enrolment_code=code or None
                )
            finally:
                worker.close()

        self._set_busy(True)
        say(self.result, "")
        self.last.setVisible(False)
        self.context.tasks.start(work, lambda count: self._done(count, target), self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.copy_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        if busy:
            self.busy.start(_("Writing the results file…"))
        else:
            self.busy.stop()

    def _done(self, count: int, target: Path) -> None:
        self._set_busy(False)
        text = ngettext(
            "Copied {n} result to {file}. Give this file to the organiser.",
            "Copied {n} results to {file}. Give this file to the organiser.",
            count,
        ).format(n=format_number(count), file=str(target))
        say(self.result, text, good=True)
        self.refresh()
        self.exported.emit(count)
        self.back_button.setFocus()

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, AppError):
            say(self.result, str(error), good=False)
        else:
            say(
                self.result,
                _("The file could not be written: something unexpected went wrong."),
                good=False,
            )
        self.copy_button.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape and self.back_button.isEnabled():
            self.back.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        super().keyPressEvent(event)


def ask_target(parent: QWidget, suggested: str) -> Path | None:
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Where to save the results file (choose the USB stick)"),
        str(Path.home() / suggested),
        _("Kỹ Năng Số results files (*.kns)"),
    )
    return Path(chosen) if chosen else None
