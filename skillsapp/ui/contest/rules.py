"""The rules of a round in plain words, and the big button to start an attempt."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel

from skillsapp.engine.registration import missing_prize_fields
from skillsapp.errors import AppError
from skillsapp.flows import contest as contest_flow
from skillsapp.i18n import _, format_datetime, ngettext
from skillsapp.models import Contest, ContestRules, Round
from skillsapp.storage.registrations import StoredRegistration
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.contest.registration_fields import field_list


def rule_lines(rules: ContestRules, round_: Round, trial: bool = False) -> list[str]:
    """The rules as short sentences a resident can read aloud."""
    n = rules.questions_per_attempt
    minutes = rules.time_limit_minutes
    lines = [
        ngettext(
            "Each attempt has {n} question, drawn at random.",
            "Each attempt has {n} questions, drawn at random.",
            n,
        ).format(n=n),
        ngettext(
            "You have {n} minute to answer them. The time keeps running even if you close the app.",
            "You have {n} minutes to answer them. The time keeps running even if you close the app.",
            minutes,
        ).format(n=minutes),
        _("Some questions have more than one correct answer: then choose all of them."),
    ]
    if trial:
        return [
            *lines,
            _("This is a trial: take it as often as you like, any day."),
            _(
                "Your result stays on this computer. It is not ranked and is not sent "
                "to the province."
            ),
        ]
    per_day, per_round = rules.attempts_per_day, rules.attempts_per_round
    if per_day is not None:
        lines.append(
            ngettext(
                "You may take {n} attempt a day.", "You may take {n} attempts a day.", per_day
            ).format(n=per_day)
        )
    if per_round is not None:
        lines.append(
            ngettext(
                "You may take {n} attempt in this round.",
                "You may take {n} attempts in this round.",
                per_round,
            ).format(n=per_round)
        )
    if per_day is None and per_round is None:
        lines.append(_("You may take as many attempts as you like."))
    counting = {
        "best": _("Your best attempt in the round counts."),
        "first": _("Only your first attempt in the round counts."),
        "last": _("Your last attempt in the round counts."),
    }
    if rules.counting in counting:
        lines.append(counting[rules.counting])
    if rules.prediction == "full_score_count":
        lines.append(
            _(
                "After the last question you guess how many people will answer every question "
                "correctly in this round. When scores are equal, the closest guess ranks higher."
            )
        )
    elif rules.prediction == "entrant_count":
        lines.append(
            _(
                "After the last question you guess how many people will take part in this round. "
                "When scores are equal, the closest guess ranks higher."
            )
        )
    lines.append(
        _("This round is open from {opens} to {closes}.").format(
            opens=format_datetime(round_.opens_at), closes=format_datetime(round_.closes_at)
        )
    )
    return lines


class RulesScreen(TaskPage):
    started = Signal(object)  # ContestAttempt
    back = Signal()
    edit_registration = Signal()

    def __init__(
        self, context, contest: Contest, round_: Round, registration: StoredRegistration | None
    ) -> None:
        super().__init__()
        self.context = context
        self.contest = contest
        self.round = round_
        self.registration = registration
        page = self  # the rules scroll; Back and Start stay in the action bar below them
        page.body.addWidget(heading(_("Rules")))
        page.body.addWidget(
            paragraph(_("{contest} — {round}").format(contest=contest.title, round=round_.title))
        )
        frame, box = card()
        self.rule_labels = []
        for line in rule_lines(contest.rules, round_, trial=contest.trial):
            label = paragraph("• " + line)
            self.rule_labels.append(label)
            box.addWidget(label)
        page.body.addWidget(frame)

        missing = (
            missing_prize_fields(registration, contest.rules.prize_fields) if registration else []
        )
        self.registration_note = QLabel()
        self.registration_note.setWordWrap(True)
        self.registration_button = big_button(_("Change my registration"))
        self.registration_button.clicked.connect(self.edit_registration.emit)
        if missing:
            self.registration_note.setText(
                _("Your registration is missing {fields}, so you cannot win a prize yet.").format(
                    fields=field_list(missing)
                )
            )
            self.registration_button.setText(_("Complete my registration"))
            self.registration_button.setAccessibleName(_("Complete my registration"))
        else:
            self.registration_note.setText(_("Your registration is complete."))
        page.body.addWidget(self.registration_note)
        registration_row = QHBoxLayout()
        registration_row.addWidget(self.registration_button)
        registration_row.addStretch(1)
        page.body.addLayout(registration_row)
        if registration is None:  # a trial: nothing to register
            self.registration_note.hide()
            self.registration_button.hide()

        self.reason = QLabel()
        self.reason.setObjectName("bad")
        self.reason.setWordWrap(True)
        page.body.addWidget(self.reason)
        page.body.addStretch(1)
        self.back_button = big_button(_("Back"))
        self.back_button.clicked.connect(self.back.emit)
        self.add_action(self.back_button, left=True)
        self.start_button = big_button(_("Start the attempt"), primary=True)
        self.start_button.setMinimumHeight(72)
        self.start_button.clicked.connect(self.start)
        self.add_action(self.start_button)
        self.refresh()

    def refresh(self) -> None:
        """Say whether the person may start now, and why not."""
        store = self.context.store
        reason = ""
        if contest_flow.has_open_attempt(store, self.context.profile.id):
            reason = _("Finish the attempt you have already started first.")
        elif self.registration is not None:
            verdict = contest_flow.can_start(
                store, self.registration, self.contest, self.round, self.context.now()
            )
            if not verdict.allowed:
                reason = verdict.reason
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
        self.start_button.setEnabled(not reason)
        self.setFocusProxy(self.start_button if not reason else self.back_button)

    def start(self) -> None:
        store, now = self.context.store, self.context.now()
        try:
            if self.registration is None:
                attempt = contest_flow.start_trial(
                    store, self.context.profile.id, self.contest, now
                )
            else:
                attempt = contest_flow.start_attempt(
                    store, self.registration, self.contest, self.round, now
                )
        except AppError as exc:  # not allowed any more, or the questions cannot be drawn
            self.reason.setText(str(exc))
            self.reason.setVisible(True)
            self.start_button.setEnabled(False)
            return
        self.started.emit(attempt)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.start_button.isEnabled():
            self.start()
            return
        super().keyPressEvent(event)
