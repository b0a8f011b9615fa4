"""Making a new contest or changing one made on this computer: rules, quotas per
topic and rounds. A contest from a content pack is shown read-only.

Problems are found by :func:`skillsapp.flows.contest_admin.contest_problems` and
shown next to the part of the form they concern.
"""

from __future__ import annotations

import dataclasses
import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from skillsapp.engine.rules import VIETNAM
from skillsapp.flows.contest_admin import (
    COUNTING_LABELS,
    PREDICTION_LABELS,
    QUOTAS,
    ROUNDS,
    RULES,
    TITLE,
    contest_problems,
    new_contest_id,
    new_round_id,
)
from skillsapp.i18n import _
from skillsapp.models import Contest, ContestRules, Quota
from skillsapp.ui.common.widgets import (
    TaskPage,
    big_button,
    card,
    heading,
    paragraph,
    press_focused_button,
)
from skillsapp.ui.manage.common import (
    CheckLine,
    Field,
    Plain,
    Reflow,
    combo_box,
    message_label,
    say,
)
from skillsapp.ui.manage.contest_rows import QuotaRow, RoundRow, select_data, spin_box
from skillsapp.ui.shell.context import AppContext


def _release(context: AppContext, question: str) -> None:
    """Free the navigation if this editor locked it (and nothing else did since)."""
    if context.navigation_lock == question:
        context.unlock_navigation()


class ContestEditor(TaskPage):
    saved = Signal(object)  # the saved Contest
    back = Signal()

    def __init__(
        self, context: AppContext, contest: Contest | None = None, read_only: bool = False
    ) -> None:
        super().__init__()
        self.context = context
        self.contest = contest
        self.read_only = read_only
        store = context.store
        self.topics = store.content.topics()
        rules = contest.rules if contest else ContestRules()
        if contest is None:
            self.body.addWidget(heading(_("New contest")))
        else:
            self.body.addWidget(heading(contest.title))
        if read_only:
            self.body.addWidget(
                paragraph(
                    _(
                        "This contest comes from a content pack, so its rules cannot be changed "
                        "here. You can still open or close its rounds from the list of contests."
                    )
                )
            )
        self.form = QWidget()
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(16)
        self.body.addWidget(self.form)

        # About the contest
        frame, box = card()
        box.addWidget(heading(_("About the contest"), level=2))
        self.title = QLineEdit(contest.title if contest else "")
        self.title.setMaxLength(120)
        self.title_field = Field(_("Title"), self.title)
        box.addWidget(self.title_field)
        self.description = QPlainTextEdit(contest.description if contest else "")
        self.description.setMaximumHeight(self.fontMetrics().height() * 5)
        self.description.setTabChangesFocus(True)
        box.addWidget(Field(_("Description for entrants"), self.description))
        self.organiser = QLineEdit(contest.organiser if contest else "")
        self.organiser.setMaxLength(120)
        box.addWidget(
            Field(
                _("Organising board"),
                self.organiser,
                hint=_("Printed on the winners' certificates."),
            )
        )
        form.addWidget(frame)

        # Rules
        frame, box = card()
        box.addWidget(heading(_("Rules"), level=2))
        self.count = spin_box(1, 200, rules.questions_per_attempt)
        self.minutes = spin_box(1, 300, rules.time_limit_minutes)
        self.per_day = spin_box(0, 20, rules.attempts_per_day or 0, _("No limit"))
        self.per_round = spin_box(0, 50, rules.attempts_per_round or 0, _("No limit"))
        self.counting = combo_box()
        for key, label in COUNTING_LABELS.items():
            self.counting.addItem(_(label), key)
        select_data(self.counting, rules.counting)
        self.prediction = combo_box()
        for key, label in PREDICTION_LABELS.items():
            self.prediction.addItem(_(label), key)
        select_data(self.prediction, rules.prediction)
        self.min_age = spin_box(0, 100, rules.min_age or 0, _("No minimum age"))
        for pair in (
            (
                Field(_("Questions in an attempt"), self.count),
                Field(_("Time limit (minutes)"), self.minutes),
            ),
            (
                Field(_("Attempts a day for each person"), self.per_day),
                Field(_("Attempts in a round for each person"), self.per_round),
            ),
        ):
            box.addWidget(Reflow(pair, spacing=24))
        # The choices are long sentences: each drop-down gets the whole width.
        box.addWidget(Field(_("Which attempt counts"), self.counting))
        box.addWidget(Field(_("Extra question for breaking ties"), self.prediction))
        box.addWidget(Reflow([Field(_("Minimum age of entrants"), self.min_age), Plain()]))
        partial = CheckLine(
            _("Give part of the mark when only some of several right answers are chosen")
        )
        self.partial = partial.box
        self.partial.setChecked(rules.partial_credit)
        box.addWidget(partial)
        self.rules_error = message_label()
        box.addWidget(self.rules_error)
        form.addWidget(frame)

        # Quotas
        frame, box = card()
        box.addWidget(heading(_("Questions per topic"), level=2))
        box.addWidget(
            paragraph(
                _(
                    "Each line draws some questions at random from one topic and difficulty. "
                    "The lines must add up to the questions in an attempt. With no lines, "
                    "questions are drawn from every installed topic."
                ),
                muted=True,
            )
        )
        self.quota_box = QVBoxLayout()
        box.addLayout(self.quota_box)
        self.quota_rows: list[QuotaRow] = []
        for quota in rules.quotas:
            self._add_quota(quota)
        self.quota_total = QLabel()
        self.quota_total.setWordWrap(True)
        box.addWidget(self.quota_total)
        self.add_quota_button = big_button(_("Add a topic line"))
        self.add_quota_button.clicked.connect(lambda: self._add_quota(None, focus=True))
        box.addWidget(self.add_quota_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.quota_error = message_label()
        box.addWidget(self.quota_error)
        form.addWidget(frame)
        self.count.valueChanged.connect(self._show_total)

        # Rounds
        frame, box = card()
        box.addWidget(heading(_("Rounds"), level=2))
        box.addWidget(
            paragraph(_("Each round has its own ranking. Rounds must not overlap."), muted=True)
        )
        self.round_box = QVBoxLayout()
        box.addLayout(self.round_box)
        self.round_rows: list[RoundRow] = []
        for round_ in contest.rounds if contest else ():
            self._add_round_row(
                RoundRow(round_.id, round_.title, round_.opens_at, round_.closes_at)
            )
        if contest is None:
            self._add_round()
        self.add_round_button = big_button(_("Add a round"))
        self.add_round_button.clicked.connect(lambda: self._add_round(focus=True))
        box.addWidget(self.add_round_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.rounds_error = message_label()
        box.addWidget(self.rounds_error)
        form.addWidget(frame)

        self.summary = message_label()
        self.body.addWidget(self.summary)
        self.body.addStretch(1)
        self.back_button = self.add_action(big_button(_("Back")), left=True)
        self.back_button.clicked.connect(self.leave)
        self.save_button = self.add_action(big_button(_("Save the contest"), primary=True))
        self.save_button.clicked.connect(self.save)
        if read_only:
            self.form.setEnabled(False)
            self.save_button.setVisible(False)
            self.setFocusProxy(self.back_button)
        else:
            self.setFocusProxy(self.title)
        self._show_total()
        # Changed and not saved: the window asks before another area or closing drops it.
        self.dirty = False
        self.leave_question = _("Leave without saving the changes to this contest?")
        self._watch(self.form)
        context_ = context
        question = self.leave_question
        self.destroyed.connect(lambda *_args: _release(context_, question))

    # --- unsaved changes ----------------------------------------------------------------

    def _watch(self, container: QWidget) -> None:
        """Count any edit inside ``container`` as a change to save."""
        for edit in container.findChildren(QLineEdit):
            if not isinstance(edit.parentWidget(), QAbstractSpinBox):
                edit.textEdited.connect(self._changed)
        for text in container.findChildren(QPlainTextEdit):
            text.textChanged.connect(self._changed)
        for spin in container.findChildren(QSpinBox):
            spin.valueChanged.connect(self._changed)
        for combo in container.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self._changed)
        for moment in container.findChildren(QDateTimeEdit):
            moment.dateTimeChanged.connect(self._changed)
        for box in container.findChildren(QCheckBox):
            box.toggled.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if self.read_only or self.dirty:
            return
        self.dirty = True
        self.context.lock_navigation(
            self.leave_question,
            note=_("The changes you made here are not saved yet."),
            stay=_("Stay and keep editing"),
        )

    def leave(self) -> None:
        """Back to the list; what was not saved is dropped, as the organiser asked."""
        self.dirty = False
        _release(self.context, self.leave_question)
        self.back.emit()

    # --- rows -------------------------------------------------------------------------

    def _add_quota(self, quota: Quota | None, focus: bool = False) -> QuotaRow:
        row = QuotaRow(self.topics, quota)
        row.remove.connect(self._remove_quota)
        row.changed.connect(self._show_total)
        self.quota_rows.append(row)
        self.quota_box.addWidget(row)
        if hasattr(self, "dirty"):  # a line added by hand, not one loaded with the contest
            self._watch(row)
            self._changed()
        self._show_total()
        if focus:
            row.topic.setFocus()
        return row

    def _remove_quota(self, row: QuotaRow) -> None:
        self.quota_rows.remove(row)
        self.quota_box.removeWidget(row)
        row.deleteLater()
        self._changed()
        self._show_total()
        self.add_quota_button.setFocus()

    def _show_total(self) -> None:
        if not hasattr(self, "quota_total"):
            return
        if not self.quota_rows:
            self.quota_total.setText(_("No lines: questions come from every topic."))
            return
        self.quota_total.setText(
            _("The lines give {total} of the {count} questions.").format(
                total=sum(r.count.value() for r in self.quota_rows), count=self.count.value()
            )
        )

    def _add_round_row(self, row: RoundRow) -> None:
        row.remove.connect(self._remove_round)
        self.round_rows.append(row)
        self.round_box.addWidget(row)

    def _add_round(self, focus: bool = False) -> None:
        taken = [r.round() for r in self.round_rows] + list(
            self.contest.rounds if self.contest else ()
        )
        if self.round_rows:
            opens = self.round_rows[-1].round().closes_at
        else:
            now = self.context.now().astimezone(VIETNAM)
            opens = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        number = len(self.round_rows) + 1
        row = RoundRow(
            new_round_id(taken),
            _("Round {n}").format(n=number),
            opens,
            opens + datetime.timedelta(days=7),
        )
        self._add_round_row(row)
        if hasattr(self, "dirty"):
            self._watch(row)
            self._changed()
        if focus:
            row.title.setFocus()

    def _remove_round(self, row: RoundRow) -> None:
        self.round_rows.remove(row)
        self.round_box.removeWidget(row)
        row.deleteLater()
        self._changed()
        self.add_round_button.setFocus()

    # --- saving -----------------------------------------------------------------------

    def build(self) -> Contest:
        """The contest as the form describes it now."""
        base = self.contest
        rules = dataclasses.replace(
            base.rules if base else ContestRules(),
            questions_per_attempt=self.count.value(),
            time_limit_minutes=self.minutes.value(),
            attempts_per_day=self.per_day.value() or None,
            attempts_per_round=self.per_round.value() or None,
            counting=self.counting.currentData(),
            prediction=self.prediction.currentData(),
            partial_credit=self.partial.isChecked(),
            min_age=self.min_age.value() or None,
            quotas=tuple(row.quota() for row in self.quota_rows),
        )
        title = self.title.text().strip()
        if base is None:
            taken = [c.id for c in self.context.store.content.contests()]
            base = Contest(id=new_contest_id(title, taken), title=title, rules=rules, rounds=())
        return dataclasses.replace(
            base,
            title=title,
            description=self.description.toPlainText().strip(),
            organiser=self.organiser.text().strip(),
            rules=rules,
            rounds=tuple(sorted((r.round() for r in self.round_rows), key=lambda r: r.opens_at)),
        )

    def save(self) -> None:
        if self.read_only:
            return
        contest = self.build()
        store = self.context.store
        titles = {t.id: t.title for t in self.topics}
        problems = contest_problems(contest, store.content.question_bank(), titles)
        places = {
            TITLE: self.title_field.error,
            RULES: self.rules_error,
            QUOTAS: self.quota_error,
            ROUNDS: self.rounds_error,
        }
        for field, label in places.items():
            say(label, "\n".join(p.message for p in problems if p.field == field), good=False)
        if problems:
            say(self.summary, _("Please correct the fields with a red message."), good=False)
            first = places[problems[0].field]
            self.scroll.ensureWidgetVisible(first)
            return
        say(self.summary, "")
        store.content.save_contest(contest, source="local")
        self.contest = contest
        self.dirty = False
        _release(self.context, self.leave_question)
        self.saved.emit(contest)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.leave()
            return
        # Enter presses the focused button; in a drop-down or number box it does nothing
        # more than choose, so it never saves the contest half-filled.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and press_focused_button(self):
            return
        super().keyPressEvent(event)
