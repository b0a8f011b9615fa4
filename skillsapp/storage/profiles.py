"""Learner profiles: one shared PC serves many residents.

A profile holds only what learning needs: a display name, a birth year and a
commune. Contest registration data lives in ``registrations``, not here.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.storage.connection import Database
from skillsapp.storage.ids import new_id, utc_now_iso
from skillsapp.storage.outbox import Outbox
from skillsapp.text import fold  # also imported from here: "lan" finds "Lân" and "Lan"

AVATARS = (
    "fa5s.user",
    "fa5s.user-tie",
    "fa5s.user-graduate",
    "fa5s.seedling",
    "fa5s.leaf",
    "fa5s.sun",
    "fa5s.star",
    "fa5s.heart",
)


@dataclass(frozen=True)
class Profile:
    id: str
    display_name: str
    birth_year: int | None
    province_code: str | None
    commune_code: str | None
    village: str | None
    avatar: str
    has_pin: bool
    created_at: str


def _hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, 100_000)
    return salt.hex() + "$" + digest.hex()


def _check_pin(pin: str, stored: str) -> bool:
    salt_hex, _sep, digest_hex = stored.partition("$")
    expected = _hash_pin(pin, bytes.fromhex(salt_hex)).partition("$")[2]
    return hmac.compare_digest(expected, digest_hex)


def clean_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


class Profiles:
    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox

    def _row_to_profile(self, row: dict) -> Profile:
        return Profile(
            id=row["id"],
            display_name=row["display_name"],
            birth_year=row["birth_year"],
            province_code=row["province_code"],
            commune_code=row["commune_code"],
            village=row["village"],
            avatar=row["avatar"] or AVATARS[0],
            has_pin=bool(row["pin_hash"]),
            created_at=row["created_at"],
        )

    def create(
        self,
        display_name: str,
        birth_year: int | None = None,
        province_code: str | None = None,
        commune_code: str | None = None,
        village: str | None = None,
        avatar: str | None = None,
        pin: str | None = None,
        current_year: int | None = None,
    ) -> Profile:
        name = clean_name(display_name)
        if not name:
            raise ValidationError("display_name", _("Please enter a name."))
        if len(name) > 80:
            raise ValidationError("display_name", _("The name is too long (at most 80 letters)."))
        if birth_year is not None:
            import datetime

            year_now = current_year or datetime.date.today().year
            if not (year_now - 110 <= birth_year <= year_now - 5):
                raise ValidationError("birth_year", _("Please choose a real year of birth."))
        if pin is not None and pin != "" and not (pin.isdigit() and 4 <= len(pin) <= 6):
            raise ValidationError("pin", _("A PIN is 4 to 6 digits."))
        now = utc_now_iso()
        row = {
            "id": new_id(),
            "display_name": name,
            "birth_year": birth_year,
            "province_code": province_code,
            "commune_code": commune_code,
            "village": clean_name(village) if village else None,
            "avatar": avatar if avatar in AVATARS else AVATARS[len(name) % len(AVATARS)],
            "pin_hash": _hash_pin(pin) if pin else None,
            "created_at": now,
            "updated_at": now,
        }
        with self.db.atomic():
            self.db.table("profiles").insert(row)
        return self._row_to_profile(row)

    def get(self, profile_id: str) -> Profile:
        return self._row_to_profile(self.db.table("profiles").get(profile_id))

    def list(self, search: str = "") -> list[Profile]:
        rows = self.db.execute(
            "SELECT * FROM profiles WHERE archived_at IS NULL ORDER BY display_name COLLATE NOCASE"
        )
        columns = [c[0] for c in rows.description]
        profiles = [self._row_to_profile(dict(zip(columns, r, strict=True))) for r in rows]
        if search:
            needle = fold(search)
            profiles = [p for p in profiles if needle in fold(p.display_name)]
        return profiles

    def check_pin(self, profile_id: str, pin: str) -> bool:
        stored = self.db.table("profiles").get(profile_id)["pin_hash"]
        return True if not stored else _check_pin(pin, stored)
