"""Presentation mode for a projector: a full-screen window in very large, high-contrast
type, driven from the keyboard or a presenter's clicker.

Two kinds: a lesson shown section by section (:class:`LessonPresentation`, here) and
the group quiz (:class:`skillsapp.ui.sessions.group_quiz.QuizPresentation`).

Keys: Right, Space or Page Down go on; Left or Page Up go back; Esc leaves full screen
(and closes the window when it is not full screen).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from skillsapp.i18n import _
from skillsapp.models import Lesson
from skillsapp.ui.lessons.markup import lesson_pages
from skillsapp.ui.lessons.reader import ReadingView, reading_css
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import (
    presentation_palette,
    presentation_point_size,
    presentation_style_sheet,
)

FORWARD_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown)
BACK_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)


def big_key_button(text: str, primary: bool = False) -> QPushButton:
    """A big button the keys already cover: it never takes the focus, so Space goes on."""
    button = QPushButton(text)
    button.setAccessibleName(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    if primary:
        button.setObjectName("primary")
    return button


def text_label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
    return label


class PresentationWindow(QWidget):
    """A top-level window for the projector. The app calls :meth:`present`."""

    closed = Signal()

    def __init__(self, context: AppContext, title: str) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.context = context
        self.setObjectName("presentation")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.palette_ = presentation_palette(context.settings.high_contrast)
        self.setStyleSheet(
            presentation_style_sheet(context.settings.text_scale, context.settings.high_contrast)
        )
        self.resize(1280, 800)

    def present(self) -> None:
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()

    def hint_text(self) -> str:
        return _("→ or Space: next  ·  ←: back\nEsc: leave full screen")

    # -- keys -----------------------------------------------------------------------------
    def forward(self) -> None:  # pragma: no cover - each kind defines it
        raise NotImplementedError

    def backward(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def leave(self) -> None:
        """Esc: out of full screen first, then close."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.close()

    def handle_key(self, key: int) -> bool:
        if key in FORWARD_KEYS:
            self.forward()
        elif key in BACK_KEYS:
            self.backward()
        elif key == Qt.Key.Key_Escape:
            self.leave()
        else:
            return False
        return True

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self.handle_key(event.key()):
            super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.closed.emit()
        super().closeEvent(event)


# --- a lesson, section by section ---------------------------------------------------------


class LessonPresentation(PresentationWindow):
    def __init__(self, context: AppContext, lesson: Lesson) -> None:
        super().__init__(context, lesson.title)
        self.lesson = lesson
        self.pages = lesson_pages(lesson.body)
        self.folder = context.store.content.lesson_folder(lesson)
        self.index = -1

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 16)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.title = text_label(lesson.title, "subtitle")
        top.addWidget(self.title, 1)
        self.page_label = text_label("", "counter", wrap=False)
        top.addWidget(self.page_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        self.view = ReadingView()
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrow keys turn pages, not scroll
        layout.addWidget(self.view, 1)
        # A thin scroll bar is invisible from the back of the hall: say so in words.
        self.more_hint = text_label(_("More below: press ↓ to scroll"), "counter", wrap=False)
        self.more_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_hint.setVisible(False)
        layout.addWidget(self.more_hint)
        bar = self.view.verticalScrollBar()
        bar.valueChanged.connect(self._update_hint)
        bar.rangeChanged.connect(self._update_hint)

        bottom = QHBoxLayout()
        self.previous_button = big_key_button(_("← Previous part"))
        self.next_button = big_key_button(_("Next part →"), primary=True)
        self.close_button = big_key_button(_("Close the presentation"))
        self.previous_button.clicked.connect(self.backward)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.previous_button)
        self.hint = text_label(self.hint_text(), "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.next_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.show_page(0)

    @property
    def total(self) -> int:
        return len(self.pages)

    def show_page(self, index: int) -> None:
        if not 0 <= index < self.total:
            return
        self.index = index
        size = presentation_point_size(self.context.settings.text_scale)
        self.view.show_html(self.pages[index].html, self.folder, reading_css(self.palette_), size)
        self.page_label.setText(
            _("Part {current}/{total}").format(current=index + 1, total=self.total)
        )
        self.page_label.setAccessibleName(self.page_label.text())
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.total - 1)
        self._update_hint()

    def _update_hint(self) -> None:
        bar = self.view.verticalScrollBar()
        self.more_hint.setVisible(bar.value() < bar.maximum())

    def forward(self) -> None:
        self.show_page(self.index + 1)

    def backward(self) -> None:
        self.show_page(self.index - 1)

    def handle_key(self, key: int) -> bool:
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):  # long sections scroll
            bar = self.view.verticalScrollBar()
            step = bar.pageStep() // 2
            bar.setValue(bar.value() + (step if key == Qt.Key.Key_Down else -step))
            return True
        return super().handle_key(key)
