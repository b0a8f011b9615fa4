"""Organiser accounts, web sessions, enrolment codes and device tokens on the server.

Tokens are random; only their SHA-256 is stored, so a copy of the database
does not let anyone act as a device or an organiser.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass

from nacl.exceptions import CryptoError
from sqlalchemy import Engine, select, update

from skillsapp.server import db, rankings
from skillsapp.server.sign_in_guard import Refusal, SignInGuard
from skillsapp.storage.ids import new_id, parse_iso, utc_now, utc_now_iso
from skillsapp.storage.organisers import check_password, hash_password
from skillsapp.sync.signing import enrol_proof_data, verify

ROLES = ("province", "commune")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
MAX_CODE_DAYS = 30  # the longest an enrolment code may live, from the web pages or the CLI


def real_public_key(text: str) -> bool:
    """True only for base64 of 32 bytes that are a usable Ed25519 public key: a point on the
    curve, in its prime-order group (not one of the few weak keys anyone can sign for)."""
    from nacl.bindings import crypto_core_ed25519_is_valid_point
    from nacl.signing import VerifyKey

    try:
        raw = base64.b64decode(text, validate=True)
        VerifyKey(raw)
    except (ValueError, TypeError, CryptoError):
        return False
    return len(raw) == 32 and crypto_core_ed25519_is_valid_point(raw)


_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    """A hash no password matches, checked for unknown names so they take as long as known ones."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


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
class SignIn:
    """The outcome of a sign-in: a session token, or why not."""

    token: str | None = None
    refusal: Refusal | None = None


class EnrolRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


BAD_CODE = EnrolRefused("bad_code", "The enrolment code is wrong, already used or expired.")


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
        self.guard = SignInGuard(engine)

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

    def login(self, username: str, password: str, hours: int, address: str = "") -> SignIn:
        """Check a password under the sign-in guard; a token for a new web session if right.

        An unknown name costs the same scrypt work as a known one (no early return), and is
        counted and locked the same way, so neither time nor answer tells which names exist.
        """
        name = username.strip().lower()
        if not storable(name) or not name:
            return SignIn()
        refusal = self.guard.check(name, address)
        if refusal is not None:
            return SignIn(refusal=refusal)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.organisers).where(db.organisers.c.username == name)
            ).first()
        right = check_password(password, row.password_hash if row else _dummy_hash())
        if row is None or not right:
            return SignIn(refusal=self.guard.failed(name, address))
        self.guard.succeeded(name)
        token = secrets.token_urlsafe(32)
        expires = utc_now() + datetime.timedelta(hours=hours)
        with self.engine.begin() as conn:
            conn.execute(
                db.web_sessions.insert().values(
                    token_hash=token_hash(token),
                    organiser_id=row.id,
                    expires_at=expires.isoformat(),
                )
            )
        return SignIn(token=token)

    def organiser(self, username: str) -> Organiser | None:
        name = username.strip().lower()
        if not storable(name):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.organisers).where(db.organisers.c.username == name)
            ).first()
        return None if row is None else Organiser(row.id, row.username, row.role, row.commune_code)

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
        if not 1 <= days <= MAX_CODE_DAYS:
            raise ValueError(f"an enrolment code lives 1 to {MAX_CODE_DAYS} days")
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
        """:meth:`enrol_device` for callers that only need to know whether it worked."""
        try:
            return self.enrol_device(code, device_id, name, public_key)
        except EnrolRefused:
            return None

    def enrol_device(
        self, code: str, device_id: str, name: str, public_key: str, proof: str | None = None
    ) -> str:
        """Enrol a PC with a one-time code; returns its device token (raises EnrolRefused).

        A PC that is already enrolled may enrol again, with the code it used (its answer was
        lost on the way) or a fresh one: same id, same key and a ``proof`` (the key's signature
        of :func:`enrol_proof_data`) give it a new token, and the old token stops working.
        A fresh code also moves the PC to that code's commune. Anyone else is refused: a
        different key, no proof, or a revoked PC (which needs a new installation).
        """
        normalised = code.strip().upper().replace("-", "").replace(" ", "")
        if len(normalised) != 10 or not set(normalised) <= set(CODE_ALPHABET):
            raise BAD_CODE  # cannot be a code; never reaches the database (PostgreSQL refuses NUL)
        if not real_public_key(public_key):
            raise EnrolRefused(
                "bad_public_key",
                "public_key must be an Ed25519 public key: base64 of exactly 32 bytes, as the app "
                "makes.",
            )
        name = name.replace("\x00", "")[:100]
        proven = bool(proof) and verify(
            public_key, enrol_proof_data(code, device_id, public_key), proof or ""
        )
        if proof and not proven:
            raise EnrolRefused(
                "bad_proof", "The enrolment request's signature does not match its key."
            )
        codes, devices = db.enrolment_codes, db.devices
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            row = conn.execute(select(codes).where(codes.c.code == normalised)).first()
            existing = conn.execute(select(devices).where(devices.c.id == device_id)).first()
            if row is None:
                raise BAD_CODE
            if existing is not None:
                self._check_re_enrolment(existing, public_key, proven, row)
            if row.used_at and row.device_id == device_id:
                pass  # this PC's own code, its first answer lost: same device, new token
            elif row.used_at or parse_iso(row.expires_at) < utc_now():
                raise BAD_CODE
            else:
                used = conn.execute(
                    update(codes)
                    .where(codes.c.code == normalised, codes.c.used_at.is_(None))
                    .values(used_at=utc_now_iso(), device_id=device_id)
                )
                if used.rowcount != 1:
                    raise BAD_CODE
            if existing is None:
                conn.execute(
                    devices.insert().values(
                        id=device_id,
                        name=name,
                        commune_code=row.commune_code,
                        token_hash=token_hash(token),
                        public_key=public_key,
                        enrolled_at=utc_now_iso(),
                    )
                )
            else:
                conn.execute(
                    update(devices)
                    .where(devices.c.id == device_id)
                    .values(token_hash=token_hash(token), name=name, commune_code=row.commune_code)
                )
                if existing.commune_code != row.commune_code:  # its attempts' commune moved
                    rankings.bump_all(conn)
        return token

    @staticmethod
    def _check_re_enrolment(existing, public_key: str, proven: bool, code_row) -> None:
        if existing.revoked_at:
            raise EnrolRefused(
                "device_revoked",
                "This PC was revoked by an organiser; it can only enrol again after the app is "
                "installed anew.",
            )
        if code_row.used_at and code_row.device_id != existing.id:
            raise BAD_CODE
        if existing.public_key != public_key:
            raise EnrolRefused(
                "device_taken",
                "Another PC with this device id is already enrolled with a different key.",
            )
        if not proven:
            raise EnrolRefused(
                "proof_needed",
                "This PC is already enrolled; enrolling it again needs the request signed with "
                "its key. Update the app, then enrol again.",
            )

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
