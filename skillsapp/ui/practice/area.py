"""The "Practice" area: today's review of missed questions, and every lesson's
practice quiz to do again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from skillsapp.flows.practice import PracticeQuiz
from skillsapp.i18n import _, format_date, ngettext
from skillsapp.models import Lesson
from skillsapp.storage.progress import LessonProgress
from skillsapp.ui.common.widgets import Page, big_button, card, heading, paragraph, scroll_page
from skillsapp.ui.learner.gate import LearnerArea
from skillsapp.ui.lessons.card import LessonButton, best_score_text
from skillsapp.ui.lessons.reading_view import WideScrollBar
from skillsapp.ui.practice.quiz import PracticePage
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import palette_for

REVIEW_SIZE = 10  # questions in one review session


class OverviewScreen(QWidget):
    def __init__(self, area: PracticeArea) -> None:
        super().__init__()
        self.area = area
        self.lesson_buttons: list[LessonButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll = scroll_page(Page())
        self.scroll.setVerticalScrollBar(WideScrollBar(Qt.Orientation.Vertical, self.scroll))
        layout.addWidget(self.scroll)

    def rebuild(self) -> None:
        context = self.area.context
        store, profile, now = context.store, context.profile, context.now()
        old = self.scroll.takeWidget()
        old.hide()
        old.deleteLater()  # later: a button on it may be the one that asked for this
        self.inner = Page()
        body = self.inner.body
        body.addWidget(heading(_("Practice")))

        panel, box = card()
        box.addWidget(heading(_("Review the questions you missed"), level=2))
        due = len(store.progress.due_reviews(profile.id, now))
        self.review_button = big_button(_("Review now"), primary=True)
        self.review_button.setAutoDefault(True)
        self.review_button.clicked.connect(self.area.start_review)
        if due:
            text = ngettext(
                "{n} question is waiting for review today.",
                "{n} questions are waiting for review today.",
                due,
            ).format(n=due)
            if due > REVIEW_SIZE:
                text += " " + _("You will review {size} at a time.").format(size=REVIEW_SIZE)
        else:
            text = _(
                "There are no questions to review today. Questions you answer wrongly come back here a day later."
            )
            upcoming = store.progress.next_review_at(profile.id)
            if upcoming is not None:
                text += " " + _("Next review: {date}.").format(
                    date=format_date(upcoming.astimezone().date())
                )
        self.due_label = paragraph(text)
        box.addWidget(self.due_label)
        box.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.review_button.setVisible(bool(due))
        body.addWidget(panel)

        body.addWidget(heading(_("Do a lesson's practice again"), level=2))
        palette = palette_for(context.settings.high_contrast)
        progress = store.progress.all_lessons(profile.id)
        self.lesson_buttons = []
        lessons = [lesson for lesson in store.content.lessons() if lesson.practice]
        if not lessons:
            body.addWidget(
                paragraph(
                    _("No lessons are installed yet. Ask your group leader to add a lesson pack.")
                )
            )
        for lesson in lessons:
            state = progress.get(lesson.id) or LessonProgress(
                lesson.id, "not_started", 0, None, None
            )
            button = LessonButton(lesson, state, palette, best_score_text(state))
            button.clicked.connect(
                lambda _checked=False, chosen=lesson: self.area.start_lesson_quiz(chosen)
            )
            body.addWidget(button)
            self.lesson_buttons.append(button)
        body.addStretch(1)
        self.scroll.setWidget(self.inner)
        (self.review_button if due else (self.lesson_buttons or [self.review_button])[0]).setFocus()


class PracticeArea(LearnerArea):
    def __init__(self, context: AppContext) -> None:
        super().__init__(context, _("Practice"))
        self.overview = OverviewScreen(self)
        self.stack.addWidget(self.overview)
        self.practice: PracticePage | None = None
        context.profile_changed.connect(self.show_overview)
        context.store_opened.connect(self.show_overview)
        context.settings_changed.connect(self._on_settings)
        self.show_overview()

    def _drop_practice(self) -> None:
        if self.practice is not None:
            self.stack.removeWidget(self.practice)
            self.practice.deleteLater()
            self.practice = None

    def show_overview(self) -> None:
        self._drop_practice()
        if self.context.store is None:
            self.stack.setCurrentWidget(self.waiting)
        elif self.context.profile is None:
            self.stack.setCurrentWidget(self.no_learner)
        else:
            self.overview.rebuild()
            self.stack.setCurrentWidget(self.overview)

    def _run(self, quiz: PracticeQuiz, retry) -> None:
        self._drop_practice()
        self.practice = PracticePage(self.context, quiz, _("Back to practice"))
        self.practice.back_requested.connect(self.show_overview)
        self.practice.retry_requested.connect(retry)
        self.stack.addWidget(self.practice)
        self.stack.setCurrentWidget(self.practice)
        self.practice.setFocus()

    def start_review(self) -> None:
        quiz = PracticeQuiz.for_review(
            self.context.store, self.context.profile.id, self.context.now(), limit=REVIEW_SIZE
        )
        if quiz is None:  # nothing due any more (e.g. the day changed back): say so
            self.show_overview()
            return
        self._run(quiz, self.start_review)

    def start_lesson_quiz(self, lesson: Lesson) -> None:
        quiz = PracticeQuiz.for_lesson(
            self.context.store, self.context.profile.id, lesson, self.context.now()
        )
        self._run(quiz, lambda: self.start_lesson_quiz(lesson))

    def _on_settings(self) -> None:
        if self.stack.currentWidget() is self.overview:
            self.show_overview()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # The day may have turned, or a lesson quiz elsewhere added questions to review.
        if self.stack.currentWidget() is self.overview:
            self.show_overview()
        super().showEvent(event)
