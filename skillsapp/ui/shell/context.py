"""What every screen may use: the data paths, the settings and the open store."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from skillsapp.paths import DataPaths
from skillsapp.settings import Settings, save_settings

if TYPE_CHECKING:  # the store (and sqlite-utils) load after the first paint
    from skillsapp.storage import Store
    from skillsapp.storage.profiles import Profile


class AppContext(QObject):
    """Shared state. Screens listen to its signals instead of reaching into each other."""

    settings_changed = Signal()
    store_opened = Signal()
    profile_changed = Signal()
    content_changed = Signal()
    # A sync with the provincial server ended (automatic or by hand): a SyncReport or the error.
    sync_finished = Signal(object)
    # A screen asks the window to show an area: (area key, optional argument).
    navigate = Signal(str, object)
    # A task that must not be left without asking (a contest attempt) locked or freed the
    # navigation; see lock_navigation().
    navigation_lock_changed = Signal()
    # An organiser signed in or out (set_organiser): staff areas may appear or hide.
    organiser_changed = Signal()
    # The main window is closing: whatever still runs (a phone game's web server) stops now.
    closing = Signal()

    def __init__(self, paths: DataPaths, settings: Settings) -> None:
        super().__init__()
        self.paths = paths
        self.settings = settings
        self.store: Store | None = None
        self.notices: list[str] = []
        self.profile: Profile | None = None
        # The organiser signed in to the "Manage" area, until they sign out or the window closes.
        self.organiser: str | None = None
        # While set, the window asks this question before leaving the current area.
        self.navigation_lock: str | None = None
        self.navigation_lock_note = ""  # said under the question when the app closes
        self.navigation_lock_stay = (
            ""  # the staying button's words (a contest attempt's by default)
        )
        from skillsapp.ui.shell.tasks import TaskRunner

        self.tasks: TaskRunner = TaskRunner()
        # Tests replace the clock; screens always ask the context for the time.
        self.clock: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC)

    def now(self) -> datetime.datetime:
        return self.clock()

    def lock_navigation(self, question: str, note: str = "", stay: str = "") -> None:
        """Ask ``question`` (e.g. "Bạn đang làm bài thi. Rời khỏi bài?") before leaving the
        area; ``note`` replaces the contest attempt's reassurance when the app closes and
        ``stay`` the words of its staying button ("Ở lại làm bài")."""
        self.navigation_lock = question
        self.navigation_lock_note = note
        self.navigation_lock_stay = stay
        self.navigation_lock_changed.emit()

    def unlock_navigation(self) -> None:
        self.navigation_lock = None
        self.navigation_lock_note = ""
        self.navigation_lock_stay = ""
        self.navigation_lock_changed.emit()

    def set_organiser(self, name: str | None) -> None:
        """The organiser signed in to Quản lý (or None when they sign out)."""
        self.organiser = name
        self.organiser_changed.emit()

    def staff_areas_visible(self) -> bool:
        """Quản lý and Đồng bộ are shown once an organiser turned them on or signed in."""
        return bool(self.settings.show_staff_areas or self.organiser)

    def set_profile(self, profile: Profile | None) -> None:
        self.profile = profile
        self.profile_changed.emit()

    def update_settings(self, **changes: object) -> None:
        for key, value in changes.items():
            setattr(self.settings, key, value)
        self.settings.normalised()
        save_settings(self.paths.settings, self.settings)
        self.settings_changed.emit()

    def set_store(self, store: Store) -> None:
        self.store = store
        self.store_opened.emit()
