"""The main window: a navigation bar on the left and one area at a time on the right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from skillsapp import __version__
from skillsapp.i18n import N_, _
from skillsapp.ui.shell.context import AppContext
from skillsapp.ui.shell.theme import palette_for


@dataclass(frozen=True)
class Area:
    key: str
    label: str  # marked with N_, translated when shown
    icon: str
    organiser_only: bool = False


AREAS = (
    Area("home", N_("Home"), "fa5s.home"),
    Area("lessons", N_("Lessons"), "fa5s.book-open"),
    Area("practice", N_("Practice"), "fa5s.pencil-alt"),
    Area("contests", N_("Contests"), "fa5s.trophy"),
    Area("sessions", N_("Group sessions"), "fa5s.users"),
    Area("manage", N_("Manage"), "fa5s.user-shield"),
    Area("sync", N_("Sync"), "fa5s.sync-alt"),
)

PageFactory = Callable[[AppContext], QWidget]


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


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, pages: dict[str, PageFactory] | None = None) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(_("Kỹ Năng Số"))
        self.resize(1200, 800)
        self._factories = dict(default_pages())
        self._factories.update(pages or {})
        self._pages: dict[str, QWidget] = {}
        self._nav_buttons: dict[str, QPushButton] = {}

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.setCentralWidget(central)

        self.navbar = QWidget()
        self.navbar.setObjectName("navbar")
        nav = QVBoxLayout(self.navbar)
        nav.setContentsMargins(12, 16, 12, 16)
        brand = QLabel(_("Kỹ Năng Số"))
        brand.setObjectName("subtitle")
        nav.addWidget(brand)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        for index, area in enumerate(AREAS, start=1):
            button = QPushButton(_(area.label))
            button.setObjectName("nav")
            button.setIconSize(QSize(28, 28))
            button.setCheckable(True)
            button.setAccessibleName(_(area.label))
            button.setToolTip(_("{area} (Alt+{key})").format(area=_(area.label), key=index))
            button.clicked.connect(lambda _checked=False, key=area.key: self.show_area(key))
            self._group.addButton(button)
            self._nav_buttons[area.key] = button
            nav.addWidget(button)
            QShortcut(QKeySequence(f"Alt+{index}"), self, lambda key=area.key: self.show_area(key))
        nav.addStretch(1)
        self.settings_button = QPushButton(_("Settings"))
        self.settings_button.setObjectName("nav")
        self.settings_button.clicked.connect(self.open_settings)
        nav.addWidget(self.settings_button)
        self.about_button = QPushButton(_("About"))
        self.about_button.setObjectName("nav")
        self.about_button.clicked.connect(self.open_about)
        nav.addWidget(self.about_button)
        version = QLabel(_("Version {version}").format(version=__version__))
        version.setObjectName("muted")
        nav.addWidget(version)
        row.addWidget(self.navbar)

        self.stack = QStackedWidget()
        row.addWidget(self.stack, 1)
        context.navigate.connect(self.show_area)
        self.fit_navigation()
        self.show_area("home")

    def fit_navigation(self) -> None:
        """Make the navigation bar wide enough for the longest label in bold (the checked style)."""
        from PySide6.QtGui import QFont, QFontMetrics

        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        labels = [b.text() for b in self._nav_buttons.values()] + [
            self.settings_button.text(),
            self.about_button.text(),
        ]
        widest = max(metrics.horizontalAdvance(text) for text in labels)
        self.navbar.setMinimumWidth(widest + 28 + 16 + 32 + 24)  # icon, spacing, padding, margins

    def load_icons(self) -> None:
        """Add the icons once the window is on screen: qtawesome takes ~0.1 s to load."""
        from skillsapp.ui.shell.icons import icon

        palette = palette_for(self.context.settings.high_contrast)
        colour = palette.text
        for area in AREAS:
            self._nav_buttons[area.key].setIcon(
                icon(area.icon, colour, color_on=palette.accent_text)
            )
        self.settings_button.setIcon(icon("fa5s.cog", color=colour))
        self.about_button.setIcon(icon("fa5s.info-circle", color=colour))
        for button in (self.settings_button, self.about_button):
            button.setIconSize(QSize(28, 28))

    def page(self, key: str) -> QWidget:
        if key not in self._pages:
            factory = self._factories.get(key)
            if factory is not None:
                widget = factory(self.context)
            else:
                area = next(a for a in AREAS if a.key == key)
                widget = PlaceholderPage(_(area.label))
            self._pages[key] = widget
            self.stack.addWidget(widget)
        return self._pages[key]

    def show_area(self, key: str, argument: object = None) -> None:
        """Show an area; ``argument`` is passed to the page's ``open()`` when it has one."""
        widget = self.page(key)
        self.stack.setCurrentWidget(widget)
        if key in self._nav_buttons:
            self._nav_buttons[key].setChecked(True)
        else:
            checked = self._group.checkedButton()
            if checked is not None:
                self._group.setExclusive(False)
                checked.setChecked(False)
                self._group.setExclusive(True)
        opener = getattr(widget, "open", None)
        if callable(opener):
            opener(argument)

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
        if event.key() == Qt.Key.Key_F1:
            self.open_about()
            return
        super().keyPressEvent(event)
