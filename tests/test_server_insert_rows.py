"""The server's bulk insert (``insert_rows.insert_ignore_rows``): random rows, with every
character a text array literal would have to escape, numbers at the 32-bit limits, floats
that only round-trip exactly in full precision, and NULLs (a whole column of them too),
are stored exactly as given; a row whose key is already held is skipped and the held row
kept. On SQLite and PostgreSQL (binary arrays there). On PostgreSQL, ``copy_rows`` (binary
COPY) stores random answer rows exactly too, and the attempts INSERT returns the ids it
stored and only those."""

from __future__ import annotations

import contextlib
import random
import string
import sys
import uuid

import pytest
from server_helpers import BACKENDS, postgres_database

pytest.importorskip("sqlalchemy")
from sqlalchemy import select  # noqa: E402

from skillsapp.server import answer_rows, db, migrations  # noqa: E402
from skillsapp.server.insert_rows import copy_rows, insert_ignore_rows  # noqa: E402

# Characters a PostgreSQL array literal quotes or escapes, and some that need UTF-8.
AWKWARD = "\"\\{},; \t\n\r'NULL[]:()ệếđữ€𝄞🇻🇳"
ATTEMPT_COLUMNS = (
    "id",
    "device_id",
    "contest_id",
    "round_id",
    "registration_id",
    "seed",
    "started_at",
    "submitted_at",
    "score",
    "max_score",
    "server_score",
    "flagged",
    "flag_reason",
    "duration_ms",
    "prediction",
    "data",
    "received_at",
    "draw_version",
    "contest_version",
)


def _text(rng: random.Random, longest: int) -> str:
    alphabet = AWKWARD + string.ascii_letters + string.digits
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))


def _float(rng: random.Random) -> float:
    return rng.choice(
        [0.1, 1 / 3, -0.0, 1e-300, 2.5e300, sys.float_info.max, rng.uniform(-1e6, 1e6), 7.0]
    )


def _int32(rng: random.Random) -> int:
    return rng.choice([-(2**31), 2**31 - 1, 0, -1, rng.randint(-(2**31), 2**31 - 1)])


def _attempt(rng: random.Random, nulls: bool) -> tuple:
    def maybe(value):
        return None if nulls or rng.random() < 0.3 else value

    return (
        str(uuid.UUID(int=rng.getrandbits(128))),
        _text(rng, 36),
        _text(rng, 100),
        _text(rng, 100),
        maybe(_text(rng, 36)),
        _int32(rng),
        _text(rng, 40),
        _text(rng, 40),
        _float(rng),
        _float(rng),
        maybe(_float(rng)),
        rng.random() < 0.5,
        maybe(_text(rng, 200)),
        _int32(rng),
        maybe(_int32(rng)),
        _text(rng, 3000),
        _text(rng, 40),
        maybe(_int32(rng)),
        maybe(_text(rng, 64)),
    )


@contextlib.contextmanager
def _engine(backend: str, tmp_path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    with contextlib.ExitStack() as stack:
        if backend == "postgresql":
            url = stack.enter_context(postgres_database())
        engine = db.make_engine(url)
        migrations.migrate(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_random_rows_are_stored_exactly_and_held_keys_are_skipped(backend, tmp_path):
    rng = random.Random(2026)
    first = [_attempt(rng, nulls=False) for _ in range(150)]
    all_null = [_attempt(rng, nulls=True) for _ in range(20)]  # nullable columns all NULL
    answers = [
        (attempt[0], _text(rng, 100), rng.choice([None, _text(rng, 36)]), _text(rng, 40), m)
        for attempt in first
        for m in (_float(rng), None)
    ]
    answers = list({(a[0], a[1]): a for a in answers}.values())  # one row per key
    # A second batch: new rows, and rows whose keys are held with other values.
    again = [(old[0],) + new[1:] for old, new in zip(first[:30], all_null, strict=False)]
    second = [_attempt(rng, nulls=False) for _ in range(40)] + again
    with _engine(backend, tmp_path) as engine:
        with engine.begin() as conn:
            insert_ignore_rows(conn, db.attempts, ATTEMPT_COLUMNS, first)
            insert_ignore_rows(conn, db.attempts, ATTEMPT_COLUMNS, all_null)
            insert_ignore_rows(conn, db.answers, answer_rows.COLUMNS, answers)
        with engine.begin() as conn:
            insert_ignore_rows(conn, db.attempts, ATTEMPT_COLUMNS, second)
            insert_ignore_rows(conn, db.answers, answer_rows.COLUMNS, answers[:10])
        with engine.connect() as conn:
            columns = [db.attempts.c[name] for name in ATTEMPT_COLUMNS]
            stored = {tuple(row) for row in conn.execute(select(*columns))}
            stored_answers = {
                tuple(row)
                for row in conn.execute(select(*(db.answers.c[n] for n in answer_rows.COLUMNS)))
            }
    expected = {*first, *all_null, *second[:40]}
    assert {row[0] for row in stored} == {row[0] for row in expected}
    assert stored == expected
    assert stored_answers == set(answers)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="needs SKILLSAPP_TEST_POSTGRES_URL")
def test_copy_stores_random_answers_exactly_and_returning_names_the_stored(tmp_path):
    rng = random.Random(15)
    attempts = [_attempt(rng, nulls=False) for _ in range(60)]
    answers = {
        (attempt[0], _text(rng, 100)): rng.choice([None, _text(rng, 36)])
        for attempt in attempts[:40]  # the answers of the attempts stored first
        for _ in range(5)
    }
    rows = [
        (a, q, d, _text(rng, 40), rng.choice([None, _float(rng)])) for (a, q), d in answers.items()
    ]
    with _engine("postgresql", tmp_path) as engine:
        with engine.begin() as conn:
            stored = insert_ignore_rows(
                conn, db.attempts, ATTEMPT_COLUMNS, attempts[:40], returning="id"
            )
            copy_rows(conn, db.answers, answer_rows.COLUMNS, rows)
        with engine.begin() as conn:
            again = insert_ignore_rows(
                conn, db.attempts, ATTEMPT_COLUMNS, attempts[20:], returning="id"
            )
        with engine.connect() as conn:
            columns = (db.answers.c[n] for n in answer_rows.COLUMNS)
            held = {tuple(row) for row in conn.execute(select(*columns))}
    assert sorted(stored) == sorted(a[0] for a in attempts[:40])
    assert sorted(again) == sorted(a[0] for a in attempts[40:])
    assert held == set(rows)
