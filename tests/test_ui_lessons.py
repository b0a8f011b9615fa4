"""The lesson library and reader as a learner uses them: choose a lesson, page
through it, come back later to the same page, pass its quiz with the keyboard."""

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument, QTextTable
from PySide6.QtWidgets import QApplication
from ui_helpers import make_context

from skillsapp.content.install import bundled_packs
from skillsapp.i18n import _, ngettext
from skillsapp.ui.lessons import speech
from skillsapp.ui.lessons.library import LessonsPage
from skillsapp.ui.practice.area import PracticeArea
from skillsapp.ui.shell.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def context(tmp_path, qtbot):
    """The bundled pack installed, a learner chosen, the clock at FIXED_NOW."""
    context = make_context(tmp_path)
    context.set_profile(context.store.profiles.create("Nguyễn Thị Lan", birth_year=1962))
    yield context
    context.store.close()


@pytest.fixture
def page(context, qtbot):
    widget = LessonsPage(context)
    qtbot.addWidget(widget)
    widget.resize(1080, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def lesson_button(page, lesson_id):
    return next(b for b in page.library.buttons if b.lesson.id == lesson_id)


def press(qtbot, page, key):
    """A key as the learner presses it: to whatever has the focus inside the page."""
    focused = QApplication.focusWidget()
    target = focused if focused is not None and page.isAncestorOf(focused) else page
    qtbot.keyClick(target, key)


def open_lesson(qtbot, page, lesson_id):
    qtbot.mouseClick(lesson_button(page, lesson_id), LEFT)
    assert page.stack.currentWidget() is page.reader
    return page.reader


def test_library_shows_every_lesson_with_its_state(page, context):
    titles = [b.title.text() for b in page.library.buttons]
    bundled = sum(len(list((pack / "lessons").glob("*.md"))) for pack in bundled_packs())
    assert len(titles) == bundled and titles[0] == "Dùng điện thoại, máy tính an toàn"
    button = lesson_button(page, "lua-dao")
    assert button.status.text() == _("Not started")
    assert button.minutes.text().endswith(ngettext("{n} minute", "{n} minutes", 8).format(n=8))
    assert button.detail.text().startswith("Nhận ra các chiêu lừa")
    assert "Nguyễn Thị Lan" in page.library.summary.text()

    profile = context.profile.id
    context.store.progress.reading_at(profile, "lua-dao", 1)
    context.store.progress.quiz_result(profile, "vneid", 100.0, True)
    page.show_library()
    assert lesson_button(page, "lua-dao").status.text() == _("In progress")
    assert lesson_button(page, "vneid").status.text() == _("Done")
    assert lesson_button(page, "vneid").accessibleDescription().startswith(_("Done"))


def page_text(current, total):
    return _("Page {current}/{total}").format(current=current, total=total)


def test_reading_page_by_page_and_coming_back_to_the_same_page(page, context, qtbot):
    reader = open_lesson(qtbot, page, "lua-dao")
    assert reader.title.text() == "Nhận diện lừa đảo trực tuyến"
    total = reader.total
    assert total > 6  # cut to the screen: more pages than the lesson's six sections
    assert reader.page_label.text() == page_text(1, total)
    assert not reader.previous_button.isEnabled()
    # The "# title" line is shown in the header, not repeated in the text.
    assert reader.view.toPlainText().startswith("Kẻ lừa đảo bây giờ")
    qtbot.mouseClick(reader.next_button, LEFT)
    # A "##" section starts a new page.
    assert reader.view.toPlainText().startswith("Những chiêu lừa thường gặp")
    qtbot.mouseClick(reader.next_button, LEFT)
    assert reader.page_label.text() == page_text(3, total)
    third = reader.view.toPlainText()
    assert reader.previous_button.isEnabled() and not reader.quiz_button.isVisible()
    saved = context.store.progress.lesson(context.profile.id, "lua-dao").position
    assert saved == reader.pages[2].start

    qtbot.mouseClick(reader.back_button, LEFT)
    assert page.stack.currentWidget() is page.library
    assert lesson_button(page, "lua-dao").status.text() == _("In progress")
    reader = open_lesson(qtbot, page, "lua-dao")
    assert reader.page_label.text() == page_text(3, total)
    assert reader.view.toPlainText() == third
    press(qtbot, page, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.library


def test_pictures_are_drawn_at_the_reading_width_and_the_reminder_is_a_box(page, qtbot):
    reader = open_lesson(qtbot, page, "lua-dao")
    picture = next(i for i, b in enumerate(reader.blocks) if "lua-dao-tin-nhan.svg" in b.html)
    reader.show_page(reader.page_of(picture))
    document = reader.view.document()
    document.size()  # lays the page out, which loads its pictures
    image = document.resource(
        QTextDocument.ResourceType.ImageResource, QUrl("../images/lua-dao-tin-nhan.svg")
    )
    assert isinstance(image, QImage) and not image.isNull()
    shown_width = image.width() / image.devicePixelRatio()
    assert 200 < shown_width <= reader.view.column_width()
    # Never taller than the page: the whole picture is seen at once.
    assert image.height() / image.devicePixelRatio() < reader.view.page_height()

    reader.show_page(reader.total - 1)
    assert reader.quiz_button.isVisible() and not reader.next_button.isVisible()
    note = next(i for i, b in enumerate(reader.blocks) if "Ghi nhớ" in b.html)
    reader.show_page(reader.page_of(note))
    tables = [f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 1
    cell = tables[0].cellAt(0, 0)
    assert cell.firstCursorPosition().block().text() == "Ghi nhớ"
    assert cell.format().background().style() != Qt.BrushStyle.NoBrush


def test_read_aloud_reads_the_current_page(page, qtbot, monkeypatch):
    spoken: list[str] = []
    monkeypatch.setattr(speech, "speech_available", lambda: True)
    monkeypatch.setattr(speech, "speak", lambda text, language="vi": spoken.append(text) or True)
    reader = open_lesson(qtbot, page, "lua-dao")
    assert reader.read_button.isVisible()
    assert reader.read_button.text() == _("Read aloud")
    qtbot.mouseClick(reader.next_button, LEFT)
    qtbot.mouseClick(reader.read_button, LEFT)
    assert spoken and spoken[0].startswith("Những chiêu lừa thường gặp")
    assert "Giả danh công an" in spoken[0]


def test_read_aloud_is_hidden_without_a_speech_engine(page, qtbot, monkeypatch):
    monkeypatch.setattr(speech, "speech_available", lambda: False)
    reader = open_lesson(qtbot, page, "lua-dao")
    assert not reader.read_button.isVisible()


def answer_right_with_keys(qtbot, page, practice):
    """Press the number keys of the right options, then Enter; check the feedback; Enter again."""
    while practice.result is None:
        index = practice.index
        slot = practice.quiz.slots[index]
        question = practice.quiz.questions[slot.question_id]
        counter = _("Question {number}/{total}").format(number=index + 1, total=practice.quiz.total)
        assert practice.counter.text() == counter
        assert not practice.answer_button.isEnabled()
        for option in question.correct:
            press(qtbot, page, Qt.Key(Qt.Key.Key_1 + slot.option_order.index(option)))
        assert practice.answer_button.isEnabled()
        press(qtbot, page, Qt.Key.Key_Return)
        assert practice.verdict.text() == _("Right!")
        assert practice.explanation.text() == question.explanation
        assert practice.next_button.isVisible()
        press(qtbot, page, Qt.Key.Key_Return)


def test_passing_the_quiz_completes_the_lesson(page, context, qtbot):
    reader = open_lesson(qtbot, page, "lua-dao")
    while reader.next_button.isVisible():
        qtbot.mouseClick(reader.next_button, LEFT)
    assert reader.quiz_button.text() == _("Start the practice quiz")
    qtbot.mouseClick(reader.quiz_button, LEFT)
    practice = page.practice
    assert page.stack.currentWidget() is practice and practice.quiz.total == 6
    answer_right_with_keys(qtbot, page, practice)

    assert practice.stack.currentWidget() is practice.result_screen
    assert practice.score_label.text() == _("{correct}/{total} right ({percent})").format(
        correct=6, total=6, percent="100%"
    )
    expected = _("Congratulations! You have completed the lesson “{title}”.")
    assert practice.message.text() == expected.format(title="Nhận diện lừa đảo trực tuyến")
    assert practice.retry_button is None
    progress = context.store.progress.lesson(context.profile.id, "lua-dao")
    assert progress.status == "done" and progress.best_percent == 100
    assert context.store.progress.review_count(context.profile.id) == 0

    qtbot.mouseClick(practice.back_button, LEFT)
    assert page.stack.currentWidget() is page.library
    assert lesson_button(page, "lua-dao").status.text() == _("Done")


def test_without_a_learner_the_area_says_so_and_offers_the_home_page(page, context, qtbot):
    context.set_profile(None)
    assert page.stack.currentWidget() is page.no_learner
    assert page.no_learner.message.isVisible()
    with qtbot.waitSignal(context.navigate) as signal:
        qtbot.mouseClick(page.no_learner.home_button, LEFT)
    assert signal.args == ["home", None]
    context.set_profile(context.store.profiles.create("Trần Văn Nam"))
    assert page.stack.currentWidget() is page.library
    assert "Trần Văn Nam" in page.library.summary.text()


def test_changing_learner_closes_the_open_lesson(page, context, qtbot):
    open_lesson(qtbot, page, "vneid")
    context.set_profile(context.store.profiles.create("Trần Văn Nam"))
    assert page.stack.currentWidget() is page.library
    assert lesson_button(page, "vneid").status.text() == _("Not started")


def test_the_window_shows_the_lessons_and_practice_areas(context, qtbot):
    window = MainWindow(context, pages={"lessons": LessonsPage, "practice": PracticeArea})
    qtbot.addWidget(window)
    window.show()
    qtbot.mouseClick(window._nav_buttons["lessons"], LEFT)
    assert isinstance(window.page("lessons"), LessonsPage)
    assert window.current_area() == "lessons"
    qtbot.mouseClick(window._nav_buttons["practice"], LEFT)
    assert isinstance(window.page("practice"), PracticeArea)
