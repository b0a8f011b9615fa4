"""Attacks on the anonymous open-data feed and on the records that feed it, by a hostile
but enrolled PC against the real server (SQLite and PostgreSQL): small counts that would
point at a person, forged commune codes, impossible group-session attendance, and the
feed's cache and headers."""

from __future__ import annotations

import csv
import datetime
import io
import threading
import uuid

import pytest
import requests
from hostile import HostileDevice
from sqlalchemy import func, select

from skillsapp.server import db
from skillsapp.server.claims import MAX_SESSION_ATTENDANCE, SESSION_QUIZ_MARGIN, VIETNAM
from skillsapp.server.open_data import MEASURES, MIN_CELL_SIZE, SUPPRESSED_MARK, FeedCache

HOAN_KIEM, BA_DINH, AN_DONG = "00070", "00004", "27316"  # two in Hà Nội, one in HCMC
FEED = "/api/v1/open-data/participation"


def _feed(server) -> dict:
    answer = requests.get(f"{server.url}{FEED}.json", timeout=30)
    assert answer.status_code == 200
    return answer.json()


def _csv_rows(server) -> dict[str, dict[str, str]]:
    answer = requests.get(f"{server.url}{FEED}.csv", timeout=30)
    assert answer.status_code == 200
    rows = csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))
    return {row["commune_code"]: row for row in rows}


def _fresh_cache(server, clock=None, now=None) -> FeedCache:
    """A feed cache with an injected clock, installed on the running server."""
    cache = FeedCache(
        server.services.engine,
        ttl=300,
        clock=clock or (lambda: 0.0),
        now=now or (lambda: datetime.datetime(2026, 12, 8, 3, 0, tzinfo=datetime.UTC)),
    )
    server.server.config.app.state.open_data_cache = cache
    return cache


def _play_many(device: HostileDevice, count: int, full: int, commune: str) -> None:
    records = []
    for index in range(count):
        records += device.honest_attempt(
            name=f"Người chơi {commune} {index}",
            right=20 if index < full else 12,
            seed=index + 1,
            commune=commune,
        )
    answer = device.send(records)
    assert answer["rejected"] == [] and len(answer["accepted"]) == len(records)


def _progress(device: HostileDevice, commune: str | None) -> list[dict]:
    """A lesson finished through the app's own flow, by a learner of ``commune``."""
    profile = device.store.profiles.create(f"Học viên {uuid.uuid4().hex[:6]}", commune_code=commune)
    before = {r["id"] for r in device.pending()}
    device.store.progress.quiz_result(profile.id, "vneid", 100.0, passed=True)
    records = [r for r in device.pending() if r["id"] not in before]
    assert [r["type"] for r in records] == ["lesson_progress"]
    return records


def _session_report(device: HostileDevice, people: int = 3, quiz: list[int] | None = None):
    """A group session held today, run and closed through the app's own flow."""
    store = device.store
    before = {r["id"] for r in device.pending()}
    today = datetime.datetime.now(VIETNAM).date()
    session = store.sessions.create(today, "Nhà văn hoá thôn Đông", "Tổ 1", "vneid", "Trưởng tổ")
    for index in range(people):
        store.sessions.check_in(session.id, store.profiles.create(f"Người dự {index}").id)
    if quiz is not None:
        store.sessions.record_quiz(session.id, "q1", quiz)
    store.sessions.close(session.id)
    (record,) = [r for r in device.pending() if r["id"] not in before]
    assert record["type"] == "session_report"
    return record


def _refused(answer: dict, record: dict, code: str) -> str:
    assert answer["accepted"] == []
    (refusal,) = answer["rejected"]
    assert refusal["id"] == record["id"] and refusal["code"] == code
    return refusal["reason"]


def _stored(server, table) -> int:
    with server.services.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


# --- small cells ------------------------------------------------------------------------


def test_small_counts_are_withheld_and_cannot_be_derived_from_totals(province_server, tmp_path):
    _play_many(HostileDevice(province_server, tmp_path, "hk", HOAN_KIEM), 3, 1, HOAN_KIEM)
    _play_many(HostileDevice(province_server, tmp_path, "bd", BA_DINH), 7, 2, BA_DINH)
    _fresh_cache(province_server)
    feed = _feed(province_server)
    by_code = {row["commune_code"]: row for row in feed["communes"]}
    assert feed["min_cell_size"] == MIN_CELL_SIZE == 5
    # Hoàn Kiếm's 3 entrants and 3 attempts are withheld, never their true number.
    assert by_code[HOAN_KIEM]["entrants"] is None and by_code[HOAN_KIEM]["attempts"] is None
    assert by_code[HOAN_KIEM]["full_scores"] is None
    assert by_code[BA_DINH]["entrants"] == 7 and by_code[BA_DINH]["attempts"] == 7
    assert by_code[BA_DINH]["full_scores"] is None  # 2
    assert by_code[BA_DINH]["lessons_completed"] is None  # 0 is below 5 too
    # Hà Nội's totals add up only what is shown: subtracting the shown cells leaves 0.
    (hanoi,) = feed["provinces"]
    assert hanoi["province_code"] == "01" and hanoi["communes"] == 2
    for name in MEASURES:
        assert hanoi[name] == sum(row[name] or 0 for row in feed["communes"])
    assert hanoi["entrants"] == 7 and hanoi["attempts"] == 7 and hanoi["full_scores"] == 0
    assert hanoi["withheld_cells"] == sum(
        row[name] is None for row in feed["communes"] for name in MEASURES
    )
    rows = _csv_rows(province_server)
    assert rows[HOAN_KIEM]["entrants"] == SUPPRESSED_MARK == "<5"
    assert rows[HOAN_KIEM]["attempts"] == rows[BA_DINH]["full_scores"] == SUPPRESSED_MARK
    assert rows[BA_DINH]["entrants"] == "7" and rows[BA_DINH]["as_of"] == feed["as_of"]
    for row in rows.values():
        assert not {row[name] for name in MEASURES} & {"0", "1", "2", "3", "4"}


def test_a_legacy_unknown_commune_code_never_reaches_the_feed(province_server, tmp_path):
    """Rows stored before the server checked codes count under no commune."""
    device = HostileDevice(province_server, tmp_path, "cu", HOAN_KIEM)
    _play_many(device, 5, 0, HOAN_KIEM)
    with province_server.services.engine.begin() as conn:
        conn.execute(db.registrations.update().values(commune_code="99999"))
    _fresh_cache(province_server)
    feed = _feed(province_server)
    assert [row["commune_code"] for row in feed["communes"]] == [None]
    assert feed["communes"][0]["entrants"] == 5 and feed["provinces"] == []
    assert "99999" not in requests.get(f"{province_server.url}{FEED}.csv", timeout=30).text


# --- commune codes ----------------------------------------------------------------------


def test_progress_with_a_commune_not_on_the_official_list_is_refused(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc", commune=None)
    (record,) = _progress(device, HOAN_KIEM)
    record["payload"]["commune_code"] = "99999"
    reason = _refused(device.send([record]), record, "commune_unknown")
    assert "99999" in reason and "danh mục hành chính" in reason
    assert _stored(province_server, db.lesson_progress) == 0


def test_a_commune_pc_cannot_claim_another_commune(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    (record,) = _progress(device, BA_DINH)  # a learner profile set to the next commune
    reason = _refused(device.send([record]), record, "commune_not_allowed")
    assert "Phường Hoàn Kiếm" in reason and BA_DINH in reason
    session = _session_report(device)
    session["payload"]["commune_code"] = BA_DINH
    _refused(device.send([session]), session, "commune_not_allowed")
    assert _stored(province_server, db.lesson_progress) == 0
    assert _stored(province_server, db.session_reports) == 0


def test_a_commune_pc_may_claim_its_own_commune_or_none(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    records = _progress(device, HOAN_KIEM) + _progress(device, None)
    answer = device.send(records)
    assert sorted(answer["accepted"]) == sorted(r["id"] for r in records)
    with province_server.services.engine.connect() as conn:
        stored = sorted(conn.execute(select(db.lesson_progress.c.commune_code)).scalars(), key=str)
    assert stored == [HOAN_KIEM, None]


def test_a_province_pc_may_claim_any_real_commune(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "tinh", commune=None)
    records = _progress(device, BA_DINH) + _progress(device, AN_DONG)
    session = _session_report(device, people=6)
    session["payload"]["commune_code"] = AN_DONG
    answer = device.send([*records, session])
    assert answer["rejected"] == [] and len(answer["accepted"]) == 3
    _fresh_cache(province_server)
    by_code = {row["commune_code"]: row for row in _feed(province_server)["communes"]}
    assert set(by_code) == {BA_DINH, AN_DONG}  # nothing under "no commune"
    assert by_code[AN_DONG]["session_attendance"] == 6


# --- group sessions ---------------------------------------------------------------------


def test_an_honest_session_report_is_accepted(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    record = _session_report(device, people=4, quiz=[3, 1, 0, 2])  # 2 came unchecked
    answer = device.send([record])
    assert answer["accepted"] == [record["id"]] and answer["rejected"] == []
    assert _stored(province_server, db.session_reports) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"attendance": 10_000}, "session_attendance_implausible"),
        ({"attendance": MAX_SESSION_ATTENDANCE + 1}, "session_attendance_implausible"),
        ({"attendance": -3}, "session_attendance_implausible"),
        ({"attendance": "12"}, "session_attendance_implausible"),
        ({"quiz": [{"question_id": "q1", "counts": [40, 0, 0, 0]}]}, "session_quiz_implausible"),
        ({"quiz": [{"question_id": "q1", "counts": [5, -1, 0, 0]}]}, "session_quiz_implausible"),
        ({"held_on": "2030-13-45"}, "session_date_invalid"),
        ({"held_on": "2024-05-01"}, "session_date_invalid"),
        ({"held_on": "2099-01-01"}, "session_in_future"),
        (
            {"started_at": "2026-11-30T01:00:00+00:00", "ended_at": "2026-12-01T07:00:00+00:00"},
            "session_time_invalid",
        ),
        (
            {"started_at": "2026-12-01T08:00:00+00:00", "ended_at": "2026-12-01T07:00:00+00:00"},
            "session_time_invalid",
        ),
        (
            {"started_at": "2099-01-01T01:00:00+00:00", "ended_at": "2099-01-01T03:00:00+00:00"},
            "session_in_future",
        ),
    ],
    ids=[
        "ten-thousand",
        "over-the-hall",
        "negative",
        "text",
        "quiz-beyond-margin",
        "quiz-negative",
        "impossible-date",
        "before-the-communes",
        "future-date",
        "thirty-hours",
        "ends-before-start",
        "future-time",
    ],
)
def test_an_implausible_session_report_is_refused(province_server, tmp_path, change, code):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    record = _session_report(device, people=3)
    record["payload"].update(change)
    reason = _refused(device.send([record]), record, code)
    assert reason.endswith(".") and len(reason) > 30
    assert _stored(province_server, db.session_reports) == 0
    _fresh_cache(province_server)
    assert _feed(province_server)["communes"] == []


def test_quiz_counts_may_exceed_attendance_by_the_margin_only(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    within = _session_report(device, people=2, quiz=[2 + SESSION_QUIZ_MARGIN, 0, 0, 0])
    assert device.send([within])["accepted"] == [within["id"]]
    beyond = _session_report(device, people=2, quiz=[2 + SESSION_QUIZ_MARGIN, 1, 0, 0])
    reason = _refused(device.send([beyond]), beyond, "session_quiz_implausible")
    assert "33 người trả lời" in reason and "tối đa 32 người" in reason


def test_a_leader_who_did_not_check_anyone_in_may_count_the_hall(province_server, tmp_path):
    """Check-in is optional: with nobody checked in, only the hall's size bounds the quiz."""
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    hall = _session_report(device, people=0, quiz=[25, 10, 5, 0])
    assert device.send([hall])["accepted"] == [hall["id"]]
    packed = _session_report(device, people=0, quiz=[MAX_SESSION_ATTENDANCE, 1, 0, 0])
    _refused(device.send([packed]), packed, "session_quiz_implausible")
    assert _stored(province_server, db.session_reports) == 1


# --- cache and headers ------------------------------------------------------------------


def test_the_feed_is_cached_within_its_window_and_fresh_after(province_server, tmp_path):
    ticks = [0.0]
    cache = _fresh_cache(province_server, clock=lambda: ticks[0])
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    _play_many(device, 5, 0, HOAN_KIEM)
    first = requests.get(f"{province_server.url}{FEED}.json", timeout=30)
    assert first.json()["communes"][0]["attempts"] == 5
    _play_many(device, 1, 0, HOAN_KIEM)
    ticks[0] = 299.0
    again = requests.get(f"{province_server.url}{FEED}.json", timeout=30)
    assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=1"
    assert cache.recomputed == 1
    ticks[0] = 300.0
    later = requests.get(f"{province_server.url}{FEED}.json", timeout=30)
    assert later.json()["communes"][0]["attempts"] == 6
    assert later.headers["ETag"] != first.headers["ETag"] and cache.recomputed == 2
    assert later.headers["Cache-Control"] == "public, max-age=300"


def test_etag_and_if_none_match(province_server):
    _fresh_cache(province_server)
    for suffix, kind in ((".json", "application/json"), (".csv", "text/csv")):
        first = requests.get(f"{province_server.url}{FEED}{suffix}", timeout=30)
        assert first.headers["Content-Type"].startswith(kind)
        etag = first.headers["ETag"]
        assert etag.startswith('"') and first.headers["Cache-Control"].startswith("public")
        unchanged = requests.get(
            f"{province_server.url}{FEED}{suffix}", headers={"If-None-Match": etag}, timeout=30
        )
        assert unchanged.status_code == 304 and unchanged.content == b""
        assert unchanged.headers["ETag"] == etag
        other = requests.get(
            f"{province_server.url}{FEED}{suffix}", headers={"If-None-Match": '"x"'}, timeout=30
        )
        assert other.status_code == 200 and other.content == first.content
    body = requests.get(f"{province_server.url}{FEED}.json", timeout=30).json()
    assert body["as_of"] == "2026-12-08T03:00:00+00:00" and body["refreshed_every_s"] == 300


def test_one_recompute_at_a_time_others_get_the_previous_feed(province_server, monkeypatch):
    from skillsapp.server import open_data

    ticks = [0.0]
    cache = _fresh_cache(province_server, clock=lambda: ticks[0])
    old = cache.get()
    inside, release, running = threading.Event(), threading.Event(), []
    real_build = open_data.build_feed

    def slow_build(engine, as_of):
        running.append(1)
        assert len(running) == 1, "two recomputes at once"
        inside.set()
        release.wait(timeout=30)
        try:
            return real_build(engine, as_of)
        finally:
            running.pop()

    monkeypatch.setattr(open_data, "build_feed", slow_build)
    ticks[0] = 301.0  # the snapshot is stale
    worker = threading.Thread(target=cache.get)
    worker.start()
    assert inside.wait(timeout=30)
    # While one request recomputes, others are served the previous feed at once.
    served = [requests.get(f"{province_server.url}{FEED}.json", timeout=30) for _ in range(3)]
    assert all(s.headers["ETag"] == old.json_etag for s in served)
    assert cache.get() is old and cache.recomputed == 1
    release.set()
    worker.join(timeout=30)
    assert cache.recomputed == 2 and cache.get() is not old
