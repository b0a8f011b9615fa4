"""Lesson quizzes complete lessons; wrong answers come back in spaced review."""

import datetime

import pytest
from content_helpers import copy_example

from skillsapp.content.install import install_pack
from skillsapp.flows.practice import PracticeQuiz

NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def lesson(store, tmp_path):
    install_pack(store, copy_example(tmp_path))
    return store.content.lesson("mat-khau")


@pytest.fixture
def profile(store):
    return store.profiles.create("Chú Ba")


def answer_all(quiz, right: bool, now=NOW):
    results = []
    for index in range(quiz.total):
        slot = quiz.slots[index]
        question = quiz.questions[slot.question_id]
        positions = [slot.option_order.index(i) for i in question.correct]
        if not right:
            positions = [p for p in range(len(question.options)) if p not in positions][:1]
        results.append(quiz.answer(index, positions, now))
    return results


def test_passing_the_quiz_completes_the_lesson(store, lesson, profile):
    quiz = PracticeQuiz.for_lesson(store, profile.id, lesson, NOW, seed=5)
    assert quiz.total == 2 and quiz.pass_mark == 80
    feedback = answer_all(quiz, right=True)
    assert all(f.correct for f in feedback)
    assert feedback[0].explanation
    result = quiz.finish(NOW)
    assert (result.correct, result.total, result.passed) == (2, 2, True)
    assert store.progress.lesson(profile.id, "mat-khau").status == "done"
    assert store.progress.review_count(profile.id) == 0
    assert [i.record_type for i in store.outbox.next_batch()] == ["lesson_progress"]


def test_failing_keeps_the_lesson_open_and_schedules_review(store, lesson, profile):
    quiz = PracticeQuiz.for_lesson(store, profile.id, lesson, NOW, seed=5)
    feedback = answer_all(quiz, right=False)
    assert not any(f.correct for f in feedback)
    assert feedback[0].right_positions  # the screen can show which options were right
    result = quiz.finish(NOW)
    assert not result.passed and result.percent == 0
    assert store.progress.lesson(profile.id, "mat-khau").status == "in_progress"
    assert store.progress.due_reviews(profile.id, NOW) == []  # not due yet: tomorrow
    due = store.progress.due_reviews(profile.id, NOW + DAY)
    assert sorted(due) == ["mat-khau-001", "mat-khau-002"]


def test_review_moves_questions_up_and_out(store, lesson, profile):
    answer_all(PracticeQuiz.for_lesson(store, profile.id, lesson, NOW, seed=5), right=False)
    assert PracticeQuiz.for_review(store, profile.id, NOW) is None
    review = PracticeQuiz.for_review(store, profile.id, NOW + DAY, seed=1)
    assert review.total == 2
    answer_all(review, right=True, now=NOW + DAY)
    review.finish(NOW + DAY)
    state = store.progress.review_state(profile.id, "mat-khau-001")
    assert state.box == 2 and state.due_at == NOW + 4 * DAY
    assert PracticeQuiz.for_review(store, profile.id, NOW + 2 * DAY) is None
    # Learnt after the last box: the question leaves the review.
    moment = NOW + DAY
    for _ in range(4):
        moment += 40 * DAY
        session = PracticeQuiz.for_review(store, profile.id, moment, seed=2)
        answer_all(session, right=True, now=moment)
        session.finish(moment)
    assert store.progress.review_count(profile.id) == 0


def test_reading_position_is_remembered(store, lesson, profile):
    store.progress.reading_at(profile.id, "mat-khau", 3)
    progress = store.progress.lesson(profile.id, "mat-khau")
    assert (progress.status, progress.position) == ("in_progress", 3)
