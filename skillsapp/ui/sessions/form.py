"""A group session's details: the date (today), the place, the group, the topic and the
leader. A new session starts from the last one: a group meets in the same hall with the
same people. The same form corrects the details of a session that has not ended.

Enter in the date or the topic list chooses; only Enter in a text field, or "Save",
saves.
"""

from __future__ import annotations

import datetime

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from skillsapp.engine.rules import vietnam_day
from skillsapp.flows.group_session import SessionDefaults, new_session_defaults
from skillsapp.i18n import _, date_pattern
from skillsapp.storage.group_sessions import GroupSession
from skillsapp.ui.common.fields import ComboBox, DateEdit
from skillsapp.ui.common.widgets import (
    MIN_TARGET,
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.shell.context import AppContext


class NewSessionForm(TaskPage):
    """A new session, or ``session``'s details to correct; ``created`` either way."""

    created = Signal(object)  # the GroupSession, new or corrected
    cancelled = Signal()

    def __init__(
        self,
        context: AppContext,
        session: GroupSession | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.session = session
        store = context.store
        if session is None:
            defaults = new_session_defaults(store)
            day = vietnam_day(context.now())
        else:
            defaults = SessionDefaults(
                session.place, session.group_name, session.leader, session.topic
            )
            day = session.held_on
        self.body.addWidget(
            heading(_("New group session") if session is None else _("Session details"))
        )
        self.body.addWidget(
            paragraph(
                _("Fill in what you know; you can check people in and show lessons next.")
                if session is None
                else _("Correct what was wrong, then save."),
                muted=True,
            )
        )

        form = QFormLayout()
        form.setSpacing(14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Labels above their fields: at the largest text a label beside its field leaves
        # the field too narrow on a 1024-pixel screen.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)

        def row(label: str, widget: QWidget) -> None:
            text = QLabel(label)
            text.setWordWrap(True)
            text.setBuddy(widget)
            widget.setAccessibleName(label.rstrip(":"))
            widget.setMinimumHeight(MIN_TARGET)
            form.addRow(text, widget)

        self.date = DateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(date_pattern())
        self.date.setDate(QDate(day.year, day.month, day.day))
        row(_("Date:"), self.date)

        self.place = QLineEdit(defaults.place)
        self.place.setMaxLength(120)
        self.place.setPlaceholderText(_("For example: Cultural house of village 3"))
        row(_("Place:"), self.place)

        self.group = QLineEdit(defaults.group_name)
        self.group.setMaxLength(120)
        self.group.setPlaceholderText(_("For example: Digital technology group of village 3"))
        row(_("Community group:"), self.group)

        self.topic = ComboBox()
        # Long topic titles must not make the form wider than a 1024-pixel screen.
        self.topic.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.topic.setMinimumContentsLength(12)
        for topic in store.content.topics():
            self.topic.addItem(topic.title, topic.id)
        found = self.topic.findData(defaults.topic)
        if found < 0 and session is not None:  # its pack is gone: keep the topic it had
            self.topic.addItem(session.topic, session.topic)
            found = self.topic.count() - 1
        if found >= 0:
            self.topic.setCurrentIndex(found)
        row(_("Topic:"), self.topic)
        self.topic_note = paragraph(
            _("The topic stays: the group quiz of this session was already played."), muted=True
        )
        played = session is not None and bool(store.sessions.quiz(session.id))
        self.topic.setEnabled(not played)
        self.topic_note.setVisible(played)
        form.addRow(self.topic_note)

        self.leader = QLineEdit(defaults.leader)
        self.leader.setMaxLength(80)
        self.leader.setPlaceholderText(_("Your name"))
        row(_("Led by:"), self.leader)
        self.body.addLayout(form)

        self.error = QLabel()
        self.error.setObjectName("bad")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.body.addWidget(self.error)
        self.body.addStretch(1)

        self.cancel_button = self.add_action(big_button(_("Cancel")), left=True)
        self.cancel_button.clicked.connect(self.cancelled)
        self.create_button = self.add_action(big_button(_("Save"), primary=True))
        self.create_button.setAccessibleName(
            _("Create the session") if session is None else _("Save the details")
        )
        self.create_button.clicked.connect(self.submit)
        for edit in (self.place, self.group, self.leader):
            edit.returnPressed.connect(self.submit)
        (self.place if not defaults.place else self.topic).setFocus()

    def held_on(self) -> datetime.date:
        value = self.date.date()
        return datetime.date(value.year(), value.month(), value.day())

    def submit(self) -> None:
        if not self.place.text().strip():
            self._fail(_("Please write where the session takes place."), self.place)
            return
        if self.topic.currentData() is None:
            self._fail(_("Install a content pack first: there is no topic to choose."), self.topic)
            return
        sessions = self.context.store.sessions
        details = (
            self.held_on(),
            self.place.text(),
            self.group.text(),
            self.topic.currentData(),
            self.leader.text(),
        )
        if self.session is None:
            saved = sessions.create(*details)
        else:
            saved = sessions.update(self.session.id, *details)
        self.created.emit(saved)

    def _fail(self, message: str, widget: QWidget) -> None:
        self.error.setText(message)
        self.error.setVisible(True)
        widget.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Enter that a date or the topic list passed on chooses there; it never saves.
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            press_focused_button(self)
        else:
            super().keyPressEvent(event)
