"""Organiser accounts (salted scrypt hashes) and the audit log of sensitive actions.

Residents never see organiser screens; an organiser unlocks them with a password.

>>> store.organisers.create("to-truong", "mat-khau-dai")      # doctest: +SKIP
>>> store.organisers.verify("to-truong", "mat-khau-dai")      # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from sqlite_utils import Database

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.storage.ids import new_id, utc_now_iso

# scrypt with these costs takes ~50 ms: slow for guessing, quick for one login.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 8


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


class Organisers:
    def __init__(self, db: Database) -> None:
        self.db = db

    def exist(self) -> bool:
        return bool(self.db.execute("SELECT count(*) FROM organisers").fetchone()[0])

    def usernames(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT username FROM organisers ORDER BY username")]

    def create(self, username: str, password: str, role: str = "commune") -> None:
        name = username.strip().lower()
        if not name or len(name) > 40:
            raise ValidationError("username", _("Please enter a user name (at most 40 letters)."))
        if len(password) < MIN_PASSWORD:
            raise ValidationError(
                "password", _("The password needs at least {n} characters.").format(n=MIN_PASSWORD)
            )
        if name in self.usernames():
            raise ValidationError("username", _("This user name is already taken."))
        with self.db.atomic():
            self.db.table("organisers").insert(
                {
                    "id": new_id(),
                    "username": name,
                    "password_hash": hash_password(password),
                    "role": role,
                    "created_at": utc_now_iso(),
                }
            )
            self.audit(name, "organiser_created", {})

    def verify(self, username: str, password: str) -> bool:
        row = self.db.execute(
            "SELECT password_hash FROM organisers WHERE username = ?", [username.strip().lower()]
        ).fetchone()
        return bool(row) and check_password(password, row[0])

    def audit(self, actor: str, action: str, detail: dict) -> None:
        """Record who did something sensitive (e.g. exported unmasked personal data)."""
        with self.db.atomic():
            self.db.table("audit_log").insert(
                {
                    "at": utc_now_iso(),
                    "actor": actor,
                    "action": action,
                    "detail": json.dumps(detail, ensure_ascii=False),
                }
            )

    def audit_entries(self, action: str | None = None) -> list[dict]:
        sql = "SELECT at, actor, action, detail FROM audit_log"
        params: list = []
        if action:
            sql += " WHERE action = ?"
            params.append(action)
        rows = self.db.execute(sql + " ORDER BY id", params)
        return [
            {"at": r[0], "actor": r[1], "action": r[2], "detail": json.loads(r[3])} for r in rows
        ]
