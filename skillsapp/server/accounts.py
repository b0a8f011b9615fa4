"""Organiser accounts, web sessions, enrolment codes and device tokens on the server.

Tokens are random; only their SHA-256 is stored, so a copy of the database
does not let anyone act as a device or an organiser.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, select, update

from skillsapp.server import db
from skillsapp.storage.ids import new_id, parse_iso, utc_now, utc_now_iso
from skillsapp.storage.organisers import check_password, hash_password

ROLES = ("province", "commune")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def storable(text: str) -> bool:
    """False for text no database column can hold: PostgreSQL refuses NUL characters, so
    such input must be turned away before a query, not fail inside one."""
    return "\x00" not in text


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Organiser:
    id: str
    username: str
    role: str
    commune_code: str | None

    def may_see(self, commune_code: str | None) -> bool:
        return self.role == "province" or (
            commune_code is not None and commune_code == self.commune_code
        )


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    commune_code: str | None
    public_key: str
    revoked: bool


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_organiser(
        self, username: str, password: str, role: str, commune_code: str | None = None
    ) -> Organiser:
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        if role == "commune" and not commune_code:
            raise ValueError("a commune organiser needs a commune code")
        if len(password) < 8:
            raise ValueError("the password needs at least 8 characters")
        organiser = Organiser(
            new_id(), username.strip().lower(), role, commune_code if role == "commune" else None
        )
        with self.engine.begin() as conn:
            conn.execute(
                db.organisers.insert().values(
                    id=organiser.id,
                    username=organiser.username,
                    password_hash=hash_password(password),
                    role=role,
                    commune_code=organiser.commune_code,
                    created_at=utc_now_iso(),
                )
            )
        return organiser

    def login(self, username: str, password: str, hours: int) -> str | None:
        if not storable(username):
            return None
        with self.engine.begin() as conn:
            row = conn.execute(
                select(db.organisers).where(db.organisers.c.username == username.strip().lower())
            ).first()
            if row is None or not check_password(password, row.password_hash):
                return None
            token = secrets.token_urlsafe(32)
            expires = utc_now() + datetime.timedelta(hours=hours)
            conn.execute(
                db.web_sessions.insert().values(
                    token_hash=token_hash(token),
                    organiser_id=row.id,
                    expires_at=expires.isoformat(),
                )
            )
        return token

    def organiser_for_session(self, token: str | None) -> Organiser | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.organisers, db.web_sessions.c.expires_at)
                .join(db.web_sessions, db.web_sessions.c.organiser_id == db.organisers.c.id)
                .where(db.web_sessions.c.token_hash == token_hash(token))
            ).first()
        if row is None or parse_iso(row.expires_at) < utc_now():
            return None
        return Organiser(row.id, row.username, row.role, row.commune_code)

    def logout(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                db.web_sessions.delete().where(db.web_sessions.c.token_hash == token_hash(token))
            )

    def create_enrolment_code(
        self, organiser: Organiser, commune_code: str | None, days: int = 7
    ) -> str:
        if organiser.role == "commune":
            commune_code = organiser.commune_code
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        with self.engine.begin() as conn:
            conn.execute(
                db.enrolment_codes.insert().values(
                    code=code,
                    commune_code=commune_code,
                    created_by=organiser.username,
                    created_at=utc_now_iso(),
                    expires_at=(utc_now() + datetime.timedelta(days=days)).isoformat(),
                )
            )
        return code

    def enrol(self, code: str, device_id: str, name: str, public_key: str) -> str | None:
        """Use a code once; returns the device token, or None for a bad, used or expired code."""
        normalised = code.strip().upper().replace("-", "").replace(" ", "")
        if len(normalised) != 10 or not set(normalised) <= set(CODE_ALPHABET):
            return None  # cannot be a code; never reaches the database (PostgreSQL refuses NUL)
        name = name.replace("\x00", "")
        with self.engine.begin() as conn:
            row = conn.execute(
                select(db.enrolment_codes).where(db.enrolment_codes.c.code == normalised)
            ).first()
            if row is None or row.used_at or parse_iso(row.expires_at) < utc_now():
                return None
            existing = conn.execute(
                select(db.devices.c.id).where(db.devices.c.id == device_id)
            ).first()
            if existing:
                return None  # a device id enrols once; a revoked PC needs a new installation
            token = secrets.token_urlsafe(32)
            used = conn.execute(
                update(db.enrolment_codes)
                .where(db.enrolment_codes.c.code == normalised)
                .where(db.enrolment_codes.c.used_at.is_(None))
                .values(used_at=utc_now_iso(), device_id=device_id)
            )
            if used.rowcount != 1:
                return None
            conn.execute(
                db.devices.insert().values(
                    id=device_id,
                    name=name[:100],
                    commune_code=row.commune_code,
                    token_hash=token_hash(token),
                    public_key=public_key,
                    enrolled_at=utc_now_iso(),
                )
            )
        return token

    def device_for_token(self, token: str) -> Device | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.devices).where(db.devices.c.token_hash == token_hash(token))
            ).first()
        if row is None:
            return None
        return Device(row.id, row.name, row.commune_code, row.public_key, bool(row.revoked_at))

    def device(self, device_id: str) -> Device | None:
        if not storable(device_id):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(db.devices).where(db.devices.c.id == device_id)).first()
        return (
            None
            if row is None
            else Device(row.id, row.name, row.commune_code, row.public_key, bool(row.revoked_at))
        )

    def revoke(self, device_id: str) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(db.devices)
                .where(db.devices.c.id == device_id)
                .values(revoked_at=utc_now_iso())
            )
        return result.rowcount == 1

    def touch(self, device_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(db.devices)
                .where(db.devices.c.id == device_id)
                .values(last_seen_at=utc_now_iso())
            )

    def devices(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = (
                conn.execute(select(db.devices).order_by(db.devices.c.enrolled_at)).mappings().all()
            )
        return [dict(r) for r in rows]

    def audit(self, actor: str, action: str, detail: dict) -> None:
        """Record who did something sensitive (e.g. exported unmasked personal data)."""
        with self.engine.begin() as conn:
            conn.execute(
                db.audit_log.insert().values(
                    at=utc_now_iso(),
                    actor=actor,
                    action=action,
                    detail=json.dumps(detail, ensure_ascii=False),
                )
            )

    def audit_entries(self, action: str | None = None) -> list[dict]:
        query = select(db.audit_log).order_by(db.audit_log.c.id)
        if action:
            query = query.where(db.audit_log.c.action == action)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            {"at": r.at, "actor": r.actor, "action": r.action, "detail": json.loads(r.detail)}
            for r in rows
        ]
