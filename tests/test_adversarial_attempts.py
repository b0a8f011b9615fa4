"""Forged contest attempts from an enrolled PC: the server re-derives every draw and checks
every answer, time and limit (skillsapp/server/verify.py), on SQLite and PostgreSQL.

Each test changes one thing in an honest attempt and asserts what the server stores and
answers: a refusal with its code and a Vietnamese reason, or a flag."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import uuid

import pytest
from hostile import CONTEST, PLAYED_AT, SERVER_NOW, HostileDevice
from sqlalchemy import func, select

from skillsapp.server import db
from skillsapp.server.publish import publish_contest


def _attempt(records: list[dict]) -> dict:
    return next(r for r in records if r["type"] == "attempt")["payload"]


def _stored(server, attempt_id: str):
    with server.services.engine.connect() as conn:
        row = conn.execute(select(db.attempts).where(db.attempts.c.id == attempt_id)).first()
        answers = conn.execute(
            select(func.count())
            .select_from(db.answers)
            .where(db.answers.c.attempt_id == attempt_id)
        ).scalar()
    return row, answers


def _refused(server, device, records, code: str) -> dict:
    """Send; assert the attempt is refused with ``code``, a Vietnamese reason, nothing stored."""
    payload = _attempt(records)
    answer = device.send(records)
    refusals = [r for r in answer["rejected"] if r["id"] == payload["id"]]
    assert refusals and refusals[0]["code"] == code, answer
    assert payload["id"] not in answer["accepted"]
    assert refusals[0]["reason"].endswith(".") and not refusals[0]["reason"].isascii()
    assert _stored(server, payload["id"]) == (None, 0)
    return refusals[0]


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def device(province_server, tmp_path):
    return HostileDevice(province_server, tmp_path)


def test_layout_repeated_fifty_times_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    payload["layout"] = payload["layout"] * 50
    payload["answers"] = payload["answers"]
    reason = _refused(province_server, device, records, "layout_wrong_count")
    assert "1000 câu hỏi" in reason["reason"] and "20 câu" in reason["reason"]


def test_one_question_layout_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    payload["layout"] = payload["layout"][:1]
    payload["answers"] = [
        a for a in payload["answers"] if a["question_id"] == payload["layout"][0][0]
    ]
    payload["score"], payload["max_score"] = 1, 1
    _refused(province_server, device, records, "layout_wrong_count")


def test_layout_of_another_seed_is_refused(province_server, device):
    records = device.honest_attempt(seed=1)
    other = _attempt(device.honest_attempt(seed=2, name="Trần Thị Bình"))
    payload = _attempt(records)
    payload["layout"], payload["answers"] = other["layout"], other["answers"]
    _refused(province_server, device, records, "layout_mismatch")


def test_a_changed_seed_is_refused(province_server, device):
    records = device.honest_attempt(seed=1)
    _attempt(records)["seed"] = 2
    _refused(province_server, device, records, "layout_mismatch")


def test_swapped_option_order_is_refused(province_server, device):
    records = device.honest_attempt()
    slot = next(s for s in _attempt(records)["layout"] if len(s[1]) == 4)
    slot[1][0], slot[1][1] = slot[1][1], slot[1][0]
    _refused(province_server, device, records, "layout_option_order_mismatch")


def test_duplicate_question_in_layout_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    payload["layout"][1] = copy.deepcopy(payload["layout"][0])
    payload["answers"] = [
        a for a in payload["answers"] if a["question_id"] != payload["layout"][1][0]
    ]
    _refused(province_server, device, records, "layout_duplicate_question")


def test_answer_to_a_question_not_in_the_layout_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    in_layout = {s[0] for s in payload["layout"]}
    outside = next(q for q in province_server.services.ingestor.bank().by_id if q not in in_layout)
    payload["answers"][0]["question_id"] = outside
    _refused(province_server, device, records, "answer_not_in_layout")


def test_two_answers_to_one_question_are_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    payload["answers"].append({**payload["answers"][0], "id": str(uuid.uuid4())})
    _refused(province_server, device, records, "answer_duplicate")


def test_option_index_the_question_does_not_have_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    bank = province_server.services.ingestor.bank().by_id
    answer = payload["answers"][0]
    answer["chosen"] = [len(bank[answer["question_id"]].options)]  # one past the last option
    reason = _refused(province_server, device, records, "answer_bad_option")
    assert answer["question_id"] in reason["reason"]


@pytest.mark.parametrize("duration_ms", [-5000, 0])
def test_negative_or_zero_duration_is_refused(province_server, device, duration_ms):
    records = device.honest_attempt()
    _attempt(records)["duration_ms"] = duration_ms
    _refused(province_server, device, records, "duration_impossible")


def test_duration_over_the_time_limit_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    payload["duration_ms"] = 16 * 60_000  # the sample contest gives 15 minutes
    payload["submitted_at"] = _iso(PLAYED_AT + datetime.timedelta(minutes=16))
    reason = _refused(province_server, device, records, "duration_over_limit")
    assert "15 phút" in reason["reason"]


def test_submitted_in_2099_is_refused(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["submitted_at"] = "2099-01-01T00:00:00+00:00"
    _refused(province_server, device, records, "round_closed")


def test_submitted_after_the_server_received_it_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)  # inside the round, but hours after the server's "now"
    payload["submitted_at"] = _iso(SERVER_NOW + datetime.timedelta(hours=3))
    _refused(province_server, device, records, "submitted_in_future")


def test_submitted_in_1970_is_refused(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["submitted_at"] = "1970-01-01T00:00:00+00:00"
    _refused(province_server, device, records, "times_inconsistent")


def test_started_in_1970_is_refused(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["started_at"] = "1970-01-01T00:00:00+00:00"
    _refused(province_server, device, records, "round_not_open")


def test_submitted_before_started_is_refused(province_server, device):
    records = device.honest_attempt()
    payload = _attempt(records)
    payload["submitted_at"] = _iso(PLAYED_AT - datetime.timedelta(minutes=1))
    _refused(province_server, device, records, "times_inconsistent")


def test_round_not_yet_open_is_refused(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["round_id"] = "tuan-2"  # opens 14 December; played on 8 December
    _refused(province_server, device, records, "round_not_open")


def test_round_not_yet_open_by_the_servers_own_clock_is_refused(province_server, device):
    records = device.honest_attempt()
    early = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)  # round opens 7 Dec
    province_server.services.clock = lambda: early
    payload = _attempt(records)
    answer = device.send(records, sent_at=early)
    refusal = next(r for r in answer["rejected"] if r["id"] == payload["id"])
    assert refusal["code"] == "round_not_open" and "chưa mở" in refusal["reason"]
    assert _stored(province_server, payload["id"]) == (None, 0)


def test_attempt_limit_exceeded_within_one_batch_is_refused(province_server, device):
    records = device.honest_attempt()  # the sample contest allows one attempt a day
    second = copy.deepcopy(records[1])
    second["id"] = second["payload"]["id"] = str(uuid.uuid4())
    answer = device.send([*records, second])
    assert records[1]["id"] in answer["accepted"]
    refusal = next(r for r in answer["rejected"] if r["id"] == second["id"])
    assert refusal["code"] == "attempt_limit_day" and "08/12/2026" in refusal["reason"]
    assert _stored(province_server, second["id"]) == (None, 0)


def test_attempt_limit_exceeded_across_batches_is_refused(province_server, device):
    records = device.honest_attempt()
    assert records[1]["id"] in device.send(records)["accepted"]
    second = copy.deepcopy(records[1])
    second["id"] = second["payload"]["id"] = str(uuid.uuid4())
    _refused(province_server, device, [second], "attempt_limit_day")
    # The next Vietnamese day is a new allowance.
    third = copy.deepcopy(records[1])
    third["id"] = third["payload"]["id"] = str(uuid.uuid4())
    for name in ("started_at", "submitted_at"):
        moment = datetime.datetime.fromisoformat(third["payload"][name])
        third["payload"][name] = _iso(moment - datetime.timedelta(days=1))
    for answer in third["payload"]["answers"]:  # played a day earlier, answers and all
        moment = datetime.datetime.fromisoformat(answer["answered_at"])
        answer["answered_at"] = _iso(moment - datetime.timedelta(days=1))
    province_server.services.clock = lambda: SERVER_NOW
    assert device.send([third])["accepted"] == [third["id"]]


def test_answer_id_collision_with_another_attempt_keeps_every_answer(province_server, tmp_path):
    first = HostileDevice(province_server, tmp_path, "pc1")
    second = HostileDevice(province_server, tmp_path, "pc2")
    taken = first.honest_attempt(right=20)
    assert len(first.send(taken)["accepted"]) == 2
    records = second.honest_attempt(right=17, name="Lê Văn Cường")
    for mine, theirs in zip(_attempt(records)["answers"], _attempt(taken)["answers"], strict=True):
        mine["id"] = theirs["id"]
    answer = second.send(records)
    assert sorted(answer["accepted"]) == sorted(r["id"] for r in records)
    row, answers = _stored(province_server, _attempt(records)["id"])
    assert answers == 20 and row.server_score == 17 and not row.flagged
    assert _stored(province_server, _attempt(taken)["id"])[1] == 20


def test_an_app_from_before_draw_versions_still_verifies(province_server, device, monkeypatch):
    from skillsapp.engine.draw import DRAWS
    from skillsapp.flows import contest as contest_flow

    monkeypatch.setattr(contest_flow, "draw", DRAWS[1])  # such an app drew with version 1
    records = device.honest_attempt()
    payload = _attempt(records)
    assert payload["contest_version"]
    # ... and sent neither the draw version nor the contest version.
    del payload["draw_version"], payload["contest_version"]
    answer = device.send(records)
    assert payload["id"] in answer["accepted"] and answer["flagged"] == []
    row, answers = _stored(province_server, payload["id"])
    assert row.draw_version == 1 and row.contest_version and answers == 20


def test_a_future_draw_version_is_refused(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["draw_version"] = 3
    reason = _refused(province_server, device, records, "draw_version_unknown")
    assert "cập nhật máy chủ" in reason["reason"]


def test_an_unknown_contest_version_is_refused(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["contest_version"] = "0123456789abcdef"
    _refused(province_server, device, records, "contest_version_unknown")


def _republish_with_other_quotas(server) -> None:
    """The province publishes the contest again, drawing 20 questions from any topic."""
    services = server.services
    contest = services.ingestor.contests()[CONTEST]
    changed = dataclasses.replace(
        contest, rules=dataclasses.replace(contest.rules, quotas=(), time_limit_minutes=20)
    )
    publish_contest(services.engine, services.key, changed)
    services.ingestor.forget()


def test_contest_republished_after_the_attempt_still_verifies(province_server, device):
    records = device.honest_attempt(right=17)
    version = _attempt(records)["contest_version"]
    _republish_with_other_quotas(province_server)
    answer = device.send(records)
    assert sorted(answer["accepted"]) == sorted(r["id"] for r in records)
    assert answer["flagged"] == []
    row, answers = _stored(province_server, _attempt(records)["id"])
    assert row.contest_version == version and row.server_score == 17 and answers == 20
    with province_server.services.engine.connect() as conn:
        versions = conn.execute(
            select(func.count())
            .select_from(db.contest_versions)
            .where(db.contest_versions.c.contest_id == CONTEST)
        ).scalar()
    assert versions == 2


def test_republished_contest_and_an_app_without_versions(province_server, device, monkeypatch):
    from skillsapp.engine.draw import DRAWS
    from skillsapp.flows import contest as contest_flow

    monkeypatch.setattr(contest_flow, "draw", DRAWS[1])  # an app from before draw versions
    records = device.honest_attempt()
    payload = _attempt(records)
    del payload["draw_version"], payload["contest_version"]
    _republish_with_other_quotas(province_server)
    answer = device.send(records)
    assert payload["id"] in answer["accepted"] and answer["flagged"] == []


def test_score_changed_alone_is_flagged_not_refused(province_server, device):
    records = device.honest_attempt(right=10)
    _attempt(records)["score"] = 20
    answer = device.send(records)
    assert answer["flagged"] == [records[1]["id"]] and answer["rejected"] == []
    row, answers = _stored(province_server, records[1]["id"])
    assert row.flagged and "chấm lại được 10/20" in row.flag_reason and answers == 20


def test_clock_set_back_during_the_attempt_is_flagged(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["clock_events"] = [
        {
            "clock_read": _iso(PLAYED_AT),
            "latest_seen": _iso(PLAYED_AT + datetime.timedelta(hours=1)),
        }
    ]
    answer = device.send(records)
    assert answer["flagged"] == [records[1]["id"]]
    row, _answers = _stored(province_server, records[1]["id"])
    assert row.flagged and "đồng hồ" in row.flag_reason


def test_duration_not_matching_the_times_is_flagged(province_server, device):
    records = device.honest_attempt()
    _attempt(records)["duration_ms"] = 30_000  # played 5 minutes, claims 30 s to win ties
    answer = device.send(records)
    assert answer["flagged"] == [records[1]["id"]] and answer["rejected"] == []


# --- Random mutations (Hypothesis): nothing forged is ever stored unflagged ----------------

_FORGERIES = (
    "score",
    "seed",
    "layout_order",
    "layout_drop",
    "layout_repeat",
    "option_order",
    "bad_option",
    "foreign_answer",
    "started_at",
    "submitted_at",
    "duration",
)
_HONEST = ("other_choice", "unanswered")  # still exactly what the seed draws and the rules allow


def test_answers_given_outside_the_attempt_times_are_flagged(province_server, device):
    """The attempt's start and submission moved an hour later together (the duration still
    agrees), but its answers still say when they were really given: flagged, not ranked."""
    records = device.honest_attempt()
    payload = _attempt(records)
    for name in ("started_at", "submitted_at"):
        moment = datetime.datetime.fromisoformat(payload[name])
        payload[name] = _iso(moment + datetime.timedelta(hours=1))
    province_server.services.clock = lambda: SERVER_NOW + datetime.timedelta(hours=1)
    answer = device.send(records)
    assert payload["id"] in answer["accepted"]
    row, answers = _stored(province_server, payload["id"])
    assert row.flagged and "ngoài thời gian làm bài" in row.flag_reason and answers == 20


def _mutate(payload: dict, bank: dict, mutation: str, data, shifts: dict) -> None:
    from hypothesis import strategies as st

    from skillsapp.engine.draw import layout_from_json
    from skillsapp.engine.scoring import score

    layout, answers = payload["layout"], payload["answers"]
    index = data.draw(st.integers(0, len(layout) - 1), label="index")
    shift = data.draw(
        st.integers(3, 3 * 86_400).map(lambda s: datetime.timedelta(seconds=s))
        | st.integers(-3 * 86_400, -3).map(lambda s: datetime.timedelta(seconds=s)),
        label="shift",
    )
    if mutation in _HONEST:
        if mutation == "other_choice":
            answer = answers[index]
            count = len(bank[answer["question_id"]].options)
            choice = data.draw(st.integers(0, count - 1).filter(lambda c: [c] != answer["chosen"]))
            answer["chosen"] = [choice]
        else:
            del answers[index]
        chosen = {a["question_id"]: a["chosen"] for a in answers}
        payload["score"], payload["max_score"] = score(layout_from_json(layout), chosen, bank)
    elif mutation == "score":
        payload["score"] += data.draw(st.sampled_from([-3, -1, 0.5, 1, 7]), label="delta")
    elif mutation == "seed":
        payload["seed"] += data.draw(st.integers(1, 10**6), label="seed delta")
    elif mutation == "layout_order":
        order = data.draw(st.permutations(range(len(layout))).filter(lambda p: p != sorted(p)))
        payload["layout"] = [layout[i] for i in order]
    elif mutation == "layout_drop":
        del layout[index]
    elif mutation == "layout_repeat":
        payload["layout"] = layout * data.draw(st.integers(2, 50), label="times")
    elif mutation == "option_order":
        slot = layout[index]
        slot[1] = data.draw(st.permutations(slot[1]).filter(lambda p: p != slot[1]))
    elif mutation == "bad_option":
        answers[index % len(answers)]["chosen"] = [data.draw(st.sampled_from([-1, 4, 5, 99]))]
    elif mutation == "foreign_answer":
        in_layout = {s[0] for s in layout}
        outside = sorted(q for q in bank if q not in in_layout)
        answers[index % len(answers)]["question_id"] = data.draw(st.sampled_from(outside))
    elif mutation in ("started_at", "submitted_at"):
        # Both times moved by (nearly) the same amount is an honest attempt moved by the PC's
        # clock, which no server can tell from a real one: then they must disagree by more
        # than the rounding the duration check allows (the server flags that).
        other = shifts.get("started_at" if mutation == "submitted_at" else "submitted_at")
        if other is not None and abs(shift - other) <= datetime.timedelta(seconds=3):
            shift = other + datetime.timedelta(seconds=4 if shift >= other else -4)
        shifts[mutation] = shift
        moment = datetime.datetime.fromisoformat(payload[mutation])
        payload[mutation] = _iso(moment + shift)
    elif mutation == "duration":
        payload["duration_ms"] = data.draw(
            st.integers(-(10**9), 10**9).filter(lambda d: abs(d - payload["duration_ms"]) > 2000)
        )


def test_random_mutations_are_refused_or_flagged_never_ranked_as_sent(province_server, tmp_path):
    """150 random examples on each backend: honest changes are accepted unflagged; anything
    else is refused, or stored flagged (and so never ranked until an organiser accepts it)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    device = HostileDevice(province_server, tmp_path)
    bank = province_server.services.ingestor.bank().by_id
    played = iter(range(10**6))

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        seed=st.integers(0, 2**31 - 1),
        mutations=st.lists(st.sampled_from(_HONEST + _FORGERIES), max_size=3, unique=True),
        data=st.data(),
    )
    def check(seed, mutations, data):
        # Everything drawn depends only on Hypothesis' own choices (a replayed example is the
        # same attempt); the name only keeps each example a new entrant with a fresh allowance.
        records = device.honest_attempt(
            name=f"Người thi {next(played)}", seed=seed, right=seed % 21
        )
        payload = _attempt(records)
        shifts: dict = {}
        for mutation in sorted(mutations, key=lambda m: m not in _HONEST):  # honest ones first
            _mutate(payload, bank, mutation, data, shifts)
        answer = device.send(records)
        row, answers = _stored(province_server, payload["id"])
        refused = any(r["id"] == payload["id"] for r in answer["rejected"])
        if set(mutations) <= set(_HONEST):
            assert payload["id"] in answer["accepted"] and not row.flagged, answer
            assert answers == len(payload["answers"])
        else:
            assert refused or (row is not None and row.flagged), (mutations, answer)
            assert refused == (row is None)

    check()
