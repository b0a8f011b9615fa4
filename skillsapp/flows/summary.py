"""A learner's progress at a glance: lessons done, what to do next, streak, contests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from skillsapp.engine.rules import vietnam_day
from skillsapp.models import Lesson
from skillsapp.storage.attempts import AttemptRecord
from skillsapp.storage.progress import DONE


@dataclass(frozen=True)
class LearnerSummary:
    lessons_total: int
    lessons_done: list[Lesson]
    next_lesson: Lesson | None
    due_reviews: int
    streak_days: int
    contest_attempts: list[AttemptRecord] = field(default_factory=list)
    # Any learning done yet (a lesson opened, a practice quiz taken): a new learner "starts",
    # a returning one "continues". A contest taken is not a lesson started.
    has_progress: bool = False

    @property
    def programme_complete(self) -> bool:
        return self.lessons_total > 0 and len(self.lessons_done) == self.lessons_total


def practice_streak(days: set[datetime.date], today: datetime.date) -> int:
    """Consecutive days of practice ending today (or yesterday, so a streak survives until evening)."""
    start = today if today in days else today - datetime.timedelta(days=1)
    streak = 0
    while start - datetime.timedelta(days=streak) in days:
        streak += 1
    return streak


def learner_summary(store, profile_id: str, now: datetime.datetime) -> LearnerSummary:
    lessons = store.content.lessons()
    progress = store.progress.all_lessons(profile_id)
    done = [
        lesson
        for lesson in lessons
        if progress.get(lesson.id) and progress[lesson.id].status == DONE
    ]
    started = [lesson for lesson in lessons if lesson.id in progress and lesson not in done]
    untouched = [lesson for lesson in lessons if lesson.id not in progress]
    next_lesson = (started or untouched or [None])[0]
    practice = [
        record
        for record in store.attempts.for_profile(profile_id)
        if record.kind in ("practice", "review")
    ]
    practice_days = {
        vietnam_day(record.submitted_at) for record in practice if record.submitted_at is not None
    }
    return LearnerSummary(
        lessons_total=len(lessons),
        lessons_done=done,
        next_lesson=next_lesson,
        due_reviews=len(store.progress.due_reviews(profile_id, now)),
        streak_days=practice_streak(practice_days, vietnam_day(now)),
        contest_attempts=[
            r for r in store.attempts.for_profile(profile_id, "contest") if r.submitted
        ],
        has_progress=bool(progress or practice),
    )


@dataclass(frozen=True)
class Completer:
    name: str
    lessons: list[str]  # lesson titles, in programme order


def programme_completers(store) -> list[Completer]:
    """Everyone on this PC who has finished every installed lesson (for certificates)."""
    lessons = store.content.lessons()
    if not lessons:
        return []
    titles = [lesson.title for lesson in lessons]
    found = []
    for profile in store.profiles.list():
        progress = store.progress.all_lessons(profile.id)
        if all(
            progress.get(lesson.id) and progress[lesson.id].status == DONE for lesson in lessons
        ):
            found.append(Completer(profile.display_name, titles))
    return found
