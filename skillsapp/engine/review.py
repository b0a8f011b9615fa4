"""Spaced review of missed questions (a Leitner schedule).

A question answered wrongly enters box 1 and comes back the next day. Each
right answer in review moves it up a box, further apart; a wrong one sends it
back to box 1. Past the last box it is learnt and leaves the review.

>>> state = schedule(None, correct=False, now=NOW)            # doctest: +SKIP
>>> state.box, state.due_at - NOW                             # doctest: +SKIP
(1, datetime.timedelta(days=1))
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

INTERVAL_DAYS = (1, 3, 7, 14, 30)  # box 1..5


@dataclass(frozen=True)
class ReviewState:
    box: int
    due_at: datetime.datetime


def schedule(
    current: ReviewState | None, correct: bool, now: datetime.datetime
) -> ReviewState | None:
    """The next state after an answer; None means the question leaves the review."""
    if not correct:
        return ReviewState(1, now + datetime.timedelta(days=INTERVAL_DAYS[0]))
    if current is None:
        return None  # answered right outside review: nothing to review
    box = current.box + 1
    if box > len(INTERVAL_DAYS):
        return None
    return ReviewState(box, now + datetime.timedelta(days=INTERVAL_DAYS[box - 1]))


def is_due(state: ReviewState, now: datetime.datetime) -> bool:
    return state.due_at <= now
