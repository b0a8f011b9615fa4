"""The rows of a round's reports, read from the store: ranking, entrants,
participation per commune, per-question statistics and every attempt's answers.

Personal data is masked unless ``unmasked`` is asked for explicitly (the caller
records that choice in the audit log).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from skillsapp import geography
from skillsapp.engine.personal_numbers import mask_id_number, mask_phone
from skillsapp.engine.statistics import AnsweredQuestion, AttemptAnswers
from skillsapp.errors import AppError
from skillsapp.i18n import N_, _
from skillsapp.models import Contest, Round
from skillsapp.reports.cells import ExcelDateTime, date_or_text
from skillsapp.storage import round_standings
from skillsapp.storage.round_standings import RankedEntry, Standing

LETTERS = "ABCDEF"


class RoundNotReady(AppError):
    def user_message(self) -> str:
        return self.detail


@dataclass
class RoundReport:
    """A round to report on: its figures, and its ranking read from the store on demand
    (in order, one row at a time: nothing here grows with the number of attempts)."""

    store: object
    contest: Contest
    round: Round
    standing: Standing
    still_open: bool
    unmasked: bool = False

    @property
    def true_figure(self) -> int | None:
        return self.standing.true_figure

    @property
    def entrants(self) -> int:
        return self.standing.entrants

    @property
    def full_scores(self) -> int:
        return self.standing.full_scores

    def ranking(self, limit: int | None = None) -> Iterator[RankedEntry]:
        return round_standings.ranking(
            self.store.db,
            self.contest.id,
            self.round.id,
            self.contest.rules.counting,
            self.true_figure,
            limit,
        )


@functools.lru_cache(maxsize=4096)
def commune_name(code: str | None) -> str:
    if not code:
        return ""
    found = geography.commune(code)
    return found.name if found else code


def load_round(
    store, contest_id: str, round_id: str, now: datetime.datetime, unmasked: bool = False
) -> RoundReport:
    """Everything a round's reports need; refuses an unknown or empty round with a plain message."""
    contest = store.content.contest(contest_id)
    if contest is None:
        raise RoundNotReady(
            contest_id, _("There is no contest with the id {id}.").format(id=contest_id)
        )
    try:
        round_ = contest.round(round_id)
    except StopIteration:
        raise RoundNotReady(
            round_id,
            _("Contest {contest} has no round {round}.").format(
                contest=contest.title, round=round_id
            ),
        ) from None
    rules = contest.rules
    found = round_standings.standing(
        store.db, contest_id, round_id, rules.counting, rules.prediction
    )
    if not found.entrants:
        raise RoundNotReady(
            round_id,
            _(
                "No one has submitted an attempt in {round} yet, so there is nothing to export."
            ).format(round=round_.title),
        )
    return RoundReport(store, contest, round_, found, now < round_.closes_at, unmasked)


RANKING_HEADERS = (
    N_("Rank"),
    N_("Full name"),
    N_("Commune"),
    N_("Score"),
    N_("Out of"),
    N_("Prediction"),
    N_("Prediction gap"),
    N_("Time (seconds)"),
    N_("Submitted at"),
    N_("Eligible for a prize"),
    N_("ID number"),
    N_("Phone"),
)


def shown_id(value: str | None, unmasked: bool) -> str:
    """An ID number as an export shows it: masked unless asked for (``001******345``)."""
    if not value:
        return ""
    return value if unmasked else mask_id_number(value)


def shown_phone(value: str | None, unmasked: bool) -> str:
    if not value:
        return ""
    return value if unmasked else mask_phone(value)


def ranking_rows(report: RoundReport, limit: int | None = None) -> Iterator[list]:
    yes, no = _("yes"), _("no")
    for item in report.ranking(limit):
        result = item.result
        yield [
            item.rank,
            item.full_name,
            commune_name(item.commune_code),
            result.score,
            result.max_score,
            result.prediction,
            item.prediction_gap if item.prediction_gap is not None else "",
            round(result.duration_ms / 1000, 1),
            _local(result.submitted_at),
            yes if item.complete else no,
            shown_id(item.id_number, report.unmasked),
            shown_phone(item.phone, report.unmasked),
        ]


ENTRANT_HEADERS = (
    N_("Full name"),
    N_("Date of birth"),
    N_("ID number"),
    N_("Phone"),
    N_("Province"),
    N_("Commune"),
    N_("Village"),
    N_("Group"),
    N_("Eligible for a prize"),
)


def entrant_rows(report: RoundReport) -> Iterator[list]:
    for person in report.store.registrations.iter_contest(report.contest.id):
        province = geography.province(person.province_code) if person.province_code else None
        yield [
            person.full_name,
            date_or_text(person.date_of_birth),
            shown_id(person.id_number, report.unmasked),
            shown_phone(person.phone, report.unmasked),
            province.name if province else "",
            commune_name(person.commune_code),
            person.village or "",
            person.participant_group or "",
            _("yes") if person.complete else _("no"),
        ]


COMMUNE_HEADERS = (N_("Commune"), N_("Entrants"), N_("People with full marks"), N_("Average score"))


def commune_rows(report: RoundReport) -> Iterator[list]:
    totals: dict[str, list[float]] = {}
    found = round_standings.commune_totals(
        report.store.db, report.contest.id, report.round.id, report.contest.rules.counting
    )
    for code, count, full, score in found:
        key = commune_name(code) or _("(not given)")
        entry = totals.setdefault(key, [0, 0, 0.0])  # two codes may share a shown name
        entry[0] += count
        entry[1] += full
        entry[2] += score
    for name, (count, full, total) in sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0])):
        yield [name, int(count), int(full), round(total / count, 2)]


@dataclass
class AttemptWithAnswers:
    id: str
    registration_id: str
    started_at: str
    submitted_at: str
    score: float
    max_score: float
    duration_ms: int
    prediction: int | None
    question_ids: list[str]
    answers: dict[str, tuple[list[int], float | None, str, int | None]]
    full_name: str = ""
    commune_code: str | None = None


_LETTERS: dict[tuple[int, ...], str] = {}


def letters(chosen: list[int]) -> str:
    key = tuple(chosen)
    found = _LETTERS.get(key)
    if found is None:
        found = _LETTERS[key] = ", ".join(
            LETTERS[i] if i < len(LETTERS) else str(i + 1) for i in chosen
        )
    return found


def attempt_headers(report: RoundReport) -> list[str]:
    base = [
        _("Attempt"),
        _("Full name"),
        _("Commune"),
        _("Started at"),
        _("Submitted at"),
        _("Score"),
        _("Out of"),
        _("Time (seconds)"),
        _("Prediction"),
    ]
    for k in range(1, report.contest.rules.questions_per_attempt + 1):
        base += [
            _("Question {n}").format(n=k),
            _("Answer {n}").format(n=k),
            _("Mark {n}").format(n=k),
        ]
    return base


ANSWER_HEADERS = (
    N_("Attempt"),
    N_("Full name"),
    N_("Position"),
    N_("Question"),
    N_("Answer"),
    N_("Mark"),
    N_("Answered at"),
    N_("Seconds on the question"),
)


QUESTION_HEADERS = (
    N_("Question"),
    N_("Topic"),
    N_("Text"),
    N_("Attempts"),
    N_("Facility"),
    N_("Discrimination"),
    N_("Chose A"),
    N_("Chose B"),
    N_("Chose C"),
    N_("Chose D"),
    N_("Chose E"),
    N_("Chose F"),
    N_("Unanswered"),
    N_("Average seconds"),
)


def answered_of(attempt) -> AttemptAnswers:
    answered = []
    for qid in attempt.question_ids:
        chosen, mark, _when, elapsed = attempt.answers.get(qid, ([], 0.0, "", None))
        answered.append(AnsweredQuestion(qid, float(mark or 0.0), tuple(chosen), elapsed))
    return AttemptAnswers(attempt.id, attempt.score, answered)


_LOCAL_OFFSET = datetime.datetime.now().astimezone().utcoffset() or datetime.timedelta(0)


def _local(iso: str) -> datetime.datetime:
    """A stored UTC time as the PC's local wall-clock time (Excel cells have no zone).
    Vietnam has no daylight saving, so one offset serves the whole export."""
    moment = ExcelDateTime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = (moment - (moment.utcoffset() or datetime.timedelta(0))).replace(tzinfo=None)
    return moment + _LOCAL_OFFSET
