"""Attacks on organiser sign-in and on enrolment (issue 16, items 5 and 9), against the
real server on SQLite and PostgreSQL: guessing passwords, guessing from one address
across many names, telling known names from unknown ones, a cross-site sign-in form,
and PCs that lose their enrolment answer or try to take another PC's id."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import statistics
import time
import uuid

import pytest
import requests
from hostile import HostileDevice, new_code
from server_helpers import FaultProxy
from sqlalchemy import func, select
from web_helpers import csrf_of, login_csrf, sign_in

from skillsapp.cli import main as cli_main
from skillsapp.content.install import ensure_bundled_content
from skillsapp.server import accounts as server_accounts
from skillsapp.server import db
from skillsapp.server.sign_in_guard import ACCOUNT_FAILURES
from skillsapp.storage import open_store
from skillsapp.storage.ids import utc_now
from skillsapp.sync import runner
from skillsapp.sync.client import SyncError
from skillsapp.sync.signing import enrol_proof_data, new_private_key, public_key_text, sign

PASSWORD = "mat-khau-tinh"  # the province organiser "tinh" made by the fixture
LOCKED = "Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần."
WHO_UNLOCKS = "hoặc nhờ cán bộ cấp tỉnh mở khoá"
THROTTLED = "đã đăng nhập sai quá nhiều lần"


def _move_clock(server, minutes: float) -> None:
    """Let the server's sign-in guard live ``minutes`` ahead of the real clock."""
    server.services.accounts.guard.clock = lambda: utc_now() + datetime.timedelta(minutes=minutes)


def _signs_in(server, username: str, password: str) -> bool:
    session = requests.Session()
    answer = sign_in(session, server.url, username, password)
    return answer.status_code == 303 and "kns_session" in session.cookies


def _lock(server, username: str) -> requests.Response:
    session = requests.Session()
    for _ in range(ACCOUNT_FAILURES):
        answer = sign_in(session, server.url, username, "doan-bua")
    return answer


def _server_cli(server, *args: str) -> int:
    config = server.services.config
    options = ["--server-dir", str(config.data_dir)]
    if config.database_url:
        options += ["--database-url", config.database_url]
    return cli_main(["server", *options, *args])


# --- guessing passwords ----------------------------------------------------------------


def test_guessing_a_password_locks_the_account_even_against_the_right_one(province_server):
    session = requests.Session()
    for attempt in range(4):
        answer = sign_in(session, province_server.url, "tinh", f"doan-{attempt}")
        assert answer.status_code == 401 and "không đúng" in answer.text
    fifth = sign_in(session, province_server.url, "tinh", "doan-5")
    assert fifth.status_code == 429
    assert (
        LOCKED in fifth.text and "Thử lại sau 15 phút" in fifth.text and WHO_UNLOCKS in fifth.text
    )

    right = sign_in(session, province_server.url, "tinh", PASSWORD)
    assert right.status_code == 429 and LOCKED in right.text
    assert "kns_session" not in session.cookies
    _move_clock(province_server, 14)
    assert not _signs_in(province_server, "tinh", PASSWORD)  # still locked a minute before
    _move_clock(province_server, 16)
    assert _signs_in(province_server, "tinh", PASSWORD)

    # Locked again without a success in between, and again: the lock grows (15, then 30 min).
    _move_clock(province_server, 20)
    _lock(province_server, "tinh")
    _move_clock(province_server, 36)
    for attempt in range(5):
        sign_in(requests.Session(), province_server.url, "tinh", f"lai-{attempt}")
    _move_clock(province_server, 36 + 29)
    refused = sign_in(requests.Session(), province_server.url, "tinh", PASSWORD)
    assert refused.status_code == 429 and "Thử lại sau 1 phút" in refused.text
    _move_clock(province_server, 36 + 31)
    assert _signs_in(province_server, "tinh", PASSWORD)


def test_an_unknown_name_is_locked_like_a_real_one(province_server):
    """The answer never tells which names are accounts: guessing either gets the same lock."""
    for name in ("tinh", "khong-co-ai"):
        answers = [sign_in(requests.Session(), province_server.url, name, "doan") for _ in range(5)]
        assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
        assert LOCKED in answers[-1].text


def test_a_right_password_clears_the_failures(province_server):
    for _ in range(4):
        sign_in(requests.Session(), province_server.url, "tinh", "doan")
    assert _signs_in(province_server, "tinh", PASSWORD)
    for _ in range(4):
        answer = sign_in(requests.Session(), province_server.url, "tinh", "doan")
        assert answer.status_code == 401  # 4 since the success: not locked
    assert _signs_in(province_server, "tinh", PASSWORD)


def test_one_address_guessing_across_many_names_is_throttled(province_server):
    url = province_server.url
    for index in range(19):
        # A different name each time (never 5 for one name), and a forged X-Forwarded-For:
        # the header is not believed from a client that is not a configured proxy.
        session = requests.Session()
        session.headers["X-Forwarded-For"] = f"198.51.100.{index}"
        assert sign_in(session, url, f"ten-{index}", "doan").status_code == 401
    twentieth = sign_in(requests.Session(), url, "ten-20", "doan")
    assert twentieth.status_code == 429 and THROTTLED in twentieth.text
    right = sign_in(requests.Session(), url, "tinh", PASSWORD)
    assert (
        right.status_code == 429 and THROTTLED in right.text and "Thử lại sau 15 phút" in right.text
    )
    _move_clock(province_server, 16)
    assert _signs_in(province_server, "tinh", PASSWORD)


def test_behind_a_configured_proxy_each_client_address_counts_alone(province_server):
    services = province_server.services
    services.config = dataclasses.replace(services.config, trusted_proxies=("127.0.0.1",))
    for index in range(25):
        session = requests.Session()
        session.headers["X-Forwarded-For"] = f"203.0.113.{index}, 127.0.0.1"
        assert sign_in(session, province_server.url, f"ten-{index}", "doan").status_code == 401
    with services.engine.connect() as conn:
        addresses = conn.execute(select(db.sign_in_failures.c.address)).scalars().all()
    assert sorted(set(addresses)) == sorted(f"203.0.113.{i}" for i in range(25))


# --- unlocking -------------------------------------------------------------------------


def test_a_province_organiser_unlocks_an_account_on_the_page(province_server):
    url, accounts = province_server.url, province_server.services.accounts
    accounts.create_organiser("xa-hoan-kiem", "mat-khau-xa", "commune", "00070")
    assert LOCKED in _lock(province_server, "xa-hoan-kiem").text
    assert not _signs_in(province_server, "xa-hoan-kiem", "mat-khau-xa")

    commune = requests.Session()  # another commune organiser may not unlock
    accounts.create_organiser("xa-ba-dinh", "mat-khau-xa2", "commune", "00004")
    assert sign_in(commune, url, "xa-ba-dinh", "mat-khau-xa2").status_code == 303
    assert commune.get(f"{url}/sign-in-locks", timeout=20).status_code == 403

    province = requests.Session()
    assert sign_in(province, url, "tinh", PASSWORD).status_code == 303
    page = province.get(f"{url}/sign-in-locks", timeout=20)
    assert page.status_code == 200 and "xa-hoan-kiem" in page.text
    forged = province.post(
        f"{url}/sign-in-locks/unlock", data={"username": "xa-hoan-kiem"}, timeout=20
    )
    assert forged.status_code == 403
    assert not _signs_in(province_server, "xa-hoan-kiem", "mat-khau-xa")
    done = province.post(
        f"{url}/sign-in-locks/unlock",
        data={"username": "xa-hoan-kiem", "csrf": csrf_of(page.text)},
        timeout=20,
    )
    assert done.status_code == 200 and "Đã mở khoá tài khoản “xa-hoan-kiem”" in done.text
    assert _signs_in(province_server, "xa-hoan-kiem", "mat-khau-xa")
    entries = accounts.audit_entries("unlock_sign_in")
    assert [(e["actor"], e["detail"]["username"]) for e in entries] == [("tinh", "xa-hoan-kiem")]


def test_the_command_line_unlocks_an_account(province_server, capsys):
    _lock(province_server, "tinh")
    assert not _signs_in(province_server, "tinh", PASSWORD)
    assert _server_cli(province_server, "organiser", "unlock", "tinh") == 0
    assert "tinh" in capsys.readouterr().out
    assert _signs_in(province_server, "tinh", PASSWORD)
    entries = province_server.services.accounts.audit_entries("unlock_sign_in")
    assert entries[-1]["actor"] == "cli" and entries[-1]["detail"]["was_locked"] is True
    assert _server_cli(province_server, "organiser", "unlock", "khong-co-ai") == 1


# --- equal time for known and unknown names --------------------------------------------


def test_unknown_and_known_names_both_cost_a_password_hash(province_server, monkeypatch):
    checked: list[str] = []
    real_check = server_accounts.check_password

    def counting(password: str, stored: str) -> bool:
        checked.append(stored)
        return real_check(password, stored)

    monkeypatch.setattr(server_accounts, "check_password", counting)
    known = province_server.services.accounts.create_organiser(
        "xa-a", "mat-khau-xa", "commune", "00070"
    )
    assert known.username == "xa-a"
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for index in range(8):  # 16 wrong tries from one address: under the address limit
        for kind, name in (("known", "xa-a" if index < 4 else "tinh"), ("unknown", f"ai-{index}")):
            session = requests.Session()
            csrf = login_csrf(session, province_server.url)
            started = time.perf_counter()
            answer = session.post(
                f"{province_server.url}/login",
                data={"username": name, "password": "sai-mat-khau", "csrf": csrf},
                timeout=20,
            )
            timings[kind].append(time.perf_counter() - started)
            assert answer.status_code == 401
    # Every try hashed, the unknown names too (against a dummy scrypt hash of the same cost).
    assert len(checked) == 16
    assert all(stored.startswith("scrypt$") for stored in checked)
    known_median = statistics.median(timings["known"])
    unknown_median = statistics.median(timings["unknown"])
    assert 0.4 < unknown_median / known_median < 2.5, timings


# --- CSRF on the sign-in form ----------------------------------------------------------


def test_a_cross_site_sign_in_form_is_refused(province_server):
    url = province_server.url
    plain = requests.post(
        f"{url}/login",
        data={"username": "tinh", "password": PASSWORD},
        allow_redirects=False,
        timeout=20,
    )  # no pre-session cookie, no token: what a form on another site sends
    assert plain.status_code == 403 and "kns_session" not in plain.headers.get("set-cookie", "")
    attacker = requests.Session()
    stolen = login_csrf(attacker, url)  # the attacker's own token, not bound to the victim
    victim = requests.Session()
    login_csrf(victim, url)
    forged = victim.post(
        f"{url}/login",
        data={"username": "tinh", "password": PASSWORD, "csrf": stolen},
        allow_redirects=False,
        timeout=20,
    )
    assert forged.status_code == 403 and "kns_session" not in victim.cookies
    assert "Trang đăng nhập đã mở quá lâu" in forged.text
    again = victim.post(
        f"{url}/login",
        data={"username": "tinh", "password": PASSWORD, "csrf": csrf_of(forged.text)},
        allow_redirects=False,
        timeout=20,
    )  # the refusal page is a working form: the organiser just types again
    assert again.status_code == 303 and "kns_session" in victim.cookies
    assert "<script" not in forged.text


# --- enrolment -------------------------------------------------------------------------


def _adopt(server, store) -> HostileDevice:
    """A HostileDevice for a store enrolled by the test itself (not by HostileDevice)."""
    device = HostileDevice.__new__(HostileDevice)
    device.server, device.store, device.device_id = server, store, store.device_id
    device.token = runner.server_settings(store)["token"]
    return device


def _devices(server) -> list:
    with server.services.engine.connect() as conn:
        return conn.execute(select(db.devices)).all()


def test_a_lost_enrolment_answer_then_a_retry_enrols_the_same_pc(province_server, tmp_path, capsys):
    store = open_store(tmp_path / "pc")
    ensure_bundled_content(store)
    code = new_code(province_server)
    proxy = FaultProxy(province_server.port)
    try:
        proxy.mode = "drop_after_commit"
        with pytest.raises(SyncError):
            runner.enrol(store, proxy.url, code, "Nhà văn hóa thôn Đông")
        assert [d.id for d in _devices(province_server)] == [store.device_id]  # server stored it
        assert not runner.status(store).enrolled
        assert cli_main(["--data-dir", str(tmp_path / "pc"), "sync", "status"]) == 0
        assert "Máy này chưa kết nối với máy chủ của tỉnh." in capsys.readouterr().out
        proxy.mode = "pass"
        settings = runner.enrol(store, proxy.url, code, "Nhà văn hóa thôn Đông")
    finally:
        proxy.close()
    assert [d.id for d in _devices(province_server)] == [store.device_id]
    assert settings["commune_code"] == "00070"
    device = _adopt(province_server, store)
    records = device.honest_attempt(right=15)
    answer = device.send(records)
    assert sorted(answer["accepted"]) == sorted(r["id"] for r in records)
    store.close()


def test_an_enrolled_pc_enrols_again_with_a_fresh_code(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    old_token = device.token
    runner.enrol(device.store, province_server.url, new_code(province_server, "00004"), "pc1")
    device.token = runner.server_settings(device.store)["token"]
    assert device.token != old_token
    rows = _devices(province_server)
    assert [(d.id, d.commune_code) for d in rows] == [(device.device_id, "00004")]
    old = requests.get(
        f"{province_server.url}/api/v1/contests",
        headers={"Authorization": f"Bearer {old_token}"},
        timeout=20,
    )
    assert old.status_code == 401  # the token it replaced no longer works
    records = device.honest_attempt(commune="00004")
    assert sorted(device.send(records)["accepted"]) == sorted(r["id"] for r in records)


def _enrol_raw(server, code: str, device_id: str, key, public_key: str | None = None, proof=True):
    public_key = public_key or public_key_text(key)
    body = {
        "code": code,
        "device_id": device_id,
        "device_name": "Máy lạ",
        "public_key": public_key,
    }
    if proof:
        body["proof"] = sign(key, enrol_proof_data(code, device_id, public_key))
    return requests.post(f"{server.url}/api/v1/enrol", json=body, timeout=20)


def test_another_key_cannot_take_an_enrolled_pcs_id(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    with province_server.services.engine.connect() as conn:
        used = conn.execute(select(db.enrolment_codes.c.code)).scalar_one()
        real_key = conn.execute(select(db.devices.c.public_key)).scalar_one()
    thief = new_private_key()
    with_used_code = _enrol_raw(province_server, used, device.device_id, thief)
    assert with_used_code.status_code == 403
    assert with_used_code.json()["error"] == "device_taken"
    fresh = new_code(province_server)
    with_fresh_code = _enrol_raw(province_server, fresh, device.device_id, thief)
    assert with_fresh_code.status_code == 403
    assert with_fresh_code.json()["error"] == "device_taken"
    # The PC's own public key is no secret: without its private key there is no proof.
    copied = _enrol_raw(province_server, fresh, device.device_id, thief, real_key)
    assert copied.status_code == 400 and copied.json()["error"] == "bad_proof"
    unsigned = _enrol_raw(province_server, fresh, device.device_id, thief, real_key, proof=False)
    assert unsigned.status_code == 403 and unsigned.json()["error"] == "proof_needed"
    # Nothing changed: the PC keeps its key and token, and the fresh code is still unused.
    assert [d.public_key for d in _devices(province_server)] == [real_key]
    records = device.honest_attempt()
    assert sorted(device.send(records)["accepted"]) == sorted(r["id"] for r in records)
    with province_server.services.engine.connect() as conn:
        still_free = conn.execute(
            select(db.enrolment_codes.c.used_at).where(db.enrolment_codes.c.code == fresh)
        ).scalar_one()
    assert still_free is None


def test_a_revoked_pc_cannot_enrol_itself_again(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    province_server.services.accounts.revoke(device.device_id)
    with pytest.raises(SyncError) as refused:
        runner.enrol(device.store, province_server.url, new_code(province_server), "pc1")
    assert "chỉ đăng ký lại được sau khi cài lại ứng dụng" in str(refused.value)


@pytest.mark.parametrize(
    "public_key",
    [
        "!" * 44,  # the right length, not base64
        base64.b64encode(b"A" * 32).decode(),  # 32 bytes, but no point of the curve
        base64.b64encode(bytes(32)).decode(),  # 32 bytes: a weak (small-order) key
        base64.b64encode(b"k" * 31).decode(),  # 31 bytes
        base64.b64encode(b"k" * 33).decode(),  # 33 bytes
    ],
    ids=["not-base64", "not-a-point", "weak-point", "31-bytes", "33-bytes"],
)
def test_a_fake_public_key_is_refused(province_server, public_key):
    code = new_code(province_server)
    answer = requests.post(
        f"{province_server.url}/api/v1/enrol",
        json={
            "code": code,
            "device_id": str(uuid.uuid4()),
            "device_name": "Máy giả",
            "public_key": public_key,
        },
        timeout=20,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "bad_public_key"
    assert "Ed25519" in answer.json()["message"]
    assert _devices(province_server) == []
    real = _enrol_raw(province_server, code, str(uuid.uuid4()), new_private_key())
    assert real.status_code == 200  # the code was not used up by the fake


def test_the_command_line_gives_codes_no_longer_life_than_the_pages(province_server, capsys):
    def codes() -> int:
        with province_server.services.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(db.enrolment_codes)).scalar_one()

    args = ("enrolment-code", "--organiser", "tinh", "--commune", "00070")
    assert _server_cli(province_server, *args, "--days", "31") == 2
    assert "--days phải từ 1 đến 30" in capsys.readouterr().out
    assert _server_cli(province_server, *args, "--days", "0") == 2
    assert codes() == 0
    assert _server_cli(province_server, *args, "--days", "30") == 0
    assert codes() == 1
    with pytest.raises(ValueError):
        province_server.services.accounts.create_enrolment_code(
            province_server.services.accounts.organiser("tinh"), "00070", days=365
        )
