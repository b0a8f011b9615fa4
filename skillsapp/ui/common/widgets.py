"""Building blocks every screen shares: headings, big buttons that wrap long
Vietnamese text, answer options, cards and scrolling pages.

Sizes come from the application font, so the text-size setting applies everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSlider,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from skillsapp.ui.common.sizes import MIN_TARGET  # noqa: F401 - screens import it from here


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("title" if level == 1 else "subtitle")
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label


def paragraph(text: str, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setObjectName("muted")
    return label


def status_line(kind: str = "bad") -> QLabel:
    """A hidden, wrapping line for what happens next or what went wrong, styled by ``kind``
    ("bad", "good", "subtitle"); set its text and show it when there is something to say."""
    label = QLabel()
    label.setObjectName(kind)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def big_button(text: str, primary: bool = False, accessible: str | None = None) -> QPushButton:
    button = QPushButton(text)
    if primary:
        button.setObjectName("primary")
    button.setAccessibleName(accessible or text)
    button.setMinimumHeight(56)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class WrapButton(QPushButton):
    """A push button whose text wraps onto several lines (QPushButton alone never wraps).

    ``key`` is shown in a badge on the left, e.g. "1" for the number key that picks it.
    """

    def __init__(self, text: str, key: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(14)
        # Parented at once: a parentless label made visible would flash up as its own
        # window and take the activation away from the main window.
        self.badge = QLabel(key, self)
        self.badge.setObjectName("badge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setVisible(bool(key))
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        for child in (self.badge, self.label):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            child.setStyleSheet("background: transparent; border: none;")
            row.addWidget(child)
        row.setStretch(1, 1)
        self.setAccessibleName(f"{key}. {text}" if key else text)

    def text(self) -> str:  # noqa: D401 - the visible text, for tests and screen readers
        return self.label.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self.label.setText(text)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        hint = self.layout().sizeHint()
        return QSize(hint.width(), max(hint.height(), 56))

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self.layout().heightForWidth(width), 56)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, 56)


class OptionButton(WrapButton):
    """An answer option: checkable, chosen with a click or its number key."""

    chosen = Signal(int)

    def __init__(self, position: int, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, key=str(position + 1), parent=parent)
        self.position = position
        self.setObjectName("option")
        self.setCheckable(True)
        self.clicked.connect(lambda: self.chosen.emit(self.position))

    def mark(self, state: str) -> None:
        """Show the result after answering: "right", "wrong" or "" (plain)."""
        self.setProperty("result", state)
        self.style().unpolish(self)
        self.style().polish(self)


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("panel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 16, 20, 16)
    return frame, layout


def scroll_page(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    # Content wraps to the width; only a vertical scroll bar, which the theme makes wide enough
    # to grab (>= 16 px).
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFrameShape(QFrame.Shape.NoFrame)
    # Tab and Shift+Tab go to the fields and buttons inside, and the area scrolls to show
    # the one with the focus; a scroll area that took the focus itself shows no ring, and
    # a resident sees the focus vanish.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(inner)
    return area


class Page(QWidget):
    """A screen with margins and a vertical layout: ``self.body``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(32, 24, 32, 24)
        self.body.setSpacing(16)


class TaskPage(QWidget):
    """A task screen: its content scrolls above an action bar that is always in view.

    Put the content in ``self.body`` and the primary actions (Trang sau, Nộp bài, Lưu…) in
    the bar with :meth:`add_action`, so a short screen (1366×768, 1024×768, the largest text)
    never pushes them out of sight::

        page = TaskPage()
        page.body.addWidget(heading("Đăng ký"))
        page.add_action(big_button("Quay lại"), left=True)
        page.add_action(big_button("Lưu", primary=True))
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.content = QWidget()
        self.body = QVBoxLayout(self.content)
        self.body.setContentsMargins(32, 24, 32, 16)
        self.body.setSpacing(16)
        self.scroll = scroll_page(self.content)
        outer.addWidget(self.scroll, 1)
        self.action_bar = QFrame()
        self.action_bar.setObjectName("actionbar")
        self.actions = QHBoxLayout(self.action_bar)
        self.actions.setContentsMargins(32, 10, 32, 12)
        self.actions.setSpacing(12)
        self._left = QHBoxLayout()
        self._left.setSpacing(12)
        self._right = QHBoxLayout()
        self._right.setSpacing(12)
        self.actions.addLayout(self._left)
        self.actions.addStretch(1)
        self.actions.addLayout(self._right)
        outer.addWidget(self.action_bar)

    def add_action(self, widget: QWidget, left: bool = False) -> QWidget:
        """Add a button to the bar: on the right (forward, primary) or on the left (back)."""
        (self._left if left else self._right).addWidget(widget)
        return widget

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """Page Down and Page Up turn the content a screen at a time whatever has the
        focus (its scroll area takes none), when no field inside used them first."""
        bar = self.scroll.verticalScrollBar()
        steps = {
            Qt.Key.Key_PageDown: QAbstractSlider.SliderAction.SliderPageStepAdd,
            Qt.Key.Key_PageUp: QAbstractSlider.SliderAction.SliderPageStepSub,
        }
        step = steps.get(event.key())
        if step is not None and bar.maximum() > bar.minimum():
            bar.triggerAction(step)
            return
        super().keyPressEvent(event)


def press_focused_button(container: QWidget) -> bool:
    """Enter on a focused button inside ``container`` presses it (Qt only does that in
    dialogs), so Enter never does something else than what the focus ring shows.
    Returns True if a button was pressed."""
    focused = QApplication.focusWidget()
    if isinstance(focused, QPushButton) and focused.isEnabled() and container.isAncestorOf(focused):
        focused.click()
        return True
    return False
