"""How many batches one server process verifies and stores at once.

Verifying a batch (re-drawing each attempt's questions, re-scoring every answer) is
Python work that holds the interpreter lock. With thirty PCs posting at once, a process's
thread pool would run a dozen batches side by side, and an organiser's page, served by
the same pool, would get one turn in thirteen at the lock: a 0.1 s ranking took seconds
(issue 15, contest week: ranking p99 7.7 s). The gate lets ``at_once`` batches in per
process; the others wait their turn in line (their PCs see a slower answer, not an
error), so a page request competes with at most ``at_once`` batches. A batch that has
waited ``wait_s`` (kept under the PC's 30 s read timeout, ``sync.client``) gets a 503 with
``Retry-After``, which the PC honours (``sync.runner``): nothing is lost, it is sent again.

>>> gate = IngestGate(at_once=2, wait_s=20)
>>> with gate.turn():
...     pass  # ingest the batch
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from skillsapp.server.errors import ApiError

RETRY_AFTER_S = 60  # what a PC waits at least anyway after a 503 (sync.runner)


class ServerBusy(ApiError):
    """Too many batches waiting: the PC is told to come back later."""

    def __init__(self) -> None:
        super().__init__(
            503,
            "busy",
            "The server is busy with other PCs' results. The PC will send this batch again "
            "by itself in a minute.",
            retry_after_s=RETRY_AFTER_S,
        )


class IngestGate:
    def __init__(self, at_once: int = 2, wait_s: float = 20.0) -> None:
        if at_once < 1:
            raise ValueError("at_once must be at least 1")
        self.at_once = at_once
        self.wait_s = wait_s
        self._slots = threading.BoundedSemaphore(at_once)
        self._lock = threading.Lock()
        self.refused = 0  # batches answered 503 by this process (for the logs and tests)

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Hold one of the process's ``at_once`` slots while the caller ingests a batch;
        raises :class:`ServerBusy` after waiting ``wait_s`` for one."""
        if not self._slots.acquire(timeout=self.wait_s):
            with self._lock:
                self.refused += 1
            raise ServerBusy()
        try:
            yield
        finally:
            self._slots.release()
