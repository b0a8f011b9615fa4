"""The group quiz on the projector: one question at a time with its options lettered
A–D. The room answers aloud or with raised hands; the leader enters how many chose
each option, then reveals the right answer with a bar chart. Counts are saved when
the answer is revealed.

Keys: A–D jump to that option's count (type the number, or Up/Down); Enter, Right or
Space reveal the answer, then go to the next question; Left goes back; Esc leaves
full screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.flows.group_session import QuizOutcome, average_right, saved_counts, share_right
from skillsapp.i18n import _, format_number, format_percent
from skillsapp.models import Question
from skillsapp.storage.group_sessions import GroupSession
from skillsapp.ui.common.widgets import scroll_page
from skillsapp.ui.sessions.presentation import PresentationWindow, big_key_button, text_label
from skillsapp.ui.sessions.quiz_chart import LETTERS, ResultsChart
from skillsapp.ui.shell.context import AppContext

MAX_COUNT = 999


class AnswerRow(QFrame):
    """One option as the room sees it: a big letter and the option's text."""

    def __init__(self, position: int, text: str) -> None:
        super().__init__()
        self.setObjectName("answer")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.setSpacing(14)
        self.letter = text_label(LETTERS[position], "letter", wrap=False)
        self.text = text_label(text, "answertext")
        row.addWidget(self.letter, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        self.setAccessibleName(f"{LETTERS[position]}. {text}")

    def mark(self, state: str) -> None:
        """Show the state: "right", "dim" (another option, once revealed) or "" (before)."""
        self.setProperty("result", state)
        for widget in (self, self.letter, self.text):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


class CountEntry(QWidget):
    """How many chose one option: − [12] + (click, or type the number)."""

    changed = Signal()

    def __init__(self, position: int) -> None:
        super().__init__()
        letter = LETTERS[position]
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.letter = text_label(letter, "letter", wrap=False)
        self.minus = big_key_button("−")
        self.minus.setObjectName("step")
        self.minus.setAccessibleName(_("One fewer for {letter}").format(letter=letter))
        self.plus = big_key_button("+")
        self.plus.setObjectName("step")
        self.plus.setAccessibleName(_("One more for {letter}").format(letter=letter))
        self.spin = QSpinBox()
        self.spin.setObjectName("count")
        self.spin.setRange(0, MAX_COUNT)
        # The arrows are hidden by the style sheet: NoButtons with a styled border
        # leaves Qt's line edit 1 px wide, so the number would not show.
        self.spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.spin.setAccessibleName(_("People who chose {letter}").format(letter=letter))
        self.spin.setMinimumWidth(self.spin.fontMetrics().averageCharWidth() * 4 + 40)
        self.minus.clicked.connect(lambda: self.spin.setValue(self.spin.value() - 1))
        self.plus.clicked.connect(lambda: self.spin.setValue(self.spin.value() + 1))
        self.spin.valueChanged.connect(self.changed)
        row.addWidget(self.letter)
        row.addWidget(self.minus)
        row.addWidget(self.spin, 1)
        row.addWidget(self.plus)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: int) -> None:
        self.spin.setValue(value)


class QuizPresentation(PresentationWindow):
    """One question at a time; the counts are saved when the answer is revealed."""

    def __init__(
        self, context: AppContext, session: GroupSession, questions: list[Question]
    ) -> None:
        super().__init__(context, _("Group quiz"))
        self.session = session
        self.questions = questions
        saved = saved_counts(context.store, session.id)
        self.counts: dict[str, list[int]] = {
            q.id: list(saved.get(q.id, ())) or [0] * len(q.options) for q in questions
        }
        self.saved: dict[str, tuple[int, ...]] = dict(saved)
        self.index = 0
        self.revealed = False
        self.rows: list[AnswerRow] = []
        self.entries: list[CountEntry] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 20, 40, 16)
        outer.setSpacing(12)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.question_screen = self._build_question_screen()
        self.end_screen, self.end_box = self._build_end_screen()
        self.stack.addWidget(self.question_screen)
        self.stack.addWidget(self.end_screen)

        bottom = QHBoxLayout()
        self.back_button = big_key_button(_("← Back"))
        self.reveal_button = big_key_button(_("Show the answer"), primary=True)
        self.next_button = big_key_button(_("Next question →"), primary=True)
        self.close_button = big_key_button(_("Close the presentation"))
        self.back_button.clicked.connect(self.backward)
        self.reveal_button.clicked.connect(self.reveal)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.back_button)
        self.hint = text_label(self.hint_text(), "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.reveal_button)
        bottom.addWidget(self.next_button)
        bottom.addWidget(self.close_button)
        outer.addLayout(bottom)
        if questions:
            self.show_question(0, revealed=False)
        else:
            self.show_end()

    def hint_text(self) -> str:
        return _("A–D: type a count  ·  Enter or →: next\n←: back  ·  Esc: leave full screen")

    # -- building -----------------------------------------------------------------------
    def _build_question_screen(self) -> QWidget:
        screen = QWidget()
        column = QVBoxLayout(screen)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        self.counter = text_label("", "counter", wrap=False)
        column.addWidget(self.counter)
        self.question_label = text_label("", "subtitle")
        column.addWidget(self.question_label)

        middle = QHBoxLayout()
        middle.setSpacing(28)
        answers = QWidget()
        self.answers_box = QVBoxLayout(answers)
        self.answers_box.setContentsMargins(0, 0, 0, 0)
        self.answers_box.setSpacing(10)
        self.answers_box.addStretch(1)
        # Long options on a small projector scroll rather than being cut off.
        middle.addWidget(scroll_page(answers), 3)

        self.side = QStackedWidget()
        entry_page = QWidget()
        entry_column = QVBoxLayout(entry_page)
        entry_column.setContentsMargins(0, 0, 0, 0)
        entry_column.setSpacing(10)
        self.entry_title = text_label(_("How many chose each answer?"), "counter")
        entry_column.addWidget(self.entry_title)
        self.entries_box = QVBoxLayout()
        self.entries_box.setSpacing(10)
        entry_column.addLayout(self.entries_box)
        self.total_label = text_label("", "counter")
        entry_column.addWidget(self.total_label)
        entry_column.addStretch(1)
        self.side.addWidget(entry_page)
        chart_page = QWidget()
        chart_column = QVBoxLayout(chart_page)
        chart_column.setContentsMargins(0, 0, 0, 0)
        self.result_label = text_label("", "good")
        chart_column.addWidget(self.result_label)
        self.explanation = text_label("", "hint")
        chart_column.addWidget(self.explanation)
        self.chart = ResultsChart(self.palette_)
        chart_column.addWidget(self.chart, 1)
        self.side.addWidget(chart_page)
        middle.addWidget(self.side, 2)
        column.addLayout(middle, 1)
        return screen

    def _build_end_screen(self) -> tuple[QWidget, QVBoxLayout]:
        screen = QWidget()
        column = QVBoxLayout(screen)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(14)
        column.addWidget(text_label(_("Group quiz results"), "title"))
        box = QVBoxLayout()
        box.setSpacing(8)
        column.addLayout(box)
        column.addStretch(1)
        return screen, box

    # -- showing ------------------------------------------------------------------------
    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def show_question(self, index: int, revealed: bool) -> None:
        self._keep_counts()
        self.index = index
        self.stack.setCurrentWidget(self.question_screen)
        question = self.question
        self.counter.setText(
            _("Question {current}/{total}").format(current=index + 1, total=len(self.questions))
        )
        self.question_label.setText(question.text)
        self.question_label.setAccessibleName(question.text)
        for widget in self.rows + self.entries:
            widget.setParent(None)
            widget.deleteLater()
        self.rows, self.entries = [], []
        for position, text in enumerate(question.options):
            row = AnswerRow(position, text)
            self.answers_box.insertWidget(position, row)
            self.rows.append(row)
            entry = CountEntry(position)
            entry.set_value(self.counts[question.id][position])
            entry.changed.connect(self._count_changed)
            entry.spin.installEventFilter(self)
            entry.spin.lineEdit().installEventFilter(self)
            self.entries_box.addWidget(entry)
            self.entries.append(entry)
        self._count_changed()
        if revealed:
            self.reveal()
        else:
            self._hide_answer()

    def _hide_answer(self) -> None:
        self.revealed = False
        for row in self.rows:
            row.mark("")
        self.explanation.clear()
        self.explanation.setVisible(False)
        self.side.setCurrentIndex(0)
        self.reveal_button.setVisible(True)
        self.next_button.setVisible(False)
        self.back_button.setEnabled(self.index > 0)
        if self.entries:
            self.entries[0].spin.setFocus()
            self.entries[0].spin.selectAll()

    def _count_changed(self) -> None:
        total = sum(e.value() for e in self.entries)
        self.total_label.setText(_("Answers counted: {n}").format(n=format_number(total)))

    def _keep_counts(self) -> None:
        if self.entries and self.questions and self.stack.currentWidget() is self.question_screen:
            self.counts[self.question.id] = [e.value() for e in self.entries]

    def reveal(self) -> None:
        """Show the right answer and the chart, and save the counts."""
        self._keep_counts()
        question = self.question
        counts = self.counts[question.id]
        changed = self.saved.get(question.id) != tuple(counts)
        # Going past a question nobody counted saves nothing (unless it clears old counts).
        if changed and (sum(counts) or question.id in self.saved):
            self.context.store.sessions.record_quiz(self.session.id, question.id, counts)
            self.saved[question.id] = tuple(counts)
        self.revealed = True
        for position, row in enumerate(self.rows):
            row.mark("right" if position in question.correct else "dim")
        self.chart.set_data(counts, question.correct)
        share = share_right(question, counts)
        right = ", ".join(LETTERS[i] for i in question.correct)
        if share is None:
            self.result_label.setText(_("Right answer: {letter}").format(letter=right))
        else:
            self.result_label.setText(
                _("Right answer: {letter} — {percent} of the room got it right").format(
                    letter=right, percent=format_percent(share)
                )
            )
        self.explanation.setText(question.explanation)
        self.explanation.setVisible(bool(question.explanation))
        self.side.setCurrentIndex(1)
        last = self.index == len(self.questions) - 1
        self.next_button.setText(_("See all the results →") if last else _("Next question →"))
        self.next_button.setAccessibleName(self.next_button.text())
        self.reveal_button.setVisible(False)
        self.next_button.setVisible(True)
        self.back_button.setEnabled(True)
        self.setFocus()

    def show_end(self) -> None:
        self._keep_counts()
        while self.end_box.count():
            item = self.end_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.end_lines: list[QLabel] = []
        outcomes = [QuizOutcome(q, tuple(self.counts[q.id])) for q in self.questions]
        for number, outcome in enumerate(outcomes, start=1):
            share = outcome.share_right
            if share is None:
                text = _("Question {n}: no answers counted").format(n=number)
            else:
                text = _("Question {n}: {percent} right").format(
                    n=number, percent=format_percent(share)
                )
            label = text_label(text)
            self.end_box.addWidget(label)
            self.end_lines.append(label)
        average = average_right(outcomes)
        if average is not None:
            label = text_label(
                _("Right answers on average: {share}").format(share=format_percent(average)),
                "subtitle",
            )
            self.end_box.addWidget(label)
            self.end_lines.append(label)
        if not self.questions:
            self.end_box.addWidget(text_label(_("This topic has no questions for a group quiz.")))
        self.stack.setCurrentWidget(self.end_screen)
        self.reveal_button.setVisible(False)
        self.next_button.setVisible(False)
        self.back_button.setEnabled(bool(self.questions))
        self.setFocus()

    # -- keys ---------------------------------------------------------------------------
    def forward(self) -> None:
        if self.stack.currentWidget() is self.end_screen:
            return
        if not self.revealed:
            self.reveal()
        elif self.index < len(self.questions) - 1:
            self.show_question(self.index + 1, revealed=False)
        else:
            self.show_end()

    def backward(self) -> None:
        if self.stack.currentWidget() is self.end_screen:
            if self.questions:
                self.show_question(len(self.questions) - 1, revealed=True)
        elif self.revealed:
            self._hide_answer()  # correct a count, then reveal again
        elif self.index > 0:
            previous = self.index - 1
            self.show_question(previous, revealed=self.questions[previous].id in self.saved)

    def handle_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.forward()
            return True
        letter = _key_letter(key)
        if letter is not None and letter < len(self.entries) and not self.revealed:
            self.entries[letter].spin.setFocus()
            self.entries[letter].spin.selectAll()
            return True
        return super().handle_key(key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        # The count fields would keep Left/Right/Space/Enter for editing; the quiz wants them.
        if event.type() == QEvent.Type.KeyPress and self.handle_key(event.key()):
            return True
        return super().eventFilter(watched, event)


def _key_letter(key: int) -> int | None:
    """0 for A, 1 for B…; None for any other key."""
    offset = int(key) - int(Qt.Key.Key_A)
    return offset if 0 <= offset < len(LETTERS) else None
