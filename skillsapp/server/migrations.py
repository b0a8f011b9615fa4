"""The server's schema changes: numbered steps recorded in ``schema_steps``, each run in
its own transaction, under a lock so two processes starting together don't both apply it.
A new database and an upgraded one go through the same steps, so their histories match.

>>> migrate(engine)        # doctest: +SKIP
['014_round_views']
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection

from skillsapp.server.db import (
    answers,
    audit_log,
    contest_versions,
    entrant_reviews,
    metadata,
    personal_data_key,
    ranking_generations,
    round_bests,
    schema_steps,
    sign_in_accounts,
    sign_in_failures,
)

log = logging.getLogger(__name__)


# Tables made by a later step: step 001 must not create them, or a new database and an
# upgraded one would end up with different histories.
_LATER_TABLES = {
    "schema_steps",
    "audit_log",
    "contest_versions",
    "personal_data_key",
    "entrant_reviews",
    "sign_in_failures",
    "sign_in_accounts",
    "round_bests",
}


def _step_001_initial(conn: Connection) -> None:
    names = [
        t for t in metadata.sorted_tables if t.name not in _LATER_TABLES and t.name != "answers"
    ]
    metadata.create_all(conn, tables=names)
    # Step 001's own answers table, as it was: step 004 rebuilds it keyed by (attempt, question).
    conn.execute(
        text(
            "CREATE TABLE answers (id VARCHAR(36) NOT NULL PRIMARY KEY, "
            "attempt_id VARCHAR(36) NOT NULL REFERENCES attempts (id), "
            "question_id VARCHAR(100) NOT NULL, chosen VARCHAR(40) NOT NULL, mark FLOAT)"
        )
    )
    for name in ("draw_version", "contest_version"):
        conn.execute(text(f"ALTER TABLE attempts DROP COLUMN {name}"))


def _step_002_indexes(conn: Connection) -> None:
    # Plain SQL: an Index object would attach itself to the shared table metadata.
    for statement in (
        "CREATE INDEX IF NOT EXISTS ix_attempts_round ON attempts (contest_id, round_id)",
        "CREATE INDEX IF NOT EXISTS ix_answers_attempt ON answers (attempt_id)",
        "CREATE INDEX IF NOT EXISTS ix_registrations_contest ON registrations (contest_id)",
    ):
        conn.execute(text(statement))


def _step_003_audit(conn: Connection) -> None:
    audit_log.create(conn)


def _step_004_attempt_verification(conn: Connection) -> None:
    """Contest version history, each attempt's draw and contest version, and answers keyed
    by (attempt, question) instead of the device's answer id."""
    from skillsapp.server.publish import record_contest_version

    contest_versions.create(conn)
    for row in conn.execute(text("SELECT data, published_at FROM contests")).all():
        record_contest_version(conn, row.data, row.published_at)
    conn.execute(text("ALTER TABLE attempts ADD COLUMN draw_version INTEGER"))
    conn.execute(text("ALTER TABLE attempts ADD COLUMN contest_version VARCHAR(64)"))
    conn.execute(text("ALTER TABLE answers RENAME TO answers_003"))
    if conn.dialect.name == "postgresql":  # the new table's key index takes the old name
        conn.execute(
            text("ALTER TABLE answers_003 RENAME CONSTRAINT answers_pkey TO answers_003_pkey")
        )
    conn.execute(text("DROP INDEX IF EXISTS ix_answers_attempt"))
    answers.create(conn)
    # An old attempt holding two answers to one question keeps the first one stored.
    ignore = "OR IGNORE " if conn.dialect.name == "sqlite" else ""
    conflict = " ON CONFLICT DO NOTHING" if conn.dialect.name == "postgresql" else ""
    conn.execute(
        text(
            f"INSERT {ignore}INTO answers (attempt_id, question_id, device_answer_id, chosen, mark) "
            f"SELECT attempt_id, question_id, id, chosen, mark FROM answers_003 ORDER BY id{conflict}"
        )
    )
    conn.execute(text("DROP TABLE answers_003"))
    # Attempt limits count a registration's attempts in a round for every batch.
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_attempts_registration "
            "ON attempts (registration_id, contest_id, round_id)"
        )
    )


def _step_005_attempt_review(conn: Connection) -> None:
    # Step 001 creates tables from the current metadata, so a database made after this
    # step was written already has the columns: add only what is missing.
    present = {c["name"] for c in inspect(conn).get_columns("attempts")}
    for name, kind in (
        ("review_status", "VARCHAR(20)"),
        ("reviewed_by", "VARCHAR(40)"),
        ("reviewed_at", "VARCHAR(40)"),
        ("review_reason", "TEXT"),
    ):
        if name not in present:
            conn.execute(text(f"ALTER TABLE attempts ADD COLUMN {name} {kind}"))


_STEP_006_COLUMNS = (
    ("id_number_sealed", "VARCHAR(120)"),
    ("phone_sealed", "VARCHAR(120)"),
    ("id_hash", "VARCHAR(64)"),
    ("updated_at", "VARCHAR(40)"),
    ("entrant_key", "VARCHAR(100)"),
    ("flagged", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("flag_reason", "VARCHAR(200)"),
    ("review", "VARCHAR(10)"),
)


def _step_006_entrant_scope_and_encryption(conn: Connection) -> None:
    """Registration columns for the scope and conflict rules, and ID numbers and phones
    sealed in place: existing clear values are sealed, hashed, then their columns dropped.
    A database made by step 001 today already has the new columns (step 001 builds the
    tables as they are now), so each column is added only where it is missing."""
    from skillsapp.server.personal_data import vault_for

    present = {c["name"] for c in inspect(conn).get_columns("registrations")}
    for name, kind in _STEP_006_COLUMNS:
        if name not in present:
            conn.execute(text(f"ALTER TABLE registrations ADD COLUMN {name} {kind}"))
    if "id_number" in present:
        rows = conn.execute(
            text(
                "SELECT id, id_number, phone FROM registrations "
                "WHERE id_number IS NOT NULL OR phone IS NOT NULL"
            )
        ).all()
        if rows:
            vault = vault_for(conn)  # a clear error if the server has no key loaded
            conn.execute(
                text(
                    "UPDATE registrations SET id_number_sealed = :id_sealed, "
                    "phone_sealed = :phone_sealed, id_hash = :id_hash WHERE id = :id"
                ),
                [
                    {
                        "id": row.id,
                        "id_sealed": vault.seal(row.id_number),
                        "phone_sealed": vault.seal(row.phone),
                        "id_hash": vault.match_hash(row.id_number),
                    }
                    for row in rows
                ],
            )
        conn.execute(text("ALTER TABLE registrations DROP COLUMN id_number"))
        conn.execute(text("ALTER TABLE registrations DROP COLUMN phone"))
    # Until now one ID number was one entrant however many PCs claimed it.
    conn.execute(
        text(
            "UPDATE registrations SET entrant_key = CASE WHEN id_hash IS NULL THEN id "
            "ELSE 'id:' || id_hash END WHERE entrant_key IS NULL"
        )
    )
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_registrations_id_hash "
            "ON registrations (contest_id, id_hash)"
        )
    )
    personal_data_key.create(conn, checkfirst=True)
    entrant_reviews.create(conn, checkfirst=True)


def _step_007_sign_in_guard(conn: Connection) -> None:
    sign_in_failures.create(conn)
    sign_in_accounts.create(conn)
    for statement in (
        "CREATE INDEX IF NOT EXISTS ix_sign_in_failures_user ON sign_in_failures (username, at)",
        "CREATE INDEX IF NOT EXISTS ix_sign_in_failures_address ON sign_in_failures (address, at)",
    ):
        conn.execute(text(statement))


def _step_012_ranking_generations(conn: Connection) -> None:
    """The rankings' generation counters (rankings.py), and an index holding what a
    round's ranking reads of every attempt, so it never reads the attempts' rows (each holds
    its whole payload)."""
    ranking_generations.create(conn, checkfirst=True)
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_attempts_round_ranking ON attempts "
            "(contest_id, round_id, registration_id, flagged, review_status, server_score, "
            "score, duration_ms, max_score, submitted_at, prediction, device_id, flag_reason, id)"
        )
    )


def _step_013_round_bests(conn: Connection) -> None:
    """Each entrant's counting attempt per round (round_bests.py), filled from the
    attempts already held, and the indexes its upkeep looks entrants up by."""
    from skillsapp.server import round_bests as bests

    round_bests.create(conn)
    for statement in (
        "CREATE INDEX IF NOT EXISTS ix_round_bests_registration ON round_bests (registration_id)",
        "CREATE INDEX IF NOT EXISTS ix_registrations_entrant "
        "ON registrations (contest_id, entrant_key)",
    ):
        conn.execute(text(statement))
    bests.rebuild(conn)


def _step_014_round_views(conn: Connection) -> None:
    """What a round page and a ranking export read without a pass over every entrant
    (round_ranks.py): each registration's masked ID number and phone beside the sealed
    ones (filled here for the rows held, by opening them once: the same forms a view made
    by opening them, ``rankings.masked_form``), and an index of the attempts awaiting
    review only (a few among 100,000; every view counts them first, which read the round's
    whole index before). The index predicate is written as each database's queries spell
    ``review.awaiting_review()``, so that the planner can use it."""
    from skillsapp.server.personal_data import vault_for
    from skillsapp.server.rankings import masked_form

    present = {c["name"] for c in inspect(conn).get_columns("registrations")}
    for name in ("id_number_masked", "phone_masked"):
        if name not in present:
            conn.execute(text(f"ALTER TABLE registrations ADD COLUMN {name} VARCHAR(120)"))
    rows = conn.execute(
        text(
            "SELECT id, id_number_sealed, phone_sealed FROM registrations WHERE "
            "(id_number_sealed IS NOT NULL AND id_number_masked IS NULL) OR "
            "(phone_sealed IS NOT NULL AND phone_masked IS NULL)"
        )
    ).all()
    if rows:
        vault = vault_for(conn)
        conn.execute(
            text(
                "UPDATE registrations SET id_number_masked = :id_masked, "
                "phone_masked = :phone_masked WHERE id = :id"
            ),
            [
                {
                    "id": row.id,
                    "id_masked": masked_form(vault.open(row.id_number_sealed), "id"),
                    "phone_masked": masked_form(vault.open(row.phone_sealed), "phone"),
                }
                for row in rows
            ],
        )
    flagged = "flagged" if conn.dialect.name == "postgresql" else "flagged = 1"
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_attempts_awaiting ON attempts (contest_id, round_id) "
            f"WHERE {flagged} AND review_status IS NULL"
        )
    )


STEPS: list[tuple[str, Callable[[Connection], None]]] = [
    ("001_initial", _step_001_initial),
    ("002_indexes", _step_002_indexes),
    ("003_audit", _step_003_audit),
    ("004_attempt_verification", _step_004_attempt_verification),
    ("005_attempt_review", _step_005_attempt_review),
    ("006_entrant_scope_and_encryption", _step_006_entrant_scope_and_encryption),
    ("007_sign_in_guard", _step_007_sign_in_guard),
    ("012_ranking_generations", _step_012_ranking_generations),
    ("013_round_bests", _step_013_round_bests),
    ("014_round_views", _step_014_round_views),
]


def migrate(engine: Engine) -> list[str]:
    """Apply pending steps; returns the names applied. Safe with several processes."""
    from skillsapp.storage.ids import utc_now_iso

    applied: list[str] = []
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(724201)"))  # one migrator at a time
        schema_steps.create(conn, checkfirst=True)
    for name, step in STEPS:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(724201)"))
            done = conn.execute(schema_steps.select().where(schema_steps.c.name == name)).first()
            if done:
                continue
            step(conn)
            conn.execute(schema_steps.insert().values(name=name, applied_at=utc_now_iso()))
            applied.append(name)
            log.info("server schema step %s applied", name)
    return applied
