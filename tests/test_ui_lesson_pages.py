"""Lesson pages cut to the screen a resident really has: 1024×768 and 1366×768, at the
normal and the largest text size. Every page fits without scrolling, or, when one piece of
text is taller than the screen, it scrolls with a wide bar and the page turn stays in view."""

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from ui_helpers import make_context

from skillsapp.ui.lessons.library import LessonsPage
from skillsapp.ui.lessons.markup import PICTURE
from skillsapp.ui.shell.app import apply_look

LEFT = Qt.MouseButton.LeftButton
RAIL = 240  # px the window's navigation takes on the left, and a title bar and task bar
SCREENS = {"1024x768": (1024 - RAIL, 768 - 60), "1366x768": (1366 - RAIL, 768 - 60)}


@pytest.fixture
def app_look(qapp):
    """Restores the application's font and style after a test changes the text size."""
    font, sheet = qapp.font(), qapp.styleSheet()
    yield qapp
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)


@pytest.fixture
def context(tmp_path, qtbot):
    context = make_context(tmp_path)
    context.set_profile(context.store.profiles.create("Trần Văn Bình", birth_year=1955))
    yield context
    context.store.close()


def set_text_size(app, context, size):
    context.update_settings(text_size=size)
    apply_look(app, context, None)


def open_reader(qtbot, context, screen, lesson_id="lua-dao"):
    page = LessonsPage(context)
    qtbot.addWidget(page)
    page.resize(*SCREENS[screen])
    page.show()
    qtbot.waitExposed(page)
    page.open_lesson(lesson_id)
    reader = page.reader
    qtbot.waitUntil(lambda: reader.is_fitted() and reader.view.page_height() > 100)
    return page, reader


def inside(widget, page) -> bool:
    top_left = widget.mapTo(page, QPoint(0, 0))
    return page.rect().contains(QRect(top_left, widget.size()))


def check_page(reader, page, index):
    view = reader.view
    height = view.document().size().height()
    turn = reader.next_button if index < reader.total - 1 else reader.quiz_button
    assert turn.isVisible() and inside(turn, page), f"page {index + 1}: no way on"
    if height > view.page_height():
        # Only one piece too tall for the screen may scroll, and then plainly.
        assert len(reader.pages[index]) == 1, f"page {index + 1} could have been cut"
        bar = view.verticalScrollBar()
        assert bar.isVisible() and bar.width() >= 16
        assert reader.more_hint.isVisible()
    else:
        assert not reader.more_hint.isVisible()


@pytest.mark.parametrize("size", ["normal", "largest"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_fits_the_screen_and_the_quiz_comes_last(app_look, context, qtbot, screen, size):
    set_text_size(app_look, context, size)
    page, reader = open_reader(qtbot, context, screen)
    # Every block is on exactly one page, in reading order.
    assert [b for p in reader.pages for b in p] == list(range(len(reader.blocks)))
    width = page.width()
    seen_pictures = 0
    pictures = sum(1 for b in reader.blocks if b.kind == PICTURE)
    for index in range(reader.total):
        qtbot.mouseClick(reader.next_button, LEFT) if index else None
        assert reader.index == index
        check_page(reader, page, index)
        last = index == reader.total - 1
        assert reader.quiz_button.isVisible() == last
        assert reader.next_button.isVisible() == (not last)
        shown = reader.pages[index]
        seen_pictures += sum(1 for b in shown if reader.blocks[b].kind == PICTURE)
        if reader.quiz_button.isVisible():
            # The quiz is offered only once every picture has been on screen.
            assert seen_pictures == pictures
        for block in shown:
            if reader.blocks[block].kind == PICTURE:
                # A picture is never cut off: the page holding it needs no scrolling.
                assert reader.view.document().size().height() <= reader.view.page_height()
    # Back to the start (as "Đọc lại bài" does): the window never grew on the way.
    reader.show_page(0)
    assert page.width() == width and reader.total == len(reader.pages)


def test_pages_are_cut_again_for_a_smaller_screen_on_the_same_text(app_look, context, qtbot):
    set_text_size(app_look, context, "largest")
    page, reader = open_reader(qtbot, context, "1366x768")
    wide_total = reader.total
    for _ in range(3):
        qtbot.mouseClick(reader.next_button, LEFT)
    first_words = reader.view.toPlainText()[:40]
    page.resize(*SCREENS["1024x768"])
    qtbot.waitUntil(lambda: reader.is_fitted() and reader.total != wide_total)
    assert reader.total > wide_total
    assert first_words in reader.view.toPlainText()
    check_page(reader, page, reader.index)


def test_where_the_learner_stopped_survives_a_text_size_change(app_look, context, qtbot):
    set_text_size(app_look, context, "normal")
    page, reader = open_reader(qtbot, context, "1024x768")
    normal_total = reader.total
    for _ in range(4):
        qtbot.mouseClick(reader.next_button, LEFT)
    first_words = reader.view.toPlainText()[:40]
    saved = context.store.progress.lesson(context.profile.id, "lua-dao").position
    assert saved == reader.pages[4].start

    set_text_size(app_look, context, "largest")
    qtbot.waitUntil(lambda: reader.is_fitted() and reader.total > normal_total)
    assert first_words in reader.view.toPlainText()
    check_page(reader, page, reader.index)
    # Coming back later, at the new size, opens on the same text.
    qtbot.mouseClick(reader.back_button, LEFT)
    page.open_lesson("lua-dao")
    reader = page.reader
    qtbot.waitUntil(lambda: reader.is_fitted() and reader.view.page_height() > 100)
    assert first_words in reader.view.toPlainText()
    assert reader.index > 4  # more, shorter pages at the largest size


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_library_fits_with_big_lesson_cards(app_look, context, qtbot, screen):
    set_text_size(app_look, context, "largest")
    page = LessonsPage(context)
    qtbot.addWidget(page)
    page.resize(*SCREENS[screen])
    page.show()
    qtbot.waitExposed(page)
    library = page.library
    viewport = library.scroll.viewport()
    assert library.buttons
    for button in library.buttons:
        assert button.height() >= 44
        # As wide as the screen allows, never wider: nothing hides on the right.
        assert button.mapTo(viewport, button.rect().topRight()).x() < viewport.width()
        for label in (button.title, button.detail):
            assert label.wordWrap()
    bar = library.scroll.verticalScrollBar()
    assert bar.isVisible() and bar.width() >= 16  # ten lessons: the list scrolls
    # The last lesson can be reached: scrolled to the end, its card is in view.
    library.scroll.ensureWidgetVisible(library.buttons[-1])
    last = library.buttons[-1]
    top = last.mapTo(viewport, last.rect().topLeft()).y()
    assert top >= 0 and top + last.height() <= viewport.height()
