"""Parts of the attempt screen around the questions: the question map, the review
before submitting and the in-page confirmation (no pop-up window)."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from skillsapp.i18n import _, format_number, ngettext
from skillsapp.ui.common.widgets import Page, big_button, heading, paragraph

MAP_COLUMNS = 10


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class QuestionMap(QWidget):
    """Small numbered squares, one per question: filled when answered; click to go there."""

    go = Signal(int)

    def __init__(self, total: int, columns: int = MAP_COLUMNS) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.cells: list[QPushButton] = []
        for index in range(total):
            cell = QPushButton(str(index + 1))
            cell.setObjectName("mapcell")
            cell.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            cell.setCursor(Qt.CursorShape.PointingHandCursor)
            cell.clicked.connect(lambda _checked=False, i=index: self.go.emit(i))
            grid.addWidget(cell, index // columns, index % columns)
            self.cells.append(cell)
        grid.setColumnStretch(columns, 1)

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


class ReviewView(Page):
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
        prediction_row = QHBoxLayout()
        self.prediction_label = QLabel()
        self.prediction_label.setWordWrap(True)
        self.prediction_button = big_button(_("Change my guess"))
        self.prediction_button.clicked.connect(self.change_prediction.emit)
        prediction_row.addWidget(self.prediction_label, 1)
        prediction_row.addWidget(self.prediction_button)
        self.body.addLayout(prediction_row)
        buttons = QHBoxLayout()
        self.back_button = big_button(_("Back to the questions"))
        self.back_button.clicked.connect(self.back.emit)
        self.submit_button = big_button(_("Submit"), primary=True)
        self.submit_button.clicked.connect(self.submit.emit)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        self.body.addLayout(buttons)
        self.body.addStretch(1)

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
            self.unanswered_grid.addWidget(button, n // 5, n % 5)
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


class ConfirmView(Page):
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
        buttons = QHBoxLayout()
        self.no_button = big_button(_("No, go back"))
        self.no_button.clicked.connect(self.cancelled.emit)
        self.yes_button = big_button(_("Yes, submit"), primary=True)
        self.yes_button.clicked.connect(self.confirmed.emit)
        buttons.addWidget(self.no_button)
        buttons.addStretch(1)
        buttons.addWidget(self.yes_button)
        self.body.addLayout(buttons)
        self.body.addStretch(1)

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
