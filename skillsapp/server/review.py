"""Which attempts may be ranked, and organisers' decisions on flagged ones.

The server keeps every attempt it receives, but an attempt it flagged (its own
re-scoring disagreed with the PC, a question it does not know, and whatever
other checks flag) is left out of every ranking, prize list, winner list and
"best attempt per entrant" until an organiser accepts it on the review page. A
rejected attempt is never ranked. The rule lives here only: queries use
``rankable()`` and ``awaiting_review()``, and rank with ``ranking_score()``.

>>> from sqlalchemy import select
>>> query = select(db.attempts.c.id).where(rankable())  # what a ranking may use
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, func, not_, or_, select, update

from skillsapp.server import db, rankings
from skillsapp.server.personal_data import vault_for
from skillsapp.storage.ids import utc_now_iso

ACCEPTED = "accepted"
REJECTED = "rejected"
DECISIONS = (ACCEPTED, REJECTED)
MAX_REASON = 500

_A = db.attempts
_R = db.registrations
_D = db.devices


def rankable(attempts=_A):
    """SQL condition: the attempt may be ranked: not flagged and re-scored by the server,
    or accepted by an organiser. An attempt the server has no score of its own for is
    never ranked on the PC's word alone, even if nothing flagged it."""
    return or_(
        and_(not_(attempts.c.flagged), attempts.c.server_score.is_not(None)),
        attempts.c.review_status == ACCEPTED,
    )


def awaiting_review(attempts=_A):
    """SQL condition: flagged and no organiser has decided yet."""
    return and_(attempts.c.flagged, attempts.c.review_status.is_(None))


def ranking_score(attempts=_A):
    """The score a ranking uses: the server's own re-scoring. The PC's claimed score
    counts only where the server could not re-score (a question it does not know)
    and an organiser accepted the attempt anyway: ``rankable()`` keeps every other
    attempt without a server score out."""
    return func.coalesce(attempts.c.server_score, attempts.c.score)


def attempt_commune():
    """An attempt's commune, as every organiser page scopes it: its registration's
    commune, else its PC's. Needs attempts joined to registrations and devices."""
    return func.coalesce(_R.c.commune_code, _D.c.commune_code)


def attempts_with_people():
    """attempts ⟕ registrations ⟕ devices, for ``attempt_commune()``."""
    return _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(
        _D, _D.c.id == _A.c.device_id
    )


def awaiting_count(
    engine: Engine,
    contest_id: str | None = None,
    round_id: str | None = None,
    commune: str | None = None,
) -> int:
    """How many flagged attempts await a decision (in a round, a commune, or everywhere)."""
    # The joins are needed only to find an attempt's commune.
    joined = attempts_with_people() if commune else _A
    query = select(func.count()).select_from(joined).where(awaiting_review())
    if contest_id is not None:
        query = query.where(_A.c.contest_id == contest_id)
    if round_id is not None:
        query = query.where(_A.c.round_id == round_id)
    if commune:
        query = query.where(attempt_commune() == commune)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def awaiting_per_round(engine: Engine, commune: str | None = None) -> dict[tuple[str, str], int]:
    """(contest, round) -> attempts awaiting review, for the rounds that have any."""
    query = (
        select(_A.c.contest_id, _A.c.round_id, func.count().label("n"))
        .select_from(attempts_with_people())
        .where(awaiting_review())
        .group_by(_A.c.contest_id, _A.c.round_id)
    )
    if commune:
        query = query.where(attempt_commune() == commune)
    with engine.connect() as conn:
        return {(r.contest_id, r.round_id): int(r.n) for r in conn.execute(query)}


def awaiting_text(count: int) -> str:
    """What a ranking says while attempts await review (Vietnamese has no plural form)."""
    return f"{count} bài đang chờ xem xét — chưa được xếp hạng"


@dataclass(frozen=True)
class ReviewTarget:
    attempt_id: str
    contest_id: str
    round_id: str
    commune_code: str | None
    flagged: bool
    review_status: str | None


def target(engine: Engine, attempt_id: str) -> ReviewTarget | None:
    query = (
        select(
            _A.c.id,
            _A.c.contest_id,
            _A.c.round_id,
            _A.c.flagged,
            _A.c.review_status,
            attempt_commune().label("commune"),
        )
        .select_from(attempts_with_people())
        .where(_A.c.id == attempt_id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return ReviewTarget(
        row.id, row.contest_id, row.round_id, row.commune, bool(row.flagged), row.review_status
    )


def decide(engine: Engine, attempt_id: str, decision: str, reason: str, organiser: str) -> str:
    """Record an organiser's decision on a flagged attempt; returns the time recorded.
    The caller checks scope, that the attempt is flagged and that a reason was given."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}")
    reason = reason.strip()
    if not reason:
        raise ValueError("a decision needs a reason")
    now = utc_now_iso()
    with engine.begin() as conn:
        done = conn.execute(
            update(_A)
            .where(_A.c.id == attempt_id, _A.c.flagged)
            .values(
                review_status=decision,
                reviewed_by=organiser,
                reviewed_at=now,
                review_reason=reason[:MAX_REASON],
            )
        )
        if done.rowcount == 1:  # the round's ranking changes (rankings.py)
            contest_id = conn.execute(select(_A.c.contest_id).where(_A.c.id == attempt_id))
            rankings.bump(conn, [contest_id.scalar_one()])
            from skillsapp.server import round_bests  # it reads this module's rules

            round_bests.after_attempt_decision(conn, attempt_id)
    if done.rowcount != 1:
        raise LookupError(attempt_id)
    return now


@dataclass(frozen=True)
class ReviewRow:
    attempt_id: str
    contest_id: str
    round_id: str
    full_name: str | None
    id_number: str | None
    phone: str | None
    commune_code: str | None
    device_name: str | None
    device_score: float
    server_score: float | None
    max_score: float
    duration_ms: int
    started_at: str
    submitted_at: str
    received_at: str
    flag_reason: str | None
    review_status: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    review_reason: str | None


def review_rows(
    engine: Engine, commune: str | None, decided: bool = False, limit: int = 200
) -> list[ReviewRow]:
    """Flagged attempts within ``commune`` (None: the whole province): those awaiting a
    decision, oldest first, or (``decided``) the latest decisions first."""
    query = (
        select(
            _A.c.id,
            _A.c.contest_id,
            _A.c.round_id,
            _R.c.full_name,
            _R.c.id_number_sealed,
            _R.c.phone_sealed,
            attempt_commune().label("commune"),
            _D.c.name.label("device_name"),
            _A.c.score,
            _A.c.server_score,
            _A.c.max_score,
            _A.c.duration_ms,
            _A.c.started_at,
            _A.c.submitted_at,
            _A.c.received_at,
            _A.c.flag_reason,
            _A.c.review_status,
            _A.c.reviewed_by,
            _A.c.reviewed_at,
            _A.c.review_reason,
        )
        .select_from(attempts_with_people())
        .where(_A.c.flagged)
        .limit(limit)
    )
    if decided:
        query = query.where(_A.c.review_status.is_not(None)).order_by(
            _A.c.reviewed_at.desc(), _A.c.id
        )
    else:
        query = query.where(_A.c.review_status.is_(None)).order_by(_A.c.received_at, _A.c.id)
    if commune:
        query = query.where(attempt_commune() == commune)
    vault = vault_for(engine)
    with engine.connect() as conn:
        return [
            ReviewRow(
                r.id,
                r.contest_id,
                r.round_id,
                r.full_name,
                vault.open(r.id_number_sealed),  # sealed at rest (personal_data.py)
                vault.open(r.phone_sealed),
                r.commune,
                r.device_name,
                float(r.score),
                None if r.server_score is None else float(r.server_score),
                float(r.max_score),
                int(r.duration_ms),
                r.started_at,
                r.submitted_at,
                r.received_at,
                r.flag_reason,
                r.review_status,
                r.reviewed_by,
                r.reviewed_at,
                r.review_reason,
            )
            for r in conn.execute(query)
        ]
