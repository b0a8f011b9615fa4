"""Contests as a resident meets them: open rounds, registration, an attempt with
its countdown, the prediction, submission, the result and the round's ranking.

Time is read from ``now`` arguments so tests and crash recovery control it.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from skillsapp.engine.draw import DRAW_VERSION, QuestionBank, contest_version, draw
from skillsapp.engine.ranking import Ranked, rank_round
from skillsapp.engine.registration import (
    FIELD_NAMES,
    FieldError,
    Registration,
    clean_registration,
    missing_prize_fields,
    validate_registration,
)
from skillsapp.engine.rules import Allowance, Clock, allowance
from skillsapp.engine.scoring import mark, score
from skillsapp.errors import AppError, ValidationError
from skillsapp.flows.quiz import AttemptView
from skillsapp.i18n import _
from skillsapp.models import Contest, Round
from skillsapp.storage.attempts import AttemptRecord
from skillsapp.storage.registrations import StoredRegistration

# A contest attempt counts and is synced; a trial attempt stays on this PC, unranked.
ATTEMPT_KINDS = ("contest", "trial")


class NotAllowed(AppError):
    def user_message(self) -> str:
        return self.detail


class TimeUp(AppError):
    def user_message(self) -> str:
        return _("Time is up. Your answers have been submitted.")


@dataclass(frozen=True)
class OpenRound:
    contest: Contest
    round: Round


def open_rounds(store, now: datetime.datetime) -> list[OpenRound]:
    return [OpenRound(c, r) for c in store.content.contests() for r in c.open_rounds(now)]


def bank_for(store, contest: Contest) -> QuestionBank:
    return store.content.question_bank()


class ContestAttempt(AttemptView):
    """A running contest attempt. Every answer is on disk when :meth:`answer` returns."""

    def __init__(self, store, record: AttemptRecord, contest: Contest, questions) -> None:
        super().__init__(store, record, questions)
        self.contest = contest

    @property
    def rules(self):
        return self.contest.rules

    def clock(self) -> Clock:
        assert self.record.deadline_at is not None
        return Clock(self.record.deadline_at, self.store.attempts.latest_seen(self.record.id))

    def remaining(self, now: datetime.datetime) -> datetime.timedelta:
        return self.clock().remaining(now)

    def answer(
        self,
        index: int,
        shown_positions: Sequence[int],
        now: datetime.datetime,
        elapsed_ms: int | None = None,
    ) -> None:
        """Save an answer; raises :class:`TimeUp` (after submitting) when time has run out."""
        if self.clock().expired(now):
            self.submit(now)
            raise TimeUp(self.record.id)
        self.save_answer(index, shown_positions, now, elapsed_ms)

    def set_prediction(self, value: int | None) -> None:
        self.store.attempts.set_prediction(self.record.id, value)

    def submit(self, now: datetime.datetime) -> AttemptRecord:
        """Score and freeze the attempt. Past the deadline it counts as submitted at the deadline."""
        clock = self.clock()
        moment = min(clock.effective_now(now), clock.deadline)
        answers = self.store.attempts.answers(self.record.id)
        partial = self.rules.partial_credit
        total, maximum = score(self.record.layout, answers, self.questions, partial)
        marks = {
            qid: mark(self.questions[qid], chosen, partial)
            for qid, chosen in answers.items()
            if qid in self.questions
        }
        limit_ms = int((self.record.time_limit_s or 0) * 1000)
        duration = int((moment - self.record.started_at).total_seconds() * 1000)
        self.record = self.store.attempts.finish(
            self.record.id,
            score=total,
            max_score=maximum,
            marks=marks,
            submitted_at=moment,
            duration_ms=min(duration, limit_ms) if limit_ms else duration,
            sync=self.record.kind == "contest",  # a trial attempt never leaves this PC
        )
        return self.record


@dataclass(frozen=True)
class RegistrationOutcome:
    """Either the saved registration (with what it lacks to win a prize) or the field errors."""

    registration: StoredRegistration | None
    errors: list[FieldError]
    missing_for_prize: list[str]


def register(
    store, profile_id: str, contest: Contest, entry: Registration, today: datetime.date
) -> RegistrationOutcome:
    """Check and save a resident's registration. Incomplete ones may play but cannot win."""
    cleaned = clean_registration(entry)
    errors = validate_registration(cleaned, today=today, min_age=contest.rules.min_age)
    if errors:
        return RegistrationOutcome(None, errors, [])
    missing = missing_prize_fields(cleaned, contest.rules.prize_fields)
    values = {name: getattr(cleaned, name) for name in FIELD_NAMES}
    try:
        saved = store.registrations.save(profile_id, contest.id, values, complete=not missing)
    except ValidationError as exc:
        return RegistrationOutcome(None, [FieldError(exc.field, str(exc))], [])
    return RegistrationOutcome(saved, [], missing)


def can_start(
    store, registration: StoredRegistration, contest: Contest, round_: Round, now: datetime.datetime
) -> Allowance:
    starts = store.attempts.starts_in_round(registration.id, contest.id, round_.id)
    return allowance(contest.rules, round_, starts, now)


def start_attempt(
    store,
    registration: StoredRegistration,
    contest: Contest,
    round_: Round,
    now: datetime.datetime,
    seed: int | None = None,
) -> ContestAttempt:
    verdict = can_start(store, registration, contest, round_, now)
    if not verdict.allowed:
        raise NotAllowed(contest.id, verdict.reason)
    if has_open_attempt(store, registration.profile_id):
        raise NotAllowed(contest.id, _("Finish the attempt you have already started first."))
    return _start(store, registration.profile_id, registration.id, contest, round_, now, seed)


def start_trial(
    store, profile_id: str, contest: Contest, now: datetime.datetime, seed: int | None = None
) -> ContestAttempt:
    """An attempt at a trial contest: the contest's draw, time limit and scoring, with no
    registration, no limits, no ranking, and nothing sent to the province."""
    if not contest.trial:
        raise NotAllowed(contest.id, _("This contest is not a trial contest."))
    if has_open_attempt(store, profile_id):
        raise NotAllowed(contest.id, _("Finish the attempt you have already started first."))
    return _start(store, profile_id, None, contest, contest.rounds[0], now, seed)


def has_open_attempt(store, profile_id: str) -> bool:
    """Whether the person has a contest or trial attempt still running (one at a time)."""
    return any(store.attempts.open_attempts(profile_id, kind) for kind in ATTEMPT_KINDS)


def _start(
    store,
    profile_id: str,
    registration_id: str | None,
    contest: Contest,
    round_: Round,
    now: datetime.datetime,
    seed: int | None,
) -> ContestAttempt:
    bank = bank_for(store, contest)
    seed = secrets.randbits(31) if seed is None else seed
    layout = draw(bank, contest.rules, seed)
    record = store.attempts.start(
        profile_id=profile_id,
        kind="trial" if contest.trial else "contest",
        seed=seed,
        layout=layout,
        now=now,
        time_limit_s=contest.rules.time_limit_minutes * 60,
        contest_id=contest.id,
        round_id=round_.id,
        registration_id=registration_id,
        draw_version=DRAW_VERSION,
        contest_version=contest_version(contest),
    )
    return ContestAttempt(
        store, record, contest, {s.question_id: bank.by_id[s.question_id] for s in layout}
    )


def load_attempt(store, record: AttemptRecord) -> ContestAttempt:
    contest = store.content.contest(record.contest_id or "")
    if contest is None:
        raise NotAllowed(record.id, _("The contest of this attempt is no longer installed."))
    questions = {q.id: q for q in store.content.questions([s.question_id for s in record.layout])}
    return ContestAttempt(store, record, contest, questions)


@dataclass(frozen=True)
class Recovery:
    resumable: list[ContestAttempt]
    submitted: list[AttemptRecord]  # ran out of time while the app was closed


def recover(store, now: datetime.datetime, profile_id: str | None = None) -> Recovery:
    """After a start: attempts left open by a crash are offered for resumption with the
    time that truly remains; those whose time ran out are submitted with what was answered."""
    resumable, submitted = [], []
    records = [r for kind in ATTEMPT_KINDS for r in store.attempts.open_attempts(profile_id, kind)]
    for record in sorted(records, key=lambda r: r.started_at):
        attempt = load_attempt(store, record)
        if attempt.clock().expired(now):
            submitted.append(attempt.submit(now))
        else:
            resumable.append(attempt)
    return Recovery(resumable, submitted)


def round_ranking(store, contest: Contest, round_id: str) -> tuple[list[Ranked], int | None]:
    results = store.attempts.round_results(contest.id, round_id)
    return rank_round(results, contest.rules.counting, contest.rules.prediction)


def rank_of(store, record: AttemptRecord) -> tuple[int | None, int]:
    """(rank of this attempt's entrant in the round on this PC, number ranked);
    rank is None when this attempt is not the one that counts."""
    contest = store.content.contest(record.contest_id or "")
    if contest is None or record.round_id is None or record.kind != "contest":
        return None, 0
    ranked, _figure = round_ranking(store, contest, record.round_id)
    for item in ranked:
        if item.result.attempt_id == record.id:
            return item.rank, len(ranked)
    return None, len(ranked)
