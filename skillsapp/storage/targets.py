"""Targets per commune (for example, residents to complete the basic programme this
year) and progress against them."""

from __future__ import annotations

from dataclasses import dataclass

from skillsapp.storage.connection import Database
from skillsapp.storage.ids import new_id, utc_now_iso

PROGRAMME_COMPLETED = "programme_completed"


@dataclass(frozen=True)
class TargetProgress:
    commune_code: str
    year: int
    target: int
    achieved: int

    @property
    def fraction(self) -> float:
        return self.achieved / self.target if self.target else 0.0


class Targets:
    def __init__(self, db: Database) -> None:
        self.db = db

    def set(
        self,
        commune_code: str,
        year: int,
        target: int,
        metric: str = PROGRAMME_COMPLETED,
        province_code: str | None = None,
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM targets WHERE commune_code = ? AND year = ? AND metric = ?",
                [commune_code, year, metric],
            )
            self.db.table("targets").insert(
                {
                    "id": new_id(),
                    "year": year,
                    "province_code": province_code,
                    "commune_code": commune_code,
                    "metric": metric,
                    "target": int(target),
                    "created_at": utc_now_iso(),
                }
            )

    def completed_programme(self, commune_code: str, year: int, lesson_ids: list[str]) -> int:
        """Residents of a commune who completed every lesson, the last one in ``year``."""
        if not lesson_ids:
            return 0
        marks = ",".join("?" * len(lesson_ids))
        rows = self.db.execute(
            f"SELECT lp.profile_id, count(*), max(lp.completed_at) FROM lesson_progress lp "
            f"JOIN profiles p ON p.id = lp.profile_id "
            f"WHERE p.commune_code = ? AND lp.status = 'done' AND lp.lesson_id IN ({marks}) GROUP BY lp.profile_id",
            [commune_code, *lesson_ids],
        )
        return sum(
            1
            for _pid, done, last in rows
            if done == len(lesson_ids) and last and last[:4] == str(year)
        )

    def progress(self, year: int, lesson_ids: list[str]) -> list[TargetProgress]:
        rows = self.db.execute(
            "SELECT commune_code, target FROM targets WHERE year = ? AND metric = ? ORDER BY commune_code",
            [year, PROGRAMME_COMPLETED],
        )
        return [
            TargetProgress(
                code, year, int(target), self.completed_programme(code, year, lesson_ids)
            )
            for code, target in rows
        ]
