"""The server process's garbage collector, set for batches of thousands of records.

Parsing and checking one batch of 500 contest attempts makes about a million short-lived
objects (the payloads' dicts and lists, the answer rows), almost all freed by reference
counting. With Python's default thresholds (700, 10, 10) the cyclic collector still ran
thousands of times per sync and walked the growing heap: a fifth of the server's CPU for
a sync of 10,000 attempts (measured with ``tests/bench/sync.py``). Collecting the young
generation every 50,000 allocations instead keeps that cost small; garbage in reference
cycles is still collected, only in larger steps. ``gc.freeze`` moves what start-up made
(modules, routes, table definitions) out of the collector's way for good.

>>> tune()  # once, when a server process starts            # doctest: +SKIP
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)


def tune() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
