"""The whole question bank is read into memory only once an area that draws from it opens."""

from __future__ import annotations

import pytest
from ui_helpers import make_context

from skillsapp.ui.shell.bank_warmup import DRAWING_AREAS, BankWarmup
from skillsapp.ui.shell.main_window import MainWindow


@pytest.fixture
def context(tmp_path, qtbot):
    context = make_context(tmp_path)
    yield context
    context.store.close()


def spy_adopt(context, monkeypatch) -> list[int]:
    """Counts the banks handed to the store, and their size."""
    adopted: list[int] = []
    original = context.store.content.adopt

    def adopt(questions, bank):
        adopted.append(len(bank))
        original(questions, bank)

    monkeypatch.setattr(context.store.content, "adopt", adopt)
    return adopted


def test_reading_areas_leave_the_bank_unread_and_a_contest_area_reads_it_once(
    context, qtbot, monkeypatch
):
    adopted = spy_adopt(context, monkeypatch)
    warmup = BankWarmup(context)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.area_shown.connect(warmup.area_shown)
    for key in ("home", "lessons", "practice", "progress"):
        window.show_area(key)
    assert adopted == []
    window.show_area("contests")
    assert adopted == [context.store.content.question_count()]
    assert adopted[0] > 0
    window.show_area("home")
    window.show_area("contests")
    window.show_area("sessions")
    assert len(adopted) == 1  # once is enough until the content changes


def test_new_content_is_read_again_only_after_a_drawing_area_was_wanted(context, monkeypatch):
    adopted = spy_adopt(context, monkeypatch)
    warmup = BankWarmup(context)
    warmup.content_installed()
    assert adopted == []
    warmup.area_shown("sessions")
    warmup.content_installed()
    assert len(adopted) == 2


def test_an_area_shown_before_the_store_opens_is_warmed_when_it_opens(context, monkeypatch):
    store = context.store
    adopted = spy_adopt(context, monkeypatch)
    context.store = None
    warmup = BankWarmup(context)
    warmup.area_shown("manage")
    assert adopted == []
    context.set_store(store)
    assert len(adopted) == 1


def test_the_drawing_areas_are_real_areas():
    from skillsapp.ui.shell.navigation import AREAS

    assert {a.key for a in AREAS} >= DRAWING_AREAS
