"""The prediction question after the last question: a number typed (or made with big
+/- buttons), then read back before it is saved.

The box starts empty, so typing "25" gives 25 (a spin box holding 0 made it 250), and
only digits go in. "Continue" shows "Bạn dự đoán: 25 người" with "Đúng, lưu" and
"Sửa lại"; an empty box says what to do instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.i18n import _, format_number, ngettext
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)

STEPS = (100, 10, 1)
MAXIMUM = 999_999
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def prediction_question(kind: str) -> str:
    if kind == "entrant_count":
        return _("In your opinion, how many people will take part in this round?")
    return _("In your opinion, how many people will answer every question in this round correctly?")


def asks_prediction(kind: str) -> bool:
    return kind in ("full_score_count", "entrant_count")


def read_back(value: int) -> str:
    """The number as the person will hear it back: "Bạn dự đoán: 25 người"."""
    return ngettext("Your guess: {n} person", "Your guess: {n} people", value).format(
        n=format_number(value)
    )


class PredictionView(QWidget):
    """Emits ``confirmed(value)`` once the person said the number read back is right,
    ``back`` to return to the questions."""

    confirmed = Signal(int)
    back = Signal()

    def __init__(self, kind: str, value: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        entry = self.entry_page = TaskPage()
        entry.body.addWidget(heading(_("One more question")))
        self.question = heading(prediction_question(kind), level=2)
        entry.body.addWidget(self.question)
        self.number = QLineEdit()
        self.number.setObjectName("bignumber")
        self.number.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9]{0,6}"), self.number)
        )
        self.number.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setPlaceholderText(_("for example 25"))
        self.number.setAccessibleName(prediction_question(kind))
        self.number.setMinimumHeight(72)
        self.number.setMaximumWidth(360)
        self.number.installEventFilter(self)
        self.number.textChanged.connect(lambda _text: self.problem.setVisible(False))
        number_row = QHBoxLayout()
        number_row.addWidget(self.number, 1)
        number_row.addStretch(0)
        entry.body.addLayout(number_row)
        self.problem = QLabel(
            _("Please type a number, for example 25, or use the + buttons. Then press Continue.")
        )
        self.problem.setObjectName("bad")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        entry.body.addWidget(self.problem)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        self.step_buttons: dict[int, QWidget] = {}
        for column, step in enumerate(STEPS):
            minus = big_button(
                "−" + format_number(step),
                accessible=_("Decrease by {n}").format(n=format_number(step)),
            )
            minus.clicked.connect(lambda _checked=False, s=step: self.change(-s))
            grid.addWidget(minus, 0, column)
            self.step_buttons[-step] = minus
        for column, step in enumerate(reversed(STEPS), start=len(STEPS)):
            plus = big_button(
                "+" + format_number(step),
                accessible=_("Increase by {n}").format(n=format_number(step)),
            )
            plus.clicked.connect(lambda _checked=False, s=step: self.change(s))
            grid.addWidget(plus, 0, column)
            self.step_buttons[step] = plus
        steps_row = QHBoxLayout()
        steps_row.addLayout(grid)
        steps_row.addStretch(1)
        entry.body.addLayout(steps_row)
        entry.body.addWidget(
            paragraph(_("Type the number, or use the − and + buttons."), muted=True)
        )
        # Why it is asked comes after the box, so the box is in view on a short screen.
        entry.body.addWidget(
            paragraph(
                _(
                    "This guess does not change your score. It only decides between people with "
                    "the same score: the closest guess ranks higher."
                ),
                muted=True,
            )
        )
        entry.body.addStretch(1)
        self.back_button = entry.add_action(big_button(_("Back to the questions")), left=True)
        self.back_button.clicked.connect(self.back.emit)
        self.next_button = entry.add_action(big_button(_("Continue"), primary=True))
        self.next_button.clicked.connect(self.ask_to_confirm)
        self.stack.addWidget(entry)

        confirm = self.confirm_page = TaskPage()
        confirm.body.addWidget(heading(_("Is this right?")))
        confirm.body.addWidget(paragraph(prediction_question(kind), muted=True))
        self.read_back = heading("", level=2)
        confirm.body.addWidget(self.read_back)
        confirm.body.addStretch(1)
        self.change_button = confirm.add_action(big_button(_("Change it")), left=True)
        self.change_button.clicked.connect(self.edit)
        self.yes_button = confirm.add_action(big_button(_("Yes, save it"), primary=True))
        self.yes_button.clicked.connect(self._confirm)
        self.stack.addWidget(confirm)
        self.set_value(value)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # A big number, sized from the text size the person chose (the theme's style
        # sheet sets fonts, so setFont alone would be ignored).
        size = QApplication.font().pointSizeF() * 1.6
        self.number.setStyleSheet(f"font-size: {size:.1f}pt; font-weight: 700;")
        super().showEvent(event)

    # --- value ---------------------------------------------------------------------------

    def value(self) -> int | None:
        """The number typed, or ``None`` while the box is empty."""
        text = self.number.text()
        return int(text) if text else None

    def set_value(self, value: int | None) -> None:
        self.number.setText("" if value is None else str(value))
        self.stack.setCurrentWidget(self.entry_page)

    def change(self, delta: int) -> None:
        current = self.value()
        start = 0 if current is None else current
        self.number.setText(str(max(0, min(MAXIMUM, start + delta))))
        self.number.setFocus()

    # --- steps ---------------------------------------------------------------------------

    def focus(self) -> None:
        if self.stack.currentWidget() is self.confirm_page:
            self.yes_button.setFocus()
            return
        self.number.setFocus()
        # Typing replaces what is there: "30" into "25" gives 30, not 2530.
        self.number.selectAll()
        self.entry_page.scroll.ensureWidgetVisible(self.number, 20, 40)

    def ask_to_confirm(self) -> None:
        value = self.value()
        if value is None:
            self.problem.setVisible(True)
            self.number.setFocus()
            self.entry_page.scroll.ensureWidgetVisible(self.problem, 20, 40)
            return
        self.read_back.setText(read_back(value))
        self.read_back.setAccessibleName(self.read_back.text())
        self.stack.setCurrentWidget(self.confirm_page)
        self.yes_button.setFocus()

    def edit(self) -> None:
        self.stack.setCurrentWidget(self.entry_page)
        self.focus()

    def _confirm(self) -> None:
        value = self.value()
        if value is not None:
            self.confirmed.emit(value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        # + and − on the number box change it (the box takes only digits).
        if watched is self.number and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Up):
                self.change(1)
                return True
            if event.key() in (Qt.Key.Key_Minus, Qt.Key.Key_Down):
                self.change(-1)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        # Enter on a focused button presses that button; otherwise it is the next step.
        if event.key() in _ENTER and press_focused_button(self):
            return
        if self.handle_key(event.key()):
            return
        super().keyPressEvent(event)

    def handle_key(self, key: int) -> bool:
        on_confirm = self.stack.currentWidget() is self.confirm_page
        if key in _ENTER:
            self._confirm() if on_confirm else self.ask_to_confirm()
        elif key == Qt.Key.Key_Escape:
            self.edit() if on_confirm else self.back.emit()
        elif not on_confirm and key in (Qt.Key.Key_Plus, Qt.Key.Key_Up):
            self.change(1)
        elif not on_confirm and key in (Qt.Key.Key_Minus, Qt.Key.Key_Down):
            self.change(-1)
        else:
            return False
        return True
