"""Lesson quizzes and spaced review: immediate feedback, progress, and the
questions a learner got wrong coming back over the following days."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from skillsapp.engine.draw import draw_practice
from skillsapp.engine.review import schedule
from skillsapp.engine.scoring import mark, score
from skillsapp.flows.quiz import AttemptView, Feedback
from skillsapp.models import Lesson, Question
from skillsapp.storage.progress import LessonProgress


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    percent: float
    passed: bool
    progress: LessonProgress | None = None


class PracticeQuiz(AttemptView):
    """A lesson's practice quiz (kind "practice") or a review session (kind "review")."""

    pass_mark: int = 80
    lesson: Lesson | None = None
    # Questions this learner got wrong before and has not yet learnt, as they were when
    # the quiz began: the screen says "try this question again" for them.
    returning: frozenset[str] = frozenset()

    def _note_returning(self) -> None:
        profile = self.record.profile_id
        self.returning = frozenset(
            slot.question_id
            for slot in self.slots
            if self.store.progress.review_state(profile, slot.question_id) is not None
        )

    def is_returning(self, index: int) -> bool:
        """Whether the question at ``index`` is one the learner missed before, coming back.

        >>> retry = PracticeQuiz.for_lesson(store, profile.id, lesson, now)  # doctest: +SKIP
        >>> retry.is_returning(0)                                           # doctest: +SKIP
        True
        """
        return self.slots[index].question_id in self.returning

    @classmethod
    def for_lesson(
        cls, store, profile_id: str, lesson: Lesson, now: datetime.datetime, seed: int | None = None
    ) -> PracticeQuiz:
        questions = store.content.questions(list(lesson.practice))
        seed = secrets.randbits(31) if seed is None else seed
        record = store.attempts.start(
            profile_id=profile_id,
            kind="practice",
            seed=seed,
            layout=draw_practice(questions, seed),
            now=now,
            lesson_id=lesson.id,
        )
        quiz = cls(store, record, {q.id: q for q in questions})
        quiz.lesson, quiz.pass_mark = lesson, lesson.pass_mark
        quiz._note_returning()
        return quiz

    @classmethod
    def for_review(
        cls,
        store,
        profile_id: str,
        now: datetime.datetime,
        limit: int = 10,
        seed: int | None = None,
    ) -> PracticeQuiz | None:
        due = store.progress.due_reviews(profile_id, now)[:limit]
        questions = store.content.questions(due)
        if not questions:
            return None
        seed = secrets.randbits(31) if seed is None else seed
        record = store.attempts.start(
            profile_id=profile_id,
            kind="review",
            seed=seed,
            layout=draw_practice(questions, seed),
            now=now,
        )
        quiz = cls(store, record, {q.id: q for q in questions})
        quiz._note_returning()
        return quiz

    def answer(
        self,
        index: int,
        shown_positions: Sequence[int],
        now: datetime.datetime,
        elapsed_ms: int | None = None,
    ) -> Feedback:
        """Save the answer, update the review schedule, and say whether it was right."""
        own = self.save_answer(index, shown_positions, now, elapsed_ms)
        result = self.feedback(index, own)
        question_id = self.slots[index].question_id
        profile = self.record.profile_id
        state = self.store.progress.review_state(profile, question_id)
        if self.record.kind == "review" or not result.correct:
            self.store.progress.set_review_state(
                profile, question_id, schedule(state, result.correct, now), result.correct
            )
        return result

    def finish(self, now: datetime.datetime) -> QuizResult:
        answers = self.store.attempts.answers(self.record.id)
        total_score, maximum = score(self.slots, answers, self.questions)
        marks = {
            qid: mark(self.questions[qid], chosen)
            for qid, chosen in answers.items()
            if qid in self.questions
        }
        self.store.attempts.finish(
            self.record.id,
            score=total_score,
            max_score=maximum,
            marks=marks,
            submitted_at=now,
            duration_ms=int((now - self.record.started_at).total_seconds() * 1000),
            sync=False,
        )
        percent = 100.0 * total_score / maximum if maximum else 0.0
        passed = percent >= self.pass_mark
        progress = None
        if self.record.kind == "practice" and self.record.lesson_id:
            progress = self.store.progress.quiz_result(
                self.record.profile_id, self.record.lesson_id, percent, passed
            )
        return QuizResult(int(total_score), int(maximum), percent, passed, progress)


def lesson_questions(store, lesson: Lesson) -> list[Question]:
    return store.content.questions(list(lesson.practice))
