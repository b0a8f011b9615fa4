"""Practice as a learner meets it: wrong answers in a lesson quiz come back the
next day in the "Practice" area, questions with several right answers, and
changing one's mind before answering."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import make_context

from skillsapp.i18n import _, format_percent, ngettext
from skillsapp.ui.lessons.library import LessonsPage
from skillsapp.ui.practice.area import PracticeArea

LEFT = Qt.MouseButton.LeftButton
NOTHING_DUE = _(
    "There are no questions to review today. Questions you answer wrongly come back here a day later."
)


@pytest.fixture
def context(tmp_path, qtbot):
    """The bundled pack installed, a learner chosen, the clock at FIXED_NOW."""
    context = make_context(tmp_path)
    context.set_profile(context.store.profiles.create("Nguyễn Thị Lan", birth_year=1962))
    yield context
    context.store.close()


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1080, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def lessons(context, qtbot):
    return show(qtbot, LessonsPage(context))


@pytest.fixture
def area(context, qtbot):
    return show(qtbot, PracticeArea(context))


def press(qtbot, page, key):
    """A key pressed on the focused control (the window holding ``page`` comes to the front)."""
    if not page.isActiveWindow():
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
    focused = QApplication.focusWidget()
    target = focused if focused is not None and page.isAncestorOf(focused) else page
    qtbot.keyClick(target, key)


def positions(practice, right=True):
    """Shown positions of the right options (or one wrong option)."""
    slot = practice.quiz.slots[practice.index]
    question = practice.quiz.questions[slot.question_id]
    good = sorted(slot.option_order.index(i) for i in question.correct)
    if right:
        return good
    return [next(p for p in range(len(question.options)) if p not in good)]


def answer_all(qtbot, page, practice, right):
    while practice.result is None:
        for position in positions(practice, right):
            press(qtbot, page, Qt.Key(Qt.Key.Key_1 + position))
        press(qtbot, page, Qt.Key.Key_Return)
        assert practice.verdict.text() == (_("Right!") if right else _("Not quite"))
        press(qtbot, page, Qt.Key.Key_Return)


def start_lesson_quiz(qtbot, lessons, lesson_id):
    button = next(b for b in lessons.library.buttons if b.lesson.id == lesson_id)
    qtbot.mouseClick(button, LEFT)
    reader = lessons.reader
    reader.show_page(reader.total - 1)
    qtbot.mouseClick(reader.quiz_button, LEFT)
    return lessons.practice


def test_wrong_answers_come_back_for_review_the_next_day(lessons, area, context, qtbot):
    profile = context.profile.id
    practice = start_lesson_quiz(qtbot, lessons, "lua-dao")
    answer_all(qtbot, lessons, practice, right=False)
    assert practice.score_label.text() == _("{correct}/{total} right ({percent})").format(
        correct=0, total=6, percent=format_percent(0)
    )
    assert practice.retry_button is not None and practice.retry_button.isVisible()
    assert format_percent(0.8) in practice.message.text()  # the pass mark
    assert context.store.progress.lesson(profile, "lua-dao").status == "in_progress"

    area.show_overview()
    assert area.overview.due_label.text().startswith(NOTHING_DUE)
    assert not area.overview.review_button.isVisible()

    context.clock.advance(days=1)
    area.show_overview()
    assert area.overview.due_label.text() == ngettext(
        "{n} question is waiting for review today.",
        "{n} questions are waiting for review today.",
        6,
    ).format(n=6)
    assert area.overview.review_button.text() == _("Review now")
    qtbot.mouseClick(area.overview.review_button, LEFT)
    review = area.practice
    assert review.quiz.record.kind == "review" and review.quiz.total == 6
    assert review.quiz_title.text() == _("Review")
    answer_all(qtbot, area, review, right=True)
    assert review.message.text() == _(
        "Well done: you have finished today's review. Questions you got wrong will come back tomorrow."
    )
    qtbot.mouseClick(review.back_button, LEFT)
    assert area.stack.currentWidget() is area.overview
    assert area.overview.due_label.text().startswith(NOTHING_DUE)
    assert context.store.progress.due_reviews(profile, context.now()) == []
    assert context.store.progress.review_count(profile) == 6  # back in three days, box 2


def test_try_again_starts_a_fresh_quiz(lessons, qtbot):
    practice = start_lesson_quiz(qtbot, lessons, "vneid")
    answer_all(qtbot, lessons, practice, right=False)
    qtbot.mouseClick(practice.retry_button, LEFT)
    again = lessons.practice
    assert again is not practice and again.quiz.record.id != practice.quiz.record.id
    assert again.counter.text() == _("Question {number}/{total}").format(number=1, total=7)
    qtbot.mouseClick(again.stop_button, LEFT)
    assert lessons.stack.currentWidget() is lessons.library


def test_several_right_answers_must_all_be_chosen(lessons, context, qtbot):
    practice = start_lesson_quiz(qtbot, lessons, "du-lieu-ca-nhan")
    while not practice.shown().multi:
        for position in positions(practice):
            press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + position))
        press(qtbot, lessons, Qt.Key.Key_Return)
        press(qtbot, lessons, Qt.Key.Key_Return)
    assert practice.multi_note.isVisible()
    assert practice.multi_note.text() == _("Choose all the right answers.")
    right = positions(practice)
    assert len(right) == 3
    for position in right[:2]:  # two of the three
        press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + position))
    assert [b.isChecked() for b in practice.options].count(True) == 2
    qtbot.mouseClick(practice.answer_button, LEFT)
    assert practice.verdict.text() == _("Not quite")
    missed = practice.options[right[2]]
    assert missed.property("result") == "right"
    assert missed.text().endswith("(" + _("Right answer") + ")")
    assert practice.options[right[0]].text().endswith("(" + _("Your choice: right") + ")")
    wrong = next(b for b in practice.options if b.position not in right)
    assert wrong.property("result") in ("", None)
    press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + wrong.position))  # too late to change
    assert not wrong.isChecked()


def test_changing_ones_mind_before_answering(lessons, context, qtbot):
    practice = start_lesson_quiz(qtbot, lessons, "vneid")
    if practice.shown().multi:  # one of its questions has several answers: take the next
        practice.show_question(1)
    assert not practice.multi_note.isVisible()
    wrong = positions(practice, right=False)[0]
    right = positions(practice)[0]
    press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + wrong))
    press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + right))
    assert [b.position for b in practice.options if b.isChecked()] == [right]
    context.clock.advance(seconds=12)
    qtbot.mouseClick(practice.answer_button, LEFT)
    assert practice.verdict.text() == _("Right!")
    assert practice.options[right].property("result") == "right"
    details = context.store.attempts.answer_details(practice.quiz.record.id)
    assert (
        len(details) == 1 and details[0]["elapsed_ms"] is not None and details[0]["elapsed_ms"] >= 0
    )
    assert practice.next_button.text() == _("Next question")


def test_nothing_to_review_is_said_plainly(area, context):
    assert area.stack.currentWidget() is area.overview
    assert area.overview.due_label.text() == NOTHING_DUE
    assert not area.overview.review_button.isVisible()
    assert len(area.overview.lesson_buttons) == len(context.store.content.lessons())
    assert area.overview.lesson_buttons[0].detail.text() == _("Practice not done yet")


def test_lesson_quiz_from_the_practice_area_shows_best_score(area, context, qtbot):
    button = next(b for b in area.overview.lesson_buttons if b.lesson.id == "lua-dao")
    qtbot.mouseClick(button, LEFT)
    practice = area.practice
    answer_all(qtbot, area, practice, right=True)
    assert practice.reread_button is None
    qtbot.mouseClick(practice.back_button, LEFT)
    button = next(b for b in area.overview.lesson_buttons if b.lesson.id == "lua-dao")
    assert button.detail.text() == _("Best score: {percent}").format(percent=format_percent(1.0))
    assert button.status.text() == _("Done")


def test_practice_without_a_learner(area, context, qtbot):
    context.set_profile(None)
    assert area.stack.currentWidget() is area.no_learner
    with qtbot.waitSignal(context.navigate) as signal:
        qtbot.mouseClick(area.no_learner.home_button, LEFT)
    assert signal.args == ["home", None]


AGAIN = _("Try this question again.")


def test_a_missed_question_coming_back_says_try_it_again(lessons, area, context, qtbot):
    assert AGAIN.startswith("Làm lại câu này")
    practice = start_lesson_quiz(qtbot, lessons, "lua-dao")
    # The first two missed: not passed, so "Try again" is offered.
    missed = {slot.question_id for slot in practice.quiz.slots[:2]}
    while practice.result is None:
        # Nothing has been missed yet: no question says "try again".
        assert not practice.again_banner.isVisibleTo(practice)
        for position in positions(practice, right=practice.index >= 2):
            press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + position))
        press(qtbot, lessons, Qt.Key.Key_Return)
        press(qtbot, lessons, Qt.Key.Key_Return)

    qtbot.mouseClick(practice.retry_button, LEFT)
    again = lessons.practice
    shown_again = 0
    while again.result is None:
        question_id = again.quiz.slots[again.index].question_id
        returning = question_id in missed
        assert again.again_banner.isVisibleTo(again) == returning
        assert (AGAIN in again.question_label.accessibleName()) == returning
        if returning:
            assert AGAIN in again.again_label.text()
            shown_again += 1
        for position in positions(again, right=True):
            press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + position))
        assert again.answer_button.isEnabled()
        press(qtbot, lessons, Qt.Key.Key_Return)
        assert again.verdict.text() == _("Right!")
        press(qtbot, lessons, Qt.Key.Key_Return)
    assert shown_again == 2

    # The next day the same question comes back in the review, and says so too.
    context.clock.advance(days=1)
    area.show_overview()
    qtbot.mouseClick(area.overview.review_button, LEFT)
    review = area.practice
    assert review.quiz.total == 2
    assert review.again_banner.isVisibleTo(review)


def test_the_answer_and_the_way_on_stay_in_view_on_a_small_screen(context, qtbot, qapp):
    from skillsapp.ui.shell.app import apply_look

    font, sheet = qapp.font(), qapp.styleSheet()
    context.update_settings(text_size="largest")
    apply_look(qapp, context, None)
    try:
        lessons = LessonsPage(context)
        qtbot.addWidget(lessons)
        lessons.resize(1024 - 240, 768 - 60)
        lessons.show()
        qtbot.waitExposed(lessons)
        practice = start_lesson_quiz(qtbot, lessons, "lua-dao")

        def in_view(widget):
            corner = widget.mapTo(lessons, widget.rect().topLeft())
            return widget.isVisible() and lessons.rect().contains(widget.rect().translated(corner))

        assert in_view(practice.answer_button)
        assert all(option.height() >= 44 for option in practice.options)
        for position in positions(practice):
            press(qtbot, lessons, Qt.Key(Qt.Key.Key_1 + position))
        qtbot.mouseClick(practice.answer_button, LEFT)
        assert in_view(practice.next_button) and not practice.answer_button.isVisible()
        # The bar stays put while the question and its explanation scroll above it.
        assert practice.scroll.verticalScrollBar().sizeHint().width() >= 16
    finally:
        qapp.setFont(font)
        qapp.setStyleSheet(sheet)


def test_not_passed_offers_to_read_the_lesson_again_from_its_first_page(lessons, context, qtbot):
    practice = start_lesson_quiz(qtbot, lessons, "lua-dao")
    answer_all(qtbot, lessons, practice, right=False)
    # "Làm lại" and going back stay in the bar below; reading again sits under the message.
    bar = practice.result_screen.action_bar
    assert bar.isAncestorOf(practice.retry_button) and bar.isAncestorOf(practice.back_button)
    assert practice.reread_button.isVisible()
    qtbot.mouseClick(practice.reread_button, LEFT)
    reader = lessons.reader
    assert lessons.stack.currentWidget() is reader
    assert reader.index == 0 and reader.view.toPlainText().startswith("Kẻ lừa đảo bây giờ")
    assert context.store.progress.lesson(context.profile.id, "lua-dao").position == 0
