"""Plain data objects shared by the content loader, the engine, storage and reports.

They hold no behaviour beyond small conveniences and know nothing of files,
SQL or Qt.

>>> q = Question(id="q-1", topic="lua-dao", difficulty="easy", text="?",
...              options=("A", "B"), correct=(1,), explanation="…")
>>> q.is_multi
False
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

DIFFICULTIES = ("easy", "medium", "hard")
QUESTION_KINDS = ("choice", "truefalse")
COUNTING_RULES = ("best", "first", "last")
PREDICTION_KINDS = ("full_score_count", "entrant_count", "none")
MIN_OPTIONS, MAX_OPTIONS = 2, 6


@dataclass(frozen=True)
class Source:
    title: str
    url: str = ""
    date: str = ""  # the document's or page's date: "2025-04-29", or a year "2025"


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    title_en: str = ""
    order: int = 0


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    difficulty: str
    text: str
    options: tuple[str, ...]
    correct: tuple[int, ...]  # indexes into options, ascending
    explanation: str
    image: str | None = None  # path relative to the pack root
    title: str = ""
    kind: str = "choice"
    # Optional per-option credit in percent (GIFT ``~%50%``); empty = all-or-nothing.
    weights: tuple[float, ...] = ()
    option_feedback: tuple[str, ...] = ()
    pack_id: str = ""
    # Questions of one group ask the same thing: a draw never shows two of a group.
    exclusive: str = ""

    @property
    def is_multi(self) -> bool:
        return len(self.correct) > 1


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    topic: str
    order: int
    minutes: int  # reading time, computed from the body (skillsapp.content.reading)
    body: str  # Markdown; image paths rewritten relative to the pack root
    title_en: str = ""
    summary: str = ""
    summary_en: str = ""
    objectives: tuple[str, ...] = ()
    practice: tuple[str, ...] = ()  # question ids
    pass_mark: int = 80
    sources: tuple[Source, ...] = ()
    path: str = ""  # the lesson file, relative to the pack root
    pack_id: str = ""


@dataclass(frozen=True)
class Quota:
    """Draw ``count`` questions matching ``topic`` and/or ``difficulty`` (None = any)."""

    count: int
    topic: str | None = None
    difficulty: str | None = None


@dataclass(frozen=True)
class Round:
    id: str
    title: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime

    def is_open(self, now: datetime.datetime) -> bool:
        return self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class ContestRules:
    questions_per_attempt: int = 20
    quotas: tuple[Quota, ...] = ()
    time_limit_minutes: int = 15
    attempts_per_round: int | None = None
    attempts_per_day: int | None = 1
    counting: str = "best"
    shuffle_questions: bool = True
    shuffle_options: bool = True
    partial_credit: bool = False
    prediction: str = "full_score_count"
    min_age: int | None = None
    # Registration fields an entrant must give to be eligible for a prize.
    prize_fields: tuple[str, ...] = (
        "full_name",
        "date_of_birth",
        "id_number",
        "phone",
        "commune_code",
    )
    # Which questions the draw may use: topics (empty = all) from these packs (empty = all).
    topics: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contest:
    id: str
    title: str
    rules: ContestRules
    rounds: tuple[Round, ...]
    title_en: str = ""
    description: str = ""
    organiser: str = ""
    participant_groups: tuple[str, ...] = ()
    pack_id: str = ""
    # A trial contest is always open, unranked, and its attempts never leave the PC.
    trial: bool = False

    def round(self, round_id: str) -> Round:
        return next(r for r in self.rounds if r.id == round_id)

    def open_rounds(self, now: datetime.datetime) -> list[Round]:
        return [r for r in self.rounds if r.is_open(now)]


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    version: str
    language: str = "vi"
    title_en: str = ""
    summary: str = ""
    summary_en: str = ""
    audience: str = ""
    licence: str = ""
    sources: tuple[Source, ...] = ()
    topics: tuple[Topic, ...] = ()
    lessons: tuple[Lesson, ...] = ()
    questions: tuple[Question, ...] = ()
    contests: tuple[Contest, ...] = ()
    root: str = ""

    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}


@dataclass
class ImportReport:
    """What an import did: questions taken, and each one skipped with where and why."""

    imported: list[Question] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line or row, reason)
