"""Organiser accounts (salted scrypt hashes) and the audit log of sensitive actions.

Residents never see organiser screens; an organiser unlocks them with a password.
On a shared PC anyone can open the app, so the FIRST account also needs a setup
code: only ``skillsapp organiser setup-code`` (run by the installer, or by hand on
the command line) makes one. It is kept only as a hash, expires after
:data:`SETUP_CODE_DAYS` days, stops working after :data:`SETUP_CODE_TRIES` wrong
tries, and is used up by the account it creates. Later accounts are added by a
signed-in organiser and need no code; a code made while accounts exist lets one
more be added without signing in (every organiser password forgotten).

>>> code, expires = store.organisers.issue_setup_code()            # doctest: +SKIP
>>> store.organisers.create("to-truong", "mat-khau-dai", setup_code=code)  # doctest: +SKIP
>>> store.organisers.verify("to-truong", "mat-khau-dai")      # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import secrets

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.storage.connection import Database
from skillsapp.storage.ids import new_id, utc_now_iso

# scrypt with these costs takes ~50 ms: slow for guessing, quick for one login.
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 8

# The first-account setup code: 8 digits (typed as "1234 5678"), valid this many days and
# for this many wrong tries. Digits only: easy to read aloud over the phone and to type.
SETUP_CODE_DIGITS = 8
SETUP_CODE_DAYS = 7
SETUP_CODE_TRIES = 5
_SETUP_KEY = "organiser_setup_code"
_MAKE_CODE = "skillsapp organiser setup-code"


def format_setup_code(code: str) -> str:
    """``"12345678"`` → ``"1234 5678"``: two groups are easier to read and copy."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def _clean_code(typed: str) -> str:
    # People copy the code with its space, or type dashes or dots between the groups.
    return "".join(ch for ch in typed if ch.isalnum())


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

    def create(
        self,
        username: str,
        password: str,
        role: str = "commune",
        *,
        setup_code: str | None = None,
        now: datetime.datetime | None = None,
    ) -> None:
        """Add an organiser. The first one on this computer needs a valid ``setup_code``;
        later ones are added by a signed-in organiser (no code) or with a code (recovery).

        Raises :class:`ValidationError` with ``field`` "username", "password" or
        "setup_code"; a wrong code counts as a try, a right one is used up.
        """
        name = username.strip().lower()
        first = not self.exist()
        with_code = first or setup_code is not None
        if with_code:  # the form's first field: its problem is reported first
            self._check_setup_code(setup_code or "", now or _utc_now())
        if not name or len(name) > 40:
            raise ValidationError("username", _("Please enter a user name (at most 40 letters)."))
        if len(password) < MIN_PASSWORD:
            raise ValidationError(
                "password", _("The password needs at least {n} characters.").format(n=MIN_PASSWORD)
            )
        if name in self.usernames():
            raise ValidationError("username", _("This user name is already taken."))
        with self.db.atomic():
            if with_code:
                self.db.execute("DELETE FROM device WHERE key = ?", [_SETUP_KEY])
            self.db.table("organisers").insert(
                {
                    "id": new_id(),
                    "username": name,
                    "password_hash": hash_password(password),
                    "role": role,
                    "created_at": utc_now_iso(),
                }
            )
            self.audit(name, "organiser_created", {"first": first, "setup_code": with_code})

    # --- the first-account setup code ---------------------------------------------------

    def issue_setup_code(
        self, now: datetime.datetime | None = None
    ) -> tuple[str, datetime.datetime]:
        """Make a new setup code (replacing any earlier one) and return it with its expiry.

        Only the hash is stored; the code itself is shown once, by whoever asked. Made
        while organiser accounts exist, it lets one more be added without signing in: the
        way back in when every organiser password is forgotten.
        """
        code = "".join(secrets.choice("0123456789") for _i in range(SETUP_CODE_DIGITS))
        expires = (now or _utc_now()) + datetime.timedelta(days=SETUP_CODE_DAYS)
        record = {"hash": hash_password(code), "expires_at": expires.isoformat(), "wrong": 0}
        with self.db.atomic():
            self.db.table("device").upsert(
                {"key": _SETUP_KEY, "value": json.dumps(record)}, pk="key"
            )
            self.audit("", "setup_code_issued", {"expires_at": record["expires_at"]})
        return code, expires

    def setup_code_pending(self, now: datetime.datetime | None = None) -> bool:
        """Whether a setup code was made and can still be used."""
        record = self._setup_record()
        if record is None:
            return False
        return datetime.datetime.fromisoformat(record["expires_at"]) > (now or _utc_now())

    def _setup_record(self) -> dict | None:
        row = self.db.execute("SELECT value FROM device WHERE key = ?", [_SETUP_KEY]).fetchone()
        return json.loads(row[0]) if row else None

    def _check_setup_code(self, typed: str, now: datetime.datetime) -> None:
        code = _clean_code(typed)
        if not code:
            raise ValidationError(
                "setup_code", _("Type the setup code that was shown when the app was installed.")
            )
        record = self._setup_record()
        make_new = _("Make a new one: run “{command}” on this computer.").format(command=_MAKE_CODE)
        if record is None:
            raise ValidationError(
                "setup_code",
                _("This computer has no setup code that still works.") + " " + make_new,
            )
        if datetime.datetime.fromisoformat(record["expires_at"]) <= now:
            self._drop_setup_code()
            raise ValidationError("setup_code", _("This setup code has expired.") + " " + make_new)
        if check_password(code, record["hash"]):
            return
        record["wrong"] = int(record.get("wrong", 0)) + 1
        with self.db.atomic():
            if record["wrong"] >= SETUP_CODE_TRIES:
                self.db.execute("DELETE FROM device WHERE key = ?", [_SETUP_KEY])
            else:
                self.db.table("device").upsert(
                    {"key": _SETUP_KEY, "value": json.dumps(record)}, pk="key"
                )
            self.audit("", "setup_code_wrong", {"tries": record["wrong"]})
        if record["wrong"] >= SETUP_CODE_TRIES:
            raise ValidationError(
                "setup_code",
                _("The setup code was typed wrong too many times and no longer works.")
                + " "
                + make_new,
            )
        raise ValidationError(
            "setup_code", _("This setup code is not right. Check it and type it again.")
        )

    def _drop_setup_code(self) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM device WHERE key = ?", [_SETUP_KEY])

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


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
