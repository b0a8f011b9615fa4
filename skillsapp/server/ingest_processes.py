"""Batches verified and stored in worker processes that run at a lower CPU priority.

Verifying a batch (re-drawing every attempt, re-scoring every answer, sealing personal
data) is Python work that holds the interpreter lock of the process doing it. Done in the
web process's threads, it made an organiser's ranking page wait its turn at the lock
behind the PCs' batches: under a contest week's load the page's p99 stayed at 2 s
although the page itself takes 0.3 s (issue 15). Here the web process only hands each
batch to a small pool of ingest processes and waits for the result without holding the
lock; the pool's processes run ``nice``, so when the machine's cores are busy the
operating system serves the organiser's page first and the PCs' batches a little later.
PCs lose nothing: a batch is acknowledged only once it is stored, as before.

Off by default (``processes=0``: the web process ingests, as tests expect because they
set the server's clock); ``skillsapp serve --ingest-processes N`` or
``SKILLSAPP_INGEST_PROCESSES`` turns it on. The pool starts with the first batch.

>>> pool = IngestProcesses(config, processes=2)        # doctest: +SKIP
>>> pool.ingest(device_id, records, offset, now)       # doctest: +SKIP
IngestResult(accepted=[...], ...)
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skillsapp.server.config import ServerConfig
    from skillsapp.server.ingest import Ingestor, IngestResult

NICE = 10  # how much lower than the web process the ingest processes run (Unix)

_ingestor: Ingestor | None = None  # the one in this ingest process (set by _start)


def _start(config: ServerConfig, nice: int) -> None:
    """Runs once in each ingest process: its own database engine and personal-data key.
    The web process has migrated the database already."""
    global _ingestor
    if nice and hasattr(os, "nice"):
        os.nice(nice)
    from skillsapp.server import db, gc_settings, personal_data
    from skillsapp.server.ingest import Ingestor

    engine = db.make_engine(config.db_url)
    personal_data.attach(engine, personal_data.load_vault(config.data_dir, engine))
    gc_settings.tune()
    _ingestor = Ingestor(engine)


def _ingest(
    device_id: str,
    records: list[dict],
    device_offset: datetime.timedelta,
    now: datetime.datetime,
) -> IngestResult:
    assert _ingestor is not None, "the ingest process did not start"
    return _ingestor.ingest(device_id, records, device_offset=device_offset, now=now)


class IngestProcesses:
    """A pool of ``processes`` ingest processes for one web process (see the module)."""

    def __init__(self, config: ServerConfig, processes: int, nice: int = NICE) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        self.config = config
        self.processes = processes
        self.nice = nice
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the web process has threads and open database connections.
                self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start,
                    initargs=(self.config, self.nice),
                )
            return self._pool

    def ingest(
        self,
        device_id: str,
        records: list[dict],
        device_offset: datetime.timedelta,
        now: datetime.datetime,
    ) -> IngestResult:
        """Store a batch as :meth:`Ingestor.ingest` does, in an ingest process, with the web
        process's ``now`` (its clock checked the batch's; one clock for both); raises
        what it raises. Blocks the calling thread (not the interpreter) until it is done.

        An ingest process that died (killed, out of memory) took its open transaction with
        it, so nothing of the batch was stored: the pool is started again and the batch
        sent once more (storing is idempotent anyway)."""
        pool = self._started()
        try:
            return pool.submit(_ingest, device_id, records, device_offset, now).result()
        except BrokenProcessPool:
            self._forget(pool)
            return self._started().submit(_ingest, device_id, records, device_offset, now).result()

    def _forget(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
