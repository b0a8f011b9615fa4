"""Group-session reports with a phone game (issue 14), sent by an enrolled PC to the real
server over loopback (SQLite and PostgreSQL): an honest one made through the app's own
recorder is accepted and counted; forged phone counts are refused with a reason."""

from __future__ import annotations

import datetime
import json

import pytest
from hostile import SERVER_NOW, HostileDevice
from live_records_helpers import T0, Player, answer
from sqlalchemy import func, select

from skillsapp.server import db
from skillsapp.server.claims import MAX_PHONE_QUESTIONS, MAX_SESSION_ATTENDANCE, VIETNAM
from skillsapp.server.participation import participation
from skillsapp.sync.runner import sync_now

HOAN_KIEM = "00070"


def _phone_session(device: HostileDevice, checked_in: int, named: int, unnamed: int) -> dict:
    """A session held today: ``checked_in`` people at the door, a phone game in which
    ``named`` of them pick their name and ``unnamed`` residents type one; everyone
    answers both questions; then the session is ended through the app."""
    store = device.store
    before = {r["id"] for r in device.pending()}
    today = datetime.datetime.now(VIETNAM).date()
    session = store.sessions.create(today, "Nhà văn hoá thôn Đông", "Tổ 1", "vneid", "Trưởng tổ")
    profiles = [store.profiles.create(f"Người dự {i}") for i in range(checked_in)]
    for profile in profiles:
        store.sessions.check_in(session.id, profile.id)
    game_id = store.live_games.start(session.id, ["q1", "q2"], speed_bonus=False)
    recorder = store.live_games.recorder()
    players = [Player(p.id[:8], "x", p.id, T0) for p in profiles[:named]]
    players += [Player(f"a{i}", f"Khách {i}", None, T0) for i in range(unnamed)]
    for player in players:
        recorder.player_joined(game_id, player)
    for question in ("q1", "q2"):
        counts = [0, 0, 0, 0]
        for index, player in enumerate(players):
            recorder.answer_recorded(game_id, answer(game_id, player.id, question, index % 4))
            counts[index % 4] += 1
        recorder.question_revealed(game_id, question, tuple(counts))
    recorder.game_finished(game_id)
    recorder.close()
    store.sessions.close(session.id)
    (record,) = [r for r in device.pending() if r["id"] not in before]
    assert record["type"] == "session_report"
    return record


def _stored(server) -> list[dict]:
    with server.services.engine.connect() as conn:
        return [json.loads(row.data) for row in conn.execute(select(db.session_reports.c.data))]


def _count(server) -> int:
    with server.services.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(db.session_reports)).scalar()


def test_an_honest_phone_session_is_accepted_and_counted(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    record = _phone_session(device, checked_in=4, named=2, unnamed=5)
    payload = record["payload"]
    assert payload["attendance"] == 9 and payload["phone_players"] == 7
    assert payload["phone_answers"] == 14 and payload["phone_questions"] == 2
    answer = device.send([record])
    assert answer["accepted"] == [record["id"]] and answer["rejected"] == []
    (stored,) = _stored(province_server)
    assert stored["phone_players"] == 7
    assert "Khách" not in json.dumps(stored, ensure_ascii=False)  # typed names never leave
    (row,) = participation(province_server.services.engine)
    assert (row.sessions, row.session_attendance, row.session_phone_players) == (1, 9, 7)


def test_a_report_from_an_app_without_phone_games_is_still_accepted(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    record = _phone_session(device, checked_in=3, named=0, unnamed=1)
    for name in ("phone_players", "phone_answers", "phone_questions"):
        del record["payload"][name]
    assert device.send([record])["accepted"] == [record["id"]]
    (row,) = participation(province_server.services.engine)
    assert row.session_phone_players == 0


@pytest.mark.parametrize(
    "change",
    [
        {"phone_players": 40},  # more phones than people who came
        {"phone_players": MAX_SESSION_ATTENDANCE * 10},
        {"phone_players": -1},
        {"phone_players": "7"},
        {"phone_players": True},
        {"phone_players": 7.0},
        {"phone_answers": 15},  # 7 players, 2 questions: 14 at most
        {"phone_answers": None},
        {"phone_questions": MAX_PHONE_QUESTIONS + 1, "phone_answers": 7},
        {"phone_questions": -2},
        {"phone_players": 0},  # answers with nobody playing
    ],
    ids=[
        "more-than-came",
        "ten-halls",
        "negative",
        "text",
        "boolean",
        "fraction",
        "more-answers-than-possible",
        "null-answers",
        "too-many-questions",
        "negative-questions",
        "answers-without-players",
    ],
)
def test_forged_phone_counts_are_refused(province_server, tmp_path, change):
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    record = _phone_session(device, checked_in=4, named=2, unnamed=5)
    record["payload"].update(change)
    answer = device.send([record])
    assert answer["accepted"] == []
    (refusal,) = answer["rejected"]
    assert refusal["id"] == record["id"] and refusal["code"] == "session_phone_implausible"
    assert refusal["reason"].endswith(".") and "điện thoại" in refusal["reason"]
    assert _count(province_server) == 0


def test_phone_players_raise_attendance_only_within_the_hall(province_server, tmp_path):
    """Unnamed phone players add to attendance, so the hall's bound still holds for them."""
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    record = _phone_session(device, checked_in=1, named=1, unnamed=3)
    record["payload"].update(
        attendance=MAX_SESSION_ATTENDANCE + 1, phone_players=MAX_SESSION_ATTENDANCE
    )
    (refusal,) = device.send([record])["rejected"]
    assert refusal["code"] == "session_attendance_implausible"
    assert _count(province_server) == 0


def test_the_apps_own_sync_sends_the_phone_session(province_server, tmp_path):
    """The whole way: a phone game recorded, the session ended, ``sync_now`` as the app runs
    it, and the province's participation counts the phones."""
    device = HostileDevice(province_server, tmp_path, "pc", HOAN_KIEM)
    _phone_session(device, checked_in=2, named=1, unnamed=6)
    report = sync_now(device.store, SERVER_NOW)
    assert report.rejected == [] and report.sent >= 1
    assert device.store.outbox.pending_count() == 0
    (stored,) = _stored(province_server)
    assert (stored["attendance"], stored["phone_players"]) == (8, 7)
    (row,) = participation(province_server.services.engine)
    assert (row.session_attendance, row.session_phone_players) == (8, 7)
