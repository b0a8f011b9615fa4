"""The main window: a navigation rail on the left and one area at a time on the right.

It opens maximised the first time and where it was left after that, never larger than the
screen; its minimum size fits a 1024×768 screen at every text size.

At start the window can show itself before its navigation and areas exist
(``MainWindow(context, shell=False)``: the app's name and "Opening your data…"), so the first
frame is on screen sooner; :meth:`MainWindow.build_shell` adds them right after. The
navigation module (and PySide6's ``Qt`` namespace, whose ~90 enums take ~25 ms to build) is
imported only then.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from skillsapp.i18n import _
from skillsapp.ui.shell.context import AppContext

if TYPE_CHECKING:
    from skillsapp.ui.shell.navigation import AREAS, Area  # noqa: F401 - re-exported below

__all__ = ["AREAS", "Area", "MainWindow", "PageFactory", "default_pages"]


def __getattr__(name: str):
    """``AREAS`` and ``Area`` come from the navigation module, imported when first asked."""
    if name in ("AREAS", "Area"):
        from skillsapp.ui.shell import navigation

        return getattr(navigation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


PageFactory = Callable[[AppContext], QWidget]
# Room left for what a window manager draws around a restored window, in px.
TITLE_BAR = 32
FRAME = 4


def default_pages() -> dict[str, PageFactory]:
    """The screens of each area; a module loads when its area is first shown."""
    import importlib

    def lazy(module: str, name: str) -> PageFactory:
        def build(context: AppContext) -> QWidget:
            return getattr(importlib.import_module(f"skillsapp.ui.{module}"), name)(context)

        return build

    return {
        "home": lazy("learner.home", "HomePage"),
        "lessons": lazy("lessons.library", "LessonsPage"),
        "practice": lazy("practice.area", "PracticeArea"),
        "contests": lazy("contest.contests", "ContestsPage"),
        "sessions": lazy("sessions.sessions", "SessionsPage"),
        "manage": lazy("manage.gate", "ManagePage"),
        "sync": lazy("sync.page", "SyncPage"),
        "progress": lazy("learner.progress", "ProgressPage"),
    }


class PlaceholderPage(QWidget):
    """An area whose screens are not built yet says so plainly."""

    def __init__(self, title: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("title")
        layout.addWidget(heading)
        note = QLabel(_("This part of the app is not ready yet."))
        note.setObjectName("muted")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)


class AreaStack(QWidget):
    """Like QStackedWidget, but only the area on screen counts for the minimum size: a wide
    screen in one area must not make every other area scroll sideways."""

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._current: QWidget | None = None

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - QStackedWidget's name
        widget.setParent(self)
        widget.hide()

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802
        if widget is self._current:
            return
        if self._current is not None:
            self._layout.removeWidget(self._current)
            self._current.hide()
        self._current = widget
        self._layout.addWidget(widget)
        widget.show()

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self._current


def opening_frame() -> QWidget:
    """What the window shows until its navigation and areas are built: the app's name and
    a line saying the data is being opened, centred (stretches, not Qt's alignment enums)."""
    frame = QWidget()
    row = QHBoxLayout(frame)
    column = QVBoxLayout()
    row.addStretch(1)
    row.addLayout(column)
    row.addStretch(1)
    title = QLabel(_("Kỹ Năng Số"))
    title.setObjectName("title")
    note = QLabel(_("Opening your data…"))
    note.setObjectName("muted")
    column.addStretch(1)
    column.addWidget(title)
    column.addWidget(note)
    column.addStretch(2)
    return frame


def fit_into(rect: QRect, available: QRect) -> QRect:
    """``rect`` made no larger than ``available`` and moved inside it."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    left = min(max(rect.left(), available.left()), available.right() + 1 - width)
    top = min(max(rect.top(), available.top()), available.bottom() + 1 - height)
    return QRect(left, top, width, height)


class MainWindow(QMainWindow):
    area_shown = Signal(str)  # the key of the area just shown

    def __init__(
        self, context: AppContext, pages: dict[str, PageFactory] | None = None, shell: bool = True
    ) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(_("Kỹ Năng Số"))
        self.resize(1024, 720)
        self._factories = dict(default_pages())
        self._factories.update(pages or {})
        self._pages: dict[str, QWidget] = {}
        # False while the window is replaced by a new one (language change): no question,
        # no saved geometry.
        self.ask_on_close = True
        self.shell_built = False
        if shell:
            self.build_shell()
        else:
            self.setCentralWidget(opening_frame())

    def build_shell(self) -> None:
        """The navigation rail and the area stack, showing Home (once per window)."""
        if self.shell_built:
            return
        self.shell_built = True
        from PySide6.QtGui import QKeySequence, QShortcut

        from skillsapp.ui.shell.navigation import AREAS, NavigationBar, shortcut_for

        context = self.context
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.setCentralWidget(central)

        self.nav = NavigationBar()
        self.navbar = self.nav.inner
        self._nav_buttons = self.nav.buttons
        self.settings_button = self.nav.settings_button
        self.about_button = self.nav.about_button
        self.nav.area_chosen.connect(self.request_area)
        self.nav.settings_requested.connect(self.open_settings)
        self.nav.about_requested.connect(self.open_about)
        row.addWidget(self.nav)

        self._shortcuts: dict[str, QShortcut] = {}
        for area in AREAS:
            shortcut = QShortcut(QKeySequence(shortcut_for(area)), self)
            shortcut.activated.connect(lambda key=area.key: self.request_area(key))
            self._shortcuts[area.key] = shortcut

        self.stack = AreaStack()
        # A screen taller or wider than the window scrolls instead of pushing the window
        # past the edge of the screen. Screens built on TaskPage never need this.
        self.area_scroll = QScrollArea()
        self.area_scroll.setObjectName("areascroll")
        self.area_scroll.setWidgetResizable(True)
        self.area_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.area_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab: never a ringless stop
        self.area_scroll.setWidget(self.stack)
        row.addWidget(self.area_scroll, 1)

        context.navigate.connect(self.request_area)
        context.settings_changed.connect(self.update_staff_areas)
        context.organiser_changed.connect(self.update_staff_areas)
        self.fit_navigation()
        self.update_staff_areas()
        self.show_area("home")
        if self.isVisible():  # built after the opening frame: shown now, not on a queued call
            central.show()

    # --- size and place -----------------------------------------------------------------

    def fit_navigation(self) -> None:
        """Refit the navigation rail after the text size changed."""
        if self.shell_built:
            self.nav.fit()

    def available_area(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def show_fitted(self) -> None:
        """Show the window maximised the first time, where it was left after that, and
        never larger than the screen (a laptop moved from a big monitor to a projector)."""
        saved = self.context.settings.window_geometry
        restored = False
        if saved:
            try:
                restored = self.restoreGeometry(QByteArray(base64.b64decode(saved, validate=True)))
            except (binascii.Error, ValueError):
                restored = False
        available = self.available_area()
        if restored and not self.isMaximized() and not self.isFullScreen():
            # Room for the title bar and borders a window manager adds around the window.
            room = available.adjusted(FRAME, TITLE_BAR, -FRAME, -FRAME)
            geometry = self.geometry()
            if geometry.width() > room.width() or geometry.height() > room.height():
                restored = False  # left on a bigger screen: fill this one
            else:
                self.setGeometry(fit_into(geometry, room))
        if not restored:
            # Without a window manager "maximised" means nothing: fill the area by hand too.
            self.setGeometry(available)
            self.showMaximized()
        else:
            self.show()
        # Ask for the keyboard: a window manager gives it to a new window anyway, but on a
        # bare X screen (a kiosk PC) nobody does, and the first Enter would go nowhere.
        self.activateWindow()

    def remember_geometry(self) -> None:
        encoded = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
        if encoded != self.context.settings.window_geometry:
            self.context.update_settings(window_geometry=encoded)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if self.ask_on_close:
            if self.context.navigation_lock and not self.confirm_leave(
                note=self.context.navigation_lock_note
                or _(
                    "Your answers so far are saved. When you open Kỹ Năng Số again, you can "
                    "continue this attempt while its time lasts."
                ),
                leave_text=_("Close the app"),
            ):
                event.ignore()
                return
            self.remember_geometry()
        # A phone game's web server must not outlive the window.
        self.context.closing.emit()
        super().closeEvent(event)

    # --- areas --------------------------------------------------------------------------

    def load_icons(self) -> None:
        """Add the icons once the window is on screen: qtawesome takes ~0.1 s to load."""
        if not self.shell_built:
            return
        from skillsapp.ui.shell.icons import icon
        from skillsapp.ui.shell.navigation import AREAS
        from skillsapp.ui.shell.theme import palette_for

        palette = palette_for(self.context.settings.high_contrast)
        colour = palette.text
        for area in AREAS:
            self._nav_buttons[area.key].setIcon(
                icon(area.icon, colour, color_on=palette.accent_text)
            )
        self.settings_button.setIcon(icon("fa5s.cog", color=colour))
        self.about_button.setIcon(icon("fa5s.info-circle", color=colour))

    def update_staff_areas(self) -> None:
        """Show Quản lý and Đồng bộ (and their Alt keys) only when staff areas are on."""
        if not self.shell_built:
            return
        from skillsapp.ui.shell.navigation import AREAS

        visible = self.context.staff_areas_visible()
        self.nav.set_staff_visible(visible)
        for area in AREAS:
            if area.staff:
                self._shortcuts[area.key].setEnabled(visible)
        current = self.current_area() if self._pages else None
        if not visible and any(a.staff and a.key == current for a in AREAS):
            self.show_area("home")

    def page(self, key: str) -> QWidget:
        if key not in self._pages:
            factory = self._factories.get(key)
            from skillsapp.ui.shell.navigation import AREAS

            if factory is not None:
                widget = factory(self.context)
            else:
                area = next(a for a in AREAS if a.key == key)
                widget = PlaceholderPage(_(area.label))
            self._pages[key] = widget
            self.stack.addWidget(widget)
        return self._pages[key]

    def area_visible(self, key: str) -> bool:
        from skillsapp.ui.shell.navigation import AREAS

        area = next((a for a in AREAS if a.key == key), None)
        return area is None or not area.staff or self.context.staff_areas_visible()

    def confirm_leave(self, note: str = "", leave_text: str = "") -> bool:
        """Ask the navigation lock's question; True when the resident chooses to leave."""
        from skillsapp.ui.shell.leave import LeaveDialog

        question = self.context.navigation_lock or ""
        dialog = LeaveDialog(
            question,
            note=note,
            leave_text=leave_text,
            stay_text=self.context.navigation_lock_stay,
            parent=self,
        )
        return dialog.exec() == LeaveDialog.DialogCode.Accepted

    def request_area(self, key: str, argument: object = None) -> bool:
        """A resident (a nav button, Alt+N) or a screen (``context.navigate``) asks for an
        area. While the navigation is locked, leaving asks first; staying keeps the current
        area checked. Returns True when the area is shown."""
        current = self.current_area()
        if not self.area_visible(key):
            self.nav.set_checked(current)
            return False
        if key != current and self.context.navigation_lock and not self.confirm_leave():
            self.nav.set_checked(current)
            return False
        self.show_area(key, argument)
        return True

    def show_area(self, key: str, argument: object = None) -> None:
        """Show an area at once, without asking; ``argument`` is passed to the page's
        ``open()`` when it has one. Screens call ``context.navigate`` instead."""
        widget = self.page(key)
        self.stack.setCurrentWidget(widget)
        self.nav.set_checked(key)
        opener = getattr(widget, "open", None)
        if callable(opener):
            opener(argument)
        self.area_shown.emit(key)

    def current_area(self) -> str:
        current = self.stack.currentWidget()
        return next(k for k, w in self._pages.items() if w is current)

    def open_settings(self) -> None:
        from skillsapp.ui.shell.settings_dialog import SettingsDialog

        SettingsDialog(self.context, self).exec()

    def open_about(self) -> None:
        from skillsapp.ui.shell.about import AboutDialog

        AboutDialog(self.context, self).exec()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        from PySide6.QtCore import Qt

        if event.key() == Qt.Key.Key_F1:
            self.open_about()
            return
        super().keyPressEvent(event)
