"""Saving a registration: new, edited and completed later, and what a failure says."""

import datetime
import json
import logging
import sqlite3

import pytest

from skillsapp.errors import ValidationError
from skillsapp.storage.registrations import RegistrationNotSaved

CONTEST = "tim-hieu-chuyen-doi-so-2026"
NAME = "Nguyễn Thị Lan"
ID_NUMBER = "001162012345"
PHONE = "0912345678"


def row(store, registration_id):
    return dict(store.db.table("registrations").get(registration_id))


def test_an_edit_keeps_the_id_and_creation_time_and_replaces_the_rest(store):
    profile = store.profiles.create(NAME)
    first = store.registrations.save(
        profile.id, CONTEST, {"full_name": NAME, "village": "Thôn Đông"}, complete=False
    )
    created = row(store, first.id)["created_at"]
    second = store.registrations.save(
        profile.id,
        CONTEST,
        {
            "full_name": NAME,
            "date_of_birth": datetime.date(1962, 5, 3),
            "id_number": ID_NUMBER,
            "phone": PHONE,
        },
        complete=True,
    )
    assert second.id == first.id
    assert (second.id_number, second.phone, second.complete) == (ID_NUMBER, PHONE, True)
    assert second.village is None  # emptied on the form, so emptied on disk
    saved = row(store, first.id)
    assert saved["created_at"] == created and saved["updated_at"] >= created
    assert store.db.execute("SELECT count(*) FROM registrations").fetchone()[0] == 1
    # Committed at once: another connection to the file sees the edit.
    other = sqlite3.connect(store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    assert other.execute("SELECT complete, phone FROM registrations").fetchone() == (1, PHONE)
    other.close()
    # Both versions are queued for sync, the last one complete.
    payloads = [
        json.loads(r[0])
        for r in store.db.execute(
            "SELECT payload FROM outbox WHERE record_type = 'registration' AND record_id = ? "
            "ORDER BY rowid",
            [first.id],
        )
    ]
    assert [p["complete"] for p in payloads] == [0, 1]
    assert payloads[-1]["created_at"] == created


def test_a_number_registered_by_someone_else_is_the_only_already_registered(store):
    lan = store.profiles.create(NAME)
    an = store.profiles.create("Nguyễn Văn An")
    store.registrations.save(lan.id, CONTEST, {"full_name": NAME, "id_number": ID_NUMBER}, True)
    with pytest.raises(ValidationError) as caught:
        store.registrations.save(
            an.id, CONTEST, {"full_name": "Nguyễn Văn An", "id_number": ID_NUMBER}, True
        )
    assert caught.value.field == "id_number"
    assert store.registrations.for_profile(an.id, CONTEST) is None


def test_any_other_database_error_is_a_real_error_logged_without_personal_data(store, caplog):
    profile = store.profiles.create(NAME)
    saved = store.registrations.save(profile.id, CONTEST, {"full_name": NAME}, complete=False)
    # A constraint that is not the unique number: SQLite raises an IntegrityError too.
    store.db.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON registrations "
        "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
    )
    caplog.set_level(logging.ERROR)
    with pytest.raises(RegistrationNotSaved) as caught:
        store.registrations.save(
            profile.id,
            CONTEST,
            {"full_name": NAME, "id_number": ID_NUMBER, "phone": PHONE},
            complete=True,
        )
    assert not isinstance(caught.value, ValidationError)
    assert "already registered" not in str(caught.value)
    logged = caplog.text
    assert saved.id in logged and "refused by a test trigger" in logged
    for private in (NAME, "Lan", ID_NUMBER, PHONE):
        assert private not in logged
    # Nothing half-saved.
    assert store.registrations.get(saved.id).id_number is None
