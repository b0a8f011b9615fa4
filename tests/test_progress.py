"""The review schedule as the practice screen reads it."""

import datetime

from content_helpers import copy_example

from skillsapp.content.install import install_pack
from skillsapp.flows.practice import PracticeQuiz

NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def test_next_review_is_the_earliest_due_question(store, tmp_path):
    install_pack(store, copy_example(tmp_path))
    profile = store.profiles.create("Chú Ba")
    assert store.progress.next_review_at(profile.id) is None
    quiz = PracticeQuiz.for_lesson(store, profile.id, store.content.lesson("mat-khau"), NOW, seed=5)
    slot = quiz.slots[0]
    question = quiz.questions[slot.question_id]
    wrong = next(
        p for p in range(len(question.options)) if slot.option_order[p] not in question.correct
    )
    quiz.answer(0, [wrong], NOW)
    assert store.progress.next_review_at(profile.id) == NOW + DAY
    other = store.profiles.create("Cô Tư")
    assert store.progress.next_review_at(other.id) is None
