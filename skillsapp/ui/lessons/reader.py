"""Reading a lesson: one section per screen in large type, pictures fitted to
the reading width, big previous/next buttons, and the practice quiz at the end.

Where the learner stopped is saved on every page turn; reopening starts there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFontInfo, QImage, QImageReader, QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QTextBrowser, QWidget

from skillsapp.i18n import _
from skillsapp.models import Lesson
from skillsapp.ui.common.widgets import Page, big_button, heading
from skillsapp.ui.lessons import speech
from skillsapp.ui.lessons.markup import lesson_pages
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import Palette, palette_for

READING_SCALE = 1.25  # reading text is this much larger than the app's text
READING_CHARS = 72  # a comfortable line length, in average characters


def _mix(colour: str, base: str, amount: float) -> str:
    a, b = QColor(colour), QColor(base)
    mixed = QColor.fromRgbF(
        a.redF() * amount + b.redF() * (1 - amount),
        a.greenF() * amount + b.greenF() * (1 - amount),
        a.blueF() * amount + b.blueF() * (1 - amount),
    )
    return mixed.name()


def reading_css(palette: Palette) -> str:
    """The document's style: airy lines, and the "Ghi nhớ" quote as a warm box."""
    note = _mix(palette.focus, palette.panel, 0.18)
    return f"""
    p, li {{ line-height: 150%; }}
    p.picture {{ line-height: 100%; margin-top: 12px; margin-bottom: 18px; }}
    p {{ margin-top: 6px; margin-bottom: 14px; }}
    li {{ margin-bottom: 8px; }}
    h2 {{ margin-bottom: 14px; }}
    table.note {{ border-collapse: collapse; border-style: solid; border-width: 3px; border-color: {palette.focus};
                  background-color: {note}; margin-top: 12px; margin-bottom: 12px; }}
    td.note {{ background-color: {note}; color: {palette.text}; }}
    """


class ReadingView(QTextBrowser):
    """One page of a lesson. Pictures are drawn at the column's width (SVGs stay sharp)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)  # a shared PC: no surprise browser windows
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(_("Lesson text"))
        self.folder = Path()
        self._html = ""
        self._css = ""
        self._point_size = 12.0
        self._rendered_width = 0
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.timeout.connect(self._render)

    def show_html(self, html: str, folder: Path, css: str, point_size: float) -> None:
        self.folder = folder
        self._html, self._css, self._point_size = html, css, point_size
        self._render()
        self.verticalScrollBar().setValue(0)

    def column_width(self) -> int:
        """The width text and pictures use: the view minus a scroll bar, at most ~72 characters."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        margin = int(2 * self.document().documentMargin())
        chars = self.fontMetrics().averageCharWidth() * READING_CHARS * READING_SCALE
        return max(200, min(self.width() - bar - 8, int(chars)) - margin)

    def _render(self) -> None:
        document = self.document()
        document.setDefaultStyleSheet(self._css)
        document.setBaseUrl(QUrl.fromLocalFile(str(self.folder) + "/"))
        self.setSearchPaths([str(self.folder)])
        self._rendered_width = self.column_width()
        side = max(
            0,
            (
                self.width()
                - self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
                - self._rendered_width
                - int(2 * document.documentMargin())
            )
            // 2,
        )
        self.setViewportMargins(side, 0, 0, 0)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.FixedPixelWidth)
        self.setLineWrapColumnOrWidth(self._rendered_width + int(2 * document.documentMargin()))
        self.setHtml(f'<body style="font-size: {self._point_size:.1f}pt">{self._html}</body>')

    def loadResource(self, kind: int, url: QUrl | str) -> object:  # noqa: N802 - Qt naming
        if kind == int(QTextDocument.ResourceType.ImageResource.value):
            image = self._load_image(QUrl(url))
            if image is not None:
                return image
        return super().loadResource(kind, url)

    def _load_image(self, url: QUrl) -> QImage | None:
        if url.isRelative():
            url = QUrl.fromLocalFile(str(self.folder) + "/").resolved(url)
        if not url.isLocalFile():
            return None
        reader = QImageReader(url.toLocalFile())
        natural = reader.size()
        if not natural.isValid() or natural.width() <= 0:
            return None
        ratio = self.devicePixelRatioF()
        # As wide as the column, but short enough to see the whole picture at once.
        fit_height = int(self.viewport().height() * 0.9 * natural.width() / natural.height())
        width = max(
            120, min(self._rendered_width or natural.width(), natural.width() * 2, fit_height)
        )
        height = round(natural.height() * width / natural.width())
        reader.setScaledSize(QSize(round(width * ratio), round(height * ratio)))
        image = reader.read()
        if image.isNull():
            return None
        image.setDevicePixelRatio(ratio)
        return image

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if self._html and abs(self.column_width() - self._rendered_width) > 4:
            self._relayout.start(0)

    def text_for_speech(self) -> str:
        return self.toPlainText().replace("\ufffc", " ").strip()


class LessonReader(Page):
    """The reader for one lesson. ``quiz_requested`` asks for its practice quiz."""

    back_requested = Signal()
    quiz_requested = Signal(object)  # the Lesson

    def __init__(self, context: AppContext, lesson: Lesson, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lesson = lesson
        self.pages = lesson_pages(lesson.body)
        self.folder = context.store.content.lesson_folder(lesson)
        self.body.setSpacing(12)

        top = QHBoxLayout()
        self.back_button = big_button(_("Back to the lessons"))
        self.back_button.setAutoDefault(True)
        self.back_button.clicked.connect(self._back)
        top.addWidget(self.back_button)
        self.title = heading(lesson.title, level=2)
        top.addWidget(self.title, 1)
        self.read_button = big_button(_("Read aloud"), accessible=_("Read this page aloud"))
        self.read_button.setAutoDefault(True)
        self.read_button.clicked.connect(self.read_aloud)
        self.read_button.setVisible(speech.speech_available())
        top.addWidget(self.read_button)
        self.page_label = QLabel()
        self.page_label.setObjectName("subtitle")
        top.addWidget(self.page_label)
        self.body.addLayout(top)

        self.view = ReadingView()
        self.body.addWidget(self.view, 1)
        # A thin scroll bar is easy to miss: say so when the page goes on below.
        self.more_hint = QLabel(_("There is more below: scroll down to read on."))
        self.more_hint.setObjectName("muted")
        self.more_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_hint.setVisible(False)
        self.body.addWidget(self.more_hint)
        bar = self.view.verticalScrollBar()
        bar.valueChanged.connect(self._update_hint)
        bar.rangeChanged.connect(self._update_hint)

        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        self.previous_button = big_button(_("Previous page"))
        self.next_button = big_button(_("Next page"), primary=True)
        self.quiz_button = big_button(_("Start the practice quiz"), primary=True)
        self.finish_button = big_button(_("Back to the lessons"), primary=True)
        for button in (
            self.previous_button,
            self.next_button,
            self.quiz_button,
            self.finish_button,
        ):
            button.setAutoDefault(True)
            button.setMinimumWidth(self.fontMetrics().averageCharWidth() * 18)
        self.previous_button.clicked.connect(lambda: self.show_page(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.index + 1))
        self.quiz_button.clicked.connect(self._start_quiz)
        self.finish_button.clicked.connect(self._back)
        bottom.addWidget(self.previous_button)
        bottom.addStretch(1)
        for button in (self.next_button, self.quiz_button, self.finish_button):
            bottom.addWidget(button)
        self.body.addLayout(bottom)

        context.settings_changed.connect(self._restyle)
        saved = context.store.progress.lesson(context.profile.id, lesson.id).position
        self.index = -1
        self.show_page(min(max(saved, 0), len(self.pages) - 1))

    @property
    def total(self) -> int:
        return len(self.pages)

    def show_page(self, index: int) -> None:
        if not 0 <= index < self.total:
            return
        speech.stop()
        self.index = index
        self._render()
        self.page_label.setText(
            _("Page {current}/{total}").format(current=index + 1, total=self.total)
        )
        self.page_label.setAccessibleName(self.page_label.text())
        last = index == self.total - 1
        self.previous_button.setEnabled(index > 0)
        self.next_button.setVisible(not last)
        self.quiz_button.setVisible(last and bool(self.lesson.practice))
        self.finish_button.setVisible(last and not self.lesson.practice)
        target = (
            self.next_button
            if not last
            else (self.quiz_button if self.lesson.practice else self.finish_button)
        )
        target.setFocus()
        self.context.store.progress.reading_at(self.context.profile.id, self.lesson.id, index)

    def _update_hint(self) -> None:
        bar = self.view.verticalScrollBar()
        self.more_hint.setVisible(bar.value() < bar.maximum())

    def _render(self) -> None:
        palette = palette_for(self.context.settings.high_contrast)
        font = self.view.font()
        base = font.pointSizeF() if font.pointSizeF() > 0 else QFontInfo(font).pointSizeF()
        size = base * READING_SCALE
        self.view.show_html(self.pages[self.index].html, self.folder, reading_css(palette), size)
        self._update_hint()

    def _restyle(self) -> None:
        if self.index >= 0:
            self._render()

    def read_aloud(self) -> None:
        speech.speak(self.view.text_for_speech())

    def _start_quiz(self) -> None:
        speech.stop()
        self.quiz_requested.emit(self.lesson)

    def _back(self) -> None:
        speech.stop()
        self.back_requested.emit()

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
