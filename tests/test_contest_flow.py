"""A contest from the store's side: attempts, answers, time, resumption, results."""

import datetime
import json

import pytest
from content_helpers import copy_example

from skillsapp.content.install import install_pack
from skillsapp.engine.draw import DrawError, QuestionBank, draw, layout_to_json
from skillsapp.engine.scoring import score
from skillsapp.errors import ValidationError
from skillsapp.flows import contest as contest_flow
from skillsapp.models import Contest, ContestRules, Round
from skillsapp.storage.attempts import AttemptClosed

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def contest(store, tmp_path):
    install_pack(store, copy_example(tmp_path))
    contest = Contest(
        id="thi",
        title="Thi",
        rounds=(Round("r1", "Vòng 1", NOW - 60 * MIN, NOW + 7 * 24 * 60 * MIN),),
        rules=ContestRules(
            questions_per_attempt=4, quotas=(), time_limit_minutes=10, attempts_per_day=2
        ),
    )
    store.content.save_contest(contest)
    return contest


@pytest.fixture
def registration(store, contest):
    profile = store.profiles.create("Bà Sáu")
    return store.registrations.save(
        profile.id,
        contest.id,
        {"full_name": "Lê Thị Sáu", "id_number": "001158012345"},
        complete=False,
    )


def right_positions(attempt, index):
    slot = attempt.slots[index]
    question = attempt.questions[slot.question_id]
    return [slot.option_order.index(i) for i in question.correct]


def test_full_attempt_scores_ranks_and_queues_for_sync(store, contest, registration):
    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW, seed=42
    )
    assert attempt.total == 4 and attempt.remaining(NOW) == 10 * MIN
    for index in range(attempt.total):
        attempt.answer(index, right_positions(attempt, index), NOW + index * MIN)
    attempt.set_prediction(1)
    record = attempt.submit(NOW + 5 * MIN)
    assert (record.score, record.max_score, record.duration_ms) == (4.0, 4.0, 300_000)
    assert contest_flow.rank_of(store, record) == (1, 1)
    queued = [item for item in store.outbox.next_batch() if item.record_type == "attempt"]
    assert len(queued) == 1
    payload = queued[0].payload
    assert payload["seed"] == 42 and len(payload["answers"]) == 4 and payload["prediction"] == 1
    # Anyone can recompute the draw from the seed and re-score the stored answers.
    bank = QuestionBank(store.content.all_questions().values())
    assert payload["layout"] == layout_to_json(draw(bank, contest.rules, 42))
    answers = {a["question_id"]: a["chosen"] for a in payload["answers"]}
    assert score(draw(bank, contest.rules, 42), answers, bank.by_id)[0] == payload["score"]


def test_submitted_attempt_cannot_be_changed(store, contest, registration):
    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW, seed=1
    )
    attempt.answer(0, [0], NOW)
    attempt.submit(NOW + MIN)
    with pytest.raises(AttemptClosed):
        attempt.answer(1, [0], NOW + 2 * MIN)
    with pytest.raises(AttemptClosed):
        attempt.submit(NOW + 3 * MIN)
    with pytest.raises(AttemptClosed):
        attempt.set_prediction(3)


def test_resume_after_restart_with_the_time_that_truly_remains(
    store, contest, registration, data_paths
):
    from skillsapp.storage import open_store

    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW, seed=3
    )
    attempt.answer(0, [1], NOW + MIN)
    attempt.answer(2, [0], NOW + 2 * MIN)
    store.close()
    reopened = open_store(data_paths)  # the app was closed for four minutes
    recovery = contest_flow.recover(reopened, NOW + 6 * MIN)
    assert recovery.submitted == []
    (resumed,) = recovery.resumable
    assert resumed.record.id == attempt.record.id
    assert resumed.remaining(NOW + 6 * MIN) == 4 * MIN
    assert resumed.chosen_positions() == {0: (1,), 2: (0,)}
    reopened.close()


def test_attempt_whose_time_ran_out_while_closed_is_submitted_with_its_answers(
    store, contest, registration
):
    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW, seed=3
    )
    attempt.answer(0, right_positions(attempt, 0), NOW + MIN)
    recovery = contest_flow.recover(store, NOW + 60 * MIN)
    assert recovery.resumable == []
    (record,) = recovery.submitted
    assert record.submitted and record.score == 1.0
    assert record.duration_ms == 10 * 60 * 1000  # capped at the limit
    assert record.submitted_at == NOW + 10 * MIN


def test_answer_after_the_deadline_submits_and_says_time_is_up(store, contest, registration):
    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW, seed=3
    )
    attempt.answer(0, [0], NOW + MIN)
    with pytest.raises(contest_flow.TimeUp):
        attempt.answer(1, [0], NOW + 11 * MIN)
    record = store.attempts.get(attempt.record.id)
    assert record.submitted and store.attempts.answers(record.id).keys() == {
        attempt.slots[0].question_id
    }


def test_clock_jumping_backwards_gives_no_extra_time(store, contest, registration):
    attempt = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW, seed=3
    )
    attempt.answer(0, [0], NOW + 8 * MIN)
    back = NOW - 120 * MIN  # someone set the PC clock two hours back
    assert attempt.remaining(back) == 2 * MIN
    attempt.answer(1, [0], back)
    saved = store.attempts.answer_details(attempt.record.id)
    assert max(a["answered_at"] for a in saved) == (NOW + 8 * MIN).isoformat(
        timespec="milliseconds"
    )
    events = json.loads(store.db.execute("SELECT clock_events FROM attempts").fetchone()[0])
    assert len(events) == 1
    record = attempt.submit(back)
    assert record.duration_ms == 8 * 60 * 1000


def test_attempt_limits_and_one_open_attempt_at_a_time(store, contest, registration):
    first = contest_flow.start_attempt(store, registration, contest, contest.rounds[0], NOW, seed=1)
    with pytest.raises(contest_flow.NotAllowed):
        contest_flow.start_attempt(store, registration, contest, contest.rounds[0], NOW, seed=2)
    first.submit(NOW + MIN)
    second = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW + 2 * MIN, seed=2
    )
    second.submit(NOW + 3 * MIN)
    with pytest.raises(contest_flow.NotAllowed) as caught:
        contest_flow.start_attempt(
            store, registration, contest, contest.rounds[0], NOW + 4 * MIN, seed=3
        )
    assert "ngày mai" in str(caught.value)


def test_best_attempt_counts_in_the_ranking(store, contest, registration):
    first = contest_flow.start_attempt(store, registration, contest, contest.rounds[0], NOW, seed=1)
    first.answer(0, right_positions(first, 0), NOW)
    first.submit(NOW + MIN)
    second = contest_flow.start_attempt(
        store, registration, contest, contest.rounds[0], NOW + 2 * MIN, seed=2
    )
    for index in range(second.total):
        second.answer(index, right_positions(second, index), NOW + 2 * MIN)
    best = second.submit(NOW + 4 * MIN)
    ranked, figure = contest_flow.round_ranking(store, contest, "r1")
    assert [r.result.attempt_id for r in ranked] == [best.id] and figure == 1
    assert contest_flow.rank_of(store, first.record)[0] is None


def test_same_id_number_cannot_register_twice_for_a_contest(store, contest, registration):
    other = store.profiles.create("Người khác")
    with pytest.raises(ValidationError) as caught:
        store.registrations.save(
            other.id,
            contest.id,
            {"full_name": "Giả Mạo", "id_number": "001158012345"},
            complete=False,
        )
    assert caught.value.field == "id_number"
    assert len(store.registrations.for_contest(contest.id)) == 1


def test_round_with_no_questions_is_a_clear_error(store, registration, contest):
    empty = Contest(
        id="rong",
        title="Rỗng",
        rounds=contest.rounds,
        rules=ContestRules(questions_per_attempt=5, quotas=(), topics=("khong-co",)),
    )
    store.content.save_contest(empty)
    reg = store.registrations.save(
        registration.profile_id, "rong", {"full_name": "Lê Thị Sáu"}, complete=False
    )
    with pytest.raises(DrawError) as caught:
        contest_flow.start_attempt(store, reg, empty, empty.rounds[0], NOW)
    assert str(caught.value).startswith("Không thể chọn câu hỏi cho lượt thi này: cần 5 câu")
    assert store.attempts.open_attempts() == []


def test_rescoring_a_stored_attempt_gives_its_stored_score(tmp_path):
    """Hypothesis: any set of answers, stored and submitted, re-scores to the stored score
    from the stored seed, layout and answers alone."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from skillsapp.storage import open_store

    store = open_store(tmp_path / "data")
    install_pack(store, copy_example(tmp_path))
    contest = Contest(
        id="thi",
        title="Thi",
        rounds=(Round("r1", "Vòng 1", NOW - 60 * MIN, NOW + 7 * 24 * 60 * MIN),),
        rules=ContestRules(
            questions_per_attempt=4,
            quotas=(),
            time_limit_minutes=10,
            attempts_per_day=None,
            partial_credit=False,
        ),
    )
    store.content.save_contest(contest)
    profile = store.profiles.create("Người thử")
    registration = store.registrations.save(
        profile.id, "thi", {"full_name": "Người Thử"}, complete=False
    )

    @given(
        seed=st.integers(0, 2**31 - 1),
        picks=st.lists(st.sets(st.integers(0, 3), max_size=3), min_size=4, max_size=4),
    )
    @settings(max_examples=40, deadline=None)
    def run(seed, picks):
        attempt = contest_flow.start_attempt(
            store, registration, contest, contest.rounds[0], NOW, seed=seed
        )
        for index, shown in enumerate(picks):
            if shown:
                attempt.answer(
                    index, sorted(p for p in shown if p < len(attempt.shown(index).options)), NOW
                )
        record = attempt.submit(NOW + MIN)
        stored = store.attempts.get(record.id)
        layout = draw(store.content.question_bank(), contest.rules, stored.seed)
        assert layout == stored.layout
        answers = store.attempts.answers(record.id)
        assert score(layout, answers, store.content.all_questions())[0] == stored.score

    run()
    store.close()
