"""The organisers' decision on one ID number claimed by registrations from several PCs
(``/review/entrants``): the open cases in an organiser's scope, "same person" (merged into
one entrant) or "different people" (kept apart) with a reason, and the decisions made.
Detecting the conflicts at ingest is ``entrants.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update

from skillsapp.server import db, rankings, round_bests
from skillsapp.server.entrants import clear_attempt_flags
from skillsapp.server.personal_data import vault_for
from skillsapp.storage.ids import utc_now_iso

_R = db.registrations
_A = db.attempts
_D = db.devices


@dataclass(frozen=True)
class Claim:
    registration_id: str
    full_name: str
    date_of_birth: str | None
    id_number: str | None  # opened; pages mask it
    phone: str | None
    commune_code: str | None  # the registration's, else its PC's
    device_name: str
    device_commune: str | None
    received_at: str
    attempts: int


@dataclass(frozen=True)
class Conflict:
    contest_id: str
    id_hash: str
    claims: list[Claim]

    @property
    def communes(self) -> set[str | None]:
        return {c.commune_code for c in self.claims}

    def decidable_by(self, commune: str | None) -> bool:
        """A province organiser (no commune) decides any; a commune one only their own."""
        return commune is None or self.communes == {commune}


def pending_conflicts(engine: Engine, commune: str | None = None) -> list[Conflict]:
    """ID numbers claimed by several PCs awaiting a decision; with ``commune``, only those
    where one of the claims is in that commune."""
    vault = vault_for(engine)
    attempts = (
        select(_A.c.registration_id, func.count().label("n"))
        .group_by(_A.c.registration_id)
        .subquery()
    )
    query = (
        select(
            _R.c.id,
            _R.c.contest_id,
            _R.c.id_hash,
            _R.c.full_name,
            _R.c.date_of_birth,
            _R.c.id_number_sealed,
            _R.c.phone_sealed,
            _R.c.commune_code,
            _R.c.received_at,
            _D.c.name.label("device_name"),
            _D.c.commune_code.label("device_commune"),
            attempts.c.n,
        )
        .select_from(
            _R.outerjoin(_D, _D.c.id == _R.c.device_id).outerjoin(
                attempts, attempts.c.registration_id == _R.c.id
            )
        )
        .where(_R.c.review == "pending")
        .order_by(_R.c.contest_id, _R.c.id_hash, _R.c.received_at, _R.c.id)
    )
    groups: dict[tuple[str, str], list[Claim]] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            groups.setdefault((row.contest_id, row.id_hash), []).append(
                Claim(
                    row.id,
                    row.full_name,
                    row.date_of_birth,
                    vault.open(row.id_number_sealed),
                    vault.open(row.phone_sealed),
                    row.commune_code or row.device_commune,
                    row.device_name or "",
                    row.device_commune,
                    row.received_at,
                    int(row.n or 0),
                )
            )
    conflicts = [Conflict(c, h, claims) for (c, h), claims in groups.items()]
    if commune:
        conflicts = [c for c in conflicts if commune in c.communes]
    return conflicts


class DecisionRefused(ValueError):
    """A decision that cannot be recorded; the message is plain Vietnamese for the page."""


DECISIONS = ("same", "apart")


def decide(
    engine: Engine,
    contest_id: str,
    id_hash: str,
    decision: str,
    reason: str,
    actor: str,
    registration_ids: list[str],
    commune: str | None = None,
) -> None:
    """Record an organiser's decision on one conflict: ``same`` merges the registrations
    into one entrant, ``apart`` keeps each its own; either way their flags, and the
    flags their attempts got from the conflict, are lifted. ``registration_ids`` are the
    claims the organiser saw: if the group changed since, nothing is decided. A commune
    organiser (``commune``) decides only conflicts wholly inside their commune."""
    if decision not in DECISIONS:
        raise DecisionRefused("Hãy chọn “cùng một người” hoặc “hai người khác nhau”.")
    reason = " ".join(reason.split())
    if not reason:
        raise DecisionRefused("Hãy ghi lý do của quyết định (ví dụ: đã gọi điện xác minh).")
    found = {c.id_hash: c for c in pending_conflicts(engine) if c.contest_id == contest_id}
    conflict = found.get(id_hash)
    if conflict is None:
        raise DecisionRefused("Trường hợp này không còn chờ kiểm tra (có thể đã được quyết định).")
    if not conflict.decidable_by(commune):
        raise DecisionRefused(
            "Trường hợp này có người dự thi ở xã, phường khác; người tổ chức cấp tỉnh sẽ quyết định."
        )
    if sorted(c.registration_id for c in conflict.claims) != sorted(registration_ids):
        raise DecisionRefused(
            "Đã có thêm phiếu đăng ký với số định danh này từ lúc bạn mở trang. "
            "Hãy xem lại rồi quyết định."
        )
    ids = [c.registration_id for c in conflict.claims]
    with engine.begin() as conn:
        conn.execute(
            db.entrant_reviews.insert().values(
                contest_id=contest_id,
                id_hash=id_hash,
                decision=decision,
                reason=reason[:1000],
                registrations=json.dumps(ids),
                decided_by=actor,
                decided_at=utc_now_iso(),
            )
        )
        conn.execute(
            update(_R)
            .where(_R.c.id.in_(ids), _R.c.review == "pending")
            .values(
                review=decision,
                flagged=False,
                flag_reason=None,
                entrant_key=f"id:{id_hash}" if decision == "same" else _R.c.id,
            )
        )
        clear_attempt_flags(conn, set(ids))
        rankings.bump(conn, [contest_id])  # who counts as whom changed (rankings.py)
        round_bests.after_registrations_changed(conn, ids)


def decisions(engine: Engine, commune: str | None = None, limit: int = 50) -> list[dict]:
    """The latest decisions, newest first (who, when, what, why); with ``commune``, only
    those about a registration of that commune."""
    table = db.entrant_reviews
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id.desc()).limit(limit)).all()
        found = [
            {
                "contest_id": r.contest_id,
                "decision": r.decision,
                "reason": r.reason,
                "registrations": json.loads(r.registrations),
                "decided_by": r.decided_by,
                "decided_at": r.decided_at,
            }
            for r in rows
        ]
        if commune is None:
            return found
        ids = sorted({i for item in found for i in item["registrations"]})
        where = func.coalesce(_R.c.commune_code, _D.c.commune_code)
        mine = set(
            conn.execute(
                select(_R.c.id)
                .select_from(_R.outerjoin(_D, _D.c.id == _R.c.device_id))
                .where(_R.c.id.in_(ids), where == commune)
            ).scalars()
        )
    return [item for item in found if mine & set(item["registrations"])]
