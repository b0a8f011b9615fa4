"""Fixtures for screen tests: a context with an open store, content and a learner."""

from __future__ import annotations

import datetime

import pytest
from content_helpers import copy_example

from skillsapp.content.install import ensure_bundled_content, install_pack
from skillsapp.paths import DataPaths
from skillsapp.settings import Settings
from skillsapp.storage import open_store

# 09:00 on Tuesday 8 December 2026 in Vietnam: round "tuan-1" of the bundled contest is open.
FIXED_NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)


class ManualClock:
    """A clock tests move by hand: ``clock.advance(minutes=3)``."""

    def __init__(self, now: datetime.datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


def make_context(tmp_path, bundled: bool = True):
    from skillsapp.ui.shell.context import AppContext
    from skillsapp.ui.shell.tasks import ImmediateRunner

    paths = DataPaths(tmp_path / "data")
    paths.ensure()
    context = AppContext(paths, Settings())
    store = open_store(paths)
    if bundled:
        ensure_bundled_content(store)
    else:
        install_pack(store, copy_example(tmp_path))
    context.set_store(store)
    context.tasks = ImmediateRunner()
    context.clock = ManualClock()
    return context


@pytest.fixture
def ui_context(tmp_path, qtbot):
    """A context with the bundled pack installed and a learner chosen."""
    context = make_context(tmp_path)
    context.set_profile(context.store.profiles.create("Nguyễn Thị Lan", birth_year=1962))
    yield context
    context.store.close()


@pytest.fixture
def largest_text(qapp):
    """The whole app at the largest text size (scale 1.8) for one test, then as before."""
    from skillsapp.ui.shell.app import apply_look

    font, sheet = qapp.font(), qapp.styleSheet()
    context = type("LookOnly", (), {"settings": Settings(text_size="largest")})()
    apply_look(qapp, context, None)
    yield
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)


def assert_in_view(widget, window, target: bool = True) -> None:
    """``widget`` is shown and wholly inside ``window``'s area; a click ``target`` is at
    least 44 px high."""
    from PySide6.QtCore import QPoint, QRect

    assert widget.isVisible(), widget
    if target:
        assert widget.height() >= 44, (widget, widget.height())
    top_left = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    assert window.rect().contains(rect), (widget, rect, window.rect())
