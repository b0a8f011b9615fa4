"""What the end of a practice quiz says: the message, its icon and tone, and whether it
offers another try (the screen lays these out)."""

from __future__ import annotations

from dataclasses import dataclass

from skillsapp.flows.practice import QuizResult
from skillsapp.i18n import _, format_percent
from skillsapp.models import Lesson
from skillsapp.storage.progress import DONE


@dataclass(frozen=True)
class ResultMessage:
    text: str
    icon: str  # a Font Awesome name
    tone: str  # "good" or "accent"
    offer_retry: bool


def result_message(result: QuizResult, lesson: Lesson | None, pass_mark: float) -> ResultMessage:
    if lesson is None:
        return ResultMessage(
            _(
                "Well done: you have finished today's review. Questions you got wrong will come back tomorrow."
            ),
            "fa5s.check-circle",
            "good",
            False,
        )
    if result.passed:
        text = _("Congratulations! You have completed the lesson “{title}”.").format(
            title=lesson.title
        )
        icon, tone, retry = "fa5s.award", "good", False
    else:
        text = _(
            "Not passed this time: the lesson needs {mark} or more. Read the lesson again and try once more, "
            "you can do it."
        ).format(mark=format_percent(pass_mark / 100))
        if result.progress is not None and result.progress.status == DONE:
            text += " " + _("You completed this lesson before; it still counts as done.")
        icon, tone, retry = "fa5s.redo", "accent", True
    if result.correct < result.total:
        text += "\n" + _(
            "The questions you got wrong will come back for review in Practice tomorrow."
        )
    return ResultMessage(text, icon, tone, retry)
