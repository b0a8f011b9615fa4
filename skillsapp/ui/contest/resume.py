"""Picking up a contest attempt after the app was closed (or the power went off).

:func:`recover_for` runs the core's recovery for the current learner: attempts whose
time ran out while the app was closed are submitted with the answers given, the
others are offered with the time that truly remains.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout

from skillsapp.flows import contest as contest_flow
from skillsapp.flows.contest import ContestAttempt, Recovery
from skillsapp.i18n import _, format_duration
from skillsapp.storage.attempts import AttemptRecord
from skillsapp.ui.common.widgets import big_button, card, heading, paragraph
from skillsapp.ui.contest.attempt import seconds_left
from skillsapp.ui.contest.result import score_text


def recover_for(context) -> Recovery | None:
    """Recover the current learner's contest attempts; None without a store or learner."""
    if context.store is None or context.profile is None:
        return None
    return contest_flow.recover(context.store, context.now(), context.profile.id)


def _round_title(store, record: AttemptRecord) -> str:
    contest = store.content.contest(record.contest_id or "")
    if contest is None:
        return ""
    if record.round_id:
        return _("{contest} — {round}").format(
            contest=contest.title, round=contest.round(record.round_id).title
        )
    return contest.title


def submitted_message(store, record: AttemptRecord) -> str:
    """What to tell a learner whose time ran out while the app was closed."""
    return _(
        "The time for your attempt in {contest} ran out while the app was closed, so it was "
        "submitted with the answers you had given. Your score: {score}."
    ).format(contest=_round_title(store, record), score=score_text(record))


def remaining_text(seconds: int) -> str:
    return _("You have {time} left to continue.").format(time=format_duration(seconds))


class ResumeOffer(QFrame):
    """A card: "You have 07:12 left to continue" and a button to go on."""

    resume = Signal(object)  # ContestAttempt
    expired = Signal()

    def __init__(self, context, attempt: ContestAttempt) -> None:
        super().__init__()
        self.context = context
        self.attempt = attempt
        frame, box = card()
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        box.addWidget(heading(_("You have an unfinished attempt"), level=2))
        box.addWidget(paragraph(_round_title(context.store, attempt.record)))
        answered = len(attempt.chosen_positions())
        box.addWidget(
            paragraph(
                _("You answered {answered} of {total} questions. Your answers are saved.").format(
                    answered=answered, total=attempt.total
                )
            )
        )
        self.remaining = heading("", level=2)
        box.addWidget(self.remaining)
        box.addWidget(
            paragraph(_("The time keeps running even while the app is closed."), muted=True)
        )
        row = QHBoxLayout()
        self.resume_button = big_button(_("Continue the attempt"), primary=True)
        self.resume_button.clicked.connect(lambda: self.resume.emit(self.attempt))
        row.addWidget(self.resume_button)
        row.addStretch(1)
        box.addLayout(row)
        # The countdown runs while the card is on screen: a hidden card (another area, a
        # closed window) never reads the store.
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.tick()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if not self.timer.isActive() and seconds_left(self.attempt, self.context.now()) > 0:
            self.timer.start()
            self.tick()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.timer.stop()
        super().hideEvent(event)

    def tick(self) -> None:
        left = seconds_left(self.attempt, self.context.now())
        self.remaining.setText(remaining_text(left))
        self.remaining.setAccessibleName(self.remaining.text())
        if left <= 0:
            self.timer.stop()
            self.expired.emit()


class SubmittedNotice(QFrame):
    """A card telling plainly that an attempt was submitted because its time ran out."""

    show_result = Signal(object)  # AttemptRecord
    dismissed = Signal(object)

    def __init__(self, store, record: AttemptRecord) -> None:
        super().__init__()
        self.record = record
        frame, box = card()
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.text = paragraph(submitted_message(store, record))
        box.addWidget(self.text)
        row = QHBoxLayout()
        self.result_button = big_button(_("See the result"), primary=True)
        self.result_button.clicked.connect(lambda: self.show_result.emit(self.record))
        self.ok_button = big_button(_("OK"))
        self.ok_button.clicked.connect(lambda: self.dismissed.emit(self.record))
        row.addWidget(self.result_button)
        row.addWidget(self.ok_button)
        row.addStretch(1)
        box.addLayout(row)
