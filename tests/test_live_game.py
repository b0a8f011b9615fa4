"""The live game's rules: joining, answering once, late answers, the tally, the points,
and the views the phones and the projector get."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
from live_support import SqliteRecorder, questions

from skillsapp.i18n import _, set_language
from skillsapp.live.game import (
    AnswerOutcome,
    LiveGame,
    Phase,
    clean_name,
    new_room_code,
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.datetime(2026, 12, 3, 8, 0, tzinfo=datetime.UTC)

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def recorder(tmp_path):
    made = SqliteRecorder(tmp_path / "live.db")
    yield made
    made.close()


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


def _game(recorder, **kwargs) -> LiveGame:
    return LiveGame("g1", questions(4), "042917", recorder, **kwargs)


def test_names_are_cleaned_and_bad_ones_refused_with_a_message_for_the_phone():
    assert clean_name("  Nguyễn\u200b   Thị\tLan\n") == "Nguyễn Thị Lan"
    decomposed = "Nguye\u0302\u0303n"  # as some keyboards send it
    assert clean_name(decomposed) == "Nguyễn"
    assert clean_name("<script>alert(1)</script>") == "<script>alert(1)</script>"
    with pytest.raises(ValueError, match=re.escape(_("Please enter your name."))):
        clean_name(" \u200b\t ")
    with pytest.raises(ValueError, match="40"):
        clean_name("A" * 41)
    assert clean_name("A" * 40) == "A" * 40


def test_room_codes_are_six_digits_and_checked_ignoring_spaces(recorder):
    codes = {new_room_code() for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 40
    game = _game(recorder)
    assert game.check_room_code(" 042 917 ") and not game.check_room_code("042918")
    assert not game.check_room_code("")


def test_a_right_answer_scores_once_and_a_resend_is_already_stored(recorder):
    game = _game(recorder)
    lan = game.join("Lan")
    assert recorder.rows("SELECT name FROM players") == [("Lan",)]
    assert game.answer(lan.id, "q1", [0])[0] is AnswerOutcome.NOT_OPEN
    game.open_next()
    outcome, answer = game.answer(lan.id, "q1", [0])
    assert outcome is AnswerOutcome.ACCEPTED and answer.correct and answer.points == 1000
    again, same = game.answer(lan.id, "q1", [1])  # a resend, even with another choice
    assert again is AnswerOutcome.ALREADY and same == answer
    assert recorder.rows("SELECT player, question, choices, points FROM answers") == [
        (lan.id, "q1", "0", 1000)
    ]
    assert game.snapshot().answered == 1


def test_bad_choices_and_unknown_players_are_refused(recorder):
    game = _game(recorder)
    lan = game.join("Lan")
    game.open_next()
    for choices in ([], [4], [-1], [0, 1], [0, 0], ["0"], [True], [0.0]):
        assert game.answer(lan.id, "q1", choices) == (AnswerOutcome.BAD_CHOICE, None), choices
    assert game.answer("someone-else", "q1", [0]) == (AnswerOutcome.UNKNOWN_PLAYER, None)
    assert recorder.rows("SELECT count(*) FROM answers") == [(0,)]


def test_multi_answer_questions_need_every_right_option(recorder):
    game = LiveGame("g2", questions(3), "000000", recorder)  # q3: options 0 and 2 are right
    a, b, c = (game.join(name) for name in ("An", "Bình", "Chi"))
    for _step in range(2):
        game.open_next()
        game.reveal()
    game.open_next()
    assert game.answer(a.id, "q3", [2, 0])[1].correct
    assert not game.answer(b.id, "q3", [0])[1].correct
    assert not game.answer(c.id, "q3", [0, 1, 2])[1].correct
    assert game.reveal().counts == (3, 1, 2, 0)


def test_late_answers_after_the_reveal_are_refused_and_not_stored(recorder):
    game = _game(recorder)
    lan, minh = game.join("Lan"), game.join("Minh")
    game.open_next()
    game.answer(lan.id, "q1", [0])
    snapshot = game.reveal()
    assert snapshot.phase is Phase.REVEALED and snapshot.counts == (1, 0, 0, 0)
    assert game.answer(minh.id, "q1", [0]) == (AnswerOutcome.LATE, None)
    assert game.answer(lan.id, "q1", [0])[0] is AnswerOutcome.ALREADY  # stored before
    game.open_next()
    assert game.answer(minh.id, "q1", [0]) == (AnswerOutcome.LATE, None)
    assert game.answer(minh.id, "q3", [0]) == (AnswerOutcome.NOT_OPEN, None)
    assert recorder.rows("SELECT player FROM answers") == [(lan.id,)]
    assert recorder.rows("SELECT question, counts FROM reveals") == [("q1", "1,0,0,0")]


def test_the_speed_bonus_is_off_by_default_and_shrinks_with_time_when_on(recorder):
    clock = Clock()
    plain = LiveGame("g1", questions(1), "1", recorder, clock=clock)
    fast = LiveGame("g2", questions(1), "1", recorder, speed_bonus=True, clock=clock)
    for game in (plain, fast):
        game.open_next()
    a, b, c = fast.join("A"), fast.join("B"), fast.join("C")
    p = plain.join("P")
    clock.advance(5)
    assert plain.answer(p.id, "q1", [0])[1].points == 1000
    assert fast.answer(a.id, "q1", [0])[1].points == 1375  # 5 s of 20: three quarters of 500
    clock.advance(30)
    assert fast.answer(b.id, "q1", [0])[1].points == 1000
    wrong = fast.answer(c.id, "q1", [1])[1]
    assert wrong.points == 0 and wrong.ms_after_open == 35_000


def test_checked_in_residents_pick_their_name_once_and_strangers_cannot(recorder):
    game = _game(recorder, roster=[("p-1", "Trần Văn Ba"), ("p-2", "Lê Thị Tư")])
    first = game.join("", profile_id="p-1")
    assert first.name == "Trần Văn Ba" and first.profile_id == "p-1"
    taken = _(
        "Someone has already joined with this name. If it was you on another phone, type your name instead."
    )
    with pytest.raises(ValueError, match=re.escape(taken)):  # never hands Ba to another phone
        game.join("whatever", profile_id="p-1")
    assert [pid for pid, _name in game.roster()] == ["p-2"]  # a picked name is not offered
    with pytest.raises(ValueError, match=re.escape(_("This name is not on the check-in list."))):
        game.join("Ba", profile_id="p-9")
    assert recorder.rows("SELECT name, profile FROM players") == [("Trần Văn Ba", "p-1")]
    game.set_roster([("p-1", "Trần Văn Ba"), ("p-2", "Lê Thị Tư"), ("p-9", "Đỗ Văn Chín")])
    assert game.join("", profile_id="p-9").name == "Đỗ Văn Chín"  # checked in later
    assert [name for _id, name in game.roster()] == ["Lê Thị Tư"]


def test_the_phone_view_follows_the_game_and_shows_the_explanation_after_the_reveal(recorder):
    game = _game(recorder)
    lan, minh = game.join("Lan"), game.join("Minh")
    lobby = game.player_view(lan.id)
    assert lobby["phase"] == "lobby" and "question" not in lobby and lobby["name"] == "Lan"
    game.open_next()
    open_view = game.player_view(lan.id)
    assert open_view["question"]["options"] == ["Tin A", "Tin B", "Tin C", "Tin D"]
    assert open_view["answer"] is None and "correct" not in open_view
    assert "explanation" not in open_view  # never before the reveal
    game.answer(lan.id, "q1", [0])
    answered = game.player_view(lan.id)
    assert answered["answer"] == {"choices": [0]} and answered["version"] > open_view["version"]
    assert answered["total"] == 0 and "right" not in answered  # nothing given away yet
    assert game.player_view(minh.id)["version"] == open_view["version"]  # not Minh's news
    game.reveal()
    shown = game.player_view(lan.id)
    assert shown["correct"] == [0] and shown["right"] is True and shown["points"] == 1000
    assert shown["explanation"] == "Giải thích cho câu 1." and shown["rank"] == 1
    missed = game.player_view(minh.id)
    assert missed["right"] is None and missed["rank"] == 2
    assert game.player_view("nobody") == {"joined": False, "phase": "revealed"}


def test_the_leaderboard_is_best_first_and_finish_tallies_an_open_question(recorder):
    game = _game(recorder)
    players = [game.join(f"Người {n}") for n in range(12)]
    game.open_next()
    for player in players[:3]:
        game.answer(player.id, "q1", [0])
    game.reveal()
    game.open_next()
    game.answer(players[2].id, "q2", [1])
    done = game.finish()
    assert done.phase is Phase.FINISHED and len(done.leaderboard) == 10
    assert done.leaderboard[0] == ("Người 2", 2000)
    assert done.leaderboard[1:3] == (("Người 0", 1000), ("Người 1", 1000))
    assert game.finish() == done  # once only
    assert recorder.rows("SELECT question, counts FROM reveals") == [
        ("q1", "3,0,0,0"),
        ("q2", "0,1,0,0"),
    ]
    assert recorder.rows("SELECT count(*) FROM finished") == [(1,)]
    with pytest.raises(RuntimeError):
        game.open_next()


def test_the_leader_cannot_skip_steps(recorder):
    game = LiveGame("g1", questions(1), "1", recorder)
    with pytest.raises(RuntimeError):
        game.reveal()
    game.open_next()
    with pytest.raises(RuntimeError):
        game.open_next()
    game.reveal()
    assert game.reveal().phase is Phase.REVEALED  # a double click
    with pytest.raises(RuntimeError, match="no more"):
        game.open_next()


class SlowRecorder(SqliteRecorder):
    """Stores answers only when the test lets it: an answer caught mid-write."""

    def __init__(self, path) -> None:
        super().__init__(path)
        self.writing = threading.Event()
        self.go_on = threading.Event()

    def answer_recorded(self, game_id, answer):
        self.writing.set()
        assert self.go_on.wait(10)
        return super().answer_recorded(game_id, answer)


def test_a_reveal_waits_for_an_answer_being_stored_and_counts_it(tmp_path):
    recorder = SlowRecorder(tmp_path / "slow.db")
    game = LiveGame("g1", questions(1), "1", recorder)
    lan = game.join("Lan")
    game.open_next()
    results = []
    sender = threading.Thread(target=lambda: results.append(game.answer(lan.id, "q1", [0])))
    sender.start()
    assert recorder.writing.wait(10)
    assert game.snapshot().answered == 0  # not counted before it is stored
    revealed = []
    leader = threading.Thread(target=lambda: revealed.append(game.reveal()))
    leader.start()
    leader.join(0.2)
    assert leader.is_alive()  # waiting for the answer being written
    recorder.go_on.set()
    sender.join(10), leader.join(10)
    assert results[0][0] is AnswerOutcome.ACCEPTED
    assert revealed[0].counts == (1, 0, 0, 0)
    recorder.close()


def test_many_threads_answering_at_once_store_each_answer_once(recorder):
    game = LiveGame("g1", questions(1), "1", recorder)
    players = [game.join(f"P{n}") for n in range(40)]
    game.open_next()
    outcomes: list[AnswerOutcome] = []
    lock = threading.Lock()

    def send(player_id: str) -> None:
        for _time in range(3):  # every phone sends its answer three times
            outcome, _answer = game.answer(player_id, "q1", [0])
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(p.id,)) for p in players]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes.count(AnswerOutcome.ACCEPTED) == 40
    assert outcomes.count(AnswerOutcome.ALREADY) == 80
    assert recorder.rows("SELECT count(*) FROM answers") == [(40,)]
    assert game.reveal().counts == (40, 0, 0, 0)


def test_wait_for_change_wakes_on_a_change_and_listeners_hear_whose_it_was(recorder):
    game = _game(recorder)
    heard = []
    unsubscribe = game.subscribe(heard.append)
    version = game.snapshot().version
    assert game.wait_for_change(version, 0.01) == version  # nothing happened
    woke = []
    waiter = threading.Thread(target=lambda: woke.append(game.wait_for_change(version, 10)))
    waiter.start()
    lan = game.join("Lan")
    waiter.join(10)
    assert woke == [version + 1]
    game.open_next()
    unsubscribe()
    game.reveal()
    assert [(c.everyone, c.player_id) for c in heard] == [(False, lan.id), (True, None)]
