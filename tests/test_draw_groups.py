"""Draw version 2: never two questions of one ``exclusive`` group, in contests, lesson
quizzes and group quizzes; version 1 stays as it was."""

from __future__ import annotations

import dataclasses

import pytest
from engine_helpers import bank, question, rules
from hypothesis import given, settings
from hypothesis import strategies as st

from skillsapp.engine.draw import (
    DRAW_VERSION,
    DRAWS,
    DrawError,
    QuestionBank,
    draw,
    draw_practice,
    draw_units,
    repeated_group,
)
from skillsapp.models import Quota

SEEDS = st.integers(min_value=0, max_value=2**31 - 1)


def grouped_bank() -> list:
    """3 topics of 10; in t1 four groups of 2 (ids 0–7) and in t2 a group of 3 (0–2); one
    group spans topics t1 and t3 (t1-008, t3-000), like a question filed under two topics."""
    groups = {
        **{f"t1-{i:03d}": f"g{i // 2}" for i in range(8)},
        **{f"t2-{i:03d}": "t2-trio" for i in range(3)},
        "t1-008": "cross",
        "t3-000": "cross",
    }
    return [dataclasses.replace(q, exclusive=groups.get(q.id, "")) for q in bank()]


def test_the_app_draws_with_version_2_and_the_server_keeps_version_1():
    assert DRAW_VERSION == 2 and set(DRAWS) == {1, 2}


@given(seed=SEEDS)
@settings(max_examples=300, deadline=None)
def test_version_2_never_shows_two_of_a_group_and_meets_the_quotas(seed):
    questions = QuestionBank(grouped_bank())
    tight = rules(
        questions_per_attempt=15,
        quotas=(Quota(6, "t1"), Quota(8, "t2"), Quota(1, "t3")),
    )
    for contest_rules in (rules(), tight):
        layout = DRAWS[2](questions, contest_rules, seed)
        assert repeated_group(layout, questions) is None
        ids = [s.question_id for s in layout]
        assert len(set(ids)) == len(ids) == contest_rules.questions_per_attempt
        wanted = {q.topic: q.count for q in contest_rules.quotas}
        got = {t: sum(questions.by_id[i].topic == t for i in ids) for t in wanted}
        assert got == wanted
        assert DRAWS[2](questions, contest_rules, seed) == layout


def test_version_1_can_show_two_of_a_group_which_version_2_avoids():
    questions = QuestionBank(grouped_bank())
    tight = rules(questions_per_attempt=6, quotas=(Quota(6, "t1"),))
    v1 = [repeated_group(DRAWS[1](questions, tight, s), questions) for s in range(50)]
    v2 = [repeated_group(DRAWS[2](questions, tight, s), questions) for s in range(50)]
    assert any(v1) and not any(v2)


@given(seed=SEEDS)
@settings(max_examples=100, deadline=None)
def test_without_groups_version_2_draws_what_version_1_draws(seed):
    questions = QuestionBank(bank())
    for contest_rules in (rules(), rules(quotas=(), questions_per_attempt=9)):
        assert DRAWS[2](questions, contest_rules, seed) == DRAWS[1](questions, contest_rules, seed)


def test_every_member_of_a_group_can_be_drawn():
    questions = QuestionBank(grouped_bank())
    one = rules(questions_per_attempt=3, quotas=(Quota(3, "t2"),))
    drawn = {s.question_id for seed in range(200) for s in draw(questions, one, seed)}
    assert {"t2-000", "t2-001", "t2-002"} <= drawn


def test_a_quota_groups_leave_too_few_for_fails_to_draw():
    questions = QuestionBank(grouped_bank())
    # t1 has 10 questions but only 6 units (4 pairs + t1-008 + t1-009)
    with pytest.raises(DrawError):
        draw(questions, rules(questions_per_attempt=7, quotas=(Quota(7, "t1"),)), 1)
    assert len(draw(questions, rules(questions_per_attempt=6, quotas=(Quota(6, "t1"),)), 1)) == 6


def test_draw_units_keep_the_order_of_first_ids():
    questions = QuestionBank(grouped_bank())
    ids = questions.matching(Quota(0, "t1"))
    units = draw_units(ids, questions)
    assert units[:2] == [("t1-000", "t1-001"), ("t1-002", "t1-003")]
    assert units[-2:] == [("t1-008",), ("t1-009",)]


@given(seed=SEEDS)
@settings(max_examples=100, deadline=None)
def test_lesson_quiz_keeps_one_question_of_each_group(seed):
    lesson = [
        dataclasses.replace(question("a"), exclusive="otp"),
        dataclasses.replace(question("b"), exclusive="otp"),
        question("c"),
        question("d"),
    ]
    layout = draw_practice(lesson, seed)
    ids = {s.question_id for s in layout}
    assert len(ids) == 3 and {"c", "d"} <= ids and len(ids & {"a", "b"}) == 1


def test_lesson_quiz_without_groups_keeps_every_question():
    lesson = [question(f"q{i}") for i in range(8)]
    assert {s.question_id for s in draw_practice(lesson, 5)} == {q.id for q in lesson}


def _store_with(questions):
    from types import SimpleNamespace

    return SimpleNamespace(content=SimpleNamespace(question_bank=lambda: QuestionBank(questions)))


def test_group_quiz_keeps_one_question_of_each_group_and_its_size():
    from types import SimpleNamespace

    from skillsapp.flows.group_session import group_quiz_questions

    questions = grouped_bank()
    store = _store_with(questions)
    for number in range(40):
        session = SimpleNamespace(id=f"buoi-{number}", topic="t1")
        picked = group_quiz_questions(store, session, count=5)
        groups = [q.exclusive for q in picked if q.exclusive]
        assert len(picked) == 5 and len(set(groups)) == len(groups)
        assert [q.id for q in group_quiz_questions(store, session, count=5)] == [
            q.id for q in picked
        ]


def test_group_quiz_without_groups_picks_what_it_always_picked():
    import random
    from types import SimpleNamespace

    from skillsapp.flows.group_session import group_quiz_questions

    questions = bank()
    session = SimpleNamespace(id="buoi-1", topic="t2")
    t2 = [q for q in sorted(questions, key=lambda q: q.id) if q.topic == "t2"]
    before = random.Random("buoi-1").sample(t2, 5)  # the pick before groups existed
    assert group_quiz_questions(_store_with(questions), session, count=5) == before
