"""The navigation rail on the left of the main window.

It never decides how tall the window must be: the buttons sit in a scroll area, and when the
window is short (1024×768 at the largest text with the staff areas shown) the rail first drops
its brand and version lines, then tightens the buttons (still at least 44 px high); the labels
keep their size. Only a window too small even for that makes the rail scroll.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from skillsapp import __version__
from skillsapp.i18n import N_, _

ICON_SIZE = 28


@dataclass(frozen=True)
class Area:
    key: str
    label: str  # marked with N_, translated when shown
    icon: str
    staff: bool = False  # Quản lý and Đồng bộ: hidden until an organiser turns them on


AREAS = (
    Area("home", N_("Home"), "fa5s.home"),
    Area("lessons", N_("Lessons"), "fa5s.book-open"),
    Area("practice", N_("Practice"), "fa5s.pencil-alt"),
    Area("contests", N_("Contests"), "fa5s.trophy"),
    Area("sessions", N_("Group sessions"), "fa5s.users"),
    Area("manage", N_("Manage"), "fa5s.user-shield", staff=True),
    Area("sync", N_("Sync"), "fa5s.sync-alt", staff=True),
)


def shortcut_for(area: Area) -> str:
    """Alt+1 … Alt+7 in the order of AREAS. The numbers never move when staff areas hide,
    so the group leaders' guide and the tooltips stay right."""
    return f"Alt+{AREAS.index(area) + 1}"


class NavigationBar(QScrollArea):
    """Emits ``area_chosen(key)`` when a resident clicks an area; the window decides
    whether to go there (the navigation may be locked)."""

    area_chosen = Signal(str)
    settings_requested = Signal()
    about_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navscroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.inner = QWidget()
        self.inner.setObjectName("navbar")
        layout = QVBoxLayout(self.inner)
        layout.setContentsMargins(8, 16, 8, 16)
        self.brand = QLabel(_("Kỹ Năng Số"))
        self.brand.setObjectName("subtitle")
        layout.addWidget(self.brand)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for area in AREAS:
            label = _(area.label)
            button = self._button(label)
            button.setCheckable(True)
            button.setToolTip(_("{area} ({key})").format(area=label, key=shortcut_for(area)))
            button.clicked.connect(lambda _checked=False, key=area.key: self.area_chosen.emit(key))
            self.group.addButton(button)
            self.buttons[area.key] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.settings_button = self._button(_("Settings"))
        self.settings_button.setToolTip(_("Text size, contrast and language"))
        self.settings_button.clicked.connect(self.settings_requested)
        layout.addWidget(self.settings_button)
        self.about_button = self._button(_("About"))
        self.about_button.setToolTip(_("{area} ({key})").format(area=_("About"), key="F1"))
        self.about_button.clicked.connect(self.about_requested)
        layout.addWidget(self.about_button)
        self.version = QLabel(_("Version {version}").format(version=__version__))
        self.version.setObjectName("muted")
        self.version.setWordWrap(True)
        layout.addWidget(self.version)
        self.setWidget(self.inner)
        self.level = 0
        self.compact = False
        self._heights: list[int] | None = None  # the rail's height at each level

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("nav")
        button.setAccessibleName(text)
        button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def all_buttons(self) -> list[QPushButton]:
        return [*self.buttons.values(), self.settings_button, self.about_button]

    # --- what is shown ----------------------------------------------------------------

    def set_checked(self, key: str | None) -> None:
        """Check the area's button, or none (e.g. for the progress screen)."""
        button = self.buttons.get(key or "")
        if button is not None:
            button.setChecked(True)
            return
        checked = self.group.checkedButton()
        if checked is not None:
            self.group.setExclusive(False)
            checked.setChecked(False)
            self.group.setExclusive(True)

    def set_staff_visible(self, visible: bool) -> None:
        for area in AREAS:
            if area.staff:
                self.buttons[area.key].setVisible(visible)
        self._heights = None
        self._fit_height()

    # --- size -------------------------------------------------------------------------

    def fit(self) -> None:
        """Size the rail for the current font: as wide as the longest label in bold (the
        checked style), and as compact as the window's height needs."""
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = max(metrics.horizontalAdvance(b.text()) for b in self.all_buttons())
        # icon and the gap after it, the button's padding and border, the layout's margins
        self.inner.setMinimumWidth(widest + ICON_SIZE + 8 + 2 * (12 + 3) + 2 * 8)
        self._heights = None
        self._fit_height()

    # How the rail saves height on a short screen, one step at a time: 0 everything,
    # 1 without the brand and version lines, 2 also tighter buttons.
    LEVELS = (0, 1, 2)

    def _set_level(self, level: int) -> None:
        if level == self.level:
            return
        compact = level >= 2
        if compact != (self.level >= 2):
            for button in self.all_buttons():
                button.setProperty("compact", compact)
                button.style().unpolish(button)
                button.style().polish(button)
        self.level = level
        self.compact = level > 0
        self.brand.setVisible(level == 0)
        self.version.setVisible(level == 0)
        margin = 4 if compact else 16
        layout = self.inner.layout()
        layout.setContentsMargins(8, margin, 8, margin)
        layout.setSpacing(2 if compact else 6)
        layout.activate()

    def _fit_height(self) -> None:
        if self._heights is None:
            self.inner.ensurePolished()  # the style sheet's sizes, even before the first show
            for button in self.all_buttons():
                button.ensurePolished()
            self._heights = []
            for level in self.LEVELS:
                self._set_level(level)
                self._heights.append(self.inner.sizeHint().height())
        # The viewport's height (no horizontal bar, no viewport margins), read without
        # viewport(): that returns a private Qt class, and looking it up makes PySide6 build
        # every QtWidgets class and its enums (~15 ms before the first paint).
        room = self.contentsRect().height()
        self._set_level(next((n for n, h in enumerate(self._heights) if h <= room), 2))
        # When even the compact rail must scroll, keep the labels whole beside the scroll bar.
        scrolls = self._heights[self.level] > room
        extra = self.verticalScrollBar().sizeHint().width() if scrolls else 0
        self.setFixedWidth(self.inner.minimumWidth() + extra)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height():
            self._fit_height()
