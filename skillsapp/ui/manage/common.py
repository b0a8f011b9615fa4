"""Small pieces the organiser screens share: labelled fields with an error line,
a busy bar for background work, read-only tables and plain messages."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def message_label() -> QLabel:
    """A label for the outcome of an action; hidden until it has something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def say(label: QLabel, text: str, good: bool | None = None) -> None:
    """Show ``text`` in ``label``: green when ``good``, red when ``good is False``."""
    label.setObjectName({True: "good", False: "bad"}.get(good, ""))  # type: ignore[arg-type]
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)
    label.setAccessibleName(text)
    label.setVisible(bool(text))


class Field(QWidget):
    """A label above its control(s), and a red line under them for a problem."""

    def __init__(self, text: str, *controls: QWidget, hint: str = "") -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        box.addWidget(self.label)
        row = QHBoxLayout()
        for control in controls:
            control.setAccessibleName(text)
            row.addWidget(control, 1)
        box.addLayout(row)
        if controls:
            self.label.setBuddy(controls[0])
        if hint:
            note = QLabel(hint)
            note.setObjectName("muted")
            note.setWordWrap(True)
            box.addWidget(note)
        self.error = message_label()
        box.addWidget(self.error)

    def show_error(self, message: str) -> None:
        say(self.error, message, good=False)


class BusyBar(QWidget):
    """An indeterminate progress bar with the latest progress text, shown while work runs."""

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMinimumHeight(24)
        self.text = QLabel()
        self.text.setWordWrap(True)
        box.addWidget(self.bar)
        box.addWidget(self.text)
        self.setVisible(False)

    def start(self, text: str) -> None:
        self.text.setText(text)
        self.bar.setAccessibleName(text)
        self.setVisible(True)

    def progress(self, text: str) -> None:
        self.text.setText(text)
        self.bar.setAccessibleName(text)

    def stop(self) -> None:
        self.setVisible(False)


def read_only_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Sequence[int] = (),
    max_rows_shown: int = 12,
) -> QTableWidget:
    """A table to read (and copy from), tall enough for ``max_rows_shown`` rows."""
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    line = table.fontMetrics().height()
    table.verticalHeader().setDefaultSectionSize(line + 16)
    table.horizontalHeader().setMinimumHeight(line + 16)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = "" if value is None else str(value)
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if c in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for column in range(table.columnCount()):  # room on both sides of the text
        table.setColumnWidth(column, table.columnWidth(column) + 16)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    shown = max(1, min(len(rows), max_rows_shown))
    table.setMinimumHeight(table.horizontalHeader().minimumHeight() + shown * (line + 16) + 8)
    return table
