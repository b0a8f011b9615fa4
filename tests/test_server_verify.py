"""Server schema step 004 (attempt verification) on a database made before it, on SQLite
and PostgreSQL: every published contest enters the version history, answers are re-keyed
by (attempt, question) without losing any, and the upgraded server verifies attempts."""

import contextlib
import json
import uuid

import pytest
from server_helpers import BACKENDS, postgres_database
from sqlalchemy import func, select, text

from skillsapp.content.serialize import contest_to_dict
from skillsapp.engine.draw import contest_version
from skillsapp.models import Contest, ContestRules, Round
from skillsapp.server import db, migrations
from skillsapp.server.ingest import Ingestor

pytest.importorskip("fastapi")


def _contest() -> Contest:
    import datetime

    opens = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
    return Contest(
        "thi-cu",
        "Thi cũ",
        ContestRules(questions_per_attempt=1),
        (Round("v1", "Vòng 1", opens, opens + datetime.timedelta(days=7)),),
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_database_from_before_step_004_is_upgraded_without_losing_answers(
    tmp_path, monkeypatch, backend
):
    sqlite = contextlib.nullcontext(f"sqlite:///{tmp_path / 'old.db'}")
    with postgres_database() if backend == "postgresql" else sqlite as url:
        engine = db.make_engine(url)
        monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:3])
        migrations.migrate(engine)
        monkeypatch.undo()
        contest = _contest()
        attempt_id = str(uuid.uuid4())
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO contests (id, data, signature, published_at) "
                    "VALUES (:id, :data, 's', '2026-12-01T00:00:00+00:00')"
                ),
                {"id": contest.id, "data": json.dumps(contest_to_dict(contest))},
            )
            conn.execute(
                text(
                    "INSERT INTO attempts (id, device_id, contest_id, round_id, seed, started_at, "
                    "submitted_at, score, max_score, flagged, duration_ms, data, received_at) "
                    "VALUES (:id, 'd', 'thi-cu', 'v1', 1, 'x', 'x', 1, 2, false, 1000, '{}', 'x')"
                ),
                {"id": attempt_id},
            )
            for answer_id, question in (("a1", "q1"), ("a2", "q2"), ("a3", "q2")):
                conn.execute(
                    text(
                        "INSERT INTO answers (id, attempt_id, question_id, chosen, mark) "
                        "VALUES (:id, :attempt, :question, '[0]', 1)"
                    ),
                    {"id": answer_id, "attempt": attempt_id, "question": question},
                )

        assert migrations.migrate(engine)[0] == "004_attempt_verification"  # later steps follow

        with engine.connect() as conn:
            versions = conn.execute(select(db.contest_versions)).all()
            answers = conn.execute(
                select(db.answers.c.question_id, db.answers.c.device_answer_id).order_by(
                    db.answers.c.question_id
                )
            ).all()
            attempt = conn.execute(select(db.attempts)).one()
        assert [(v.contest_id, v.version) for v in versions] == [
            ("thi-cu", contest_version(contest))
        ]
        # the old (device-id) keys allowed two answers to q2: the first one is kept
        assert [tuple(a) for a in answers] == [("q1", "a1"), ("q2", "a2")]
        assert attempt.draw_version is None and attempt.contest_version is None
        with engine.begin() as conn:  # (attempt, question) is the key now
            conn.execute(
                db.answers.insert().values(
                    attempt_id=attempt_id, question_id="q3", chosen="[1]", mark=0
                )
            )
            count = conn.execute(select(func.count()).select_from(db.answers)).scalar()
        assert count == 3
        assert "thi-cu" in Ingestor(engine).contest_versions()
        engine.dispose()
