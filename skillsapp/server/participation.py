"""Participation per commune and dashboard counts, from the server's tables (no
personal data: these feed the open-data feed too)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, and_, case, func, select

from skillsapp.server import db, review
from skillsapp.server.claims import official_commune
from skillsapp.server.reports import commune_name

# Short names for the tables these queries join.
_R = db.registrations
_A = db.attempts
_D = db.devices


@dataclass
class CommuneParticipation:
    commune_code: str | None
    commune_name: str
    entrants: int = 0
    attempts: int = 0
    full_scores: int = 0
    lessons_completed: int = 0
    sessions: int = 0
    session_attendance: int = 0
    session_phone_players: int = 0  # of the attendance, those who played on a phone


def participation(engine: Engine, commune: str | None = None) -> list[CommuneParticipation]:
    """Per commune, across every contest and device: entrants (one per person), contest
    attempts, attempts with a full score, lessons completed and group-session attendance
    (and, of it, the people who played the session's quiz on their phones).
    Records without a commune of their own count for their PC's commune; a code not on the
    official list (sent before the server checked codes) counts under no commune. No names.
    Full scores count only attempts a ranking may use (``review.rankable()``), by the
    server's score; ``attempts`` counts every attempt received."""
    table: dict[str | None, CommuneParticipation] = {}

    def entry(code: str | None) -> CommuneParticipation:
        code = official_commune(code)
        if code not in table:
            table[code] = CommuneParticipation(code, commune_name(code))
        return table[code]

    reg_commune = func.coalesce(_R.c.commune_code, _D.c.commune_code).label("commune")
    person = func.coalesce(_R.c.entrant_key, _R.c.id)
    entrants = (
        select(reg_commune, func.count(person.distinct()).label("n"))
        .select_from(_R.outerjoin(_D, _D.c.id == _R.c.device_id))
        .group_by(reg_commune)
    )
    att_commune = func.coalesce(_R.c.commune_code, _D.c.commune_code).label("commune")
    full = case(
        (
            and_(
                _A.c.max_score > 0,
                review.ranking_score() >= _A.c.max_score,
                review.rankable(),
            ),
            1,
        ),
        else_=0,
    )
    attempts = (
        select(att_commune, func.count().label("n"), func.coalesce(func.sum(full), 0).label("full"))
        .select_from(
            _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(
                _D, _D.c.id == _A.c.device_id
            )
        )
        .group_by(att_commune)
    )
    lp = db.lesson_progress
    lesson_commune = func.coalesce(lp.c.commune_code, _D.c.commune_code).label("commune")
    lessons = (
        select(lesson_commune, func.count().label("n"))
        .select_from(lp.outerjoin(_D, _D.c.id == lp.c.device_id))
        .where(lp.c.status == "done")
        .group_by(lesson_commune)
    )
    sr = db.session_reports
    sessions = select(sr.c.data, _D.c.commune_code).select_from(
        sr.outerjoin(_D, _D.c.id == sr.c.device_id)
    )
    with engine.connect() as conn:
        for row in conn.execute(entrants):
            entry(row.commune).entrants += int(row.n)
        for row in conn.execute(attempts):
            item = entry(row.commune)
            item.attempts += int(row.n)
            item.full_scores += int(row.full)
        for row in conn.execute(lessons):
            entry(row.commune).lessons_completed += int(row.n)
        for row in conn.execute(sessions):
            try:
                report = json.loads(row.data)
            except ValueError:
                report = None
            if not isinstance(report, dict):
                report = {}
            # A province-level PC may name the commune (checked at ingest); else its PC's.
            item = entry(report.get("commune_code") or row.commune_code)
            item.sessions += 1
            item.session_attendance += _count(report.get("attendance"))
            item.session_phone_players += _count(report.get("phone_players"))
    rows = [item for code, item in table.items() if commune is None or code == commune]
    return sorted(rows, key=lambda item: (item.commune_code is None, item.commune_name))


def _count(value: object) -> int:
    """A count from a stored report; anything else (sent before ingest checked) is 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


@dataclass(frozen=True)
class Counts:
    devices: int  # still allowed to send
    revoked: int
    attempts: int
    awaiting_review: int  # flagged, not yet accepted or rejected: not ranked


def counts(engine: Engine, commune: str | None = None) -> Counts:
    """How many PCs, contest attempts and attempts awaiting review; a commune's own when given."""
    where = func.coalesce(_R.c.commune_code, _D.c.commune_code)
    device_query = select(func.count(), func.count(_D.c.revoked_at)).select_from(_D)
    attempt_query = select(
        func.count(), func.coalesce(func.sum(case((review.awaiting_review(), 1), else_=0)), 0)
    ).select_from(
        _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(_D, _D.c.id == _A.c.device_id)
    )
    if commune:
        device_query = device_query.where(_D.c.commune_code == commune)
        attempt_query = attempt_query.where(where == commune)
    with engine.connect() as conn:
        devices, revoked = conn.execute(device_query).one()
        attempts, awaiting = conn.execute(attempt_query).one()
    return Counts(int(devices - revoked), int(revoked), int(attempts or 0), int(awaiting or 0))


def attempts_per_round(engine: Engine, commune: str | None = None) -> dict[tuple[str, str], int]:
    where = func.coalesce(_R.c.commune_code, _D.c.commune_code)
    query = (
        select(_A.c.contest_id, _A.c.round_id, func.count().label("n"))
        .select_from(
            _A.outerjoin(_R, _R.c.id == _A.c.registration_id).outerjoin(
                _D, _D.c.id == _A.c.device_id
            )
        )
        .group_by(_A.c.contest_id, _A.c.round_id)
    )
    if commune:
        query = query.where(where == commune)
    with engine.connect() as conn:
        return {(r.contest_id, r.round_id): int(r.n) for r in conn.execute(query)}
