"""Contest registrations: personal data asked for only by a contest that needs it.

One identification number registers once per contest; a second registration
with the same number is refused with a plain message. Any other database failure
is a real error, said plainly and logged without personal data.
"""

from __future__ import annotations

import datetime
import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from skillsapp.errors import AppError, ValidationError
from skillsapp.i18n import _
from skillsapp.storage.connection import Database
from skillsapp.storage.ids import new_id, utc_now_iso
from skillsapp.storage.outbox import Outbox

log = logging.getLogger(__name__)

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
        return list(self.iter_contest(contest_id))

    def iter_contest(self, contest_id: str) -> Iterator[StoredRegistration]:
        """The contest's registrations in the order they were made, read one at a time."""
        for row in self.db.table("registrations").rows_where(
            "contest_id = ?", [contest_id], order_by="created_at"
        ):
            yield self._from_row(row)

    def save(
        self, profile_id: str, contest_id: str, values: dict, complete: bool
    ) -> StoredRegistration:
        """Create or update the profile's registration; values are already validated and cleaned.

        An edit keeps the registration's id and ``created_at`` and replaces everything
        else; the change is on disk (and queued for sync) when this returns. A number
        already registered for the contest by another profile raises
        :class:`ValidationError` on ``id_number``; any other database failure raises
        :class:`RegistrationNotSaved` and is logged without the person's data.

        >>> store.registrations.save(profile.id, "c1", {"full_name": "Lê Văn Cường"}, False)
        ... # doctest: +SKIP
        """
        now = utc_now_iso()
        existing = self.for_profile(profile_id, contest_id)
        registration_id = existing.id if existing else new_id()
        row: dict[str, object] = {key: values.get(key) for key in FIELDS}
        if isinstance(row["date_of_birth"], datetime.date):
            row["date_of_birth"] = row["date_of_birth"].isoformat()
        row.update(complete=int(complete), updated_at=now)
        table = self.db.table("registrations")
        try:
            with self.db.atomic():
                if existing:
                    table.update(registration_id, row)
                else:
                    table.insert(
                        {
                            "id": registration_id,
                            "profile_id": profile_id,
                            "contest_id": contest_id,
                            "created_at": now,
                            **row,
                        }
                    )
                saved = dict(table.get(registration_id))
                self.outbox.queue("registration", registration_id, saved)
        except sqlite3.IntegrityError as exc:
            if _is_id_number_clash(exc):
                raise ValidationError(
                    "id_number",
                    _(
                        "This identification number is already registered for this contest "
                        "on this computer."
                    ),
                ) from exc
            raise _not_saved(exc, registration_id, existing is not None) from exc
        except sqlite3.Error as exc:
            raise _not_saved(exc, registration_id, existing is not None) from exc
        return self.get(registration_id)


class RegistrationNotSaved(AppError):
    """The database refused a registration for a reason that is not the person's input."""

    def user_message(self) -> str:
        return _(
            "Your registration could not be saved because of a problem with the data file. "
            "Nothing was changed. Please try again; if it happens again, ask the group leader "
            "to look at the log."
        )


def _is_id_number_clash(exc: sqlite3.IntegrityError) -> bool:
    # The unique index on (contest_id, id_number) from migration m002 is the only
    # constraint a person's input can break; SQLite names its columns in the message.
    unique = getattr(exc, "sqlite_errorname", "") in ("SQLITE_CONSTRAINT_UNIQUE", "")
    return unique and "registrations.id_number" in str(exc)


def _not_saved(exc: sqlite3.Error, registration_id: str, edit: bool) -> RegistrationNotSaved:
    # SQLite's message names tables and columns, never values; the row itself (name,
    # identification number, phone) is not logged.
    log.error(
        "registration %s not saved (%s): %s %s",
        registration_id,
        "edit" if edit else "new",
        getattr(exc, "sqlite_errorname", type(exc).__name__),
        exc,
    )
    return RegistrationNotSaved(registration_id, getattr(exc, "sqlite_errorname", ""))
