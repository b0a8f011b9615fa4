"""Ranking a round: which attempt counts, the true figure, and the order.

Order within a round: higher score first; then the prediction closest to the
true figure; then the shorter time taken; then the earlier submission. Entrants
equal on all four share a rank ("1, 2, 2, 4"): ties are shown, never broken
at random.

>>> a = AttemptResult("a", "p1", 20, 20, 300_000, "2026-12-07T10:00:00+07:00", 12)
>>> b = AttemptResult("b", "p2", 20, 20, 300_000, "2026-12-07T10:00:00+07:00", 15)
>>> [(r.rank, r.result.entrant) for r in rank([a, b], true_figure=14)]
[(1, 'p2'), (2, 'p1')]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: str
    entrant: str  # one person in one contest (the registration)
    score: float
    max_score: float
    duration_ms: int
    submitted_at: str  # ISO 8601 with zone; compared as instants
    prediction: int | None = None

    @property
    def full_score(self) -> bool:
        return self.max_score > 0 and self.score >= self.max_score


@dataclass(frozen=True)
class Ranked:
    rank: int
    result: AttemptResult
    prediction_gap: float | None


def _instant(value: str) -> float:
    import datetime

    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.timestamp()


def _better_attempt_key(result: AttemptResult) -> tuple:
    return (-result.score, result.duration_ms, _instant(result.submitted_at), result.attempt_id)


def counting_attempts(
    results: Iterable[AttemptResult], counting: str = "best"
) -> list[AttemptResult]:
    """One attempt per entrant: the best (score, then time, then earlier), the first or the last."""
    chosen: dict[str, AttemptResult] = {}
    for result in results:
        current = chosen.get(result.entrant)
        if current is None:
            chosen[result.entrant] = result
            continue
        if counting == "best":
            if _better_attempt_key(result) < _better_attempt_key(current):
                chosen[result.entrant] = result
        elif counting == "first":
            if _instant(result.submitted_at) < _instant(current.submitted_at):
                chosen[result.entrant] = result
        elif counting == "last":
            if _instant(result.submitted_at) > _instant(current.submitted_at):
                chosen[result.entrant] = result
        else:
            raise ValueError(f"unknown counting rule {counting!r}")
    return list(chosen.values())


def true_figure(
    counted: Sequence[AttemptResult], prediction: str = "full_score_count"
) -> int | None:
    """The figure entrants tried to predict, computed from the attempts that count."""
    if prediction == "full_score_count":
        return sum(1 for r in counted if r.full_score)
    if prediction == "entrant_count":
        return len(counted)
    return None


def rank_key(result: AttemptResult, figure: int | None) -> tuple[float, float, int, float]:
    gap = (
        math.inf if figure is None or result.prediction is None else abs(result.prediction - figure)
    )
    return (-result.score, gap, result.duration_ms, _instant(result.submitted_at))


def rank(counted: Iterable[AttemptResult], true_figure: int | None) -> list[Ranked]:
    """Rank counted attempts; equal keys share a rank (standard competition ranking)."""
    keyed = sorted(
        ((rank_key(r, true_figure), r) for r in counted),
        key=lambda pair: (pair[0], pair[1].entrant),
    )
    ranked: list[Ranked] = []
    previous_key = None
    current_rank = 0
    for position, (key, result) in enumerate(keyed, start=1):
        if key != previous_key:
            current_rank = position
            previous_key = key
        gap = None if math.isinf(key[1]) else key[1]
        ranked.append(Ranked(current_rank, result, gap))
    return ranked


def rank_round(
    results: Iterable[AttemptResult], counting: str, prediction: str
) -> tuple[list[Ranked], int | None]:
    """Everything at once: choose counting attempts, compute the true figure, rank."""
    counted = counting_attempts(results, counting)
    figure = true_figure(counted, prediction)
    return rank(counted, figure), figure
