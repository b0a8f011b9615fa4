"""Ranking a round: which attempt counts, the true figure, and the order.

Order within a round: higher score first; then the prediction closest to the
true figure; then the shorter time taken; then the earlier submission. Entrants
equal on all four share a rank ("1, 2, 2, 4"): ties are shown, never broken
at random.

>>> a = AttemptResult("a", "p1", 20, 20, 300_000, "2026-12-07T10:00:00+07:00", 12)
>>> b = AttemptResult("b", "p2", 20, 20, 300_000, "2026-12-07T10:00:00+07:00", 15)
>>> [(r.rank, r.result.entrant) for r in rank([a, b], true_figure=14)]
[(1, 'p2'), (2, 'p1')]

A round can hold 100,000 attempts, so the hot paths below work column by column with
built-ins (comprehensions, ``sort`` without a key function, ``map`` of built-ins) rather
than a Python function call per attempt, and make as few objects as the answer needs.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
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


_AS_WRITTEN = _SameFormatInstants()
_SHAPE_LENGTH = len("2026-12-07T00:00:00+00:00")
_offset_of = itemgetter(slice(-6, None))
_separator_of = itemgetter(10)


def _instants_for(results: Sequence[AttemptResult]) -> _Instants | _SameFormatInstants:
    texts = [r.submitted_at for r in results]
    # Built-ins mapped over the column (no Python call per attempt): one length, one zone
    # offset and one date-time separator for all means the text sorts as the instant does.
    if set(map(len, texts)) == {_SHAPE_LENGTH}:
        offsets = set(map(_offset_of, texts))
        if len(offsets) == 1 and len(set(map(_separator_of, texts))) == 1:
            offset = next(iter(offsets))
            if offset[0] in "+-" and offset[3] == ":":
                return _AS_WRITTEN
    return _Instants()


def _when_getter(instants: _Instants | _SameFormatInstants) -> Callable[[AttemptResult], Any]:
    """A result's submission as compared: the text itself, or its parsed instant."""
    if isinstance(instants, _SameFormatInstants):
        return attrgetter("submitted_at")
    return lambda result: instants[result.submitted_at]


def _better_tie(
    result: AttemptResult, current: AttemptResult, when: Callable[[AttemptResult], Any]
) -> bool:
    """Between two attempts with the same score: the shorter time, then the earlier
    submission, then the smaller attempt id (so the choice never depends on their order)."""
    return (result.duration_ms, when(result), result.attempt_id) < (
        current.duration_ms,
        when(current),
        current.attempt_id,
    )


def counting_attempts(
    results: Iterable[AttemptResult],
    counting: str = "best",
    instants: _Instants | _SameFormatInstants | None = None,
) -> list[AttemptResult]:
    """One attempt per entrant: the best (score, then time, then earlier), the first or the last."""
    if counting not in ("best", "first", "last"):
        raise ValueError(f"unknown counting rule {counting!r}")
    when = _when_getter(_Instants() if instants is None else instants)
    chosen: dict[str, AttemptResult] = {}
    get = chosen.get
    # The result itself is kept (no key tuple per attempt): most attempts are an entrant's
    # only one or lose on score alone, so the full comparison is made only on a tie.
    if counting == "best":
        for result in results:
            current = get(result.entrant)
            if (
                current is None
                or result.score > current.score
                or (result.score == current.score and _better_tie(result, current, when))
            ):
                chosen[result.entrant] = result
    else:
        later = counting == "last"
        for result in results:
            current = get(result.entrant)
            if current is None:
                chosen[result.entrant] = result
                continue
            mine, theirs = when(result), when(current)
            # Submitted at the same moment: the smaller attempt id, as the SQL rankings pick.
            if (mine > theirs if later else mine < theirs) or (
                mine == theirs and result.attempt_id < current.attempt_id
            ):
                chosen[result.entrant] = result
    return list(chosen.values())


def true_figure(
    counted: Sequence[AttemptResult], prediction: str = "full_score_count"
) -> int | None:
    """The figure entrants tried to predict, computed from the attempts that count."""
    if prediction == "full_score_count":
        # ``full_score`` spelt out: a property call per attempt costs as much as the test.
        return sum(1 for r in counted if r.max_score > 0 and r.score >= r.max_score)
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


_new_tuple = tuple.__new__


def rank(
    counted: Iterable[AttemptResult],
    true_figure: int | None,
    instants: _Instants | _SameFormatInstants | None = None,
) -> list[Ranked]:
    """Rank counted attempts; equal keys share a rank (standard competition ranking)."""
    results = counted if isinstance(counted, list) else list(counted)
    instants = _instants_for(results) if instants is None else instants
    if isinstance(instants, _SameFormatInstants):
        whens: list[Any] = [r.submitted_at for r in results]
    else:
        whens = [instants[r.submitted_at] for r in results]
    inf = math.inf
    figure = true_figure
    no_figure = figure is None
    # Plain tuples sorted as they are (no key function), built in one comprehension: the
    # rank key (score, gap, time, submission), then the entrant (a stable order among
    # ties), then the position to find the result again. No prediction is the ``inf`` gap.
    keyed = [
        (
            -r.score,
            inf if no_figure or (guess := r.prediction) is None else abs(guess - figure),
            r.duration_ms,
            when,
            r.entrant,
            index,
        )
        for index, (r, when) in enumerate(zip(results, whens, strict=True))
    ]
    keyed.sort()
    ranked: list[Ranked] = []
    append = ranked.append
    current_rank = 0
    before: tuple[Any, ...] = (None, None, None, None)
    # One pass: a place whose key differs from the one before starts a new rank at its
    # position. ``tuple.__new__`` makes the Ranked without a Python frame (``Ranked(...)``
    # is a Python function).
    for position, (score, gap, duration, when, _entrant, index) in enumerate(keyed, start=1):
        key = (score, gap, duration, when)
        if key != before:
            current_rank = position
            before = key
        append(_new_tuple(Ranked, (current_rank, results[index], None if gap == inf else gap)))
    return ranked


def rank_round(
    results: Iterable[AttemptResult], counting: str, prediction: str
) -> tuple[list[Ranked], int | None]:
    """Everything at once: choose counting attempts, compute the true figure, rank."""
    results = results if isinstance(results, list) else list(results)
    instants = _instants_for(results)
    counted = counting_attempts(results, counting, instants)
    figure = true_figure(counted, prediction)
    return rank(counted, figure, instants), figure
