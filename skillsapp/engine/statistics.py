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


@dataclass(slots=True)
class _Sums:
    """Running sums for a correlation: memory stays flat however many attempts there are."""

    n: int = 0
    x: float = 0.0
    y: float = 0.0
    xx: float = 0.0
    yy: float = 0.0
    xy: float = 0.0

    def add(self, x: float, y: float) -> None:
        self.n += 1
        self.x += x
        self.y += y
        self.xx += x * x
        self.yy += y * y
        self.xy += x * y

    def correlation(self) -> float | None:
        if self.n < 2:
            return None
        sxx = self.xx - self.x * self.x / self.n
        syy = self.yy - self.y * self.y / self.n
        if sxx <= 1e-12 or syy <= 1e-12:
            return None
        return (self.xy - self.x * self.y / self.n) / math.sqrt(sxx * syy)


class StatisticsBuilder:
    """Per-question statistics built one attempt at a time, so they can be gathered while
    the attempts are read for something else (an export reads them once)."""

    def __init__(self) -> None:
        self.stats: dict[str, QuestionStats] = {}
        self.sums: dict[str, _Sums] = {}
        self.times: dict[str, tuple[int, int]] = {}

    def add(self, attempt: AttemptAnswers) -> None:
        self.add_answers(
            attempt.score,
            [(a.question_id, a.mark, a.chosen, a.elapsed_ms) for a in attempt.answers],
        )

    def add_answers(
        self,
        score: float,
        answers: Iterable[tuple[str, float, Sequence[int], int | None]],
    ) -> None:
        """One attempt's score and its answers as (question id, mark, options chosen,
        milliseconds): what :meth:`add` takes, without an object per answer (an export
        adds three million)."""
        stats, sums, times = self.stats, self.sums, self.times
        for qid, mark, chosen, elapsed_ms in answers:
            item = stats.get(qid)
            if item is None:
                item = stats[qid] = QuestionStats(qid)
                sums[qid] = _Sums()
            item.attempts += 1
            sums[qid].add(mark, score - mark)
            if not chosen:
                item.unanswered += 1
                continue
            counts = item.option_counts
            for option in chosen:
                counts[option] = counts.get(option, 0) + 1
            if elapsed_ms is not None:
                total, count = times.get(qid, (0, 0))
                times[qid] = (total + elapsed_ms, count + 1)

    def result(self) -> dict[str, QuestionStats]:
        for qid, item in self.stats.items():
            item.facility = self.sums[qid].x / self.sums[qid].n
            correlation = self.sums[qid].correlation()
            item.discrimination = None if correlation is None else 100 * correlation
            if qid in self.times:
                total, count = self.times[qid]
                item.average_ms = total / count
        return self.stats


def question_statistics(attempts: Iterable[AttemptAnswers]) -> dict[str, QuestionStats]:
    builder = StatisticsBuilder()
    for attempt in attempts:
        builder.add(attempt)
    return builder.result()
