"""Reading a lesson: pages cut to fit the screen in large type, pictures fitted to
the page, big previous/next buttons always in view, and the practice quiz at the end.

Where the learner stopped is saved on every page turn; reopening starts there, even
at another text size or on another screen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFontInfo, QImage, QImageReader, QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollBar, QTextBrowser, QWidget

from skillsapp.i18n import _
from skillsapp.models import Lesson
from skillsapp.ui.common.widgets import TaskPage, big_button, heading
from skillsapp.ui.lessons import speech
from skillsapp.ui.lessons.markup import cut_pages, join_blocks, lesson_blocks
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import Palette, palette_for

READING_SCALE = 1.25  # reading text is this much larger than the app's text
READING_CHARS = 72  # a comfortable line length, in average characters
SCROLL_BAR_WIDTH = 20  # px: wide enough to grab (at least 16)


def mix(colour: str, base: str, amount: float) -> str:
    a, b = QColor(colour), QColor(base)
    mixed = QColor.fromRgbF(
        a.redF() * amount + b.redF() * (1 - amount),
        a.greenF() * amount + b.greenF() * (1 - amount),
        a.blueF() * amount + b.blueF() * (1 - amount),
    )
    return mixed.name()


def reading_css(palette: Palette) -> str:
    """The document's style: airy lines, and the "Ghi nhớ" quote as a warm box."""
    note = mix(palette.focus, palette.panel, 0.18)
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


class WideScrollBar(QScrollBar):
    """A scroll bar wide enough for an unsteady hand to grab (the platform's is often 14 px)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        hint = super().sizeHint()
        if self.orientation() == Qt.Orientation.Vertical:
            hint.setWidth(max(hint.width(), SCROLL_BAR_WIDTH))
        return hint


class _MeasuringDocument(QTextDocument):
    """A document laid out like the view's, off screen, to see how much fits on a page."""

    def __init__(self, view: ReadingView) -> None:
        super().__init__(view)
        self.view = view

    def loadResource(self, kind: int, url: QUrl | str) -> object:  # noqa: N802 - Qt naming
        if kind == int(QTextDocument.ResourceType.ImageResource.value):
            image = self.view._load_image(QUrl(url))
            if image is not None:
                return image
        return super().loadResource(kind, url)


class ReadingView(QTextBrowser):
    """One page of a lesson. Pictures are drawn at the column's width (SVGs stay sharp),
    never taller than the view, so a picture is always seen whole."""

    # The view's own size changed (a heading above it wrapped, the bar below it grew): the
    # pages must be cut again even when the reader as a whole kept its size.
    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)  # a shared PC: no surprise browser windows
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName(_("Lesson text"))
        self.setVerticalScrollBar(WideScrollBar(Qt.Orientation.Vertical, self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.folder = Path()
        self._html = ""
        self._css = ""
        self._point_size = 12.0
        self._rendered_width = 0
        self._images: dict[tuple[str, int, int], QImage] = {}
        self._measure: _MeasuringDocument | None = None
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.timeout.connect(self._render)

    def configure(self, folder: Path, css: str, point_size: float) -> None:
        """Where pictures are, the style and the text size, before measuring or showing."""
        self.folder = folder
        self._css, self._point_size = css, point_size
        self._rendered_width = self.column_width()

    def show_html(self, html: str, folder: Path, css: str, point_size: float) -> None:
        self.configure(folder, css, point_size)
        self._html = html
        self._render()
        self.verticalScrollBar().setValue(0)

    def column_width(self) -> int:
        """The width text and pictures use: the view minus a scroll bar, at most ~72 characters."""
        bar = self.verticalScrollBar().sizeHint().width()
        margin = int(2 * self.document().documentMargin())
        chars = self.fontMetrics().averageCharWidth() * READING_CHARS * READING_SCALE
        return max(200, min(self.width() - bar - 8, int(chars)) - margin)

    def page_height(self) -> int:
        """The height a page may take without scrolling."""
        return self.viewport().height()

    def _body(self, html: str) -> str:
        return f'<body style="font-size: {self._point_size:.1f}pt">{html}</body>'

    def fits(self, html: str) -> bool:
        """Whether ``html`` fits the view without scrolling, as it would be shown now."""
        if self._measure is None:
            self._measure = _MeasuringDocument(self)
        document = self._measure
        document.setDefaultFont(self.document().defaultFont())
        document.setDefaultStyleSheet(self._css)
        document.setDocumentMargin(self.document().documentMargin())
        document.setBaseUrl(QUrl.fromLocalFile(str(self.folder) + "/"))
        document.setTextWidth(self._rendered_width + int(2 * self.document().documentMargin()))
        document.setHtml(self._body(html))
        return document.size().height() <= self.page_height()

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
                - self.verticalScrollBar().sizeHint().width()
                - self._rendered_width
                - int(2 * document.documentMargin())
            )
            // 2,
        )
        self.setViewportMargins(side, 0, 0, 0)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.FixedPixelWidth)
        self.setLineWrapColumnOrWidth(self._rendered_width + int(2 * document.documentMargin()))
        self.setHtml(self._body(self._html))

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
        # As tall as a page allows, less the picture's own margins and a line of text.
        room = max(80, int(self.page_height() * 0.92) - 48)
        key = (url.toLocalFile(), self._rendered_width, room)
        if key in self._images:
            return self._images[key]
        reader = QImageReader(url.toLocalFile())
        natural = reader.size()
        if not natural.isValid() or natural.width() <= 0 or natural.height() <= 0:
            return None
        ratio = self.devicePixelRatioF()
        # As wide as the column, but short enough to see the whole picture at once.
        fit_height = int(room * natural.width() / natural.height())
        width = max(
            120, min(self._rendered_width or natural.width(), natural.width() * 2, fit_height)
        )
        height = round(natural.height() * width / natural.width())
        reader.setScaledSize(QSize(round(width * ratio), round(height * ratio)))
        image = reader.read()
        if image.isNull():
            return None
        image.setDevicePixelRatio(ratio)
        self._images[key] = image
        return image

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if self._html and abs(self.column_width() - self._rendered_width) > 4:
            self._relayout.start(0)
        self.resized.emit()

    def text_for_speech(self) -> str:
        return self.toPlainText().replace("\ufffc", " ").strip()


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
