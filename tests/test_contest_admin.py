"""Checking a contest an organiser made, and opening or closing rounds by hand."""

import dataclasses
import datetime

import pytest

from skillsapp.content.install import ensure_bundled_content
from skillsapp.engine.draw import QuestionBank, draw
from skillsapp.flows.contest_admin import (
    CLOSED,
    OPEN,
    QUOTAS,
    ROUNDS,
    TITLE,
    UPCOMING,
    RoundChangeRefused,
    close_round_now,
    contest_problems,
    new_contest_id,
    new_round_id,
    open_round_now,
    round_status,
    validate_contest,
)
from skillsapp.models import Contest, ContestRules, Question, Quota, Round

VN = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Vietnam


def question(n: int, topic: str, difficulty: str = "easy") -> Question:
    return Question(
        id=f"{topic}-{n:03d}",
        topic=topic,
        difficulty=difficulty,
        text="?",
        options=("A", "B"),
        correct=(0,),
        explanation="…",
    )


# 5 easy and 2 hard questions on "otp", 3 easy on "mat-khau".
BANK = QuestionBank(
    [question(i, "otp") for i in range(5)]
    + [question(10 + i, "otp", "hard") for i in range(2)]
    + [question(i, "mat-khau") for i in range(3)]
)


def week(n: int, start=datetime.datetime(2026, 12, 7, tzinfo=VN)) -> Round:
    opens = start + datetime.timedelta(days=7 * (n - 1))
    return Round(f"tuan-{n}", f"Tuần {n}", opens, opens + datetime.timedelta(days=7))


def contest(quotas=(), count=4, rounds=None, title="Thi thử") -> Contest:
    return Contest(
        id="thi-thu",
        title=title,
        rules=ContestRules(questions_per_attempt=count, quotas=tuple(quotas)),
        rounds=tuple(rounds if rounds is not None else (week(1), week(2))),
    )


def test_a_sound_contest_has_no_problems_and_can_be_drawn():
    good = contest([Quota(2, "otp", "hard"), Quota(2, "mat-khau")])
    assert validate_contest(good, BANK) == []
    assert len(draw(BANK, good.rules, seed=1)) == 4


def test_quotas_must_add_up_to_the_questions_of_an_attempt():
    problems = contest_problems(contest([Quota(1, "otp"), Quota(1, "mat-khau")]), BANK)
    assert [p.field for p in problems] == [QUOTAS]
    assert "2" in problems[0].message and "4" in problems[0].message


def test_a_quota_the_bank_cannot_meet_is_named_with_the_topic_title():
    messages = validate_contest(
        contest([Quota(3, "otp", "hard"), Quota(1, "mat-khau")]), BANK, {"otp": "Mã OTP"}
    )
    assert len(messages) == 1
    assert "Mã OTP" in messages[0] and "3" in messages[0] and "2" in messages[0]


def test_overlapping_quotas_are_checked_against_the_worst_draw():
    # "any 5" may take every "mat-khau" question, leaving none for the second line.
    risky = contest([Quota(5), Quota(3, "mat-khau")], count=8)
    assert len(validate_contest(risky, BANK)) == 1
    # The other way round is always fine: the specific line draws first.
    safe = contest([Quota(3, "mat-khau"), Quota(5)], count=8)
    assert validate_contest(safe, BANK) == []
    for seed in range(20):
        assert len(draw(BANK, safe.rules, seed)) == 8


def test_without_quotas_the_whole_bank_must_be_large_enough():
    assert validate_contest(contest(count=10), BANK) == []
    assert len(validate_contest(contest(count=11), BANK)) == 1


def test_title_and_rounds_are_checked():
    backwards = Round("vong-1", "Vòng 1", week(1).closes_at, week(1).opens_at)
    problems = contest_problems(contest(title=" ", rounds=[backwards]), BANK)
    assert {p.field for p in problems} == {TITLE, ROUNDS}
    assert any("Vòng 1" in p.message for p in problems)
    assert [p.field for p in contest_problems(contest(rounds=[]), BANK)] == [ROUNDS]


def test_overlapping_rounds_are_refused():
    late = dataclasses.replace(week(2), opens_at=week(1).opens_at + datetime.timedelta(days=3))
    messages = validate_contest(contest(rounds=[week(1), late]), BANK)
    assert len(messages) == 1 and "Tuần 1" in messages[0] and "Tuần 2" in messages[0]


def test_round_status_follows_the_clock():
    assert round_status(week(1), NOW) == OPEN
    assert round_status(week(2), NOW) == UPCOMING
    assert round_status(week(1), NOW + datetime.timedelta(days=7)) == CLOSED


def test_closing_then_opening_the_next_round_now():
    original = contest()
    closed = close_round_now(original, "tuan-1", NOW)
    assert closed.round("tuan-1").closes_at <= NOW
    assert round_status(closed.round("tuan-1"), NOW) == CLOSED
    assert closed.round("tuan-2") == original.round("tuan-2")
    opened = open_round_now(closed, "tuan-2", NOW)
    assert round_status(opened.round("tuan-2"), NOW) == OPEN
    assert opened.round("tuan-2").closes_at == original.round("tuan-2").closes_at
    assert opened.round("tuan-2").opens_at.utcoffset() == datetime.timedelta(hours=7)
    assert validate_contest(opened, BANK) == []


def test_opening_a_round_while_another_is_open_is_refused():
    with pytest.raises(RoundChangeRefused) as caught:
        open_round_now(contest(), "tuan-2", NOW)
    assert "Tuần 1" in str(caught.value) and "Tuần 2" in str(caught.value)


def test_rounds_in_the_wrong_state_are_refused():
    with pytest.raises(RoundChangeRefused):
        open_round_now(contest(), "tuan-1", NOW)  # already open
    with pytest.raises(RoundChangeRefused):
        close_round_now(contest(), "tuan-2", NOW)  # not open yet
    later = NOW + datetime.timedelta(days=30)
    with pytest.raises(RoundChangeRefused):
        open_round_now(contest(), "tuan-1", later)  # closed
    with pytest.raises(RoundChangeRefused):
        close_round_now(contest(), "khong-co", NOW)


def test_new_ids_are_readable_and_unused():
    assert new_contest_id("Thi tìm hiểu Đường sắt", []) == "thi-tim-hieu-duong-sat"
    assert new_contest_id("Thi", ["thi", "thi-2"]) == "thi-3"
    assert new_contest_id("!!!", []) == "cuoc-thi"
    assert new_round_id([week(1)]) == "vong-1"
    assert new_round_id([Round("vong-1", "", NOW, NOW)]) == "vong-2"


def test_the_bundled_contest_is_sound(store):
    ensure_bundled_content(store)
    titles = {t.id: t.title for t in store.content.topics()}
    for contest in store.content.contests():  # the sample contest and the trial
        assert validate_contest(contest, store.content.question_bank(), titles) == []
    bundled = store.content.contest("tim-hieu-chuyen-doi-so-2026")
    assert store.content.contest_source(bundled.id) == "pack"
    store.content.save_contest(close_round_now(bundled, "tuan-1", NOW), source="local")
    assert store.content.contest_source(bundled.id) == "local"
    assert store.content.contest_source("khong-co") is None
