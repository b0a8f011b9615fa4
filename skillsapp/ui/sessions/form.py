"""A new group session: the date (today), the place, the group, the topic and the
leader. Place, group and leader start from the last session: a group meets in the
same hall with the same people."""

from __future__ import annotations

import datetime

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from skillsapp.engine.rules import vietnam_day
from skillsapp.flows.group_session import new_session_defaults
from skillsapp.i18n import _, date_pattern
from skillsapp.storage.group_sessions import GroupSession
from skillsapp.ui.common.widgets import Page, big_button, heading, paragraph
from skillsapp.ui.shell.context import AppContext


class NewSessionForm(Page):
    created = Signal(object)  # the GroupSession
    cancelled = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        store = context.store
        defaults = new_session_defaults(store)
        self.body.addWidget(heading(_("New group session")))
        self.body.addWidget(
            paragraph(
                _("Fill in what you know; you can check people in and show lessons next."),
                muted=True,
            )
        )

        form = QFormLayout()
        form.setSpacing(14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        def row(label: str, widget: QWidget) -> None:
            text = QLabel(label)
            text.setBuddy(widget)
            widget.setAccessibleName(label.rstrip(":"))
            form.addRow(text, widget)

        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(date_pattern())
        today = vietnam_day(context.now())
        self.date.setDate(QDate(today.year, today.month, today.day))
        row(_("Date:"), self.date)

        self.place = QLineEdit(defaults.place)
        self.place.setMaxLength(120)
        self.place.setPlaceholderText(_("For example: Cultural house of village 3"))
        row(_("Place:"), self.place)

        self.group = QLineEdit(defaults.group_name)
        self.group.setMaxLength(120)
        self.group.setPlaceholderText(_("For example: Digital technology group of village 3"))
        row(_("Community group:"), self.group)

        self.topic = QComboBox()
        for topic in store.content.topics():
            self.topic.addItem(topic.title, topic.id)
        found = self.topic.findData(defaults.topic)
        if found >= 0:
            self.topic.setCurrentIndex(found)
        row(_("Topic:"), self.topic)

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

        buttons = QHBoxLayout()
        self.create_button = big_button(_("Create the session"), primary=True)
        self.create_button.setAutoDefault(True)
        self.create_button.clicked.connect(self.submit)
        self.cancel_button = big_button(_("Cancel"))
        self.cancel_button.setAutoDefault(True)
        self.cancel_button.clicked.connect(self.cancelled)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        self.body.addStretch(1)
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
        session: GroupSession = self.context.store.sessions.create(
            self.held_on(),
            self.place.text(),
            self.group.text(),
            self.topic.currentData(),
            self.leader.text(),
        )
        self.created.emit(session)

    def _fail(self, message: str, widget: QWidget) -> None:
        self.error.setText(message)
        self.error.setVisible(True)
        widget.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)
