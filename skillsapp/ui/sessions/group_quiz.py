"""The group quiz on the projector: one question at a time with its options lettered
A–D, then the right answer with a bar chart of how the room answered and the
explanation. Only that is projected: the leader counts the raised hands on their
own screen (:mod:`skillsapp.ui.sessions.quiz_control`), which drives this window.

Keys on the projector (a presenter's clicker): Right, Space or Page Down go on; Left
or Page Up go back; Up and Down scroll a long explanation; Esc leaves full screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.flows.group_session import QuizOutcome, average_right, share_right
from skillsapp.i18n import _, format_percent
from skillsapp.models import Question
from skillsapp.ui.common.widgets import scroll_page
from skillsapp.ui.sessions.presentation import PresentationWindow, scroll_step, text_label
from skillsapp.ui.sessions.quiz_chart import LETTERS, ResultsChart
from skillsapp.ui.shell.context import AppContext


def right_answer_text(question: Question, counts: list[int]) -> str:
    """ "Right answer: B — 75 % of the room got it right" (without the share if nobody was counted)."""
    share = share_right(question, counts)
    right = ", ".join(LETTERS[i] for i in question.correct)
    if share is None:
        return _("Right answer: {letter}").format(letter=right)
    return _("Right answer: {letter} — {percent} of the room got it right").format(
        letter=right, percent=format_percent(share)
    )


class AnswerRow(QFrame):
    """One option as the room sees it: a big letter and the option's text."""

    def __init__(self, position: int, text: str) -> None:
        super().__init__()
        self.setObjectName("answer")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(12)
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


class QuizProjection(PresentationWindow):
    """What the room sees; :class:`~skillsapp.ui.sessions.quiz_control.QuizControl` drives it."""

    forward_requested = Signal()  # a clicker or a key on the projector window
    back_requested = Signal()
    EXTRA_STYLE = """
    QLabel#explanation {{ font-size: {size}pt; }}
    QLabel#question {{ font-size: {big}pt; font-weight: 700; }}
    """

    def __init__(self, context: AppContext) -> None:
        super().__init__(context, _("Group quiz"))
        self.rows: list[AnswerRow] = []
        self.end_lines: list[QLabel] = []
        self._fitting = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        # Everything is sized to fit (fit()); only what is still too long at the smallest
        # text scrolls, and the hint below says so in words.
        self.content = QWidget()
        column = QVBoxLayout(self.content)
        column.setContentsMargins(32, 16, 32, 16)
        column.setSpacing(10)
        self.stack = QStackedWidget()
        column.addWidget(self.stack)
        column.addStretch(1)
        self.scroll_area = scroll_page(self.content)
        outer.addWidget(self.scroll_area, 1)
        self.more_hint = text_label(_("More below: press ↓ to scroll"), "counter")
        self.more_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_hint.setVisible(False)
        outer.addWidget(self.more_hint)
        bar = self.scroll_area.verticalScrollBar()
        bar.valueChanged.connect(self._update_hint)
        bar.rangeChanged.connect(self._update_hint)

        self.question_screen = self._build_question_screen()
        self.end_screen, self.end_box = self._build_end_screen()
        self.stack.addWidget(self.question_screen)
        self.stack.addWidget(self.end_screen)

    # -- building -----------------------------------------------------------------------
    def _build_question_screen(self) -> QWidget:
        screen = QWidget()
        column = QVBoxLayout(screen)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        self.counter = text_label("", "counter", wrap=False)
        column.addWidget(self.counter)
        self.question_label = text_label("", "question")
        column.addWidget(self.question_label)

        middle = QHBoxLayout()
        middle.setSpacing(24)
        self.answers_box = QVBoxLayout()
        self.answers_box.setSpacing(8)
        self.answers_box.addStretch(1)  # the rows stay at the top, beside a taller chart
        middle.addLayout(self.answers_box, 3)
        self.chart = ResultsChart(self.palette_)
        self.chart.setMinimumSize(260, 220)
        self.chart.setVisible(False)
        middle.addWidget(self.chart, 2)
        column.addLayout(middle)
        self.result_label = text_label("", "good")
        column.addWidget(self.result_label)
        self.explanation = text_label("", "explanation")
        column.addWidget(self.explanation)
        return screen

    def _build_end_screen(self) -> tuple[QWidget, QVBoxLayout]:
        screen = QWidget()
        column = QVBoxLayout(screen)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        column.addWidget(text_label(_("Group quiz results"), "title"))
        box = QVBoxLayout()
        box.setSpacing(6)
        column.addLayout(box)
        return screen, box

    # -- showing ------------------------------------------------------------------------
    def show_question(self, question: Question, index: int, total: int) -> None:
        """The question and its options, before the answer."""
        self.stack.setCurrentWidget(self.question_screen)
        self.counter.setText(_("Question {current}/{total}").format(current=index + 1, total=total))
        self.question_label.setText(question.text)
        self.question_label.setAccessibleName(question.text)
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        for position, text in enumerate(question.options):
            row = AnswerRow(position, text)
            self.answers_box.insertWidget(position, row)
            self.rows.append(row)
        self.chart.setVisible(False)
        self.result_label.clear()
        self.result_label.setVisible(False)
        self.explanation.clear()
        self.explanation.setVisible(False)
        self.refit()

    def show_answer(self, question: Question, counts: list[int]) -> None:
        """The right option marked, the chart of the counts and the explanation."""
        for position, row in enumerate(self.rows):
            row.mark("right" if position in question.correct else "dim")
        self.chart.set_data(counts, question.correct)
        self.chart.setVisible(True)
        self.result_label.setText(right_answer_text(question, counts))
        self.result_label.setVisible(True)
        self.explanation.setText(question.explanation)
        self.explanation.setVisible(bool(question.explanation))
        self.refit()

    def show_end(self, outcomes: list[QuizOutcome]) -> None:
        while self.end_box.count():
            item = self.end_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.end_lines = []
        for number, outcome in enumerate(outcomes, start=1):
            share = outcome.share_right
            if share is None:
                text = _("Question {n}: no answers counted").format(n=number)
            else:
                text = _("Question {n}: {percent} right").format(
                    n=number, percent=format_percent(share)
                )
            self._end_line(text)
        average = average_right(outcomes)
        if average is not None:
            self._end_line(
                _("Right answers on average: {share}").format(share=format_percent(average)),
                "subtitle",
            )
        if not outcomes:
            self._end_line(_("This topic has no questions for a group quiz."))
        self.stack.setCurrentWidget(self.end_screen)
        self.refit()

    def _end_line(self, text: str, name: str = "") -> None:
        label = text_label(text, name)
        self.end_box.addWidget(label)
        self.end_lines.append(label)

    # -- fitting ------------------------------------------------------------------------
    def _fits(self) -> bool:
        # Measured against the whole window, as it is when everything fits (no "more
        # below"), not against the scroll area's state of the moment; and as wide as beside
        # a scroll bar, since a scroll area that shows one keeps it while the narrower
        # content is too tall.
        room = self.contentsRect()
        frame = 2 * self.scroll_area.frameWidth()
        bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        layout = self.content.layout()
        needed = layout.totalHeightForWidth(room.width() - frame - bar)
        if needed < 0:  # nothing wraps
            needed = layout.totalSizeHint().height()
        return needed <= room.height() - frame

    def refit(self) -> None:
        # Hidden, the window has no size yet: showEvent fits it.
        if self._fitting or not self.isVisible():
            return
        self._fitting = True
        self.more_hint.setVisible(False)  # it takes room; shown again below if it scrolls
        try:
            for row in self.rows:
                row.setVisible(True)
            if not self.fit(self._fits) and self.chart.isVisible():
                # A long explanation: the wrong options make room for it, the chart still
                # shows how many chose them.
                for row in self.rows:
                    row.setVisible(row.property("result") == "right")
                self.fit(self._fits)
        finally:
            self.more_hint.setVisible(False)
            self.settle_layouts()
            self._fitting = False
        self.scroll_area.verticalScrollBar().setValue(0)
        self._update_hint()

    def scrolled_area(self):
        return self.scroll_area

    def scrolls(self) -> bool:
        """True when the content is too long for the screen even at the smallest text."""
        return self.scroll_area.verticalScrollBar().maximum() > 0

    # -- keys ---------------------------------------------------------------------------
    def forward(self) -> None:
        self.forward_requested.emit()

    def backward(self) -> None:
        self.back_requested.emit()

    def scroll(self, down: bool) -> None:
        scroll_step(self.scroll_area.verticalScrollBar(), down)
