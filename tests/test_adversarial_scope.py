"""Who may write what (issue 16, item 3) and personal data sealed at rest (item 6): a
hostile but enrolled PC tries to use other PCs' entrants, other communes and impossible
registrations; two PCs claim one ID number; the raw database is searched for clear
ID numbers and phones. Every test runs on SQLite and PostgreSQL (``province_server``)."""

from __future__ import annotations

import contextlib
import copy
import datetime
import io
import os
import uuid

import pytest
from hostile import CONTEST, ROUND, HostileDevice
from openpyxl import load_workbook
from server_helpers import BACKENDS, postgres_database
from sqlalchemy import inspect, select, text
from web_helpers import csrf_of, signed_in

from skillsapp import geography
from skillsapp.server import db, entrant_review, entrants, migrations, personal_data
from skillsapp.server import reports as server_reports

HOAN_KIEM, BA_DINH = "00070", "00004"
ID_NUMBER, PHONE = "001080012345", "0912345678"
OTHER_PHONE = "0987654321"


def _with(records: list[dict], **fields) -> list[dict]:
    """The records with the registration's payload changed (a tampering PC)."""
    records = copy.deepcopy(records)
    records[0]["payload"].update(fields)
    return records


def _registrations(server) -> list:
    with server.services.engine.connect() as conn:
        return conn.execute(select(db.registrations).order_by(db.registrations.c.received_at)).all()


def _attempts(server) -> dict:
    with server.services.engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(db.attempts))}


def _rejected(answer: dict) -> dict[str, dict]:
    return {r["id"]: r for r in answer["rejected"]}


# --- attempts only on the device's own registrations -------------------------------------


def test_an_attempt_on_another_pcs_entrant_is_refused(province_server, tmp_path):
    victim = HostileDevice(province_server, tmp_path, "victim", commune=HOAN_KIEM)
    theirs = victim.honest_attempt(name="Nguyễn Văn An", right=3)
    assert victim.send(theirs)["rejected"] == []
    cheat = HostileDevice(province_server, tmp_path, "cheat", commune=BA_DINH)
    _registration, attempt = cheat.honest_attempt(name="Lê Văn Cường", right=20)
    attempt["payload"]["registration_id"] = theirs[0]["id"]  # give An 20/20 from another PC

    answer = cheat.send([attempt])

    refusal = _rejected(answer)[attempt["id"]]
    assert refusal["code"] == "registration_other_device"
    assert "máy tính khác" in refusal["reason"]
    assert attempt["id"] not in _attempts(province_server)
    report = server_reports.load_round(province_server.services.engine, CONTEST, ROUND)
    assert [(r.person.full_name, r.score) for r in report.rows] == [("Nguyễn Văn An", 3)]


def test_an_attempt_before_its_registration_is_refused_and_a_retry_after_it_works(
    province_server, tmp_path
):
    device = HostileDevice(province_server, tmp_path)
    registration, attempt = device.honest_attempt(right=12)

    first = device.send([attempt])  # the registration was lost on the way
    assert _rejected(first)[attempt["id"]]["code"] == "registration_unknown"
    assert _attempts(province_server) == {}

    again = device.send([registration, attempt])  # what the app's outbox sends next
    assert sorted(again["accepted"]) == sorted([registration["id"], attempt["id"]])
    retry = device.send([registration, attempt])  # the answer was lost: sent once more
    assert sorted(retry["duplicates"]) == sorted([registration["id"], attempt["id"]])
    assert _attempts(province_server)[attempt["id"]].server_score == 12


def test_an_attempt_whose_registration_was_refused_is_refused_too(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    records = _with(device.honest_attempt(), date_of_birth="2030-13-45")
    answer = device.send(records)
    assert _rejected(answer)[records[0]["id"]]["code"] == "bad_date_of_birth"
    assert _rejected(answer)[records[1]["id"]]["code"] == "registration_unknown"
    assert answer["accepted"] == []
    assert _registrations(province_server) == [] and _attempts(province_server) == {}


# --- registrations within the device's scope, with real values ---------------------------


def test_a_commune_pc_cannot_register_people_of_another_commune(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, commune=HOAN_KIEM)
    records = device.honest_attempt(commune=BA_DINH)
    answer = device.send(records)
    refusal = _rejected(answer)[records[0]["id"]]
    assert refusal["code"] == "commune_out_of_scope"
    assert "Phường Hoàn Kiếm" in refusal["reason"] and "Phường Ba Đình" in refusal["reason"]
    assert _registrations(province_server) == [] and _attempts(province_server) == {}


def test_a_province_pc_may_register_any_real_commune(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, commune=None)
    far = geography.communes("79")[0].code  # Hồ Chí Minh City
    records = _with(device.honest_attempt(commune=far), province_code="79")
    answer = device.send(records)
    assert answer["rejected"] == []
    assert [r.commune_code for r in _registrations(province_server)] == [far]


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"commune_code": "99999"}, "unknown_commune", "99999"),
        ({"province_code": "79"}, "commune_not_in_province", "không thuộc"),
        ({"province_code": "00"}, "unknown_province", "danh mục"),
        ({"date_of_birth": "2030-13-45"}, "bad_date_of_birth", "2030-13-45"),
        ({"date_of_birth": "2099-01-01"}, "bad_date_of_birth", "01/01/2099"),
        ({"date_of_birth": "1850-06-01"}, "bad_date_of_birth", "năm 1900"),
        ({"date_of_birth": "8/12/1980"}, "bad_date_of_birth", "không phải là một ngày"),
        ({"id_number": "12345"}, "bad_id_number", "12 chữ số"),
        ({"id_number": "999080012345"}, "bad_id_number", "mã tỉnh"),
        ({"id_number": "001999012345"}, "bad_id_number", "năm sinh"),
        ({"phone": "12345"}, "bad_phone", "di động"),
        ({"phone": "02438251234"}, "bad_phone", "di động"),
        ({"commune_code": {"code": HOAN_KIEM}}, "bad_field", "commune_code"),
    ],
)
def test_an_impossible_registration_is_refused_with_a_reason(
    province_server, tmp_path, fields, code, words
):
    device = HostileDevice(province_server, tmp_path)
    records = _with(device.honest_attempt(), **fields)
    answer = device.send(records)
    refusal = _rejected(answer)[records[0]["id"]]
    assert refusal["code"] == code
    assert words in refusal["reason"]
    assert _registrations(province_server) == []


def test_a_registration_is_stored_cleaned(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    records = _with(
        device.honest_attempt(),
        id_number="001 080 012345",
        phone="+84 912.345.678",
        date_of_birth="1980-01-01",
        province_code="01",
    )
    assert device.send(records)["rejected"] == []
    (row,) = _registrations(province_server)
    vault = personal_data.vault_for(province_server.services.engine)
    assert vault.open(row.id_number_sealed) == ID_NUMBER
    assert vault.open(row.phone_sealed) == PHONE
    assert row.date_of_birth == "1980-01-01" and row.province_code == "01"


# --- one ID number claimed by several PCs ------------------------------------------------


def _two_claims(server, tmp_path):
    """PC A (Hoàn Kiếm) and PC B (Ba Đình) both register ID_NUMBER and play."""
    a = HostileDevice(server, tmp_path, "pc-a", commune=HOAN_KIEM)
    first = _with(a.honest_attempt(name="Nguyễn Văn An", right=20), id_number=ID_NUMBER)
    assert a.send(first)["flagged"] == []
    b = HostileDevice(server, tmp_path, "pc-b", commune=BA_DINH)
    second = _with(
        b.honest_attempt(name="Nguyễn Văn Ân", right=19, commune=BA_DINH), id_number=ID_NUMBER
    )
    answer = b.send(second)
    return first, second, answer, a


def test_one_id_number_from_two_pcs_is_flagged_not_merged(province_server, tmp_path):
    first, second, answer, _pc_a = _two_claims(province_server, tmp_path)

    assert answer["rejected"] == [] and answer["flagged"] == [second[1]["id"]]
    rows = {r.id: r for r in _registrations(province_server)}
    assert set(rows) == {first[0]["id"], second[0]["id"]}
    for row in rows.values():
        assert row.flagged and row.review == "pending" and row.flag_reason == entrants.ENTRANT_FLAG
    attempts = _attempts(province_server)
    for attempt_id in (first[1]["id"], second[1]["id"]):
        assert attempts[attempt_id].flagged
        assert attempts[attempt_id].flag_reason == entrants.ENTRANT_FLAG
    assert len({r.entrant_key for r in rows.values()}) == 2  # two entrants, not one merged
    report = server_reports.load_round(province_server.services.engine, CONTEST, ROUND)
    assert report.rows == [] and report.awaiting_review == 2  # not ranked until decided

    (conflict,) = entrant_review.pending_conflicts(province_server.services.engine)
    assert {c.device_name for c in conflict.claims} == {"pc-a", "pc-b"}
    assert {c.commune_code for c in conflict.claims} == {HOAN_KIEM, BA_DINH}


def test_a_later_attempt_of_a_flagged_entrant_is_flagged_too(province_server, tmp_path):
    first, _second, _answer, pc_a = _two_claims(province_server, tmp_path)
    later = copy.deepcopy(first[1])  # An plays again on PC A, the next day (one a day)
    later["id"] = later["payload"]["id"] = str(uuid.uuid4())
    day = datetime.timedelta(days=1)
    payload = later["payload"]
    for name in ("started_at", "submitted_at", "deadline_at"):
        if payload.get(name):
            payload[name] = (datetime.datetime.fromisoformat(payload[name]) + day).isoformat()
    for answer in payload["answers"]:
        answer["id"] = str(uuid.uuid4())
        when = datetime.datetime.fromisoformat(answer["answered_at"])
        answer["answered_at"] = (when + day).isoformat()  # played the next day, answers and all
    moved = province_server.services.clock() + day
    province_server.services.clock = lambda: moved
    result = pc_a.send([later])
    assert result["accepted"] == [later["id"]] and result["flagged"] == [later["id"]]
    assert _attempts(province_server)[later["id"]].flag_reason == entrants.ENTRANT_FLAG


def test_the_same_pc_editing_its_registration_is_not_a_conflict(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    registration, attempt = _with(device.honest_attempt(), id_number=ID_NUMBER, phone=PHONE)
    assert device.send([registration, attempt])["rejected"] == []
    edited = copy.deepcopy(registration)
    edited["payload"].update(phone=OTHER_PHONE, updated_at="2099-01-01T00:00:00+00:00")

    answer = device.send([edited])

    assert answer["accepted"] == [registration["id"]] and answer["rejected"] == []
    (row,) = _registrations(province_server)
    vault = personal_data.vault_for(province_server.services.engine)
    assert vault.open(row.phone_sealed) == OTHER_PHONE
    assert not row.flagged and row.review is None
    assert not _attempts(province_server)[attempt["id"]].flagged
    assert device.send([registration])["duplicates"] == [registration["id"]]  # an old copy
    assert vault.open(_registrations(province_server)[0].phone_sealed) == OTHER_PHONE


def test_an_edit_through_the_app_reaches_the_server(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    records = device.honest_attempt()
    assert device.send(records)["rejected"] == []
    stored = device.store.registrations.for_contest(CONTEST)[0]
    device.store.registrations.save(
        stored.profile_id,
        CONTEST,
        {"full_name": stored.full_name, "commune_code": HOAN_KIEM, "phone": PHONE},
        complete=False,
    )
    (edit,) = [r for r in device.pending() if r["type"] == "registration"][-1:]
    assert edit["id"] == records[0]["id"]
    assert device.send([edit])["accepted"] == [edit["id"]]
    (row,) = _registrations(province_server)
    assert personal_data.vault_for(province_server.services.engine).open(row.phone_sealed) == PHONE


def _decide(server, user, password, decision, reason="Đã gọi điện xác minh"):
    session = signed_in(server.url, user, password)
    page = session.get(f"{server.url}/review/entrants", timeout=20)
    (conflict,) = entrant_review.pending_conflicts(server.services.engine)
    return page, session.post(
        f"{server.url}/review/entrants",
        data={
            "csrf": csrf_of(page.text),
            "contest_id": conflict.contest_id,
            "id_hash": conflict.id_hash,
            "registrations": ",".join(c.registration_id for c in conflict.claims),
            "decision": decision,
            "reason": reason,
        },
        timeout=20,
    )


def test_an_organiser_merges_two_claims_after_checking(province_server, tmp_path):
    first, second, _answer, _pc_a = _two_claims(province_server, tmp_path)
    page, answer = _decide(province_server, "tinh", "mat-khau-tinh", "same")
    assert "pc-a" in page.text and "pc-b" in page.text
    assert "Phường Hoàn Kiếm" in page.text and "Phường Ba Đình" in page.text
    assert ID_NUMBER not in page.text and "001******345" in page.text

    assert answer.status_code == 200 and "cùng một người" in answer.text
    rows = _registrations(province_server)
    assert {r.review for r in rows} == {"same"} and not any(r.flagged for r in rows)
    assert len({r.entrant_key for r in rows}) == 1
    attempts = _attempts(province_server)
    assert not attempts[first[1]["id"]].flagged and not attempts[second[1]["id"]].flagged
    report = server_reports.load_round(province_server.services.engine, CONTEST, ROUND)
    assert len({r.entrant for r in report.rows}) == 1
    (decided,) = entrant_review.decisions(province_server.services.engine)
    assert decided["decided_by"] == "tinh" and decided["reason"] == "Đã gọi điện xác minh"
    assert decided["decision"] == "same" and decided["decided_at"]


def test_an_organiser_keeps_two_claims_apart(province_server, tmp_path):
    _two_claims(province_server, tmp_path)
    _page, answer = _decide(province_server, "tinh", "mat-khau-tinh", "apart")
    assert answer.status_code == 200
    rows = _registrations(province_server)
    assert {r.review for r in rows} == {"apart"} and not any(r.flagged for r in rows)
    assert {r.entrant_key for r in rows} == {r.id for r in rows}
    assert not any(a.flagged for a in _attempts(province_server).values())


def test_a_decision_needs_a_reason_and_a_commune_organiser_only_decides_their_own(
    province_server, tmp_path
):
    _two_claims(province_server, tmp_path)
    _page, answer = _decide(province_server, "tinh", "mat-khau-tinh", "same", reason="  ")
    assert answer.status_code == 400 and "lý do" in answer.text
    accounts = province_server.services.accounts
    accounts.create_organiser("xa-hk", "mat-khau-xa", "commune", HOAN_KIEM)
    accounts.create_organiser("xa-khac", "mat-khau-xa", "commune", "00008")
    elsewhere = signed_in(province_server.url, "xa-khac", "mat-khau-xa")
    assert "no-conflicts" in elsewhere.get(f"{province_server.url}/review/entrants").text
    page, answer = _decide(province_server, "xa-hk", "mat-khau-xa", "same")
    assert "pc-b" in page.text  # they see the case that touches their commune...
    assert answer.status_code == 400 and "cấp tỉnh" in answer.text  # ...the province decides
    assert {r.review for r in _registrations(province_server)} == {"pending"}


def test_a_decision_without_the_form_token_is_refused(province_server, tmp_path):
    _two_claims(province_server, tmp_path)
    session = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    (conflict,) = entrant_review.pending_conflicts(province_server.services.engine)
    answer = session.post(
        f"{province_server.url}/review/entrants",
        data={"contest_id": conflict.contest_id, "id_hash": conflict.id_hash, "decision": "same"},
        timeout=20,
    )
    assert answer.status_code == 403
    assert {r.review for r in _registrations(province_server)} == {"pending"}


# --- sealed at rest ----------------------------------------------------------------------


def _every_stored_value(engine) -> str:
    with engine.connect() as conn:
        return "\n".join(
            repr(tuple(row))
            for name in db.table_names(engine)
            for row in conn.execute(text(f"SELECT * FROM {name}"))
        )


def test_raw_rows_hold_no_id_number_or_phone_in_clear(province_server, tmp_path):
    _two_claims(province_server, tmp_path)
    device = HostileDevice(province_server, tmp_path, "pc-c")
    assert device.send(_with(device.honest_attempt(), phone=PHONE))["rejected"] == []
    everything = _every_stored_value(province_server.services.engine)
    assert "Nguyễn Văn An" in everything  # the search does read the rows
    for secret in (ID_NUMBER, PHONE, PHONE[1:], "912345678"):
        assert secret not in everything
    if province_server.services.engine.dialect.name == "sqlite":
        folder = province_server.services.config.data_dir
        for path in folder.glob("server.db*"):
            assert ID_NUMBER.encode() not in path.read_bytes()


def test_the_unmasked_export_opens_the_sealed_values_and_is_audited(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    assert device.send(_with(device.honest_attempt(), id_number=ID_NUMBER, phone=PHONE))["accepted"]
    session = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    base = f"{province_server.url}/rounds/{CONTEST}/{ROUND}/export.xlsx"

    def cells(url: str) -> set:
        answer = session.get(url, timeout=30)
        assert answer.status_code == 200
        book = load_workbook(io.BytesIO(answer.content), read_only=True)
        return {v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}

    masked = cells(base)
    assert ID_NUMBER not in masked and "001******345" in masked and "091****678" in masked
    assert province_server.services.accounts.audit_entries("export_unmasked") == []
    full = cells(f"{base}?unmasked=1")
    assert ID_NUMBER in full and PHONE in full
    (entry,) = province_server.services.accounts.audit_entries("export_unmasked")
    assert entry["actor"] == "tinh" and entry["detail"]["round"] == ROUND and entry["at"]


def test_a_missing_or_wrong_key_stops_the_server_with_a_clear_error(
    province_server, tmp_path, monkeypatch
):
    from skillsapp.server.app import build_services

    device = HostileDevice(province_server, tmp_path)
    assert device.send(_with(device.honest_attempt(), id_number=ID_NUMBER))["accepted"]
    config = province_server.services.config
    key_file = config.data_dir / personal_data.KEY_FILE_NAME
    assert key_file.stat().st_mode & 0o777 == 0o600
    original = key_file.read_text()

    key_file.rename(key_file.with_suffix(".aside"))
    with pytest.raises(personal_data.PersonalDataKeyError, match="missing"):
        build_services(config)
    assert not key_file.exists()  # no new key was made to seal more rows with

    key_file.write_text(os.urandom(32).hex())
    with pytest.raises(personal_data.PersonalDataKeyError, match="not the key"):
        build_services(config)

    key_file.write_text("not a key")
    with pytest.raises(personal_data.PersonalDataKeyError, match="64 hexadecimal"):
        build_services(config)

    key_file.write_text(original)
    monkeypatch.setenv(personal_data.ENV_KEY, os.urandom(32).hex())
    with pytest.raises(personal_data.PersonalDataKeyError, match=personal_data.ENV_KEY):
        build_services(config)
    monkeypatch.setenv(personal_data.ENV_KEY, original.strip())
    again = build_services(config)  # the same key from the environment works
    report = server_reports.load_round(again.engine, CONTEST, ROUND, unmasked=True)
    assert report.rows[0].person.id_number == ID_NUMBER
    again.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_clear_values_from_before_are_sealed_by_the_schema_step(backend, tmp_path, monkeypatch):
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if backend == "postgresql" else ""
        _sealed_by_the_schema_step(url, tmp_path, monkeypatch)


def _sealed_by_the_schema_step(url, tmp_path, monkeypatch):
    from sqlalchemy import insert

    from skillsapp.server.app import build_services
    from skillsapp.server.config import ServerConfig

    config = ServerConfig(tmp_path / "old-server", url)
    config.data_dir.mkdir()
    engine = db.make_engine(config.db_url)
    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:3])
    migrations.migrate(engine)
    monkeypatch.undo()
    with engine.begin() as conn:  # the columns as a server before step 006 had them
        conn.execute(text("ALTER TABLE registrations ADD COLUMN id_number VARCHAR(12)"))
        conn.execute(text("ALTER TABLE registrations ADD COLUMN phone VARCHAR(15)"))
        for rid, device in (("r1", "d1"), ("r2", "d2")):
            conn.execute(
                insert(db.registrations).values(
                    id=rid,
                    device_id=device,
                    contest_id=CONTEST,
                    full_name="Nguyễn Văn An",
                    complete=True,
                    received_at="2026-12-01T00:00:00+00:00",
                    flagged=False,
                )
            )
        conn.execute(
            text("UPDATE registrations SET id_number = :n, phone = :p"),
            {"n": ID_NUMBER, "p": PHONE},
        )
    engine.dispose()

    services = build_services(config)

    everything = _every_stored_value(services.engine)
    assert ID_NUMBER not in everything and PHONE not in everything
    vault = personal_data.vault_for(services.engine)
    rows = _registrations(type("S", (), {"services": services})())
    assert [vault.open(r.id_number_sealed) for r in rows] == [ID_NUMBER, ID_NUMBER]
    assert [vault.open(r.phone_sealed) for r in rows] == [PHONE, PHONE]
    assert {r.entrant_key for r in rows} == {f"id:{vault.match_hash(ID_NUMBER)}"}
    columns = {c["name"] for c in inspect(services.engine).get_columns("registrations")}
    assert "id_number" not in columns and "phone" not in columns
    services.engine.dispose()


def test_an_organiser_page_never_shows_the_clear_values(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    assert device.send(_with(device.honest_attempt(), id_number=ID_NUMBER, phone=PHONE))["accepted"]
    session = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    page = session.get(f"{province_server.url}/rounds/{CONTEST}/{ROUND}", timeout=20)
    assert page.status_code == 200
    assert ID_NUMBER not in page.text and PHONE not in page.text
    assert "001******345" in page.text


def test_an_attempt_refused_with_its_registration_is_sent_again_once_the_registration_is_fixed(
    province_server, tmp_path
):
    """Through the app's own outbox: a registration the server refuses takes its attempt down
    with it; when the leader corrects the registration, the attempt goes again, after it."""
    from skillsapp.sync.refusals import refusals
    from skillsapp.sync.runner import sync_now

    device = HostileDevice(province_server, tmp_path)
    record = device.play(right=14)
    store = device.store
    store.db.execute(  # what a PC without the date check would send
        "UPDATE outbox SET payload = json_set(payload, '$.date_of_birth', '2030-13-45') "
        "WHERE record_type = 'registration'"
    )
    store.db.conn.commit()
    now = province_server.services.clock()
    first = sync_now(store, now)
    assert len(first.rejected) == 2 and _attempts(province_server) == {}
    assert {r.record_type for r in refusals(store)} == {"registration", "attempt"}

    registration = store.registrations.get(record.registration_id)
    store.registrations.save(
        registration.profile_id,
        CONTEST,
        {
            "full_name": registration.full_name,
            "commune_code": "00070",
            "date_of_birth": "1960-05-04",
        },
        complete=False,
    )
    assert store.outbox.pending_count() == 2  # the corrected registration, then the attempt
    second = sync_now(store, now)
    assert second.sent == 2 and second.rejected == []
    assert _attempts(province_server)[record.id].server_score == 14
    assert refusals(store) == []  # nothing refused is left to show


def test_an_attempt_naming_no_registration_is_refused(province_server, tmp_path):
    """Attempt limits count per registration: an attempt with none would escape them."""
    device = HostileDevice(province_server, tmp_path)
    registration, attempt = device.honest_attempt(right=20)
    attempt["payload"]["registration_id"] = None
    answer = device.send([registration, attempt])
    assert _rejected(answer)[attempt["id"]]["code"] == "registration_missing"
    assert answer["accepted"] == [registration["id"]] and _attempts(province_server) == {}
