"""Per-address request limits for the hall web server (token buckets).

A real phone makes a request every few seconds at most; a script on one phone that
floods the server runs its own bucket dry and gets "429 Too Many Requests" while every
other address keeps its own allowance.

>>> limits = AddressLimits(capacity=2, per_second=1.0, clock=lambda: 0.0)
>>> [limits.take("10.0.0.5") for _ in range(3)], limits.take("10.0.0.6")
([True, True, False], True)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_ADDRESSES = 4096  # a hall's network is a /24 or so; beyond this the oldest are forgotten


class AddressLimits:
    def __init__(
        self,
        capacity: float,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when

    def take(self, address: str, cost: float = 1.0) -> bool:
        """Spend ``cost`` tokens of ``address``'s bucket; False when it has too few."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(address, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.per_second)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            self._buckets[address] = (tokens, now)
            while len(self._buckets) > MAX_ADDRESSES:
                self._buckets.popitem(last=False)
            return allowed
