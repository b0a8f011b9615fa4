"""The learner's progress: lessons done, practice streak, contest history, and the
certificate for completing the basic programme."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel

from skillsapp.flows.summary import learner_summary
from skillsapp.i18n import _, format_datetime, format_duration, format_number, ngettext
from skillsapp.reports.certificate import programme_certificate
from skillsapp.storage.profiles import fold
from skillsapp.ui.common.widgets import TaskPage, big_button, card, heading, paragraph
from skillsapp.ui.shell.context import AppContext


class ProgressPage(TaskPage):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.body.addWidget(heading(_("My results")))
        self.lessons = paragraph("")
        self.streak = paragraph("")
        frame, inner = card()
        inner.addWidget(self.lessons)
        inner.addWidget(self.streak)
        self.body.addWidget(frame)
        self.body.addWidget(heading(_("Contests"), level=2))
        self.contests = paragraph("")
        self.body.addWidget(self.contests)
        self.certificate_note = paragraph("", muted=True)
        self.body.addWidget(self.certificate_note)
        # In the page, next to what it is about; the bar keeps only the way back.
        self.certificate_button = big_button(_("Make my certificate (PDF)"), primary=True)
        self.certificate_button.clicked.connect(self.make_certificate)
        self.body.addWidget(self.certificate_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.body.addWidget(self.result)
        self.body.addStretch(1)
        back = big_button(_("Back to home"))
        back.clicked.connect(lambda: context.navigate.emit("home", None))
        self.add_action(back, left=True)
        self.summary = None
        context.profile_changed.connect(self.refresh)

    def open(self, _argument: object = None) -> None:
        self.refresh()

    def refresh(self) -> None:
        profile, store = self.context.profile, self.context.store
        self.result.clear()
        if profile is None or store is None:
            self.lessons.setText(_("Choose who is learning on the home screen first."))
            self.certificate_button.setEnabled(False)
            return
        summary = learner_summary(store, profile.id, self.context.now())
        self.summary = summary
        done = "\n".join(f"✓ {lesson.title}" for lesson in summary.lessons_done)
        self.lessons.setText(
            _("Lessons finished: {done} of {total}").format(
                done=len(summary.lessons_done), total=summary.lessons_total
            )
            + ("\n" + done if done else "")
        )
        self.streak.setText(
            ngettext(
                "Practice streak: {n} day in a row",
                "Practice streak: {n} days in a row",
                summary.streak_days,
            ).format(n=summary.streak_days)
        )
        if summary.contest_attempts:
            lines = [
                _("{when}: {score}/{total} in {time}").format(
                    when=format_datetime(record.submitted_at),
                    score=format_number(record.score or 0),
                    total=format_number(record.max_score or 0),
                    time=format_duration((record.duration_ms or 0) / 1000),
                )
                for record in summary.contest_attempts[:10]
                if record.submitted_at
            ]
            self.contests.setText("\n".join(lines))
        else:
            self.contests.setText(_("You have not taken part in a contest yet."))
        self.certificate_button.setEnabled(summary.programme_complete)
        self.certificate_note.setText(
            _("You have finished every lesson. You can make your certificate.")
            if summary.programme_complete
            else _("Finish every lesson to receive the certificate of the basic programme.")
        )

    def make_certificate(self) -> None:
        profile, summary = self.context.profile, self.summary
        if profile is None or summary is None:
            return
        slug = re.sub(r"[^a-z0-9]+", "-", fold(profile.display_name)).strip("-") or "hoc-vien"
        target = self.context.paths.exports / f"chung-nhan-{slug}.pdf"
        titles = [lesson.title for lesson in summary.lessons_done]
        issued = self.context.now().date()
        self.certificate_button.setEnabled(False)
        self.result.setText(_("Making the certificate…"))

        def work(_progress):
            return programme_certificate(target, profile.display_name, titles, issued)

        def done(path) -> None:
            self.certificate_button.setEnabled(True)
            self.result.setObjectName("good")
            self.result.setText(
                _("Your certificate is saved in {path}. You can print it.").format(path=path)
            )

        def failed(exc: Exception) -> None:
            self.certificate_button.setEnabled(True)
            self.result.setObjectName("bad")
            self.result.setText(str(exc))

        self.context.tasks.start(work, done, failed)
