"""The leader's side of the group quiz, on the PC's own screen: how many raised their
hand for each option, "Show the answer", "Next question". The projector
(:class:`~skillsapp.ui.sessions.group_quiz.QuizProjection`) shows the room only the
question, the options, then the chart and the explanation. Counts are saved when the
answer is shown.

Keys: A–D go to that option's count (type the number); Enter in a count goes to the
next one (it never shows the answer by itself); Page Down / Page Up (a clicker) go on
and back; Esc ends the quiz.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from skillsapp.flows.group_session import QuizOutcome, saved_counts
from skillsapp.i18n import _, format_number
from skillsapp.models import Question
from skillsapp.storage.group_sessions import GroupSession
from skillsapp.ui.common.fields import SpinBox
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.sessions.group_quiz import QuizProjection, right_answer_text
from skillsapp.ui.sessions.quiz_chart import LETTERS
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import point_size

MAX_COUNT = 999
STEP_SIZE = 56  # the − and + buttons: square, above MIN_TARGET (44)


class CountEntry(QWidget):
    """How many chose one option: "A. the option's text" then − [12] +."""

    changed = Signal()

    def __init__(self, position: int, text: str, point: float) -> None:
        super().__init__()
        letter = LETTERS[position]
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.label = QLabel(f"{letter}. {text}")
        self.label.setWordWrap(True)
        self.minus = QPushButton("−")
        self.minus.setAccessibleName(_("One fewer for {letter}").format(letter=letter))
        self.plus = QPushButton("+")
        self.plus.setAccessibleName(_("One more for {letter}").format(letter=letter))
        for button in (self.minus, self.plus):
            button.setFixedSize(STEP_SIZE, STEP_SIZE)
            # The glyph as big as the number beside it (the theme's "huge" is 2x the text).
            button.setStyleSheet(f"padding: 0px; font-weight: 700; font-size: {point * 2:.1f}pt;")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.spin = SpinBox()
        # The theme's big number: its arrows are 0 px wide (the − and + buttons do that job;
        # NoButtons with a styled border would leave the number no room to show).
        self.spin.setObjectName("bignumber")
        self.spin.setRange(0, MAX_COUNT)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.spin.setAccessibleName(_("People who chose {letter}").format(letter=letter))
        self.spin.setMinimumHeight(STEP_SIZE)
        self.minus.clicked.connect(lambda: self.spin.setValue(self.spin.value() - 1))
        self.plus.clicked.connect(lambda: self.spin.setValue(self.spin.value() + 1))
        self.spin.valueChanged.connect(self.changed)
        row.addWidget(self.label, 1)
        for widget in (self.minus, self.spin, self.plus):
            row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # The style sheet's font is known once polished: room for "999" at that size.
        self.spin.setFixedWidth(self.spin.fontMetrics().horizontalAdvance("999") + 40)
        side = max(STEP_SIZE, self.spin.sizeHint().height())  # square, as tall as the number
        for button in (self.minus, self.plus):
            button.setFixedSize(side, side)
        super().showEvent(event)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: int) -> None:
        self.spin.setValue(value)


class QuizControl(TaskPage):
    """Runs the group quiz of ``session`` on ``projection``; ``finished`` when the leader ends it."""

    finished = Signal()

    def __init__(
        self,
        context: AppContext,
        session: GroupSession,
        questions: list[Question],
        projection: QuizProjection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.session = session
        self.questions = questions
        self.projection = projection
        saved = saved_counts(context.store, session.id)
        self.counts: dict[str, list[int]] = {
            q.id: list(saved.get(q.id, ())) or [0] * len(q.options) for q in questions
        }
        self.saved: dict[str, tuple[int, ...]] = dict(saved)
        self.index = 0
        self.revealed = False
        self.at_end = False
        self.entries: list[CountEntry] = []

        top = QHBoxLayout()
        self.title = heading(_("Group quiz"))
        top.addWidget(self.title, 1)
        # Not in the action bar: three buttons there are wider than a 1024-pixel screen
        # at the largest text, and ending is rarer than going on.
        self.end_button = big_button(_("End the quiz"))
        top.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(top)
        self.counter = heading("", level=2)
        self.body.addWidget(self.counter)
        self.question_label = paragraph("")
        self.body.addWidget(self.question_label)
        self.entry_title = paragraph(
            _("How many raised their hand for each answer? Only you see this screen."),
            muted=True,
        )
        self.body.addWidget(self.entry_title)
        self.entries_box = QWidget()
        self.entries_layout = QVBoxLayout(self.entries_box)
        self.entries_layout.setContentsMargins(0, 0, 0, 0)
        self.entries_layout.setSpacing(10)
        self.body.addWidget(self.entries_box)
        self.total_label = paragraph("")
        self.body.addWidget(self.total_label)
        self.result_label = QLabel()
        self.result_label.setObjectName("good")
        self.result_label.setWordWrap(True)
        self.body.addWidget(self.result_label)
        self.end_label = paragraph("")
        self.body.addWidget(self.end_label)
        # When the projector must scroll a long explanation, the leader scrolls it from here.
        self.scroll_row = QWidget()
        scroll_buttons = QHBoxLayout(self.scroll_row)
        scroll_buttons.setContentsMargins(0, 0, 0, 0)
        self.scroll_down_button = big_button(_("Scroll the projector down ↓"))
        self.scroll_up_button = big_button(_("Scroll it up ↑"))
        self.scroll_down_button.clicked.connect(lambda: projection.scroll(True))
        self.scroll_up_button.clicked.connect(lambda: projection.scroll(False))
        scroll_buttons.addWidget(self.scroll_down_button)
        scroll_buttons.addWidget(self.scroll_up_button)
        scroll_buttons.addStretch(1)
        self.body.addWidget(self.scroll_row)
        self.projector_button = big_button(_("Show the projector window again"))
        self.projector_button.clicked.connect(projection.present)
        self.body.addWidget(self.projector_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)

        self.back_button = self.add_action(big_button(_("← Back")), left=True)
        self.reveal_button = self.add_action(big_button(_("Show the answer"), primary=True))
        self.next_button = self.add_action(big_button(_("Next question →"), primary=True))
        self.end_button.clicked.connect(self.end)
        self.back_button.clicked.connect(self.backward)
        self.reveal_button.clicked.connect(self.reveal)
        self.next_button.clicked.connect(self.forward)
        projection.forward_requested.connect(self.forward)
        projection.back_requested.connect(self.backward)
        for button in (self.end_button, self.back_button, self.reveal_button, self.next_button):
            button.setAutoDefault(True)
        if questions:
            self.show_question(0, revealed=False)
        else:
            self.show_end()

    # -- showing ------------------------------------------------------------------------
    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def show_question(self, index: int, revealed: bool) -> None:
        self._keep_counts()
        self.index = index
        self.at_end = False
        question = self.question
        total = len(self.questions)
        self.counter.setText(_("Question {current}/{total}").format(current=index + 1, total=total))
        self.counter.setAccessibleName(self.counter.text())
        self.question_label.setText(question.text)
        for entry in self.entries:
            entry.setParent(None)
            entry.deleteLater()
        self.entries = []
        for position, text in enumerate(question.options):
            entry = CountEntry(position, text, point_size(self.context.settings.text_scale))
            entry.set_value(self.counts[question.id][position])
            entry.changed.connect(self._count_changed)
            for watched in (entry.spin, entry.spin.lineEdit()):
                watched.installEventFilter(self)
            self.entries_layout.addWidget(entry)
            self.entries.append(entry)
        self.entries_box.setVisible(True)
        self.end_label.setVisible(False)
        self._count_changed()
        self.projection.show_question(question, index, total)
        if revealed:
            self.reveal()
        else:
            self._hide_answer()

    def _hide_answer(self) -> None:
        self.revealed = False
        self.result_label.setVisible(False)
        for entry in self.entries:
            entry.setEnabled(True)
        self.entry_title.setVisible(True)
        self.reveal_button.setVisible(True)
        self.next_button.setVisible(False)
        self.back_button.setEnabled(self.index > 0)
        self._show_scroll_row()
        if self.entries:
            self.entries[0].spin.setFocus()
            self.entries[0].spin.selectAll()

    def _count_changed(self) -> None:
        total = sum(e.value() for e in self.entries)
        self.total_label.setText(_("Answers counted: {n}").format(n=format_number(total)))
        self.total_label.setVisible(True)

    def _keep_counts(self) -> None:
        if self.entries and self.questions and not self.at_end:
            self.counts[self.question.id] = [e.value() for e in self.entries]

    def reveal(self) -> None:
        """Save the counts, then show the right answer and the chart on the projector."""
        self._keep_counts()
        question = self.question
        counts = self.counts[question.id]
        changed = self.saved.get(question.id) != tuple(counts)
        # Going past a question nobody counted saves nothing (unless it clears old counts).
        if changed and (sum(counts) or question.id in self.saved):
            self.context.store.sessions.record_quiz(self.session.id, question.id, counts)
            self.saved[question.id] = tuple(counts)
        self.revealed = True
        self.projection.show_answer(question, counts)
        self.result_label.setText(right_answer_text(question, counts))
        self.result_label.setVisible(True)
        for entry in self.entries:
            entry.setEnabled(False)  # "← Back" to correct a count
        self.entry_title.setVisible(False)
        last = self.index == len(self.questions) - 1
        self.next_button.setText(_("See all the results →") if last else _("Next question →"))
        self.next_button.setAccessibleName(self.next_button.text())
        self.reveal_button.setVisible(False)
        self.next_button.setVisible(True)
        self.back_button.setEnabled(True)
        self._show_scroll_row()
        self.next_button.setFocus()

    def show_end(self) -> None:
        self._keep_counts()
        self.at_end = True
        outcomes = [QuizOutcome(q, tuple(self.counts[q.id])) for q in self.questions]
        self.projection.show_end(outcomes)
        self.counter.setText(_("Group quiz results"))
        self.question_label.setText(
            _("The results are on the projector. End the quiz to go back to the session.")
            if self.questions
            else _("This topic has no questions for a group quiz.")
        )
        self.entries_box.setVisible(False)
        self.entry_title.setVisible(False)
        self.total_label.setVisible(False)
        self.result_label.setVisible(False)
        self.reveal_button.setVisible(False)
        self.next_button.setVisible(False)
        self.back_button.setEnabled(bool(self.questions))
        self._show_scroll_row()
        self.end_button.setFocus()

    def _show_scroll_row(self) -> None:
        self.scroll_row.setVisible(self.projection.scrolls())

    def end(self) -> None:
        """Close the projector and go back to the session (the counts are already saved)."""
        self.projection.close()
        self.finished.emit()

    # -- moving -------------------------------------------------------------------------
    def forward(self) -> None:
        if self.at_end:
            return
        if not self.revealed:
            self.reveal()
        elif self.index < len(self.questions) - 1:
            self.show_question(self.index + 1, revealed=False)
        else:
            self.show_end()

    def backward(self) -> None:
        if self.at_end:
            if self.questions:
                self.show_question(len(self.questions) - 1, revealed=True)
        elif self.revealed:
            self.projection.show_question(self.question, self.index, len(self.questions))
            self._hide_answer()  # correct a count, then show the answer again
        elif self.index > 0:
            previous = self.index - 1
            self.show_question(previous, revealed=self.questions[previous].id in self.saved)

    # -- keys ---------------------------------------------------------------------------
    def _next_field(self, spin: QSpinBox) -> None:
        """Enter in a count: on to the next count, then to "Show the answer" (not pressed)."""
        spins = [e.spin for e in self.entries]
        position = spins.index(spin)
        if position + 1 < len(spins):
            spins[position + 1].setFocus()
            spins[position + 1].selectAll()
        else:
            self.reveal_button.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            spin = watched if isinstance(watched, QSpinBox) else watched.parent()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(spin, QSpinBox):
                self._next_field(spin)
                return True
            if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):  # a clicker, not ±10
                self.forward() if key == Qt.Key.Key_PageDown else self.backward()
                return True
            letter = _key_letter(key)
            if letter is not None and letter < len(self.entries):
                self.entries[letter].spin.setFocus()
                self.entries[letter].spin.selectAll()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        letter = _key_letter(key)
        if key == Qt.Key.Key_Escape:
            self.end()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            press_focused_button(self)
        elif key == Qt.Key.Key_PageDown:
            self.forward()
        elif key == Qt.Key.Key_PageUp:
            self.backward()
        elif letter is not None and letter < len(self.entries) and not self.revealed:
            self.entries[letter].spin.setFocus()
            self.entries[letter].spin.selectAll()
        else:
            super().keyPressEvent(event)


def _key_letter(key: int) -> int | None:
    """0 for A, 1 for B…; None for any other key."""
    offset = int(key) - int(Qt.Key.Key_A)
    return offset if 0 <= offset < len(LETTERS) else None
