"""Syncing in the background while the app is open.

Every minute :class:`AutoSync` asks the runner whether a sync is due (enrolled, and
past the back-off time after a failure) and, if so, runs one off the UI thread on
its own database connection. It never shows a message box: the Sync screen shows
the outcome from :func:`skillsapp.sync.runner.status`.

The Sync screen's "Sync now" goes through :func:`sync_work` too, so at most one sync
runs at a time in the whole app.

>>> auto = AutoSync(context)    # doctest: +SKIP
>>> auto.start()                # app.py, once the store is open
>>> auto.stop()                 # when the window closes
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from skillsapp.sync.enrolment import enrolled
from skillsapp.ui.shell.context import AppContext

log = logging.getLogger(__name__)

INTERVAL_MS = 60_000
FIRST_CHECK_MS = 5_000

# One sync at a time, whoever starts it: two at once would send the same records twice.
_one_sync = threading.Lock()


class Skipped:
    """The answer of a background sync that did not run because another one was running."""


SKIPPED = Skipped()


def sync_work(
    store, now: datetime.datetime, wait: bool = True
) -> Callable[[Callable[[str], None]], Any]:
    """The background work for one sync: its own connection, and the app-wide lock.

    With ``wait`` False the work gives up at once (returning :data:`SKIPPED`) if a sync
    is already running; the "Sync now" button waits for it instead.
    """

    def work(_progress: Callable[[str], None]) -> Any:
        from skillsapp.sync.runner import sync_now

        if not _one_sync.acquire(blocking=wait):
            return SKIPPED
        try:
            worker = store.for_thread()
            try:
                return sync_now(worker, now)
            finally:
                worker.close()
        finally:
            _one_sync.release()

    return work


def after_sync(context: AppContext, result: object) -> None:
    """On the UI thread after a sync: drop cached content if packs arrived, tell the screens."""
    packs = getattr(result, "packs", None)
    if packs and context.store is not None:
        # Another connection installed packs: this one must not serve cached questions.
        context.store.content.forget_cache()
        context.content_changed.emit()
    context.sync_finished.emit(result)


class AutoSync(QObject):
    """Runs a due sync every ``interval_ms``; ``finished`` carries the SyncReport or the error."""

    finished = Signal(object)

    def __init__(self, context: AppContext, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__()
        self.context = context
        self.running = False
        self.stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.trigger)
        self.first = QTimer(self)
        self.first.setSingleShot(True)
        self.first.timeout.connect(self.trigger)
        self._idle = threading.Event()
        self._idle.set()

    def start(self, first_check_ms: int = FIRST_CHECK_MS) -> None:
        """Check soon after start, then every interval."""
        self.stopped = False
        self.first.start(first_check_ms)
        self.timer.start()

    def trigger(self) -> bool:
        """Start a sync now if one is due and none is running; True when one was started."""
        store = self.context.store
        if self.stopped or self.running or store is None:
            return False
        # Not enrolled: nothing is due, and the runner (requests, PyNaCl) stays unloaded.
        if not enrolled(store):
            return False
        from skillsapp.sync.runner import status

        now = self.context.now()
        if not status(store).due(now):
            return False
        self.running = True
        self._idle.clear()
        work = sync_work(store, now, wait=False)

        def guarded(progress: Callable[[str], None]) -> Any:
            try:
                # Queued before the app closed but not started yet: do nothing.
                return SKIPPED if self.stopped else work(progress)
            finally:
                self._idle.set()

        self.context.tasks.start(guarded, self._done, self._failed)
        return True

    def _done(self, result: object) -> None:
        self.running = False
        if self.stopped or isinstance(result, Skipped):
            return
        after_sync(self.context, result)
        self.finished.emit(result)

    def _failed(self, error: Exception) -> None:
        self.running = False
        # The runner recorded the problem for the Sync screen; only the kind goes to the log.
        log.info(
            "background sync did not complete: %s", getattr(error, "kind", type(error).__name__)
        )
        if self.stopped:
            return
        self.context.sync_finished.emit(error)
        self.finished.emit(error)

    def stop(self, wait_seconds: float = 0.0) -> bool:
        """Stop checking; no new sync starts. Waits up to ``wait_seconds`` for a running one
        (its records stay queued if it is cut off). True when none is running any more."""
        self.stopped = True
        self.timer.stop()
        self.first.stop()
        return self._idle.wait(wait_seconds) if wait_seconds > 0 else self._idle.is_set()
