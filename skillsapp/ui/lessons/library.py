"""The "Lessons" area: the library of lessons by topic, the reader, and the
lesson's practice quiz, one screen at a time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from skillsapp.flows.practice import PracticeQuiz
from skillsapp.i18n import _, ngettext
from skillsapp.models import Lesson, Topic
from skillsapp.storage.progress import DONE, LessonProgress
from skillsapp.ui.common.widgets import Page, heading, paragraph, scroll_page
from skillsapp.ui.learner.gate import LearnerArea
from skillsapp.ui.lessons import speech
from skillsapp.ui.lessons.card import LessonButton
from skillsapp.ui.lessons.reader import LessonReader
from skillsapp.ui.lessons.reading_view import WideScrollBar
from skillsapp.ui.practice.quiz import PracticePage
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import palette_for


def group_by_topic(topics: list[Topic], lessons: list[Lesson]) -> list[tuple[str, list[Lesson]]]:
    """(topic title, its lessons) in topic order; lessons of unknown topics come last."""
    known = {t.id for t in topics}
    groups = [(t.title, [lesson for lesson in lessons if lesson.topic == t.id]) for t in topics]
    others = [lesson for lesson in lessons if lesson.topic not in known]
    if others:
        groups.append((_("Other lessons"), others))
    return [(title, items) for title, items in groups if items]


class LibraryScreen(QWidget):
    """Every lesson as a big button, with where this learner is with it."""

    def __init__(self, page: LessonsPage) -> None:
        super().__init__()
        self.page = page
        self.buttons: list[LessonButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scroll = scroll_page(Page())
        self.scroll.setVerticalScrollBar(WideScrollBar(Qt.Orientation.Vertical, self.scroll))
        layout.addWidget(self.scroll)

    def rebuild(self) -> None:
        context = self.page.context
        old = self.scroll.takeWidget()
        old.hide()
        old.deleteLater()  # later: a button on it may be the one that asked for this
        self.inner = Page()
        body = self.inner.body
        self.buttons = []
        lessons = context.store.content.lessons()
        progress = context.store.progress.all_lessons(context.profile.id)
        palette = palette_for(context.settings.high_contrast)
        body.addWidget(heading(_("Lessons")))
        done = sum(
            1
            for lesson in lessons
            if progress.get(lesson.id) and progress[lesson.id].status == DONE
        )
        self.summary = paragraph(
            ngettext(
                "{name}, you have completed {done} of {total} lesson.",
                "{name}, you have completed {done} of {total} lessons.",
                len(lessons),
            ).format(name=context.profile.display_name, done=done, total=len(lessons))
        )
        body.addWidget(self.summary)
        if not lessons:
            body.addWidget(
                paragraph(
                    _("No lessons are installed yet. Ask your group leader to add a lesson pack.")
                )
            )
        else:
            body.addWidget(
                paragraph(
                    _("Choose a lesson to read. Each one ends with a few practice questions."),
                    muted=True,
                )
            )
        for title, items in group_by_topic(context.store.content.topics(), lessons):
            # A topic with one lesson of the same name needs no heading of its own.
            if len(items) > 1 or items[0].title != title:
                body.addWidget(heading(title, level=2))
            for lesson in items:
                state = progress.get(lesson.id) or LessonProgress(
                    lesson.id, "not_started", 0, None, None
                )
                button = LessonButton(lesson, state, palette, lesson.summary)
                button.clicked.connect(
                    lambda _checked=False, chosen=lesson: self.page.open_lesson(chosen)
                )
                body.addWidget(button)
                self.buttons.append(button)
        body.addStretch(1)
        self.scroll.setWidget(self.inner)


class LessonsPage(LearnerArea):
    """The "Học bài" area. ``open_lesson`` may also be called by the window (e.g. from home)."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context, _("Lessons"))
        self.library = LibraryScreen(self)
        self.stack.addWidget(self.library)
        self.reader: LessonReader | None = None
        self.practice: PracticePage | None = None
        context.profile_changed.connect(self.show_library)
        context.store_opened.connect(self.show_library)
        context.settings_changed.connect(self._on_settings)
        self.show_library()

    def _drop(self, attribute: str) -> None:
        widget = getattr(self, attribute)
        if widget is not None:
            self.stack.removeWidget(widget)
            widget.deleteLater()
            setattr(self, attribute, None)

    def show_library(self) -> None:
        """Back to the library, freshly read (a learner or the data may have changed)."""
        speech.stop()
        self._drop("reader")
        self._drop("practice")
        if self.context.store is None:
            self.stack.setCurrentWidget(self.waiting)
        elif self.context.profile is None:
            self.stack.setCurrentWidget(self.no_learner)
        else:
            self.library.rebuild()
            self.stack.setCurrentWidget(self.library)
            if self.library.buttons:
                self.library.buttons[0].setFocus()

    def open(self, argument: object = None) -> None:
        """Called by the window when the area is shown; a lesson id opens that lesson."""
        if isinstance(argument, (str, Lesson)):
            self.open_lesson(argument)

    def open_lesson(self, lesson: Lesson | str) -> None:
        if isinstance(lesson, str):
            found = self.context.store.content.lesson(lesson) if self.context.store else None
            if found is None:
                return
            lesson = found
        if self.context.profile is None:
            return
        self._drop("practice")
        self._drop("reader")
        self.reader = LessonReader(self.context, lesson)
        self.reader.back_requested.connect(self.show_library)
        self.reader.quiz_requested.connect(self.start_quiz)
        self.stack.addWidget(self.reader)
        self.stack.setCurrentWidget(self.reader)

    def start_quiz(self, lesson: Lesson) -> None:
        quiz = PracticeQuiz.for_lesson(
            self.context.store, self.context.profile.id, lesson, self.context.now()
        )
        self._drop("practice")
        self._drop("reader")
        self.practice = PracticePage(self.context, quiz, _("Back to the lessons"), can_reread=True)
        self.practice.back_requested.connect(self.show_library)
        self.practice.retry_requested.connect(lambda: self.start_quiz(lesson))
        self.practice.reread_requested.connect(lambda: self._reread(lesson))
        self.stack.addWidget(self.practice)
        self.stack.setCurrentWidget(self.practice)
        self.practice.setFocus()

    def _reread(self, lesson: Lesson) -> None:
        # Start again from the first page.
        self.context.store.progress.reading_at(self.context.profile.id, lesson.id, 0)
        self.open_lesson(lesson)

    def _on_settings(self) -> None:
        if self.stack.currentWidget() is self.library:
            self.show_library()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Practice in another area may have changed a lesson's state.
        if self.stack.currentWidget() is self.library:
            self.show_library()
        super().showEvent(event)
