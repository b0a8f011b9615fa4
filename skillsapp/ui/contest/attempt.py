"""A contest attempt: one question at a time, a countdown, a question map, the
prediction, a review and a confirmation before submitting.

Every choice is saved (committed) the moment it is made. The countdown reads the
attempt's own clock every second; at zero the attempt is submitted by itself. While
the attempt runs the window's navigation is locked: leaving asks first.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp.flows.contest import ContestAttempt, TimeUp
from skillsapp.i18n import _, format_duration
from skillsapp.storage.attempts import AttemptClosed
from skillsapp.ui.common.widgets import (
    OptionButton,
    TaskPage,
    big_button,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.contest.prediction import PredictionView, asks_prediction
from skillsapp.ui.contest.review import ConfirmView, LeaveView, QuestionMap, ReviewView

URGENT_SECONDS = 60
MAX_OPTION_KEYS = 6
NUMBER_KEYS = {getattr(Qt.Key, f"Key_{n}"): n - 1 for n in range(1, MAX_OPTION_KEYS + 1)}
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def seconds_left(attempt: ContestAttempt, now) -> int:
    """Whole seconds shown on a countdown: 0 only when the time is truly over."""
    return math.ceil(attempt.remaining(now).total_seconds())


def leave_question() -> str:
    """What the window asks before leaving a running attempt."""
    return _(
        "You are in the middle of a contest attempt and the time keeps running. Leave the attempt?"
    )


class AttemptScreen(QWidget):
    """Emits ``finished(record, message)`` once the attempt is submitted, and ``left``
    when the learner chose to leave it open (it can be continued while time remains)."""

    finished = Signal(object, str)
    left = Signal()

    def __init__(self, context, attempt: ContestAttempt) -> None:
        super().__init__()
        self.context = context
        self.attempt = attempt
        self.total = attempt.total
        self.answers: dict[int, tuple[int, ...]] = dict(attempt.chosen_positions())
        self.prediction: int | None = attempt.record.prediction
        self.asks_prediction = asks_prediction(attempt.rules.prediction)
        self.done = False
        self._locked = False
        self._before_leave: QWidget | None = None
        self.index = next((i for i in range(self.total) if i not in self.answers), 0)
        self._shown_at = context.now()
        self.option_buttons: list[OptionButton] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        # The top bar never scrolls: the way out, the contest and the time left.
        bar = QWidget()
        bar_row = QHBoxLayout(bar)
        bar_row.setContentsMargins(32, 12, 32, 0)
        bar_row.setSpacing(16)
        self.leave_button = big_button(_("Leave the attempt"))
        self.leave_button.clicked.connect(self.ask_leave)
        bar_row.addWidget(self.leave_button, 0, Qt.AlignmentFlag.AlignTop)
        round_ = attempt.contest.round(attempt.record.round_id) if attempt.record.round_id else None
        title = attempt.contest.title + (f" — {round_.title}" if round_ else "")
        self.title = paragraph(title, muted=True)
        bar_row.addWidget(self.title, 1)
        clock = QVBoxLayout()
        clock.setSpacing(0)
        time_label = QLabel(_("Time left"))
        time_label.setObjectName("muted")
        clock.addWidget(time_label, 0, Qt.AlignmentFlag.AlignRight)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setAccessibleName(_("Time left"))
        clock.addWidget(self.countdown, 0, Qt.AlignmentFlag.AlignRight)
        bar_row.addLayout(clock)
        outer.addWidget(bar)

        self.views = QStackedWidget()
        outer.addWidget(self.views, 1)
        self._build_question_view()
        self.prediction_view = PredictionView(attempt.rules.prediction, self.prediction)
        self.prediction_view.confirmed.connect(self._prediction_given)
        self.prediction_view.back.connect(self.show_question)
        self.views.addWidget(self.prediction_view)
        self.review_view = ReviewView()
        self.review_view.go_to.connect(self.show_question)
        self.review_view.back.connect(lambda: self.show_question(self.index))
        self.review_view.submit.connect(self.show_confirm)
        self.review_view.change_prediction.connect(self.show_prediction)
        self.views.addWidget(self.review_view)
        self.confirm_view = ConfirmView()
        self.confirm_view.confirmed.connect(self.submit)
        self.confirm_view.cancelled.connect(self.show_review)
        self.views.addWidget(self.confirm_view)
        self.leave_view = LeaveView()
        self.leave_view.confirmed.connect(self.leave)
        self.leave_view.cancelled.connect(self._stay)
        self.views.addWidget(self.leave_view)

        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.show_question(self.index)
        self._show_time()

    def start(self) -> None:
        """Start the countdown (connect ``finished`` first: time may already be up) and
        lock the window's navigation until the attempt is submitted or left."""
        self.context.lock_navigation(leave_question())
        self._locked = True
        self.timer.start()
        self.show_question(self.index)
        self.tick()

    # --- building -------------------------------------------------------------------

    def _build_question_view(self) -> None:
        page = TaskPage()
        self.question_page = page
        self.progress = QLabel()
        self.progress.setObjectName("muted")
        page.body.addWidget(self.progress)
        self.question_text = QLabel()
        self.question_text.setObjectName("subtitle")
        self.question_text.setWordWrap(True)
        self.question_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        page.body.addWidget(self.question_text)
        self.multi_hint = QLabel(_("Choose all the correct answers."))
        font = self.multi_hint.font()
        font.setBold(True)
        self.multi_hint.setFont(font)
        self.multi_hint.setWordWrap(True)
        page.body.addWidget(self.multi_hint)
        self.options_box = QVBoxLayout()
        self.options_box.setSpacing(10)
        page.body.addLayout(self.options_box)
        self.keys_hint = QLabel()
        self.keys_hint.setObjectName("muted")
        self.keys_hint.setWordWrap(True)
        page.body.addWidget(self.keys_hint)
        page.body.addWidget(
            paragraph(_("Go to a question (filled squares are answered):"), muted=True)
        )
        self.map = QuestionMap(self.total)
        self.map.go.connect(self.show_question)
        page.body.addWidget(self.map)
        page.body.addStretch(1)
        # Always in view below the scrolling question: back, submit and forward.
        self.previous_button = big_button(_("Previous question"))
        self.previous_button.clicked.connect(lambda: self.show_question(self.index - 1))
        page.add_action(self.previous_button, left=True)
        self.review_button = big_button(_("Submit"))
        self.review_button.setAccessibleName(_("Review before submitting"))
        self.review_button.clicked.connect(self.finish_questions)
        page.add_action(self.review_button)
        self.next_button = big_button(_("Next question"), primary=True)
        self.next_button.clicked.connect(self.next)
        page.add_action(self.next_button)
        self.question_view = page
        self.question_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        page.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.views.addWidget(self.question_view)

    # --- moving between questions ----------------------------------------------------

    def show_question(self, index: int) -> None:
        if self.done or not self.total:
            return
        self.index = max(0, min(index, self.total - 1))
        shown = self.attempt.shown(self.index)
        self.progress.setText(
            _("Question {number} of {total}").format(number=shown.number, total=shown.total)
        )
        self.question_text.setText(shown.question.text)
        self.question_text.setAccessibleName(shown.question.text)
        # Many question texts already say "(choose all the correct answers)".
        said = self.multi_hint.text().rstrip(".").lower() in shown.question.text.lower()
        self.multi_hint.setVisible(shown.multi and not said)
        keys = min(len(shown.options), MAX_OPTION_KEYS)
        self.keys_hint.setText(
            _("Press 1 to {n} to choose or unchoose, Enter for the next question.").format(n=keys)
            if shown.multi
            else _("Press 1 to {n} to choose, Enter for the next question.").format(n=keys)
        )
        for button in self.option_buttons:
            self.options_box.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.option_buttons = []
        for position, text in enumerate(shown.options):
            button = OptionButton(position, text)
            button.chosen.connect(self.choose)
            self.options_box.addWidget(button)
            self.option_buttons.append(button)
        self._sync_options()
        last = self.index == self.total - 1
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setText(_("Finish") if last else _("Next question"))
        self.next_button.setAccessibleName(self.next_button.text())
        self.map.show_state(self.answers.keys(), self.index)
        self.views.setCurrentWidget(self.question_view)
        self.question_page.scroll.verticalScrollBar().setValue(0)
        chosen = self.answers.get(self.index, ())
        focus = self.option_buttons[chosen[0]] if chosen else (self.option_buttons or [self])[0]
        focus.setFocus()
        self._shown_at = self.context.now()

    def next(self) -> None:
        if self.index < self.total - 1:
            self.show_question(self.index + 1)
        else:
            self.finish_questions()

    def finish_questions(self) -> None:
        """After the questions: the prediction (if the contest asks one), then the review."""
        if self.asks_prediction:
            self.show_prediction()
        else:
            self.show_review()

    def show_prediction(self) -> None:
        self.prediction_view.set_value(self.prediction)
        self.views.setCurrentWidget(self.prediction_view)
        self.prediction_view.focus()

    def show_review(self) -> None:
        self.review_view.show_state(
            self.total, self.answers.keys(), self.prediction, self.asks_prediction
        )
        self.views.setCurrentWidget(self.review_view)

    def show_confirm(self) -> None:
        self.confirm_view.show_state(self.total - len(self.answers))
        self.views.setCurrentWidget(self.confirm_view)

    # --- answering -------------------------------------------------------------------

    def choose(self, position: int) -> None:
        if self.done or position >= len(self.option_buttons):
            return
        shown = self.attempt.shown(self.index)
        chosen = set(self.answers.get(self.index, ()))
        if shown.multi:
            chosen ^= {position}
        else:
            chosen = {position}
        now = self.context.now()
        elapsed = max(0, int((now - self._shown_at).total_seconds() * 1000))
        try:
            self.attempt.answer(self.index, sorted(chosen), now, elapsed)
        except TimeUp as exc:
            self._finish(self.attempt.record, exc.user_message())
            return
        except AttemptClosed as exc:
            self._finish(self.context.store.attempts.get(self.attempt.record.id), str(exc))
            return
        if chosen:
            self.answers[self.index] = tuple(sorted(chosen))
        else:
            self.answers.pop(self.index, None)
        self._sync_options()
        self.map.show_state(self.answers.keys(), self.index)

    def _sync_options(self) -> None:
        chosen = self.answers.get(self.index, ())
        for button in self.option_buttons:
            button.setChecked(button.position in chosen)

    def _prediction_given(self, value: int) -> None:
        if self._time_is_up():
            return
        try:
            self.attempt.set_prediction(value)
        except AttemptClosed as exc:
            self._finish(self.context.store.attempts.get(self.attempt.record.id), str(exc))
            return
        self.prediction = value
        self.show_review()

    # --- time and submitting ---------------------------------------------------------

    def tick(self) -> None:
        """Called every second by the timer: show the time left, submit at zero."""
        if self.done:
            return
        if self._show_time() <= 0:
            self._time_is_up()

    def _show_time(self) -> int:
        left = seconds_left(self.attempt, self.context.now())
        self.countdown.setText(format_duration(left))
        urgent = "true" if left <= URGENT_SECONDS else "false"
        if self.countdown.property("urgent") != urgent:
            self.countdown.setProperty("urgent", urgent)
            self.countdown.style().unpolish(self.countdown)
            self.countdown.style().polish(self.countdown)
        return left

    def _time_is_up(self) -> bool:
        """Submit at once if the time has run out; True if it had."""
        if self.done or seconds_left(self.attempt, self.context.now()) > 0:
            return False
        self._submit(_("Time is up. Your answers have been submitted."))
        return True

    def submit(self) -> None:
        if self._time_is_up():
            return
        self._submit("")

    def _submit(self, message: str) -> None:
        try:
            record = self.attempt.submit(self.context.now())
        except AttemptClosed:
            record = self.context.store.attempts.get(self.attempt.record.id)
        self._finish(record, message)

    def _finish(self, record, message: str) -> None:
        if self.done:
            return
        self.stop()
        self.finished.emit(record, message)

    def stop(self) -> None:
        """Stop the countdown and free the navigation (the attempt stays open on disk)."""
        self.done = True
        self.timer.stop()
        if self._locked:
            self._locked = False
            self.context.unlock_navigation()

    # --- leaving ----------------------------------------------------------------------

    def ask_leave(self) -> None:
        """Leaving asks first, inside the page: the time keeps running while away."""
        if self.done or self.views.currentWidget() is self.leave_view:
            return
        self._before_leave = self.views.currentWidget()
        self.leave_view.show_state(seconds_left(self.attempt, self.context.now()))
        self.views.setCurrentWidget(self.leave_view)

    def _stay(self) -> None:
        before = self._before_leave
        self._before_leave = None
        if before is None or before is self.question_view:
            self.show_question(self.index)
        else:
            self.views.setCurrentWidget(before)
            before.setFocus()

    def leave(self) -> None:
        if self.done:
            return
        self.stop()
        self.left.emit()

    # --- keyboard ---------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        current = self.views.currentWidget()
        focused = QApplication.focusWidget()
        if (
            key in ENTER_KEYS
            and not isinstance(focused, OptionButton)
            and press_focused_button(self)
        ):
            return  # Enter on "No, go back" must never submit
        if current is self.question_view:
            if key == Qt.Key.Key_Escape:
                self.ask_leave()
                return
            if key in NUMBER_KEYS:
                self.choose(NUMBER_KEYS[key])
                return
            if key in ENTER_KEYS:
                self.next()
                return
            if key == Qt.Key.Key_PageUp and self.index > 0:
                self.show_question(self.index - 1)
                return
            if key == Qt.Key.Key_PageDown:
                self.next()
                return
        elif hasattr(current, "handle_key") and current.handle_key(key):
            return
        super().keyPressEvent(event)
