"""The lesson page's text: a browser that lays out large reading type, cuts nothing,
fits pictures to the page and measures what fits (used by the reader and the projector)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QTextDocument
from PySide6.QtWidgets import QFrame, QScrollBar, QTextBrowser, QWidget

from skillsapp.i18n import _
from skillsapp.ui.shell.theme import Palette

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
