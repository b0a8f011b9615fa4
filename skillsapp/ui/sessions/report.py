"""A group session's report: who came, what was covered and the group quiz results,
with "End the session" (queues the counts for the province, never the names) and a
PDF for the group's own records.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from skillsapp.engine.rules import vietnam_day
from skillsapp.errors import AppError
from skillsapp.flows.group_session import SessionSummary, session_summary
from skillsapp.i18n import _, format_date, format_number, format_percent, ngettext
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.shell.context import AppContext

LETTERS = "ABCDEF"


def ask_pdf_path(parent: QWidget, suggested: Path) -> Path | None:
    """Where to save the PDF (a USB stick is fine); None when the leader cancels."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the PDF report"), str(suggested), _("PDF files (*.pdf)")
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


class SessionReportScreen(TaskPage):
    back = Signal()
    session_closed = Signal(str)  # session id

    def __init__(self, context: AppContext, session_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.session_id = session_id
        self.summary: SessionSummary = session_summary(context.store, session_id)
        self.saved_pdf: Path | None = None

        self.back_button = self.add_action(big_button(_("← Back")), left=True)
        self.back_button.setAutoDefault(True)
        self.back_button.clicked.connect(self.back)
        self.body.addWidget(heading(_("Session report")))
        self._add_details()
        self._add_attendees()
        self._add_covered()
        self._add_quiz()
        self._add_phone()
        # For the group's own records; not in the action bar, which must fit 1024 pixels.
        self.pdf_button = big_button(_("Save the PDF report"))
        self.pdf_button.setAutoDefault(True)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.body.addWidget(self.pdf_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)

        # Above the action bar, always in view: what happened, and "End the session?".
        below = QWidget()
        below_box = QVBoxLayout(below)
        below_box.setContentsMargins(32, 8, 32, 0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        below_box.addWidget(self.status)
        self.confirm_frame, confirm = card()
        confirm.addWidget(
            paragraph(
                _(
                    "End the session now? The number of people who came and the quiz counts "
                    "will be sent to the province (no names). Nobody can be checked in after that."
                )
            )
        )
        confirm_row = QHBoxLayout()
        self.confirm_button = big_button(_("Yes, end the session"), primary=True)
        self.confirm_button.setAutoDefault(True)
        self.confirm_button.clicked.connect(self.end_session)
        self.not_yet_button = big_button(_("Not yet"))
        self.not_yet_button.setAutoDefault(True)
        self.not_yet_button.clicked.connect(self._cancel_end)
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.not_yet_button)
        confirm_row.addStretch(1)
        confirm.addLayout(confirm_row)
        self.confirm_frame.setVisible(False)
        below_box.addWidget(self.confirm_frame)
        self.layout().insertWidget(1, below)
        self.end_button = self.add_action(big_button(_("End the session"), primary=True))
        self.end_button.setAutoDefault(True)
        self.end_button.clicked.connect(self._ask_end)
        self._show_state()

    # -- content ------------------------------------------------------------------------
    def _add_details(self) -> None:
        session = self.summary.session
        lines = [
            _("Date: {date}").format(date=format_date(session.held_on)),
            _("Place: {place}").format(place=session.place or "—"),
        ]
        if session.group_name:
            lines.append(_("Community group: {group}").format(group=session.group_name))
        if session.leader:
            lines.append(_("Led by: {leader}").format(leader=session.leader))
        lines.append(_("Topic: {topic}").format(topic=self.summary.topic_title))
        self.details = paragraph("\n".join(lines))
        self.body.addWidget(self.details)

    def _add_attendees(self) -> None:
        people = self.summary.attendees
        count = self.summary.attendance
        self.attendance = heading(
            ngettext("Who came: {n} person", "Who came: {n} people", count).format(n=count),
            level=2,
        )
        self.body.addWidget(self.attendance)
        text = ", ".join(people) if people else _("Nobody was checked in.")
        anonymous = self.summary.phone.anonymous_players
        if anonymous:
            unnamed = ngettext(
                "{n} person played on a phone without picking a name from the check-in list: "
                "counted, not listed.",
                "{n} people played on a phone without picking a name from the check-in list: "
                "counted, not listed.",
                anonymous,
            ).format(n=anonymous)
            text = f"{', '.join(people)}\n{unnamed}" if people else unnamed
        self.attendee_names = paragraph(text)
        self.body.addWidget(self.attendee_names)

    def _add_covered(self) -> None:
        self.body.addWidget(heading(_("What was covered"), level=2))
        lines = ["• " + title for title in self.summary.lessons]
        count = len(self.summary.quiz)
        if count:
            lines.append(
                "• "
                + ngettext("Group quiz: {n} question", "Group quiz: {n} questions", count).format(
                    n=count
                )
            )
        self.covered = paragraph("\n".join(lines) or _("Nothing recorded yet."))
        self.body.addWidget(self.covered)

    def _add_quiz(self) -> None:
        self.quiz_lines: list[QLabel] = []
        if not self.summary.quiz:
            return
        self.body.addWidget(heading(_("Group quiz results"), level=2))
        for number, outcome in enumerate(self.summary.quiz, start=1):
            share = outcome.share_right
            verdict = (
                _("{percent} right").format(percent=format_percent(share))
                if share is not None
                else _("no answers counted")
            )
            text = _("{n}. {question}\nRight answer {letter} · {verdict} · {answers}").format(
                n=number,
                question=outcome.question.text,
                letter=", ".join(LETTERS[i] for i in outcome.question.correct),
                verdict=verdict,
                answers=ngettext("{n} answer", "{n} answers", outcome.total).format(
                    n=format_number(outcome.total)
                ),
            )
            label = paragraph(text)
            self.body.addWidget(label)
            self.quiz_lines.append(label)
        average = self.summary.average_right
        if average is not None:
            self.average = heading(
                _("Right answers on average: {share}").format(share=format_percent(average)),
                level=2,
            )
            self.body.addWidget(self.average)

    def _add_phone(self) -> None:
        """What residents answered on their phones: counts and shares, never who."""
        self.phone_lines: list[QLabel] = []
        phone = self.summary.phone
        if not phone.games:
            return
        self.body.addWidget(heading(_("Played on phones"), level=2))
        self.phone_totals = paragraph(
            " · ".join(
                [
                    ngettext("{n} player", "{n} players", phone.players).format(
                        n=format_number(phone.players)
                    ),
                    ngettext(
                        "{n} of them picked their name from the check-in list",
                        "{n} of them picked their name from the check-in list",
                        phone.checked_in_players,
                    ).format(n=format_number(phone.checked_in_players)),
                    ngettext("{n} answer", "{n} answers", phone.answers).format(
                        n=format_number(phone.answers)
                    ),
                ]
            )
        )
        self.body.addWidget(self.phone_totals)
        apart = self.summary.phone_quiz_apart
        if not apart:
            self.phone_totals.setText(
                self.phone_totals.text()
                + "\n"
                + _("The group quiz results above include the answers given on phones.")
            )
        for number, outcome in enumerate(apart, start=1):
            share = outcome.share_right
            verdict = (
                _("{percent} right").format(percent=format_percent(share))
                if share is not None
                else _("no answers counted")
            )
            answers = ngettext("{n} answer", "{n} answers", outcome.answers).format(
                n=format_number(outcome.answers)
            )
            label = paragraph(f"{number}. {outcome.question.text}\n{verdict} · {answers}")
            self.body.addWidget(label)
            self.phone_lines.append(label)

    # -- ending the session -------------------------------------------------------------
    def _show_state(self) -> None:
        closed = self.summary.session.closed
        self.end_button.setVisible(not closed)
        if closed:
            self._say(_("This session has ended: its report was queued for the province."))

    def _ask_end(self) -> None:
        self.confirm_frame.setVisible(True)
        self.end_button.setVisible(False)
        self.not_yet_button.setFocus()

    def _cancel_end(self) -> None:
        self.confirm_frame.setVisible(False)
        self.end_button.setVisible(True)
        self.end_button.setFocus()

    def end_session(self) -> None:
        self.context.store.sessions.close(self.session_id)
        self.summary = session_summary(self.context.store, self.session_id)
        self.confirm_frame.setVisible(False)
        self._show_state()
        self.pdf_button.setFocus()
        self.session_closed.emit(self.session_id)

    # -- the PDF ------------------------------------------------------------------------
    def save_pdf(self) -> None:
        from skillsapp.reports.session_pdf import default_file_name, write_session_pdf

        suggested = self.context.paths.exports / default_file_name(self.summary)
        target = ask_pdf_path(self, suggested)
        if target is None:
            return
        summary = self.summary  # plain data: the thread needs no database
        issued = vietnam_day(self.context.now())
        self.pdf_button.setEnabled(False)
        self._say(_("Saving the report…"))
        self.context.tasks.start(
            lambda _progress: write_session_pdf(summary, target, issued),
            self._pdf_saved,
            self._pdf_failed,
        )

    def _pdf_saved(self, path: Path) -> None:
        self.saved_pdf = Path(path)
        self.pdf_button.setEnabled(True)
        self._say(_("The report was saved: {path}").format(path=path))

    def _pdf_failed(self, error: Exception) -> None:
        self.pdf_button.setEnabled(True)
        message = str(error) if isinstance(error, AppError) else _("The report could not be saved.")
        self._say(message, bad=True)

    def _say(self, text: str, bad: bool = False) -> None:
        self.status.setText(text)
        self.status.setObjectName("bad" if bad else "good")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setVisible(True)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            if self.confirm_frame.isVisible():
                self._cancel_end()
            else:
                self.back.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            press_focused_button(self)
        else:
            super().keyPressEvent(event)
