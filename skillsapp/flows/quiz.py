"""What lesson quizzes and contest attempts share: a drawn layout shown one
question at a time, with answers saved as they are given."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from skillsapp.engine.draw import Slot
from skillsapp.engine.scoring import mark
from skillsapp.models import Question
from skillsapp.storage.attempts import AttemptRecord


@dataclass(frozen=True)
class ShownQuestion:
    """A question as it appears on screen: options already in the shown order."""

    number: int  # 1-based position in the attempt
    total: int
    question: Question
    options: tuple[str, ...]
    multi: bool
    image: str | None

    def own_indexes(self, slot: Slot, shown_positions: Sequence[int]) -> list[int]:
        return sorted(slot.option_order[p] for p in shown_positions)


@dataclass(frozen=True)
class Feedback:
    correct: bool
    mark: float
    explanation: str
    right_positions: tuple[int, ...]  # shown positions of the right options


class AttemptView:
    """An attempt with its questions, for screens to walk through."""

    def __init__(self, store, record: AttemptRecord, questions: dict[str, Question]) -> None:
        self.store = store
        self.record = record
        self.questions = questions
        # Questions removed from the installed content since the draw are skipped.
        self.slots: tuple[Slot, ...] = tuple(s for s in record.layout if s.question_id in questions)

    @property
    def total(self) -> int:
        return len(self.slots)

    def shown(self, index: int) -> ShownQuestion:
        slot = self.slots[index]
        question = self.questions[slot.question_id]
        return ShownQuestion(
            number=index + 1,
            total=self.total,
            question=question,
            options=tuple(question.options[i] for i in slot.option_order),
            multi=question.is_multi,
            image=question.image,
        )

    def chosen_positions(self) -> dict[int, tuple[int, ...]]:
        """Saved answers as shown positions, by question index (to restore a screen)."""
        saved = self.store.attempts.answers(self.record.id)
        result = {}
        for index, slot in enumerate(self.slots):
            own = saved.get(slot.question_id)
            if own:
                result[index] = tuple(sorted(slot.option_order.index(i) for i in own))
        return result

    def save_answer(
        self,
        index: int,
        shown_positions: Sequence[int],
        now: datetime.datetime,
        elapsed_ms: int | None = None,
    ) -> list[int]:
        slot = self.slots[index]
        own = sorted(slot.option_order[p] for p in shown_positions)
        self.store.attempts.record_answer(
            self.record.id, slot.question_id, own, now, elapsed_ms=elapsed_ms, position=index
        )
        return own

    def feedback(self, index: int, own: Sequence[int], partial_credit: bool = False) -> Feedback:
        slot = self.slots[index]
        question = self.questions[slot.question_id]
        value = mark(question, own, partial_credit)
        return Feedback(
            correct=value >= 1.0,
            mark=value,
            explanation=question.explanation,
            right_positions=tuple(sorted(slot.option_order.index(i) for i in question.correct)),
        )
