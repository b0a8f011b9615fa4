"""Contests as an organiser manages them: checking a contest before it is saved,
and opening or closing a round by hand.

Pure functions over models: the caller saves the result with
``store.content.save_contest(contest, source="local")``.

>>> problems = validate_contest(contest, store.content.question_bank())   # doctest: +SKIP
>>> contest = open_round_now(contest, "vong-2", now)                       # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from skillsapp.content.formats.common import slugify
from skillsapp.engine.draw import QuestionBank
from skillsapp.engine.rules import VIETNAM
from skillsapp.errors import AppError
from skillsapp.i18n import N_, _
from skillsapp.models import Contest, Quota, Round

# Field names a problem belongs to, so a screen can show it next to that part of the form.
TITLE, RULES, QUOTAS, ROUNDS = "title", "rules", "quotas", "rounds"

UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"

DIFFICULTY_LABELS = {"easy": N_("Easy"), "medium": N_("Medium"), "hard": N_("Hard")}
COUNTING_LABELS = {
    "best": N_("The best attempt in the round counts"),
    "first": N_("The first attempt in the round counts"),
    "last": N_("The last attempt in the round counts"),
}
PREDICTION_LABELS = {
    "full_score_count": N_("Guess how many entrants will answer every question right"),
    "entrant_count": N_("Guess how many entrants will take part"),
    "none": N_("No extra question"),
}


@dataclass(frozen=True)
class ContestProblem:
    field: str  # TITLE, RULES, QUOTAS or ROUNDS
    message: str

    def __str__(self) -> str:
        return self.message


class RoundChangeRefused(AppError):
    """A round cannot be opened or closed now; ``detail`` says why."""

    def user_message(self) -> str:
        return self.detail


def round_status(round_: Round, now: datetime.datetime) -> str:
    """``"upcoming"``, ``"open"`` or ``"closed"`` at ``now``."""
    if now < round_.opens_at:
        return UPCOMING
    return OPEN if now < round_.closes_at else CLOSED


def difficulty_label(difficulty: str | None) -> str:
    if difficulty is None:
        return _("any difficulty")
    return _(DIFFICULTY_LABELS.get(difficulty, difficulty))


def _topic_label(topic: str | None, titles: Mapping[str, str]) -> str:
    if topic is None:
        return _("any topic")
    return titles.get(topic, topic)


def _round_name(round_: Round, index: int) -> str:
    return round_.title or _("Round {n}").format(n=index + 1)


def contest_problems(
    contest: Contest, bank: QuestionBank, topic_titles: Mapping[str, str] | None = None
) -> list[ContestProblem]:
    """Everything that stops ``contest`` from running, each tied to a part of the form.

    Quotas are checked against the worst case of the draw: a quota's questions may
    already have been taken by an earlier quota that overlaps it.
    """
    titles = topic_titles or {}
    rules = contest.rules
    found: list[ContestProblem] = []
    if not contest.title.strip():
        found.append(ContestProblem(TITLE, _("Please give the contest a title.")))
    count = rules.questions_per_attempt
    if not 1 <= count <= 200:
        found.append(ContestProblem(RULES, _("An attempt must have from 1 to 200 questions.")))
    if not 1 <= rules.time_limit_minutes <= 300:
        found.append(ContestProblem(RULES, _("The time limit must be from 1 to 300 minutes.")))
    found += _quota_problems(
        rules.quotas, count, bank.restricted(rules.topics, rules.packs), titles
    )
    found += _round_problems(contest.rounds)
    return found


def validate_contest(
    contest: Contest, bank: QuestionBank, topic_titles: Mapping[str, str] | None = None
) -> list[str]:
    """The plain messages of :func:`contest_problems`; empty when the contest can be saved."""
    return [p.message for p in contest_problems(contest, bank, topic_titles)]


def _quota_problems(
    quotas: tuple[Quota, ...], count: int, pool: QuestionBank, titles: Mapping[str, str]
) -> list[ContestProblem]:
    found: list[ContestProblem] = []
    if not quotas:
        if len(pool) < count:
            found.append(
                ContestProblem(
                    QUOTAS,
                    _(
                        "An attempt needs {need} questions but only {have} are installed on this computer."
                    ).format(need=count, have=len(pool)),
                )
            )
        return found
    if any(q.count < 1 for q in quotas):
        found.append(ContestProblem(QUOTAS, _("Each quota line needs at least 1 question.")))
    total = sum(q.count for q in quotas)
    if total != count:
        found.append(
            ContestProblem(
                QUOTAS,
                _(
                    "The quota lines add up to {total} questions, but an attempt has {count}."
                ).format(total=total, count=count),
            )
        )
    earlier: list[tuple[Quota, set[str]]] = []
    for index, quota in enumerate(quotas):
        ids = set(pool.matching(quota))
        taken = sum(min(q.count, len(ids & other)) for q, other in earlier)
        have = max(0, len(ids) - taken)
        if quota.count > have:
            found.append(
                ContestProblem(
                    QUOTAS,
                    _(
                        "Quota line {n} needs {need} questions ({topic}, {difficulty}) "
                        "but only {have} are available."
                    ).format(
                        n=index + 1,
                        need=quota.count,
                        topic=_topic_label(quota.topic, titles),
                        difficulty=difficulty_label(quota.difficulty),
                        have=have,
                    ),
                )
            )
        earlier.append((quota, ids))
    return found


def _round_problems(rounds: tuple[Round, ...]) -> list[ContestProblem]:
    if not rounds:
        return [ContestProblem(ROUNDS, _("Add at least one round."))]
    found: list[ContestProblem] = []
    names = {r.id: _round_name(r, i) for i, r in enumerate(rounds)}
    for index, round_ in enumerate(rounds):
        if not round_.title.strip():
            found.append(ContestProblem(ROUNDS, _("Round {n} needs a title.").format(n=index + 1)))
        if round_.closes_at <= round_.opens_at:
            found.append(
                ContestProblem(
                    ROUNDS,
                    _("Round “{round}” closes before it opens.").format(round=names[round_.id]),
                )
            )
    if len({r.id for r in rounds}) != len(rounds):
        found.append(ContestProblem(ROUNDS, _("Two rounds have the same id.")))
    message = _overlap(rounds, names)
    if message:
        found.append(ContestProblem(ROUNDS, message))
    return found


def _overlap(rounds: Iterable[Round], names: Mapping[str, str]) -> str | None:
    ordered = sorted((r for r in rounds if r.closes_at > r.opens_at), key=lambda r: r.opens_at)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.opens_at < before.closes_at:
            return _(
                "Rounds “{a}” and “{b}” overlap; a moment can belong to one round only."
            ).format(a=names.get(before.id, before.id), b=names.get(after.id, after.id))
    return None


def _moment(now: datetime.datetime) -> datetime.datetime:
    return now.astimezone(VIETNAM).replace(microsecond=0)


def _replace_round(contest: Contest, round_id: str, changed: Round) -> Contest:
    rounds = tuple(changed if r.id == round_id else r for r in contest.rounds)
    names = {r.id: _round_name(r, i) for i, r in enumerate(rounds)}
    message = _overlap(rounds, names)
    if message:
        raise RoundChangeRefused(round_id, message)
    return dataclasses.replace(contest, rounds=rounds)


def _find(contest: Contest, round_id: str) -> tuple[Round, str]:
    for index, round_ in enumerate(contest.rounds):
        if round_.id == round_id:
            return round_, _round_name(round_, index)
    raise RoundChangeRefused(round_id, _("This contest has no round {id}.").format(id=round_id))


def open_round_now(contest: Contest, round_id: str, now: datetime.datetime) -> Contest:
    """The contest with round ``round_id`` opening at ``now`` (it keeps its closing time).

    Raises :class:`RoundChangeRefused` when the round is already open, has closed,
    or would overlap another round.
    """
    round_, name = _find(contest, round_id)
    status = round_status(round_, now)
    if status == OPEN:
        raise RoundChangeRefused(round_id, _("Round “{round}” is already open.").format(round=name))
    if status == CLOSED:
        raise RoundChangeRefused(
            round_id, _("Round “{round}” has already closed.").format(round=name)
        )
    return _replace_round(contest, round_id, dataclasses.replace(round_, opens_at=_moment(now)))


def close_round_now(contest: Contest, round_id: str, now: datetime.datetime) -> Contest:
    """The contest with round ``round_id`` closing at ``now``; refused unless it is open."""
    round_, name = _find(contest, round_id)
    if round_status(round_, now) != OPEN:
        raise RoundChangeRefused(round_id, _("Round “{round}” is not open now.").format(round=name))
    closes = max(_moment(now), round_.opens_at + datetime.timedelta(seconds=1))
    return _replace_round(contest, round_id, dataclasses.replace(round_, closes_at=closes))


def new_contest_id(title: str, taken: Iterable[str]) -> str:
    """A readable, unused id for a new contest: ``"thi-xa-an-khanh"``, then ``-2``, ``-3``…

    >>> new_contest_id("Thi xã An Khánh", ["thi-xa-an-khanh"])
    'thi-xa-an-khanh-2'
    """
    used = set(taken)
    base = slugify(title)[:60].strip("-") or "cuoc-thi"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def new_round_id(rounds: Iterable[Round]) -> str:
    """The next unused round id: ``"vong-1"``, ``"vong-2"``…"""
    used = {r.id for r in rounds}
    n = 1
    while f"vong-{n}" in used:
        n += 1
    return f"vong-{n}"
