"""Contest registrations: personal data asked for only by a contest that needs it.

One identification number registers once per contest; a second registration
with the same number is refused with a plain message.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass

from sqlite_utils import Database

from skillsapp.errors import ValidationError
from skillsapp.i18n import _
from skillsapp.storage.ids import new_id, utc_now_iso
from skillsapp.storage.outbox import Outbox

FIELDS = (
    "full_name",
    "date_of_birth",
    "id_number",
    "phone",
    "province_code",
    "commune_code",
    "village",
    "participant_group",
)


@dataclass(frozen=True)
class StoredRegistration:
    id: str
    profile_id: str
    contest_id: str
    full_name: str
    date_of_birth: datetime.date | None
    id_number: str | None
    phone: str | None
    province_code: str | None
    commune_code: str | None
    village: str | None
    participant_group: str | None
    complete: bool


class Registrations:
    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.outbox = outbox

    def _from_row(self, row: dict) -> StoredRegistration:
        dob = row.get("date_of_birth")
        return StoredRegistration(
            id=row["id"],
            profile_id=row["profile_id"],
            contest_id=row["contest_id"],
            full_name=row["full_name"],
            date_of_birth=datetime.date.fromisoformat(dob) if dob else None,
            id_number=row["id_number"],
            phone=row["phone"],
            province_code=row["province_code"],
            commune_code=row["commune_code"],
            village=row["village"],
            participant_group=row["participant_group"],
            complete=bool(row["complete"]),
        )

    def for_profile(self, profile_id: str, contest_id: str) -> StoredRegistration | None:
        rows = list(
            self.db.table("registrations").rows_where(
                "profile_id = ? AND contest_id = ?", [profile_id, contest_id], limit=1
            )
        )
        return self._from_row(rows[0]) if rows else None

    def get(self, registration_id: str) -> StoredRegistration:
        return self._from_row(self.db.table("registrations").get(registration_id))

    def for_contest(self, contest_id: str) -> list[StoredRegistration]:
        return [
            self._from_row(r)
            for r in self.db.table("registrations").rows_where(
                "contest_id = ?", [contest_id], order_by="created_at"
            )
        ]

    def save(
        self, profile_id: str, contest_id: str, values: dict, complete: bool
    ) -> StoredRegistration:
        """Create or update the profile's registration; values are already validated and cleaned."""
        now = utc_now_iso()
        existing = self.for_profile(profile_id, contest_id)
        registration_id = existing.id if existing else new_id()
        row: dict[str, object] = {key: values.get(key) for key in FIELDS}
        if isinstance(row["date_of_birth"], datetime.date):
            row["date_of_birth"] = row["date_of_birth"].isoformat()
        row.update(
            id=registration_id,
            profile_id=profile_id,
            contest_id=contest_id,
            complete=int(complete),
            updated_at=now,
        )
        if not existing:
            row["created_at"] = now
        try:
            with self.db.atomic():
                self.db.table("registrations").upsert(row, pk="id")
                saved = dict(self.db.table("registrations").get(registration_id))
                self.outbox.queue("registration", registration_id, saved)
        except sqlite3.IntegrityError as exc:
            raise ValidationError(
                "id_number",
                _(
                    "This identification number is already registered for this contest on this computer."
                ),
            ) from exc
        return self.get(registration_id)
