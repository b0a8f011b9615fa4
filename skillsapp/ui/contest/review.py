"""Parts of the attempt screen around the questions: the question map, the review
before submitting and the in-page confirmations to submit or to leave (no pop-up window)."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from skillsapp.i18n import _, format_duration, format_number, ngettext
from skillsapp.ui.common.widgets import TaskPage, big_button, heading, paragraph

MAP_COLUMNS = 10
UNANSWERED_COLUMNS = 3  # "Câu 12" three times fits 1024×768 at the largest text


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class QuestionMap(QWidget):
    """Small numbered squares, one per question: filled when answered; click to go there.

    The squares flow into as many columns as fit (at most ``columns``), so the map never
    makes the screen wider than a 1024×768 monitor at the largest text.
    """

    go = Signal(int)

    def __init__(self, total: int, columns: int = MAP_COLUMNS) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.max_columns = columns
        self.columns = 0
        self.cells: list[QPushButton] = []
        for index in range(total):
            cell = QPushButton(str(index + 1))
            cell.setObjectName("mapcell")
            cell.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            cell.setCursor(Qt.CursorShape.PointingHandCursor)
            cell.clicked.connect(lambda _checked=False, i=index: self.go.emit(i))
            self.cells.append(cell)
        self._place(columns)

    def _cell_width(self) -> int:
        return max((cell.sizeHint().width() for cell in self.cells), default=0)

    def _place(self, columns: int) -> None:
        columns = max(1, min(columns, self.max_columns))
        if columns == self.columns:
            return
        self.columns = columns
        for cell in self.cells:
            self.grid.removeWidget(cell)
        for index, cell in enumerate(self.cells):
            self.grid.addWidget(cell, index // columns, index % columns)
        for column in range(self.max_columns + 1):
            self.grid.setColumnStretch(column, 1 if column == columns else 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(self._cell_width(), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        spacing = self.grid.spacing()
        self._place((event.size().width() + spacing) // (self._cell_width() + spacing))
        super().resizeEvent(event)

    def show_state(self, answered: Collection[int], current: int | None) -> None:
        for index, cell in enumerate(self.cells):
            done = index in answered
            cell.setProperty("answered", "true" if done else "false")
            cell.setProperty("current", "true" if index == current else "false")
            state = _("answered") if done else _("not answered")
            cell.setAccessibleName(
                _("Question {number}, {state}").format(number=index + 1, state=state)
            )
            cell.setToolTip(cell.accessibleName())
            _repolish(cell)


class ReviewView(TaskPage):
    """What is still unanswered, with a way back to each question, then "Submit"."""

    go_to = Signal(int)
    back = Signal()
    submit = Signal()
    change_prediction = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.body.addWidget(heading(_("Review before submitting")))
        self.summary = paragraph("")
        self.body.addWidget(self.summary)
        self.unanswered_title = paragraph(_("Not answered yet. Choose one to go back to it:"))
        self.body.addWidget(self.unanswered_title)
        self.unanswered_box = QWidget()
        self.unanswered_grid = QGridLayout(self.unanswered_box)
        self.unanswered_grid.setContentsMargins(0, 0, 0, 0)
        self.unanswered_grid.setSpacing(8)
        self.body.addWidget(self.unanswered_box)
        self.unanswered_buttons: list[QPushButton] = []
        self.prediction_label = QLabel()
        self.prediction_label.setWordWrap(True)
        self.body.addWidget(self.prediction_label)
        prediction_row = QHBoxLayout()
        self.prediction_button = big_button(_("Change my guess"))
        self.prediction_button.clicked.connect(self.change_prediction.emit)
        prediction_row.addWidget(self.prediction_button)
        prediction_row.addStretch(1)
        self.body.addLayout(prediction_row)
        self.body.addStretch(1)
        self.back_button = big_button(_("Back to the questions"))
        self.back_button.clicked.connect(self.back.emit)
        self.add_action(self.back_button, left=True)
        self.submit_button = big_button(_("Submit"), primary=True)
        self.submit_button.clicked.connect(self.submit.emit)
        self.add_action(self.submit_button)

    def show_state(
        self, total: int, answered: Collection[int], prediction: int | None, asks: bool
    ) -> None:
        missing = [i for i in range(total) if i not in answered]
        self.summary.setText(
            _("You have answered {answered} of {total} questions.").format(
                answered=total - len(missing), total=total
            )
            if missing
            else _("You have answered every question.")
        )
        for button in self.unanswered_buttons:
            self.unanswered_grid.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.unanswered_buttons = []
        for n, index in enumerate(missing):
            button = big_button(_("Question {number}").format(number=index + 1))
            button.clicked.connect(lambda _checked=False, i=index: self.go_to.emit(i))
            self.unanswered_grid.addWidget(button, n // UNANSWERED_COLUMNS, n % UNANSWERED_COLUMNS)
            self.unanswered_buttons.append(button)
        self.unanswered_title.setVisible(bool(missing))
        self.unanswered_box.setVisible(bool(missing))
        self.prediction_label.setVisible(asks)
        self.prediction_button.setVisible(asks)
        if asks:
            self.prediction_label.setText(
                _("Your guess: {n}").format(n=format_number(prediction))
                if prediction is not None
                else _("You have not given your guess yet.")
            )
        self.submit_button.setFocus()

    def handle_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit.emit()
        elif key == Qt.Key.Key_Escape:
            self.back.emit()
        else:
            return False
        return True


class ConfirmView(TaskPage):
    """The second step of submitting, inside the page so it can be read and clicked like any other."""

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.body.addWidget(heading(_("Submit your answers?")))
        self.body.addWidget(paragraph(_("After submitting you cannot change your answers.")))
        self.warning = QLabel()
        self.warning.setObjectName("bad")
        self.warning.setWordWrap(True)
        self.body.addWidget(self.warning)
        self.body.addStretch(1)
        self.no_button = big_button(_("No, go back"))
        self.no_button.clicked.connect(self.cancelled.emit)
        self.add_action(self.no_button, left=True)
        self.yes_button = big_button(_("Yes, submit"), primary=True)
        self.yes_button.clicked.connect(self.confirmed.emit)
        self.add_action(self.yes_button)

    def show_state(self, unanswered: int) -> None:
        self.warning.setText(
            ngettext(
                "{n} question is not answered yet.",
                "{n} questions are not answered yet.",
                unanswered,
            ).format(n=unanswered)
            if unanswered
            else ""
        )
        self.warning.setVisible(bool(unanswered))
        self.yes_button.setFocus()

    def handle_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirmed.emit()
        elif key == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            return False
        return True


class LeaveView(TaskPage):
    """Asked before leaving a running attempt: staying is the default (Enter, Escape)."""

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.body.addWidget(heading(_("Leave the attempt?")))
        self.time_left = paragraph("")
        self.body.addWidget(self.time_left)
        self.body.addWidget(
            paragraph(
                _(
                    "Your answers are saved. You can continue from the home page, but the time "
                    "keeps running while you are away, and when it is up your answers are "
                    "submitted as they are."
                )
            )
        )
        self.body.addStretch(1)
        self.leave_button = big_button(_("Leave the attempt"))
        self.leave_button.clicked.connect(self.confirmed.emit)
        self.add_action(self.leave_button, left=True)
        self.stay_button = big_button(_("Keep answering"), primary=True)
        self.stay_button.clicked.connect(self.cancelled.emit)
        self.add_action(self.stay_button)

    def show_state(self, seconds_left: int) -> None:
        self.time_left.setText(
            _("Time left: {time}.").format(time=format_duration(max(0, seconds_left)))
        )
        self.stay_button.setFocus()

    def handle_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.cancelled.emit()
            return True
        return False
