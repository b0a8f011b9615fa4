"""Answer rows built in one pass (``server/answer_rows.py``): the same rows and score as
marking every answer with the engine, and a device's bad answer id refused or dropped as
before, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest
from hostile import HostileDevice
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from skillsapp.engine.draw import Slot
from skillsapp.engine.scoring import mark, score
from skillsapp.models import Contest, ContestRules, Question, Round
from skillsapp.server import db
from skillsapp.server.answer_rows import COLUMNS, AnswerMarks, check_rows
from skillsapp.server.verify import Verified
from skillsapp.server.verify_times import RecordProblem

pytest.importorskip("fastapi")

NOW = datetime.datetime(2026, 12, 8, tzinfo=datetime.UTC)
CONTEST = Contest("thi", "Thi", ContestRules(), (Round("v1", "Vòng 1", NOW, NOW),))


@st.composite
def attempts(draw):
    """A layout of questions (one or several right options, some with per-option credit)
    and answers to some of them, in another order than the layout's."""
    count = draw(st.integers(min_value=1, max_value=12))
    questions = {}
    for n in range(count):
        options = draw(st.integers(min_value=2, max_value=6))
        correct = tuple(
            sorted(draw(st.sets(st.integers(0, options - 1), min_size=1, max_size=options)))
        )
        weights = ()
        if draw(st.booleans()) and len(correct) > 1:
            weights = tuple(
                float(draw(st.sampled_from([-50, 0, 25, 33.333, 50, 100]))) for _ in range(options)
            )
        qid = f"q{n}"
        questions[qid] = Question(
            qid, "t", "easy", "?", tuple("abcdef"[:options]), correct, "", weights=weights
        )
    layout = tuple(Slot(qid, tuple(range(len(q.options)))) for qid, q in questions.items())
    answered = draw(st.permutations(list(questions)))[: draw(st.integers(0, count))]
    answers = {
        qid: draw(
            st.lists(st.integers(0, len(questions[qid].options) - 1), unique=True, max_size=4)
        )
        for qid in answered
    }
    items = [
        {"id": f"a-{qid}", "question_id": qid, "chosen": chosen} for qid, chosen in answers.items()
    ]
    verified = Verified(CONTEST, "v", 2, CONTEST.rounds[0], layout, answers, questions, NOW, NOW)
    return items, verified


@settings(max_examples=300, deadline=None)
@given(attempts(), st.booleans())
def test_rows_and_score_are_what_marking_each_answer_gives(attempt, partial):
    items, verified = attempt
    marks = AnswerMarks()
    for _ in range(2):  # the second time from the remembered marks
        rows, total, maximum = marks.rows("attempt-1", items, verified, partial)
        assert (total, maximum) == score(
            verified.layout, verified.answers, verified.questions, partial
        )
        assert rows == [
            (
                "attempt-1",
                item["question_id"],
                item["id"],
                json.dumps(sorted(item["chosen"])),
                mark(verified.questions[item["question_id"]], item["chosen"], partial),
            )
            for item in items
        ]
        assert all(len(row) == len(COLUMNS) for row in rows)


def test_a_changed_question_is_marked_again_not_from_memory():
    """The server reloads its questions every minute: a question published again with
    another right option gets a new object, and its mark is computed afresh."""
    question = Question("q1", "t", "easy", "?", ("a", "b", "c"), (0,), "")
    items = [{"id": "a1", "question_id": "q1", "chosen": [0]}]
    layout = (Slot("q1", (0, 1, 2)),)

    def verified(q):
        return Verified(
            CONTEST, "v", 2, CONTEST.rounds[0], layout, {"q1": [0]}, {"q1": q}, NOW, NOW
        )

    marks = AnswerMarks()
    assert marks.rows("x", items, verified(question), False)[1] == 1.0
    changed = dataclasses.replace(question, correct=(1,))
    rows, total, _maximum = marks.rows("x", items, verified(changed), False)
    assert total == 0.0 and rows[0][4] == 0.0


def test_an_answer_id_that_is_not_short_text_is_stored_as_none():
    layout = (Slot("q1", (0, 1)), Slot("q2", (0, 1)), Slot("q3", (0, 1)))
    questions = {
        s.question_id: Question(s.question_id, "t", "easy", "?", ("a", "b"), (0,), "")
        for s in layout
    }
    items = [
        {"id": "x" * 37, "question_id": "q1", "chosen": [0]},
        {"id": 12345, "question_id": "q2", "chosen": [1]},
        {"question_id": "q3", "chosen": []},
    ]
    answers = {i["question_id"]: i["chosen"] for i in items}
    verified = Verified(CONTEST, "v", 2, CONTEST.rounds[0], layout, answers, questions, NOW, NOW)
    rows, total, maximum = AnswerMarks().rows("x", items, verified, False)
    assert [row[2] for row in rows] == [None, None, None]
    assert [row[3] for row in rows] == ["[0]", "[1]", "[]"]
    assert (total, maximum) == (1.0, 3.0)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("a", "q\x00", None, "[0]", 1.0), "Trường 'question_id' chứa ký tự NUL."),
        (("a", "q" * 101, None, "[0]", 1.0), "Trường 'question_id' dài quá 100 ký tự."),
        (("a", "q", "id\x00", "[0]", 1.0), "Trường 'device_answer_id' chứa ký tự NUL."),
        (
            ("a", "q", None, "[" + ", ".join(map(str, range(14))) + "]", 1.0),
            "Trường 'chosen' dài quá 40 ký tự.",
        ),
    ],
)
def test_a_value_its_column_cannot_hold_is_refused_saying_which(row, reason):
    check_rows([("a", "q", "ok", "[0]", 1.0)])  # a good row passes
    with pytest.raises(RecordProblem) as refused:
        check_rows([("a", "q", "ok", "[0]", 1.0), row])
    assert refused.value.reason == reason and refused.value.code == "invalid_field"


def test_a_nul_in_an_answer_id_refuses_that_attempt_only(province_server, tmp_path):
    """PostgreSQL cannot store a NUL: the attempt is refused with a reason, the rest of the
    batch (its registration) is stored, and nothing of the attempt is."""
    device = HostileDevice(province_server, tmp_path)
    registration, attempt = device.honest_attempt(right=10)
    attempt["payload"]["answers"][3]["id"] = "id\x00x"
    answer = device.send([registration, attempt])
    assert answer["accepted"] == [registration["id"]]
    assert [(r["id"], r["code"]) for r in answer["rejected"]] == [(attempt["id"], "invalid_field")]
    assert "device_answer_id" in answer["rejected"][0]["reason"]
    with province_server.services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.attempts)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(db.answers)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(db.registrations)).scalar() == 1


def test_honest_answers_are_stored_with_their_marks(province_server, tmp_path):
    device = HostileDevice(province_server, tmp_path)
    registration, attempt = device.honest_attempt(right=12)
    attempt["payload"]["answers"][0]["id"] = "x" * 40  # too long for the column: dropped
    answer = device.send([registration, attempt])
    assert sorted(answer["accepted"]) == sorted([registration["id"], attempt["id"]])
    with province_server.services.engine.connect() as conn:
        rows = conn.execute(select(db.answers)).all()
        stored = conn.execute(select(db.attempts.c.server_score)).scalar()
    sent = {a["question_id"]: a for a in attempt["payload"]["answers"]}
    assert len(rows) == len(sent) and stored == 12
    assert sum(r.mark for r in rows) == 12
    for row in rows:
        item = sent[row.question_id]
        assert row.chosen == json.dumps(sorted(item["chosen"]))
        expected_id = None if len(item["id"]) > 36 else item["id"]
        assert row.device_answer_id == expected_id
