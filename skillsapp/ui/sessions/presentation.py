"""Presentation mode for a projector: a full-screen window in very large, high-contrast
type, driven from the keyboard or a presenter's clicker.

Two kinds: a lesson shown section by section (:class:`LessonPresentation`, here) and
the group quiz (:class:`skillsapp.ui.sessions.group_quiz.QuizProjection`).

A hall's projector is often 1024×768: each window picks the largest type at which its
content fits (:meth:`PresentationWindow.fit`), from the largest text size down to
:data:`MIN_POINT_SIZE`, whatever the PC's own text size; what is still too long then
scrolls, and the window says so in words.

Keys: Right, Space or Page Down go on; Left or Page Up go back; Up and Down scroll a long
part; Esc leaves full screen (and closes the window when it is not full screen).
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollBar,
    QVBoxLayout,
    QWidget,
)

from skillsapp.i18n import _
from skillsapp.models import Lesson
from skillsapp.settings import TEXT_SIZES, Settings
from skillsapp.ui.lessons.markup import lesson_pages
from skillsapp.ui.lessons.reading_view import ReadingView, reading_css
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import (
    PRESENTATION_SCALE,
    point_size,
    presentation_palette,
    presentation_point_size,
    presentation_style_sheet,
)

FORWARD_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown)
BACK_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)
# The smallest body text on the projector: about 1/25 of a 768-pixel picture, still
# readable from the back of a hall. Below it a long text scrolls instead.
MIN_POINT_SIZE = 20.0
LARGEST_POINT_SIZE = presentation_point_size(Settings(text_size=TEXT_SIZES[-1]).text_scale)
FIT_STEP = 0.93  # each try is 7 % smaller than the one before


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


def point_sizes(largest: float) -> list[float]:
    """The body text sizes to try, largest first, down to :data:`MIN_POINT_SIZE`.

    >>> point_sizes(30.0)
    [30.0, 27.9, 25.9, 24.1, 22.4, 20.8, 20.0]
    """
    sizes = [largest]
    while round(sizes[-1] * FIT_STEP, 1) > MIN_POINT_SIZE:
        sizes.append(round(sizes[-1] * FIT_STEP, 1))
    if sizes[-1] > MIN_POINT_SIZE:
        sizes.append(MIN_POINT_SIZE)
    return sizes


def scroll_step(bar: QScrollBar, down: bool) -> None:
    step = max(bar.pageStep() // 2, 1)
    bar.setValue(bar.value() + (step if down else -step))


class PresentationWindow(QWidget):
    """A top-level window for the projector. The app calls :meth:`present`."""

    closed = Signal()
    EXTRA_STYLE = ""  # each kind adds the styles of its own widgets

    def __init__(self, context: AppContext, title: str) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.context = context
        self.setObjectName("presentation")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Closing the app's main window quits, and takes the projector window with it.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.palette_ = presentation_palette(context.settings.high_contrast)
        # The room reads from afar whatever text size the PC uses: start from the largest
        # and let fit() go down as far as the content needs.
        self.wanted_point_size = LARGEST_POINT_SIZE
        self.body_point_size = 0.0
        self.apply_point_size(self.wanted_point_size)
        self.resize(1024, 768)

    def apply_point_size(self, size: float) -> None:
        """Style the window for body text of ``size`` points (titles and buttons follow)."""
        if size == self.body_point_size:
            return
        self.body_point_size = size
        scale = size / (point_size(1.0) * PRESENTATION_SCALE)
        self.setStyleSheet(
            presentation_style_sheet(scale, self.context.settings.high_contrast)
            + self.EXTRA_STYLE.format(size=size, big=round(size * 1.25, 1))
        )

    def fit(self, fits: Callable[[], bool]) -> bool:
        """Use the largest text size at which ``fits()`` says the content fits the window.
        False when it does not fit even at the smallest size (it then scrolls)."""
        sizes = point_sizes(self.wanted_point_size)

        def fits_at(index: int) -> bool:
            self.apply_point_size(sizes[index])
            self.settle_layouts()
            return fits()

        # Smaller text never needs more room: a binary search over the sizes, largest first
        # (each try restyles the window, which is the slow part).
        if fits_at(0):
            return True
        low, high = 0, len(sizes) - 1  # sizes[low] does not fit
        if not fits_at(high):
            return False
        while high - low > 1:  # sizes[high] fits
            middle = (low + high) // 2
            if fits_at(middle):
                high = middle
            else:
                low = middle
        if self.body_point_size != sizes[high]:
            fits_at(high)
        return True

    # --- fitting: each kind gives its scroll area and refit(); the triggers are shared ----

    def scrolled_area(self):  # pragma: no cover - each kind defines it
        """The QAbstractScrollArea whose content may not fit (the "more below" hint's)."""
        raise NotImplementedError

    def refit(self) -> None:  # pragma: no cover - each kind defines it
        raise NotImplementedError

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.refit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.refit()

    def _update_hint(self) -> None:
        if self._fitting:  # the sizes tried on the way are not what the room sees
            return
        bar = self.scrolled_area().verticalScrollBar()
        self.more_hint.setVisible(bar.value() < bar.maximum())

    def settle_layouts(self) -> None:
        """Lay the window out at once for the new type: nested layouts keep the sizes they
        measured for the old type until their posted layout requests run, and new widgets
        have no style until they are shown."""
        for widget in (self, *self.findChildren(QWidget)):
            # A widget just added is styled (its font!) only when first shown, later.
            widget.ensurePolished()
            if widget.layout() is not None:
                widget.layout().invalidate()
        for _level in range(4):  # a layout request can post one for the level above
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        if self.layout() is not None:
            self.layout().activate()

    def present(self) -> None:
        """Full screen on the projector: the second screen when there is one, so the
        leader's own screen keeps the app (and the group quiz's counting)."""
        leader = QApplication.activeWindow()
        if leader is not None and leader is not self:
            self.leader_window = leader  # the keyboard goes back to it when this closes
        here = QWidget.screen(leader) if leader is not None else QGuiApplication.primaryScreen()
        others = [s for s in QGuiApplication.screens() if s is not here]
        target = others[0] if others else here
        if others:
            self.setScreen(target)
        # Without a window manager (a kiosk PC) "full screen" is never granted: cover the
        # screen by hand too, or the projector shows a window of its last size in a corner.
        self.setGeometry(target.geometry())
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()

    # -- keys -----------------------------------------------------------------------------
    def forward(self) -> None:  # pragma: no cover - each kind defines it
        raise NotImplementedError

    def backward(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def scroll(self, down: bool) -> None:
        """Up and Down: scroll a part too long for the screen (each kind knows what)."""

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
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.scroll(key == Qt.Key.Key_Down)
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
        # Give the keyboard back to the leader's window: on a PC without a window manager
        # nobody else does, and the leader's next key would go nowhere.
        leader = getattr(self, "leader_window", None)
        if leader is not None and shiboken6.isValid(leader) and leader.isVisible():
            leader.activateWindow()


# --- a lesson, section by section ---------------------------------------------------------


class LessonPresentation(PresentationWindow):
    def __init__(self, context: AppContext, lesson: Lesson) -> None:
        super().__init__(context, lesson.title)
        self.lesson = lesson
        self.pages = lesson_pages(lesson.body)
        self.folder = context.store.content.lesson_folder(lesson)
        self.index = -1
        self._fitting = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 12)
        layout.setSpacing(8)
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
        self.more_hint = text_label(_("More below: press ↓ to scroll"), "counter")
        self.more_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more_hint.setVisible(False)
        layout.addWidget(self.more_hint)
        bar = self.view.verticalScrollBar()
        bar.valueChanged.connect(self._update_hint)
        bar.rangeChanged.connect(self._update_hint)

        # The keys are told on the leader's screen (the session's steps), not to the room.
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        self.previous_button = big_key_button(_("← Previous part"))
        self.next_button = big_key_button(_("Next part →"), primary=True)
        self.close_button = big_key_button(_("Close"))
        self.close_button.setAccessibleName(_("Close the presentation"))
        self.previous_button.clicked.connect(self.backward)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.close)
        bottom.addWidget(self.previous_button)
        bottom.addStretch(1)
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
        self.page_label.setText(
            _("Part {current}/{total}").format(current=index + 1, total=self.total)
        )
        self.page_label.setAccessibleName(self.page_label.text())
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.total - 1)
        self.refit()

    def _render(self) -> None:
        html = self.pages[self.index].html
        self.view.show_html(html, self.folder, reading_css(self.palette_), self.body_point_size)

    def _fits(self) -> bool:
        self._render()
        if self.minimumSizeHint().width() > self.width():
            return False
        return self.view.verticalScrollBar().maximum() == 0

    def refit(self) -> None:
        """The largest text at which the part fits; at the smallest it scrolls."""
        if self._fitting or self.index < 0:
            return
        if not self.isVisible():  # no size yet: showEvent fits it
            self._render()
            return
        self._fitting = True
        self.more_hint.setVisible(False)  # it takes room; shown again below if it scrolls
        try:
            self.fit(self._fits)
        finally:
            self._fitting = False
        self._update_hint()

    def scrolled_area(self):
        return self.view

    def forward(self) -> None:
        self.show_page(self.index + 1)

    def backward(self) -> None:
        self.show_page(self.index - 1)

    def scroll(self, down: bool) -> None:
        scroll_step(self.view.verticalScrollBar(), down)
