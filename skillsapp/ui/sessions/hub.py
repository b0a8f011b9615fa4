"""One group session: what it is, how many came, and the steps of running it —
check people in, show a lesson on the projector, the group quiz (counted hands, or played
on residents' phones), the report.

Keys: the number on each step's badge starts it; Esc goes back to the list. The keys of
the projector window are told here, on the leader's screen, not to the room.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from skillsapp.flows.group_session import group_quiz_questions, topic_lessons, topic_title
from skillsapp.i18n import _, format_date, ngettext
from skillsapp.models import Lesson
from skillsapp.storage.group_sessions import GroupSession
from skillsapp.ui.common.widgets import (
    TaskPage,
    WrapButton,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.shell.context import AppContext


class SessionHub(TaskPage):
    back = Signal()
    check_in_requested = Signal()
    lesson_requested = Signal(object)  # the Lesson to show on the projector
    quiz_requested = Signal()
    phone_requested = Signal()  # the group quiz played on residents' phones
    report_requested = Signal()
    edit_requested = Signal()

    def __init__(self, context: AppContext, session_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        store = context.store
        self.session: GroupSession = store.sessions.get(session_id)
        session = self.session
        self.steps: list[WrapButton] = []

        self.title = heading(topic_title(store, session.topic))
        self.body.addWidget(self.title)
        self.back_button = self.add_action(big_button(_("← All sessions")), left=True)
        self.back_button.setAccessibleName(_("All sessions"))
        self.back_button.setAutoDefault(True)
        self.back_button.clicked.connect(self.back)
        self.edit_button = self.add_action(big_button(_("Change the details")))
        self.edit_button.setAutoDefault(True)
        self.edit_button.clicked.connect(self.edit_requested)
        self.edit_button.setVisible(not session.closed)  # an ended session was sent

        details = [format_date(session.held_on), session.place]
        if session.group_name:
            details.append(session.group_name)
        if session.leader:
            details.append(_("led by {leader}").format(leader=session.leader))
        self.details = paragraph(" · ".join(details), muted=True)
        self.body.addWidget(self.details)
        self.attendance = heading("", level=2)
        self.body.addWidget(self.attendance)
        self.closed_note = paragraph(
            _("This session has ended: its report was queued for the province.")
        )
        self.closed_note.setVisible(session.closed)
        self.body.addWidget(self.closed_note)

        self.check_in_button = self._step(_("Check in who came"))
        self.check_in_button.clicked.connect(self.check_in_requested)
        self.check_in_button.setEnabled(not session.closed)
        self.lessons: list[Lesson] = topic_lessons(store, session.topic)
        self.lesson_buttons: list[WrapButton] = []
        for lesson in self.lessons:
            button = self._step(
                _("Show the lesson on the projector: {title}").format(title=lesson.title)
            )
            button.clicked.connect(
                lambda _checked=False, item=lesson: self.lesson_requested.emit(item)
            )
            self.lesson_buttons.append(button)
        count = len(group_quiz_questions(store, session))
        self.quiz_button = self._step(
            ngettext(
                "Group quiz on the projector ({n} question)",
                "Group quiz on the projector ({n} questions)",
                count,
            ).format(n=count)
        )
        self.quiz_button.clicked.connect(self.quiz_requested)
        self.quiz_button.setEnabled(count > 0 and not session.closed)
        self.phone_button = self._step(_("Play on phones: residents answer on their own phone"))
        self.phone_button.clicked.connect(self.phone_requested)
        self.phone_button.setEnabled(count > 0 and not session.closed)
        self.report_button = self._step(
            _("See the report") if session.closed else _("See the report and end the session")
        )
        self.report_button.clicked.connect(self.report_requested)
        self.keys_hint = paragraph(
            _(
                "On the projector: → or Space goes on, ← goes back, "
                "Esc leaves full screen. A presenter's clicker works too."
            ),
            muted=True,
        )
        self.body.addWidget(self.keys_hint)
        self.body.addStretch(1)
        self.refresh()
        next(b for b in self.steps if b.isEnabled()).setFocus()

    def _step(self, text: str) -> WrapButton:
        button = WrapButton(text, key=str(len(self.steps) + 1))
        button.setAutoDefault(True)
        self.body.addWidget(button)
        self.steps.append(button)
        return button

    def refresh(self) -> None:
        count = len(self.context.store.sessions.attendees(self.session.id))
        self.attendance.setText(
            ngettext("{n} person checked in", "{n} people checked in", count).format(n=count)
        )
        self.attendance.setAccessibleName(self.attendance.text())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.back.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        number = int(key) - int(Qt.Key.Key_0)
        if 1 <= number <= len(self.steps) and self.steps[number - 1].isEnabled():
            self.steps[number - 1].click()
            return
        super().keyPressEvent(event)
