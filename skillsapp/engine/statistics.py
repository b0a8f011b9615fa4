"""Per-question statistics for organisers (Moodle's definitions).

* facility = mean mark / maximum mark (0..1; higher is easier);
* discrimination index = 100 × correlation between the question's mark and the
  rest of the test (the attempt's score without this question);
* how often each option was chosen, and the average time to answer.

Attempts draw different questions, so each question's figures use only the
attempts that showed it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AnsweredQuestion:
    question_id: str
    mark: float  # 0..1
    chosen: tuple[int, ...]  # option indexes in the question's own order
    elapsed_ms: int | None = None


@dataclass(frozen=True)
class AttemptAnswers:
    attempt_id: str
    score: float
    answers: Sequence[AnsweredQuestion]


@dataclass
class QuestionStats:
    question_id: str
    attempts: int = 0
    facility: float | None = None
    discrimination: float | None = None
    option_counts: dict[int, int] = field(default_factory=dict)
    unanswered: int = 0
    average_ms: float | None = None


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def question_statistics(attempts: Iterable[AttemptAnswers]) -> dict[str, QuestionStats]:
    marks: dict[str, list[float]] = {}
    rests: dict[str, list[float]] = {}
    stats: dict[str, QuestionStats] = {}
    times: dict[str, list[int]] = {}
    for attempt in attempts:
        for answer in attempt.answers:
            item = stats.setdefault(answer.question_id, QuestionStats(answer.question_id))
            item.attempts += 1
            marks.setdefault(answer.question_id, []).append(answer.mark)
            rests.setdefault(answer.question_id, []).append(attempt.score - answer.mark)
            if not answer.chosen:
                item.unanswered += 1
            for option in answer.chosen:
                item.option_counts[option] = item.option_counts.get(option, 0) + 1
            if answer.elapsed_ms is not None and answer.chosen:
                times.setdefault(answer.question_id, []).append(answer.elapsed_ms)
    for qid, item in stats.items():
        item.facility = sum(marks[qid]) / len(marks[qid])
        correlation = _correlation(marks[qid], rests[qid])
        item.discrimination = None if correlation is None else 100 * correlation
        if times.get(qid):
            item.average_ms = sum(times[qid]) / len(times[qid])
    return stats
