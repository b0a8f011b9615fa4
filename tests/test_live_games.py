"""Storing a phone game (issue 14): players and answers written at once from the hall
server's thread, joins as attendance, reveals as the session's quiz counts, the session's
figures and report, and nothing acknowledged lost when the app dies mid-game."""

from __future__ import annotations

import datetime
import json
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from live_records_helpers import T0, Player, answer

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows.group_session import group_quiz_questions
from skillsapp.storage import open_store

DAY = datetime.date(2026, 12, 8)


def new_session(store):
    return store.sessions.create(DAY, "Nhà văn hóa thôn Đông", "Tổ 1", "lua-dao", "Trưởng tổ")


@pytest.fixture
def game(store):
    session = new_session(store)
    game_id = store.live_games.start(session.id, ["q1", "q2", "q3"], speed_bonus=False)
    recorder = store.live_games.recorder()
    yield store, session, game_id, recorder
    recorder.close()


def test_a_game_is_stored_with_its_questions_and_ends_when_finished(game):
    store, session, game_id, recorder = game
    row = store.db.execute("SELECT * FROM live_games WHERE id = ?", [game_id]).fetchone()
    columns = [d[0] for d in store.db.execute("SELECT * FROM live_games").description]
    stored = dict(zip(columns, row, strict=True))
    assert stored["session_id"] == session.id
    assert json.loads(stored["question_ids"]) == ["q1", "q2", "q3"]
    assert stored["speed_bonus"] == 0 and stored["finished_at"] is None
    recorder.game_finished(game_id)
    finished = store.db.execute("SELECT finished_at FROM live_games").fetchone()[0]
    assert finished.endswith("+00:00")
    recorder.game_finished(game_id)  # again: the first time stays
    assert store.db.execute("SELECT finished_at FROM live_games").fetchone()[0] == finished


def test_a_game_cannot_start_in_an_ended_or_unknown_session(store):
    session = new_session(store)
    store.sessions.close(session.id)
    with pytest.raises(ValueError):
        store.live_games.start(session.id, ["q1"], speed_bonus=False)
    with pytest.raises(ValueError):
        store.live_games.start("no-such-session", ["q1"], speed_bonus=False)
    assert store.db.execute("SELECT COUNT(*) FROM live_games").fetchone()[0] == 0


def test_an_answer_is_stored_once_and_the_first_one_stays(game):
    store, _session, game_id, recorder = game
    recorder.player_joined(game_id, Player("p1", "Cô Hoa", None, T0))
    assert recorder.answer_recorded(game_id, answer(game_id, "p1", "q1", 0)) is True
    assert recorder.answer_recorded(game_id, answer(game_id, "p1", "q1", 2)) is False
    assert recorder.answer_recorded(game_id, answer(game_id, "p1", "q2", 2)) is True
    rows = store.db.execute(
        "SELECT question_id, choices, correct, points, answered_at, ms_after_open "
        "FROM live_answers ORDER BY question_id"
    ).fetchall()
    assert rows == [
        ("q1", "[0]", 1, 1000, "2026-12-08T02:00:05.000+00:00", 5000),
        ("q2", "[2]", 0, 0, "2026-12-08T02:00:05.000+00:00", 5000),
    ]
    # The table itself refuses a second answer, whoever writes it.
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO live_answers (game_id, player_id, question_id, choices, correct, "
            "points, answered_at, ms_after_open) VALUES (?, 'p1', 'q1', '[1]', 0, 0, 'x', 1)",
            [game_id],
        )


def test_joins_are_attendance_and_a_checked_in_name_is_checked_in(game):
    store, session, game_id, recorder = game
    lan = store.profiles.create("Nguyễn Thị Lan")
    binh = store.profiles.create("Trần Văn Bình")
    store.sessions.check_in(session.id, binh.id)  # checked in at the door, then plays
    recorder.player_joined(game_id, Player("p1", "Nguyễn Thị Lan", lan.id, T0))
    recorder.player_joined(game_id, Player("p2", "Trần Văn Bình", binh.id, T0))
    recorder.player_joined(game_id, Player("p3", "Bác Tư", None, T0))
    recorder.player_joined(game_id, Player("p4", "Chị Mai", None, T0))
    recorder.player_joined(game_id, Player("p4", "Chị Mai", None, T0))  # the phone came back
    assert sorted(name for _id, name in store.sessions.attendees(session.id)) == [
        "Nguyễn Thị Lan",
        "Trần Văn Bình",
    ]
    assert store.live_games.players(game_id) == 4
    assert store.sessions.attendance(session.id) == 4  # 2 checked in + 2 without a name
    report = store.sessions.report(session.id)
    assert len(report.attendees) == 2 and report.attendance == 4


def test_a_reveal_is_saved_as_the_sessions_quiz_counts(game):
    store, session, game_id, recorder = game
    recorder.question_revealed(game_id, "q1", (3, 1, 0, 2))
    recorder.question_revealed(game_id, "q2", (0, 5, 0, 0))
    recorder.question_revealed(game_id, "q1", (4, 1, 0, 2))  # revealed again: replaced
    quiz = {item.question_id: item.counts for item in store.sessions.quiz(session.id)}
    assert quiz == {"q1": (4, 1, 0, 2), "q2": (0, 5, 0, 0)}


def test_the_sessions_phone_figures_count_each_person_once(store):
    session = new_session(store)
    lan = store.profiles.create("Nguyễn Thị Lan")
    first = store.live_games.start(session.id, ["q1", "q2"], speed_bonus=False)
    second = store.live_games.start(session.id, ["q3", "q1"], speed_bonus=True)
    recorder = store.live_games.recorder()
    for game_id, anonymous in ((first, 3), (second, 5)):
        recorder.player_joined(game_id, Player("lan", "Nguyễn Thị Lan", lan.id, T0))
        for index in range(anonymous):
            recorder.player_joined(game_id, Player(f"a{index}", f"Khách {index}", None, T0))
    recorder.answer_recorded(first, answer(first, "lan", "q1", 0))
    recorder.answer_recorded(first, answer(first, "a0", "q1", 1))
    recorder.answer_recorded(first, answer(first, "a1", "q2", 0))
    recorder.answer_recorded(second, answer(second, "a4", "q3", 0))
    recorder.answer_recorded(second, answer(second, "lan", "q1", 0))
    summary = store.live_games.summary(session.id)
    assert summary.games == 2
    # Lan played twice: once. Anonymous players of two games may be the same people:
    # the larger game's count, not the sum.
    assert (summary.checked_in_players, summary.anonymous_players, summary.players) == (1, 5, 6)
    assert summary.answers == 5 and summary.answered_questions == 4
    assert [(q.question_id, q.answers, q.right) for q in summary.questions] == [
        ("q1", 3, 2),
        ("q2", 1, 1),
        ("q3", 1, 1),
    ]
    assert summary.questions[0].share_right == pytest.approx(2 / 3)
    assert store.sessions.attendance(session.id) == 6
    other = new_session(store)
    assert store.live_games.summary(other.id).players == 0  # no game: all zero
    recorder.close()


def test_the_report_sent_to_the_province_has_phone_counts_and_no_names(store):
    session = new_session(store)
    lan = store.profiles.create("Nguyễn Thị Lan")
    store.sessions.check_in(session.id, store.profiles.create("Trần Văn Bình").id)
    game_id = store.live_games.start(session.id, ["q1", "q2"], speed_bonus=False)
    with_phone = store.live_games.recorder()
    with_phone.player_joined(game_id, Player("lan", "Nguyễn Thị Lan", lan.id, T0))
    with_phone.player_joined(game_id, Player("x1", "Bác Tư Xe Ôm", None, T0))
    with_phone.player_joined(game_id, Player("x2", "Cô Ba Bán Cá", None, T0))
    for player, choice in (("lan", 0), ("x1", 0), ("x2", 1)):
        with_phone.answer_recorded(game_id, answer(game_id, player, "q1", choice))
    with_phone.question_revealed(game_id, "q1", (2, 1, 0, 0))
    with_phone.game_finished(game_id)
    with_phone.close()
    store.sessions.close(session.id)
    (item,) = store.outbox.next_batch()
    payload = item.payload
    assert payload["attendance"] == 4  # Bình and Lan checked in, two phones without a name
    assert payload["phone_players"] == 3
    assert payload["phone_answers"] == 3 and payload["phone_questions"] == 1
    assert payload["quiz"] == [{"question_id": "q1", "counts": [2, 1, 0, 0]}]
    sent = json.dumps(payload, ensure_ascii=False)
    for name in ("Nguyễn Thị Lan", "Trần Văn Bình", "Bác Tư Xe Ôm", "Cô Ba Bán Cá", "lan", "x1"):
        assert name not in sent.replace('"place"', "")


def test_a_session_without_a_phone_game_sends_what_it_always_sent(store):
    session = new_session(store)
    store.sessions.check_in(session.id, store.profiles.create("Trần Văn Bình").id)
    store.sessions.close(session.id)
    (item,) = store.outbox.next_batch()
    assert item.payload["attendance"] == 1
    assert not any(key.startswith("phone_") for key in item.payload)


def test_many_phones_at_once_while_the_leader_works_lose_nothing(game):
    """Eight server threads record 400 answers (each sent twice, as a phone that retries)
    while the UI thread checks people in and saves counts on the store's connection."""
    store, session, game_id, recorder = game
    errors: list[BaseException] = []
    new_flags: list[bool] = []
    lock = threading.Lock()

    def phones(offset: int) -> None:
        try:
            for index in range(offset, 400, 8):
                player = f"p{index}"
                recorder.player_joined(game_id, Player(player, f"Khách {index}", None, T0))
                for _ in range(2):
                    flag = recorder.answer_recorded(game_id, answer(game_id, player, "q1", 0))
                    with lock:
                        new_flags.append(flag)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=phones, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for index in range(20):
        store.sessions.check_in(session.id, store.profiles.create(f"Người {index}").id)
        store.sessions.record_quiz(session.id, "q2", [index, 0, 0, 0])
    for thread in threads:
        thread.join()
    assert errors == []
    assert new_flags.count(True) == 400 and new_flags.count(False) == 400
    assert store.db.execute("SELECT COUNT(*) FROM live_answers").fetchone()[0] == 400
    assert store.live_games.players(game_id) == 400
    assert store.sessions.attendance(session.id) == 420


def test_a_closed_recorder_refuses_and_the_store_closes_its_recorders(data_paths):
    store = open_store(data_paths)
    session = new_session(store)
    game_id = store.live_games.start(session.id, ["q1"], speed_bonus=False)
    recorder = store.live_games.recorder()
    store.close()
    with pytest.raises(RuntimeError):
        recorder.answer_recorded(game_id, answer(game_id, "p1", "q1", 0))
    recorder.close()  # idempotent


def test_the_app_killed_mid_game_keeps_every_acknowledged_answer(data_paths):
    store = open_store(data_paths)
    session = new_session(store)
    game_id = store.live_games.start(session.id, ["q1"], speed_bonus=False)
    store.close()
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("live_records_child.py")), str(data_paths.root), game_id],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    acknowledged = []
    assert child.stdout is not None
    for line in child.stdout:
        acknowledged.append(line.split()[1])
        if len(acknowledged) == 60:
            break
    child.send_signal(signal.SIGKILL)  # no finish, no close: the power cord
    rest = child.stdout.read()
    child.wait(timeout=30)
    acknowledged += [line.split()[1] for line in rest.splitlines() if line.startswith("ACK")]
    reopened = open_store(data_paths)
    stored = {
        row[0]
        for row in reopened.db.execute("SELECT player_id FROM live_answers WHERE game_id = ?", [game_id])
    }  # fmt: skip
    assert set(acknowledged) <= stored
    assert reopened.live_games.players(game_id) >= len(acknowledged)
    assert reopened.sessions.attendance(session.id) >= len(acknowledged)
    reopened.close()


def test_answers_the_app_never_revealed_are_tallied_when_the_session_ends(store):
    """The app stopped mid-question: at the end the stored answers become that question's
    counts (as the reveal would have made them), and a question counted by hand stays."""
    session = new_session(store)
    game_id = store.live_games.start(session.id, ["q1", "q2"], speed_bonus=False)
    recorder = store.live_games.recorder()
    for index in range(5):
        recorder.player_joined(game_id, Player(f"p{index}", f"Khách {index}", None, T0))
        recorder.answer_recorded(game_id, answer(game_id, f"p{index}", "q1", index % 2))
        recorder.answer_recorded(game_id, answer(game_id, f"p{index}", "q2", 2))
    recorder.close()
    store.sessions.record_quiz(session.id, "q2", [0, 1, 6, 0])  # the leader counted hands
    store.sessions.close(session.id)
    (item,) = store.outbox.next_batch()
    quiz = {q["question_id"]: q["counts"] for q in item.payload["quiz"]}
    # q1 is not installed here: its counts reach the highest option chosen.
    assert quiz == {"q1": [3, 2], "q2": [0, 1, 6, 0]}
    assert item.payload["phone_answers"] == 10 and item.payload["phone_questions"] == 2


def test_an_unrevealed_installed_question_is_tallied_over_all_its_options(store):
    ensure_bundled_content(store)
    session = new_session(store)
    question = group_quiz_questions(store, session)[0]
    game_id = store.live_games.start(session.id, [question.id], speed_bonus=False)
    recorder = store.live_games.recorder()
    recorder.player_joined(game_id, Player("p1", "Khách", None, T0))
    recorder.answer_recorded(game_id, answer(game_id, "p1", question.id, 0))
    recorder.close()
    store.sessions.close(session.id)
    assert store.sessions.quiz(session.id)[0].counts == (1,) + (0,) * (len(question.options) - 1)


def test_the_tables_refuse_rows_without_their_keys(store):
    session = new_session(store)
    game_id = store.live_games.start(session.id, ["q1"], speed_bonus=False)
    for sql, values in (
        (
            "INSERT INTO live_answers VALUES (?, NULL, 'q1', '[0]', 1, 1000, 'x', 5)",
            [game_id],
        ),
        ("INSERT INTO live_answers VALUES (?, 'p1', NULL, '[0]', 1, 1000, 'x', 5)", [game_id]),
        ("INSERT INTO live_players VALUES (?, NULL, 'Lan', NULL, 'x')", [game_id]),
        ("INSERT INTO live_players VALUES ('no-such-game', 'p1', 'Lan', NULL, 'x')", []),
        ("INSERT INTO live_players VALUES (?, 'p1', 'Lan', 'no-such-profile', 'x')", [game_id]),
    ):
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute(sql, values)
