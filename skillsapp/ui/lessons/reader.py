"""Reading a lesson: pages cut to fit the screen in large type, pictures fitted to
the page, big previous/next buttons always in view, and the practice quiz at the end.

Where the learner stopped is saved on every page turn; reopening starts there, even
at another text size or on another screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from skillsapp.i18n import _
from skillsapp.models import Lesson
from skillsapp.ui.common.widgets import TaskPage, big_button, heading
from skillsapp.ui.lessons import speech
from skillsapp.ui.lessons.markup import cut_pages, join_blocks, lesson_blocks
from skillsapp.ui.lessons.reading_view import (
    READING_SCALE,
    ReadingView,
    reading_css,
)
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import palette_for


class LessonReader(TaskPage):
    """The reader for one lesson. ``quiz_requested`` asks for its practice quiz.

    Pages are cut to the height the text has on this screen at this text size, and cut
    again when either changes. What is remembered is the first block of the page the
    learner turned to, so the same text stays in view through every re-cut.
    """

    back_requested = Signal()
    quiz_requested = Signal(object)  # the Lesson

    def __init__(self, context: AppContext, lesson: Lesson, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lesson = lesson
        self.blocks = lesson_blocks(lesson.body)
        self.pages: list[range] = [range(0, len(self.blocks))]
        self.folder = context.store.content.lesson_folder(lesson)
        self._cut_for: tuple | None = None
        self.body.setSpacing(8)
        self.body.setContentsMargins(24, 12, 24, 8)
        # The text scrolls in its own view: the page around it never needs to.
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        # Going back and reading aloud above the text; the page turns below it, always in view.
        self.back_button = big_button(_("Back to the lessons"))
        self.read_button = big_button(_("Read aloud"), accessible=_("Read this page aloud"))
        self.read_button.clicked.connect(self.read_aloud)
        self.read_button.setVisible(speech.speech_available())
        top = QHBoxLayout()
        top.setSpacing(12)
        for button in (self.back_button, self.read_button):
            button.setAutoDefault(True)
            top.addWidget(button)
        top.addStretch(1)
        self.body.addLayout(top)
        # "Page 1/30" on its own line under the title: beside the title, the top buttons or
        # "Previous page" it made the page wider than a 1024 px screen at the largest text.
        self.page_label = QLabel()
        self.page_label.setObjectName("muted")
        self.title = heading(lesson.title, level=2)
        self.body.addWidget(self.title)
        self.body.addWidget(self.page_label)

        self.view = ReadingView()
        self.view.setMinimumHeight(120)
        self.body.addWidget(self.view, 1)
        # A scroll bar is easy to miss: say so, over the bottom of the text, while the page
        # goes on below (over the text, so showing it never changes the page's height).
        self.more_hint = QLabel(_("There is more below: scroll down to read on."), self.view)
        self.more_hint.setObjectName("morehint")
        self.more_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_hint.setWordWrap(True)
        self.more_hint.setVisible(False)
        bar = self.view.verticalScrollBar()
        bar.valueChanged.connect(self._update_hint)
        bar.rangeChanged.connect(self._update_hint)

        self.previous_button = big_button(_("Previous page"))
        self.next_button = big_button(_("Next page"), primary=True)
        self.quiz_button = big_button(_("Start the practice quiz"), primary=True)
        self.finish_button = big_button(_("Back to the lessons"), primary=True)
        self.back_button.clicked.connect(self._back)
        self.previous_button.clicked.connect(lambda: self.show_page(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.index + 1))
        self.quiz_button.clicked.connect(self._start_quiz)
        self.finish_button.clicked.connect(self._back)
        self.previous_button.setAutoDefault(True)
        self.add_action(self.previous_button, left=True)
        for button in (self.next_button, self.quiz_button, self.finish_button):
            button.setAutoDefault(True)
            self.add_action(button)

        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.timeout.connect(self.refit)
        context.settings_changed.connect(self._refit_timer.start)
        self.view.resized.connect(lambda: self._refit_timer.start(0))
        saved = context.store.progress.lesson(context.profile.id, lesson.id).position
        self.anchor = min(max(saved, 0), len(self.blocks) - 1)
        self.index = -1
        self.refit()

    @property
    def total(self) -> int:
        return len(self.pages)

    def page_of(self, block: int) -> int:
        return next((i for i, page in enumerate(self.pages) if block in page), 0)

    def _prepare_view(self) -> tuple:
        palette = palette_for(self.context.settings.high_contrast)
        font = self.view.font()
        base = font.pointSizeF() if font.pointSizeF() > 0 else QFontInfo(font).pointSizeF()
        css = reading_css(palette)
        self.view.configure(self.folder, css, base * READING_SCALE)
        return (self.view.column_width(), self.view.page_height(), base, css)

    def is_fitted(self) -> bool:
        """Whether the pages were cut for the view's present size and text size."""
        font = self.view.font()
        base = font.pointSizeF() if font.pointSizeF() > 0 else QFontInfo(font).pointSizeF()
        css = reading_css(palette_for(self.context.settings.high_contrast))
        return self._cut_for == (self.view.column_width(), self.view.page_height(), base, css)

    def refit(self) -> None:
        """Cut the pages again if the text's room or size changed, keeping the same text in view."""
        key = self._prepare_view()
        if key != self._cut_for:
            self._cut_for = key
            self.pages = cut_pages(self.blocks, self.view.fits)
            self.index = -1
        page = self.page_of(self.anchor)
        if page != self.index:
            self._show(page)

    def show_page(self, index: int) -> None:
        """Turn to page ``index`` (as the learner does) and remember it."""
        if not 0 <= index < self.total:
            return
        self.anchor = self.pages[index].start
        self._show(index)
        self.context.store.progress.reading_at(self.context.profile.id, self.lesson.id, self.anchor)

    def _show(self, index: int) -> None:
        speech.stop()
        self.index = index
        self._render()
        self.page_label.setText(
            _("Page {current}/{total}").format(current=index + 1, total=self.total)
        )
        self.page_label.setAccessibleName(self.page_label.text())
        # Only the true last page, with every picture already shown, leads on to the quiz.
        last = index == self.total - 1
        self.previous_button.setEnabled(index > 0)
        shown = {
            self.next_button: not last,
            self.quiz_button: last and bool(self.lesson.practice),
            self.finish_button: last and not self.lesson.practice,
            self.back_button: not (last and not self.lesson.practice),
        }
        # Hide before showing: two buttons in the bar at once, even for a moment, would
        # make the window wider than the screen.
        for visible in (False, True):
            for button, wanted in shown.items():
                if wanted == visible:
                    button.setVisible(visible)
        target = (
            self.next_button
            if not last
            else (self.quiz_button if self.lesson.practice else self.finish_button)
        )
        target.setFocus()

    def page_html(self, index: int) -> str:
        return join_blocks(self.blocks[self.pages[index].start : self.pages[index].stop])

    def _update_hint(self) -> None:
        bar = self.view.verticalScrollBar()
        more = bar.value() < bar.maximum()
        if more:
            width = self.view.viewport().width()
            height = self.more_hint.heightForWidth(width)
            viewport = self.view.viewport().geometry()
            self.more_hint.setGeometry(viewport.left(), viewport.bottom() - height, width, height)
            self.more_hint.raise_()
        self.more_hint.setVisible(more)

    def _render(self) -> None:
        view = self.view
        palette = palette_for(self.context.settings.high_contrast)
        self.more_hint.setStyleSheet(
            f"background: {palette.panel}; color: {palette.text}; padding: 6px;"
            f" border-top: 3px solid {palette.focus};"
        )
        view.show_html(self.page_html(self.index), view.folder, view._css, view._point_size)
        self._update_hint()

    def read_aloud(self) -> None:
        speech.speak(self.view.text_for_speech())

    def _start_quiz(self) -> None:
        speech.stop()
        self.quiz_requested.emit(self.lesson)

    def _back(self) -> None:
        speech.stop()
        self.back_requested.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._refit_timer.start(0)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._refit_timer.start(0)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt naming
        speech.stop()
        super().hideEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self._back()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Right) and not self.view.hasFocus():
            self.show_page(self.index + 1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Left) and not self.view.hasFocus():
            self.show_page(self.index - 1)
        else:
            super().keyPressEvent(event)
