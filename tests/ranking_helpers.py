"""Helpers of the ranking-cache tests (``rankings.recent`` and the workers' shared
rankings): a change to the contest, and a computation held until the test releases it."""

from __future__ import annotations

import threading

from hostile import CONTEST

from skillsapp.server import rankings

HELD: list[Held] = []  # every held computation, so a failed test leaves none waiting


def bump(engine) -> None:
    """A change to the contest: its rankings are out of date."""
    with engine.begin() as conn:
        rankings.bump(conn, [CONTEST])


class Held:
    """A computation that returns ``value`` once released (``release``)."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        HELD.append(self)

    def __call__(self, _conn) -> str:
        self.calls += 1
        self.started.set()
        assert self.release.wait(30)
        return self.value


def release_all() -> None:
    for held in HELD:
        held.release.set()
    HELD.clear()
