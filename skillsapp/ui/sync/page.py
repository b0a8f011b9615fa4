"""The Sync area: how many results wait to go to the province, when the last sync
worked, what went wrong and when the app tries again; "Sync now"; connecting the PC
once (sync_enrol); copying results to a USB stick (sync_usb).

Everything shown comes from :func:`skillsapp.sync.runner.status`; syncs run in the
background (see :mod:`skillsapp.ui.sync.auto_sync`), so the window never freezes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from skillsapp.errors import AppError
from skillsapp.i18n import _, format_datetime, format_number, ngettext
from skillsapp.sync.client import SyncError
from skillsapp.sync.refusals import refusals
from skillsapp.sync.runner import SyncReport, status
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.manage.common import BusyBar, message_label, say
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import palette_for
from skillsapp.ui.sync.auto_sync import after_sync, sync_work
from skillsapp.ui.sync.enrol import EnrolScreen, ask_ca_file
from skillsapp.ui.sync.usb import UsbScreen, ask_target, waiting_text

log = logging.getLogger(__name__)

SHOWN_REFUSALS = 5  # the newest ones; the count above says how many in all


def report_text(report: SyncReport) -> str:
    """What a finished sync did, in one or two plain sentences."""
    sent = report.sent + report.duplicates  # "already there" is sent, as far as the user cares
    if sent:
        lines = [
            ngettext(
                "Sent {n} result to the province.", "Sent {n} results to the province.", sent
            ).format(n=format_number(sent))
        ]
    else:
        lines = [_("Nothing new to send: this PC is up to date with the province.")]
    if report.packs:
        lines.append(_("New lessons from the province were installed."))
    if report.rejected:
        n = len(report.rejected)
        lines.append(
            ngettext("The server refused {n} result.", "The server refused {n} results.", n).format(
                n=format_number(n)
            )
        )
    return " ".join(lines)


def refusal_text(store) -> str:
    """The newest refusals, one a line: whose result, which round, and the server's reason."""
    found = refusals(store)
    lines = [r.text() for r in found[-SHOWN_REFUSALS:]]
    hidden = len(found) - len(lines)
    if hidden:
        lines.insert(
            0,
            ngettext(
                "The newest refusals ({n} older one not shown):",
                "The newest refusals ({n} older ones not shown):",
                hidden,
            ).format(n=format_number(hidden)),
        )
    return "\n".join(lines)


class SyncOverview(TaskPage):
    """The state of syncing, "Sync now" (or "Connect…" before enrolment) and "Copy to USB"."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.syncing = False
        page = self
        page.body.addWidget(heading(_("Sync with the province")))
        frame, box = card()
        self.waiting = heading("", level=2)
        self.refused = paragraph("")
        self.refused.setObjectName("bad")
        self.refusal_list = paragraph("")  # whose results, and the server's reason for each
        self.last_success = paragraph("")
        self.server = paragraph("", muted=True)
        for label in (
            self.waiting,
            self.refused,
            self.refusal_list,
            self.last_success,
            self.server,
        ):
            box.addWidget(label)
        page.body.addWidget(frame)

        self.sync_button = big_button(_("Sync now"), primary=True)
        self.sync_button.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 16)
        self.sync_button.clicked.connect(self.sync)
        self.enrol_button = big_button(_("Connect to the province's server"), primary=True)
        self.add_action(self.sync_button)
        self.add_action(self.enrol_button)
        self.busy = BusyBar()
        page.body.addWidget(self.busy)
        self.result = message_label()
        page.body.addWidget(self.result)
        self.problem = message_label()
        page.body.addWidget(self.problem)
        self.next_try = paragraph("", muted=True)
        page.body.addWidget(self.next_try)
        self.auto_note = paragraph(
            _("While the app is open, it sends results by itself whenever the connection works."),
            muted=True,
        )
        page.body.addWidget(self.auto_note)

        page.body.addWidget(heading(_("No Internet here?"), level=2))
        self.usb_button = big_button(_("Copy results to a USB stick"))
        page.body.addWidget(self.usb_button, 0, Qt.AlignmentFlag.AlignLeft)
        page.body.addStretch(1)
        self.load_icons()
        context.settings_changed.connect(self.load_icons)

    def load_icons(self) -> None:
        from skillsapp.ui.shell.icons import icon

        colours = palette_for(self.context.settings.high_contrast)
        side = self.fontMetrics().height()
        for button, name, colour in (
            (self.sync_button, "fa5s.sync-alt", colours.accent_text),
            (self.enrol_button, "fa5s.link", colours.accent_text),
            (self.usb_button, "fa5s.file-export", colours.text),
        ):
            button.setIcon(icon(name, colour))
            button.setIconSize(QSize(side, side))

    def refresh(self) -> None:
        store = self.context.store
        if store is None:
            return
        state = status(store)
        now = self.context.now()
        self.waiting.setText(waiting_text(state.pending))
        self.waiting.setAccessibleName(self.waiting.text())
        self.refused.setText(
            ngettext(
                "The server refused {n} result; it will not be sent again. Tell the organiser.",
                "The server refused {n} results; they will not be sent again. Tell the organiser.",
                state.rejected,
            ).format(n=format_number(state.rejected))
        )
        self.refused.setVisible(state.rejected > 0)
        self.refusal_list.setText(refusal_text(store))
        self.refusal_list.setVisible(state.rejected > 0)
        if state.last_success is None:
            self.last_success.setText(_("Not synced with the province yet."))
        else:
            self.last_success.setText(
                _("Last successful sync: {when}").format(when=format_datetime(state.last_success))
            )
        if state.enrolled:
            self.server.setText(_("Server: {url}").format(url=state.server_url))
        else:
            self.server.setText(_("This PC is not connected to the province's server yet."))
        self.sync_button.setVisible(state.enrolled)
        self.enrol_button.setVisible(state.needs_enrolment)
        self.auto_note.setVisible(state.enrolled)
        if state.last_problem and not self.syncing:
            say(
                self.problem,
                _("Last problem: {problem}").format(problem=state.last_problem),
                good=False,
            )
        else:
            say(self.problem, "")
        retry = (
            state.enrolled
            and state.last_problem
            and state.next_try_at
            and state.next_try_at > now
            and not self.syncing
        )
        self.next_try.setText(
            _("The app will try again by itself at {time}.").format(
                time=format_datetime(state.next_try_at)
            )
            if retry
            else ""
        )
        self.next_try.setVisible(bool(retry))
        self.setFocusProxy(self.sync_button if state.enrolled else self.enrol_button)

    def sync(self) -> None:
        store = self.context.store
        if store is None or self.syncing:
            return
        self.syncing = True
        for button in (self.sync_button, self.usb_button):
            button.setEnabled(False)
        say(self.result, "")
        say(self.problem, "")  # the old problem is being retried
        self.next_try.setVisible(False)
        self.busy.start(_("Sending results to the province…"))
        self.context.tasks.start(sync_work(store, self.context.now()), self._done, self._failed)

    def _finish(self) -> None:
        self.syncing = False
        self.busy.stop()
        for button in (self.sync_button, self.usb_button):
            button.setEnabled(True)

    def _done(self, report: SyncReport) -> None:
        self._finish()
        after_sync(self.context, report)  # refreshes this screen through sync_finished
        say(self.result, report_text(report), good=not report.rejected)
        self.sync_button.setFocus()

    def _failed(self, error: Exception) -> None:
        self._finish()
        self.context.sync_finished.emit(error)  # refreshes: a SyncError is the last problem
        if not isinstance(error, SyncError):
            # SyncErrors are recorded by the runner and shown as the last problem.
            log.warning("sync failed: %s", type(error).__name__)
            message = (
                str(error)
                if isinstance(error, AppError)
                else _(
                    "The sync stopped because of an unexpected problem. Results stay saved on this PC."
                )
            )
            say(self.result, message, good=False)
        self.sync_button.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        super().keyPressEvent(event)


class SyncPage(QWidget):
    """The Sync area. Tests replace ``choose_path`` (where to write the USB file, given a
    suggested file name) and ``choose_ca_file``; both return None when cancelled."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.choose_path = lambda suggested: ask_target(self, suggested)
        self.choose_ca_file = lambda: ask_ca_file(self)
        self.stack = QStackedWidget()
        self.overview = SyncOverview(context)
        self.enrol_screen = EnrolScreen(context, lambda: self.choose_ca_file())
        self.usb_screen = UsbScreen(context, lambda suggested: self.choose_path(suggested))
        for screen in (self.overview, self.enrol_screen, self.usb_screen):
            self.stack.addWidget(screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.overview.enrol_button.clicked.connect(lambda: self.show_screen(self.enrol_screen))
        self.overview.usb_button.clicked.connect(lambda: self.show_screen(self.usb_screen))
        self.enrol_screen.back.connect(self.show_overview)
        self.enrol_screen.enrolled.connect(self._enrolled)
        self.usb_screen.back.connect(self.show_overview)
        context.sync_finished.connect(self._sync_finished)
        context.store_opened.connect(self.refresh)
        self.setFocusProxy(self.overview)
        self.refresh()

    def current_screen(self) -> QWidget:
        return self.stack.currentWidget()

    def refresh(self) -> None:
        self.overview.refresh()
        self.usb_screen.refresh()

    def show_screen(self, screen: QWidget) -> None:
        for label in (self.overview.result, self.usb_screen.result):
            say(label, "")  # messages belong to the visit that caused them
        self.refresh()
        self.stack.setCurrentWidget(screen)
        self.setFocusProxy(screen)
        screen.setFocus()

    def show_overview(self) -> None:
        self.show_screen(self.overview)

    def _enrolled(self, url: str) -> None:
        self.show_overview()
        say(
            self.overview.result,
            _("This PC is now connected to the province's server ({url}).").format(url=url),
            good=True,
        )

    def _sync_finished(self, _result: object) -> None:
        # A background sync: an older "Sent …" message would now mislead. The screen
        # that ran this sync shows its own message after this.
        say(self.overview.result, "")
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Coming back to the area: results may have been made since, or a sync ran.
        if not event.spontaneous():
            self.refresh()
        super().showEvent(event)
