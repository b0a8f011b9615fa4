"""Drawing attempts: quotas, no repeats, reproducibility from the seed."""

import pytest
from engine_helpers import bank, question, rules
from hypothesis import given, settings
from hypothesis import strategies as st

from skillsapp.engine.draw import DrawError, QuestionBank, draw, layout_from_json, layout_to_json
from skillsapp.models import Quota


@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
@settings(max_examples=60, deadline=None)
def test_draw_meets_quotas_without_repeats_and_is_reproducible(seed):
    questions = QuestionBank(bank())
    layout = draw(questions, rules(), seed)
    ids = [s.question_id for s in layout]
    assert len(ids) == 6 and len(set(ids)) == 6
    topics = sorted(questions.by_id[i].topic for i in ids)
    assert topics == ["t1", "t1", "t2", "t2", "t3", "t3"]
    for slot in layout:
        assert sorted(slot.option_order) == [0, 1, 2, 3]
    assert draw(questions, rules(), seed) == layout
    assert layout_from_json(layout_to_json(layout)) == layout


def test_different_seeds_give_different_draws():
    questions = QuestionBank(bank(per_topic=30))
    layouts = {tuple(s.question_id for s in draw(questions, rules(), seed)) for seed in range(20)}
    assert len(layouts) > 15


def test_quota_by_difficulty():
    questions = QuestionBank(bank())
    layout = draw(questions, rules(questions_per_attempt=3, quotas=(Quota(3, None, "hard"),)), 1)
    assert {questions.by_id[s.question_id].difficulty for s in layout} == {"hard"}


def test_overlapping_quotas_never_repeat_a_question():
    questions = QuestionBank(bank(per_topic=3, topics=("t1",)))
    layout = draw(
        questions,
        rules(questions_per_attempt=3, quotas=(Quota(1, "t1", "easy"), Quota(2, "t1"))),
        5,
    )
    assert len({s.question_id for s in layout}) == 3


def test_quota_the_bank_cannot_meet_is_a_clear_error():
    questions = QuestionBank(bank(per_topic=1))
    with pytest.raises(DrawError) as caught:
        draw(questions, rules(), 1)
    assert "2" in str(caught.value) and "t1" in str(caught.value) and "1" in str(caught.value)


def test_round_with_an_empty_bank_is_a_clear_error():
    with pytest.raises(DrawError):
        draw(QuestionBank([]), rules(questions_per_attempt=5, quotas=()), 1)


def test_true_false_options_keep_their_order_and_no_shuffle_keeps_order():
    tf = question("tf-1", n=2)
    tf = tf.__class__(**{**tf.__dict__, "kind": "truefalse"})
    questions = QuestionBank([tf])
    layout = draw(questions, rules(questions_per_attempt=1, quotas=()), 3)
    assert layout[0].option_order == (0, 1)
    plain = QuestionBank(bank())
    fixed = draw(plain, rules(shuffle_questions=False, shuffle_options=False), 9)
    assert all(s.option_order == (0, 1, 2, 3) for s in fixed)
    assert [plain.by_id[s.question_id].topic for s in fixed] == ["t1", "t1", "t2", "t2", "t3", "t3"]


def test_restricting_topics():
    questions = QuestionBank(bank())
    layout = draw(questions, rules(questions_per_attempt=4, quotas=(), topics=("t2",)), 2)
    assert {questions.by_id[s.question_id].topic for s in layout} == {"t2"}
