"""A group session as its screens need it: the list of sessions, the lessons and
quiz questions of its topic, quick check-in of a new person, and the results of
the group quiz the leader counted on the projector.

>>> questions = group_quiz_questions(store, session)        # doctest: +SKIP
>>> share_right(questions[0], [3, 12, 1, 0])                # doctest: +SKIP
0.75
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from skillsapp.models import Lesson, Question, Quota
from skillsapp.storage.group_sessions import GroupSession, SessionQuizItem
from skillsapp.storage.live_figures import LiveSessionSummary
from skillsapp.storage.profiles import Profile

GROUP_QUIZ_SIZE = 5


@dataclass(frozen=True)
class SessionListItem:
    session: GroupSession
    topic_title: str
    attendance: int


@dataclass(frozen=True)
class QuizOutcome:
    """One question of the group quiz with the counts the leader entered."""

    question: Question
    counts: tuple[int, ...]  # in the question's own option order

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def right(self) -> int:
        return sum(self.counts[i] for i in self.question.correct if i < len(self.counts))

    @property
    def share_right(self) -> float | None:
        return share_right(self.question, self.counts)


@dataclass(frozen=True)
class PhoneOutcome:
    """One question as residents answered it on their phones (every game of the session)."""

    question: Question
    answers: int
    right: int

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None


@dataclass(frozen=True)
class SessionSummary:
    """Everything the report screen and the PDF show; plain data, safe to hand to a thread."""

    session: GroupSession
    topic_title: str
    attendees: list[str] = field(default_factory=list)  # checked-in names only
    lessons: list[str] = field(default_factory=list)  # titles of the topic's lessons
    quiz: list[QuizOutcome] = field(default_factory=list)
    phone: LiveSessionSummary = field(default_factory=LiveSessionSummary)
    phone_quiz: list[PhoneOutcome] = field(default_factory=list)  # in the order asked

    @property
    def attendance(self) -> int:
        """Who came: the checked-in names plus phone players who gave no name (counted,
        not listed; :mod:`skillsapp.storage.live_figures` says how)."""
        return len(self.attendees) + self.phone.anonymous_players

    @property
    def average_right(self) -> float | None:
        return average_right(self.quiz)

    @property
    def phone_quiz_apart(self) -> list[PhoneOutcome]:
        """The phone questions the group quiz results do not already show as they are: not
        revealed (the game ended first), or counted again by hand, or asked in two games.
        A single game revealed to the end leaves none: its tallies are the quiz results."""
        totals = {o.question.id: o.total for o in self.quiz}
        return [o for o in self.phone_quiz if totals.get(o.question.id) != o.answers]


@dataclass(frozen=True)
class SessionDefaults:
    """What a new session form starts with: the last session's place, group and leader."""

    place: str = ""
    group_name: str = ""
    leader: str = ""
    topic: str = ""


def topic_title(store, topic_id: str) -> str:
    """The topic's title, or its id when the pack that had it is gone."""
    for topic in store.content.topics():
        if topic.id == topic_id:
            return topic.title
    return topic_id


def session_list(store) -> list[SessionListItem]:
    """Every session, newest first, with its topic title and how many came."""
    titles = {t.id: t.title for t in store.content.topics()}
    return [
        SessionListItem(s, titles.get(s.topic, s.topic), store.sessions.attendance(s.id))
        for s in store.sessions.all()
    ]


def new_session_defaults(store) -> SessionDefaults:
    """A group meets in the same place with the same leader and goes through the topics
    in order: start from the last session, with the topic after the one it covered."""
    topics = [t.id for t in store.content.topics()]
    sessions = store.sessions.all()
    if not sessions:
        return SessionDefaults(topic=topics[0] if topics else "")
    last = sessions[0]
    if last.topic in topics:
        topic = topics[(topics.index(last.topic) + 1) % len(topics)]
    else:
        topic = topics[0] if topics else ""
    return SessionDefaults(last.place, last.group_name, last.leader, topic)


def topic_lessons(store, topic_id: str) -> list[Lesson]:
    """The lessons of a topic, in the pack's order."""
    return [lesson for lesson in store.content.lessons() if lesson.topic == topic_id]


def group_quiz_questions(
    store, session: GroupSession, count: int = GROUP_QUIZ_SIZE
) -> list[Question]:
    """``count`` questions of the session's topic, the same ones every time for this session.

    Only questions with one right answer are used: with several right answers, counts
    per option cannot tell who chose all of them. Options keep the question's own
    order, so the counts the leader enters are saved in that order.
    """
    bank = store.content.question_bank()
    candidates = [
        bank.by_id[qid]
        for qid in bank.matching(Quota(0, topic=session.topic))
        if not bank.by_id[qid].is_multi
    ]
    rng = random.Random(session.id)
    picked = candidates if len(candidates) <= count else rng.sample(candidates, count)
    # Two questions of one ``exclusive`` group ask the same thing: keep the first, and fill
    # its place from the rest (drawn after the sample, so sessions without groups keep the
    # questions they always had).
    groups: set[str] = set()
    kept = []
    for question in picked:
        if not (question.exclusive and question.exclusive in groups):
            groups.add(question.exclusive)
            kept.append(question)
    if len(kept) < len(picked):
        chosen = {q.id for q in picked}
        rest = [q for q in candidates if q.id not in chosen]
        rng.shuffle(rest)
        for question in rest:
            if len(kept) == len(picked):
                break
            if not (question.exclusive and question.exclusive in groups):
                groups.add(question.exclusive)
                kept.append(question)
    return kept


def answer_shares(counts: Sequence[int]) -> list[float]:
    """Each option's share of the answers (0 everywhere when nobody answered)."""
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def share_right(question: Question, counts: Sequence[int]) -> float | None:
    """The share of people who chose the right option, or None when nobody answered."""
    total = sum(counts)
    if not total:
        return None
    return sum(counts[i] for i in question.correct if i < len(counts)) / total


def average_right(outcomes: Iterable[QuizOutcome]) -> float | None:
    """The mean share of right answers over the questions anybody answered."""
    shares = [o.share_right for o in outcomes if o.share_right is not None]
    return sum(shares) / len(shares) if shares else None


def saved_counts(store, session_id: str) -> dict[str, tuple[int, ...]]:
    """The counts already saved for the session's quiz, by question id."""
    return {item.question_id: item.counts for item in store.sessions.quiz(session_id)}


def _ordered(items: list[SessionQuizItem], order: Sequence[str]) -> list[SessionQuizItem]:
    rank = {qid: i for i, qid in enumerate(order)}
    return sorted(items, key=lambda item: rank.get(item.question_id, len(rank)))


def session_summary(store, session_id: str) -> SessionSummary:
    """Who came, what the topic covers, the quiz results in the order they were asked, and
    what the phones answered."""
    report = store.sessions.report(session_id)
    session = report.session
    asked = [q.id for q in group_quiz_questions(store, session)]
    items = _ordered(report.quiz, asked)
    phone = store.live_games.summary(session_id)
    wanted = [i.question_id for i in items] + [f.question_id for f in phone.questions]
    questions = {q.id: q for q in store.content.questions(list(dict.fromkeys(wanted)))}
    return SessionSummary(
        session=session,
        topic_title=topic_title(store, session.topic),
        attendees=list(report.attendees),
        lessons=[lesson.title for lesson in topic_lessons(store, session.topic)],
        quiz=[
            QuizOutcome(questions[i.question_id], i.counts)
            for i in items
            if i.question_id in questions
        ],
        phone=phone,
        phone_quiz=[
            PhoneOutcome(questions[f.question_id], f.answers, f.right)
            for f in phone.questions
            if f.question_id in questions
        ],
    )


def add_and_check_in(
    store, session_id: str, name: str, birth_year: int | None, today: datetime.date
) -> Profile:
    """Create a profile for someone new and mark them present, in one step.

    Raises :class:`~skillsapp.errors.ValidationError` for an empty or too long name.
    """
    profile = store.profiles.create(name, birth_year=birth_year, current_year=today.year)
    store.sessions.check_in(session_id, profile.id)
    return profile
