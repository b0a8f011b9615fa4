"""The prediction question after the last question: a number chosen with big
+/- buttons, so nobody has to type."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSpinBox

from skillsapp.i18n import _, format_number
from skillsapp.ui.common.widgets import Page, big_button, heading, paragraph

STEPS = (100, 10, 1)
MAXIMUM = 999_999


def prediction_question(kind: str) -> str:
    if kind == "entrant_count":
        return _("In your opinion, how many people will take part in this round?")
    return _("In your opinion, how many people will answer every question in this round correctly?")


def asks_prediction(kind: str) -> bool:
    return kind in ("full_score_count", "entrant_count")


class PredictionView(Page):
    """Emits ``confirmed(value)`` when the person goes on, ``back`` to return to the questions."""

    confirmed = Signal(int)
    back = Signal()

    def __init__(self, kind: str, value: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.body.addWidget(heading(_("One more question")))
        self.question = heading(prediction_question(kind), level=2)
        self.body.addWidget(self.question)
        self.body.addWidget(
            paragraph(
                _(
                    "This guess does not change your score. It only decides between people with "
                    "the same score: the closest guess ranks higher."
                ),
                muted=True,
            )
        )
        self.spin = QSpinBox()
        self.spin.setObjectName("bignumber")
        self.spin.setRange(0, MAXIMUM)
        self.spin.setValue(value or 0)
        self.spin.setGroupSeparatorShown(True)
        # The theme gives the arrows no width: with NoButtons and a style sheet Qt
        # leaves the number field 1 px wide.
        self.spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.spin.setAccessibleName(prediction_question(kind))
        self.spin.setMinimumHeight(72)
        self.spin.setMinimumWidth(220)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        self.step_buttons: dict[int, object] = {}
        for column, step in enumerate(STEPS):
            minus = big_button(
                "−" + format_number(step),
                accessible=_("Decrease by {n}").format(n=format_number(step)),
            )
            minus.clicked.connect(lambda _checked=False, s=step: self.change(-s))
            grid.addWidget(minus, 0, column)
            self.step_buttons[-step] = minus
        grid.addWidget(self.spin, 0, len(STEPS))
        for column, step in enumerate(reversed(STEPS), start=len(STEPS) + 1):
            plus = big_button(
                "+" + format_number(step),
                accessible=_("Increase by {n}").format(n=format_number(step)),
            )
            plus.clicked.connect(lambda _checked=False, s=step: self.change(s))
            grid.addWidget(plus, 0, column)
            self.step_buttons[step] = plus
        row = QHBoxLayout()
        row.addLayout(grid)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addWidget(
            paragraph(_("Use the − and + buttons, or the Up and Down keys."), muted=True)
        )
        buttons = QHBoxLayout()
        self.back_button = big_button(_("Back to the questions"))
        self.back_button.clicked.connect(self.back.emit)
        self.next_button = big_button(_("Continue"), primary=True)
        self.next_button.clicked.connect(lambda: self.confirmed.emit(self.value()))
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        self.body.addLayout(buttons)
        self.body.addStretch(1)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: int | None) -> None:
        self.spin.setValue(value or 0)

    def change(self, delta: int) -> None:
        self.spin.setValue(self.spin.value() + delta)

    def focus(self) -> None:
        self.spin.setFocus()

    def handle_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirmed.emit(self.value())
        elif key == Qt.Key.Key_Escape:
            self.back.emit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Up):
            self.change(1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Down):
            self.change(-1)
        else:
            return False
        return True
