"""Small builders for engine tests."""

from __future__ import annotations

import datetime

from skillsapp.models import ContestRules, Question, Quota, Round

UTC = datetime.UTC
T0 = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam


def question(
    qid: str, topic: str = "t1", difficulty: str = "easy", correct=(0,), n: int = 4
) -> Question:
    return Question(
        qid,
        topic,
        difficulty,
        f"Câu {qid}?",
        tuple(f"{qid}-{i}" for i in range(n)),
        tuple(correct),
        "Vì…",
    )


def bank(per_topic: int = 10, topics=("t1", "t2", "t3")) -> list[Question]:
    levels = ("easy", "medium", "hard")
    return [question(f"{t}-{i:03d}", t, levels[i % 3]) for t in topics for i in range(per_topic)]


def rules(**changes) -> ContestRules:
    base = dict(
        questions_per_attempt=6,
        quotas=(Quota(2, "t1"), Quota(2, "t2"), Quota(2, "t3")),
        time_limit_minutes=10,
        attempts_per_day=1,
    )
    base.update(changes)
    return ContestRules(**base)


def week(opens=T0 - datetime.timedelta(days=1)) -> Round:
    return Round("r1", "Tuần 1", opens, opens + datetime.timedelta(days=7))


def answer_all(
    attempt,
    right: int,
    moment: datetime.datetime,
    step: datetime.timedelta = datetime.timedelta(0),
    elapsed_ms: int | None = None,
) -> None:
    """Answer a contest attempt through its own flow: the first ``right`` questions with
    their key (as shown, after the option shuffle), the rest with one wrong option; the
    k-th answer is given at ``moment + k * step``."""
    for index in range(attempt.total):
        slot = attempt.slots[index]
        question = attempt.questions[slot.question_id]
        shown = [slot.option_order.index(i) for i in question.correct]
        if index >= right:
            shown = [p for p in range(len(question.options)) if p not in shown][:1]
        extra = {} if elapsed_ms is None else {"elapsed_ms": elapsed_ms}
        attempt.answer(index, shown, moment + step * index, **extra)
