"""Shared fixtures. GUI tests run offscreen; every test gets its own data folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from skillsapp.i18n import set_language  # noqa: E402
from skillsapp.paths import DataPaths  # noqa: E402

# The adversarial tests' real server and hostile device (tests/hostile.py).
pytest_plugins = ["hostile"]


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's application, in the font the app really shows (the bundled Be Vietnam
    Pro), whichever test runs first: a wider fallback font would cut text the app does not."""
    from PySide6.QtGui import QFont

    from skillsapp.ui.shell.fonts import load_bundled_font

    family, problem = load_bundled_font()
    assert problem is None, problem
    font = QFont(qapp.font())
    font.setFamily(family)
    qapp.setFont(font)
    return qapp


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def data_paths(tmp_path) -> DataPaths:
    paths = DataPaths(tmp_path / "data")
    paths.ensure()
    return paths


@pytest.fixture
def store(data_paths):
    from skillsapp.storage import open_store

    opened = open_store(data_paths)
    yield opened
    opened.close()
