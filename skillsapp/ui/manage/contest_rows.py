"""The editable lines of the contest form: a quota line and a round, and the small
widgets they share with the rest of the form."""

from __future__ import annotations

import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from skillsapp.engine.rules import VIETNAM
from skillsapp.flows.contest_admin import DIFFICULTY_LABELS, difficulty_label
from skillsapp.i18n import _, language
from skillsapp.models import Quota, Round, Topic
from skillsapp.ui.common.fields import DateTimeEdit, SpinBox
from skillsapp.ui.common.widgets import big_button
from skillsapp.ui.manage.common import Field, Plain, Reflow, combo_box


def to_qdatetime(moment: datetime.datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def from_qdatetime(value: QDateTime) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(value.toSecsSinceEpoch(), VIETNAM)


def _display_format() -> str:
    return "HH:mm  dd/MM/yyyy" if language() == "vi" else "HH:mm  MM/dd/yyyy"


def spin_box(low: int, high: int, value: int, none_text: str = "") -> QSpinBox:
    spin = SpinBox()
    spin.setRange(low, high)
    if none_text:
        spin.setSpecialValueText(none_text)  # shown for the lowest value, 0
    spin.setValue(value)
    spin.setMinimumWidth(120)
    return spin


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class QuotaRow(QWidget):
    """One line of the quota table: topic, difficulty and how many questions."""

    remove = Signal(object)
    changed = Signal()

    def __init__(self, topics: list[Topic], quota: Quota | None) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 8)
        self.topic = combo_box()
        self.topic.addItem(_("any topic"), None)
        for topic in topics:
            self.topic.addItem(topic.title, topic.id)
        if quota and quota.topic and self.topic.findData(quota.topic) < 0:
            self.topic.addItem(quota.topic, quota.topic)  # a topic no installed pack has
        self.difficulty = combo_box()
        self.difficulty.addItem(difficulty_label(None), None)
        for key in DIFFICULTY_LABELS:
            self.difficulty.addItem(difficulty_label(key), key)
        self.count = spin_box(1, 200, quota.count if quota else 1)
        if quota:
            select_data(self.topic, quota.topic)
            select_data(self.difficulty, quota.difficulty)
        self.remove_button = big_button(_("Remove"), accessible=_("Remove this quota line"))
        self.remove_button.clicked.connect(lambda: self.remove.emit(self))
        # Topic and difficulty names are long: each drop-down gets the whole width.
        box.addWidget(Field(_("Topic"), self.topic))
        box.addWidget(Field(_("Difficulty"), self.difficulty))
        box.addWidget(
            Reflow(
                [Field(_("Number of questions"), self.count), bottom_aligned(self.remove_button)]
            )
        )
        self.count.valueChanged.connect(lambda _value: self.changed.emit())

    def quota(self) -> Quota:
        return Quota(self.count.value(), self.topic.currentData(), self.difficulty.currentData())


class RoundRow(QWidget):
    """One round: title, when it opens and when it closes."""

    remove = Signal(object)

    def __init__(
        self, round_id: str, title: str, opens: datetime.datetime, closes: datetime.datetime
    ):
        super().__init__()
        self.round_id = round_id
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 8)
        self.title = QLineEdit(title)
        self.title.setMaxLength(80)
        self.opens = DateTimeEdit(to_qdatetime(opens))
        self.closes = DateTimeEdit(to_qdatetime(closes))
        for edit in (self.opens, self.closes):
            edit.setDisplayFormat(_display_format())
            edit.setCalendarPopup(True)
        self.remove_button = big_button(_("Remove"), accessible=_("Remove this round"))
        self.remove_button.clicked.connect(lambda: self.remove.emit(self))
        title_row = QHBoxLayout()
        title_row.addWidget(Field(_("Round title"), self.title), 1)
        title_row.addWidget(bottom_aligned(self.remove_button))
        box.addLayout(title_row)
        box.addWidget(
            Reflow([Field(_("Opens at"), self.opens), Field(_("Closes at"), self.closes)])
        )

    def round(self) -> Round:
        return Round(
            self.round_id,
            self.title.text().strip(),
            from_qdatetime(self.opens.dateTime()),
            from_qdatetime(self.closes.dateTime()),
        )


def bottom_aligned(button: QWidget) -> QWidget:
    """A button lined up with the boxes of the fields beside it, not with their labels."""
    holder = Plain()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.addStretch(1)
    box.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
    return holder
