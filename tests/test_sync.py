"""Syncing with a real provincial server over loopback: the happy path and every
way the network or the server can fail. Runs on SQLite, and on PostgreSQL when
SKILLSAPP_TEST_POSTGRES_URL is set (.ci/run sets it)."""

import datetime
import json
import zipfile

import pytest
import requests
from engine_helpers import answer_all
from server_helpers import FaultProxy
from sqlalchemy import func, select, update

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows import contest as contest_flow
from skillsapp.storage import open_store
from skillsapp.sync import client as kinds
from skillsapp.sync.client import ServerClient, SyncError
from skillsapp.sync.runner import enrol, status, sync_now
from skillsapp.sync.transfer import export_transfer

pytest.importorskip("fastapi")
from skillsapp.server import db  # noqa: E402
from skillsapp.server.accounts import Organiser  # noqa: E402
from skillsapp.server.transfer import import_transfer  # noqa: E402

CONTEST = "tim-hieu-chuyen-doi-so-2026"
NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
# The server's clock, and the PC's when it syncs: an hour after the attempts were played,
# inside the sample contest's first round (the server refuses attempts in rounds not open).
SERVER_NOW = NOW + datetime.timedelta(hours=1)


@pytest.fixture
def server(province_server):
    """tests/hostile.py's server: both backends, the bundled pack published, a province
    organiser, and its clock at SERVER_NOW."""
    return province_server


def new_code(server, commune: str | None = "00070") -> str:
    return server.services.accounts.create_enrolment_code(server.province, commune)


def pc(tmp_path, name="pc1"):
    store = open_store(tmp_path / name)
    ensure_bundled_content(store)
    return store


def play(store, name="Nguyễn Văn An", right=20, seed=1, moment=NOW):
    contest = store.content.contest(CONTEST)
    profile = store.profiles.create(name)
    registration = store.registrations.save(
        profile.id, CONTEST, {"full_name": name, "commune_code": "00070"}, complete=False
    )
    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.round("tuan-1"), moment, seed=seed
    )
    answer_all(attempt, right, moment)
    return attempt.submit(moment + datetime.timedelta(minutes=5))


def count(server, table):
    with server.services.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def sync(store, now=None):
    return sync_now(store, now or SERVER_NOW)


def test_happy_path_enrol_send_and_rescore(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "Nhà văn hóa thôn Đông")
    record = play(store)
    pending = store.outbox.pending_count()
    assert pending == 2  # the registration and the attempt
    report = sync(store)
    assert report.sent == 2 and report.rejected == []
    assert store.outbox.pending_count() == 0
    assert count(server, db.attempts) == 1 and count(server, db.answers) == 20
    with server.services.engine.connect() as conn:
        row = conn.execute(select(db.attempts)).first()
    assert row.id == record.id and row.score == 20 and row.server_score == 20 and not row.flagged
    state = status(store)
    assert state.last_success is not None and state.last_problem is None and state.pending == 0
    assert report.contests >= 1  # the province's contest came back signed


def test_sending_twice_never_duplicates(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    batch = [
        {"type": i.record_type, "id": i.record_id, "payload": i.payload}
        for i in store.outbox.next_batch()
    ]
    client = ServerClient(
        server.url,
        json.loads(
            store.db.execute("SELECT value FROM sync_state WHERE key='server'").fetchone()[0]
        )["token"],
    )
    first = client.send_batch(batch, SERVER_NOW)
    second = client.send_batch(list(reversed(batch)), SERVER_NOW)  # replayed, reordered
    assert (
        len(first["accepted"]) == 2 and second["accepted"] == [] and len(second["duplicates"]) == 2
    )
    assert (
        count(server, db.attempts) == 1
        and count(server, db.registrations) == 1
        and count(server, db.answers) == 20
    )


def test_server_down_keeps_everything_and_backs_off(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    server.stop()
    with pytest.raises(SyncError) as caught:
        sync(store)
    assert caught.value.kind == kinds.OFFLINE and "vẫn được lưu" in str(caught.value)
    state = status(store)
    assert state.pending == 2 and state.last_problem == str(caught.value)
    assert state.next_try_at > SERVER_NOW  # backing off
    with pytest.raises(SyncError):
        sync(store)
    later = status(store)
    assert later.next_try_at - SERVER_NOW > datetime.timedelta(seconds=90)  # doubled


@pytest.mark.parametrize(
    ("mode", "kind"), [("http500", kinds.SERVER), ("garbage", kinds.BAD_RESPONSE)]
)
def test_server_errors_and_malformed_answers(server, tmp_path, mode, kind):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    proxy = FaultProxy(server.port)
    proxy.mode = mode
    try:
        with pytest.raises(SyncError) as caught:
            sync_now(store, SERVER_NOW, ServerClient(proxy.url, _token(store)))
        assert caught.value.kind == kind and caught.value.retry_later
        assert store.outbox.pending_count() == 2
    finally:
        proxy.close()


def test_timeout_is_treated_as_offline(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    proxy = FaultProxy(server.port)
    proxy.mode = "hang"
    try:
        with pytest.raises(SyncError) as caught:
            sync_now(
                store,
                SERVER_NOW,
                ServerClient(proxy.url, _token(store), timeout=(0.5, 0.5)),
            )
        assert caught.value.kind == kinds.OFFLINE
        assert store.outbox.pending_count() == 2
    finally:
        proxy.close()


def test_connection_dropped_after_the_server_committed(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    proxy = FaultProxy(server.port)
    proxy.mode = "drop_after_commit"
    try:
        with pytest.raises(SyncError) as caught:
            sync_now(store, SERVER_NOW, ServerClient(proxy.url, _token(store)))
        assert caught.value.kind == kinds.OFFLINE
        assert proxy.forwarded == 1 and count(server, db.attempts) == 1  # the server has it
        assert store.outbox.pending_count() == 2  # the app does not know yet
        proxy.mode = "pass"
        report = sync_now(store, SERVER_NOW, ServerClient(proxy.url, _token(store)))
        assert report.sent == 0 and report.duplicates == 2
        assert store.outbox.pending_count() == 0
        assert count(server, db.attempts) == 1 and count(server, db.answers) == 20
    finally:
        proxy.close()


def test_revoked_pc_is_told_plainly(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    server.services.accounts.revoke(store.device_id)
    with pytest.raises(SyncError) as caught:
        sync(store)
    assert caught.value.kind == kinds.REVOKED and not caught.value.retry_later
    assert count(server, db.attempts) == 0 and store.outbox.pending_count() == 2


def test_bad_or_used_enrolment_code(server, tmp_path):
    store = pc(tmp_path)
    with pytest.raises(SyncError) as caught:
        enrol(store, server.url, "WRONGCODE1", "PC")
    assert caught.value.kind == kinds.REFUSED
    code = new_code(server)
    enrol(store, server.url, code, "PC")
    other = pc(tmp_path, "pc2")
    with pytest.raises(SyncError):
        enrol(other, server.url, code, "PC2")


def test_one_device_cannot_write_another_devices_records(server, tmp_path):
    first, second = pc(tmp_path, "a"), pc(tmp_path, "b")
    enrol(first, server.url, new_code(server), "A")
    enrol(second, server.url, new_code(server), "B")
    play(first)
    sync(first)
    stolen = [
        {
            "type": i.record_type,
            "id": i.record_id,
            "payload": {**i.payload, "device_id": second.device_id},
        }
        for i in first.db.execute("SELECT 1").fetchall() and []
    ]
    item = json.loads(
        first.db.execute("SELECT payload FROM outbox WHERE record_type='attempt'").fetchone()[0]
    )
    stolen = [
        {
            "type": "attempt",
            "id": item["id"],
            "payload": {**item, "device_id": second.device_id, "score": 0},
        }
    ]
    answer = ServerClient(server.url, _token(second)).send_batch(stolen, SERVER_NOW)
    assert (
        answer["accepted"] == []
        and answer["rejected"][0]["code"] == "other_device_record"
        and answer["rejected"][0]["reason"] == "Bản ghi này thuộc về một máy khác."
    )
    with server.services.engine.connect() as conn:
        assert conn.execute(select(db.attempts.c.score)).scalar() == 20


def test_server_flags_an_attempt_whose_score_differs(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    record = play(store, right=10)
    store.db.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.score', 20.0) WHERE record_type='attempt'"
    )
    store.db.conn.commit()
    report = sync(store)
    assert report.sent == 2
    with server.services.engine.connect() as conn:
        row = conn.execute(select(db.attempts).where(db.attempts.c.id == record.id)).first()
    assert row.flagged and row.server_score == 10
    assert row.flag_reason == "Máy tính báo 20/20 điểm nhưng máy chủ chấm lại được 10/20 điểm."


def test_unknown_contest_is_rejected_and_the_rest_kept(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    store.db.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.contest_id', 'khong-co') "
        "WHERE record_type='attempt'"
    )
    store.db.conn.commit()
    report = sync(store)
    assert report.sent == 1 and report.rejected == ["Máy chủ không có cuộc thi «khong-co»."]
    assert count(server, db.attempts) == 0 and count(server, db.answers) == 0  # nothing half-way
    assert store.outbox.pending_count() == 0 and len(store.outbox.rejected()) == 1


def test_pc_clock_far_from_the_server(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    play(store)
    with pytest.raises(SyncError) as caught:
        sync_now(store, SERVER_NOW - datetime.timedelta(days=3))
    assert caught.value.kind == kinds.CLOCK and "ngày giờ" in str(caught.value)
    assert count(server, db.attempts) == 0


def test_oversized_and_malformed_requests(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    headers = {"Authorization": f"Bearer {_token(store)}", "Content-Type": "application/json"}
    big = requests.post(
        f"{server.url}/api/v1/batches", data=b"x" * (9 * 1024 * 1024), headers=headers, timeout=30
    )
    assert big.status_code == 413 and big.json()["error"] == "too_large"
    wrong = requests.post(
        f"{server.url}/api/v1/batches", data=b'{"records": 5}', headers=headers, timeout=10
    )
    assert wrong.status_code == 422 and wrong.json()["error"] == "bad_request"
    garbage = requests.post(
        f"{server.url}/api/v1/batches", data=b"\xff\xfe{{", headers=headers, timeout=10
    )
    assert garbage.status_code == 422
    no_token = requests.post(f"{server.url}/api/v1/batches", json={}, timeout=10)
    assert no_token.status_code == 401
    assert count(server, db.attempts) == 0


def test_tampered_pack_and_contest_are_refused(server, tmp_path):
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    services = server.services
    with services.engine.begin() as conn:
        row = conn.execute(select(db.packs)).first()
        manifest = json.loads(row.manifest)
        manifest["version"] = "9.9.9"  # pretend a newer version, keep the old signature
        conn.execute(update(db.packs).values(manifest=json.dumps(manifest)))
        sample = db.contests.c.id == CONTEST
        data = json.loads(conn.execute(select(db.contests.c.data).where(sample)).scalar())
        data["rules"]["time_limit_minutes"] = 1
        conn.execute(update(db.contests).where(sample).values(data=json.dumps(data)))
    report = sync(store)
    assert len(report.refused) == 2 and all("chữ ký" in line for line in report.refused)
    assert store.content.contest(CONTEST).rules.time_limit_minutes == 15  # unchanged
    assert status(store).last_problem == report.refused[-1]


def test_tampered_pack_file_is_refused(server, tmp_path):
    services = server.services
    with services.engine.connect() as conn:
        row = conn.execute(select(db.packs)).first()
    manifest = json.loads(row.manifest)
    manifest["version"] = "2.0.0"
    from skillsapp.sync.signing import sign

    with services.engine.begin() as conn:  # a correctly signed manifest for the original file
        conn.execute(
            update(db.packs).values(
                manifest=json.dumps(manifest), signature=sign(services.key, manifest)
            )
        )
    with zipfile.ZipFile(row.file, "a") as bundle:  # then the file is changed on disk
        bundle.writestr("lessons/99-gia.md", "---\nid: gia\n---\nNội dung giả")
    store = pc(tmp_path)
    enrol(store, server.url, new_code(server), "PC")
    report = sync(store)
    assert report.packs == [] and any("Pack" in line or "Gói" in line for line in report.refused)
    assert store.content.pack_row("ky-nang-so-co-ban")["version"] == "1.0.0"


def test_usb_transfer_imports_once_and_checks_its_signature(server, tmp_path):
    store = pc(tmp_path)
    play(store)
    code = new_code(server)
    target = tmp_path / "usb" / "ket-qua.kns"
    assert export_transfer(store, target, NOW, device_name="Thôn Đông", enrolment_code=code) == 2
    data = target.read_bytes()
    first = import_transfer(server.services, data)
    assert len(first.accepted) == 2
    again = import_transfer(server.services, data)
    assert again.accepted == [] and len(again.duplicates) == 2
    assert count(server, db.attempts) == 1
    tampered = data.replace(b'"score": 20.0', b'"score": 19.0')
    assert tampered != data
    from skillsapp.server.errors import ApiError

    with pytest.raises(ApiError) as caught:
        import_transfer(server.services, tampered)
    assert caught.value.code == "bad_signature"
    with pytest.raises(ApiError):
        import_transfer(server.services, b"\x00\x01 garbage")


def test_commune_organiser_codes_are_bound_to_their_commune(server):
    commune = server.services.accounts.create_organiser("xa", "mat-khau-xa", "commune", "00070")
    code = server.services.accounts.create_enrolment_code(commune, "00004")
    with server.services.engine.connect() as conn:
        row = conn.execute(
            select(db.enrolment_codes).where(db.enrolment_codes.c.code == code)
        ).first()
    assert row.commune_code == "00070"
    assert Organiser(commune.id, "xa", "commune", "00070").may_see("00070")
    assert not commune.may_see("00004")


def _token(store) -> str:
    return json.loads(
        store.db.execute("SELECT value FROM sync_state WHERE key='server'").fetchone()[0]
    )["token"]
