"""Marking answers.

A single-answer question scores 1 when the right option is chosen. A question
with several right options scores 1 only when all of them and no wrong one are
chosen, unless the contest allows partial credit.

>>> q = Question("q", "t", "easy", "?", ("a", "b", "c", "d"), (0, 2), "…")
>>> mark(q, {0, 2}), mark(q, {0}), mark(q, {0}, partial_credit=True)
(1.0, 0.0, 0.5)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from skillsapp.engine.draw import Layout
from skillsapp.models import Question


def mark(question: Question, chosen: Collection[int], partial_credit: bool = False) -> float:
    """The mark for ``chosen`` option indexes (question order), from 0.0 to 1.0."""
    picked = set(chosen)
    right = set(question.correct)
    if picked == right:
        return 1.0
    if not partial_credit or not picked:
        return 0.0
    if question.weights:
        total = sum(question.weights[i] for i in picked if 0 <= i < len(question.weights))
        return max(0.0, min(1.0, total / 100.0))
    if len(right) == 1:
        return 0.0
    # Each right option earns its share; each wrong option takes one share away.
    share = (len(picked & right) - len(picked - right)) / len(right)
    return max(0.0, share)


def score(
    layout: Layout,
    answers: Mapping[str, Collection[int]],
    questions: Mapping[str, Question],
    partial_credit: bool = False,
) -> tuple[float, float]:
    """(score, maximum) of an attempt; unanswered questions score 0."""
    total = 0.0
    for slot in layout:
        chosen = answers.get(slot.question_id)
        question = questions.get(slot.question_id)
        if chosen and question is not None:
            total += mark(question, chosen, partial_credit)
    return round(total, 6), float(len(layout))


def shown_to_own(slot_order: tuple[int, ...], shown_positions: Collection[int]) -> list[int]:
    """Convert positions as shown on screen to the question's own option indexes."""
    return sorted(slot_order[p] for p in shown_positions)
