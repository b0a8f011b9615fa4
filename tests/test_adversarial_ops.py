"""Issue 16 items 6 and 8 against the real server on loopback (SQLite and PostgreSQL):
no personal data in the log when the database breaks mid-batch, a JSON 503 with
Retry-After while the database is down (and the app backs off, keeping its queue),
and USB transfer files that are nested, oversized, malformed, zipped or from
another commune's PC refused cleanly on the organiser page."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from content_helpers import BUNDLED, STRICT_BUNDLED
from hostile import PLAYED_AT, HostileDevice
from server_helpers import BACKENDS, POSTGRES_ADMIN_URL, postgres_database
from sqlalchemy import create_engine, func, select, text
from web_helpers import csrf_of, signed_in

from skillsapp.server import db
from skillsapp.sync.transfer import export_transfer

pytest.importorskip("fastapi")

NAME, ID_NUMBER, PHONE = (
    "Trịnh Thị Rò Rỉ",
    "001199077123",
    "0987650123",
)  # a valid number: born 1999
OTHER_COMMUNE = "00004"


def _count(server, table) -> int:
    with server.services.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def _with_personal_data(records: list[dict]) -> list[dict]:
    registration = records[0]["payload"]
    registration.update(full_name=NAME, id_number=ID_NUMBER, phone=PHONE)
    return records


# --- personal data never in the log ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _served(tmp_path: Path, backend: str):
    """``skillsapp serve`` in its own process, stdout and stderr (uvicorn's log) to a file."""
    from skillsapp.server.app import build_services
    from skillsapp.server.config import ServerConfig
    from skillsapp.server.publish import publish_pack

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if backend == "postgresql" else ""
        config = ServerConfig(tmp_path / "server", url)
        services = build_services(config)
        stack.callback(services.engine.dispose)
        publish_pack(
            services.engine, services.key, config.packs_dir, BUNDLED, strict=STRICT_BUNDLED
        )
        province = services.accounts.create_organiser("tinh", "mat-khau-tinh", "province")
        port = _free_port()
        log_path = tmp_path / "server.log"
        log_file = stack.enter_context(open(log_path, "wb"))
        command = [sys.executable, "-m", "skillsapp", "serve", "--server-dir", str(config.data_dir)]
        command += ["--port", str(port)] + (["--database-url", url] if url else [])
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
        stack.callback(process.wait, 20)
        stack.callback(process.terminate)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    break
            assert process.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)  # waiting for a process to bind its port, not to make a test pass
        yield SimpleNamespace(url=base, services=services, province=province, log=log_path)


_BREAK = {
    # A fault that fires on the registrations insert.
    "sqlite": [
        "CREATE TRIGGER broken BEFORE INSERT ON registrations "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END"
    ],
    # PostgreSQL's message carries the whole row here, as "Failing row contains" does.
    "postgresql": [
        "CREATE FUNCTION broken() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'simulated failure on row %', NEW; END $$",
        "CREATE TRIGGER broken BEFORE INSERT ON registrations "
        "FOR EACH ROW EXECUTE FUNCTION broken()",
    ],
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_personal_data_in_the_log_when_the_database_breaks_mid_batch(tmp_path, backend):
    with _served(tmp_path, backend) as server:
        device = HostileDevice(server, tmp_path, "pc1")
        # Only the registration: this server process runs on the real clock, before the
        # sample round opens, so verification would refuse the attempt before any insert.
        records = _with_personal_data(device.honest_attempt(right=15))[:1]
        with server.services.engine.begin() as conn:
            for statement in _BREAK[backend]:
                conn.execute(text(statement))

        answer = device.send(records, raw=True)

        stored = _count(server, db.registrations)
        with server.services.engine.begin() as conn:
            drop = "DROP TRIGGER broken" + (" ON registrations" if backend != "sqlite" else "")
            conn.execute(text(drop))
        again = device.send(records)

    log = server.log.read_text(encoding="utf-8", errors="replace")
    for secret in (NAME, ID_NUMBER, PHONE, ID_NUMBER[-6:], PHONE[-6:]):
        assert secret not in log and secret not in answer.text
    assert "INSERT" not in log and "Traceback" not in log
    assert "unexpected error during POST /api/v1/batches" in log  # the failure is logged
    assert answer.status_code == 500 and answer.json()["error"] == "server_error"
    assert stored == 0
    assert sorted(again["accepted"]) == sorted(r["id"] for r in records)


# --- the database is down: JSON 503, Retry-After, and the app backs off -----------------


@contextlib.contextmanager
def _database_down(server):
    """Make the server's database unreachable for new connections, then bring it back."""
    engine = server.services.engine
    if engine.dialect.name == "sqlite":
        database = Path(engine.url.database)
        aside = database.with_name("aside")
        aside.mkdir()
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{database}{suffix}")
            if source.exists():
                shutil.move(source, aside / source.name)
        database.mkdir()  # where the file was, a folder: "unable to open database file"
        try:
            yield
        finally:
            database.rmdir()
            for kept in aside.iterdir():
                shutil.move(kept, database.parent / kept.name)
            engine.dispose()
        return
    name = engine.url.database
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        engine.dispose()


def test_while_the_database_is_down_devices_get_503_and_the_app_backs_off(
    province_server, tmp_path
):
    from skillsapp.sync import runner
    from skillsapp.sync.client import BUSY, SyncError

    device = HostileDevice(province_server, tmp_path, "pc1")
    records = _with_personal_data(device.honest_attempt(right=18))
    organiser = signed_in(province_server.url, "tinh", "mat-khau-tinh")
    now = province_server.services.clock()

    with _database_down(province_server):
        answer = device.send(records, raw=True)
        assert answer.status_code == 503
        assert answer.json() == {"error": "unavailable", "message": answer.json()["message"]}
        assert answer.headers["Retry-After"] == "120"
        page = organiser.get(f"{province_server.url}/devices", timeout=20)
        assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
        assert "không kết nối được với cơ sở dữ liệu" in page.text and "Traceback" not in page.text

        with pytest.raises(SyncError) as raised:
            runner.sync_now(device.store, now)
        assert raised.value.kind == BUSY
        status = runner.status(device.store)
        assert status.pending == 2  # everything still queued
        assert status.next_try_at == now + datetime.timedelta(seconds=120)  # as the server asked
        assert "đang bận hoặc đang bảo trì" in status.last_problem or "busy" in status.last_problem
        assert not status.due(now + datetime.timedelta(seconds=60))

    report = runner.sync_now(device.store, now + datetime.timedelta(seconds=121))
    assert report.sent == 2 and runner.status(device.store).pending == 0
    assert _count(province_server, db.registrations) == 1


def test_retry_after_is_capped_at_an_hour_and_read_as_a_date():
    from skillsapp.sync.client import retry_after

    now = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)
    assert retry_after("Wed, 02 Dec 2026 10:05:00 GMT", now) == 300
    assert retry_after("86400", now) == 3600
    assert retry_after("Wed, 02 Dec 2026 09:00:00 GMT", now) == 0
    assert retry_after("", now) is None and retry_after("later", now) is None


# --- USB transfer files -----------------------------------------------------------------


def _upload(server, content: bytes, user=("tinh", "mat-khau-tinh"), name="ket-qua.kns"):
    session = signed_in(server.url, *user)
    page = session.get(f"{server.url}/transfers", timeout=20)
    return session.post(
        f"{server.url}/transfers",
        data={"csrf": csrf_of(page.text)},
        files={"file": (name, content)},
        timeout=120,
    )


def _transfer_file(device, tmp_path: Path, name: str = "ket-qua.kns") -> bytes:
    target = tmp_path / "usb" / name
    export_transfer(device.store, target, PLAYED_AT)
    return target.read_bytes()


def _file_around(records) -> dict:
    return {"format": "skillsapp-transfer/1", "device_id": "x", "records": records}


def test_a_deeply_nested_transfer_file_is_a_clean_400(province_server):
    deep = b'{"format": "skillsapp-transfer/1", "device_id": "x", "records": [' + (
        b"[        " * 200_000 + b"]" * 200_000 + b"]}"
    )  # spaced out: a compact one is already refused for its density, before parsing
    answer = _upload(province_server, deep)
    assert answer.status_code == 400 and "lồng nhau quá nhiều tầng" in answer.text
    # Under Python's recursion limit but far deeper than a real file (6 levels).
    payload: object = "x"
    for _level in range(60):
        payload = {"a": payload}
    moderate = json.dumps(_file_around([{"type": "attempt", "id": "a", "payload": payload}]))
    answer = _upload(province_server, moderate.encode())
    assert answer.status_code == 400 and "lồng nhau quá nhiều tầng" in answer.text
    assert _count(province_server, db.attempts) == 0


def test_a_transfer_file_over_the_limit_is_refused_before_it_is_read(province_server):
    from skillsapp.server.transfer import MAX_TRANSFER_BYTES

    answer = _upload(province_server, b" " * (MAX_TRANSFER_BYTES + 1))
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "lớn hơn mức tối đa 64 MB" in answer.text or "Tệp quá lớn" in answer.text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe not json", "không phải tệp kết quả"),
        (b'{"format": "skillsapp-transfer/1", "device_id": "x", "records": {}}', "bị hỏng"),
        (json.dumps(_file_around([{"type": "attempt", "id": "a"}])).encode(), "bị hỏng"),
        (json.dumps(_file_around([["not", "a", "record"]])).encode(), "bị hỏng"),
        (b"[1, 2, 3]", "không phải tệp kết quả"),
    ],
    ids=["not-json", "records-not-a-list", "record-without-payload", "record-not-object", "array"],
)
def test_a_malformed_transfer_file_is_a_clean_400(province_server, content, expected):
    answer = _upload(province_server, content)
    assert answer.status_code == 400 and expected in answer.text
    assert "Traceback" not in answer.text


def test_a_truncated_or_zipped_transfer_file_is_a_clean_400(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc1")
    device.honest_attempt()
    whole = _transfer_file(device, tmp_path)
    cut = _upload(province_server, whole[: len(whole) // 2])
    assert cut.status_code == 400 and "bị hỏng" in cut.text
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("ket-qua.kns", b"0" * 50_000_000)  # would expand 1000-fold
    zipped = _upload(province_server, packed.getvalue(), name="ket-qua.zip")
    assert zipped.status_code == 400 and "dạng nén (.zip)" in zipped.text
    assert _count(province_server, db.attempts) == 0
    assert _upload(province_server, whole).status_code == 200  # the real file still goes in
    assert _count(province_server, db.attempts) == 1


def test_a_commune_organiser_cannot_import_another_communes_file(province_server, tmp_path):
    accounts = province_server.services.accounts
    accounts.create_organiser("xa", "mat-khau-xa", "commune", "00070")
    foreign = HostileDevice(province_server, tmp_path, "pc-other", commune=OTHER_COMMUNE)
    foreign.honest_attempt(commune=OTHER_COMMUNE)
    content = _transfer_file(foreign, tmp_path)

    refused = _upload(province_server, content, user=("xa", "mat-khau-xa"))
    assert refused.status_code == 403 and "máy tính của một xã khác" in refused.text
    assert _count(province_server, db.attempts) == 0

    accepted = _upload(province_server, content)  # the province organiser may import any
    assert accepted.status_code == 200 and _count(province_server, db.attempts) == 1


def test_a_file_enrolling_a_pc_of_another_commune_is_refused_and_the_code_kept(
    province_server, tmp_path
):
    from skillsapp.content.install import ensure_bundled_content
    from skillsapp.storage import open_store

    accounts = province_server.services.accounts
    accounts.create_organiser("xa", "mat-khau-xa", "commune", "00070")
    code = accounts.create_enrolment_code(province_server.province, OTHER_COMMUNE)
    offline = open_store(tmp_path / "offline")
    ensure_bundled_content(offline)
    target = tmp_path / "usb" / "moi.kns"
    export_transfer(offline, target, PLAYED_AT, device_name="Xã khác", enrolment_code=code)

    refused = _upload(province_server, target.read_bytes(), user=("xa", "mat-khau-xa"))
    assert refused.status_code == 403 and "máy tính của một xã khác" in refused.text
    assert accounts.device(offline.device_id) is None  # not enrolled, the code still unused
    assert _upload(province_server, target.read_bytes()).status_code == 200
    assert accounts.device(offline.device_id).commune_code == OTHER_COMMUNE


_PEAK = """
import sys
from skillsapp.server.transfer import parse_transfer


def high_water():  # this process's peak resident memory in KiB (ru_maxrss survives exec)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


before = high_water()
data = open(sys.argv[1], "rb").read()
print(len(parse_transfer(data)["records"]), before, high_water())
"""


_PEAK_ANY = _PEAK.replace(
    'print(len(parse_transfer(data)["records"]), before, high_water())',
    "import contextlib\nwith contextlib.suppress(Exception):\n    parse_transfer(data)\n"
    "print(before, high_water())",
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux memory figures")
def test_a_near_limit_transfer_file_is_parsed_in_bounded_memory(tmp_path):
    from skillsapp.server.errors import ApiError
    from skillsapp.server.transfer import MAX_TRANSFER_BYTES, MIN_BYTES_PER_VALUE, parse_transfer

    record = {
        "type": "lesson_progress",
        "id": "",
        "payload": {
            "profile_id": "p" * 36,
            "lesson_id": "bai-1",
            "status": "done",
            "completed_at": "2026-12-08T02:00:00.000+00:00",
            "commune_code": "00070",
        },
    }
    one = len(json.dumps({**record, "id": "0" * 36})) + 2
    count = int(MAX_TRANSFER_BYTES * 0.95) // one
    path = tmp_path / "near-limit.kns"
    path.write_text(json.dumps(_file_around([{**record, "id": f"{i:036d}"} for i in range(count)])))
    size = path.stat().st_size
    assert 0.9 * MAX_TRANSFER_BYTES < size <= MAX_TRANSFER_BYTES
    # Peak resident memory of a fresh process reading and parsing the file.
    lines = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    parsed, before, peak = int(lines[0]), int(lines[1]) * 1024, int(lines[2]) * 1024
    assert parsed == count
    print(
        f"\ntransfer file {size / 2**20:.0f} MiB, {count} records: peak memory "
        f"{(peak - before) / 2**20:.0f} MiB above the process's start ({(peak - before) / size:.1f}x "
        "the file)"
    )
    assert peak - before < 12 * MAX_TRANSFER_BYTES  # bounded by the size limit
    # The worst a hostile file can do: as many (empty) containers as the density check lets by.
    dense = tmp_path / "dense.kns"
    filler = b"{}" + b" " * (2 * MIN_BYTES_PER_VALUE - 3) + b","  # "{" and "," per filler
    body = filler * ((MAX_TRANSFER_BYTES - 200) // len(filler))
    prefix = b'{"format": "skillsapp-transfer/1", "device_id": "x", "records": [' + body + b"{}]}"
    dense.write_bytes(prefix)
    peak_dense = subprocess.run(
        [sys.executable, "-c", _PEAK_ANY, str(dense)], capture_output=True, text=True, check=True
    ).stdout.split()
    dense_peak = (int(peak_dense[1]) - int(peak_dense[0])) * 1024
    print(
        f"densest file let through, {dense.stat().st_size / 2**20:.0f} MiB: "
        f"peak {dense_peak / 2**20:.0f} MiB"
    )
    assert dense_peak < 12 * MAX_TRANSFER_BYTES
    tighter = dense.read_bytes().replace(b"    ,", b",")  # denser still: refused before parsing
    with pytest.raises(ApiError, match="far smaller values"):
        parse_transfer(tighter)
    with pytest.raises(Exception, match="larger than 64 MB"):
        parse_transfer(b" " * (MAX_TRANSFER_BYTES + 1))


if os.name != "posix":  # pragma: no cover
    pytestmark = pytest.mark.skip("the server's tests run on POSIX")
