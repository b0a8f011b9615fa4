"""The real phone game (skillsapp.live.game) recording into the store: joins, answers from
many server threads at once, reveals and the end, as the hall really runs it. Skipped in a
tree without the game (the records side was built beside it)."""

from __future__ import annotations

import datetime
import threading

import pytest

from skillsapp.content.install import ensure_bundled_content
from skillsapp.flows import group_session as flow

live = pytest.importorskip("skillsapp.live.game")

DAY = datetime.date(2026, 12, 8)


@pytest.fixture
def hall(store):
    """A session with two people checked in and a game of its group-quiz questions."""
    ensure_bundled_content(store)
    session = store.sessions.create(DAY, "Nhà văn hóa thôn Đông", "Tổ 1", "lua-dao", "Trưởng tổ")
    for name in ("Nguyễn Thị Lan", "Phạm Văn Đức"):
        store.sessions.check_in(session.id, store.profiles.create(name).id)
    questions = flow.group_quiz_questions(store, session)[:3]
    game_id = store.live_games.start(session.id, [q.id for q in questions], speed_bonus=False)
    recorder = store.live_games.recorder()
    game = live.LiveGame(
        game_id,
        questions,
        live.new_room_code(),
        recorder,
        roster=store.sessions.attendees(session.id),
    )
    yield store, session, game, questions
    recorder.close()


def test_a_real_game_is_recorded_in_the_session(hall):
    store, session, game, questions = hall
    (lan_id, _name), _ = store.sessions.attendees(session.id)
    lan = game.join("", profile_id=lan_id)
    guests = [game.join(f"Khách {i}") for i in range(3)]
    with pytest.raises(ValueError):  # picked again on another phone: refused, not Lan
        game.join("", profile_id=lan_id)
    for question in questions:
        game.open_next()
        right = question.correct[0]
        wrong = (right + 1) % len(question.options)
        for player, choice in zip([lan, *guests], [right, right, wrong, right], strict=True):
            outcome, _answer = game.answer(player.id, question.id, [choice])
            assert outcome is live.AnswerOutcome.ACCEPTED
        outcome, _answer = game.answer(lan.id, question.id, [wrong])
        assert outcome is live.AnswerOutcome.ALREADY
        game.reveal()
    game.finish()

    summary = flow.session_summary(store, session.id)
    assert summary.attendance == 5  # two checked in, three guests counted without a name
    assert (summary.phone.players, summary.phone.checked_in_players) == (4, 1)
    assert summary.phone.answers == 12
    assert [(o.answers, o.right) for o in summary.phone_quiz] == [(4, 3)] * 3
    assert [(o.question.id, o.total, o.right) for o in summary.quiz] == [
        (q.id, 4, 3) for q in questions
    ]
    finished = store.db.execute("SELECT finished_at FROM live_games").fetchone()[0]
    assert finished is not None


def test_fifty_phones_answering_at_once_are_each_stored_once(hall):
    store, session, game, questions = hall
    players = [game.join(f"Khách {i}") for i in range(50)]
    game.open_next()
    question = questions[0]
    outcomes: list[object] = []
    lock = threading.Lock()
    start = threading.Barrier(10)

    def phones(offset: int) -> None:
        start.wait()
        for player in players[offset::10]:
            for _ in range(2):  # a phone that resends
                outcome, _answer = game.answer(player.id, question.id, [question.correct[0]])
                with lock:
                    outcomes.append(outcome)

    threads = [threading.Thread(target=phones, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    snapshot = game.reveal()
    assert outcomes.count(live.AnswerOutcome.ACCEPTED) == 50
    assert outcomes.count(live.AnswerOutcome.ALREADY) == 50
    stored = store.db.execute("SELECT COUNT(*) FROM live_answers").fetchone()[0]
    assert stored == 50 and sum(snapshot.counts) == 50
    (item,) = store.sessions.quiz(session.id)
    assert item.question_id == question.id and sum(item.counts) == 50
