"""Small pieces the organiser screens share: labelled fields with an error line,
a busy bar for background work, read-only tables, check boxes and drop-downs that
fit a narrow window at the largest text, and plain messages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from skillsapp.ui.common.fields import ComboBox
from skillsapp.ui.common.widgets import MIN_TARGET

SCROLL_BAR = 20  # px: the thickness of a table's scroll bars


def message_label() -> QLabel:
    """A label for the outcome of an action; hidden until it has something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


# A line may break after these inside a long "word" such as a file path.
_BREAK_AFTER = re.compile(r"([/\\_.-])")
ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str) -> str:
    """``text`` with invisible break points inside words too long to fit a narrow window
    (file paths on a USB stick), so a word-wrapped label shows them whole::

        label.setText(breakable(str(path)))
    """
    return re.sub(
        r"\S{24,}", lambda word: _BREAK_AFTER.sub(r"\1" + ZERO_WIDTH_SPACE, word.group()), text
    )


def say(label: QLabel, text: str, good: bool | None = None) -> None:
    """Show ``text`` in ``label``: green when ``good``, red when ``good is False``."""
    label.setObjectName({True: "good", False: "bad"}.get(good, ""))  # type: ignore[arg-type]
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(breakable(text))
    label.setAccessibleName(text)
    label.setVisible(bool(text))


class Plain(QWidget):
    """A container that paints no background of its own, so it shows the card it is in
    (the style sheet paints every plain QWidget in the window's colour)."""


class Field(QWidget):
    """A label above its control(s), and a red line under them for a problem.

    Three parts, so that :class:`Reflow` can line up the boxes of fields side by side
    whatever the length of their labels and hints: ``label``, ``controls`` (the boxes)
    and ``below`` (the hint and the error line).
    """

    def __init__(self, text: str, *controls: QWidget, hint: str = "") -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        # Next to a field with a longer label, this one sits just above its box.
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        box.addWidget(self.label)
        self.controls = Plain()
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(0, 0, 0, 0)
        for control in controls:
            control.setAccessibleName(text)
            row.addWidget(control, 1)
        box.addWidget(self.controls)
        if controls:
            self.label.setBuddy(controls[0])
        self.below = Plain()
        notes = QVBoxLayout(self.below)
        notes.setContentsMargins(0, 0, 0, 0)
        notes.setSpacing(4)
        if hint:
            note = QLabel(hint)
            note.setObjectName("muted")
            note.setWordWrap(True)
            notes.addWidget(note)
        self.error = message_label()
        notes.addWidget(self.error)
        box.addWidget(self.below)

    def parts(self) -> tuple[QWidget, QWidget, QWidget]:
        return self.label, self.controls, self.below

    def show_error(self, message: str) -> None:
        say(self.error, message, good=False)


class ClickLabel(QLabel):
    """A word-wrapped label that ticks its check box when clicked, like a check box's own text."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton and self.box.isEnabled():
            self.box.toggle()
            self.box.setFocus()
        super().mouseReleaseEvent(event)


class CheckLine(QWidget):
    """A check box whose text wraps onto several lines (QCheckBox alone never wraps), at
    least :data:`MIN_TARGET` high; clicking the text ticks the box. ``self.box`` is the box.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.box = QCheckBox()
        self.box.setAccessibleName(text)
        self.box.setMinimumSize(MIN_TARGET, MIN_TARGET)
        self.label = ClickLabel(text, self.box)
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)


def combo_box() -> QComboBox:
    """A drop-down that may be narrower than its longest item (the page must fit a
    1024-pixel screen at the largest text) and whose list rows are easy to hit."""
    combo = ComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    # The styled delegate honours the style sheet's row height; the default one does not.
    combo.setItemDelegate(QStyledItemDelegate(combo))
    combo.view().setStyleSheet(f"QAbstractItemView::item {{ min-height: {MIN_TARGET}px; }}")
    return combo


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
    """A table to read (and copy from), tall enough for ``max_rows_shown`` rows.

    Columns keep the width of their text; when they are wider than the screen the table
    scrolls sideways inside itself, and never makes the page wider.
    """
    table = QTableWidget(len(rows), len(headers))
    table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    # Scroll bars wide enough to grab with an unsteady hand (the default is about 10 px).
    table.horizontalScrollBar().setStyleSheet(
        f"QScrollBar:horizontal {{ height: {SCROLL_BAR}px; }}"
    )
    table.verticalScrollBar().setStyleSheet(f"QScrollBar:vertical {{ width: {SCROLL_BAR}px; }}")
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
    # Room for the sideways scroll bar too, so it never hides the last row.
    bar = max(table.horizontalScrollBar().sizeHint().height(), 16)
    table.setFixedHeight(table.horizontalHeader().minimumHeight() + shown * (line + 16) + bar + 8)
    return table


class Reflow(QWidget):
    """Widgets side by side when the width allows, else one under another.

    A form made for 1366 pixels must still fit a 1024-pixel screen at the largest
    text; a row that never folds would make the whole page wider than the window.
    Side by side, the labels, boxes and hints of :class:`Field` widgets each get a
    row of their own, so the boxes line up however long a label is::

        row = Reflow([Field(_("Opens at"), opens), Field(_("Closes at"), closes)])
    """

    def __init__(self, widgets: Sequence[QWidget], spacing: int = 16) -> None:
        super().__init__()
        self.widgets = list(widgets)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(spacing)
        self.grid.setVerticalSpacing(4)
        self.columns = 0
        for widget in self.widgets:
            if isinstance(widget, Field):
                # Its parts live in this grid; the empty Field stays hidden, owned here.
                widget.setParent(self)
                widget.hide()
        self._place(len(self.widgets))

    def _parts(self, widget: QWidget) -> list[QWidget]:
        return list(widget.parts()) if isinstance(widget, Field) else [widget]

    def _width(self, widget: QWidget) -> int:
        if isinstance(widget, Field):
            parts = widget.parts()
            return max(
                max(p.minimumSizeHint().width() for p in parts), widget.controls.sizeHint().width()
            )
        return max(widget.minimumSizeHint().width(), widget.sizeHint().width())

    def _wide_width(self) -> int:
        widths = [self._width(w) for w in self.widgets]
        return sum(widths) + self.grid.horizontalSpacing() * (len(widths) - 1)

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for widget in self.widgets:
            for part in self._parts(widget):
                self.grid.removeWidget(part)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        bottom, top = Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignTop
        for index, widget in enumerate(self.widgets):
            row, column = 3 * (index // columns), index % columns
            if isinstance(widget, Field):
                label, controls, below = widget.parts()
                self.grid.addWidget(label, row, column, bottom)
                self.grid.addWidget(controls, row + 1, column)
                self.grid.addWidget(below, row + 2, column, top)
            else:
                self.grid.addWidget(widget, row + 1, column)
        for column in range(columns):
            self.grid.setColumnStretch(column, 1)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        # Never wider than the widest single part: folding is always possible.
        parts = [p for w in self.widgets for p in self._parts(w)]
        width = max([p.minimumSizeHint().width() for p in parts] + [0])
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        wide = event.size().width() >= self._wide_width()
        self._place(len(self.widgets) if wide else 1)
        super().resizeEvent(event)
