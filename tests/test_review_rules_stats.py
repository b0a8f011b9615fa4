"""Spaced review, attempt allowances, the clock, and per-question statistics."""

import datetime

import pytest
from engine_helpers import T0, rules, week

from skillsapp.engine.review import ReviewState, schedule
from skillsapp.engine.rules import Clock, age_on, allowance
from skillsapp.engine.statistics import AnsweredQuestion, AttemptAnswers, question_statistics

DAY = datetime.timedelta(days=1)


def test_review_schedule_spaces_out_and_resets():
    first = schedule(None, correct=False, now=T0)
    assert first == ReviewState(1, T0 + DAY)
    second = schedule(first, correct=True, now=T0 + DAY)
    assert second.box == 2 and second.due_at == T0 + DAY + 3 * DAY
    assert schedule(second, correct=False, now=T0 + 5 * DAY) == ReviewState(1, T0 + 6 * DAY)
    state = first
    for _ in range(4):
        state = schedule(state, correct=True, now=T0)
    assert state.box == 5
    assert schedule(state, correct=True, now=T0) is None  # learnt
    assert schedule(None, correct=True, now=T0) is None


def test_allowance_per_day_in_vietnam_time_and_per_round():
    r = week()
    one_a_day = rules(attempts_per_day=1)
    assert allowance(one_a_day, r, [], T0).allowed
    blocked = allowance(one_a_day, r, [T0], T0 + datetime.timedelta(hours=2))
    assert not blocked.allowed and "ngày mai" in blocked.reason
    # 23:30 in Vietnam is still the same day; 00:30 the next day is a new one.
    evening = datetime.datetime(2026, 12, 8, 16, 30, tzinfo=datetime.UTC)
    assert not allowance(one_a_day, r, [T0], evening).allowed
    assert allowance(one_a_day, r, [T0], evening + datetime.timedelta(hours=1)).allowed
    two_per_round = rules(attempts_per_day=None, attempts_per_round=2)
    assert not allowance(two_per_round, r, [T0, T0], T0 + 3 * DAY).allowed


def test_allowance_outside_the_round():
    r = week(opens=T0 + DAY)
    assert "mở" in allowance(rules(), r, [], T0).reason
    assert "đóng" in allowance(rules(), r, [], T0 + 30 * DAY).reason


def test_clock_never_gives_time_back_when_the_pc_clock_jumps_backwards():
    clock = Clock(
        deadline=T0 + datetime.timedelta(minutes=15),
        latest_seen=T0 + datetime.timedelta(minutes=10),
    )
    assert clock.remaining(T0 + datetime.timedelta(minutes=11)) == datetime.timedelta(minutes=4)
    # The clock was set back an hour: the attempt still has at most 5 minutes.
    assert clock.remaining(T0 - datetime.timedelta(hours=1)) == datetime.timedelta(minutes=5)
    assert clock.expired(T0 + datetime.timedelta(minutes=16))


def test_age():
    assert age_on(datetime.date(2010, 12, 9), datetime.date(2022, 12, 8)) == 11
    assert age_on(datetime.date(2010, 12, 8), datetime.date(2022, 12, 8)) == 12


def test_facility_and_discrimination_follow_moodle():
    attempts = []
    # q1 is easy (everyone right); q2 separates strong from weak entrants.
    for i, (m2, rest) in enumerate([(1, 8), (1, 7), (0, 3), (0, 2), (1, 9), (0, 1)]):
        answers = [
            AnsweredQuestion("q1", 1.0, (0,), 10_000),
            AnsweredQuestion("q2", float(m2), (1,) if m2 else (2,), 20_000),
        ]
        attempts.append(AttemptAnswers(f"a{i}", score=1 + m2 + rest, answers=answers))
    stats = question_statistics(attempts)
    assert stats["q1"].facility == 1.0 and stats["q1"].discrimination is None  # no variance
    assert stats["q2"].facility == pytest.approx(0.5)
    assert stats["q2"].discrimination > 80
    assert stats["q2"].option_counts == {1: 3, 2: 3}
    assert stats["q1"].average_ms == 10_000


def test_unanswered_questions_are_counted():
    stats = question_statistics([AttemptAnswers("a", 0, [AnsweredQuestion("q", 0.0, ())])])
    assert stats["q"].unanswered == 1 and stats["q"].average_ms is None


def test_statistics_counted_by_mark_and_score_match_a_direct_computation():
    """The builder counts answers by (mark, score) instead of summing each one: its figures
    equal those worked out directly from every answer (Python's own correlation)."""
    import random
    import statistics as py_statistics

    rng = random.Random(3)
    attempts = []
    for n in range(400):
        answers = []
        for q in rng.sample(range(12), 8):
            mark = rng.choice([0.0, 0.5, 1.0, 1.0])
            chosen = tuple(sorted(rng.sample(range(4), rng.choice([0, 1, 1, 2]))))
            elapsed = rng.choice([None, rng.randrange(1_000, 60_000)])
            answers.append(AnsweredQuestion(f"q{q}", mark, chosen, elapsed))
        score = sum(a.mark for a in answers)
        attempts.append(AttemptAnswers(f"a{n}", score, answers))
    stats = question_statistics(attempts)
    for qid, item in stats.items():
        shown = [(a.mark, t.score - a.mark, a) for t in attempts for a in t.answers]
        shown = [(x, y, a) for x, y, a in shown if a.question_id == qid]
        marks, rests = [x for x, _y, _a in shown], [y for _x, y, _a in shown]
        assert item.attempts == len(shown)
        assert item.facility == pytest.approx(sum(marks) / len(marks))
        expected = 100 * py_statistics.correlation(marks, rests)
        assert item.discrimination == pytest.approx(expected, rel=1e-9)
        assert item.unanswered == sum(1 for _x, _y, a in shown if not a.chosen)
        for option in range(4):
            picked = sum(1 for _x, _y, a in shown if option in a.chosen)
            assert item.option_counts.get(option, 0) == picked
        timed = [a.elapsed_ms for _x, _y, a in shown if a.chosen and a.elapsed_ms is not None]
        assert item.average_ms == pytest.approx(sum(timed) / len(timed))
