"""Lesson progress and the review schedule of each learner."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from skillsapp.engine.review import ReviewState
from skillsapp.storage.connection import Database
from skillsapp.storage.ids import new_id, parse_iso, utc_now_iso
from skillsapp.storage.outbox import Outbox

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    status: str
    position: int
    best_percent: float | None
    completed_at: str | None


class Progress:
    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox

    def lesson(self, profile_id: str, lesson_id: str) -> LessonProgress:
        row = self.db.execute(
            "SELECT status, position, best_percent, completed_at FROM lesson_progress "
            "WHERE profile_id = ? AND lesson_id = ?",
            [profile_id, lesson_id],
        ).fetchone()
        if row is None:
            return LessonProgress(lesson_id, NOT_STARTED, 0, None, None)
        return LessonProgress(lesson_id, row[0], int(row[1] or 0), row[2], row[3])

    def all_lessons(self, profile_id: str) -> dict[str, LessonProgress]:
        rows = self.db.execute(
            "SELECT lesson_id, status, position, best_percent, completed_at FROM lesson_progress WHERE profile_id = ?",
            [profile_id],
        )
        return {r[0]: LessonProgress(r[0], r[1], int(r[2] or 0), r[3], r[4]) for r in rows}

    def _upsert(self, profile_id: str, lesson_id: str, **values: object) -> dict[str, object]:
        now = utc_now_iso()
        with self.db.atomic():
            existing = self.db.execute(
                "SELECT id, created_at, status, best_percent, completed_at FROM lesson_progress "
                "WHERE profile_id = ? AND lesson_id = ?",
                [profile_id, lesson_id],
            ).fetchone()
            row: dict[str, object] = {
                "id": existing[0] if existing else new_id(),
                "profile_id": profile_id,
                "lesson_id": lesson_id,
                "status": existing[2] if existing else IN_PROGRESS,
                "best_percent": existing[3] if existing else None,
                "completed_at": existing[4] if existing else None,
                "created_at": existing[1] if existing else now,
                "updated_at": now,
            }
            row.update(values)
            self.db.table("lesson_progress").upsert(row, pk="id")
            if values.get("status") == DONE and not (existing and existing[2] == DONE):
                commune = self.db.execute(
                    "SELECT commune_code FROM profiles WHERE id = ?", [profile_id]
                ).fetchone()
                payload = {**row, "commune_code": commune[0] if commune else None}
                self.outbox.queue("lesson_progress", str(row["id"]), payload)
        return row

    def reading_at(self, profile_id: str, lesson_id: str, position: int) -> None:
        """Remember where the learner stopped reading."""
        current = self.lesson(profile_id, lesson_id)
        status = current.status if current.status == DONE else IN_PROGRESS
        self._upsert(profile_id, lesson_id, position=position, status=status)

    def quiz_result(
        self, profile_id: str, lesson_id: str, percent: float, passed: bool
    ) -> LessonProgress:
        current = self.lesson(profile_id, lesson_id)
        best = max(percent, current.best_percent or 0.0)
        values: dict[str, object] = {"best_percent": best}
        if passed and current.status != DONE:
            values.update(status=DONE, completed_at=utc_now_iso())
        self._upsert(profile_id, lesson_id, **values)
        return self.lesson(profile_id, lesson_id)

    # -- review schedule --------------------------------------------------------------
    def review_state(self, profile_id: str, question_id: str) -> ReviewState | None:
        row = self.db.execute(
            "SELECT box, due_at FROM review_items WHERE profile_id = ? AND question_id = ?",
            [profile_id, question_id],
        ).fetchone()
        return ReviewState(int(row[0]), parse_iso(row[1])) if row else None

    def set_review_state(
        self, profile_id: str, question_id: str, state: ReviewState | None, correct: bool
    ) -> None:
        now = utc_now_iso()
        with self.db.atomic():
            if state is None:
                self.db.execute(
                    "DELETE FROM review_items WHERE profile_id = ? AND question_id = ?",
                    [profile_id, question_id],
                )
                return
            existing = self.db.execute(
                "SELECT id, created_at FROM review_items WHERE profile_id = ? AND question_id = ?",
                [profile_id, question_id],
            ).fetchone()
            self.db.table("review_items").upsert(
                {
                    "id": existing[0] if existing else new_id(),
                    "profile_id": profile_id,
                    "question_id": question_id,
                    "box": state.box,
                    "due_at": state.due_at.isoformat(),
                    "last_result": int(correct),
                    "created_at": existing[1] if existing else now,
                    "updated_at": now,
                },
                pk="id",
            )

    def due_reviews(self, profile_id: str, now: datetime.datetime) -> list[str]:
        rows = self.db.execute(
            "SELECT question_id, due_at FROM review_items WHERE profile_id = ? ORDER BY due_at, question_id",
            [profile_id],
        )
        return [qid for qid, due in rows if parse_iso(due) <= now]

    def next_review_at(self, profile_id: str) -> datetime.datetime | None:
        """When the learner's earliest review question comes due (None: nothing to review).

        >>> store.progress.next_review_at(profile.id)       # doctest: +SKIP
        datetime.datetime(2026, 12, 9, 2, 0, tzinfo=datetime.timezone.utc)
        """
        row = self.db.execute(
            "SELECT min(due_at) FROM review_items WHERE profile_id = ?", [profile_id]
        ).fetchone()
        return parse_iso(row[0]) if row and row[0] else None

    def review_count(self, profile_id: str) -> int:
        return int(
            self.db.execute(
                "SELECT count(*) FROM review_items WHERE profile_id = ?", [profile_id]
            ).fetchone()[0]
        )
