"""A practice quiz or review session: one question per screen, the answer
checked at once with its explanation, then the result.

Keys: 1–6 choose an option, Enter answers and then goes on to the next question.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QSize, Qt, Signal
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.flows.practice import PracticeQuiz, QuizResult
from skillsapp.flows.quiz import Feedback, ShownQuestion
from skillsapp.i18n import _, format_percent
from skillsapp.ui.common.widgets import (
    OptionButton,
    TaskPage,
    big_button,
    card,
    heading,
    paragraph,
)
from skillsapp.ui.lessons.reading_view import WideScrollBar, mix
from skillsapp.ui.practice.result_message import result_message
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import palette_for

IMAGE_MAX = QSize(640, 320)  # a question's picture, at most (it must leave room for the options)


def _icon_pixmap(name: str, colour: str, side: int) -> QPixmap:
    from skillsapp.ui.shell.icons import icon

    return icon(name, colour).pixmap(QSize(side, side))


class PracticePage(QWidget):
    """Runs ``quiz`` to its result. The owner listens to the signals to move on."""

    back_requested = Signal()
    retry_requested = Signal()  # the same lesson quiz again
    reread_requested = Signal()  # open the lesson again

    def __init__(
        self,
        context: AppContext,
        quiz: PracticeQuiz,
        back_text: str,
        can_reread: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.quiz = quiz
        self.back_text = back_text
        self.can_reread = can_reread
        self.index = 0
        self.options: list[OptionButton] = []
        self.group: QButtonGroup | None = None
        self.feedback: Feedback | None = None
        self.result: QuizResult | None = None
        self.timer = QElapsedTimer()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.question_screen = self._build_question_screen()
        self.result_screen = TaskPage()
        self.stack.addWidget(self.question_screen)
        self.stack.addWidget(self.result_screen)
        if quiz.total:
            self.show_question(0)
        else:
            self._finish()

    # -- the question screen ------------------------------------------------------------
    def _build_question_screen(self) -> QWidget:
        screen = TaskPage()
        self.scroll = screen.scroll
        self.scroll.setVerticalScrollBar(WideScrollBar(Qt.Orientation.Vertical, self.scroll))
        column = screen.body
        column.setSpacing(14)
        top = QHBoxLayout()
        where = QVBoxLayout()
        where.setSpacing(2)
        self.counter = heading("", level=2)
        where.addWidget(self.counter)
        title = self.quiz.lesson.title if self.quiz.lesson else _("Review")
        self.quiz_title = paragraph(title, muted=True)
        where.addWidget(self.quiz_title)
        top.addLayout(where, 1)
        self.stop_button = big_button(_("Stop practising"))
        self.stop_button.setAutoDefault(True)
        self.stop_button.clicked.connect(self.back_requested)
        top.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(top)

        # A question missed before says so plainly, in words and an icon, before the question.
        self.again_banner, again = card()
        self.again_banner.setObjectName("again")
        again_row = QHBoxLayout()
        self.again_icon = QLabel()
        again_row.addWidget(self.again_icon, 0, Qt.AlignmentFlag.AlignTop)
        headline, detail = _("Try this question again."), _("Last time your answer was not right.")
        self.again_text = f"{headline} {detail}"
        self.again_label = QLabel(f"<b>{html.escape(headline)}</b> {html.escape(detail)}")
        self.again_label.setWordWrap(True)
        self.again_label.setAccessibleName(self.again_text)
        again_row.addWidget(self.again_label, 1)
        for label in (self.again_icon, self.again_label):
            label.setStyleSheet("background: transparent; border: none;")
        again.addLayout(again_row)
        self.again_banner.setAccessibleName(self.again_text)
        column.addWidget(self.again_banner)

        self.question_label = heading("", level=2)
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.question_label)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.image)
        self.multi_note = paragraph(_("Choose all the right answers."))
        column.addWidget(self.multi_note)
        self.options_box = QVBoxLayout()
        self.options_box.setSpacing(10)
        column.addLayout(self.options_box)

        self.feedback_panel, panel = card()
        verdict_row = QHBoxLayout()
        self.verdict_icon = QLabel()
        verdict_row.addWidget(self.verdict_icon)
        self.verdict = heading("", level=2)
        verdict_row.addWidget(self.verdict, 1)
        panel.addLayout(verdict_row)
        self.explanation = paragraph("")
        panel.addWidget(self.explanation)
        column.addWidget(self.feedback_panel)
        column.addStretch(1)

        # The answer and the way on sit in the bar below the question, always in view.
        self.hint = paragraph("", muted=True)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        screen.add_action(self.hint, left=True)
        screen._left.setStretch(0, 1)
        self.answer_button = big_button(_("Answer"), primary=True)
        self.answer_button.clicked.connect(self.submit_answer)
        self.next_button = big_button(_("Next question"), primary=True)
        self.next_button.clicked.connect(self.go_on)
        for button in (self.answer_button, self.next_button):
            button.setAutoDefault(True)
            screen.add_action(button)
        screen.actions.setStretch(0, 1)
        screen.actions.setStretch(1, 0)
        bar = self.scroll.verticalScrollBar()
        bar.valueChanged.connect(self._update_hint)
        bar.rangeChanged.connect(self._update_hint)
        return screen

    def shown(self) -> ShownQuestion:
        return self.quiz.shown(self.index)

    def show_question(self, index: int) -> None:
        self.index = index
        self.feedback = None
        shown = self.shown()
        self.counter.setText(
            _("Question {number}/{total}").format(number=shown.number, total=shown.total)
        )
        self.counter.setAccessibleName(self.counter.text())
        self.question_label.setText(shown.question.text)
        again = self.quiz.is_returning(index)
        self.again_banner.setVisible(again)
        if again:
            self._set_again_icon()
        # A screen reader says it too, first.
        self.question_label.setAccessibleName(
            f"{self.again_text} {shown.question.text}" if again else shown.question.text
        )
        self._show_image(shown)
        self.multi_note.setVisible(shown.multi)
        for button in self.options:
            self.options_box.removeWidget(button)
            button.hide()
            button.deleteLater()
        if self.group is not None:
            self.group.deleteLater()
        self.group = QButtonGroup(self)
        self.group.setExclusive(not shown.multi)
        self.options = []
        for position, text in enumerate(shown.options):
            button = OptionButton(position, text)
            button.toggled.connect(self._update_buttons)
            self.group.addButton(button)
            self.options_box.addWidget(button)
            self.options.append(button)
        self.feedback_panel.setVisible(False)
        self.next_button.setVisible(False)  # hidden first: both at once would widen the window
        self.answer_button.setVisible(True)
        self._update_buttons()
        self.scroll.verticalScrollBar().setValue(0)
        self._update_hint()
        self.stack.setCurrentWidget(self.question_screen)
        self.setFocus()
        self.timer.start()

    def _set_again_icon(self) -> None:
        palette = palette_for(self.context.settings.high_contrast)
        side = self.fontMetrics().height() + 6
        self.again_icon.setPixmap(_icon_pixmap("fa5s.redo", palette.accent, side))
        self.again_banner.setStyleSheet(
            f"QFrame#again {{ background: {mix(palette.focus, palette.panel, 0.18)};"
            f" border: 3px solid {palette.focus}; border-radius: 8px; }}"
        )

    def _show_image(self, shown: ShownQuestion) -> None:
        self.image.clear()
        self.image.setVisible(False)
        if not shown.image:
            return
        folder = self.context.store.content.pack_folder(shown.question.pack_id)
        reader = QImageReader(str(Path(folder or ".") / shown.image))
        natural = reader.size()
        if not natural.isValid() or natural.isEmpty():
            return
        size = natural.scaled(IMAGE_MAX, Qt.AspectRatioMode.KeepAspectRatio)
        ratio = self.devicePixelRatioF()
        reader.setScaledSize(size * ratio)
        image = reader.read()
        if image.isNull():
            return
        image.setDevicePixelRatio(ratio)
        self.image.setPixmap(QPixmap.fromImage(image))
        self.image.setAccessibleName(_("Picture for the question"))
        self.image.setVisible(True)

    def _update_hint(self) -> None:
        bar = self.scroll.verticalScrollBar()
        if self.result is not None or not self.options:
            return
        if bar.value() < bar.maximum():  # a picture or long text pushes options off screen
            text = _("There is more below: scroll down to see all the answers.")
        elif self.feedback is None:
            text = _("Press 1–{last} to choose, then Enter to answer.").format(
                last=len(self.options)
            )
        else:
            text = _("Press Enter to go on.")
        self.hint.setText(text)

    def chosen(self) -> list[int]:
        return [b.position for b in self.options if b.isChecked()]

    def _update_buttons(self) -> None:
        self.answer_button.setEnabled(self.feedback is None and bool(self.chosen()))

    def choose(self, position: int) -> None:
        """What number key ``position + 1`` does: pick (or, with several answers, toggle) an option."""
        if self.feedback is None and 0 <= position < len(self.options):
            self.options[position].click()

    def submit_answer(self) -> None:
        chosen = self.chosen()
        if self.feedback is not None or not chosen:
            return
        self.feedback = self.quiz.answer(
            self.index, chosen, self.context.now(), int(self.timer.elapsed())
        )
        self._show_feedback(chosen)

    def _show_feedback(self, chosen: list[int]) -> None:
        feedback = self.feedback
        palette = palette_for(self.context.settings.high_contrast)
        side = self.fontMetrics().height() + 6
        for button in self.options:
            right = button.position in feedback.right_positions
            picked = button.position in chosen
            if right:
                button.mark("right")
                note = _("Your choice: right") if picked else _("Right answer")
                button.badge.setPixmap(_icon_pixmap("fa5s.check", palette.good, side))
            elif picked:
                button.mark("wrong")
                note = _("Your choice: not right")
                button.badge.setPixmap(_icon_pixmap("fa5s.times", palette.bad, side))
            else:
                note = ""
            if note:
                button.label.setText(f"{button.label.text()}\n({note})")
                button.setAccessibleName(f"{button.accessibleName()} ({note})")
            # Locked, not disabled: a disabled button would grey out the marks.
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verdict.setProperty("big", True)
        if feedback.correct:
            self.verdict.setText(_("Right!"))
            self.verdict.setObjectName("good")
            self.verdict_icon.setPixmap(_icon_pixmap("fa5s.check-circle", palette.good, side + 8))
        else:
            self.verdict.setText(_("Not quite"))
            self.verdict.setObjectName("bad")
            self.verdict_icon.setPixmap(_icon_pixmap("fa5s.times-circle", palette.bad, side + 8))
        self.verdict.setAccessibleName(self.verdict.text())
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        self.explanation.setText(feedback.explanation)
        self.explanation.setVisible(bool(feedback.explanation))
        self.feedback_panel.setVisible(True)
        last = self.index == self.quiz.total - 1
        self.next_button.setText(_("See the result") if last else _("Next question"))
        self.next_button.setAccessibleName(self.next_button.text())
        self.answer_button.setVisible(False)
        self.next_button.setVisible(True)
        self.next_button.setFocus()
        self.scroll.ensureWidgetVisible(self.feedback_panel)
        self._update_hint()

    def go_on(self) -> None:
        if self.feedback is None:
            return
        if self.index + 1 < self.quiz.total:
            self.show_question(self.index + 1)
        else:
            self._finish()

    # -- the result ---------------------------------------------------------------------
    def _finish(self) -> None:
        self.result = self.quiz.finish(self.context.now())
        result, lesson = self.result, self.quiz.lesson
        body = self.result_screen.body
        body.addWidget(heading(lesson.title if lesson else _("Review finished")))
        score = heading(
            _("{correct}/{total} right ({percent})").format(
                correct=result.correct,
                total=result.total,
                percent=format_percent(result.percent / 100),
            ),
            level=2,
        )
        self.score_label = score
        body.addWidget(score)
        palette = palette_for(self.context.settings.high_contrast)
        row = QHBoxLayout()
        self.result_icon = QLabel()
        row.addWidget(self.result_icon, 0, Qt.AlignmentFlag.AlignTop)
        self.message = paragraph("")
        row.addWidget(self.message, 1)
        body.addLayout(row)
        side = self.fontMetrics().height() * 2
        self.retry_button = self.reread_button = None
        said = result_message(result, lesson, self.quiz.pass_mark)
        self.message.setText(said.text)
        if result.passed and lesson is not None:
            self.message.setObjectName("good")
        colour = palette.good if said.tone == "good" else palette.accent
        self.result_icon.setPixmap(_icon_pixmap(said.icon, colour, side))
        if said.offer_retry:
            self.retry_button = big_button(_("Try again"), primary=True)
            self.retry_button.clicked.connect(self.retry_requested)
            if self.can_reread:
                self.reread_button = big_button(_("Read the lesson again"))
                self.reread_button.clicked.connect(self.reread_requested)
        self.back_button = big_button(self.back_text, primary=self.retry_button is None)
        self.back_button.clicked.connect(self.back_requested)
        # Going back on the left, trying again on the right: in view on any screen.
        screen = self.result_screen
        screen.add_action(self.back_button, left=True)
        if self.retry_button is not None:
            screen.add_action(self.retry_button)
        if self.reread_button is not None:  # under the message that suggests it
            body.addWidget(self.reread_button, 0, Qt.AlignmentFlag.AlignLeft)
        for button in (self.back_button, self.reread_button, self.retry_button):
            if button is not None:
                button.setAutoDefault(True)
        body.addStretch(1)
        self.stack.setCurrentWidget(self.result_screen)
        (self.retry_button or self.back_button).setFocus()

    # -- keys -----------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        if self.result is None and Qt.Key.Key_1 <= key <= Qt.Key.Key_6:
            self.choose(key - Qt.Key.Key_1)
        elif self.result is None and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.feedback is None:
                self.submit_answer()
            else:
                self.go_on()
        elif self.result is not None and key == Qt.Key.Key_Escape:
            self.back_requested.emit()
        else:
            super().keyPressEvent(event)
