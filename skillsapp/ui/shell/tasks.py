"""Running slow work (install, export, sync) off the UI thread.

Only the main thread touches widgets; the work function must not. A thread
that needs SQLite opens its own connection (see skillsapp.storage.open_store).
Tests install :class:`ImmediateRunner` so the work runs synchronously.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Callable[[str], None]], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit)
        except Exception as exc:  # reported to the screen, which shows a plain message
            log.warning("background task failed: %s", type(exc).__name__)
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class TaskRunner:
    """``runner.start(work, on_done, on_failed, on_progress)``; ``work(progress)`` runs in a pool thread."""

    def __init__(self) -> None:
        self.pool = QThreadPool.globalInstance()
        self._alive: set[_Signals] = set()

    def start(
        self,
        work: Callable[[Callable[[str], None]], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None],
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        signals = _Signals()
        self._alive.add(signals)
        signals.done.connect(on_done)
        signals.failed.connect(on_failed)
        if on_progress:
            signals.progress.connect(on_progress)
        signals.done.connect(lambda _r: self._alive.discard(signals))
        signals.failed.connect(lambda _e: self._alive.discard(signals))
        self.pool.start(_Job(work, signals))


class ImmediateRunner(TaskRunner):
    """Runs the work at once on the calling thread (tests)."""

    def start(self, work, on_done, on_failed, on_progress=None) -> None:  # type: ignore[override]
        try:
            result = work(on_progress or (lambda _m: None))
        except Exception as exc:
            on_failed(exc)
        else:
            on_done(result)
