"""A round's attempts as the exports stream them (``reports.round_attempts``), checked
against a plain reading of the database, one query per attempt, on random rounds with
the awkward cases: answers missing, left blank, marked NULL or outside the layout,
attempts without answers or registration, other rounds, kinds and states, ties."""

import datetime
import json
import random
import uuid

import pytest

from skillsapp.content.install import ensure_bundled_content
from skillsapp.engine.statistics import (
    AnsweredQuestion,
    AttemptAnswers,
    StatisticsBuilder,
    question_statistics,
)
from skillsapp.reports import round_attempts, round_data
from skillsapp.reports.cells import ExcelDateTime

CONTEST = "tim-hieu-chuyen-doi-so-2026"
NOW = datetime.datetime(2027, 1, 10, tzinfo=datetime.UTC)
CHOICES = ["[]", "[0]", "[1]", "[2]", "[3]", "[0, 2]", "[1, 3]", "[5]", "[6]"]
MARKS = [None, 0.0, 1.0, 0.5, 1 / 3, 2 / 3]
TIMES = ["2026-12-08T02:00:00+00:00", "2026-12-08T09:00:00+07:00", "2026-12-08T03:30:15.250000"]


def fill(store, rng: random.Random, attempts: int) -> None:
    """Attempts straight into the tables, as PCs may have sent them."""
    ensure_bundled_content(store)
    profile = store.profiles.create("Người dự thi")
    questions = sorted(store.content.question_bank().by_id)[:12]
    db = store.db.conn
    with store.db.atomic():
        for n in range(attempts):
            registration = str(uuid.uuid4())
            if rng.random() < 0.85:
                db.execute(
                    "INSERT INTO registrations (id, profile_id, contest_id, full_name, id_number, "
                    "phone, province_code, commune_code, complete, created_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [
                        registration,
                        profile.id,
                        CONTEST,
                        rng.choice(["Nguyễn Văn An", "=1+1", "Trần Thị Bình", ""]),
                        f"0010800{n:05d}",
                        "0912345678",
                        "01",
                        rng.choice(["00070", "00004", "99999", None]),
                        1,
                        TIMES[0],
                    ],
                )
            elif rng.random() < 0.5:
                registration = None  # a practice-like attempt with no registration
            layout = [[qid, [0, 1, 2, 3]] for qid in rng.sample(questions, rng.randint(0, 6))]
            attempt = str(uuid.uuid4())
            submitted = (
                rng.choice(TIMES[:2])
                if rng.random() < 0.3
                else (f"2026-12-08T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+00:00")
            )
            db.execute(
                "INSERT INTO attempts (id, profile_id, kind, contest_id, round_id, registration_id, "
                "seed, layout, time_limit_s, started_at, deadline_at, submitted_at, status, score, "
                "max_score, duration_ms, prediction, clock_events, device_id, created_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    attempt,
                    profile.id,
                    "contest" if rng.random() < 0.9 else "practice",
                    CONTEST,
                    "tuan-1" if rng.random() < 0.85 else "tuan-2",
                    registration,
                    n,
                    None if rng.random() < 0.05 else json.dumps(layout),
                    1200,
                    rng.choice(TIMES),
                    None,
                    submitted,
                    "submitted" if rng.random() < 0.9 else "in_progress",
                    rng.choice([None, 0.0, 3.5, 6.0]),
                    rng.choice([None, 6.0]),
                    rng.choice([None, 0, 61_234, 600_000]),
                    rng.choice([None, 0, 4]),
                    "[]",
                    store.device_id,
                    TIMES[0],
                ],
            )
            shown = [entry[0] for entry in layout]
            answered = [q for q in shown if rng.random() < 0.8]
            answered += [q for q in questions if q not in shown and rng.random() < 0.1]
            for qid in answered:
                db.execute(
                    "INSERT INTO answers (id, attempt_id, question_id, position, chosen, mark, "
                    "answered_at, elapsed_ms, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    [
                        str(uuid.uuid4()),
                        attempt,
                        qid,
                        0,
                        rng.choice(CHOICES),
                        rng.choice(MARKS),
                        rng.choice(TIMES + [""]),
                        rng.choice([None, 0, 12_345]),
                        TIMES[0],
                    ],
                )


def local(iso: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment + round_data._LOCAL_OFFSET


def shown_letters(raw: str) -> str:
    return ", ".join("ABCDEF"[i] if i < 6 else str(i + 1) for i in json.loads(raw))


def plain_reading(store):
    """Each counted attempt, its registration and its answers, one query at a time."""
    db = store.db
    found = []
    for row in db.execute(
        "SELECT id, registration_id, started_at, submitted_at, score, max_score, duration_ms, "
        "prediction, layout FROM attempts WHERE contest_id = ? AND round_id = 'tuan-1' AND "
        "kind = 'contest' AND status = 'submitted' ORDER BY submitted_at, id",
        [CONTEST],
    ).fetchall():
        person = db.execute(
            "SELECT full_name, commune_code FROM registrations WHERE id = ?", [row[1]]
        ).fetchone() or (None, None)
        answers = {
            a[0]: a[1:]
            for a in db.execute(
                "SELECT question_id, chosen, mark, answered_at, elapsed_ms FROM answers "
                "WHERE attempt_id = ?",
                [row[0]],
            )
        }
        shown = [entry[0] for entry in json.loads(row[8] or "[]")]
        found.append((row, person, shown, answers))
    return found


def expected_attempt_rows(store) -> list[list]:
    rows = []
    for row, person, shown, answers in plain_reading(store):
        line = [
            row[0],
            person[0] or "",
            round_data.commune_name(person[1]),
            local(row[2]),
            local(row[3]),
            float(row[4] or 0),
            float(row[5] or 0),
            round((row[6] or 0) / 1000, 1),
            row[7],
        ]
        for qid in shown:
            chosen, mark, _when, _elapsed = answers.get(qid, ("[]", None, "", None))
            line += [qid, shown_letters(chosen), 0.0 if mark is None else mark]
        rows.append(line)
    return rows


def expected_answer_rows(store) -> list[list]:
    rows = []
    for row, person, shown, answers in plain_reading(store):
        for position, qid in enumerate(shown, start=1):
            chosen, mark, when, elapsed = answers.get(qid, ("[]", None, "", None))
            rows.append(
                [
                    row[0],
                    person[0] or "",
                    position,
                    qid,
                    shown_letters(chosen),
                    0.0 if mark is None else mark,
                    local(when) if when else "",
                    "" if elapsed is None else round(elapsed / 1000, 1),
                ]
            )
    return rows


def expected_statistics(store):
    attempts = []
    for row, _person, shown, answers in plain_reading(store):
        answered = []
        for qid in shown:
            chosen, mark, _when, elapsed = answers.get(qid, ("[]", None, "", None))
            answered.append(
                AnsweredQuestion(qid, float(mark or 0.0), tuple(json.loads(chosen)), elapsed)
            )
        attempts.append(AttemptAnswers(row[0], float(row[4] or 0), answered))
    return question_statistics(attempts)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streamed_attempts_match_a_plain_reading_of_the_database(store, seed):
    fill(store, random.Random(seed), 120)
    report = round_data.load_round(store, CONTEST, "tuan-1", NOW)
    statistics = StatisticsBuilder()
    rows = list(round_attempts.attempt_rows(store, report, statistics))
    expected = expected_attempt_rows(store)
    assert len(rows) > 50
    assert rows == expected
    assert all(type(row[3]) is ExcelDateTime and type(row[4]) is ExcelDateTime for row in rows)
    assert list(round_attempts.answer_rows(store, report)) == expected_answer_rows(store)
    assert statistics.result() == expected_statistics(store)
    # The attempts as objects, for the statistics of the CSV export: the same figures.
    streamed = question_statistics(
        round_data.answered_of(a) for a in round_attempts.iter_attempts(store, report)
    )
    assert streamed == expected_statistics(store)


def test_an_attempt_without_any_answer_keeps_its_row_and_the_next_ones_their_answers(store):
    fill(store, random.Random(7), 30)
    report = round_data.load_round(store, CONTEST, "tuan-1", NOW)
    emptied = [row[0] for row, _p, shown, _a in plain_reading(store) if shown][::3]
    store.db.conn.executemany(
        "DELETE FROM answers WHERE attempt_id = ?", [[attempt] for attempt in emptied]
    )
    rows = list(round_attempts.attempt_rows(store, report))
    assert rows == expected_attempt_rows(store)
    for row in rows:
        if row[0] in emptied:
            assert row[10::3] == [""] * ((len(row) - 9) // 3)
