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

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple


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


class Ranked(NamedTuple):
    """One entrant's place (a tuple: a round can rank 100,000 of them, made in a loop)."""

    rank: int
    result: AttemptResult
    prediction_gap: float | None


def _instant(value: str) -> float:
    parsed = datetime.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.timestamp()


class _Instants(dict):
    """Submission times parsed once each: a round has many attempts, and parsing an ISO
    time costs more than everything else ranking does with it."""

    def __missing__(self, value: str) -> float:
        self[value] = instant = _instant(value)
        return instant


class _SameFormatInstants:
    """When every time is written alike (same length, same zone offset, as one PC or one
    server writes them), the text sorts as the instant does: compare it as it is."""

    def __getitem__(self, value: str) -> str:
        return value


def _instants_for(results: Sequence[AttemptResult]) -> _Instants | _SameFormatInstants:
    shapes = {(len(r.submitted_at), r.submitted_at[-6:]) for r in results}
    if len(shapes) == 1:
        length, offset = next(iter(shapes))
        if length == len("2026-12-07T00:00:00+00:00") and offset[0] in "+-" and offset[3] == ":":
            return _SameFormatInstants()
    return _Instants()


def counting_attempts(
    results: Iterable[AttemptResult], counting: str = "best", instants: _Instants | None = None
) -> list[AttemptResult]:
    """One attempt per entrant: the best (score, then time, then earlier), the first or the last."""
    if counting not in ("best", "first", "last"):
        raise ValueError(f"unknown counting rule {counting!r}")
    instants = _Instants() if instants is None else instants
    chosen: dict[str, tuple[Any, AttemptResult]] = {}
    get = chosen.get
    for result in results:
        when = instants[result.submitted_at]
        if counting == "best":
            key: Any = (-result.score, result.duration_ms, when, result.attempt_id)
        else:
            key = when
        current = get(result.entrant)
        if (
            current is None
            or (counting == "last" and key > current[0])
            or (counting != "last" and key < current[0])
        ):
            chosen[result.entrant] = (key, result)
    return [result for _key, result in chosen.values()]


def true_figure(
    counted: Sequence[AttemptResult], prediction: str = "full_score_count"
) -> int | None:
    """The figure entrants tried to predict, computed from the attempts that count."""
    if prediction == "full_score_count":
        return sum(1 for r in counted if r.full_score)
    if prediction == "entrant_count":
        return len(counted)
    return None


def rank_key(
    result: AttemptResult, figure: int | None, instants: _Instants | None = None
) -> tuple[float, float, int, float]:
    gap = (
        math.inf if figure is None or result.prediction is None else abs(result.prediction - figure)
    )
    when = _instant(result.submitted_at) if instants is None else instants[result.submitted_at]
    return (-result.score, gap, result.duration_ms, when)


def rank(
    counted: Iterable[AttemptResult], true_figure: int | None, instants: _Instants | None = None
) -> list[Ranked]:
    """Rank counted attempts; equal keys share a rank (standard competition ranking)."""
    instants = _Instants() if instants is None else instants
    results = list(counted)
    # Plain tuples sorted as they are (no key function): the rank key, then the entrant
    # (a stable order among ties), then the position to find the result again.
    keyed = [
        (*rank_key(r, true_figure, instants), r.entrant, index) for index, r in enumerate(results)
    ]
    keyed.sort()
    ranked: list[Ranked] = []
    append = ranked.append
    previous_key = None
    current_rank = 0
    inf = math.inf
    for position, item in enumerate(keyed, start=1):
        key = item[:4]
        if key != previous_key:
            current_rank = position
            previous_key = key
        append(Ranked(current_rank, results[item[5]], None if key[1] == inf else key[1]))
    return ranked


def rank_round(
    results: Iterable[AttemptResult], counting: str, prediction: str
) -> tuple[list[Ranked], int | None]:
    """Everything at once: choose counting attempts, compute the true figure, rank."""
    results = list(results)
    instants = _instants_for(results)
    counted = counting_attempts(results, counting, instants)
    figure = true_figure(counted, prediction)
    return rank(counted, figure, instants), figure
